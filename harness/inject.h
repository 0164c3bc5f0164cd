/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --inject: faults planted on purpose, to check that the harness itself sees
 * them (the oracle counts stale lines, cpu_process shows added time, compare
 * flags a slowdown). A self-test of the harness, never a measurement: every
 * result file of such a run says so in config.inject, and the table too.
 */
#ifndef DMAB_INJECT_H
#define DMAB_INJECT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../strategies/strategy.h"

struct dmab_workload;

/* The bounds of the values: a whole 1 GiB frame of 64-byte lines, one second a frame. */
#define DMAB_INJECT_MAX_STALE_LINES (DMAB_MAX_FRAME_BYTES / DMAB_FRAME_ALIGN)
#define DMAB_INJECT_MAX_DELAY_NS 1000000000ull

struct dmab_inject {
	/*
	 * stale=LINES: the emulated device leaves the last LINES of the oracle's
	 * lines of each frame it writes unwritten (every line of a smaller frame),
	 * so the CPU sees what the buffer held before: an older frame. 0: none.
	 */
	uint64_t stale_lines;
	/* delay=NS: cpu_process busy-waits NS more each frame. 0: none. */
	uint64_t delay_ns;
};

/*
 * Adds the faults in @arg ("stale=LINES", "delay=NS", or both with a comma)
 * to @in. Returns 0, or -EINVAL/-ERANGE with @err naming what was wrong;
 * a fault given twice is refused.
 */
int dmab_inject_parse(const char *arg, struct dmab_inject *in, char *err, size_t errlen);

static inline int dmab_inject_any(const struct dmab_inject *in)
{
	return in->stale_lines || in->delay_ns;
}

/* For config.inject: null without faults, else what was injected and why. */
json_t *dmab_inject_json(const struct dmab_inject *in);

/* One line for the table: what was injected, and that it is no measurement. */
void dmab_inject_describe(const struct dmab_inject *in, char *buf, size_t len);

/*
 * 0 when @s can run workload @w with @in; else 1 and why not in @why. Stale
 * lines come only from a device that can leave them (the user-space emulated
 * one; dmabench.ko's device cannot be asked to), and matter only where the
 * device writes the frame (capture, sync-cost).
 */
int dmab_inject_refused(const struct dmab_inject *in, const struct dmab_strategy *s,
			const struct dmab_workload *w, char *why, size_t len);

/*
 * Busy-waits @ns on the harness's timer (its calibrated rate, the same
 * conversion the phases are measured with), so a phase that contains it
 * grows by at least @ns.
 */
void dmab_inject_spin(uint64_t ns);

#endif /* DMAB_INJECT_H */
