/* SPDX-License-Identifier: GPL-2.0 */
/* Results as JSON (the contract in DESIGN.md) and as a table for people. */
#ifndef DMAB_REPORT_H
#define DMAB_REPORT_H

#include <jansson.h>
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
 * Writes @root to @path through a temporary file in the same folder, fsync
 * and rename: a reader sees the old file or the whole new one, never half.
 */
int dmab_write_json_atomic(const char *path, const json_t *root);

/* Checks early that @path can be written (creates and removes a temporary). */
int dmab_output_writable(const char *path);

#endif /* DMAB_REPORT_H */
