/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run's own noise floor: per workload and size, one configuration run
 * twice as two independent configurations (an A/A pair, run.c's aa_twin),
 * and how far apart the two came out.
 */
#ifndef DMAB_NOISE_H
#define DMAB_NOISE_H

#include <stddef.h>

#include "run.h"

struct dmab_noise_group {
	size_t a, b;		/* the configuration's cell and its twin's */
	size_t n_a, n_b;	/* their repetitions */
	double ratio;		/* median of b's repetition medians over a's (cpu_cost) */
	double ci_low, ci_high;	/* its 95% percentile bootstrap interval over repetitions */
	double floor_pct;	/* 100 x the interval's end farther from 1 */
};

struct dmab_noise_floor {
	struct dmab_noise_group *group;
	size_t n;
	double worst_pct;	/* the largest floor_pct */
	char why[160];		/* none measured: why */
};

/*
 * Finds the A/A pairs of @run and measures them. Returns 0, -ENODATA when
 * none could be measured (@out->why says why) or -ENOMEM.
 */
int dmab_noise_floor(const struct dmab_run *run, struct dmab_noise_floor *out);
void dmab_noise_floor_free(struct dmab_noise_floor *nf);

#endif /* DMAB_NOISE_H */
