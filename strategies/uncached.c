// SPDX-License-Identifier: GPL-2.0
/* uncached: pages mapped with pgprot_noncached, the ioremap way. */
#include "devmem.h"
#include "kmod.h"
#include "user.h"

const struct dmab_strategy dmab_user_uncached = {
	.name = "uncached",
	.backend = "user",
	.mapping = "uncached",
	.handover = "none needed",
	.unavailable = "needs dmabench.ko (/dev/dmabench): user space cannot map its own "
		       "memory uncached",
};

const struct dmab_strategy dmab_kmod_uncached = {
	.name = "uncached",
	.id = DMAB_STRAT_UNCACHED,
	.mapping = "uncached (pgprot_noncached; on x86 the kernel's linear map is set UC too, "
		   "and WB again before freeing)",
	.handover = "nothing: the CPU's accesses bypass the caches",
	DMAB_KMOD_OPS,
};

const struct dmab_strategy dmab_carveout_uncached = {
	.name = "uncached",
	.id = DMAB_STRAT_UNCACHED,
	.mapping = "uncached (pgprot_noncached, as /dev/mem with O_SYNC or ioremap give; the "
		   "module's own mapping for its device is non-cacheable too)",
	.handover = "nothing: the CPU's accesses bypass the caches",
	DMAB_CARVEOUT_OPS,
};

const struct dmab_strategy dmab_devmem_uncached = {
	.name = "uncached",
	.id = DMAB_STRAT_UNCACHED,
	.mapping = "uncached: /dev/mem opened with O_SYNC (x86 PAT UC-; arm64 Device-nGnRnE; "
		   "ARMv7 strongly ordered, or Normal-NC where the memory has a struct page)",
	.handover = "nothing: the CPU's accesses bypass the caches",
	.sync_for_device = dmab_user_no_sync,
	.sync_for_cpu = dmab_user_no_sync,
	DMAB_DEVMEM_OPS,
};
