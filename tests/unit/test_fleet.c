// SPDX-License-Identifier: GPL-2.0
/*
 * dmabench report: kernels in version order, the board a file is grouped
 * under, which file a cell shows and what it is compared with, on small
 * result documents built here; and that a cell's verdict is the one
 * `dmabench compare` gives for the same pair.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"

#include "../../analysis/compare.h"
#include "../../analysis/fleet.h"

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* --- the version comparator --- */

static const struct version_case {
	const char *a, *b;
	int want;	/* sign of dmab_kernel_version_cmp(a, b) */
} version_cases[] = {
	{ "6.1.0-27-arm64", "6.1.0-28-arm64", -1 },	/* Debian ABI numbers */
	{ "6.1.0-28-arm64", "6.12.9", -1 },
	{ "6.1.0-27-arm64", "6.12.9", -1 },
	{ "6.1.0-9-arm64", "6.1.0-28-arm64", -1 },	/* as text, 9 > 2 */
	{ "6.1.9", "6.1.10", -1 },
	{ "6.1.10", "6.12.1", -1 },
	{ "5.15.0-91-generic", "6.1.0", -1 },
	{ "4.19.94-ti-r42", "4.19.94-ti-r7", 1 },
	{ "6.6.0-rc3", "6.6.0", -1 },			/* a release candidate first */
	{ "6.6.0-rc3", "6.6.0-rc10", -1 },
	{ "6.6.0-rc7", "6.6.0-1-amd64", -1 },
	{ "6.5.13", "6.6-rc1", -1 },
	{ "6.12.9", "6.12.9+rpt-rpi-v8", -1 },		/* the release before its builds */
	{ "6.1", "6.1.0", -1 },				/* equal as versions: by text */
	{ "6.1.0-007", "6.1.0-7", -1 },
	{ "6.1.0", "6.1.0", 0 },
	{ "6.1.0-28-arm64", "6.1.0-28-arm64", 0 },
	{ "6.12.9", "unknown", -1 },			/* not a number: last */
	{ "unknown", "zzz", -1 },
	{ "99999999999999999999999.1", "99999999999999999999999.2", -1 },	/* no overflow */
	{ "6.1.0-28-amd64", "6.1.0-28-arm64", -1 },	/* the rest as text */
};

static void test_version_order(void **state)
{
	const struct version_case *c;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(version_cases); i++) {
		c = &version_cases[i];
		if (sign(dmab_kernel_version_cmp(c->a, c->b)) != c->want ||
		    sign(dmab_kernel_version_cmp(c->b, c->a)) != -c->want)
			fail_msg("%s against %s: %d, want %d (and the reverse %d)", c->a, c->b,
				 dmab_kernel_version_cmp(c->a, c->b), c->want,
				 dmab_kernel_version_cmp(c->b, c->a));
	}
}

