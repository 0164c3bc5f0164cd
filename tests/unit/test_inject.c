// SPDX-License-Identifier: GPL-2.0
/*
 * --inject, the harness's self-test: the faults are parsed as typed or refused
 * by name, the emulated device leaves exactly the lines asked for (the last
 * ones, whatever the frame and line size), the kmod device is refused where
 * the fault would apply, and a delay adds at least what was asked.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"

#include "../../harness/inject.h"
#include "../../harness/oracle.h"
#include "../../harness/parse.h"
#include "../../harness/timer.h"
#include "../../harness/workload.h"
#include "../../strategies/user.h"

static const struct good_case {
	const char *args[3];		/* one --inject each */
	uint64_t stale_lines, delay_ns;
} good_cases[] = {
	{ { "stale=8" }, 8, 0 },
	{ { "delay=200000" }, 0, 200000 },
	{ { "stale=8,delay=5" }, 8, 5 },
	{ { "delay=5,stale=1" }, 1, 5 },
	{ { "stale=3", "delay=7" }, 3, 7 },	/* the option given twice adds up */
	{ { "stale=16777216,delay=1000000000" }, 16777216, 1000000000 },
};

static void test_parse_as_typed(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(good_cases); i++) {
		const struct good_case *c = &good_cases[i];
		struct dmab_inject in = { 0 };
		char err[DMAB_ERRLEN] = "";

		for (k = 0; k < ARRAY_SIZE(c->args) && c->args[k]; k++)
			if (dmab_inject_parse(c->args[k], &in, err, sizeof(err)))
				fail_msg("--inject %s: refused: %s", c->args[k], err);
		CHECK_U64(c->args[0], "stale_lines", in.stale_lines, c->stale_lines);
		CHECK_U64(c->args[0], "delay_ns", in.delay_ns, c->delay_ns);
		assert_true(dmab_inject_any(&in));
	}
}

static const struct bad_case {
	const char *before;	/* an earlier --inject, or NULL */
	const char *arg;
	int ret;
	const char *names;	/* the message must say this */
} bad_cases[] = {
	{ NULL, "stale=-1", -EINVAL, "'-1' is not a whole number" },
	{ NULL, "stale=0", -ERANGE, "'0' is out of range" },
	{ NULL, "delay=0", -ERANGE, "'0' is out of range" },
	{ NULL, "delay=1000000001", -ERANGE, "from 1 to 1000000000" },
	{ NULL, "stale=16777217", -ERANGE, "from 1 to 16777216" },
	{ NULL, "stale=99999999999999999999999", -ERANGE, "out of range" },
	{ NULL, "stale=1x", -EINVAL, "'1x' is not a whole number" },
	{ NULL, "foo=1", -EINVAL, "unknown fault 'foo'" },
	{ NULL, "Stale=1", -EINVAL, "unknown fault 'Stale'" },
	{ NULL, "=1", -EINVAL, "unknown fault ''" },
	{ NULL, "delay=", -EINVAL, "delay=: no value (delay=NS)" },
	{ NULL, "stale", -EINVAL, "stale: no value (stale=LINES)" },
	{ NULL, "", -EINVAL, "needs a fault" },
	{ NULL, "stale=1,,delay=2", -EINVAL, "'stale=1,,delay=2': item 2 is empty" },
	{ NULL, "stale=1,", -EINVAL, "'stale=1,': item 2 is empty" },
	{ NULL, ",", -EINVAL, "',': item 1 is empty" },
	{ NULL, "stale=1,stale=2", -EINVAL, "stale was already given" },
	{ "delay=5", "delay=6", -EINVAL, "delay was already given" },
};

static void test_bad_faults_are_refused_by_name(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct dmab_inject in = { 0 };
		char err[DMAB_ERRLEN] = "";
		int ret;

		if (c->before)
			assert_int_equal(dmab_inject_parse(c->before, &in, err, sizeof(err)), 0);
		ret = dmab_inject_parse(c->arg, &in, err, sizeof(err));
		if (ret != c->ret)
			fail_msg("--inject '%s': returned %d, want %d (%s)", c->arg, ret, c->ret, err);
		if (!strstr(err, c->names) || !strstr(err, "--inject"))
			fail_msg("--inject '%s': message \"%s\" does not say --inject and \"%s\"",
				 c->arg, err, c->names);
	}
}

/* The result file says what was injected, null when nothing was. */
static void test_json_and_table_line(void **state)
{
	struct dmab_inject none = { 0 }, stale = { .stale_lines = 8 };
	struct dmab_inject both = { .stale_lines = 8, .delay_ns = 200000 };
	char line[512];
	json_t *j;

	(void)state;
	j = dmab_inject_json(&none);
	assert_true(json_is_null(j));
	json_decref(j);
	j = dmab_inject_json(&stale);
	assert_int_equal(json_integer_value(json_object_get(j, "stale_lines")), 8);
	assert_true(json_is_null(json_object_get(j, "delay_ns")));
	assert_non_null(strstr(json_string_value(json_object_get(j, "note")),
			       "not measurements"));
	json_decref(j);
	j = dmab_inject_json(&both);
	assert_int_equal(json_integer_value(json_object_get(j, "delay_ns")), 200000);
	json_decref(j);
	dmab_inject_describe(&both, line, sizeof(line));
	assert_non_null(strstr(line, "INJECTED FAULTS"));
	assert_non_null(strstr(line, "not a measurement"));
	assert_non_null(strstr(line, "last 8 lines of each frame unwritten"));
	assert_non_null(strstr(line, "spun 200000 ns more"));
}

