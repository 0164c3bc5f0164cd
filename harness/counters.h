/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counters: event names through libpfm4, opened with perf_event_open for the
 * thread that runs the frames, read at the phase boundaries (rdpmc through
 * the perf mmap page where the kernel allows it, read() otherwise), and
 * summed per phase. A missing PMU is a status, never a failure.
 */
#ifndef DMAB_COUNTERS_H
#define DMAB_COUNTERS_H

#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dmabench.h"

#define DMAB_MAX_EVENTS 32
#define DMAB_EVENT_NAME_MAX 128

/*
 * dmab_counters_open() flags. By default software events (and tracepoints:
 * events with no counter register, which only read() can read) are counted
 * over a configuration's frames as a whole, not per phase: one read() costs
 * more than 0.4 us, and five a frame cost most of a small frame's CPU work.
 */
#define DMAB_COUNT_SOFTWARE_PER_PHASE 1u	/* read them at every phase boundary too */

/* The events counted when -e is not given (-e default names them too). */
#define DMAB_DEFAULT_EVENTS \
	"cycles,instructions,cache-references,cache-misses,L1-dcache-load-misses," \
	"LLC-load-misses,task-clock,page-faults,context-switches"

/*
 * DMAB_COUNTER_STATUS(symbol, "json name"). NO_COUNT: a CPU PMU event that
 * opened but counted 0 over the probe loop (see counters.c), so its zeros
 * would not be measurements.
 */
#define DMAB_COUNTER_STATUS_LIST(X)		\
	X(OK, "ok")				\
	X(UNSUPPORTED, "unsupported")		\
	X(DENIED, "denied")			\
	X(INVALID, "invalid")			\
	X(UNKNOWN_EVENT, "unknown_event")	\
	X(NO_COUNT, "no_count")

enum dmab_counter_status {
#define DMAB_COUNTER_STATUS_ENUM(sym, name) DMAB_COUNTER_##sym,
	DMAB_COUNTER_STATUS_LIST(DMAB_COUNTER_STATUS_ENUM)
#undef DMAB_COUNTER_STATUS_ENUM
};

enum dmab_read_method {
	DMAB_READ_NONE,		/* not open */
	DMAB_READ_RDPMC,	/* user space: the perf mmap page and the counter register */
	DMAB_READ_SYSCALL,	/* read() of the event alone */
	DMAB_READ_GROUP,	/* read() of its whole group (PERF_FORMAT_GROUP) */
};

extern const char *const dmab_counter_status_names[];
extern const char *const dmab_read_method_names[];

/* One requested event: what libpfm4 and the kernel made of it. */
struct dmab_event {
	char name[DMAB_EVENT_NAME_MAX];	/* as given to -e */
	char encoding[256];		/* libpfm4's fully qualified name; "" when unknown */
	char pmu[32];			/* libpfm4's PMU name; "" when unknown */
	int core_pmu;			/* libpfm4 calls that PMU a CPU core's */
	struct perf_event_attr attr;	/* as encoded, then as opened */
	enum dmab_counter_status status;
	int err;			/* errno of the failed open (positive); 0 */
	int pfm_err;			/* libpfm4's error when encoding failed; 0 */
	char reason[256];		/* why it is not ok; "" when ok */
	int kernel_counted;		/* ok events: exclude_kernel was 0 */
	char kernel_note[192];		/* why the kernel is not counted; "" when it is */
	/* ok events: how they are read */
	char group[32];			/* "cpu", "software"...: read with these; "" alone */
	char group_note[192];		/* why it is read alone after all; "" */
	enum dmab_read_method method;
	char method_note[192];		/* why not rdpmc; "" when rdpmc */
	int per_phase;			/* read at every phase boundary; 0: over the frames */
	char scope_note[192];		/* why not per phase; "" when per phase */
	double read_cost_ns;		/* median cost of one read by that method */
	uint64_t read_errors;		/* reads that failed during the run */
	uint64_t fallback_reads;	/* rdpmc: reads that needed read() (off the PMU) */
	int fd;
	struct perf_event_mmap_page *page;	/* mapped for rdpmc, or NULL */
	int unit;			/* which read unit reads it */
	int slot;			/* its place in the unit's read, and in snapshots */
};

