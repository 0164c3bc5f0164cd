// SPDX-License-Identifier: GPL-2.0
/*
 * The run's journal (see journal.h for the format): written by the run as
 * it goes, read back by `dmabench recover` and by the next run, which names
 * a leftover one.
 */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "parse.h"
#include "report.h"
#include "../analysis/stats.h"
#include "tool.h"

#define RECORD_FLAGS (JSON_COMPACT | JSON_REAL_PRECISION(10))
#define RECORD_FRAME_BYTES 128u		/* a record's own keys, per set and repetition */

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- writing ---- */

static int journal_fail(struct dmab_journal *j, int err, const char *step)
{
	if (!j->err) {
		j->err = err;
		j->failed_step = step;
	}
	return err;
}

static double seconds_since(const struct dmab_journal *j)
{
	return (double)(mono_ns() - j->started_ns) / 1e9;
}

/*
 * Appends @rec (taken) as one line, in one write() where the kernel takes
 * it whole. A failed write is cut off again (ftruncate to the last whole
 * record), so the file never holds half a record before a whole one, and
 * nothing more is written after it.
 */
static int append(struct dmab_journal *j, json_t *rec)
{
	size_t len, done = 0;
	char *text;
	int ret = 0;

	if (j->fd < 0 || j->err) {
		json_decref(rec);
		return j->err ? j->err : -EBADF;
	}
	text = rec ? json_dumps(rec, RECORD_FLAGS) : NULL;
	json_decref(rec);
	if (!text)
		return journal_fail(j, -ENOMEM, "encoding a record");
	len = strlen(text);
	text[len] = '\n';	/* json_dumps' NUL: the record's end is its newline */
	while (done < len + 1) {
		ssize_t n = write(j->fd, text + done, len + 1 - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			break;
		}
		done += (size_t)n;
	}
	free(text);
	if (ret) {
		if (ftruncate(j->fd, (off_t)j->good))
			(void)0;	/* the reader stops at the torn line anyway */
		return journal_fail(j, ret, "write");
	}
	j->good += len + 1;
	j->bytes += len + 1;
	j->records++;
	return 0;
}

static int journal_sync(struct dmab_journal *j, int metadata)
{
	uint64_t t0 = mono_ns(), took;

	if (j->fd < 0 || j->err)
		return j->err ? j->err : -EBADF;
	if (metadata ? fsync(j->fd) : fdatasync(j->fd))
		return journal_fail(j, -errno, metadata ? "fsync" : "fdatasync");
	took = mono_ns() - t0;
	j->syncs++;
	j->sync_ns += took;
	if (took > j->sync_max_ns)
		j->sync_max_ns = took;
	return 0;
}

int dmab_journal_create(struct dmab_journal *j, const char *path)
{
	memset(j, 0, sizeof(*j));
	j->fd = -1;
	if (snprintf(j->path, sizeof(j->path), "%s", path) >= (int)sizeof(j->path))
		return -ENAMETOOLONG;
	j->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
	if (j->fd < 0)
		return -errno;
	/* held until close: a journal nobody holds is a leftover (no lock on this FS: none) */
	if (flock(j->fd, LOCK_EX | LOCK_NB))
		(void)0;
	return 0;
}

int dmab_journal_start(struct dmab_journal *j, const struct dmab_run *run, const json_t *doc,
		       const char *result_path)
{
	json_t *top = json_deep_copy(doc), *cells = json_array();
	size_t i;
	int ret;

	j->n_cells = run->n_cells;
	j->in_set = calloc(run->n_cells + 1, 1);
	j->said_failed = calloc(run->n_cells + 1, 1);
	if (!top || !cells || !j->in_set || !j->said_failed) {
		json_decref(top);
		json_decref(cells);
		return journal_fail(j, -ENOMEM, "encoding a record");
	}
	json_object_set_new(top, "results", json_array());
	for (i = 0; i < run->n_cells; i++)
		json_array_append_new(cells, json_pack("{s:b, s:o}", "aa_twin",
						       run->cells[i].aa_twin, "result",
						       dmab_report_cell_now(run, &run->cells[i])));
	j->started_ns = mono_ns();
	ret = append(j, json_pack("{s:s, s:i, s:I, s:s, s:I, s:o, s:o}", "type", "header",
				  "journal", DMAB_JOURNAL_VERSION, "pid", (json_int_t)getpid(),
				  "result_path", result_path, "repeat", (json_int_t)run->repeat,
				  "document", top, "cells", cells));
	if (!ret)
		ret = journal_sync(j, 1);
	if (!ret) {
		ret = dmab_fsync_parent(j->path);
		if (ret)
			journal_fail(j, ret, "fsync of its folder");
	}
	return ret;
}

