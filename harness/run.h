/* SPDX-License-Identifier: GPL-2.0 */
/* Running a matrix of configurations: strategies x workloads x patterns x sizes. */
#ifndef DMAB_RUN_H
#define DMAB_RUN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "dmabench.h"
#include "failures.h"
#include "inject.h"
#include "patterns.h"
#include "../analysis/stats.h"
#include "../strategies/strategy.h"

struct dmab_workload;

#define DMAB_MAX_LIST 64
#define DMAB_MAX_REPEAT 1000
/*
 * Repetitions by default. 5 against 5 is the fewest with which the exact
 * Mann-Whitney test on repetition medians can reach p < 0.05 with an
 * overlap (3 against 3 never goes below 0.1); 10 is what held on the
 * development VM, whose speed changes in periods of seconds: with 5, one
 * repetition in a slow period set the end of the noise floor's bootstrap
 * interval; with 10 (and compare's interval rule), 19 of 20 A/A pairs of
 * --quick runs passed (tests/bench/targets.sh, docs/method.md).
 */
#define DMAB_DEFAULT_REPEAT 10

/* The options of `dmabench run`, filled from the option table in options.c. */
struct dmab_run_options {
	const char *strategies[DMAB_MAX_LIST];
	size_t n_strategies;
	const char *backends[DMAB_MAX_LIST];	/* -b: only these; none given: every one */
	size_t n_backends;
	const struct dmab_workload *workloads[DMAB_MAX_LIST];
	size_t n_workloads;
	const struct dmab_pattern *patterns[DMAB_MAX_LIST];
	size_t n_patterns;
	uint64_t sizes[DMAB_MAX_LIST];
	size_t n_sizes;
	uint64_t frames;	/* 0: until stable or out of budget; else over all repetitions */
	uint64_t repeat;	/* repetitions per configuration (-R) */
	uint64_t ring;
	double fps;		/* 0: unpaced */
	double budget_s;	/* per configuration */
	const char *events[DMAB_MAX_EVENTS];	/* -e, after "default" was expanded */
	size_t n_events;
	int events_given;	/* -e was given (else the default set is counted) */
	const char *output;
	int quick, json, quiet;
	int software_per_phase;	/* read software events at every phase boundary */
	struct dmab_inject inject;	/* --inject: a self-test of the harness */
};

/* One repetition of a configuration: fresh buffers, its own medians. */
struct dmab_repetition {
	uint64_t n;				/* recorded frames */
	uint64_t p50_ns[DMAB_PHASE_COUNT];	/* nearest-rank medians; UINT64_MAX: none */
	double elapsed_s;
	const char *stop_reason;		/* as the cell's */
};

/*
 * alloc-fragmented: the pool as the repetitions' frames found it
 * (workload-alloc.c). The fill holds buffers of hold_bytes until the
 * strategy refuses one or cap_bytes are held, then gives back every other.
 */
struct dmab_fragmented {
	uint64_t hold_bytes;		/* each held buffer: half the frame's size, at least a page */
	uint64_t cap_bytes;		/* the most the fill holds at once */
	unsigned int reps;		/* repetitions prepared */
	unsigned int held_min, held_max;	/* buffers the fill got, fewest and most */
	unsigned int kept_min, kept_max;	/* of them still held for the frames */
	unsigned int cap_stops;		/* fills that stopped at cap_bytes */
	struct dmab_failures stops;	/* fills the strategy stopped, by errno */
};

/* One configuration of the matrix, and what running it found. */
struct dmab_cell {
	const struct dmab_strategy *strategy;
	const struct dmab_workload *workload;
	const struct dmab_pattern *pattern;	/* NULL: the workload has none */
	uint64_t size;
	unsigned int ring;
	size_t line;				/* the oracle's line */
	uint64_t inject_delay_ns;		/* --inject delay: spun in cpu_process */
	/*
	 * The noise floor's A/A twin: the same configuration as the cell
	 * before it in the matrix, measured independently and interleaved
	 * with it; it goes to noise_floor, not to the results.
	 */
	int aa_twin;

