// SPDX-License-Identifier: GPL-2.0
/*
 * The staleness oracle: a line of an older frame at its own place is stale,
 * anything else that is not this frame's is corrupt, and the counts a user
 * reads in the result are exact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"

#include "../../harness/oracle.h"

#define SEQ 7		/* the frame the CPU expects */
#define SEQ_OLD 3	/* an older frame */
#define SEQ_PREV 6	/* the frame just before */
#define SEQ_FUTURE 9	/* a frame that has not been written yet */
#define MAX_PLANTS 8

/* What is written over one line of a good frame. */
enum plant_kind {
	PLANT_OLD,		/* the same line of frame SEQ_OLD: stale */
	PLANT_PREV,		/* the same line of frame SEQ_PREV: stale */
	PLANT_RANDOM,		/* random bytes: corrupt */
	PLANT_FLIPPED,		/* this frame's line with one bit of its last word flipped */
	PLANT_FUTURE,		/* the same line of frame SEQ_FUTURE: corrupt, not "stale" */
	PLANT_MISPLACED,	/* the next line of frame SEQ_OLD, at the wrong place */
	PLANT_TORN,		/* SEQ_OLD's first word over this frame's body */
};

struct plant {
	size_t index;
	enum plant_kind kind;
};

struct frames {
	unsigned char *now, *old, *prev, *future;
};

static unsigned char *frame_alloc(size_t size)
{
	unsigned char *p = aligned_alloc(64, size);

	assert_non_null(p);
	return p;
}

static void frames_fill(struct frames *f, size_t size, size_t line)
{
	f->now = frame_alloc(size);
	f->old = frame_alloc(size);
	f->prev = frame_alloc(size);
	f->future = frame_alloc(size);
	dmab_oracle_fill(f->now, size, line, SEQ);
	dmab_oracle_fill(f->old, size, line, SEQ_OLD);
	dmab_oracle_fill(f->prev, size, line, SEQ_PREV);
	dmab_oracle_fill(f->future, size, line, SEQ_FUTURE);
}

static void frames_free(struct frames *f)
{
	free(f->now);
	free(f->old);
	free(f->prev);
	free(f->future);
}

