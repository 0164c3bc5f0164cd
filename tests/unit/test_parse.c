// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line values: what is accepted is exactly what the user meant, and
 * what is refused says which input was wrong.
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

#include "../../harness/parse.h"

#define KIB 1024ull
#define MIB (1024ull * KIB)
#define GIB (1024ull * MIB)
#define SENTINEL 0x5eed5eed5eed5eedull

/* An error must come with a message that quotes the input: 'input'. */
static void check_message_names(const char *what, const char *input, const char *err)
{
	char quoted[DMAB_ERRLEN];

	if (!*err)
		fail_msg("%s '%s': rejected with an empty message", what, input);
	snprintf(quoted, sizeof(quoted), "'%s'", input);
	if (!strstr(err, quoted))
		fail_msg("%s '%s': message \"%s\" does not name the input", what, input, err);
}

static const struct size_case {
	const char *in;
	int ret;
	uint64_t bytes;
} size_cases[] = {
	{ "4096", 0, 4096 },
	{ "64", 0, 64 },
	{ "64K", 0, 64 * KIB },
	{ "64k", 0, 64 * KIB },
	{ "64KiB", 0, 64 * KIB },
	{ "64KB", 0, 64 * KIB },
	{ "64kib", 0, 64 * KIB },
	{ "1M", 0, MIB },
	{ "1MiB", 0, MIB },
	{ "1G", 0, GIB },
	{ "1024M", 0, GIB },
	{ "1048576K", 0, GIB },
	{ "1073741824", 0, GIB },
	{ "", -EINVAL, 0 },
	{ "0", -EINVAL, 0 },
	{ "0K", -EINVAL, 0 },
	{ "-5", -EINVAL, 0 },
	{ "+5", -EINVAL, 0 },
	{ " 64K", -EINVAL, 0 },
	{ "64K ", -EINVAL, 0 },
	{ "64X", -EINVAL, 0 },
	{ "64Ki", -EINVAL, 0 },
	{ "64KiBs", -EINVAL, 0 },
	{ "1.5M", -EINVAL, 0 },
	{ "abc", -EINVAL, 0 },
	{ "K", -EINVAL, 0 },
	{ "100", -EINVAL, 0 },		/* not a multiple of 64 */
	{ "4100", -EINVAL, 0 },
	{ "99999999T", -ERANGE, 0 },
	{ "18446744073709551616", -ERANGE, 0 },
	{ "2G", -ERANGE, 0 },		/* above the 1 GiB limit */
	{ "1025M", -ERANGE, 0 },
	{ "1T", -ERANGE, 0 },
};

static void test_parse_size(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(size_cases); i++) {
		const struct size_case *c = &size_cases[i];
		char err[DMAB_ERRLEN] = "";
		uint64_t v = SENTINEL;
		int ret = dmab_parse_size(c->in, &v, err, sizeof(err));

		if (ret != c->ret)
			fail_msg("size '%s': returned %d, want %d (%s)", c->in, ret, c->ret, err);
		if (!c->ret && v != c->bytes)
			fail_msg("size '%s': %llu bytes, want %llu", c->in, (unsigned long long)v,
				 (unsigned long long)c->bytes);
		if (c->ret)
			check_message_names("size", c->in, err);
	}
}

static const struct uint_case {
	const char *in;
	uint64_t min, max;
	int ret;
	uint64_t value;
} uint_cases[] = {
	{ "0", 0, 10, 0, 0 },
	{ "10", 0, 10, 0, 10 },
	{ "1", 1, 1024, 0, 1 },
	{ "1024", 1, 1024, 0, 1024 },
	{ "007", 1, 10, 0, 7 },
	{ "18446744073709551615", 0, UINT64_MAX, 0, UINT64_MAX },
	{ "0", 1, 1024, -ERANGE, 0 },
	{ "11", 0, 10, -ERANGE, 0 },
	{ "1025", 1, 1024, -ERANGE, 0 },
	{ "18446744073709551616", 0, UINT64_MAX, -ERANGE, 0 },
	{ "99999999999999999999999", 1, 10, -ERANGE, 0 },
	{ "", 0, 10, -EINVAL, 0 },
	{ "-1", 0, 10, -EINVAL, 0 },
	{ "+1", 0, 10, -EINVAL, 0 },
	{ " 1", 0, 10, -EINVAL, 0 },
	{ "1 ", 0, 10, -EINVAL, 0 },
	{ "5x", 0, 10, -EINVAL, 0 },
	{ "0x10", 0, 100, -EINVAL, 0 },
	{ "1e3", 0, 10000, -EINVAL, 0 },
	{ "1.0", 0, 10, -EINVAL, 0 },
	{ "ten", 0, 10, -EINVAL, 0 },
};

static void test_parse_uint(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(uint_cases); i++) {
		const struct uint_case *c = &uint_cases[i];
		char err[DMAB_ERRLEN] = "";
		uint64_t v = SENTINEL;
		int ret = dmab_parse_uint(c->in, c->min, c->max, &v, err, sizeof(err));

		if (ret != c->ret)
			fail_msg("uint '%s' in [%llu, %llu]: returned %d, want %d (%s)", c->in,
				 (unsigned long long)c->min, (unsigned long long)c->max, ret,
				 c->ret, err);
		if (!c->ret && v != c->value)
			fail_msg("uint '%s': %llu, want %llu", c->in, (unsigned long long)v,
				 (unsigned long long)c->value);
		if (c->ret)
			check_message_names("uint", c->in, err);
	}
}

