// SPDX-License-Identifier: GPL-2.0
/*
 * dmabench compare's verdicts: what a user reads as slower, faster, no
 * change or untested, and what fails a CI gate, on small result documents
 * built here; the threshold each configuration used and why; alloc's
 * attempts that got no buffer, judged by their rate; what the loader
 * refuses in the repetitions, the noise floor and alloc_failures.
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
#include <unistd.h>

#include <cmocka.h>

#include "check.h"

#include "../../analysis/compare.h"
#include "../../analysis/stats.h"

#define FRAMES 50
#define MAX_REPS 8

/* The spread of the repetition medians around their median, in parts per thousand. */
static const int rep_spread[MAX_REPS] = { -15, 10, 0, -5, 15, 5, -10, 20 };

struct shape {
	double cpu_ns, device_ns;	/* medians of cpu_cost and device_write */
	double cpu_scale, device_scale;	/* this file's slowdown of each */
	int reps;			/* repetitions; 0: none (as before version 2) */
	int empty_reps;			/* of them, interrupted with no frame */
	int version;			/* 1: no cpu_cost, no repetitions */
	int samples;
	int stale;
};

static json_t *phase_summary(double p50)
{
	return json_pack("{s:I, s:I}", "n", (json_int_t)FRAMES, "p50_ns", (json_int_t)llround(p50));
}

/* N frames around @p50 (spread 10%), as kept samples. */
static json_t *phase_samples(double p50)
{
	json_t *ns = json_array();
	size_t i;

	for (i = 0; i < FRAMES; i++)
		json_array_append_new(ns, json_integer(llround(p50 * (0.95 + (double)((i * 37) %
										   FRAMES) / 10 / FRAMES))));
	return json_pack("{s:o}", "ns", ns);
}

/*
 * One capture result at 64KiB: cpu_cost, device_write and the frame (their
 * sum), pooled medians and per-repetition medians.
 */
static json_t *result(const struct shape *s)
{
	double cpu = s->cpu_ns * s->cpu_scale, dev = s->device_ns * s->device_scale;
	json_t *r, *phases = json_object(), *reps = json_array(), *samples;
	int k;

	if (s->version != 1)
		json_object_set_new(phases, "cpu_cost", phase_summary(cpu));
	json_object_set_new(phases, "device_write", phase_summary(dev));
	json_object_set_new(phases, "frame", phase_summary(cpu + dev));
	r = json_pack("{s:s, s:s, s:s, s:s, s:I, s:n, s:o, s:{s:f}, s:{s:s, s:I, s:I}}",
		      "strategy", "cached-sync", "backend", "user", "workload", "capture",
		      "pattern", "read", "size_bytes", (json_int_t)65536, "skipped",
		      "phases", phases, "throughput_mbps", "frame", 65536e3 / (cpu + dev),
		      "integrity", "verdict", s->stale ? "stale" : "ok", "stale_lines",
		      (json_int_t)s->stale, "corrupt_lines", (json_int_t)0);
	for (k = 0; k < s->reps && s->version != 1; k++) {
		double f = 1 + rep_spread[k] / 1000.0;
		int empty = k < s->empty_reps;

		/* an interrupted repetition's medians are nonsense: they must be ignored */
		json_array_append_new(reps, json_pack("{s:i, s:s, s:f, s:{s:I, s:I, s:I}}",
						      "n", empty ? 0 : FRAMES / s->reps,
						      "stop_reason", empty ? "interrupted" : "frames",
						      "elapsed_s", 0.01, "p50_ns",
						      "cpu_cost", (json_int_t)llround(empty ? 1 : cpu * f),
						      "device_write",
						      (json_int_t)llround(empty ? 1 : dev * f),
						      "frame", (json_int_t)llround(empty ? 1 :
										   (cpu + dev) * f)));
	}
	if (s->reps && s->version != 1)
		json_object_set_new(r, "repetitions", reps);
	else
		json_decref(reps);
	if (s->samples) {
		samples = json_pack("{s:{s:o, s:o}}", "phases", "device_write", phase_samples(dev),
				    "frame", phase_samples(cpu + dev));
		if (s->version != 1)
			json_object_set_new(json_object_get(samples, "phases"), "cpu_cost",
					    phase_samples(cpu));
		json_object_set_new(r, "samples", samples);
	}
	return r;
}

static json_t *document(json_t *r, int version)
{
	return json_pack("{s:i, s:{s:{s:s}, s:{s:f}}, s:[o]}", "schema_version", version,
			 "environment", "kernel", "release", "6.1.0", "timer", "overhead_ns",
			 15.0, "results", r);
}

static json_t *doc_of(const struct shape *s)
{
	return document(result(s), s->version ? s->version : 2);
}

static const json_t *metric(const json_t *cmp, const char *name)
{
	const json_t *conf = json_array_get(json_object_get(cmp, "configurations"), 0), *m;
	size_t i;

	json_array_foreach(json_object_get(conf, "metrics"), i, m)
		if (!strcmp(json_string_value(json_object_get(m, "metric")), name))
			return m;
	return NULL;
}

static const char *note_of(const json_t *m)
{
	const char *n = json_string_value(json_object_get(m, "note"));

	return n ? n : "";
}