static int qsort_version(const void *a, const void *b)
{
	return dmab_kernel_version_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* What a fleet's columns look like, shuffled, then sorted. */
static void test_version_sort(void **state)
{
	const char *releases[] = { "6.12.9", "unknown", "6.1.0-9-arm64", "6.6.0", "5.10.0-30-arm64",
				   "6.1.0-28-arm64", "6.6.0-rc3", "6.1.0-27-arm64", "6.12.9+rpt" };
	static const char *const want[] = { "5.10.0-30-arm64", "6.1.0-9-arm64", "6.1.0-27-arm64",
					    "6.1.0-28-arm64", "6.6.0-rc3", "6.6.0", "6.12.9",
					    "6.12.9+rpt", "unknown" };
	size_t i;

	(void)state;
	qsort(releases, ARRAY_SIZE(releases), sizeof(releases[0]), qsort_version);
	for (i = 0; i < ARRAY_SIZE(want); i++)
		if (strcmp(releases[i], want[i]))
			fail_msg("position %zu: %s, want %s", i, releases[i], want[i]);
}

/* --- result documents --- */

/* Repetition medians of cpu_cost around the median, parts per thousand (5 repetitions). */
static const int spread[] = { -15, 10, 0, -5, 15 };

#define BASE_NS 10000.0

struct file_case {
	const char *board;	/* NULL: none recorded */
	const char *host, *arch;
	const char *kernel;	/* NULL: no release */
	const char *started;
	double scale;		/* cpu_cost against BASE_NS */
	int stale;
};

static json_t *phase(double ns)
{
	return json_pack("{s:i, s:I}", "n", 100, "p50_ns", (json_int_t)ns);
}

static json_t *result(const char *strategy, double ns, int stale)
{
	json_t *reps = json_array();
	size_t k;

	for (k = 0; k < ARRAY_SIZE(spread); k++) {
		double v = ns * (1 + spread[k] / 1000.0);

		json_array_append_new(reps, json_pack("{s:i, s:{s:I, s:I}}", "n", 20, "p50_ns",
						      "cpu_cost", (json_int_t)v, "frame",
						      (json_int_t)(2 * v)));
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:n, s:{s:o, s:o}, s:{s:s, s:i, s:i},"
			 " s:o}",
			 "strategy", strategy, "backend", "user", "workload", "capture",
			 "pattern", "read", "size_bytes", (json_int_t)65536, "skipped",
			 "phases", "cpu_cost", phase(ns), "frame", phase(2 * ns),
			 "integrity", "verdict", stale ? "stale" : "ok", "stale_lines", stale,
			 "corrupt_lines", 0, "repetitions", reps);
}

static json_t *document(const struct file_case *f)
{
	json_t *env = json_pack("{s:s, s:s, s:{}}", "hostname", f->host ? f->host : "host",
				"arch", f->arch ? f->arch : "aarch64", "kernel");

	if (f->board)
		json_object_set_new(env, "board", json_string(f->board));
	else
		json_object_set_new(env, "board", json_null());
	if (f->kernel)
		json_object_set_new(json_object_get(env, "kernel"), "release",
				    json_string(f->kernel));
	/* coherent runs everywhere at the same cost; cached-sync scales */
	return json_pack("{s:i, s:s, s:o, s:[o, o]}", "schema_version", 2, "started_utc",
			 f->started, "environment", env, "results",
			 result("cached-sync", BASE_NS * f->scale, f->stale),
			 result("coherent", BASE_NS, 0));
}

/* --- the board a file is grouped under --- */

static void test_board(void **state)
{
	static const struct {
		struct file_case f;
		const char *want;
		enum dmab_fleet_board_source source;
	} cases[] = {
		{ { "Xunlong Orange Pi 5", "opi", "aarch64", "6.1.0", "", 1, 0 },
		  "Xunlong Orange Pi 5", DMAB_FLEET_BOARD_MODEL },
		{ { NULL, "ci-runner-3", "x86_64", "6.1.0", "", 1, 0 },
		  "ci-runner-3 (x86_64)", DMAB_FLEET_BOARD_HOST },
		{ { "", "pi", "armv7l", "6.1.0", "", 1, 0 }, "pi (armv7l)",
		  DMAB_FLEET_BOARD_HOST },	/* an empty model is none */
	};
	char buf[256];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		json_t *doc = document(&cases[i].f);
		enum dmab_fleet_board_source s = dmab_fleet_board(doc, buf, sizeof(buf));

		if (strcmp(buf, cases[i].want) || s != cases[i].source)
			fail_msg("case %zu: '%s' (source %d), want '%s' (%d)", i, buf, s,
				 cases[i].want, cases[i].source);
		json_decref(doc);
	}
}

/* --- grouping: which file each cell shows --- */

