// SPDX-License-Identifier: GPL-2.0
/*
 * dmabench compare, after Google Benchmark's tools/compare.py: per matched
 * configuration both medians, the ratio, a two-sided Mann-Whitney U p-value
 * and a verdict that needs significance and a threshold; then what a design
 * review asks first: did the environment change, and did stale data appear.
 */
#include "compare.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dmabench.h"
#include "parse.h"
#include "stats.h"

/* --- loading --- */

static int bad(char *err, size_t len, const char *path, const char *what, size_t i)
{
	if (i == (size_t)-1)
		snprintf(err, len, "%s: %s", path, what);
	else
		snprintf(err, len, "%s: results[%zu]: %s", path, i, what);
	return -EINVAL;
}

static int check_samples(const json_t *samples, const char *path, size_t i, char *err,
			 size_t len)
{
	const json_t *phases = json_object_get(samples, "phases"), *ph, *v;
	const char *name;
	char what[160];
	size_t k;

	if (json_is_null(samples) || !samples)
		return 0;
	if (!json_is_object(phases))
		return bad(err, len, path, "samples.phases is not an object", i);
	json_object_foreach((json_t *)phases, name, ph) {
		const json_t *ns = json_object_get(ph, "ns");

		if (!json_is_array(ns) || !json_array_size(ns)) {
			snprintf(what, sizeof(what), "samples.phases.%.40s.ns is not a list of "
				 "samples", name);
			return bad(err, len, path, what, i);
		}
		json_array_foreach(ns, k, v)
			if (!json_is_integer(v) || json_integer_value(v) < 0) {
				snprintf(what, sizeof(what), "samples.phases.%.40s.ns[%zu] is not a "
					 "count of ns", name, k);
				return bad(err, len, path, what, i);
			}
	}
	return 0;
}

/* The fields compare and plot read, with their types. */
static int check_result(const json_t *r, const char *path, size_t i, char *err, size_t len)
{
	static const char *const strings[] = { "strategy", "backend", "workload" };
	const json_t *phases = json_object_get(r, "phases"), *ph, *pattern;
	const char *name;
	char what[160];
	size_t k;

	if (!json_is_object(r))
		return bad(err, len, path, "not an object", i);
	for (k = 0; k < sizeof(strings) / sizeof(strings[0]); k++)
		if (!json_is_string(json_object_get(r, strings[k]))) {
			snprintf(what, sizeof(what), "%s is missing or not a string", strings[k]);
			return bad(err, len, path, what, i);
		}
	pattern = json_object_get(r, "pattern");
	if (!json_is_string(pattern) && !json_is_null(pattern))
		return bad(err, len, path, "pattern is missing or not a string or null", i);
	if (!json_is_integer(json_object_get(r, "size_bytes")) ||
	    json_integer_value(json_object_get(r, "size_bytes")) <= 0)
		return bad(err, len, path, "size_bytes is missing or not a positive integer", i);
	if (json_is_string(json_object_get(r, "skipped")))
		return 0;
	if (!json_is_object(phases))
		return bad(err, len, path, "phases is missing or not an object", i);
	json_object_foreach((json_t *)phases, name, ph)
		if (!json_is_integer(json_object_get(ph, "p50_ns")) ||
		    !json_is_integer(json_object_get(ph, "n"))) {
			snprintf(what, sizeof(what), "phases.%.40s has no integer n and p50_ns",
				 name);
			return bad(err, len, path, what, i);
		}
	if (!json_is_object(json_object_get(r, "integrity")))
		return bad(err, len, path, "integrity is missing or not an object", i);
	return check_samples(json_object_get(r, "samples"), path, i, err, len);
}

