// SPDX-License-Identifier: GPL-2.0
/*
 * playback: the other way. The CPU writes the frame (cpu_process),
 * sync_for_device, the device reads it and counts the lines that were not
 * the CPU's (device_read), sync_for_cpu before the CPU reuses the buffer.
 */
#include "oracle.h"
#include "mark.h"
#include "workload.h"

static int playback_frame(struct dmab_cell *c, uint64_t *ns)
{
	unsigned int i = (unsigned int)(c->seq % c->ring);
	struct dmab_buffer *b = &c->bufs[i];
	const struct dmab_strategy *s = c->strategy;
	struct dmab_integrity seen;
	struct dmab_marks m;
	int ret;

	dmab_marks_begin(&m, c);
	dmab_oracle_fill(b->cpu, c->size, c->line, c->seq);
	if (c->inject_delay_ns)
		dmab_inject_spin(c->inject_delay_ns);
	dmab_marks_phase(&m, DMAB_PHASE_CPU_PROCESS, 1, ns);
	ret = s->sync_for_device(b, 0, c->size, DMAB_TO_DEVICE);
	if (ret)
		return ret;
	dmab_marks_phase(&m, DMAB_PHASE_SYNC_FOR_DEVICE, 1, ns);
	ret = s->device->read(b, 0, c->size, c->seq, &seen, &ns[DMAB_PHASE_DEVICE_BUSY]);
	if (ret)
		return ret;
	dmab_marks_phase(&m, DMAB_PHASE_DEVICE_READ, 1, ns);
	ret = s->sync_for_cpu(b, 0, c->size, DMAB_TO_DEVICE);
	if (ret)
		return ret;
	dmab_marks_phase(&m, DMAB_PHASE_SYNC_FOR_CPU, 1, ns);
	dmab_marks_frame(&m, ns);

	c->buf_seq[i] = c->seq;
	c->integrity.frames_checked += seen.frames_checked;
	c->integrity.lines_checked += seen.lines_checked;
	c->integrity.stale_lines += seen.stale_lines;
	c->integrity.corrupt_lines += seen.corrupt_lines;
	return 0;
}

const struct dmab_workload dmab_workload_playback = {
	.name = "playback",
	.description = "the CPU writes a frame, the device reads it and checks it",
	.uses_pattern = 0,
	.fixed_pattern = NULL,
	.uses_device = 1,
	.phases = DMAB_PHASE_BIT(CPU_COST) | DMAB_PHASE_BIT(CPU_PROCESS) |
		  DMAB_PHASE_BIT(SYNC_FOR_DEVICE) |
		  DMAB_PHASE_BIT(DEVICE_READ) | DMAB_PHASE_BIT(DEVICE_BUSY) |
		  DMAB_PHASE_BIT(SYNC_FOR_CPU) |
		  DMAB_PHASE_BIT(FRAME),
	/* the CPU's write of the frame and the sync that hands it to the device */
	.cost_phases = DMAB_PHASE_BIT(CPU_PROCESS) | DMAB_PHASE_BIT(SYNC_FOR_DEVICE),
	.frame = playback_frame,
};
