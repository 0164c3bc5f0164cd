// SPDX-License-Identifier: GPL-2.0
/*
 * The buffers of each strategy: how they are allocated and mapped, what
 * SYNC does for each, and the whole-cache flush of full-flush.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/cache.h>
#include <linux/cc_platform.h>
#include <linux/dma-direct.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/irqflags.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/vmalloc.h>

#ifdef CONFIG_X86
#include <asm/cpufeature.h>
#include <asm/set_memory.h>
#endif
#ifdef CONFIG_ARM
#include <asm/cacheflush.h>
#include <asm/outercache.h>
#endif

#include "compat.h"
#include "dmab.h"

uint dmab_max_total_mb = 256;
module_param_named(max_total_mb, dmab_max_total_mb, uint, 0444);
MODULE_PARM_DESC(max_total_mb, "Bound on all live buffers together, MiB (default 256)");

static DEFINE_MUTEX(dmab_lock);		/* protects the three below */
static LIST_HEAD(dmab_buffers);
static u64 dmab_nr_buffers;		/* on the list */
static u64 dmab_total_bytes;		/* reserved by live buffers and those being made */

/* Whether streaming mappings of the device bounce (dmab_buffers_probe). */
static bool dmab_bounce;

u64 dmab_max_total_bytes(void)
{
	return (u64)dmab_max_total_mb << 20;
}

/* What INFO reports: bytes reserved, buffers made and not yet freed. */
void dmab_buffers_usage(u64 *bytes, u64 *buffers)
{
	mutex_lock(&dmab_lock);
	*bytes = dmab_total_bytes;
	*buffers = dmab_nr_buffers;
	mutex_unlock(&dmab_lock);
}

bool dmab_buffers_live(void)
{
	u64 bytes, buffers;

	dmab_buffers_usage(&bytes, &buffers);
	return bytes || buffers;
}

/* ---- Page-backed buffers ---- */

/*
 * Big chunks first, as the system dma-heap does: fewer entries to map and
 * walk, fewer TLB misses; order 0 always works when memory is there at all.
 * Order 9 is 2 MiB with 4 KiB pages, inside every configuration's maximum.
 */
static const unsigned int dmab_chunk_orders[] = { 9, 4, 0 };

size_t dmab_chunk_bytes(const struct dmab_chunk *chunk)
{
	return PAGE_SIZE << chunk->order;
}

/* @max: the largest chunk the device can map in one piece (a swiotlb slot run). */
static struct page *dmab_alloc_chunk(size_t left, size_t max, unsigned int *order)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dmab_chunk_orders); i++) {
		/* Zeroed: user space never sees what the pages held before. */
		gfp_t gfp = GFP_KERNEL | __GFP_ZERO | __GFP_ACCOUNT;
		struct page *page;

		if ((PAGE_SIZE << dmab_chunk_orders[i]) > min(left, max))
			continue;
		if (dmab_chunk_orders[i])
			gfp |= __GFP_NOWARN | __GFP_NORETRY;
		page = alloc_pages(gfp, dmab_chunk_orders[i]);
		if (page) {
			*order = dmab_chunk_orders[i];
			return page;
		}
	}
	return NULL;
}

static void dmab_free_chunks(struct dmab_buffer *buf)
{
	unsigned int i;

	for (i = 0; i < buf->nr_chunks; i++)
		if (buf->chunks[i].page)
			__free_pages(buf->chunks[i].page, buf->chunks[i].order);
	kvfree(buf->chunks);
	buf->chunks = NULL;
	buf->nr_chunks = 0;
}

static int dmab_alloc_chunks(struct dmab_buffer *buf)
{
	size_t left = buf->size, max = dma_max_mapping_size(buf->dev);
	int ret;

	buf->chunks = kvcalloc(buf->size >> PAGE_SHIFT, sizeof(*buf->chunks), GFP_KERNEL);
	if (!buf->chunks)
		return -ENOMEM;

	while (left) {
		struct dmab_chunk *chunk = &buf->chunks[buf->nr_chunks];

		chunk->page = dmab_alloc_chunk(left, max, &chunk->order);
		if (!chunk->page) {
			ret = -ENOMEM;
			goto out_free_chunks;
		}
		buf->nr_chunks++;
		left -= dmab_chunk_bytes(chunk);
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto out_free_chunks;
		}
		cond_resched();
	}
	return 0;

