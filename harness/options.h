/* SPDX-License-Identifier: GPL-2.0 */
/* The options of `dmabench run`, as a table (like fio's struct fio_option). */
#ifndef DMAB_OPTIONS_H
#define DMAB_OPTIONS_H

#include <jansson.h>
#include <stdio.h>

#include "parse.h"
#include "run.h"

/*
 * Parses argv (after the command word) into @o. Returns 0, 1 when --help was
 * asked (and printed to @out), or a negative errno with @err set.
 */
int dmab_run_options_parse(int argc, char **argv, struct dmab_run_options *o, FILE *out,
			   char *err, size_t errlen);

void dmab_run_options_help(FILE *out);

/*
 * The options as they will run, for the result's "config"; @argv is the
 * command line as given, taken before parsing (which splits lists in place).
 */
json_t *dmab_run_options_json(const struct dmab_run_options *o, json_t *argv);

#endif /* DMAB_OPTIONS_H */
