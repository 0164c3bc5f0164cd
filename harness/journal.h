/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run's journal: what a run has finished, on disk as it goes, so that a
 * crash, a kill -9 or a power cut loses only the work in flight (SQLite's
 * rollback journal is the model: append, sync, then go on).
 *
 * The unit is what the engine finishes: repetition r of one set of
 * configurations (run.c interleaves the configurations of a workload and
 * size, a batch of frames each in turn, so none of them finishes alone; and
 * repetition r of every set runs before repetition r + 1 of any, so a
 * configuration is only finished at its last repetition). The journal sits
 * beside the result file (RESULT.partial) and holds JSON lines, one record a
 * line, each an object with a "type":
 *
 *   header  first, synced with its folder: {"journal": 1, "pid", "result_path",
 *           "repeat", "document": the result file's top level (results
 *           empty), "cells": [{"aa_twin", "result"}] every configuration of the
 *           matrix, A/A twins included, as a result entry that never started}
 *   begin   {"t", "repetition" (from 1), "cells": [indices]}: this set is in
 *           flight; synced before its first buffer is allocated
 *   end     {"t", "repetition", "updates": [{"index", "result"}]}: each
 *           configuration of the set as it stands (its repetitions so far, the
 *           summaries of their frames, integrity, counters; no samples);
 *           synced with the next begin (or done), before anything else runs
 *   done    {"t", "signal"}: the engine finished (signal: what stopped it, or 0)
 *
 * "t" is seconds since the run started. A begin may carry "updates" too
 * (a configuration that failed outside any set). A record is written with one
 * write(); a torn last line (a crash while writing it) is not valid JSON and
 * is ignored. The writer holds an flock() on the file while it runs: a
 * journal nobody holds is a leftover.
 */
#ifndef DMAB_JOURNAL_H
#define DMAB_JOURNAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "run.h"

#define DMAB_JOURNAL_VERSION 1
#define DMAB_JOURNAL_SUFFIX ".partial"
/* Larger than any journal a run writes: refused rather than read into memory. */
#define DMAB_JOURNAL_MAX_BYTES (1ull << 30)

struct dmab_journal {
	int fd;				/* -1: none */
	char path[4096];
	uint64_t good;			/* the end of the last whole record */
	int err;			/* the first failure (negative errno): then no more */
	const char *failed_step;	/* what failed: "write", "fdatasync" */
	size_t n_cells;
	unsigned char *in_set;		/* per cell: in the set under way */
	unsigned char *said_failed;	/* per cell: its failure is in the journal */
	int set_open;			/* a begin without its end yet */
	uint64_t started_ns;		/* CLOCK_MONOTONIC at the header */
	/* what keeping it cost: the records' size, the syncs, all the hooks' time */
	size_t records, syncs;
	uint64_t bytes, sync_ns, sync_max_ns, spent_ns;
};

/*
 * Creates @path exclusively (-EEXIST when it exists) and takes its lock.
 * Nothing is written yet.
 */
int dmab_journal_create(struct dmab_journal *j, const char *path);

/*
 * The header: @doc is the result file's top level (results are taken from
 * @run, not from @doc), @result_path where the result goes. Synced, and the
 * folder too, so the journal is there after a power cut.
 */
int dmab_journal_start(struct dmab_journal *j, const struct dmab_run *run, const json_t *doc,
		       const char *result_path);

/* The hooks' work (struct dmab_run's set_begin and set_end). */
int dmab_journal_set_begin(struct dmab_journal *j, const struct dmab_run *run, size_t first,
			   size_t end, unsigned int r);
int dmab_journal_set_end(struct dmab_journal *j, const struct dmab_run *run, size_t first,
			 size_t end, unsigned int r);
/* The engine finished: a done record, synced. */
int dmab_journal_done(struct dmab_journal *j, const struct dmab_run *run);

/* Unlocks and closes; with @remove unlinks it first and syncs its folder. */
int dmab_journal_close(struct dmab_journal *j, int remove);

/* What the journal of @run will take at most, @header_bytes for its header. */
uint64_t dmab_journal_size_estimate(const struct dmab_run *run, size_t header_bytes);

/* 1 when a live process holds @path's lock (a run writing it), 0 when not, or -errno. */
int dmab_journal_in_use(const char *path);

/* What a journal holds, read back. */
struct dmab_journal_state {
	json_t *header;		/* the header record */
	json_t *cells;		/* each configuration's latest result entry */
	unsigned char *aa_twin;	/* per cell */
	size_t n_cells;
	unsigned int repeat;
	unsigned int in_flight_rep;	/* the set in flight's repetition (from 1); 0: none */
	unsigned char *in_flight;	/* per cell */
	int done;		/* the engine finished */
	int signal;		/* done: the signal that stopped it; 0: none */
	double last_t;		/* the last record's t */
	size_t records;		/* whole records read, the header included */
	size_t sets_finished;	/* end records */
	size_t ignored_line;	/* the first line ignored (from 1), 0: none */
	size_t ignored_bytes;	/* from it to the end of the file */
	int torn;		/* the ignored part is the last line, cut short */
};

/*
 * Reads the journal in @text (@len bytes). Each line must be a whole record;
 * the first one that is not (torn, not JSON, not a record this reader knows
 * the shape of) ends the reading: it and what follows are ignored and
 * counted (ignored_line, ignored_bytes, torn). Returns 0; -ENODATA (@err
 * says: empty, or no header), -EPROTO (not a dmabench journal, or a version
 * this build does not read) or -ENOMEM.
 */
int dmab_journal_parse(const char *text, size_t len, struct dmab_journal_state *st, char *err,
		       size_t errlen);
/* The same from a file: also -errno when it cannot be read, -EFBIG past the bound. */
int dmab_journal_load(const char *path, struct dmab_journal_state *st, char *err, size_t errlen);
void dmab_journal_state_free(struct dmab_journal_state *st);

/*
 * The result file a journal stands for: interrupted (unless the engine
 * finished unstopped), every configuration with the repetitions that
 * finished, those in flight with stop_reason "crashed", each result
 * "recovered": true with samples null, the noise floor from the
 * repetitions, and a top-level "recovered" saying from what and how.
 * @now_utc: when (YYYY-MM-DDTHH:MM:SSZ). NULL: no memory.
 */
json_t *dmab_journal_recover(const struct dmab_journal_state *st, const char *journal_path,
			     const char *now_utc);

/*
 * One line naming the configurations in flight ("repetition 2 of 3 of
 * capture 64KiB: cached-sync user read, ..."), or "none".
 */
void dmab_journal_describe_in_flight(const struct dmab_journal_state *st, char *out, size_t len);

#endif /* DMAB_JOURNAL_H */
