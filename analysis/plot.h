/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmabench plot: the harness writes data files from result files, the
 * gnuplot scripts in plots/ draw them (as fio's gnuplot tools do).
 */
#ifndef DMAB_PLOT_H
#define DMAB_PLOT_H

#include <jansson.h>
#include <stddef.h>

struct dmab_plot_input {
	const char *path;
	json_t *root;		/* from dmab_result_load */
	char label[64];		/* file names of its figures start with it */
};

/*
 * Finds the gnuplot scripts: $DMABENCH_PLOTS, else plots/ beside the
 * binary (a source tree), else ../share/dmabench/plots from the binary's
 * folder (make install). Returns 0 or -ENOENT (@out then lists where it looked).
 */
int dmab_plot_dir(char *out, size_t len);

/* Labels from the file names (without .json), made unique. */
void dmab_plot_labels(struct dmab_plot_input *in, size_t n);

/*
 * Writes the data files and the figures of @in into @dir (@format "png"
 * or "svg"); appends one {file, title, input} per figure to @figures and
 * one line per figure it could not draw (and why) to @notes. Returns 0,
 * -ENOENT when gnuplot is not installed, -EIO when gnuplot failed
 * (@err says which script and its last message), or -errno.
 */
int dmab_plot(struct dmab_plot_input *in, size_t n, const char *dir, const char *plotdir,
	      const char *format, json_t *figures, json_t *notes, char *err, size_t errlen);

/*
 * dmab_plot() without gnuplot: the data files only, @figures listing the
 * figures they are for (what the fuzzer drives: tests/fuzz).
 */
int dmab_plot_data(struct dmab_plot_input *in, size_t n, const char *dir, const char *format,
		   json_t *figures, json_t *notes, char *err, size_t errlen);

/* report.md in @dir: the figures, a summary table per file, compare against the first. */
int dmab_plot_report(struct dmab_plot_input *in, size_t n, const char *dir,
		     const json_t *figures, const json_t *notes);

/*
 * Appends "@name='@value'; " to the string @buf (@len bytes in all): a
 * gnuplot assignment, the value a single-quoted string (a quote doubled).
 */
void dmab_gnuplot_assign(char *buf, size_t len, const char *name, const char *value);

/*
 * Runs gnuplot on the command file @path, its output into @log (removed
 * when gnuplot succeeds). Returns 0, -ENOENT when gnuplot is not installed,
 * -EIO when it failed (@err: its last message and the log), or -errno.
 */
int dmab_gnuplot_run_file(const char *path, const char *log, char *err, size_t errlen);

#endif /* DMAB_PLOT_H */
