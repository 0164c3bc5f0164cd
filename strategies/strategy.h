/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A DMA buffer strategy as one backend offers it: an ops table, one file per
 * strategy (strategies/<name>.c), registered through strategies/list.h.
 */
#ifndef DMAB_STRATEGY_H
#define DMAB_STRATEGY_H

#include <stddef.h>
#include <stdint.h>

#include "../harness/dmabench.h"

/*
 * The device that writes and reads frames for a backend: the module's device,
 * or, in the user backend, a thread on another CPU playing a bus master.
 */
struct dmab_device {
	const char *name;
	int emulated;		/* 1: not a real DMA engine; the JSON says so */
	/* brings the device up; @line is the oracle's line size */
	int (*open)(size_t line);
	void (*close)(void);
	/*
	 * Writes frame @seq into @buf[offset, offset + length); @busy_ns: the
	 * time the device itself spent, without the handover to and from it.
	 */
	int (*write)(struct dmab_buffer *buf, size_t offset, size_t length, uint64_t seq,
		     uint64_t *busy_ns);
	/* reads @buf[offset, offset + length) and checks it holds frame @seq */
	int (*read)(struct dmab_buffer *buf, size_t offset, size_t length, uint64_t seq,
		    struct dmab_integrity *seen, uint64_t *busy_ns);
	/* one sentence on how the device works here, for the JSON */
	const char *(*describe)(void);
	/*
	 * NULL where the device cannot do it; else the harness self-test
	 * --inject stale=LINES, called before open: each frame it writes from
	 * then on lacks its last @lines lines of the oracle's (every line of a
	 * smaller frame), which keep what the buffer held. 0: whole frames.
	 */
	int (*inject_stale)(size_t lines);
};

/* Which way the data goes, as in the DMA API. */
enum dmab_dir {
	DMAB_TO_DEVICE,		/* the CPU wrote, the device reads (playback) */
	DMAB_FROM_DEVICE,	/* the device writes, the CPU reads (capture) */
};

struct dmab_strategy {
	const char *name;	/* as on the command line: "cached-sync" */
	const char *backend;	/* "user", "kmod", ... */
	const char *mapping;	/* the memory type asked for */
	const char *handover;	/* what happens between CPU and device */
	/*
	 * Set when this backend can never offer the strategy; the ops below
	 * are then all NULL. Like stress-ng's unimplemented_reason.
	 */
	const char *unavailable;
	/* the backend's own number for the strategy (kmod: DMAB_STRAT_*), or 0 */
	unsigned int id;
	/* NULL, or a check on this machine: 0, or -errno and *reason */
	int (*probe)(const struct dmab_strategy *s, const char **reason);
	int (*setup)(const struct dmab_strategy *s, struct dmab_buffer *buf, size_t size);
	int (*sync_for_device)(struct dmab_buffer *buf, size_t offset, size_t length,
			       enum dmab_dir dir);
	int (*sync_for_cpu)(struct dmab_buffer *buf, size_t offset, size_t length,
			    enum dmab_dir dir);
	void (*teardown)(struct dmab_buffer *buf);
	/*
	 * NULL, or setup's two steps apart, for the alloc workloads to time
	 * each: get the buffer (@flags: 0, or DMAB_SETUP_IRQS_OFF where
	 * irqs_off_alloc is set; *kernel_ns: the allocator's own time as the
	 * kernel measured it, UINT64_MAX where none did), then map it for the
	 * CPU. teardown gives back what either left.
	 */
	int (*alloc)(const struct dmab_strategy *s, struct dmab_buffer *buf, size_t size,
		     unsigned int flags, uint64_t *kernel_ns);
	int (*map)(struct dmab_buffer *buf);
	/*
	 * NULL, or teardown's first step apart: the CPU's mapping given back
	 * (buf->cpu NULL after); teardown then frees what is left.
	 */
	int (*unmap)(struct dmab_buffer *buf);
	/* 1: alloc takes DMAB_SETUP_IRQS_OFF */
	int irqs_off_alloc;
	/*
	 * NULL, or the buffer's streaming DMA mapping given up (the CPU owns
	 * it) and made again (the device owns it), each with its maintenance:
	 * what a driver that maps per frame pays where one that keeps its
	 * mapping syncs. -EOPNOTSUPP: this buffer has no streaming mapping.
	 */
	int (*dma_unmap)(struct dmab_buffer *buf);
	int (*dma_map)(struct dmab_buffer *buf);
	/*
	 * NULL, or the most all of this backend's buffers may hold together
	 * (the module's max_total_mb); buffers take whole pages of it.
	 */
	uint64_t (*pool_bytes)(void);
	/*
	 * NULL, or flock(2) on a file every process using that bound shares
	 * (@how: LOCK_SH, LOCK_EX, LOCK_UN, | LOCK_NB): how concurrent runs
	 * take turns at the bound (run.c, start_set). 0 or -errno.
	 */
	int (*pool_lock)(int how);
	/* NULL, or what all processes' buffers hold of that bound now */
	uint64_t (*pool_used)(void);
	const struct dmab_device *device;
	/* NULL where the mapping cannot be read back; then *how says why */
	int (*query_mapping)(struct dmab_buffer *buf, const char **effective,
			     const char **how);
};

/*
 * alloc's @flags: allocate as a driver must with interrupts off (an
 * interrupt handler, a spinlock held): nothing may sleep.
 */
#define DMAB_SETUP_IRQS_OFF 1u

#define DMAB_STRATEGY(backend, sym) extern const struct dmab_strategy dmab_##backend##_##sym;
#include "list.h"
#undef DMAB_STRATEGY

extern const struct dmab_strategy *const dmab_strategies[];
extern const size_t dmab_strategy_count;

/*
 * Checks every table: names, a backend, either a reason or every op, no two
 * tables for one (backend, name). Returns 0, or -EINVAL with *why naming the
 * first fault.
 */
int dmab_strategies_validate(const struct dmab_strategy *const *tables, size_t n,
			     const char **why);

/* 0 when @s can run here; otherwise a negative errno and *reason. */
int dmab_strategy_available(const struct dmab_strategy *s, const char **reason);

/* @size rounded up to whole pages: what a backend's buffer of @size takes. */
size_t dmab_page_round(size_t size);

/* 1 when any table carries the strategy @name. */
int dmab_strategy_known(const char *name);
/* 1 when any table is of the backend @name. */
int dmab_backend_known(const char *name);

/*
 * The negative control, in every backend: cacheable memory, no maintenance.
 * Stale data there is its point, not a failure.
 */
#define DMAB_NEGATIVE_CONTROL "cached-nosync"

#endif /* DMAB_STRATEGY_H */
