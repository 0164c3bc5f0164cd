// SPDX-License-Identifier: GPL-2.0
#include "workload.h"

#include <string.h>

#include "oracle.h"

const struct dmab_workload *const dmab_workloads[] = {
#define DMAB_WORKLOAD_ENTRY(sym) &dmab_workload_##sym,
	DMAB_WORKLOAD_LIST(DMAB_WORKLOAD_ENTRY)
#undef DMAB_WORKLOAD_ENTRY
};

const size_t dmab_workload_count = sizeof(dmab_workloads) / sizeof(dmab_workloads[0]);

const struct dmab_workload *dmab_workload_find(const char *name)
{
	size_t i;

	for (i = 0; i < dmab_workload_count; i++)
		if (!strcmp(dmab_workloads[i]->name, name))
			return dmab_workloads[i];
	return NULL;
}

enum dmab_phase dmab_workload_headline(const struct dmab_workload *w)
{
	return w->cost_phases ? DMAB_PHASE_CPU_COST : DMAB_PHASE_FRAME;
}

void dmab_workload_check_cpu_view(struct dmab_cell *c, unsigned int index)
{
	const struct dmab_pattern *p = c->pattern;

	c->buf_mask[index] ^= p->xor_after;
	if (p->check == DMAB_CHECK_FRAME)
		dmab_oracle_check(c->bufs[index].cpu, c->size, c->line, c->buf_seq[index],
				  c->buf_mask[index], &c->integrity);
	else if (p->check == DMAB_CHECK_COPY)
		dmab_oracle_check(c->copy, c->size, c->line, c->buf_seq[index],
				  c->buf_mask[index], &c->integrity);
}
