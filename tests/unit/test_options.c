// SPDX-License-Identifier: GPL-2.0
/*
 * `dmabench run` options: a valid command line fills every field as typed;
 * a bad one is refused with an errno and a message that names what was wrong.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"

#include "../../harness/options.h"
#include "../../harness/workload.h"

#define MAX_ARGS 24

/*
 * Command lines live in one arena that is never reused, so that a case cannot
 * pass by luck of what an earlier case left in freed memory (see the getopt
 * reset test at the end).
 * The words are copies because getopt_long permutes the pointers and strtok_r
 * writes into the strings.
 */
static char arena[1 << 16];
static size_t arena_used;

struct args {
	int argc;
	char *argv[MAX_ARGS + 1];
	char *start;		/* the words, one after the other, in the arena */
	size_t len;
};

static char *arena_copy(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = arena + arena_used;

	assert_true(arena_used + n <= sizeof(arena));
	memcpy(p, s, n);
	arena_used += n;
	return p;
}

static void args_make(struct args *a, const char *const *words)
{
	int i;

	memset(a, 0, sizeof(*a));
	a->start = arena + arena_used;
	a->argv[a->argc++] = arena_copy("run");
	for (i = 0; words[i]; i++) {
		assert_true(a->argc < MAX_ARGS);
		a->argv[a->argc++] = arena_copy(words[i]);
	}
	a->len = (size_t)(arena + arena_used - a->start);
}

static FILE *null_out(void)
{
	FILE *f = fopen("/dev/null", "w");

	assert_non_null(f);
	return f;
}

static int parse(struct args *a, struct dmab_run_options *o, char *err, size_t errlen)
{
	FILE *out = null_out();
	int ret;

	memset(o, 0, sizeof(*o));	/* as cmd_run hands it over */
	err[0] = 0;
	ret = dmab_run_options_parse(a->argc, a->argv, o, out, err, errlen);
	fclose(out);
	return ret;
}

static void test_valid_command_line(void **state)
{
	static const char *const words[] = {
		"-s", "cached-sync,coherent", "-w", "capture", "-p", "read", "-z", "64K,1M",
		"-n", "10", "-r", "2", "--fps", "30", "--quick", "--json", "-o", "/tmp/x.json",
		NULL,
	};
	struct dmab_run_options o;
	char err[DMAB_ERRLEN];
	struct args a;

	(void)state;
	args_make(&a, words);
	assert_int_equal(parse(&a, &o, err, sizeof(err)), 0);
	assert_string_equal(err, "");

	assert_int_equal(o.n_strategies, 2);
	assert_string_equal(o.strategies[0], "cached-sync");
	assert_string_equal(o.strategies[1], "coherent");
	assert_int_equal(o.n_backends, 0);	/* every backend */
	assert_int_equal(o.n_workloads, 1);
	assert_ptr_equal(o.workloads[0], &dmab_workload_capture);
	assert_int_equal(o.n_patterns, 1);
	assert_ptr_equal(o.patterns[0], dmab_pattern_find("read"));
	assert_string_equal(o.patterns[0]->name, "read");
	assert_int_equal(o.n_sizes, 2);
	assert_int_equal(o.sizes[0], 65536);
	assert_int_equal(o.sizes[1], 1048576);
	assert_int_equal(o.frames, 10);
	assert_int_equal(o.ring, 2);
	assert_true(o.fps == 30.0);
	assert_int_equal(o.quick, 1);
	assert_int_equal(o.json, 1);
	assert_string_equal(o.output, "/tmp/x.json");
	/* and nothing that was not asked for */
	assert_true(o.budget_s == 0.0);
	assert_int_equal(o.n_events, 0);
	assert_int_equal(o.events_given, 0);
	assert_int_equal(o.quiet, 0);
	assert_false(dmab_inject_any(&o.inject));
}

/* -b: backends by name, each once, in the order given; only names some table has. */
static void test_backends(void **state)
{
	static const char *const words[] = {
		"-b", "devmem,carveout", "--backend", "carveout", "--backend=user", NULL,
	};
	struct dmab_run_options o;
	char err[DMAB_ERRLEN];
	struct args a;

	(void)state;
	args_make(&a, words);
	assert_int_equal(parse(&a, &o, err, sizeof(err)), 0);
	assert_int_equal(o.n_backends, 3);
	assert_string_equal(o.backends[0], "devmem");
	assert_string_equal(o.backends[1], "carveout");
	assert_string_equal(o.backends[2], "user");
}