#define CPU 25000.0
#define DEV 40000.0
/* cpu, device, their scales, reps, empty reps, version, samples, stale */
#define FILE_OF(scale, reps) { CPU, DEV, scale, 1, reps, 0, 2, 1, 0 }

static const struct verdict_case {
	const char *name;
	struct shape base, new;
	double threshold;		/* DMAB_COMPARE_THRESHOLD_DEFAULT: the rule */
	const char *gate_metric;
	const char *verdict;		/* of the gate metric */
	int regression;
	double ratio;
	double p;			/* < 0: no test (null) */
	const char *note;		/* in the gate metric's note, or NULL for none */
} cases[] = {
	{ "20% slower, 5 repetitions each", FILE_OF(1, 5), FILE_OF(1.2, 5), -1, "cpu_cost",
	  "slower", 1, 1.2, 2.0 / 252, NULL },
	{ "20% faster", FILE_OF(1, 5), FILE_OF(0.8, 5), -1, "cpu_cost", "faster", 0, 0.8,
	  2.0 / 252, NULL },
	/* one pair of repetitions out of order: U = 1, p = 2 x 2/252 */
	{ "3% slower: under the 5% threshold", FILE_OF(1, 5), FILE_OF(1.03, 5), -1, "cpu_cost",
	  "no_change", 0, 1.03, 4.0 / 252, NULL },
	{ "20% slower with --threshold 25", FILE_OF(1, 5), FILE_OF(1.2, 5), 25, "cpu_cost",
	  "no_change", 0, 1.2, 2.0 / 252, NULL },
	{ "the same repetitions", FILE_OF(1, 5), FILE_OF(1, 5), -1, "cpu_cost", "no_change", 0, 1,
	  1, NULL },
	{ "8 against 6 repetitions, 20% slower", FILE_OF(1, 8), FILE_OF(1.2, 6), -1, "cpu_cost",
	  "slower", 1, 1.2, 2.0 / 3003, NULL },
	/* a tiny phase: the change must also exceed one timestamp's cost (15 ns here) */
	{ "100 to 120 ns: beyond a 15 ns timestamp", { 100, DEV, 1, 1, 5, 0, 2, 1, 0 },
	  { 100, DEV, 1.2, 1, 5, 0, 2, 1, 0 }, -1, "cpu_cost", "slower", 1, 1.2, 2.0 / 252, NULL },
	{ "100 to 110 ns: within a 15 ns timestamp", { 100, DEV, 1, 1, 5, 0, 2, 1, 0 },
	  { 100, DEV, 1.1, 1, 5, 0, 2, 1, 0 }, -1, "cpu_cost", "no_change", 0, 1.1, 2.0 / 252,
	  NULL },
	/* 3 against 3 can never give p < 0.05: threshold only, and said */
	{ "3 against 3, 20% slower: untested, still a regression", FILE_OF(1, 3), FILE_OF(1.2, 3),
	  -1, "cpu_cost", "untested", 1, 1.2, 0.1,
	  "untested: 3 and 3 repetitions cannot reach p < 0.05 (the smallest p they can give is "
	  "0.1); cpu_cost slower by 20.0% (medians of the repetition medians), past the 5% "
	  "threshold: counted as a regression" },
	{ "3 against 3, 2% slower (one pair out of order)", FILE_OF(1, 3), FILE_OF(1.02, 3), -1,
	  "cpu_cost", "untested", 0, 1.02, 0.2, "within the threshold: not a regression" },
	{ "5 repetitions, 2 of them interrupted: 3 against 5", { CPU, DEV, 1, 1, 5, 2, 2, 1, 0 },
	  FILE_OF(1.2, 5), -1, "cpu_cost", "slower", 1, 1.2, 2.0 / 56, NULL },
	{ "one repetition each", FILE_OF(1, 1), FILE_OF(1.2, 1), -1, "cpu_cost", "untested", 1,
	  1.2, -1, "untested: only 1 repetition in base and new; cpu_cost slower by 20.0%" },
	/* files without repetitions: threshold only, and a slowdown still fails */
	{ "20% slower, no repetitions in the new file", FILE_OF(1, 5), FILE_OF(1.2, 0), -1,
	  "cpu_cost", "untested", 1, 1.2, -1,
	  "untested: no repetitions in new; cpu_cost slower by 20.0% (pooled medians), past the "
	  "5% threshold: counted as a regression" },
	{ "2% slower, no repetitions in either", FILE_OF(1, 0), FILE_OF(1.02, 0), -1, "cpu_cost",
	  "untested", 0, 1.02, -1,
	  "untested: no repetitions in base and new; cpu_cost slower by 2.0% (pooled medians), "
	  "within the threshold: not a regression" },
	{ "20% faster, no repetitions", FILE_OF(1, 0), FILE_OF(0.8, 0), -1, "cpu_cost",
	  "untested", 0, 0.8, -1, "cpu_cost faster by 20.0% (pooled medians): not a regression" },
	{ "a version 1 file, 20% slower: the gate is the frame", FILE_OF(1, 5),
	  { CPU, DEV, 1.2, 1.2, 0, 0, 1, 1, 0 }, -1, "frame", "untested", 1, 1.2, -1,
	  "untested: no repetitions in new; frame slower by 20.0% (pooled medians), past the "
	  "5% threshold: counted as a regression" },
	{ "two version 1 files, the same", { CPU, DEV, 1, 1, 0, 0, 1, 1, 0 },
	  { CPU, DEV, 1, 1, 0, 0, 1, 0, 0 }, -1, "frame", "untested", 0, 1, -1,
	  "not a regression" },
	/* the device's time is not the CPU's cost: informational */
	{ "device_write 20% slower, cpu_cost the same", FILE_OF(1, 5),
	  { CPU, DEV, 1, 1.2, 5, 0, 2, 1, 0 }, -1, "cpu_cost", "no_change", 0, 1, 1, NULL },
	{ "stale lines appearing, timings the same", FILE_OF(1, 5),
	  { CPU, DEV, 1, 1, 5, 0, 2, 1, 12 }, -1, "cpu_cost", "no_change", 1, 1, 1, NULL },
	{ "stale lines going away", { CPU, DEV, 1, 1, 5, 0, 2, 1, 12 }, FILE_OF(1, 5), -1,
	  "cpu_cost", "no_change", 0, 1, 1, NULL },
};

