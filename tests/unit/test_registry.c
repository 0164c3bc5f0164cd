// SPDX-License-Identifier: GPL-2.0
/*
 * The strategy registry: the tables shipped are valid and complete, a table
 * that cannot run says why, and a broken table is refused at start-up with a
 * reason instead of crashing a run.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"

#include "../../strategies/strategy.h"


/* The strategies DESIGN.md lists: each must have a table, runnable or not. */
static const char *const design_names[] = {
	"uncached", "wc", "cached-sync", "full-flush", "coherent", "cached-nosync",
};

static void test_shipped_tables_validate(void **state)
{
	const char *why = NULL;
	int ret;

	(void)state;
	assert_true(dmab_strategy_count >= ARRAY_SIZE(design_names));
	ret = dmab_strategies_validate(dmab_strategies, dmab_strategy_count, &why);
	if (ret)
		fail_msg("the shipped tables are invalid (%d): %s", ret, why ? why : "(no reason)");
}

static void test_design_strategies_exist(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(design_names); i++) {
		int tables = 0;

		for (j = 0; j < dmab_strategy_count; j++)
			tables += !strcmp(dmab_strategies[j]->name, design_names[i]);
		if (!tables || !dmab_strategy_known(design_names[i]))
			fail_msg("strategy '%s' has no table", design_names[i]);
	}
	assert_false(dmab_strategy_known("no-such-strategy"));
	assert_false(dmab_strategy_known(""));
	assert_false(dmab_strategy_known("Cached-Sync"));
}

/* A strategy this backend cannot offer is listed with its reason, not dropped. */
static void test_unavailable_tables_say_why(void **state)
{
	size_t i, unavailable = 0;

	(void)state;
	for (i = 0; i < dmab_strategy_count; i++) {
		const struct dmab_strategy *s = dmab_strategies[i];
		const char *reason = NULL;
		int ret = dmab_strategy_available(s, &reason);

		if (s->unavailable) {
			unavailable++;
			if (ret >= 0)
				fail_msg("%s/%s: available (%d) despite \"%s\"", s->backend,
					 s->name, ret, s->unavailable);
			assert_non_null(reason);
			assert_string_equal(reason, s->unavailable);
			assert_true(strlen(reason) > 0);
		} else if (ret) {
			/* a probe may refuse on this machine, but with an errno and a reason */
			assert_true(ret < 0);
			assert_non_null(reason);
			assert_true(strlen(reason) > 0);
		}
	}
	assert_true(unavailable > 0);	/* the user backend cannot offer them all */
}

/* Stand-ins: validation looks only at which ops are there. */
static int stub_open(size_t line)
{
	(void)line;
	return 0;
}

static void stub_close(void)
{
}

static int stub_write(struct dmab_buffer *buf, size_t offset, size_t length, uint64_t seq,
		      uint64_t *busy_ns)
{
	(void)buf, (void)offset, (void)length, (void)seq, (void)busy_ns;
	return 0;
}

static int stub_read(struct dmab_buffer *buf, size_t offset, size_t length, uint64_t seq,
		     struct dmab_integrity *seen, uint64_t *busy_ns)
{
	(void)buf, (void)offset, (void)length, (void)seq, (void)seen, (void)busy_ns;
	return 0;
}

static const char *stub_describe(void)
{
	return "a test device";
}

static int stub_probe(const struct dmab_strategy *s, const char **reason)
{
	(void)s, (void)reason;
	return 0;
}

static int stub_setup(const struct dmab_strategy *s, struct dmab_buffer *buf, size_t size)
{
	(void)s, (void)buf, (void)size;
	return 0;
}

static int stub_sync(struct dmab_buffer *buf, size_t offset, size_t length, enum dmab_dir dir)
{
	(void)buf, (void)offset, (void)length, (void)dir;
	return 0;
}

static void stub_teardown(struct dmab_buffer *buf)
{
	(void)buf;
}

static const struct dmab_device good_device = {
	.name = "test-device",
	.open = stub_open,
	.close = stub_close,
	.write = stub_write,
	.read = stub_read,
	.describe = stub_describe,
};

static const struct dmab_device device_without_read = {
	.name = "test-device",
	.open = stub_open,
	.close = stub_close,
	.write = stub_write,
	.describe = stub_describe,
};