/* --inject: repeated or comma-separated, both faults land in the options. */
static void test_inject(void **state)
{
	static const char *const words[] = {
		"--inject", "stale=8", "-n", "3", "--inject=delay=200000", NULL,
	};
	static const char *const one[] = { "--inject", "delay=5,stale=2", NULL };
	struct dmab_run_options o;
	char err[DMAB_ERRLEN];
	struct args a;

	(void)state;
	args_make(&a, words);
	assert_int_equal(parse(&a, &o, err, sizeof(err)), 0);
	assert_int_equal(o.inject.stale_lines, 8);
	assert_int_equal(o.inject.delay_ns, 200000);
	assert_int_equal(o.frames, 3);
	args_make(&a, one);
	assert_int_equal(parse(&a, &o, err, sizeof(err)), 0);
	assert_int_equal(o.inject.stale_lines, 2);
	assert_int_equal(o.inject.delay_ns, 5);
}

/* -e: names as given (libpfm4 judges them when they are opened), "default" expanded. */
static void test_events(void **state)
{
	static const char *const words[] = {
		"-e", "cycles,default", "--events", "arm_ac53::L1D_CACHE_REFILL,nonsense,cycles",
		NULL,
	};
	static const char *const none[] = { "-e", "none", NULL };
	static const char *const per_phase[] = { "--software-per-phase", NULL };
	struct dmab_run_options o;
	char err[DMAB_ERRLEN];
	struct args a;

	(void)state;
	args_make(&a, words);
	assert_int_equal(parse(&a, &o, err, sizeof(err)), 0);
	assert_int_equal(o.events_given, 1);
	assert_int_equal(o.n_events, 11);
	assert_string_equal(o.events[0], "cycles");
	assert_string_equal(o.events[1], "instructions");
	assert_string_equal(o.events[8], "context-switches");
	assert_string_equal(o.events[9], "arm_ac53::L1D_CACHE_REFILL");
	assert_string_equal(o.events[10], "nonsense");
	assert_int_equal(o.software_per_phase, 0);
	args_make(&a, none);
	assert_int_equal(parse(&a, &o, err, sizeof(err)), 0);
	assert_int_equal(o.events_given, 1);
	assert_int_equal(o.n_events, 0);
	args_make(&a, per_phase);
	assert_int_equal(parse(&a, &o, err, sizeof(err)), 0);
	assert_int_equal(o.software_per_phase, 1);
	assert_int_equal(o.events_given, 0);	/* the default set, read per phase */
}

static void test_long_forms_and_lists(void **state)
{
	static const char *const words[] = {
		"--strategy=coherent", "--workload", "capture,playback", "--pattern=read,memcpy",
		"--size", "4K,4096,64K", "--frames=5", "--ring", "8", "--budget", "0.5",
		"--output=out.json", "-q", "-s", "cached-sync,coherent", NULL,
	};
	struct dmab_run_options o;
	char err[DMAB_ERRLEN];
	struct args a;

	(void)state;
	args_make(&a, words);
	assert_int_equal(parse(&a, &o, err, sizeof(err)), 0);
	/* lists add up over repeated options, each value once */
	assert_int_equal(o.n_strategies, 2);
	assert_string_equal(o.strategies[0], "coherent");
	assert_string_equal(o.strategies[1], "cached-sync");
	assert_int_equal(o.n_workloads, 2);
	assert_ptr_equal(o.workloads[0], &dmab_workload_capture);
	assert_ptr_equal(o.workloads[1], &dmab_workload_playback);
	assert_int_equal(o.n_patterns, 2);
	assert_string_equal(o.patterns[0]->name, "read");
	assert_string_equal(o.patterns[1]->name, "memcpy");
	assert_int_equal(o.n_sizes, 2);		/* 4K and 4096 are one size */
	assert_int_equal(o.sizes[0], 4096);
	assert_int_equal(o.sizes[1], 65536);
	assert_int_equal(o.frames, 5);
	assert_int_equal(o.ring, 8);
	assert_true(o.budget_s == 0.5);
	assert_string_equal(o.output, "out.json");
	assert_int_equal(o.quiet, 1);
	assert_int_equal(o.quick, 0);
}

static void test_no_options(void **state)
{
	static const char *const words[] = { NULL };
	struct dmab_run_options o;
	char err[DMAB_ERRLEN];
	struct args a;

	(void)state;
	args_make(&a, words);
	assert_int_equal(parse(&a, &o, err, sizeof(err)), 0);
	assert_int_equal(o.n_strategies, 0);	/* 0: the run's defaults */
	assert_int_equal(o.n_sizes, 0);
	assert_int_equal(o.frames, 0);
	assert_int_equal(o.quick, 0);
}