/* Stale lines only where the device writes, and only from a device that can leave them. */
static void test_kmod_device_is_refused_where_the_fault_applies(void **state)
{
	static const struct {
		const struct dmab_strategy *s;
		const struct dmab_workload *w;
		int stale, refused;
	} cases[] = {
		{ &dmab_kmod_cached_sync, &dmab_workload_capture, 1, 1 },
		{ &dmab_kmod_coherent, &dmab_workload_sync_cost, 1, 1 },
		{ &dmab_kmod_cached_sync, &dmab_workload_playback, 1, 0 },	/* it reads */
		{ &dmab_kmod_cached_sync, &dmab_workload_cpu_access, 1, 0 },	/* no device */
		{ &dmab_kmod_cached_sync, &dmab_workload_capture, 0, 0 },	/* delay only */
		{ &dmab_user_cached_sync, &dmab_workload_capture, 1, 0 },
		{ &dmab_dma_heap_cached_sync, &dmab_workload_capture, 1, 0 },	/* same device */
		{ &dmab_udmabuf_cached_nosync, &dmab_workload_sync_cost, 1, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct dmab_inject in = { .stale_lines = cases[i].stale ? 4 : 0, .delay_ns = 10 };
		char why[512] = "";
		int refused = dmab_inject_refused(&in, cases[i].s, cases[i].w, why, sizeof(why));

		if (refused != cases[i].refused)
			fail_msg("case %zu (%s %s, %s): refused %d, want %d", i, cases[i].s->name,
				 cases[i].s->backend, cases[i].w->name, refused, cases[i].refused);
		if (refused && (!strstr(why, "kmod backend: --inject stale is a self-test of the "
					"user-space emulated device") || !strstr(why, "dmabench.ko")))
			fail_msg("case %zu: the reason does not say why: %s", i, why);
	}
}

/*
 * The emulated device with --inject stale=LINES: the last LINES lines keep
 * frame 0, every other line is the new frame. Line sizes other than 64 and a
 * frame that is not whole lines (its last line partial) included.
 */
static void test_device_leaves_the_last_lines(void **state)
{
	static const struct {
		size_t size, line, inject, stale;
	} cases[] = {
		{ 4096, 64, 0, 0 },
		{ 4096, 64, 1, 1 },
		{ 4096, 64, 3, 3 },
		{ 65536, 64, 8, 8 },
		{ 4096, 64, 64, 64 },		/* every line */
		{ 4096, 64, 100, 64 },		/* more than the frame has */
		{ 4096, 128, 5, 5 },
		{ 4160, 128, 1, 1 },		/* 32 lines and a half: the half is left */
		{ 4160, 128, 2, 2 },
	};
	const struct dmab_device *d = &dmab_user_device;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t size = cases[i].size, line = cases[i].line;
		size_t lines = (size + line - 1) / line, fresh = lines - cases[i].stale;
		struct dmab_buffer buf = { .size = size };
		struct dmab_integrity seen = { 0 }, head = { 0 };
		uint64_t busy;

		buf.cpu = aligned_alloc(128, (size + 127) / 128 * 128);
		assert_non_null(buf.cpu);
		dmab_oracle_fill(buf.cpu, size, line, 0);
		assert_int_equal(d->inject_stale(cases[i].inject), 0);
		assert_int_equal(d->open(line), 0);
		assert_int_equal(d->write(&buf, 0, size, 5, &busy), 0);
		d->close();
		dmab_oracle_check(buf.cpu, size, line, 5, 0, &seen);
		CHECK_U64("stale lines", "stale_lines", seen.stale_lines, cases[i].stale);
		CHECK_U64("stale lines", "corrupt_lines", seen.corrupt_lines, 0);
		CHECK_U64("stale lines", "lines_checked", seen.lines_checked, lines);
		/* and they are the last ones: the lines before them are all the new frame */
		if (fresh)
			CHECK_U64("the first lines", "bad lines",
				  dmab_oracle_check(buf.cpu, fresh * line, line, 5, 0, &head), 0);
		free(buf.cpu);
	}
	assert_int_equal(d->inject_stale(0), 0);
}

/* A delay spins at least as long as asked, by the clock the phases are measured with. */
static void test_spin_takes_at_least_the_delay(void **state)
{
	static const uint64_t delays[] = { 1, 1000, 50000, 200000 };
	size_t i;

	(void)state;
	assert_int_equal(dmab_timer_init(), 0);
	for (i = 0; i < ARRAY_SIZE(delays); i++) {
		uint64_t start = dmab_ticks(), took;

		dmab_inject_spin(delays[i]);
		took = dmab_ticks_to_ns(dmab_ticks() - start);
		if (took < delays[i])
			fail_msg("a spin of %llu ns took %llu ns", (unsigned long long)delays[i],
				 (unsigned long long)took);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_as_typed),
		cmocka_unit_test(test_bad_faults_are_refused_by_name),
		cmocka_unit_test(test_json_and_table_line),
		cmocka_unit_test(test_kmod_device_is_refused_where_the_fault_applies),
		cmocka_unit_test(test_device_leaves_the_last_lines),
		cmocka_unit_test(test_spin_takes_at_least_the_delay),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
