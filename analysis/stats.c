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
	uint64_t rank2;	/* twice the midrank: an integer */
	int from_x;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	return (x->v > y->v) - (x->v < y->v);
}

/*
 * The pooled values in ascending order with twice their midranks; @rank_x:
 * x's rank sum, @ties: the sum of t^3 - t over the groups of t equal values.
 */
static struct ranked *rank_pooled(const uint64_t *x, size_t nx, const uint64_t *y, size_t ny,
				  double *rank_x, double *ties)
{
	size_t n = nx + ny, i, j, k;
	struct ranked *all = malloc(n * sizeof(*all));

	if (!all)
		return NULL;
	for (i = 0; i < nx; i++)
		all[i] = (struct ranked){ x[i], 0, 1 };
	for (i = 0; i < ny; i++)
		all[nx + i] = (struct ranked){ y[i], 0, 0 };
	qsort(all, n, sizeof(*all), cmp_ranked);
	*rank_x = 0;
	*ties = 0;
	for (i = 0; i < n; i = j) {
		double t;

		for (j = i + 1; j < n && all[j].v == all[i].v; j++)
			;
		t = (double)(j - i);
		*ties += t * t * t - t;
		for (k = i; k < j; k++) {
			all[k].rank2 = i + 1 + j;	/* ranks i+1 .. j: twice their mean */
			if (all[k].from_x)
				*rank_x += (double)all[k].rank2 / 2;
		}
	}
	return all;
}

/* C(n, k) as a double (+inf beyond its range). */
static double choose(size_t n, size_t k)
{
	double c = 1;
	size_t i;

	if (k > n - k)
		k = n - k;
	for (i = 1; i <= k; i++)
		c = c * (double)(n - k + i) / (double)i;
	return c;
}

static double p_min_of(size_t nx, size_t ny)
{
	double p = 2 / choose(nx + ny, nx);

	return p > 1 ? 1 : p;
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

/* The normal approximation with the tie and continuity corrections. */
static void normal_p(size_t nx, size_t ny, double ties, struct dmab_mann_whitney *out)
{
	double n = (double)(nx + ny), mu = (double)nx * (double)ny / 2;
	double big = out->u > mu ? out->u : 2 * mu - out->u;
	double sigma = sqrt((double)nx * (double)ny / 12 * ((n + 1) - ties / (n * (n - 1))));

	out->exact = 0;
	if (sigma > 0) {
		out->z = (big - mu - 0.5) / sigma;
		out->p = erfc(out->z / sqrt(2.0));	/* 2 P(Z > z) */
	} else {
		out->p = 1;
	}
}

int dmab_mann_whitney(const uint64_t *x, size_t nx, const uint64_t *y, size_t ny,
		      struct dmab_mann_whitney *out)
{
	struct ranked *all;
	double rank_x, ties, mu, big;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!nx || !ny)
		return -EINVAL;
	all = rank_pooled(x, nx, y, ny, &rank_x, &ties);
	if (!all)
		return -ENOMEM;
	free(all);
	out->u = rank_x - (double)nx * (double)(nx + 1) / 2;
	out->p_min = p_min_of(nx, ny);
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
		normal_p(nx, ny, ties, out);
	}
	if (out->p > 1)
		out->p = 1;
	return 0;
}

/*
 * Every way to draw the smaller sample's m values from the n pooled ones
 * (lexicographic combinations of positions), counting the rank sums at or
 * below and at or above the observed one. In twice-ranks, so exact.
 */
static void count_splits(const struct ranked *all, size_t n, size_t m, int small_is_x,
			 double *p)
{
	size_t idx[64], i, j;
	uint64_t observed = 0, sum = 0;
	double le = 0, ge = 0, total = 0;

	for (i = 0; i < n; i++)
		if (!all[i].from_x == !small_is_x)
			observed += all[i].rank2;
	for (i = 0; i < m; i++) {
		idx[i] = i;
		sum += all[i].rank2;
	}
	for (;;) {
		total++;
		le += sum <= observed;
		ge += sum >= observed;
		for (i = m; i-- > 0 && idx[i] == n - m + i;)
			;
		if (i == (size_t)-1)
			break;
		for (j = i; j < m; j++)
			sum -= all[idx[j]].rank2;
		idx[i]++;
		sum += all[idx[i]].rank2;
		for (j = i + 1; j < m; j++) {
			idx[j] = idx[j - 1] + 1;
			sum += all[idx[j]].rank2;
		}
	}
	*p = 2 * (le < ge ? le : ge) / total;
}

int dmab_mann_whitney_permutation(const uint64_t *x, size_t nx, const uint64_t *y, size_t ny,
				  struct dmab_mann_whitney *out)
{
	size_t m = nx < ny ? nx : ny;
	struct ranked *all;
	double rank_x, ties;

