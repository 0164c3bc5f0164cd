// SPDX-License-Identifier: GPL-2.0
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "workload.h"

enum opt_kind {
	OPT_STRATEGIES,		/* comma list of strategy names */
	OPT_BACKENDS,		/* comma list of backend names */
	OPT_WORKLOADS,
	OPT_PATTERNS,
	OPT_SIZES,
	OPT_EVENTS,		/* comma list of event names, checked when opened */
	OPT_INJECT,		/* comma list of NAME=VALUE faults (inject.h) */
	OPT_COUNT,		/* whole number in [min, max] */
	OPT_SECONDS,		/* positive number up to max */
	OPT_TEXT,
	OPT_FLAG,
	OPT_HELP,
};

struct dmab_option {
	const char *name;
	int short_name;		/* 0: long only */
	const char *arg;	/* NULL: takes no argument */
	enum opt_kind kind;
	size_t offset;		/* of the field in struct dmab_run_options */
	size_t count_offset;	/* lists: of the field counting them */
	uint64_t min, max;
	const char *help;
};

#define FIELD(f) offsetof(struct dmab_run_options, f)

static const struct dmab_option run_options[] = {
	{ "strategy", 's', "LIST", OPT_STRATEGIES, FIELD(strategies), FIELD(n_strategies), 0, 0,
	  "strategies to run, comma-separated (default: all; see `dmabench list`)" },
	{ "backend", 'b', "LIST", OPT_BACKENDS, FIELD(backends), FIELD(n_backends), 0, 0,
	  "only these backends, comma-separated: kmod, user, dma-heap, udmabuf, carveout, "
	  "devmem (default: every one that offers a strategy)" },
	{ "workload", 'w', "LIST", OPT_WORKLOADS, FIELD(workloads), FIELD(n_workloads), 0, 0,
	  "capture, playback, sync-cost, cpu-access, alloc, alloc-atomic, alloc-fragmented "
	  "(default: capture)" },
	{ "pattern", 'p', "LIST", OPT_PATTERNS, FIELD(patterns), FIELD(n_patterns), 0, 0,
	  "CPU patterns: read, memcpy, bytes, stride, rmw, write (default: read,memcpy)" },
	{ "size", 'z', "SIZES", OPT_SIZES, FIELD(sizes), FIELD(n_sizes), 0, 0,
	  "frame sizes, e.g. 4K,64K,1M (default: 4K,64K,1M,16M; sync-cost: 4K..16M)" },
	{ "frames", 'n', "N", OPT_COUNT, FIELD(frames), 0, 1, 10000000,
	  "frames per configuration, over all its repetitions (default: until stable or "
	  "out of budget)" },
	{ "repeat", 'R', "N", OPT_COUNT, FIELD(repeat), 0, 1, DMAB_MAX_REPEAT,
	  "repetitions of each configuration, each with fresh buffers, interleaved round "
	  "robin over the matrix; the budget and -n are split across them (default: 10, "
	  "see docs/method.md; 2 or more also measure the noise floor)" },
	{ "ring", 'r', "N", OPT_COUNT, FIELD(ring), 0, 1, 1024,
	  "frame buffers in the ring (default: 4)" },
	{ "fps", 'f', "F", OPT_SECONDS, FIELD(fps), 0, 0, 1000000,
	  "pace frames at F per second; report deadline misses and jitter" },
	{ "budget", 't', "SECONDS", OPT_SECONDS, FIELD(budget_s), 0, 0, 86400,
	  "time budget per configuration (default: 3, --quick: 1; none with -n)" },
	{ "events", 'e', "LIST", OPT_EVENTS, FIELD(events), FIELD(n_events), 0, 0,
	  "perf events, libpfm4 names: hardware ones read per phase, software ones over "
	  "the frames (default: 'default', the set `dmabench list` shows; 'none': no counters)" },
	{ "software-per-phase", 0, NULL, OPT_FLAG, FIELD(software_per_phase), 0, 0, 0,
	  "read software events (page-faults...) at every phase boundary too: a read() "
	  "each time, 0.4-1 us (default: counted over the frames)" },
	{ "output", 'o', "FILE", OPT_TEXT, FIELD(output), 0, 0, 0,
	  "result file (default: results/<host>-<kernel>-<UTC time>.json)" },
	{ "quick", 0, NULL, OPT_FLAG, FIELD(quick), 0, 0, 0,
	  "every available strategy, capture with read, at 64K and 1M, 1 s each" },
	{ "json", 0, NULL, OPT_FLAG, FIELD(json), 0, 0, 0,
	  "print the result JSON on stdout, and nothing else" },
	{ "quiet", 'q', NULL, OPT_FLAG, FIELD(quiet), 0, 0, 0, "no progress on stderr" },
	{ "inject", 0, "FAULTS", OPT_INJECT, FIELD(inject), 0, 0, 0,
	  "a self-test of the harness, not a measurement: stale=LINES (the emulated "
	  "device leaves the last LINES lines of each frame unwritten; kmod configurations "
	  "are skipped), delay=NS (cpu_process spins NS more each frame); both: "
	  "stale=LINES,delay=NS or the option twice. The result file and the table say so" },
	{ "help", 'h', NULL, OPT_HELP, 0, 0, 0, 0, "this text" },
};

