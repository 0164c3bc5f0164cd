// SPDX-License-Identifier: GPL-2.0
/* uncached: pages mapped with pgprot_noncached, the ioremap way. */
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
