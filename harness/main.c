// SPDX-License-Identifier: GPL-2.0
/*
 * dmabench: benchmarks and characterizes DMA buffer strategies.
 * Only this file prints results and chooses exit codes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dmabench.h"
#include "tool.h"
#include "../analysis/compare.h"
#include "../analysis/crossover.h"
#include "../analysis/export.h"
#include "../analysis/fleet.h"
#include "../analysis/import.h"
#include "env.h"
#include "journal.h"
#include "options.h"
#include "../analysis/plot.h"
#include "oracle.h"
#include "peak.h"
#include "report.h"
#include "timer.h"
#include "workload.h"
#include "../strategies/user.h"

#define RESULTS_DIR "results"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: dmabench COMMAND [options]\n\n"
		"Benchmarks DMA buffer strategies (uncached, wc, cached-sync, full-flush,\n"
		"coherent, and the cached-nosync control) on capture-like workloads.\n\n"
		"commands:\n"
		"  run [options]        run the matrix and write JSON results (run --help)\n"
		"  recover JOURNAL [-o FILE] [--keep] [--json]\n"
		"                       the result file of a run that stopped without writing one\n"
		"                       (a crash, kill -9, a power cut), from its journal\n"
		"                       (RESULT.partial): what finished, and what was in flight\n"
		"  list [--events] [--json]  strategies, workloads, patterns and events:\n"
		"                       available or why not (--events: every event known here)\n"
		"  info [--json]        the environment fingerprint\n"
		"  compare BASE NEW... [--threshold PCT] [--format text|markdown|json] [--json]\n"
		"                       result files told apart, each NEW against BASE: medians,\n"
		"                       ratio, Mann-Whitney p, verdict; exit 1 on a regression\n"
		"  crossover RESULT [--json]\n"
		"                       per workload and pattern, the frame size from which one\n"
		"                       configuration's cpu_cost is below another's, beyond the\n"
		"                       run's noise floor (run prints the pairs that cross)\n"
		"  plot RESULT... [-o DIR] [--format png|svg] [--report]\n"
		"                       figures with gnuplot (plots/*.gp); --report: DIR/report.md\n"
		"  report RESULT... [-o DIR] [--format md|html]\n"
		"                       a fleet's files, boards x kernels: per configuration the\n"
		"                       medians, integrity and verdicts against each board's\n"
		"                       oldest kernel, trend figures; DIR/report.md (and .html)\n"
		"  export RESULT --format lava|junit|csv|console [-o FILE]\n"
		"                       for board farms and CI: LAVA test case lines, JUnit XML,\n"
		"                       CSV (a row per configuration and phase), or the file\n"
		"                       gzip+base64 between markers, to carry it over a console\n"
		"  import LOG... [-o DIR]\n"
		"                       the result files an export --format console printed, back\n"
		"                       out of console logs (- for stdin), byte for byte, into DIR\n"
		"                       (default results/imported/; import --help)\n"
		"  help                 this text\n\n"
		"Exit codes: 0 ok, 1 the work failed (run: a configuration failed, or one\n"
		"other than the cached-nosync control saw stale or corrupt data), 2 bad usage\n"
		"or input, 3 a needed resource is missing (run: no space for the results, or\n"
		"they could not be written where asked; stderr says where they went), 4\n"
		"unsupported here, 130 interrupted.\n");
}

static int fail(int code, const char *cmd, const char *msg)
{
	fprintf(stderr, "dmabench%s%s: %s\n", cmd ? " " : "", cmd ? cmd : "", msg);
	return code;
}

static int json_flag_only(int argc, char **argv, const char *cmd, int *json)
{
	int i;

	*json = 0;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			*json = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: dmabench %s [--json]\n", cmd);
			return 1;
		} else {
			char msg[DMAB_ERRLEN];

			snprintf(msg, sizeof(msg), "unexpected argument '%s' (usage: dmabench %s "
				 "[--json])", argv[i], cmd);
			return fail(-DMAB_EXIT_USAGE, cmd, msg);
		}
	}
	return 0;
}

static void print_json(const json_t *j)
{
	dmab_json_dumpf(j, stdout);
	putchar('\n');
}

static int validate_registry(void)
{
	const char *why;

	if (dmab_strategies_validate(dmab_strategies, dmab_strategy_count, &why)) {
		fprintf(stderr, "dmabench: internal error in the strategy tables: %s\n", why);
		return -1;
	}
	return 0;
}

/* One event as `list` shows it: probed by opening it and reading it. */
static json_t *event_json(const char *name)
{
	struct dmab_event e;
	uint64_t count;
	int ok;

	if (dmab_counters_probe(&e, name, &count))
		return NULL;
	ok = e.status == DMAB_COUNTER_OK;
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "event", e.name, "status", dmab_counter_status_names[e.status],
			 "errno", e.err ? json_integer(e.err) : json_null(),
			 "errno_name", e.err && dmab_errno_name(e.err) ?
			 json_string(dmab_errno_name(e.err)) : json_null(),
			 "reason", e.reason[0] ? json_string(e.reason) : json_null(),
			 "encoding", e.encoding[0] ? json_string(e.encoding) : json_null(),
			 "kernel_counted", ok ? json_boolean(e.kernel_counted) : json_null(),
			 "method", ok ? json_string(dmab_read_method_names[e.method]) : json_null(),
			 "method_note", ok && e.method_note[0] ? json_string(e.method_note) :
			 json_null(),
			 "probe_count", ok ? json_integer((json_int_t)count) : json_null());
}

static int add_known_event(const char *name, void *arg)
{
	json_t *e = event_json(name);

	if (!e)
		return -ENOMEM;
	json_array_append_new(arg, e);
	return 0;
}

/* The default set, then with @all every event libpfm4 knows for the PMUs here. */
static json_t *events_json(int all)
{
	const char *names[DMAB_MAX_EVENTS];
	json_t *arr = json_array();
	size_t n, i;

	dmab_counters_defaults(names, &n);
	for (i = 0; i < n; i++)
		add_known_event(names[i], arr);
	if (all)
		dmab_counters_for_each_known(add_known_event, arr);
	return arr;
}

static void print_events(json_t *events, int all)
{
	json_t *v;
	size_t i;

	printf("events (each probed here: opened, read as a run reads it, closed):\n");
	json_array_foreach(events, i, v) {
		const char *status = json_string_value(json_object_get(v, "status"));

		printf("  %-36s %-13s ", json_string_value(json_object_get(v, "event")), status);
		if (!strcmp(status, "ok"))
			printf("%s, %s, %lld in a short loop\n",
			       json_string_value(json_object_get(v, "method")),
			       json_is_true(json_object_get(v, "kernel_counted")) ?
			       "kernel counted" : "user space only",
			       json_integer_value(json_object_get(v, "probe_count")));
		else
			printf("%s\n", json_string_value(json_object_get(v, "reason")));
	}
	if (!all)
		printf("  (dmabench list --events: every event libpfm4 knows for the PMUs here)\n");
}

static int list_args(int argc, char **argv, int *json, int *all)
{
	int i;

	*json = *all = 0;
	for (i = 1; i < argc; i++) {
		char msg[DMAB_ERRLEN];

		if (!strcmp(argv[i], "--json")) {
			*json = 1;
		} else if (!strcmp(argv[i], "--events")) {
			*all = 1;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: dmabench list [--events] [--json]\n");
			return 1;
		} else {
			snprintf(msg, sizeof(msg), "unexpected argument '%s' (usage: dmabench list "
				 "[--events] [--json])", argv[i]);
			return fail(-DMAB_EXIT_USAGE, "list", msg);
		}
	}
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	json_t *root, *arr;
	size_t i;
	int json, all, ret = list_args(argc, argv, &json, &all);

	if (ret)
		return ret < 0 ? -ret : DMAB_EXIT_OK;
	if (dmab_timer_init())
		return fail(DMAB_EXIT_FAILED, "list", "the timer could not be calibrated");
	arr = json_array();
	for (i = 0; i < dmab_strategy_count; i++) {
		const struct dmab_strategy *s = dmab_strategies[i];
		const char *reason = NULL;
		int avail = !dmab_strategy_available(s, &reason);

		json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:s?, s:s, s:s}",
						     "name", s->name, "backend", s->backend,
						     "available", avail, "reason", reason,
						     "mapping", s->mapping, "handover", s->handover));
	}
	root = json_pack("{s:o}", "strategies", arr);
	arr = json_array();
	for (i = 0; i < dmab_workload_count; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s?}", "name",
						     dmab_workloads[i]->name, "description",
						     dmab_workloads[i]->description, "not_measured",
						     dmab_workloads[i]->not_measured));
	json_object_set_new(root, "workloads", arr);
	arr = json_array();
	for (i = 0; i < dmab_pattern_count; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s}", "name", dmab_patterns[i].name,
						     "description",
						     dmab_patterns[i].description));
	json_object_set_new(root, "patterns", arr);
	json_object_set_new(root, "events", events_json(all));
	if (json) {
		print_json(root);
	} else {
		json_t *v;

		printf("strategies:\n");
		json_array_foreach(json_object_get(root, "strategies"), i, v)
			printf("  %-14s %-8s %s\n", json_string_value(json_object_get(v, "name")),
			       json_string_value(json_object_get(v, "backend")),
			       json_is_true(json_object_get(v, "available")) ? "available" :
			       json_string_value(json_object_get(v, "reason")));
		printf("workloads:\n");
		for (i = 0; i < dmab_workload_count; i++) {
			printf("  %-14s %s\n", dmab_workloads[i]->name,
			       dmab_workloads[i]->description);
			if (dmab_workloads[i]->not_measured)
				printf("  %-14s not measured yet: %s\n", "",
				       dmab_workloads[i]->not_measured);
		}
		printf("patterns:\n");
		for (i = 0; i < dmab_pattern_count; i++)
			printf("  %-14s %s\n", dmab_patterns[i].name, dmab_patterns[i].description);
		print_events(json_object_get(root, "events"), all);
	}
	json_decref(root);
	return DMAB_EXIT_OK;
}

