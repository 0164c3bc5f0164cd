// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the result reader that compare and plot trust with
 * files from other machines. One input is one result file. It is parsed and
 * checked as dmabench compare and plot do (dmab_result_load_buffer, which
 * dmab_result_load wraps); what passes is compared with itself and with a
 * fixture both ways, each comparison printed as text and as Markdown; its
 * crossover sizes found and printed as `crossover` and `run` print them;
 * then plotted without gnuplot: the data files and report.md
 * (dmab_plot_data, dmab_plot_report) in a folder of its own, removed after.
 * Beyond the sanitizers, the outputs are checked (check_comparison,
 * check_crossovers, check_text).
 *
 * Built and run by make fuzz / make fuzz-short (tests/fuzz/run.sh).
 */
#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../analysis/compare.h"
#include "../../analysis/crossover.h"
#include "../../analysis/plot.h"
#include "../../analysis/stats.h"

#ifndef DMAB_FUZZ_FIXTURE
#error "DMAB_FUZZ_FIXTURE: the path of a good result file (the Makefile sets it)"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int __real_dmab_bootstrap_ratio_ci(const uint64_t *x, size_t nx, const uint64_t *y, size_t ny,
				   unsigned int resamples, double level, uint64_t seed,
				   struct dmab_ratio_ci *out);
int __wrap_dmab_bootstrap_ratio_ci(const uint64_t *x, size_t nx, const uint64_t *y, size_t ny,
				   unsigned int resamples, double level, uint64_t seed,
				   struct dmab_ratio_ci *out);

/* At most this many bootstrap resamples (compare asks for DMAB_BOOTSTRAP_RESAMPLES). */
#define FUZZ_RESAMPLES 200

static json_t *fixture;
/* A folder per input, made and removed around its plot (libFuzzer's exits skip atexit). */
static char tmpdir[PATH_MAX - 32], outdir[PATH_MAX];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = access("/dev/shm", W_OK) ? getenv("TMPDIR") : "/dev/shm";
	char err[1024];

	(void)argc;
	(void)argv;
	if (dmab_result_load(DMAB_FUZZ_FIXTURE, &fixture, err, sizeof(err))) {
		fprintf(stderr, "fuzz-result: %s\n", err);
		exit(1);
	}
	snprintf(tmpdir, sizeof(tmpdir), "%s", tmp ? tmp : "/tmp");
	return 0;
}

/*
 * The bootstrap's 10000 resamples per phase are 95% of what an input costs
 * (60 ms of a fixture's compare, uninstrumented): the fuzzer takes 200, the
 * same code with the same inputs (the link wraps the call: the Makefile).
 */
int __wrap_dmab_bootstrap_ratio_ci(const uint64_t *x, size_t nx, const uint64_t *y, size_t ny,
				   unsigned int resamples, double level, uint64_t seed,
				   struct dmab_ratio_ci *out)
{
	return __real_dmab_bootstrap_ratio_ci(x, nx, y, ny, resamples < FUZZ_RESAMPLES ?
					      resamples : FUZZ_RESAMPLES, level, seed, out);
}

/*
 * What every output must hold, whatever the input: a finding when it does
 * not (abort: libFuzzer keeps the input). A value printed with "%s" from a
 * missing string shows as "(null)" (when the input does not say it itself).
 */
static int input_says_null;

static void finding(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz-result: %s%s%.200s\n", what, detail ? ": " : "", detail ? detail : "");
	abort();
}

static void check_text(const char *text, const char *what)
{
	if (!input_says_null && strstr(text, "(null)"))
		finding("a missing string printed as (null)", what);
}

/*
 * Each configuration compared has its threshold and a verdict per metric;
 * a file compared with itself has no regression.
 */
static void check_comparison(const json_t *cmp, int self)
{
	const json_t *c, *m;
	size_t i, k;

	json_array_foreach(json_object_get(cmp, "configurations"), i, c) {
		if (!json_is_string(json_object_get(c, "threshold_source")) ||
		    !json_is_number(json_object_get(c, "threshold_pct")))
			finding("a configuration compared without a threshold", NULL);
		json_array_foreach(json_object_get(c, "metrics"), k, m)
			if (!json_is_string(json_object_get(m, "verdict")))
				finding("a metric without a verdict", NULL);
	}
	if (self && dmab_compare_regressions(cmp))
		finding("a file compared with itself has a regression", NULL);
}

