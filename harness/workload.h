/* SPDX-License-Identifier: GPL-2.0 */
/* A workload: what one frame is. One file each: harness/workload-<name>.c. */
#ifndef DMAB_WORKLOAD_H
#define DMAB_WORKLOAD_H

#include "run.h"

struct dmab_workload {
	const char *name;
	const char *description;
	/* the -p pattern applies; otherwise fixed_pattern (may be NULL) is used */
	int uses_pattern;
	const char *fixed_pattern;
	int uses_device;
	unsigned int phases;		/* DMAB_PHASE_BIT()s it measures */
	/*
	 * The phases whose sum per frame is cpu_cost: what the strategy costs
	 * the consumer's CPU (never the device's or an emulation's time).
	 */
	unsigned int cost_phases;
	const uint64_t *default_sizes;	/* NULL: the run's defaults */
	/*
	 * Runs frame cell->seq and stores each phase's duration in @ns
	 * (phases it does not measure stay UINT64_MAX); checks the frame
	 * afterwards, untimed.
	 */
	int (*frame)(struct dmab_cell *cell, uint64_t *ns);
};

#define DMAB_WORKLOAD_LIST(X) X(capture) X(playback) X(sync_cost) X(cpu_access)

#define DMAB_WORKLOAD_DECLARE(sym) extern const struct dmab_workload dmab_workload_##sym;
DMAB_WORKLOAD_LIST(DMAB_WORKLOAD_DECLARE)
#undef DMAB_WORKLOAD_DECLARE

extern const struct dmab_workload *const dmab_workloads[];
extern const size_t dmab_workload_count;

const struct dmab_workload *dmab_workload_find(const char *name);

/*
 * The headline phase of @w: cpu_cost, or frame for a workload without cost
 * phases. What repetitions stop on and what the noise floor compares.
 */
enum dmab_phase dmab_workload_headline(const struct dmab_workload *w);

/* Checks what the CPU saw of the frame in buffer @index after cell->pattern ran. */
void dmab_workload_check_cpu_view(struct dmab_cell *cell, unsigned int index);

#endif /* DMAB_WORKLOAD_H */
