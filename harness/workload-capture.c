// SPDX-License-Identifier: GPL-2.0
/*
 * capture: a ring of frame buffers; per frame the device writes one and the
 * CPU takes it over: sync_for_device -> device_write -> sync_for_cpu ->
 * cpu_process.
 */
#include "workload-capture.h"

#include "timer.h"

int dmab_capture_frame(struct dmab_cell *c, uint64_t *ns)
{
	unsigned int i = (unsigned int)(c->seq % c->ring);
	struct dmab_buffer *b = &c->bufs[i];
	const struct dmab_strategy *s = c->strategy;
	uint64_t t0, t1, t2, t3, t4;
	int ret;

	t0 = dmab_ticks();
	ret = s->sync_for_device(b, 0, c->size, DMAB_FROM_DEVICE);
	if (ret)
		return ret;
	t1 = dmab_ticks();
	ret = s->device->write(b, 0, c->size, c->seq, &ns[DMAB_PHASE_DEVICE_BUSY]);
	if (ret)
		return ret;
	t2 = dmab_ticks();
	ret = s->sync_for_cpu(b, 0, c->size, DMAB_FROM_DEVICE);
	if (ret)
		return ret;
	t3 = dmab_ticks();
	c->sink += c->pattern->run(b->cpu, c->copy, c->size, c->line);
	t4 = dmab_ticks();

	ns[DMAB_PHASE_SYNC_FOR_DEVICE] = dmab_ticks_to_ns(t1 - t0);
	ns[DMAB_PHASE_DEVICE_WRITE] = dmab_ticks_to_ns(t2 - t1);
	ns[DMAB_PHASE_SYNC_FOR_CPU] = dmab_ticks_to_ns(t3 - t2);
	ns[DMAB_PHASE_CPU_PROCESS] = dmab_ticks_to_ns(t4 - t3);
	ns[DMAB_PHASE_FRAME] = dmab_ticks_to_ns(t4 - t0);

	c->buf_seq[i] = c->seq;
	c->buf_mask[i] = 0;
	dmab_workload_check_cpu_view(c, i);
	return 0;
}

#define CAPTURE_PHASES (DMAB_PHASE_BIT(SYNC_FOR_DEVICE) | DMAB_PHASE_BIT(DEVICE_WRITE) | \
			DMAB_PHASE_BIT(DEVICE_BUSY) |					\
			DMAB_PHASE_BIT(SYNC_FOR_CPU) | DMAB_PHASE_BIT(CPU_PROCESS) |	\
			DMAB_PHASE_BIT(FRAME))

const struct dmab_workload dmab_workload_capture = {
	.name = "capture",
	.description = "the device writes a frame, the CPU takes it over and processes it",
	.uses_pattern = 1,
	.uses_device = 1,
	.phases = CAPTURE_PHASES,
	.frame = dmab_capture_frame,
};
