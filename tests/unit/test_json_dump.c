// SPDX-License-Identifier: GPL-2.0
/*
 * How result files are written: the same document back when read, the
 * per-frame samples one line per phase, nothing else changed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"

#include "../../harness/report.h"

static void test_round_trip_and_one_line(void **state)
{
	json_t *ns = json_array(), *doc, *back;
	json_error_t je;
	char *text = NULL, *line, *close;
	size_t i, len = 0;
	FILE *f;

	(void)state;
	for (i = 0; i < 1000; i++)
		json_array_append_new(ns, json_integer((json_int_t)(i * 7919 % 10007)));
	doc = json_pack("{s:s, s:[i,i,i], s:{s:{s:{s:o, s:I}}}, s:s, s:f}",
			"host", "dmab-1-0x1-0", "short", 1, 2, 3, "samples", "phases", "frame",
			"ns", ns, "kept", (json_int_t)1000, "tricky", "\"dmab-",
			"real", 0.5);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(dmab_json_dumpf(doc, f), 0);
	assert_int_equal(fclose(f), 0);
	back = json_loads(text, 0, &je);
	if (!back)
		fail_msg("not JSON: %s at line %d", je.text, je.line);
	assert_true(json_equal(doc, back));
	line = strstr(text, "\"ns\": [");
	assert_non_null(line);
	close = strchr(line, ']');
	assert_non_null(close);
	for (; line < close; line++)
		assert_int_not_equal(*line, '\n');
	assert_non_null(strstr(text, "\n  3\n"));	/* short lists stay one item a line */
	free(text);
	json_decref(doc);
	json_decref(back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_and_one_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
