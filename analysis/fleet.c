// SPDX-License-Identifier: GPL-2.0
/*
 * dmabench report: boards x kernels. The grouping and the choice of a file
 * per cell are here; every verdict is dmab_compare_configuration()'s, so a
 * cell says what `dmabench compare OLDEST THIS` would say of that
 * configuration. One document (dmab_fleet_build()), then the figures
 * (plots/trend.gp) and two printers (Markdown and HTML) through one page
 * writer.
 */
#include "fleet.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "export.h"
#include "plot.h"
#include "../harness/parse.h"

/* --- kernel versions --- */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static size_t digit_run(const char *s)
{
	size_t n = 0;

	while (is_digit(s[n]))
		n++;
	return n;
}

/* Two runs of digits as numbers, of any length (no overflow); an empty run is 0. */
static int number_cmp(const char *a, size_t la, const char *b, size_t lb)
{
	int c;

	while (la && *a == '0') {
		a++;
		la--;
	}
	while (lb && *b == '0') {
		b++;
		lb--;
	}
	if (la != lb)
		return la < lb ? -1 : 1;
	c = la ? memcmp(a, b, la) : 0;
	return (c > 0) - (c < 0);
}

/*
 * The component after the one at @s (@n digits) and its dot; NULL after the
 * last, *@rest then pointing at what follows the dotted numbers.
 */
static const char *next_component(const char *s, size_t n, const char **rest)
{
	s += n;
	if (s[0] == '.' && is_digit(s[1]))
		return s + 1;
	*rest = s;
	return NULL;
}

/* The dotted numbers both start with ("6.1.0" of "6.1.0-27-arm64"), a missing one 0. */
static int upstream_cmp(const char *a, const char *b, const char **rest_a, const char **rest_b)
{
	int c = 0;

	*rest_a = a;
	*rest_b = b;
	while (!c && (a || b)) {
		size_t la = a ? digit_run(a) : 0, lb = b ? digit_run(b) : 0;

		c = number_cmp(a ? a : "", la, b ? b : "", lb);
		if (a)
			a = next_component(a, la, rest_a);
		if (b)
			b = next_component(b, lb, rest_b);
	}
	return c;
}

/* "-rc3", "rc3", "~rc3": a release candidate, which comes before its release. */
static int is_candidate(const char *rest)
{
	if (*rest == '-' || *rest == '~' || *rest == '.')
		rest++;
	return rest[0] == 'r' && rest[1] == 'c' && is_digit(rest[2]);
}

/* What follows the dotted numbers: runs of digits as numbers, the text between as bytes. */
static int rest_cmp(const char *a, const char *b)
{
	size_t la, lb;
	int c;

	while (*a && *b) {
		if (is_digit(*a) != is_digit(*b))
			return is_digit(*a) ? -1 : 1;
		if (is_digit(*a)) {
			la = digit_run(a);
			lb = digit_run(b);
			c = number_cmp(a, la, b, lb);
		} else {
			la = strcspn(a, "0123456789");
			lb = strcspn(b, "0123456789");
			c = memcmp(a, b, la < lb ? la : lb);
			if (!c)
				c = (la > lb) - (la < lb);
		}
		if (c)
			return c > 0 ? 1 : -1;
		a += la;
		b += lb;
	}
	return (*a != 0) - (*b != 0);
}

int dmab_kernel_version_cmp(const char *a, const char *b)
{
	const char *rest_a, *rest_b;
	int c;

	if (is_digit(*a) != is_digit(*b))
		return is_digit(*a) ? -1 : 1;
	if (is_digit(*a)) {
		c = upstream_cmp(a, b, &rest_a, &rest_b);
		if (c)
			return c;
		if (is_candidate(rest_a) != is_candidate(rest_b))
			return is_candidate(rest_a) ? -1 : 1;
		c = rest_cmp(rest_a, rest_b);
		if (c)
			return c;
	}
	c = strcmp(a, b);
	return (c > 0) - (c < 0);
}

/* --- boards and kernels --- */

enum dmab_fleet_board_source dmab_fleet_board(const json_t *root, char *buf, size_t len)
{
	const json_t *env = json_object_get(root, "environment");
	const char *board = json_string_value(json_object_get(env, "board"));
	const char *host = json_string_value(json_object_get(env, "hostname"));
	const char *arch = json_string_value(json_object_get(env, "arch"));

	if (board && board[0]) {
		snprintf(buf, len, "%s", board);
		return DMAB_FLEET_BOARD_MODEL;
	}
	snprintf(buf, len, "%s (%s)", host && host[0] ? host : "unknown host",
		 arch && arch[0] ? arch : "unknown machine");
	return DMAB_FLEET_BOARD_HOST;
}

const char *dmab_fleet_kernel(const json_t *root)
{
	const json_t *env = json_object_get(root, "environment");
	const char *k = json_string_value(json_object_get(json_object_get(env, "kernel"),
							  "release"));

	return k && k[0] ? k : "unknown";
}

static const char *source_text(enum dmab_fleet_board_source s)
{
	return s == DMAB_FLEET_BOARD_MODEL ? "board model" : "host name and machine";
}

/* --- the document --- */

void dmab_fleet_trim(json_t *root)
{
	json_t *r;
	size_t i;

	json_array_foreach(json_object_get(root, "results"), i, r)
		json_object_del(r, "samples");
}

#define BOARD_NAME 256

struct board {
	char name[BOARD_NAME];
	enum dmab_fleet_board_source source;
};

struct file_info {
	const char *path;
	const json_t *root;
	const char *started;	/* started_utc, "" when absent: the oldest */
	size_t board, kernel;	/* into the sorted boards and kernels */
	size_t group;		/* its board and kernel */
	json_t *index;		/* key text -> result, of the results that ran */
	size_t cells;		/* cells that show it */
};

struct fleet {
	struct file_info *files;
	size_t n;
	struct board *boards;
	size_t nboards;
	const char **kernels;	/* in version order */
	size_t nkernels;
	size_t ngroups;
	size_t *group_board, *group_kernel;
};

static const char *str(const json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));

	return s ? s : "-";
}

static int ran(const json_t *r)
{
	return !json_is_string(json_object_get(r, "skipped"));
}

/*
 * A result skipped because no attempt got a buffer (alloc's, its failures
 * counted): compare judges its failures though it has no timings, so the
 * report shows it too.
 */
static int no_buffer(const json_t *r)
{
	json_t *failures = json_object_get(r, "alloc_failures"), *v;
	const char *name;

	if (ran(r))
		return 0;
	json_object_foreach(failures, name, v)
		if (json_integer_value(v) > 0)
			return 1;
	return 0;
}

/* What the report shows: a result that ran, or one that got no buffer. */
static int shown(const json_t *r)
{
	return ran(r) || no_buffer(r);
}

static int board_cmp(const void *a, const void *b)
{
	const struct board *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (int)x->source - (int)y->source;
}

static int kernel_cmp(const void *a, const void *b)
{
	return dmab_kernel_version_cmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t board_of(const struct fleet *fl, const struct board *b)
{
	const struct board *found = bsearch(b, fl->boards, fl->nboards, sizeof(*b), board_cmp);

	return (size_t)(found - fl->boards);
}

static size_t kernel_of(const struct fleet *fl, const char *k)
{
	const char **found = bsearch(&k, fl->kernels, fl->nkernels, sizeof(*fl->kernels),
				     kernel_cmp);

	return (size_t)(found - fl->kernels);
}

/* A file's results shown, by compare's key: NULL when out of memory. */
static json_t *results_index(const json_t *root)
{
	json_t *index = json_object(), *r;
	char *key;
	size_t i;

	json_array_foreach(json_object_get(root, "results"), i, r) {
		if (!shown(r))
			continue;
		key = index ? dmab_compare_key(r) : NULL;
		if (!key || json_object_set(index, key, r)) {
			free(key);
			json_decref(index);
			return NULL;
		}
		free(key);
	}
	return index;
}

/* Sorted, distinct boards and kernels; each file's place among them and its group. */
static int fleet_groups(struct fleet *fl)
{
	struct board b;
	size_t i, k, n = fl->n;

	fl->boards = calloc(n, sizeof(*fl->boards));
	fl->kernels = calloc(n, sizeof(*fl->kernels));
	fl->group_board = calloc(n, sizeof(*fl->group_board));
	fl->group_kernel = calloc(n, sizeof(*fl->group_kernel));
	if (!fl->boards || !fl->kernels || !fl->group_board || !fl->group_kernel)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		b.source = dmab_fleet_board(fl->files[i].root, b.name, sizeof(b.name));
		for (k = 0; k < fl->nboards && board_cmp(&b, &fl->boards[k]); k++)
			;
		if (k == fl->nboards)
			fl->boards[fl->nboards++] = b;
		for (k = 0; k < fl->nkernels &&
		     strcmp(fl->kernels[k], dmab_fleet_kernel(fl->files[i].root)); k++)
			;
		if (k == fl->nkernels)
			fl->kernels[fl->nkernels++] = dmab_fleet_kernel(fl->files[i].root);
	}
	qsort(fl->boards, fl->nboards, sizeof(*fl->boards), board_cmp);
	qsort(fl->kernels, fl->nkernels, sizeof(*fl->kernels), kernel_cmp);
	for (i = 0; i < n; i++) {
		struct file_info *f = &fl->files[i];

		b.source = dmab_fleet_board(f->root, b.name, sizeof(b.name));
		f->board = board_of(fl, &b);
		f->kernel = kernel_of(fl, dmab_fleet_kernel(f->root));
		for (k = 0; k < fl->ngroups; k++)
			if (fl->group_board[k] == f->board && fl->group_kernel[k] == f->kernel)
				break;
		if (k == fl->ngroups) {
			fl->group_board[k] = f->board;
			fl->group_kernel[k] = f->kernel;
			fl->ngroups++;
		}
		f->group = k;
	}
	return 0;
}

