// SPDX-License-Identifier: GPL-2.0
/*
 * dmabench crossover on small result documents built here (and read back
 * through the loader compare uses): where cached-sync carveout falls below
 * uncached carveout, or not, as a user would read it: a clean cross, the
 * other way round, cheaper everywhere, within noise, two flips, a skipped
 * size, stale data, a difference below one timestamp, no noise floor; what
 * is left out and why; the control never compared; the caveats.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"

#include "../../analysis/compare.h"
#include "../../analysis/crossover.h"

#define MAX_SIZES 4
#define SKIP (-1.0)	/* a size the configuration was skipped at */
#define STALE (-2.0)	/* a size where it saw stale data */
#define NO_FLOOR (-1.0)	/* the run measured no noise floor */

static const json_int_t sizes[MAX_SIZES] = { 64 << 10, 256 << 10, 1 << 20, 16 << 20 };

/*
 * One result at @size: cpu_cost's pooled median is 1.5 x @ns, its
 * repetitions' medians 0.97, 1 and 1.04 x @ns: the value compared must be
 * the median of the repetition medians, @ns, as compare takes it.
 */
static json_t *result(const char *strategy, json_int_t size, double ns, int emulated)
{
	static const double spread[] = { 0.97, 1, 1.04 };
	json_t *reps = json_array();
	double v = ns == STALE ? 90 : ns;
	size_t k;

	if (ns == SKIP) {
		json_decref(reps);
		return json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:b, s:{}, s:n, s:[]}",
				 "strategy", strategy, "backend", "carveout", "workload", "capture",
				 "pattern", "read", "size_bytes", size,
				 "skipped", "no /dev/dmabench: dmabench.ko is not loaded",
				 "failed", 0, "phases", "integrity", "repetitions");
	}
	for (k = 0; k < ARRAY_SIZE(spread); k++)
		json_array_append_new(reps, json_pack("{s:i, s:{s:I}}", "n", 20, "p50_ns",
						      "cpu_cost",
						      (json_int_t)llround(v * spread[k])));
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:n, s:{s:{s:i, s:I}}, s:{s:s}, s:o, "
			 "s:{s:b}}",
			 "strategy", strategy, "backend", "carveout", "workload", "capture",
			 "pattern", "read", "size_bytes", size, "skipped",
			 "phases", "cpu_cost", "n", 60, "p50_ns", (json_int_t)llround(v * 1.5),
			 "integrity", "verdict", ns == STALE ? "stale" : "ok", "repetitions", reps,
			 "device", "emulated", emulated);
}

struct doc {
	size_t n;			/* sizes */
	double a[MAX_SIZES];		/* cached-sync carveout's cpu_cost (SKIP, STALE) */
	double b[MAX_SIZES];		/* uncached carveout's */
	double floor_pct;		/* NO_FLOOR: none */
	int no_group_at;		/* a size without a noise group (worst_pct), or -1 */
	double overhead_ns;		/* one timestamp */
};