out_free_chunks:
	dmab_free_chunks(buf);
	return ret;
}

#ifdef CONFIG_X86
/*
 * x86 PAT gives a user mapping of RAM the memory type the kernel's linear
 * map has: without this, pgprot_noncached and pgprot_writecombine silently
 * become write-back. set_memory_uc/_wc also flush the pages from the caches.
 *
 * uncached is UC-, not UC, and no kernel interface gives more for RAM: a
 * RAM page's memtype lives in two page flags that encode WB, WC, UC- and WT
 * only; set_memory_uc() reserves UC- ("for now UC MINUS"), and
 * reserve_ram_pages_type() turns a UC request into UC- ("We do not support
 * strong UC", with a WARN); remap_pfn_range() (reserve_pfn_range) and
 * vmf_insert_pfn_prot() (track_pfn_insert) rewrite the user PTE to that
 * memtype; ioremap_uc(), the one strong-UC mapping, refuses RAM. UC- differs
 * from UC only where an MTRR says WC; RAM's MTRR type is WB, and PAT UC- with
 * MTRR WB is UC in effect (Intel SDM vol. 3, "Effective Page-Level Memory
 * Types"). QUERY_MAPPING reports the PTE's type: UC-.
 */
static int dmab_chunk_set_memtype(struct dmab_chunk *chunk, enum dmab_cpu_map map)
{
	unsigned long addr = (unsigned long)page_address(chunk->page);

	if (map == DMAB_MAP_UNCACHED)
		return set_memory_uc(addr, 1 << chunk->order);
	return set_memory_wc(addr, 1 << chunk->order);
}

/* Puts back write-back on the first @count chunks. */
static void dmab_pages_reset_memtype(struct dmab_buffer *buf, unsigned int count)
{
	unsigned int i;

	if (buf->strategy->map == DMAB_MAP_CACHED)
		return;
	for (i = 0; i < count; i++) {
		struct dmab_chunk *chunk = &buf->chunks[i];

		if (set_memory_wb((unsigned long)page_address(chunk->page), 1 << chunk->order)) {
			/* Never give the allocator pages it would hand out as UC/WC. */
			pr_err("set_memory_wb failed: leaking %zu bytes\n",
			       dmab_chunk_bytes(chunk));
			chunk->page = NULL;
		}
		cond_resched();
	}
}

static int dmab_pages_set_memtype(struct dmab_buffer *buf)
{
	unsigned int i;
	int ret;

	if (buf->strategy->map == DMAB_MAP_CACHED)
		return 0;
	for (i = 0; i < buf->nr_chunks; i++) {
		ret = dmab_chunk_set_memtype(&buf->chunks[i], buf->strategy->map);
		if (ret)
			goto out_reset_memtype;
		cond_resched();		/* each call flushes caches and TLBs */
	}
	return 0;

out_reset_memtype:
	dmab_pages_reset_memtype(buf, i);
	return ret;
}
#else
/* Elsewhere the linear map stays cacheable; the user and device aliases are not. */
static int dmab_pages_set_memtype(struct dmab_buffer *buf)
{
	return 0;
}

static void dmab_pages_reset_memtype(struct dmab_buffer *buf, unsigned int count)
{
}
#endif

/*
 * One DMA mapping for the whole buffer (dma_map_single's job, for a buffer
 * made of several chunks): it gives the device its addresses and, on a
 * non-coherent machine, writes the zeroes the kernel put through its
 * cacheable linear map out to memory; the sync for the CPU then drops those
 * lines, so no non-cacheable alias ever races a dirty line's write-back.
 */