/* Events read together: one read() of a group, one of an event, or rdpmc each. */
struct dmab_read_unit {
	enum dmab_read_method method;
	int fd;				/* the group leader, or the event */
	int first, count;		/* slots [first, first + count) */
	int grouped;			/* the fd has PERF_FORMAT_GROUP */
	int per_phase;			/* read at phase boundaries; 0: around the frames */
	double cost_ns;			/* median of one read of the whole unit */
};

/* One reading of one event. */
struct dmab_count {
	uint64_t value, enabled, running;
};

struct dmab_counters {
	/* what a reading touches first, together (ev[] is kilobytes) */
	size_t n_units;
	struct dmab_read_unit unit[DMAB_MAX_EVENTS];
	const volatile struct perf_event_mmap_page *slot_page[DMAB_MAX_EVENTS];	/* rdpmc */
	int slot_event[DMAB_MAX_EVENTS];	/* slot -> index in ev */
	size_t n_live;				/* events that opened: the slots */

	struct dmab_event ev[DMAB_MAX_EVENTS];	/* in the order asked */
	size_t n;
	int paranoid;				/* perf_event_paranoid; INT_MIN unknown */
	int user_access;			/* arm64 perf_user_access; -1 absent */
	char group_note[256];			/* a group the kernel refused; "" */
	char init_error[128];			/* libpfm4 did not initialize; "" */
	int syscalls_per_snapshot;		/* read() calls in one reading, at best */
	double phase_read_cost_ns;		/* median of one phase-boundary reading */
	int syscalls_per_phase_read;		/* read() calls in one, at best */
	size_t n_phase_units, n_span_units;	/* read units by scope */
};

/* Phase sums of one event in one configuration. */
struct dmab_phase_sum {
	uint64_t raw;			/* the deltas as read */
	uint64_t enabled, running;	/* their time_enabled and time_running deltas */
};

/* What one configuration counted: kept in its cell. */
struct dmab_cell_counts {
	struct dmab_counters *set;	/* NULL: nothing is counted */
	struct dmab_count *prev, *cur;	/* n_live readings */
	struct dmab_phase_sum *sum;	/* n_live x DMAB_PHASE_COUNT */
	struct dmab_count *span;	/* n_live: the readings before the frames */
	unsigned int phases;		/* DMAB_PHASE_BIT()s that were counted */
	int per_phase;			/* some events are read at the phase boundaries */
	uint64_t frame_ticks;		/* ticks reading them in the frame under way (mark.h) */
	uint64_t span_ticks;		/* ticks reading them around the runs of frames */
	uint64_t frames;		/* frames that were counted */
	int muted;			/* a warm-up: nothing read, nothing counted */
};

/* The syscall, named so the tests can wrap it (-Wl,--wrap=dmab_perf_event_open). */
int dmab_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd,
			 unsigned long flags);

/* The names of the default set (DMAB_DEFAULT_EVENTS), static strings. */
void dmab_counters_defaults(const char **names, size_t *n);

/*
 * Adds a comma-separated -e list to the @n names in @names (at most
 * DMAB_MAX_EVENTS, each once): "default" stands for DMAB_DEFAULT_EVENTS,
 * "none" (alone) for no events. @list is split in place and its words are
 * kept. Returns 0 or -EINVAL/-E2BIG with @err.
 */
int dmab_counters_parse_list(char *list, const char **names, size_t *n, char *err,
			     size_t errlen);

/*
 * Encodes, probes and opens @names (at most DMAB_MAX_EVENTS) for the calling
 * thread; @flags: DMAB_COUNT_*. Never fails: an event that cannot be counted
 * has a status that says why (no_count for a CPU PMU event that opened but
 * counted nothing over the probe loop).
 */
void dmab_counters_open(struct dmab_counters *cs, const char *const *names, size_t n,
			unsigned int flags);
