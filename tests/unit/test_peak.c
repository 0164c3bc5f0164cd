// SPDX-License-Identifier: GPL-2.0
/*
 * The peak reference: the size it chooses from the caches and the free
 * memory (and when it gives up, saying why), plausible numbers from a small
 * forced size, and the JSON a result carries. No timing is asserted: the
 * machine may be shared.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"

#include "../../harness/patterns.h"
#include "../../harness/peak.h"
#include "../../harness/timer.h"

#define KIB (1ull << 10)
#define MIB (1ull << 20)
#define GIB (1ull << 30)

static const struct size_case {
	const char *name;
	uint64_t largest_cache;
	unsigned int level;
	uint64_t mem_available;
	int ret;
	uint64_t size;		/* when ret is 0 */
	const char *why;	/* the reason, whole */
} size_cases[] = {
	{ "no caches in sysfs (this VM, QEMU's ARM boards)", 0, 0, 24 * GIB, 0, 64 * MIB,
	  "the 64 MiB floor (sysfs lists no caches for cpu0)" },
	{ "a 32 MiB L3", 32 * MIB, 3, 24 * GIB, 0, 128 * MIB,
	  "4 x the 32 MiB L3 (cpu0's largest cache in sysfs)" },
	{ "a 1 MiB L2 (Cortex-A72 class)", 1 * MIB, 2, 4 * GIB, 0, 64 * MIB,
	  "the 64 MiB floor (4 x the 1 MiB L2, cpu0's largest cache in sysfs, is less)" },
	{ "a 36608 KiB L3 (Xeon): 4 x is a whole MiB count", 36608 * KIB, 3, 64 * GIB, 0,
	  143 * MIB, "4 x the 36608 KiB L3 (cpu0's largest cache in sysfs)" },
	{ "MemAvailable unknown: no cap", 32 * MIB, 3, 0, 0, 128 * MIB,
	  "4 x the 32 MiB L3 (cpu0's largest cache in sysfs)" },
	{ "a 512 MiB guest: 64 MiB fits in a quarter", 0, 0, 400 * MIB, 0, 64 * MIB,
	  "the 64 MiB floor (sysfs lists no caches for cpu0)" },
	{ "a small board, a 512 KiB L2: cut, still beyond the cache", 512 * KIB, 2, 200 * MIB,
	  0, 50 * MIB, "the 64 MiB floor (4 x the 512 KiB L2, cpu0's largest cache in sysfs, "
	  "is less), cut to 50 MiB: a quarter of MemAvailable (200 MiB)" },
	{ "a small board, no caches known: cut", 0, 0, 200 * MIB, 0, 50 * MIB,
	  "the 64 MiB floor (sysfs lists no caches for cpu0), cut to 50 MiB: a quarter of "
	  "MemAvailable (200 MiB)" },
	{ "a 32 MiB L3 and 200 MiB free: the cut would measure the cache", 32 * MIB, 3,
	  200 * MIB, -ENOMEM, 0, "MemAvailable is 200 MiB: a quarter of it is 50 MiB, under "
	  "the 64 MiB a measurement beyond the caches needs (2 x the 32 MiB L3)" },
	{ "24 MiB free, no caches known: under the minimum", 0, 0, 24 * MIB, -ENOMEM, 0,
	  "MemAvailable is 24 MiB: a quarter of it is 6 MiB, under the 8 MiB a measurement "
	  "beyond the caches needs (the minimum)" },
};

static void test_size(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(size_cases); i++) {
		const struct size_case *c = &size_cases[i];
		char why[256] = "";
		size_t size = 12345;
		int ret = dmab_peak_size(c->largest_cache, c->level, c->mem_available, &size, why,
					 sizeof(why));

		if (ret != c->ret)
			fail_msg("%s: returned %d, want %d (%s)", c->name, ret, c->ret, why);
		if (!ret)
			CHECK_U64(c->name, "size", size, c->size);
		else
			CHECK_U64(c->name, "size (untouched)", size, 12345);
		if (strcmp(why, c->why))
			fail_msg("%s: why \"%s\",\n want \"%s\"", c->name, why, c->why);
	}
}

static int setup(void **state)
{
	(void)state;
	dmab_patterns_init();
	return dmab_timer_init();
}

static void check_measured(const struct dmab_peak *p, size_t size)
{
	unsigned int op;

	if (p->unavailable[0])
		fail_msg("unavailable: %s", p->unavailable);
	CHECK_U64(p->size_reason, "size", p->size, size);
	assert_in_range(p->passes, DMAB_PEAK_MIN_PASSES, DMAB_PEAK_MAX_PASSES);
	assert_true(p->elapsed_ms > 0);
	for (op = 0; op < DMAB_PEAK_OPS; op++) {
		const struct dmab_peak_result *r = &p->result[op];

		/* more than 1 MB/s and less than 10 TB/s: real numbers, whatever the machine */
		if (!(r->median_mbps > 1 && r->median_mbps < 1e7 && r->best_mbps >= r->median_mbps))
			fail_msg("%s: median %.1f MB/s, best %.1f MB/s", r->op, r->median_mbps,
				 r->best_mbps);
	}
	assert_string_equal(p->result[DMAB_PEAK_READ].op, "read");
	assert_string_equal(p->result[DMAB_PEAK_WRITE].op, "write");
	assert_string_equal(p->result[DMAB_PEAK_COPY].op, "copy");
	/* which code each number comes from: the patterns the cpu-access results use */
	assert_non_null(strstr(p->result[DMAB_PEAK_READ].kernel, "the read pattern ("));
	assert_non_null(strstr(p->result[DMAB_PEAK_READ].kernel, dmab_read_isa));
	assert_non_null(strstr(p->result[DMAB_PEAK_WRITE].kernel, "the write pattern: "));
	assert_non_null(strstr(p->result[DMAB_PEAK_COPY].kernel, "the memcpy pattern: "));
}

