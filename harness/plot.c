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
#include "dmabench.h"
#include "parse.h"

extern char **environ;

#define CDF_POINTS 400		/* per series: enough for a smooth step curve */

/* The phases a frame is made of, stacked in this order (device_busy is inside device_write). */
static const char *const stacked[] = {
	"sync_for_device", "device_write", "device_read", "sync_for_cpu", "cpu_process",
};

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
	snprintf(buf, len, "%s%s%s%s%s%s%s", str(r, "strategy"), nm.backend ? "/" : "",
		 nm.backend ? str(r, "backend") : "", nm.workload ? " " : "",
		 nm.workload ? str(r, "workload") : "", nm.pattern ? " " : "",
		 nm.pattern ? str(r, "pattern") : "");
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

static double p50_us(const json_t *r, const char *phase)
{
	const json_t *p = json_object_get(json_object_get(r, "phases"), phase);

	return p ? (double)json_integer_value(json_object_get(p, "p50_ns")) / 1e3 : 0;
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

/* A gnuplot string: single quotes, a quote doubled. */
static void gp_append(char *buf, size_t len, const char *name, const char *value)
{
	size_t used = strlen(buf);

	used += (size_t)snprintf(buf + used, len > used ? len - used : 0, "%s='", name);
	for (; *value && used + 3 < len; value++) {
		if (*value == '\'')
			buf[used++] = '\'';
		buf[used++] = *value;
	}
	snprintf(buf + used, len > used ? len - used : 0, "'; ");
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

static int run_gnuplot(const struct figure *fig, const char *plotdir, const char *format,
		       const char *title, char *err, size_t errlen)
{
	char vars[8192] = "", script[PATH_MAX], log[PATH_MAX + 8], msg[512];
	char *argv[] = { "gnuplot", "-e", vars, script, NULL };
	posix_spawn_file_actions_t fa;
	int status, ret;
	pid_t pid;

	snprintf(script, sizeof(script), "%s/%s.gp", plotdir, fig->script);
	snprintf(log, sizeof(log), "%s.log", fig->out);
	gp_append(vars, sizeof(vars), "plotdir", plotdir);
	gp_append(vars, sizeof(vars), "term", format);
	gp_append(vars, sizeof(vars), "outfile", fig->out);
	gp_append(vars, sizeof(vars), "datafile", fig->data);
	gp_append(vars, sizeof(vars), "title", title);
	strncat(vars, fig->vars, sizeof(vars) - strlen(vars) - 1);
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
		snprintf(err, errlen, "gnuplot %s failed for %s: %s (log: %s)", script, fig->out,
			 msg, log);
		return -EIO;
	}
	unlink(log);
	return 0;
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

/* Stacked phases: a block per size, a row per configuration. */
static int data_phases(const struct dmab_plot_input *in, struct figure *fig, const char *dir,
		       const char *format)
{
	const json_t *results = json_object_get(in->root, "results"), *r;
	struct naming nm = naming_of(results);
	uint64_t sizes[64];
	size_t n = sizes_of(results, sizes, 64), i, k, j;
	char name[96], words[1024];
	FILE *f;

	if (!n)
		return 0;
	f = open_data(fig, dir, in->label, "phases", format);
	if (!f)
		return -errno;
	for (i = 0; i < n; i++) {
		fprintf(f, "%s\"configuration\"", i ? "\n\n" : "");
		for (j = 0; j < sizeof(stacked) / sizeof(stacked[0]); j++)
			fprintf(f, " \"%s\"", stacked[j]);
		fprintf(f, "\n");
		json_array_foreach(results, k, r) {
			if (!ran(r) || size_of(r) != sizes[i])
				continue;
			series_name(r, nm, name, sizeof(name));
			fprintf(f, "\"%s\"", name);
			for (j = 0; j < sizeof(stacked) / sizeof(stacked[0]); j++)
				fprintf(f, " %.4f", p50_us(r, stacked[j]));
			fprintf(f, "\n");
		}
	}
	size_words(sizes, n, words, sizeof(words));
	gp_append_int(fig->vars, sizeof(fig->vars), "panels", (long)n);
	gp_append(fig->vars, sizeof(fig->vars), "panel_titles", words);
	return fclose(f) ? -errno : 1;
}

/* Throughput against size: a block per series. */
static int data_throughput(const struct dmab_plot_input *in, struct figure *fig,
			   const char *dir, const char *format)
{
	const json_t *results = json_object_get(in->root, "results"), *r;
	struct naming nm = naming_of(results);
	char (*names)[96] = calloc(64, 96), name[96];
	uint64_t sizes[64];
	size_t ns = series_of(results, nm, names, 64), n = sizes_of(results, sizes, 64), s, i, k;
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
	for (s = 0; s < ns; s++) {
		fprintf(f, "%s\"%s\"\n", s ? "\n\n" : "", names[s]);
		for (i = 0; i < n; i++)
			json_array_foreach(results, k, r) {
				const json_t *tp = json_object_get(json_object_get(r,
								   "throughput_mbps"), "frame");

				series_name(r, nm, name, sizeof(name));
				if (ran(r) && size_of(r) == sizes[i] && !strcmp(name, names[s]) &&
				    json_is_number(tp)) {
					fprintf(f, "%llu %.3f\n", (unsigned long long)sizes[i],
						json_number_value(tp));
					break;
				}
			}
	}
	free(names);
	gp_append_int(fig->vars, sizeof(fig->vars), "series", (long)ns);
	return fclose(f) ? -errno : 1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One CDF block from the kept frame samples; 0 when the result has none. */
static int cdf_block(FILE *f, const json_t *r, const char *name, int first)
{
	const json_t *ns = json_object_get(json_object_get(json_object_get(json_object_get(r,
			"samples"), "phases"), "frame"), "ns"), *v;
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

static int data_cdf(const struct dmab_plot_input *in, struct figure *fig, const char *dir,
		    const char *format)
{
	const json_t *results = json_object_get(in->root, "results"), *r;
	struct naming nm = naming_of(results);
	uint64_t sizes[64];
	size_t n = sizes_of(results, sizes, 64), i, k, panels = 0, blocks = 0;
	char name[96], words[1024] = "", counts[512] = "", s[32];
	FILE *f;

	if (!n)
		return 0;
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
			ret = cdf_block(f, r, name, !blocks);
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

/* The frame-time ratio of @new against @base per matched configuration. */
static int data_ratio(const struct dmab_plot_input *base, const struct dmab_plot_input *new,
		      struct figure *fig, const char *dir, const char *format, char *why,
		      size_t whylen)
{
	char kind[160], name[96], size[32];
	json_t *cmp = NULL;
	const json_t *c, *m, *mm;
	size_t i, k;
	FILE *f;
	int ret;

	ret = dmab_compare(base->root, base->path, new->root, new->path,
			   DMAB_COMPARE_THRESHOLD_PCT, &cmp, why, whylen);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return ret;
	snprintf(kind, sizeof(kind), "ratio-vs-%s", base->label);
	f = open_data(fig, dir, new->label, kind, format);
	if (!f) {
		json_decref(cmp);
		return -errno;
	}
	json_array_foreach(json_object_get(cmp, "configurations"), i, c) {
		const char *v;
		double ratio, p;
		long rgb;

		m = NULL;
		json_array_foreach(json_object_get(c, "metrics"), k, mm)
			if (!strcmp(str(mm, "metric"), "frame"))
				m = mm;
		if (!m || !json_is_number(json_object_get(m, "ratio")))
			continue;
		v = str(m, "verdict");
		ratio = json_number_value(json_object_get(m, "ratio"));
		p = json_is_number(json_object_get(m, "p")) ?
		    json_number_value(json_object_get(m, "p")) : -1;
		rgb = !strcmp(v, "slower") ? 0xd62728 : !strcmp(v, "faster") ? 0x2ca02c : 0xa0a0a0;
		snprintf(name, sizeof(name), "%s/%s %s %s", str(c, "strategy"), str(c, "backend"),
			 json_is_string(json_object_get(c, "pattern")) ? str(c, "pattern") : "",
			 dmab_format_size(size_of(c), size, sizeof(size)));
		fprintf(f, "\"%s\" %.6f %ld \"%+.1f%%%s\"\n", name, ratio, rgb, 100 * (ratio - 1),
			p >= 0 && p < DMAB_COMPARE_ALPHA ? " *" : "");
	}
	json_decref(cmp);
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
	{ "phases", "Median time per frame, by phase", data_phases, "no configuration ran" },
	{ "throughput", "Throughput against frame size", data_throughput,
	  "fewer than two frame sizes ran" },
	{ "cdf", "Distribution of the frame time", data_cdf,
	  "no per-frame samples (a file from before they were kept)" },
	{ "counters", "Counter events per byte", data_counters, "no counter counted" },
};

int dmab_plot(struct dmab_plot_input *in, size_t n, const char *dir, const char *plotdir,
	      const char *format, json_t *figures, json_t *notes, char *err, size_t errlen)
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
			ret = kinds[k].data(&in[i], fig, dir, format);
			if (ret < 0) {
				snprintf(err, errlen, "writing %s: %s", fig->data, strerror(-ret));
				break;
			}
			if (!ret) {
				snprintf(line, sizeof(line), "%s: no %s figure: %s", in[i].label,
					 kinds[k].script, kinds[k].absent);
				json_array_append_new(notes, json_string(line));
				continue;
			}
			fig->script = kinds[k].script;
			snprintf(title, sizeof(title), "%s: %s", kinds[k].title, desc);
			ret = run_gnuplot(fig, plotdir, format, title, err, errlen);
			if (ret)
				break;
			ret = add_figure(figures, fig, kinds[k].title, &in[i]);
			if (ret)
				break;
		}
	}
	for (i = 1; i < n && ret >= 0; i++) {
		char base_desc[256];

		why[0] = 0;
		ret = data_ratio(&in[0], &in[i], fig, dir, format, why, sizeof(why));
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
		fig->vars[0] = 0;
		snprintf(title, sizeof(title), "base: %s", base_desc);
		gp_append(fig->vars, sizeof(fig->vars), "subtitle", title);
		snprintf(title, sizeof(title), "Frame time, new / base: %s", desc);
		ret = run_gnuplot(fig, plotdir, format, title, err, errlen);
		if (!ret)
			ret = add_figure(figures, fig, "Frame time against the base (new / base)",
					 &in[i]);
	}
	free(fig);
	return ret < 0 ? ret : 0;
}

/* --- the page for a design review --- */

static void report_table(FILE *f, const json_t *root)
{
	const json_t *results = json_object_get(root, "results"), *r;
	struct naming nm = naming_of(results);
	char name[96], size[32];
	int skipped_once = 0;
	size_t i;

	fprintf(f, "| configuration | size | frames | frame median (µs) | frame MB/s | "
		"cpu_process median (µs) | integrity |\n|---|--:|--:|--:|--:|--:|---|\n");
	json_array_foreach(results, i, r) {
		const json_t *tp = json_object_get(json_object_get(r, "throughput_mbps"), "frame");

		if (!ran(r))
			continue;
		series_name(r, nm, name, sizeof(name));
		fprintf(f, "| %s | %s | %lld | %.2f | %.0f | %.2f | %s |\n", name,
			dmab_format_size(size_of(r), size, sizeof(size)),
			json_integer_value(json_object_get(r, "frames")), p50_us(r, "frame"),
			json_number_value(tp), p50_us(r, "cpu_process"),
			str(json_object_get(r, "integrity"), "verdict"));
	}
	/* each skipped strategy once, with why */
	json_array_foreach(results, i, r) {
		const json_t *o;
		size_t k;

		if (ran(r))
			continue;
		json_array_foreach(results, k, o)
			if (k >= i || (!ran(o) && json_equal(json_object_get(o, "strategy"),
							       json_object_get(r, "strategy"))))
				break;
		if (k == i)
			fprintf(f, "%s- %s skipped: %s\n", skipped_once++ ? "" : "\n",
				str(r, "strategy"), str(r, "skipped"));
	}
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
				  DMAB_COMPARE_THRESHOLD_PCT, &cmp, why, sizeof(why))) {
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
