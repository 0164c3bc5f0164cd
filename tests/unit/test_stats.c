// SPDX-License-Identifier: GPL-2.0
/*
 * Summary statistics: the percentiles, mean and spread a user reads in the
 * table and the JSON, against answers worked out by hand.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"

#include "../../analysis/stats.h"


static void push_all(struct dmab_samples *s, const uint64_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		assert_int_equal(dmab_samples_push(s, v[i]), 0);
}

/* 1, 2, ..., n, in a scrambled order (the summary must not care). */
static void push_one_to(struct dmab_samples *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		assert_int_equal(dmab_samples_push(s, (i * 7919) % n + 1), 0);
}

static void summarize(const struct dmab_samples *s, struct dmab_summary *out)
{
	memset(out, 0xff, sizeof(*out));	/* every field must be written */
	assert_int_equal(dmab_summarize(s, out), 0);
}

/* A table case's samples: its values @v, or 1..@n when it has none. */
static void push_case(struct dmab_samples *s, const uint64_t *v, size_t n)
{
	if (v)
		push_all(s, v, n);
	else
		push_one_to(s, n);
}

static const uint64_t one[] = { 42 };
static const uint64_t unsorted[] = { 9, 1, 8, 2, 7, 3, 6, 4, 5, 10 };
static const uint64_t duplicates[] = { 5, 9, 1, 9, 5, 9, 1, 9, 5, 9 };
static const uint64_t classic[] = { 2, 4, 4, 4, 5, 5, 7, 9 };

static const struct percentile_case {
	const char *name;
	const uint64_t *v;	/* NULL: 1..n */
	size_t n;
	uint64_t min, p50, p90, p99, p999, max;
} percentile_cases[] = {
	{ "1..100", NULL, 100, 1, 50, 90, 99, 100, 100 },
	{ "1..1000", NULL, 1000, 1, 500, 900, 990, 999, 1000 },
	{ "1..10", NULL, 10, 1, 5, 9, 10, 10, 10 },
	{ "a single sample", one, ARRAY_SIZE(one), 42, 42, 42, 42, 42, 42 },
	{ "unsorted input", unsorted, ARRAY_SIZE(unsorted), 1, 5, 9, 10, 10, 10 },
	/* sorted: 1 1 5 5 5 9 9 9 9 9 */
	{ "duplicates", duplicates, ARRAY_SIZE(duplicates), 1, 5, 9, 9, 9, 9 },
	/* nearest rank of 8: p50 is the 4th, p90 the 8th */
	{ "{2,4,4,4,5,5,7,9}", classic, ARRAY_SIZE(classic), 2, 4, 9, 9, 9, 9 },
};

static void test_percentiles_nearest_rank(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(percentile_cases); i++) {
		const struct percentile_case *c = &percentile_cases[i];
		struct dmab_samples s = { 0 };
		struct dmab_summary sum;

		push_case(&s, c->v, c->n);
		summarize(&s, &sum);
		CHECK_U64(c->name, "n", sum.n, c->n);
		CHECK_U64(c->name, "min", sum.min_ns, c->min);
		CHECK_U64(c->name, "p50", sum.p50_ns, c->p50);
		CHECK_U64(c->name, "p90", sum.p90_ns, c->p90);
		CHECK_U64(c->name, "p99", sum.p99_ns, c->p99);
		CHECK_U64(c->name, "p99.9", sum.p999_ns, c->p999);
		CHECK_U64(c->name, "max", sum.max_ns, c->max);
		dmab_samples_free(&s);
	}
}

/* The samples stay in the order they were taken: summarizing sorts a copy. */
static void test_summarize_keeps_samples(void **state)
{
	struct dmab_samples s = { 0 };
	struct dmab_summary sum;

	(void)state;
	push_all(&s, unsorted, ARRAY_SIZE(unsorted));
	summarize(&s, &sum);
	assert_int_equal(s.n, ARRAY_SIZE(unsorted));
	assert_memory_equal(s.ns, unsorted, sizeof(unsorted));
	dmab_samples_free(&s);
	assert_null(s.ns);
	assert_int_equal(s.n, 0);
}

static const uint64_t pair[] = { 10, 20 };
static const uint64_t large[] = { 1000000000000ull, 1000000000002ull };

static const struct moment_case {
	const char *name;
	const uint64_t *v;	/* NULL: 1..n */
	size_t n;
	double mean, stddev;
} moment_cases[] = {
	/* sum 40; squared deviations 9+1+1+1+0+0+4+16 = 32; sqrt(32 / 7) */
	{ "{2,4,4,4,5,5,7,9}", classic, ARRAY_SIZE(classic), 5.0, 2.1380899352993950 },
	/* variance n(n+1)/12 = 841.666... */
	{ "1..100", NULL, 100, 50.5, 29.011491975882016 },
	{ "{10,20}", pair, ARRAY_SIZE(pair), 15.0, 7.0710678118654755 },
	{ "a single sample has no spread", one, ARRAY_SIZE(one), 42.0, 0.0 },
	{ "large values", large, ARRAY_SIZE(large), 1000000000001.0, 1.4142135623730951 },
};

static void test_mean_and_sample_stddev(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(moment_cases); i++) {
		const struct moment_case *c = &moment_cases[i];
		struct dmab_samples s = { 0 };
		struct dmab_summary sum;

		push_case(&s, c->v, c->n);
		summarize(&s, &sum);
		if (fabs(sum.mean_ns - c->mean) > 1e-9 * fmax(1.0, c->mean))
			fail_msg("%s: mean is %.12g, want %.12g", c->name, sum.mean_ns, c->mean);
		if (fabs(sum.stddev_ns - c->stddev) > 1e-9)
			fail_msg("%s: stddev is %.12g, want %.12g", c->name, sum.stddev_ns,
				 c->stddev);
		dmab_samples_free(&s);
	}
}

