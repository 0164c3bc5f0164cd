// SPDX-License-Identifier: GPL-2.0
/*
 * dmabench compare, after Google Benchmark's tools/compare.py: per matched
 * configuration both medians, the ratio, a two-sided Mann-Whitney U p-value
 * and a verdict that needs significance and a threshold; then what a design
 * review asks first: did the environment change, and did stale data appear.
 *
 * The replicates are the repetitions, not the frames: the frames of one
 * repetition share one allocation and one period of the machine, so a
 * test over frames calls any shift significant, and two runs of one build
 * would differ. The frame-level test is kept as a diagnostic (p_frames).
 */
#include "compare.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../harness/dmabench.h"
#include "../harness/parse.h"
#include "../harness/run.h"
#include "stats.h"

#define CI_LEVEL 0.95

/* run writes what compare reads */
_Static_assert(DMAB_SCHEMA_VERSION >= DMAB_SCHEMA_VERSION_MIN &&
	       DMAB_SCHEMA_VERSION <= DMAB_SCHEMA_VERSION_MAX,
	       "dmabench.h's DMAB_SCHEMA_VERSION is outside what compare reads");

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

static int is_count(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0;
}

/* Version 2: one entry per repetition, its frames and its median per phase. */
static int check_repetitions(const json_t *reps, const char *path, size_t i, char *err,
			     size_t len)
{
	const json_t *rep, *p50, *v;
	const char *name;
	char what[200];
	size_t k;

	if (!reps || json_is_null(reps))
		return 0;
	if (!json_is_array(reps))
		return bad(err, len, path, "repetitions is not a list", i);
	/* compare's bootstrap costs 10000 resamples times the repetitions, per phase */
	if (json_array_size(reps) > DMAB_MAX_REPEAT) {
		snprintf(what, sizeof(what), "%zu repetitions, more than the %d a run makes (-R)",
			 json_array_size(reps), DMAB_MAX_REPEAT);
		return bad(err, len, path, what, i);
	}
	json_array_foreach(reps, k, rep) {
		const json_t *n = json_object_get(rep, "n");

		if (!json_is_object(rep)) {
			snprintf(what, sizeof(what), "repetitions[%zu] is not an object", k);
			return bad(err, len, path, what, i);
		}
		if (!json_is_integer(n) || json_integer_value(n) < 0) {
			snprintf(what, sizeof(what), "repetitions[%zu].n is missing or not a count "
				 "of frames", k);
			return bad(err, len, path, what, i);
		}
		p50 = json_object_get(rep, "p50_ns");
		if (!json_is_object(p50)) {
			snprintf(what, sizeof(what), "repetitions[%zu].p50_ns is missing or not an "
				 "object", k);
			return bad(err, len, path, what, i);
		}
		json_object_foreach((json_t *)p50, name, v)
			if (!json_is_integer(v) || json_integer_value(v) < 0) {
				snprintf(what, sizeof(what), "repetitions[%zu].p50_ns.%.40s is not a "
					 "count of ns", k, name);
				return bad(err, len, path, what, i);
			}
	}
	return 0;
}

/*
 * A noise floor: at most 10^6 % (a ratio of 10^4), so that twice it, the
 * threshold, is a number to print and to compare with (1e308 made it
 * infinite, and the threshold silently 0).
 */
#define PCT_MAX 1e6

static int is_pct(const json_t *v)
{
	return json_is_number(v) && json_number_value(v) >= 0 && json_number_value(v) <= PCT_MAX;
}

/* The shape noise_floor.groups[k].@field must have, or NULL when it has it. */
static const char *bad_group_field(const json_t *g, const char **field)
{
	const json_t *pattern = json_object_get(g, "pattern");
	const json_t *size = json_object_get(g, "size_bytes");
	static const char *const strings[] = { "workload", "strategy", "backend" };
	size_t i;

	for (i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		if (!json_is_string(json_object_get(g, strings[i]))) {
			*field = strings[i];
			return "a string";
		}
	*field = "size_bytes";
	if (!json_is_integer(size) || json_integer_value(size) <= 0)
		return "a positive integer";
	*field = "pattern";
	if (!json_is_string(pattern) && !json_is_null(pattern))
		return "a string or null";
	*field = "floor_pct";
	if (!is_pct(json_object_get(g, "floor_pct")))
		return "a percentage";
	return NULL;
}

/* Version 2: the run's own A/A pairs; what the default threshold reads. */
static int check_noise_floor(const json_t *nf, const char *path, char *err, size_t len)
{
	const json_t *groups = json_object_get(nf, "groups"), *g;
	const char *field, *want;
	char what[200];
	size_t k;

	if (!nf || json_is_null(nf))
		return 0;
	if (!json_is_object(nf))
		return bad(err, len, path, "noise_floor is not an object or null", (size_t)-1);
	if (!json_is_array(groups))
		return bad(err, len, path, "noise_floor.groups is missing or not a list",
			   (size_t)-1);
	if (!is_pct(json_object_get(nf, "worst_pct")))
		return bad(err, len, path, "noise_floor.worst_pct is missing or not a percentage",
			   (size_t)-1);
	json_array_foreach(groups, k, g) {
		if (!json_is_object(g)) {
			snprintf(what, sizeof(what), "noise_floor.groups[%zu] is not an object", k);
			return bad(err, len, path, what, (size_t)-1);
		}
		want = bad_group_field(g, &field);
		if (want) {
			snprintf(what, sizeof(what), "noise_floor.groups[%zu].%s is missing or not "
				 "%s", k, field, want);
			return bad(err, len, path, what, (size_t)-1);
		}
	}
	return 0;
}

/*
 * alloc's frames that got no buffer, by errno name (where the result has
 * them): counts, and the frames beside them, since the attempts are the
 * frames plus the failures.
 */
static int check_alloc_failures(const json_t *r, const char *path, size_t i, char *err,
				size_t len)
{
	const json_t *failures = json_object_get(r, "alloc_failures"), *v;
	const char *name;
	char what[160];

	if (!failures || json_is_null(failures))
		return 0;
	if (!json_is_object(failures))
		return bad(err, len, path, "alloc_failures is not an object of counts", i);
	json_object_foreach((json_t *)failures, name, v)
		if (!is_count(v)) {
			snprintf(what, sizeof(what), "alloc_failures.%.40s is not a count", name);
			return bad(err, len, path, what, i);
		}
	if (!is_count(json_object_get(r, "frames")))
		return bad(err, len, path, "frames is missing or not a count (the attempts beside "
			   "alloc_failures)", i);
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
	int ret;

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
	/* a skipped alloc result (no attempt got a buffer) has them too */
	ret = check_alloc_failures(r, path, i, err, len);
	if (ret || json_is_string(json_object_get(r, "skipped")))
		return ret;
	if (!json_is_object(phases))
		return bad(err, len, path, "phases is missing or not an object", i);
	json_object_foreach((json_t *)phases, name, ph)
		if (!is_count(json_object_get(ph, "p50_ns")) || !is_count(json_object_get(ph, "n"))) {
			snprintf(what, sizeof(what), "phases.%.40s has no n and p50_ns that are "
				 "counts", name);
			return bad(err, len, path, what, i);
		}
	if (!json_is_object(json_object_get(r, "integrity")))
		return bad(err, len, path, "integrity is missing or not an object", i);
	ret = check_repetitions(json_object_get(r, "repetitions"), path, i, err, len);
	if (ret)
		return ret;
	return check_samples(json_object_get(r, "samples"), path, i, err, len);
}

/* DMAB_RESULT_MAX_MB in bytes, or what DMABENCH_MAX_RESULT_MB says. */
static int result_limit(uint64_t *max_bytes, char *err, size_t len)
{
	const char *env = getenv(DMAB_RESULT_MAX_MB_ENV);
	unsigned long long mb = DMAB_RESULT_MAX_MB;
	char *end;

	if (env && env[0]) {
		errno = 0;
		mb = strtoull(env, &end, 10);
		if (errno || *end || env[0] == '-' || !mb || mb > DMAB_RESULT_MAX_MB_CEILING) {
			snprintf(err, len, "%s='%.40s' is not a whole number of MiB from 1 to %d",
				 DMAB_RESULT_MAX_MB_ENV, env, DMAB_RESULT_MAX_MB_CEILING);
			return -EINVAL;
		}
	}
	*max_bytes = (uint64_t)mb << 20;
	return 0;
}

int dmab_result_limit(uint64_t *max_bytes, char *err, size_t len)
{
	return result_limit(max_bytes, err, len);
}

static int too_large(const char *name, uint64_t size, uint64_t max, char *err, size_t len)
{
	char have[48];

	if (size == UINT64_MAX)
		snprintf(have, sizeof(have), "more than %llu MiB",
			 (unsigned long long)(max >> 20));
	else
		snprintf(have, sizeof(have), "%.1f MiB", (double)size / (1 << 20));
	snprintf(err, len, "%s: %s, over the limit of %llu MiB for a result file (%s=MiB "
		 "raises it)", name, have, (unsigned long long)(max >> 20),
		 DMAB_RESULT_MAX_MB_ENV);
	return -EFBIG;
}

static char *key_text(const json_t *r);

/*
 * compare matches results by key (strategy, backend, workload, pattern and
 * size): each is in a file once, as run writes it, or a file compared with
 * itself would pair one result with another.
 */
static int check_unique(const json_t *results, const char *path, char *err, size_t len)
{
	json_t *seen = json_object(), *first;
	const json_t *r;
	char what[160], *key;
	size_t i;
	int ret = 0;

	json_array_foreach(results, i, r) {
		key = seen ? key_text(r) : NULL;
		if (!key) {
			snprintf(err, len, "%s: %s", path, strerror(ENOMEM));
			ret = -ENOMEM;
			break;
		}
		first = json_object_get(seen, key);
		if (first) {
			snprintf(what, sizeof(what), "the same configuration as results[%lld] "
				 "(strategy, backend, workload, pattern and size)",
				 (long long)json_integer_value(first));
			ret = bad(err, len, path, what, i);
		} else if (json_object_set_new(seen, key, json_integer((json_int_t)i))) {
			snprintf(err, len, "%s: %s", path, strerror(ENOMEM));
			ret = -ENOMEM;
		}
		free(key);
		if (ret)
			break;
	}
	json_decref(seen);
	return ret;
}

/* The document's shape: schema_version, the noise floor, each result. */
static int check_document(const json_t *j, const char *path, char *err, size_t errlen)
{
	const json_t *results = json_object_get(j, "results");
	const json_t *version = json_object_get(j, "schema_version");
	char what[128];
	size_t i;
	int ret;

	if (!json_is_object(j))
		return bad(err, errlen, path, "not a dmabench result (the JSON is not an object)",
			   (size_t)-1);
	if (!version)
		return bad(err, errlen, path, "not a dmabench result (no schema_version)",
			   (size_t)-1);
	if (!json_is_integer(version) || json_integer_value(version) < DMAB_SCHEMA_VERSION_MIN ||
	    json_integer_value(version) > DMAB_SCHEMA_VERSION_MAX) {
		char *v = json_dumps(version, JSON_ENCODE_ANY);

		snprintf(what, sizeof(what), "schema_version %.40s, this build reads %d to %d",
			 v ? v : "?", DMAB_SCHEMA_VERSION_MIN, DMAB_SCHEMA_VERSION_MAX);
		free(v);
		return bad(err, errlen, path, what, (size_t)-1);
	}
	if (!json_is_array(results))
		return bad(err, errlen, path, "results is missing or not a list", (size_t)-1);
	if (json_array_size(results) > DMAB_RESULTS_MAX) {
		snprintf(what, sizeof(what), "%zu results, more than the %d a result file may "
			 "hold", json_array_size(results), DMAB_RESULTS_MAX);
		return bad(err, errlen, path, what, (size_t)-1);
	}
	ret = check_noise_floor(json_object_get(j, "noise_floor"), path, err, errlen);
	for (i = 0; !ret && i < json_array_size(results); i++)
		ret = check_result(json_array_get(results, i), path, i, err, errlen);
	return ret ? ret : check_unique(results, path, err, errlen);
}

int dmab_result_load_buffer(const char *data, size_t len, const char *name, json_t **root,
			    char *err, size_t errlen)
{
	json_error_t je;
	uint64_t max;
	json_t *j;
	int ret;

	*root = NULL;
	ret = result_limit(&max, err, errlen);
	if (ret)
		return ret;
	if (len > max)
		return too_large(name, len, max, err, errlen);
	j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		if (json_error_code(&je) == json_error_premature_end_of_input)
			snprintf(err, errlen, "%s: truncated: the JSON ends at line %d column %d "
				 "before the document does", name, je.line, je.column);
		else
			snprintf(err, errlen, "%s: not JSON: line %d column %d: %s", name, je.line,
				 je.column, je.text);
		return -EINVAL;
	}
	ret = check_document(j, name, err, errlen);
	if (ret) {
		json_decref(j);
		return ret;
	}
	*root = j;
	return 0;
}