static const struct file_case fleet[] = {
	/* 0 */ { "Zynq A", NULL, NULL, "6.12.9", "2026-01-03T00:00:00Z", 1.2, 0 },
	/* 1 */ { "Zynq A", NULL, NULL, "6.1.0-9-arm64", "2026-01-01T00:00:00Z", 1.0, 0 },
	/* 2 */ { "Zynq A", NULL, NULL, "6.1.0-28-arm64", "2026-01-02T00:00:00Z", 1.0, 0 },
	/* 3: the same board and kernel, newer: shown */
	/* 3 */ { "Zynq A", NULL, NULL, "6.1.0-28-arm64", "2026-01-05T00:00:00Z", 1.5, 0 },
	/* 4 */ { NULL, "pi", "aarch64", "6.6.0-rc3", "2026-01-01T00:00:00Z", 1.0, 0 },
	/* 5 */ { NULL, "pi", "aarch64", "6.6.0", "2026-01-02T00:00:00Z", 0.8, 0 },
	/* 6: the same start as 5: the file named later is shown */
	/* 6 */ { "", "pi", "aarch64", "6.6.0", "2026-01-02T00:00:00Z", 1.0, 4 },
	/* 7 */ { "i.MX8", NULL, NULL, NULL, "2026-01-01T00:00:00Z", 1.0, 0 },
};

static const char *const fleet_kernels[] = { "6.1.0-9-arm64", "6.1.0-28-arm64", "6.6.0-rc3",
					     "6.6.0", "6.12.9", "unknown" };

static const struct cell_case {
	const char *board;
	const char *kernel;
	int file;		/* shown; -1: no cell */
	int runs;
	const char *verdict;	/* cpu_cost against the board's oldest; NULL: the base */
	int regression;
} cells[] = {
	{ "Zynq A", "6.1.0-9-arm64", 1, 1, NULL, 0 },
	{ "Zynq A", "6.1.0-28-arm64", 3, 2, "slower", 1 },
	{ "Zynq A", "6.12.9", 0, 1, "slower", 1 },
	{ "i.MX8", "unknown", 7, 1, NULL, 0 },
	{ "pi (aarch64)", "6.6.0-rc3", 4, 1, NULL, 0 },
	{ "pi (aarch64)", "6.6.0", 6, 2, "no_change", 1 },	/* integrity: ok -> stale */
};

static const char *const fleet_boards[] = { "Zynq A", "i.MX8", "pi (aarch64)" };

static void build(json_t **docs, struct dmab_fleet_input *in, char (*paths)[32], json_t **out)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fleet); i++) {
		docs[i] = document(&fleet[i]);
		snprintf(paths[i], 32, "f%zu.json", i);
		in[i].path = paths[i];
		in[i].root = docs[i];
	}
	assert_int_equal(dmab_fleet_build(in, ARRAY_SIZE(fleet), out), 0);
}

static const json_t *cell_of(const json_t *config, const char *board, const char *kernel)
{
	const json_t *row, *k;
	size_t i, j;

	json_array_foreach(json_object_get(config, "rows"), i, row) {
		if (strcmp(json_string_value(json_object_get(row, "board")), board))
			continue;
		json_array_foreach(json_object_get(config, "kernels"), j, k)
			if (!strcmp(json_string_value(k), kernel))
				return json_array_get(json_object_get(row, "cells"), j);
	}
	return NULL;
}

