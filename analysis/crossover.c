// SPDX-License-Identifier: GPL-2.0
/*
 * dmabench crossover: where, within one run, one configuration's cpu_cost
 * falls below another's as the frame grows (cached-sync against uncached:
 * the sync's cost grows with the frame, and so does what the cache saves),
 * and only where the difference is larger than the run's own noise floor.
 *
 * The values are compare's (dmab_compare_medians: the medians of the
 * repetition medians, else the pooled medians), and so is the noise floor
 * per workload and size (dmab_compare_noise_floor): this file only sorts
 * sizes into cheaper, dearer and within noise, and names what it finds.
 */
#include "crossover.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../harness/parse.h"
#include "../strategies/strategy.h"
#include "compare.h"

/* --- the results, by workload and pattern, then configuration --- */

/* Why a result does not count; USABLE when it does. */
enum reason { USABLE, SKIPPED, FAILED, INTEGRITY, NO_COST, NOT_MEASURED, ZERO_MEDIAN };

static const char *const reason_names[] = {
	[USABLE] = "usable", [SKIPPED] = "skipped", [FAILED] = "failed",
	[INTEGRITY] = "integrity", [NO_COST] = "no_cpu_cost", [NOT_MEASURED] = "not_measured",
	[ZERO_MEDIAN] = "zero_median",
};

struct point {
	json_int_t size;
	const json_t *result;
	enum reason why;
};

struct config {
	const char *strategy, *backend;
	struct point *points;	/* ascending sizes */
	size_t n, cap, usable;
};

struct group {
	const char *workload, *pattern;	/* pattern NULL: the workload has none */
	struct config *configs;
	size_t n, cap;
	json_int_t *sizes;		/* every size any result of the group has, ascending */
	size_t n_sizes, sizes_cap;
};

struct groups {
	struct group *g;
	size_t n, cap;
};

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
	size_t want = *cap ? *cap * 2 : 8;
	void *more;

	if (n < *cap)
		return 0;
	more = realloc(*p, want * size);
	if (!more)
		return -ENOMEM;
	memset((char *)more + *cap * size, 0, (want - *cap) * size);
	*p = more;
	*cap = want;
	return 0;
}

static enum reason reason_of(const json_t *r)
{
	const json_t *phases = json_object_get(r, "phases");
	const char *verdict;

	if (json_is_string(json_object_get(r, "skipped")))
		return json_is_true(json_object_get(r, "failed")) ? FAILED : SKIPPED;
	verdict = json_string_value(json_object_get(json_object_get(r, "integrity"), "verdict"));
	/* not_checked: the write pattern overwrites the frame; nothing is wrong */
	if (!verdict || (strcmp(verdict, "ok") && strcmp(verdict, "not_checked")))
		return INTEGRITY;
	if (!json_is_object(json_object_get(phases, DMAB_CROSSOVER_PHASE)))
		return NO_COST;
	return USABLE;
}