static const struct positive_case {
	const char *in;
	double max;
	int ret;
	double value;
} positive_cases[] = {
	{ "30", 1e6, 0, 30.0 },
	{ "0.5", 86400, 0, 0.5 },
	{ "1e3", 1e6, 0, 1000.0 },
	{ "29.97", 1e6, 0, 29.97 },
	{ "86400", 86400, 0, 86400.0 },
	{ "86400.5", 86400, -ERANGE, 0 },
	{ "-1", 1e6, -ERANGE, 0 },
	{ "0", 1e6, -ERANGE, 0 },
	{ "-0", 1e6, -ERANGE, 0 },
	{ "nan", 1e6, -EINVAL, 0 },
	{ "inf", 1e6, -EINVAL, 0 },
	{ "-inf", 1e6, -EINVAL, 0 },
	{ "1e999", 1e6, -EINVAL, 0 },
	{ "", 1e6, -EINVAL, 0 },
	{ "5x", 1e6, -EINVAL, 0 },
	{ " 5", 1e6, -EINVAL, 0 },
	{ "5 ", 1e6, -EINVAL, 0 },
	{ "fast", 1e6, -EINVAL, 0 },
};

static void test_parse_positive(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(positive_cases); i++) {
		const struct positive_case *c = &positive_cases[i];
		char err[DMAB_ERRLEN] = "";
		double v = -12345.0;
		int ret = dmab_parse_positive(c->in, c->max, &v, err, sizeof(err));

		if (ret != c->ret)
			fail_msg("number '%s': returned %d, want %d (%s)", c->in, ret, c->ret, err);
		if (!c->ret && v != c->value)
			fail_msg("number '%s': %.17g, want %.17g", c->in, v, c->value);
		if (c->ret)
			check_message_names("number", c->in, err);
	}
}

static const struct list_case {
	const char *in;
	int ret;
	const char *message;	/* the whole message when refused */
} list_cases[] = {
	{ "a", 0, NULL },
	{ "a,b", 0, NULL },
	{ "cached-sync,coherent,wc", 0, NULL },
	{ "a,,b", -EINVAL, "--size 'a,,b': item 2 is empty" },
	{ "4K,", -EINVAL, "--size '4K,': item 2 is empty" },
	{ ",read", -EINVAL, "--size ',read': item 1 is empty" },
	{ "a,b,,", -EINVAL, "--size 'a,b,,': item 3 is empty" },
	{ ",", -EINVAL, "--size ',': item 1 is empty" },
	{ "", -EINVAL, "--size '': item 1 is empty" },
};

/* strtok_r skips empty items; the check before it must not. */
static void test_parse_list_items(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(list_cases); i++) {
		const struct list_case *c = &list_cases[i];
		char err[DMAB_ERRLEN] = "";
		int ret = dmab_parse_list_items("size", c->in, err, sizeof(err));

		if (ret != c->ret)
			fail_msg("list '%s': returned %d, want %d (%s)", c->in, ret, c->ret, err);
		if (c->message && strcmp(err, c->message))
			fail_msg("list '%s': message \"%s\", want \"%s\"", c->in, err, c->message);
		if (!c->message && *err)
			fail_msg("list '%s': accepted, yet a message \"%s\"", c->in, err);
	}
}

static const struct format_case {
	uint64_t bytes;
	const char *text;
} format_cases[] = {
	{ 65536, "64KiB" },
	{ 1048576, "1MiB" },
	{ 4096 * 3, "12KiB" },
	{ 1000, "1000B" },
	{ 64, "64B" },
	{ 1536, "1536B" },
	{ 0, "0B" },
	{ GIB, "1GiB" },
	{ 3 * GIB / 2, "1536MiB" },
	{ 1024 * GIB, "1TiB" },
	{ 1024 * 1024 * GIB, "1024TiB" },
};

static void test_format_size(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(format_cases); i++) {
		char buf[32];

		assert_ptr_equal(dmab_format_size(format_cases[i].bytes, buf, sizeof(buf)), buf);
		assert_string_equal(buf, format_cases[i].text);
	}
}

/* A short buffer gets a truncated, terminated string and nothing past its end. */
static void test_format_size_short_buffer(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	dmab_format_size(65536, buf, 4);
	assert_string_equal(buf, "64K");
	assert_memory_equal(buf + 4, "xxxx", 4);
}

/* A size as printed can be given back to -z and means the same. */
static void test_format_parses_back(void **state)
{
	static const uint64_t sizes[] = { 4096, 12288, 65536, MIB, 16 * MIB, GIB };
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		char buf[32], err[DMAB_ERRLEN] = "";
		uint64_t v = 0;

		dmab_format_size(sizes[i], buf, sizeof(buf));
		assert_int_equal(dmab_parse_size(buf, &v, err, sizeof(err)), 0);
		assert_int_equal(v, sizes[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_uint),
		cmocka_unit_test(test_parse_positive),
		cmocka_unit_test(test_parse_list_items),
		cmocka_unit_test(test_format_size),
		cmocka_unit_test(test_format_size_short_buffer),
		cmocka_unit_test(test_format_parses_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