static void test_help(void **state)
{
	static const char *const long_help[] = { "--help", NULL };
	static const char *const short_help[] = { "-n", "5", "-h", NULL };
	const char *const *cases[] = { long_help, short_help };
	struct dmab_run_options o;
	char err[DMAB_ERRLEN] = "";
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char *text = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&text, &len);
		struct args a;

		assert_non_null(out);
		args_make(&a, cases[i]);
		memset(&o, 0, sizeof(o));
		assert_int_equal(dmab_run_options_parse(a.argc, a.argv, &o, out, err,
							sizeof(err)), 1);
		fclose(out);
		assert_non_null(strstr(text, "usage: dmabench run"));
		assert_non_null(strstr(text, "--strategy"));
		assert_non_null(strstr(text, "--fps"));
		free(text);
	}
}

static const struct bad_case {
	const char *words[8];
	int ret;
	const char *names;	/* the message must name the bad value ... */
	const char *option;	/* ... and, if not NULL, the option it was given to */
} bad_cases[] = {
	{ { "-s", "nosuch" }, -EINVAL, "'nosuch'", "strategy" },
	{ { "-b", "nosuch" }, -EINVAL, "unknown backend 'nosuch'", NULL },
	{ { "-s", "coherent", "-b", "devmem,carveout" }, -EINVAL, "strategy 'coherent'",
	  "--backend" },
	{ { "-b", "carveout,,devmem" }, -EINVAL, "'carveout,,devmem': item 2 is empty", "--backend" },
	{ { "-s", "cached-sync,nosuch" }, -EINVAL, "'nosuch'", "strategy" },
	{ { "-s", "" }, -EINVAL, "--strategy", NULL },
	/* an empty item is refused, not skipped: the message names the list and the item */
	{ { "-s", "cached-sync,,coherent" }, -EINVAL, "'cached-sync,,coherent': item 2 is empty",
	  "--strategy" },
	{ { "-s", "a,,b" }, -EINVAL, "'a,,b': item 2 is empty", "--strategy" },
	{ { "-z", "4K," }, -EINVAL, "'4K,': item 2 is empty", "--size" },
	{ { "-w", "capture," }, -EINVAL, "'capture,': item 2 is empty", "--workload" },
	{ { "-p", ",read" }, -EINVAL, "',read': item 1 is empty", "--pattern" },
	{ { "-p", "read,,,memcpy" }, -EINVAL, "'read,,,memcpy': item 2 is empty", "--pattern" },
	{ { "-e", "cycles,,page-faults" }, -EINVAL, "'cycles,,page-faults': item 2 is empty",
	  "--events" },
	{ { "-e", "none," }, -EINVAL, "'none,': item 2 is empty", "--events" },
	{ { "-w", "nosuch" }, -EINVAL, "'nosuch'", "workload" },
	{ { "-w", "capture,Capture" }, -EINVAL, "'Capture'", "workload" },
	{ { "-p", "nosuch" }, -EINVAL, "'nosuch'", "pattern" },
	{ { "--frobnicate" }, -EINVAL, "'--frobnicate'", NULL },
	{ { "-x" }, -EINVAL, "'-x'", NULL },
	{ { "-r", "0" }, -ERANGE, "'0'", "--ring" },
	{ { "-r", "1025" }, -ERANGE, "'1025'", "--ring" },
	{ { "-n", "0" }, -ERANGE, "'0'", "--frames" },
	{ { "-n", "-3" }, -EINVAL, "'-3'", "--frames" },
	{ { "-n", "ten" }, -EINVAL, "'ten'", "--frames" },
	{ { "--fps", "-1" }, -ERANGE, "'-1'", "--fps" },
	{ { "--fps", "0" }, -ERANGE, "'0'", "--fps" },
	{ { "--fps", "fast" }, -EINVAL, "'fast'", "--fps" },
	{ { "--budget", "nan" }, -EINVAL, "'nan'", "--budget" },
	{ { "-z", "0" }, -EINVAL, "'0'", "size" },
	{ { "-z", "99999999T" }, -ERANGE, "'99999999T'", "size" },
	{ { "-z", "64K,100" }, -EINVAL, "'100'", "size" },
	{ { "-o", "" }, -EINVAL, "--output", NULL },
	{ { "-s" }, -EINVAL, "'-s'", NULL },
	{ { "-n", "5", "-s" }, -EINVAL, "'-s'", NULL },
	{ { "--fps" }, -EINVAL, "'--fps'", NULL },
	{ { "-q", "stray" }, -EINVAL, "'stray'", NULL },
	{ { "stray", "-q" }, -EINVAL, "'stray'", NULL },
	{ { "--json=yes" }, -EINVAL, "--json", NULL },
	{ { "--quick=1" }, -EINVAL, "--quick", NULL },
	{ { "-e", "," }, -EINVAL, "--events", NULL },
	{ { "-e", "none,cycles" }, -EINVAL, "'none'", "--events" },
	{ { "-e", "cycles", "-e", "none" }, -EINVAL, "'none'", "--events" },
	{ { "-e" }, -EINVAL, "'-e'", NULL },
	{ { "--inject", "stale=-1" }, -EINVAL, "'-1'", "--inject" },
	{ { "--inject", "foo=1" }, -EINVAL, "'foo'", "--inject" },
	{ { "--inject", "delay=" }, -EINVAL, "delay=", "--inject" },
	{ { "--inject", "stale=0" }, -ERANGE, "'0'", "--inject" },
	{ { "--inject", "stale=1", "--inject", "stale=2" }, -EINVAL, "stale=2", "--inject" },
	{ { "--inject" }, -EINVAL, "'--inject'", NULL },
};