static int same_pattern(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static struct group *group_of(struct groups *gs, const json_t *r)
{
	const char *workload = str(r, "workload");
	const char *pattern = json_string_value(json_object_get(r, "pattern"));
	struct group *g;
	size_t i;

	for (i = 0; i < gs->n; i++)
		if (!strcmp(gs->g[i].workload, workload) && same_pattern(gs->g[i].pattern, pattern))
			return &gs->g[i];
	if (grow((void **)&gs->g, &gs->cap, gs->n, sizeof(*gs->g)))
		return NULL;
	g = &gs->g[gs->n++];
	g->workload = workload;
	g->pattern = pattern;
	return g;
}

static struct config *config_of(struct group *g, const json_t *r)
{
	const char *strategy = str(r, "strategy"), *backend = str(r, "backend");
	struct config *c;
	size_t i;

	for (i = 0; i < g->n; i++)
		if (!strcmp(g->configs[i].strategy, strategy) &&
		    !strcmp(g->configs[i].backend, backend))
			return &g->configs[i];
	if (grow((void **)&g->configs, &g->cap, g->n, sizeof(*g->configs)))
		return NULL;
	c = &g->configs[g->n++];
	c->strategy = strategy;
	c->backend = backend;
	return c;
}

static int add_size(struct group *g, json_int_t size)
{
	size_t i;

	for (i = 0; i < g->n_sizes; i++)
		if (g->sizes[i] == size)
			return 0;
	if (grow((void **)&g->sizes, &g->sizes_cap, g->n_sizes, sizeof(*g->sizes)))
		return -ENOMEM;
	g->sizes[g->n_sizes++] = size;
	return 0;
}

static int by_size(const void *a, const void *b)
{
	const struct point *x = a, *y = b;

	return (x->size > y->size) - (x->size < y->size);
}

static int by_value(const void *a, const void *b)
{
	const json_int_t *x = a, *y = b;

	return (*x > *y) - (*x < *y);
}

static void groups_free(struct groups *gs)
{
	size_t i, k;

	for (i = 0; i < gs->n; i++) {
		for (k = 0; k < gs->g[i].n; k++)
			free(gs->g[i].configs[k].points);
		free(gs->g[i].configs);
		free(gs->g[i].sizes);
	}
	free(gs->g);
}

/* Every result but the control's, by group and configuration, sizes ascending. */
static int collect(const json_t *root, struct groups *gs)
{
	const json_t *r;
	struct group *g;
	struct config *c;
	size_t i, k;

	json_array_foreach(json_object_get(root, "results"), i, r) {
		if (!json_is_object(r) || !json_is_integer(json_object_get(r, "size_bytes")))
			continue;
		g = group_of(gs, r);
		if (!g || add_size(g, json_integer_value(json_object_get(r, "size_bytes"))))
			return -ENOMEM;
		/* the control's stale data is its point: it is never a reference */
		if (!strcmp(str(r, "strategy"), DMAB_NEGATIVE_CONTROL))
			continue;
		c = config_of(g, r);
		if (!c || grow((void **)&c->points, &c->cap, c->n, sizeof(*c->points)))
			return -ENOMEM;
		c->points[c->n].size = json_integer_value(json_object_get(r, "size_bytes"));
		c->points[c->n].result = r;
		c->points[c->n].why = reason_of(r);
		c->usable += c->points[c->n].why == USABLE;
		c->n++;
	}
	for (i = 0; i < gs->n; i++) {
		g = &gs->g[i];
		qsort(g->sizes, g->n_sizes, sizeof(*g->sizes), by_value);
		for (k = 0; k < g->n; k++)
			qsort(g->configs[k].points, g->configs[k].n, sizeof(struct point), by_size);
	}
	return 0;
}

static const struct point *point_at(const struct config *c, json_int_t size)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->points[i].size == size)
			return &c->points[i];
	return NULL;
}

/* --- text --- */

struct text {
	char *buf;
	size_t len, cap;
	int oom;
};

/* Room for @more characters and the NUL after what @t holds. */
static int reserve(struct text *t, size_t more)
{
	size_t want = t->len + more + 1;
	char *p;

	if (want <= t->cap)
		return 0;
	want = want > 2 * t->cap ? want : 2 * t->cap;
	p = realloc(t->buf, want);
	if (!p)
		return -ENOMEM;
	t->buf = p;
	t->cap = want;
	return 0;
}

static void __attribute__((format(printf, 2, 3))) tprintf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->oom || reserve(t, 64)) {
		t->oom = 1;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= t->cap - t->len && !reserve(t, (size_t)n)) {
		va_start(ap, fmt);
		n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
	}
	if (n < 0 || (size_t)n >= t->cap - t->len) {
		t->oom = 1;
		return;
	}
	t->len += (size_t)n;
}

static const char *size_text(json_int_t size, char *buf, size_t len)
{
	return dmab_format_size((uint64_t)size, buf, len);
}

/* A percentage as a reader writes it: 4, 3.6, 19.9. */
static const char *pct_text(double pct, char *buf, size_t len)
{
	size_t n;

	snprintf(buf, len, "%.1f", pct);
	n = strlen(buf);
	if (n > 2 && !strcmp(buf + n - 2, ".0"))
		buf[n - 2] = 0;
	return buf;
}

static const char *ratio_text(double ratio, char *buf, size_t len)
{
	snprintf(buf, len, ratio >= 0.1 ? "x%.2f" : "x%.3g", ratio);
	return buf;
}

