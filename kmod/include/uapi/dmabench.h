/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * dmabench.ko's ABI: the only contract between the module and the harness.
 * Fixed-width types, explicit padding, pointers as __u64, every reserved
 * field must be zero (the module answers -EINVAL otherwise), room to grow.
 */
#ifndef _UAPI_DMABENCH_H
#define _UAPI_DMABENCH_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define DMAB_ABI_VERSION	4
#define DMAB_DEVICE_PATH	"/dev/dmabench"

/* Strategies, as bits of dmab_info.strategy_mask. */
#define DMAB_STRAT_UNCACHED	0
#define DMAB_STRAT_WC		1
#define DMAB_STRAT_CACHED_SYNC	2
#define DMAB_STRAT_FULL_FLUSH	3
#define DMAB_STRAT_COHERENT	4
#define DMAB_STRAT_CACHED_NOSYNC	5
#define DMAB_STRAT_COUNT	6

/*
 * Backends, as dmab_alloc.backend: where a buffer's memory comes from.
 * PAGES: the page allocator or the DMA API, as each strategy needs.
 * CARVEOUT: the region handed to the module at load (carveout=), memory
 * the kernel does not manage and that has no struct page; it offers the
 * strategies in dmab_info.carveout_strategy_mask.
 */
#define DMAB_BACKEND_PAGES	0
#define DMAB_BACKEND_CARVEOUT	1
#define DMAB_BACKEND_COUNT	2

/*
 * dmab_info.carveout_sync: how the carveout's cached-sync cleans and
 * invalidates by physical range here, through the module's write-back
 * kernel mapping of the buffer (the streaming DMA API needs struct page).
 */
#define DMAB_CARVEOUT_SYNC_NONE		0	/* nothing a module may use: no cached-sync */
#define DMAB_CARVEOUT_SYNC_CLFLUSH	1	/* x86 without the pmem API: clflush_cache_range */
/* ARMv7: L1 by virtual address (v7_flush_kern_dcache_area), then outer_*_range() */
#define DMAB_CARVEOUT_SYNC_ARM_L1_OUTER	2
/* arm64 without the pmem API: the module's own dc cvac/ivac/civac loop to PoC */
#define DMAB_CARVEOUT_SYNC_ARM64_DC	3
/* x86, arm64 (CONFIG_ARCH_HAS_PMEM_API): arch_wb_cache_pmem(), arch_invalidate_pmem() */
#define DMAB_CARVEOUT_SYNC_PMEM		4

/* Limits: one buffer; the oracle's line size (a power of 2); names in dmab_info. */
#define DMAB_MAX_BUFFER_BYTES	(1ULL << 30)
#define DMAB_LINE_MIN		16
#define DMAB_LINE_MAX		512
#define DMAB_NAME_LEN		32
#define DMAB_CONTROLLER_LEN	64

/* dmab_info.flags */
#define DMAB_INFO_DMA_COHERENT	(1U << 0)	/* the device is cache-coherent */
#define DMAB_INFO_DMAENGINE	(1U << 1)	/* a DMA_MEMCPY channel plays the device */
#define DMAB_INFO_HYPERVISOR	(1U << 2)	/* the kernel runs under a hypervisor */
#define DMAB_INFO_HYPERVISOR_UNKNOWN (1U << 3)	/* whether it does cannot be told here */
#define DMAB_INFO_OUTER_CACHE	(1U << 4)	/* an outer cache (ARM L2C-310/PL310) */
#define DMAB_INFO_BOUNCE	(1U << 5)	/* streaming mappings bounce (swiotlb) */
/* ALLOC_ATOMIC's buffers come from the atomic pool, which coherent_pool= sizes */
#define DMAB_INFO_ATOMIC_POOL	(1U << 6)

/*
 * dmab_info.full_flush: why FULL_FLUSH (the whole cache, no buffer) is
 * refused here, or DMAB_FULL_FLUSH_OK. The full-flush strategy itself works
 * wherever strategy_mask has it (on a buffer there is always a range).
 */
