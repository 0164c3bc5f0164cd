// SPDX-License-Identifier: GPL-2.0
/*
 * The Mann-Whitney U test that dmabench compare trusts, against numbers
 * from an independent implementation: scipy 1.10.1 (Debian 12's
 * python3-scipy), scipy.stats.mannwhitneyu(x, y, alternative="two-sided"),
 * run once and written here; the tests do not need scipy.
 * The permutation test behind the verdicts on repetitions, against every
 * split of the pooled values counted in Python (U by pairwise counting, not
 * by ranks; exact fractions; the script is sketched above its table).
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

#define MAX_N 200

static const struct mw_case {
	const char *name;
	uint64_t x[MAX_N], y[MAX_N];
	size_t nx, ny;
	double u, p;		/* scipy's statistic (U of x) and pvalue */
	int exact;		/* scipy's method="auto" choice */
} cases[] = {
	{ "exact, separated", { 1, 2, 3, 4, 5 }, { 6, 7, 8, 9, 10, 11 }, 5, 6,
	  0.0, 0.004329004329004329, 1 },
	{ "exact, interleaved", { 1, 3, 5, 7, 9 }, { 2, 4, 6, 8, 10, 12 }, 5, 6,
	  10.0, 0.42857142857142855, 1 },
	{ "exact, one against nine", { 50 }, { 10, 20, 30, 40, 60, 70, 80, 90, 100 }, 1, 9,
	  4.0, 1.0, 1 },
	{ "exact, 8 against 12", { 12, 15, 3, 40, 22, 18, 9, 31 },
	  { 25, 44, 37, 50, 28, 61, 42, 19, 55, 33, 47, 39 }, 8, 12,
	  10.0, 0.0021592442645074223, 1 },
	{ "normal, with ties", { 1, 2, 2, 3, 3, 3, 4, 5, 9 }, { 2, 3, 4, 4, 5, 5, 6, 7, 8, 10 },
	  9, 10, 22.5, 0.06969618773343274, 0 },
	{ "normal, 10 against 10", { 110, 120, 135, 141, 150, 162, 170, 181, 195, 200 },
	  { 100, 105, 115, 125, 130, 145, 155, 160, 165, 175 }, 10, 10,
	  68.0, 0.18587673236587576, 0 },
	{ "normal, every value the same", { 7, 7, 7, 7, 7, 7, 7, 7, 7, 7 },
	  { 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7 }, 10, 12, 60.0, 1.0, 0 },
};

/* The generator the reference script used: 64-bit LCG, bits 33 and up. */
static void lcg_fill(uint64_t *v, size_t n, uint64_t seed, uint64_t base, uint64_t spread)
{
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		v[i] = base + (seed >> 33) % spread;
	}
}

static void check_case(const char *name, const uint64_t *x, size_t nx, const uint64_t *y,
		       size_t ny, double u, double p, int exact)
{
	struct dmab_mann_whitney mw;

	assert_int_equal(dmab_mann_whitney(x, nx, y, ny, &mw), 0);
	if (mw.u != u)
		fail_msg("%s: U is %.17g, want %.17g", name, mw.u, u);
	if (fabs(mw.p - p) > 1e-9 * p)
		fail_msg("%s: p is %.17g, want %.17g", name, mw.p, p);
	if (mw.exact != exact)
		fail_msg("%s: %s, want %s", name, mw.exact ? "exact" : "normal",
			 exact ? "exact" : "normal");
}

static void test_against_scipy(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		check_case(cases[i].name, cases[i].x, cases[i].nx, cases[i].y, cases[i].ny,
			   cases[i].u, cases[i].p, cases[i].exact);
}

/* 200 against 200, the second about 5% slower: clearly different. */
static void test_large_shift_against_scipy(void **state)
{
	uint64_t x[200], y[200];

	(void)state;
	lcg_fill(x, 200, 1, 10000, 2000);
	lcg_fill(y, 200, 2, 10500, 2000);
	assert_int_equal(x[0], 10774);	/* the script's first values */
	assert_int_equal(y[0], 12240);
	check_case("200 against 200, shifted 5%", x, 200, y, 200, 11904.0,
		   2.5202926882917895e-12, 0);
}

/* Swapping the samples gives the other U and the same p. */
static void test_symmetric(void **state)
{
	const struct mw_case *c = &cases[3];
	struct dmab_mann_whitney a, b;

	(void)state;
	assert_int_equal(dmab_mann_whitney(c->x, c->nx, c->y, c->ny, &a), 0);
	assert_int_equal(dmab_mann_whitney(c->y, c->ny, c->x, c->nx, &b), 0);
	assert_true(a.u + b.u == (double)(c->nx * c->ny));
	assert_true(fabs(a.p - b.p) < 1e-12);
}

static void test_empty_sample_is_an_error(void **state)
{
	static const uint64_t one[] = { 1 };
	struct dmab_mann_whitney mw;

	(void)state;
	assert_int_equal(dmab_mann_whitney(one, 1, one, 0, &mw), -EINVAL);
	assert_int_equal(dmab_mann_whitney(one, 0, one, 1, &mw), -EINVAL);
	assert_int_equal(dmab_mann_whitney_permutation(one, 1, one, 0, &mw), -EINVAL);
	assert_int_equal(dmab_mann_whitney_permutation(one, 0, one, 1, &mw), -EINVAL);
}

/*
 * The permutation distribution with ties, from this Python (Fractions):
 *
 *   U = lambda x, y: sum(1 if a > b else Fraction(1, 2) if a == b else 0
 *                        for a in x for b in y)
 *   for every c in combinations(range(n), nx): u = U(pool[c], the rest)
 *   p = min(1, 2 min(#(u <= u0), #(u >= u0)) / C(n, nx)),  p_min = 2 / C(n, nx)
 */
