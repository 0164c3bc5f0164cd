// SPDX-License-Identifier: GPL-2.0
/*
 * The carveout: memory reserved at boot that the kernel does not manage
 * (memmap=, mem=, a no-map reserved-memory node), handed to the module at
 * load with carveout=SIZE@ADDR or carveout=NODE. It has no struct page, so
 * the DMA API can neither allocate from it nor sync it: its buffers are
 * runs of a gen_pool over the region, mapped with remap_pfn_range, and
 * cached-sync cleans and invalidates by physical range through a
 * write-back kernel mapping of the buffer, with what the kernel exports to
 * modules on each architecture:
 *
 *   x86, arm64 with CONFIG_ARCH_HAS_PMEM_API (Debian's kernels have it):
 *            the persistent-memory helpers, exported GPL for pmem drivers:
 *            arch_wb_cache_pmem() cleans (x86 clwb, or clflushopt/clflush
 *            where the CPU has no clwb: arch/x86/lib/usercopy_64.c; arm64
 *            dcache_clean_pop: dc cvap where the core has DCPOP, which
 *            reaches the point of persistence, past the PoC a device needs,
 *            else dcache_clean_poc, with the kernel's errata workarounds:
 *            arch/arm64/mm/flush.c, cache.S); arch_invalidate_pmem()
 *            invalidates (x86 clflush_cache_range; arm64 dcache_inval_poc,
 *            what the DMA API uses). dcache_clean_poc and dcache_inval_poc
 *            themselves are not exported (caches_clean_inval_pou is, to PoU:
 *            not the device's view).
 *   x86 without it: clflush_cache_range() (arch/x86/mm/pat/set_memory.c)
 *   arm64 without it: the module's own dc cvac, dc ivac and dc civac by VA,
 *            stepping by CTR_EL0.DminLine as arch/arm64/mm/cache.S does, but
 *            without the kernel's Cortex-A53 clean workaround
 *   ARMv7    __cpuc_flush_dcache_area(), which is v7_flush_kern_dcache_area
 *            (L1 clean+invalidate by VA to PoC; the clean-only and
 *            invalidate-only ones by range are not exported), then the
 *            outer cache by physical range (outer_*_range(), inlines over
 *            the exported outer_cache: arch/arm/include/asm/outercache.h)
 *
 * dma_map_resource() gives a DMA_MEMCPY channel the region's address and
 * does no maintenance. The module does not claim the region
 * (request_mem_region): a busy resource is refused by /dev/mem under
 * CONFIG_IO_STRICT_DEVMEM, and the devmem backend maps the same region.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cache.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/genalloc.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/libnvdimm.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_reserved_mem.h>
#include <linux/sizes.h>
#include <linux/smp.h>
#include <linux/string.h>

#ifdef CONFIG_X86
#include <asm/cacheflush.h>
#include <asm/processor.h>
#endif
#ifdef CONFIG_ARM
#include <asm/cacheflush.h>
#include <asm/outercache.h>
#endif
#ifdef CONFIG_ARM64
#include <asm/barrier.h>
#include <asm/cputype.h>
#endif

#include "dmab.h"

static char *dmab_carveout_param;
module_param_named(carveout, dmab_carveout_param, charp, 0444);
MODULE_PARM_DESC(carveout, "Memory the kernel does not manage, for the carveout backend: SIZE@ADDR (memparse: 64M@0x10000000) or the name of a no-map reserved-memory node");

/*
 * gen_pool answers 0 for "no memory", so the pool hands out offsets into
 * the region moved up by this much; it also keeps a 32-bit kernel's
 * unsigned long clear of a region above 4 GiB (LPAE).
 */
#define DMAB_POOL_BIAS	PAGE_SIZE

static struct {
	phys_addr_t base;
	u64 size;
	struct gen_pool *pool;
	char source[DMAB_NAME_LEN + 32];	/* where the region came from */
#if defined(CONFIG_ARM64)
	unsigned int line;		/* the smallest D-cache line of any CPU (own dc loop) */
#endif
} dmab_carveout;

bool dmab_carveout_present(void)
{
	return dmab_carveout.pool;
}

/* ---- Maintenance by physical range, through the buffer's write-back mapping ---- */