static void test_verdicts(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct verdict_case *c = &cases[i];
		json_t *base = doc_of(&c->base), *new = doc_of(&c->new);
		json_t *cmp = NULL, *conf;
		const json_t *gate, *p, *m;
		char err[256];
		const char *v;
		size_t k;

		assert_int_equal(dmab_compare(base, "dir/base", new, "new", c->threshold, &cmp,
					      err, sizeof(err)), 0);
		conf = json_array_get(json_object_get(cmp, "configurations"), 0);
		if (strcmp(json_string_value(json_object_get(conf, "gate_metric")), c->gate_metric))
			fail_msg("%s: gate %s, want %s", c->name,
				 json_string_value(json_object_get(conf, "gate_metric")),
				 c->gate_metric);
		gate = metric(cmp, c->gate_metric);
		/* the gate comes first, and it alone is the gate */
		assert_ptr_equal(gate, json_array_get(json_object_get(conf, "metrics"), 0));
		json_array_foreach(json_object_get(conf, "metrics"), k, m)
			CHECK_U64(c->name, "gate", json_is_true(json_object_get(m, "gate")), m == gate);
		v = json_string_value(json_object_get(gate, "verdict"));
		p = json_object_get(gate, "p");
		if (strcmp(v, c->verdict))
			fail_msg("%s: verdict %s, want %s (p %g; %s)", c->name, v, c->verdict,
				 json_number_value(p), note_of(gate));
		CHECK_U64(c->name, "regressions", dmab_compare_regressions(cmp), c->regression);
		if (fabs(json_number_value(json_object_get(gate, "ratio")) - c->ratio) > 0.005)
			fail_msg("%s: ratio %g, want %g", c->name,
				 json_number_value(json_object_get(gate, "ratio")), c->ratio);
		if (c->p < 0 ? !json_is_null(p) : fabs(json_number_value(p) - c->p) > 1e-9)
			fail_msg("%s: p %g, want %g", c->name, json_number_value(p), c->p);
		if (c->note ? !strstr(note_of(gate), c->note) : json_is_string(json_object_get(gate,
											 "note")))
			fail_msg("%s: note '%s', want '%s'", c->name, note_of(gate),
				 c->note ? c->note : "(none)");
		/* the frames never decide, but are tested where kept */
		CHECK_U64(c->name, "p_frames known",
			  json_is_number(json_object_get(gate, "p_frames")),
			  c->base.samples && c->new.samples);
		CHECK_U64(c->name, "integrity changed",
			  json_is_true(json_object_get(json_object_get(conf, "integrity"),
						       "changed")),
			  c->base.stale != c->new.stale);
		json_decref(cmp);
		json_decref(base);
		json_decref(new);
	}
}

/* The informational phases: slower is said, and is no regression. */
static void test_device_time_is_informational(void **state)
{
	const struct verdict_case *c = &cases[17];
	json_t *base = doc_of(&c->base), *new = doc_of(&c->new), *cmp = NULL;
	const json_t *dev, *frame;
	char err[256];

	(void)state;
	assert_non_null(strstr(c->name, "device_write"));
	assert_int_equal(dmab_compare(base, "b", new, "n", DMAB_COMPARE_THRESHOLD_DEFAULT, &cmp,
				      err, sizeof(err)), 0);
	dev = metric(cmp, "device_write");
	frame = metric(cmp, "frame");
	assert_string_equal(json_string_value(json_object_get(dev, "verdict")), "slower");
	assert_string_equal(json_string_value(json_object_get(frame, "verdict")), "slower");
	assert_false(json_is_true(json_object_get(dev, "regression")));
	assert_int_equal(dmab_compare_regressions(cmp), 0);
	/* the interval of a clear shift excludes 1 */
	assert_true(json_number_value(json_array_get(json_object_get(dev, "ci95"), 0)) > 1.1);
	json_decref(cmp);
	json_decref(base);
	json_decref(new);
}

/* The same two files, the same comparison: the bootstrap has a fixed seed. */
static void test_deterministic(void **state)
{
	const struct verdict_case *c = &cases[0];
	json_t *base = doc_of(&c->base), *new = doc_of(&c->new), *a = NULL, *b = NULL;
	char err[256];

	(void)state;
	assert_int_equal(dmab_compare(base, "b", new, "n", -1, &a, err, sizeof(err)), 0);
	assert_int_equal(dmab_compare(base, "b", new, "n", -1, &b, err, sizeof(err)), 0);
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
	json_decref(base);
	json_decref(new);
}

