// SPDX-License-Identifier: GPL-2.0
#include "timer.h"

#include <errno.h>
#include <stdlib.h>

struct dmab_timer dmab_timer = {
	.source = "clock_monotonic_raw",
	.freq_hz = 1000000000ull,
	.mult = 1ull << 32,
};

void dmab_timer_set_freq(uint64_t freq_hz)
{
	dmab_timer.freq_hz = freq_hz;
	dmab_timer.mult = (uint64_t)((1000000000ull << 32) / freq_hz);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

#if defined(__x86_64__) || defined(__i386__)
static uint64_t monotonic_raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * A CLOCK_MONOTONIC_RAW read between two TSC reads, matched to their
 * midpoint: off by at most half the bracket. The narrowest of a few tries,
 * since an interrupt between the reads widens it.
 */
static void clock_at_tsc(uint64_t *clock_ns, uint64_t *tsc)
{
	uint64_t before, after, clock, narrowest = UINT64_MAX;
	int i;

	for (i = 0; i < 5; i++) {
		before = dmab_ticks();
		clock = monotonic_raw_ns();
		after = dmab_ticks();
		if (after - before < narrowest) {
			narrowest = after - before;
			*clock_ns = clock;
			*tsc = before + (after - before) / 2;
		}
	}
}

/*
 * The TSC rate is not published to user space: measure it against
 * CLOCK_MONOTONIC_RAW over 20 ms, bracketing each clock read with TSC reads
 * so each end is off by at most half a clock_gettime (20 ns here), about
 * 1e-6 of the interval.
 */
static uint64_t tsc_calibrate(void)
{
	uint64_t t0, t1, c0, c1;
	struct timespec pause = { .tv_nsec = 20 * 1000 * 1000 };

	clock_at_tsc(&c0, &t0);
	nanosleep(&pause, NULL);
	clock_at_tsc(&c1, &t1);
	if (c1 <= c0 || t1 <= t0)
		return 0;
	return (uint64_t)((double)(t1 - t0) * 1e9 / (double)(c1 - c0));
}
#endif

int dmab_timer_init(void)
{
	uint64_t d[257];
	unsigned int i;

#if defined(__x86_64__) || defined(__i386__)
	uint64_t f = tsc_calibrate();

	if (!f)
		return -EIO;
	dmab_timer.source = "tsc";
	dmab_timer.calibrated = 1;
	dmab_timer_set_freq(f);
#elif defined(__aarch64__)
	uint64_t f;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
	if (!f)
		return -EIO;
	dmab_timer.source = "cntvct_el0";
	dmab_timer.calibrated = 0;
	dmab_timer_set_freq(f);
#else
	dmab_timer_set_freq(1000000000ull);
#endif
	for (i = 0; i < 257; i++) {
		uint64_t a = dmab_ticks();
		uint64_t b = dmab_ticks();

		d[i] = b - a;
	}
	qsort(d, 257, sizeof(d[0]), cmp_u64);
	dmab_timer.overhead_ns = (double)d[128] * 1e9 / (double)dmab_timer.freq_hz;
	return 0;
}