/*
 * The whole file, refused past @max bytes before it is read where its size
 * is known, and while it is read where it is not (a pipe).
 */
static int read_file(FILE *f, const char *path, uint64_t max, char **data, size_t *len,
		     char *err, size_t errlen)
{
	size_t cap = 1 << 16, n = 0, got;
	struct stat st;
	char *buf, *more;

	if (!fstat(fileno(f), &st) && S_ISREG(st.st_mode)) {
		if ((uint64_t)st.st_size > max)
			return too_large(path, (uint64_t)st.st_size, max, err, errlen);
		cap = (size_t)st.st_size + 1;
	}
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	errno = 0;
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n > max) {
			free(buf);
			return too_large(path, UINT64_MAX, max, err, errlen);
		}
		if (n < cap)
			continue;
		cap = cap * 2 > max + 1 ? (size_t)max + 1 : cap * 2;
		more = realloc(buf, cap);
		if (!more) {
			free(buf);
			return -ENOMEM;
		}
		buf = more;
	}
	if (ferror(f)) {
		int e = errno ? errno : EIO;

		free(buf);
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(e));
		return -e;
	}
	*data = buf;
	*len = n;
	return 0;
}

int dmab_result_load(const char *path, json_t **root, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *data = NULL;
	size_t len = 0;
	uint64_t max;
	int ret;

	*root = NULL;
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return ret;
	}
	ret = result_limit(&max, err, errlen);
	if (!ret)
		ret = read_file(f, path, max, &data, &len, err, errlen);
	fclose(f);
	if (ret == -ENOMEM)
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(ENOMEM));
	if (ret)
		return ret;
	ret = dmab_result_load_buffer(data, len, path, root, err, errlen);
	free(data);
	return ret;
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

/* --- matching --- */

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

static json_t *key_json(const json_t *r)
{
	return json_pack("{s:O, s:O, s:O, s:O, s:O}", "strategy", json_object_get(r, "strategy"),
			 "backend", json_object_get(r, "backend"),
			 "workload", json_object_get(r, "workload"),
			 "pattern", json_object_get(r, "pattern"),
			 "size_bytes", json_object_get(r, "size_bytes"));
}

/* @k (taken) as compact JSON text to free(), or NULL. */
static char *compact_text(json_t *k)
{
	char *text = k ? json_dumps(k, JSON_COMPACT) : NULL;

	json_decref(k);
	return text;
}

/*
 * The key as text, for an index: equal texts are equal keys (the loader
 * made them strings, null and integers, which JSON writes one way).
 */
static char *key_text(const json_t *r)
{
	return compact_text(key_json(r));
}

/*
 * A file's results by key, the first of each as a scan finds it: matching
 * two files of n results is then n lookups, not n^2 / 2 comparisons (5000
 * results took minutes). NULL when it cannot be built: find_match() scans.
 */
static json_t *index_of(const json_t *results)
{
	json_t *index = json_object(), *r;
	char *key;
	size_t i;

	json_array_foreach(results, i, r) {
		key = index ? key_text(r) : NULL;
		if (!key || (!json_object_get(index, key) && json_object_set(index, key, r))) {
			free(key);
			json_decref(index);
			return NULL;
		}
		free(key);
	}
	return index;
}

static const char *str(const json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));

	return s ? s : "-";
}

/* "cached-sync user read": a configuration within its workload and size. */
static void config_short(const json_t *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s %s", str(c, "strategy"), str(c, "backend"), str(c, "pattern"));
}

/* "capture 64KiB" */
static void workload_size(const json_t *c, char *buf, size_t len)
{
	char size[32];

	snprintf(buf, len, "%s %s", str(c, "workload"),
		 dmab_format_size((uint64_t)json_integer_value(json_object_get(c, "size_bytes")),
				  size, sizeof(size)));
}

/* --- the files --- */

struct side {
	const json_t *root;
	const char *name;	/* the file's name without its folder, for notes */
	const json_t *index;	/* index_of() its results, or NULL */
};

/* The result of @s with @r's key (the first, should there be several), or NULL. */
static const json_t *find_match(const struct side *s, const json_t *r)
{
	const json_t *v;
	char *key;
	size_t i;

	key = s->index ? key_text(r) : NULL;
	if (key) {
		v = json_object_get(s->index, key);
		free(key);
		return v;
	}
	json_array_foreach(json_object_get(s->root, "results"), i, v)
		if (same_key(v, r))
			return v;
	return NULL;
}

static const char *file_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

/* --- the threshold per workload and size --- */