	memset(out, 0, sizeof(*out));
	if (!nx || !ny)
		return -EINVAL;
	all = rank_pooled(x, nx, y, ny, &rank_x, &ties);
	if (!all)
		return -ENOMEM;
	out->u = rank_x - (double)nx * (double)(nx + 1) / 2;
	out->p_min = p_min_of(nx, ny);
	/* C(n, m) <= 10^6 keeps m <= 11 where m <= n / 2: idx[] is ample */
	if (choose(nx + ny, m) <= DMAB_MW_PERMUTATION_MAX && m <= 64) {
		count_splits(all, nx + ny, m, nx <= ny, &out->p);
		out->exact = 1;
	} else {
		normal_p(nx, ny, ties, out);
	}
	free(all);
	if (out->p > 1)
		out->p = 1;
	return 0;
}

/* --- medians and the bootstrap --- */

double dmab_median_sorted(const uint64_t *sorted, size_t n)
{
	if (!n)
		return 0;
	if (n % 2)
		return (double)sorted[n / 2];
	return ((double)sorted[n / 2 - 1] + (double)sorted[n / 2]) / 2;
}

int dmab_median_u64(const uint64_t *v, size_t n, double *median)
{
	struct dmab_samples s = { (uint64_t *)v, n, n };
	uint64_t *sorted;

	*median = 0;
	if (!n)
		return -EINVAL;
	sorted = sorted_copy(&s);
	if (!sorted)
		return -ENOMEM;
	*median = dmab_median_sorted(sorted, n);
	free(sorted);
	return 0;
}

uint64_t dmab_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Insertion sort: a resample of a few replicates is small. */
static void sort_small(uint64_t *v, size_t n)
{
	size_t i, j;

	if (n > 32) {
		qsort(v, n, sizeof(*v), cmp_u64);
		return;
	}
	for (i = 1; i < n; i++) {
		uint64_t t = v[i];

		for (j = i; j > 0 && v[j - 1] > t; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}

/*
 * The median of a resample of @sorted: n draws of an index (modulo n: the
 * bias, n / 2^64, is far below what a bootstrap can tell).
 */
static double resample_median(const uint64_t *sorted, size_t n, uint64_t *scratch,
			      uint64_t *state)
{
	size_t i;

	for (i = 0; i < n; i++)
		scratch[i] = sorted[dmab_splitmix64(state) % n];
	sort_small(scratch, n);
	return dmab_median_sorted(scratch, n);
}

static double ratio_of(double y, double x)
{
	if (x > 0)
		return y / x;
	return y > 0 ? INFINITY : 1;
}

/* The nearest-rank q point of @n sorted ratios (q n nudged down against rounding). */
static double ratio_quantile(const double *sorted, size_t n, double q)
{
	double r = ceil(q * (double)n - 1e-9);
	size_t rank = r < 1 ? 1 : (size_t)r;

	return sorted[(rank > n ? n : rank) - 1];
}

int dmab_bootstrap_ratio_ci(const uint64_t *x, size_t nx, const uint64_t *y, size_t ny,
			    unsigned int resamples, double level, uint64_t seed,
			    struct dmab_ratio_ci *out)
{
	struct dmab_samples sx = { (uint64_t *)x, nx, nx }, sy = { (uint64_t *)y, ny, ny };
	uint64_t *xs = NULL, *ys = NULL, *scratch = NULL;
	double *ratios = NULL, mx;
	unsigned int b;
	int ret = -ENOMEM;

	memset(out, 0, sizeof(*out));
	if (!nx || !ny || !resamples || !(level > 0 && level < 1))
		return -EINVAL;
	xs = sorted_copy(&sx);
	ys = sorted_copy(&sy);
	scratch = malloc((nx > ny ? nx : ny) * sizeof(*scratch));
	ratios = malloc(resamples * sizeof(*ratios));
	if (!xs || !ys || !scratch || !ratios)
		goto out_free;
	mx = dmab_median_sorted(xs, nx);
	if (!(mx > 0)) {
		ret = -EDOM;
		goto out_free;
	}
	out->ratio = dmab_median_sorted(ys, ny) / mx;
	for (b = 0; b < resamples; b++) {
		double rx = resample_median(xs, nx, scratch, &seed);
		double ry = resample_median(ys, ny, scratch, &seed);

		ratios[b] = ratio_of(ry, rx);
	}
	qsort(ratios, resamples, sizeof(*ratios), cmp_double);
	out->lo = ratio_quantile(ratios, resamples, (1 - level) / 2);
	out->hi = ratio_quantile(ratios, resamples, (1 + level) / 2);
	ret = 0;
out_free:
	free(ratios);
	free(scratch);
	free(ys);
	free(xs);
	return ret;
}
