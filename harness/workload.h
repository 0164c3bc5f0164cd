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
	 * 1: each frame gets its own buffer from the strategy and gives it
	 * back (alloc). No ring is set up before the clock (the cell has one
	 * empty slot, bufs[0], that the frame fills and empties); a frame that
	 * cannot get a buffer is counted in cell->failures by errno and the
	 * configuration goes on; default sizes over half the memory available
	 * are skipped, saying so.
	 */
	int own_buffers;
	/* NULL: the oracle checks what the CPU pattern saw; else how the workload checks itself */
	const char *checked_by;
	/* NULL, or why the workload cannot run on strategy @s (the configuration is skipped) */
	const char *(*refuses)(const struct dmab_strategy *s);
	/*
	 * NULL, or what is done, untimed, after each repetition's set-up and
	 * before its warm-up (alloc-fragmented: the pool filled with half-size
	 * buffers and every other one given back). What it holds it keeps in
	 * cell->bufs[cell->ring ..] (cell->held of them; cell_teardown gives
	 * them back); what it did in cell->fragmented. A configuration with it
	 * runs in a set of its own: no other configuration's buffers share the
	 * pool with it, nor its held buffers theirs.
	 */
	int (*prepare)(struct dmab_cell *cell);
	/* NULL, or what the workload does not measure yet and why (list, results) */
	const char *not_measured;
	/*
	 * Runs frame cell->seq and stores each phase's duration in @ns
	 * (phases it does not measure stay UINT64_MAX); checks the frame
	 * afterwards, untimed.
	 */
	int (*frame)(struct dmab_cell *cell, uint64_t *ns);
};

#define DMAB_WORKLOAD_LIST(X) X(capture) X(playback) X(sync_cost) X(cpu_access) X(alloc) \
	X(alloc_atomic) X(alloc_fragmented)

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