int dmab_result_load(const char *path, json_t **root, char *err, size_t errlen)
{
	json_error_t je;
	json_t *j, *results, *r, *version;
	FILE *f = fopen(path, "r");
	size_t i;
	int ret;

	*root = NULL;
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return ret;
	}
	j = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
	fclose(f);
	if (!j) {
		if (json_error_code(&je) == json_error_premature_end_of_input)
			snprintf(err, errlen, "%s: truncated: the JSON ends at line %d column %d "
				 "before the document does", path, je.line, je.column);
		else
			snprintf(err, errlen, "%s: not JSON: line %d column %d: %s", path, je.line,
				 je.column, je.text);
		return -EINVAL;
	}
	version = json_object_get(j, "schema_version");
	results = json_object_get(j, "results");
	if (!json_is_object(j)) {
		ret = bad(err, errlen, path, "not a dmabench result (the JSON is not an object)",
			  (size_t)-1);
	} else if (!version) {
		ret = bad(err, errlen, path, "not a dmabench result (no schema_version)",
			  (size_t)-1);
	} else if (!json_is_integer(version) || json_integer_value(version) != DMAB_SCHEMA_VERSION) {
		char what[128];
		char *v = json_dumps(version, JSON_ENCODE_ANY);

		snprintf(what, sizeof(what), "schema_version %s, this build reads %d",
			 v ? v : "?", DMAB_SCHEMA_VERSION);
		free(v);
		ret = bad(err, errlen, path, what, (size_t)-1);
	} else if (!json_is_array(results)) {
		ret = bad(err, errlen, path, "results is missing or not a list", (size_t)-1);
	} else {
		ret = 0;
		json_array_foreach(results, i, r) {
			ret = check_result(r, path, i, err, errlen);
			if (ret)
				break;
		}
	}
	if (ret) {
		json_decref(j);
		return ret;
	}
	*root = j;
	return 0;
}

/* --- the environment --- */

static const char *const env_fields[] = {
	"kernel.release", "kernel.version", "kernel.cmdline", "arch", "board", "cpu.model",
	"cpu.count", "cpu.governor", "kmod.loaded", "kmod.abi", "kmod.dma_coherent",
	"timer.source",
};

static const json_t *get_path(const json_t *j, const char *path)
{
	char key[64];
	const char *dot;

	while (j && (dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		j = json_object_get(j, key);
		path = dot + 1;
	}
	return j ? json_object_get(j, path) : NULL;
}

static void add_env_diff(json_t *list, const char *field, const json_t *a, const json_t *b)
{
	if (json_equal((json_t *)a, (json_t *)b) || (!a && json_is_null(b)) ||
	    (json_is_null(a) && !b))
		return;
	json_array_append_new(list, json_pack("{s:s, s:O?, s:O?}", "field", field, "base", a,
					      "new", b));
}

/* Every key of two objects (a subset of the kernel config, module parameters). */
static void add_object_diff(json_t *list, const char *prefix, const json_t *a, const json_t *b)
{
	const char *key;
	json_t *v;
	char field[192];

	json_object_foreach((json_t *)a, key, v) {
		snprintf(field, sizeof(field), "%s.%s", prefix, key);
		add_env_diff(list, field, v, json_object_get(b, key));
	}
	json_object_foreach((json_t *)b, key, v) {
		if (json_object_get(a, key))
			continue;
		snprintf(field, sizeof(field), "%s.%s", prefix, key);
		add_env_diff(list, field, NULL, v);
	}
}

static json_t *env_diff(const json_t *base, const json_t *new)
{
	const json_t *a = json_object_get(base, "environment"), *b = json_object_get(new,
										       "environment");
	json_t *list = json_array();
	size_t i;

	for (i = 0; i < sizeof(env_fields) / sizeof(env_fields[0]); i++)
		add_env_diff(list, env_fields[i], get_path(a, env_fields[i]),
			     get_path(b, env_fields[i]));
	add_object_diff(list, "kernel.config", get_path(a, "kernel.config"),
			get_path(b, "kernel.config"));
	add_object_diff(list, "kmod.params", get_path(a, "kmod.params"),
			get_path(b, "kmod.params"));
	add_env_diff(list, "tool.git", get_path(base, "tool.git"), get_path(new, "tool.git"));
	return list;
}

/* --- matching and testing --- */

static int same_key(const json_t *a, const json_t *b)
{
	static const char *const keys[] = { "strategy", "backend", "workload", "pattern",
					    "size_bytes" };
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!json_equal(json_object_get(a, keys[i]), json_object_get(b, keys[i])))
			return 0;
	return 1;
}

