// SPDX-License-Identifier: GPL-2.0
/*
 * dmabench plot: data files from result files, figures from the gnuplot
 * scripts in plots/ (one script a figure, its variables set with -e, as
 * fio's fio2gnuplot drives its templates), and a Markdown page for a
 * design review.
 */
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compare.h"
#include "../harness/dmabench.h"
#include "../harness/parse.h"

extern char **environ;

#define CDF_POINTS 400		/* per series: enough for a smooth step curve */

/*
 * The phases a frame is made of, stacked in this order (device_busy is inside
 * device_write); a figure stacks those its results have (alloc's are its own).
 * cpu_cost is not one of them: it is the sum of some of them.
 */
static const char *const stacked[] = {
	"alloc_map", "first_touch", "sync_for_device", "device_write", "device_read",
	"sync_for_cpu", "cpu_process", "unmap_free",
};

/* The device's phases: on an emulated device they time the emulation, not the strategy. */
static int is_device_phase(const char *phase)
{
	return !strcmp(phase, "device_write") || !strcmp(phase, "device_read");
}

/*
 * The headline (schema_version 2): what a strategy costs the consumer's CPU
 * per frame. Files of version 1 have none; their figures fall back to frame.
 */
#define HEADLINE "cpu_cost"

/* --- where the scripts are --- */

static int has_scripts(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/common.gp", dir);
	return !access(path, R_OK);
}

int dmab_plot_dir(char *out, size_t len)
{
	const char *env = getenv("DMABENCH_PLOTS");
	char exe[PATH_MAX], *slash;
	ssize_t n;

	if (env && env[0]) {
		snprintf(out, len, "%s", env);
		if (has_scripts(out))
			return 0;
		snprintf(out, len, "DMABENCH_PLOTS=%s has no common.gp", env);
		return -ENOENT;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		snprintf(out, len, "cannot find the binary's folder (/proc/self/exe)");
		return -ENOENT;
	}
	exe[n] = 0;
	slash = strrchr(exe, '/');
	if (slash)
		*slash = 0;
	snprintf(out, len, "%s/plots", exe);
	if (has_scripts(out))
		return 0;
	snprintf(out, len, "%s/../share/dmabench/plots", exe);
	if (has_scripts(out))
		return 0;
	snprintf(out, len, "no gnuplot scripts in %s/plots nor %s/../share/dmabench/plots "
		 "(set DMABENCH_PLOTS)", exe, exe);
	return -ENOENT;
}

void dmab_plot_labels(struct dmab_plot_input *in, size_t n)
{
	unsigned int dup;
	size_t i, k;

	for (i = 0; i < n; i++) {
		const char *base = strrchr(in[i].path, '/');
		char *c;

		base = base ? base + 1 : in[i].path;
		snprintf(in[i].label, sizeof(in[i].label), "%.50s", base);
		c = strstr(in[i].label, ".json");
		if (c && c != in[i].label && !c[5])
			*c = 0;
		for (c = in[i].label; *c; c++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789._-", *c))
				*c = '_';
		for (k = 0, dup = 1; k < i; k++)
			if (!strcmp(in[k].label, in[i].label))
				dup++;
		if (dup > 1) {
			char tmp[sizeof(in[i].label)];

			snprintf(tmp, sizeof(tmp), "%.40s-%u", in[i].label, dup);
			memcpy(in[i].label, tmp, sizeof(tmp));
		}
	}
}

/* --- what each result is called --- */

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "-";
}

static int ran(const json_t *r)
{
	return !json_is_string(json_object_get(r, "skipped"));
}

/* Whether the results of a file differ in @key (then labels name it). */
static int varies(const json_t *results, const char *key)
{
	const json_t *r, *first = NULL;
	size_t i;

	json_array_foreach(results, i, r) {
		if (!ran(r))
			continue;
		if (!first)
			first = json_object_get(r, key);
		else if (!json_equal(first, json_object_get(r, key)))
			return 1;
	}
	return 0;
}

struct naming {
	int backend, workload, pattern;
};

static struct naming naming_of(const json_t *results)
{
	return (struct naming){ varies(results, "backend"), varies(results, "workload"),
				varies(results, "pattern") };
}

/* A series: the strategy, and what else tells the file's results apart. */
static void series_name(const json_t *r, struct naming nm, char *buf, size_t len)
{
	/* a workload without a CPU pattern (playback, sync-cost) has none to name */
	int pattern = nm.pattern && json_is_string(json_object_get(r, "pattern"));

	snprintf(buf, len, "%s%s%s%s%s%s%s", str(r, "strategy"), nm.backend ? "/" : "",
		 nm.backend ? str(r, "backend") : "", nm.workload ? " " : "",
		 nm.workload ? str(r, "workload") : "", pattern ? " " : "",
		 pattern ? str(r, "pattern") : "");
}

