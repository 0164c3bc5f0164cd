/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kmod backend: buffers allocated, mapped and synced by dmabench.ko
 * through /dev/dmabench, and the module's device writing and reading
 * frames. Every strategy's table names its DMAB_STRAT_* in .id; the ops are
 * the same for all of them, because the module knows what each one needs.
 * The carveout backend is the same module and ops on the region it was
 * given at load (carveout=): no struct page, sub-allocated by the module,
 * its own bound (the region's size).
 */
#ifndef DMAB_KMOD_H
#define DMAB_KMOD_H

#include "strategy.h"
#include "../kmod/include/uapi/dmabench.h"

int dmab_kmod_probe(const struct dmab_strategy *s, const char **reason);
int dmab_kmod_setup(const struct dmab_strategy *s, struct dmab_buffer *buf, size_t size);
void dmab_kmod_teardown(struct dmab_buffer *buf);
int dmab_kmod_alloc_buffer(const struct dmab_strategy *s, struct dmab_buffer *buf, size_t size,
			   unsigned int flags, uint64_t *kernel_ns);
int dmab_kmod_map(struct dmab_buffer *buf);
int dmab_kmod_unmap(struct dmab_buffer *buf);
int dmab_kmod_dma_unmap(struct dmab_buffer *buf);
int dmab_kmod_dma_map(struct dmab_buffer *buf);
uint64_t dmab_kmod_pool_bytes(void);
int dmab_kmod_pool_lock(int how);
uint64_t dmab_kmod_pool_used(void);
int dmab_kmod_sync_for_device(struct dmab_buffer *buf, size_t offset, size_t length,
			      enum dmab_dir dir);
int dmab_kmod_sync_for_cpu(struct dmab_buffer *buf, size_t offset, size_t length,
			   enum dmab_dir dir);
int dmab_kmod_mapping(struct dmab_buffer *buf, const char **effective, const char **how);

/*
 * (devmem.c) The bound the carveout and devmem backends share: the
 * module's carveout when it has one (devmem allocates there through it),
 * else DMABENCH_DEVMEM's range.
 */
uint64_t dmab_reserved_pool_bytes(void);
int dmab_carveout_probe(const struct dmab_strategy *s, const char **reason);
/* What the carveout's cached-sync does on this architecture (DMAB_CARVEOUT_SYNC_*); NULL: none */
const char *dmab_carveout_sync_name(unsigned int sync);

/*
 * For the devmem backend, which borrows the module when it is there: a
 * buffer of @backend (DMAB_BACKEND_*) as an fd and its physical address;
 * the carveout's range (size 0: none); a mapping's memory type
 * (DMAB_MT_*, @flags DMAB_QUERY_*); the module's device on a buffer fd
 * (open the device first). 0 or a negative errno.
 */
int dmab_kmod_alloc(unsigned int backend, unsigned int strategy, size_t size, int *fd,
		    uint64_t *phys);
int dmab_kmod_carveout(uint64_t *base, uint64_t *size, const char **reason);
int dmab_kmod_query(const void *address, unsigned int flags, unsigned int *memory_type);
int dmab_kmod_device_write_fd(int fd, size_t offset, size_t length, uint64_t seq,
			      uint64_t *busy_ns);
int dmab_kmod_device_read_fd(int fd, size_t offset, size_t length, uint64_t seq,
			     struct dmab_integrity *seen, uint64_t *busy_ns);

/* Not const: whether it is emulated is known once the module answers INFO. */
extern struct dmab_device dmab_kmod_device;

/* The ops every kmod table shares. */
#define DMAB_KMOD_OPS					\
	.backend = "kmod",				\
	.probe = dmab_kmod_probe,			\
	.setup = dmab_kmod_setup,			\
	.sync_for_device = dmab_kmod_sync_for_device,	\
	.sync_for_cpu = dmab_kmod_sync_for_cpu,		\
	.teardown = dmab_kmod_teardown,			\
	.alloc = dmab_kmod_alloc_buffer,		\
	.map = dmab_kmod_map,				\
	.unmap = dmab_kmod_unmap,			\
	.dma_unmap = dmab_kmod_dma_unmap,		\
	.dma_map = dmab_kmod_dma_map,			\
	.pool_bytes = dmab_kmod_pool_bytes,		\
	.pool_lock = dmab_kmod_pool_lock,		\
	.pool_used = dmab_kmod_pool_used,		\
	.device = &dmab_kmod_device,			\
	.query_mapping = dmab_kmod_mapping

/* The carveout backend's: the kmod ops, the region's probe and bound. */
#define DMAB_CARVEOUT_OPS				\
	.backend = "carveout",				\
	.probe = dmab_carveout_probe,			\
	.setup = dmab_kmod_setup,			\
	.sync_for_device = dmab_kmod_sync_for_device,	\
	.sync_for_cpu = dmab_kmod_sync_for_cpu,		\
	.teardown = dmab_kmod_teardown,			\
	.alloc = dmab_kmod_alloc_buffer,		\
	.map = dmab_kmod_map,				\
	.unmap = dmab_kmod_unmap,			\
	.pool_bytes = dmab_reserved_pool_bytes,		\
	.device = &dmab_kmod_device,			\
	.query_mapping = dmab_kmod_mapping

/*
 * The module's INFO, read once. 0, or a negative errno and *reason: the
 * device node is missing, not ours to open, or speaks another ABI.
 */
int dmab_kmod_info(struct dmab_info *info, const char **reason);

/* Why the module does not offer @strategy (its strategy_mask lacks it). */
const char *dmab_kmod_refusal(const struct dmab_info *info, unsigned int strategy);
/* Why FULL_FLUSH without a buffer is refused (DMAB_FULL_FLUSH_*); NULL when it is not. */
const char *dmab_kmod_full_flush_refusal(unsigned int full_flush);

/* What a DMAB_DONE_* means, for the JSON; NULL for an unknown value. */
const char *dmab_kmod_done_name(unsigned int done);
/* A DMAB_MT_* as the JSON writes it ("UC-", "Normal-NC"); NULL when unknown. */
const char *dmab_kmod_memory_type_name(unsigned int memory_type);

#endif /* DMAB_KMOD_H */