static uint64_t xorshift(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

static size_t line_count(size_t size, size_t line)
{
	return (size + line - 1) / line;
}

/* Bytes of line @index: the last line of a frame may be short. */
static size_t line_bytes(size_t size, size_t line, size_t index)
{
	return size - index * line < line ? size - index * line : line;
}

static void plant(struct frames *f, size_t size, size_t line, const struct plant *p)
{
	size_t at = p->index * line, bytes = line_bytes(size, line, p->index);
	size_t next = (p->index + 1) % line_count(size, line);
	uint64_t rng = 0x243f6a8885a308d3ull + p->index, w;
	size_t k;

	switch (p->kind) {
	case PLANT_OLD:
		memcpy(f->now + at, f->old + at, bytes);
		break;
	case PLANT_PREV:
		memcpy(f->now + at, f->prev + at, bytes);
		break;
	case PLANT_FUTURE:
		memcpy(f->now + at, f->future + at, bytes);
		break;
	case PLANT_RANDOM:
		for (k = 0; k < bytes; k += 8) {
			w = xorshift(&rng);
			memcpy(f->now + at + k, &w, 8);
		}
		break;
	case PLANT_FLIPPED:
		memcpy(&w, f->now + at + bytes - 8, 8);
		w ^= 1ull << 17;
		memcpy(f->now + at + bytes - 8, &w, 8);
		break;
	case PLANT_MISPLACED:
		assert_int_equal(line_bytes(size, line, next), bytes);
		memcpy(f->now + at, f->old + next * line, bytes);
		break;
	case PLANT_TORN:
		memcpy(f->now + at, f->old + at, 8);
		break;
	}
}

struct plant_case {
	const char *name;
	size_t size, line;
	struct plant plants[MAX_PLANTS];
	size_t n_plants;
	uint64_t stale, corrupt;
};

static const struct plant_case plant_cases[] = {
	{ "a clean frame", 1024, 64, { { 0 } }, 0, 0, 0 },
	{ "lines of two older frames are stale", 1024, 64,
	  { { 0, PLANT_OLD }, { 5, PLANT_OLD }, { 15, PLANT_PREV } }, 3, 3, 0 },
	{ "random bytes are corrupt", 1024, 64,
	  { { 2, PLANT_RANDOM }, { 9, PLANT_RANDOM } }, 2, 0, 2 },
	{ "this frame's seq with a flipped word is corrupt", 1024, 64,
	  { { 4, PLANT_FLIPPED } }, 1, 0, 1 },
	{ "a future frame's line is corrupt, not stale", 1024, 64,
	  { { 7, PLANT_FUTURE } }, 1, 0, 1 },
	{ "an older frame's line at the wrong place is corrupt", 1024, 64,
	  { { 3, PLANT_MISPLACED } }, 1, 0, 1 },
	{ "an older seq over this frame's body is corrupt", 1024, 64,
	  { { 11, PLANT_TORN } }, 1, 0, 1 },
	{ "every kind at once, line 64", 1024, 64,
	  { { 0, PLANT_OLD }, { 1, PLANT_PREV }, { 3, PLANT_RANDOM }, { 6, PLANT_FLIPPED },
	    { 8, PLANT_FUTURE }, { 10, PLANT_MISPLACED }, { 12, PLANT_TORN },
	    { 15, PLANT_PREV } }, 8, 3, 5 },
	{ "every kind at once, line 32", 1024, 32,
	  { { 0, PLANT_OLD }, { 1, PLANT_PREV }, { 3, PLANT_RANDOM }, { 6, PLANT_FLIPPED },
	    { 8, PLANT_FUTURE }, { 10, PLANT_MISPLACED }, { 12, PLANT_TORN },
	    { 31, PLANT_PREV } }, 8, 3, 5 },
	{ "every kind at once, line 128", 2048, 128,
	  { { 0, PLANT_OLD }, { 1, PLANT_PREV }, { 3, PLANT_RANDOM }, { 6, PLANT_FLIPPED },
	    { 8, PLANT_FUTURE }, { 10, PLANT_MISPLACED }, { 12, PLANT_TORN },
	    { 15, PLANT_PREV } }, 8, 3, 5 },
	{ "a stale short last line (192 bytes, line 128)", 192, 128,
	  { { 1, PLANT_OLD } }, 1, 1, 0 },
	{ "a corrupt short last line (192 bytes, line 128)", 192, 128,
	  { { 1, PLANT_FLIPPED } }, 1, 0, 1 },
	{ "every line stale", 256, 64,
	  { { 0, PLANT_OLD }, { 1, PLANT_PREV }, { 2, PLANT_OLD }, { 3, PLANT_PREV } }, 4, 4, 0 },
};

static void test_oracle_counts_planted_lines(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(plant_cases) / sizeof(plant_cases[0]); i++) {
		const struct plant_case *c = &plant_cases[i];
		struct dmab_integrity acc = { 0 };
		struct frames f;
		uint64_t bad;

		frames_fill(&f, c->size, c->line);
		for (j = 0; j < c->n_plants; j++)
			plant(&f, c->size, c->line, &c->plants[j]);
		bad = dmab_oracle_check(f.now, c->size, c->line, SEQ, 0, &acc);
		CHECK_U64(c->name, "stale_lines", acc.stale_lines, c->stale);
		CHECK_U64(c->name, "corrupt_lines", acc.corrupt_lines, c->corrupt);
		CHECK_U64(c->name, "lines_checked", acc.lines_checked,
			  line_count(c->size, c->line));
		CHECK_U64(c->name, "frames_checked", acc.frames_checked, 1);
		CHECK_U64(c->name, "the return value", bad, c->stale + c->corrupt);
		frames_free(&f);
	}
}

static void test_oracle_accumulates_over_frames(void **state)
{
	const size_t size = 1024, line = 64;
	struct dmab_integrity acc = { 0 };
	unsigned char *next = frame_alloc(size);
	struct frames f;
	struct plant p;
	uint64_t bad;

	(void)state;
	frames_fill(&f, size, line);
	p = (struct plant){ 2, PLANT_OLD };
	plant(&f, size, line, &p);
	p = (struct plant){ 13, PLANT_PREV };
	plant(&f, size, line, &p);
	bad = dmab_oracle_check(f.now, size, line, SEQ, 0, &acc);
	assert_int_equal(bad, 2);

	/* the next frame, SEQ + 1, with one line of SEQ and one of garbage */
	dmab_oracle_fill(next, size, line, SEQ + 1);
	memcpy(next + 4 * line, f.now + 4 * line, line);
	memset(next + 9 * line, 0xa5, line);
	bad = dmab_oracle_check(next, size, line, SEQ + 1, 0, &acc);
	assert_int_equal(bad, 2);	/* this call's lines, not the running total */

	assert_int_equal(acc.frames_checked, 2);
	assert_int_equal(acc.lines_checked, 2 * size / line);
	assert_int_equal(acc.stale_lines, 3);
	assert_int_equal(acc.corrupt_lines, 1);
	free(next);
	frames_free(&f);
}