/* Configurations that failed outside a set (opening a device) and are not said yet. */
static json_t *failures_not_said(struct dmab_journal *j, const struct dmab_run *run)
{
	json_t *updates = json_array();
	size_t i;

	for (i = 0; i < j->n_cells && i < run->n_cells; i++) {
		if (!run->cells[i].failed || j->said_failed[i] || j->in_set[i])
			continue;
		json_array_append_new(updates, json_pack("{s:I, s:o}", "index", (json_int_t)i,
							 "result", dmab_report_cell_now(run,
							 &run->cells[i])));
		j->said_failed[i] = 1;
	}
	return updates;
}

static int set_begin(struct dmab_journal *j, const struct dmab_run *run, size_t first,
		     size_t end, unsigned int r)
{
	json_t *cells, *updates, *rec;
	size_t i;

	if (j->fd < 0 || j->err)
		return j->err;
	cells = json_array();
	for (i = first; i < end && i < j->n_cells; i++) {
		j->in_set[i] = !run->cells[i].done;
		if (j->in_set[i])
			json_array_append_new(cells, json_integer((json_int_t)i));
	}
	updates = failures_not_said(j, run);
	j->set_open = json_array_size(cells) > 0;
	if (!j->set_open && !json_array_size(updates)) {
		json_decref(cells);
		json_decref(updates);
		return 0;	/* nothing of this set runs: nothing to say */
	}
	rec = json_pack("{s:s, s:f, s:I, s:o}", "type", "begin", "t", seconds_since(j),
			"repetition", (json_int_t)r + 1, "cells", cells);
	if (json_array_size(updates))
		json_object_set_new(rec, "updates", updates);
	else
		json_decref(updates);
	/* the set's end record before it is synced with this one: one sync a set */
	return append(j, rec) ? j->err : journal_sync(j, 0);
}

static int set_end(struct dmab_journal *j, const struct dmab_run *run, size_t first,
		   size_t end, unsigned int r)
{
	json_t *updates;
	size_t i;

	if (j->fd < 0 || j->err || !j->set_open)
		return j->err;
	updates = json_array();
	for (i = first; i < end && i < j->n_cells; i++) {
		if (!j->in_set[i])
			continue;
		json_array_append_new(updates, json_pack("{s:I, s:o}", "index", (json_int_t)i,
							 "result", dmab_report_cell_now(run,
							 &run->cells[i])));
		j->said_failed[i] |= run->cells[i].failed;
		j->in_set[i] = 0;
	}
	j->set_open = 0;
	return append(j, json_pack("{s:s, s:f, s:I, s:o}", "type", "end", "t", seconds_since(j),
				   "repetition", (json_int_t)r + 1, "updates", updates));
}

static int run_done(struct dmab_journal *j, const struct dmab_run *run)
{
	json_t *rec, *updates;

	if (j->fd < 0 || j->err)
		return j->err;
	updates = failures_not_said(j, run);
	rec = json_pack("{s:s, s:f, s:i}", "type", "done", "t", seconds_since(j), "signal",
			run->interrupted);
	if (json_array_size(updates))
		json_object_set_new(rec, "updates", updates);
	else
		json_decref(updates);
	return append(j, rec) ? j->err : journal_sync(j, 0);
}