static int skipped(const json_t *r)
{
	return json_is_string(json_object_get(r, "skipped"));
}

static const json_t *find_match(const json_t *results, const json_t *r)
{
	const json_t *v;
	size_t i;

	json_array_foreach(results, i, v)
		if (same_key(v, r))
			return v;
	return NULL;
}

static json_t *key_json(const json_t *r)
{
	return json_pack("{s:O, s:O, s:O, s:O, s:O}", "strategy", json_object_get(r, "strategy"),
			 "backend", json_object_get(r, "backend"),
			 "workload", json_object_get(r, "workload"),
			 "pattern", json_object_get(r, "pattern"),
			 "size_bytes", json_object_get(r, "size_bytes"));
}

/* The kept samples of @phase as an array, or NULL when the file has none. */
static uint64_t *samples_of(const json_t *r, const char *phase, size_t *n)
{
	const json_t *ns = get_path(json_object_get(json_object_get(r, "samples"), "phases"),
				    phase), *v;
	uint64_t *out;
	size_t i;

	ns = json_object_get(ns, "ns");
	*n = json_array_size(ns);
	if (!*n)
		return NULL;
	out = malloc(*n * sizeof(*out));
	if (!out)
		return NULL;
	json_array_foreach(ns, i, v)
		out[i] = (uint64_t)json_integer_value(v);
	return out;
}

/*
 * p < 0: no samples to test. A change smaller than @resolution_ns (one
 * timestamp's cost) is below what the clock can tell, whatever the test says.
 */
static const char *verdict(double base, double new, double p, double threshold,
			   double resolution_ns)
{
	double change = new / base - 1;

	if (p < 0)
		return "untested";
	if (p >= DMAB_COMPARE_ALPHA || fabs(change) < threshold ||
	    fabs(new - base) < resolution_ns)
		return "no_change";
	return change > 0 ? "slower" : "faster";
}

struct test {
	double p;
	const char *method;
};

static int test_phase(const json_t *a, const json_t *b, const char *phase, struct test *t)
{
	struct dmab_mann_whitney mw;
	uint64_t *x, *y;
	size_t nx, ny;
	int ret = 0;

	t->p = -1;
	t->method = NULL;
	x = samples_of(a, phase, &nx);
	y = samples_of(b, phase, &ny);
	if (x && y) {
		ret = dmab_mann_whitney(x, nx, y, ny, &mw);
		if (!ret) {
			t->p = mw.p;
			t->method = mw.exact ? "exact" : "normal";
		}
	}
	free(x);
	free(y);
	return ret == -ENOMEM ? ret : 0;
}

/* @v: the verdict, from the phase's medians (throughput takes its phase's). */
static json_t *metric_json(const char *name, const char *unit, double base, double new,
			   const struct test *t, const char *v)
{
	return json_pack("{s:s, s:s, s:f, s:f, s:o, s:o, s:s?, s:s}", "metric", name, "unit",
			 unit, "base", base, "new", new, "ratio",
			 base > 0 ? json_real(new / base) : json_null(),
			 "p", t->p >= 0 ? json_real(t->p) : json_null(), "test", t->method,
			 "verdict", v);
}

static const char *integrity_verdict(const json_t *r)
{
	const char *v = json_string_value(json_object_get(json_object_get(r, "integrity"),
							  "verdict"));

	return v ? v : "unknown";
}

static int integrity_rank(const char *v)
{
	return !strcmp(v, "corrupt") ? 2 : !strcmp(v, "stale") ? 1 : 0;
}