void dmab_counters_close(struct dmab_counters *cs);

/*
 * Probes one event alone, as `list` shows it: encoded, opened, read the way a
 * run would read it (method and cost), counted over a short busy loop into
 * *@count (0 unless ok), closed. Returns 0 or -ENOMEM.
 */
int dmab_counters_probe(struct dmab_event *e, const char *name, uint64_t *count);

/* Calls @fn with every event libpfm4 knows for the PMUs it detected, until @fn returns non-0. */
int dmab_counters_for_each_known(int (*fn)(const char *name, void *arg), void *arg);

/* Reads every slot into @out (n_live entries); returns the reads that failed. */
int dmab_counters_read(struct dmab_counters *cs, struct dmab_count *out);
/* The same for the slots of one scope only (@per_phase: 1 or 0); the others are left. */
int dmab_counters_read_scope(struct dmab_counters *cs, struct dmab_count *out, int per_phase);

/*
 * The count from a perf mmap page: @offset plus the counter register @pmc
 * sign-extended from @width bits (the kernel's documented protocol).
 */
uint64_t dmab_counter_page_value(int64_t offset, uint64_t pmc, unsigned int width);

/*
 * time_enabled/time_running advance since the page was written: @cyc is the
 * timestamp counter now, the rest the page's time_* fields (short: the
 * cap_user_time_short form with time_cycles and time_mask).
 */
uint64_t dmab_counter_page_time_delta(uint64_t cyc, uint64_t time_offset, uint32_t time_mult,
				      uint16_t time_shift, int is_short, uint64_t time_cycles,
				      uint64_t time_mask);

/*
 * @raw counted while running @running of @enabled ns, scaled to the whole
 * time: raw x enabled / running. Returns 0, or -ENODATA when the event never
 * ran (nothing to scale) with *@scaled 0. Not multiplexed (running ==
 * enabled, or no time known): *@scaled = raw.
 */
int dmab_counter_scale(uint64_t raw, uint64_t enabled, uint64_t running, uint64_t *scaled);

/*
 * Per configuration: set up (when @cs has open events), reset, free. A
 * warm-up sets muted: the frames it runs are neither read nor counted.
 */
int dmab_cell_counts_init(struct dmab_cell_counts *cc, struct dmab_counters *cs);
void dmab_cell_counts_reset(struct dmab_cell_counts *cc);
void dmab_cell_counts_free(struct dmab_cell_counts *cc);

/*
 * Around a run of frames: the events read over the frames are read before
 * the first and after the last; their deltas go to the frame, and the
 * @frames that ran are counted.
 */
void dmab_cell_counts_span_begin(struct dmab_cell_counts *cc);
void dmab_cell_counts_span_end(struct dmab_cell_counts *cc, uint64_t frames);

/* The events read per phase: the first reading of a frame. */
void dmab_cell_counts_start(struct dmab_cell_counts *cc);
/* A reading at the end of phase @phase: the deltas go to it (and to the frame). */
void dmab_cell_counts_phase(struct dmab_cell_counts *cc, unsigned int phase, int in_frame);

/*
 * What slot @slot counted in phase @phase (DMAB_PHASE_FRAME only for an
 * event read over the frames) over the counted frames, scaled
 * where it was multiplexed, and the share of the time it was on the PMU (1:
 * never multiplexed). -ENODATA when it was never on the PMU.
 */
int dmab_cell_counts_total(const struct dmab_cell_counts *cc, int slot, unsigned int phase,
			   uint64_t *total, double *running_share);

/*
 * libpfm4's interface version (pfm_get_version(): "4.0", not the release) and
 * the PMUs it detected here, comma-separated without spaces; -EIO when it did
 * not initialize, with the reason in @pmus.
 */
int dmab_counters_library(char *version, size_t vlen, char *pmus, size_t plen);

/* "ENOENT" and the like; NULL for an errno it does not know. */
const char *dmab_errno_name(int err);

#endif /* DMAB_COUNTERS_H */