/* A noise floor of @floor_pct for capture at @size; worst_pct @worst. */
static void set_noise_floor(json_t *doc, json_int_t size, double floor_pct, double worst)
{
	json_t *groups = json_array();

	if (size)
		json_array_append_new(groups, json_pack("{s:s, s:I, s:s, s:s, s:s, s:f}",
							"workload", "capture", "size_bytes", size,
							"strategy", "cached-sync", "backend", "user",
							"pattern", "read", "floor_pct", floor_pct));
	json_object_set_new(doc, "noise_floor", json_pack("{s:s, s:s, s:o, s:f}", "metric",
							  "cpu_cost", "method", "A/A", "groups",
							  groups, "worst_pct", worst));
}

static const struct threshold_case {
	const char *name;
	double base_floor, new_floor;	/* < 0: no noise floor in that file */
	json_int_t new_group_size;	/* the new file's group is for this size */
	double given;
	double want;
	const char *source, *text;
	const char *verdict;		/* of a 6% slowdown */
} threshold_cases[] = {
	{ "neither file has a noise floor", -1, -1, 65536, -1, 5, "default",
	  "5% (the default: neither file measured a noise floor)", "slower" },
	{ "twice the worse floor, the new file's", 1.0, 3.4, 65536, -1, 6.8, "noise_floor",
	  "6.8% = 2 x 3.4% (noise floor of new.json, cached-sync user read)", "no_change" },
	{ "twice the worse floor, the base's", 3.0, 2.0, 65536, -1, 6.0, "noise_floor",
	  "6% = 2 x 3% (noise floor of base.json, cached-sync user read)", "slower" },
	{ "small floors: 5%", 1.0, 2.0, 65536, -1, 5, "default",
	  "5% (the default; 2 x the worse noise floor is less: 1% in base.json, 2% in "
	  "new.json)", "slower" },
	{ "no group for this size: worst_pct", -1, 6.0, 1048576, -1, 12, "noise_floor",
	  "12% = 2 x 6% (worst noise floor of new.json: it has no group for capture 64KiB)",
	  "no_change" },
	{ "--threshold overrides", 1.0, 6.0, 65536, 5, 5, "given", "5% (given: --threshold)",
	  "slower" },
};

static void test_thresholds(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(threshold_cases); i++) {
		const struct threshold_case *c = &threshold_cases[i];
		struct shape b = FILE_OF(1, 5), n = FILE_OF(1.06, 5);
		json_t *base = doc_of(&b), *new = doc_of(&n), *cmp = NULL;
		const json_t *t, *conf, *top;
		char err[256];

		if (c->base_floor >= 0)
			set_noise_floor(base, 65536, c->base_floor, c->base_floor);
		if (c->new_floor >= 0)
			set_noise_floor(new, c->new_group_size, c->new_floor, c->new_floor);
		assert_int_equal(dmab_compare(base, "/x/base.json", new, "new.json", c->given, &cmp,
					      err, sizeof(err)), 0);
		t = json_array_get(json_object_get(cmp, "thresholds"), 0);
		conf = json_array_get(json_object_get(cmp, "configurations"), 0);
		top = json_object_get(cmp, "threshold_pct");
		CHECK_U64(c->name, "thresholds", json_array_size(json_object_get(cmp, "thresholds")),
			  1);
		if (fabs(json_number_value(json_object_get(t, "threshold_pct")) - c->want) > 1e-9 ||
		    fabs(json_number_value(json_object_get(conf, "threshold_pct")) - c->want) > 1e-9)
			fail_msg("%s: threshold %g, want %g", c->name,
				 json_number_value(json_object_get(t, "threshold_pct")), c->want);
		if (strcmp(json_string_value(json_object_get(t, "source")), c->source) ||
		    strcmp(json_string_value(json_object_get(conf, "threshold_source")), c->source))
			fail_msg("%s: source %s, want %s", c->name,
				 json_string_value(json_object_get(t, "source")), c->source);
		if (strcmp(json_string_value(json_object_get(t, "text")), c->text))
			fail_msg("%s: '%s', want '%s'", c->name,
				 json_string_value(json_object_get(t, "text")), c->text);
		if (c->given >= 0 ? json_number_value(top) != c->given : !json_is_null(top))
			fail_msg("%s: threshold_pct is not what was given", c->name);
		if (strcmp(json_string_value(json_object_get(metric(cmp, "cpu_cost"), "verdict")),
			   c->verdict))
			fail_msg("%s: a 6%% slowdown is %s, want %s", c->name,
				 json_string_value(json_object_get(metric(cmp, "cpu_cost"),
								   "verdict")), c->verdict);
		json_decref(cmp);
		json_decref(base);
		json_decref(new);
	}
}

