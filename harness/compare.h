/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmabench compare: two result files, matched configuration by
 * configuration, told apart with a rank test. The comparison is computed
 * once as a JSON document (what --format json prints); the text and
 * Markdown printers only format it.
 */
#ifndef DMAB_COMPARE_H
#define DMAB_COMPARE_H

#include <jansson.h>
#include <stdio.h>

/* Significance level of the two-sided Mann-Whitney test behind a verdict. */
#define DMAB_COMPARE_ALPHA 0.05
#define DMAB_COMPARE_THRESHOLD_PCT 5.0

/*
 * Reads a result file and checks what compare and plot rely on: JSON, a
 * schema_version this build reads, results with their keys, phases and
 * samples of the right types. Returns 0, or -EINVAL (not a usable result
 * file) / -errno (cannot read) with @err naming what is wrong.
 */
int dmab_result_load(const char *path, json_t **root, char *err, size_t errlen);

/*
 * Compares @new_root against @base_root (both from dmab_result_load):
 * per matched configuration, per phase and throughput, both medians, the
 * ratio new / base, the p-value and a verdict (slower or faster needs
 * p < DMAB_COMPARE_ALPHA and a change of at least @threshold_pct; without
 * samples in either file, "untested"); integrity changes; environment
 * differences; the geometric mean of the frame-time ratios per strategy.
 * Returns 0, -ENOENT when no configuration matches (@err says so) or -ENOMEM.
 */
int dmab_compare(const json_t *base_root, const char *base_path, const json_t *new_root,
		 const char *new_path, double threshold_pct, json_t **out, char *err,
		 size_t errlen);

/* How many configurations regressed: frame time slower, or integrity worse. */
size_t dmab_compare_regressions(const json_t *cmp);

void dmab_compare_print_text(FILE *out, const json_t *cmp, int colour);
/* @heading: the page's "## ..." line, or NULL under a heading of the caller's. */
void dmab_compare_print_markdown(FILE *out, const json_t *cmp, const char *heading);

#endif /* DMAB_COMPARE_H */