/* The module's carveout: where it is, what its cached-sync does. */
static void print_carveout(json_t *c)
{
	if (!json_is_object(c)) {
		printf("          no carveout (load it with carveout=SIZE@ADDR: docs/carveout.md)\n");
		return;
	}
	printf("          carveout %#llx, %lld MiB (%lld MiB in use); cached-sync by %s\n",
	       (unsigned long long)json_integer_value(json_object_get(c, "base")),
	       json_integer_value(json_object_get(c, "size_bytes")) >> 20,
	       json_integer_value(json_object_get(c, "used_bytes")) >> 20,
	       json_is_string(json_object_get(c, "cached_sync_maintenance")) ?
	       json_string_value(json_object_get(c, "cached_sync_maintenance")) :
	       "nothing: none exported here");
}

static void print_kmod(json_t *kmod)
{
	json_t *v, *strategies = json_object_get(kmod, "strategies");
	size_t i;

	if (!json_is_integer(json_object_get(kmod, "abi"))) {
		printf("kmod      %s\n", json_string_value(json_object_get(kmod, "unavailable")));
		return;
	}
	printf("kmod      ABI %lld, %s, DMA %s, up to %lld MiB, device: %s; offers",
	       json_integer_value(json_object_get(kmod, "abi")),
	       json_string_value(json_object_get(kmod, "arch")),
	       json_is_true(json_object_get(kmod, "dma_coherent")) ? "coherent" : "non-coherent",
	       json_integer_value(json_object_get(kmod, "max_total_bytes")) >> 20,
	       json_is_string(json_object_get(kmod, "dma_channel")) ?
	       json_string_value(json_object_get(kmod, "dma_channel")) : "emulated bus master");
	json_array_foreach(strategies, i, v)
		printf("%s %s", i ? "," : "", json_string_value(v));
	printf("\n");
	if (json_is_string(json_object_get(kmod, "dma_controller")))
		printf("          the device: %s on %s\n",
		       json_string_value(json_object_get(kmod, "dma_channel")),
		       json_string_value(json_object_get(kmod, "dma_controller")));
	printf("          CPU cache line %lld (the kernel's DMA alignment %lld)%s%s\n",
	       json_integer_value(json_object_get(kmod, "cache_line")),
	       json_integer_value(json_object_get(kmod, "dma_alignment")),
	       json_is_true(json_object_get(kmod, "outer_cache")) ? ", an outer cache" : "",
	       json_is_true(json_object_get(kmod, "mappings_bounce")) ?
	       ", streaming mappings bounce (swiotlb)" : "");
	if (json_is_string(json_object_get(kmod, "full_flush_refused")))
		printf("          no whole-cache flush without a buffer: %s\n",
		       json_string_value(json_object_get(kmod, "full_flush_refused")));
	print_carveout(json_object_get(kmod, "carveout"));
}

/* The devmem backend's range: where it is, what /dev/mem may do here. */
static void print_devmem(json_t *d)
{
	json_t *strict = json_object_get(d, "strict_devmem");

	if (json_is_integer(json_object_get(d, "base")))
		printf("devmem    %#llx, %lld MiB, from %s%s\n",
		       (unsigned long long)json_integer_value(json_object_get(d, "base")),
		       json_integer_value(json_object_get(d, "size_bytes")) >> 20,
		       json_string_value(json_object_get(d, "source")),
		       json_is_true(json_object_get(d, "module_device")) ?
		       ", through dmabench.ko's buffers and device" : ", the CPU as the device");
	if (json_is_string(json_object_get(d, "unavailable")))
		printf("devmem    unavailable: %s\n",
		       json_string_value(json_object_get(d, "unavailable")));
	printf("          CONFIG_STRICT_DEVMEM %s, CONFIG_IO_STRICT_DEVMEM %s%s%s\n",
	       json_is_string(strict) ? json_string_value(strict) : "unknown",
	       json_is_string(strict) ?
	       json_string_value(json_object_get(d, "io_strict_devmem")) : "unknown",
	       json_string_length(json_object_get(d, "iomem")) ? "; /proc/iomem: " : "",
	       json_string_value(json_object_get(d, "iomem")));
}

static void print_virtualization(json_t *v)
{
	json_t *virt = json_object_get(v, "virtualized");

	printf("virt      %s%s%s (%s)\n",
	       json_is_null(virt) ? "cannot tell" : json_is_true(virt) ? "a virtual machine" :
	       "bare metal",
	       json_is_string(json_object_get(v, "name")) ? ": " : "",
	       json_is_string(json_object_get(v, "name")) ?
	       json_string_value(json_object_get(v, "name")) : "",
	       json_string_value(json_object_get(v, "source")));
}

static void print_names(json_t *arr)
{
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
		printf("%s%s", i ? ", " : "", json_string_value(v));
	if (!json_array_size(arr))
		printf("none");
}

static void print_perf(json_t *perf)
{
	json_t *paranoid = json_object_get(perf, "paranoid");
	json_t *user = json_object_get(perf, "user_access");

	printf("perf      perf_event_paranoid ");
	if (json_is_integer(paranoid))
		printf("%lld", json_integer_value(paranoid));
	else
		printf("unknown");
	if (json_is_integer(user))
		printf(", perf_user_access %lld", json_integer_value(user));
	printf("; event sources: ");
	print_names(json_object_get(perf, "event_sources"));
	printf("; libpfm4 PMUs: ");
	print_names(json_object_get(json_object_get(perf, "libpfm"), "pmus"));
	printf("\n");
}

/* The peak reference (environment.peak_mbps): the headline, the size and why, the kernels. */
static void print_peak(json_t *env)
{
	static const char *const ops[] = { "read", "write", "copy" };
	json_t *peak = json_object_get(env, "peak_mbps"), *kernels, *best;
	size_t i;

	if (!json_is_object(peak)) {
		printf("bandwidth not measured: %s\n",
		       json_string_value(json_object_get(env, "peak_mbps_unavailable")));
		return;
	}
	kernels = json_object_get(peak, "kernels");
	best = json_object_get(peak, "best");
	printf("bandwidth");
	for (i = 0; i < 3; i++)
		printf("%s %s %.0f MB/s", i ? "," : "", ops[i],
		       json_number_value(json_object_get(peak, ops[i])));
	printf(": median of %lld passes over %g MiB (best",
	       json_integer_value(json_object_get(peak, "passes")),
	       (double)json_integer_value(json_object_get(peak, "size_bytes")) / (1 << 20));
	for (i = 0; i < 3; i++)
		printf("%s %.0f", i ? "," : "", json_number_value(json_object_get(best, ops[i])));
	printf("), %.2f s\n", json_number_value(json_object_get(peak, "elapsed_ms")) / 1e3);
	printf("          size: %s\n", json_string_value(json_object_get(peak, "size_reason")));
	for (i = 0; i < 3; i++)
		printf("          %s: %s%s\n", ops[i],
		       json_string_value(json_object_get(kernels, ops[i])),
		       strcmp(ops[i], "copy") ? "" : " (MB/s of bytes copied)");
}

static int cmd_info(int argc, char **argv)
{
	json_t *env;
	int json, ret = json_flag_only(argc, argv, "info", &json);

	if (ret)
		return ret < 0 ? -ret : DMAB_EXIT_OK;
	if (dmab_timer_init())
		return fail(DMAB_EXIT_FAILED, "info", "the timer could not be calibrated");
	dmab_patterns_init();
	env = dmab_env_json();
	if (json) {
		print_json(env);
	} else {
		json_t *k = json_object_get(env, "kernel"), *cpu = json_object_get(env, "cpu");
		json_t *t = json_object_get(env, "timer"), *b = json_object_get(env, "board");

		printf("host      %s\n", json_string_value(json_object_get(env, "hostname")));
		printf("kernel    %s %s\n", json_string_value(json_object_get(k, "release")),
		       json_string_value(json_object_get(k, "version")));
		printf("arch      %s\n", json_string_value(json_object_get(env, "arch")));
		printf("cpu       %s x %lld, cache line %lld, wide loads: %s\n",
		       json_is_string(json_object_get(cpu, "model")) ?
		       json_string_value(json_object_get(cpu, "model")) : "unknown",
		       json_integer_value(json_object_get(cpu, "count")),
		       json_integer_value(json_object_get(cpu, "cache_line")), dmab_read_isa);
		printf("board     %s\n", json_is_string(b) ? json_string_value(b) : "unknown");
		printf("timer     %s at %lld Hz%s, %.1f ns a timestamp\n",
		       json_string_value(json_object_get(t, "source")),
		       json_integer_value(json_object_get(t, "freq_hz")),
		       json_is_true(json_object_get(t, "calibrated")) ? " (calibrated)" : "",
		       json_real_value(json_object_get(t, "overhead_ns")));
		print_kmod(json_object_get(env, "kmod"));
		print_virtualization(json_object_get(env, "virtualization"));
		print_peak(env);
		printf("user sync %s\n", dmab_user_maintenance);
		print_devmem(json_object_get(env, "devmem"));
		print_perf(json_object_get(env, "perf"));
		printf("config    %zu kernel options recorded%s\n",
		       json_object_size(json_object_get(k, "config")),
		       json_is_null(json_object_get(k, "config_source")) ?
		       " (no /boot/config-* or /proc/config.gz)" : "");
	}
	json_decref(env);
	return DMAB_EXIT_OK;
}

static void on_signal(int sig)
{
	dmab_interrupted = sig;
	signal(sig, SIG_DFL);	/* a second one ends the program at once */
}

static void show_progress(const char *line, int final)
{
	static int tty = -1;

	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	if (tty)
		fprintf(stderr, "\r\033[Kdmabench: %s%s", line, final ? "\n" : "");
	else if (final)
		fprintf(stderr, "dmabench: %s\n", line);
}

/* Where a run's results go, and the journal that keeps them until then. */
struct run_output {
	char path[4096];		/* the result file (a default name: reserved) */
	int exclusive;			/* a default name: never replaces a file */
	enum dmab_output_kind kind;
	struct dmab_journal journal;	/* fd -1: none */
};