static uint64_t size_of(const json_t *r)
{
	return (uint64_t)json_integer_value(json_object_get(r, "size_bytes"));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The distinct frame sizes that ran, ascending. */
static size_t sizes_of(const json_t *results, uint64_t *out, size_t max)
{
	const json_t *r;
	size_t i, k, n = 0;

	json_array_foreach(results, i, r) {
		if (!ran(r))
			continue;
		for (k = 0; k < n && out[k] != size_of(r); k++)
			;
		if (k == n && n < max)
			out[n++] = size_of(r);
	}
	qsort(out, n, sizeof(*out), cmp_u64);
	return n;
}

/* The distinct series names that ran, in the file's order. */
static size_t series_of(const json_t *results, struct naming nm, char names[][96], size_t max)
{
	const json_t *r;
	char name[96];
	size_t i, k, n = 0;

	json_array_foreach(results, i, r) {
		if (!ran(r))
			continue;
		series_name(r, nm, name, sizeof(name));
		for (k = 0; k < n && strcmp(names[k], name); k++)
			;
		if (k == n && n < max)
			snprintf(names[n++], 96, "%s", name);
	}
	return n;
}

static const json_t *phase_of(const json_t *r, const char *phase)
{
	return json_object_get(json_object_get(r, "phases"), phase);
}

static double p50_us(const json_t *r, const char *phase)
{
	const json_t *p = phase_of(r, phase);

	return p ? (double)json_integer_value(json_object_get(p, "p50_ns")) / 1e3 : 0;
}

/* Whether a result that ran has @phase (cpu_cost: a file of version 2). */
static int any_has_phase(const json_t *results, const char *phase)
{
	const json_t *r;
	size_t i;

	json_array_foreach(results, i, r)
		if (ran(r) && phase_of(r, phase))
			return 1;
	return 0;
}

/*
 * The lowest and highest median of @phase over the result's repetitions
 * (each with fresh buffers), in microseconds; returns how many repetitions
 * timed it (none in a file of version 1).
 */
static size_t repetition_range(const json_t *r, const char *phase, double *lo, double *hi)
{
	const json_t *rep, *v;
	size_t i, n = 0;

	json_array_foreach(json_object_get(r, "repetitions"), i, rep) {
		double us;

		v = json_object_get(json_object_get(rep, "p50_ns"), phase);
		if (!json_is_integer(v))
			continue;
		us = (double)json_integer_value(v) / 1e3;
		if (!n || us < *lo)
			*lo = us;
		if (!n || us > *hi)
			*hi = us;
		n++;
	}
	return n;
}

/* What cpu_cost adds up (cost_phases): "sync_for_device + sync_for_cpu + cpu_process". */
static void cost_sum(const json_t *r, char *buf, size_t len)
{
	const json_t *p;
	size_t i;

	buf[0] = 0;
	json_array_foreach(json_object_get(r, "cost_phases"), i, p)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? " + " : "",
			 json_is_string(p) ? json_string_value(p) : "?");
}

/* The same for the file: one sum, or one per workload where they differ. */
static void cost_sum_words(const json_t *results, char *buf, size_t len)
{
	json_t *by_workload = json_object(), *v;
	const char *workload, *first = NULL;
	const json_t *r;
	char sum[256];
	int same = 1;
	size_t i;

	buf[0] = 0;
	if (!by_workload)
		return;
	json_array_foreach(results, i, r) {
		if (!ran(r) || !json_array_size(json_object_get(r, "cost_phases")))
			continue;
		cost_sum(r, sum, sizeof(sum));
		json_object_set_new(by_workload, str(r, "workload"), json_string(sum));
	}
	json_object_foreach(by_workload, workload, v) {
		if (first && strcmp(first, json_string_value(v)))
			same = 0;
		if (!first)
			first = json_string_value(v);
	}
	if (same && first) {
		snprintf(buf, len, "%s", first);
	} else {
		json_object_foreach(by_workload, workload, v)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s: %s",
				 buf[0] ? "; " : "", workload, json_string_value(v));
	}
	json_decref(by_workload);
}

static double floor_pct(const json_t *pair)
{
	return json_number_value(json_object_get(pair, "floor_pct"));
}

/*
 * The run's noise floor in words: "noise floor +-3.4% (A/A, capture 64KiB)",
 * the worst A/A pair when there are several (one per workload and size).
 * Empty when the file has none (version 1, or too few repetitions).
 */
static void noise_floor_words(const json_t *root, char *buf, size_t len)
{
	const json_t *pairs = json_object_get(json_object_get(root, "noise_floor"), "groups");
	const json_t *g, *worst = NULL;
	char size[32], more[64] = "";
	size_t i;

	buf[0] = 0;
	json_array_foreach(pairs, i, g)
		if (json_is_number(json_object_get(g, "floor_pct")) &&
		    (!worst || floor_pct(g) > floor_pct(worst)))
			worst = g;
	if (!worst)
		return;
	if (json_array_size(pairs) > 1)
		snprintf(more, sizeof(more), "; the worst of %zu pairs", json_array_size(pairs));
	snprintf(buf, len, "noise floor +-%.1f%% (A/A, %s %s%s)", floor_pct(worst),
		 str(worst, "workload"), dmab_format_size(size_of(worst), size, sizeof(size)),
		 more);
}

/*
 * The noise floor of the pairs at one frame size, for a panel's title:
 * "noise floor +-3.4%", or per workload ("capture +-3.4%, playback +-2.0%").
 */
static void size_floor_words(const json_t *root, uint64_t size, int workloads, char *buf,
			     size_t len)
{
	const json_t *pairs = json_object_get(json_object_get(root, "noise_floor"), "groups");
	char list[256] = "";
	const json_t *g;
	size_t i;

	buf[0] = 0;
	json_array_foreach(pairs, i, g) {
		if (size_of(g) != size || !json_is_number(json_object_get(g, "floor_pct")))
			continue;
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s%s+-%.1f%%",
			 list[0] ? ", " : "", workloads ? str(g, "workload") : "",
			 workloads ? " " : "", floor_pct(g));
	}
	if (list[0])
		snprintf(buf, len, "noise floor %s", list);
}

/* Board (or host), kernel and date: what every title names. */
static void describe(const json_t *root, char *buf, size_t len)
{
	const json_t *env = json_object_get(root, "environment");
	const char *board = json_string_value(json_object_get(env, "board"));
	const char *kernel = json_string_value(json_object_get(json_object_get(env, "kernel"),
							       "release"));
	const char *when = json_string_value(json_object_get(root, "started_utc"));

	snprintf(buf, len, "%s, kernel %s, %.10s", board ? board :
		 json_string_value(json_object_get(env, "hostname")) ?
		 json_string_value(json_object_get(env, "hostname")) : "unknown board",
		 kernel ? kernel : "unknown", when ? when : "unknown date");
}

/* --- running gnuplot --- */