static void test_bad_input_is_refused_by_name(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct dmab_run_options o;
		char err[DMAB_ERRLEN], line[128] = "run";
		struct args a;
		int ret, k;

		for (k = 0; c->words[k]; k++)
			snprintf(line + strlen(line), sizeof(line) - strlen(line), " %s",
				 c->words[k]);
		args_make(&a, c->words);
		ret = parse(&a, &o, err, sizeof(err));
		if (ret != c->ret)
			fail_msg("`%s`: returned %d, want %d (%s)", line, ret, c->ret, err);
		if (!strstr(err, c->names))
			fail_msg("`%s`: message \"%s\" does not name %s", line, err, c->names);
		if (c->option && !strstr(err, c->option))
			fail_msg("`%s`: message \"%s\" does not name %s", line, err, c->option);
	}
}

/*
 * Regression: a flag that has a short name, given a value, was reported by
 * that short name (`run --quiet=yes`: "unknown option '-q'"), an option the
 * user did not type. The message must name what was typed.
 */
static void test_flag_given_a_value_is_named(void **state)
{
	static const struct {
		const char *word, *names;
	} cases[] = {
		{ "--quiet=yes", "--quiet" },
		{ "--help=yes", "--help" },
	};
	char failures[512] = "";
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *const words[] = { cases[i].word, NULL };
		struct dmab_run_options o;
		char err[DMAB_ERRLEN];
		struct args a;
		int ret;

		args_make(&a, words);
		ret = parse(&a, &o, err, sizeof(err));
		if (ret != -EINVAL || !strstr(err, cases[i].names))
			snprintf(failures + strlen(failures), sizeof(failures) - strlen(failures),
				 "\n  `run %s`: returned %d, \"%s\"", cases[i].word, ret, err);
	}
	if (*failures)
		fail_msg("the message does not name the option typed:%s", failures);
}

/*
 * Regression: resetting getopt with `optind = 1` left glibc's position inside
 * the previous argv (its private nextchar), so the next parse read the rest
 * of that old word from memory the caller may have reused, and `run -n 5`
 * failed with "unexpected argument '5'". glibc's full reset is `optind = 0`.
 */
static void test_parse_forgets_the_previous_command_line(void **state)
{
	static const char *const first_lines[][2] = {
		{ "-q", NULL },		/* a parse that succeeded */
		{ "-hq", NULL },	/* help, with -q not yet read */
		{ "-xq", NULL },	/* an unknown option, with -q not yet read */
	};
	static const char *const clean[] = { "-n", "5", NULL };
	char failures[1024] = "";
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(first_lines); i++) {
		struct dmab_run_options o;
		char err[DMAB_ERRLEN];
		struct args first, second;
		int ret;

		args_make(&first, first_lines[i]);
		parse(&first, &o, err, sizeof(err));
		/* the caller is done with its argv and reuses the memory */
		memset(first.start, 'q', first.len);
		arena_copy("");		/* ends the reused memory */
		args_make(&second, clean);
		ret = parse(&second, &o, err, sizeof(err));
		if (ret || o.frames != 5 || o.quiet)
			snprintf(failures + strlen(failures), sizeof(failures) - strlen(failures),
				 "\n  `run -n 5` after `run %s`: returned %d (%s), frames %llu, "
				 "quiet %d", first_lines[i][0], ret, err,
				 (unsigned long long)o.frames, o.quiet);
	}
	if (*failures)
		fail_msg("a parse depends on the one before:%s", failures);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_command_line),
		cmocka_unit_test(test_long_forms_and_lists),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_inject),
		cmocka_unit_test(test_backends),
		cmocka_unit_test(test_no_options),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_bad_input_is_refused_by_name),
		/* regressions: see the comments above them */
		cmocka_unit_test(test_flag_given_a_value_is_named),
		cmocka_unit_test(test_parse_forgets_the_previous_command_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