#define N_OPTIONS (sizeof(run_options) / sizeof(run_options[0]))

void dmab_run_options_help(FILE *out)
{
	size_t i;

	fprintf(out, "usage: dmabench run [options]\n\n"
		"Runs capture-like workloads over DMA buffer strategies and writes the results\n"
		"as JSON. Each configuration runs in repetitions (-R), each with freshly\n"
		"allocated buffers; the repetitions of all configurations take turns, and within\n"
		"one, the configurations of a workload and size run interleaved. A repetition\n"
		"stops when its frame time is stable or its share of the budget is spent. The\n"
		"headline is cpu_cost: what the strategy costs the consumer's CPU per frame\n"
		"(capture: sync_for_device + sync_for_cpu + cpu_process; playback: the CPU's\n"
		"write + sync_for_device). One configuration per workload and size runs twice\n"
		"(an A/A pair) to measure the run's own noise floor.\n\n");
	for (i = 0; i < N_OPTIONS; i++) {
		const struct dmab_option *o = &run_options[i];
		char left[48];

		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->arg ? " " : "",
				 o->arg ? o->arg : "");
		fprintf(out, "  %-24s %s\n", left, o->help);
	}
	fprintf(out, "\nSizes take K, M, G (powers of 1024) and must be multiples of 64 bytes.\n"
		"Exit: 0 ok, 1 a configuration failed, or one other than the cached-nosync\n"
		"control saw stale or corrupt data (integrity stale or corrupt), 2 bad usage,\n"
		"4 nothing could run here, 130 interrupted (the finished results are kept,\n"
		"marked interrupted; those that never started are listed as not_started).\n");
}

static int add_name(const struct dmab_option *opt, struct dmab_run_options *o,
		    const char *item, char *err, size_t errlen)
{
	void *field = (char *)o + opt->offset;
	size_t *count = (size_t *)((char *)o + opt->count_offset);
	const void *value = NULL;
	size_t i;

	switch (opt->kind) {
	case OPT_STRATEGIES:
		value = dmab_strategy_known(item) ? item : NULL;
		break;
	case OPT_BACKENDS:
		value = dmab_backend_known(item) ? item : NULL;
		break;
	case OPT_WORKLOADS:
		value = dmab_workload_find(item);
		break;
	default:
		value = dmab_pattern_find(item);
		break;
	}
	if (!value) {
		snprintf(err, errlen, "unknown %s '%s' (see `dmabench list`)", opt->name, item);
		return -EINVAL;
	}
	for (i = 0; i < *count; i++)
		if (((const void **)field)[i] == value ||
		    ((opt->kind == OPT_STRATEGIES || opt->kind == OPT_BACKENDS) &&
		     !strcmp(((const char **)field)[i], item)))
			return 0;
	if (*count == DMAB_MAX_LIST) {
		snprintf(err, errlen, "too many %ss (at most %d)", opt->name, DMAB_MAX_LIST);
		return -E2BIG;
	}
	((const void **)field)[(*count)++] = value;
	return 0;
}