#define OPS						\
	.setup = stub_setup,				\
	.sync_for_device = stub_sync,			\
	.sync_for_cpu = stub_sync,			\
	.teardown = stub_teardown,			\
	.device = &good_device

#define TABLE(nm, be) .name = (nm), .backend = (be), .mapping = "write-back", .handover = "none"

static const struct dmab_strategy good = { TABLE("test-good", "user"), OPS };
static const struct dmab_strategy good_other_backend = { TABLE("test-good", "kmod"), OPS };
static const struct dmab_strategy good_probed = {
	TABLE("test-probed", "user"), OPS, .probe = stub_probe,
};
static const struct dmab_strategy good_unavailable = {
	TABLE("test-unavailable", "user"), .unavailable = "not on this backend",
};
static const struct dmab_strategy no_name = { TABLE(NULL, "user"), OPS };
static const struct dmab_strategy empty_name = { TABLE("", "user"), OPS };
static const struct dmab_strategy upper_name = { TABLE("Cached-Sync", "user"), OPS };
static const struct dmab_strategy underscore_name = { TABLE("cached_sync", "user"), OPS };
static const struct dmab_strategy spaced_name = { TABLE("cached sync", "user"), OPS };
static const struct dmab_strategy no_backend = { TABLE("test-good", NULL), OPS };
static const struct dmab_strategy upper_backend = { TABLE("test-good", "User"), OPS };
static const struct dmab_strategy no_mapping = {
	.name = "test-good", .backend = "user", .handover = "none", OPS,
};
static const struct dmab_strategy reason_and_ops = {
	TABLE("test-both", "user"), OPS, .unavailable = "needs the module",
};
static const struct dmab_strategy reason_and_probe = {
	TABLE("test-both", "user"), .probe = stub_probe, .unavailable = "needs the module",
};
static const struct dmab_strategy reason_and_setup = {
	TABLE("test-both", "user"), .setup = stub_setup, .unavailable = "needs the module",
};
static const struct dmab_strategy ops_no_device = {
	TABLE("test-nodev", "user"),
	.setup = stub_setup,
	.sync_for_device = stub_sync,
	.sync_for_cpu = stub_sync,
	.teardown = stub_teardown,
};
static const struct dmab_strategy no_teardown = {
	TABLE("test-noteardown", "user"),
	.setup = stub_setup,
	.sync_for_device = stub_sync,
	.sync_for_cpu = stub_sync,
	.device = &good_device,
};
static const struct dmab_strategy no_ops = { TABLE("test-noops", "user") };
static const struct dmab_strategy device_lacks_read = {
	TABLE("test-devread", "user"),
	.setup = stub_setup,
	.sync_for_device = stub_sync,
	.sync_for_cpu = stub_sync,
	.teardown = stub_teardown,
	.device = &device_without_read,
};

static int stub_alloc(const struct dmab_strategy *s, struct dmab_buffer *b, size_t size,
		      unsigned int flags, uint64_t *kernel_ns)
{
	(void)s;
	(void)b;
	(void)size;
	(void)flags;
	*kernel_ns = UINT64_MAX;
	return 0;
}

static int stub_map(struct dmab_buffer *b)
{
	(void)b;
	return 0;
}

static const struct dmab_strategy good_split = {
	TABLE("test-split", "kmod"), OPS, .alloc = stub_alloc, .map = stub_map,
	.dma_unmap = stub_map, .dma_map = stub_map, .irqs_off_alloc = 1,
};
static const struct dmab_strategy alloc_no_map = {
	TABLE("test-split", "kmod"), OPS, .alloc = stub_alloc,
};
static const struct dmab_strategy irqs_off_no_alloc = {
	TABLE("test-split", "kmod"), OPS, .irqs_off_alloc = 1,
};
static const struct dmab_strategy unmap_no_map = {
	TABLE("test-split", "kmod"), OPS, .dma_unmap = stub_map,
};

#define MAX_TABLES 4