int dmab_journal_set_begin(struct dmab_journal *j, const struct dmab_run *run, size_t first,
			   size_t end, unsigned int r)
{
	uint64_t t0 = mono_ns();
	int ret = set_begin(j, run, first, end, r);

	j->spent_ns += mono_ns() - t0;
	return ret;
}

int dmab_journal_set_end(struct dmab_journal *j, const struct dmab_run *run, size_t first,
			 size_t end, unsigned int r)
{
	uint64_t t0 = mono_ns();
	int ret = set_end(j, run, first, end, r);

	j->spent_ns += mono_ns() - t0;
	return ret;
}

int dmab_journal_done(struct dmab_journal *j, const struct dmab_run *run)
{
	uint64_t t0 = mono_ns();
	int ret = run_done(j, run);

	j->spent_ns += mono_ns() - t0;
	return ret;
}

int dmab_journal_close(struct dmab_journal *j, int remove)
{
	int ret = 0;

	if (j->fd >= 0 && remove) {
		if (unlink(j->path))
			ret = -errno;
		else
			ret = dmab_fsync_parent(j->path);
	}
	if (j->fd >= 0)
		close(j->fd);	/* and so the lock */
	j->fd = -1;
	free(j->in_set);
	free(j->said_failed);
	j->in_set = j->said_failed = NULL;
	return ret;
}

uint64_t dmab_journal_size_estimate(const struct dmab_run *run, size_t header_bytes)
{
	uint64_t entry = dmab_report_cell_bytes(run), total = header_bytes;
	size_t i;

	for (i = 0; i < run->n_cells; i++) {
		total += entry;	/* in the header, as never started */
		if (!run->cells[i].skipped[0])
			total += (uint64_t)run->repeat * (entry + RECORD_FRAME_BYTES);
	}
	return total;
}

int dmab_journal_in_use(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_SH | LOCK_NB))
		ret = errno == EWOULDBLOCK ? 1 : 0;	/* no locks on this FS: cannot tell */
	close(fd);
	return ret;
}

/* ---- reading ---- */

static int is_count(const json_t *v, json_int_t max)
{
	return json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= max;
}

static int valid_t(const json_t *rec)
{
	const json_t *t = json_object_get(rec, "t");

	return json_is_number(t) && json_number_value(t) >= 0 && isfinite(json_number_value(t));
}

static int valid_header(const json_t *h, char *err, size_t errlen)
{
	const json_t *cells = json_object_get(h, "cells"), *v;
	size_t i;

	if (!json_is_object(h) || !json_is_string(json_object_get(h, "type")) ||
	    strcmp(json_string_value(json_object_get(h, "type")), "header")) {
		snprintf(err, errlen, "not a dmabench journal: line 1 is not its header");
		return -EPROTO;
	}
	if (!json_is_integer(json_object_get(h, "journal")) ||
	    json_integer_value(json_object_get(h, "journal")) != DMAB_JOURNAL_VERSION) {
		snprintf(err, errlen, "a journal of version %s, this build reads %d",
			 json_is_integer(json_object_get(h, "journal")) ? "other than 1" :
			 "unknown", DMAB_JOURNAL_VERSION);
		return -EPROTO;
	}
	if (!is_count(json_object_get(h, "repeat"), DMAB_MAX_REPEAT) ||
	    !json_integer_value(json_object_get(h, "repeat")) ||
	    !json_is_object(json_object_get(h, "document")) || !json_is_array(cells) ||
	    !json_is_string(json_object_get(h, "result_path"))) {
		snprintf(err, errlen, "not a dmabench journal: its header lacks repeat, "
			 "document, cells or result_path, or has one of the wrong shape");
		return -EPROTO;
	}
	json_array_foreach(cells, i, v)
		if (!json_is_boolean(json_object_get(v, "aa_twin")) ||
		    !json_is_object(json_object_get(v, "result"))) {
			snprintf(err, errlen, "not a dmabench journal: its header's cells[%zu] is "
				 "not {aa_twin, result}", i);
			return -EPROTO;
		}
	return 0;
}