/* A percentage as a reader writes it: 5, 6.8, 3.45 (at most two decimals). */
static const char *pct_text(double pct, char *buf, size_t len)
{
	char *end;

	snprintf(buf, len, "%.2f", pct);
	end = buf + strlen(buf);
	while (end > buf && end[-1] == '0')
		*--end = 0;
	if (end > buf && end[-1] == '.')
		end[-1] = 0;
	return buf;
}

/*
 * The noise floor the file @root measured for @w's workload and size: its
 * group's floor_pct (the largest, should there be several; *@group), else
 * its worst_pct (*@group NULL). Negative when the file has no noise floor.
 */
static double floor_of(const json_t *root, const json_t *w, const json_t **group)
{
	const json_t *nf = json_object_get(root, "noise_floor"), *g;
	double best = -1;
	size_t i;

	*group = NULL;
	if (!json_is_object(nf))
		return -1;
	json_array_foreach(json_object_get(nf, "groups"), i, g)
		if (json_equal(json_object_get(g, "workload"), json_object_get(w, "workload")) &&
		    json_equal(json_object_get(g, "size_bytes"), json_object_get(w, "size_bytes")) &&
		    json_number_value(json_object_get(g, "floor_pct")) > best) {
			best = json_number_value(json_object_get(g, "floor_pct"));
			*group = g;
		}
	return *group ? best : json_number_value(json_object_get(nf, "worst_pct"));
}

/* An entry of "thresholds"; @floor_pct < 0: none. */
static json_t *threshold_entry(const json_t *w, double pct, const char *source, double floor_pct,
			       const struct side *floor_side, const json_t *group,
			       const char *text)
{
	return json_pack("{s:O, s:O, s:f, s:s, s:o, s:s?, s:o, s:s}",
			 "workload", json_object_get(w, "workload"),
			 "size_bytes", json_object_get(w, "size_bytes"),
			 "threshold_pct", pct, "source", source,
			 "floor_pct", floor_pct >= 0 ? json_real(floor_pct) : json_null(),
			 "floor_file", floor_side ? floor_side->name : NULL,
			 "floor_group", group ?
			 json_pack("{s:O, s:O, s:O}", "strategy", json_object_get(group, "strategy"),
				   "backend", json_object_get(group, "backend"),
				   "pattern", json_object_get(group, "pattern")) : json_null(),
			 "text", text);
}

/*
 * The threshold of one workload and size: @given_pct when given (>= 0),
 * else the larger of DMAB_COMPARE_THRESHOLD_PCT and twice the worse of the
 * two files' noise floors there, saying where it came from.
 */
static json_t *threshold_json(const json_t *w, const struct side *sides, double given_pct)
{
	const json_t *group = NULL, *worse_group = NULL;
	const struct side *worse_side = NULL;
	double worse = -1, pct = DMAB_COMPARE_THRESHOLD_PCT;
	char where[96], text[512], floors[160] = "", which[160], a[32], b[32];
	size_t i;

	if (given_pct >= 0) {
		snprintf(text, sizeof(text), "%s%% (given: --threshold)",
			 pct_text(given_pct, a, sizeof(a)));
		return threshold_entry(w, given_pct, "given", -1, NULL, NULL, text);
	}
	for (i = 0; i < 2; i++) {
		double f = floor_of(sides[i].root, w, &group);
		size_t len = strlen(floors);

		if (f < 0)
			continue;
		snprintf(floors + len, sizeof(floors) - len, "%s%s%% in %s", len ? ", " : "",
			 pct_text(f, a, sizeof(a)), sides[i].name);
		if (f > worse) {
			worse = f;
			worse_side = &sides[i];
			worse_group = group;
		}
	}
	pct_text(DMAB_COMPARE_THRESHOLD_PCT, a, sizeof(a));
	if (!worse_side) {
		snprintf(text, sizeof(text), "%s%% (the default: neither file measured a noise "
			 "floor)", a);
		return threshold_entry(w, pct, "default", -1, NULL, NULL, text);
	}
	if (2 * worse <= DMAB_COMPARE_THRESHOLD_PCT) {
		snprintf(text, sizeof(text), "%s%% (the default; 2 x the worse noise floor is "
			 "less: %s)", a, floors);
		return threshold_entry(w, pct, "default", worse, worse_side, worse_group, text);
	}
	pct = 2 * worse;
	pct_text(pct, a, sizeof(a));
	pct_text(worse, b, sizeof(b));
	if (worse_group) {
		config_short(worse_group, which, sizeof(which));
		snprintf(text, sizeof(text), "%s%% = 2 x %s%% (noise floor of %s, %s)", a, b,
			 worse_side->name, which);
	} else {
		workload_size(w, where, sizeof(where));
		snprintf(text, sizeof(text), "%s%% = 2 x %s%% (worst noise floor of %s: it has no "
			 "group for %s)", a, b, worse_side->name, where);
	}
	return threshold_entry(w, pct, "noise_floor", worse, worse_side, worse_group, text);
}

/* @r's workload and size as text (free it): its threshold's key in the index. */
static char *threshold_key(const json_t *r)
{
	return compact_text(json_pack("[OO]", json_object_get(r, "workload") ?: json_null(),
				      json_object_get(r, "size_bytes") ?: json_null()));
}

/* The threshold of @r's workload and size in @index (thresholds_json's), or NULL. */
static const json_t *threshold_for(const json_t *index, const json_t *r)
{
	char *key = threshold_key(r);
	const json_t *t = key ? json_object_get(index, key) : NULL;

	free(key);
	return t;
}

/* --- the replicates --- */

/* Repetitions that recorded frames (an interrupted one may have none). */
static size_t repetitions_run(const json_t *r)
{
	const json_t *rep;
	size_t i, n = 0;

	json_array_foreach(json_object_get(r, "repetitions"), i, rep)
		n += json_integer_value(json_object_get(rep, "n")) > 0;
	return n;
}

/*
 * The medians of @phase of the repetitions that recorded frames. Returns 0
 * with *@v NULL when there are none, or -ENOMEM.
 */
