// SPDX-License-Identifier: GPL-2.0
/* uncached: pages mapped with pgprot_noncached, the ioremap way. */
#include "user.h"

const struct dmab_strategy dmab_user_uncached = {
	.name = "uncached",
	.backend = "user",
	.mapping = "uncached",
	.handover = "none needed",
	.unavailable = "needs dmabench.ko (/dev/dmabench): user space cannot map its own "
		       "memory uncached",
};