static int result_path(const struct dmab_run_options *o, const char *utc, char *out,
		       size_t len)
{
	if (o->output) {
		if (snprintf(out, len, "%s", o->output) >= (int)len)
			return -ENAMETOOLONG;
		return 0;
	}
	if (mkdir(RESULTS_DIR, 0755) && errno != EEXIST)
		return -errno;
	return dmab_env_result_path(RESULTS_DIR, utc, out, len);
}

/*
 * Everything before the run: options, the result path (checked writable now,
 * not after minutes of work), the timer, the plan. Returns -1 to go on, or
 * the exit code.
 */
static int run_prepare(struct dmab_run *run, int argc, char **argv, struct run_output *out)
{
	char err[DMAB_ERRLEN + 4200], utc[32];
	time_t now = time(NULL);
	const char *what;
	struct tm tm;
	int ret;

	ret = dmab_run_options_parse(argc, argv, &run->opt, stdout, err, DMAB_ERRLEN);
	if (ret == 1)
		return DMAB_EXIT_OK;
	if (ret) {
		strcat(err, " (see dmabench run --help)");
		return fail(DMAB_EXIT_USAGE, "run", err);
	}
	gmtime_r(&now, &tm);
	strftime(run->started_utc, sizeof(run->started_utc), "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(utc, sizeof(utc), "%Y%m%dT%H%M%SZ", &tm);
	out->exclusive = !run->opt.output;
	ret = result_path(&run->opt, utc, out->path, sizeof(out->path));
	out->kind = dmab_output_kind(out->path, &what);
	if (!ret && out->kind == DMAB_OUTPUT_REFUSED) {
		/* renaming a file over a device node would replace the node itself */
		snprintf(err, sizeof(err), "cannot write the result file %s: it is %s; "
			 "results go to a regular file, a pipe, or /dev/null to keep nothing "
			 "(--json prints them on stdout)", out->path, what);
		return fail(DMAB_EXIT_USAGE, "run", err);
	}
	if (!ret)
		ret = dmab_output_writable(out->path);
	if (ret) {
		snprintf(err, sizeof(err), "cannot write the result file %s: %s",
			 run->opt.output ? run->opt.output : RESULTS_DIR "/", strerror(-ret));
		return fail(DMAB_EXIT_USAGE, "run", err);
	}
	if (dmab_timer_init())
		return fail(DMAB_EXIT_FAILED, "run", "the timer could not be calibrated");
	dmab_patterns_init();
	ret = dmab_run_plan(run);
	if (ret)
		return fail(DMAB_EXIT_FAILED, "run", strerror(-ret));
	/* the environment's peak reference, measured now so that it disturbs no measurement */
	dmab_peak_get();
	return -1;
}

static void human_bytes(uint64_t bytes, char *out, size_t len)
{
	if (bytes >= 10ull << 20)
		snprintf(out, len, "%.0f MiB", (double)bytes / (1 << 20));
	else if (bytes >= 1ull << 20)
		snprintf(out, len, "%.1f MiB", (double)bytes / (1 << 20));
	else
		snprintf(out, len, "%.0f KiB", (double)bytes / 1024);
}

/*
 * The result file and the journal must fit where they go: refused now
 * (exit 3), not after the run. Both are estimated from above: every
 * configuration keeping its full share of samples.
 */
static int check_space(const struct dmab_run *run, const struct run_output *out,
		       size_t doc_bytes)
{
	uint64_t result = dmab_report_size_estimate(run, doc_bytes), journal = 0, avail;
	char dir[4096], msg[DMAB_ERRLEN + 4200], a[32], r[32], j[32], t[32];
	size_t i, ran = 0;

	if (out->kind != DMAB_OUTPUT_FILE || dmab_free_bytes(out->path, &avail))
		return 0;	/* nothing is written there, or the system cannot say */
	journal = dmab_journal_size_estimate(run, doc_bytes);
	if (result + journal <= avail)
		return 0;
	for (i = 0; i < run->n_cells; i++)
		ran += !run->cells[i].skipped[0] && !run->cells[i].aa_twin;
	dmab_parent_dir(out->path, dir, sizeof(dir));
	human_bytes(avail, a, sizeof(a));
	human_bytes(result + journal, t, sizeof(t));
	human_bytes(result, r, sizeof(r));
	human_bytes(journal, j, sizeof(j));
	snprintf(msg, sizeof(msg), "not enough space for the results in %s: %s free, this run "
		 "needs up to %s (the result file up to %s: %zu configuration%s keeping up to "
		 "%d samples per phase; its journal up to %s); free some, write elsewhere (-o), or "
		 "bound the samples (-n FRAMES)", dir, a, t, r, ran, ran == 1 ? "" : "s",
		 run->opt.frames && run->opt.frames < DMAB_SAMPLES_CAP ? (int)run->opt.frames :
		 DMAB_SAMPLES_CAP, j);
	return fail(DMAB_EXIT_MISSING, "run", msg);
}

/* Names the journals in @dir that no running process holds: runs that did not finish. */
static void point_at_leftovers(const char *dir)
{
	size_t n = 0, suffix = strlen(DMAB_JOURNAL_SUFFIX);
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d))) {
		struct dmab_journal_state st;
		char path[4096], err[512], flight[1024];
		size_t len = strlen(e->d_name);
		const char *started;

		if (len <= suffix || strcmp(e->d_name + len - suffix, DMAB_JOURNAL_SUFFIX) ||
		    snprintf(path, sizeof(path), "%s%s%s", strcmp(dir, ".") ? dir : "",
			     strcmp(dir, ".") ? "/" : "", e->d_name) >= (int)sizeof(path) ||
		    dmab_journal_in_use(path))
			continue;
		if (++n > 3)
			continue;
		if (dmab_journal_load(path, &st, err, sizeof(err))) {
			fprintf(stderr, "dmabench run: %s is a journal left by a run that did not "
				"finish, with nothing to recover (%s): remove it\n", path, err);
			continue;
		}
		dmab_journal_describe_in_flight(&st, flight, sizeof(flight));
		started = json_string_value(json_object_get(json_object_get(st.header, "document"),
							    "started_utc"));
		fprintf(stderr, "dmabench run: %s is the journal of a run that did not finish "
			"(started %s, pid %lld; %zu set%s of repetitions finished; in flight: %s): "
			"`dmabench recover %s` writes its result file\n", path,
			started ? started : "?",
			json_integer_value(json_object_get(st.header, "pid")), st.sets_finished,
			st.sets_finished == 1 ? "" : "s", flight, path);
		dmab_journal_state_free(&st);
	}
	closedir(d);
	if (n > 3)
		fprintf(stderr, "dmabench run: and %zu more such journals in %s\n", n - 3, dir);
}

/*
 * The journal beside the result file. A default name is reserved here: the
 * first of NAME, NAME-2, ... for which neither the file nor its journal
 * exists, the journal created exclusively (two runs started in the same
 * second take two names). With -o FILE, FILE.partial, unless a leftover
 * holds that name (then FILE.PID.partial) or a running run does (refused).
 */
static int open_journal(const struct dmab_run *run, struct run_output *out, const json_t *doc)
{
	struct dmab_journal *j = &out->journal;
	char jpath[4096 + 32] = "", base[4096], msg[DMAB_ERRLEN + 8400];
	unsigned int k;
	int ret = -EEXIST;

	j->fd = -1;
	if (out->kind != DMAB_OUTPUT_FILE) {
		if (out->kind == DMAB_OUTPUT_STREAM)
			fprintf(stderr, "dmabench run: %s is a pipe: no journal is kept beside it, "
				"so a crash loses this run (-o FILE keeps one)\n", out->path);
		return 0;
	}
	snprintf(base, sizeof(base), "%s", out->path);
	for (k = 1; k < 1000 && ret == -EEXIST && out->exclusive; k++) {
		struct stat sb;

		if (dmab_path_numbered(base, k, out->path, sizeof(out->path)))
			return fail(DMAB_EXIT_USAGE, "run", "the result path is too long");
		if (!lstat(out->path, &sb))
			continue;
		snprintf(jpath, sizeof(jpath), "%s%s", out->path, DMAB_JOURNAL_SUFFIX);
		ret = dmab_journal_create(j, jpath);
		if (!ret && !lstat(out->path, &sb)) {	/* written meanwhile by a run ending */
			dmab_journal_close(j, 1);
			ret = -EEXIST;
		}
	}
	if (!out->exclusive) {
		snprintf(jpath, sizeof(jpath), "%s%s", out->path, DMAB_JOURNAL_SUFFIX);
		ret = dmab_journal_create(j, jpath);
		if (ret == -EEXIST && dmab_journal_in_use(jpath) == 1) {
			snprintf(msg, sizeof(msg), "another run, still going, writes %s (its "
				 "journal %s is held): two runs with one -o would replace each "
				 "other's results; choose another -o", out->path, jpath);
			return fail(DMAB_EXIT_USAGE, "run", msg);
		}
		if (ret == -EEXIST) {	/* a leftover: kept for `dmabench recover` */
			snprintf(jpath, sizeof(jpath), "%s.%d%s", out->path, (int)getpid(),
				 DMAB_JOURNAL_SUFFIX);
			ret = dmab_journal_create(j, jpath);
		}
	}
	if (!ret)
		ret = dmab_journal_start(j, run, doc, out->path);
	if (ret) {
		snprintf(msg, sizeof(msg), "cannot keep the run's journal %s: %s", jpath,
			 strerror(-ret));
		dmab_journal_close(j, j->fd >= 0);
		return fail(ret == -ENOSPC || ret == -EDQUOT ? DMAB_EXIT_MISSING : DMAB_EXIT_USAGE,
			    "run", msg);
	}
	return 0;
}

/* Once, when the journal stops: the run goes on, but a crash would lose more. */
static void journal_said(const struct dmab_journal *j, int before)
{
	if (before || !j->err)
		return;
	fprintf(stderr, "%sdmabench run: the journal %s could not be kept (%s: %s): the run goes "
		"on, but a crash from now on loses what finishes after this\n",
		isatty(STDERR_FILENO) ? "\r\033[K" : "", j->path, j->failed_step,
		strerror(-j->err));
}

