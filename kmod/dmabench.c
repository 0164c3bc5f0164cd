// SPDX-License-Identifier: GPL-2.0
/*
 * dmabench.ko: buffers of each DMA buffer strategy for user space to
 * measure, a device that writes and reads them (a DMA_MEMCPY channel where
 * the board has one, else an emulated bus master), and a look at the page
 * tables to tell which memory type user space really got.
 *
 * /dev/dmabench answers INFO, ALLOC, QUERY_MAPPING and FULL_FLUSH. ALLOC
 * returns a new file per buffer: mmap it, SYNC and DEVICE_* on it, close it
 * to free it (a mapping holds the file, so munmap after close is fine).
 * The ABI is include/uapi/dmabench.h; kernel-version differences live in
 * compat.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/cache.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/platform_device.h>
#include <linux/scatterlist.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>

#ifdef CONFIG_X86
#include <asm/set_memory.h>
#endif
#ifdef CONFIG_ARM
#include <asm/cacheflush.h>
#include <asm/outercache.h>
#endif

#include <uapi/dmabench.h>
#include "compat.h"

/* The ABI's layout, as the harness asserts it too: same on 32 and 64 bits. */
static_assert(sizeof(struct dmab_info) == 128);
static_assert(sizeof(struct dmab_alloc) == 48);
static_assert(sizeof(struct dmab_sync) == 56);
static_assert(sizeof(struct dmab_device_op) == 64);
static_assert(sizeof(struct dmab_query_mapping) == 48);
static_assert(sizeof(struct dmab_full_flush) == 32);

/* Every strategy can be had on x86 and ARM; see dmab_strategies for how. */
#define DMAB_STRATEGY_MASK	GENMASK(DMAB_STRAT_COUNT - 1, 0)

/* The emulated device yields the CPU after this many bytes. */
#define DMAB_DEVICE_STEP	SZ_64K

/* ---- Parameters ---- */

static ushort dmab_mode = 0600;
module_param_named(mode, dmab_mode, ushort, 0444);
MODULE_PARM_DESC(mode, "Permissions of /dev/dmabench (default 0600)");

static uint dmab_max_total_mb = 256;
module_param_named(max_total_mb, dmab_max_total_mb, uint, 0444);
MODULE_PARM_DESC(max_total_mb, "Bound on all live buffers together, MiB (default 256)");

static bool dmab_force_coherent;
module_param_named(force_coherent, dmab_force_coherent, bool, 0444);
MODULE_PARM_DESC(force_coherent, "Declare the device DMA-coherent (ARM), to compare both paths");

static char *dmab_dmaengine = "auto";
module_param_named(dmaengine, dmab_dmaengine, charp, 0444);
MODULE_PARM_DESC(dmaengine, "auto|on|off: a DMA_MEMCPY channel as the device (auto: if there is one)");

/* ---- Global state ---- */

static struct platform_device *dmab_pdev;
static struct device *dmab_dev;

/*
 * The device buffers are allocated and mapped for: the DMA_MEMCPY
 * channel's when one plays the device (its coherence is the one that
 * counts), dmab_dev otherwise.
 */
static struct device *dmab_dma_dev;
static struct dma_chan *dmab_chan;	/* NULL: the emulated device plays */

static DEFINE_MUTEX(dmab_lock);		/* protects the two below */
static LIST_HEAD(dmab_buffers);
static u64 dmab_total_bytes;		/* reserved by live buffers */

static u64 dmab_max_total_bytes(void)
{
	return (u64)dmab_max_total_mb << 20;
}

/* ---- Strategies ---- */

enum dmab_backing {
	DMAB_BACKING_PAGES,	/* chunks of pages, user mapping by remap_pfn_range */
	DMAB_BACKING_COHERENT,	/* dma_alloc_coherent + dma_mmap_coherent */
	DMAB_BACKING_WC,	/* dma_alloc_wc + dma_mmap_wc */
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
	struct list_head node;		/* in dmab_buffers, under dmab_lock */
	struct mutex lock;		/* one sync or device operation at a time */
	const struct dmab_strategy *strategy;
	struct device *dev;
	size_t size;

	/* DMAB_BACKING_PAGES */
	struct dmab_chunk *chunks;
	unsigned int nr_chunks;
	struct sg_table sgt;		/* the chunks, mapped for DMA */

	/* DMAB_BACKING_COHERENT and DMAB_BACKING_WC */
	void *cpu_addr;
	dma_addr_t dma_addr;

	/*
	 * Where the emulated device touches the buffer: a kernel mapping of
	 * the whole of it, or NULL for the chunks' linear addresses (x86).
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
};

/* ---- Page-backed buffers ---- */

/*
 * Big chunks first, as the system dma-heap does: fewer entries to map and
 * walk, fewer TLB misses; order 0 always works when memory is there at all.
 * Order 9 is 2 MiB with 4 KiB pages, inside every configuration's maximum.
 */
static const unsigned int dmab_chunk_orders[] = { 9, 4, 0 };

static size_t dmab_chunk_bytes(const struct dmab_chunk *chunk)
{
	return PAGE_SIZE << chunk->order;
}

static struct page *dmab_alloc_chunk(size_t left, unsigned int *order)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dmab_chunk_orders); i++) {
		/* Zeroed: user space never sees what the pages held before. */
		gfp_t gfp = GFP_KERNEL | __GFP_ZERO | __GFP_ACCOUNT;
		struct page *page;