/*
 * A gnuplot string: single quotes, a quote doubled, a control character a
 * space: a newline from a result file (a board or strategy name) would end
 * the assignment, and the rest of the line would run as a command of its
 * own in report-figures.gp (system("...")).
 */
static void gp_append(char *buf, size_t len, const char *name, const char *value)
{
	size_t used = strlen(buf);

	used += (size_t)snprintf(buf + used, len > used ? len - used : 0, "%s='", name);
	for (; *value && used + 3 < len; value++) {
		char c = (unsigned char)*value < 0x20 || *value == 0x7f ? ' ' : *value;

		if (c == '\'')
			buf[used++] = '\'';
		buf[used++] = c;
	}
	snprintf(buf + used, len > used ? len - used : 0, "'; ");
}

void dmab_gnuplot_assign(char *buf, size_t len, const char *name, const char *value)
{
	gp_append(buf, len, name, value);
}

static void gp_append_int(char *buf, size_t len, const char *name, long value)
{
	size_t used = strlen(buf);

	snprintf(buf + used, len > used ? len - used : 0, "%s=%ld; ", name, value);
}

struct figure {
	const char *script;	/* plots/<script>.gp */
	char data[PATH_MAX];
	char out[PATH_MAX];
	char vars[4096];	/* gnuplot -e, beyond the common ones */
	char title[128];	/* when it is not the kind's (what a file of version 1 shows) */
	char why[128];		/* when there is none and the kind's reason is not why */
};

static int last_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[512];

	buf[0] = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (line[0] != '\n')
			snprintf(buf, len, "%s", line);
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/*
 * gnuplot @argv (stdin /dev/null, stdout and stderr into @log), waited for;
 * @what says in @err what failed ("SCRIPT failed for FIGURE"). The log is
 * removed when gnuplot succeeds.
 */
static int spawn_gnuplot(char **argv, const char *log, const char *what, char *err,
			 size_t errlen)
{
	posix_spawn_file_actions_t fa;
	char msg[512];
	int status, ret;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC,
					 0644);
	posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
	ret = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (ret) {
		snprintf(err, errlen, "cannot run gnuplot: %s (Debian: apt-get install gnuplot-nox)",
			 strerror(ret));
		return ret == ENOENT ? -ENOENT : -ret;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	/* exec failing in the child (no gnuplot on PATH) exits 127 */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		snprintf(err, errlen, "gnuplot is not installed (Debian: apt-get install gnuplot-nox)");
		return -ENOENT;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		last_line(log, msg, sizeof(msg));
		snprintf(err, errlen, "gnuplot %s: %s (log: %s)", what, msg, log);
		return -EIO;
	}
	unlink(log);
	return 0;
}

static int run_gnuplot(const struct figure *fig, const char *plotdir, const char *format,
		       const char *title, char *err, size_t errlen)
{
	char vars[8192] = "", script[PATH_MAX], log[PATH_MAX + 8], what[2 * PATH_MAX + 16];
	char *argv[] = { "gnuplot", "-e", vars, script, NULL };

	snprintf(script, sizeof(script), "%s/%s.gp", plotdir, fig->script);
	snprintf(log, sizeof(log), "%s.log", fig->out);
	snprintf(what, sizeof(what), "%s failed for %s", script, fig->out);
	gp_append(vars, sizeof(vars), "plotdir", plotdir);
	gp_append(vars, sizeof(vars), "term", format);
	gp_append(vars, sizeof(vars), "outfile", fig->out);
	gp_append(vars, sizeof(vars), "datafile", fig->data);
	gp_append(vars, sizeof(vars), "title", title);
	strncat(vars, fig->vars, sizeof(vars) - strlen(vars) - 1);
	return spawn_gnuplot(argv, log, what, err, errlen);
}

int dmab_gnuplot_run_file(const char *path, const char *log, char *err, size_t errlen)
{
	char file[PATH_MAX], what[PATH_MAX + 16];
	char *argv[] = { "gnuplot", file, NULL };

	snprintf(file, sizeof(file), "%s", path);
	snprintf(what, sizeof(what), "failed on %s", path);
	return spawn_gnuplot(argv, log, what, err, errlen);
}

/* --- the data files --- */

static FILE *open_data(struct figure *fig, const char *dir, const char *label, const char *kind,
		       const char *format)
{
	snprintf(fig->data, sizeof(fig->data), "%s/%s-%s.dat", dir, label, kind);
	snprintf(fig->out, sizeof(fig->out), "%s/%s-%s.%s", dir, label, kind, format);
	fig->vars[0] = 0;
	return fopen(fig->data, "w");
}

/* A number, or the data files' missing value (common.gp: set datafile missing). */
static void put_number(FILE *f, double v)
{
	if (isnan(v))
		fprintf(f, " NaN");
	else
		fprintf(f, " %.6g", v);
}

static void size_words(const uint64_t *sizes, size_t n, char *buf, size_t len)
{
	char s[32];
	size_t i;

	buf[0] = 0;
	for (i = 0; i < n; i++) {
		dmab_format_size(sizes[i], s, sizeof(s));
		strncat(buf, i ? " " : "", len - strlen(buf) - 1);
		strncat(buf, s, len - strlen(buf) - 1);
	}
}

/*
 * The headline: cpu_cost per configuration, a block per size: the median of
 * all its frames, and the lowest and highest of its repetitions' medians
 * (fresh buffers each: the spread a single run would hide).
 */