static void journal_set_begin(struct dmab_run *run, size_t first, size_t end, unsigned int r)
{
	struct dmab_journal *j = run->hook_arg;
	int before = j->err;

	dmab_journal_set_begin(j, run, first, end, r);
	journal_said(j, before);
}

static void journal_set_end(struct dmab_run *run, size_t first, size_t end, unsigned int r)
{
	struct dmab_journal *j = run->hook_arg;
	int before = j->err;

	dmab_journal_set_end(j, run, first, end, r);
	journal_said(j, before);
}

/* The journal's measured cost, for whoever asks (DMAB_JOURNAL_STATS, docs/results.md's figures). */
static void journal_stats(const struct dmab_journal *j)
{
	if (!getenv("DMAB_JOURNAL_STATS") || !j->syncs)
		return;
	fprintf(stderr, "dmabench run: journal %s: %zu records, %llu bytes, %zu syncs, %.3f ms "
		"a sync (mean), %.3f ms the longest; %.3f ms in all per set and repetition "
		"(records built, written and synced)\n", j->path, j->records,
		(unsigned long long)j->bytes, j->syncs,
		(double)j->sync_ns / (double)j->syncs / 1e6, (double)j->sync_max_ns / 1e6,
		(double)j->spent_ns / (double)j->syncs / 1e6);
}

/*
 * Where the results go when their place refused them: $TMPDIR (else /tmp),
 * then the current folder, under the same name, never replacing a file.
 */
static int save_fallback(const char *path, const char *fallback_name, const json_t *root,
			 char *written, size_t len)
{
	const char *dirs[] = { getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
			       "." };
	const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path, *step;
	char where[4096 + 256];
	size_t i;
	int ret = -ENOENT;

	if (fallback_name)
		name = fallback_name;
	for (i = 0; i < 2; i++) {
		if (snprintf(where, sizeof(where), "%s/%s", dirs[i], name) >= (int)sizeof(where))
			continue;
		ret = dmab_write_result(where, root, DMAB_WRITE_EXCLUSIVE, written, len, &step);
		if (!ret)
			return 0;
	}
	return ret;
}

/*
 * The result could not be written where asked: say why, save it elsewhere
 * and say where, or say where the journal keeps what finished. Exit 3.
 */
static int write_failed(struct run_output *out, const char *cmd, const char *step, int err,
			const json_t *root, const char *fallback_name)
{
	char saved[4096 + 256];
	int ret;

	fprintf(stderr, "dmabench %s: writing the results to %s failed (%s): %s\n", cmd,
		out->path, step, strerror(-err));
	ret = save_fallback(out->path, fallback_name, root, saved, sizeof(saved));
	if (!ret) {
		fprintf(stderr, "dmabench %s: the results were saved to %s instead\n", cmd, saved);
		if (dmab_journal_close(&out->journal, 1))
			fprintf(stderr, "dmabench %s: its journal %s could not be removed: remove "
				"it (what it holds is in %s)\n", cmd, out->journal.path, saved);
		return DMAB_EXIT_MISSING;
	}
	fprintf(stderr, "dmabench %s: nor could they be saved in $TMPDIR or the current folder "
		"(%s)%s%s%s\n", cmd, strerror(-ret),
		out->journal.fd >= 0 ? ": what finished is in the journal " : "",
		out->journal.fd >= 0 ? out->journal.path : "",
		out->journal.fd >= 0 ? " (dmabench recover JOURNAL -o FILE writes it)" : "");
	dmab_journal_close(&out->journal, 0);
	return DMAB_EXIT_MISSING;
}

static int cmd_run(int argc, char **argv)
{
	struct dmab_run run = { 0 };
	struct run_output out = { .journal.fd = -1 };
	char written[4096 + 16], dir[4096], fallback_name[512];
	const char *step = "";
	json_t *root, *doc, *crossovers, *args = json_array();
	size_t i, ran = 0, failed = 0, bad_integrity = 0;
	char *text;
	int ret, code;

	/* before parsing, which splits lists in place */
	for (i = 0; i < (size_t)argc; i++)
		json_array_append_new(args, json_string(argv[i]));
	code = run_prepare(&run, argc, argv, &out);
	if (code >= 0) {
		json_decref(args);
		dmab_run_free(&run);
		return code;
	}
	/* the file as it would be if nothing ran: the journal's header, the size's base */
	doc = dmab_report_json(&run, dmab_env_json(),
			       dmab_run_options_json(&run.opt, json_deep_copy(args)));
	text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	code = check_space(&run, &out, text ? strlen(text) : 0);
	free(text);
	if (!code && out.kind == DMAB_OUTPUT_FILE) {
		dmab_parent_dir(out.path, dir, sizeof(dir));
		point_at_leftovers(dir);
	}
	if (!code)
		code = open_journal(&run, &out, doc);
	json_decref(doc);
	if (code) {
		json_decref(args);
		dmab_run_free(&run);
		return code;
	}
	if (!run.opt.quiet)
		run.progress = show_progress;
	if (out.journal.fd >= 0) {
		run.set_begin = journal_set_begin;
		run.set_end = journal_set_end;
		run.hook_arg = &out.journal;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	dmab_run_execute(&run);
	if (out.journal.fd >= 0) {
		int before = out.journal.err;

		dmab_journal_done(&out.journal, &run);
		journal_said(&out.journal, before);
		journal_stats(&out.journal);
	}

	root = dmab_report_json(&run, dmab_env_json(), dmab_run_options_json(&run.opt, args));
	if (root && dmab_crossover(root, &crossovers))
		fprintf(stderr, "dmabench run: the crossovers could not be computed: %s\n",
			strerror(ENOMEM));
	else if (root)
		json_object_set_new(root, "crossovers", crossovers);
	signal(SIGPIPE, SIG_IGN);	/* a pipe whose reader left: EPIPE, said below */
	ret = dmab_write_result(out.path, root, out.exclusive ? DMAB_WRITE_EXCLUSIVE : 0, written,
				sizeof(written), &step);
	if (run.opt.json)
		print_json(root);
	else
		dmab_report_table(stdout, &run);
	if (!run.opt.json)
		dmab_crossover_print_summary(stdout, json_object_get(root, "crossovers"),
					     ret ? NULL : written);
	for (i = 0; i < run.n_cells; i++) {
		const struct dmab_cell *c = &run.cells[i];

		/* an A/A twin counts where it found what its original did not */
		if (c->aa_twin) {
			bad_integrity += dmab_cell_integrity_failed(c) &&
					 !dmab_cell_integrity_failed(c - 1);
			continue;
		}
		ran += !c->skipped[0];
		failed += c->failed;
		bad_integrity += dmab_cell_integrity_failed(c);
	}
	code = run.interrupted ? 128 + run.interrupted :
	       failed || bad_integrity ? DMAB_EXIT_FAILED :
	       !ran ? DMAB_EXIT_UNSUPPORTED : DMAB_EXIT_OK;
	if (ret) {
		char utc[32];

		/* a pipe's or device's name says nothing: the default name then */
		snprintf(utc, sizeof(utc), "%.4s%.2s%.2sT%.2s%.2s%.2sZ", run.started_utc,
			 run.started_utc + 5, run.started_utc + 8, run.started_utc + 11,
			 run.started_utc + 14, run.started_utc + 17);
		if (out.kind != DMAB_OUTPUT_FILE && !dmab_env_result_path(".", utc, fallback_name,
									  sizeof(fallback_name)))
			memmove(fallback_name, fallback_name + 2, strlen(fallback_name + 2) + 1);
		else
			fallback_name[0] = 0;
		code = write_failed(&out, "run", step, ret, root, fallback_name[0] ? fallback_name :
				    NULL);
		json_decref(root);
		dmab_run_free(&run);
		return code;
	}
	json_decref(root);
	dmab_run_free(&run);
	if (dmab_journal_close(&out.journal, 1))
		fprintf(stderr, "dmabench run: the journal %s could not be removed: remove it\n",
			out.journal.path);
	if (out.kind == DMAB_OUTPUT_DISCARD)
		fprintf(stderr, "dmabench: results discarded (written to %s)%s\n", written,
			code >= 128 ? " (interrupted)" : "");
	else
		fprintf(stderr, "dmabench: results written to %s%s\n", written,
			code >= 128 ? " (interrupted: the finished results are kept)" : "");
	if (code == DMAB_EXIT_UNSUPPORTED)
		fprintf(stderr, "dmabench run: none of the requested strategies can run here "
			"(see the skipped lines, or dmabench list)\n");
	if (bad_integrity)
		fprintf(stderr, "dmabench run: stale or corrupt data in %zu configuration%s "
			"other than the %s control (see the integrity column)\n", bad_integrity,
			bad_integrity == 1 ? "" : "s", DMAB_NEGATIVE_CONTROL);
	return code;
}

struct recover_args {
	const char *journal, *output;
	int keep, json;
};

static int recover_args(int argc, char **argv, struct recover_args *a)
{
	static const char use[] = "usage: dmabench recover JOURNAL [-o FILE] [--keep] [--json]";
	char msg[DMAB_ERRLEN + 128];
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("%s\n\nWrites the result file of a run that stopped without "
			       "writing one (a crash, kill -9, a power cut) from its journal,\n"
			       "the RESULT.partial beside where its result was to go: every "
			       "configuration with the repetitions that finished,\nthose in "
			       "flight with stop_reason \"crashed\". Without -o, beside the "
			       "journal under the run's own name (never\nreplacing a file). The "
			       "journal is removed once the file is written, unless --keep.\n"
			       "--json prints the document on stdout too.\n", use);
			return 1;
		} else if (!strcmp(argv[i], "--keep")) {
			a->keep = 1;
		} else if (!strcmp(argv[i], "--json")) {
			a->json = 1;
		} else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
			if (i + 1 == argc) {
				snprintf(msg, sizeof(msg), "%s needs a value (%s)", argv[i], use);
				return fail(-DMAB_EXIT_USAGE, "recover", msg);
			}
			a->output = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			snprintf(msg, sizeof(msg), "unknown option '%s' (%s)", argv[i], use);
			return fail(-DMAB_EXIT_USAGE, "recover", msg);
		} else if (!a->journal) {
			a->journal = argv[i];
		} else {
			snprintf(msg, sizeof(msg), "unexpected argument '%s' (%s)", argv[i], use);
			return fail(-DMAB_EXIT_USAGE, "recover", msg);
		}
	}
	if (!a->journal) {
		snprintf(msg, sizeof(msg), "needs a journal (%s)", use);
		return fail(-DMAB_EXIT_USAGE, "recover", msg);
	}
	return 0;
}