static int apply_header(struct dmab_journal_state *st, json_t *h)
{
	const json_t *cells = json_object_get(h, "cells"), *v;
	size_t i, n = json_array_size(cells);

	st->cells = json_array();
	st->aa_twin = calloc(n + 1, 1);
	st->in_flight = calloc(n + 1, 1);
	if (!st->cells || !st->aa_twin || !st->in_flight)
		return -ENOMEM;
	json_array_foreach(cells, i, v) {
		st->aa_twin[i] = json_is_true(json_object_get(v, "aa_twin"));
		json_array_append(st->cells, json_object_get(v, "result"));
	}
	st->n_cells = n;
	st->repeat = (unsigned int)json_integer_value(json_object_get(h, "repeat"));
	st->header = json_incref(h);
	return 0;
}

/* [{"index", "result"}] with every index a cell's; absent is fine. */
static int valid_updates(const struct dmab_journal_state *st, const json_t *updates)
{
	const json_t *u;
	size_t i;

	if (!updates)
		return 1;
	if (!json_is_array(updates))
		return 0;
	json_array_foreach(updates, i, u)
		if (!is_count(json_object_get(u, "index"), (json_int_t)st->n_cells - 1) ||
		    !st->n_cells || !json_is_object(json_object_get(u, "result")))
			return 0;
	return 1;
}

static void apply_updates(struct dmab_journal_state *st, const json_t *updates)
{
	const json_t *u;
	size_t i;

	json_array_foreach(updates, i, u)
		json_array_set(st->cells, (size_t)json_integer_value(json_object_get(u, "index")),
			       json_object_get(u, "result"));
}

static int valid_repetition(const struct dmab_journal_state *st, const json_t *rec)
{
	const json_t *r = json_object_get(rec, "repetition");

	return is_count(r, st->repeat) && json_integer_value(r) >= 1;
}

/* 1: applied (or a type this reader skips); 0: not a whole, well-formed record. */
static int apply_record(struct dmab_journal_state *st, const json_t *rec)
{
	const json_t *type = json_object_get(rec, "type"), *cells = json_object_get(rec, "cells");
	const json_t *updates = json_object_get(rec, "updates"), *v;
	const char *t;
	size_t i;

	if (!json_is_object(rec) || !json_is_string(type))
		return 0;
	t = json_string_value(type);
	if (!strcmp(t, "header"))
		return 0;
	if (strcmp(t, "begin") && strcmp(t, "end") && strcmp(t, "done"))
		return 1;	/* a later version's: not this reader's business */
	if (!valid_t(rec) || !valid_updates(st, updates))
		return 0;
	if (!strcmp(t, "begin")) {
		if (!valid_repetition(st, rec) || !json_is_array(cells))
			return 0;
		json_array_foreach(cells, i, v)
			if (!st->n_cells || !is_count(v, (json_int_t)st->n_cells - 1))
				return 0;
	} else if (!strcmp(t, "end")) {
		if (!valid_repetition(st, rec) || !updates)
			return 0;
	} else if (!is_count(json_object_get(rec, "signal"), 128)) {
		return 0;
	}
	if (updates)
		apply_updates(st, updates);
	memset(st->in_flight, 0, st->n_cells);
	st->in_flight_rep = 0;
	if (!strcmp(t, "begin")) {
		json_array_foreach(cells, i, v)
			st->in_flight[json_integer_value(v)] = 1;
		st->in_flight_rep = (unsigned int)json_integer_value(json_object_get(rec,
										     "repetition"));
	} else if (!strcmp(t, "end")) {
		st->sets_finished++;
	} else {
		st->done = 1;
		st->signal = (int)json_integer_value(json_object_get(rec, "signal"));
	}
	st->last_t = fmax(st->last_t, json_number_value(json_object_get(rec, "t")));
	return 1;
}

