// SPDX-License-Identifier: GPL-2.0
/* wc: write-combined memory (dma_alloc_wc / pgprot_writecombine). */
#include "devmem.h"
#include "kmod.h"
#include "user.h"

const struct dmab_strategy dmab_user_wc = {
	.name = "wc",
	.backend = "user",
	.mapping = "write-combining",
	.handover = "a write barrier before the device reads",
	.unavailable = "needs dmabench.ko (/dev/dmabench): user space cannot map its own "
		       "memory write-combined",
};

const struct dmab_strategy dmab_kmod_wc = {
	.name = "wc",
	.id = DMAB_STRAT_WC,
	.mapping = "write-combining (dma_alloc_wc + dma_mmap_wc; on x86 pages whose linear map "
		   "is set WC with set_memory_wc)",
	.handover = "a write barrier (wmb) before the device reads",
	DMAB_KMOD_OPS,
};

const struct dmab_strategy dmab_carveout_wc = {
	.name = "wc",
	.id = DMAB_STRAT_WC,
	.mapping = "write-combining (pgprot_writecombine: x86 PAT WC, ARM Normal-NC)",
	.handover = "a write barrier (wmb) before the device reads",
	DMAB_CARVEOUT_OPS,
};

const struct dmab_strategy dmab_devmem_wc = {
	.name = "wc",
	.backend = "devmem",
	.mapping = "write-combining",
	.handover = "a write barrier before the device reads",
	.unavailable = "/dev/mem has no write-combined mapping to ask for: with O_SYNC it maps "
		       "uncached, without it cached (ARMv7's O_SYNC gives Normal-NC, which "
		       "gathers writes, only over memory with a struct page: the uncached "
		       "row's effective mapping says which)",
};