static void test_grouping(void **state)
{
	json_t *docs[ARRAY_SIZE(fleet)], *report;
	struct dmab_fleet_input in[ARRAY_SIZE(fleet)];
	char paths[ARRAY_SIZE(fleet)][32];
	const json_t *config, *cell, *v;
	size_t i;

	(void)state;
	build(docs, in, paths, &report);
	for (i = 0; i < ARRAY_SIZE(fleet_kernels); i++)
		assert_string_equal(json_string_value(json_array_get(json_object_get(report,
						"kernels"), i)), fleet_kernels[i]);
	assert_int_equal(json_array_size(json_object_get(report, "boards")),
			 ARRAY_SIZE(fleet_boards));
	for (i = 0; i < ARRAY_SIZE(fleet_boards); i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(
			json_object_get(report, "boards"), i), "name")), fleet_boards[i]);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(
		report, "boards"), 2), "source")), "host name and machine");
	config = json_array_get(json_object_get(report, "configurations"), 0);
	assert_string_equal(json_string_value(json_object_get(config, "strategy")), "cached-sync");
	assert_string_equal(json_string_value(json_object_get(config, "headline")), "cpu_cost");
	/* the rows: boards by name; the columns: this configuration's kernels */
	assert_int_equal(json_array_size(json_object_get(config, "rows")), 3);
	assert_int_equal(json_array_size(json_object_get(config, "kernels")), 6);
	for (i = 0; i < ARRAY_SIZE(cells); i++) {
		const struct cell_case *c = &cells[i];
		char want[32];

		cell = cell_of(config, c->board, c->kernel);
		if (!json_is_object(cell))
			fail_msg("%s %s: no cell", c->board, c->kernel);
		snprintf(want, sizeof(want), "f%d.json", c->file);
		v = json_object_get(cell, "vs_base");
		if (strcmp(json_string_value(json_object_get(cell, "file")), want) ||
		    json_integer_value(json_object_get(cell, "runs")) != c->runs ||
		    json_is_true(json_object_get(cell, "base")) != !c->verdict ||
		    (c->verdict && (!v || strcmp(json_string_value(json_object_get(v, "verdict")),
						 c->verdict) ||
				    json_is_true(json_object_get(v, "regression")) != c->regression)))
			fail_msg("%s %s: file %s runs %lld verdict %s regression %d, want %s %d %s %d",
				 c->board, c->kernel, json_string_value(json_object_get(cell, "file")),
				 (long long)json_integer_value(json_object_get(cell, "runs")),
				 v ? json_string_value(json_object_get(v, "verdict")) : "(base)",
				 json_is_true(json_object_get(v, "regression")), want, c->runs,
				 c->verdict ? c->verdict : "(base)", c->regression);
	}
	/* a board without a kernel has no cell there */
	assert_true(json_is_null(cell_of(config, "i.MX8", "6.12.9")));
	/* the other run of Zynq A 6.1.0-28 is listed with its median */
	cell = cell_of(config, "Zynq A", "6.1.0-28-arm64");
	assert_int_equal(json_array_size(json_object_get(cell, "others")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(cell, "others"), 0), "file")), "f2.json");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
		json_object_get(cell, "others"), 0), "median_ns")), (json_int_t)BASE_NS);
	assert_int_equal(json_integer_value(json_object_get(report, "in_common")), 2);
	json_decref(report);
	for (i = 0; i < ARRAY_SIZE(fleet); i++)
		json_decref(docs[i]);
}

/* Each verdict is compare's: the pair given to dmab_compare() says the same. */
static void test_verdicts_are_compares(void **state)
{
	json_t *docs[ARRAY_SIZE(fleet)], *report, *cmp;
	struct dmab_fleet_input in[ARRAY_SIZE(fleet)];
	char paths[ARRAY_SIZE(fleet)][32], err[512];
	const json_t *config, *row, *cell, *c, *m, *v;
	size_t i, j, k, n, checked = 0;

	(void)state;
	build(docs, in, paths, &report);
	json_array_foreach(json_object_get(report, "configurations"), i, config)
		json_array_foreach(json_object_get(config, "rows"), j, row) {
			const json_t *base = NULL;

			json_array_foreach(json_object_get(row, "cells"), k, cell) {
				if (!json_is_object(cell))
					continue;
				if (!base) {
					base = cell;
					continue;
				}
				assert_int_equal(sscanf(json_string_value(json_object_get(cell,
							"file")), "f%zu.json", &n), 1);
				v = json_object_get(cell, "vs_base");
				assert_int_equal(dmab_compare(docs[atoi(json_string_value(
							json_object_get(base, "file")) + 1)],
							      "base", docs[n], "new",
							      DMAB_COMPARE_THRESHOLD_DEFAULT, &cmp, err,
							      sizeof(err)), 0);
				c = json_array_get(json_object_get(cmp, "configurations"), i);
				m = json_array_get(json_object_get(c, "metrics"), 0);
				assert_string_equal(json_string_value(json_object_get(m, "metric")),
						    "cpu_cost");
				assert_string_equal(json_string_value(json_object_get(m, "verdict")),
						    json_string_value(json_object_get(v, "verdict")));
				assert_true(json_equal(json_object_get(m, "ratio"),
						       json_object_get(v, "ratio")));
				assert_true(json_equal(json_object_get(m, "p"),
						       json_object_get(v, "p")));
				assert_int_equal(json_is_true(json_object_get(c, "regression")),
						 json_is_true(json_object_get(v, "regression")));
				json_decref(cmp);
				checked++;
			}
		}
	assert_int_equal(checked, 6);	/* 3 per configuration */
	json_decref(report);
	for (i = 0; i < ARRAY_SIZE(fleet); i++)
		json_decref(docs[i]);
}