static const json_t *phase_of(const json_t *r, const char *phase)
{
	return json_object_get(json_object_get(r, "phases"), phase);
}

/* The headline median of a result: phases.@headline.p50_ns, null without frames. */
static json_t *median_json(const json_t *r, const char *headline)
{
	const json_t *ph = phase_of(r, headline);

	if (json_integer_value(json_object_get(ph, "n")) <= 0)
		return json_null();
	return json_integer(json_integer_value(json_object_get(ph, "p50_ns")));
}

/* The lowest and highest median of @phase over the repetitions that timed it; how many. */
static json_int_t repetition_range(const json_t *r, const char *phase, json_int_t *lo,
				   json_int_t *hi)
{
	const json_t *rep, *v;
	json_int_t n = 0;
	size_t i;

	json_array_foreach(json_object_get(r, "repetitions"), i, rep) {
		v = json_object_get(json_object_get(rep, "p50_ns"), phase);
		if (json_integer_value(json_object_get(rep, "n")) <= 0 || !json_is_integer(v))
			continue;
		if (!n || json_integer_value(v) < *lo)
			*lo = json_integer_value(v);
		if (!n || json_integer_value(v) > *hi)
			*hi = json_integer_value(v);
		n++;
	}
	return n;
}

static json_t *cell_json(const struct file_info *f, const json_t *r, const char *headline,
			 const char *kernel, size_t runs)
{
	const json_t *in = json_object_get(r, "integrity");
	json_int_t lo = 0, hi = 0, reps = repetition_range(r, headline, &lo, &hi);
	json_t *cell;

	cell = json_pack("{s:s, s:s, s:s?, s:o, s:I, s:o, s:o, s:s, s:I, s:I, s:I, s:b}",
			 "kernel", kernel, "file", f->path,
			 "started_utc", f->started[0] ? f->started : NULL,
			 "median_ns", median_json(r, headline), "repetitions", reps,
			 "rep_lo_ns", reps ? json_integer(lo) : json_null(),
			 "rep_hi_ns", reps ? json_integer(hi) : json_null(),
			 "integrity", json_is_string(json_object_get(in, "verdict")) ?
			 str(in, "verdict") : "unknown",
			 "stale_lines", json_integer_value(json_object_get(in, "stale_lines")),
			 "corrupt_lines", json_integer_value(json_object_get(in, "corrupt_lines")),
			 "runs", (json_int_t)runs, "base", 0);
	/* the run's own reason: "no buffer could be had: all 20 attempts failed (ENOMEM 20)" */
	if (cell && no_buffer(r) &&
	    json_object_set_new(cell, "no_buffer", json_string(str(r, "skipped")))) {
		json_decref(cell);
		return NULL;
	}
	return cell;
}

static const json_t *metric_of(const json_t *c, const char *name)
{
	const json_t *m;
	size_t i;

	if (!name)
		return NULL;
	json_array_foreach(json_object_get(c, "metrics"), i, m)
		if (!strcmp(str(m, "metric"), name))
			return m;
	return NULL;
}

/* What a cell shows of compare's comparison against its board's oldest kernel. */
static json_t *vs_base_json(const json_t *c, const char *base_kernel)
{
	const char *gate = json_string_value(json_object_get(c, "gate_metric"));
	const json_t *m = metric_of(c, gate), *in = json_object_get(c, "integrity");
	json_t *v, *alloc = json_object_get(c, "alloc_failures");

	v = json_pack("{s:s, s:s?, s:s, s:b, s:b, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:O?, s:s?,"
		      " s:O?, s:O?, s:b, s:b, s:s, s:s}",
		      "base_kernel", base_kernel, "metric", gate,
		      "verdict", m ? str(m, "verdict") : "not compared",
		      "regression", json_is_true(json_object_get(c, "regression")),
		      "gate_regression", json_is_true(json_object_get(m, "regression")),
		      "ratio", json_object_get(m, "ratio"), "ci95", json_object_get(m, "ci95"),
		      "p", json_object_get(m, "p"),
		      "base_repetitions", json_object_get(m, "base_repetitions"),
		      "new_repetitions", json_object_get(m, "new_repetitions"),
		      "threshold_pct", json_object_get(c, "threshold_pct"),
		      "note", json_object_get(m, "note"),
		      "threshold_text", json_string_value(json_object_get(json_object_get(c,
									  "threshold"), "text")),
		      "gate_note", json_object_get(c, "gate_note"),
		      "values", json_object_get(m, "values"),
		      "integrity_changed", json_is_true(json_object_get(in, "changed")),
		      "integrity_regression", json_is_true(json_object_get(in, "regression")),
		      "base_integrity", str(in, "base"), "new_integrity", str(in, "new"));
	/* alloc's failures, where both count them: compare's judgement as it is */
	if (v && alloc && json_object_set(v, "alloc_failures", alloc)) {
		json_decref(v);
		return NULL;
	}
	return v;
}

/*
 * Against the base where one of the two got no buffer: no timings to compare
 * (compare lists the configuration as skipped), only alloc's failures,
 * judged as compare judges them (none judged where the other result does not
 * count them).
 */
static json_t *untimed_vs_base(const json_t *base_r, const json_t *r, const char *base_kernel)
{
	json_t *alloc = dmab_compare_alloc_failures(base_r, r);

	return json_pack("{s:s, s:n, s:s, s:b, s:b, s:b, s:b, s:s, s:o?}",
			 "base_kernel", base_kernel, "metric", "verdict", "not compared",
			 "regression", json_is_true(json_object_get(alloc, "regression")),
			 "gate_regression", 0, "integrity_changed", 0, "integrity_regression", 0,
			 "not_compared", ran(base_r) ? "no buffer in this run" : ran(r) ?
			 "no buffer in the base" : "no buffer in either", "alloc_failures", alloc);
}

/* One configuration: the file chosen per board and kernel, compared with the board's oldest. */
struct config_work {
	const char *key;
	long *chosen;		/* per group: the file shown, or -1 */
	size_t *runs;		/* per group: files that ran the configuration */
};

static int newer(const struct file_info *a, const struct file_info *b)
{
	return strcmp(a->started, b->started) >= 0;
}

