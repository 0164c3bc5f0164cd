/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmabench report: the result files of a fleet (boards x kernels) on one
 * page. Files are grouped by board and kernel release; per configuration a
 * matrix, a row per board and a column per kernel in version order, of the
 * headline median, integrity and compare's verdict against that board's
 * oldest kernel (dmab_compare_configuration(): the statistics are
 * compare's). Computed once as a JSON document (dmab_fleet_build()); the
 * figures and the pages are drawn from it. Not harness/report.c, which
 * writes one run's results.
 */
#ifndef DMAB_FLEET_H
#define DMAB_FLEET_H

#include <jansson.h>
#include <stddef.h>

/*
 * The most result files one report reads: each stays in memory (without its
 * per-frame samples, which no verdict uses) until the pages are written.
 */
#define DMAB_FLEET_FILES_MAX 1000

/*
 * Kernel releases (uname -r) in version order: the leading dotted numbers
 * compared as numbers, a missing one as 0 (6.1 and 6.1.0 tie); then a
 * release candidate ("-rc3") before the release and its builds; then the
 * rest, runs of digits as numbers and the text between them byte by byte,
 * nothing before something (6.12.9 < 6.12.9+rpt-rpi-v8). A release that does
 * not start with a number ("unknown") comes after all that do. Releases that
 * tie as versions are ordered as text, so only equal strings compare equal.
 * 6.1.0-27-arm64 < 6.1.0-28-arm64 < 6.1.9 < 6.1.10 < 6.12.9.
 * Returns < 0, 0 or > 0 as strcmp().
 */
int dmab_kernel_version_cmp(const char *a, const char *b);

/* What a file's board is known by. */
enum dmab_fleet_board_source {
	DMAB_FLEET_BOARD_MODEL,	/* environment.board: device-tree model, else DMI */
	DMAB_FLEET_BOARD_HOST,	/* none recorded: "HOSTNAME (MACHINE)" (uname -n, -m) */
};

/* The board of a result file as the report groups it, into @buf. */
enum dmab_fleet_board_source dmab_fleet_board(const json_t *root, char *buf, size_t len);

/* The kernel a result file ran (environment.kernel.release), or "unknown". */
const char *dmab_fleet_kernel(const json_t *root);

struct dmab_fleet_input {
	const char *path;
	json_t *root;		/* from dmab_result_load() */
};

/*
 * Drops what the report never reads from a loaded file: the per-frame
 * samples, most of a file's size. compare's verdicts test the repetition
 * medians; the samples feed only its frame-level diagnostic (p_frames),
 * which the report does not show.
 */
void dmab_fleet_trim(json_t *root);

/*
 * The report of @n files as a JSON document: "files" (each with its board,
 * kernel, start time, noise floor), "boards" (sorted by name, each with its
 * kernels in version order), "kernels" (all, in version order) and
 * "configurations" (in the order the files first list them), each with
 * its headline ("cpu_cost", else "frame" when a file has none) and "rows":
 * per board, "base_kernel" (its oldest kernel that ran the configuration)
 * and "cells", one per entry of "kernels", null where the board did not
 * run it there. A cell is the newest file (started_utc; on a tie the later
 * argument) of that board and kernel that ran the configuration: its
 * headline median (phases.HEADLINE.p50_ns), the lowest and highest
 * repetition median, integrity, how many runs it was chosen from and the
 * others' medians, and, but for the base, "vs_base": compare's gate verdict,
 * ratio, interval, p, threshold and notes, integrity against the base, and
 * "alloc_failures" where both results count alloc's attempts that got no
 * buffer (compare's judgement of them, as it lists it). A result skipped
 * because no attempt got a buffer is a cell too ("no_buffer": the run's
 * reason), in a configuration that ran elsewhere: against it or as its base,
 * the timings are not compared ("not_compared" says why), its failures are.
 * "in_common": configurations with two cells or more; "alloc_failures" (only
 * where some were judged or a cell got no buffer): cells judged, worse,
 * better and with no buffer.
 * Returns 0, -EINVAL (@n is 0 or over DMAB_FLEET_FILES_MAX) or -ENOMEM.
 */
int dmab_fleet_build(const struct dmab_fleet_input *in, size_t n, json_t **out);

/*
 * A trend figure per configuration into @dir (@format "png" or "svg"):
 * the headline median against the kernels in version order, a line per
 * board, the repetition medians' range as whiskers; one gnuplot run of
 * DIR/report-figures.gp over plots/trend.gp, the data in DIR/trend-*.dat.
 * Sets each configuration's "figure". Returns 0, -ENOENT (no gnuplot),
 * -EIO (gnuplot failed: @err says why) or -errno.
 */
int dmab_fleet_figures(json_t *report, const char *dir, const char *plotdir, const char *format,
		       char *err, size_t errlen);

/* DIR/report.md: Markdown for a design review, the figures linked. 0 or -errno. */
int dmab_fleet_write_markdown(const json_t *report, const char *dir);

/*
 * DIR/report.html: the same as one self-contained page, the figures
 * inlined as base64 data: URIs (nothing fetched from elsewhere). 0 or -errno.
 */
int dmab_fleet_write_html(const json_t *report, const char *dir);

#endif /* DMAB_FLEET_H */