static json_t *integrity_json(const json_t *a, const json_t *b)
{
	const json_t *ia = json_object_get(a, "integrity"), *ib = json_object_get(b, "integrity");
	const char *va = integrity_verdict(a), *vb = integrity_verdict(b);
	json_int_t sa = json_integer_value(json_object_get(ia, "stale_lines"));
	json_int_t sb = json_integer_value(json_object_get(ib, "stale_lines"));
	json_int_t ca = json_integer_value(json_object_get(ia, "corrupt_lines"));
	json_int_t cb = json_integer_value(json_object_get(ib, "corrupt_lines"));
	/* stale or corrupt data where there was none is a regression, whatever the timing */
	int worse = integrity_rank(vb) > integrity_rank(va) || (!sa && sb) || (!ca && cb);

	return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:b, s:b}", "base", va, "new", vb,
			 "base_stale_lines", sa, "new_stale_lines", sb,
			 "base_corrupt_lines", ca, "new_corrupt_lines", cb,
			 "changed", strcmp(va, vb) || (!sa != !sb) || (!ca != !cb),
			 "regression", worse);
}

static int compare_one(const json_t *a, const json_t *b, double threshold, double resolution,
		       json_t **out)
{
	const json_t *pa = json_object_get(a, "phases"), *pb = json_object_get(b, "phases");
	const json_t *ta = json_object_get(a, "throughput_mbps"),
		     *tb = json_object_get(b, "throughput_mbps");
	json_t *c = key_json(a), *metrics = json_array(), *throughput = json_array(), *integrity;
	int ret = 0, regression = 0;
	unsigned int p;

	for (p = 0; p < DMAB_PHASE_COUNT && !ret; p++) {
		const char *name = dmab_phase_names[p], *v;
		const json_t *sa = json_object_get(pa, name), *sb = json_object_get(pb, name);
		const json_t *qa = json_object_get(ta, name), *qb = json_object_get(tb, name);
		double base, new;
		struct test t;

		if (!sa || !sb)
			continue;
		ret = test_phase(a, b, name, &t);
		base = (double)json_integer_value(json_object_get(sa, "p50_ns"));
		new = (double)json_integer_value(json_object_get(sb, "p50_ns"));
		v = base > 0 && new > 0 ? verdict(base, new, t.p, threshold, resolution) :
		    "untested";
		regression |= p == DMAB_PHASE_FRAME && !strcmp(v, "slower");
		json_array_append_new(metrics, metric_json(name, "ns", base, new, &t, v));
		/* throughput is the size over this median: the same test and verdict */
		if (json_is_number(qa) && json_is_number(qb)) {
			char metric[64];

			snprintf(metric, sizeof(metric), "throughput.%s", name);
			json_array_append_new(throughput,
					      metric_json(metric, "MB/s", json_number_value(qa),
							  json_number_value(qb), &t, v));
		}
	}
	json_array_extend(metrics, throughput);
	json_decref(throughput);
	integrity = integrity_json(a, b);
	regression |= json_is_true(json_object_get(integrity, "regression"));
	json_object_set_new(c, "metrics", metrics);
	json_object_set_new(c, "integrity", integrity);
	json_object_set_new(c, "regression", json_boolean(regression));
	*out = c;
	return ret;
}

static const json_t *metric_of(const json_t *c, const char *name)
{
	const json_t *m;
	size_t i;

	json_array_foreach(json_object_get(c, "metrics"), i, m)
		if (!strcmp(json_string_value(json_object_get(m, "metric")), name))
			return m;
	return NULL;
}

