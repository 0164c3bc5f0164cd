/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The peak reference: this machine's own memory bandwidth (read, write, copy)
 * beyond the caches, with the harness's own kernels, so that a cpu-access
 * result can say which share of it a strategy reaches.
 */
#ifndef DMAB_PEAK_H
#define DMAB_PEAK_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum dmab_peak_op {
	DMAB_PEAK_READ,
	DMAB_PEAK_WRITE,
	DMAB_PEAK_COPY,
	DMAB_PEAK_OPS
};

/* The floor of the size: below it even a small SoC's caches could hold much of a buffer. */
#define DMAB_PEAK_MIN_BYTES	(8u << 20)
/* The size when the caches are small or unknown. */
#define DMAB_PEAK_FLOOR_BYTES	(64u << 20)
/* Timed passes of each kernel, fewer (not under DMAB_PEAK_MIN_PASSES) on a slow machine. */
#define DMAB_PEAK_MAX_PASSES	7
#define DMAB_PEAK_MIN_PASSES	3
/* After DMAB_PEAK_MIN_PASSES rounds, no new round once the timed passes took this long. */
#define DMAB_PEAK_BUDGET_NS	1000000000ull

struct dmab_peak_result {
	const char *op;		/* "read", "write", "copy" */
	char kernel[160];	/* the code that ran: a pattern of patterns.c, and what it does */
	double median_mbps;	/* MB/s = 10^6 bytes/s; copy counts the bytes copied */
	double best_mbps;
};

struct dmab_peak {
	char unavailable[256];	/* why there are no numbers; "" when measured */
	size_t size;		/* the buffer each pass goes over (copy: half into half) */
	char size_reason[256];	/* how that size was chosen */
	unsigned int passes;	/* timed passes of each kernel */
	int warm_up;		/* 1: an untimed round came first */
	double elapsed_ms;	/* the whole measurement, mapping and prefaulting included */
	struct dmab_peak_result result[DMAB_PEAK_OPS];
};

/*
 * The size to measure at: max(4 x @largest_cache, DMAB_PEAK_FLOOR_BYTES),
 * capped at a quarter of @mem_available (0: unknown, no cap). 0 and *size
 * set, with @why saying how; -ENOMEM, @why saying why, when the cap leaves
 * less than 2 x @largest_cache or DMAB_PEAK_MIN_BYTES. @level names the
 * cache (0: none known).
 */
int dmab_peak_size(uint64_t largest_cache, unsigned int level, uint64_t mem_available,
		   size_t *size, char *why, size_t len);
/*
 * Measures at @size (@size_reason recorded as given). The timer
 * (dmab_timer_init) and the patterns (dmab_patterns_init) must be set up.
 * 0, or a negative errno with out->unavailable saying why.
 */
int dmab_peak_measure_size(struct dmab_peak *out, size_t size, const char *size_reason);
/* Measures at the size dmab_peak_size() chooses for this machine. */
int dmab_peak_measure(struct dmab_peak *out);
/*
 * This process's measurement, made at the first call and kept: call it before
 * measurements start. 0.2-0.3 s on the 2-vCPU development VM, most of it the
 * first touch of the buffer's pages; 1-3 s in the TCG guests.
 * Never NULL; ->unavailable says when there are no numbers. Not thread-safe.
 */
const struct dmab_peak *dmab_peak_get(void);
/* The "peak_mbps" object of the environment, or JSON null when unavailable. */
json_t *dmab_peak_json(const struct dmab_peak *peak);

#endif /* DMAB_PEAK_H */