static int dmab_pages_map_sgt(struct dmab_buffer *buf, unsigned long attrs)
{
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	ret = dma_map_sgtable(buf->dev, &buf->sgt, DMA_BIDIRECTIONAL, attrs);
	if (ret)
		return ret;
	/*
	 * Without an IOMMU, dma-direct maps each entry alone: a DMA address
	 * other than the page's is a swiotlb slot. Behind an IOMMU (a board's
	 * DMA controller) addresses are IOVAs, and no bounce is assumed.
	 */
	buf->bounced = false;
	if (!device_iommu_mapped(buf->dev))
		for_each_sgtable_sg(&buf->sgt, sg, i)
			if (sg_dma_address(sg) != phys_to_dma(buf->dev, sg_phys(sg)))
				buf->bounced = true;
	return 0;
}

static int dmab_pages_map_dma(struct dmab_buffer *buf)
{
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	ret = sg_alloc_table(&buf->sgt, buf->nr_chunks, GFP_KERNEL);
	if (ret)
		return ret;
	for_each_sgtable_sg(&buf->sgt, sg, i)
		sg_set_page(sg, buf->chunks[i].page, dmab_chunk_bytes(&buf->chunks[i]), 0);

	ret = dmab_pages_map_sgt(buf, 0);
	if (ret)
		goto out_free_table;
	dma_sync_sgtable_for_cpu(buf->dev, &buf->sgt, DMA_BIDIRECTIONAL);
	return 0;

out_free_table:
	sg_free_table(&buf->sgt);
	return ret;
}

static void dmab_pages_unmap_dma(struct dmab_buffer *buf)
{
	if (!buf->dma_unmapped)
		dma_unmap_sgtable(buf->dev, &buf->sgt, DMA_BIDIRECTIONAL, DMA_ATTR_SKIP_CPU_SYNC);
	sg_free_table(&buf->sgt);
}

/*
 * DMA_UNMAP and DMA_MAP (the uapi header says what they are for), with
 * the cache maintenance or bounce copy the DMA API does for each. The
 * caller holds buf->lock.
 */
int dmab_buffer_dma_unmap(struct dmab_buffer *buf)
{
	if (buf->strategy->backing != DMAB_BACKING_PAGES)
		return -EOPNOTSUPP;
	if (buf->dma_unmapped)
		return -EBUSY;
	dma_unmap_sgtable(buf->dev, &buf->sgt, DMA_BIDIRECTIONAL, 0);
	buf->dma_unmapped = true;
	return 0;
}

int dmab_buffer_dma_map(struct dmab_buffer *buf)
{
	int ret;

	if (buf->strategy->backing != DMAB_BACKING_PAGES)
		return -EOPNOTSUPP;
	if (!buf->dma_unmapped)
		return -EBUSY;
	ret = dmab_pages_map_sgt(buf, 0);
	if (!ret)
		buf->dma_unmapped = false;
	return ret;
}

static int dmab_pages_alloc(struct dmab_buffer *buf)
{
	int ret;

	ret = dmab_alloc_chunks(buf);
	if (ret)
		return ret;
	ret = dmab_pages_set_memtype(buf);
	if (ret)
		goto out_free_chunks;
	ret = dmab_pages_map_dma(buf);
	if (ret)
		goto out_reset_memtype;
	return 0;

out_reset_memtype:
	dmab_pages_reset_memtype(buf, buf->nr_chunks);
out_free_chunks:
	dmab_free_chunks(buf);
	return ret;
}

static void dmab_pages_free(struct dmab_buffer *buf)
{
	dmab_pages_unmap_dma(buf);
	dmab_pages_reset_memtype(buf, buf->nr_chunks);
	dmab_free_chunks(buf);
}

/* The user mapping's memory type, as the strategy asks it (pgprot_* on vm_page_prot). */
void dmab_set_page_prot(struct vm_area_struct *vma, enum dmab_cpu_map map)
{
	switch (map) {
	case DMAB_MAP_UNCACHED:
		vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
		break;
	case DMAB_MAP_WC:
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
		break;
	case DMAB_MAP_CACHED:
		break;
	}
}

