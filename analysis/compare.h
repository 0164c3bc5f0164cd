/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmabench compare: two result files, matched configuration by
 * configuration. The replicates are the repetitions (each with fresh
 * buffers, interleaved with the other configurations): their medians are
 * told apart with an exact rank test, and the ratio of their medians gets a
 * bootstrap interval. The comparison is computed once as a JSON document
 * (what --format json prints); the text and Markdown printers only format
 * it.
 */
#ifndef DMAB_COMPARE_H
#define DMAB_COMPARE_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

/* Significance level of the two-sided Mann-Whitney test behind a verdict. */
#define DMAB_COMPARE_ALPHA 0.05
/* The smallest default threshold: twice a file's noise floor when that is larger. */
#define DMAB_COMPARE_THRESHOLD_PCT 5.0
/* As dmab_compare()'s @threshold_pct: no threshold given, the default rule applies. */
#define DMAB_COMPARE_THRESHOLD_DEFAULT (-1.0)
/* The gate: this phase's verdict (and integrity) decides a regression. */
#define DMAB_COMPARE_GATE "cpu_cost"
/* Files of version 1 have no cpu_cost: their gate is the frame time. */
#define DMAB_COMPARE_GATE_FALLBACK "frame"

/*
 * The result format versions compare reads: 1 (no repetitions, no
 * cpu_cost, no noise floor) to 2.
 */
#define DMAB_SCHEMA_VERSION_MIN 1
#define DMAB_SCHEMA_VERSION_MAX 2

/*
 * The largest result file compare and plot read, in MiB; the environment
 * variable raises (or lowers) it, up to the ceiling (1 TiB; 2 GiB where a
 * size_t has 32 bits). The parsed document takes 7.7 (samples) to 12.5
 * (many small results) times the file in memory: up to 0.8 GB a file at
 * 64 MiB (docs/results.md: Limits of the reader). The default matrix writes
 * 3.6 MiB; one configuration at the sample cap about 0.6 MiB.
 */
#define DMAB_RESULT_MAX_MB 64
#define DMAB_RESULT_MAX_MB_ENV "DMABENCH_MAX_RESULT_MB"
#define DMAB_RESULT_MAX_MB_CEILING (SIZE_MAX > UINT32_MAX ? 1048576 : 2047)
/*
 * The most results a file may hold: compare's thresholds and plot's figures
 * pass over the results per workload and size, so time grows faster than
 * the file. A run of every strategy, backend, workload and pattern at 64
 * sizes has about 15000.
 */
#define DMAB_RESULTS_MAX 20000

/*
 * Reads a result file and checks what compare and plot rely on: JSON, a
 * schema_version this build reads, results with their keys, phases and
 * samples of the right types. Returns 0, or -EINVAL (not a usable result
 * file, or a bad DMABENCH_MAX_RESULT_MB), -EFBIG (larger than the limit) /
 * -errno (cannot read) with @err naming what is wrong. The file is read
 * whole and handed to dmab_result_load_buffer().
 */
int dmab_result_load(const char *path, json_t **root, char *err, size_t errlen);

/* The same from memory (@len bytes, no NUL needed); @name stands for the file in @err. */
int dmab_result_load_buffer(const char *data, size_t len, const char *name, json_t **root,
			    char *err, size_t errlen);

/* The size limit of the two above in bytes; -EINVAL (@err says) for a bad variable. */
int dmab_result_limit(uint64_t *max_bytes, char *err, size_t len);