static void compare(const json_t *base, const char *base_name, const json_t *new,
		    const char *new_name, double threshold_pct)
{
	json_t *cmp = NULL;
	char err[1024], *text = NULL;
	size_t len = 0;
	FILE *f;

	if (dmab_compare(base, base_name, new, new_name, threshold_pct, &cmp, err, sizeof(err)))
		return;
	check_comparison(cmp, base == new);
	f = open_memstream(&text, &len);
	if (!f)
		finding("open_memstream", NULL);
	dmab_compare_print_text(f, cmp, 1);
	dmab_compare_print_markdown(f, cmp, "## fuzz");
	fclose(f);
	check_text(text, "compare's text or Markdown");
	free(text);
	json_decref(cmp);
}

/*
 * The crossover records (as `dmabench crossover` and `run` make them): each
 * with a finding and its line of text, the line a single line; printed both
 * ways without a (null).
 */
static void check_crossovers(const json_t *root)
{
	json_t *records = NULL, *rec;
	char *text = NULL;
	size_t len = 0, i;
	const char *line;
	FILE *f;

	if (dmab_crossover(root, &records))
		finding("dmab_crossover failed", NULL);
	json_array_foreach(records, i, rec) {
		line = json_string_value(json_object_get(rec, "text"));
		if (!json_is_string(json_object_get(rec, "finding")) || !line)
			finding("a crossover record without a finding or a line", NULL);
		if (!*line || strchr(line, '\n'))
			finding("a crossover line empty or of more than one line", line);
	}
	f = open_memstream(&text, &len);
	if (!f)
		finding("open_memstream", NULL);
	dmab_crossover_print_text(f, records);
	dmab_crossover_print_summary(f, records, "fuzz.json");
	fclose(f);
	check_text(text, "crossover's lines");
	free(text);
	json_decref(records);
}

/* Every data file and report.md in @outdir, then the folder, removed. */
static void check_files(void)
{
	char path[PATH_MAX + 256], buf[1 << 16];
	struct dirent *e;
	DIR *d = opendir(outdir);
	size_t n;
	FILE *f;

	if (!d)
		finding("opendir", outdir);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", outdir, e->d_name);
		f = fopen(path, "r");
		if (!f)
			finding("fopen", path);
		while ((n = fread(buf, 1, sizeof(buf) - 1, f)) > 0) {
			buf[n] = 0;
			check_text(buf, e->d_name);
		}
		fclose(f);
		unlink(path);
	}
	closedir(d);
	rmdir(outdir);
}

/*
 * The input first (its figures' data), then the fixture, whose ratio is
 * against it; report.md compares them. Only a write can fail here.
 */
static void plot(json_t *root)
{
	struct dmab_plot_input in[2] = {
		{ .path = "fuzz.json", .root = root },
		{ .path = "base.json", .root = fixture },
	};
	json_t *figures = json_array(), *notes = json_array();
	char err[4096];
	int ret;

	snprintf(outdir, sizeof(outdir), "%s/dmabench-fuzz-XXXXXX", tmpdir);
	if (!mkdtemp(outdir))
		finding("mkdtemp", outdir);
	dmab_plot_labels(in, 2);
	ret = dmab_plot_data(in, 2, outdir, "svg", figures, notes, err, sizeof(err));
	if (ret)
		finding("dmab_plot_data failed", err);
	ret = dmab_plot_report(in, 2, outdir, figures, notes);
	if (ret)
		finding("dmab_plot_report failed", strerror(-ret));
	check_files();
	json_decref(figures);
	json_decref(notes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *root = NULL;
	char err[1024];

	if (dmab_result_load_buffer((const char *)data, size, "fuzz.json", &root, err,
				    sizeof(err)))
		return 0;
	input_says_null = memmem(data, size, "(null)", 6) != NULL;
	compare(root, "fuzz.json", root, "fuzz.json", DMAB_COMPARE_THRESHOLD_DEFAULT);
	compare(fixture, "base.json", root, "fuzz.json", DMAB_COMPARE_THRESHOLD_DEFAULT);
	compare(root, "fuzz.json", fixture, "base.json", 5);
	check_crossovers(root);
	plot(root);
	json_decref(root);
	return 0;
}
