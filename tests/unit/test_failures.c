// SPDX-License-Identifier: GPL-2.0
/*
 * The alloc workload's failures by errno: what a user reads in
 * alloc_failures and in the line under the table, for the errnos an
 * allocation gives (either sign), one it has no name for, and more kinds
 * than the table keeps apart.
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

#include "../../harness/failures.h"

#define MAX_ERRS 16

static const struct failure_case {
	const char *name;
	int errs[MAX_ERRS];	/* as the strategies return them; ends at the first 0 after n */
	size_t n;
	const char *json;	/* compact, keys in the order first seen */
	const char *line;
} cases[] = {
	{ "none failed", { 0 }, 0, "{}", "none" },
	{ "CMA out of room, then the module's bound (negative errnos)",
	  { -ENOMEM, -ENOMEM, -EDQUOT, -ENOMEM }, 4,
	  "{\"ENOMEM\": 3, \"EDQUOT\": 1}", "ENOMEM 3, EDQUOT 1" },
	{ "a positive errno counts with its negative", { ENOMEM, -ENOMEM }, 2,
	  "{\"ENOMEM\": 2}", "ENOMEM 2" },
	{ "a failure without an errno is EIO", { 0 }, 1, "{\"EIO\": 1}", "EIO 1" },
	{ "an errno without a name here", { -200, -200 }, 2, "{\"errno 200\": 2}",
	  "errno 200 2" },
	{ "more kinds than the table keeps: the rest is other",
	  { -ENOMEM, -EDQUOT, -ENOSPC, -EINVAL, -EFAULT, -EBUSY, -ENODEV, -EPERM, -EACCES,
	    -EIO, -ENOMEM }, 11,
	  "{\"ENOMEM\": 2, \"EDQUOT\": 1, \"ENOSPC\": 1, \"EINVAL\": 1, \"EFAULT\": 1, "
	  "\"EBUSY\": 1, \"ENODEV\": 1, \"EPERM\": 1, \"other\": 2}",
	  "ENOMEM 2, EDQUOT 1, ENOSPC 1, EINVAL 1, EFAULT 1, EBUSY 1, ENODEV 1, EPERM 1, "
	  "other 2" },
};

static void count(struct dmab_failures *f, const struct failure_case *c)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < c->n; i++)
		dmab_failures_add(f, c->errs[i]);
}

static void test_failures_cases(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct failure_case *c = &cases[i];
		struct dmab_failures f;
		json_t *o, *want;
		char line[256], *json;
		int n;

		count(&f, c);
		CHECK_U64(c->name, "total", f.total, c->n);
		o = dmab_failures_json(&f);
		want = json_loads(c->json, 0, NULL);
		json = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		assert_non_null(want);
		assert_non_null(json);
		if (!json_equal(o, want))
			fail_msg("%s: alloc_failures is %s, want %s", c->name, json, c->json);
		free(json);
		json_decref(want);
		json_decref(o);
		n = dmab_failures_format(&f, line, sizeof(line));
		if (strcmp(line, c->line))
			fail_msg("%s: the line says '%s', want '%s'", c->name, line, c->line);
		CHECK_U64(c->name, "format's length", n, strlen(c->line));
	}
}

/* Asked per errno, either sign; one that never failed is 0. */
static void test_failures_count(void **state)
{
	struct dmab_failures f;

	(void)state;
	count(&f, &cases[1]);
	CHECK_U64("count", "ENOMEM", dmab_failures_count(&f, ENOMEM), 3);
	CHECK_U64("count", "-EDQUOT", dmab_failures_count(&f, -EDQUOT), 1);
	CHECK_U64("count", "ENOSPC", dmab_failures_count(&f, ENOSPC), 0);
}

/* A short buffer: cut, terminated, and the length it would have taken is returned. */
static void test_failures_format_short(void **state)
{
	struct dmab_failures f;
	char line[8];
	int n;

	(void)state;
	count(&f, &cases[1]);
	memset(line, 'x', sizeof(line));
	n = dmab_failures_format(&f, line, sizeof(line));
	assert_string_equal(line, "ENOMEM ");
	CHECK_U64("short buffer", "length", n, strlen("ENOMEM 3, EDQUOT 1"));
	n = dmab_failures_format(&f, NULL, 0);
	CHECK_U64("no buffer", "length", n, strlen("ENOMEM 3, EDQUOT 1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_failures_cases),
		cmocka_unit_test(test_failures_count),
		cmocka_unit_test(test_failures_format_short),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
