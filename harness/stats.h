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

/* Value of the q-quantile (0 < q <= 1) of a sorted array, nearest rank. */
uint64_t dmab_quantile_sorted(const uint64_t *sorted, size_t n, double q);

#endif /* DMAB_STATS_H */
