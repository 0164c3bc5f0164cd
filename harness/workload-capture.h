/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DMAB_WORKLOAD_CAPTURE_H
#define DMAB_WORKLOAD_CAPTURE_H

#include "workload.h"

/* One capture frame; sync-cost is the same frame with a fixed consumer. */
int dmab_capture_frame(struct dmab_cell *c, uint64_t *ns);

#endif
