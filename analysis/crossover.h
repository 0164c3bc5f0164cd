/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmabench crossover: within one result file, the frame size from which one
 * configuration (strategy and backend) costs the CPU less than another, per
 * workload and pattern, told apart from the run's own noise floor. Computed
 * once as a JSON list of records (what `run` stores as "crossovers" and
 * `crossover --json` prints); the text printers only format it.
 * docs/method.md says how (#crossover-sizes).
 */
#ifndef DMAB_CROSSOVER_H
#define DMAB_CROSSOVER_H

#include <jansson.h>
#include <stdio.h>

/* The phase compared: what the strategy costs the CPU per frame. */
#define DMAB_CROSSOVER_PHASE "cpu_cost"
/* The floor assumed where the run measured none (fewer than 2 repetitions): compare's. */
#define DMAB_CROSSOVER_FLOOR_ASSUMED_PCT 5.0

/*
 * The crossover records of @root (from dmab_result_load, or the document
 * run writes): per workload and pattern with results at 2 sizes or more,
 * one record per pair of configurations other than the cached-nosync
 * control (finding: crossover, crossover_within_noise, cheaper_everywhere,
 * cheaper_or_within_noise, within_noise, flips, too_few_sizes), named so
 * that its strategy and backend are the cheaper of the two at the largest
 * size told apart; and one record (finding left_out) per configuration
 * left out at some size: skipped, failed, stale or corrupt data, no
 * cpu_cost. Each record has its line of text. *@out is a new list (empty
 * when nothing has 2 sizes). Returns 0 or -ENOMEM.
 */
int dmab_crossover(const json_t *root, json_t **out);

/* "crossover" records: the pair crosses (finding crossover or crossover_within_noise). */
int dmab_crossover_crosses(const json_t *record);

/*
 * Every record's line, then the caveat (an emulated device, a virtual
 * machine), once. Nothing when @records is empty.
 */
void dmab_crossover_print_text(FILE *out, const json_t *records);

/*
 * What `run` prints under its table: the pairs that cross, one line counting
 * the rest (@path: the file `dmabench crossover` lists them all from, or
 * NULL), the caveat. Nothing when @records is empty.
 */
void dmab_crossover_print_summary(FILE *out, const json_t *records, const char *path);

#endif /* DMAB_CROSSOVER_H */
