// SPDX-License-Identifier: GPL-2.0
/*
 * The run's journal read back: what a crash at any point leaves (a record
 * cut short at any byte, nothing at all, garbage), which configurations it
 * names in flight, and the result file `dmabench recover` makes of it. The
 * journals are written by the run's own hooks over a planned run whose
 * frames are made up here.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "check.h"

#include "../../harness/journal.h"
#include "../../harness/patterns.h"
#include "../../harness/report.h"
#include "../../harness/workload.h"

#define REPEAT 3
#define FRAMES 50

static char dir[] = "/tmp/dmab-test-journal-XXXXXX";

/*
 * Four configurations of capture at 64 KiB: cached-sync read, its A/A twin,
 * coherent read, and uncached, which cannot run here (skipped).
 */
static void plan(struct dmab_run *run)
{
	static const struct dmab_strategy *const strategies[] = {
		&dmab_user_cached_sync, &dmab_user_cached_sync, &dmab_user_coherent,
		&dmab_kmod_uncached,
	};
	size_t i;

	memset(run, 0, sizeof(*run));
	run->n_cells = ARRAY_SIZE(strategies);
	run->cells = calloc(run->n_cells, sizeof(*run->cells));
	assert_non_null(run->cells);
	run->repeat = REPEAT;
	run->opt.repeat = REPEAT;
	snprintf(run->started_utc, sizeof(run->started_utc), "2026-11-29T12:00:00Z");
	for (i = 0; i < run->n_cells; i++) {
		struct dmab_cell *c = &run->cells[i];

		c->strategy = strategies[i];
		c->workload = &dmab_workload_capture;
		c->pattern = dmab_pattern_find("read");
		c->size = 65536;
		c->ring = 4;
		c->line = 64;
	}
	run->cells[1].aa_twin = 1;
	snprintf(run->cells[3].skipped, sizeof(run->cells[3].skipped),
		 "kmod backend: no /dev/dmabench");
	run->cells[3].done = 1;
}

/* Repetition @r of @c: FRAMES frames of each phase the workload times, as rep_end keeps it. */
static void repetition(struct dmab_cell *c, unsigned int r)
{
	struct dmab_repetition *rep;
	unsigned int p;
	uint64_t k;

	c->reps = realloc(c->reps, (c->n_reps + 1) * sizeof(*c->reps));
	assert_non_null(c->reps);
	rep = &c->reps[c->n_reps++];
	memset(rep, 0, sizeof(*rep));
	for (p = 0; p < DMAB_PHASE_COUNT; p++) {
		rep->p50_ns[p] = UINT64_MAX;
		if (!(c->workload->phases & (1u << p)))
			continue;
		for (k = 0; k < FRAMES; k++)
			assert_int_equal(dmab_samples_push(&c->samples[p], 1000 * (p + 1) + 10 * r +
							   k), 0);
		rep->p50_ns[p] = 1000 * (p + 1) + 10 * r + FRAMES / 2 - 1;
	}
	rep->n = FRAMES;
	rep->elapsed_s = 0.01;
	rep->stop_reason = "stable";
	c->stop_reason = "stable";
	c->warmup_frames += 8;
	c->integrity.frames_checked += FRAMES;
	c->integrity.lines_checked += FRAMES * 1024;
}

/*
 * The engine's calls: @sets_done repetitions of the one set finish; with
 * @begin_next the next one begins (and the process dies in it); with
 * @finish the engine ends.
 */
