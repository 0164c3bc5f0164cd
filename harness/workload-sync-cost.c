// SPDX-License-Identifier: GPL-2.0
/*
 * sync-cost: the handover alone, swept over sizes, to show where cached+sync
 * stops beating uncached. It is the capture frame with a fixed, minimal
 * consumer (one load per cache line) so that the cache holds what a consumer
 * would leave there, and with a default sweep from 4 KiB to 16 MiB.
 */
#include "workload-capture.h"

static const uint64_t sync_cost_sizes[] = {
	4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 0
};

const struct dmab_workload dmab_workload_sync_cost = {
	.name = "sync-cost",
	.description = "the handover (sync_for_device, sync_for_cpu) over a size sweep",
	.uses_pattern = 0,
	.fixed_pattern = "stride",
	.uses_device = 1,
	.phases = DMAB_PHASE_BIT(CPU_COST) | DMAB_PHASE_BIT(SYNC_FOR_DEVICE) |
		  DMAB_PHASE_BIT(DEVICE_WRITE) |
		  DMAB_PHASE_BIT(DEVICE_BUSY) |
		  DMAB_PHASE_BIT(SYNC_FOR_CPU) | DMAB_PHASE_BIT(CPU_PROCESS) |
		  DMAB_PHASE_BIT(FRAME),
	.cost_phases = DMAB_CAPTURE_COST_PHASES,
	.default_sizes = sync_cost_sizes,
	.frame = dmab_capture_frame,
};