int dmab_journal_parse(const char *text, size_t len, struct dmab_journal_state *st, char *err,
		       size_t errlen)
{
	size_t pos = 0, line = 0;
	int ret;

	memset(st, 0, sizeof(*st));
	err[0] = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		/* a line without its newline was cut short: the newline is written last */
		json_t *rec = nl ? json_loadb(text + pos, n, 0, NULL) : NULL;
		int ok;

		line++;
		if (line == 1) {
			if (!rec) {
				snprintf(err, errlen, nl ? "not a dmabench journal: line 1 is not "
					 "JSON" : "its header is cut short: the run stopped while "
					 "writing it, before any configuration ran");
				return nl ? -EPROTO : -ENODATA;
			}
			ret = valid_header(rec, err, errlen);
			if (!ret)
				ret = apply_header(st, rec);
			json_decref(rec);
			if (ret) {
				dmab_journal_state_free(st);
				return ret;
			}
			st->records++;
			pos += n + 1;
			continue;
		}
		ok = rec && apply_record(st, rec);
		json_decref(rec);
		if (!ok) {
			st->ignored_line = line;
			st->ignored_bytes = len - pos;
			st->torn = !nl;
			break;
		}
		st->records++;
		pos += n + 1;
	}
	if (!st->header) {
		snprintf(err, errlen, "empty: the run stopped before it wrote its header, before "
			 "any configuration ran");
		return -ENODATA;
	}
	return 0;
}

int dmab_journal_load(const char *path, struct dmab_journal_state *st, char *err, size_t errlen)
{
	struct stat sb;
	char *text;
	size_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	memset(st, 0, sizeof(*st));
	if (fd < 0 || fstat(fd, &sb)) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return ret;
	}
	if (!S_ISREG(sb.st_mode) || (uint64_t)sb.st_size > DMAB_JOURNAL_MAX_BYTES) {
		close(fd);
		snprintf(err, errlen, "%s: %s", path, S_ISREG(sb.st_mode) ?
			 "larger than any journal a run writes (1 GiB)" : "not a regular file");
		return S_ISREG(sb.st_mode) ? -EFBIG : -EINVAL;
	}
	text = malloc((size_t)sb.st_size + 1);
	if (!text) {
		close(fd);
		return -ENOMEM;
	}
	while (done < (size_t)sb.st_size) {
		ssize_t n = read(fd, text + done, (size_t)sb.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;	/* shorter than it was: read what is there */
		done += (size_t)n;
	}
	close(fd);
	ret = dmab_journal_parse(text, done, st, err, errlen);
	free(text);
	if (ret && ret != -ENOMEM) {
		char why[512];

		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "%s: %s", path, why);
	}
	return ret;
}

void dmab_journal_state_free(struct dmab_journal_state *st)
{
	json_decref(st->header);
	json_decref(st->cells);
	free(st->aa_twin);
	free(st->in_flight);
	memset(st, 0, sizeof(*st));
}

/* ---- recovering ---- */

static const char *str(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* "capture 64KiB: cached-sync user read" */
static void describe_cell(const json_t *r, int twin, int with_group, char *out, size_t len)
{
	const json_t *size = json_object_get(r, "size_bytes");
	char sz[32] = "?";

	if (json_is_integer(size) && json_integer_value(size) > 0)
		dmab_format_size((uint64_t)json_integer_value(size), sz, sizeof(sz));
	snprintf(out, len, "%s%s%s%s%s %s %s%s", with_group && str(r, "workload") ?
		 str(r, "workload") : "", with_group ? " " : "", with_group ? sz : "",
		 with_group ? ": " : "", str(r, "strategy") ? str(r, "strategy") : "?",
		 str(r, "backend") ? str(r, "backend") : "?",
		 str(r, "pattern") ? str(r, "pattern") : "-", twin ? " (its A/A twin)" : "");
}

void dmab_journal_describe_in_flight(const struct dmab_journal_state *st, char *out, size_t len)
{
	size_t i, used;
	int first = 1;

	if (!st->in_flight_rep) {
		snprintf(out, len, "none");
		return;
	}
	used = (size_t)snprintf(out, len, "repetition %u of %u of ", st->in_flight_rep,
				st->repeat);
	for (i = 0; i < st->n_cells && used < len; i++) {
		char one[256];

		if (!st->in_flight[i])
			continue;
		describe_cell(json_array_get(st->cells, i), st->aa_twin[i], first, one,
			      sizeof(one));
		used += (size_t)snprintf(out + used, len - used, "%s%s", first ? "" : ", ", one);
		first = 0;
	}
}

/* The headline's repetition medians of a result entry: cpu_cost, or frame without it. */
static size_t headline_medians(const json_t *r, uint64_t *out, size_t max)
{
	const char *p = json_array_size(json_object_get(r, "cost_phases")) ? "cpu_cost" : "frame";
	const json_t *rep;
	size_t i, n = 0;

	json_array_foreach(json_object_get(r, "repetitions"), i, rep) {
		const json_t *v = json_object_get(json_object_get(rep, "p50_ns"), p);

		if (n < max && json_is_integer(v) && json_integer_value(v) >= 0)
			out[n++] = (uint64_t)json_integer_value(v);
	}
	return n;
}

static json_t *or_null(json_t *v)
{
	return v ? v : json_null();
}

static json_t *counts_json(const uint64_t *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_integer((json_int_t)v[i]));
	return a;
}

