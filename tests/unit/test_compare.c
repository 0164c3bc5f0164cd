// SPDX-License-Identifier: GPL-2.0
/*
 * dmabench compare's verdicts: what a user reads as slower, faster or no
 * change, and what fails a CI gate, on small result documents built here.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"

#include "../../harness/compare.h"
#include "../../harness/stats.h"

#define N 50

/*
 * One capture result at 64KiB with only the frame phase: N samples around
 * @base_ns (spread 10%) times @scale; @with_samples 0 leaves samples out
 * (a file from before they were kept).
 */
static json_t *result(double base_ns, double scale, int with_samples, int stale)
{
	struct dmab_samples s = { 0 };
	struct dmab_summary sum;
	json_t *ns = json_array(), *r;
	size_t i;

	for (i = 0; i < N; i++) {
		uint64_t v = (uint64_t)llround((base_ns + (double)((i * 37) % N) * base_ns / 10 / N) *
					       scale);

		assert_int_equal(dmab_samples_push(&s, v), 0);
		json_array_append_new(ns, json_integer((json_int_t)v));
	}
	assert_int_equal(dmab_summarize(&s, &sum), 0);
	dmab_samples_free(&s);
	r = json_pack("{s:s, s:s, s:s, s:s, s:I, s:n, s:{s:{s:I, s:I}}, s:{s:f},"
		      " s:{s:s, s:I, s:I}}",
		      "strategy", "cached-sync", "backend", "user", "workload", "capture",
		      "pattern", "read", "size_bytes", (json_int_t)65536, "skipped",
		      "phases", "frame", "n", (json_int_t)sum.n, "p50_ns", (json_int_t)sum.p50_ns,
		      "throughput_mbps", "frame", 65536e3 / (double)sum.p50_ns,
		      "integrity", "verdict", stale ? "stale" : "ok", "stale_lines",
		      (json_int_t)stale, "corrupt_lines", (json_int_t)0);
	if (with_samples)
		json_object_set_new(r, "samples",
				    json_pack("{s:i, s:s, s:{s:{s:o}}}", "cap", 10000, "method",
					      "all", "phases", "frame", "ns", ns));
	else
		json_decref(ns);
	return r;
}

static json_t *document(json_t *r)
{
	return json_pack("{s:i, s:{s:{s:s}, s:{s:f}}, s:[o]}", "schema_version", 1,
			 "environment", "kernel", "release", "6.1.0", "timer", "overhead_ns",
			 15.0, "results", r);
}

static const struct verdict_case {
	const char *name;
	double base_ns, scale, threshold;
	int base_samples, new_samples;
	int base_stale, new_stale;
	const char *verdict;		/* of the frame */
	int regression;
	int p_known;
} cases[] = {
	{ "20% slower", 25000, 1.20, 5, 1, 1, 0, 0, "slower", 1, 1 },
	{ "20% faster", 25000, 0.80, 5, 1, 1, 0, 0, "faster", 0, 1 },
	{ "3% slower: under the 5% threshold", 25000, 1.03, 5, 1, 1, 0, 0, "no_change", 0, 1 },
	{ "20% slower with --threshold 25", 25000, 1.20, 25, 1, 1, 0, 0, "no_change", 0, 1 },
	{ "the same samples", 25000, 1.00, 5, 1, 1, 0, 0, "no_change", 0, 1 },
	/* a tiny phase: the change must also exceed one timestamp's cost (15 ns here) */
	{ "100 to 120 ns: beyond a 15 ns timestamp", 100, 1.20, 5, 1, 1, 0, 0, "slower", 1, 1 },
	{ "100 to 110 ns: within a 15 ns timestamp", 100, 1.10, 5, 1, 1, 0, 0, "no_change", 0, 1 },
	{ "20% slower, the new file without samples", 25000, 1.20, 5, 1, 0, 0, 0, "untested", 0,
	  0 },
	{ "stale lines appearing, timings the same", 25000, 1.00, 5, 1, 1, 0, 12, "no_change",
	  1, 1 },
	{ "stale lines going away", 25000, 1.00, 5, 1, 1, 12, 0, "no_change", 0, 1 },
};