static int data_cost(const struct dmab_plot_input *in, struct figure *fig, const char *dir,
		     const char *format)
{
	const json_t *results = json_object_get(in->root, "results"), *r;
	struct naming nm = naming_of(results);
	/* the colour follows the strategy (and backend), whatever the workload */
	struct naming by_strategy = { nm.backend, 0, 0 };
	char (*names)[96] = calloc(64, 96), name[96], size[32], floor[256], line[1024];
	char titles[2048] = "", rows[512] = "";
	uint64_t sizes[64];
	size_t ns, n = sizes_of(results, sizes, 64), i, k, s, panels = 0, most_reps = 0;
	FILE *f;

	if (!names)
		return -ENOMEM;
	if (!n || !any_has_phase(results, HEADLINE)) {
		if (!n)
			snprintf(fig->why, sizeof(fig->why), "no configuration ran");
		free(names);
		return 0;
	}
	ns = series_of(results, by_strategy, names, 64);
	f = open_data(fig, dir, in->label, "cost", format);
	if (!f) {
		free(names);
		return -errno;
	}
	for (i = 0; i < n; i++) {
		size_t in_panel = 0;

		json_array_foreach(results, k, r) {
			double median = p50_us(r, HEADLINE), lo = NAN, hi = NAN;
			size_t reps;

			if (!ran(r) || size_of(r) != sizes[i] || !phase_of(r, HEADLINE))
				continue;
			if (!in_panel)
				fprintf(f, "%s\"configuration\" \"cpu_cost\" \"lowest repetition\" "
					"\"highest repetition\" \"label at\" \"linetype\"\n",
					panels ? "\n\n" : "");
			series_name(r, by_strategy, name, sizeof(name));
			for (s = 0; s < ns && strcmp(names[s], name); s++)
				;
			series_name(r, nm, name, sizeof(name));
			reps = repetition_range(r, HEADLINE, &lo, &hi);
			if (reps > most_reps)
				most_reps = reps;
			fprintf(f, "\"%s\"", name);
			put_number(f, median);
			put_number(f, lo);
			put_number(f, hi);
			put_number(f, reps && hi > median ? hi : median);
			fprintf(f, " %zu\n", s + 1);
			in_panel++;
		}
		if (!in_panel)
			continue;
		size_floor_words(in->root, sizes[i], nm.workload, floor, sizeof(floor));
		snprintf(titles + strlen(titles), sizeof(titles) - strlen(titles), "%s\"%s%s%s\"",
			 panels ? " " : "", dmab_format_size(sizes[i], size, sizeof(size)),
			 floor[0] ? ", " : "", floor);
		snprintf(rows + strlen(rows), sizeof(rows) - strlen(rows), "%s%zu",
			 panels ? " " : "", in_panel);
		panels++;
	}
	free(names);
	if (fclose(f))
		return -errno;
	gp_append_int(fig->vars, sizeof(fig->vars), "panels", (long)panels);
	gp_append(fig->vars, sizeof(fig->vars), "panel_titles", titles);
	gp_append(fig->vars, sizeof(fig->vars), "panel_rows", rows);
	if (most_reps > 1)
		snprintf(line, sizeof(line), "bar: the median of all frames; whisker: the lowest "
			 "to the highest median of its %zu repetitions (fresh buffers each)",
			 most_reps);
	else
		snprintf(line, sizeof(line), "bar: the median of all frames (one repetition: "
			 "no spread to show)");
	gp_append(fig->vars, sizeof(fig->vars), "legend", line);
	noise_floor_words(in->root, floor, sizeof(floor));
	gp_append(fig->vars, sizeof(fig->vars), "noise_floor",
		  floor[0] ? floor : "no noise floor in this file");
	cost_sum_words(results, floor, sizeof(floor));
	gp_append(fig->vars, sizeof(fig->vars), "cost_sum", floor);
	return 1;
}

static int emulated(const json_t *r)
{
	return json_is_true(json_object_get(json_object_get(r, "device"), "emulated"));
}

/*
 * Stacked phases: a block per size, a row per configuration. An emulated
 * device's phases time the emulation, not the strategy: their columns say
 * so when every device in the file is emulated, else the rows that are.
 */
static int data_phases(const struct dmab_plot_input *in, struct figure *fig, const char *dir,
		       const char *format)
{
	const json_t *results = json_object_get(in->root, "results"), *r;
	struct naming nm = naming_of(results);
	uint64_t sizes[64];
	size_t n = sizes_of(results, sizes, 64), i, k, j, devices = 0, emulations = 0;
	char name[96], words[1024];
	int all_emulated, shown[sizeof(stacked) / sizeof(stacked[0])], col = 2;
	char elements[1024] = "", fill[64];
	FILE *f;

	if (!n)
		return 0;
	for (j = 0; j < sizeof(stacked) / sizeof(stacked[0]); j++)
		shown[j] = any_has_phase(results, stacked[j]);
	json_array_foreach(results, k, r)
		if (ran(r) && json_is_object(json_object_get(r, "device"))) {
			devices++;
			emulations += (size_t)emulated(r);
		}
	all_emulated = devices && emulations == devices;
	f = open_data(fig, dir, in->label, "phases", format);
	if (!f)
		return -errno;
	for (i = 0; i < n; i++) {
		fprintf(f, "%s\"configuration\"", i ? "\n\n" : "");
		for (j = 0; j < sizeof(stacked) / sizeof(stacked[0]); j++)
			if (shown[j])
				fprintf(f, " \"%s%s\"", stacked[j],
					all_emulated && is_device_phase(stacked[j]) ?
					" (emulated device)" : "");
		fprintf(f, "\n");
		json_array_foreach(results, k, r) {
			if (!ran(r) || size_of(r) != sizes[i])
				continue;
			series_name(r, nm, name, sizeof(name));
			fprintf(f, "\"%s%s\"", name, emulations && !all_emulated && emulated(r) ?
				" (emulated)" : "");
			for (j = 0; j < sizeof(stacked) / sizeof(stacked[0]); j++)
				if (shown[j])
					fprintf(f, " %.4f", p50_us(r, stacked[j]));
			fprintf(f, "\n");
		}
	}
	size_words(sizes, n, words, sizeof(words));
	gp_append_int(fig->vars, sizeof(fig->vars), "panels", (long)n);
	gp_append(fig->vars, sizeof(fig->vars), "panel_titles", words);
	/*
	 * The plot's elements, column by column (gnuplot runs an empty "for"
	 * once): the device's phases hatched, what the strategy is not charged
	 * for, when every device is emulated.
	 */
	for (j = 0; j < sizeof(stacked) / sizeof(stacked[0]); j++) {
		if (!shown[j])
			continue;
		snprintf(fill, sizeof(fill), "%s", all_emulated && is_device_phase(stacked[j]) ?
			 "pattern 4 border" : "solid 0.85 border rgb '#404040'");
		snprintf(elements + strlen(elements), sizeof(elements) - strlen(elements),
			 "%sdatafile index i using %d:xtic(1) title columnheader(%d) fs %s",
			 col > 2 ? ", " : "", col, col, fill);
		col++;
	}
	gp_append(fig->vars, sizeof(fig->vars), "elements", elements);
	gp_append(fig->vars, sizeof(fig->vars), "subtitle", all_emulated ?
		  "hatched: device_write and device_read time an emulated device, not the "
		  "strategy" : emulations ? "(emulated): device_write and device_read time an "
		  "emulated device, not the strategy" : "");
	return fclose(f) ? -errno : 1;
}

