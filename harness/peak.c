// SPDX-License-Identifier: GPL-2.0
/*
 * The peak reference: read, write and copy bandwidth of this machine's memory,
 * at a size well beyond the last-level cache, with the kernels the cpu-access
 * patterns use, so a result can read "uncached reads reach 4% of this board's
 * read bandwidth" and the share says what the strategy costs, not the kernel.
 */
#include "peak.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "env.h"
#include "patterns.h"
#include "timer.h"

#define MIB (1ull << 20)

/* Which pattern of patterns.c measures what, and which buffer it goes over. */
static const struct peak_kernel {
	const char *op;
	const char *pattern;
} peak_kernels[DMAB_PEAK_OPS] = {
	[DMAB_PEAK_READ] = { "read", "read" },
	[DMAB_PEAK_WRITE] = { "write", "write" },
	[DMAB_PEAK_COPY] = { "copy", "memcpy" },
};

#define PEAK_METHOD								\
	"One buffer of size_bytes, anonymous mmap, populated and written before any "	\
	"clock starts. Each pass touches all of it: read and write go over it, copy "	\
	"copies its first half into its second half. One untimed warm-up round (none "	\
	"when mapping the buffer alone took the time budget, as under an emulator; "	\
	"warm_up says), then `passes` rounds of read, write, copy in turn (interleaved, "	\
	"so a slow period of the memory hits all three alike), each pass timed alone "	\
	"with the harness's timer. read, write and copy are the median pass; best holds "	\
	"the fastest. The median, not the best, because the machine may be shared and "	\
	"noisy and the cpu-access results set against it are medians too. "	\
	"MB/s = 10^6 bytes/s; copy counts the bytes copied (size_bytes / 2 a pass, each "	\
	"read once and written once), not read plus written."

/* "64 MiB", or KiB where MiB would round. */
static void format_size(uint64_t bytes, char *buf, size_t len)
{
	if (bytes % MIB)
		snprintf(buf, len, "%" PRIu64 " KiB", bytes >> 10);
	else
		snprintf(buf, len, "%" PRIu64 " MiB", bytes >> 20);
}

int dmab_peak_size(uint64_t largest_cache, unsigned int level, uint64_t mem_available,
		   size_t *size, char *why, size_t len)
{
	char cache[48] = "", want_text[32], avail_text[32], got_text[32], need_text[32];
	uint64_t want = DMAB_PEAK_FLOOR_BYTES, need = DMAB_PEAK_MIN_BYTES, got;
	int n;

	if (largest_cache) {
		format_size(largest_cache, want_text, sizeof(want_text));
		snprintf(cache, sizeof(cache), "%s L%u", want_text, level);
		if (2 * largest_cache > need)
			need = 2 * largest_cache;
	}
	format_size(DMAB_PEAK_FLOOR_BYTES, want_text, sizeof(want_text));
	if (largest_cache && 4 * largest_cache > DMAB_PEAK_FLOOR_BYTES) {
		want = 4 * largest_cache;
		n = snprintf(why, len, "4 x the %s (cpu0's largest cache in sysfs)", cache);
	} else if (largest_cache) {
		n = snprintf(why, len, "the %s floor (4 x the %s, cpu0's largest cache in sysfs, "
			     "is less)", want_text, cache);
	} else {
		n = snprintf(why, len, "the %s floor (sysfs lists no caches for cpu0)", want_text);
	}
	got = want;
	/* a quarter of what is free at most: the run's buffers come next */
	if (mem_available && want > mem_available / 4)
		got = mem_available / 4 / MIB * MIB;
	format_size(mem_available, avail_text, sizeof(avail_text));
	format_size(got, got_text, sizeof(got_text));
	if (got < need) {
		format_size(need, need_text, sizeof(need_text));
		snprintf(why, len, "MemAvailable is %s: a quarter of it is %s, under the %s "
			 "a measurement beyond the caches needs (%s%s)",
			 avail_text, got_text, need_text,
			 largest_cache ? "2 x the " : "the minimum", largest_cache ? cache : "");
		return -ENOMEM;
	}
	if (got < want && n >= 0 && (size_t)n < len)
		snprintf(why + n, len - (size_t)n, ", cut to %s: a quarter of MemAvailable (%s)",
			 got_text, avail_text);
	*size = (size_t)got;
	return 0;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, unsigned int n)
{
	double s[DMAB_PEAK_MAX_PASSES];

	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), compare_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static double round_tenth(double v)
{
	return round(v * 10) / 10;
}

