// SPDX-License-Identifier: GPL-2.0
/* full-flush: cacheable memory, the whole data cache flushed before each DMA. */
#include "user.h"

const struct dmab_strategy dmab_user_full_flush = {
	.name = "full-flush",
	.backend = "user",
	.mapping = "write-back",
	.handover = "flush the whole data cache before each DMA",
	.unavailable = "needs dmabench.ko (/dev/dmabench): flushing the whole data cache "
		       "(wbinvd, flush_cache_all) is privileged",
};