/* Geometric mean per strategy of the gate's ratios: 1.2 and 1/1.2 average to 1. */
static void test_geomean(void **state)
{
	struct shape b = FILE_OF(1, 5), n = FILE_OF(1.2, 5), n2 = FILE_OF(1 / 1.2, 5);
	json_t *base = doc_of(&b), *new = doc_of(&n), *r, *cmp = NULL, *g;
	char err[256];

	(void)state;
	r = result(&b);
	json_object_set_new(r, "size_bytes", json_integer(1048576));
	json_array_append_new(json_object_get(base, "results"), r);
	r = result(&n2);
	json_object_set_new(r, "size_bytes", json_integer(1048576));
	json_array_append_new(json_object_get(new, "results"), r);
	assert_int_equal(dmab_compare(base, "b", new, "n", 5, &cmp, err, sizeof(err)), 0);
	g = json_array_get(json_object_get(cmp, "geomean"), 0);
	assert_int_equal(json_array_size(json_object_get(cmp, "geomean")), 1);
	assert_string_equal(json_string_value(json_object_get(g, "metric")), "cpu_cost");
	assert_int_equal(json_integer_value(json_object_get(g, "configurations")), 2);
	assert_true(fabs(json_real_value(json_object_get(g, "ratio")) - 1) < 0.01);
	json_decref(cmp);
	json_decref(base);
	json_decref(new);
}

static void test_nothing_matches(void **state)
{
	struct shape s = FILE_OF(1, 5);
	json_t *base = doc_of(&s), *new = doc_of(&s), *cmp = NULL;
	char err[256];

	(void)state;
	json_object_set_new(json_array_get(json_object_get(new, "results"), 0), "strategy",
			    json_string("wc"));
	assert_int_equal(dmab_compare(base, "b.json", new, "n.json", 5, &cmp, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "no configuration ran in both b.json and n.json"));
	assert_null(cmp);
	json_decref(base);
	json_decref(new);
}

/* --- alloc's failures: attempts that got no buffer --- */

/*
 * An alloc result (the timings of FILE_OF(1, 5)) with @frames frames and
 * @failures (JSON); with no frame, skipped as run writes a configuration
 * where every attempt failed.
 */
static json_t *alloc_result(json_int_t frames, const char *failures)
{
	struct shape s = FILE_OF(1, 5);
	json_t *r = result(&s);

	json_object_set_new(r, "workload", json_string("alloc"));
	json_object_set_new(r, "pattern", json_null());
	json_object_set_new(r, "frames", json_integer(frames));
	json_object_set_new(r, "alloc_failures", json_loads(failures, 0, NULL));
	if (!frames) {
		json_object_set_new(r, "skipped", json_string("no buffer could be had"));
		json_object_set_new(r, "phases", json_object());
		json_object_set_new(r, "integrity", json_null());
		json_object_set_new(r, "repetitions", json_array());
	}
	return r;
}

/* The comparison printed as text. */
static char *text_of(const json_t *cmp)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	dmab_compare_print_text(f, cmp, 0);
	fclose(f);
	return text;
}

#define ALLOC_LINE \
	"ALLOC FAILURES %s cached-sync user alloc - 64KiB: attempts that got no buffer: "

static json_t *first_result_of(json_t *doc)
{
	return json_array_get(json_object_get(doc, "results"), 0);
}

static const struct alloc_case {
	const char *name;
	json_int_t base_frames;
	const char *base;		/* alloc_failures */
	json_int_t new_frames;
	const char *new;
	const char *verdict;
	int regression;
	double p;			/* < 0: no test (null) */
	const char *test;
	const char *label, *line;	/* the printed line: label, then after the name; NULL: none */
} alloc_cases[] = {
	{ "every attempt got its buffer in both", 20, "{}", 20, "{}", "none", 0, -1, NULL, NULL,
	  NULL },
	{ "failures where base had none", 20, "{}", 20, "{\"ENOMEM\": 3}", "worse", 1, -1, NULL,
	  "REGRESSION", "base 0 of 20 (none), new 3 of 23 (ENOMEM 3): failures where base had none" },
	{ "a higher rate: 2 of 22, then 14 of 34", 20, "{\"EDQUOT\": 2}", 20,
	  "{\"EDQUOT\": 2, \"ENOMEM\": 12}", "worse", 1, 0.008753680551392246, "fisher_exact",
	  "REGRESSION", "base 2 of 22 (EDQUOT 2), new 14 of 34 (EDQUOT 2, ENOMEM 12): a higher "
	  "rate, 9.1% -> 41.2%: one-sided Fisher exact p = 0.0088 < 0.05" },
	/* 2 of 22, then 3 of 23: as likely as not from one rate */
	{ "a higher rate within chance", 20, "{\"EDQUOT\": 2}", 20, "{\"EDQUOT\": 3}", "same", 0,
	  0.5218377765173, "fisher_exact", "same rate", "base 2 of 22 (EDQUOT 2), new 3 of 23 "
	  "(EDQUOT 3): 9.1% -> 13.0%, one-sided Fisher exact p = 0.52: within what 22 and 23 "
	  "attempts make plausible" },
	{ "the same rate, other errnos", 20, "{\"ENOMEM\": 5}", 20, "{\"EDQUOT\": 5}", "same", 0,
	  -1, NULL, "same rate", "base 5 of 25 (ENOMEM 5), new 5 of 25 (EDQUOT 5): the same rate, "
	  "20.0%" },
	{ "none where base had some", 20, "{\"ENOMEM\": 6}", 20, "{}", "better", 0, -1, NULL,
	  "improvement", "base 6 of 26 (ENOMEM 6), new 0 of 20 (none): none where base had some" },
	{ "a lower rate: 12 of 32, then 1 of 21", 20, "{\"ENOMEM\": 12}", 20, "{\"ENOMEM\": 1}",
	  "better", 0, 0.006048331092367706, "fisher_exact", "improvement", "base 12 of 32 "
	  "(ENOMEM 12), new 1 of 21 (ENOMEM 1): a lower rate, 37.5% -> 4.8%: one-sided Fisher "
	  "exact p = 0.006 < 0.05" },
	{ "a lower rate within chance", 20, "{\"EDQUOT\": 3}", 20, "{\"EDQUOT\": 2}", "same", 0,
	  0.5218377765173, "fisher_exact", "same rate", NULL },
	/* skipped: no timing to compare, the failures still are */
	{ "no attempt got a buffer in new", 20, "{}", 0, "{\"ENOMEM\": 20}", "worse", 1, -1, NULL,
	  "REGRESSION", "base 0 of 20 (none), new 20 of 20 (ENOMEM 20): failures where base had "
	  "none" },
	{ "no attempt got a buffer in base", 0, "{\"ENOMEM\": 20}", 20, "{}", "better", 0, -1,
	  NULL, "improvement", NULL },
	{ "no attempt got a buffer in either", 0, "{\"ENOMEM\": 20}", 0, "{\"ENOMEM\": 6}", "same",
	  0, -1, NULL, "same rate", "base 20 of 20 (ENOMEM 20), new 6 of 6 (ENOMEM 6): the same "
	  "rate, 100.0%" },
	/* millions of failures: the normal approximation, at once */
	{ "10% of 10^8, then 10.01%", 90000000, "{\"ENOMEM\": 10000000}", 89990000,
	  "{\"ENOMEM\": 10010000}", "worse", 1, 0.0092, "normal", "REGRESSION", NULL },
	{ "10% of 10^8, then 10.0001%", 90000000, "{\"ENOMEM\": 10000000}", 89999900,
	  "{\"ENOMEM\": 10000100}", "same", 0, 0.49, "normal", "same rate", NULL },
};