static void test_verdicts(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct verdict_case *c = &cases[i];
		json_t *base = document(result(c->base_ns, 1, c->base_samples, c->base_stale));
		json_t *new = document(result(c->base_ns, c->scale, c->new_samples, c->new_stale));
		json_t *cmp = NULL, *conf, *frame, *tp;
		char err[256];
		const char *v;

		assert_int_equal(dmab_compare(base, "base", new, "new", c->threshold, &cmp, err,
					      sizeof(err)), 0);
		conf = json_array_get(json_object_get(cmp, "configurations"), 0);
		frame = json_array_get(json_object_get(conf, "metrics"), 0);
		tp = json_array_get(json_object_get(conf, "metrics"), 1);
		v = json_string_value(json_object_get(frame, "verdict"));
		if (strcmp(v, c->verdict))
			fail_msg("%s: verdict %s, want %s (p %g)", c->name, v, c->verdict,
				 json_number_value(json_object_get(frame, "p")));
		if (strcmp(json_string_value(json_object_get(tp, "verdict")), v))
			fail_msg("%s: the throughput's verdict is not the frame's", c->name);
		CHECK_U64(c->name, "regressions", dmab_compare_regressions(cmp), c->regression);
		CHECK_U64(c->name, "p known", json_is_number(json_object_get(frame, "p")),
			  c->p_known);
		if (fabs(json_number_value(json_object_get(frame, "ratio")) - c->scale) > 0.01)
			fail_msg("%s: ratio %g, want %g", c->name,
				 json_number_value(json_object_get(frame, "ratio")), c->scale);
		CHECK_U64(c->name, "integrity changed",
			  json_is_true(json_object_get(json_object_get(conf, "integrity"),
						       "changed")),
			  c->base_stale != c->new_stale);
		json_decref(cmp);
		json_decref(base);
		json_decref(new);
	}
}

/* Geometric mean per strategy: 1.2 and 1/1.2 average to 1. */
static void test_geomean(void **state)
{
	json_t *base = document(result(25000, 1, 1, 0)), *new = document(result(25000, 1.2, 1, 0));
	json_t *r = result(25000, 1, 1, 0), *cmp = NULL, *g;
	char err[256];

	(void)state;
	json_object_set_new(r, "size_bytes", json_integer(1048576));
	json_array_append_new(json_object_get(base, "results"), r);
	r = result(25000, 1 / 1.2, 1, 0);
	json_object_set_new(r, "size_bytes", json_integer(1048576));
	json_array_append_new(json_object_get(new, "results"), r);
	assert_int_equal(dmab_compare(base, "b", new, "n", 5, &cmp, err, sizeof(err)), 0);
	g = json_array_get(json_object_get(cmp, "geomean"), 0);
	assert_int_equal(json_integer_value(json_object_get(g, "configurations")), 2);
	assert_true(fabs(json_real_value(json_object_get(g, "frame_ratio")) - 1) < 0.01);
	json_decref(cmp);
	json_decref(base);
	json_decref(new);
}

static void test_nothing_matches(void **state)
{
	json_t *base = document(result(25000, 1, 1, 0)), *new = document(result(25000, 1, 1, 0));
	json_t *cmp = NULL;
	char err[256];

	(void)state;
	json_object_set_new(json_array_get(json_object_get(new, "results"), 0), "strategy",
			    json_string("wc"));
	assert_int_equal(dmab_compare(base, "b.json", new, "n.json", 5, &cmp, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "no configuration ran in both b.json and n.json"));
	assert_null(cmp);
	json_decref(base);
	json_decref(new);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_geomean),
		cmocka_unit_test(test_nothing_matches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