static int add_size(const struct dmab_option *opt, struct dmab_run_options *o,
		    const char *item, char *err, size_t errlen)
{
	uint64_t v;
	int ret = dmab_parse_size(item, &v, err, errlen);
	size_t i;

	(void)opt;
	if (ret)
		return ret;
	for (i = 0; i < o->n_sizes; i++)
		if (o->sizes[i] == v)
			return 0;
	if (o->n_sizes == DMAB_MAX_LIST) {
		snprintf(err, errlen, "too many sizes (at most %d)", DMAB_MAX_LIST);
		return -E2BIG;
	}
	o->sizes[o->n_sizes++] = v;
	return 0;
}

static int parse_list(const struct dmab_option *opt, struct dmab_run_options *o,
		      char *arg, char *err, size_t errlen)
{
	char *save = NULL, *item;
	int ret;

	if (!arg[strspn(arg, ",")]) {
		snprintf(err, errlen, "--%s needs at least one value", opt->name);
		return -EINVAL;
	}
	ret = dmab_parse_list_items(opt->name, arg, err, errlen);
	if (ret)
		return ret;
	for (item = strtok_r(arg, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		if (opt->kind == OPT_STRATEGIES && !strcmp(item, "all")) {
			o->n_strategies = 0;
			continue;
		}
		ret = opt->kind == OPT_SIZES ? add_size(opt, o, item, err, errlen) :
					       add_name(opt, o, item, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

static int apply(const struct dmab_option *opt, struct dmab_run_options *o, char *arg,
		 char *err, size_t errlen)
{
	void *field = (char *)o + opt->offset;
	char msg[DMAB_ERRLEN];
	int ret = 0;

	switch (opt->kind) {
	case OPT_STRATEGIES:
	case OPT_BACKENDS:
	case OPT_WORKLOADS:
	case OPT_PATTERNS:
	case OPT_SIZES:
		return parse_list(opt, o, arg, err, errlen);
	case OPT_EVENTS:
		o->events_given = 1;
		return dmab_counters_parse_list(arg, o->events, &o->n_events, err, errlen);
	case OPT_INJECT:
		return dmab_inject_parse(arg, field, err, errlen);
	case OPT_COUNT:
		ret = dmab_parse_uint(arg, opt->min, opt->max, field, msg, sizeof(msg));
		break;
	case OPT_SECONDS:
		ret = dmab_parse_positive(arg, (double)opt->max, field, msg, sizeof(msg));
		break;
	case OPT_TEXT:
		if (!*arg) {
			snprintf(err, errlen, "--%s needs a value", opt->name);
			return -EINVAL;
		}
		*(const char **)field = arg;
		return 0;
	case OPT_FLAG:
		*(int *)field = 1;
		return 0;
	case OPT_HELP:
		return 1;
	}
	if (ret)
		snprintf(err, errlen, "--%s: %s", opt->name, msg);
	return ret;
}

/* With -s and -b both given, each strategy named must have a table on a backend named. */
static int strategies_on_backends(const struct dmab_run_options *o, char *err, size_t errlen)
{
	size_t i, j, k;

	for (i = 0; i < o->n_strategies; i++) {
		int found = !o->n_backends;

		for (j = 0; j < dmab_strategy_count && !found; j++)
			for (k = 0; k < o->n_backends && !found; k++)
				found = !strcmp(dmab_strategies[j]->name, o->strategies[i]) &&
					!strcmp(dmab_strategies[j]->backend, o->backends[k]);
		if (!found) {
			snprintf(err, errlen, "no backend of --backend has the strategy '%s' "
				 "(see `dmabench list`)", o->strategies[i]);
			return -EINVAL;
		}
	}
	return 0;
}

int dmab_run_options_parse(int argc, char **argv, struct dmab_run_options *o, FILE *out,
			   char *err, size_t errlen)
{
	struct option longs[N_OPTIONS + 1];
	char shorts[3 * N_OPTIONS + 2], *sp = shorts;
	size_t i;
	int c, ret;

	memset(longs, 0, sizeof(longs));
	*sp++ = ':';	/* report a missing argument as ':' */
	for (i = 0; i < N_OPTIONS; i++) {
		const struct dmab_option *opt = &run_options[i];

		longs[i].name = opt->name;
		longs[i].has_arg = opt->arg ? required_argument : no_argument;
		longs[i].val = opt->short_name ? opt->short_name : 256 + (int)i;
		if (opt->short_name) {
			*sp++ = (char)opt->short_name;
			if (opt->arg)
				*sp++ = ':';
		}
	}
	*sp = 0;
	opterr = 0;
	optind = 0;	/* glibc's full reset: it forgets the previous argv too */
	while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		const struct dmab_option *opt = NULL;

		if (c == '?' || c == ':') {
			/* a long option: name it as typed, not by its short form */
			const char *what = !strncmp(argv[optind - 1], "--", 2) ||
					   !optopt || optopt >= 256 ? argv[optind - 1] : NULL;

			if (c == ':')
				snprintf(err, errlen, "option '%s' needs a value",
					 argv[optind - 1]);
			else if (what)
				snprintf(err, errlen, "unknown option '%s'", what);
			else
				snprintf(err, errlen, "unknown option '-%c'", optopt);
			return -EINVAL;
		}
		for (i = 0; i < N_OPTIONS; i++)
			if (longs[i].val == c)
				opt = &run_options[i];
		ret = apply(opt, o, optarg, err, errlen);
		if (ret == 1) {
			dmab_run_options_help(out);
			return 1;
		}
		if (ret)
			return ret;
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	return strategies_on_backends(o, err, errlen);
}

json_t *dmab_run_options_json(const struct dmab_run_options *o, json_t *argv)
{
	json_t *cfg = json_object(), *a;
	size_t i;

	json_object_set_new(cfg, "argv", argv);
	a = json_array();
	for (i = 0; i < o->n_strategies; i++)
		json_array_append_new(a, json_string(o->strategies[i]));
	json_object_set_new(cfg, "strategies", a);
	a = json_array();
	for (i = 0; i < o->n_backends; i++)
		json_array_append_new(a, json_string(o->backends[i]));
	json_object_set_new(cfg, "backends", a);
	a = json_array();
	for (i = 0; i < o->n_workloads; i++)
		json_array_append_new(a, json_string(o->workloads[i]->name));
	json_object_set_new(cfg, "workloads", a);
	a = json_array();
	for (i = 0; i < o->n_patterns; i++)
		json_array_append_new(a, json_string(o->patterns[i]->name));
	json_object_set_new(cfg, "patterns", a);
	a = json_array();
	for (i = 0; i < o->n_sizes; i++)
		json_array_append_new(a, json_integer((json_int_t)o->sizes[i]));
	json_object_set_new(cfg, "sizes", a);
	json_object_set_new(cfg, "frames", o->frames ? json_integer((json_int_t)o->frames) :
					    json_null());
	json_object_set_new(cfg, "repeat", json_integer((json_int_t)o->repeat));
	json_object_set_new(cfg, "ring", json_integer((json_int_t)o->ring));
	json_object_set_new(cfg, "fps", o->fps ? json_real(o->fps) : json_null());
	json_object_set_new(cfg, "budget_s", o->budget_s ? json_real(o->budget_s) : json_null());
	json_object_set_new(cfg, "quick", json_boolean(o->quick));
	a = json_array();
	for (i = 0; i < o->n_events; i++)
		json_array_append_new(a, json_string(o->events[i]));
	json_object_set_new(cfg, "events", a);
	json_object_set_new(cfg, "software_per_phase", json_boolean(o->software_per_phase));
	json_object_set_new(cfg, "inject", dmab_inject_json(&o->inject));
	return cfg;
}