/* "crossover capture read" */
static void group_prefix(struct text *t, const struct group *g)
{
	tprintf(t, "crossover %s%s%s", g->workload, g->pattern ? " " : "",
		g->pattern ? g->pattern : "");
}

/* --- one pair --- */

enum class { CHEAPER = -1, WITHIN = 0, DEARER = 1 };

static const char *class_name(int c)
{
	return c == CHEAPER ? "cheaper" : c == DEARER ? "dearer" : "within_noise";
}

static const char *class_words(int c)
{
	return c == CHEAPER ? "cheaper" : c == DEARER ? "dearer" : "within noise";
}

struct measured {
	json_int_t size;
	double s_ns, r_ns;	/* S's and R's values */
	int from_repetitions;
	double floor_pct;
	const char *floor_source;	/* group, worst (no group for this size), assumed */
	int cls;		/* S against R */
};

enum finding {
	CROSSOVER, CROSSOVER_WITHIN_NOISE, CHEAPER_EVERYWHERE, CHEAPER_OR_WITHIN_NOISE,
	WITHIN_NOISE, FLIPS, TOO_FEW_SIZES,
};

static const char *const finding_names[] = {
	[CROSSOVER] = "crossover", [CROSSOVER_WITHIN_NOISE] = "crossover_within_noise",
	[CHEAPER_EVERYWHERE] = "cheaper_everywhere",
	[CHEAPER_OR_WITHIN_NOISE] = "cheaper_or_within_noise", [WITHIN_NOISE] = "within_noise",
	[FLIPS] = "flips", [TOO_FEW_SIZES] = "too_few_sizes",
};

/*
 * What the classes of @n ascending sizes say, S named so that the last size
 * told apart is cheaper (or none is). A crossover: dearer at some sizes, then
 * cheaper at every size told apart above them; clean when the first cheaper
 * size follows the last dearer one and nothing above it is within noise.
 * *@from: the first cheaper size's index, *@dearer_to: the last dearer one's.
 */
static enum finding find(const struct measured *m, size_t n, size_t *from, size_t *dearer_to)
{
	size_t i, decided = 0, changes = 0, within_above = 0;
	int last = WITHIN;

	for (i = 0; i < n; i++) {
		if (m[i].cls == WITHIN)
			continue;
		changes += decided && m[i].cls != last;
		if (m[i].cls == DEARER)
			*dearer_to = i;
		last = m[i].cls;
		decided++;
	}
	if (n < 2)
		return TOO_FEW_SIZES;
	if (!decided)
		return WITHIN_NOISE;
	if (changes > 1)
		return FLIPS;
	if (!changes)
		return decided == n ? CHEAPER_EVERYWHERE : CHEAPER_OR_WITHIN_NOISE;
	for (i = *dearer_to + 1; m[i].cls != CHEAPER; i++)
		;
	*from = i;
	for (i = *from; i < n; i++)
		within_above += m[i].cls == WITHIN;
	return *from == *dearer_to + 1 && !within_above ? CROSSOVER : CROSSOVER_WITHIN_NOISE;
}

struct ctx {
	const json_t *root;
	double resolution_ns;	/* one timestamp's cost: a smaller difference is not told */
	const char *caveat;	/* NULL: none */
	json_t *out;
};

static void name_of(struct text *t, const struct config *c)
{
	tprintf(t, "%s %s", c->strategy, c->backend);
}

static const char *reason_words(enum reason why)
{
	switch (why) {
	case SKIPPED:
		return "skipped";
	case FAILED:
		return "failed";
	case INTEGRITY:
		return "not ok";
	case NO_COST:
		return "no cpu_cost, as in a file of version 1";
	case NOT_MEASURED:
		return "not measured";
	case ZERO_MEDIAN:
		return "a cpu_cost median of 0 ns";
	default:
		return "usable";
	}
}

/* The detail of @why for a result: skipped's reason, the integrity verdict. */
static const char *reason_detail(enum reason why, const json_t *r)
{
	if (why == SKIPPED || why == FAILED)
		return json_string_value(json_object_get(r, "skipped"));
	if (why == INTEGRITY) {
		const char *v = json_string_value(json_object_get(json_object_get(r, "integrity"),
								  "verdict"));

		return v ? v : "no verdict";
	}
	return NULL;
}