	/* while it runs */
	struct dmab_buffer *bufs;
	uint64_t *buf_seq;			/* the frame each buffer holds */
	uint64_t *buf_mask;			/* what the CPU XORed into it since */
	unsigned char *copy;			/* cached destination for memcpy */
	uint64_t seq;				/* the next frame */
	uint64_t sink;
	int set_up;
	unsigned int held;			/* prepare's buffers, in bufs[ring ..] */
	struct dmab_fragmented fragmented;

	struct dmab_samples samples[DMAB_PHASE_COUNT];
	struct dmab_samples lateness;		/* --fps: start minus schedule */
	struct dmab_samples instrument;		/* per frame: its counter readings */
	struct dmab_samples kept[DMAB_PHASE_COUNT];	/* what the result file keeps */
	uint64_t deadline_misses;
	struct dmab_integrity integrity;
	/* own_buffers workloads: recorded frames that got no buffer, by errno */
	struct dmab_failures failures;
	struct dmab_cell_counts counts;		/* the counters per phase */
	uint64_t warmup_frames;
	uint64_t batch;
	double elapsed_s;
	int done;		/* for good: skipped, failed, or all repetitions ran */

	/* repetitions */
	struct dmab_repetition *reps;		/* those that ran (n_reps) */
	unsigned int n_reps;
	size_t rep_first[DMAB_PHASE_COUNT];	/* where the one under way began in samples */
	uint64_t rep_first_failure;		/* and in failures.total */
	double rep_started_s;			/* elapsed_s when it began */
	const char *rep_stop;			/* why it stopped; NULL: running */

	/* the verdict */
	/*
	 * "frames", "stable", "budget", "max_frames", "interrupted",
	 * "not_started": the last repetition's, or why the run stopped
	 */
	const char *stop_reason;
	char skipped[512];		/* empty, or why it did not run */
	int failed;			/* an operation failed while running */
	const char *mapping_effective, *mapping_how;
	const char *done_for_device, *done_for_cpu;	/* what the backend said its syncs did */
	struct dmab_summary summary[DMAB_PHASE_COUNT];
	struct dmab_summary lateness_summary;
	struct dmab_summary instrument_summary;
};

#define DMAB_MAX_DEVICES 4

struct dmab_run {
	struct dmab_run_options opt;
	struct dmab_cell *cells;
	size_t n_cells;
	size_t line;
	uint64_t started_ns;
	double duration_s;
	double quota_wait_s;		/* waiting for a bound another process held */
	char started_utc[32];
	int interrupted;		/* the signal that stopped the run, or 0 */
	unsigned int repeat;		/* repetitions per configuration, after -n */
	const struct dmab_device *devices[DMAB_MAX_DEVICES];	/* opened for this run */
	size_t n_devices;
	struct dmab_counters counters;	/* opened for the thread that runs the frames */
	/* progress lines for stderr; @final: the last one of a group */
	void (*progress)(const char *line, int final);
	char progress_line[160];
	/*
	 * Called before repetition @r of the cells [@first, @end) starts and
	 * after it ended, buffers released (main.c's journal); NULL: nothing.
	 */
	void (*set_begin)(struct dmab_run *run, size_t first, size_t end, unsigned int r);
	void (*set_end)(struct dmab_run *run, size_t first, size_t end, unsigned int r);
	void *hook_arg;
};

extern volatile sig_atomic_t dmab_interrupted;

/* Builds the cells of the matrix; unavailable ones are marked skipped. */
int dmab_run_plan(struct dmab_run *run);
/*
 * Runs every cell that is not skipped: repetition by repetition over the
 * whole matrix, interleaving the cells of one workload and size within one.
 */
int dmab_run_execute(struct dmab_run *run);
/*
 * 1 when @c ran and the oracle's verdict is neither ok nor not_checked
 * (stale or corrupt lines), unless @c is the negative control
 * (DMAB_NEGATIVE_CONTROL), whose stale lines are the point.
 */
int dmab_cell_integrity_failed(const struct dmab_cell *c);
void dmab_run_free(struct dmab_run *run);

#endif /* DMAB_RUN_H */