/* Every pass touches the whole @buf: copy copies its first half into the second. */
static uint64_t run_kernel(const struct dmab_pattern *p, enum dmab_peak_op op,
			   unsigned char *buf, size_t size, size_t line)
{
	if (op == DMAB_PEAK_COPY)
		return p->run(buf, buf + size / 2, size / 2, line);
	return p->run(buf, buf, size, line);
}

/* What a pass of @op moves, in bytes: copy counts what it copies. */
static size_t pass_bytes(enum dmab_peak_op op, size_t size)
{
	return op == DMAB_PEAK_COPY ? size / 2 : size;
}

static void *map_prefaulted(size_t size)
{
	/* populated by the kernel in one go: half the cost of a fault a page here */
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/*
	 * Written, so that no page is left to a zero page (the kernel's or a
	 * hypervisor's) that reads would find in the cache, and no first write
	 * costs a fault in a timed pass. Normal pages (no MADV_HUGEPAGE), as the
	 * frames the patterns run on.
	 */
	memset(p, 0x5a, size);
	return p;
}

int dmab_peak_measure_size(struct dmab_peak *out, size_t size, const char *size_reason)
{
	const struct dmab_pattern *pattern[DMAB_PEAK_OPS];
	double mbps[DMAB_PEAK_OPS][DMAB_PEAK_MAX_PASSES];
	size_t line = dmab_env_cache_line();
	uint64_t start, sink = 0;
	unsigned char *buf;
	volatile uint64_t keep;
	unsigned int op, round;
	char size_text[32];
	int ret;

	memset(out, 0, sizeof(*out));
	out->size = size;
	snprintf(out->size_reason, sizeof(out->size_reason), "%s", size_reason);
	if (!dmab_timer.freq_hz) {
		snprintf(out->unavailable, sizeof(out->unavailable), "the timer is not set up");
		return -EINVAL;
	}
	/* both halves page aligned, as frames are: the widest loads need 32-byte alignment */
	if (!size || size % 8192) {
		snprintf(out->unavailable, sizeof(out->unavailable),
			 "%zu bytes is not an even number of 4 KiB pages", size);
		return -EINVAL;
	}
	for (op = 0; op < DMAB_PEAK_OPS; op++) {
		pattern[op] = dmab_pattern_find(peak_kernels[op].pattern);
		if (!pattern[op]) {
			snprintf(out->unavailable, sizeof(out->unavailable),
				 "no %s pattern in patterns.c", peak_kernels[op].pattern);
			return -ENOENT;
		}
		out->result[op].op = peak_kernels[op].op;
		if (op == DMAB_PEAK_READ)
			snprintf(out->result[op].kernel, sizeof(out->result[op].kernel),
				 "the %s pattern (%s): %s", pattern[op]->name, dmab_read_isa,
				 pattern[op]->description);
		else
			snprintf(out->result[op].kernel, sizeof(out->result[op].kernel),
				 "the %s pattern: %s", pattern[op]->name, pattern[op]->description);
	}

	start = dmab_ticks();
	buf = map_prefaulted(size);
	if (!buf) {
		ret = -errno;
		format_size(size, size_text, sizeof(size_text));
		snprintf(out->unavailable, sizeof(out->unavailable),
			 "a buffer of %s could not be mapped: %s", size_text, strerror(-ret));
		out->elapsed_ms = (double)dmab_ticks_to_ns(dmab_ticks() - start) / 1e6;
		return ret;
	}
	/*
	 * The CPU's clock and the TLB settle on the work, not on the first timed
	 * pass; where mapping alone took the budget (an emulator), the numbers
	 * mean little and the minimum of rounds costs enough.
	 */
	out->warm_up = dmab_ticks_to_ns(dmab_ticks() - start) < DMAB_PEAK_BUDGET_NS;
	for (op = 0; out->warm_up && op < DMAB_PEAK_OPS; op++)
		sink += run_kernel(pattern[op], op, buf, size, line);
	for (round = 0; round < DMAB_PEAK_MAX_PASSES; round++) {
		/* a slow machine (an emulator) stops early, never under the minimum */
		if (round >= DMAB_PEAK_MIN_PASSES &&
		    dmab_ticks_to_ns(dmab_ticks() - start) >= DMAB_PEAK_BUDGET_NS)
			break;
		for (op = 0; op < DMAB_PEAK_OPS; op++) {
			uint64_t t0 = dmab_ticks(), ns;

			sink += run_kernel(pattern[op], op, buf, size, line);
			ns = dmab_ticks_to_ns(dmab_ticks() - t0);
			mbps[op][round] = (double)pass_bytes(op, size) * 1e3 / (double)(ns ? ns : 1);
		}
	}
	keep = sink;
	(void)keep;
	out->passes = round;
	/*
	 * The headline is the median pass, the best is kept beside it: on a shared
	 * machine the best is a lucky pass, and the cpu-access results a share of
	 * this is taken of are medians too.
	 */
	for (op = 0; op < DMAB_PEAK_OPS; op++) {
		struct dmab_peak_result *r = &out->result[op];

		r->median_mbps = median(mbps[op], round);
		for (round = 0; round < out->passes; round++)
			if (mbps[op][round] > r->best_mbps)
				r->best_mbps = mbps[op][round];
	}
	munmap(buf, size);
	out->elapsed_ms = (double)dmab_ticks_to_ns(dmab_ticks() - start) / 1e6;
	return 0;
}

