// SPDX-License-Identifier: GPL-2.0
/*
 * cached-sync: cacheable memory, with the frame's range cleaned before the
 * device writes and invalidated before the CPU reads: what the streaming DMA
 * API does on a non-coherent machine.
 */
#include "kmod.h"
#include "user.h"

const struct dmab_strategy dmab_user_cached_sync = {
	.name = "cached-sync",
	.backend = "user",
	.mapping = "write-back",
	.handover = "clean the frame's lines before the device writes, invalidate them "
		    "before the CPU reads (user-space cache maintenance)",
	.probe = dmab_user_maintenance_probe,
	.setup = dmab_user_setup,
	.sync_for_device = dmab_user_sync_for_device,
	.sync_for_cpu = dmab_user_sync_for_cpu,
	.teardown = dmab_user_teardown,
	.device = &dmab_user_device,
	.query_mapping = dmab_user_mapping,
};

const struct dmab_strategy dmab_kmod_cached_sync = {
	.name = "cached-sync",
	.id = DMAB_STRAT_CACHED_SYNC,
	.mapping = "write-back",
	.handover = "dma_sync_single_for_device before the device, dma_sync_single_for_cpu before "
		    "the CPU, on the frame's range (the streaming DMA API; no-ops where the device "
		    "is DMA-coherent)",
	DMAB_KMOD_OPS,
};