static int dmab_pages_mmap(struct dmab_buffer *buf, struct vm_area_struct *vma)
{
	unsigned long addr = vma->vm_start;
	unsigned long left = vma->vm_end - vma->vm_start;
	unsigned int i;
	int ret;

	dmab_set_page_prot(vma, buf->strategy->map);

	/* The caller checked that the mapping fits in the buffer. */
	for (i = 0; left; i++) {
		unsigned long len = min_t(unsigned long, left, dmab_chunk_bytes(&buf->chunks[i]));

		ret = remap_pfn_range(vma, addr, page_to_pfn(buf->chunks[i].page), len,
				      vma->vm_page_prot);
		if (ret)
			return ret;
		addr += len;
		left -= len;
	}
	return 0;
}

/*
 * Calls @fn on the DMA addresses of [offset, offset + length), one
 * contiguous range at a time: the DMA segments of a page-backed buffer
 * (they follow the buffer's byte order), the one block of a DMA-API one.
 */
int dmab_walk_dma_ranges(struct dmab_buffer *buf, u64 offset, u64 length,
			 dmab_dma_range_fn fn, void *arg)
{
	u64 end = offset + length, pos = 0;
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	if (buf->strategy->backing != DMAB_BACKING_PAGES)
		return fn(buf, buf->dma_addr + offset, length, arg);

	for_each_sgtable_dma_sg(&buf->sgt, sg, i) {
		u64 seg_end = pos + sg_dma_len(sg);
		u64 from = max(offset, pos), to = min(end, seg_end);

		if (from < to) {
			ret = fn(buf, sg_dma_address(sg) + (from - pos), to - from, arg);
			if (ret)
				return ret;
		}
		pos = seg_end;
		if (pos >= end)
			break;
	}
	return 0;
}

struct dmab_sync_args {
	bool for_device;
	enum dma_data_direction dir;
};

static int dmab_sync_dma_range(struct dmab_buffer *buf, dma_addr_t addr, u64 len, void *arg)
{
	const struct dmab_sync_args *sync = arg;

	if (sync->for_device)
		dma_sync_single_for_device(buf->dev, addr, len, sync->dir);
	else
		dma_sync_single_for_cpu(buf->dev, addr, len, sync->dir);
	return 0;
}

/* Syncs [offset, offset + length) of a page-backed buffer. */
static void dmab_pages_sync_range(struct dmab_buffer *buf, bool for_device,
				  enum dma_data_direction dir, u64 offset, u64 length)
{
	struct dmab_sync_args sync = { .for_device = for_device, .dir = dir };

	dmab_walk_dma_ranges(buf, offset, length, dmab_sync_dma_range, &sync);
}

/* ---- DMA-API-allocated buffers (coherent, and wc outside x86) ---- */

/*
 * Where ALLOC_ATOMIC's buffers come from, as the kernel's sources say:
 * dma-direct (kernel/dma/direct.c) takes a non-blocking allocation from the
 * atomic pools (kernel/dma/pool.c) when the memory must be remapped for a
 * non-coherent device (DMA_DIRECT_REMAP: arm64) or decrypted (a
 * confidential VM); ARM's arch_dma_alloc (arch/arm/mm/dma-mapping.c) takes
 * it from its own pool for a non-coherent device. Otherwise, from the page
 * allocator.
 */
bool dmab_atomic_from_pool(void)
{
	if (IS_ENABLED(CONFIG_DMA_COHERENT_POOL) && cc_platform_has(CC_ATTR_MEM_ENCRYPT))
		return true;
	return (IS_ENABLED(CONFIG_ARM) || IS_ENABLED(CONFIG_DMA_DIRECT_REMAP)) &&
	       !dev_is_dma_coherent(dmab_dma_dev);
}