/* The throughput of @metric of the series @series at @size, or NULL. */
static const json_t *throughput_of(const json_t *results, struct naming nm, const char *series,
				   uint64_t size, const char *metric)
{
	const json_t *r, *tp;
	char name[96];
	size_t i;

	json_array_foreach(results, i, r) {
		if (!ran(r) || size_of(r) != size)
			continue;
		series_name(r, nm, name, sizeof(name));
		tp = json_object_get(json_object_get(r, "throughput_mbps"), metric);
		if (!strcmp(name, series) && json_is_number(tp))
			return tp;
	}
	return NULL;
}

/*
 * Throughput against size: a block per series, first cpu_cost's (size over
 * its median: what a CPU-second of handover and processing moves), then the
 * frame's; a file from before cpu_cost existed has the frame's only.
 */
static int data_throughput(const struct dmab_plot_input *in, struct figure *fig,
			   const char *dir, const char *format)
{
	static const char *const metrics[] = { HEADLINE, "frame" };
	const json_t *results = json_object_get(in->root, "results"), *tp;
	struct naming nm = naming_of(results);
	char (*names)[96] = calloc(64, 96);
	uint64_t sizes[64];
	size_t ns = series_of(results, nm, names, 64), n = sizes_of(results, sizes, 64), s, i;
	size_t m, first = any_has_phase(results, HEADLINE) ? 0 : 1;
	FILE *f;

	if (!names)
		return -ENOMEM;
	if (n < 2 || !ns) {	/* a line needs two sizes */
		free(names);
		return 0;
	}
	f = open_data(fig, dir, in->label, "throughput", format);
	if (!f) {
		free(names);
		return -errno;
	}
	for (m = first; m < sizeof(metrics) / sizeof(metrics[0]); m++)
		for (s = 0; s < ns; s++) {
			fprintf(f, "%s\"%s\"\n", m > first || s ? "\n\n" : "", names[s]);
			for (i = 0; i < n; i++) {
				tp = throughput_of(results, nm, names[s], sizes[i], metrics[m]);
				if (tp)
					fprintf(f, "%llu %.3f\n", (unsigned long long)sizes[i],
						json_number_value(tp));
			}
		}
	free(names);
	gp_append_int(fig->vars, sizeof(fig->vars), "series", (long)ns);
	gp_append_int(fig->vars, sizeof(fig->vars), "panels", (long)(m - first));
	gp_append(fig->vars, sizeof(fig->vars), "panel_titles", first ?
		  "\"throughput (MB/s, from the median frame time)\"" :
		  "\"cpu_cost: size / median CPU cost (what a CPU-second moves)\" "
		  "\"frame: size / median frame time\"");
	return fclose(f) ? -errno : 1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static const json_t *samples_of(const json_t *r, const char *phase)
{
	return json_object_get(json_object_get(json_object_get(json_object_get(r, "samples"),
							       "phases"), phase), "ns");
}

/* One CDF block from the kept samples of @phase; 0 when the result has none. */
static int cdf_block(FILE *f, const json_t *r, const char *phase, const char *name, int first)
{
	const json_t *ns = samples_of(r, phase), *v;
	size_t n = json_array_size(ns), i, step;
	double *us;

	if (!n)
		return 0;
	us = malloc(n * sizeof(*us));
	if (!us)
		return -ENOMEM;
	json_array_foreach(ns, i, v)
		us[i] = (double)json_integer_value(v) / 1e3;
	qsort(us, n, sizeof(*us), cmp_double);
	fprintf(f, "%s\"%s\"\n", first ? "" : "\n\n", name);
	step = n > CDF_POINTS ? n / CDF_POINTS : 1;
	for (i = 0; i < n; i += step)
		fprintf(f, "%.4f %.6f\n", us[i], (double)(i + 1) / (double)n);
	if ((n - 1) % step)
		fprintf(f, "%.4f 1\n", us[n - 1]);
	free(us);
	return 1;
}

/* The headline's distribution; a file from before cpu_cost existed shows the frame's. */
static int data_cdf(const struct dmab_plot_input *in, struct figure *fig, const char *dir,
		    const char *format)
{
	const json_t *results = json_object_get(in->root, "results"), *r;
	struct naming nm = naming_of(results);
	uint64_t sizes[64];
	size_t n = sizes_of(results, sizes, 64), i, k, panels = 0, blocks = 0;
	char name[96], words[1024] = "", counts[512] = "", s[32];
	const char *phase = "frame";
	FILE *f;

	if (!n)
		return 0;
	json_array_foreach(results, k, r)
		if (ran(r) && json_array_size(samples_of(r, HEADLINE)))
			phase = HEADLINE;
	f = open_data(fig, dir, in->label, "cdf", format);
	if (!f)
		return -errno;
	for (i = 0; i < n; i++) {
		size_t in_panel = 0;

		json_array_foreach(results, k, r) {
			int ret;

			if (!ran(r) || size_of(r) != sizes[i])
				continue;
			series_name(r, nm, name, sizeof(name));
			ret = cdf_block(f, r, phase, name, !blocks);
			if (ret < 0) {
				fclose(f);
				return ret;
			}
			in_panel += (size_t)ret;
			blocks += (size_t)ret;
		}
		if (!in_panel)
			continue;
		dmab_format_size(sizes[i], s, sizeof(s));
		snprintf(words + strlen(words), sizeof(words) - strlen(words), "%s%s",
			 panels ? " " : "", s);
		snprintf(counts + strlen(counts), sizeof(counts) - strlen(counts), "%s%zu",
			 panels ? " " : "", in_panel);
		panels++;
	}
	if (fclose(f))
		return -errno;
	if (!panels) {
		unlink(fig->data);
		return 0;
	}
	gp_append_int(fig->vars, sizeof(fig->vars), "panels", (long)panels);
	gp_append(fig->vars, sizeof(fig->vars), "panel_titles", words);
	gp_append(fig->vars, sizeof(fig->vars), "panel_series", counts);
	if (strcmp(phase, HEADLINE)) {
		snprintf(fig->title, sizeof(fig->title), "Distribution of the frame time "
			 "(no cpu_cost: a file from before it existed)");
		gp_append(fig->vars, sizeof(fig->vars), "xlabel", "frame time (µs, log scale)");
	} else {
		gp_append(fig->vars, sizeof(fig->vars), "xlabel",
			  "CPU cost per frame (cpu_cost, µs, log scale)");
	}
	return 1;
}

/* Events per byte (the frame phase) per configuration, where any was counted. */
static int data_counters(const struct dmab_plot_input *in, struct figure *fig,
			 const char *dir, const char *format)
{
	const json_t *results = json_object_get(in->root, "results"), *r, *c;
	struct naming nm = naming_of(results);
	json_t *events = json_array(), *e;
	char name[96], size[32];
	size_t i, k, j;
	FILE *f;

	json_array_foreach(results, i, r)
		json_array_foreach(json_object_get(r, "counters"), k, c) {
			if (!json_is_number(json_object_get(c, "per_byte")) ||
			    json_number_value(json_object_get(c, "per_byte")) <= 0)
				continue;
			json_array_foreach(events, j, e)
				if (json_equal(e, json_object_get(c, "event")))
					break;
			if (j == json_array_size(events))
				json_array_append(events, json_object_get(c, "event"));
		}
	if (!json_array_size(events)) {
		json_decref(events);
		return 0;
	}
	f = open_data(fig, dir, in->label, "counters", format);
	if (!f) {
		json_decref(events);
		return -errno;
	}
	fprintf(f, "\"configuration\"");
	json_array_foreach(events, j, e)
		fprintf(f, " \"%s\"", json_string_value(e));
	fprintf(f, "\n");
	json_array_foreach(results, i, r) {
		if (!ran(r))
			continue;
		series_name(r, nm, name, sizeof(name));
		fprintf(f, "\"%s %s\"", name, dmab_format_size(size_of(r), size, sizeof(size)));
		json_array_foreach(events, j, e) {
			double v = NAN;

			json_array_foreach(json_object_get(r, "counters"), k, c)
				if (json_equal(e, json_object_get(c, "event")) &&
				    json_is_number(json_object_get(c, "per_byte")))
					v = json_number_value(json_object_get(c, "per_byte"));
			if (v > 0)
				fprintf(f, " %.6g", v);
			else
				fprintf(f, " NaN");
		}
		fprintf(f, "\n");
	}
	gp_append_int(fig->vars, sizeof(fig->vars), "events", (long)json_array_size(events));
	json_decref(events);
	return fclose(f) ? -errno : 1;
}

static const json_t *metric_of(const json_t *configuration, const char *name)
{
	const json_t *m;
	size_t i;

	json_array_foreach(json_object_get(configuration, "metrics"), i, m)
		if (!strcmp(str(m, "metric"), name) && json_is_number(json_object_get(m, "ratio")))
			return m;
	return NULL;
}

/*
 * The ratio of @new against @base per matched configuration: of cpu_cost,
 * with compare's 95% interval where it gives one, else (a file from before
 * cpu_cost existed on either side) of the frame time. Sets @headline.
 */
static int data_ratio(const struct dmab_plot_input *base, const struct dmab_plot_input *new,
		      struct figure *fig, const char *dir, const char *format, int *headline,
		      char *why, size_t whylen)
{
	const char *metric = "frame";
	char kind[160], name[96], size[32];
	const json_t *c, *m, *configurations;
	json_t *cmp = NULL;
	int intervals = 0, ret;
	size_t i;
	FILE *f;

	ret = dmab_compare(base->root, base->path, new->root, new->path,
			   DMAB_COMPARE_THRESHOLD_DEFAULT, &cmp, why, whylen);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return ret;
	configurations = json_object_get(cmp, "configurations");
	*headline = 0;
	json_array_foreach(configurations, i, c)
		if (metric_of(c, HEADLINE))
			*headline = 1;
	if (*headline)
		metric = HEADLINE;
	snprintf(kind, sizeof(kind), "ratio-vs-%s", base->label);
	f = open_data(fig, dir, new->label, kind, format);
	if (!f) {
		json_decref(cmp);
		return -errno;
	}
	json_array_foreach(configurations, i, c) {
		const json_t *ci;
		const char *v;
		double ratio, p, lo = NAN, hi = NAN;
		long rgb;

		m = metric_of(c, metric);
		if (!m)
			continue;
		v = str(m, "verdict");
		ratio = json_number_value(json_object_get(m, "ratio"));
		p = json_is_number(json_object_get(m, "p")) ?
		    json_number_value(json_object_get(m, "p")) : -1;
		/* [lo, hi], either end null where the bootstrap had too few repetitions */
		ci = json_object_get(m, "ci95");
		if (json_is_number(json_array_get(ci, 0)) &&
		    json_is_number(json_array_get(ci, 1))) {
			lo = json_number_value(json_array_get(ci, 0));
			hi = json_number_value(json_array_get(ci, 1));
			intervals++;
		}
		rgb = !strcmp(v, "slower") ? 0xd62728 : !strcmp(v, "faster") ? 0x2ca02c : 0xa0a0a0;
		snprintf(name, sizeof(name), "%s/%s %s %s", str(c, "strategy"), str(c, "backend"),
			 json_is_string(json_object_get(c, "pattern")) ? str(c, "pattern") : "",
			 dmab_format_size(size_of(c), size, sizeof(size)));
		fprintf(f, "\"%s\" %.6f %ld \"%+.1f%%%s\"", name, ratio, rgb, 100 * (ratio - 1),
			p >= 0 && p < DMAB_COMPARE_ALPHA ? " *" : "");
		put_number(f, lo);
		put_number(f, hi);
		fprintf(f, "\n");
	}
	json_decref(cmp);
	gp_append(fig->vars, sizeof(fig->vars), "ylabel", *headline ?
		  "CPU cost per frame (cpu_cost), new / base (median)" :
		  "frame time, new / base (median)");
	gp_append_int(fig->vars, sizeof(fig->vars), "intervals", intervals);
	return fclose(f) ? -errno : 1;
}

/* --- the figures --- */

static int add_figure(json_t *figures, const struct figure *fig, const char *what,
		      const struct dmab_plot_input *in)
{
	const char *base = strrchr(fig->out, '/');

	return json_array_append_new(figures, json_pack("{s:s, s:s, s:s}", "file",
							base ? base + 1 : fig->out, "title", what,
							"input", in->label)) ? -ENOMEM : 0;
}

typedef int (*data_fn)(const struct dmab_plot_input *, struct figure *, const char *,
		       const char *);

static const struct plot_kind {
	const char *script;
	const char *title;
	data_fn data;
	const char *absent;	/* why a file may have none */
} kinds[] = {
	{ "cost", "CPU cost per frame (the headline)", data_cost,
	  "no cpu_cost (a file from before it existed)" },
	{ "phases", "Median time per frame, by phase", data_phases, "no configuration ran" },
	{ "throughput", "Throughput against frame size", data_throughput,
	  "fewer than two frame sizes ran" },
	{ "cdf", "Distribution of the CPU cost per frame", data_cdf,
	  "no per-frame samples (a file from before they were kept)" },
	{ "counters", "Counter events per byte", data_counters, "no counter counted" },
};

/* The data files, and unless @draw is 0 the figures gnuplot draws from them. */
static int plot_files(struct dmab_plot_input *in, size_t n, const char *dir, const char *plotdir,
		      const char *format, int draw, json_t *figures, json_t *notes, char *err,
		      size_t errlen)
{
	char title[1024], desc[256], line[512], why[512];
	struct figure *fig = calloc(1, sizeof(*fig));
	size_t i, k;
	int ret = 0;

	if (!fig)
		return -ENOMEM;
	for (i = 0; i < n && ret >= 0; i++) {
		describe(in[i].root, desc, sizeof(desc));
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			const char *what;

			fig->title[0] = 0;
			fig->why[0] = 0;
			ret = kinds[k].data(&in[i], fig, dir, format);
			if (ret < 0) {
				snprintf(err, errlen, "writing %s: %s", fig->data, strerror(-ret));
				break;
			}
			if (!ret) {
				snprintf(line, sizeof(line), "%s: no %s figure: %s", in[i].label,
					 kinds[k].script, fig->why[0] ? fig->why : kinds[k].absent);
				json_array_append_new(notes, json_string(line));
				continue;
			}
			fig->script = kinds[k].script;
			what = fig->title[0] ? fig->title : kinds[k].title;
			snprintf(title, sizeof(title), "%s: %s", what, desc);
			ret = draw ? run_gnuplot(fig, plotdir, format, title, err, errlen) : 0;
			if (ret)
				break;
			ret = add_figure(figures, fig, what, &in[i]);
			if (ret)
				break;
		}
	}
	for (i = 1; i < n && ret >= 0; i++) {
		char base_desc[256];
		int headline = 0;

		why[0] = 0;
		ret = data_ratio(&in[0], &in[i], fig, dir, format, &headline, why, sizeof(why));
		if (ret < 0) {
			snprintf(err, errlen, "comparing %s with %s: %s", in[i].path, in[0].path,
				 strerror(-ret));
			break;
		}
		if (!ret) {
			snprintf(line, sizeof(line), "%s: no ratio figure against %s: %s",
				 in[i].label, in[0].label, why);
			json_array_append_new(notes, json_string(line));
			continue;
		}
		describe(in[0].root, base_desc, sizeof(base_desc));
		describe(in[i].root, desc, sizeof(desc));
		fig->script = "ratio";
		snprintf(title, sizeof(title), "base: %s", base_desc);
		gp_append(fig->vars, sizeof(fig->vars), "subtitle", title);
		snprintf(title, sizeof(title), "%s, new / base: %s",
			 headline ? "CPU cost per frame" : "Frame time", desc);
		ret = draw ? run_gnuplot(fig, plotdir, format, title, err, errlen) : 0;
		if (!ret)
			ret = add_figure(figures, fig, headline ?
					 "CPU cost against the base (new / base)" :
					 "Frame time against the base (new / base)", &in[i]);
	}
	free(fig);
	return ret < 0 ? ret : 0;
}

