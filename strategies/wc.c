// SPDX-License-Identifier: GPL-2.0
/* wc: write-combined memory (dma_alloc_wc / pgprot_writecombine). */
#include "user.h"

const struct dmab_strategy dmab_user_wc = {
	.name = "wc",
	.backend = "user",
	.mapping = "write-combining",
	.handover = "a write barrier before the device reads",
	.unavailable = "needs dmabench.ko (/dev/dmabench): user space cannot map its own "
		       "memory write-combined",
};