static int dmab_dma_alloc(struct dmab_buffer *buf)
{
	/* Large requests fail here rather than warn: the caller reports ENOMEM. */
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;
	unsigned long irqs;

	/* The DMA API returns zeroed memory. */
	if (buf->atomic) {
		/* as from an interrupt handler: nothing may sleep, so no CMA and no remap */
		local_irq_save(irqs);
		buf->cpu_addr = dma_alloc_coherent(buf->dev, buf->size, &buf->dma_addr,
						   GFP_ATOMIC | __GFP_NOWARN);
		local_irq_restore(irqs);
	} else if (buf->strategy->backing == DMAB_BACKING_COHERENT) {
		buf->cpu_addr = dma_alloc_coherent(buf->dev, buf->size, &buf->dma_addr, gfp);
	} else {
		buf->cpu_addr = dma_alloc_wc(buf->dev, buf->size, &buf->dma_addr, gfp);
	}
	if (!buf->cpu_addr)
		return -ENOMEM;
	return 0;
}

static void dmab_dma_free(struct dmab_buffer *buf)
{
	if (buf->strategy->backing == DMAB_BACKING_COHERENT)
		dma_free_coherent(buf->dev, buf->size, buf->cpu_addr, buf->dma_addr);
	else
		dma_free_wc(buf->dev, buf->size, buf->cpu_addr, buf->dma_addr);
	buf->cpu_addr = NULL;
}

/* ---- Whole-cache flush ---- */

bool dmab_outer_cache_present(void)
{
#ifdef CONFIG_OUTER_CACHE
	return outer_cache.flush_range;
#else
	return false;
#endif
}

static bool dmab_tdx_guest(void)
{
#if defined(CONFIG_X86) && defined(X86_FEATURE_TDX_GUEST)
	return cpu_feature_enabled(X86_FEATURE_TDX_GUEST);
#else
	return false;
#endif
}

/* Why FULL_FLUSH without a buffer cannot be had here: DMAB_FULL_FLUSH_*. */
u32 dmab_full_flush_refusal(void)
{
	if (dmab_tdx_guest())
		return DMAB_FULL_FLUSH_TDX;
	if (!IS_ENABLED(CONFIG_X86) && !IS_ENABLED(CONFIG_ARM))
		return DMAB_FULL_FLUSH_NO_ARCH_OP;
	if (dmab_outer_cache_present())
		return DMAB_FULL_FLUSH_OUTER_CACHE;
	return DMAB_FULL_FLUSH_OK;
}

#ifdef CONFIG_ARM
static void dmab_flush_local_cache(void *unused)
{
	flush_cache_all();
}

/*
 * The outer cache over the buffer's [offset, offset + length), by physical
 * address (the chunks', not the DMA addresses, which may be IOVAs), a line
 * at a time. Never outer_flush_all(): on an L2C-310 it is a background
 * operation by way that must run with interrupts off and no other CPU
 * issuing outer-cache operations (an operation issued meanwhile gets
 * SLVERR; l2c210_flush_all() has BUG_ON(!irqs_disabled())). The kernel
 * calls it only to disable the cache; a driver can have it only by holding
 * every CPU (stop_machine), a cost no DMA path pays.
 */
static void dmab_outer_flush_range(struct dmab_buffer *buf, u64 offset, u64 length)
{
	u64 end = offset + length, pos = 0;
	unsigned int i;

	for (i = 0; i < buf->nr_chunks && pos < end; i++) {
		u64 chunk_end = pos + dmab_chunk_bytes(&buf->chunks[i]);
		u64 from = max(offset, pos), to = min(end, chunk_end);
		phys_addr_t base = page_to_phys(buf->chunks[i].page);

		if (from < to)
			outer_flush_range(base + (from - pos), base + (to - pos));
		pos = chunk_end;
	}
}
#endif

/*
 * Empties the whole data cache, or does what stands for it on this
 * architecture, and says which in @done. x86: wbinvd on every CPU (not in
 * a TDX guest, where WBINVD raises #VE). ARMv7: flush_cache_all on every
 * CPU (set/way operations reach only the local CPU's caches, and are not
 * atomic across CPUs: a line another CPU pulls in meanwhile escapes; only
 * the calling thread touches the buffer here); with an outer cache, the
 * outer cache by range over [offset, offset + length) of @buf: before the
 * device, L1 first (dirty lines go down to the outer cache, then memory);
 * for the CPU, the outer cache first (L1 must not refill from it). arm64
 * has no whole-cache operation a kernel may use (set/way is not for memory
 * maintenance there), so the whole of @buf is synced instead. Without a
 * buffer (the FULL_FLUSH ioctl), EOPNOTSUPP wherever a range is needed.
 */