/* Without -o: beside the journal, under the name the run's result file was to have. */
static int recovered_path(const struct recover_args *a, const struct dmab_journal_state *st,
			  struct run_output *out)
{
	const char *target = json_string_value(json_object_get(st->header, "result_path"));
	const char *name = target && strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
	char dir[4096];

	out->exclusive = !a->output;
	if (a->output)
		return snprintf(out->path, sizeof(out->path), "%s", a->output) >=
		       (int)sizeof(out->path) ? -ENAMETOOLONG : 0;
	if (!name || !*name || !strcmp(name, ".") || !strcmp(name, ".."))
		name = "recovered.json";
	dmab_parent_dir(a->journal, dir, sizeof(dir));
	return snprintf(out->path, sizeof(out->path), "%s/%s", dir, name) >=
	       (int)sizeof(out->path) ? -ENAMETOOLONG : 0;
}

static int cmd_recover(int argc, char **argv)
{
	struct recover_args a;
	struct dmab_journal_state st;
	struct run_output out = { .journal.fd = -1 };
	char err[DMAB_ERRLEN + 4200], written[4096 + 16], flight[2048], utc[32];
	const char *step = "", *what;
	size_t i, ran = 0, reps = 0, results;
	time_t now = time(NULL);
	struct tm tm;
	json_t *doc, *r;
	int ret = recover_args(argc, argv, &a);

	if (ret)
		return ret < 0 ? -ret : DMAB_EXIT_OK;
	if (dmab_journal_in_use(a.journal) == 1) {
		snprintf(err, sizeof(err), "%s is being written by a run that is still going: "
			 "its results will be written when it ends (stop it first to recover "
			 "what it finished)", a.journal);
		return fail(DMAB_EXIT_USAGE, "recover", err);
	}
	ret = dmab_journal_load(a.journal, &st, err, sizeof(err));
	if (ret)
		return fail(ret == -ENOMEM ? DMAB_EXIT_FAILED : DMAB_EXIT_USAGE, "recover",
			    ret == -ENOMEM ? strerror(ENOMEM) : err);
	gmtime_r(&now, &tm);
	strftime(utc, sizeof(utc), "%Y-%m-%dT%H:%M:%SZ", &tm);
	doc = dmab_journal_recover(&st, a.journal, utc);
	dmab_journal_describe_in_flight(&st, flight, sizeof(flight));
	if (!doc || recovered_path(&a, &st, &out)) {
		json_decref(doc);
		dmab_journal_state_free(&st);
		return fail(DMAB_EXIT_FAILED, "recover", doc ? "the output path is too long" :
			    strerror(ENOMEM));
	}
	out.kind = dmab_output_kind(out.path, &what);
	if (out.kind == DMAB_OUTPUT_REFUSED) {
		snprintf(err, sizeof(err), "cannot write %s: it is %s", out.path, what);
		json_decref(doc);
		dmab_journal_state_free(&st);
		return fail(DMAB_EXIT_USAGE, "recover", err);
	}
	signal(SIGPIPE, SIG_IGN);
	ret = dmab_write_result(out.path, doc, out.exclusive ? DMAB_WRITE_EXCLUSIVE : 0, written,
				sizeof(written), &step);
	if (a.json)
		print_json(doc);
	results = json_array_size(json_object_get(doc, "results"));
	json_array_foreach(json_object_get(doc, "results"), i, r) {
		size_t n = json_array_size(json_object_get(r, "repetitions"));

		ran += n > 0;
		reps += n;
	}
	fprintf(stderr, "dmabench recover: %s: %zu of %zu configurations have repetitions that "
		"finished (%zu in all, of %u each); %s; in flight when the run stopped: %s\n",
		a.journal, ran, results, reps, st.repeat,
		st.done ? "the run itself had finished" : "the run did not finish", flight);
	if (st.ignored_line)
		fprintf(stderr, "dmabench recover: %s: from line %zu on (%zu bytes) ignored: %s\n",
			a.journal, st.ignored_line, st.ignored_bytes,
			st.torn ? "the last record was cut short (the run stopped while writing "
			"it)" : "not a whole journal record");
	dmab_journal_state_free(&st);
	if (ret) {
		ret = write_failed(&out, "recover", step, ret, doc, NULL);
		json_decref(doc);
		return ret;
	}
	json_decref(doc);
	fprintf(stderr, "dmabench: results recovered to %s\n", written);
	if (!a.keep) {
		if (unlink(a.journal) || dmab_fsync_parent(a.journal))
			fprintf(stderr, "dmabench recover: %s could not be removed: %s\n",
				a.journal, strerror(errno));
		else
			fprintf(stderr, "dmabench recover: %s removed (--keep keeps it)\n",
				a.journal);
	}
	return DMAB_EXIT_OK;
}

struct compare_args {
	const char *base;
	const char **new;	/* NEW files, each compared against BASE */
	size_t n;
	double threshold;
	const char *format;
};

static int compare_args(int argc, char **argv, struct compare_args *a)
{
	static const char use[] = "usage: dmabench compare BASE.json NEW.json... [--threshold PCT] "
				  "[--format text|markdown|json] [--json]";
	char msg[DMAB_ERRLEN + 128], err[DMAB_ERRLEN];
	int i;

	a->base = NULL;
	a->n = 0;
	a->threshold = DMAB_COMPARE_THRESHOLD_DEFAULT;	/* the rule: 5% or twice the noise floor */
	a->format = "text";
	a->new = calloc((size_t)argc, sizeof(*a->new));
	if (!a->new)
		return fail(-DMAB_EXIT_FAILED, "compare", strerror(ENOMEM));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("%s\n\nSeveral NEW files: each is compared against BASE in turn, a "
			       "block each (--format json: an object with \"comparisons\", a list "
			       "of what one pair prints); the exit code is the worst of the pairs.\n",
			       use);
			return 1;
		} else if (!strcmp(argv[i], "--json")) {
			a->format = "json";
		} else if (!strcmp(argv[i], "--threshold") || !strcmp(argv[i], "--format")) {
			if (i + 1 == argc) {
				snprintf(msg, sizeof(msg), "%s needs a value (%s)", argv[i], use);
				return fail(-DMAB_EXIT_USAGE, "compare", msg);
			}
			if (!strcmp(argv[i], "--format")) {
				a->format = argv[++i];
				if (strcmp(a->format, "text") && strcmp(a->format, "markdown") &&
				    strcmp(a->format, "json")) {
					snprintf(msg, sizeof(msg), "unknown format '%s' (text, "
						 "markdown or json)", a->format);
					return fail(-DMAB_EXIT_USAGE, "compare", msg);
				}
			} else if (!strcmp(argv[i + 1], "0")) {
				a->threshold = 0;
				i++;
			} else if (dmab_parse_positive(argv[++i], 1000, &a->threshold, err,
						       sizeof(err))) {
				snprintf(msg, sizeof(msg), "--threshold: %s", err);
				return fail(-DMAB_EXIT_USAGE, "compare", msg);
			}
		} else if (argv[i][0] == '-' && argv[i][1]) {
			snprintf(msg, sizeof(msg), "unknown option '%s' (%s)", argv[i], use);
			return fail(-DMAB_EXIT_USAGE, "compare", msg);
		} else if (!a->base) {
			a->base = argv[i];
		} else {
			a->new[a->n++] = argv[i];
		}
	}
	if (!a->n) {
		snprintf(msg, sizeof(msg), "needs two result files (%s)", use);
		return fail(-DMAB_EXIT_USAGE, "compare", msg);
	}
	return 0;
}

/*
 * One NEW against BASE: printed (text and Markdown) or added to @list
 * (JSON); returns the pair's exit code. Several NEW files: each block has a
 * header line, and a file that cannot be read or matched is said on stderr,
 * as with one, and the next pair goes on.
 */
static int compare_pair(const struct compare_args *a, const json_t *base, size_t k,
			json_t *list)
{
	char err[DMAB_ERRLEN + 4200], heading[2 * DMAB_ERRLEN];
	json_t *new = NULL, *cmp = NULL;
	int ret, code;

	ret = dmab_result_load(a->new[k], &new, err, sizeof(err));
	if (ret) {
		code = fail(DMAB_EXIT_USAGE, "compare", err);
	} else {
		ret = dmab_compare(base, a->base, new, a->new[k], a->threshold, &cmp, err,
				   sizeof(err));
		json_decref(new);
		if (ret && ret != -ENOENT)
			snprintf(err, sizeof(err), "%s", strerror(-ret));
		if (ret)
			code = fail(ret == -ENOENT ? DMAB_EXIT_USAGE : DMAB_EXIT_FAILED, "compare",
				    err);
	}
	if (ret) {
		if (list && a->n > 1)
			json_array_append_new(list, json_pack("{s:{s:s}, s:{s:s}, s:s, s:i}", "base",
							      "file", a->base, "new", "file",
							      a->new[k], "error", err, "exit", code));
		return code;
	}
	code = dmab_compare_regressions(cmp) ? DMAB_EXIT_FAILED : DMAB_EXIT_OK;
	if (list) {
		json_array_append(list, cmp);
	} else if (!strcmp(a->format, "markdown")) {
		if (a->n > 1)
			snprintf(heading, sizeof(heading), "%s## dmabench compare %zu of %zu: %s -> %s",
				 k ? "\n" : "", k + 1, a->n, a->base, a->new[k]);
		dmab_compare_print_markdown(stdout, cmp, a->n > 1 ? heading :
					    "## dmabench compare");
	} else {
		if (a->n > 1)
			printf("%s=== dmabench compare %zu of %zu: %s -> %s ===\n", k ? "\n" : "",
			       k + 1, a->n, a->base, a->new[k]);
		dmab_compare_print_text(stdout, cmp, isatty(STDOUT_FILENO) && !getenv("NO_COLOR"));
	}
	fflush(stdout);
	json_decref(cmp);
	return code;
}

