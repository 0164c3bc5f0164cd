// SPDX-License-Identifier: GPL-2.0
/*
 * The median of repetition medians and the bootstrap confidence interval of
 * a ratio of medians that dmabench compare prints beside each change. The
 * known cases come from the same algorithm written again in Python:
 *
 *   def splitmix(s):  s += 0x9e3779b97f4a7c15; z = s
 *       z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9; z = (z ^ z >> 27) * 0x94d049bb133111eb
 *       return s, z ^ z >> 31                        (all modulo 2^64)
 *   per resample: for s in (sorted(x), sorted(y)): [s[next % len(s)] for _ in s]
 *   ratio = median(y*) / median(x*) (inf when median(x*) is 0, 1 when both are)
 *   lo, hi = nearest-rank 2.5% and 97.5% of the sorted ratios (ranks 250, 9750)
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "check.h"

#include "../../analysis/stats.h"

static const struct median_case {
	const char *name;
	uint64_t v[8];
	size_t n;
	double median;
} median_cases[] = {
	{ "one value", { 42 }, 1, 42 },
	{ "odd, unsorted", { 9, 1, 5 }, 3, 5 },
	{ "even: the mean of the middle two", { 10, 1, 3, 2 }, 4, 2.5 },
	{ "even, the middle two equal", { 4, 4, 1, 9 }, 4, 4 },
	{ "zeros", { 0, 0, 0, 7 }, 4, 0 },
	{ "five repetition medians", { 4123, 4090, 4150, 4100, 4123 }, 5, 4123 },
};

static void test_median(void **state)
{
	size_t i;
	double m;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(median_cases); i++) {
		const struct median_case *c = &median_cases[i];

		assert_int_equal(dmab_median_u64(c->v, c->n, &m), 0);
		if (m != c->median)
			fail_msg("%s: median %g, want %g", c->name, m, c->median);
	}
	assert_int_equal(dmab_median_u64(median_cases[0].v, 0, &m), -EINVAL);
}

/* The generator's published first output for seed 0 (the reference C code). */
static void test_splitmix64(void **state)
{
	uint64_t s = 0;

	(void)state;
	assert_true(dmab_splitmix64(&s) == 0xe220a8397b1dcdafull);
}

static const struct ci_case {
	const char *name;
	uint64_t x[8], y[8];
	size_t nx, ny;
	double ratio, lo, hi;
} ci_cases[] = {
	{ "repetition medians 20% apart, one tie", { 4100, 4123, 4090, 4150, 4123 },
	  { 4950, 4123, 4990, 5010, 4870 }, 5, 5, 1.2005821004123212, 1.0, 1.2200488997555012 },
	{ "one distribution twice", { 1000, 1010, 990, 1005, 995, 1002 },
	  { 1001, 998, 1012, 993, 1007, 1000 }, 6, 6,
	  0.9995004995004995, 0.9920477137176938, 1.011111111111111 },
	{ "zeros in the base: an unbounded upper end", { 10, 0, 0, 20, 30 }, { 15, 25, 35 }, 5, 3,
	  2.5, 0.75, INFINITY },
};

static void check_ci(const char *name, const struct dmab_ratio_ci *ci, double ratio, double lo,
		     double hi)
{
	if (fabs(ci->ratio - ratio) > 1e-12 || fabs(ci->lo - lo) > 1e-12 ||
	    !(ci->hi == hi || fabs(ci->hi - hi) < 1e-12))
		fail_msg("%s: ratio %.17g [%.17g, %.17g], want %.17g [%.17g, %.17g]", name,
			 ci->ratio, ci->lo, ci->hi, ratio, lo, hi);
}

static void test_known_intervals(void **state)
{
	struct dmab_ratio_ci ci;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ci_cases); i++) {
		const struct ci_case *c = &ci_cases[i];

		assert_int_equal(dmab_bootstrap_ratio_ci(c->x, c->nx, c->y, c->ny,
							 DMAB_BOOTSTRAP_RESAMPLES, 0.95,
							 DMAB_BOOTSTRAP_SEED, &ci), 0);
		check_ci(c->name, &ci, c->ratio, c->lo, c->hi);
	}
}

