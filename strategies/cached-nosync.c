// SPDX-License-Identifier: GPL-2.0
/*
 * cached-nosync: the negative control. Cacheable memory and no maintenance:
 * on a machine whose DMA is not coherent it must show stale data, which
 * proves the staleness oracle can fail.
 */
#include "devmem.h"
#include "dmabuf.h"
#include "kmod.h"
#include "user.h"

const struct dmab_strategy dmab_user_cached_nosync = {
	.name = "cached-nosync",
	.backend = "user",
	.mapping = "write-back",
	.handover = "none (negative control: no cache maintenance)",
	.setup = dmab_user_setup,
	.sync_for_device = dmab_user_no_sync,
	.sync_for_cpu = dmab_user_no_sync,
	.teardown = dmab_user_teardown,
	.device = &dmab_user_device,
	.query_mapping = dmab_user_mapping,
};

const struct dmab_strategy dmab_kmod_cached_nosync = {
	.name = "cached-nosync",
	.id = DMAB_STRAT_CACHED_NOSYNC,
	.mapping = "write-back",
	.handover = "none (negative control: no cache maintenance)",
	DMAB_KMOD_OPS,
};

const struct dmab_strategy dmab_dma_heap_cached_nosync = {
	.name = "cached-nosync",
	.handover = "none (negative control: no DMA_BUF_IOCTL_SYNC)",
	.sync_for_device = dmab_user_no_sync,
	.sync_for_cpu = dmab_user_no_sync,
	DMAB_DMABUF_OPS(dma_heap, "dma-heap"),
};

const struct dmab_strategy dmab_udmabuf_cached_nosync = {
	.name = "cached-nosync",
	.handover = "none (negative control: no DMA_BUF_IOCTL_SYNC)",
	.sync_for_device = dmab_user_no_sync,
	.sync_for_cpu = dmab_user_no_sync,
	DMAB_DMABUF_OPS(udmabuf, "udmabuf"),
};

const struct dmab_strategy dmab_carveout_cached_nosync = {
	.name = "cached-nosync",
	.id = DMAB_STRAT_CACHED_NOSYNC,
	.mapping = "write-back",
	.handover = "none (negative control: no cache maintenance)",
	DMAB_CARVEOUT_OPS,
};

const struct dmab_strategy dmab_devmem_cached_nosync = {
	.name = "cached-nosync",
	.id = DMAB_STRAT_CACHED_NOSYNC,
	.mapping = "write-back: /dev/mem opened without O_SYNC",
	.handover = "none (negative control: no cache maintenance)",
	.sync_for_device = dmab_user_no_sync,
	.sync_for_cpu = dmab_user_no_sync,
	DMAB_DEVMEM_OPS,
};