#if defined(CONFIG_ARCH_HAS_PMEM_API) && (defined(CONFIG_X86) || defined(CONFIG_ARM64))
#define DMAB_PMEM_SYNC 1
#else
#define DMAB_PMEM_SYNC 0
#endif

#if defined(CONFIG_ARM64) && !DMAB_PMEM_SYNC
static void dmab_cpu_dminline(void *arg)
{
	unsigned int *line = arg, mine = 4U << ((read_cpuid_cachetype() >> 16) & 0xf);

	/* CPUs may differ (big.LITTLE): step by the smallest, as the kernel's sanitised CTR */
	if (mine < READ_ONCE(*line))
		WRITE_ONCE(*line, mine);
}

static void dmab_dc_cvac(unsigned long start, unsigned long end)
{
	unsigned long line = dmab_carveout.line, p;

	for (p = start & ~(line - 1); p < end; p += line)
		asm volatile("dc cvac, %0" : : "r" (p) : "memory");
	dsb(sy);
}

static void dmab_dc_civac(unsigned long start, unsigned long end)
{
	unsigned long line = dmab_carveout.line, p;

	for (p = start & ~(line - 1); p < end; p += line)
		asm volatile("dc civac, %0" : : "r" (p) : "memory");
	dsb(sy);
}

/*
 * As dcache_inval_poc: a partial line at either end is cleaned too (it
 * holds bytes outside the range), whole lines are invalidated only.
 */
static void dmab_dc_ivac(unsigned long start, unsigned long end)
{
	unsigned long line = dmab_carveout.line, p = start & ~(line - 1);

	if (end & (line - 1))
		asm volatile("dc civac, %0" : : "r" (end & ~(line - 1)) : "memory");
	if (start & (line - 1)) {
		asm volatile("dc civac, %0" : : "r" (p) : "memory");
		p += line;
	}
	for (; p < (end & ~(line - 1)); p += line)
		asm volatile("dc ivac, %0" : : "r" (p) : "memory");
	dsb(sy);
}
#endif

enum dmab_maint {
	DMAB_CLEAN,		/* before the device reads or writes */
	DMAB_INVALIDATE,	/* before the CPU reads what the device wrote */
	DMAB_FLUSH,		/* the buffer is given back: nothing of it stays cached */
};

/* Maintenance of [offset, offset + length) of @buf; the DMAB_DONE_* it was. */
static u32 dmab_carveout_maintain(struct dmab_buffer *buf, enum dmab_maint op, u64 offset,
				  u64 length)
{
	void *va = (u8 *)buf->cached_view + offset;

#if DMAB_PMEM_SYNC
	switch (op) {
	case DMAB_CLEAN:
		arch_wb_cache_pmem(va, length);
		/* x86's clwb is ordered by a fence only (the pmem API fences later) */
		wmb();
		return DMAB_DONE_PMEM_WB_RANGE;
	case DMAB_INVALIDATE:
		arch_invalidate_pmem(va, length);
		return DMAB_DONE_PMEM_INVAL_RANGE;
	case DMAB_FLUSH:
		arch_wb_cache_pmem(va, length);
		/* write-backs done before the lines are dropped (x86: clwb, then clflush) */
		wmb();
		arch_invalidate_pmem(va, length);
		return DMAB_DONE_PMEM_INVAL_RANGE;
	}
	return DMAB_DONE_NOTHING;
#elif defined(CONFIG_X86)
	/* No clean without eviction for a module (clwb is not exported): all three flush. */
	clflush_cache_range(va, length);
	return DMAB_DONE_CLFLUSH_RANGE;
#elif defined(CONFIG_ARM)
	/*
	 * Inner before outer towards memory, outer before inner back from
	 * it, as __dma_page_cpu_to_dev and __dma_page_dev_to_cpu do. The L1
	 * operation is clean+invalidate (the only one exported); before the
	 * CPU reads, its lines are clean (cleaned before the device), so it
	 * invalidates and writes nothing back.
	 */
	phys_addr_t pa = buf->phys + offset;

	switch (op) {
	case DMAB_CLEAN:
		__cpuc_flush_dcache_area(va, length);
		outer_clean_range(pa, pa + length);
		break;
	case DMAB_INVALIDATE:
		outer_inv_range(pa, pa + length);
		__cpuc_flush_dcache_area(va, length);
		break;
	case DMAB_FLUSH:
		__cpuc_flush_dcache_area(va, length);
		outer_flush_range(pa, pa + length);
		break;
	}
	return dmab_outer_cache_present() ? DMAB_DONE_L1_OUTER_RANGE : DMAB_DONE_L1_RANGE;
#elif defined(CONFIG_ARM64)
	unsigned long start = (unsigned long)va, end = start + length;

	switch (op) {
	case DMAB_CLEAN:
		dmab_dc_cvac(start, end);
		break;
	case DMAB_INVALIDATE:
		dmab_dc_ivac(start, end);
		break;
	case DMAB_FLUSH:
		dmab_dc_civac(start, end);
		break;
	}
	return DMAB_DONE_DC_POC_RANGE;
#else
	return DMAB_DONE_NOTHING;
#endif
}