static json_t *left_entry(json_int_t size, const struct config *c, enum reason why,
			  const json_t *r)
{
	const char *detail = r ? reason_detail(why, r) : NULL;

	return json_pack("{s:I, s:s, s:s, s:s, s:s?}", "size_bytes", size, "strategy",
			 c->strategy, "backend", c->backend, "reason", reason_names[why],
			 "detail", detail);
}

/* Why a left-out entry is left out, in parentheses: " (uncached carveout: integrity stale)". */
static void left_reason(struct text *t, const json_t *e, int with_name)
{
	const char *reason = str(e, "reason"), *detail = json_string_value(json_object_get(e,
											  "detail"));
	size_t i;

	for (i = 0; i < sizeof(reason_names) / sizeof(reason_names[0]); i++)
		if (!strcmp(reason, reason_names[i]))
			break;
	tprintf(t, " (");
	if (with_name)
		tprintf(t, "%s %s: ", str(e, "strategy"), str(e, "backend"));
	if (i == INTEGRITY)
		tprintf(t, "integrity %s)", detail ? detail : "unknown");
	else
		tprintf(t, "%s%s%s)", i < sizeof(reason_names) / sizeof(reason_names[0]) ?
			reason_words((enum reason)i) : reason, detail ? ": " : "",
			detail ? detail : "");
}

static const char *entry_size(const json_t *e, char *buf, size_t len)
{
	return size_text(json_integer_value(json_object_get(e, "size_bytes")), buf, len);
}

static int same_reason(const json_t *a, const json_t *b)
{
	return json_equal(json_object_get(a, "reason"), json_object_get(b, "reason")) &&
	       json_equal(json_object_get(a, "detail"), json_object_get(b, "detail"));
}

/* The sizes worth a ratio in the line: the ends, and both sides of each change of class. */
static int key_size(const struct measured *m, size_t n, size_t i)
{
	return !i || i == n - 1 || m[i].cls != m[i - 1].cls || m[i].cls != m[i + 1].cls;
}

/* "cheaper at 4KiB, dearer at 64KiB..1MiB, within noise at 16MiB" */
static void runs_words(struct text *t, const struct measured *m, size_t n)
{
	char a[32], b[32];
	size_t i, start;

	for (i = 0; i < n; i = start) {
		for (start = i; start < n && m[start].cls == m[i].cls; start++)
			;
		tprintf(t, "%s%s at %s%s%s", i ? ", " : "", class_words(m[i].cls),
			size_text(m[i].size, a, sizeof(a)), start - 1 > i ? ".." : "",
			start - 1 > i ? size_text(m[start - 1].size, b, sizeof(b)) : "");
	}
}

/* The sizes of class @cls, by runs: "4KiB, 1MiB..16MiB". */
static void sizes_of_class(struct text *t, const struct measured *m, size_t n, int cls)
{
	char a[32], b[32];
	size_t i, end, said = 0;

	for (i = 0; i < n; i = end) {
		for (end = i; end < n && m[end].cls == m[i].cls; end++)
			;
		if (m[i].cls != cls)
			continue;
		tprintf(t, "%s%s%s%s", said++ ? ", " : "", size_text(m[i].size, a, sizeof(a)),
			end - 1 > i ? ".." : "",
			end - 1 > i ? size_text(m[end - 1].size, b, sizeof(b)) : "");
	}
}