/* Per strategy (and backend), the geometric mean of the frame-time ratios. */
static json_t *geomean_json(const json_t *configs)
{
	json_t *out = json_array(), *c, *g = NULL;
	size_t i, k;

	json_array_foreach(configs, i, c) {
		const json_t *ratio = json_object_get(metric_of(c, "frame"), "ratio");

		if (!json_is_real(ratio) || json_real_value(ratio) <= 0)
			continue;
		json_array_foreach(out, k, g)
			if (json_equal(json_object_get(g, "strategy"), json_object_get(c, "strategy")) &&
			    json_equal(json_object_get(g, "backend"), json_object_get(c, "backend")))
				break;
		if (k == json_array_size(out)) {
			g = json_pack("{s:O, s:O, s:f, s:i}", "strategy",
				      json_object_get(c, "strategy"), "backend",
				      json_object_get(c, "backend"), "log_sum", 0.0,
				      "configurations", 0);
			json_array_append_new(out, g);
		}
		json_object_set_new(g, "log_sum",
				    json_real(json_real_value(json_object_get(g, "log_sum")) +
					      log(json_real_value(ratio))));
		json_object_set_new(g, "configurations",
				    json_integer(json_integer_value(json_object_get(g,
								   "configurations")) + 1));
	}
	json_array_foreach(out, i, g) {
		double n = (double)json_integer_value(json_object_get(g, "configurations"));

		json_object_set_new(g, "frame_ratio",
				    json_real(exp(json_real_value(json_object_get(g, "log_sum")) / n)));
		json_object_del(g, "log_sum");
	}
	return out;
}

static json_t *file_json(const json_t *root, const char *path)
{
	const json_t *env = json_object_get(root, "environment");

	return json_pack("{s:s, s:O?, s:O?, s:O?, s:O?}", "file", path,
			 "started_utc", json_object_get(root, "started_utc"),
			 "kernel", get_path(env, "kernel.release"),
			 "board", json_object_get(env, "board"),
			 "host", json_object_get(env, "hostname"));
}

static void add_unmatched(json_t *list, const json_t *r, const char *why)
{
	json_t *k = key_json(r);

	json_object_set_new(k, "why", json_string(why));
	json_array_append_new(list, k);
}

/* The larger of the two files' timestamp costs, at least 1 ns. */
static double timer_resolution_ns(const json_t *a, const json_t *b)
{
	double ra = json_number_value(get_path(json_object_get(a, "environment"),
					       "timer.overhead_ns"));
	double rb = json_number_value(get_path(json_object_get(b, "environment"),
					       "timer.overhead_ns"));
	double r = ra > rb ? ra : rb;

	return r > 1 ? r : 1;
}

int dmab_compare(const json_t *base_root, const char *base_path, const json_t *new_root,
		 const char *new_path, double threshold_pct, json_t **out, char *err,
		 size_t errlen)
{
	const json_t *ra = json_object_get(base_root, "results"),
		     *rb = json_object_get(new_root, "results"), *a, *b;
	json_t *cmp, *configs = json_array(), *unmatched = json_array(), *c;
	double resolution = timer_resolution_ns(base_root, new_root);
	size_t i, regressions = 0;
	int ret = 0;

	json_array_foreach(ra, i, a) {
		b = find_match(rb, a);
		if (!b) {
			add_unmatched(unmatched, a, "only in base");
		} else if (skipped(a) || skipped(b)) {
			add_unmatched(unmatched, a, skipped(a) && skipped(b) ? "skipped in both" :
				      skipped(a) ? "skipped in base" : "skipped in new");
		} else {
			ret = compare_one(a, b, threshold_pct / 100, resolution, &c);
			json_array_append_new(configs, c);
			regressions += json_is_true(json_object_get(c, "regression"));
			if (ret)
				break;
		}
	}
	json_array_foreach(rb, i, b)
		if (!find_match(ra, b))
			add_unmatched(unmatched, b, "only in new");
	if (!ret && !json_array_size(configs)) {
		snprintf(err, errlen, "no configuration ran in both %s and %s (matched by "
			 "strategy, backend, workload, pattern and size)", base_path, new_path);
		ret = -ENOENT;
	}
	if (ret) {
		json_decref(configs);
		json_decref(unmatched);
		return ret;
	}
	cmp = json_pack("{s:o, s:o, s:f, s:f, s:f, s:o, s:o, s:o, s:o, s:I}",
			"base", file_json(base_root, base_path),
			"new", file_json(new_root, new_path),
			"threshold_pct", threshold_pct, "alpha", DMAB_COMPARE_ALPHA,
			"resolution_ns", resolution,
			"environment", env_diff(base_root, new_root),
			"configurations", configs, "unmatched", unmatched,
			"geomean", geomean_json(configs), "regressions", (json_int_t)regressions);
	if (!cmp)
		return -ENOMEM;
	*out = cmp;
	return 0;
}