#define DMAB_FULL_FLUSH_OK		0
#define DMAB_FULL_FLUSH_NO_ARCH_OP	1	/* arm64: no whole-cache operation for a kernel */
#define DMAB_FULL_FLUSH_OUTER_CACHE	2	/* the outer cache only by range (see dmab_done) */
#define DMAB_FULL_FLUSH_TDX		3	/* WBINVD raises #VE in a TDX guest */

struct dmab_info {
	__u32 abi_version;
	__u32 flags;
	__u32 cache_line;		/* bytes: the CPU's L1 data cache line
					 * (ARM CTR.DminLine, x86 CLFLUSH size)
					 */
	__u32 strategy_mask;		/* 1 << DMAB_STRAT_* the module offers here */
	__u64 max_total_bytes;		/* the bound on all buffers (max_total_mb) */
	char arch[DMAB_NAME_LEN];	/* "x86_64", "arm64", "arm" */
	char dma_channel[DMAB_NAME_LEN];/* the dmaengine channel, or "" */
	__u64 kernel_ns;		/* out: time spent in the kernel */
	__u32 dma_alignment;		/* cache_line_size(): the kernel's own bound
					 * (ARM: a build-time maximum), not the CPU's
					 */
	__u32 full_flush;		/* DMAB_FULL_FLUSH_* */
	char dma_controller[DMAB_CONTROLLER_LEN]; /* "12680000.dma-controller (dma-pl330)" */
	char hypervisor[DMAB_NAME_LEN];	/* "KVM", "Microsoft Hyper-V"...; "" */
	/*
	 * out: what live buffers hold now (reserved[] before: 0 from older
	 * modules); both are 0 again once every buffer's fd and mapping is
	 * gone, in this process and any other.
	 */
	__u64 allocated_bytes;		/* against max_total_bytes (carveout buffers not) */
	__u64 live_buffers;		/* of every backend */
	/* The carveout (carveout=); carveout_size 0: the module has none. */
	__u64 carveout_base;		/* its physical address (as the CPU sees it) */
	__u64 carveout_size;		/* bytes */
	__u64 carveout_used;		/* bytes live carveout buffers hold */
	__u32 carveout_strategy_mask;	/* 1 << DMAB_STRAT_* the carveout offers */
	__u32 carveout_sync;		/* DMAB_CARVEOUT_SYNC_* */
	__u64 reserved[1];
};

/*
 * dmab_alloc.flags
 * ALLOC_ATOMIC: allocate as a driver must in an interrupt handler or under
 * a spinlock: dma_alloc_coherent(GFP_ATOMIC) with local interrupts off. The
 * coherent strategy of the pages backend only (else EOPNOTSUPP). Where the
 * device is not DMA-coherent (DMAB_INFO_ATOMIC_POOL) the buffer comes from
 * the atomic pool that coherent_pool= sizes, ENOMEM when it has no room;
 * elsewhere from the page allocator, which never sleeps for it.
 */
#define DMAB_ALLOC_ATOMIC	(1U << 0)
#define DMAB_ALLOC_FLAGS	DMAB_ALLOC_ATOMIC

/*
 * ALLOC of a carveout buffer: ENODEV without carveout=, EOPNOTSUPP for a
 * strategy the carveout does not offer, ENOMEM when no free run of @size
 * is left in the region (the kernel log says how much is free).
 */
struct dmab_alloc {
	__u32 strategy;			/* in: DMAB_STRAT_* */
	__u32 flags;			/* in: DMAB_ALLOC_* */
	__u64 size;			/* in: bytes, a multiple of PAGE_SIZE */
	__s32 fd;			/* out: the buffer; mmap it, close it to free */
	__u32 backend;			/* in: DMAB_BACKEND_* (ABI 2: pad, 0) */
	__u64 kernel_ns;		/* out: the whole ioctl */
	__u64 phys_addr;		/* out: a carveout buffer's physical address; else 0 */
	/*
	 * out (ABI 3: reserved, 0): of kernel_ns, the memory alone: the pages
	 * and their streaming mapping, dma_alloc_coherent or dma_alloc_wc (with
	 * ALLOC_ATOMIC: the time interrupts were off), the carveout's run and
	 * its kernel mappings. Not the file, the device's view or the bound.
	 */
	__u64 alloc_ns;
};