/* The noise floor, as the run would have made it from the repetitions that finished. */
static json_t *noise_floor(const struct dmab_journal_state *st)
{
	json_t *groups = json_array();
	double worst = 0;
	size_t i;

	for (i = 1; i < st->n_cells; i++) {
		json_t *a = json_array_get(st->cells, i - 1), *b = json_array_get(st->cells, i);
		uint64_t x[DMAB_MAX_REPEAT], y[DMAB_MAX_REPEAT];
		struct dmab_ratio_ci ci;
		double floor_pct;
		size_t na, nb;

		if (!st->aa_twin[i] || st->aa_twin[i - 1] ||
		    !json_is_null(json_object_get(a, "skipped")) ||
		    !json_is_null(json_object_get(b, "skipped")))
			continue;
		na = headline_medians(a, x, DMAB_MAX_REPEAT);
		nb = headline_medians(b, y, DMAB_MAX_REPEAT);
		if (na < 2 || nb < 2 || dmab_bootstrap_ratio_ci(x, na, y, nb,
								 DMAB_BOOTSTRAP_RESAMPLES, 0.95,
								 DMAB_BOOTSTRAP_SEED, &ci))
			continue;
		floor_pct = 100 * fmax(fabs(ci.lo - 1), fabs(ci.hi - 1));
		worst = fmax(worst, floor_pct);
		json_array_append_new(groups, json_pack(
			"{s:O, s:O, s:O, s:O, s:O, s:o, s:o, s:f, s:[f, f], s:f}",
			"workload", or_null(json_object_get(a, "workload")),
			"size_bytes", or_null(json_object_get(a, "size_bytes")),
			"strategy", or_null(json_object_get(a, "strategy")),
			"backend", or_null(json_object_get(a, "backend")),
			"pattern", or_null(json_object_get(a, "pattern")),
			"a_p50_ns", counts_json(x, na), "b_p50_ns", counts_json(y, nb),
			"ratio", ci.ratio, "ci95", ci.lo, ci.hi, "floor_pct", floor_pct));
	}
	if (!json_array_size(groups)) {
		json_decref(groups);
		return json_null();
	}
	return dmab_report_noise_floor_object(groups, worst);
}

/* One configuration's entry as the recovered file gives it. */
static json_t *recover_cell(const struct dmab_journal_state *st, size_t i)
{
	json_t *r = json_deep_copy(json_array_get(st->cells, i));
	const char *stop = str(r, "stop_reason");
	int ran = json_is_null(json_object_get(r, "skipped"));
	size_t reps = json_array_size(json_object_get(r, "repetitions"));
	char why[512];

	if (!r)
		return NULL;
	if (st->in_flight[i] && ran) {
		json_object_set_new(r, "stop_reason", json_string("crashed"));
		json_object_set_new(r, "complete", json_false());
	} else if (st->in_flight[i] && stop && !strcmp(stop, "not_started")) {
		snprintf(why, sizeof(why), "crashed: in flight when the run stopped (repetition "
			 "%u of %u: its set-up, warm-up or frames), before any repetition of it "
			 "finished", st->in_flight_rep, st->repeat);
		json_object_set_new(r, "skipped", json_string(why));
		json_object_set_new(r, "stop_reason", json_string("crashed"));
	} else if (ran && reps < st->repeat) {
		json_object_set_new(r, "stop_reason", json_string("interrupted"));
		json_object_set_new(r, "complete", json_false());
	} else if (!ran && stop && !strcmp(stop, "not_started")) {
		json_object_set_new(r, "skipped", json_string(
			"not started: the run stopped before its first recorded frame"));
	}
	json_object_set_new(r, "samples", json_null());
	json_object_set_new(r, "recovered", json_true());
	return r;
}

