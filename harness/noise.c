// SPDX-License-Identifier: GPL-2.0
#include "noise.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../analysis/stats.h"
#include "workload.h"

/* The headline's median of each repetition of @c into @out; returns how many. */
static size_t rep_medians(const struct dmab_cell *c, uint64_t *out)
{
	unsigned int p = dmab_workload_headline(c->workload);
	size_t i, n = 0;

	for (i = 0; i < c->n_reps; i++)
		if (c->reps[i].p50_ns[p] != UINT64_MAX)
			out[n++] = c->reps[i].p50_ns[p];
	return n;
}

static int measure(const struct dmab_run *run, size_t a, size_t b, struct dmab_noise_group *g)
{
	const struct dmab_cell *ca = &run->cells[a], *cb = &run->cells[b];
	uint64_t *x = calloc(ca->n_reps + 1, sizeof(*x)), *y = calloc(cb->n_reps + 1, sizeof(*y));
	struct dmab_ratio_ci ci;
	int ret = -ENODATA;

	if (!x || !y) {
		ret = -ENOMEM;
		goto out;
	}
	g->a = a;
	g->b = b;
	g->n_a = rep_medians(ca, x);
	g->n_b = rep_medians(cb, y);
	if (g->n_a < 2 || g->n_b < 2 || ca->skipped[0] || cb->skipped[0])
		goto out;
	ret = dmab_bootstrap_ratio_ci(x, g->n_a, y, g->n_b, DMAB_BOOTSTRAP_RESAMPLES, 0.95,
				      DMAB_BOOTSTRAP_SEED, &ci);
	if (ret)
		goto out;
	g->ratio = ci.ratio;
	g->ci_low = ci.lo;
	g->ci_high = ci.hi;
	g->floor_pct = 100 * fmax(fabs(ci.lo - 1), fabs(ci.hi - 1));
out:
	free(x);
	free(y);
	return ret;
}

int dmab_noise_floor(const struct dmab_run *run, struct dmab_noise_floor *out)
{
	size_t i, pairs = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	out->group = calloc(run->n_cells + 1, sizeof(*out->group));
	if (!out->group)
		return -ENOMEM;
	for (i = 1; i < run->n_cells; i++) {
		if (!run->cells[i].aa_twin)
			continue;
		pairs++;
		ret = measure(run, i - 1, i, &out->group[out->n]);
		if (ret == -ENOMEM) {
			dmab_noise_floor_free(out);
			return ret;
		}
		if (ret)
			continue;
		if (out->group[out->n].floor_pct > out->worst_pct)
			out->worst_pct = out->group[out->n].floor_pct;
		out->n++;
	}
	if (out->n)
		return 0;
	if (run->repeat < 2)
		snprintf(out->why, sizeof(out->why), "it needs 2 repetitions or more (-R); this run "
			 "had %u", run->repeat);
	else if (!pairs)
		snprintf(out->why, sizeof(out->why), "no configuration could run here");
	else
		snprintf(out->why, sizeof(out->why), "no A/A pair finished 2 repetitions (the run "
			 "was interrupted, or the pair failed)");
	dmab_noise_floor_free(out);
	return -ENODATA;
}

void dmab_noise_floor_free(struct dmab_noise_floor *nf)
{
	free(nf->group);
	nf->group = NULL;
	nf->n = 0;
}