/* dmab_sync.direction */
#define DMAB_DIR_TO_DEVICE	1	/* the CPU wrote, the device reads */
#define DMAB_DIR_FROM_DEVICE	2	/* the device writes, the CPU reads */

/* dmab_sync.done: what the strategy did for the request (carveout's from 8) */
#define DMAB_DONE_NOTHING	0	/* nothing needed (coherent, uncached, nosync) */
#define DMAB_DONE_DMA_SYNC	1	/* dma_sync_single_for_{device,cpu} on the range */
#define DMAB_DONE_BARRIER	2	/* a write barrier (wc) */
#define DMAB_DONE_WBINVD	3	/* wbinvd on all CPUs (x86) */
#define DMAB_DONE_FLUSH_ALL	4	/* flush_cache_all on each CPU (ARMv7, no outer cache) */
#define DMAB_DONE_DMA_SYNC_ALL	5	/* arm64 has no whole-cache flush: the whole buffer */
/* flush_cache_all on each CPU, then the outer cache by range over the frame */
#define DMAB_DONE_FLUSH_ALL_OUTER_RANGE	6
/* dma_sync on the range, copied through a swiotlb bounce buffer */
#define DMAB_DONE_DMA_SYNC_BOUNCE	7
/* The carveout's cached-sync, by physical range through the module's write-back mapping */
#define DMAB_DONE_CLFLUSH_RANGE		8	/* x86 clflush_cache_range() */
#define DMAB_DONE_L1_RANGE		9	/* ARMv7 L1 by VA, no outer cache here */
#define DMAB_DONE_L1_OUTER_RANGE	10	/* ARMv7 L1 by VA and the outer cache by PA */
#define DMAB_DONE_DC_POC_RANGE		11	/* arm64 dc cvac, or dc ivac/civac, to PoC */
/* the pmem API's: arch_wb_cache_pmem (x86 clwb, arm64 dc cvap or cvac), */
#define DMAB_DONE_PMEM_WB_RANGE		12
/* arch_invalidate_pmem (x86 clflush, arm64 dc ivac/civac to PoC) */
#define DMAB_DONE_PMEM_INVAL_RANGE	13

struct dmab_sync {
	__u32 direction;		/* in: DMAB_DIR_* */
	__u32 flags;			/* in: 0 */
	__u64 offset;			/* in: bytes into the buffer */
	__u64 length;			/* in: bytes */
	__u64 kernel_ns;		/* out */
	__u32 done;			/* out: DMAB_DONE_* */
	__u32 pad;
	__u64 reserved[2];
};

/* DEVICE_*: offset 8-byte aligned, length non-zero, both inside the buffer. */
struct dmab_device_op {
	__u64 offset;			/* in */
	__u64 length;			/* in: bytes, a multiple of 8 */
	__u64 sequence;			/* in: the frame's sequence number */
	__u32 line;			/* in: the oracle's line size, 16..512, a power of 2 */
	__u32 flags;			/* in: 0 */
	__u64 bad_lines;		/* out (DEVICE_READ): lines that were not frame @sequence */
	__u64 kernel_ns;		/* out */
	__u64 stale_lines;		/* out (DEVICE_READ): of bad_lines, those holding an
					 * older frame's line whole (the rest are corrupt)
					 */
	__u64 reserved[1];
};

/*
 * Memory types QUERY_MAPPING reports. x86's uncached buffers are UC-: the
 * kernel gives RAM no stronger type (PAT's strong UC is for MMIO), and UC-
 * over RAM's write-back MTRR type is UC in effect.
 */
#define DMAB_MT_UNKNOWN		0
#define DMAB_MT_WB		1	/* write-back, cacheable (x86 WB, ARM Normal) */
#define DMAB_MT_WC		2	/* write-combining (x86 WC) */
#define DMAB_MT_UC_MINUS	3	/* x86 UC- (UC in effect over WB MTRRs) */
#define DMAB_MT_UC		4	/* x86 UC */
#define DMAB_MT_NORMAL_NC	5	/* ARM Normal non-cacheable */
#define DMAB_MT_DEVICE		6	/* ARM Device-* or strongly ordered */
#define DMAB_MT_WT		7	/* write-through */

