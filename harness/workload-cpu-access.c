// SPDX-License-Identifier: GPL-2.0
/*
 * cpu-access: the CPU pattern alone on each strategy's memory, no device and
 * no handover (tinymembench-like). For `read`, each frame also runs the plain
 * C reference loop over the same buffer, so the wide loads are judged against
 * a STREAM-class loop measured in the same conditions.
 */
#include "mark.h"
#include "workload.h"

static int cpu_access_frame(struct dmab_cell *c, uint64_t *ns)
{
	unsigned int i = (unsigned int)(c->seq % c->ring);
	struct dmab_buffer *b = &c->bufs[i];
	struct dmab_marks m;

	dmab_marks_begin(&m, c);
	c->sink += c->pattern->run(b->cpu, c->copy, c->size, c->line);
	if (c->inject_delay_ns)
		dmab_inject_spin(c->inject_delay_ns);
	dmab_marks_phase(&m, DMAB_PHASE_CPU_PROCESS, 1, ns);
	dmab_marks_frame(&m, ns);
	if (c->pattern->reference) {
		c->sink += c->pattern->reference(b->cpu, c->size);
		dmab_marks_phase(&m, DMAB_PHASE_REFERENCE_READ, 0, ns);
	}
	dmab_workload_check_cpu_view(c, i);
	return 0;
}

const struct dmab_workload dmab_workload_cpu_access = {
	.name = "cpu-access",
	.description = "the CPU pattern alone on the strategy's memory (no device)",
	.uses_pattern = 1,
	.uses_device = 0,
	.phases = DMAB_PHASE_BIT(CPU_COST) | DMAB_PHASE_BIT(CPU_PROCESS) |
		  DMAB_PHASE_BIT(REFERENCE_READ) |
		  DMAB_PHASE_BIT(FRAME),
	.cost_phases = DMAB_PHASE_BIT(CPU_PROCESS),
	.frame = cpu_access_frame,
};