static void pair_text(struct text *t, const struct group *g, const struct config *s,
		      const struct config *r, enum finding f, const struct measured *m, size_t n,
		      size_t from, size_t dearer_to, const json_t *left)
{
	double lo = INFINITY, hi = 0;
	char a[32], b[32];
	const json_t *e;
	size_t i, said = 0;

	group_prefix(t, g);
	if (n)
		tprintf(t, " %s..%s", size_text(m[0].size, a, sizeof(a)),
			size_text(m[n - 1].size, b, sizeof(b)));
	tprintf(t, ": ");
	name_of(t, s);
	switch (f) {
	case CROSSOVER:
		tprintf(t, " cheaper than ");
		name_of(t, r);
		tprintf(t, " from %s up", size_text(m[from].size, a, sizeof(a)));
		break;
	case CROSSOVER_WITHIN_NOISE:
		tprintf(t, " crosses ");
		name_of(t, r);
		tprintf(t, " between %s and %s: dearer up to %s, cheaper from %s, within noise at ",
			size_text(m[dearer_to].size, a, sizeof(a)),
			size_text(m[from].size, b, sizeof(b)), a, b);
		sizes_of_class(t, m, n, WITHIN);
		break;
	case CHEAPER_EVERYWHERE:
		tprintf(t, " cheaper than ");
		name_of(t, r);
		tprintf(t, " everywhere");
		break;
	case CHEAPER_OR_WITHIN_NOISE:
		tprintf(t, " cheaper than ");
		name_of(t, r);
		tprintf(t, " at ");
		sizes_of_class(t, m, n, CHEAPER);
		tprintf(t, ", within noise at ");
		sizes_of_class(t, m, n, WITHIN);
		tprintf(t, ", never dearer");
		break;
	case WITHIN_NOISE:
		tprintf(t, " and ");
		name_of(t, r);
		tprintf(t, " within noise everywhere");
		break;
	case FLIPS:
		tprintf(t, " against ");
		name_of(t, r);
		tprintf(t, " flips more than once: ");
		runs_words(t, m, n);
		break;
	case TOO_FEW_SIZES:
		tprintf(t, " and ");
		name_of(t, r);
		tprintf(t, ": fewer than 2 sizes to compare them at");
		break;
	}
	tprintf(t, " (");
	for (i = 0; i < n; i++) {
		lo = fmin(lo, m[i].floor_pct);
		hi = fmax(hi, m[i].floor_pct);
		if (key_size(m, n, i))
			tprintf(t, "%s%s at %s", said++ ? ", " : "",
				ratio_text(m[i].s_ns / m[i].r_ns, a, sizeof(a)),
				size_text(m[i].size, b, sizeof(b)));
	}
	if (n && !strcmp(m[0].floor_source, "assumed"))
		tprintf(t, "%snoise floor not measured: +-%s%% assumed", said ? "; " : "",
			pct_text(DMAB_CROSSOVER_FLOOR_ASSUMED_PCT, a, sizeof(a)));
	else if (n && hi - lo < 0.05)
		tprintf(t, "%snoise floor +-%s%%", said ? "; " : "", pct_text(hi, a, sizeof(a)));
	else if (n)
		tprintf(t, "%snoise floor +-%s-%s%%", said ? "; " : "", pct_text(lo, a, sizeof(a)),
			pct_text(hi, b, sizeof(b)));
	json_array_foreach(left, i, e) {
		tprintf(t, "%s%s", i ? ", " : (n ? "; not compared at " : "not compared at "),
			entry_size(e, a, sizeof(a)));
		left_reason(t, e, 1);
	}
	tprintf(t, ")");
}

static json_t *measured_json(const struct measured *m)
{
	return json_pack("{s:I, s:f, s:f, s:f, s:s, s:f, s:s, s:s}", "size_bytes", m->size,
			 "value_ns", m->s_ns, "reference_ns", m->r_ns, "ratio", m->s_ns / m->r_ns,
			 "values", m->from_repetitions ? "repetition medians" : "pooled medians",
			 "floor_pct", m->floor_pct, "floor_source", m->floor_source,
			 "class", class_name(m->cls));
}

static json_t *record_json(const struct group *g, const struct config *s,
			   const struct config *r, const char *finding, json_t *from,
			   json_t *dearer_to, json_t *sizes, json_t *left, const char *caveat,
			   const char *text)
{
	return json_pack("{s:s, s:s?, s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:s?, s:s}",
			 "workload", g->workload, "pattern", g->pattern,
			 "strategy", s->strategy, "backend", s->backend,
			 "reference", r ? json_pack("{s:s, s:s}", "strategy", r->strategy,
						    "backend", r->backend) : json_null(),
			 "finding", finding, "from_bytes", from, "dearer_to_bytes", dearer_to,
			 "sizes", sizes, "left_out", left, "caveat", caveat, "text", text);
}

/* S against R at one size; 0, or -ENOMEM. */
static int measure(const struct ctx *x, const struct point *ps, const struct point *pr,
		   struct measured *m)
{
	const json_t *group;
	double floor;
	int ret;

