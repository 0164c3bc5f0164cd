/* SPDX-License-Identifier: GPL-2.0 */
/* Results as JSON (the contract in DESIGN.md) and as a table for people. */
#ifndef DMAB_REPORT_H
#define DMAB_REPORT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "run.h"

/* The whole result document; takes ownership of @env and @config. */
json_t *dmab_report_json(const struct dmab_run *run, json_t *env, json_t *config);

/* strategy x size x phase medians, throughput, integrity; skipped ones with why. */
void dmab_report_table(FILE *out, const struct dmab_run *run);

/*
 * @root as dmabench writes JSON: indented by one, reals to 10 digits, and
 * each long list of integers (the per-frame samples) on one line.
 */
int dmab_json_dumpf(const json_t *root, FILE *f);

/*
 * @c's result entry as it stands between two repetitions (the run's
 * journal): summaries over the frames recorded so far, no samples.
 */
json_t *dmab_report_cell_now(const struct dmab_run *run, const struct dmab_cell *c);

/* The top-level noise_floor object around @groups (taken). */
json_t *dmab_report_noise_floor_object(json_t *groups, double worst_pct);

/*
 * What the result file of @run will take at most, in bytes, @env_bytes for
 * the environment and config: every configuration that can run keeping its
 * full share of samples (DMAB_SAMPLES_CAP per phase, fewer with -n), which
 * dominates. dmab_report_cell_bytes: one entry without samples.
 */
uint64_t dmab_report_size_estimate(const struct dmab_run *run, size_t env_bytes);
uint64_t dmab_report_cell_bytes(const struct dmab_run *run);

/* What -o names, and so how the result is written there. */
enum dmab_output_kind {
	DMAB_OUTPUT_FILE,	/* a regular file, or none yet: temporary, fsync, rename or link */
	DMAB_OUTPUT_STREAM,	/* a FIFO (`-o >(ssh host 'cat > r.json')`): written in place */
	DMAB_OUTPUT_DISCARD,	/* /dev/null: written in place, kept nowhere */
	DMAB_OUTPUT_REFUSED,	/* a folder, another device, a socket: *what says which */
};

enum dmab_output_kind dmab_output_kind(const char *path, const char **what);

/* Checks early that a regular @path can be written (creates and removes a temporary). */
int dmab_output_writable(const char *path);

/* Bytes free for an unprivileged user in the folder @path is in (statvfs). */
int dmab_free_bytes(const char *path, uint64_t *bytes);

/* The folder of @path ("." when it names none). */
void dmab_parent_dir(const char *path, char *out, size_t len);

/* fsync of the folder @path is in: a new or renamed name survives a power cut. */
int dmab_fsync_parent(const char *path);

/* @path for k = 1, then with -k before ".json" (r.json, r-2.json, r-3.json). */
int dmab_path_numbered(const char *path, unsigned int k, char *out, size_t len);

/* never replace a file: the first free name of @path, @path-2, ... */
#define DMAB_WRITE_EXCLUSIVE 1u

/*
 * Writes @root to @path. A regular file goes through a temporary file in the
 * same folder: written, fsync, then renamed over @path (a reader sees the old
 * file or the whole new one), or with DMAB_WRITE_EXCLUSIVE linked to the
 * first name no file has; then the folder is synced. A FIFO or /dev/null is
 * written in place; any other kind is refused (-EINVAL). @written gets the
 * name used. Returns 0 or the negative errno of the step that failed, which
 * *@step names.
 */
int dmab_write_result(const char *path, const json_t *root, unsigned int flags, char *written,
		      size_t len, const char **step);

/*
 * @len bytes as they are, the same way into a regular file (temporary,
 * fsync, rename, or with DMAB_WRITE_EXCLUSIVE linked to the first free name
 * of @path, @path-2, ...; then the folder synced), whatever @path is now.
 */
int dmab_write_bytes(const char *path, const void *data, size_t len, unsigned int flags,
		     char *written, size_t written_len, const char **step);

/* dmab_write_result() replacing @path. */
int dmab_write_json_atomic(const char *path, const json_t *root);

#endif /* DMAB_REPORT_H */