static void test_alloc_failures(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(alloc_cases); i++) {
		const struct alloc_case *c = &alloc_cases[i];
		json_t *base = document(alloc_result(c->base_frames, c->base), 2);
		json_t *new = document(alloc_result(c->new_frames, c->new), 2), *cmp = NULL;
		const json_t *conf, *f, *p;
		int compared = c->base_frames && c->new_frames;
		char err[256], line[512], *text;

		assert_int_equal(dmab_compare(base, "base", new, "new", DMAB_COMPARE_THRESHOLD_DEFAULT,
					      &cmp, err, sizeof(err)), 0);
		/* a skipped result is not compared, but its failures are judged */
		conf = json_array_get(json_object_get(cmp, compared ? "configurations" :
						      "unmatched"), 0);
		f = json_object_get(conf, "alloc_failures");
		if (!json_is_object(f))
			fail_msg("%s: no alloc_failures in the comparison", c->name);
		if (strcmp(json_string_value(json_object_get(f, "verdict")), c->verdict))
			fail_msg("%s: verdict %s, want %s (%s)", c->name,
				 json_string_value(json_object_get(f, "verdict")), c->verdict,
				 json_string_value(json_object_get(f, "note")));
		CHECK_U64(c->name, "regression", json_is_true(json_object_get(f, "regression")),
			  c->regression);
		CHECK_U64(c->name, "regressions", dmab_compare_regressions(cmp), c->regression);
		if (compared)
			CHECK_U64(c->name, "configuration's regression",
				  json_is_true(json_object_get(conf, "regression")), c->regression);
		p = json_object_get(f, "p");
		if (c->p < 0 ? !json_is_null(p) :
		    fabs(json_number_value(p) - c->p) > (c->test && !strcmp(c->test, "normal") ?
							 0.005 : 1e-9))
			fail_msg("%s: p %g, want %g", c->name, json_number_value(p), c->p);
		if (c->test ? !json_is_string(json_object_get(f, "test")) ||
			      strcmp(json_string_value(json_object_get(f, "test")), c->test) :
			      !json_is_null(json_object_get(f, "test")))
			fail_msg("%s: test %s, want %s", c->name,
				 json_string_value(json_object_get(f, "test")), c->test);
		assert_true(json_is_string(json_object_get(cmp, "alloc_failures_rule")));
		text = text_of(cmp);
		assert_non_null(strstr(text, "gate (exit 1): cpu_cost slower, integrity worse or "
				       "alloc failures worse"));
		assert_non_null(strstr(text, "\nalloc failures (attempts that got no buffer, where "
				       "both files count them) are worse when new has\n"));
		if (!c->label) {
			if (strstr(text, "ALLOC FAILURES"))
				fail_msg("%s: a line for no failures:\n%s", c->name, text);
		} else {
			/* the whole line where the case gives it, else its start */
			snprintf(line, sizeof(line), "\n" ALLOC_LINE "%s%s", c->label,
				 c->line ? c->line : "", c->line ? "\n" : "");
			if (!strstr(text, line))
				fail_msg("%s: no line%s\nwithin:\n%s", c->name, line, text);
		}
		free(text);
		json_decref(cmp);
		json_decref(base);
		json_decref(new);
	}
}