	ret = dmab_compare_medians(ps->result, pr->result, DMAB_CROSSOVER_PHASE, &m->s_ns,
				   &m->r_ns, &m->from_repetitions);
	if (ret)
		return ret;
	m->size = ps->size;
	floor = dmab_compare_noise_floor(x->root, ps->result, &group);
	m->floor_source = floor < 0 ? "assumed" : group ? "group" : "worst";
	m->floor_pct = floor < 0 ? DMAB_CROSSOVER_FLOOR_ASSUMED_PCT : floor;
	/* S cheaper: R costs more than S by more than the floor (and dearer the other way) */
	if (fabs(m->s_ns - m->r_ns) <= x->resolution_ns)
		m->cls = WITHIN;
	else if (m->r_ns / m->s_ns - 1 > m->floor_pct / 100)
		m->cls = CHEAPER;
	else if (m->s_ns / m->r_ns - 1 > m->floor_pct / 100)
		m->cls = DEARER;
	else
		m->cls = WITHIN;
	return 0;
}

/* The pair @a, @b of @g: one record in x->out. 0 or -ENOMEM. */
static int compare_pair(struct ctx *x, const struct group *g, const struct config *a,
			const struct config *b)
{
	struct measured *m = calloc(g->n_sizes ? g->n_sizes : 1, sizeof(*m));
	json_t *left = json_array(), *sizes = json_array(), *rec;
	const struct config *s = a, *r = b;
	size_t i, n = 0, from = 0, dearer_to = 0;
	struct text t = { 0 };
	enum finding f;
	int last = WITHIN, ret = -ENOMEM;

	if (!m || !left || !sizes)
		goto out_free;
	for (i = 0; i < g->n_sizes; i++) {
		const struct point *pa = point_at(a, g->sizes[i]), *pb = point_at(b, g->sizes[i]);

		if (pa && pb && pa->why == USABLE && pb->why == USABLE) {
			ret = measure(x, pa, pb, &m[n]);
			if (ret)
				goto out_free;
			ret = -ENOMEM;
			if (m[n].s_ns > 0 && m[n].r_ns > 0) {
				n++;
				continue;
			}
			if (!(m[n].s_ns > 0))
				json_array_append_new(left, left_entry(pa->size, a, ZERO_MEDIAN, NULL));
			if (!(m[n].r_ns > 0))
				json_array_append_new(left, left_entry(pb->size, b, ZERO_MEDIAN, NULL));
			continue;
		}
		/* one of them counts here: say why the other does not */
		if (!(pa && pa->why == USABLE) && !(pb && pb->why == USABLE))
			continue;
		if (!pa || pa->why != USABLE)
			json_array_append_new(left, left_entry(g->sizes[i], a, pa ? pa->why :
								NOT_MEASURED, pa ? pa->result : NULL));
		if (!pb || pb->why != USABLE)
			json_array_append_new(left, left_entry(g->sizes[i], b, pb ? pb->why :
								NOT_MEASURED, pb ? pb->result : NULL));
	}
	/* named so that S is the cheaper at the largest size told apart */
	for (i = 0; i < n; i++)
		last = m[i].cls != WITHIN ? m[i].cls : last;
	if (last == DEARER) {
		s = b;
		r = a;
		for (i = 0; i < n; i++) {
			double v = m[i].s_ns;

			m[i].s_ns = m[i].r_ns;
			m[i].r_ns = v;
			m[i].cls = -m[i].cls;
		}
	}
	f = find(m, n, &from, &dearer_to);
	for (i = 0; i < n; i++)
		json_array_append_new(sizes, measured_json(&m[i]));
	pair_text(&t, g, s, r, f, m, n, from, dearer_to, left);
	if (t.oom)
		goto out_free;
	rec = record_json(g, s, r, finding_names[f],
			  f == CROSSOVER || f == CROSSOVER_WITHIN_NOISE ?
			  json_integer(m[from].size) : json_null(),
			  f == CROSSOVER || f == CROSSOVER_WITHIN_NOISE ?
			  json_integer(m[dearer_to].size) : json_null(),
			  sizes, left, x->caveat, t.buf);
	sizes = left = NULL;
	ret = rec && !json_array_append_new(x->out, rec) ? 0 : -ENOMEM;
out_free:
	json_decref(sizes);
	json_decref(left);
	free(t.buf);
	free(m);
	return ret;
}