static int cmd_compare(int argc, char **argv)
{
	struct compare_args a = { 0 };
	char err[DMAB_ERRLEN + 4200];
	json_t *base = NULL, *list = NULL, *doc;
	int ret = compare_args(argc, argv, &a), code = DMAB_EXIT_OK, pair;
	json_int_t regressions = 0, errors = 0;
	size_t k;

	if (ret) {
		free(a.new);
		return ret < 0 ? -ret : DMAB_EXIT_OK;
	}
	if (dmab_result_load(a.base, &base, err, sizeof(err))) {
		free(a.new);
		return fail(DMAB_EXIT_USAGE, "compare", err);
	}
	if (!strcmp(a.format, "json"))
		list = json_array();
	for (k = 0; k < a.n; k++) {
		pair = compare_pair(&a, base, k, list);
		code = pair > code ? pair : code;
	}
	/* one pair prints its comparison as it always did; several, a list of them */
	if (list && a.n == 1 && json_array_size(list)) {
		print_json(json_array_get(list, 0));
	} else if (list && a.n > 1) {
		json_array_foreach(list, k, doc) {
			regressions += json_integer_value(json_object_get(doc, "regressions"));
			errors += json_is_string(json_object_get(doc, "error"));
		}
		doc = json_pack("{s:s, s:O, s:I, s:I}", "base", a.base, "comparisons", list,
				"regressions", regressions, "errors", errors);
		if (doc)
			print_json(doc);
		json_decref(doc);
	}
	json_decref(list);
	json_decref(base);
	free(a.new);
	return code;
}

#define MAX_PLOT_FILES 16

/* What plot and report take: RESULT.json... [-o DIR] [--format F] (and plot's --report). */
struct files_args {
	const char *cmd, *use, *help;	/* help: printed after use by --help */
	const char *const *formats;	/* the first is the default */
	size_t max;			/* result files at most */
	int takes_report;		/* plot: --report */
	const char **files;		/* allocated: free() it */
	size_t n;
	const char *dir, *format;
	int report;
};

/* 0; 1 when --help was printed; -exit code after saying why on stderr. */
static int files_args(int argc, char **argv, struct files_args *a)
{
	char msg[DMAB_ERRLEN + 128], list[64] = "";
	size_t f;
	int i;

	a->n = 0;
	a->dir = ".";
	a->format = a->formats[0];
	a->files = calloc((size_t)argc, sizeof(*a->files));
	if (!a->files)
		return fail(-DMAB_EXIT_FAILED, a->cmd, strerror(ENOMEM));
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("%s\n%s", a->use, a->help);
			return 1;
		} else if (a->takes_report && !strcmp(argv[i], "--report")) {
			a->report = 1;
		} else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output") ||
			   !strcmp(argv[i], "--format")) {
			if (i + 1 == argc) {
				snprintf(msg, sizeof(msg), "%s needs a value (%s)", argv[i], a->use);
				return fail(-DMAB_EXIT_USAGE, a->cmd, msg);
			}
			if (!strcmp(argv[i], "--format"))
				a->format = argv[++i];
			else
				a->dir = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			snprintf(msg, sizeof(msg), "unknown option '%s' (%s)", argv[i], a->use);
			return fail(-DMAB_EXIT_USAGE, a->cmd, msg);
		} else if (a->n == a->max) {
			snprintf(msg, sizeof(msg), "at most %zu result files", a->max);
			return fail(-DMAB_EXIT_USAGE, a->cmd, msg);
		} else {
			a->files[a->n++] = argv[i];
		}
	}
	for (f = 0; a->formats[f]; f++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			 f ? (a->formats[f + 1] ? ", " : " or ") : "", a->formats[f]);
	for (f = 0; a->formats[f] && strcmp(a->format, a->formats[f]); f++)
		;
	if (!a->formats[f]) {
		snprintf(msg, sizeof(msg), "unknown format '%s' (%s)", a->format, list);
		return fail(-DMAB_EXIT_USAGE, a->cmd, msg);
	}
	if (!a->n) {
		snprintf(msg, sizeof(msg), "needs at least one result file (%s)", a->use);
		return fail(-DMAB_EXIT_USAGE, a->cmd, msg);
	}
	return 0;
}

/* mkdir -p @dir; 0, or -ENOTDIR when it (or a parent) is not a folder, or -errno. */
static int make_dirs(const char *dir)
{
	char path[4096];
	struct stat st;
	size_t i;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	for (i = 1; path[i]; i++) {
		if (path[i] != '/')
			continue;
		path[i] = 0;
		if (mkdir(path, 0755) && errno != EEXIST)
			return -errno;
		path[i] = '/';
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	if (stat(path, &st))
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* The bytes of @path, at most DMAB_EXPORT_MAX_BYTES; NULL with errno. */
#define DMAB_EXPORT_MAX_BYTES (256u << 20)
static unsigned char *read_bytes(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL, *grown;
	size_t cap = 0, n;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (*len == cap) {
			cap = cap ? cap * 2 : 65536;
			grown = cap <= DMAB_EXPORT_MAX_BYTES ? realloc(buf, cap) : NULL;
			if (!grown) {
				free(buf);
				fclose(f);
				errno = cap > DMAB_EXPORT_MAX_BYTES ? EFBIG : ENOMEM;
				return NULL;
			}
			buf = grown;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	return buf;
}

static int cmd_export(int argc, char **argv)
{
	static const char use[] = "usage: dmabench export RESULT.json --format "
				  "lava|junit|csv|console [-o FILE]";
	const char *path = NULL, *format = NULL, *output = NULL;
	enum dmab_export_format fmt;
	char err[DMAB_ERRLEN + 512], msg[DMAB_ERRLEN + 640];
	unsigned char *data;
	json_t *root;
	FILE *out = stdout;
	size_t len;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("%s\n\nlava: LAVA's <LAVA_SIGNAL_TESTCASE ...> lines, one per "
			       "configuration (pass: integrity ok or not_checked; fail: stale, "
			       "corrupt or failed, but the cached-nosync control's stale data is a "
			       "pass, as run counts it; skip: skipped, the reason on the line before), "
			       "measurement the cpu_cost median in us.\njunit: JUnit XML.\ncsv: a "
			       "row per configuration and phase.\nconsole: the file gzip+base64 "
			       "between '%s NAME' and '%s NAME' lines.\n", use, DMAB_CONSOLE_BEGIN,
			       DMAB_CONSOLE_END);
			return DMAB_EXIT_OK;
		} else if (!strcmp(argv[i], "--format") || !strcmp(argv[i], "-o")) {
			if (i + 1 == argc) {
				snprintf(msg, sizeof(msg), "%s needs a value; %s", argv[i], use);
				return fail(DMAB_EXIT_USAGE, "export", msg);
			}
			if (!strcmp(argv[i], "-o"))
				output = argv[++i];
			else
				format = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			snprintf(msg, sizeof(msg), "unknown option '%s'; %s", argv[i], use);
			return fail(DMAB_EXIT_USAGE, "export", msg);
		} else if (path) {
			snprintf(msg, sizeof(msg), "unexpected argument '%s'; %s", argv[i], use);
			return fail(DMAB_EXIT_USAGE, "export", msg);
		} else {
			path = argv[i];
		}
	}
	if (!path || !format) {
		snprintf(msg, sizeof(msg), "needs a result file and --format; %s", use);
		return fail(DMAB_EXIT_USAGE, "export", msg);
	}
	if (dmab_export_format_parse(format, &fmt)) {
		snprintf(msg, sizeof(msg), "unknown format '%s' (lava, junit, csv or console)",
			 format);
		return fail(DMAB_EXIT_USAGE, "export", msg);
	}
	ret = dmab_result_load(path, &root, err, sizeof(err));
	if (ret)
		return fail(DMAB_EXIT_USAGE, "export", err);
	data = read_bytes(path, &len);
	if (!data) {
		snprintf(msg, sizeof(msg), "%s: cannot read: %s", path, strerror(errno));
		json_decref(root);
		return fail(DMAB_EXIT_USAGE, "export", msg);
	}
	if (output && !(out = fopen(output, "w"))) {
		snprintf(msg, sizeof(msg), "%s: cannot write: %s", output, strerror(errno));
		ret = fail(DMAB_EXIT_MISSING, "export", msg);
		goto out;
	}
	ret = dmab_export(root, path, data, len, fmt, out);
	if ((output && fclose(out)) || (!output && fflush(out)))
		ret = ret ? ret : -errno;
	if (ret) {
		snprintf(msg, sizeof(msg), "writing %s failed: %s", output ? output : "stdout",
			 strerror(-ret));
		ret = fail(DMAB_EXIT_FAILED, "export", msg);
	}
out:
	free(data);
	json_decref(root);
	return ret;
}

static int cmd_crossover(int argc, char **argv)
{
	static const char use[] = "usage: dmabench crossover RESULT.json [--json]";
	char err[DMAB_ERRLEN + 512], msg[DMAB_ERRLEN + 640];
	const char *path = NULL;
	json_t *root, *records;
	int i, json = 0, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("%s\n\nPer workload and pattern measured at 2 sizes or more, each pair "
			       "of configurations (strategy and backend; not the %s control) "
			       "compared size by size on cpu_cost (the medians of the repetition "
			       "medians, as compare takes them). At a size, one is cheaper when the "
			       "other costs more than it by more than the run's noise floor for that "
			       "workload and size (noise_floor; +-%g%% assumed where none was "
			       "measured), else they are within noise. The crossover: the size from "
			       "which one is cheaper at every larger size, dearer below it. A line "
			       "per pair says the crossover, or that there is none: cheaper "
			       "everywhere, within noise, flipping more than once; and a line per "
			       "configuration left out at some size (skipped, failed, stale or "
			       "corrupt data). docs/method.md says more.\n--json: the records, as "
			       "run stores them in the result file (crossovers).\nExit: 0, whatever "
			       "the findings; 2 bad usage or not a result file.\n", use,
			       DMAB_NEGATIVE_CONTROL, DMAB_CROSSOVER_FLOOR_ASSUMED_PCT);
			return DMAB_EXIT_OK;
		} else if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			snprintf(msg, sizeof(msg), "unknown option '%s'; %s", argv[i], use);
			return fail(DMAB_EXIT_USAGE, "crossover", msg);
		} else if (path) {
			snprintf(msg, sizeof(msg), "unexpected argument '%s'; %s", argv[i], use);
			return fail(DMAB_EXIT_USAGE, "crossover", msg);
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		snprintf(msg, sizeof(msg), "needs a result file; %s", use);
		return fail(DMAB_EXIT_USAGE, "crossover", msg);
	}
	ret = dmab_result_load(path, &root, err, sizeof(err));
	if (ret)
		return fail(DMAB_EXIT_USAGE, "crossover", err);
	ret = dmab_crossover(root, &records);
	json_decref(root);
	if (ret)
		return fail(DMAB_EXIT_FAILED, "crossover", strerror(-ret));
	if (json) {
		json_t *doc = json_pack("{s:s, s:s, s:O}", "file", path, "metric",
					DMAB_CROSSOVER_PHASE, "crossovers", records);

		if (doc)
			print_json(doc);
		json_decref(doc);
		ret = doc ? DMAB_EXIT_OK : fail(DMAB_EXIT_FAILED, "crossover", strerror(ENOMEM));
	} else if (!json_array_size(records)) {
		printf("crossover: %s has no workload and pattern measured at 2 sizes or more: "
		       "nothing to cross\n", path);
	} else {
		dmab_crossover_print_text(stdout, records);
	}
	json_decref(records);
	return ret;
}

