// SPDX-License-Identifier: GPL-2.0
/* full-flush: cacheable memory, the whole data cache flushed before each DMA. */
#include "kmod.h"
#include "user.h"

const struct dmab_strategy dmab_user_full_flush = {
	.name = "full-flush",
	.backend = "user",
	.mapping = "write-back",
	.handover = "flush the whole data cache before each DMA",
	.unavailable = "needs dmabench.ko (/dev/dmabench): flushing the whole data cache "
		       "(wbinvd, flush_cache_all) is privileged",
};

const struct dmab_strategy dmab_kmod_full_flush = {
	.name = "full-flush",
	.id = DMAB_STRAT_FULL_FLUSH,
	.mapping = "write-back",
	.handover = "the whole data cache flushed before and after the device (x86 wbinvd on all "
		    "CPUs, ARMv7 flush_cache_all and the outer cache; arm64 has no such operation: "
		    "the whole buffer is synced instead)",
	DMAB_KMOD_OPS,
};