/* Results without alloc_failures (other workloads, older files): compared as they were. */
static void test_alloc_failures_absent(void **state)
{
	struct shape s = FILE_OF(1, 5);
	json_t *base = doc_of(&s), *new = document(alloc_result(20, "{\"ENOMEM\": 3}"), 2);
	json_t *cmp = NULL;
	char err[256], *text;

	(void)state;
	/* capture against capture */
	assert_int_equal(dmab_compare(base, "b", base, "n", DMAB_COMPARE_THRESHOLD_DEFAULT, &cmp,
				      err, sizeof(err)), 0);
	assert_null(json_object_get(cmp, "alloc_failures_rule"));
	assert_null(json_object_get(json_array_get(json_object_get(cmp, "configurations"), 0),
				    "alloc_failures"));
	text = text_of(cmp);
	assert_null(strstr(text, "alloc"));
	assert_non_null(strstr(text, "gate (exit 1): cpu_cost slower or integrity worse; "));
	free(text);
	json_decref(cmp);
	/* alloc failures in new only, base an alloc result of a file that did not count them */
	json_decref(base);
	base = document(alloc_result(20, "{}"), 2);
	json_object_del(first_result_of(base), "alloc_failures");
	assert_int_equal(dmab_compare(base, "b", new, "n", DMAB_COMPARE_THRESHOLD_DEFAULT, &cmp,
				      err, sizeof(err)), 0);
	assert_null(json_object_get(cmp, "alloc_failures_rule"));
	assert_int_equal(dmab_compare_regressions(cmp), 0);
	json_decref(cmp);
	json_decref(base);
	json_decref(new);
}

/* dmabench report's pairs: the configuration says the same as compare. */
static void test_alloc_failures_configuration(void **state)
{
	json_t *base = document(alloc_result(20, "{}"), 2);
	json_t *new = document(alloc_result(20, "{\"EDQUOT\": 4}"), 2), *c = NULL;

	(void)state;
	assert_int_equal(dmab_compare_configuration(base, "b", first_result_of(base), new, "n",
						    first_result_of(new),
						    DMAB_COMPARE_THRESHOLD_DEFAULT, &c), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(c,
									     "alloc_failures"),
							       "verdict")), "worse");
	assert_true(json_is_true(json_object_get(c, "regression")));
	json_decref(c);
	json_decref(base);
	json_decref(new);
}

/* --- loading --- */

/* Mutates a good version 2 document; NULL: leave it as it is. */
typedef void (*mutate_fn)(json_t *doc);

static json_t *first_result(json_t *doc)
{
	return json_array_get(json_object_get(doc, "results"), 0);
}

static json_t *first_rep(json_t *doc)
{
	return json_array_get(json_object_get(first_result(doc), "repetitions"), 1);
}

static void version_1(json_t *doc)
{
	json_object_set_new(doc, "schema_version", json_integer(1));
	json_object_del(first_result(doc), "repetitions");
}

static void version_3(json_t *doc)
{
	json_object_set_new(doc, "schema_version", json_integer(3));
}

static void repetitions_object(json_t *doc)
{
	json_object_set_new(first_result(doc), "repetitions", json_object());
}

static void repetition_string(json_t *doc)
{
	json_array_set_new(json_object_get(first_result(doc), "repetitions"), 1,
			   json_string("fast"));
}

static void repetition_negative_n(json_t *doc)
{
	json_object_set_new(first_rep(doc), "n", json_integer(-1));
}

static void repetition_no_p50(json_t *doc)
{
	json_object_del(first_rep(doc), "p50_ns");
}

static void repetition_p50_real(json_t *doc)
{
	json_object_set_new(json_object_get(first_rep(doc), "p50_ns"), "cpu_cost",
			    json_real(12.5));
}

static void repetitions_null(json_t *doc)
{
	json_object_set_new(first_result(doc), "repetitions", json_null());
}

static void floor_null(json_t *doc)
{
	json_object_set_new(doc, "noise_floor", json_null());
}

static void floor_good(json_t *doc)
{
	set_noise_floor(doc, 65536, 3.4, 3.4);
}

static void floor_list(json_t *doc)
{
	json_object_set_new(doc, "noise_floor", json_array());
}

static void floor_no_groups(json_t *doc)
{
	set_noise_floor(doc, 65536, 3.4, 3.4);
	json_object_del(json_object_get(doc, "noise_floor"), "groups");
}

static void floor_no_worst(json_t *doc)
{
	set_noise_floor(doc, 65536, 3.4, 3.4);
	json_object_del(json_object_get(doc, "noise_floor"), "worst_pct");
}

static void floor_pct_string(json_t *doc)
{
	set_noise_floor(doc, 65536, 3.4, 3.4);
	json_object_set_new(json_array_get(json_object_get(json_object_get(doc, "noise_floor"),
							  "groups"), 0), "floor_pct",
			    json_string("3%"));
}

static void floor_group_no_size(json_t *doc)
{
	set_noise_floor(doc, 65536, 3.4, 3.4);
	json_object_del(json_array_get(json_object_get(json_object_get(doc, "noise_floor"),
						       "groups"), 0), "size_bytes");
}

/* An alloc result as run writes it, its alloc_failures @failures (JSON) */
static void alloc_failures_as(json_t *doc, const char *failures)
{
	json_t *r = first_result(doc);

	json_object_set_new(r, "workload", json_string("alloc"));
	json_object_set_new(r, "frames", json_integer(20));
	json_object_set_new(r, "alloc_failures", json_loads(failures, JSON_DECODE_ANY, NULL));
}