/* Where import writes without -o: see its --help for why. */
#define IMPORT_DIR RESULTS_DIR "/imported"

struct import_state {
	const char *dir, *log;		/* log: as messages name it ("stdin" for -) */
	int dir_ready;			/* made, or found to be a folder */
	size_t found, written, unchanged, damaged, refused, unwritten;
};

/* 1 when @path is a regular file holding exactly @data (never through a symlink). */
static int same_content(const char *path, const unsigned char *data, size_t len)
{
	unsigned char buf[65536];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), same = 0;
	size_t done = 0;
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != len)
		goto out;
	while (done < len) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || (size_t)n > len - done || memcmp(buf, data + done, (size_t)n))
			goto out;
		done += (size_t)n;
	}
	same = 1;
out:
	close(fd);
	return same;
}

static int make_dirs(const char *dir);

/*
 * Each embedded file as the reader finishes it: a damaged one or an unsafe
 * name said on stderr; a good one written (never over another file) and
 * said on stdout.
 */
static int import_found(struct dmab_import *imp, struct dmab_import_file *f, void *arg)
{
	struct import_state *st = arg;
	char path[4096 + 8], written[4096 + 16], where[64];
	const char *why, *step;
	unsigned int k;
	struct stat sb;
	int ret;

	(void)imp;
	st->found++;
	snprintf(where, sizeof(where), "line %zu", f->begin_line ? f->begin_line : f->end_line);
	if (f->status != DMAB_IMPORT_OK) {
		st->damaged++;
		fprintf(stderr, "dmabench import: %s %s: %s: %s: %s\n", st->log, where, f->name,
			dmab_import_status_names[f->status], f->reason);
		return 0;
	}
	if (dmab_import_name_check(f->name, &why)) {
		st->refused++;
		fprintf(stderr, "dmabench import: %s %s: '%s' refused: the name %s (only plain "
			"file names are written)\n", st->log, where, f->name, why);
		return 0;
	}
	if (snprintf(path, sizeof(path), "%s/%s", st->dir, f->name) >= (int)sizeof(path)) {
		st->unwritten++;
		fprintf(stderr, "dmabench import: %s %s: %s: the path in %s is too long\n",
			st->log, where, f->name, st->dir);
		return 0;
	}
	if (!st->dir_ready) {
		ret = make_dirs(st->dir);
		if (ret) {
			st->unwritten++;
			fprintf(stderr, "dmabench import: %s %s: %s: cannot make the folder %s: %s\n",
				st->log, where, f->name, st->dir, strerror(-ret));
			return 0;
		}
		st->dir_ready = 1;
	}
	/* the same bytes under NAME, NAME-2.json, ...: already imported */
	for (k = 1; k < 1000; k++) {
		if (dmab_path_numbered(path, k, written, sizeof(written)) || lstat(written, &sb))
			break;
		if (same_content(written, f->data, f->len)) {
			st->unchanged++;
			printf("unchanged %s (the same %zu bytes as %s %s)\n", written, f->len,
			       st->log, where);
			return 0;
		}
	}
	ret = dmab_write_bytes(path, f->data, f->len, DMAB_WRITE_EXCLUSIVE, written,
			       sizeof(written), &step);
	if (ret) {
		st->unwritten++;
		fprintf(stderr, "dmabench import: %s %s: %s: writing it in %s failed (%s): %s\n",
			st->log, where, f->name, st->dir, step, strerror(-ret));
		return 0;
	}
	st->written++;
	if (strcmp(written, path))
		printf("written %s (%zu bytes from %s %s; %s holds another file)\n", written,
		       f->len, st->log, where, path);
	else
		printf("written %s (%zu bytes from %s %s)\n", written, f->len, st->log, where);
	return 0;
}

static int import_args(int argc, char **argv, const char **dir)
{
	static const char use[] = "usage: dmabench import LOG... [-o DIR]";
	char msg[DMAB_ERRLEN + 128];
	int i, logs = 0, stdin_logs = 0;

	*dir = IMPORT_DIR;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("%s\n\n"
			       "Reads console logs (files, or - for stdin) for the result files that\n"
			       "`dmabench export RESULT --format console` printed there, and writes each\n"
			       "back byte for byte into DIR, under the name its marker carries. Without\n"
			       "-o, DIR is %s/: beside the results/ a run writes, yet apart from\n"
			       "the runs made on this machine, so that a glob over results/*.json does\n"
			       "not mix in other boards' files and a farm's log of dozens of files does\n"
			       "not litter the current folder (-o . writes here).\n\n"
			       "A log may be a raw serial capture (CRLF or CR line ends, a prefix such\n"
			       "as a printk timestamp before each line, other programs' lines in\n"
			       "between) or a LAVA job log (one YAML entry a line). Each file is\n"
			       "checked: its end marker, the base64, the gzip CRC, its size against\n"
			       "bytes=N, and read as compare reads a result file.\n\n"
			       "A file already in DIR with the same bytes is left alone (unchanged);\n"
			       "one with other bytes is kept, and the new file gets the first free\n"
			       "NAME-2.json, NAME-3.json... Nothing is replaced. Names that are not\n"
			       "plain file names (a '/', '..', a leading '.' or '-') are refused.\n"
			       "stdout: a line per file written or unchanged; stderr: each file\n"
			       "refused or damaged, and why.\n\n"
			       "Exit codes: 0 at least one file imported and none damaged or refused;\n"
			       "1 a file damaged (truncated, bad base64 or gzip, a size mismatch, not\n"
			       "a result file) or refused, or no result in the logs; 2 bad usage or a\n"
			       "log that cannot be read; 3 a file could not be written.\n",
			       use, IMPORT_DIR);
			return 1;
		} else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
			if (i + 1 == argc) {
				snprintf(msg, sizeof(msg), "%s needs a value (%s)", argv[i], use);
				return fail(-DMAB_EXIT_USAGE, "import", msg);
			}
			*dir = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			snprintf(msg, sizeof(msg), "unknown option '%s' (%s)", argv[i], use);
			return fail(-DMAB_EXIT_USAGE, "import", msg);
		} else {
			logs++;
			stdin_logs += !strcmp(argv[i], "-");
		}
	}
	if (!logs) {
		snprintf(msg, sizeof(msg), "needs a console log (%s)", use);
		return fail(-DMAB_EXIT_USAGE, "import", msg);
	}
	if (stdin_logs > 1)
		return fail(-DMAB_EXIT_USAGE, "import", "- (stdin) can be read only once");
	return 0;
}

/* Each log can be read and is not a folder: checked before anything is written. */
static int import_check_logs(int argc, char **argv, const char *dir)
{
	char msg[DMAB_ERRLEN + 4200];
	struct stat st;
	int i, fd;

	if (!stat(dir, &st) && !S_ISDIR(st.st_mode)) {
		snprintf(msg, sizeof(msg), "cannot use %s as the output folder: %s", dir,
			 strerror(ENOTDIR));
		return fail(DMAB_EXIT_USAGE, "import", msg);
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
			i++;
			continue;
		}
		if (!strcmp(argv[i], "-"))
			continue;
		fd = open(argv[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) || S_ISDIR(st.st_mode)) {
			snprintf(msg, sizeof(msg), "%s: cannot read: %s", argv[i],
				 fd < 0 ? strerror(errno) : strerror(EISDIR));
			if (fd >= 0)
				close(fd);
			return fail(DMAB_EXIT_USAGE, "import", msg);
		}
		close(fd);
	}
	return 0;
}