static u32 dmab_carveout_sync_method(void)
{
#if DMAB_PMEM_SYNC
	return DMAB_CARVEOUT_SYNC_PMEM;
#elif defined(CONFIG_X86)
	return DMAB_CARVEOUT_SYNC_CLFLUSH;
#elif defined(CONFIG_ARM)
	return DMAB_CARVEOUT_SYNC_ARM_L1_OUTER;
#elif defined(CONFIG_ARM64)
	return DMAB_CARVEOUT_SYNC_ARM64_DC;
#else
	return DMAB_CARVEOUT_SYNC_NONE;
#endif
}

/*
 * cached-sync: the streaming DMA API's work, by physical range. After the
 * device only read (TO_DEVICE), the CPU's lines are still right: nothing.
 */
static u32 dmab_carveout_sync(struct dmab_buffer *buf, bool for_device,
			      enum dma_data_direction dir, u64 offset, u64 length)
{
	if (for_device)
		return dmab_carveout_maintain(buf, DMAB_CLEAN, offset, length);
	if (dir == DMA_TO_DEVICE)
		return DMAB_DONE_NOTHING;
	return dmab_carveout_maintain(buf, DMAB_INVALIDATE, offset, length);
}

static const struct dmab_strategy dmab_carveout_strategies[DMAB_STRAT_COUNT] = {
	[DMAB_STRAT_UNCACHED] = {
		.file_name = "dmabench:carveout-uncached",
		.backing = DMAB_BACKING_CARVEOUT,
		.map = DMAB_MAP_UNCACHED,
		.sync = dmab_sync_nothing,
	},
	[DMAB_STRAT_WC] = {
		.file_name = "dmabench:carveout-wc",
		.backing = DMAB_BACKING_CARVEOUT,
		.map = DMAB_MAP_WC,
		.sync = dmab_sync_barrier,
	},
	[DMAB_STRAT_CACHED_SYNC] = {
		.file_name = "dmabench:carveout-cached-sync",
		.backing = DMAB_BACKING_CARVEOUT,
		.map = DMAB_MAP_CACHED,
		.sync = dmab_carveout_sync,
	},
	[DMAB_STRAT_CACHED_NOSYNC] = {
		.file_name = "dmabench:carveout-cached-nosync",
		.backing = DMAB_BACKING_CARVEOUT,
		.map = DMAB_MAP_CACHED,
		.sync = dmab_sync_nothing,
	},
};

/* Without a carveout, none; cached-sync only where a module can do its maintenance. */
u32 dmab_carveout_strategy_mask(void)
{
	u32 mask = BIT(DMAB_STRAT_UNCACHED) | BIT(DMAB_STRAT_WC) | BIT(DMAB_STRAT_CACHED_NOSYNC);

	if (!dmab_carveout_present())
		return 0;
	if (dmab_carveout_sync_method() != DMAB_CARVEOUT_SYNC_NONE)
		mask |= BIT(DMAB_STRAT_CACHED_SYNC);
	return mask;
}

/* @strategy below DMAB_STRAT_COUNT; NULL when the carveout does not offer it. */
const struct dmab_strategy *dmab_carveout_strategy(u32 strategy)
{
	if (!(dmab_carveout_strategy_mask() & BIT(strategy)))
		return NULL;
	return &dmab_carveout_strategies[strategy];
}

