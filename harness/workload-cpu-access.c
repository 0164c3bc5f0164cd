// SPDX-License-Identifier: GPL-2.0
/*
 * cpu-access: the CPU pattern alone on each strategy's memory, no device and
 * no handover (tinymembench-like). For `read`, each frame also runs the plain
 * C reference loop over the same buffer, so the wide loads are judged against
 * a STREAM-class loop measured in the same conditions.
 */
#include "timer.h"
#include "workload.h"

static int cpu_access_frame(struct dmab_cell *c, uint64_t *ns)
{
	unsigned int i = (unsigned int)(c->seq % c->ring);
	struct dmab_buffer *b = &c->bufs[i];
	uint64_t t0, t1;

	t0 = dmab_ticks();
	c->sink += c->pattern->run(b->cpu, c->copy, c->size, c->line);
	t1 = dmab_ticks();
	ns[DMAB_PHASE_CPU_PROCESS] = dmab_ticks_to_ns(t1 - t0);
	ns[DMAB_PHASE_FRAME] = dmab_ticks_to_ns(t1 - t0);
	if (c->pattern->reference) {
		t0 = dmab_ticks();
		c->sink += c->pattern->reference(b->cpu, c->size);
		t1 = dmab_ticks();
		ns[DMAB_PHASE_REFERENCE_READ] = dmab_ticks_to_ns(t1 - t0);
	}
	dmab_workload_check_cpu_view(c, i);
	return 0;
}

const struct dmab_workload dmab_workload_cpu_access = {
	.name = "cpu-access",
	.description = "the CPU pattern alone on the strategy's memory (no device)",
	.uses_pattern = 1,
	.uses_device = 0,
	.phases = DMAB_PHASE_BIT(CPU_PROCESS) | DMAB_PHASE_BIT(REFERENCE_READ) |
		  DMAB_PHASE_BIT(FRAME),
	.frame = cpu_access_frame,
};