static int cmd_import(int argc, char **argv)
{
	struct import_state st = { 0 };
	char err[DMAB_ERRLEN + 4200];
	size_t not_imported;
	int i, fd, ret = import_args(argc, argv, &st.dir);

	if (ret)
		return ret < 0 ? -ret : DMAB_EXIT_OK;
	ret = import_check_logs(argc, argv, st.dir);
	if (ret)
		return ret;
	for (i = 1; i < argc; i++) {
		struct dmab_import imp = { .found = import_found, .arg = &st };
		size_t before = st.found;

		if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
			i++;
			continue;
		}
		st.log = strcmp(argv[i], "-") ? argv[i] : "stdin";
		fd = strcmp(argv[i], "-") ? open(argv[i], O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
		ret = fd < 0 ? -errno : dmab_import_init(&imp, err, sizeof(err));
		if (ret == -EINVAL) {
			dmab_import_free(&imp);
			return fail(DMAB_EXIT_USAGE, "import", err);
		}
		if (!ret)
			ret = dmab_import_fd(&imp, fd);
		if (fd > STDIN_FILENO)
			close(fd);
		dmab_import_free(&imp);
		if (ret == -ENOMEM)
			return fail(DMAB_EXIT_FAILED, "import", strerror(ENOMEM));
		if (ret == -E2BIG) {
			snprintf(err, sizeof(err), "%s: more than %d dmabench results in one log: "
				 "split it", st.log, DMAB_IMPORT_FILES_MAX);
			return fail(DMAB_EXIT_USAGE, "import", err);
		}
		if (ret) {
			snprintf(err, sizeof(err), "%s: cannot read: %s", st.log, strerror(-ret));
			return fail(DMAB_EXIT_USAGE, "import", err);
		}
		if (st.found == before)
			fprintf(stderr, "dmabench import: no dmabench result in %s\n", st.log);
	}
	not_imported = st.damaged + st.refused + st.unwritten;
	if (st.found > 1 && not_imported)
		fprintf(stderr, "dmabench import: %zu of %zu files not imported (%zu damaged, %zu "
			"refused, %zu not written)\n", not_imported, st.found, st.damaged,
			st.refused, st.unwritten);
	if (st.unwritten)
		return DMAB_EXIT_MISSING;
	if (!st.found || st.damaged || st.refused)
		return DMAB_EXIT_FAILED;
	return DMAB_EXIT_OK;
}

static int cmd_plot(int argc, char **argv)
{
	static const char *const formats[] = { "png", "svg", NULL };
	struct dmab_plot_input in[MAX_PLOT_FILES] = { 0 };
	struct files_args a = {
		.cmd = "plot", .formats = formats, .max = MAX_PLOT_FILES, .takes_report = 1,
		.use = "usage: dmabench plot RESULT.json... [-o DIR] [--format png|svg] [--report]",
		.help = "",
	};
	char err[DMAB_ERRLEN + 4200], plotdir[4096];
	json_t *figures, *notes, *v;
	size_t i;
	int ret = files_args(argc, argv, &a), code = DMAB_EXIT_OK;

	if (ret) {
		free(a.files);
		return ret < 0 ? -ret : DMAB_EXIT_OK;
	}
	for (i = 0; i < a.n; i++) {
		in[i].path = a.files[i];
		if (dmab_result_load(a.files[i], &in[i].root, err, sizeof(err))) {
			code = fail(DMAB_EXIT_USAGE, "plot", err);
			a.n = i;
			goto out_free_inputs;
		}
	}
	if (dmab_plot_dir(plotdir, sizeof(plotdir))) {
		code = fail(DMAB_EXIT_MISSING, "plot", plotdir);
		goto out_free_inputs;
	}
	ret = make_dirs(a.dir);
	if (ret) {
		snprintf(err, sizeof(err), "cannot use %s as the output folder: %s", a.dir,
			 strerror(-ret));
		code = fail(DMAB_EXIT_USAGE, "plot", err);
		goto out_free_inputs;
	}
	dmab_plot_labels(in, a.n);
	figures = json_array();
	notes = json_array();
	ret = dmab_plot(in, a.n, a.dir, plotdir, a.format, figures, notes, err, sizeof(err));
	if (!ret && a.report) {
		ret = dmab_plot_report(in, a.n, a.dir, figures, notes);
		if (ret)
			snprintf(err, sizeof(err), "writing %s/report.md: %s", a.dir,
				 strerror(-ret));
	}
	json_array_foreach(figures, i, v)
		printf("%s/%s\n", a.dir, json_string_value(json_object_get(v, "file")));
	if (!ret && a.report)
		printf("%s/report.md\n", a.dir);
	json_array_foreach(notes, i, v)
		fprintf(stderr, "dmabench plot: %s\n", json_string_value(v));
	if (ret)
		code = fail(ret == -ENOENT ? DMAB_EXIT_MISSING : DMAB_EXIT_FAILED, "plot", err);
	json_decref(figures);
	json_decref(notes);
out_free_inputs:
	for (i = 0; i < a.n; i++)
		json_decref(in[i].root);
	free(a.files);
	return code;
}

static int cmd_report(int argc, char **argv)
{
	static const char *const formats[] = { "md", "html", NULL };
	struct files_args a = {
		.cmd = "report", .formats = formats, .max = DMAB_FLEET_FILES_MAX,
		.use = "usage: dmabench report RESULT.json... [-o DIR] [--format md|html]",
		.help = "\nThe result files of a fleet, grouped by board (its model, else host "
			"name and machine) and kernel release: per configuration a table, a row "
			"per board and a column per kernel in version order, of the cpu_cost "
			"median, integrity and compare's verdict against the board's oldest "
			"kernel; a trend figure each (gnuplot). Writes DIR/report.md with PNG "
			"figures; --format html: SVG figures, report.md and DIR/report.html, one "
			"page with the figures inside. Exits 0 whatever the verdicts (compare is "
			"the gate).\n",
	};
	struct dmab_fleet_input *in = NULL;
	char err[DMAB_ERRLEN + 4200], plotdir[4096];
	const json_t *c;
	json_t *doc = NULL;
	int ret = files_args(argc, argv, &a), code = DMAB_EXIT_OK;
	int html;
	size_t i;

	if (ret) {
		free(a.files);
		return ret < 0 ? -ret : DMAB_EXIT_OK;
	}
	html = !strcmp(a.format, "html");
	in = calloc(a.n, sizeof(*in));
	if (!in) {
		code = fail(DMAB_EXIT_FAILED, "report", strerror(ENOMEM));
		goto out_free;
	}
	for (i = 0; i < a.n; i++) {
		in[i].path = a.files[i];
		if (dmab_result_load(a.files[i], &in[i].root, err, sizeof(err))) {
			code = fail(DMAB_EXIT_USAGE, "report", err);
			goto out_free;
		}
		dmab_fleet_trim(in[i].root);
	}
	if (dmab_plot_dir(plotdir, sizeof(plotdir))) {
		code = fail(DMAB_EXIT_MISSING, "report", plotdir);
		goto out_free;
	}
	ret = make_dirs(a.dir);
	if (ret) {
		snprintf(err, sizeof(err), "cannot use %s as the output folder: %s", a.dir,
			 strerror(-ret));
		code = fail(DMAB_EXIT_USAGE, "report", err);
		goto out_free;
	}
	ret = dmab_fleet_build(in, a.n, &doc);
	if (ret) {
		code = fail(DMAB_EXIT_FAILED, "report", strerror(-ret));
		goto out_free;
	}
	ret = dmab_fleet_figures(doc, a.dir, plotdir, html ? "svg" : "png", err, sizeof(err));
	if (ret) {
		if (ret != -ENOENT && ret != -EIO)
			snprintf(err, sizeof(err), "writing the figures into %s: %s", a.dir,
				 strerror(-ret));
		code = fail(ret == -ENOENT ? DMAB_EXIT_MISSING : DMAB_EXIT_FAILED, "report", err);
		goto out_free;
	}
	ret = dmab_fleet_write_markdown(doc, a.dir);
	if (!ret && html)
		ret = dmab_fleet_write_html(doc, a.dir);
	if (ret) {
		snprintf(err, sizeof(err), "writing %s/report.%s: %s", a.dir,
			 html ? "md or .html" : "md", strerror(-ret));
		code = fail(DMAB_EXIT_FAILED, "report", err);
		goto out_free;
	}
	json_array_foreach(json_object_get(doc, "configurations"), i, c)
		printf("%s/%s\n", a.dir, json_string_value(json_object_get(c, "figure")));
	printf("%s/report.md\n", a.dir);
	if (html)
		printf("%s/report.html\n", a.dir);
	if (!json_integer_value(json_object_get(doc, "in_common")))
		fprintf(stderr, "dmabench report: no configuration ran on more than one board and "
			"kernel: nothing compared (the report says so)\n");
out_free:
	json_decref(doc);
	for (i = 0; in && i < a.n; i++)
		json_decref(in[i].root);
	free(in);
	free(a.files);
	return code;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	char msg[DMAB_ERRLEN];

	if (validate_registry())
		return DMAB_EXIT_FAILED;
	if (!cmd) {
		usage(stderr);
		return DMAB_EXIT_USAGE;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		usage(stdout);
		return DMAB_EXIT_OK;
	}
	if (!strcmp(cmd, "--version")) {
		printf("dmabench %s (%s)\n", DMAB_VERSION, DMAB_GIT);
		return DMAB_EXIT_OK;
	}
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "recover"))
		return cmd_recover(argc - 1, argv + 1);
	if (!strcmp(cmd, "list"))
		return cmd_list(argc - 1, argv + 1);
	if (!strcmp(cmd, "info"))
		return cmd_info(argc - 1, argv + 1);
	if (!strcmp(cmd, "compare"))
		return cmd_compare(argc - 1, argv + 1);
	if (!strcmp(cmd, "crossover"))
		return cmd_crossover(argc - 1, argv + 1);
	if (!strcmp(cmd, "export"))
		return cmd_export(argc - 1, argv + 1);
	if (!strcmp(cmd, "import"))
		return cmd_import(argc - 1, argv + 1);
	if (!strcmp(cmd, "plot"))
		return cmd_plot(argc - 1, argv + 1);
	if (!strcmp(cmd, "report"))
		return cmd_report(argc - 1, argv + 1);
	snprintf(msg, sizeof(msg), "unknown command '%s' (see dmabench help)", cmd);
	return fail(DMAB_EXIT_USAGE, NULL, msg);
}
