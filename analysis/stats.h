/* SPDX-License-Identifier: GPL-2.0 */
/* Samples per phase and their summary statistics. */
#ifndef DMAB_STATS_H
#define DMAB_STATS_H

#include <stddef.h>
#include <stdint.h>

/* A growing array of durations in nanoseconds. */
struct dmab_samples {
	uint64_t *ns;
	size_t n;
	size_t cap;
};

/* Samples per phase a result file keeps (results/schema.json: samples). */
#define DMAB_SAMPLES_CAP 10000

struct dmab_summary {
	uint64_t n;
	uint64_t min_ns, p50_ns, p90_ns, p99_ns, p999_ns, max_ns;
	double mean_ns, stddev_ns;
};

int dmab_samples_push(struct dmab_samples *s, uint64_t ns);
void dmab_samples_free(struct dmab_samples *s);

/*
 * Percentiles are nearest-rank on the sorted samples: the smallest value
 * with at least q of the samples at or below it. stddev is the sample
 * standard deviation (n - 1). Works on a sorted copy; an empty set gives
 * all zeros.
 */
int dmab_summarize(const struct dmab_samples *s, struct dmab_summary *out);

/*
 * Relative half-width of a distribution-free 95% confidence interval of the
 * median (order statistics n/2 -+ 0.98 sqrt(n)), divided by the median.
 * Returns a negative value when there are too few samples to say.
 */
double dmab_median_ci_rel(const struct dmab_samples *s);

/*
 * The samples a result file keeps: all of them up to @cap, else @cap of them
 * evenly spread in recording order (element floor(i * n / cap) for i < cap),
 * so a slow period stays in proportion. Appends to @out.
 */
int dmab_samples_decimate(const struct dmab_samples *s, size_t cap, struct dmab_samples *out);

/*
 * The two-sided Mann-Whitney U test (Wilcoxon rank-sum) of two independent
 * samples: are they from one distribution? Midranks for ties.
 *
 * dmab_mann_whitney() makes the choices of scipy.stats.mannwhitneyu
 * (method="auto"), which the tests check against: the p-value is exact (the
 * distribution of U by counting) when neither sample has a tie and one has
 * 8 values or fewer, else from the normal approximation with the tie
 * correction and a continuity correction of 0.5. For large samples (the
 * per-frame ones).
 *
 * dmab_mann_whitney_permutation() is for a few replicates (repetition
 * medians): whenever the pooled values split into at most
 * DMAB_MW_PERMUTATION_MAX ways (C(nx + ny, nx)), every split is counted,
 * ties and all (the statistic is the rank sum with midranks), and
 * p = min(1, 2 min(P(U <= u), P(U >= u))), as
 * scipy.stats.permutation_test(..., alternative="two-sided") of U; without
 * ties that is scipy's method="exact". More splits: the normal
 * approximation above.
 */
struct dmab_mann_whitney {
	double u;	/* U of x: pairs with x_i > y_j, plus half the pairs tied */
	double z;	/* the normal approximation's z of max(U, nx ny - U); 0 when exact */
	double p;	/* two-sided; 1 when every value is the same */
	/*
	 * The smallest p any data of these sizes can give: 2 / C(nx + ny, nx),
	 * at most 1 (ties only make it larger). 3 against 3: 0.1, never below
	 * 0.05; 5 against 5: 2/252 = 0.0079.
	 */
	double p_min;
	int exact;
};

#define DMAB_MW_PERMUTATION_MAX 1000000

int dmab_mann_whitney(const uint64_t *x, size_t nx, const uint64_t *y, size_t ny,
		      struct dmab_mann_whitney *out);
int dmab_mann_whitney_permutation(const uint64_t *x, size_t nx, const uint64_t *y, size_t ny,
				  struct dmab_mann_whitney *out);

/*
 * The median of @n ascending values: the middle one for odd n, the mean of
 * the two middle ones for even n (1, 2, 3, 10 gives 2.5). Not the
 * nearest-rank p50 of a summary, which is always one of the values. 0 for
 * no values.
 */
double dmab_median_sorted(const uint64_t *sorted, size_t n);

/* The same of values in any order (a sorted copy): 0, -EINVAL (n is 0) or -ENOMEM. */
int dmab_median_u64(const uint64_t *v, size_t n, double *median);

/*
 * A percentile bootstrap confidence interval of median(y) / median(x):
 * @resamples times, x and y are each resampled with replacement, on their
 * own, and the ratio of the resamples' medians (dmab_median_sorted) taken;
 * the bounds are the nearest-rank (1 - level) / 2 and (1 + level) / 2
 * points of the sorted ratios. The indices come from splitmix64 seeded with
 * @seed, drawn into sorted copies of x and y (x's n values, then y's, per
 * resample), so the same values, in any order, always give the same
 * interval. A resample whose x median is 0 gives +inf (1 when y's is 0 too):
 * a bound may be +inf.
 * Returns 0, -EINVAL (an empty sample, no resamples, level not in (0, 1)),
 * -EDOM (median(x) is 0: there is no ratio) or -ENOMEM.
 */
struct dmab_ratio_ci {
	double ratio;	/* median(y) / median(x) */
	double lo, hi;
};

#define DMAB_BOOTSTRAP_RESAMPLES 10000
#define DMAB_BOOTSTRAP_SEED 0x646d6162656e6368ull	/* "dmabench" */

int dmab_bootstrap_ratio_ci(const uint64_t *x, size_t nx, const uint64_t *y, size_t ny,
			    unsigned int resamples, double level, uint64_t seed,
			    struct dmab_ratio_ci *out);

/* The generator behind the bootstrap (Steele, Lea, Flood 2014): the next value of @state. */
uint64_t dmab_splitmix64(uint64_t *state);

/* Value of the q-quantile (0 < q <= 1) of a sorted array, nearest rank. */
uint64_t dmab_quantile_sorted(const uint64_t *sorted, size_t n, double q);

#endif /* DMAB_STATS_H */
