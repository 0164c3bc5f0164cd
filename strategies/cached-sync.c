// SPDX-License-Identifier: GPL-2.0
/*
 * cached-sync: cacheable memory, with the frame's range cleaned before the
 * device writes and invalidated before the CPU reads: what the streaming DMA
 * API does on a non-coherent machine.
 */
#include "devmem.h"
#include "dmabuf.h"
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

const struct dmab_strategy dmab_dma_heap_cached_sync = {
	.name = "cached-sync",
	.handover = "DMA_BUF_IOCTL_SYNC END before the device, START before the CPU. The heap "
		    "syncs for each device attached to the buffer and none is (only a driver "
		    "attaches), so this is the ioctl's own cost, without cache maintenance",
	.sync_for_device = dmab_dmabuf_sync_for_device,
	.sync_for_cpu = dmab_dmabuf_sync_for_cpu,
	DMAB_DMABUF_OPS(dma_heap, "dma-heap"),
};

const struct dmab_strategy dmab_udmabuf_cached_sync = {
	.name = "cached-sync",
	.handover = "DMA_BUF_IOCTL_SYNC END before the device, START before the CPU: udmabuf runs "
		    "dma_sync_sg over the whole buffer for its own misc device (no-ops where DMA "
		    "is coherent)",
	.sync_for_device = dmab_dmabuf_sync_for_device,
	.sync_for_cpu = dmab_dmabuf_sync_for_cpu,
	DMAB_DMABUF_OPS(udmabuf, "udmabuf"),
};

const struct dmab_strategy dmab_carveout_cached_sync = {
	.name = "cached-sync",
	.id = DMAB_STRAT_CACHED_SYNC,
	.mapping = "write-back (the user's and the module's own mapping of the carveout)",
	.handover = "clean the frame's range before the device, invalidate it before the CPU, by "
		    "physical range through the module's write-back mapping (no struct page, so no "
		    "streaming DMA API): x86 and arm64 arch_wb_cache_pmem / arch_invalidate_pmem "
		    "(the pmem API; without it x86 clflush_cache_range, arm64 the module's own "
		    "dc cvac/ivac); ARMv7 v7_flush_kern_dcache_area and the outer cache by "
		    "physical address",
	DMAB_CARVEOUT_OPS,
};

const struct dmab_strategy dmab_devmem_cached_sync = {
	.name = "cached-sync",
	.id = DMAB_STRAT_CACHED_SYNC,
	.mapping = "write-back: /dev/mem opened without O_SYNC",
	.handover = "clean the frame's lines before the device writes, invalidate them before the "
		    "CPU reads, from user space by virtual address (x86 clflushopt; arm64 would "
		    "use dc cvac/civac, but its /dev/mem mapping is never cacheable)",
	.sync_for_device = dmab_devmem_sync_for_device,
	.sync_for_cpu = dmab_devmem_sync_for_cpu,
	DMAB_DEVMEM_OPS,
};
