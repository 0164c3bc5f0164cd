// SPDX-License-Identifier: GPL-2.0
/*
 * QUERY_MAPPING: the memory type a dmabench buffer's user mapping really
 * got, read back from the process's page tables (what was asked is not
 * always what the kernel grants: x86 PAT, arm64 Device memory).
 */
#include <linux/errno.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "compat.h"
#include "dmab.h"

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
 * dmabench buffer's (with DMAB_QUERY_ANY_PFNMAP: nor a PFN mapping, such as
 * /dev/mem's); ENXIO, no page-table entry there.
 */
int dmab_query_mapping(struct dmab_query_mapping *req)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned long address;
	u64 entry, start_ns;
	int ret;

	if ((req->flags & ~DMAB_QUERY_ANY_PFNMAP) ||
	    memchr_inv(req->reserved, 0, sizeof(req->reserved)))
		return -EINVAL;
	if (req->address > ULONG_MAX || !mm)
		return -EFAULT;
	address = req->address;

	start_ns = ktime_get_ns();
	ret = mmap_read_lock_killable(mm);
	if (ret)
		return ret;
	vma = vma_lookup(mm, address);
	if (!vma)
		ret = -EFAULT;
	else if (!dmab_is_buffer_vma(vma) &&
		 !((req->flags & DMAB_QUERY_ANY_PFNMAP) && (vma->vm_flags & VM_PFNMAP)))
		ret = -EINVAL;
	else if (dmab_read_leaf(vma, address, &entry))
		ret = -ENXIO;
	mmap_read_unlock(mm);
	if (ret)
		return ret;

	req->memory_type = dmab_memory_type(entry, &req->raw);
	req->kernel_ns = ktime_get_ns() - start_ns;
	return 0;
}