/* A run's document: a, b and the control at each size, read back as compare reads it. */
static json_t *document(const struct doc *d, const char *virtualized, int emulated)
{
	json_t *results = json_array(), *groups = json_array(), *doc, *loaded = NULL;
	char err[256], *text;
	size_t i;
	int ret;

	for (i = 0; i < d->n; i++) {
		json_array_append_new(results, result("cached-sync", sizes[i], d->a[i], emulated));
		json_array_append_new(results, result("uncached", sizes[i], d->b[i], emulated));
		/* the control, far cheaper at every size: never a finding */
		json_array_append_new(results, result("cached-nosync", sizes[i], 1, emulated));
		if ((int)i != d->no_group_at)
			json_array_append_new(groups, json_pack(
				"{s:s, s:I, s:s, s:s, s:s, s:f}", "workload", "capture",
				"size_bytes", sizes[i], "strategy", "uncached", "backend", "carveout",
				"pattern", "read", "floor_pct", d->floor_pct));
	}
	doc = json_pack("{s:i, s:{s:{s:f}, s:{s:o?, s:s, s:s}}, s:o, s:o}", "schema_version", 2,
			"environment", "timer", "overhead_ns", d->overhead_ns,
			"virtualization", "virtualized", virtualized ? json_loads(virtualized,
			JSON_DECODE_ANY, NULL) : NULL, "name", "QEMU virt machine", "source",
			"device tree", "results", results, "noise_floor",
			d->floor_pct == NO_FLOOR ? json_null() :
			json_pack("{s:s, s:s, s:o, s:f}", "metric", "cpu_cost", "method", "A/A",
				  "groups", groups, "worst_pct", 2 * d->floor_pct));
	if (d->floor_pct == NO_FLOOR)
		json_decref(groups);
	text = json_dumps(doc, JSON_COMPACT);
	assert_non_null(text);
	ret = dmab_result_load_buffer(text, strlen(text), "test.json", &loaded, err, sizeof(err));
	if (ret)
		fail_msg("the loader refused the test's document: %s", err);
	free(text);
	json_decref(doc);
	return loaded;
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "(null)";
}

/* The pair's record (there is one pair: cached-sync and uncached carveout). */
static const json_t *pair_record(const json_t *records)
{
	const json_t *rec, *found = NULL;
	size_t i;

	json_array_foreach(records, i, rec)
		if (strcmp(str(rec, "finding"), "left_out")) {
			assert_null(found);
			found = rec;
		}
	return found;
}

static size_t left_out_records(const json_t *records)
{
	const json_t *rec;
	size_t i, n = 0;

	json_array_foreach(records, i, rec)
		n += !strcmp(str(rec, "finding"), "left_out");
	return n;
}

#define FLOOR4(...) { 4, { __VA_ARGS__ }, { 100, 100, 100, 100 }, 4.0, -1, 15 }