void dmab_carveout_info(struct dmab_info *info)
{
	if (!dmab_carveout_present())
		return;
	info->carveout_base = dmab_carveout.base;
	info->carveout_size = dmab_carveout.size;
	info->carveout_used = gen_pool_size(dmab_carveout.pool) -
			      gen_pool_avail(dmab_carveout.pool);
	info->carveout_strategy_mask = dmab_carveout_strategy_mask();
	info->carveout_sync = dmab_carveout_sync_method();
}

/* For the load message: ", carveout [mem ...] (N MiB, from ...)", or nothing. */
void dmab_carveout_describe(char *text, size_t len)
{
	phys_addr_t end;

	text[0] = 0;
	if (!dmab_carveout_present())
		return;
	end = dmab_carveout.base + dmab_carveout.size - 1;
	snprintf(text, len, ", carveout [mem %pa-%pa] (%llu MiB, %s)", &dmab_carveout.base, &end,
		 dmab_carveout.size >> 20, dmab_carveout.source);
}

/* ---- Buffers ---- */

/*
 * The kernel's mappings of a buffer. x86: one, of the strategy's memory
 * type (PAT refuses a second, differently typed one; user space's
 * remap_pfn_range must find the same type reserved), which the device
 * writes with non-temporal stores as on the page backend. Elsewhere: a
 * write-back one for cacheable strategies (their maintenance by VA), and
 * for the device a non-cacheable one (Normal-NC), so that its stores go to
 * memory past the CPU caches as a bus master's do; a device declared
 * coherent (force_coherent) snoops, and writes through the write-back one.
 */
static int dmab_carveout_map(struct dmab_buffer *buf)
{
	enum dmab_cpu_map map = buf->strategy->map;

#ifdef CONFIG_X86
	switch (map) {
	case DMAB_MAP_UNCACHED:
		buf->io_view = ioremap(buf->phys, buf->size);
		/* UC- memory, not registers: the emulated device stores to it like RAM */
		buf->carveout_view = (void __force *)buf->io_view;
		break;
	case DMAB_MAP_WC:
		buf->carveout_view = memremap(buf->phys, buf->size, MEMREMAP_WC);
		break;
	case DMAB_MAP_CACHED:
		buf->cached_view = memremap(buf->phys, buf->size, MEMREMAP_WB);
		break;
	}
	if (!buf->carveout_view && !buf->cached_view)
		return -ENOMEM;
#else
	if (map == DMAB_MAP_CACHED) {
		buf->cached_view = memremap(buf->phys, buf->size, MEMREMAP_WB);
		if (!buf->cached_view)
			return -ENOMEM;
	}
	if (map != DMAB_MAP_CACHED || !dev_is_dma_coherent(dmab_dma_dev)) {
		buf->carveout_view = memremap(buf->phys, buf->size, MEMREMAP_WC);
		if (!buf->carveout_view) {
			if (buf->cached_view)
				memunmap(buf->cached_view);
			buf->cached_view = NULL;
			return -ENOMEM;
		}
	}
#endif
	buf->device_view = buf->carveout_view ? buf->carveout_view : buf->cached_view;
	return 0;
}

static void dmab_carveout_unmap(struct dmab_buffer *buf)
{
	if (buf->io_view)
		iounmap(buf->io_view);
	else if (buf->carveout_view)
		memunmap(buf->carveout_view);
	if (buf->cached_view)
		memunmap(buf->cached_view);
	buf->io_view = NULL;
	buf->carveout_view = NULL;
	buf->cached_view = NULL;
	buf->device_view = NULL;
}

/* A run of the region for @buf (strategy and size set), zeroed, mapped for the device. */
int dmab_carveout_alloc(struct dmab_buffer *buf)
{
	int ret;

	buf->pool_addr = gen_pool_alloc(dmab_carveout.pool, buf->size);
	if (!buf->pool_addr) {
		pr_info_ratelimited("carveout: no free run of %zu KiB left (%zu of %llu KiB free)\n",
				    buf->size >> 10, gen_pool_avail(dmab_carveout.pool) >> 10,
				    dmab_carveout.size >> 10);
		return -ENOMEM;
	}
	buf->phys = dmab_carveout.base + (buf->pool_addr - DMAB_POOL_BIAS);
	ret = dmab_carveout_map(buf);
	if (ret)
		goto out_free_run;

	/*
	 * Zeroed, as every buffer: user space never sees what the region
	 * held. Through the device's view, so the zeroes are in memory; then
	 * a cacheable buffer's lines go, in case a speculative fill took the
	 * old bytes through its new write-back mapping.
	 */
	memset(buf->device_view, 0, buf->size);
	if (buf->cached_view && buf->device_view != buf->cached_view)
		dmab_carveout_maintain(buf, DMAB_FLUSH, 0, buf->size);
	return 0;

out_free_run:
	gen_pool_free(dmab_carveout.pool, buf->pool_addr, buf->size);
	buf->pool_addr = 0;
	return ret;
}