static int repetition_medians(const json_t *r, const char *phase, uint64_t **v, size_t *n)
{
	const json_t *reps = json_object_get(r, "repetitions"), *rep, *p50;
	size_t i;

	*v = NULL;
	*n = 0;
	if (!json_array_size(reps))
		return 0;
	*v = malloc(json_array_size(reps) * sizeof(**v));
	if (!*v)
		return -ENOMEM;
	json_array_foreach(reps, i, rep) {
		p50 = json_object_get(json_object_get(rep, "p50_ns"), phase);
		if (json_integer_value(json_object_get(rep, "n")) > 0 && json_is_integer(p50))
			(*v)[(*n)++] = (uint64_t)json_integer_value(p50);
	}
	if (!*n) {
		free(*v);
		*v = NULL;
	}
	return 0;
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

/* --- one phase --- */

/* The median of all the frames (phases.PHASE.p50_ns, nearest rank). */
static double pooled_p50(const json_t *r, const char *phase)
{
	const json_t *ph = json_object_get(json_object_get(r, "phases"), phase);

	return (double)json_integer_value(json_object_get(ph, "p50_ns"));
}

int dmab_compare_medians(const json_t *a, const json_t *b, const char *phase, double *va,
			 double *vb, int *from_repetitions)
{
	uint64_t *v[2] = { NULL, NULL };
	size_t n[2] = { 0, 0 };
	int ret = repetition_medians(a, phase, &v[0], &n[0]);

	if (!ret)
		ret = repetition_medians(b, phase, &v[1], &n[1]);
	*from_repetitions = !ret && v[0] && v[1];
	if (*from_repetitions) {
		ret = dmab_median_u64(v[0], n[0], va);
		if (!ret)
			ret = dmab_median_u64(v[1], n[1], vb);
	} else if (!ret) {
		*va = pooled_p50(a, phase);
		*vb = pooled_p50(b, phase);
	}
	free(v[0]);
	free(v[1]);
	return ret;
}

double dmab_compare_noise_floor(const json_t *root, const json_t *result, const json_t **group)
{
	return floor_of(root, result, group);
}

struct phase_cmp {
	const char *name;
	int gate;
	double base, new;		/* medians of the repetition medians, else pooled p50s */
	int from_repetitions;
	size_t reps_base, reps_new;	/* repetitions with this phase */
	int have_ci;
	struct dmab_ratio_ci ci;
	int tested;			/* the test ran (mw is valid) */
	struct dmab_mann_whitney mw;
	double p_frames;		/* < 0: no samples */
	const char *test_frames;
	const char *verdict;
	int regression;
	char note[512];
};

/* Why a side has too few replicates of @phase; NULL when it has 2 or more. */
static const char *too_few(const json_t *r, size_t reps, const char *phase, char *buf,
			   size_t len)
{
	if (reps >= 2)
		return NULL;
	if (!repetitions_run(r))
		return "no repetitions";
	if (!reps)
		snprintf(buf, len, "no %s in the repetitions", phase);
	else
		snprintf(buf, len, "only 1 repetition");
	return buf;
}

/* Why a phase is untested: "no repetitions in base.json and new.json". */
static void why_untested(const struct side *sides, const json_t *const *r, const size_t *reps,
			 const char *phase, char *buf, size_t len)
{
	char a[96], b[96];
	const char *wa = too_few(r[0], reps[0], phase, a, sizeof(a));
	const char *wb = too_few(r[1], reps[1], phase, b, sizeof(b));

	if (wa && wb && !strcmp(wa, wb))
		snprintf(buf, len, "%s in %s and %s", wa, sides[0].name, sides[1].name);
	else if (wa && wb)
		snprintf(buf, len, "%s in %s, %s in %s", wa, sides[0].name, wb, sides[1].name);
	else
		snprintf(buf, len, "%s in %s", wa ? wa : wb, sides[wa ? 0 : 1].name);
}

/*
 * A change smaller than @resolution_ns (one timestamp's cost) is below
 * what the clock can tell, whatever the test says.
 */
/*
 * slower or faster: p < alpha, a change of at least the threshold, more than
 * a timestamp's cost, and the ratio's 95% interval on that side of 1. The
 * rank test alone is not enough on a machine whose speed changes in
 * periods: an A/A pair of --quick runs on the development VM gave 10
 * repetitions against 10 with p = 0.023 and a +36% change whose interval
 * was [-2.7%, +52%], the second run having caught a slow period.
 */
static const char *verdict(const struct phase_cmp *m, double threshold, double resolution_ns)
{
	double change = m->new / m->base - 1;

	if (m->mw.p >= DMAB_COMPARE_ALPHA || fabs(change) < threshold ||
	    fabs(m->new - m->base) <= resolution_ns)
		return "no_change";
	if (m->have_ci && (change > 0 ? m->ci.lo <= 1 : m->ci.hi >= 1))
		return "no_change";
	return change > 0 ? "slower" : "faster";
}

/*
 * Without a test, the gate still fails a clear slowdown: past the
 * threshold and more than a timestamp's cost. Says so either way.
 */
static void threshold_only(struct phase_cmp *m, const char *why, double threshold,
			   double resolution_ns)
{
	double change = m->base > 0 ? m->new / m->base - 1 : 0;
	const char *values = m->from_repetitions ? "medians of the repetition medians" :
			     "pooled medians";
	char pct[32];
	size_t at;

	at = (size_t)snprintf(m->note, sizeof(m->note), "untested: %s; ", why);
	if (at >= sizeof(m->note))
		return;
	if (!(m->base > 0)) {
		snprintf(m->note + at, sizeof(m->note) - at, "%s has a median of 0 ns in base: "
			 "no ratio, not a regression", m->name);
	} else if (change >= threshold && m->new - m->base > resolution_ns) {
		m->regression = 1;
		snprintf(m->note + at, sizeof(m->note) - at, "%s slower by %.1f%% (%s), past the "
			 "%s%% threshold: counted as a regression", m->name, 100 * change, values,
			 pct_text(100 * threshold, pct, sizeof(pct)));
	} else if (change > 0) {
		snprintf(m->note + at, sizeof(m->note) - at, "%s slower by %.1f%% (%s), %s: not a "
			 "regression", m->name, 100 * change, values,
			 change < threshold ? "within the threshold" :
			 "within a timestamp's cost");
	} else {
		snprintf(m->note + at, sizeof(m->note) - at, "%s %s by %.1f%% (%s): not a "
			 "regression", m->name, change < 0 ? "faster" : "unchanged",
			 -100 * change, values);
	}
}

static int compare_phase(const struct side *sides, const json_t *const *r, struct phase_cmp *m,
			 double threshold, double resolution_ns)
{
	uint64_t *v[2] = { NULL, NULL }, *x = NULL, *y = NULL;
	char why[384];
	size_t nx, ny, i;
	int ret = 0;

	for (i = 0; i < 2 && !ret; i++)
		ret = repetition_medians(r[i], m->name, &v[i], i ? &m->reps_new : &m->reps_base);
	if (ret)
		goto out_free;
	m->from_repetitions = v[0] && v[1];
	if (m->from_repetitions) {
		ret = dmab_median_u64(v[0], m->reps_base, &m->base);
		if (!ret)
			ret = dmab_median_u64(v[1], m->reps_new, &m->new);
		if (ret)
			goto out_free;
	} else {
		m->base = pooled_p50(r[0], m->name);
		m->new = pooled_p50(r[1], m->name);
	}
	if (m->reps_base >= 2 && m->reps_new >= 2) {
		ret = dmab_mann_whitney_permutation(v[0], m->reps_base, v[1], m->reps_new, &m->mw);
		if (ret)
			goto out_free;
		m->tested = 1;
		ret = dmab_bootstrap_ratio_ci(v[0], m->reps_base, v[1], m->reps_new,
					      DMAB_BOOTSTRAP_RESAMPLES, CI_LEVEL, DMAB_BOOTSTRAP_SEED,
					      &m->ci);
		m->have_ci = !ret;
		if (ret == -ENOMEM)
			goto out_free;
		ret = 0;
	}
	/* the frames: a diagnostic, never a verdict */
	m->p_frames = -1;
	x = samples_of(r[0], m->name, &nx);
	y = samples_of(r[1], m->name, &ny);
	if (x && y) {
		struct dmab_mann_whitney mw;

		ret = dmab_mann_whitney(x, nx, y, ny, &mw);
		if (ret)
			goto out_free;
		m->p_frames = mw.p;
		m->test_frames = mw.exact ? "exact" : "normal";
	}
	if (m->tested && m->mw.p_min >= DMAB_COMPARE_ALPHA) {
		snprintf(why, sizeof(why), "%zu and %zu repetitions cannot reach p < %g (the "
			 "smallest p they can give is %.3g)", m->reps_base, m->reps_new,
			 DMAB_COMPARE_ALPHA, m->mw.p_min);
	} else if (!m->tested) {
		why_untested(sides, r, (size_t[]){ m->reps_base, m->reps_new }, m->name, why,
			     sizeof(why));
	} else if (!(m->base > 0)) {
		snprintf(why, sizeof(why), "a median of 0 ns in %s", sides[0].name);
	} else {
		m->verdict = verdict(m, threshold, resolution_ns);
		m->regression = m->gate && !strcmp(m->verdict, "slower");
		goto out_free;
	}
	m->verdict = "untested";
	if (m->gate)
		threshold_only(m, why, threshold, resolution_ns);
	else
		snprintf(m->note, sizeof(m->note), "untested: %s", why);
out_free:
	free(x);
	free(y);
	free(v[0]);
	free(v[1]);
	return ret;
}

/* --- one configuration --- */

static json_t *real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *phase_json(const struct phase_cmp *m)
{
	return json_pack("{s:s, s:s, s:b, s:f, s:f, s:o, s:o, s:s, s:I, s:I, s:o, s:o, s:s?,"
			 " s:o, s:s?, s:s, s:b, s:o}",
			 "metric", m->name, "unit", "ns", "gate", m->gate,
			 "base", m->base, "new", m->new,
			 "ratio", m->base > 0 ? json_real(m->new / m->base) : json_null(),
			 "ci95", m->have_ci ? json_pack("[o, o]", real_or_null(m->ci.lo),
							real_or_null(m->ci.hi)) : json_null(),
			 "values", m->from_repetitions ? "repetition medians" : "pooled medians",
			 "base_repetitions", (json_int_t)m->reps_base,
			 "new_repetitions", (json_int_t)m->reps_new,
			 "p", m->tested ? json_real(m->mw.p) : json_null(),
			 "p_min", m->tested ? json_real(m->mw.p_min) : json_null(),
			 "test", m->tested ? (m->mw.exact ? "exact" : "normal") : NULL,
			 "p_frames", m->p_frames >= 0 ? json_real(m->p_frames) : json_null(),
			 "test_frames", m->test_frames,
			 "verdict", m->verdict, "regression", m->regression,
			 "note", m->note[0] ? json_string(m->note) : json_null());
}

/*
 * Throughput is the size over the phase's median: the phase's test and
 * verdict, its own pooled values, never the gate.
 */
static json_t *throughput_json(const struct phase_cmp *m, double base, double new)
{
	json_t *o = phase_json(m);
	char name[64];

	if (!o)
		return NULL;
	snprintf(name, sizeof(name), "throughput.%s", m->name);
	json_object_set_new(o, "metric", json_string(name));
	json_object_set_new(o, "unit", json_string("MB/s"));
	json_object_set_new(o, "gate", json_false());
	json_object_set_new(o, "base", json_real(base));
	json_object_set_new(o, "new", json_real(new));
	json_object_set_new(o, "ratio", base > 0 ? json_real(new / base) : json_null());
	json_object_set_new(o, "ci95", json_null());
	json_object_set_new(o, "values", json_string("pooled medians"));
	json_object_set_new(o, "regression", json_false());
	json_object_set_new(o, "note", json_null());
	return o;
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

/* --- alloc's failures: attempts that got no buffer --- */

struct alloc_side {
	double failures, attempts;	/* attempts: the frames and the failures */
};

/* @r's counts; 0 when it has no alloc_failures, or made no attempt. */
static int alloc_counts(const json_t *r, struct alloc_side *s)
{
	const json_t *failures = json_object_get(r, "alloc_failures"), *v;
	const char *name;

	s->failures = 0;
	if (!json_is_object(failures))
		return 0;
	json_object_foreach((json_t *)failures, name, v)
		s->failures += (double)json_integer_value(v);
	s->attempts = s->failures + (double)json_integer_value(json_object_get(r, "frames"));
	return s->attempts > 0;
}

static double log_choose(double n, double k)
{
	return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1);
}

/*
 * P(X >= @x), X hypergeometric: @drawn of @total attempts, @failed of all
 * of them failures. The one-sided p of Fisher's exact test that the drawn
 * file's failures are more than its share of all the failures. Exact, the
 * terms summed from @x while they count (@x above the mean: they shrink
 * within a step or two); past a variance of 10^6 (millions of failures) or
 * counts lgamma does not hold to 1e-5, the normal approximation with a
 * continuity correction. *@exact says which.
 */
static double fisher_upper(double x, double failed, double drawn, double total, int *exact)
{
	double lo = fmax(0, drawn - (total - failed)), hi = fmin(failed, drawn);
	double mean = drawn * failed / total, var, term, ratio, sum = 0, k;

	*exact = 1;
	if (x <= lo)
		return 1;
	if (x > hi)
		return 0;
	var = mean * (total - failed) / total * (total - drawn) / (total - 1);
	if (var > 1e6 || total > 4294967296.0) {
		*exact = 0;
		return 0.5 * erfc((x - 0.5 - mean) / sqrt(2 * var));
	}
	term = exp(log_choose(failed, x) + log_choose(total - failed, drawn - x) -
		   log_choose(total, drawn));
	for (k = x; k <= hi; k++) {
		sum += term;
		ratio = (failed - k) * (drawn - k) / ((k + 1) * (total - failed - drawn + k + 1));
		term *= ratio;
		if (ratio < 1 && term <= sum * 1e-17)
			break;
	}
	return fmin(sum, 1);
}

static json_t *count_json(double v)
{
	return json_integer(v < 9e18 ? (json_int_t)v : (json_int_t)9e18);
}

static const char alloc_rule[] =
	"where both files count alloc's attempts that got no buffer (alloc_failures): a "
	"regression (exit 1) when new has failures where base had none, or a higher rate "
	"(failures / attempts, attempts = frames + failures) by a one-sided Fisher exact test "
	"at p < alpha; none where base had some, or a lower rate by the same test, is an "
	"improvement; else the same rate (informational)";

static int cmp_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "ENOMEM, cap": the keys of @stops (alloc-fragmented's stopped_by), sorted, into @buf */
static void stops_text(const json_t *stops, char *buf, size_t len)
{
	const char *keys[8];
	size_t n = 0, i, at = 0;
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)stops, key, v)
		if (n < sizeof(keys) / sizeof(keys[0]))
			keys[n++] = key;
	qsort(keys, n, sizeof(keys[0]), cmp_text);
	buf[0] = 0;
	for (i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%.40s", i ? ", " : "", keys[i]);
	if (!n)
		snprintf(buf, len, "nothing said");
}

/*
 * alloc-fragmented: where both results say what their fill got
 * (fragmented), whether the two pools differed: another stop (ENOMEM
 * against the cap) or held counts that do not overlap. Then the failures
 * compared are not the same pool's, and @buf says so; 0 otherwise.
 */
static int pools_differ(const json_t *a, const json_t *b, char *buf, size_t len)
{
	const json_t *f[2] = { json_object_get(a, "fragmented"), json_object_get(b, "fragmented") };
	json_int_t lo[2], hi[2], hold[2];
	char stops[2][120], held[2][48];
	int i;

	if (!json_is_object(f[0]) || !json_is_object(f[1]))
		return 0;
	for (i = 0; i < 2; i++) {
		lo[i] = json_integer_value(json_object_get(f[i], "held_min"));
		hi[i] = json_integer_value(json_object_get(f[i], "held_max"));
		hold[i] = json_integer_value(json_object_get(f[i], "hold_bytes"));
		stops_text(json_object_get(f[i], "stopped_by"), stops[i], sizeof(stops[i]));
		dmab_format_span(lo[i], hi[i], held[i], sizeof(held[i]));
	}
	if (!strcmp(stops[0], stops[1]) && hold[0] == hold[1] && lo[0] <= hi[1] && lo[1] <= hi[0])
		return 0;
	snprintf(buf, len, "the pools differed: base's fill held %s buffers of %lld bytes, "
		 "stopped by %s; new's %s of %lld, stopped by %s", held[0], (long long)hold[0],
		 stops[0], held[1], (long long)hold[1], stops[1]);
	return 1;
}

/*
 * alloc's attempts that got no buffer, where both results count them and made
 * attempts (a result skipped because every attempt failed among them); NULL
 * otherwise: other workloads, older files, a result skipped before it tried.
 */
static json_t *alloc_failures_json(const json_t *a, const json_t *b)
{
	struct alloc_side s[2];
	const char *verdict = "same", *test = NULL;
	double p = -1, ra, rb;
	char note[768], pools[512];
	int exact = 1;

	if (!alloc_counts(a, &s[0]) || !alloc_counts(b, &s[1]))
		return NULL;
	ra = s[0].failures / s[0].attempts;
	rb = s[1].failures / s[1].attempts;
	if (!s[0].failures && !s[1].failures) {
		verdict = "none";
		snprintf(note, sizeof(note), "every attempt got its buffer in both");
	} else if (!s[0].failures) {
		verdict = "worse";
		snprintf(note, sizeof(note), "failures where base had none");
	} else if (!s[1].failures) {
		verdict = "better";
		snprintf(note, sizeof(note), "none where base had some");
	} else if (ra == rb) {
		snprintf(note, sizeof(note), "the same rate, %.1f%%", 100 * ra);
	} else {
		/* the test on the side whose rate is the higher */
		if (rb > ra)
			p = fisher_upper(s[1].failures, s[0].failures + s[1].failures,
					 s[1].attempts, s[0].attempts + s[1].attempts, &exact);
		else
			p = fisher_upper(s[0].failures, s[0].failures + s[1].failures,
					 s[0].attempts, s[0].attempts + s[1].attempts, &exact);
		test = exact ? "fisher_exact" : "normal";
		if (p < DMAB_COMPARE_ALPHA) {
			verdict = rb > ra ? "worse" : "better";
			snprintf(note, sizeof(note), "a %s rate, %.1f%% -> %.1f%%: one-sided Fisher "
				 "%s p = %.2g < %g", rb > ra ? "higher" : "lower", 100 * ra, 100 * rb,
				 exact ? "exact" : "(normal approximation)", p, DMAB_COMPARE_ALPHA);
		} else {
			snprintf(note, sizeof(note), "%.1f%% -> %.1f%%, one-sided Fisher %s p = %.2g: "
				 "within what %.0f and %.0f attempts make plausible", 100 * ra,
				 100 * rb, exact ? "exact" : "(normal approximation)", p,
				 s[0].attempts, s[1].attempts);
		}
	}
	if (pools_differ(a, b, pools, sizeof(pools))) {
		size_t n = strlen(note);

		snprintf(note + n, sizeof(note) - n, "; %s", pools);
	}
	return json_pack("{s:O, s:O, s:o, s:o, s:o, s:o, s:s, s:o, s:s?, s:b, s:s}",
			 "base", json_object_get(a, "alloc_failures"),
			 "new", json_object_get(b, "alloc_failures"),
			 "base_failures", count_json(s[0].failures),
			 "base_attempts", count_json(s[0].attempts),
			 "new_failures", count_json(s[1].failures),
			 "new_attempts", count_json(s[1].attempts),
			 "verdict", verdict, "p", p >= 0 ? json_real(p) : json_null(), "test", test,
			 "regression", !strcmp(verdict, "worse"), "note", note);
}

json_t *dmab_compare_alloc_failures(const json_t *base_result, const json_t *new_result)
{
	return alloc_failures_json(base_result, new_result);
}

static int has_phase(const json_t *r, const char *phase)
{
	return json_object_get(json_object_get(r, "phases"), phase) != NULL;
}

/*
 * The gate phase: cpu_cost where both files have it, else the frame time,
 * saying why in @note; NULL when neither is in both.
 */
static const char *gate_of(const struct side *sides, const json_t *const *r, char *note,
			   size_t len)
{
	int a = has_phase(r[0], DMAB_COMPARE_GATE), b = has_phase(r[1], DMAB_COMPARE_GATE);
	const char *lacking = !a && !b ? "either file" : !a ? sides[0].name : sides[1].name;
	const char *gate = DMAB_COMPARE_GATE_FALLBACK;

	note[0] = 0;
	if (a && b)
		return DMAB_COMPARE_GATE;
	if (!has_phase(r[0], gate) || !has_phase(r[1], gate))
		gate = NULL;
	snprintf(note, len, "no %s in %s (files of version 1 have none): %s", DMAB_COMPARE_GATE,
		 lacking, gate ? "the gate is the frame time" : "the timing is not gated");
	return gate;
}

/* The metric order: the gate first, then the phases as the JSON lists them. */
static void phase_order(const char *gate, const char **order)
{
	unsigned int p, k = 0;

	if (gate)
		order[k++] = gate;
	for (p = 0; p < DMAB_PHASE_COUNT; p++)
		if (!gate || strcmp(dmab_phase_names[p], gate))
			order[k++] = dmab_phase_names[p];
	while (k <= DMAB_PHASE_COUNT)
		order[k++] = NULL;
}

static int compare_one(const struct side *sides, const json_t *a, const json_t *b,
		       const json_t *threshold, double resolution, json_t **out)
{
	const json_t *const r[2] = { a, b };
	const json_t *ta = json_object_get(a, "throughput_mbps"),
		     *tb = json_object_get(b, "throughput_mbps");
	json_t *c = key_json(a), *metrics = json_array(), *throughput = json_array(), *integrity;
	json_t *alloc;
	double pct = json_number_value(json_object_get(threshold, "threshold_pct"));
	const char *order[DMAB_PHASE_COUNT + 1], *gate;
	char gate_note[256];
	int ret = 0, regression = 0;
	unsigned int p;

	gate = gate_of(sides, r, gate_note, sizeof(gate_note));
	phase_order(gate, order);
	for (p = 0; order[p] && !ret; p++) {
		struct phase_cmp m = { .name = order[p] };
		const json_t *qa = json_object_get(ta, m.name), *qb = json_object_get(tb, m.name);

		if (!has_phase(a, m.name) || !has_phase(b, m.name))
			continue;
		m.gate = gate && !strcmp(m.name, gate);
		ret = compare_phase(sides, r, &m, pct / 100, resolution);
		if (ret)
			break;
		regression |= m.regression;
		json_array_append_new(metrics, phase_json(&m));
		if (json_is_number(qa) && json_is_number(qb))
			json_array_append_new(throughput, throughput_json(&m, json_number_value(qa),
									  json_number_value(qb)));
	}
	json_array_extend(metrics, throughput);
	json_decref(throughput);
	integrity = integrity_json(a, b);
	regression |= json_is_true(json_object_get(integrity, "regression"));
	alloc = alloc_failures_json(a, b);
	regression |= json_is_true(json_object_get(alloc, "regression"));
	json_object_set_new(c, "gate_metric", gate ? json_string(gate) : json_null());
	json_object_set_new(c, "gate_note", gate_note[0] ? json_string(gate_note) : json_null());
	json_object_set_new(c, "threshold_pct", json_real(pct));
	json_object_set_new(c, "threshold_source", json_deep_copy(json_object_get(threshold,
										   "source")));
	json_object_set_new(c, "base_repetitions", json_integer((json_int_t)repetitions_run(a)));
	json_object_set_new(c, "new_repetitions", json_integer((json_int_t)repetitions_run(b)));
	json_object_set_new(c, "metrics", metrics);
	json_object_set_new(c, "integrity", integrity);
	if (alloc)
		json_object_set_new(c, "alloc_failures", alloc);
	json_object_set_new(c, "regression", json_boolean(regression));
	*out = c;
	return ret;
}

static const json_t *metric_of(const json_t *c, const char *name)
{
	const json_t *m;
	size_t i;

	if (!name)
		return NULL;
	json_array_foreach(json_object_get(c, "metrics"), i, m)
		if (!strcmp(json_string_value(json_object_get(m, "metric")), name))
			return m;
	return NULL;
}

/* Per strategy, backend and gate phase, the geometric mean of the gate's ratios. */
static json_t *geomean_json(const json_t *configs)
{
	json_t *out = json_array(), *c, *g = NULL;
	size_t i, k;

	json_array_foreach(configs, i, c) {
		const json_t *metric = json_object_get(c, "gate_metric");
		const json_t *ratio = json_object_get(metric_of(c, json_string_value(metric)),
						      "ratio");

		if (!json_is_real(ratio) || json_real_value(ratio) <= 0)
			continue;
		json_array_foreach(out, k, g)
			if (json_equal(json_object_get(g, "strategy"), json_object_get(c, "strategy")) &&
			    json_equal(json_object_get(g, "backend"), json_object_get(c, "backend")) &&
			    json_equal(json_object_get(g, "metric"), metric))
				break;
		if (k == json_array_size(out)) {
			g = json_pack("{s:O, s:O, s:O, s:f, s:i}", "strategy",
				      json_object_get(c, "strategy"), "backend",
				      json_object_get(c, "backend"), "metric", metric, "log_sum", 0.0,
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

		json_object_set_new(g, "ratio",
				    json_real(exp(json_real_value(json_object_get(g, "log_sum")) / n)));
		json_object_del(g, "log_sum");
	}
	return out;
}

static json_t *file_json(const json_t *root, const char *path)
{
	const json_t *env = json_object_get(root, "environment");

	return json_pack("{s:s, s:O?, s:O?, s:O?, s:O?, s:O?}", "file", path,
			 "schema_version", json_object_get(root, "schema_version"),
			 "started_utc", json_object_get(root, "started_utc"),
			 "kernel", get_path(env, "kernel.release"),
			 "board", json_object_get(env, "board"),
			 "host", json_object_get(env, "hostname"));
}

/* @alloc (taken): alloc's failures, judged though the timings are not; or NULL. */
static void add_unmatched(json_t *list, const json_t *r, const char *why, json_t *alloc)
{
	json_t *k = key_json(r);

	json_object_set_new(k, "why", json_string(why));
	if (alloc)
		json_object_set_new(k, "alloc_failures", alloc);
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

/* One threshold per workload and size that both files ran, in the order they come. */
/*
 * The list, and in @index each of its entries by workload and size
 * (threshold_for): a lookup per result, not a pass over the list each.
 */
static json_t *thresholds_json(const struct side *sides, double given_pct, json_t **index)
{
	const json_t *ra = json_object_get(sides[0].root, "results"), *a, *b;
	json_t *list = json_array(), *t;
	char *key;
	size_t i;

	*index = json_object();
	json_array_foreach(ra, i, a) {
		b = find_match(&sides[1], a);
		if (!b || skipped(a) || skipped(b) || threshold_for(*index, a))
			continue;
		t = threshold_json(a, sides, given_pct);
		key = threshold_key(a);
		if (key)
			json_object_set(*index, key, t);
		free(key);
		json_array_append_new(list, t);
	}
	return list;
}

static const char method_text[] =
	"the replicates are the repetitions (each with fresh buffers, interleaved with the "
	"other configurations): per phase, the exact two-sided Mann-Whitney U of their "
	"medians, the ratio of the medians of those medians (new / base) and its 95% "
	"percentile bootstrap interval (fixed seed). slower or faster needs p < alpha, a "
	"change of at least the threshold, more than a timestamp's cost, and the interval on "
	"that side of 1. The gate (exit 1) "
	"is cpu_cost slower or integrity worse; the other phases are informational. Without "
	"2 repetitions in both files, or too few to ever reach p < alpha, a phase is untested, "
	"and the gate still fails when it is slower by the threshold or more. p_frames: the "
	"test over the frames, a diagnostic only (frames of one repetition are not "
	"independent).";

int dmab_compare(const json_t *base_root, const char *base_path, const json_t *new_root,
		 const char *new_path, double threshold_pct, json_t **out, char *err,
		 size_t errlen)
{
	const json_t *ra = json_object_get(base_root, "results"),
		     *rb = json_object_get(new_root, "results"), *a, *b;
	json_t *index[2] = { index_of(ra), index_of(rb) };
	const struct side sides[2] = {
		{ base_root, file_name(base_path), index[0] },
		{ new_root, file_name(new_path), index[1] },
	};
	json_t *cmp, *configs = json_array(), *unmatched = json_array(), *c, *alloc;
	json_t *by_key, *thresholds = thresholds_json(sides, threshold_pct, &by_key);
	double resolution = timer_resolution_ns(base_root, new_root);
	size_t i, regressions = 0, alloc_judged = 0;
	int ret = 0;

	json_array_foreach(ra, i, a) {
		b = find_match(&sides[1], a);
		if (!b) {
			add_unmatched(unmatched, a, "only in base", NULL);
		} else if (skipped(a) || skipped(b)) {
			/* a result skipped because no attempt got a buffer is alloc's finding */
			alloc = alloc_failures_json(a, b);
			alloc_judged += alloc != NULL;
			regressions += json_is_true(json_object_get(alloc, "regression"));
			add_unmatched(unmatched, a, skipped(a) && skipped(b) ? "skipped in both" :
				      skipped(a) ? "skipped in base" : "skipped in new", alloc);
		} else {
			ret = compare_one(sides, a, b, threshold_for(by_key, a), resolution, &c);
			json_array_append_new(configs, c);
			alloc_judged += json_object_get(c, "alloc_failures") != NULL;
			regressions += json_is_true(json_object_get(c, "regression"));
			if (ret)
				break;
		}
	}
	json_array_foreach(rb, i, b)
		if (!find_match(&sides[0], b))
			add_unmatched(unmatched, b, "only in new", NULL);
	json_decref(index[0]);
	json_decref(index[1]);
	json_decref(by_key);
	if (!ret && !json_array_size(configs) && !alloc_judged) {
		snprintf(err, errlen, "no configuration ran in both %s and %s (matched by "
			 "strategy, backend, workload, pattern and size)", base_path, new_path);
		ret = -ENOENT;
	}
	if (ret) {
		json_decref(configs);
		json_decref(unmatched);
		json_decref(thresholds);
		return ret;
	}
	cmp = json_pack("{s:o, s:o, s:s, s:s, s:o, s:o, s:f, s:f, s:{s:i, s:f, s:I}, s:o, s:o,"
			" s:o, s:o, s:I}",
			"base", file_json(base_root, base_path),
			"new", file_json(new_root, new_path),
			"method", method_text, "gate", DMAB_COMPARE_GATE,
			"threshold_pct", threshold_pct >= 0 ? json_real(threshold_pct) : json_null(),
			"thresholds", thresholds, "alpha", DMAB_COMPARE_ALPHA,
			"resolution_ns", resolution,
			"bootstrap", "resamples", DMAB_BOOTSTRAP_RESAMPLES, "level", CI_LEVEL,
			"seed", (json_int_t)DMAB_BOOTSTRAP_SEED,
			"environment", env_diff(base_root, new_root),
			"configurations", configs, "unmatched", unmatched,
			"geomean", geomean_json(configs), "regressions", (json_int_t)regressions);
	if (!cmp)
		return -ENOMEM;
	/* only where judged: a comparison of other workloads is what it was */
	if (alloc_judged && json_object_set_new(cmp, "alloc_failures_rule",
						json_string(alloc_rule))) {
		json_decref(cmp);
		return -ENOMEM;
	}
	*out = cmp;
	return 0;
}

int dmab_compare_configuration(const json_t *base_root, const char *base_path,
			       const json_t *base_result, const json_t *new_root,
			       const char *new_path, const json_t *new_result,
			       double threshold_pct, json_t **out)
{
	const struct side sides[2] = {
		{ base_root, file_name(base_path), NULL },
		{ new_root, file_name(new_path), NULL },
	};
	json_t *threshold, *c = NULL;
	int ret;

	*out = NULL;
	if (!same_key(base_result, new_result) || skipped(base_result) || skipped(new_result))
		return -EINVAL;
	threshold = threshold_json(base_result, sides, threshold_pct);
	if (!threshold)
		return -ENOMEM;
	ret = compare_one(sides, base_result, new_result, threshold,
			  timer_resolution_ns(base_root, new_root), &c);
	if (!ret && (!c || json_object_set_new(c, "threshold", threshold)))
		ret = -ENOMEM;
	else if (ret)
		json_decref(threshold);
	if (ret) {
		json_decref(c);
		return ret;
	}
	*out = c;
	return 0;
}

char *dmab_compare_key(const json_t *result)
{
	return key_text(result);
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

/* The interval of the ratio as changes: [-1.2%, +3.4%]; an unbounded end is +inf. */
static void format_ci(const json_t *m, char *buf, size_t len)
{
	const json_t *ci = json_object_get(m, "ci95");
	const json_t *lo = json_array_get(ci, 0), *hi = json_array_get(ci, 1);
	char a[32], b[32];

	if (!json_is_array(ci)) {
		snprintf(buf, len, "-");
		return;
	}
	snprintf(a, sizeof(a), "%+.1f%%", 100 * (json_number_value(lo) - 1));
	if (json_is_number(hi))
		snprintf(b, sizeof(b), "%+.1f%%", 100 * (json_number_value(hi) - 1));
	else
		snprintf(b, sizeof(b), "+inf");
	snprintf(buf, len, "[%s, %s]", a, b);
}

static void format_reps(const json_t *m, char *buf, size_t len)
{
	json_int_t a = json_integer_value(json_object_get(m, "base_repetitions"));
	json_int_t b = json_integer_value(json_object_get(m, "new_repetitions"));

	if (!a && !b)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%lld/%lld", (long long)a, (long long)b);
}

static void format_verdict(const json_t *m, char *buf, size_t len)
{
	const char *v = json_string_value(json_object_get(m, "verdict"));

	if (!strcmp(v, "no_change"))
		snprintf(buf, len, "no change");
	else if (json_is_true(json_object_get(m, "regression")) && !strcmp(v, "untested"))
		snprintf(buf, len, "untested, regression");
	else
		snprintf(buf, len, "%s", v);
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

static void print_thresholds(FILE *out, const json_t *cmp, int markdown)
{
	const json_t *t;
	char where[96], pct[32];
	size_t i;

	if (json_is_number(json_object_get(cmp, "threshold_pct"))) {
		fprintf(out, "%sthreshold %s%% for every configuration (given: --threshold)\n",
			markdown ? "- " : "",
			pct_text(json_number_value(json_object_get(cmp, "threshold_pct")), pct,
				 sizeof(pct)));
		return;
	}
	json_array_foreach(json_object_get(cmp, "thresholds"), i, t) {
		workload_size(t, where, sizeof(where));
		fprintf(out, "%sthreshold %s: %s\n", markdown ? "- " : "", where, str(t, "text"));
	}
}

static void print_header(FILE *out, const json_t *cmp, int markdown)
{
	static const char *const which[] = { "base", "new" };
	const char *item = markdown ? "- " : "", *more = markdown ? "  " : "        ";
	int alloc = json_is_string(json_object_get(cmp, "alloc_failures_rule"));
	size_t i;

	for (i = 0; i < 2; i++) {
		const json_t *f = json_object_get(cmp, which[i]);
		const json_t *board = json_object_get(f, "board"), *kernel = json_object_get(f,
											   "kernel");

		fprintf(out, "%s%-4s %s: %s, kernel %s, board %s%s\n", item, which[i],
			json_string_value(json_object_get(f, "file")),
			json_is_string(json_object_get(f, "started_utc")) ?
			json_string_value(json_object_get(f, "started_utc")) : "unknown time",
			json_is_string(kernel) ? json_string_value(kernel) : "unknown",
			json_is_string(board) ? json_string_value(board) : "unknown",
			json_integer_value(json_object_get(f, "schema_version")) < 2 ?
			" (version 1: no repetitions)" : "");
	}
	fprintf(out, "%smethod: the repetitions are the replicates (fresh buffers each, interleaved); "
		"per phase the exact two-sided\n%sMann-Whitney U of their medians, p < %g; the ratio "
		"of the medians of those medians (new / base)\n%swith a 95%% bootstrap interval; slower "
		"or faster also needs a change of at least the threshold,\n%sof more than %.0f ns "
		"(a timestamp's cost), and the interval on that side of 1\n", item, more,
		json_real_value(json_object_get(cmp, "alpha")), more, more,
		json_real_value(json_object_get(cmp, "resolution_ns")));
	if (!alloc)
		fprintf(out, "%sgate (exit 1): %s slower or integrity worse; the other phases are "
			"informational. Without repetitions\n%sa phase is untested, and %s slower by "
			"the threshold or more still fails\n", item,
			str(cmp, "gate"), more, str(cmp, "gate"));
	else
		fprintf(out, "%sgate (exit 1): %s slower, integrity worse or alloc failures worse; "
			"the other phases are informational.\n%sWithout repetitions a phase is "
			"untested, and %s slower by the threshold or more still fails\n"
			"%salloc failures (attempts that got no buffer, where both files count them) "
			"are worse when new has\n%sfailures where base had none, or a higher rate "
			"(failures / attempts, attempts = frames + failures)\n%sby a one-sided Fisher "
			"exact test at p < %g; an improvement when new has none where base had some,\n"
			"%sor a lower rate by the same test; else the same rate (informational)\n",
			item, str(cmp, "gate"), more, str(cmp, "gate"), item, more, more,
			json_real_value(json_object_get(cmp, "alpha")), more);
	print_thresholds(out, cmp, markdown);
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

/* "ENOMEM 3, EDQUOT 1" (as the file lists them), or "none". */
static void failures_text(const json_t *failures, char *buf, size_t len)
{
	const char *name;
	const json_t *v;
	size_t at = 0;

	buf[0] = 0;
	json_object_foreach((json_t *)failures, name, v) {
		if (!json_integer_value(v))
			continue;
		at += (size_t)snprintf(buf + at, len - at, "%s%.40s %lld", at ? ", " : "", name,
				       (long long)json_integer_value(v));
		if (at >= len)
			return;
	}
	if (!at)
		snprintf(buf, len, "none");
}

void dmab_compare_alloc_text(const json_t *alloc, char *buf, size_t len)
{
	char a[512], b[512];

	failures_text(json_object_get(alloc, "base"), a, sizeof(a));
	failures_text(json_object_get(alloc, "new"), b, sizeof(b));
	snprintf(buf, len, "base %lld of %lld (%s), new %lld of %lld (%s)",
		 json_integer_value(json_object_get(alloc, "base_failures")),
		 json_integer_value(json_object_get(alloc, "base_attempts")), a,
		 json_integer_value(json_object_get(alloc, "new_failures")),
		 json_integer_value(json_object_get(alloc, "new_attempts")), b);
}

static void print_alloc_line(FILE *out, const json_t *c, int markdown, int colour)
{
	const json_t *f = json_object_get(c, "alloc_failures");
	const char *verdict = str(f, "verdict");
	int worse = !strcmp(verdict, "worse"), better = !strcmp(verdict, "better");
	char name[256], text[DMAB_COMPARE_ALLOC_TEXT];

	if (!strcmp(verdict, "none"))
		return;
	dmab_compare_alloc_text(f, text, sizeof(text));
	fprintf(out, "%s%sALLOC FAILURES %s%s %s: attempts that got no buffer: %s: %s%s\n",
		markdown ? "- **" : "",
		colour && (worse || better) ? (worse ? "\033[1;31m" : "\033[32m") : "",
		worse ? "REGRESSION" : better ? "improvement" : "same rate", markdown ? "**" : "",
		config_name(c, name, sizeof(name)), text, str(f, "note"),
		colour && (worse || better) ? "\033[0m" : "");
}

/* alloc's failures: the configurations compared, then those skipped for them. */
static void print_alloc_failures(FILE *out, const json_t *cmp, int markdown, int colour)
{
	static const char *const lists[] = { "configurations", "unmatched" };
	const json_t *c;
	size_t i, k;

	for (k = 0; k < 2; k++)
		json_array_foreach(json_object_get(cmp, lists[k]), i, c)
			if (json_is_object(json_object_get(c, "alloc_failures")))
				print_alloc_line(out, c, markdown, colour);
}

#define COLS 9
#define CELL 320

static void print_row(FILE *out, char cells[COLS][CELL], const int *width, int markdown,
		      const char *colour)
{
	int i;

	for (i = 0; i < COLS; i++) {
		if (markdown)
			fprintf(out, "| %s ", cells[i]);
		else if (i == COLS - 1)
			fprintf(out, "%s%s%s", colour ? colour : "", cells[i], colour ? "\033[0m" : "");
		else
			fprintf(out, i >= 2 ? "%*s  " : "%-*s  ", width[i], cells[i]);
	}
	fprintf(out, "%s\n", markdown ? "|" : "");
}

static void metric_cells(const json_t *c, const json_t *m, char cells[COLS][CELL])
{
	config_name(c, cells[0], CELL);
	snprintf(cells[1], CELL, "%s%s", json_string_value(json_object_get(m, "metric")),
		 json_is_true(json_object_get(m, "gate")) ? " (gate)" : "");
	format_value(m, "base", cells[2], CELL);
	format_value(m, "new", cells[3], CELL);
	format_change(m, cells[4], CELL);
	format_ci(m, cells[5], CELL);
	format_reps(m, cells[6], CELL);
	format_p(m, cells[7], CELL);
	format_verdict(m, cells[8], CELL);
}

static const char *row_colour(const json_t *m)
{
	const char *v = json_string_value(json_object_get(m, "verdict"));

	if (json_is_true(json_object_get(m, "regression")))
		return "\033[1;31m";
	if (!strcmp(v, "slower"))
		return "\033[33m";	/* informational */
	return !strcmp(v, "faster") ? "\033[32m" : NULL;
}

/*
 * What a gate row leaves unsaid: why the gate moved to the frame (once, while
 * it says the same: @said), why a verdict is untested.
 */
static void print_notes(FILE *out, const json_t *c, const json_t *m, int width, int markdown,
			const char **said)
{
	const char *gate_note = json_string_value(json_object_get(c, "gate_note"));
	const json_t *note = json_object_get(m, "note");
	char name[256];

	if (!json_is_true(json_object_get(m, "gate")))
		return;
	config_name(c, name, sizeof(name));
	if (gate_note && (!*said || strcmp(*said, gate_note))) {
		if (markdown)
			fprintf(out, "- %s\n", gate_note);
		else
			fprintf(out, "%*s  note: %s\n", width, "", gate_note);
		*said = gate_note;
	}
	if (json_is_string(note)) {
		if (markdown)
			fprintf(out, "- %s, %s: %s\n", name, str(m, "metric"), json_string_value(note));
		else
			fprintf(out, "%*s  note: %s\n", width, "", json_string_value(note));
	}
}

static void print_table(FILE *out, const json_t *cmp, int markdown, int colour)
{
	static const char *const head[COLS] = { "configuration", "metric", "base median",
						"new median", "change", "95% CI", "reps", "p",
						"verdict" };
	char cells[COLS][CELL];
	int width[COLS] = { 0 };
	const json_t *c, *m;
	const char *said = NULL;
	size_t i, k, notes = 0;
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
		snprintf(cells[j], CELL, "%s", head[j]);
	fprintf(out, "\n%s", markdown ? "### Per configuration\n\n" : "");
	print_row(out, cells, width, markdown, NULL);
	if (markdown)
		fprintf(out, "|---|---|--:|--:|--:|--:|--:|--:|---|\n");
	json_array_foreach(json_object_get(cmp, "configurations"), i, c)
		json_array_foreach(json_object_get(c, "metrics"), k, m) {
			const char *v = json_string_value(json_object_get(m, "verdict"));

			metric_cells(c, m, cells);
			if (k && !markdown)
				cells[0][0] = 0;	/* the configuration once */
			if (markdown && ((strcmp(v, "no_change") && strcmp(v, "untested")) ||
					 json_is_true(json_object_get(m, "regression")))) {
				char bold[CELL];

				snprintf(bold, sizeof(bold), "**%.200s**", cells[8]);
				memcpy(cells[8], bold, sizeof(bold));
			}
			print_row(out, cells, width, markdown, colour ? row_colour(m) : NULL);
			if (!markdown)
				print_notes(out, c, m, width[0], 0, &said);
			else
				notes += json_is_true(json_object_get(m, "gate")) &&
					 (json_is_string(json_object_get(m, "note")) ||
					  json_is_string(json_object_get(c, "gate_note")));
		}
	if (!notes)
		return;
	fprintf(out, "\n");
	json_array_foreach(json_object_get(cmp, "configurations"), i, c)
		json_array_foreach(json_object_get(c, "metrics"), k, m)
			print_notes(out, c, m, 0, 1, &said);
}

static void print_tail(FILE *out, const json_t *cmp, int markdown)
{
	const json_t *g, *u;
	char name[256];
	size_t i, both = 0;

	fprintf(out, "\n%s", markdown ? "### Geometric mean of the gate's ratios (new / base)"
		"\n\n" : "geometric mean of the gate's ratios (new / base):\n");
	json_array_foreach(json_object_get(cmp, "geomean"), i, g)
		fprintf(out, "%s%-14s %-8s %-9s %.3f over %lld configuration%s\n",
			markdown ? "- " : "  ", str(g, "strategy"), str(g, "backend"),
			str(g, "metric"), json_real_value(json_object_get(g, "ratio")),
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
	print_alloc_failures(out, cmp, 0, colour);
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
	print_alloc_failures(out, cmp, 1, 0);
	print_table(out, cmp, 1, 0);
	print_tail(out, cmp, 1);
}