int dmab_full_flush(struct dmab_buffer *buf, bool for_device, enum dma_data_direction dir,
		    u64 offset, u64 length, u32 *done)
{
	if (dmab_tdx_guest())
		return -EOPNOTSUPP;
#if defined(CONFIG_X86)
	wbinvd_on_all_cpus();
	*done = DMAB_DONE_WBINVD;
	return 0;
#elif defined(CONFIG_ARM)
	if (!dmab_outer_cache_present()) {
		on_each_cpu(dmab_flush_local_cache, NULL, 1);
		*done = DMAB_DONE_FLUSH_ALL;
		return 0;
	}
	if (!buf || buf->strategy->backing != DMAB_BACKING_PAGES)
		return -EOPNOTSUPP;
	if (for_device)
		on_each_cpu(dmab_flush_local_cache, NULL, 1);
	dmab_outer_flush_range(buf, offset, length);
	if (!for_device)
		on_each_cpu(dmab_flush_local_cache, NULL, 1);
	*done = DMAB_DONE_FLUSH_ALL_OUTER_RANGE;
	return 0;
#else
	if (!buf)
		return -EOPNOTSUPP;
	dmab_pages_sync_range(buf, for_device, dir, 0, buf->size);
	*done = DMAB_DONE_DMA_SYNC_ALL;
	return 0;
#endif
}

/* ---- What each strategy does on SYNC ---- */

u32 dmab_sync_nothing(struct dmab_buffer *buf, bool for_device, enum dma_data_direction dir,
		      u64 offset, u64 length)
{
	return DMAB_DONE_NOTHING;
}

u32 dmab_sync_barrier(struct dmab_buffer *buf, bool for_device, enum dma_data_direction dir,
		      u64 offset, u64 length)
{
	if (!for_device)
		return DMAB_DONE_NOTHING;
	/* Write-combined stores may still sit in a buffer: drain them before the device reads. */
	wmb();
	return DMAB_DONE_BARRIER;
}

static u32 dmab_sync_range(struct dmab_buffer *buf, bool for_device,
			   enum dma_data_direction dir, u64 offset, u64 length)
{
	dmab_pages_sync_range(buf, for_device, dir, offset, length);
	return buf->bounced ? DMAB_DONE_DMA_SYNC_BOUNCE : DMAB_DONE_DMA_SYNC;
}

static u32 dmab_sync_full_flush(struct dmab_buffer *buf, bool for_device,
				enum dma_data_direction dir, u64 offset, u64 length)
{
	u32 done = DMAB_DONE_NOTHING;

	/* With a page-backed buffer given, no architecture fails (ALLOC refuses TDX). */
	dmab_full_flush(buf, for_device, dir, offset, length, &done);
	return done;
}

/*
 * x86 has no use for dma_alloc_wc here: every device is coherent and the
 * DMA API hands out write-back memory (see notes/qemu-guests.md), so wc is
 * made of pages whose linear map is set to WC.
 */
#ifdef CONFIG_X86
#define DMAB_WC_BACKING		DMAB_BACKING_PAGES
#else
#define DMAB_WC_BACKING		DMAB_BACKING_WC
#endif