int dmab_plot(struct dmab_plot_input *in, size_t n, const char *dir, const char *plotdir,
	      const char *format, json_t *figures, json_t *notes, char *err, size_t errlen)
{
	return plot_files(in, n, dir, plotdir, format, 1, figures, notes, err, errlen);
}

int dmab_plot_data(struct dmab_plot_input *in, size_t n, const char *dir, const char *format,
		   json_t *figures, json_t *notes, char *err, size_t errlen)
{
	return plot_files(in, n, dir, NULL, format, 0, figures, notes, err, errlen);
}

/* --- the page for a design review --- */

static void report_table(FILE *f, const json_t *root)
{
	const json_t *results = json_object_get(root, "results"), *r;
	struct naming nm = naming_of(results);
	char name[96], size[32];
	int skipped_once = 0;
	json_t *said;
	size_t i;

	const json_t *pair;

	/* the headline first; "-" in a file from before it existed */
	fprintf(f, "| configuration | size | frames | cpu_cost median (µs) | "
		"cpu_cost, repetitions' medians (µs) | frame median (µs) | frame MB/s | "
		"cpu_process median (µs) | integrity |\n|---|--:|--:|--:|--:|--:|--:|--:|---|\n");
	json_array_foreach(results, i, r) {
		const json_t *tp = json_object_get(json_object_get(r, "throughput_mbps"), "frame");
		char cost[32] = "-", spread[64] = "-";
		double lo = 0, hi = 0;
		size_t reps;

		if (!ran(r))
			continue;
		series_name(r, nm, name, sizeof(name));
		if (phase_of(r, HEADLINE))
			snprintf(cost, sizeof(cost), "%.2f", p50_us(r, HEADLINE));
		reps = repetition_range(r, HEADLINE, &lo, &hi);
		if (reps)
			snprintf(spread, sizeof(spread), "%.2f to %.2f (%zu)", lo, hi, reps);
		fprintf(f, "| %s | %s | %lld | %s | %s | %.2f | %.0f | %.2f | %s |\n", name,
			dmab_format_size(size_of(r), size, sizeof(size)),
			json_integer_value(json_object_get(r, "frames")), cost, spread,
			p50_us(r, "frame"), json_number_value(tp), p50_us(r, "cpu_process"),
			str(json_object_get(r, "integrity"), "verdict"));
	}
	json_array_foreach(json_object_get(json_object_get(root, "noise_floor"), "groups"), i,
			   pair)
		fprintf(f, "%s%s %s +-%.1f%%", i ? ", " : "\nNoise floor of cpu_cost (A/A: "
			"one configuration measured twice in this run): ", str(pair, "workload"),
			dmab_format_size(size_of(pair), size, sizeof(size)), floor_pct(pair));
	if (json_array_size(json_object_get(json_object_get(root, "noise_floor"), "groups")))
		fprintf(f, ".\n");
	/*
	 * each skipped strategy once, with why; a set of those said, not a scan
	 * of the results before (20000 skipped strategies took 200 s)
	 */
	said = json_object();
	json_array_foreach(results, i, r) {
		if (ran(r) || json_object_get(said, str(r, "strategy")))
			continue;
		json_object_set_new(said, str(r, "strategy"), json_true());
		fprintf(f, "%s- %s skipped: %s\n", skipped_once++ ? "" : "\n", str(r, "strategy"),
			str(r, "skipped"));
	}
	json_decref(said);
}

