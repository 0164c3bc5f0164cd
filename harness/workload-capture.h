/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DMAB_WORKLOAD_CAPTURE_H
#define DMAB_WORKLOAD_CAPTURE_H

#include "workload.h"

/* One capture frame; sync-cost is the same frame with a fixed consumer. */
int dmab_capture_frame(struct dmab_cell *c, uint64_t *ns);

/* A capture frame's cost to the CPU: both syncs and the consumer's work. */
#define DMAB_CAPTURE_COST_PHASES (DMAB_PHASE_BIT(SYNC_FOR_DEVICE) | DMAB_PHASE_BIT(SYNC_FOR_CPU) | \
				  DMAB_PHASE_BIT(CPU_PROCESS))

#endif