static void xor_every_word(unsigned char *frame, size_t size, uint64_t mask)
{
	size_t k;
	uint64_t w;

	for (k = 0; k < size; k += 8) {
		memcpy(&w, frame + k, 8);
		w ^= mask;
		memcpy(frame + k, &w, 8);
	}
}

/* A rmw pass XORs DMAB_ORACLE_RMW_MASK into the frame; the check must see through it. */
static void test_oracle_rmw_mask(void **state)
{
	const size_t size = 1024, line = 64, lines = size / line;
	struct dmab_integrity with = { 0 }, without = { 0 }, stale = { 0 };
	struct frames f;
	struct plant p = { 5, PLANT_OLD };

	(void)state;
	frames_fill(&f, size, line);
	xor_every_word(f.now, size, DMAB_ORACLE_RMW_MASK);
	assert_int_equal(dmab_oracle_check(f.now, size, line, SEQ, DMAB_ORACLE_RMW_MASK, &with),
			 0);
	assert_int_equal(with.stale_lines, 0);
	assert_int_equal(with.corrupt_lines, 0);
	assert_int_equal(with.lines_checked, lines);
	assert_string_equal(dmab_integrity_verdict(&with), "ok");

	assert_int_equal(dmab_oracle_check(f.now, size, line, SEQ, 0, &without), lines);
	assert_int_equal(without.stale_lines, 0);
	assert_int_equal(without.corrupt_lines, lines);
	assert_string_equal(dmab_integrity_verdict(&without), "corrupt");

	/* a stale line the CPU then rmw'd is still stale */
	xor_every_word(f.now, size, DMAB_ORACLE_RMW_MASK);
	plant(&f, size, line, &p);
	xor_every_word(f.now, size, DMAB_ORACLE_RMW_MASK);
	assert_int_equal(dmab_oracle_check(f.now, size, line, SEQ, DMAB_ORACLE_RMW_MASK, &stale),
			 1);
	assert_int_equal(stale.stale_lines, 1);
	assert_int_equal(stale.corrupt_lines, 0);
	frames_free(&f);
}

static const struct {
	size_t size, line;
} device_cases[] = {
	{ 64, 32 }, { 64, 64 }, { 64, 128 }, { 128, 32 }, { 192, 64 }, { 192, 128 },
	{ 320, 128 }, { 4096, 32 }, { 4096, 64 }, { 4096, 128 }, { 65536, 64 },
	{ 65536 + 192, 128 },
};

/* The emulated device must write exactly the frame the oracle expects. */
static void test_oracle_fill_device_matches_fill(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(device_cases) / sizeof(device_cases[0]); i++) {
		size_t size = device_cases[i].size, line = device_cases[i].line;
		unsigned char *plain = frame_alloc(size), *device = frame_alloc(size);
		struct dmab_integrity acc = { 0 };

		memset(plain, 0x11, size);
		memset(device, 0xee, size);
		dmab_oracle_fill(plain, size, line, SEQ);
		dmab_oracle_fill_device(device, size, line, SEQ);
		if (memcmp(plain, device, size))
			fail_msg("size %zu, line %zu: fill_device differs from fill", size, line);
		assert_int_equal(dmab_oracle_check(device, size, line, SEQ, 0, &acc), 0);
		assert_int_equal(acc.lines_checked, line_count(size, line));
		free(plain);
		free(device);
	}
}

static const struct {
	struct dmab_integrity in;
	const char *verdict;
} verdict_cases[] = {
	{ { 0, 0, 0, 0 }, "not_checked" },
	{ { 1, 16, 0, 0 }, "ok" },
	{ { 100, 1600, 0, 0 }, "ok" },
	{ { 1, 16, 2, 0 }, "stale" },
	{ { 1, 16, 0, 1 }, "corrupt" },
	{ { 3, 48, 5, 1 }, "corrupt" },
};

static void test_integrity_verdict(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(verdict_cases) / sizeof(verdict_cases[0]); i++)
		assert_string_equal(dmab_integrity_verdict(&verdict_cases[i].in),
				    verdict_cases[i].verdict);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oracle_counts_planted_lines),
		cmocka_unit_test(test_oracle_accumulates_over_frames),
		cmocka_unit_test(test_oracle_rmw_mask),
		cmocka_unit_test(test_oracle_fill_device_matches_fill),
		cmocka_unit_test(test_integrity_verdict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