int dmab_peak_measure(struct dmab_peak *out)
{
	unsigned int level;
	uint64_t largest = dmab_env_largest_cache(&level);
	char why[sizeof(out->size_reason)];
	size_t size;
	int ret;

	ret = dmab_peak_size(largest, level, dmab_env_mem_available(), &size, why, sizeof(why));
	if (ret) {
		memset(out, 0, sizeof(*out));
		snprintf(out->unavailable, sizeof(out->unavailable), "%s", why);
		return ret;
	}
	return dmab_peak_measure_size(out, size, why);
}

const struct dmab_peak *dmab_peak_get(void)
{
	static struct dmab_peak peak;
	static int measured;

	if (!measured) {
		dmab_peak_measure(&peak);
		measured = 1;
	}
	return &peak;
}

json_t *dmab_peak_json(const struct dmab_peak *peak)
{
	json_t *obj, *best, *kernels;
	unsigned int op;

	if (peak->unavailable[0])
		return json_null();
	obj = json_object();
	best = json_object();
	kernels = json_object();
	for (op = 0; op < DMAB_PEAK_OPS; op++) {
		const struct dmab_peak_result *r = &peak->result[op];

		json_object_set_new(obj, r->op, json_real(round_tenth(r->median_mbps)));
		json_object_set_new(best, r->op, json_real(round_tenth(r->best_mbps)));
		json_object_set_new(kernels, r->op, json_string(r->kernel));
	}
	json_object_set_new(obj, "best", best);
	json_object_set_new(obj, "size_bytes", json_integer((json_int_t)peak->size));
	json_object_set_new(obj, "size_reason", json_string(peak->size_reason));
	json_object_set_new(obj, "passes", json_integer(peak->passes));
	json_object_set_new(obj, "warm_up", json_boolean(peak->warm_up));
	json_object_set_new(obj, "method", json_string(PEAK_METHOD));
	json_object_set_new(obj, "kernels", kernels);
	json_object_set_new(obj, "elapsed_ms", json_real(round_tenth(peak->elapsed_ms)));
	return obj;
}