size_t dmab_compare_regressions(const json_t *cmp)
{
	return (size_t)json_integer_value(json_object_get(cmp, "regressions"));
}

/* --- printing --- */

static const char *config_name(const json_t *c, char *buf, size_t len)
{
	const json_t *pattern = json_object_get(c, "pattern");
	char size[32];

	snprintf(buf, len, "%s %s %s %s %s", json_string_value(json_object_get(c, "strategy")),
		 json_string_value(json_object_get(c, "backend")),
		 json_string_value(json_object_get(c, "workload")),
		 json_is_string(pattern) ? json_string_value(pattern) : "-",
		 dmab_format_size((uint64_t)json_integer_value(json_object_get(c, "size_bytes")),
				  size, sizeof(size)));
	return buf;
}

static void format_value(const json_t *m, const char *which, char *buf, size_t len)
{
	double v = json_number_value(json_object_get(m, which));

	if (!strcmp(json_string_value(json_object_get(m, "unit")), "ns"))
		snprintf(buf, len, "%.3f us", v / 1e3);
	else
		snprintf(buf, len, "%.0f MB/s", v);
}

static void format_p(const json_t *m, char *buf, size_t len)
{
	const json_t *p = json_object_get(m, "p");

	if (!json_is_number(p))
		snprintf(buf, len, "n/a");
	else if (json_real_value(p) < 0.0001)
		snprintf(buf, len, "<0.0001");
	else
		snprintf(buf, len, "%.4f", json_real_value(p));
}

static void format_change(const json_t *m, char *buf, size_t len)
{
	const json_t *r = json_object_get(m, "ratio");

	if (!json_is_number(r))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%+.1f%%", 100 * (json_real_value(r) - 1));
}

static const char *verdict_text(const char *v)
{
	return !strcmp(v, "no_change") ? "no change" : !strcmp(v, "untested") ?
	       "untested (no samples)" : v;
}

static void format_env_value(const json_t *v, char *buf, size_t len)
{
	char *s;

	if (!v) {
		snprintf(buf, len, "(absent)");
		return;
	}
	if (json_is_string(v)) {
		snprintf(buf, len, "%s", json_string_value(v));
		return;
	}
	s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	snprintf(buf, len, "%s", s ? s : "?");
	free(s);
}

static void print_header(FILE *out, const json_t *cmp, int markdown)
{
	static const char *const which[] = { "base", "new" };
	size_t i;

	for (i = 0; i < 2; i++) {
		const json_t *f = json_object_get(cmp, which[i]);
		const json_t *board = json_object_get(f, "board"), *kernel = json_object_get(f,
											   "kernel");

		fprintf(out, "%s%-4s %s: %s, kernel %s, board %s\n", markdown ? "- " : "", which[i],
			json_string_value(json_object_get(f, "file")),
			json_is_string(json_object_get(f, "started_utc")) ?
			json_string_value(json_object_get(f, "started_utc")) : "unknown time",
			json_is_string(kernel) ? json_string_value(kernel) : "unknown",
			json_is_string(board) ? json_string_value(board) : "unknown");
	}
	fprintf(out, "%sverdicts: two-sided Mann-Whitney U p < %g, a change of at least %g%% "
		"and of more than %.0f ns (a timestamp's cost); exit 1 on a slower frame time or "
		"worse integrity\n", markdown ? "- " : "",
		json_real_value(json_object_get(cmp, "alpha")),
		json_real_value(json_object_get(cmp, "threshold_pct")),
		json_real_value(json_object_get(cmp, "resolution_ns")));
}