static void test_measure_small(void **state)
{
	struct dmab_peak p;

	(void)state;
	assert_int_equal(dmab_peak_measure_size(&p, 8 * MIB, "forced by the test"), 0);
	check_measured(&p, 8 * MIB);
	assert_string_equal(p.size_reason, "forced by the test");
}

static void check_number(json_t *obj, const char *key, double want)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_real(v))
		fail_msg("%s is not a real number", key);
	/* rounded to 0.1 MB/s */
	if (json_real_value(v) < want - 0.051 || json_real_value(v) > want + 0.051)
		fail_msg("%s is %f, want %f", key, json_real_value(v), want);
}

static void test_json(void **state)
{
	static const char *const keys[] = { "read", "write", "copy" };
	struct dmab_peak p;
	json_t *j, *best, *kernels;
	unsigned int op;

	(void)state;
	assert_int_equal(dmab_peak_measure_size(&p, 8 * MIB, "forced by the test"), 0);
	j = dmab_peak_json(&p);
	assert_true(json_is_object(j));
	best = json_object_get(j, "best");
	kernels = json_object_get(j, "kernels");
	assert_true(json_is_object(best) && json_is_object(kernels));
	for (op = 0; op < DMAB_PEAK_OPS; op++) {
		check_number(j, keys[op], p.result[op].median_mbps);
		check_number(best, keys[op], p.result[op].best_mbps);
		assert_string_equal(json_string_value(json_object_get(kernels, keys[op])),
				    p.result[op].kernel);
	}
	assert_int_equal(json_integer_value(json_object_get(j, "size_bytes")), 8 * MIB);
	assert_true(json_is_integer(json_object_get(j, "size_bytes")));
	assert_int_equal(json_integer_value(json_object_get(j, "passes")), p.passes);
	assert_true(json_is_integer(json_object_get(j, "passes")));
	assert_string_equal(json_string_value(json_object_get(j, "size_reason")),
			    "forced by the test");
	/* the method says what the headline is and what copy counts */
	assert_non_null(strstr(json_string_value(json_object_get(j, "method")), "median pass"));
	assert_non_null(strstr(json_string_value(json_object_get(j, "method")), "bytes copied"));
	assert_true(json_is_number(json_object_get(j, "elapsed_ms")));
	assert_true(json_is_boolean(json_object_get(j, "warm_up")));
	/* 8 MiB maps in far less than the budget anywhere but under an emulator */
	assert_int_equal(json_is_true(json_object_get(j, "warm_up")), p.warm_up);
	json_decref(j);
}

/* No numbers: null in the JSON and a reason, never zeros that look measured. */
static void test_unavailable(void **state)
{
	struct dmab_timer saved = dmab_timer;
	struct dmab_peak p;
	json_t *j;

	(void)state;
	assert_int_equal(dmab_peak_measure_size(&p, 8 * MIB + 100, "not pages"), -EINVAL);
	assert_string_equal(p.unavailable, "8388708 bytes is not an even number of 4 KiB pages");
	j = dmab_peak_json(&p);
	assert_true(json_is_null(j));
	json_decref(j);
	/* copy goes from one half to the other: both must be page aligned */
	assert_int_equal(dmab_peak_measure_size(&p, 8 * MIB + 4096, "odd pages"), -EINVAL);
	assert_string_equal(p.unavailable, "8392704 bytes is not an even number of 4 KiB pages");

	dmab_timer.freq_hz = 0;
	assert_int_equal(dmab_peak_measure_size(&p, 8 * MIB, "no timer"), -EINVAL);
	dmab_timer = saved;
	assert_string_equal(p.unavailable, "the timer is not set up");
	assert_true(json_is_null(dmab_peak_json(&p)));
}

/* This machine's own size and the cached value: measured once, the same pointer after. */
static void test_get(void **state)
{
	const struct dmab_peak *p = dmab_peak_get();
	json_t *j;

	(void)state;
	assert_ptr_equal(dmab_peak_get(), p);
	j = dmab_peak_json(p);
	if (p->unavailable[0]) {
		assert_true(json_is_null(j));
	} else {
		check_measured(p, p->size);
		assert_true(p->size >= DMAB_PEAK_MIN_BYTES);
		assert_true(p->size_reason[0]);
	}
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_measure_small),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_unavailable),
		cmocka_unit_test(test_get),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