/* The other runs of a cell's board and kernel, with their headline medians. */
static json_t *others_json(struct fleet *fl, const struct config_work *w, size_t g,
			   const char *headline)
{
	json_t *list = json_array();
	const json_t *r;
	size_t i;

	for (i = 0; list && i < fl->n; i++) {
		r = json_object_get(fl->files[i].index, w->key);
		if (fl->files[i].group != g || !r || (long)i == w->chosen[g])
			continue;
		if (json_array_append_new(list, json_pack("{s:s, s:s?, s:o}", "file",
							  fl->files[i].path, "started_utc",
							  fl->files[i].started[0] ?
							  fl->files[i].started : NULL, "median_ns",
							  median_json(r, headline)))) {
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

/* cpu_cost where every cell has it, else the frame (files of version 1 have no cpu_cost). */
static const char *headline_of(struct fleet *fl, const struct config_work *w)
{
	const json_t *r;
	size_t g;

	for (g = 0; g < fl->ngroups; g++) {
		if (w->chosen[g] < 0)
			continue;
		r = json_object_get(fl->files[w->chosen[g]].index, w->key);
		if (ran(r) && !phase_of(r, DMAB_COMPARE_GATE))	/* no buffer: no phases */
			return DMAB_COMPARE_GATE_FALLBACK;
	}
	return DMAB_COMPARE_GATE;
}

/* A board's row: its cells in the configuration's kernels, each against the oldest. */
static int row_json(struct fleet *fl, const struct config_work *w, size_t board,
		    const size_t *kernels, size_t nk, const char *headline, json_t **out)
{
	const struct file_info *base = NULL, *f;
	const json_t *base_r = NULL, *r;
	json_t *cells = json_array(), *cell, *cmp;
	size_t k, g;
	int ret;

	*out = NULL;
	for (k = 0; cells && k < nk; k++) {
		for (g = 0; g < fl->ngroups; g++)
			if (fl->group_board[g] == board && fl->group_kernel[g] == kernels[k] &&
			    w->chosen[g] >= 0)
				break;
		if (g == fl->ngroups) {
			if (json_array_append_new(cells, json_null()))
				goto out_nomem;
			continue;
		}
		f = &fl->files[w->chosen[g]];
		r = json_object_get(f->index, w->key);
		cell = cell_json(f, r, headline, fl->kernels[kernels[k]], w->runs[g]);
		if (!cell || json_array_append_new(cells, cell))
			goto out_nomem;
		fl->files[w->chosen[g]].cells++;
		if (w->runs[g] > 1 &&
		    json_object_set_new(cell, "others", others_json(fl, w, g, headline)))
			goto out_nomem;
		if (!base) {
			base = f;
			base_r = r;
			json_object_set_new(cell, "base", json_true());
			continue;
		}
		if (!ran(base_r) || !ran(r)) {
			if (json_object_set_new(cell, "vs_base", untimed_vs_base(base_r, r,
							dmab_fleet_kernel(base->root))))
				goto out_nomem;
			continue;
		}
		ret = dmab_compare_configuration(base->root, base->path, base_r, f->root, f->path,
						 r, DMAB_COMPARE_THRESHOLD_DEFAULT, &cmp);
		if (ret) {
			json_decref(cells);
			return ret;
		}
		ret = json_object_set_new(cell, "vs_base",
					  vs_base_json(cmp, dmab_fleet_kernel(base->root)));
		json_decref(cmp);
		if (ret)
			goto out_nomem;
	}
	if (!cells)
		return -ENOMEM;
	*out = json_pack("{s:s, s:s, s:s, s:o}", "board", fl->boards[board].name,
			 "board_source", source_text(fl->boards[board].source),
			 "base_kernel", dmab_fleet_kernel(base->root), "cells", cells);
	return *out ? 0 : -ENOMEM;
out_nomem:
	json_decref(cells);
	return -ENOMEM;
}

static void config_name(const json_t *r, char *buf, size_t len)
{
	const json_t *pattern = json_object_get(r, "pattern");
	char size[32];

	snprintf(buf, len, "%s %s %s%s%s %s", str(r, "strategy"), str(r, "backend"),
		 str(r, "workload"), json_is_string(pattern) ? " " : "",
		 json_is_string(pattern) ? json_string_value(pattern) : "",
		 dmab_format_size((uint64_t)json_integer_value(json_object_get(r, "size_bytes")),
				  size, sizeof(size)));
}

static int config_json(struct fleet *fl, struct config_work *w, const json_t *example,
		       json_t **out)
{
	json_t *c, *rows = json_array(), *kernels = json_array(), *row;
	size_t i, g, nk = 0, cells = 0, *ks = calloc(fl->nkernels, sizeof(*ks));
	char *have = calloc(fl->nkernels + fl->nboards, 1);
	const char *headline;
	char name[512];
	int ret = -ENOMEM;

	*out = NULL;
	if (!ks || !have || !rows || !kernels)
		goto out_free;
	for (g = 0; g < fl->ngroups; g++) {
		w->chosen[g] = -1;
		w->runs[g] = 0;
	}
	for (i = 0; i < fl->n; i++) {
		g = fl->files[i].group;
		if (!json_object_get(fl->files[i].index, w->key))
			continue;
		w->runs[g]++;
		if (w->chosen[g] < 0 || newer(&fl->files[i], &fl->files[w->chosen[g]]))
			w->chosen[g] = (long)i;
	}
	for (g = 0; g < fl->ngroups; g++)
		if (w->chosen[g] >= 0) {
			have[fl->group_kernel[g]] = 1;
			have[fl->nkernels + fl->group_board[g]] = 1;
			cells++;
		}
	for (i = 0; i < fl->nkernels; i++)
		if (have[i]) {
			ks[nk++] = i;
			if (json_array_append_new(kernels, json_string(fl->kernels[i])))
				goto out_free;
		}
	headline = headline_of(fl, w);
	for (i = 0; i < fl->nboards; i++) {
		if (!have[fl->nkernels + i])
			continue;
		ret = row_json(fl, w, i, ks, nk, headline, &row);
		if (ret)
			goto out_free;
		ret = -ENOMEM;
		if (json_array_append_new(rows, row))
			goto out_free;
	}
	config_name(example, name, sizeof(name));
	c = json_pack("{s:O, s:O, s:O, s:O, s:O, s:s, s:s, s:I, s:O, s:O}",
		      "strategy", json_object_get(example, "strategy"),
		      "backend", json_object_get(example, "backend"),
		      "workload", json_object_get(example, "workload"),
		      "pattern", json_object_get(example, "pattern"),
		      "size_bytes", json_object_get(example, "size_bytes"),
		      "name", name, "headline", headline, "cells", (json_int_t)cells,
		      "kernels", kernels, "rows", rows);
	if (c) {
		*out = c;
		ret = 0;
	}
out_free:
	json_decref(rows);
	json_decref(kernels);
	free(ks);
	free(have);
	return ret;
}

/* Every configuration that ran somewhere, in the order the files first list them. */
static json_t *configurations_of(const struct fleet *fl)
{
	json_t *seen = json_object(), *list = json_array(), *r;
	size_t i, k;
	char *key;

	for (i = 0; seen && list && i < fl->n; i++)
		json_array_foreach(json_object_get(fl->files[i].root, "results"), k, r) {
			/* not one that got no buffer anywhere: no timings, and its rate the same */
			if (!ran(r))
				continue;
			key = dmab_compare_key(r);
			if (!key)
				goto out_nomem;
			if (!json_object_get(seen, key) &&
			    (json_object_set_new(seen, key, json_true()) ||
			     json_array_append_new(list, json_pack("{s:s, s:O}", "key", key,
								   "result", r)))) {
				free(key);
				goto out_nomem;
			}
			free(key);
		}
	if (!seen || !list)
		goto out_nomem;
	json_decref(seen);
	return list;
out_nomem:
	json_decref(seen);
	json_decref(list);
	return NULL;
}

static json_t *files_json(const struct fleet *fl)
{
	json_t *list = json_array();
	size_t i;

	for (i = 0; list && i < fl->n; i++) {
		const struct file_info *f = &fl->files[i];
		const json_t *nf = json_object_get(f->root, "noise_floor");
		size_t k, results = 0;
		const json_t *r;

		json_array_foreach(json_object_get(f->root, "results"), k, r)
			results += (size_t)ran(r);
		if (json_array_append_new(list, json_pack(
				"{s:s, s:s, s:s, s:s, s:s?, s:O?, s:O?, s:O?, s:I, s:I}",
				"file", f->path, "board", fl->boards[f->board].name,
				"board_source", source_text(fl->boards[f->board].source),
				"kernel", fl->kernels[f->kernel],
				"started_utc", f->started[0] ? f->started : NULL,
				"schema_version", json_object_get(f->root, "schema_version"),
				"git", json_object_get(json_object_get(f->root, "tool"), "git"),
				"noise_floor_pct", json_object_get(nf, "worst_pct"),
				"results", (json_int_t)results, "cells", (json_int_t)f->cells))) {
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

static json_t *boards_json(const struct fleet *fl)
{
	json_t *list = json_array(), *kernels;
	size_t b, k, i, files;

	for (b = 0; list && b < fl->nboards; b++) {
		kernels = json_array();
		for (k = 0; kernels && k < fl->nkernels; k++) {
			for (i = 0; i < fl->n; i++)
				if (fl->files[i].board == b && fl->files[i].kernel == k)
					break;
			if (i < fl->n && json_array_append_new(kernels,
							       json_string(fl->kernels[k]))) {
				json_decref(kernels);
				kernels = NULL;
			}
		}
		for (i = 0, files = 0; i < fl->n; i++)
			files += fl->files[i].board == b;
		if (!kernels || json_array_append_new(list, json_pack("{s:s, s:s, s:o, s:I}",
				"name", fl->boards[b].name,
				"source", source_text(fl->boards[b].source),
				"kernels", kernels, "files", (json_int_t)files))) {
			json_decref(list);
			return NULL;
		}
	}
	return list;
}

/*
 * Counts over the cells compared: slower, faster, regressions; and, only
 * where there are some, alloc's failures judged and cells that got no buffer.
 */
static void tally(json_t *doc)
{
	json_int_t compared = 0, slower = 0, faster = 0, regressions = 0, common = 0;
	json_int_t judged = 0, worse = 0, better = 0, no_buffers = 0;
	const json_t *c, *row, *cell, *v, *alloc;
	size_t i, k, j;

	json_array_foreach(json_object_get(doc, "configurations"), i, c) {
		common += json_integer_value(json_object_get(c, "cells")) > 1;
		json_array_foreach(json_object_get(c, "rows"), k, row)
			json_array_foreach(json_object_get(row, "cells"), j, cell) {
				no_buffers += json_is_string(json_object_get(cell, "no_buffer"));
				v = json_object_get(cell, "vs_base");
				alloc = json_object_get(v, "alloc_failures");
				/* no buffer on one side and no failures counted on the other */
				if (!v || (json_object_get(v, "not_compared") && !alloc))
					continue;
				compared++;
				slower += !strcmp(str(v, "verdict"), "slower");
				faster += !strcmp(str(v, "verdict"), "faster");
				regressions += json_is_true(json_object_get(v, "regression"));
				judged += alloc != NULL;
				worse += !strcmp(str(alloc, "verdict"), "worse");
				better += !strcmp(str(alloc, "verdict"), "better");
			}
	}
	json_object_set_new(doc, "in_common", json_integer(common));
	json_object_set_new(doc, "compared", json_integer(compared));
	json_object_set_new(doc, "slower", json_integer(slower));
	json_object_set_new(doc, "faster", json_integer(faster));
	json_object_set_new(doc, "regressions", json_integer(regressions));
	/* only where there are some: a fleet of other workloads is what it was */
	if (judged || no_buffers)
		json_object_set_new(doc, "alloc_failures",
				    json_pack("{s:I, s:I, s:I, s:I}", "judged", judged,
					      "worse", worse, "better", better,
					      "no_buffer_cells", no_buffers));
}

static void fleet_free(struct fleet *fl)
{
	size_t i;

	for (i = 0; fl->files && i < fl->n; i++)
		json_decref(fl->files[i].index);
	free(fl->files);
	free(fl->boards);
	free(fl->kernels);
	free(fl->group_board);
	free(fl->group_kernel);
}

int dmab_fleet_build(const struct dmab_fleet_input *in, size_t n, json_t **out)
{
	struct fleet fl = { .n = n };
	struct config_work w = { 0 };
	json_t *doc = NULL, *configs = NULL, *list = NULL, *c, *kernels;
	size_t i;
	int ret = -ENOMEM;

	*out = NULL;
	if (!n || n > DMAB_FLEET_FILES_MAX)
		return -EINVAL;
	fl.files = calloc(n, sizeof(*fl.files));
	if (!fl.files)
		goto out_free;
	for (i = 0; i < n; i++) {
		const char *started = json_string_value(json_object_get(in[i].root,
									"started_utc"));

		fl.files[i].path = in[i].path;
		fl.files[i].root = in[i].root;
		fl.files[i].started = started ? started : "";
		fl.files[i].index = results_index(in[i].root);
		if (!fl.files[i].index)
			goto out_free;
	}
	ret = fleet_groups(&fl);
	if (ret)
		goto out_free;
	ret = -ENOMEM;
	w.chosen = calloc(fl.ngroups, sizeof(*w.chosen));
	w.runs = calloc(fl.ngroups, sizeof(*w.runs));
	list = configurations_of(&fl);
	configs = json_array();
	if (!w.chosen || !w.runs || !list || !configs)
		goto out_free;
	json_array_foreach(list, i, c) {
		json_t *one;

		w.key = str(c, "key");
		ret = config_json(&fl, &w, json_object_get(c, "result"), &one);
		if (ret)
			goto out_free;
		ret = -ENOMEM;
		if (json_array_append_new(configs, one))
			goto out_free;
	}
	kernels = json_array();
	for (i = 0; kernels && i < fl.nkernels; i++)
		if (json_array_append_new(kernels, json_string(fl.kernels[i]))) {
			json_decref(kernels);
			kernels = NULL;
		}
	doc = json_pack("{s:o, s:o, s:o, s:O, s:f, s:f, s:s}", "files", files_json(&fl),
			"boards", boards_json(&fl), "kernels", kernels, "configurations", configs,
			"alpha", DMAB_COMPARE_ALPHA, "threshold_min_pct", DMAB_COMPARE_THRESHOLD_PCT,
			"gate", DMAB_COMPARE_GATE);
	if (!doc)
		goto out_free;
	tally(doc);
	*out = doc;
	ret = 0;
out_free:
	json_decref(configs);
	json_decref(list);
	free(w.chosen);
	free(w.runs);
	fleet_free(&fl);
	return ret;
}

#define TEXT 8192

/* snprintf() at the end of what @buf holds; what does not fit is cut. */
static void appendf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void appendf(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* --- the figures --- */

/* "trend-001-cached-sync-user-capture-read-64KiB": [A-Za-z0-9._-] only, numbered: unique. */
static void figure_stem(const json_t *c, size_t i, char *buf, size_t len)
{
	char name[512], *p;

	snprintf(name, sizeof(name), "%s", str(c, "name"));
	for (p = name; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
			    *p))
			*p = '-';
	snprintf(buf, len, "trend-%03zu-%.120s", i + 1, name);
}

/*
 * A string in a gnuplot data file: double quotes, which it cannot escape,
 * made single; a control character (a newline would end the line) a space.
 */
static void data_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		fputc(*s == '"' ? '\'' : (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, f);
	fputc('"', f);
}

/* 1 slower, -1 faster, 2 integrity worse, 0 otherwise (the base, no change, untested). */
static int mark_of(const json_t *cell)
{
	const json_t *v = json_object_get(cell, "vs_base");

	if (json_is_true(json_object_get(v, "integrity_regression")))
		return 2;
	if (!strcmp(str(v, "verdict"), "slower") ||
	    json_is_true(json_object_get(v, "gate_regression")))
		return 1;
	return !strcmp(str(v, "verdict"), "faster") ? -1 : 0;
}

/* 1 alloc failures worse, -1 better, 0 otherwise (not counted, same rate, the base). */
static int alloc_mark_of(const json_t *cell)
{
	const char *verdict = str(json_object_get(json_object_get(cell, "vs_base"),
						  "alloc_failures"), "verdict");

	return !strcmp(verdict, "worse") ? 1 : !strcmp(verdict, "better") ? -1 : 0;
}

/*
 * The data of one trend figure: block 0 the kernels ("index label"), then a
 * block per board, its name first, then "index median low high mark alloc
 * nobuf" in us: alloc from alloc_mark_of(), nobuf 1 where no attempt got a
 * buffer (no timing: median, low and high are 0 and not drawn; blank lines
 * around it, so the line breaks). *@allocs is
 * set when a cell of the figure has either.
 */
static int trend_data(const json_t *report, const json_t *c, const char *path, size_t *boards,
		      char *colours, size_t len, int *allocs)
{
	const json_t *k, *row, *cell, *b;
	FILE *f = fopen(path, "w");
	size_t i, j;

	if (!f)
		return -errno;
	fprintf(f, "# dmabench report: the kernels, then a block per board\n");
	json_array_foreach(json_object_get(c, "kernels"), i, k) {
		fprintf(f, "%zu ", i);
		data_string(f, json_string_value(k));
		fprintf(f, "\n");
	}
	*boards = 0;
	*allocs = 0;
	colours[0] = 0;
	json_array_foreach(json_object_get(c, "rows"), i, row) {
		/* a board's colour is its place among all the boards: the same in every figure */
		json_array_foreach(json_object_get(report, "boards"), j, b)
			if (!strcmp(str(b, "name"), str(row, "board")) &&
			    !strcmp(str(b, "source"), str(row, "board_source")))
				break;
		appendf(colours, len, "%s%zu", i ? " " : "", j + 1);
		fprintf(f, "\n\n");
		data_string(f, str(row, "board"));
		fprintf(f, "\n");
		json_array_foreach(json_object_get(row, "cells"), j, cell) {
			const json_t *median = json_object_get(cell, "median_ns");
			const json_t *lo = json_object_get(cell, "rep_lo_ns");
			const json_t *hi = json_object_get(cell, "rep_hi_ns");
			double m = (double)json_integer_value(median) / 1e3;
			int alloc = alloc_mark_of(cell);

			if (json_is_string(json_object_get(cell, "no_buffer"))) {
				/* a curve of its own: the board's line breaks here */
				fprintf(f, "\n%zu 0 0 0 0 %d 1\n\n", j, alloc);
				*allocs = 1;
				continue;
			}
			if (!json_is_integer(median))
				continue;
			fprintf(f, "%zu %.4f %.4f %.4f %d %d 0\n", j, m,
				json_is_integer(lo) ? (double)json_integer_value(lo) / 1e3 : m,
				json_is_integer(hi) ? (double)json_integer_value(hi) / 1e3 : m,
				mark_of(cell), alloc);
			*allocs |= alloc != 0;
		}
		(*boards)++;
	}
	return fclose(f) ? -errno : 0;
}

static void put_assign(FILE *f, const char *name, const char *value)
{
	char buf[2048] = "";

	dmab_gnuplot_assign(buf, sizeof(buf), name, value);
	fprintf(f, "%s", buf);
}

int dmab_fleet_figures(json_t *report, const char *dir, const char *plotdir, const char *format,
		       char *err, size_t errlen)
{
	char driver[PATH_MAX + 32], log[PATH_MAX + 40], stem[160], path[PATH_MAX + 200];
	char title[1024], colours[TEXT];
	char absdir[PATH_MAX];
	const char *base = realpath(dir, absdir) ? absdir : dir;
	size_t i, boards = 0;
	int allocs = 0;
	json_t *c;
	FILE *f;
	int ret;

	snprintf(driver, sizeof(driver), "%s/report-figures.gp", dir);
	snprintf(log, sizeof(log), "%s.log", driver);
	f = fopen(driver, "w");
	if (!f)
		return -errno;
	fprintf(f, "# dmabench report: the trend figures, a configuration each; "
		"`gnuplot %s` draws them again\n", driver);
	put_assign(f, "plotdir", plotdir);
	put_assign(f, "term", format);
	fprintf(f, "\n");
	json_array_foreach(json_object_get(report, "configurations"), i, c) {
		const char *headline = str(c, "headline");

		figure_stem(c, i, stem, sizeof(stem));
		snprintf(path, sizeof(path), "%s/%s.dat", base, stem);
		ret = trend_data(report, c, path, &boards, colours, sizeof(colours), &allocs);
		if (ret) {
			fclose(f);
			snprintf(err, errlen, "writing %s: %s", path, strerror(-ret));
			return ret;
		}
		put_assign(f, "datafile", path);
		snprintf(path, sizeof(path), "%s/%s.%s", base, stem, format);
		put_assign(f, "outfile", path);
		snprintf(title, sizeof(title), "%s: %s across kernels", str(c, "name"),
			 strcmp(headline, DMAB_COMPARE_GATE) ? "frame time" : "CPU cost per frame");
		put_assign(f, "title", title);
		put_assign(f, "ylabel", strcmp(headline, DMAB_COMPARE_GATE) ?
			   "frame time, median (µs; no cpu_cost in a file of version 1)" :
			   "CPU cost per frame, cpu_cost median (µs)");
		put_assign(f, "colours", colours);
		fprintf(f, "boards=%zu; kernels=%zu; allocs=%d; load plotdir.'/trend.gp'\n",
			boards, json_array_size(json_object_get(c, "kernels")), allocs);
		snprintf(path, sizeof(path), "%s.%s", stem, format);
		json_object_set_new(c, "figure", json_string(path));
	}
	if (fclose(f))
		return -errno;
	return dmab_gnuplot_run_file(driver, log, err, errlen);
}

/* --- the pages --- */

/*
 * The page is written once through a writer per format. Text carries a
 * little markup: ** around bold, ` around code (fixed text only), \n a line
 * break within a table cell, and \ before a character taken as it is
 * (what esc() puts before the markup characters of names from the files).
 */
struct page_ops {
	void (*begin)(FILE *f, const char *title);
	void (*end)(FILE *f);
	void (*heading)(FILE *f, int level, const char *text);
	void (*paragraph)(FILE *f, const char *text);
	void (*item)(FILE *f, int first, const char *text);	/* NULL text: the list ends */
	void (*table_head)(FILE *f, size_t n, const char *const *cells, const char *align);
	void (*table_row)(FILE *f, size_t n, const char *const *cells);
	void (*table_end)(FILE *f);
	int (*figure)(FILE *f, const char *dir, const char *file, const char *alt);
};

/*
 * @s, a name from a file, as text of the page into @buf: the markup
 * characters escaped, a control character (a newline would end a heading or
 * a table row) a space.
 */
static const char *esc(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (; s && *s && n + 2 < len; s++) {
		if (*s == '*' || *s == '`' || *s == '\\')
			buf[n++] = '\\';
		buf[n++] = (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s;
	}
	buf[n] = 0;
	return buf;
}

/* Markup to Markdown (@in_table: | escaped) or to HTML. */
static void inline_text(FILE *f, const char *s, int html, int in_table)
{
	int bold = 0, code = 0;

	for (; *s; s++) {
		char c = *s;

		if (c == '\\' && s[1]) {
			c = *++s;
			if (!html && !code && (c == '*' || c == '`' || c == '\\' || c == '_'))
				fputc('\\', f);
		} else if (c == '*' && s[1] == '*' && !code) {
			s++;
			bold = !bold;
			fputs(html ? (bold ? "<strong>" : "</strong>") : "**", f);
			continue;
		} else if (c == '`') {
			code = !code;
			fputs(html ? (code ? "<code>" : "</code>") : "`", f);
			continue;
		} else if (c == '\n') {
			fputs(html || in_table ? "<br>" : "\n", f);
			continue;
		}
		/* Markdown: only what could start a tag or an entity, so the text stays readable */
		if (c == '&' && (html || (!code && (isalnum((unsigned char)s[1]) || s[1] == '#'))))
			fputs("&amp;", f);
		else if (c == '<' && (html || (!code && (isalpha((unsigned char)s[1]) ||
							 strchr("/!?", s[1])))))
			fputs("&lt;", f);
		else if (c == '>' && html)
			fputs("&gt;", f);
		else if (c == '"' && html)
			fputs("&quot;", f);
		else if (c == '|' && !html && in_table)
			fputs("\\|", f);
		else
			fputc(c, f);
	}
	if (html && bold)
		fputs("</strong>", f);
	if (html && code)
		fputs("</code>", f);
}

static void md_begin(FILE *f, const char *title)
{
	fprintf(f, "# %s\n\n", title);
}

static void md_end(FILE *f)
{
	(void)f;
}

static void md_heading(FILE *f, int level, const char *text)
{
	fprintf(f, "%.*s ", level, "######");
	inline_text(f, text, 0, 0);
	fprintf(f, "\n\n");
}

static void md_paragraph(FILE *f, const char *text)
{
	inline_text(f, text, 0, 0);
	fprintf(f, "\n\n");
}

static void md_item(FILE *f, int first, const char *text)
{
	(void)first;
	if (!text) {
		fprintf(f, "\n");
		return;
	}
	fprintf(f, "- ");
	inline_text(f, text, 0, 0);
	fprintf(f, "\n");
}

static void md_table_row(FILE *f, size_t n, const char *const *cells)
{
	size_t i;

	for (i = 0; i < n; i++) {
		fprintf(f, "| ");
		inline_text(f, cells[i], 0, 1);
		fprintf(f, " ");
	}
	fprintf(f, "|\n");
}

static void md_table_head(FILE *f, size_t n, const char *const *cells, const char *align)
{
	size_t i;

	md_table_row(f, n, cells);
	for (i = 0; i < n; i++)
		fprintf(f, "|%s", align && align[i] == 'r' ? "--:" : "---");
	fprintf(f, "|\n");
}

static void md_table_end(FILE *f)
{
	fprintf(f, "\n");
}

static int md_figure(FILE *f, const char *dir, const char *file, const char *alt)
{
	const char *p;

	(void)dir;
	fprintf(f, "![");
	for (p = alt; *p; p++)
		if (!strchr("[]\\`*<>", *p))
			fputc(*p, f);
	fprintf(f, "](%s)\n\n", file);
	return 0;
}

static const struct page_ops markdown_ops = {
	.begin = md_begin,
	.end = md_end,
	.heading = md_heading,
	.paragraph = md_paragraph,
	.item = md_item,
	.table_head = md_table_head,
	.table_row = md_table_row,
	.table_end = md_table_end,
	.figure = md_figure,
};

static void html_begin(FILE *f, const char *title)
{
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<title>");
	inline_text(f, title, 1, 0);
	fprintf(f, "</title>\n<style>\n"
		"body { font-family: sans-serif; max-width: 90em; margin: 1em auto; padding: 0 1em; "
		"line-height: 1.4; }\n"
		"table { border-collapse: collapse; margin: 0.5em 0 1em; }\n"
		"th, td { border: 1px solid #c0c0c0; padding: 0.3em 0.6em; vertical-align: top; }\n"
		"th { background: #f0f0f0; text-align: left; }\n"
		"img { max-width: 100%%; height: auto; }\n"
		"code { background: #f4f4f4; padding: 0 0.2em; }\n"
		"</style>\n</head>\n<body>\n<h1>");
	inline_text(f, title, 1, 0);
	fprintf(f, "</h1>\n");
}

static void html_end(FILE *f)
{
	fprintf(f, "</body>\n</html>\n");
}

static void html_heading(FILE *f, int level, const char *text)
{
	fprintf(f, "<h%d>", level);
	inline_text(f, text, 1, 0);
	fprintf(f, "</h%d>\n", level);
}

static void html_paragraph(FILE *f, const char *text)
{
	fprintf(f, "<p>");
	inline_text(f, text, 1, 0);
	fprintf(f, "</p>\n");
}

static void html_item(FILE *f, int first, const char *text)
{
	if (!text) {
		fprintf(f, "</ul>\n");
		return;
	}
	fprintf(f, "%s<li>", first ? "<ul>\n" : "");
	inline_text(f, text, 1, 0);
	fprintf(f, "</li>\n");
}

static void html_cells(FILE *f, size_t n, const char *const *cells, const char *tag)
{
	size_t i;

	fprintf(f, "<tr>");
	for (i = 0; i < n; i++) {
		fprintf(f, "<%s>", tag);
		inline_text(f, cells[i], 1, 1);
		fprintf(f, "</%s>", tag);
	}
	fprintf(f, "</tr>\n");
}

static void html_table_head(FILE *f, size_t n, const char *const *cells, const char *align)
{
	(void)align;
	fprintf(f, "<table>\n<thead>\n");
	html_cells(f, n, cells, "th");
	fprintf(f, "</thead>\n<tbody>\n");
}

static void html_table_row(FILE *f, size_t n, const char *const *cells)
{
	html_cells(f, n, cells, "td");
}

static void html_table_end(FILE *f)
{
	fprintf(f, "</tbody>\n</table>\n");
}

/* The figure's bytes as a data: URI, so that the page needs nothing beside it. */
static int html_figure(FILE *f, const char *dir, const char *file, const char *alt)
{
	const char *dot = strrchr(file, '.');
	unsigned char *data = NULL, *more;
	size_t len = 0, cap = 0, got;
	char path[PATH_MAX];
	FILE *in;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	in = fopen(path, "rb");
	if (!in)
		return -errno;
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 1 << 16;
			more = realloc(data, cap);
			if (!more) {
				free(data);
				fclose(in);
				return -ENOMEM;
			}
			data = more;
		}
		got = fread(data + len, 1, cap - len, in);
		len += got;
	} while (got);
	if (ferror(in)) {
		free(data);
		fclose(in);
		return -EIO;
	}
	fclose(in);
	fprintf(f, "<figure>\n<img alt=\"");
	inline_text(f, alt, 1, 0);
	fprintf(f, "\" src=\"data:%s;base64,", dot && !strcmp(dot, ".svg") ? "image/svg+xml" :
		"image/png");
	dmab_base64_write(f, data, len, 0);
	fprintf(f, "\">\n<figcaption>");
	inline_text(f, alt, 1, 0);
	fprintf(f, "</figcaption>\n</figure>\n");
	free(data);
	return 0;
}

static const struct page_ops html_ops = {
	.begin = html_begin,
	.end = html_end,
	.heading = html_heading,
	.paragraph = html_paragraph,
	.item = html_item,
	.table_head = html_table_head,
	.table_row = html_table_row,
	.table_end = html_table_end,
	.figure = html_figure,
};

/* --- what the page says --- */


static void pct_change(const json_t *ratio, char *buf, size_t len)
{
	if (json_is_number(ratio))
		snprintf(buf, len, "%+.1f%%", 100 * (json_number_value(ratio) - 1));
	else
		snprintf(buf, len, "no ratio");
}

static void us(const json_t *ns, char *buf, size_t len)
{
	if (json_is_integer(ns))
		snprintf(buf, len, "%.2f µs", (double)json_integer_value(ns) / 1e3);
	else
		snprintf(buf, len, "no frames");
}

static void verdict_text(const json_t *v, char *buf, size_t len)
{
	const char *verdict = str(v, "verdict");
	const json_t *p = json_object_get(v, "p");
	char change[32], pv[32] = "";

	pct_change(json_object_get(v, "ratio"), change, sizeof(change));
	if (json_is_number(p))
		snprintf(pv, sizeof(pv), ", p %.2g", json_number_value(p));
	if (!strcmp(verdict, "slower") || !strcmp(verdict, "faster"))
		snprintf(buf, len, "**%s** %s%s", verdict, change, pv);
	else if (!strcmp(verdict, "no_change"))
		snprintf(buf, len, "no change %s%s", change, pv);
	else if (!strcmp(verdict, "untested") && json_is_true(json_object_get(v, "gate_regression")))
		snprintf(buf, len, "**untested, regression** %s", change);
	else if (!strcmp(verdict, "untested"))
		snprintf(buf, len, "untested %s", change);
	else
		snprintf(buf, len, "%s", verdict);
}

/*
 * "\n**alloc failures worse**\nbase 2 of 22 (EDQUOT 2), new 14 of 34 (EDQUOT 2,
 * ENOMEM 12)" where compare judged them worse or better; else nothing.
 */
static void alloc_mark(const json_t *alloc, char *buf, size_t len)
{
	const char *verdict = str(alloc, "verdict");
	char counts[DMAB_COMPARE_ALLOC_TEXT], text[2 * DMAB_COMPARE_ALLOC_TEXT];

	buf[0] = 0;
	if (strcmp(verdict, "worse") && strcmp(verdict, "better"))
		return;
	dmab_compare_alloc_text(alloc, counts, sizeof(counts));
	appendf(buf, len, "\n**alloc failures %s**\n%s", verdict, esc(counts, text, sizeof(text)));
}

static void cell_text(const json_t *c, const json_t *cell, char *buf, size_t len)
{
	const json_t *v = json_object_get(cell, "vs_base");
	const char *integrity = str(cell, "integrity");
	char median[48], lo[48], hi[48], reps[160] = "", verdict[256], metric[96] = "";
	char runs[64] = "", worse[128] = "", alloc[2 * DMAB_COMPARE_ALLOC_TEXT] = "";
	char reason[512];
	int bad = strcmp(integrity, "ok") && strcmp(integrity, "not_checked");

	if (!json_is_object(cell)) {
		snprintf(buf, len, "-");	/* this board did not run it on this kernel */
		return;
	}
	us(json_object_get(cell, "median_ns"), median, sizeof(median));
	if (json_integer_value(json_object_get(cell, "repetitions")) > 0) {
		us(json_object_get(cell, "rep_lo_ns"), lo, sizeof(lo));
		us(json_object_get(cell, "rep_hi_ns"), hi, sizeof(hi));
		snprintf(reps, sizeof(reps), "\n%s to %s (%lld reps)", lo, hi,
			 (long long)json_integer_value(json_object_get(cell, "repetitions")));
	}
	if (json_integer_value(json_object_get(cell, "runs")) > 1)
		snprintf(runs, sizeof(runs), "\nnewest of %lld runs",
			 (long long)json_integer_value(json_object_get(cell, "runs")));
	if (!v) {
		snprintf(verdict, sizeof(verdict), "base (oldest kernel)");
	} else if (json_is_string(json_object_get(v, "not_compared"))) {
		snprintf(verdict, sizeof(verdict), "timing not compared (%s)",
			 str(v, "not_compared"));
		alloc_mark(json_object_get(v, "alloc_failures"), alloc, sizeof(alloc));
	} else {
		verdict_text(v, verdict, sizeof(verdict));
		alloc_mark(json_object_get(v, "alloc_failures"), alloc, sizeof(alloc));
		if (json_is_string(json_object_get(v, "metric")) &&
		    strcmp(str(v, "metric"), str(c, "headline")))
			snprintf(metric, sizeof(metric), " (%s)", str(v, "metric"));
		if (json_is_true(json_object_get(v, "integrity_regression")))
			snprintf(worse, sizeof(worse), "\n**integrity worse** (%s before)",
				 str(v, "base_integrity"));
	}
	if (json_is_string(json_object_get(cell, "no_buffer")))	/* no frames, no integrity */
		snprintf(buf, len, "**skipped**: %s\n%s%s%s",
			 esc(str(cell, "no_buffer"), reason, sizeof(reason)), verdict, alloc, runs);
	else
		snprintf(buf, len, "%s%s\nintegrity %s%s%s%s\n%s%s%s%s", median, reps,
			 bad ? "**" : "", integrity, bad ? "**" : "", worse, verdict, metric, alloc,
			 runs);
}

/* What a reader needs to read the tables: said once, at the top. */
static void page_intro(FILE *f, const struct page_ops *ops, const json_t *doc)
{
	int alloc = json_is_object(json_object_get(doc, "alloc_failures"));
	char text[TEXT];
	int first = 1;
	static const char *const items[] = {
		"**Rows** are boards: the board model a file recorded (the device tree's "
		"`model`, else the DMI vendor and product). A file that recorded none is "
		"grouped by its host name and machine (`uname -n`, `uname -m`), and the Boards "
		"table says so.",
		"**Columns** are kernel releases (`uname -r`) in version order: the numbers are "
		"compared as numbers (6.1.0-9 < 6.1.0-28 < 6.1.10 < 6.12.9), a release candidate "
		"comes before its release. A table has the kernels that ran its configuration.",
		"**A cell** is one run: the median of all its frames of the headline, cpu_cost "
		"(what the strategy costs the consumer's CPU per frame: its syncs and its "
		"processing; the frame time where a file of version 1 has no cpu_cost), in µs; "
		"the lowest to the highest median of its repetitions (fresh buffers each); its "
		"integrity verdict (ok; stale or corrupt: the CPU saw an older frame's data or "
		"neither; not_checked); and its verdict against the same board's oldest kernel "
		"in the table, the base.",
		"**Several runs of one board and kernel**: a cell shows the newest (by "
		"started_utc; on a tie the file named later) that ran the configuration, and "
		"says of how many; the others are listed under the table with their medians. "
		"Their repetitions are not pooled: runs on different days differ by more than the "
		"repetitions of one run do, and a file's noise floor, which sets the threshold, is "
		"measured within its own run, so pooled repetitions would claim a precision the "
		"runs do not have.",
	};
	size_t i;

	for (i = 0; i < sizeof(items) / sizeof(items[0]); i++, first = 0)
		ops->item(f, first, items[i]);
	snprintf(text, sizeof(text), "**Verdicts** are those of `dmabench compare BASE NEW` on "
		 "that configuration, the board's oldest kernel as BASE: the replicates are the "
		 "repetitions; **slower** or **faster** needs the exact two-sided Mann-Whitney U "
		 "test of their medians at p < %g, a change (the ratio of the medians of the "
		 "repetition medians, shown in %%) of at least the threshold and of more than a "
		 "timestamp's cost, and the 95%% bootstrap interval of the ratio on that side of 1; "
		 "else **no change**. **untested**: fewer than 2 repetitions in either file, or too "
		 "few ever to reach p < %g (2 against 2 cannot: the smallest p is 0.33; 3 against "
		 "3: 0.1); then the change is shown and, past the threshold, counted as a "
		 "regression (**untested, regression**).",
		 json_real_value(json_object_get(doc, "alpha")),
		 json_real_value(json_object_get(doc, "alpha")));
	ops->item(f, 0, text);
	snprintf(text, sizeof(text), "**The threshold**, per workload and size: the larger of "
		 "%g%% and twice the worse noise floor of the two files (each run measures its "
		 "own: one configuration run twice as an A/A pair); the details under each table "
		 "give each cell's and where it came from, the Files table each file's worst "
		 "floor.", json_real_value(json_object_get(doc, "threshold_min_pct")));
	ops->item(f, 0, text);
	if (!alloc) {
		ops->item(f, 0, "**A regression**, what makes `dmabench compare` exit 1: the "
			  "gate (cpu_cost, else the frame time) slower, or integrity worse than "
			  "the base (stale or corrupt data where it had none). `dmabench report` "
			  "is not a gate: it exits 0 whatever the verdicts.");
		ops->item(f, 0, NULL);
		return;
	}
	ops->item(f, 0, "**A regression**, what makes `dmabench compare` exit 1: the gate "
		  "(cpu_cost, else the frame time) slower, integrity worse than the base (stale "
		  "or corrupt data where it had none), or alloc failures worse. `dmabench report` "
		  "is not a gate: it exits 0 whatever the verdicts.");
	snprintf(text, sizeof(text), "**alloc failures worse** or **better** (the alloc "
		 "workloads, where both files count the attempts that got no buffer): compare's "
		 "verdict on the rate of failures (failures / attempts, attempts = frames + "
		 "failures) against the base. Worse, a regression: failures where the base had "
		 "none, or a higher rate by a one-sided Fisher exact test at p < %g; better: none "
		 "where the base had some, or a lower rate by that test; else the same rate, not "
		 "marked. The cell gives both counts with their errnos (base 2 of 22 (EDQUOT 2), "
		 "new 14 of 34 (EDQUOT 2, ENOMEM 12)); the list under the table gives compare's "
		 "line with its p, the same rate's too. **skipped**: no attempt of that run got a "
		 "buffer (its reason is shown); it has no timings to compare, and its failures "
		 "are judged.", json_real_value(json_object_get(doc, "alpha")));
	ops->item(f, 0, text);
	ops->item(f, 0, NULL);
}

static void page_boards(FILE *f, const struct page_ops *ops, const json_t *doc)
{
	static const char *const head[] = { "board", "known by", "kernels, oldest first",
					     "files" };
	char name[BOARD_NAME * 2], kernels[TEXT], files[32], esc_k[512];
	const char *cells[4] = { name, NULL, kernels, files };
	const json_t *b, *k;
	size_t i, j;

	ops->heading(f, 2, "Boards");
	ops->table_head(f, 4, head, "lllr");
	json_array_foreach(json_object_get(doc, "boards"), i, b) {
		esc(str(b, "name"), name, sizeof(name));
		cells[1] = strcmp(str(b, "source"), "board model") ? "host name and machine: no "
			   "board model recorded" : "board model";
		kernels[0] = 0;
		json_array_foreach(json_object_get(b, "kernels"), j, k)
			snprintf(kernels + strlen(kernels), sizeof(kernels) - strlen(kernels), "%s%s",
				 j ? ", " : "", esc(json_string_value(k), esc_k, sizeof(esc_k)));
		snprintf(files, sizeof(files), "%lld",
			 (long long)json_integer_value(json_object_get(b, "files")));
		ops->table_row(f, 4, cells);
	}
	ops->table_end(f);
}

static void page_files(FILE *f, const struct page_ops *ops, const json_t *doc)
{
	static const char *const head[] = { "file", "board", "kernel", "started (UTC)",
					    "schema", "noise floor (worst)", "cells shown" };
	char file[PATH_MAX], board[BOARD_NAME * 2], kernel[256], started[64], schema[16];
	char floor[64], cells_shown[32];
	const char *cells[7] = { file, board, kernel, started, schema, floor, cells_shown };
	const json_t *fi, *nf;
	size_t i;

	ops->heading(f, 2, "Files");
	ops->table_head(f, 7, head, "lllllrr");
	json_array_foreach(json_object_get(doc, "files"), i, fi) {
		esc(str(fi, "file"), file, sizeof(file));
		esc(str(fi, "board"), board, sizeof(board));
		esc(str(fi, "kernel"), kernel, sizeof(kernel));
		esc(str(fi, "started_utc"), started, sizeof(started));
		snprintf(schema, sizeof(schema), "%lld",
			 (long long)json_integer_value(json_object_get(fi, "schema_version")));
		nf = json_object_get(fi, "noise_floor_pct");
		if (json_is_number(nf))
			snprintf(floor, sizeof(floor), "+-%.1f%%", json_number_value(nf));
		else
			snprintf(floor, sizeof(floor), "none measured");
		snprintf(cells_shown, sizeof(cells_shown), "%lld",
			 (long long)json_integer_value(json_object_get(fi, "cells")));
		ops->table_row(f, 7, cells);
	}
	ops->table_end(f);
}

/*
 * compare's line on a cell's alloc failures against its base ("**ALLOC
 * FAILURES REGRESSION**: attempts that got no buffer: base 2 of 22 (EDQUOT
 * 2), new ...: NOTE") after @who; 0 where there is none to say.
 */
static int alloc_line(const json_t *v, const char *who, char *buf, size_t len)
{
	const json_t *alloc = json_object_get(v, "alloc_failures");
	const char *verdict = str(alloc, "verdict");
	char counts[DMAB_COMPARE_ALLOC_TEXT], line[2 * DMAB_COMPARE_ALLOC_TEXT];
	char text[4 * DMAB_COMPARE_ALLOC_TEXT];

	if (!alloc || !strcmp(verdict, "none"))
		return 0;
	dmab_compare_alloc_text(alloc, counts, sizeof(counts));
	snprintf(line, sizeof(line), "attempts that got no buffer: %s: %s", counts,
		 str(alloc, "note"));
	buf[0] = 0;
	appendf(buf, len, "%s: **ALLOC FAILURES %s**: %s", who, !strcmp(verdict, "worse") ?
		"REGRESSION" : !strcmp(verdict, "better") ? "improvement" : "same rate",
		esc(line, text, sizeof(text)));
	return 1;
}

/*
 * Under a table: per compared cell the ratio, interval, threshold and notes,
 * alloc's failures; other runs.
 */
static void config_details(FILE *f, const struct page_ops *ops, const json_t *c)
{
	char text[TEXT], board[BOARD_NAME * 2], kernel[256], base[256], ci[96], note[2048];
	char other[PATH_MAX + 128], median[48], ratio[64];
	const json_t *row, *cell, *v, *o;
	size_t i, j, k;
	int first = 1;

	json_array_foreach(json_object_get(c, "rows"), i, row)
		json_array_foreach(json_object_get(row, "cells"), j, cell) {
			if (!json_is_object(cell))
				continue;
			esc(str(row, "board"), board, sizeof(board));
			esc(str(cell, "kernel"), kernel, sizeof(kernel));
			v = json_object_get(cell, "vs_base");
			if (json_is_string(json_object_get(v, "not_compared"))) {
				esc(str(v, "base_kernel"), base, sizeof(base));
				snprintf(text, sizeof(text), "%s, %s against %s: timings not "
					 "compared (%s)", board, kernel, base,
					 str(v, "not_compared"));
				ops->item(f, first, text);
				first = 0;
			} else if (v) {
				const json_t *ci95 = json_object_get(v, "ci95");

				esc(str(v, "base_kernel"), base, sizeof(base));
				ci[0] = 0;
				if (json_is_number(json_array_get(ci95, 0)))
					snprintf(ci, sizeof(ci), ", 95%% interval %.3f to %.3f",
						 json_number_value(json_array_get(ci95, 0)),
						 json_is_number(json_array_get(ci95, 1)) ?
						 json_number_value(json_array_get(ci95, 1)) : INFINITY);
				note[0] = 0;
				if (json_is_string(json_object_get(v, "gate_note")))
					snprintf(note, sizeof(note), "; %s", str(v, "gate_note"));
				if (json_is_string(json_object_get(v, "note")))
					snprintf(note + strlen(note), sizeof(note) - strlen(note),
						 "; %s", str(v, "note"));
				if (json_is_true(json_object_get(v, "integrity_changed")))
					snprintf(note + strlen(note), sizeof(note) - strlen(note),
						 "; integrity %s -> %s", str(v, "base_integrity"),
						 str(v, "new_integrity"));
				if (json_is_number(json_object_get(v, "ratio")))
					snprintf(ratio, sizeof(ratio), "ratio %.3f",
						 json_number_value(json_object_get(v, "ratio")));
				else
					snprintf(ratio, sizeof(ratio), "no ratio");
				snprintf(text, sizeof(text), "%s, %s against %s: %s %s%s, %lld and "
					 "%lld repetitions; threshold %s", board, kernel, base,
					 str(v, "metric"), ratio, ci,
					 (long long)json_integer_value(json_object_get(v,
								"base_repetitions")),
					 (long long)json_integer_value(json_object_get(v,
								"new_repetitions")),
					 str(v, "threshold_text"));
				appendf(text, sizeof(text), "%s", esc(note, other, sizeof(other)));
				ops->item(f, first, text);
				first = 0;
			}
			if (v) {
				snprintf(other, sizeof(other), "%s, %s against %s", board, kernel,
					 base);
				if (alloc_line(v, other, text, sizeof(text))) {
					ops->item(f, first, text);
					first = 0;
				}
			}
			if (!json_array_size(json_object_get(cell, "others")))
				continue;
			text[0] = 0;
			appendf(text, sizeof(text), "%s, %s: the newest of %lld runs is shown (%s, "
				"%s); not shown:", board, kernel,
				(long long)json_integer_value(json_object_get(cell, "runs")),
				esc(str(cell, "file"), other, sizeof(other)),
				str(cell, "started_utc"));
			json_array_foreach(json_object_get(cell, "others"), k, o) {
				char name[PATH_MAX];

				us(json_object_get(o, "median_ns"), median, sizeof(median));
				appendf(text, sizeof(text), "%s %s (%s) %s", k ? "," : "",
					esc(str(o, "file"), name, sizeof(name)),
					str(o, "started_utc"), median);
			}
			ops->item(f, first, text);
			first = 0;
		}
	if (json_integer_value(json_object_get(c, "cells")) == 1) {
		row = json_array_get(json_object_get(c, "rows"), 0);
		snprintf(text, sizeof(text), "Only %s with kernel %s ran this configuration: "
			 "nothing to compare it with.", esc(str(row, "board"), board, sizeof(board)),
			 esc(str(row, "base_kernel"), kernel, sizeof(kernel)));
		ops->item(f, first, text);
		first = 0;
	}
	if (!first)
		ops->item(f, 0, NULL);
}

static int page_configuration(FILE *f, const struct page_ops *ops, const json_t *c,
			      const char *dir)
{
	const json_t *kernels = json_object_get(c, "kernels"), *row, *k;
	size_t nk = json_array_size(kernels), i, j;
	const char **cells = calloc(nk + 1, sizeof(*cells));
	char (*text)[2048] = calloc(nk + 1, sizeof(*text));
	char *align = calloc(nk + 2, 1);
	char name[1024], alt[1200];
	int ret = 0;

	if (!cells || !text || !align) {
		ret = -ENOMEM;
		goto out_free;
	}
	ops->heading(f, 3, esc(str(c, "name"), name, sizeof(name)));
	ops->paragraph(f, strcmp(str(c, "headline"), DMAB_COMPARE_GATE) ?
		       "Headline: the frame time, median per frame (a file of version 1 has no "
		       "cpu_cost)." : "Headline: cpu_cost, the CPU cost per frame, median.");
	cells[0] = "board";
	align[0] = 'l';
	json_array_foreach(kernels, i, k) {
		esc(json_string_value(k), text[i + 1], sizeof(text[i + 1]));
		cells[i + 1] = text[i + 1];
		align[i + 1] = 'l';
	}
	ops->table_head(f, nk + 1, cells, align);
	json_array_foreach(json_object_get(c, "rows"), i, row) {
		esc(str(row, "board"), text[0], sizeof(text[0]));
		if (strcmp(str(row, "board_source"), "board model"))
			snprintf(text[0] + strlen(text[0]), sizeof(text[0]) - strlen(text[0]),
				 "\n(host)");
		cells[0] = text[0];
		for (j = 0; j < nk; j++) {
			cell_text(c, json_array_get(json_object_get(row, "cells"), j), text[j + 1],
				  sizeof(text[j + 1]));
			cells[j + 1] = text[j + 1];
		}
		ops->table_row(f, nk + 1, cells);
	}
	ops->table_end(f);
	if (json_is_string(json_object_get(c, "figure"))) {
		snprintf(alt, sizeof(alt), "%s across kernels, a line per board", name);
		ret = ops->figure(f, dir, str(c, "figure"), alt);
	}
	config_details(f, ops, c);
out_free:
	free(cells);
	free(text);
	free(align);
	return ret;
}

/* "3 kernels", "1 kernel", then @sep. */
static void counted(char *buf, size_t len, size_t n, const char *what, const char *sep)
{
	appendf(buf, len, "%zu %s%s%s", n, what, n == 1 ? "" : "s", sep);
}

static int write_page(const json_t *doc, const char *dir, const char *file,
		      const struct page_ops *ops)
{
	char path[PATH_MAX], text[TEXT];
	const json_t *c, *alloc;
	size_t i, n;
	int ret = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	ops->begin(f, "dmabench fleet report");
	text[0] = 0;
	counted(text, sizeof(text), json_array_size(json_object_get(doc, "files")), "result file",
		", ");
	counted(text, sizeof(text), json_array_size(json_object_get(doc, "boards")), "board", ", ");
	counted(text, sizeof(text), json_array_size(json_object_get(doc, "kernels")), "kernel",
		"; ");
	counted(text, sizeof(text), json_array_size(json_object_get(doc, "configurations")),
		"configuration", "");
	appendf(text, sizeof(text), ", %lld of them on more than one board or kernel. Compared "
		"with their board's oldest kernel: ",
		(long long)json_integer_value(json_object_get(doc, "in_common")));
	counted(text, sizeof(text), (size_t)json_integer_value(json_object_get(doc, "compared")),
		"cell", ": ");
	appendf(text, sizeof(text), "%lld slower, %lld faster, ",
		(long long)json_integer_value(json_object_get(doc, "slower")),
		(long long)json_integer_value(json_object_get(doc, "faster")));
	counted(text, sizeof(text), (size_t)json_integer_value(json_object_get(doc, "regressions")),
		"regression", ".");
	alloc = json_object_get(doc, "alloc_failures");
	if (alloc) {
		appendf(text, sizeof(text), " Alloc failures (attempts that got no buffer) judged "
			"in %lld of the cells: %lld worse, %lld better",
			(long long)json_integer_value(json_object_get(alloc, "judged")),
			(long long)json_integer_value(json_object_get(alloc, "worse")),
			(long long)json_integer_value(json_object_get(alloc, "better")));
		n = (size_t)json_integer_value(json_object_get(alloc, "no_buffer_cells"));
		if (n) {
			appendf(text, sizeof(text), "; ");
			counted(text, sizeof(text), n, "cell", " skipped: no attempt got a buffer");
		}
		appendf(text, sizeof(text), ".");
	}
	ops->paragraph(f, text);
	if (!json_integer_value(json_object_get(doc, "in_common")))
		ops->paragraph(f, "**No configuration in common**: no configuration (strategy, "
			       "backend, workload, pattern and size) ran on more than one board "
			       "and kernel, so nothing is compared; each table below has a single "
			       "cell.");
	ops->heading(f, 2, "How to read this report");
	page_intro(f, ops, doc);
	page_boards(f, ops, doc);
	page_files(f, ops, doc);
	ops->heading(f, 2, "Configurations");
	json_array_foreach(json_object_get(doc, "configurations"), i, c) {
		ret = page_configuration(f, ops, c, dir);
		if (ret)
			break;
	}
	ops->end(f);
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

int dmab_fleet_write_markdown(const json_t *report, const char *dir)
{
	return write_page(report, dir, "report.md", &markdown_ops);
}

int dmab_fleet_write_html(const json_t *report, const char *dir)
{
	return write_page(report, dir, "report.html", &html_ops);
}
