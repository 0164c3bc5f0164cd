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
 * samples: are they from one distribution? Midranks for ties. The p-value
 * is exact (the distribution of U by counting) when neither sample has a
 * tie and one has 8 values or fewer, else from the normal approximation
 * with the tie correction and a continuity correction of 0.5: the choices
 * of scipy.stats.mannwhitneyu (method="auto"), which the tests check
 * against.
 */
struct dmab_mann_whitney {
	double u;	/* U of x: pairs with x_i > y_j, plus half the pairs tied */
	double z;	/* the normal approximation's z of max(U, nx ny - U); 0 when exact */
	double p;	/* two-sided; 1 when every value is the same */
	int exact;
};

int dmab_mann_whitney(const uint64_t *x, size_t nx, const uint64_t *y, size_t ny,
		      struct dmab_mann_whitney *out);

/* Value of the q-quantile (0 < q <= 1) of a sorted array, nearest rank. */
uint64_t dmab_quantile_sorted(const uint64_t *sorted, size_t n, double q);

#endif /* DMAB_STATS_H */
