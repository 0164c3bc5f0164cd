// SPDX-License-Identifier: GPL-2.0
/*
 * coherent: memory the device and the CPU share with no maintenance. Where
 * DMA is cache-coherent (every x86 machine), that is exactly plain cacheable
 * memory, so the user backend can offer it there and nowhere else.
 */
#include <errno.h>

#include "kmod.h"
#include "user.h"

static int user_coherent_probe(const struct dmab_strategy *s, const char **reason)
{
	(void)s;
#if defined(__x86_64__) || defined(__i386__)
	(void)reason;
	return 0;
#else
	*reason = "DMA on this architecture is not cache-coherent in general; a coherent "
		  "allocation needs dmabench.ko (dma_alloc_coherent)";
	return -EOPNOTSUPP;
#endif
}

const struct dmab_strategy dmab_user_coherent = {
	.name = "coherent",
	.backend = "user",
	.mapping = "write-back (x86 DMA is cache-coherent, so a coherent allocation is "
		   "cacheable memory)",
	.handover = "none: the platform keeps caches coherent",
	.probe = user_coherent_probe,
	.setup = dmab_user_setup,
	.sync_for_device = dmab_user_no_sync,
	.sync_for_cpu = dmab_user_no_sync,
	.teardown = dmab_user_teardown,
	.device = &dmab_user_device,
	.query_mapping = dmab_user_mapping,
};

const struct dmab_strategy dmab_kmod_coherent = {
	.name = "coherent",
	.id = DMAB_STRAT_COHERENT,
	.mapping = "what dma_alloc_coherent gives the device: write-back where its DMA is "
		   "coherent, non-cacheable elsewhere (dma_mmap_coherent)",
	.handover = "nothing: coherent memory needs no maintenance",
	/* dma_alloc_coherent with GFP_ATOMIC: the atomic pool where the device is not coherent */
	.irqs_off_alloc = 1,
	DMAB_KMOD_OPS,
};