		if ((PAGE_SIZE << dmab_chunk_orders[i]) > left)
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
	size_t left = buf->size;
	int ret;

	buf->chunks = kvcalloc(buf->size >> PAGE_SHIFT, sizeof(*buf->chunks), GFP_KERNEL);
	if (!buf->chunks)
		return -ENOMEM;

	while (left) {
		struct dmab_chunk *chunk = &buf->chunks[buf->nr_chunks];

		chunk->page = dmab_alloc_chunk(left, &chunk->order);
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

	ret = dma_map_sgtable(buf->dev, &buf->sgt, DMA_BIDIRECTIONAL, 0);
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
	dma_unmap_sgtable(buf->dev, &buf->sgt, DMA_BIDIRECTIONAL, DMA_ATTR_SKIP_CPU_SYNC);
	sg_free_table(&buf->sgt);
}

/*
 * The emulated device's view. x86: the linear map (already UC/WC where the
 * strategy asked), written with non-temporal stores; a second, differently
 * typed alias is just what PAT forbids. Elsewhere: a non-cacheable alias,
 * so the device's stores go to memory past the CPU caches as a real bus
 * master's do: that is what makes cached-nosync stale on a non-coherent
 * machine. A coherent device snoops, so for cacheable user mappings it gets
 * a cacheable alias; an uncached user mapping always pairs with a
 * non-cacheable one.
 */
static int dmab_pages_map_device_view(struct dmab_buffer *buf)
{
	unsigned int npages = buf->size >> PAGE_SHIFT;
	unsigned int i, j, k = 0;
	struct page **pages;
	pgprot_t prot;

	/* x86 uses the linear map; a DMA_MEMCPY channel needs no CPU view. */
	if (IS_ENABLED(CONFIG_X86) || dmab_chan)
		return 0;

	prot = pgprot_writecombine(PAGE_KERNEL);
	if (buf->strategy->map == DMAB_MAP_CACHED && dev_is_dma_coherent(buf->dev))
		prot = PAGE_KERNEL;

	pages = kvmalloc_array(npages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < buf->nr_chunks; i++)
		for (j = 0; j < (1U << buf->chunks[i].order); j++)
			pages[k++] = buf->chunks[i].page + j;
	buf->device_view = vmap(pages, npages, VM_MAP, prot);
	kvfree(pages);
	if (!buf->device_view)
		return -ENOMEM;
	buf->device_view_vmapped = true;
	return 0;
}

static void dmab_pages_unmap_device_view(struct dmab_buffer *buf)
{
	if (buf->device_view_vmapped)
		vunmap(buf->device_view);
	buf->device_view = NULL;
	buf->device_view_vmapped = false;
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
	ret = dmab_pages_map_device_view(buf);
	if (ret)
		goto out_unmap_dma;
	return 0;

out_unmap_dma:
	dmab_pages_unmap_dma(buf);
out_reset_memtype:
	dmab_pages_reset_memtype(buf, buf->nr_chunks);
out_free_chunks:
	dmab_free_chunks(buf);
	return ret;
}

static void dmab_pages_free(struct dmab_buffer *buf)
{
	dmab_pages_unmap_device_view(buf);
	dmab_pages_unmap_dma(buf);
	dmab_pages_reset_memtype(buf, buf->nr_chunks);
	dmab_free_chunks(buf);
}

static int dmab_pages_mmap(struct dmab_buffer *buf, struct vm_area_struct *vma)
{
	unsigned long addr = vma->vm_start;
	unsigned long left = vma->vm_end - vma->vm_start;
	unsigned int i;
	int ret;

	switch (buf->strategy->map) {
	case DMAB_MAP_UNCACHED:
		vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
		break;
	case DMAB_MAP_WC:
		vma->vm_page_prot = pgprot_writecombine(vma->vm_page_prot);
		break;
	case DMAB_MAP_CACHED:
		break;
	}

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

typedef int (*dmab_dma_range_fn)(struct dmab_buffer *buf, dma_addr_t addr, u64 len,
				 void *arg);

/*
 * Calls @fn on the DMA addresses of [offset, offset + length), one
 * contiguous range at a time: the DMA segments of a page-backed buffer
 * (they follow the buffer's byte order), the one block of a DMA-API one.
 */
static int dmab_walk_dma_ranges(struct dmab_buffer *buf, u64 offset, u64 length,
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

static int dmab_dma_alloc(struct dmab_buffer *buf)
{
	/* Large requests fail here rather than warn: the caller reports ENOMEM. */
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;

	/* The DMA API returns zeroed memory. */
	if (buf->strategy->backing == DMAB_BACKING_COHERENT)
		buf->cpu_addr = dma_alloc_coherent(buf->dev, buf->size, &buf->dma_addr, gfp);
	else
		buf->cpu_addr = dma_alloc_wc(buf->dev, buf->size, &buf->dma_addr, gfp);
	if (!buf->cpu_addr)
		return -ENOMEM;
	/* What the DMA API made of it (NC remap, or cacheable when coherent). */
	buf->device_view = buf->cpu_addr;
	return 0;
}

static void dmab_dma_free(struct dmab_buffer *buf)
{
	if (buf->strategy->backing == DMAB_BACKING_COHERENT)
		dma_free_coherent(buf->dev, buf->size, buf->cpu_addr, buf->dma_addr);
	else
		dma_free_wc(buf->dev, buf->size, buf->cpu_addr, buf->dma_addr);
	buf->cpu_addr = NULL;
	buf->device_view = NULL;
}

/* ---- Whole-cache flush ---- */

#ifdef CONFIG_ARM
static void dmab_flush_local_cache(void *unused)
{
	flush_cache_all();
}
#endif

/*
 * Empties the whole data cache, or does what stands for it on this
 * architecture, and says which in @done. x86: wbinvd on every CPU. ARMv7:
 * flush_cache_all on every CPU (set/way operations reach only the local
 * CPU's caches), then the outer cache. arm64 has no whole-cache operation
 * a kernel may use (set/way is not for memory maintenance there), so the
 * whole of @buf is synced instead; without a buffer (the FULL_FLUSH ioctl)
 * there is nothing to do it on.
 */
static int dmab_full_flush(struct dmab_buffer *buf, bool for_device,
			   enum dma_data_direction dir, u32 *done)
{
#if defined(CONFIG_X86)
	wbinvd_on_all_cpus();
	*done = DMAB_DONE_WBINVD;
	return 0;
#elif defined(CONFIG_ARM)
	on_each_cpu(dmab_flush_local_cache, NULL, 1);
	outer_flush_all();
	*done = DMAB_DONE_FLUSH_ALL;
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

static u32 dmab_sync_nothing(struct dmab_buffer *buf, bool for_device,
			     enum dma_data_direction dir, u64 offset, u64 length)
{
	return DMAB_DONE_NOTHING;
}

static u32 dmab_sync_barrier(struct dmab_buffer *buf, bool for_device,
			     enum dma_data_direction dir, u64 offset, u64 length)
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
	return DMAB_DONE_DMA_SYNC;
}

static u32 dmab_sync_full_flush(struct dmab_buffer *buf, bool for_device,
				enum dma_data_direction dir, u64 offset, u64 length)
{
	u32 done = DMAB_DONE_NOTHING;

	/* With a buffer given, no architecture fails. */
	dmab_full_flush(buf, for_device, dir, &done);
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
	},
};

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

static struct dmab_buffer *dmab_buffer_create(u32 strategy, size_t size)
{
	struct dmab_buffer *buf;
	int ret;

	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	mutex_init(&buf->lock);
	INIT_LIST_HEAD(&buf->node);
	buf->strategy = &dmab_strategies[strategy];
	buf->dev = dmab_dma_dev;
	buf->size = size;

	ret = dmab_reserve(size);
	if (ret)
		goto out_free_buffer;

	if (buf->strategy->backing == DMAB_BACKING_PAGES)
		ret = dmab_pages_alloc(buf);
	else
		ret = dmab_dma_alloc(buf);
	if (ret)
		goto out_unreserve;

	mutex_lock(&dmab_lock);
	list_add(&buf->node, &dmab_buffers);
	mutex_unlock(&dmab_lock);
	return buf;

out_unreserve:
	dmab_unreserve(size);
out_free_buffer:
	mutex_destroy(&buf->lock);
	kfree(buf);
	return ERR_PTR(ret);
}

static void dmab_buffer_destroy(struct dmab_buffer *buf)
{
	mutex_lock(&dmab_lock);
	list_del(&buf->node);
	mutex_unlock(&dmab_lock);

	if (buf->strategy->backing == DMAB_BACKING_PAGES)
		dmab_pages_free(buf);
	else
		dmab_dma_free(buf);

	dmab_unreserve(buf->size);
	mutex_destroy(&buf->lock);
	kfree(buf);
}

/* ---- The emulated device ---- */

/* The oracle's frame, generated word by word (format: include/uapi/dmabench.h). */
struct dmab_frame {
	u64 sequence;
	u64 key;		/* dmab_oracle_key(sequence) */
	u64 mult;		/* (index + 1) * DMAB_ORACLE_M, as a running sum */
	u64 index;		/* word index, from the frame's start */
	u64 line_mask;		/* words per line - 1 */
	u64 bad_lines;
	u64 stale_lines;	/* bad lines that are an older frame's, whole */
	u64 old_key;		/* dmab_oracle_key() of the older frame in this line */
	bool line_bad;		/* the current line has a wrong word */
	bool line_old;		/* so far the current line is an older frame's */
};

/* The expected value of word f->index; the caller then moves to the next. */
static __always_inline u64 dmab_frame_word(struct dmab_frame *f)
{
	f->mult += DMAB_ORACLE_M;
	return (f->index & f->line_mask) ? f->key ^ f->mult : f->sequence;
}

/*
 * A bus master's store. x86: non-temporal, so it bypasses the caches and
 * invalidates any cached copy, as a coherent device's write does.
 * Elsewhere a plain store through the device view, which is already
 * non-cacheable where the device is.
 */
static __always_inline void dmab_device_store(u64 *p, u64 value)
{
#ifdef CONFIG_X86_64
	asm volatile("movnti %1, %0" : "=m" (*p) : "r" (value));
#else
	WRITE_ONCE(*p, value);
#endif
}

static void dmab_frame_write(void *kaddr, size_t len, struct dmab_frame *f)
{
	u64 *p = kaddr;
	size_t i, n = len / sizeof(u64);

	for (i = 0; i < n; i++, f->index++)
		dmab_device_store(p + i, dmab_frame_word(f));
}

static void dmab_frame_line_end(struct dmab_frame *f)
{
	f->bad_lines += f->line_bad;
	f->stale_lines += f->line_bad && f->line_old;
	f->line_bad = false;
	f->line_old = false;
}

static void dmab_frame_check(void *kaddr, size_t len, struct dmab_frame *f)
{
	const u64 *p = kaddr;
	size_t i, n = len / sizeof(u64);

	for (i = 0; i < n; i++, f->index++) {
		u64 value = READ_ONCE(p[i]);
		u64 expected = dmab_frame_word(f);

		if (value != expected && !f->line_bad) {
			f->line_bad = true;
			/* Word 0 holds a line's sequence: an older one may be stale data. */
			f->line_old = !(f->index & f->line_mask) && value < f->sequence;
			if (f->line_old)
				f->old_key = dmab_oracle_key(value);
		} else if (f->line_old && (f->index & f->line_mask) &&
			   value != (f->old_key ^ f->mult)) {
			f->line_old = false;
		}
		if ((f->index & f->line_mask) == f->line_mask)
			dmab_frame_line_end(f);
	}
}

typedef void (*dmab_frame_fn)(void *kaddr, size_t len, struct dmab_frame *f);

static int dmab_walk_mapped(u8 *kaddr, size_t len, dmab_frame_fn fn, struct dmab_frame *f)
{
	while (len) {
		size_t step = min_t(size_t, len, DMAB_DEVICE_STEP);

		fn(kaddr, step, f);
		kaddr += step;
		len -= step;
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/* Runs @fn over [offset, offset + length) of the device's view, in order. */
static int dmab_device_walk(struct dmab_buffer *buf, u64 offset, u64 length,
			    dmab_frame_fn fn, struct dmab_frame *f)
{
	u64 end = offset + length, pos = 0;
	unsigned int i;
	int ret;

	if (buf->device_view)
		return dmab_walk_mapped((u8 *)buf->device_view + offset, length, fn, f);

	for (i = 0; i < buf->nr_chunks && pos < end; i++) {
		u64 chunk_end = pos + dmab_chunk_bytes(&buf->chunks[i]);
		u64 from = max(offset, pos), to = min(end, chunk_end);

		if (from < to) {
			u8 *kaddr = page_address(buf->chunks[i].page);

			ret = dmab_walk_mapped(kaddr + (from - pos), to - from, fn, f);
			if (ret)
				return ret;
		}
		pos = chunk_end;
	}
	return 0;
}

/* ---- A DMA_MEMCPY channel as the device (dmaengine=on, or auto with a channel) ---- */

/*
 * Transfers go through a coherent staging buffer on the channel's device:
 * DEVICE_WRITE has the CPU write the frame there and the channel copy it
 * into the buffer; DEVICE_READ has the channel copy the buffer there and
 * the CPU check it. The buffer itself is touched by the channel alone, as
 * by a real bus master; keeping it coherent is SYNC's job.
 */
#define DMAB_STAGING_BYTES	SZ_1M
#define DMAB_DMA_TIMEOUT_MS	5000

static void *dmab_staging;
static dma_addr_t dmab_staging_dma;
static size_t dmab_staging_step;	/* bytes per memcpy: staging size, channel limit */
static DEFINE_MUTEX(dmab_staging_lock);	/* one transfer through the staging buffer at a time */

static void dmab_dma_complete(void *arg)
{
	complete(arg);
}

/* One memcpy on the channel, waited for. */
static int dmab_dma_memcpy(dma_addr_t dst, dma_addr_t src, size_t len)
{
	struct dma_async_tx_descriptor *tx;
	DECLARE_COMPLETION_ONSTACK(done);
	dma_cookie_t cookie;
	long left;

	if (!is_dma_copy_aligned(dmab_chan->device, src, dst, len))
		return -EOPNOTSUPP;
	tx = dmaengine_prep_dma_memcpy(dmab_chan, dst, src, len,
				       DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
	if (!tx)
		return -EIO;
	tx->callback = dmab_dma_complete;
	tx->callback_param = &done;
	cookie = dmaengine_submit(tx);
	if (dma_submit_error(cookie))
		return -EIO;
	dma_async_issue_pending(dmab_chan);

	left = wait_for_completion_killable_timeout(&done, msecs_to_jiffies(DMAB_DMA_TIMEOUT_MS));
	if (left <= 0) {
		/* After this the callback cannot run: @done may leave the stack. */
		dmaengine_terminate_sync(dmab_chan);
		return left ? -EINTR : -ETIMEDOUT;
	}
	if (dma_async_is_tx_complete(dmab_chan, cookie, NULL, NULL) != DMA_COMPLETE)
		return -EIO;
	return 0;
}

struct dmab_dma_transfer {
	bool to_buffer;			/* DEVICE_WRITE */
	struct dmab_frame *frame;
};

static int dmab_dma_transfer_range(struct dmab_buffer *buf, dma_addr_t addr, u64 len, void *arg)
{
	struct dmab_dma_transfer *t = arg;
	int ret;

	while (len) {
		size_t step = min_t(u64, len, dmab_staging_step);

		if (t->to_buffer) {
			dmab_frame_write(dmab_staging, step, t->frame);
			/* The frame is in the staging buffer before the channel reads it. */
			wmb();
			ret = dmab_dma_memcpy(addr, dmab_staging_dma, step);
		} else {
			ret = dmab_dma_memcpy(dmab_staging_dma, addr, step);
			if (!ret)
				dmab_frame_check(dmab_staging, step, t->frame);
		}
		if (ret)
			return ret;
		addr += step;
		len -= step;
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	return 0;
}

static int dmab_dmaengine_transfer(struct dmab_buffer *buf, bool to_buffer, u64 offset,
				   u64 length, struct dmab_frame *frame)
{
	struct dmab_dma_transfer t = { .to_buffer = to_buffer, .frame = frame };
	int ret;

	ret = mutex_lock_killable(&dmab_staging_lock);
	if (ret)
		return ret;
	ret = dmab_walk_dma_ranges(buf, offset, length, dmab_dma_transfer_range, &t);
	mutex_unlock(&dmab_staging_lock);
	return ret;
}

/*
 * dmaengine=auto takes a DMA_MEMCPY channel when the board has one and
 * emulates the device otherwise; on insists (no channel: the load fails);
 * off always emulates. force_coherent is about the emulated device (a real
 * controller's coherence is its own), so it keeps auto off the channel and
 * cannot go with on.
 */
static int dmab_setup_dmaengine(void)
{
	bool on = sysfs_streq(dmab_dmaengine, "on");
	dma_cap_mask_t mask;
	struct dma_chan *chan;
	struct device *dev;

	if (sysfs_streq(dmab_dmaengine, "off"))
		return 0;
	if (!on && !sysfs_streq(dmab_dmaengine, "auto")) {
		pr_err("dmaengine=%s: expected auto, on or off\n", dmab_dmaengine);
		return -EINVAL;
	}
	if (dmab_force_coherent) {
		if (on) {
			pr_err("dmaengine=on and force_coherent=1: force_coherent is for the emulated device\n");
			return -EINVAL;
		}
		return 0;
	}

	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	chan = dma_request_chan_by_mask(&mask);
	if (IS_ERR(chan)) {
		if (on) {
			pr_err("dmaengine=on: no DMA_MEMCPY channel (%pe)\n", chan);
			return -ENODEV;
		}
		pr_info("dmaengine=auto: no DMA_MEMCPY channel, the device is emulated\n");
		return 0;
	}

	dev = dmaengine_get_dma_device(chan);
	dmab_staging = dma_alloc_coherent(dev, DMAB_STAGING_BYTES, &dmab_staging_dma, GFP_KERNEL);
	if (!dmab_staging)
		goto out_release_channel;
	dmab_staging_step = min_t(size_t, DMAB_STAGING_BYTES, dma_get_max_seg_size(dev));
	dmab_staging_step = round_down(dmab_staging_step, sizeof(u64));
	dmab_chan = chan;
	dmab_dma_dev = dev;
	return 0;

out_release_channel:
	dma_release_channel(chan);
	if (on) {
		pr_err("dmaengine=on: no staging buffer for channel %s\n", dma_chan_name(chan));
		return -ENOMEM;
	}
	pr_info("dmaengine=auto: no staging buffer, the device is emulated\n");
	return 0;
}

static void dmab_release_dmaengine(void)
{
	if (!dmab_chan)
		return;
	dma_free_coherent(dmab_dma_dev, DMAB_STAGING_BYTES, dmab_staging, dmab_staging_dma);
	dma_release_channel(dmab_chan);
	dmab_staging = NULL;
	dmab_chan = NULL;
	dmab_dma_dev = dmab_dev;
}

static long dmab_ioctl_device_op(struct dmab_buffer *buf, unsigned int cmd, void __user *uarg)
{
	struct dmab_device_op op;
	struct dmab_frame frame;
	u64 end, start_ns;
	int ret;

	if (copy_from_user(&op, uarg, sizeof(op)))
		return -EFAULT;
	if (op.flags || memchr_inv(op.reserved, 0, sizeof(op.reserved)))
		return -EINVAL;
	if (op.line < DMAB_LINE_MIN || op.line > DMAB_LINE_MAX || !is_power_of_2(op.line))
		return -EINVAL;
	/* Whole words at word-aligned offsets: the frame is made of u64s. */
	if (!op.length || !IS_ALIGNED(op.length, sizeof(u64)) ||
	    !IS_ALIGNED(op.offset, sizeof(u64)))
		return -EINVAL;
	if (check_add_overflow(op.offset, op.length, &end) || end > buf->size)
		return -EINVAL;

	frame = (struct dmab_frame) {
		.sequence = op.sequence,
		.key = dmab_oracle_key(op.sequence),
		.line_mask = op.line / sizeof(u64) - 1,
	};

	ret = mutex_lock_killable(&buf->lock);
	if (ret)
		return ret;
	start_ns = ktime_get_ns();
	if (dmab_chan) {
		ret = dmab_dmaengine_transfer(buf, cmd == DMAB_IOC_DEVICE_WRITE, op.offset,
					      op.length, &frame);
	} else if (cmd == DMAB_IOC_DEVICE_WRITE) {
		ret = dmab_device_walk(buf, op.offset, op.length, dmab_frame_write, &frame);
		/* The frame is in memory when the ioctl returns, as at a device's completion. */
		wmb();
	} else {
		ret = dmab_device_walk(buf, op.offset, op.length, dmab_frame_check, &frame);
	}
	/* The last line may be partial. */
	dmab_frame_line_end(&frame);
	op.kernel_ns = ktime_get_ns() - start_ns;
	mutex_unlock(&buf->lock);
	if (ret)
		return ret;

	op.bad_lines = cmd == DMAB_IOC_DEVICE_READ ? frame.bad_lines : 0;
	op.stale_lines = cmd == DMAB_IOC_DEVICE_READ ? frame.stale_lines : 0;
	if (copy_to_user(uarg, &op, sizeof(op)))
		return -EFAULT;
	return 0;
}

static long dmab_ioctl_sync(struct dmab_buffer *buf, bool for_device, void __user *uarg)
{
	enum dma_data_direction dir;
	struct dmab_sync req;
	u64 end, start_ns;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.pad || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	switch (req.direction) {
	case DMAB_DIR_TO_DEVICE:
		dir = DMA_TO_DEVICE;
		break;
	case DMAB_DIR_FROM_DEVICE:
		dir = DMA_FROM_DEVICE;
		break;
	default:
		return -EINVAL;
	}
	if (!req.length || check_add_overflow(req.offset, req.length, &end) || end > buf->size)
		return -EINVAL;

	ret = mutex_lock_killable(&buf->lock);
	if (ret)
		return ret;
	start_ns = ktime_get_ns();
	req.done = buf->strategy->sync(buf, for_device, dir, req.offset, req.length);
	req.kernel_ns = ktime_get_ns() - start_ns;
	mutex_unlock(&buf->lock);

	if (copy_to_user(uarg, &req, sizeof(req)))
		return -EFAULT;
	return 0;
}

/* ---- The buffer file ---- */

static long dmab_buffer_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct dmab_buffer *buf = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case DMAB_IOC_SYNC_FOR_DEVICE:
		return dmab_ioctl_sync(buf, true, uarg);
	case DMAB_IOC_SYNC_FOR_CPU:
		return dmab_ioctl_sync(buf, false, uarg);
	case DMAB_IOC_DEVICE_WRITE:
	case DMAB_IOC_DEVICE_READ:
		return dmab_ioctl_device_op(buf, cmd, uarg);
	default:
		return -ENOTTY;
	}
}

/*
 * No callbacks: every page is mapped at mmap time, so a fault can only be
 * a stray one, and with vm_ops set it is SIGBUS instead of an anonymous
 * page inside a PFN mapping. It also marks the VMA as ours for QUERY_MAPPING.
 */
static const struct vm_operations_struct dmab_vm_ops = {
};

static int dmab_buffer_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct dmab_buffer *buf = file->private_data;
	unsigned long len = vma->vm_end - vma->vm_start;

	/*
	 * Shared only: a private mapping would be copy-on-write over device
	 * memory (and remap_pfn_range would put the PFN into vm_pgoff, for
	 * /proc/PID/maps to show). The whole buffer or a part from offset 0.
	 */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_pgoff || len > buf->size)
		return -EINVAL;

	dmab_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &dmab_vm_ops;

	switch (buf->strategy->backing) {
	case DMAB_BACKING_COHERENT:
		return dma_mmap_coherent(buf->dev, vma, buf->cpu_addr, buf->dma_addr, buf->size);
	case DMAB_BACKING_WC:
		return dma_mmap_wc(buf->dev, vma, buf->cpu_addr, buf->dma_addr, buf->size);
	case DMAB_BACKING_PAGES:
		return dmab_pages_mmap(buf, vma);
	}
	return -EINVAL;
}

/* The last reference is gone: no fd, no mapping. */
static int dmab_buffer_release(struct inode *inode, struct file *file)
{
	dmab_buffer_destroy(file->private_data);
	return 0;
}

static const struct file_operations dmab_buffer_fops = {
	.owner = THIS_MODULE,
	.release = dmab_buffer_release,
	.mmap = dmab_buffer_mmap,
	.unlocked_ioctl = dmab_buffer_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/* ---- /dev/dmabench ---- */

static const char *dmab_arch(void)
{
#if defined(CONFIG_X86_64)
	return "x86_64";
#elif defined(CONFIG_X86_32)
	return "i386";
#elif defined(CONFIG_ARM64)
	return "arm64";
#elif defined(CONFIG_ARM)
	return "arm";
#else
	return utsname()->machine;
#endif
}

static long dmab_ioctl_info(void __user *uarg)
{
	struct dmab_info info;
	u64 start_ns = ktime_get_ns();

	memset(&info, 0, sizeof(info));
	info.abi_version = DMAB_ABI_VERSION;
	if (dev_is_dma_coherent(dmab_dma_dev))
		info.flags |= DMAB_INFO_DMA_COHERENT;
	if (dmab_chan) {
		info.flags |= DMAB_INFO_DMAENGINE;
		strscpy(info.dma_channel, dma_chan_name(dmab_chan), sizeof(info.dma_channel));
	}
	info.cache_line = cache_line_size();
	info.strategy_mask = DMAB_STRATEGY_MASK;
	info.max_total_bytes = dmab_max_total_bytes();
	strscpy(info.arch, dmab_arch(), sizeof(info.arch));
	info.kernel_ns = ktime_get_ns() - start_ns;

	if (copy_to_user(uarg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static long dmab_ioctl_alloc(void __user *uarg)
{
	struct dmab_buffer *buf;
	struct dmab_alloc req;
	struct file *file;
	u64 start_ns;
	int fd, ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.pad || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	if (req.strategy >= DMAB_STRAT_COUNT || !(DMAB_STRATEGY_MASK & BIT(req.strategy)))
		return -EINVAL;
	if (!req.size || !IS_ALIGNED(req.size, PAGE_SIZE) || req.size > DMAB_MAX_BUFFER_BYTES)
		return -EINVAL;

	start_ns = ktime_get_ns();
	buf = dmab_buffer_create(req.strategy, req.size);
	if (IS_ERR(buf))
		return PTR_ERR(buf);

	/*
	 * The fd is installed only once user space has its number: an fd
	 * installed before a failing copy_to_user could not be taken back.
	 */
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto out_destroy_buffer;
	}
	file = anon_inode_getfile(buf->strategy->file_name, &dmab_buffer_fops, buf, O_RDWR);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto out_put_fd;
	}
	req.fd = fd;
	req.kernel_ns = ktime_get_ns() - start_ns;
	if (copy_to_user(uarg, &req, sizeof(req))) {
		/* The file owns the buffer now: its release frees it. */
		fput(file);
		put_unused_fd(fd);
		return -EFAULT;
	}
	fd_install(fd, file);
	return 0;

out_put_fd:
	put_unused_fd(fd);
out_destroy_buffer:
	dmab_buffer_destroy(buf);
	return ret;
}

static bool dmab_is_buffer_vma(struct vm_area_struct *vma)
{
	return vma->vm_ops == &dmab_vm_ops && vma->vm_file &&
	       vma->vm_file->f_op == &dmab_buffer_fops;
}

/*
 * The memory type in a leaf entry, and the bits it was read from (in
 * place, unshifted; never the frame number).
 */
static u32 dmab_memory_type(u64 entry, u64 *raw)
{
#if defined(CONFIG_X86)
	/* Real types first: where PAT lacks one, the kernel aliases it to UC-. */
	static const struct {
		enum page_cache_mode mode;
		u32 type;
	} types[] = {
		{ _PAGE_CACHE_MODE_WB, DMAB_MT_WB },
		{ _PAGE_CACHE_MODE_UC, DMAB_MT_UC },
		{ _PAGE_CACHE_MODE_UC_MINUS, DMAB_MT_UC_MINUS },
		{ _PAGE_CACHE_MODE_WC, DMAB_MT_WC },
		{ _PAGE_CACHE_MODE_WT, DMAB_MT_WT },
	};
	unsigned int i;

	*raw = entry & _PAGE_CACHE_MASK;
	for (i = 0; i < ARRAY_SIZE(types); i++)
		if (cachemode2protval(types[i].mode) == *raw)
			return types[i].type;
	return DMAB_MT_UNKNOWN;
#elif defined(CONFIG_ARM64)
	*raw = entry & PTE_ATTRINDX_MASK;
	switch (*raw >> 2) {
	case MT_NORMAL:
	case MT_NORMAL_TAGGED:
		return DMAB_MT_WB;
	case MT_NORMAL_NC:
		return DMAB_MT_NORMAL_NC;
#ifdef MT_NORMAL_WT
	case MT_NORMAL_WT:
		return DMAB_MT_WT;
#endif
	case MT_DEVICE_nGnRnE:
	case MT_DEVICE_nGnRE:
#ifdef MT_DEVICE_GRE
	case MT_DEVICE_GRE:
#endif
		return DMAB_MT_DEVICE;
	}
	return DMAB_MT_UNKNOWN;
#elif defined(CONFIG_ARM)
	/* Linux's L_PTE_MT_* (with LPAE, the AttrIndx); several share a value there. */
	u64 mt = entry & L_PTE_MT_MASK;

	*raw = mt;
	if (mt == L_PTE_MT_UNCACHED || mt == L_PTE_MT_DEV_SHARED || mt == L_PTE_MT_DEV_NONSHARED)
		return DMAB_MT_DEVICE;	/* strongly ordered or device */
	if (mt == L_PTE_MT_BUFFERABLE || mt == L_PTE_MT_DEV_WC)
		return DMAB_MT_NORMAL_NC;
	if (mt == L_PTE_MT_WRITETHROUGH)
		return DMAB_MT_WT;
	if (mt == L_PTE_MT_WRITEBACK || mt == L_PTE_MT_WRITEALLOC || mt == L_PTE_MT_DEV_CACHED)
		return DMAB_MT_WB;
	return DMAB_MT_UNKNOWN;
#else
	*raw = 0;
	return DMAB_MT_UNKNOWN;
#endif
}

/*
 * Errors: EFAULT, no mapping at the address; EINVAL, a mapping but not a
 * dmabench buffer's; ENXIO, no page-table entry there.
 */
static long dmab_ioctl_query_mapping(void __user *uarg)
{
	struct mm_struct *mm = current->mm;
	struct dmab_query_mapping req;
	struct vm_area_struct *vma;
	unsigned long address;
	u64 entry, start_ns;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	if (req.address > ULONG_MAX || !mm)
		return -EFAULT;
	address = req.address;

	start_ns = ktime_get_ns();
	ret = mmap_read_lock_killable(mm);
	if (ret)
		return ret;
	vma = vma_lookup(mm, address);
	if (!vma)
		ret = -EFAULT;
	else if (!dmab_is_buffer_vma(vma))
		ret = -EINVAL;
	else if (dmab_read_leaf(vma, address, &entry))
		ret = -ENXIO;
	mmap_read_unlock(mm);
	if (ret)
		return ret;

	req.memory_type = dmab_memory_type(entry, &req.raw);
	req.kernel_ns = ktime_get_ns() - start_ns;
	if (copy_to_user(uarg, &req, sizeof(req)))
		return -EFAULT;
	return 0;
}

/* EOPNOTSUPP where the architecture has no whole-cache flush (arm64). */
static long dmab_ioctl_full_flush(void __user *uarg)
{
	struct dmab_full_flush req;
	u64 start_ns;
	u32 done;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;

	start_ns = ktime_get_ns();
	ret = dmab_full_flush(NULL, true, DMA_BIDIRECTIONAL, &done);
	req.kernel_ns = ktime_get_ns() - start_ns;
	if (ret)
		return ret;
	req.done = done;
	if (copy_to_user(uarg, &req, sizeof(req)))
		return -EFAULT;
	return 0;
}

static long dmab_ctl_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case DMAB_IOC_INFO:
		return dmab_ioctl_info(uarg);
	case DMAB_IOC_ALLOC:
		return dmab_ioctl_alloc(uarg);
	case DMAB_IOC_QUERY_MAPPING:
		return dmab_ioctl_query_mapping(uarg);
	case DMAB_IOC_FULL_FLUSH:
		return dmab_ioctl_full_flush(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations dmab_ctl_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = dmab_ctl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice dmab_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KBUILD_MODNAME,
	.fops = &dmab_ctl_fops,
};

/* ---- Load and unload ---- */

static int dmab_check_params(void)
{
	if (dmab_mode & ~0777) {
		pr_err("mode=%#o: permission bits only\n", dmab_mode);
		return -EINVAL;
	}
	if (!dmab_max_total_mb) {
		pr_err("max_total_mb=0: no buffer could ever be allocated\n");
		return -EINVAL;
	}
	return 0;
}

static int __init dmab_init(void)
{
	int ret;

	ret = dmab_check_params();
	if (ret)
		return ret;

	dmab_pdev = platform_device_register_simple(KBUILD_MODNAME, PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(dmab_pdev))
		return PTR_ERR(dmab_pdev);
	dmab_dev = &dmab_pdev->dev;
	dmab_dma_dev = dmab_dev;

	ret = dma_set_mask_and_coherent(dmab_dev, DMA_BIT_MASK(64));
	if (ret) {
		dev_err(dmab_dev, "no 64-bit DMA mask: %d\n", ret);
		goto out_unregister_pdev;
	}
	if (dmab_force_coherent) {
		if (DMAB_HAVE_DEV_DMA_COHERENT)
			dmab_force_dma_coherent(dmab_dev);
		else
			dev_info(dmab_dev, "force_coherent: devices here are always coherent\n");
	}

	ret = dmab_setup_dmaengine();
	if (ret)
		goto out_unregister_pdev;

	dmab_misc.mode = dmab_mode;
	dmab_misc.parent = dmab_dev;
	ret = misc_register(&dmab_misc);
	if (ret)
		goto out_release_dmaengine;

	dev_info(dmab_dev, "ABI %d, %s, DMA %scoherent, up to %u MiB, device: %s\n",
		 DMAB_ABI_VERSION, dmab_arch(), dev_is_dma_coherent(dmab_dma_dev) ? "" : "non-",
		 dmab_max_total_mb, dmab_chan ? dma_chan_name(dmab_chan) : "emulated");
	return 0;

out_release_dmaengine:
	dmab_release_dmaengine();
out_unregister_pdev:
	platform_device_unregister(dmab_pdev);
	return ret;
}

static void __exit dmab_exit(void)
{
	misc_deregister(&dmab_misc);

	/* Every buffer file holds the module, so none can be left here. */
	mutex_lock(&dmab_lock);
	WARN_ON(!list_empty(&dmab_buffers) || dmab_total_bytes);
	mutex_unlock(&dmab_lock);

	dmab_release_dmaengine();
	platform_device_unregister(dmab_pdev);
}

module_init(dmab_init);
module_exit(dmab_exit);

MODULE_DESCRIPTION("DMA buffer strategies, an emulated bus master, effective memory types");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1.0");