static void print_env(FILE *out, const json_t *cmp, int markdown)
{
	const json_t *env = json_object_get(cmp, "environment"), *d;
	char a[512], b[512];
	size_t i;

	if (!json_array_size(env)) {
		fprintf(out, "\nenvironment: the same (kernel, command line, config subset, module "
			"parameters, CPU, governor, board)\n");
		return;
	}
	fprintf(out, "\n%s\n", markdown ? "### Environment differences\n\n| field | base | new |\n"
		"|---|---|---|" : "environment differences (base -> new):");
	json_array_foreach(env, i, d) {
		format_env_value(json_object_get(d, "base"), a, sizeof(a));
		format_env_value(json_object_get(d, "new"), b, sizeof(b));
		if (markdown)
			fprintf(out, "| %s | `%s` | `%s` |\n",
				json_string_value(json_object_get(d, "field")), a, b);
		else
			fprintf(out, "  %-24s %s -> %s\n",
				json_string_value(json_object_get(d, "field")), a, b);
	}
}

static void print_integrity(FILE *out, const json_t *cmp, int markdown, int colour)
{
	const json_t *c;
	char name[256];
	size_t i;

	json_array_foreach(json_object_get(cmp, "configurations"), i, c) {
		const json_t *in = json_object_get(c, "integrity");
		int worse = json_is_true(json_object_get(in, "regression"));

		if (!json_is_true(json_object_get(in, "changed")))
			continue;
		fprintf(out, "%s%sINTEGRITY %s%s %s: %s -> %s (stale lines %lld -> %lld, corrupt lines "
			"%lld -> %lld)%s\n", markdown ? "- **" : "",
			colour ? (worse ? "\033[1;31m" : "\033[32m") : "",
			worse ? "REGRESSION" : "changed",
			markdown ? "**" : "",
			config_name(c, name, sizeof(name)),
			json_string_value(json_object_get(in, "base")),
			json_string_value(json_object_get(in, "new")),
			json_integer_value(json_object_get(in, "base_stale_lines")),
			json_integer_value(json_object_get(in, "new_stale_lines")),
			json_integer_value(json_object_get(in, "base_corrupt_lines")),
			json_integer_value(json_object_get(in, "new_corrupt_lines")),
			colour ? "\033[0m" : "");
	}
}

#define COLS 7

static void print_row(FILE *out, char cells[COLS][256], const int *width, int markdown,
		      const char *colour)
{
	int i;

	for (i = 0; i < COLS; i++) {
		if (markdown)
			fprintf(out, "| %s ", cells[i]);
		else if (i == COLS - 1)
			fprintf(out, "%s%s%s", colour ? colour : "", cells[i], colour ? "\033[0m" : "");
		else
			fprintf(out, i >= 2 && i <= 5 ? "%*s  " : "%-*s  ", width[i], cells[i]);
	}
	fprintf(out, "%s\n", markdown ? "|" : "");
}

static void metric_cells(const json_t *c, const json_t *m, char cells[COLS][256])
{
	config_name(c, cells[0], 256);
	snprintf(cells[1], 256, "%s", json_string_value(json_object_get(m, "metric")));
	format_value(m, "base", cells[2], 256);
	format_value(m, "new", cells[3], 256);
	format_change(m, cells[4], 256);
	format_p(m, cells[5], 256);
	snprintf(cells[6], 256, "%s",
		 verdict_text(json_string_value(json_object_get(m, "verdict"))));
}