/* A configuration left out at some size of @g: one record saying where and why. */
static int left_out_record(struct ctx *x, const struct group *g, const struct config *c)
{
	json_t *left = json_array(), *rec, *e, *other;
	struct text t = { 0 };
	size_t i, k, j, said;

	if (!left)
		return -ENOMEM;
	for (i = 0; i < g->n_sizes; i++) {
		const struct point *p = point_at(c, g->sizes[i]);

		if (!p || p->why != USABLE)
			json_array_append_new(left, left_entry(g->sizes[i], c, p ? p->why :
								NOT_MEASURED, p ? p->result : NULL));
	}
	if (!json_array_size(left)) {
		json_decref(left);
		return 0;
	}
	group_prefix(&t, g);
	tprintf(&t, ": %s %s left out at ", c->strategy, c->backend);
	/* the sizes of each reason together: "4KiB, 64KiB (skipped: ...); 1MiB (...)" */
	json_array_foreach(left, i, e) {
		char size[32];

		for (k = 0; k < i && !same_reason(json_array_get(left, k), e); k++)
			;
		if (k < i)
			continue;
		tprintf(&t, "%s", i ? "; " : "");
		for (j = i, said = 0; j < json_array_size(left); j++) {
			other = json_array_get(left, j);
			if (same_reason(other, e))
				tprintf(&t, "%s%s", said++ ? ", " : "", entry_size(other, size,
										    sizeof(size)));
		}
		left_reason(&t, e, 0);
	}
	if (c->usable < 2)
		tprintf(&t, "; fewer than 2 sizes left: compared with none");
	if (t.oom) {
		free(t.buf);
		json_decref(left);
		return -ENOMEM;
	}
	rec = record_json(g, c, NULL, "left_out", json_null(), json_null(), json_array(), left,
			  x->caveat, t.buf);
	free(t.buf);
	return rec && !json_array_append_new(x->out, rec) ? 0 : -ENOMEM;
}

/* --- the file --- */

/*
 * What the crossovers of @root are not: a board's caches through a DMA
 * engine, where the device is emulated or the kernel may run under QEMU.
 * Appended to @t; nothing when there is nothing to say.
 */
static void caveat_text(const json_t *root, struct text *t)
{
	const json_t *vm = json_object_get(json_object_get(root, "environment"),
					   "virtualization");
	const json_t *virtualized = json_object_get(vm, "virtualized"), *r;
	const char *name = json_string_value(json_object_get(vm, "name"));
	const char *source = json_string_value(json_object_get(vm, "source"));
	int emulated = 0;
	size_t i;

	json_array_foreach(json_object_get(root, "results"), i, r)
		emulated |= !json_is_string(json_object_get(r, "skipped")) &&
			    strcmp(str(r, "strategy"), DMAB_NEGATIVE_CONTROL) &&
			    json_is_true(json_object_get(json_object_get(r, "device"), "emulated"));
	if (!emulated && json_is_false(virtualized))
		return;
	tprintf(t, "these crossovers are of this machine's CPU costs only: ");
	if (emulated)
		tprintf(t, "the device is emulated (a CPU thread, or the module's memcpy): the "
			"frames came through this CPU's caches, not from a DMA engine%s",
			json_is_false(virtualized) ? "" : "; ");
	if (json_is_true(virtualized))
		tprintf(t, "the kernel runs in a virtual machine (%s): a hypervisor may change "
			"memory types and flushes, and QEMU's TCG (the test guests) models no "
			"cache: there they show function only", name ? name : "unidentified");
	else if (!json_is_false(virtualized))
		tprintf(t, "whether the kernel runs in a virtual machine could not be told (%s): "
			"under QEMU's TCG (the test guests), which models no cache, they show "
			"function only", source ? source : "the file does not say");
}

