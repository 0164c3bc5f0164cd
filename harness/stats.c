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

struct ranked {
	uint64_t v;
	int from_x;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	return (x->v > y->v) - (x->v < y->v);
}

/*
 * P(U >= u) for samples of m and n values without ties: the counts of U
 * are the coefficients of the Gaussian binomial [m + n choose m] in q,
 * built as the product over i = 1..m of (1 - q^(n+i)) / (1 - q^i); after
 * each step every coefficient is a count again. O(m * m n) time.
 */
static int exact_sf(size_t m, size_t n, double u, double *sf)
{
	size_t len = m * n + 1, i, k, from = (size_t)ceil(u);
	double *c = calloc(len, sizeof(*c)), total = 0, tail = 0;

	if (!c)
		return -ENOMEM;
	c[0] = 1;
	for (i = 1; i <= m; i++) {
		size_t a = n + i;

		for (k = len - 1; k >= a && a < len; k--)	/* times (1 - q^a) */
			c[k] -= c[k - a];
		for (k = i; k < len; k++)			/* over (1 - q^i) */
			c[k] += c[k - i];
	}
	for (k = 0; k < len; k++) {
		total += c[k];
		if (k >= from)
			tail += c[k];
	}
	*sf = tail / total;
	free(c);
	return 0;
}

int dmab_mann_whitney(const uint64_t *x, size_t nx, const uint64_t *y, size_t ny,
		      struct dmab_mann_whitney *out)
{
	size_t n = nx + ny, i, j;
	struct ranked *all;
	double rank_x = 0, ties = 0, mu, sigma, big;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!nx || !ny)
		return -EINVAL;
	all = malloc(n * sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (i = 0; i < nx; i++)
		all[i] = (struct ranked){ x[i], 1 };
	for (i = 0; i < ny; i++)
		all[nx + i] = (struct ranked){ y[i], 0 };
	qsort(all, n, sizeof(*all), cmp_ranked);
	for (i = 0; i < n; i = j) {
		double t, midrank;

		for (j = i + 1; j < n && all[j].v == all[i].v; j++)
			;
		t = (double)(j - i);
		midrank = (double)(i + 1 + j) / 2;	/* ranks i+1 .. j */
		ties += t * t * t - t;
		for (size_t k = i; k < j; k++)
			if (all[k].from_x)
				rank_x += midrank;
	}
	free(all);
	out->u = rank_x - (double)nx * (double)(nx + 1) / 2;
	mu = (double)nx * (double)ny / 2;
	big = out->u > mu ? out->u : 2 * mu - out->u;
	if (!ties && (nx <= 8 || ny <= 8)) {
		double sf;

		ret = exact_sf(nx < ny ? nx : ny, nx < ny ? ny : nx, big, &sf);
		if (ret)
			return ret;
		out->exact = 1;
		out->p = 2 * sf;
	} else {
		sigma = sqrt((double)nx * (double)ny / 12 *
			     ((double)(n + 1) - ties / ((double)n * (double)(n - 1))));
		if (sigma > 0) {
			out->z = (big - mu - 0.5) / sigma;
			out->p = erfc(out->z / sqrt(2.0));	/* 2 P(Z > z) */
		} else {
			out->p = 1;
		}
	}
	if (out->p > 1)
		out->p = 1;
	return 0;
}