static const struct dmab_strategy dmab_strategies[DMAB_STRAT_COUNT] = {
	[DMAB_STRAT_UNCACHED] = {
		.file_name = "dmabench:uncached",
		.backing = DMAB_BACKING_PAGES,
		.map = DMAB_MAP_UNCACHED,
		.sync = dmab_sync_nothing,
	},
	[DMAB_STRAT_WC] = {
		.file_name = "dmabench:wc",
		.backing = DMAB_WC_BACKING,
		.map = DMAB_MAP_WC,
		.sync = dmab_sync_barrier,
	},
	[DMAB_STRAT_CACHED_SYNC] = {
		.file_name = "dmabench:cached-sync",
		.backing = DMAB_BACKING_PAGES,
		.map = DMAB_MAP_CACHED,
		.sync = dmab_sync_range,
		.bounce_ok = true,
	},
	[DMAB_STRAT_FULL_FLUSH] = {
		.file_name = "dmabench:full-flush",
		.backing = DMAB_BACKING_PAGES,
		.map = DMAB_MAP_CACHED,
		.sync = dmab_sync_full_flush,
	},
	[DMAB_STRAT_COHERENT] = {
		.file_name = "dmabench:coherent",
		.backing = DMAB_BACKING_COHERENT,
		.map = DMAB_MAP_CACHED,		/* unused: the DMA API chooses */
		.sync = dmab_sync_nothing,
	},
	[DMAB_STRAT_CACHED_NOSYNC] = {
		.file_name = "dmabench:cached-nosync",
		.backing = DMAB_BACKING_PAGES,
		.map = DMAB_MAP_CACHED,
		.sync = dmab_sync_nothing,
		.bounce_ok = true,	/* the negative control: there its stale lines are real */
	},
};

/*
 * The strategies this kernel can have. Where streaming mappings bounce
 * (swiotlb=force, a confidential VM, a small DMA mask), the device's data
 * reaches a page-backed buffer only through dma_sync, so strategies that
 * never call it would read an untouched buffer: refused. On x86 the
 * emulated device writes the bounce slots; elsewhere it would need a
 * non-cacheable view of a slot, which cannot be had, so no page-backed
 * strategy is offered. In a TDX guest, no full-flush.
 */
u32 dmab_strategy_mask(void)
{
	u32 mask = GENMASK(DMAB_STRAT_COUNT - 1, 0);
	unsigned int i;

	for (i = 0; i < DMAB_STRAT_COUNT; i++) {
		const struct dmab_strategy *s = &dmab_strategies[i];

		if (dmab_bounce && s->backing == DMAB_BACKING_PAGES &&
		    (!IS_ENABLED(CONFIG_X86) || !s->bounce_ok))
			mask &= ~BIT(i);
	}
	if (dmab_tdx_guest())
		mask &= ~BIT(DMAB_STRAT_FULL_FLUSH);
	return mask;
}

bool dmab_mappings_bounce(void)
{
	return dmab_bounce;
}

/* Maps one page for @dev to see whether its streaming mappings bounce. */
int dmab_buffers_probe(struct device *dev)
{
	struct page *page = alloc_page(GFP_KERNEL);
	dma_addr_t addr;

	if (!page)
		return -ENOMEM;
	addr = dma_map_page(dev, page, 0, PAGE_SIZE, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, addr)) {
		__free_page(page);
		return -EIO;
	}
	dmab_bounce = !device_iommu_mapped(dev) && addr != phys_to_dma(dev, page_to_phys(page));
	dma_unmap_page(dev, addr, PAGE_SIZE, DMA_TO_DEVICE);
	__free_page(page);
	return 0;
}

/* ---- Buffers ---- */

/* Over the bound is EDQUOT, not ENOMEM: the module said no, not the kernel's allocator. */
static int dmab_reserve(size_t size)
{
	u64 total;
	int ret = 0;

	mutex_lock(&dmab_lock);
	if (check_add_overflow(dmab_total_bytes, (u64)size, &total) ||
	    total > dmab_max_total_bytes())
		ret = -EDQUOT;
	else
		dmab_total_bytes = total;
	mutex_unlock(&dmab_lock);
	return ret;
}

static void dmab_unreserve(size_t size)
{
	mutex_lock(&dmab_lock);
	WARN_ON(dmab_total_bytes < size);
	dmab_total_bytes -= size;
	mutex_unlock(&dmab_lock);
}

static void dmab_buffer_free_memory(struct dmab_buffer *buf)
{
	switch (buf->strategy->backing) {
	case DMAB_BACKING_PAGES:
		dmab_pages_free(buf);
		break;
	case DMAB_BACKING_CARVEOUT:
		dmab_carveout_free(buf);
		break;
	default:
		dmab_dma_free(buf);
		break;
	}
}