static const struct perm_case {
	const char *name;
	uint64_t x[8], y[8];
	size_t nx, ny;
	double u, p, p_min;
} perm_cases[] = {
	{ "5 against 5, separated", { 1, 2, 3, 4, 5 }, { 6, 7, 8, 9, 10 }, 5, 5,
	  0.0, 0.007936507936507936, 0.007936507936507936 },	/* 1/126 */
	{ "3 against 3, separated: never below 0.05", { 10, 11, 12 }, { 20, 21, 22 }, 3, 3,
	  0.0, 0.1, 0.1 },
	{ "ties across the samples", { 10, 12, 12, 15, 20 }, { 12, 15, 15, 22, 25, 30 }, 5, 6,
	  6.0, 0.12121212121212122, 0.004329004329004329 },	/* 4/33 */
	{ "ties, 3 against 4", { 1, 1, 2 }, { 2, 3, 3, 3 }, 3, 4,
	  0.5, 0.11428571428571428, 0.05714285714285714 },	/* 4/35 */
	{ "every value the same", { 7, 7, 7, 7 }, { 7, 7, 7, 7 }, 4, 4,
	  8.0, 1.0, 0.02857142857142857 },
	{ "repetition medians, 20% apart, one tie", { 4100, 4123, 4090, 4150, 4123 },
	  { 4950, 4123, 4990, 5010, 4870 }, 5, 5,
	  2.0, 0.031746031746031744, 0.007936507936507936 },	/* 2/63 */
	{ "ties within a sample only", { 5, 5, 5, 6, 8 }, { 7, 9, 9, 10, 11 }, 5, 5,
	  1.0, 0.015873015873015872, 0.007936507936507936 },	/* 1/63 */
	{ "overlapping, 6 against 4", { 100, 104, 98, 101, 99, 103 }, { 102, 105, 97, 106 }, 6, 4,
	  8.0, 0.47619047619047616, 0.009523809523809525 },	/* 10/21 */
};

static void test_permutation_with_ties(void **state)
{
	struct dmab_mann_whitney mw, swapped;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(perm_cases); i++) {
		const struct perm_case *c = &perm_cases[i];

		assert_int_equal(dmab_mann_whitney_permutation(c->x, c->nx, c->y, c->ny, &mw), 0);
		if (mw.u != c->u)
			fail_msg("%s: U is %.17g, want %.17g", c->name, mw.u, c->u);
		if (fabs(mw.p - c->p) > 1e-12)
			fail_msg("%s: p is %.17g, want %.17g", c->name, mw.p, c->p);
		if (fabs(mw.p_min - c->p_min) > 1e-15)
			fail_msg("%s: p_min is %.17g, want %.17g", c->name, mw.p_min, c->p_min);
		CHECK_U64(c->name, "exact", mw.exact, 1);
		/* the samples the other way round: the other U, the same p */
		assert_int_equal(dmab_mann_whitney_permutation(c->y, c->ny, c->x, c->nx,
							       &swapped), 0);
		if (swapped.u != (double)(c->nx * c->ny) - c->u || fabs(swapped.p - mw.p) > 1e-12)
			fail_msg("%s swapped: U %g, p %g", c->name, swapped.u, swapped.p);
	}
}

/* Without ties the permutation test is scipy's exact test. */
static void test_permutation_is_scipy_exact_without_ties(void **state)
{
	struct dmab_mann_whitney mw;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (!cases[i].exact)
			continue;
		assert_int_equal(dmab_mann_whitney_permutation(cases[i].x, cases[i].nx, cases[i].y,
							       cases[i].ny, &mw), 0);
		if (fabs(mw.p - cases[i].p) > 1e-9 * cases[i].p || mw.u != cases[i].u || !mw.exact)
			fail_msg("%s: U %g p %.17g exact %d, want U %g p %.17g", cases[i].name, mw.u,
				 mw.p, mw.exact, cases[i].u, cases[i].p);
	}
}

/*
 * 11 against 11 is the largest even split counted (705432 ways); 12 against
 * 12 (2704156) takes the normal approximation, as dmab_mann_whitney does.
 */
static void test_permutation_bound(void **state)
{
	uint64_t x[12], y[12];
	struct dmab_mann_whitney perm, normal;

	(void)state;
	lcg_fill(x, 12, 3, 1000, 100);
	lcg_fill(y, 12, 4, 1030, 100);
	assert_int_equal(dmab_mann_whitney_permutation(x, 11, y, 11, &perm), 0);
	assert_int_equal(perm.exact, 1);
	assert_true(fabs(perm.p_min - 2.0 / 705432) < 1e-18);
	assert_int_equal(dmab_mann_whitney_permutation(x, 12, y, 12, &perm), 0);
	assert_int_equal(dmab_mann_whitney(x, 12, y, 12, &normal), 0);
	assert_int_equal(perm.exact, 0);
	assert_true(perm.p == normal.p && perm.z == normal.z && perm.z != 0);
	assert_true(fabs(perm.p_min - 2.0 / 2704156) < 1e-18);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_scipy),
		cmocka_unit_test(test_large_shift_against_scipy),
		cmocka_unit_test(test_symmetric),
		cmocka_unit_test(test_empty_sample_is_an_error),
		cmocka_unit_test(test_permutation_with_ties),
		cmocka_unit_test(test_permutation_is_scipy_exact_without_ties),
		cmocka_unit_test(test_permutation_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