static const struct crossover_case {
	const char *name;
	struct doc doc;
	const char *finding;
	const char *cheaper;		/* the record's strategy: S */
	json_int_t from, dearer_to;	/* 0: null */
	const char *text;		/* in the line (the whole line where it starts "crossover ") */
	size_t left;			/* entries of the pair's left_out */
	size_t left_records;
} cases[] = {
	{ "a clean cross: cached-sync dearer at 64 KiB, cheaper from 256 KiB up",
	  FLOOR4(131, 72, 50, 18), "crossover", "cached-sync", 256 << 10, 64 << 10,
	  "crossover capture read 64KiB..16MiB: cached-sync carveout cheaper than uncached "
	  "carveout from 256KiB up (x1.31 at 64KiB, x0.72 at 256KiB, x0.18 at 16MiB; noise "
	  "floor +-4%)", 0, 0 },
	{ "the other way round: named by the cheaper at the largest size",
	  FLOOR4(50, 60, 180, 400), "crossover", "uncached", 1 << 20, 256 << 10,
	  "uncached carveout cheaper than cached-sync carveout from 1MiB up (x2.00 at 64KiB, "
	  "x1.67 at 256KiB, x0.56 at 1MiB, x0.25 at 16MiB; noise floor +-4%)", 0, 0 },
	{ "cheaper everywhere", FLOOR4(80, 60, 40, 20), "cheaper_everywhere", "cached-sync", 0,
	  0, "cached-sync carveout cheaper than uncached carveout everywhere (x0.80 at 64KiB, "
	  "x0.20 at 16MiB; noise floor +-4%)", 0, 0 },
	{ "dearer everywhere: said as the other one cheaper everywhere", FLOOR4(120, 150, 200, 900),
	  "cheaper_everywhere", "uncached", 0, 0,
	  "uncached carveout cheaper than cached-sync carveout everywhere", 0, 0 },
	{ "within the noise floor everywhere", FLOOR4(103, 97, 102, 97), "within_noise",
	  "cached-sync", 0, 0,
	  "cached-sync carveout and uncached carveout within noise everywhere", 0, 0 },
	{ "the same, with a floor of 2%: 3% is cheaper, and it flips twice",
	  { 4, { 103, 97, 102, 97 }, { 100, 100, 100, 100 }, 2.0, -1, 0.5 }, "flips",
	  "cached-sync", 0, 0,
	  "cached-sync carveout against uncached carveout flips more than once: dearer at "
	  "64KiB, cheaper at 256KiB, dearer at 1MiB, cheaper at 16MiB", 0, 0 },
	{ "two flips: cheaper, dearer, cheaper", FLOOR4(80, 130, 70, 60), "flips", "cached-sync",
	  0, 0, "flips more than once: cheaper at 64KiB, dearer at 256KiB, cheaper at "
	  "1MiB..16MiB", 0, 0 },
	{ "a skipped size: compared at the others, said", FLOOR4(131, SKIP, 50, 18), "crossover",
	  "cached-sync", 1 << 20, 64 << 10,
	  "cheaper than uncached carveout from 1MiB up (x1.31 at 64KiB, x0.50 at 1MiB, x0.18 at "
	  "16MiB; noise floor +-4%; not compared at 256KiB (cached-sync carveout: skipped: no "
	  "/dev/dmabench: dmabench.ko is not loaded))", 1, 1 },
	{ "stale data at a size: left out there", FLOOR4(131, 72, STALE, 18), "crossover",
	  "cached-sync", 256 << 10, 64 << 10,
	  "not compared at 1MiB (cached-sync carveout: integrity stale)", 1, 1 },
	{ "a cross through noise: within the floor at 256 KiB", FLOOR4(130, 101, 50, 18),
	  "crossover_within_noise", "cached-sync", 1 << 20, 64 << 10,
	  "cached-sync carveout crosses uncached carveout between 64KiB and 1MiB: dearer up to "
	  "64KiB, cheaper from 1MiB, within noise at 256KiB", 0, 0 },
	{ "cheaper at the large sizes, within noise below: no cross",
	  FLOOR4(102, 99, 50, 18), "cheaper_or_within_noise", "cached-sync", 0, 0,
	  "cached-sync carveout cheaper than uncached carveout at 1MiB..16MiB, within noise at "
	  "64KiB..256KiB, never dearer", 0, 0 },
	{ "10 ns apart at 100 ns: below one timestamp (15 ns), whatever the floor",
	  { 4, { 110, 110, 1100, 2200 }, { 100, 100, 1000, 1000 }, 4.0, -1, 15 },
	  "cheaper_or_within_noise", "uncached", 0, 0, "within noise at 64KiB..256KiB", 0, 0 },
	{ "no noise floor measured: 5% assumed, and said",
	  { 2, { 1040, 900 }, { 1000, 1000 }, NO_FLOOR, -1, 15 }, "cheaper_or_within_noise",
	  "cached-sync", 0, 0, "noise floor not measured: +-5% assumed", 0, 0 },
	{ "no noise group at 256 KiB: the file's worst floor (8%) there",
	  { 4, { 131, 93, 50, 18 }, { 100, 100, 100, 100 }, 4.0, 1, 15 },
	  "crossover_within_noise", "cached-sync", 1 << 20, 64 << 10, "noise floor +-4-8%", 0,
	  0 },
};

