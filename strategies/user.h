/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user backend: no kernel module. Plain anonymous memory, cache
 * maintenance from user space where the architecture allows it, and an
 * emulated device: a thread on another CPU that writes frames the way a bus
 * master does.
 */
#ifndef DMAB_USER_H
#define DMAB_USER_H

#include "strategy.h"

int dmab_user_setup(const struct dmab_strategy *s, struct dmab_buffer *buf, size_t size);
void dmab_user_teardown(struct dmab_buffer *buf);

/*
 * The streaming DMA API's maintenance, done from user space: before the
 * device, clean (write back) the range; before the CPU, after the device
 * wrote, invalidate it (nothing when the device only read).
 */
int dmab_user_sync_for_device(struct dmab_buffer *buf, size_t offset, size_t length,
			      enum dmab_dir dir);
int dmab_user_sync_for_cpu(struct dmab_buffer *buf, size_t offset, size_t length,
			   enum dmab_dir dir);
/* No maintenance at all (the negative control and coherent memory). */
int dmab_user_no_sync(struct dmab_buffer *buf, size_t offset, size_t length,
		      enum dmab_dir dir);

/* 0 when user space can do cache maintenance here, else -EOPNOTSUPP and why. */
int dmab_user_maintenance_probe(const struct dmab_strategy *s, const char **reason);
/* What the maintenance is here ("clflushopt + sfence", "dc cvac / dc civac + dsb sy"). */
extern const char *dmab_user_maintenance;
/* The data cache line the maintenance steps by, 0 when unknown. */
size_t dmab_user_cache_line(void);

int dmab_user_mapping(struct dmab_buffer *buf, const char **effective, const char **how);

extern const struct dmab_device dmab_user_device;

#endif /* DMAB_USER_H */