/*
 * Compares @new_root against @base_root (both from dmab_result_load):
 * per matched configuration, per phase and throughput, both medians, the
 * ratio new / base with its bootstrap interval, the p-value and a verdict.
 * Where both files have at least 2 repetitions, the repetition medians are
 * the replicates (exact Mann-Whitney); slower or faster needs
 * p < DMAB_COMPARE_ALPHA, a change of at least the threshold and more than
 * a timestamp's cost. Else the verdict is "untested", and the gate phase
 * still counts as a regression when it is slower by the threshold or more.
 * The gate is DMAB_COMPARE_GATE (else the frame) and integrity.
 * @threshold_pct: the threshold in percent, or DMAB_COMPARE_THRESHOLD_DEFAULT
 * (any negative value) for the default rule: per workload and size, the
 * larger of DMAB_COMPARE_THRESHOLD_PCT and twice the worse noise floor of
 * the two files. Also: integrity changes, environment differences, the
 * geometric mean of the gate's ratios per strategy, and alloc's attempts that
 * got no buffer where both results count them (alloc_failures, judged by
 * their rate with a one-sided Fisher exact test, a skipped result's too).
 * Returns 0, -ENOENT when no configuration matches (@err says so) or -ENOMEM.
 */
int dmab_compare(const json_t *base_root, const char *base_path, const json_t *new_root,
		 const char *new_path, double threshold_pct, json_t **out, char *err,
		 size_t errlen);

/*
 * One configuration of two files, as dmab_compare() compares it: @base_result
 * (a result of @base_root) against @new_result (of @new_root), the same
 * strategy, backend, workload, pattern and size, neither skipped. *@out is
 * what dmab_compare() lists for it in "configurations", plus "threshold": its
 * entry of "thresholds" (the rule, from both files' noise floors). For
 * callers that choose the pairs themselves (dmabench report: each board's
 * oldest kernel against its others). Returns 0, -EINVAL (not the same
 * configuration, or one is skipped) or -ENOMEM.
 */
int dmab_compare_configuration(const json_t *base_root, const char *base_path,
			       const json_t *base_result, const json_t *new_root,
			       const char *new_path, const json_t *new_result,
			       double threshold_pct, json_t **out);

/*
 * The key compare matches results by (strategy, backend, workload, pattern
 * and size) as text: equal texts, the same configuration. malloc'd; NULL
 * when out of memory.
 */
char *dmab_compare_key(const json_t *result);

/*
 * The values compare sets side by side for @phase of two results: the
 * medians of their repetition medians (the repetitions that recorded
 * frames) when both have them, else both pooled medians (phases.PHASE.p50_ns,
 * 0 when absent). *@from_repetitions says which. Returns 0 or -ENOMEM.
 */
int dmab_compare_medians(const json_t *a, const json_t *b, const char *phase, double *va,
			 double *vb, int *from_repetitions);

/*
 * The noise floor @root measured for @result's workload and size, as
 * compare's threshold reads it: its group's floor_pct (the largest, should
 * there be several; *@group), else the file's worst_pct (*@group NULL).
 * Negative when the file has no noise floor.
 */
double dmab_compare_noise_floor(const json_t *root, const json_t *result, const json_t **group);

/*
 * How many configurations regressed: the gate phase slower, integrity worse,
 * or alloc's failures worse.
 */
size_t dmab_compare_regressions(const json_t *cmp);

/*
 * alloc's attempts that got no buffer in two results of one configuration,
 * judged as dmab_compare() judges them (its "alloc_failures" of that
 * configuration: counts, verdict "none", "same", "worse" or "better", p,
 * note), skipped results among them. NULL where not both count them and made
 * attempts, or out of memory. For dmabench report's cells whose run got no
 * buffer at all, which dmab_compare_configuration() does not take.
 */
json_t *dmab_compare_alloc_failures(const json_t *base_result, const json_t *new_result);

/* Room for dmab_compare_alloc_text()'s counts. */
#define DMAB_COMPARE_ALLOC_TEXT 1100

/*
 * The counts of such an object as compare's line prints them, into @buf:
 * "base 2 of 22 (EDQUOT 2), new 14 of 34 (EDQUOT 2, ENOMEM 12)"; an errno
 * list "none" where there were no failures.
 */
void dmab_compare_alloc_text(const json_t *alloc, char *buf, size_t len);

void dmab_compare_print_text(FILE *out, const json_t *cmp, int colour);
/* @heading: the page's "## ..." line, or NULL under a heading of the caller's. */
void dmab_compare_print_markdown(FILE *out, const json_t *cmp, const char *heading);

#endif /* DMAB_COMPARE_H */
