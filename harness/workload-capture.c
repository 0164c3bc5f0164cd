// SPDX-License-Identifier: GPL-2.0
/*
 * capture: a ring of frame buffers; per frame the device writes one and the
 * CPU takes it over: sync_for_device -> device_write -> sync_for_cpu ->
 * cpu_process.
 */
#include "workload-capture.h"

#include "mark.h"

int dmab_capture_frame(struct dmab_cell *c, uint64_t *ns)
{
	unsigned int i = (unsigned int)(c->seq % c->ring);
	struct dmab_buffer *b = &c->bufs[i];
	const struct dmab_strategy *s = c->strategy;
	struct dmab_marks m;
	int ret;

	dmab_marks_begin(&m, c);
	ret = s->sync_for_device(b, 0, c->size, DMAB_FROM_DEVICE);
	if (ret)
		return ret;
	dmab_marks_phase(&m, DMAB_PHASE_SYNC_FOR_DEVICE, 1, ns);
	ret = s->device->write(b, 0, c->size, c->seq, &ns[DMAB_PHASE_DEVICE_BUSY]);
	if (ret)
		return ret;
	dmab_marks_phase(&m, DMAB_PHASE_DEVICE_WRITE, 1, ns);
	ret = s->sync_for_cpu(b, 0, c->size, DMAB_FROM_DEVICE);
	if (ret)
		return ret;
	dmab_marks_phase(&m, DMAB_PHASE_SYNC_FOR_CPU, 1, ns);
	c->sink += c->pattern->run(b->cpu, c->copy, c->size, c->line);
	if (c->inject_delay_ns)
		dmab_inject_spin(c->inject_delay_ns);
	dmab_marks_phase(&m, DMAB_PHASE_CPU_PROCESS, 1, ns);
	dmab_marks_frame(&m, ns);

	c->buf_seq[i] = c->seq;
	c->buf_mask[i] = 0;
	dmab_workload_check_cpu_view(c, i);
	return 0;
}

#define CAPTURE_PHASES (DMAB_PHASE_BIT(CPU_COST) | DMAB_PHASE_BIT(SYNC_FOR_DEVICE) | DMAB_PHASE_BIT(DEVICE_WRITE) | \
			DMAB_PHASE_BIT(DEVICE_BUSY) |					\
			DMAB_PHASE_BIT(SYNC_FOR_CPU) | DMAB_PHASE_BIT(CPU_PROCESS) |	\
			DMAB_PHASE_BIT(FRAME))

const struct dmab_workload dmab_workload_capture = {
	.name = "capture",
	.description = "the device writes a frame, the CPU takes it over and processes it",
	.uses_pattern = 1,
	.uses_device = 1,
	.phases = CAPTURE_PHASES,
	.cost_phases = DMAB_CAPTURE_COST_PHASES,
	.frame = dmab_capture_frame,
};