static void print_table(FILE *out, const json_t *cmp, int markdown, int colour)
{
	static const char *const head[COLS] = { "configuration", "metric", "base median",
						"new median", "change", "p", "verdict" };
	char cells[COLS][256];
	int width[COLS] = { 0 };
	const json_t *c, *m;
	size_t i, k;
	int j;

	for (j = 0; j < COLS; j++)
		width[j] = (int)strlen(head[j]);
	json_array_foreach(json_object_get(cmp, "configurations"), i, c)
		json_array_foreach(json_object_get(c, "metrics"), k, m) {
			metric_cells(c, m, cells);
			for (j = 0; j < COLS; j++)
				if ((int)strlen(cells[j]) > width[j])
					width[j] = (int)strlen(cells[j]);
		}
	for (j = 0; j < COLS; j++)
		snprintf(cells[j], 256, "%s", head[j]);
	fprintf(out, "\n%s", markdown ? "### Per configuration\n\n" : "");
	print_row(out, cells, width, markdown, NULL);
	if (markdown)
		fprintf(out, "|---|---|--:|--:|--:|--:|---|\n");
	json_array_foreach(json_object_get(cmp, "configurations"), i, c)
		json_array_foreach(json_object_get(c, "metrics"), k, m) {
			const char *v = json_string_value(json_object_get(m, "verdict"));

			metric_cells(c, m, cells);
			if (k && !markdown)
				cells[0][0] = 0;	/* the configuration once */
			if (markdown && strcmp(v, "no_change") && strcmp(v, "untested")) {
				char bold[256];

				snprintf(bold, sizeof(bold), "**%.200s**", cells[6]);
				memcpy(cells[6], bold, sizeof(bold));
			}
			print_row(out, cells, width, markdown,
				  !colour ? NULL : !strcmp(v, "slower") ? "\033[31m" :
				  !strcmp(v, "faster") ? "\033[32m" : NULL);
		}
}

static void print_tail(FILE *out, const json_t *cmp, int markdown)
{
	const json_t *g, *u;
	char name[256];
	size_t i, both = 0;

	fprintf(out, "\n%s", markdown ? "### Geometric mean of the frame-time ratios (new / base)"
		"\n\n" : "geometric mean of the frame-time ratios (new / base):\n");
	json_array_foreach(json_object_get(cmp, "geomean"), i, g)
		fprintf(out, "%s%-14s %-8s %.3f over %lld configuration%s\n", markdown ? "- " : "  ",
			json_string_value(json_object_get(g, "strategy")),
			json_string_value(json_object_get(g, "backend")),
			json_real_value(json_object_get(g, "frame_ratio")),
			json_integer_value(json_object_get(g, "configurations")),
			json_integer_value(json_object_get(g, "configurations")) == 1 ? "" : "s");
	json_array_foreach(json_object_get(cmp, "unmatched"), i, u) {
		if (!strcmp(json_string_value(json_object_get(u, "why")), "skipped in both")) {
			both++;
			continue;
		}
		fprintf(out, "%snot compared: %s (%s)\n", markdown ? "- " : "",
			config_name(u, name, sizeof(name)),
			json_string_value(json_object_get(u, "why")));
	}
	if (both)
		fprintf(out, "%s%zu configuration%s skipped in both\n", markdown ? "- " : "", both,
			both == 1 ? "" : "s");
	fprintf(out, "\n%s%zu regression%s%s\n", markdown ? "**" : "", dmab_compare_regressions(cmp),
		dmab_compare_regressions(cmp) == 1 ? "" : "s", markdown ? "**" : "");
}

void dmab_compare_print_text(FILE *out, const json_t *cmp, int colour)
{
	print_header(out, cmp, 0);
	print_env(out, cmp, 0);
	print_integrity(out, cmp, 0, colour);
	print_table(out, cmp, 0, colour);
	print_tail(out, cmp, 0);
}

void dmab_compare_print_markdown(FILE *out, const json_t *cmp, const char *heading)
{
	if (heading)
		fprintf(out, "%s\n\n", heading);
	print_header(out, cmp, 1);
	print_env(out, cmp, 1);
	fprintf(out, "\n");
	print_integrity(out, cmp, 1, 0);
	print_table(out, cmp, 1, 0);
	print_tail(out, cmp, 1);
}