/* dmab_compare_configuration() is dmab_compare()'s entry, plus its threshold. */
static void test_compare_configuration(void **state)
{
	json_t *a = document(&fleet[1]), *b = document(&fleet[0]), *cmp, *one;
	char err[256];
	size_t i;

	(void)state;
	assert_int_equal(dmab_compare(a, "a.json", b, "b.json", DMAB_COMPARE_THRESHOLD_DEFAULT,
				      &cmp, err, sizeof(err)), 0);
	for (i = 0; i < 2; i++) {
		const json_t *ra = json_array_get(json_object_get(a, "results"), i);
		const json_t *rb = json_array_get(json_object_get(b, "results"), i);

		assert_int_equal(dmab_compare_configuration(a, "a.json", ra, b, "b.json", rb,
							    DMAB_COMPARE_THRESHOLD_DEFAULT, &one),
				 0);
		assert_true(json_equal(json_object_get(one, "threshold"),
				       json_array_get(json_object_get(cmp, "thresholds"), 0)));
		json_object_del(one, "threshold");
		assert_true(json_equal(one, json_array_get(json_object_get(cmp, "configurations"),
							   i)));
		json_decref(one);
	}
	/* not the same configuration */
	assert_int_equal(dmab_compare_configuration(a, "a.json",
						    json_array_get(json_object_get(a, "results"), 0),
						    b, "b.json",
						    json_array_get(json_object_get(b, "results"), 1),
						    DMAB_COMPARE_THRESHOLD_DEFAULT, &one), -EINVAL);
	assert_null(one);
	json_decref(cmp);
	json_decref(a);
	json_decref(b);
}

/* Two files of one board and kernel with nothing in common: a report that says so. */
static void test_nothing_in_common(void **state)
{
	struct file_case f = fleet[1];
	json_t *a = document(&f), *b = document(&f), *report;
	struct dmab_fleet_input in[2] = { { "a.json", a }, { "b.json", b } };
	const json_t *r;
	size_t i;

	(void)state;
	json_array_foreach(json_object_get(b, "results"), i, r)
		json_object_set_new((json_t *)r, "strategy", json_string(i ? "wc" : "uncached"));
	assert_int_equal(dmab_fleet_build(in, 2, &report), 0);
	assert_int_equal(json_array_size(json_object_get(report, "configurations")), 4);
	assert_int_equal(json_integer_value(json_object_get(report, "in_common")), 0);
	assert_int_equal(json_integer_value(json_object_get(report, "compared")), 0);
	json_decref(report);
	assert_int_equal(dmab_fleet_build(in, 0, &report), -EINVAL);
	json_decref(a);
	json_decref(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_order),
		cmocka_unit_test(test_version_sort),
		cmocka_unit_test(test_board),
		cmocka_unit_test(test_grouping),
		cmocka_unit_test(test_verdicts_are_compares),
		cmocka_unit_test(test_compare_configuration),
		cmocka_unit_test(test_nothing_in_common),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