/* One pair of files, one interval: every call, and whatever order the values come in. */
static void test_deterministic(void **state)
{
	static const uint64_t x[] = { 4100, 4123, 4090, 4150, 4123 };
	static const uint64_t shuffled[] = { 4123, 4150, 4100, 4123, 4090 };
	static const uint64_t y[] = { 4950, 4123, 4990, 5010, 4870 };
	struct dmab_ratio_ci a, b, c;

	(void)state;
	assert_int_equal(dmab_bootstrap_ratio_ci(x, 5, y, 5, 10000, 0.95, 7, &a), 0);
	assert_int_equal(dmab_bootstrap_ratio_ci(x, 5, y, 5, 10000, 0.95, 7, &b), 0);
	assert_int_equal(dmab_bootstrap_ratio_ci(shuffled, 5, y, 5, 10000, 0.95, 7, &c), 0);
	assert_true(a.lo == b.lo && a.hi == b.hi && a.ratio == b.ratio);
	assert_true(a.lo == c.lo && a.hi == c.hi && a.ratio == c.ratio);
	assert_true(a.lo <= a.ratio && a.ratio <= a.hi);
}

/* A clear 20% shift: the interval holds the ratio and excludes 1; no shift: it holds 1. */
static void test_shift_and_no_shift(void **state)
{
	static const uint64_t x[] = { 1000, 1012, 990, 1003, 997, 1008, 994, 1001 };
	static const uint64_t y[] = { 1200, 1215, 1188, 1204, 1196, 1210, 1192, 1201 };
	struct dmab_ratio_ci ci;

	(void)state;
	assert_int_equal(dmab_bootstrap_ratio_ci(x, 8, y, 8, DMAB_BOOTSTRAP_RESAMPLES, 0.95,
						 DMAB_BOOTSTRAP_SEED, &ci), 0);
	assert_true(ci.lo > 1.17 && ci.hi < 1.23 && ci.lo <= ci.ratio && ci.ratio <= ci.hi);
	assert_int_equal(dmab_bootstrap_ratio_ci(x, 8, x, 8, DMAB_BOOTSTRAP_RESAMPLES, 0.95,
						 DMAB_BOOTSTRAP_SEED, &ci), 0);
	assert_true(ci.ratio == 1 && ci.lo < 1 && ci.hi > 1);
}

static void test_degenerate(void **state)
{
	static const uint64_t one[] = { 1000 }, two[] = { 1100 }, zeros[] = { 0, 0, 0 };
	static const uint64_t some[] = { 5, 6, 7 };
	struct dmab_ratio_ci ci;

	(void)state;
	/* one value each: every resample is the same, a zero-width interval */
	assert_int_equal(dmab_bootstrap_ratio_ci(one, 1, two, 1, 1000, 0.95, 1, &ci), 0);
	assert_true(ci.ratio == 1.1 && ci.lo == 1.1 && ci.hi == 1.1);
	/* a base of zeros has no ratio */
	assert_int_equal(dmab_bootstrap_ratio_ci(zeros, 3, some, 3, 1000, 0.95, 1, &ci), -EDOM);
	/* the new one all zeros: 0, exactly */
	assert_int_equal(dmab_bootstrap_ratio_ci(some, 3, zeros, 3, 1000, 0.95, 1, &ci), 0);
	assert_true(ci.ratio == 0 && ci.lo == 0 && ci.hi == 0);
	assert_int_equal(dmab_bootstrap_ratio_ci(some, 0, some, 3, 1000, 0.95, 1, &ci), -EINVAL);
	assert_int_equal(dmab_bootstrap_ratio_ci(some, 3, some, 0, 1000, 0.95, 1, &ci), -EINVAL);
	assert_int_equal(dmab_bootstrap_ratio_ci(some, 3, some, 3, 0, 0.95, 1, &ci), -EINVAL);
	assert_int_equal(dmab_bootstrap_ratio_ci(some, 3, some, 3, 1000, 1, 1, &ci), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_splitmix64),
		cmocka_unit_test(test_known_intervals),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_shift_and_no_shift),
		cmocka_unit_test(test_degenerate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