/*
 * dmab_query_mapping.flags: the address may lie in any PFN mapping of the
 * caller (VM_PFNMAP: /dev/mem, another driver's remap_pfn_range), not only
 * in a dmabench buffer's; other mappings are still EINVAL.
 */
#define DMAB_QUERY_ANY_PFNMAP	(1U << 0)

/*
 * raw is the PTE's memory-type field, in place, nothing else of the entry:
 * x86 PWT|PCD|PAT, arm64 AttrIndx[4:2], ARM L_PTE_MT_*.
 */
struct dmab_query_mapping {
	__u64 address;			/* in: a user address inside a dmabench mapping */
	__u32 memory_type;		/* out: DMAB_MT_* */
	__u32 flags;			/* in: 0 or DMAB_QUERY_ANY_PFNMAP */
	__u64 raw;			/* out: the memory-type bits */
	__u64 kernel_ns;		/* out */
	__u64 reserved[2];
};

/*
 * DMA_UNMAP, DMA_MAP on a buffer of the pages backend (else EOPNOTSUPP):
 * its streaming mapping given up (dma_unmap_sgtable: the CPU owns the
 * buffer, its cache invalidated or the bounce copied back) and made again
 * (dma_map_sgtable: cleaned, or copied to the bounce slots), both
 * directions, the whole buffer: what a driver that maps per frame pays
 * where one that keeps its mapping syncs. Unmapped, the buffer refuses SYNC
 * and DEVICE_* with ENXIO (a device has no address for it); DMA_UNMAP of an
 * unmapped buffer and DMA_MAP of a mapped one are EBUSY. The last close
 * unmaps it if it is mapped.
 */
struct dmab_dma_map {
	__u32 flags;			/* in: 0 */
	__u32 pad;
	__u64 kernel_ns;		/* out: the DMA API's call */
	__u64 reserved[2];
};

struct dmab_full_flush {
	__u32 flags;			/* in: 0 */
	__u32 done;			/* out: DMAB_DONE_* */
	__u64 kernel_ns;		/* out */
	__u64 reserved[2];
};

/*
 * The staleness oracle's frame format, shared by the module's device and the
 * harness: word 0 of each line is the frame's sequence number; every other
 * word i (counted from the frame's start) is key(seq) ^ ((i + 1) * M).
 */
#define DMAB_ORACLE_M		0xd1b54a32d192ed03ULL

static inline __u64 dmab_oracle_key(__u64 seq)
{
	/* splitmix64's finalizer: frames with near sequence numbers differ everywhere */
	__u64 z = seq + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#define DMAB_IOC_MAGIC		0xDB

/* On /dev/dmabench */
#define DMAB_IOC_INFO		_IOR(DMAB_IOC_MAGIC, 0x00, struct dmab_info)
#define DMAB_IOC_ALLOC		_IOWR(DMAB_IOC_MAGIC, 0x01, struct dmab_alloc)
#define DMAB_IOC_QUERY_MAPPING	_IOWR(DMAB_IOC_MAGIC, 0x02, struct dmab_query_mapping)
#define DMAB_IOC_FULL_FLUSH	_IOWR(DMAB_IOC_MAGIC, 0x03, struct dmab_full_flush)
/* On a buffer fd */
#define DMAB_IOC_SYNC_FOR_DEVICE	_IOWR(DMAB_IOC_MAGIC, 0x10, struct dmab_sync)
#define DMAB_IOC_SYNC_FOR_CPU	_IOWR(DMAB_IOC_MAGIC, 0x11, struct dmab_sync)
#define DMAB_IOC_DEVICE_WRITE	_IOWR(DMAB_IOC_MAGIC, 0x12, struct dmab_device_op)
#define DMAB_IOC_DEVICE_READ	_IOWR(DMAB_IOC_MAGIC, 0x13, struct dmab_device_op)
#define DMAB_IOC_DMA_UNMAP	_IOWR(DMAB_IOC_MAGIC, 0x14, struct dmab_dma_map)
#define DMAB_IOC_DMA_MAP	_IOWR(DMAB_IOC_MAGIC, 0x15, struct dmab_dma_map)

#endif /* _UAPI_DMABENCH_H */
