/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place for differences between kernel versions, 6.1 up to current
 * mainline. dmabench.c calls only the dmab_* names below for anything that
 * changed, so a new kernel means a change here and nowhere else. The
 * DMAB_HAVE_* come from Kbuild, which looks for each interface in the
 * headers the module is built against.
 */
#ifndef DMAB_COMPAT_H
#define DMAB_COMPAT_H

#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/highmem.h>	/* pte_unmap() on 32-bit ARM (kunmap_atomic) */
#include <linux/mm.h>

/*
 * vm_flags became read-only with accessors in 6.3 (per-VMA locking);
 * before, drivers or'ed into it directly. Both need mmap_lock for write,
 * which an ->mmap handler has.
 */
static inline void dmab_vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
#ifdef DMAB_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/*
 * Reads the entry that maps @address in @vma, for its memory-type bits:
 * the PTE itself when the leaf is a PTE (always so for remap_pfn_range
 * mappings, and then every architecture decodes the same bits on every
 * kernel), the leaf's pgprot for a huge leaf (6.12 and later only).
 * The caller holds mmap_lock for read.
 *
 *   6.1 - 6.9:  follow_pte(mm, address, &ptep, &ptl)
 *   6.10 - 6.11: follow_pte(vma, address, &ptep, &ptl), VM_IO/VM_PFNMAP only
 *   6.12 on:    follow_pte is gone; follow_pfnmap_start()/_end()
 */
static inline int dmab_read_leaf(struct vm_area_struct *vma, unsigned long address,
				 u64 *entry)
{
#ifdef DMAB_HAVE_FOLLOW_PFNMAP
	struct follow_pfnmap_args args = { .vma = vma, .address = address };
	int ret;

	ret = follow_pfnmap_start(&args);
	if (ret)
		return ret;
	if (args.ptep)
		*entry = (u64)pte_val(ptep_get(args.ptep));
	else
		*entry = (u64)pgprot_val(args.pgprot);
	follow_pfnmap_end(&args);
	return 0;
#else
	spinlock_t *ptl;	/* the page-table lock follow_pte() takes */
	pte_t *ptep;
	int ret;

#ifdef DMAB_HAVE_FOLLOW_PTE_VMA
	ret = follow_pte(vma, address, &ptep, &ptl);
#else
	ret = follow_pte(vma->vm_mm, address, &ptep, &ptl);
#endif
	if (ret)
		return ret;
	__acquire(ptl);		/* follow_pte took it; sparse cannot see that */
	*entry = (u64)pte_val(ptep_get(ptep));
	pte_unmap_unlock(ptep, ptl);
	return 0;
#endif
}

/*
 * dma_set_max_seg_size() returned -EIO without dma_parms until 6.11; since
 * then it returns nothing (a platform device always has dma_parms).
 */
static inline int dmab_set_max_seg_size(struct device *dev, unsigned int size)
{
#ifdef DMAB_HAVE_SET_MAX_SEG_SIZE_INT
	return dma_set_max_seg_size(dev, size);
#else
	dma_set_max_seg_size(dev, size);
	return 0;
#endif
}

/*
 * struct device has dma_coherent only where the architecture does cache
 * maintenance for DMA (arm, arm64, riscv, ...); x86 is always coherent and
 * has no such field.
 */
#if defined(CONFIG_ARCH_HAS_SYNC_DMA_FOR_DEVICE) || \
	defined(CONFIG_ARCH_HAS_SYNC_DMA_FOR_CPU) || \
	defined(CONFIG_ARCH_HAS_SYNC_DMA_FOR_CPU_ALL)
#define DMAB_HAVE_DEV_DMA_COHERENT 1
static inline void dmab_force_dma_coherent(struct device *dev)
{
	dev->dma_coherent = true;
}
#else
#define DMAB_HAVE_DEV_DMA_COHERENT 0
static inline void dmab_force_dma_coherent(struct device *dev)
{
}
#endif

#endif /* DMAB_COMPAT_H */
