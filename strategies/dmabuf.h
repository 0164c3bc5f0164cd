/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dma-buf backends: buffers the kernel's own exporters hand out, as a
 * camera or codec pipeline gets them, with the CPU's access bracketed by
 * DMA_BUF_IOCTL_SYNC.
 *   dma-heap  /dev/dma_heap/system (DMA_HEAP_IOCTL_ALLOC), Linux 5.6+
 *   udmabuf   memfd pages turned into a dma-buf by /dev/udmabuf, Linux 4.20+
 * No device is attached to these buffers (only a driver can attach), so
 * the device is the user backend's emulated one.
 */
#ifndef DMAB_DMABUF_H
#define DMAB_DMABUF_H

#include "strategy.h"

int dmab_dma_heap_probe(const struct dmab_strategy *s, const char **reason);
int dmab_dma_heap_setup(const struct dmab_strategy *s, struct dmab_buffer *buf, size_t size);
int dmab_udmabuf_probe(const struct dmab_strategy *s, const char **reason);
int dmab_udmabuf_setup(const struct dmab_strategy *s, struct dmab_buffer *buf, size_t size);

void dmab_dmabuf_teardown(struct dmab_buffer *buf);
/* DMA_BUF_SYNC_END before the device, DMA_BUF_SYNC_START before the CPU. */
int dmab_dmabuf_sync_for_device(struct dmab_buffer *buf, size_t offset, size_t length,
				enum dmab_dir dir);
int dmab_dmabuf_sync_for_cpu(struct dmab_buffer *buf, size_t offset, size_t length,
			     enum dmab_dir dir);
int dmab_dmabuf_mapping(struct dmab_buffer *buf, const char **effective, const char **how);

/*
 * What every table of the dma-buf backend @sym ("dma_heap", "udmabuf") shares;
 * the table adds its name, handover and sync ops. Needs "user.h" for the device.
 */
#define DMAB_DMABUF_OPS(sym, backend_name)		\
	.backend = backend_name,			\
	.mapping = "write-back",			\
	.probe = dmab_##sym##_probe,			\
	.setup = dmab_##sym##_setup,			\
	.teardown = dmab_dmabuf_teardown,		\
	.device = &dmab_user_device,			\
	.query_mapping = dmab_dmabuf_mapping

#endif /* DMAB_DMABUF_H */