static void test_empty_set_is_all_zero(void **state)
{
	struct dmab_samples s = { 0 };
	struct dmab_summary sum, zero;

	(void)state;
	memset(&zero, 0, sizeof(zero));
	summarize(&s, &sum);
	assert_int_equal(sum.n, 0);
	assert_int_equal(sum.min_ns, 0);
	assert_int_equal(sum.p50_ns, 0);
	assert_int_equal(sum.p999_ns, 0);
	assert_int_equal(sum.max_ns, 0);
	assert_true(sum.mean_ns == 0.0);
	assert_true(sum.stddev_ns == 0.0);
	assert_memory_equal(&sum, &zero, sizeof(sum));
	assert_true(dmab_median_ci_rel(&s) < 0);
	assert_int_equal(dmab_quantile_sorted(NULL, 0, 0.5), 0);
}

static void test_median_ci_needs_eight_samples(void **state)
{
	struct dmab_samples s = { 0 };
	size_t n;

	(void)state;
	for (n = 1; n < 8; n++) {
		assert_int_equal(dmab_samples_push(&s, 1000 + n), 0);
		if (!(dmab_median_ci_rel(&s) < 0))
			fail_msg("%zu samples: got a confidence interval, want none", n);
	}
	assert_int_equal(dmab_samples_push(&s, 1008), 0);
	assert_true(dmab_median_ci_rel(&s) >= 0);
	dmab_samples_free(&s);
}

static void test_median_ci_by_hand(void **state)
{
	struct dmab_samples s = { 0 };

	(void)state;
	/*
	 * 1..8: half-width 0.98 sqrt(8) = 2.77, order statistics floor(4 - 2.77) = 1
	 * and ceil(4 + 2.77) = 7 (from 0), values 2 and 8; median 4: (8 - 2) / 2 / 4.
	 */
	push_one_to(&s, 8);
	assert_true(fabs(dmab_median_ci_rel(&s) - 0.75) < 1e-12);
	dmab_samples_free(&s);
}

static void test_median_ci_zero_when_all_equal(void **state)
{
	struct dmab_samples s = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < 100; i++)
		assert_int_equal(dmab_samples_push(&s, 5000), 0);
	assert_true(dmab_median_ci_rel(&s) == 0.0);
	dmab_samples_free(&s);
}

/* The same spread, more samples: the median is known better. */
static void test_median_ci_shrinks_with_n(void **state)
{
	static const size_t sizes[] = { 8, 16, 64, 256, 1024, 4096, 16384 };
	double prev = INFINITY;
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct dmab_samples s = { 0 };
		size_t n = sizes[i];
		double rel;

		/* evenly over [9000, 11000], scrambled */
		for (k = 0; k < n; k++)
			assert_int_equal(dmab_samples_push(&s, 9000 + ((k * 7919) % n) * 2000 /
							       (n - 1)), 0);
		rel = dmab_median_ci_rel(&s);
		if (!(rel > 0 && rel < prev))
			fail_msg("%zu samples: relative CI %g, want above 0 and below %g", n, rel,
				 prev);
		prev = rel;
		dmab_samples_free(&s);
	}
	assert_true(prev < 0.01);
}

/* What a result file keeps: everything up to the cap, else cap evenly spread, in order. */
static const struct decimate_case {
	const char *name;
	size_t n, cap;
	size_t kept;
	uint64_t first, second, last;	/* with samples 1..n in order */
} decimate_cases[] = {
	{ "fewer than the cap: all", 7, 10, 7, 1, 2, 7 },
	{ "exactly the cap: all", 10, 10, 10, 1, 2, 10 },
	{ "twice the cap: every other", 20, 10, 10, 1, 3, 19 },
	{ "2.5 times: floor(i * 25 / 10)", 25, 10, 10, 1, 3, 23 },
	{ "100000 to 10000", 100000, 10000, 10000, 1, 11, 99991 },
};

static void test_decimate_evenly_in_order(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(decimate_cases); i++) {
		const struct decimate_case *c = &decimate_cases[i];
		struct dmab_samples s = { 0 }, out = { 0 };

		for (k = 1; k <= c->n; k++)
			assert_int_equal(dmab_samples_push(&s, k), 0);
		assert_int_equal(dmab_samples_decimate(&s, c->cap, &out), 0);
		CHECK_U64(c->name, "kept", out.n, c->kept);
		CHECK_U64(c->name, "first", out.ns[0], c->first);
		CHECK_U64(c->name, "second", out.ns[1], c->second);
		CHECK_U64(c->name, "last", out.ns[out.n - 1], c->last);
		for (k = 1; k < out.n; k++)
			if (out.ns[k] <= out.ns[k - 1])
				fail_msg("%s: not in recording order at %zu", c->name, k);
		dmab_samples_free(&s);
		dmab_samples_free(&out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentiles_nearest_rank),
		cmocka_unit_test(test_summarize_keeps_samples),
		cmocka_unit_test(test_mean_and_sample_stddev),
		cmocka_unit_test(test_empty_set_is_all_zero),
		cmocka_unit_test(test_median_ci_needs_eight_samples),
		cmocka_unit_test(test_median_ci_by_hand),
		cmocka_unit_test(test_median_ci_zero_when_all_equal),
		cmocka_unit_test(test_median_ci_shrinks_with_n),
		cmocka_unit_test(test_decimate_evenly_in_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