static void test_findings(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct crossover_case *c = &cases[i];
		json_t *doc = document(&c->doc, "false", 0), *records = NULL;
		const json_t *rec, *e;
		const char *text;

		assert_int_equal(dmab_crossover(doc, &records), 0);
		rec = pair_record(records);
		if (!rec)
			fail_msg("%s: no pair record", c->name);
		if (strcmp(str(rec, "finding"), c->finding))
			fail_msg("%s: finding %s, want %s (%s)", c->name, str(rec, "finding"),
				 c->finding, str(rec, "text"));
		if (strcmp(str(rec, "strategy"), c->cheaper))
			fail_msg("%s: named %s first, want %s", c->name, str(rec, "strategy"),
				 c->cheaper);
		CHECK_U64(c->name, "from_bytes", json_integer_value(json_object_get(rec,
										   "from_bytes")),
			  c->from);
		CHECK_U64(c->name, "dearer_to_bytes",
			  json_integer_value(json_object_get(rec, "dearer_to_bytes")), c->dearer_to);
		CHECK_U64(c->name, "from_bytes is null", json_is_null(json_object_get(rec,
										     "from_bytes")),
			  !c->from);
		text = str(rec, "text");
		if (strncmp(c->text, "crossover ", 10) ? !strstr(text, c->text) :
		    strcmp(text, c->text))
			fail_msg("%s: the line\n  %s\nwants\n  %s", c->name, text, c->text);
		CHECK_U64(c->name, "left_out entries",
			  json_array_size(json_object_get(rec, "left_out")), c->left);
		CHECK_U64(c->name, "left_out records", left_out_records(records), c->left_records);
		/* the values are compare's: the medians of the repetition medians */
		json_array_foreach(json_object_get(rec, "sizes"), k, e)
			if (strcmp(str(e, "values"), "repetition medians"))
				fail_msg("%s: values %s", c->name, str(e, "values"));
		/* the control is never compared, nor left out */
		json_array_foreach(records, k, e)
			if (strstr(str(e, "text"), "cached-nosync"))
				fail_msg("%s: the control in %s", c->name, str(e, "text"));
		/* bare metal, a real device: no caveat */
		assert_true(json_is_null(json_object_get(rec, "caveat")));
		json_decref(records);
		json_decref(doc);
	}
}

/* The sizes' entries: what a script reads. */
static void test_sizes(void **state)
{
	struct doc d = FLOOR4(131, 72, 50, 18);
	json_t *doc = document(&d, "false", 0), *records;
	const json_t *first;

	(void)state;
	assert_int_equal(dmab_crossover(doc, &records), 0);
	assert_int_equal(json_array_size(records), 1);
	first = json_array_get(json_object_get(pair_record(records), "sizes"), 0);
	CHECK_U64("64KiB", "size_bytes", json_integer_value(json_object_get(first, "size_bytes")),
		  64 << 10);
	assert_true(fabs(json_number_value(json_object_get(first, "value_ns")) - 131) < 1e-9);
	assert_true(fabs(json_number_value(json_object_get(first, "reference_ns")) - 100) < 1e-9);
	assert_true(fabs(json_number_value(json_object_get(first, "ratio")) - 1.31) < 1e-9);
	assert_string_equal(str(first, "class"), "dearer");
	assert_string_equal(str(first, "floor_source"), "group");
	assert_true(fabs(json_number_value(json_object_get(first, "floor_pct")) - 4) < 1e-9);
	json_decref(records);
	json_decref(doc);
}

/* A left-out configuration's own record: where, and why. */
static void test_left_out(void **state)
{
	struct doc d = FLOOR4(SKIP, SKIP, SKIP, 18);
	json_t *doc = document(&d, "false", 0), *records;
	const json_t *rec;

	(void)state;
	assert_int_equal(dmab_crossover(doc, &records), 0);
	/* usable at one size only: no pair, one record saying so */
	assert_int_equal(json_array_size(records), 1);
	rec = json_array_get(records, 0);
	assert_string_equal(str(rec, "finding"), "left_out");
	assert_string_equal(str(rec, "strategy"), "cached-sync");
	assert_true(json_is_null(json_object_get(rec, "reference")));
	assert_int_equal(json_array_size(json_object_get(rec, "left_out")), 3);
	assert_string_equal(str(rec, "text"),
			    "crossover capture read: cached-sync carveout left out at 64KiB, 256KiB, "
			    "1MiB (skipped: no /dev/dmabench: dmabench.ko is not loaded); fewer "
			    "than 2 sizes left: compared with none");
	json_decref(records);
	json_decref(doc);
}