int dmab_plot_report(struct dmab_plot_input *in, size_t n, const char *dir,
		     const json_t *figures, const json_t *notes)
{
	char path[PATH_MAX], desc[256], why[512];
	const json_t *fig, *note;
	size_t i, k;
	FILE *f;

	snprintf(path, sizeof(path), "%s/report.md", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "# dmabench results\n\n");
	for (i = 0; i < n; i++) {
		const json_t *env = json_object_get(in[i].root, "environment");

		describe(in[i].root, desc, sizeof(desc));
		fprintf(f, "## %s: %s\n\n", in[i].label, desc);
		fprintf(f, "- file: `%s`\n- CPU: %s\n- kernel command line: `%s`\n\n", in[i].path,
			str(json_object_get(env, "cpu"), "model"),
			str(json_object_get(env, "kernel"), "cmdline"));
		report_table(f, in[i].root);
		fprintf(f, "\n");
		json_array_foreach(figures, k, fig)
			if (!strcmp(str(fig, "input"), in[i].label) &&
			    strncmp(str(fig, "file"), in[i].label, strlen(in[i].label)) == 0 &&
			    !strstr(str(fig, "file"), "-ratio-vs-"))
				fprintf(f, "![%s](%s)\n\n", str(fig, "title"), str(fig, "file"));
	}
	for (i = 1; i < n; i++) {
		json_t *cmp = NULL;

		fprintf(f, "## %s against %s\n\n", in[i].label, in[0].label);
		json_array_foreach(figures, k, fig)
			if (!strcmp(str(fig, "input"), in[i].label) &&
			    strstr(str(fig, "file"), "-ratio-vs-"))
				fprintf(f, "![%s](%s)\n\n", str(fig, "title"), str(fig, "file"));
		if (!dmab_compare(in[0].root, in[0].path, in[i].root, in[i].path,
				  DMAB_COMPARE_THRESHOLD_DEFAULT, &cmp, why, sizeof(why))) {
			dmab_compare_print_markdown(f, cmp, NULL);
			json_decref(cmp);
		} else {
			fprintf(f, "Not compared: %s\n", why);
		}
		fprintf(f, "\n");
	}
	if (json_array_size(notes)) {
		fprintf(f, "## Figures not drawn\n\n");
		json_array_foreach(notes, k, note)
			fprintf(f, "- %s\n", json_string_value(note));
	}
	return fclose(f) ? -errno : 0;
}