/*
 * The last mapping is gone. A cacheable buffer's dirty lines are written
 * back and dropped first: left in the cache, one could be evicted later
 * over the next buffer of that run, which may not be cacheable.
 */
void dmab_carveout_free(struct dmab_buffer *buf)
{
	if (buf->cached_view)
		dmab_carveout_maintain(buf, DMAB_FLUSH, 0, buf->size);
	dmab_carveout_unmap(buf);
	gen_pool_free(dmab_carveout.pool, buf->pool_addr, buf->size);
	buf->pool_addr = 0;
}

/* The caller checked that the mapping fits in the buffer and starts at 0. */
int dmab_carveout_mmap(struct dmab_buffer *buf, struct vm_area_struct *vma)
{
	dmab_set_page_prot(vma, buf->strategy->map);
	return remap_pfn_range(vma, vma->vm_start, PHYS_PFN(buf->phys),
			       vma->vm_end - vma->vm_start, vma->vm_page_prot);
}

/* ---- The region, at load ---- */

/*
 * carveout=NODE: a child of /reserved-memory, by its name with or without
 * the unit address. Only no-map regions: one without no-map is in the
 * kernel's linear map and the page allocator's, System RAM.
 */
static int dmab_carveout_from_dt(const char *name, phys_addr_t *base, u64 *size)
{
#ifdef CONFIG_OF_RESERVED_MEM
	struct device_node *parent, *np;
	struct reserved_mem *rmem = NULL;
	bool no_map = false;

	parent = of_find_node_by_path("/reserved-memory");
	if (!parent) {
		pr_err("carveout=%s: the device tree has no /reserved-memory node\n", name);
		return -ENODEV;
	}
	for_each_child_of_node(parent, np) {
		if (of_node_name_eq(np, name) || !strcmp(kbasename(np->full_name), name)) {
			rmem = of_reserved_mem_lookup(np);
			no_map = of_property_read_bool(np, "no-map");
			of_node_put(np);
			break;
		}
	}
	of_node_put(parent);
	if (!rmem) {
		pr_err("carveout=%s: no such region under /reserved-memory\n", name);
		return -ENODEV;
	}
	if (!no_map) {
		pr_err("carveout=%s: the region is not no-map: the kernel maps and manages it\n",
		       name);
		return -EINVAL;
	}
	*base = rmem->base;
	*size = rmem->size;
	return 0;
#else
	pr_err("carveout=%s: not SIZE@ADDR, and this kernel has no reserved-memory regions (CONFIG_OF_RESERVED_MEM)\n",
	       name);
	return -EINVAL;
#endif
}

/* carveout=SIZE@ADDR (memparse, K/M/G) or carveout=NODE. */
static int dmab_carveout_parse(const char *arg, phys_addr_t *base, u64 *size)
{
	char *end;
	u64 start;

	*size = memparse(arg, &end);
	if (end == arg || *end != '@') {
		snprintf(dmab_carveout.source, sizeof(dmab_carveout.source),
			 "reserved-memory node %s", arg);
		return dmab_carveout_from_dt(arg, base, size);
	}
	snprintf(dmab_carveout.source, sizeof(dmab_carveout.source), "from carveout=SIZE@ADDR");
	start = memparse(end + 1, &end);
	if (*end) {
		pr_err("carveout=%s: expected SIZE@ADDR (64M@0x10000000) or a reserved-memory node's name\n",
		       arg);
		return -EINVAL;
	}
	*base = (phys_addr_t)start;
	if (*base != start) {
		pr_err("carveout=%s: out of range: the address does not fit this kernel's phys_addr_t\n",
		       arg);
		return -EINVAL;
	}
	return 0;
}