static void alloc_good(json_t *doc)
{
	alloc_failures_as(doc, "{\"ENOMEM\": 3, \"errno 200\": 1}");
}

static void alloc_null(json_t *doc)
{
	alloc_failures_as(doc, "null");
}

static void alloc_list(json_t *doc)
{
	alloc_failures_as(doc, "[\"ENOMEM\"]");
}

static void alloc_negative(json_t *doc)
{
	alloc_failures_as(doc, "{\"ENOMEM\": -3}");
}

static void alloc_real(json_t *doc)
{
	alloc_failures_as(doc, "{\"ENOMEM\": 1.5}");
}

static void alloc_no_frames(json_t *doc)
{
	alloc_failures_as(doc, "{\"ENOMEM\": 3}");
	json_object_del(first_result(doc), "frames");
}

/* checked in a skipped result too: its failures are judged */
static void alloc_skipped_bad(json_t *doc)
{
	alloc_failures_as(doc, "{\"ENOMEM\": \"all\"}");
	json_object_set_new(first_result(doc), "skipped", json_string("no buffer could be had"));
}

static const struct load_case {
	const char *name;
	mutate_fn mutate;
	int ret;
	const char *err;
} load_cases[] = {
	{ "version 2 with repetitions", NULL, 0, NULL },
	{ "version 1 without", version_1, 0, NULL },
	{ "version 3", version_3, -EINVAL, "schema_version 3, this build reads 1 to 2" },
	{ "repetitions null (none)", repetitions_null, 0, NULL },
	{ "repetitions an object", repetitions_object, -EINVAL,
	  "results[0]: repetitions is not a list" },
	{ "a repetition a string", repetition_string, -EINVAL,
	  "results[0]: repetitions[1] is not an object" },
	{ "n negative", repetition_negative_n, -EINVAL,
	  "results[0]: repetitions[1].n is missing or not a count of frames" },
	{ "no p50_ns", repetition_no_p50, -EINVAL,
	  "results[0]: repetitions[1].p50_ns is missing or not an object" },
	{ "a median not an integer", repetition_p50_real, -EINVAL,
	  "results[0]: repetitions[1].p50_ns.cpu_cost is not a count of ns" },
	{ "noise_floor null", floor_null, 0, NULL },
	{ "noise_floor good", floor_good, 0, NULL },
	{ "noise_floor a list", floor_list, -EINVAL, "noise_floor is not an object or null" },
	{ "noise_floor without groups", floor_no_groups, -EINVAL,
	  "noise_floor.groups is missing or not a list" },
	{ "noise_floor without worst_pct", floor_no_worst, -EINVAL,
	  "noise_floor.worst_pct is missing or not a percentage" },
	{ "floor_pct a string", floor_pct_string, -EINVAL,
	  "noise_floor.groups[0].floor_pct is missing or not a percentage" },
	{ "a group without size_bytes", floor_group_no_size, -EINVAL,
	  "noise_floor.groups[0].size_bytes is missing or not a positive integer" },
	{ "alloc_failures by errno", alloc_good, 0, NULL },
	{ "alloc_failures null (none counted)", alloc_null, 0, NULL },
	{ "alloc_failures a list", alloc_list, -EINVAL,
	  "results[0]: alloc_failures is not an object of counts" },
	{ "alloc_failures negative", alloc_negative, -EINVAL,
	  "results[0]: alloc_failures.ENOMEM is not a count" },
	{ "alloc_failures not an integer", alloc_real, -EINVAL,
	  "results[0]: alloc_failures.ENOMEM is not a count" },
	{ "alloc_failures without frames", alloc_no_frames, -EINVAL,
	  "results[0]: frames is missing or not a count (the attempts beside alloc_failures)" },
	{ "alloc_failures a string in a skipped result", alloc_skipped_bad, -EINVAL,
	  "results[0]: alloc_failures.ENOMEM is not a count" },
};

static void test_load(void **state)
{
	char path[] = "/tmp/dmab-test-compare-XXXXXX";
	int fd = mkstemp(path);
	size_t i;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	for (i = 0; i < ARRAY_SIZE(load_cases); i++) {
		const struct load_case *c = &load_cases[i];
		struct shape s = FILE_OF(1, 5);
		json_t *doc = doc_of(&s), *root = NULL;
		char err[512] = "";
		int ret;

		/* the loader wants integrity and phases as run writes them: ours have them */
		if (c->mutate)
			c->mutate(doc);
		assert_int_equal(json_dump_file(doc, path, 0), 0);
		ret = dmab_result_load(path, &root, err, sizeof(err));
		if (ret != c->ret)
			fail_msg("%s: %d (%s), want %d", c->name, ret, err, c->ret);
		if (c->err && !strstr(err, c->err))
			fail_msg("%s: '%s', want '%s'", c->name, err, c->err);
		if (c->err && strncmp(err, path, strlen(path)))
			fail_msg("%s: '%s' does not name the file", c->name, err);
		json_decref(root);
		json_decref(doc);
	}
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_device_time_is_informational),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_thresholds),
		cmocka_unit_test(test_geomean),
		cmocka_unit_test(test_nothing_matches),
		cmocka_unit_test(test_alloc_failures),
		cmocka_unit_test(test_alloc_failures_absent),
		cmocka_unit_test(test_alloc_failures_configuration),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