json_t *dmab_journal_recover(const struct dmab_journal_state *st, const char *journal_path,
			     const char *now_utc)
{
	json_t *doc, *results = json_array(), *flight = json_array(), *ignored, *in_flight;
	char line[2048];
	size_t i;

	if (!st->header || !results || !flight)
		goto out_nomem;
	doc = json_deep_copy(json_object_get(st->header, "document"));
	if (!doc)
		goto out_nomem;
	for (i = 0; i < st->n_cells; i++) {
		json_t *r = recover_cell(st, i);

		if (!r) {
			json_decref(doc);
			goto out_nomem;
		}
		if (st->in_flight[i])
			json_array_append_new(flight, json_pack("{s:O, s:O, s:O, s:O, s:O, s:b}",
				"strategy", or_null(json_object_get(r, "strategy")),
				"backend", or_null(json_object_get(r, "backend")),
				"workload", or_null(json_object_get(r, "workload")),
				"pattern", or_null(json_object_get(r, "pattern")),
				"size_bytes", or_null(json_object_get(r, "size_bytes")),
				"aa_twin", st->aa_twin[i]));
		if (st->aa_twin[i])
			json_decref(r);
		else
			json_array_append_new(results, r);
	}
	dmab_journal_describe_in_flight(st, line, sizeof(line));
	in_flight = st->in_flight_rep ?
		    json_pack("{s:I, s:I, s:o, s:s}", "repetition", (json_int_t)st->in_flight_rep,
			      "of", (json_int_t)st->repeat, "configurations", flight, "description",
			      line) : json_null();
	if (!st->in_flight_rep)
		json_decref(flight);
	ignored = st->ignored_line ?
		  json_pack("{s:I, s:I, s:b, s:s}", "line", (json_int_t)st->ignored_line,
			    "bytes", (json_int_t)st->ignored_bytes, "torn", st->torn, "note",
			    st->torn ? "the last record was cut short (the run stopped while "
			    "writing it): ignored" : "a line that is not a whole record: it and "
			    "what follows were ignored") : json_null();
	json_object_set_new(doc, "duration_s", json_real(st->last_t));
	json_object_set_new(doc, "interrupted", json_boolean(!st->done || st->signal));
	json_object_set_new(doc, "noise_floor", noise_floor(st));
	json_object_set_new(doc, "results", results);
	json_object_set_new(doc, "recovered", json_pack(
		"{s:s, s:s, s:{s:s, s:s}, s:I, s:I, s:b, s:o, s:o, s:s}",
		"journal", journal_path, "recovered_utc", now_utc,
		"tool", "version", DMAB_VERSION, "git", DMAB_GIT,
		"records", (json_int_t)st->records, "sets_finished", (json_int_t)st->sets_finished,
		"run_finished", st->done, "in_flight", in_flight, "ignored", ignored,
		"note", "rebuilt from the run's journal: the run stopped (a crash, kill -9, a "
		"power cut) before it wrote its result file. Each configuration has the "
		"repetitions that finished, its phases summarize their frames; the per-frame "
		"samples were not journaled (samples null: compare uses the repetitions). "
		"The configurations in flight say stop_reason crashed; those that did not get "
		"all their repetitions, interrupted."));
	return doc;

out_nomem:
	json_decref(results);
	json_decref(flight);
	return NULL;
}