/* What a buffer takes of max_total_mb: the carveout is not the kernel's memory. */
static size_t dmab_quota_bytes(const struct dmab_buffer *buf)
{
	return buf->strategy->backing == DMAB_BACKING_CARVEOUT ? 0 : buf->size;
}

/*
 * @strategy is in dmab_strategy_mask(), or in dmab_carveout_strategy_mask()
 * for the carveout backend; @size page aligned, within the ABI's bound.
 */
struct dmab_buffer *dmab_buffer_create(u32 backend, u32 strategy, size_t size, u32 flags)
{
	struct dmab_buffer *buf;
	u64 start_ns;
	int ret;

	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	mutex_init(&buf->lock);
	INIT_LIST_HEAD(&buf->node);
	if (backend == DMAB_BACKEND_CARVEOUT)
		buf->strategy = dmab_carveout_strategy(strategy);
	else
		buf->strategy = &dmab_strategies[strategy];
	buf->dev = dmab_dma_dev;
	buf->size = size;
	buf->atomic = flags & DMAB_ALLOC_ATOMIC;

	ret = dmab_reserve(dmab_quota_bytes(buf));
	if (ret)
		goto out_free_buffer;

	start_ns = ktime_get_ns();
	switch (buf->strategy->backing) {
	case DMAB_BACKING_PAGES:
		ret = dmab_pages_alloc(buf);
		break;
	case DMAB_BACKING_CARVEOUT:
		ret = dmab_carveout_alloc(buf);
		break;
	default:
		ret = dmab_dma_alloc(buf);
		break;
	}
	buf->alloc_ns = ktime_get_ns() - start_ns;
	if (ret)
		goto out_unreserve;
	ret = dmab_device_attach(buf);
	if (ret)
		goto out_free_memory;

	mutex_lock(&dmab_lock);
	list_add(&buf->node, &dmab_buffers);
	dmab_nr_buffers++;
	mutex_unlock(&dmab_lock);
	return buf;

out_free_memory:
	dmab_buffer_free_memory(buf);
out_unreserve:
	dmab_unreserve(dmab_quota_bytes(buf));
out_free_buffer:
	mutex_destroy(&buf->lock);
	kfree(buf);
	return ERR_PTR(ret);
}

void dmab_buffer_destroy(struct dmab_buffer *buf)
{
	mutex_lock(&dmab_lock);
	list_del(&buf->node);
	dmab_nr_buffers--;
	mutex_unlock(&dmab_lock);

	dmab_device_detach(buf);
	dmab_buffer_free_memory(buf);
	dmab_unreserve(dmab_quota_bytes(buf));
	mutex_destroy(&buf->lock);
	kfree(buf);
}

/* The caller checked that the mapping fits in the buffer and starts at 0. */
int dmab_buffer_mmap(struct dmab_buffer *buf, struct vm_area_struct *vma)
{
	switch (buf->strategy->backing) {
	case DMAB_BACKING_COHERENT:
		return dma_mmap_coherent(buf->dev, vma, buf->cpu_addr, buf->dma_addr, buf->size);
	case DMAB_BACKING_WC:
		return dma_mmap_wc(buf->dev, vma, buf->cpu_addr, buf->dma_addr, buf->size);
	case DMAB_BACKING_PAGES:
		return dmab_pages_mmap(buf, vma);
	case DMAB_BACKING_CARVEOUT:
		return dmab_carveout_mmap(buf, vma);
	}
	return -EINVAL;
}

/* The buffer file's name, in /proc/PID/maps. */
const char *dmab_buffer_name(const struct dmab_buffer *buf)
{
	return buf->strategy->file_name;
}

/* What the strategy does on SYNC, as DMAB_DONE_*; the caller holds buf->lock. */
u32 dmab_buffer_sync(struct dmab_buffer *buf, bool for_device, enum dma_data_direction dir,
		     u64 offset, u64 length)
{
	return buf->strategy->sync(buf, for_device, dir, offset, length);
}
