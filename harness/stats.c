// SPDX-License-Identifier: GPL-2.0
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int dmab_samples_push(struct dmab_samples *s, uint64_t ns)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		uint64_t *p = realloc(s->ns, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		s->ns = p;
		s->cap = cap;
	}
	s->ns[s->n++] = ns;
	return 0;
}

void dmab_samples_free(struct dmab_samples *s)
{
	free(s->ns);
	memset(s, 0, sizeof(*s));
}

int dmab_samples_decimate(const struct dmab_samples *s, size_t cap, struct dmab_samples *out)
{
	size_t kept = s->n < cap ? s->n : cap, i;
	int ret;

	for (i = 0; i < kept; i++) {
		size_t at = (size_t)((uint64_t)i * s->n / kept);	/* i < cap: no overflow */

		ret = dmab_samples_push(out, s->ns[at]);
		if (ret)
			return ret;
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

uint64_t dmab_quantile_sorted(const uint64_t *sorted, size_t n, double q)
{
	size_t rank;

	if (!n)
		return 0;
	rank = (size_t)ceil(q * (double)n);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

static uint64_t *sorted_copy(const struct dmab_samples *s)
{
	uint64_t *v = malloc((s->n ? s->n : 1) * sizeof(*v));

	if (!v)
		return NULL;
	memcpy(v, s->ns, s->n * sizeof(*v));
	qsort(v, s->n, sizeof(*v), cmp_u64);
	return v;
}

int dmab_summarize(const struct dmab_samples *s, struct dmab_summary *out)
{
	uint64_t *v;
	double sum = 0, sq = 0;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!s->n)
		return 0;
	v = sorted_copy(s);
	if (!v)
		return -ENOMEM;
	out->n = s->n;
	out->min_ns = v[0];
	out->max_ns = v[s->n - 1];
	out->p50_ns = dmab_quantile_sorted(v, s->n, 0.50);
	out->p90_ns = dmab_quantile_sorted(v, s->n, 0.90);
	out->p99_ns = dmab_quantile_sorted(v, s->n, 0.99);
	out->p999_ns = dmab_quantile_sorted(v, s->n, 0.999);
	for (i = 0; i < s->n; i++)
		sum += (double)v[i];
	out->mean_ns = sum / (double)s->n;
	for (i = 0; i < s->n; i++) {
		double d = (double)v[i] - out->mean_ns;

		sq += d * d;
	}
	out->stddev_ns = s->n > 1 ? sqrt(sq / (double)(s->n - 1)) : 0;
	free(v);
	return 0;
}

double dmab_median_ci_rel(const struct dmab_samples *s)
{
	uint64_t *v, med;
	double half = 0.98 * sqrt((double)s->n), rel;
	size_t lo, hi;

	if (s->n < 8)
		return -1;
	v = sorted_copy(s);
	if (!v)
		return -1;
	lo = (size_t)floor((double)s->n / 2 - half);
	hi = (size_t)ceil((double)s->n / 2 + half);
	if (hi >= s->n)
		hi = s->n - 1;
	med = dmab_quantile_sorted(v, s->n, 0.5);
	rel = med ? (double)(v[hi] - v[lo]) / 2.0 / (double)med : 0;
	free(v);
	return rel;
}