static void write_journal(const char *path, unsigned int sets_done, int begin_next, int finish)
{
	struct dmab_journal j;
	struct dmab_run run;
	json_t *doc;
	unsigned int r;
	size_t i;

	plan(&run);
	doc = dmab_report_json(&run, json_pack("{s:s}", "hostname", "test"), json_object());
	assert_non_null(doc);
	unlink(path);
	assert_int_equal(dmab_journal_create(&j, path), 0);
	assert_int_equal(dmab_journal_start(&j, &run, doc, "results/test.json"), 0);
	json_decref(doc);
	for (r = 0; r < sets_done + !!begin_next; r++) {
		assert_int_equal(dmab_journal_set_begin(&j, &run, 0, run.n_cells, r), 0);
		if (r == sets_done)
			break;	/* killed in the middle of it */
		for (i = 0; i < run.n_cells; i++)
			if (!run.cells[i].done)
				repetition(&run.cells[i], r);
		assert_int_equal(dmab_journal_set_end(&j, &run, 0, run.n_cells, r), 0);
	}
	if (finish)
		assert_int_equal(dmab_journal_done(&j, &run), 0);
	assert_true(j.bytes <= dmab_journal_size_estimate(&run, 4096));
	dmab_journal_close(&j, 0);
	dmab_run_free(&run);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	text = malloc((size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return text;
}

static json_t *result_of(json_t *doc, size_t i)
{
	return json_array_get(json_object_get(doc, "results"), i);
}

static const char *stop_reason(json_t *r)
{
	return json_string_value(json_object_get(r, "stop_reason"));
}

static void test_finished_run(void **state)
{
	struct dmab_journal_state st;
	char path[128], err[256];
	json_t *doc, *r;
	size_t i;

	(void)state;
	snprintf(path, sizeof(path), "%s/finished.json.partial", dir);
	write_journal(path, REPEAT, 0, 1);
	assert_int_equal(dmab_journal_load(path, &st, err, sizeof(err)), 0);
	CHECK_U64("finished", "records", st.records, 2 + 2 * REPEAT);
	CHECK_U64("finished", "sets finished", st.sets_finished, REPEAT);
	CHECK_U64("finished", "repetition in flight", st.in_flight_rep, 0);
	assert_true(st.done);
	assert_int_equal(st.ignored_line, 0);
	doc = dmab_journal_recover(&st, path, "2026-11-29T12:01:00Z");
	assert_non_null(doc);
	/* the A/A twin is not a result: it is the noise floor */
	CHECK_U64("finished", "results", json_array_size(json_object_get(doc, "results")), 3);
	assert_true(json_is_false(json_object_get(doc, "interrupted")));
	assert_true(json_is_null(json_object_get(json_object_get(doc, "recovered"), "in_flight")));
	assert_true(json_is_object(json_object_get(doc, "noise_floor")));
	for (i = 0; i < 2; i++) {
		r = result_of(doc, i);
		assert_string_equal(stop_reason(r), "stable");
		assert_true(json_is_true(json_object_get(r, "complete")));
		assert_true(json_is_true(json_object_get(r, "recovered")));
		assert_true(json_is_null(json_object_get(r, "samples")));
		CHECK_U64("finished", "repetitions",
			  json_array_size(json_object_get(r, "repetitions")), REPEAT);
		/* the phases summarize every frame of the finished repetitions */
		CHECK_U64("finished", "frames", json_integer_value(json_object_get(r, "frames")),
			  REPEAT * FRAMES);
		CHECK_U64("finished", "frame n", json_integer_value(json_object_get(
			  json_object_get(json_object_get(r, "phases"), "frame"), "n")),
			  REPEAT * FRAMES);
	}
	r = result_of(doc, 2);
	assert_string_equal(json_string_value(json_object_get(r, "skipped")),
			    "kmod backend: no /dev/dmabench");
	json_decref(doc);
	dmab_journal_state_free(&st);
}

/* Killed in repetition 2: the first one is kept, the set in flight is named crashed. */
static void test_crash_names_the_set_in_flight(void **state)
{
	struct dmab_journal_state st;
	char path[128], err[256], line[1024];
	json_t *doc, *r, *flight;
	size_t i;

	(void)state;
	snprintf(path, sizeof(path), "%s/crash.json.partial", dir);
	write_journal(path, 1, 1, 0);
	assert_int_equal(dmab_journal_load(path, &st, err, sizeof(err)), 0);
	CHECK_U64("crash", "repetition in flight", st.in_flight_rep, 2);
	assert_false(st.done);
	dmab_journal_describe_in_flight(&st, line, sizeof(line));
	assert_string_equal(line, "repetition 2 of 3 of capture 64KiB: cached-sync user read, "
			    "cached-sync user read (its A/A twin), coherent user read");
	doc = dmab_journal_recover(&st, path, "2026-11-29T12:01:00Z");
	assert_non_null(doc);
	assert_true(json_is_true(json_object_get(doc, "interrupted")));
	flight = json_object_get(json_object_get(doc, "recovered"), "in_flight");
	CHECK_U64("crash", "in flight", json_array_size(json_object_get(flight, "configurations")),
		  3);
	CHECK_U64("crash", "in flight repetition",
		  json_integer_value(json_object_get(flight, "repetition")), 2);
	for (i = 0; i < 2; i++) {
		r = result_of(doc, i);
		assert_string_equal(stop_reason(r), "crashed");
		assert_true(json_is_false(json_object_get(r, "complete")));
		assert_true(json_is_null(json_object_get(r, "skipped")));
		CHECK_U64("crash", "repetitions kept",
			  json_array_size(json_object_get(r, "repetitions")), 1);
		CHECK_U64("crash", "frames", json_integer_value(json_object_get(r, "frames")),
			  FRAMES);
	}
	/* one repetition a side: no noise floor */
	assert_true(json_is_null(json_object_get(doc, "noise_floor")));
	/* not in flight, not run: as it was */
	assert_null(stop_reason(result_of(doc, 2)));
	json_decref(doc);
	dmab_journal_state_free(&st);
}

/* Killed in the first repetition: nothing finished, the set in flight is skipped as crashed. */
static void test_crash_in_the_first_repetition(void **state)
{
	struct dmab_journal_state st;
	char path[128], err[256];
	json_t *doc, *r;

	(void)state;
	snprintf(path, sizeof(path), "%s/first.json.partial", dir);
	write_journal(path, 0, 1, 0);
	assert_int_equal(dmab_journal_load(path, &st, err, sizeof(err)), 0);
	doc = dmab_journal_recover(&st, path, "2026-11-29T12:01:00Z");
	assert_non_null(doc);
	r = result_of(doc, 0);
	assert_string_equal(stop_reason(r), "crashed");
	assert_non_null(strstr(json_string_value(json_object_get(r, "skipped")),
			       "crashed: in flight when the run stopped (repetition 1 of 3"));
	CHECK_U64("first", "frames", json_integer_value(json_object_get(r, "frames")), 0);
	assert_true(json_is_false(json_object_get(r, "complete")));
	assert_true(json_is_false(json_object_get(r, "failed")));
	json_decref(doc);
	dmab_journal_state_free(&st);
}

/*
 * A crash can cut the file at any byte. After the header, the reader keeps
 * every whole record before the cut and says how much it ignored; before
 * it, there is nothing to recover and it says so.
 */
static void test_cut_at_any_byte(void **state)
{
	char path[128], err[256];
	size_t len, cut, header_end, whole;
	char *text;

	(void)state;
	snprintf(path, sizeof(path), "%s/cut.json.partial", dir);
	write_journal(path, 2, 1, 0);
	text = slurp(path, &len);
	header_end = (size_t)(strchr(text, '\n') - text) + 1;
	for (cut = 0; cut <= len; cut += (cut < header_end ? 997 : 1)) {
		struct dmab_journal_state st;
		int ret;

		/* every byte near a record's end, every 61st elsewhere */
		if (cut > header_end + 2 && cut + 2 < len && text[cut - 1] != '\n' &&
		    text[cut] != '\n' && text[cut + 1] != '\n' && cut % 61)
			continue;
		ret = dmab_journal_parse(text, cut, &st, err, sizeof(err));
		if (cut < header_end) {
			if (ret != -ENODATA)
				fail_msg("cut at %zu, in the header: %d, want -ENODATA", cut, ret);
			continue;
		}
		if (ret)
			fail_msg("cut at %zu: %d (%s)", cut, ret, err);
		for (whole = cut; whole && text[whole - 1] != '\n'; whole--)
			;
		CHECK_U64("cut", "ignored bytes", st.ignored_bytes, cut - whole);
		if (cut != whole && !st.torn)
			fail_msg("cut at %zu: the cut record is not called torn", cut);
		{
			json_t *doc = dmab_journal_recover(&st, path, "2026-11-29T12:01:00Z");

			if (!doc)
				fail_msg("cut at %zu: nothing recovered", cut);
			json_decref(doc);
		}
		dmab_journal_state_free(&st);
	}
	free(text);
}

/* What is not a journal, or is one damaged: a table of texts after a real header. */
static void test_garbage(void **state)
{
	static const struct garbage_case {
		const char *name;
		int with_header;	/* the real header first */
		const char *text;
		size_t len;		/* 0: strlen */
		int ret;
		size_t ignored_line;	/* 0: none */
		int torn;
	} cases[] = {
		{ "empty", 0, "", 0, -ENODATA, 0, 0 },
		{ "not JSON", 0, "garbage\n", 0, -EPROTO, 0, 0 },
		{ "a JSON line, not a header", 0, "{\"type\":\"begin\"}\n", 0, -EPROTO, 0, 0 },
		{ "another version", 0, "{\"type\":\"header\",\"journal\":2}\n", 0, -EPROTO, 0, 0 },
		{ "a header without its fields", 0, "{\"type\":\"header\",\"journal\":1}\n", 0,
		  -EPROTO, 0, 0 },
		{ "nothing after the header", 1, "", 0, 0, 0, 0 },
		{ "a line of garbage", 1, "not json\n{\"type\":\"done\",\"t\":1,\"signal\":0}\n",
		  0, 0, 2, 0 },
		{ "an empty line", 1, "\n", 0, 0, 2, 0 },
		{ "zeros (a power cut after the size grew)", 1, "\0\0\0\0\0\0\0\0", 8, 0, 2, 1 },
		{ "a cell that does not exist", 1,
		  "{\"type\":\"begin\",\"t\":1,\"repetition\":1,\"cells\":[99]}\n", 0, 0, 2, 0 },
		{ "a repetition past the last", 1,
		  "{\"type\":\"begin\",\"t\":1,\"repetition\":4,\"cells\":[0]}\n", 0, 0, 2, 0 },
		{ "an end without updates", 1,
		  "{\"type\":\"end\",\"t\":1,\"repetition\":1}\n", 0, 0, 2, 0 },
		{ "a second header", 1, "{\"type\":\"header\"}\n", 0, 0, 2, 0 },
		{ "a later version's record", 1, "{\"type\":\"turn\",\"t\":1}\n", 0, 0, 0, 0 },
		{ "a negative time", 1, "{\"type\":\"done\",\"t\":-1,\"signal\":0}\n", 0, 0, 2, 0 },
	};
	char path[128], err[256], *header, *text;
	size_t i, header_len;

	(void)state;
	snprintf(path, sizeof(path), "%s/garbage.json.partial", dir);
	write_journal(path, 0, 0, 0);
	header = slurp(path, &header_len);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct garbage_case *t = &cases[i];
		size_t n = t->len ? t->len : strlen(t->text), total;
		struct dmab_journal_state st;
		int ret;

		total = (t->with_header ? header_len : 0) + n;
		text = malloc(total + 1);
		assert_non_null(text);
		if (t->with_header)
			memcpy(text, header, header_len);
		memcpy(text + (t->with_header ? header_len : 0), t->text, n);
		ret = dmab_journal_parse(text, total, &st, err, sizeof(err));
		if (ret != t->ret)
			fail_msg("%s: %d (%s), want %d", t->name, ret, err, t->ret);
		if (!ret) {
			CHECK_U64(t->name, "ignored line", st.ignored_line, t->ignored_line);
			CHECK_U64(t->name, "torn", st.torn, t->torn);
			CHECK_U64(t->name, "done", st.done, 0);
			dmab_journal_state_free(&st);
		} else if (!err[0]) {
			fail_msg("%s: refused without saying why", t->name);
		}
		free(text);
	}
	free(header);
}

/* A running run holds its journal: recover and the next run leave it alone. */
static void test_in_use(void **state)
{
	struct dmab_journal j, k;
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/held.json.partial", dir);
	unlink(path);
	assert_int_equal(dmab_journal_create(&j, path), 0);
	assert_int_equal(dmab_journal_in_use(path), 1);
	/* and a second run cannot take the same name */
	assert_int_equal(dmab_journal_create(&k, path), -EEXIST);
	dmab_journal_close(&j, 0);
	assert_int_equal(dmab_journal_in_use(path), 0);
	assert_int_equal(dmab_journal_close(&j, 0), 0);
	unlink(path);
}

static int make_dir(void **state)
{
	(void)state;
	dmab_patterns_init();
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finished_run),
		cmocka_unit_test(test_crash_names_the_set_in_flight),
		cmocka_unit_test(test_crash_in_the_first_repetition),
		cmocka_unit_test(test_cut_at_any_byte),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_in_use),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