int dmab_crossover(const json_t *root, json_t **out)
{
	const json_t *overhead = json_object_get(json_object_get(json_object_get(root,
		"environment"), "timer"), "overhead_ns");
	struct groups gs = { 0 };
	struct text caveat = { 0 };
	struct ctx x = { .root = root };
	size_t i, k, j;
	int ret;

	*out = NULL;
	x.out = json_array();
	ret = x.out ? collect(root, &gs) : -ENOMEM;
	caveat_text(root, &caveat);
	if (caveat.oom)
		ret = -ENOMEM;
	x.caveat = caveat.buf;
	if (json_is_number(overhead) && json_number_value(overhead) > 0)
		x.resolution_ns = json_number_value(overhead);
	for (i = 0; !ret && i < gs.n; i++) {
		const struct group *g = &gs.g[i];

		if (g->n_sizes < 2)
			continue;
		for (k = 0; !ret && k < g->n; k++)
			for (j = k + 1; !ret && j < g->n; j++)
				if (g->configs[k].usable >= 2 && g->configs[j].usable >= 2)
					ret = compare_pair(&x, g, &g->configs[k], &g->configs[j]);
		for (k = 0; !ret && k < g->n; k++)
			ret = left_out_record(&x, g, &g->configs[k]);
	}
	groups_free(&gs);
	free(caveat.buf);
	if (ret) {
		json_decref(x.out);
		return ret;
	}
	*out = x.out;
	return 0;
}

int dmab_crossover_crosses(const json_t *record)
{
	const char *f = str(record, "finding");

	return !strcmp(f, finding_names[CROSSOVER]) ||
	       !strcmp(f, finding_names[CROSSOVER_WITHIN_NOISE]);
}

static void print_caveat(FILE *out, const json_t *records)
{
	const json_t *rec;
	size_t i;

	json_array_foreach(records, i, rec)
		if (json_is_string(json_object_get(rec, "caveat"))) {
			fprintf(out, "crossover note: %s\n", str(rec, "caveat"));
			return;
		}
}

void dmab_crossover_print_text(FILE *out, const json_t *records)
{
	const json_t *rec;
	size_t i;

	json_array_foreach(records, i, rec)
		fprintf(out, "%s\n", str(rec, "text"));
	print_caveat(out, records);
}

void dmab_crossover_print_summary(FILE *out, const json_t *records, const char *path)
{
	static const struct {
		const char *finding, *words;
	} rest[] = {
		{ "cheaper_everywhere", "cheaper everywhere" },
		{ "cheaper_or_within_noise", "cheaper or within noise" },
		{ "within_noise", "within noise everywhere" },
		{ "flips", "flipping more than once" },
		{ "too_few_sizes", "with fewer than 2 sizes in common" },
	};
	size_t i, k, pairs = 0, crosses = 0, left = 0, count;
	const json_t *rec;
	const char *sep = "";

	if (!json_array_size(records))
		return;
	json_array_foreach(records, i, rec) {
		if (!strcmp(str(rec, "finding"), "left_out")) {
			left++;
			continue;
		}
		pairs++;
		if (dmab_crossover_crosses(rec)) {
			crosses++;
			fprintf(out, "%s\n", str(rec, "text"));
		}
	}
	if (crosses)
		fprintf(out, "crossover: %zu of %zu pair%s cross%s (above)", crosses, pairs,
			pairs == 1 ? "" : "s", crosses == 1 ? "es" : "");
	else if (pairs)
		fprintf(out, "crossover: none of %zu pair%s crosses", pairs, pairs == 1 ? "" : "s");
	else
		fprintf(out, "crossover: no pair of configurations measured at 2 sizes or more");
	if (pairs > crosses) {
		fprintf(out, "; of the rest,");
		for (k = 0; k < sizeof(rest) / sizeof(rest[0]); k++) {
			count = 0;
			json_array_foreach(records, i, rec)
				count += !strcmp(str(rec, "finding"), rest[k].finding);
			if (count) {
				fprintf(out, "%s %zu %s", sep, count, rest[k].words);
				sep = ",";
			}
		}
	}
	if (left)
		fprintf(out, "; %zu configuration%s left out at some size (skipped, failed or "
			"integrity not ok)", left, left == 1 ? "" : "s");
	fprintf(out, "; every line: dmabench crossover %s\n", path ? path : "RESULT.json");
	print_caveat(out, records);
}