/* How many bits of physical address the CPU has. */
static unsigned int dmab_phys_bits(void)
{
#if defined(CONFIG_X86)
	return boot_cpu_data.x86_phys_bits;
#elif defined(PHYS_MASK_SHIFT)
	return PHYS_MASK_SHIFT;		/* arm64: CONFIG_ARM64_PA_BITS; ARM LPAE: 40 */
#elif defined(MAX_PHYSMEM_BITS)
	return MAX_PHYSMEM_BITS;
#else
	return sizeof(phys_addr_t) * BITS_PER_BYTE;
#endif
}

/*
 * The region must be whole pages inside the physical address space, and
 * none of it System RAM. region_intersects() reads that from the resource
 * tree (/proc/iomem's "System RAM": what the kernel gave its page
 * allocator), as /dev/mem's STRICT_DEVMEM check does. pfn_valid() would
 * not do: it says a struct page exists, and one exists for memory the
 * kernel does not use. x86's memory map covers whole 128 MiB sections, so
 * a memmap= hole inside a section with RAM has struct pages (6.1:
 * pfn_valid() is true for all of an early section, include/linux/mmzone.h;
 * memmap_init() sets the hole's pages reserved, init_unavailable_range()),
 * though /proc/kpageflags shows it KPF_NOPAGE: pfn_to_online_page() also
 * asks the subsection map, which free_area_init() fills from memblock's
 * memory only. A no-map region inside an ARM memory bank has them too, and
 * on arm64 pfn_valid() is true for no-map memory while the region is not
 * RAM.
 */
static int dmab_carveout_check(const char *arg, phys_addr_t base, u64 size)
{
	unsigned int bits = dmab_phys_bits();
	u64 last = (u64)base + size - 1;

	if (!size || !PAGE_ALIGNED(base) || !PAGE_ALIGNED(size)) {
		pr_err("carveout=%s: address and size must be non-zero multiples of the page size (%lu)\n",
		       arg, PAGE_SIZE);
		return -EINVAL;
	}
	if (last < base || (bits < 64 && last >> bits)) {
		pr_err("carveout=%s: out of range: this CPU has %u bits of physical address\n",
		       arg, bits);
		return -EINVAL;
	}
	/* gen_pool counts in unsigned long, moved up by DMAB_POOL_BIAS */
	if (size > ULONG_MAX - DMAB_POOL_BIAS) {
		pr_err("carveout=%s: larger than this kernel can manage in one pool\n", arg);
		return -EINVAL;
	}
	if (region_intersects(base, size, IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE) !=
	    REGION_DISJOINT) {
		pr_err("carveout=%s: [mem %#llx-%#llx] overlaps System RAM: the kernel manages that memory; reserve the region at boot (memmap=, mem=, a no-map reserved-memory node)\n",
		       arg, (u64)base, last);
		return -EINVAL;
	}
	return 0;
}

int dmab_carveout_setup(void)
{
	phys_addr_t base;
	u64 size;
	int ret;

	if (!dmab_carveout_param || !dmab_carveout_param[0])
		return 0;
	ret = dmab_carveout_parse(dmab_carveout_param, &base, &size);
	if (ret)
		return ret;
	ret = dmab_carveout_check(dmab_carveout_param, base, size);
	if (ret)
		return ret;

	dmab_carveout.pool = gen_pool_create(PAGE_SHIFT, -1);
	if (!dmab_carveout.pool)
		return -ENOMEM;
	ret = gen_pool_add(dmab_carveout.pool, DMAB_POOL_BIAS, size, -1);
	if (ret) {
		gen_pool_destroy(dmab_carveout.pool);
		dmab_carveout.pool = NULL;
		return ret;
	}
	dmab_carveout.base = base;
	dmab_carveout.size = size;
#if defined(CONFIG_ARM64) && !DMAB_PMEM_SYNC
	dmab_carveout.line = 4U << ((read_cpuid_cachetype() >> 16) & 0xf);
	on_each_cpu(dmab_cpu_dminline, &dmab_carveout.line, 1);
#endif
	return 0;
}

/* Every buffer holds the module: none is left when it unloads. */
void dmab_carveout_release(void)
{
	if (!dmab_carveout.pool)
		return;
	gen_pool_destroy(dmab_carveout.pool);
	dmab_carveout.pool = NULL;
}