static const struct validate_case {
	const char *name;
	const struct dmab_strategy *tables[MAX_TABLES];
	size_t n;
	int ret;
	const char *why_has;	/* a word the reason must contain */
} validate_cases[] = {
	{ "a complete table", { &good }, 1, 0, NULL },
	{ "a complete table with a probe", { &good_probed }, 1, 0, NULL },
	{ "an unavailable table without ops", { &good_unavailable }, 1, 0, NULL },
	{ "one name on two backends", { &good, &good_other_backend }, 2, 0, NULL },
	{ "missing name", { &no_name }, 1, -EINVAL, "name" },
	{ "empty name", { &empty_name }, 1, -EINVAL, "name" },
	{ "upper-case name", { &upper_name }, 1, -EINVAL, "name" },
	{ "underscore in the name", { &underscore_name }, 1, -EINVAL, "name" },
	{ "space in the name", { &spaced_name }, 1, -EINVAL, "name" },
	{ "missing backend", { &no_backend }, 1, -EINVAL, "backend" },
	{ "upper-case backend", { &upper_backend }, 1, -EINVAL, "backend" },
	{ "missing mapping", { &no_mapping }, 1, -EINVAL, "mapping" },
	{ "unavailable reason and ops", { &reason_and_ops }, 1, -EINVAL, "unavailable" },
	{ "unavailable reason and a probe", { &reason_and_probe }, 1, -EINVAL, "unavailable" },
	{ "unavailable reason and setup", { &reason_and_setup }, 1, -EINVAL, "unavailable" },
	{ "ops but no device", { &ops_no_device }, 1, -EINVAL, "device" },
	{ "no teardown", { &no_teardown }, 1, -EINVAL, "teardown" },
	{ "neither ops nor a reason", { &no_ops }, 1, -EINVAL, "lacks" },
	{ "a device without read", { &device_lacks_read }, 1, -EINVAL, "device" },
	{ "alloc and map, dma_unmap and dma_map, irqs_off_alloc", { &good_split }, 1, 0, NULL },
	{ "alloc without map", { &alloc_no_map }, 1, -EINVAL, "alloc and map" },
	{ "irqs_off_alloc without alloc", { &irqs_off_no_alloc }, 1, -EINVAL, "irqs_off_alloc" },
	{ "dma_unmap without dma_map", { &unmap_no_map }, 1, -EINVAL, "dma_unmap" },
	{ "duplicate (backend, name)", { &good, &good_probed, &good }, 3, -EINVAL, "two tables" },
	{ "a NULL entry", { &good, NULL, &good_probed }, 3, -EINVAL, "NULL" },
	{ "a NULL first entry", { NULL, &good }, 2, -EINVAL, "NULL" },
	{ "a bad table after good ones", { &good, &good_unavailable, &upper_name }, 3, -EINVAL,
	  "name" },
};

static void test_validate_rejects_bad_tables(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(validate_cases); i++) {
		const struct validate_case *c = &validate_cases[i];
		const char *why = NULL;
		int ret = dmab_strategies_validate(c->tables, c->n, &why);

		if (ret != c->ret)
			fail_msg("%s: returned %d, want %d (%s)", c->name, ret, c->ret,
				 why ? why : "no reason");
		if (!c->ret)
			continue;
		if (!why || !*why)
			fail_msg("%s: rejected without a reason", c->name);
		if (!strstr(why, c->why_has))
			fail_msg("%s: reason \"%s\" does not mention \"%s\"", c->name, why,
				 c->why_has);
	}
}

static int refusing_probe(const struct dmab_strategy *s, const char **reason)
{
	(void)s;
	*reason = "no cache maintenance here";
	return -EOPNOTSUPP;
}

static void test_available_runs_the_probe(void **state)
{
	const struct dmab_strategy refused = {
		TABLE("test-refused", "user"), OPS, .probe = refusing_probe,
	};
	const char *reason = NULL;

	(void)state;
	assert_int_equal(dmab_strategy_available(&good, &reason), 0);
	assert_int_equal(dmab_strategy_available(&good_probed, &reason), 0);
	assert_int_equal(dmab_strategy_available(&refused, &reason), -EOPNOTSUPP);
	assert_string_equal(reason, "no cache maintenance here");
	reason = NULL;
	assert_true(dmab_strategy_available(&good_unavailable, &reason) < 0);
	assert_string_equal(reason, "not on this backend");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_tables_validate),
		cmocka_unit_test(test_design_strategies_exist),
		cmocka_unit_test(test_unavailable_tables_say_why),
		cmocka_unit_test(test_validate_rejects_bad_tables),
		cmocka_unit_test(test_available_runs_the_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
