// SPDX-License-Identifier: GPL-2.0
/*
 * Which configurations make `dmabench run` exit 1 for their data: stale or
 * corrupt lines anywhere but in the negative control cached-nosync, in
 * every backend; nothing that was not checked, and nothing that did not run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"

#include "../../harness/run.h"

static const struct integrity_case {
	const char *name;
	const struct dmab_strategy *strategy;
	const char *skipped;	/* NULL: it ran */
	uint64_t frames_checked, stale_lines, corrupt_lines;
	int failed;		/* dmab_cell_integrity_failed() */
} cases[] = {
	{ "cached-sync ok", &dmab_user_cached_sync, NULL, 100, 0, 0, 0 },
	{ "cached-sync stale", &dmab_user_cached_sync, NULL, 100, 800, 0, 1 },
	{ "cached-sync one stale line", &dmab_user_cached_sync, NULL, 100, 1, 0, 1 },
	{ "coherent corrupt", &dmab_user_coherent, NULL, 100, 0, 3, 1 },
	{ "coherent stale and corrupt", &dmab_user_coherent, NULL, 100, 5, 3, 1 },
	{ "kmod uncached stale", &dmab_kmod_uncached, NULL, 100, 8, 0, 1 },
	{ "kmod wc corrupt", &dmab_kmod_wc, NULL, 100, 0, 8, 1 },
	{ "dma-heap cached-sync stale", &dmab_dma_heap_cached_sync, NULL, 100, 8, 0, 1 },
	{ "udmabuf cached-sync corrupt", &dmab_udmabuf_cached_sync, NULL, 100, 0, 8, 1 },
	/* not_checked: the write pattern overwrites the frame, nothing was compared */
	{ "cached-sync not_checked", &dmab_user_cached_sync, NULL, 0, 0, 0, 0 },
	/* the negative control, whatever it saw, in every backend */
	{ "user cached-nosync stale", &dmab_user_cached_nosync, NULL, 100, 800, 0, 0 },
	{ "user cached-nosync corrupt", &dmab_user_cached_nosync, NULL, 100, 0, 8, 0 },
	{ "kmod cached-nosync stale", &dmab_kmod_cached_nosync, NULL, 100, 800, 0, 0 },
	{ "dma-heap cached-nosync stale", &dmab_dma_heap_cached_nosync, NULL, 100, 8, 8, 0 },
	{ "udmabuf cached-nosync stale", &dmab_udmabuf_cached_nosync, NULL, 100, 8, 0, 0 },
	{ "cached-nosync ok", &dmab_user_cached_nosync, NULL, 100, 0, 0, 0 },
	/* what did not run has no data to judge (a failure exits 1 on its own) */
	{ "skipped, unavailable", &dmab_kmod_uncached, "no /dev/dmabench", 0, 0, 0, 0 },
	{ "failed after stale frames", &dmab_user_cached_sync, "a frame failed: EIO", 10, 8, 0,
	  0 },
	{ "not started", &dmab_user_cached_sync, "", 0, 0, 0, 0 },
};

static void test_integrity_failed(void **state)
{
	char failures[2048] = "";
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct integrity_case *t = &cases[i];
		struct dmab_cell c;
		int got;

		memset(&c, 0, sizeof(c));
		c.strategy = t->strategy;
		if (t->skipped)
			snprintf(c.skipped, sizeof(c.skipped), "%s", t->skipped);
		c.integrity.frames_checked = t->frames_checked;
		c.integrity.lines_checked = t->frames_checked * 1024;
		c.integrity.stale_lines = t->stale_lines;
		c.integrity.corrupt_lines = t->corrupt_lines;
		got = dmab_cell_integrity_failed(&c);
		if (got != t->failed)
			snprintf(failures + strlen(failures), sizeof(failures) - strlen(failures),
				 "\n  %s (%s %s): %d, want %d", t->name, t->strategy->backend,
				 t->strategy->name, got, t->failed);
	}
	if (*failures)
		fail_msg("integrity that makes run exit 1:%s", failures);
}

/* Every table of the control, in every backend, is spared; no other table is. */
static void test_only_the_control_is_spared(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < dmab_strategy_count; i++) {
		const struct dmab_strategy *s = dmab_strategies[i];
		struct dmab_cell c;
		int control = !strcmp(s->name, "cached-nosync");

		memset(&c, 0, sizeof(c));
		c.strategy = s;
		c.integrity.frames_checked = 1;
		c.integrity.lines_checked = 16;
		c.integrity.stale_lines = 1;
		if (dmab_cell_integrity_failed(&c) == control)
			fail_msg("%s %s: stale data %s", s->backend ? s->backend : "?", s->name,
				 control ? "fails the control" : "passes");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integrity_failed),
		cmocka_unit_test(test_only_the_control_is_spared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