/* One size: nothing crosses, nothing is said. */
static void test_one_size(void **state)
{
	struct doc d = { 1, { 50 }, { 100 }, 4.0, -1, 15 };
	json_t *doc = document(&d, "false", 0), *records;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(dmab_crossover(doc, &records), 0);
	assert_int_equal(json_array_size(records), 0);
	f = open_memstream(&out, &len);
	assert_non_null(f);
	dmab_crossover_print_summary(f, records, "r.json");
	fclose(f);
	assert_int_equal(len, 0);
	free(out);
	json_decref(records);
	json_decref(doc);
}

/* An emulated device, a VM, or neither known: each line's record says so, the text once. */
static void test_caveats(void **state)
{
	static const struct {
		const char *virtualized;
		int emulated;
		const char *want;	/* NULL: no caveat */
	} cases_[] = {
		{ "false", 0, NULL },
		{ "false", 1, "the device is emulated" },
		{ "true", 0, "the kernel runs in a virtual machine (QEMU virt machine)" },
		{ "null", 0, "whether the kernel runs in a virtual machine could not be told "
			     "(device tree)" },
		{ NULL, 0, "could not be told" },
	};
	struct doc d = FLOOR4(131, 72, 50, 18);
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases_); i++) {
		json_t *doc = document(&d, cases_[i].virtualized, cases_[i].emulated), *records;
		const json_t *caveat;
		char *out = NULL;
		size_t len = 0;
		FILE *f;

		assert_int_equal(dmab_crossover(doc, &records), 0);
		caveat = json_object_get(json_array_get(records, 0), "caveat");
		if (!cases_[i].want) {
			assert_true(json_is_null(caveat));
		} else if (!strstr(str(json_array_get(records, 0), "caveat"), cases_[i].want) ||
			   !strstr(json_string_value(caveat), "of this machine's CPU costs only")) {
			fail_msg("case %zu: caveat '%s', want '%s'", i,
				 json_string_value(caveat), cases_[i].want);
		}
		f = open_memstream(&out, &len);
		assert_non_null(f);
		dmab_crossover_print_text(f, records);
		fclose(f);
		assert_int_equal(strstr(out, "crossover note: ") != NULL, cases_[i].want != NULL);
		free(out);
		json_decref(records);
		json_decref(doc);
	}
}

/* What run prints: the pairs that cross, then one line for the rest. */
static void test_summary(void **state)
{
	struct doc d = FLOOR4(131, 72, 50, 18), e = FLOOR4(80, 60, 40, 20);
	json_t *doc = document(&d, "true", 1), *other = document(&e, "false", 0), *records, *more;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(dmab_crossover(doc, &records), 0);
	f = open_memstream(&out, &len);
	assert_non_null(f);
	dmab_crossover_print_summary(f, records, "results/r.json");
	fclose(f);
	assert_non_null(strstr(out, "cached-sync carveout cheaper than uncached carveout from "
				    "256KiB up"));
	assert_non_null(strstr(out, "\ncrossover: 1 of 1 pair crosses (above); every line: "
				    "dmabench crossover results/r.json\n"));
	assert_non_null(strstr(out, "\ncrossover note: these crossovers are of this machine's "
				    "CPU costs only"));
	free(out);
	/* cheaper everywhere: no line of its own, counted */
	assert_int_equal(dmab_crossover(other, &more), 0);
	out = NULL;
	f = open_memstream(&out, &len);
	assert_non_null(f);
	dmab_crossover_print_summary(f, more, NULL);
	fclose(f);
	assert_string_equal(out, "crossover: none of 1 pair crosses; of the rest, 1 cheaper "
			    "everywhere; every line: dmabench crossover RESULT.json\n");
	free(out);
	json_decref(more);
	json_decref(records);
	json_decref(other);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_findings),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_left_out),
		cmocka_unit_test(test_one_size),
		cmocka_unit_test(test_caveats),
		cmocka_unit_test(test_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
