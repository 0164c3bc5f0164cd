/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of dmabench.ko share:
 *   main.c     /dev/dmabench and the buffer files: ioctls, mmap, load/unload
 *   buffer.c   allocation per strategy, what each strategy's SYNC does,
 *              the whole-cache flush
 *   device.c   the device: an emulated bus master, or a DMA_MEMCPY channel
 *   mapping.c  the memory type a user mapping really got, from the page tables
 *   carveout.c the region handed at load (carveout=): its allocator, its
 *              mappings, its maintenance by physical range
 * The ABI is include/uapi/dmabench.h; kernel-version differences live in
 * compat.h.
 */
#ifndef DMAB_H
#define DMAB_H

#include <linux/dma-direction.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/types.h>

#include <uapi/dmabench.h>

/* ---- Buffers (buffer.c) ---- */

enum dmab_backing {
	DMAB_BACKING_PAGES,	/* chunks of pages, user mapping by remap_pfn_range */
	DMAB_BACKING_COHERENT,	/* dma_alloc_coherent + dma_mmap_coherent */
	DMAB_BACKING_WC,	/* dma_alloc_wc + dma_mmap_wc */
	DMAB_BACKING_CARVEOUT,	/* a run of the carveout, user mapping by remap_pfn_range */
};

/* How user space (and on x86 the kernel's linear map) sees page-backed memory. */
enum dmab_cpu_map {
	DMAB_MAP_CACHED,
	DMAB_MAP_WC,
	DMAB_MAP_UNCACHED,
};

struct dmab_chunk {
	struct page *page;
	unsigned int order;
};

struct dmab_strategy;

struct dmab_buffer {
	struct list_head node;		/* in the list of live buffers */
	struct mutex lock;		/* one sync or device operation at a time */
	const struct dmab_strategy *strategy;
	struct device *dev;
	size_t size;
	bool atomic;			/* DMAB_ALLOC_ATOMIC: GFP_ATOMIC, interrupts off */
	u64 alloc_ns;			/* dmab_alloc.alloc_ns */

	/* DMAB_BACKING_PAGES */
	struct dmab_chunk *chunks;
	unsigned int nr_chunks;
	struct sg_table sgt;		/* the chunks, mapped for DMA */
	bool bounced;			/* the mapping goes through swiotlb slots */
	bool dma_unmapped;		/* DMA_UNMAP gave the mapping up; DMA_MAP makes it again */

	/* DMAB_BACKING_COHERENT and DMAB_BACKING_WC; CARVEOUT: dma_addr with a channel */
	void *cpu_addr;
	dma_addr_t dma_addr;

	/* DMAB_BACKING_CARVEOUT */
	phys_addr_t phys;		/* where in the carveout */
	unsigned long pool_addr;	/* its gen_pool allocation */
	void *cached_view;		/* write-back kernel mapping: maintenance by VA, or NULL */
	void *carveout_view;		/* the mapping made for the device, if not cached_view */
	void __iomem *io_view;		/* x86 uncached: the ioremap behind carveout_view */
	bool dma_resource_mapped;	/* dma_map_resource() for a DMA_MEMCPY channel */

	/*
	 * Where the emulated device touches the buffer: a kernel mapping of
	 * the whole of it, or NULL for the chunks' linear addresses (x86) or
	 * the bounce slots (x86, when bounced).
	 */
	void *device_view;
	bool device_view_vmapped;
};

/* What a SYNC did, as DMAB_DONE_*. */
typedef u32 (*dmab_sync_fn)(struct dmab_buffer *buf, bool for_device,
			    enum dma_data_direction dir, u64 offset, u64 length);

struct dmab_strategy {
	const char *file_name;		/* the buffer file's name, in /proc/PID/maps */
	enum dmab_backing backing;
	enum dmab_cpu_map map;		/* DMAB_BACKING_PAGES only */
	dmab_sync_fn sync;
	bool bounce_ok;			/* offered where streaming mappings bounce */
};

extern uint dmab_max_total_mb;

u32 dmab_sync_nothing(struct dmab_buffer *buf, bool for_device, enum dma_data_direction dir,
		      u64 offset, u64 length);
u32 dmab_sync_barrier(struct dmab_buffer *buf, bool for_device, enum dma_data_direction dir,
		      u64 offset, u64 length);
void dmab_set_page_prot(struct vm_area_struct *vma, enum dmab_cpu_map map);

int dmab_buffers_probe(struct device *dev);
u32 dmab_strategy_mask(void);
u32 dmab_full_flush_refusal(void);
bool dmab_outer_cache_present(void);
bool dmab_mappings_bounce(void);
u64 dmab_max_total_bytes(void);
void dmab_buffers_usage(u64 *bytes, u64 *buffers);
bool dmab_buffers_live(void);

bool dmab_atomic_from_pool(void);

struct dmab_buffer *dmab_buffer_create(u32 backend, u32 strategy, size_t size, u32 flags);
void dmab_buffer_destroy(struct dmab_buffer *buf);
int dmab_buffer_mmap(struct dmab_buffer *buf, struct vm_area_struct *vma);
const char *dmab_buffer_name(const struct dmab_buffer *buf);
u32 dmab_buffer_sync(struct dmab_buffer *buf, bool for_device, enum dma_data_direction dir,
		     u64 offset, u64 length);
int dmab_buffer_dma_unmap(struct dmab_buffer *buf);
int dmab_buffer_dma_map(struct dmab_buffer *buf);
int dmab_full_flush(struct dmab_buffer *buf, bool for_device, enum dma_data_direction dir,
		    u64 offset, u64 length, u32 *done);

size_t dmab_chunk_bytes(const struct dmab_chunk *chunk);

typedef int (*dmab_dma_range_fn)(struct dmab_buffer *buf, dma_addr_t addr, u64 len,
				 void *arg);
int dmab_walk_dma_ranges(struct dmab_buffer *buf, u64 offset, u64 length,
			 dmab_dma_range_fn fn, void *arg);

/* ---- The device (device.c) ---- */

/*
 * The device buffers are allocated and mapped for: the DMA_MEMCPY
 * channel's when one plays the device (its coherence is the one that
 * counts), the module's platform device otherwise.
 */
extern struct device *dmab_dma_dev;

int dmab_device_setup(struct device *own, bool force_coherent);
void dmab_device_release(void);
bool dmab_device_is_dmaengine(void);
void dmab_device_names(char *channel, size_t channel_len, char *controller,
		       size_t controller_len);
int dmab_device_attach(struct dmab_buffer *buf);
void dmab_device_detach(struct dmab_buffer *buf);
int dmab_device_transfer(struct dmab_buffer *buf, bool write, struct dmab_device_op *op);

/* ---- The carveout (carveout.c) ---- */

int dmab_carveout_setup(void);
void dmab_carveout_release(void);
bool dmab_carveout_present(void);
u32 dmab_carveout_strategy_mask(void);
void dmab_carveout_info(struct dmab_info *info);
void dmab_carveout_describe(char *text, size_t len);
const struct dmab_strategy *dmab_carveout_strategy(u32 strategy);
int dmab_carveout_alloc(struct dmab_buffer *buf);
void dmab_carveout_free(struct dmab_buffer *buf);
int dmab_carveout_mmap(struct dmab_buffer *buf, struct vm_area_struct *vma);

/* ---- Mapping readback (mapping.c) ---- */

bool dmab_is_buffer_vma(struct vm_area_struct *vma);	/* main.c */
int dmab_query_mapping(struct dmab_query_mapping *req);

#endif /* DMAB_H */
