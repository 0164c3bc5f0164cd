/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Timestamps: the TSC on x86, the generic timer on arm64, CLOCK_MONOTONIC_RAW
 * elsewhere. Ticks are converted to nanoseconds and never called cycles.
 */
#ifndef DMAB_TIMER_H
#define DMAB_TIMER_H

#include <stdint.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
/*
 * lfence first: a bare rdtsc may read the counter before earlier loads are done.
 * The cheaper ordered read here: 18-28 ns a stamp, rdtscp; lfence 25-47 ns.
 */
static inline uint64_t dmab_ticks(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}
#elif defined(__aarch64__)
/*
 * isb first, as lfence on x86: the Arm ARM lets a counter read "occur
 * speculatively and out of order" with earlier instructions, loads included.
 */
static inline uint64_t dmab_ticks(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}
#else
static inline uint64_t dmab_ticks(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
#endif

struct dmab_timer {
	const char *source;	/* "tsc", "cntvct_el0", "clock_monotonic_raw" */
	uint64_t freq_hz;	/* ticks per second */
	int calibrated;		/* 1: frequency measured against CLOCK_MONOTONIC_RAW */
	uint64_t mult;		/* ns = ticks * mult >> 32 */
	double overhead_ns;	/* median cost of one back-to-back timestamp */
};

extern struct dmab_timer dmab_timer;

/* Finds the tick rate (calibrating where it must) and the timestamp cost. */
int dmab_timer_init(void);
/* Sets the conversion for a known frequency; used by init and the tests. */
void dmab_timer_set_freq(uint64_t freq_hz);

static inline uint64_t dmab_ticks_to_ns(uint64_t ticks)
{
#ifdef __SIZEOF_INT128__
	return (uint64_t)(((unsigned __int128)ticks * dmab_timer.mult) >> 32);
#else
	/* 32-bit targets: the same product, in 64-bit pieces */
	uint64_t hi = ticks >> 32, lo = ticks & 0xffffffffull;
	uint64_t m_hi = dmab_timer.mult >> 32, m_lo = dmab_timer.mult & 0xffffffffull;

	return hi * dmab_timer.mult + lo * m_hi + ((lo * m_lo) >> 32);
#endif
}

#endif /* DMAB_TIMER_H */
