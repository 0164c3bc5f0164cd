// SPDX-License-Identifier: GPL-2.0
/*
 * dmabench.ko: buffers of each DMA buffer strategy for user space to
 * measure, a device that writes and reads them (an emulated bus master, or
 * a DMA_MEMCPY channel where asked), and a look at the page tables to tell
 * which memory type user space really got.
 *
 * /dev/dmabench answers INFO, ALLOC, QUERY_MAPPING and FULL_FLUSH. ALLOC
 * returns a new file per buffer: mmap it, SYNC, DEVICE_* and DMA_(UN)MAP on it, close it
 * to free it (a mapping holds the file, so munmap after close is fine).
 * This file holds the ioctls and file operations; dmab.h says where the
 * rest is.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/build_bug.h>
#include <linux/cache.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/overflow.h>
#include <linux/platform_device.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#ifdef CONFIG_X86
#include <asm/hypervisor.h>
#include <asm/processor.h>
#endif
#if defined(CONFIG_ARM) || defined(CONFIG_ARM64)
#include <asm/cputype.h>
#endif

#include "compat.h"
#include "dmab.h"

/* The ABI's layout, as the harness asserts it too: same on 32 and 64 bits. */
static_assert(sizeof(struct dmab_info) == 256);
static_assert(sizeof(struct dmab_alloc) == 48);
static_assert(sizeof(struct dmab_sync) == 56);
static_assert(sizeof(struct dmab_device_op) == 64);
static_assert(sizeof(struct dmab_query_mapping) == 48);
static_assert(sizeof(struct dmab_full_flush) == 32);
static_assert(sizeof(struct dmab_dma_map) == 32);
/* ABI 3 put fields where padding and reserved words were: the same places on both sides */
static_assert(offsetof(struct dmab_info, carveout_base) == 216);
static_assert(offsetof(struct dmab_info, carveout_sync) == 244);
static_assert(offsetof(struct dmab_alloc, backend) == 20);
static_assert(offsetof(struct dmab_alloc, phys_addr) == 32);
static_assert(offsetof(struct dmab_alloc, alloc_ns) == 40);

/* ---- Parameters ---- */

static ushort dmab_mode = 0600;
module_param_named(mode, dmab_mode, ushort, 0444);
MODULE_PARM_DESC(mode, "Permissions of /dev/dmabench (default 0600)");

static bool dmab_force_coherent;
module_param_named(force_coherent, dmab_force_coherent, bool, 0444);
MODULE_PARM_DESC(force_coherent, "Declare the device DMA-coherent (ARM), to compare both paths");

static struct platform_device *dmab_pdev;
static struct device *dmab_dev;

/* ---- The buffer file ---- */

static long dmab_ioctl_device_op(struct dmab_buffer *buf, unsigned int cmd, void __user *uarg)
{
	struct dmab_device_op op;
	int ret;

	if (copy_from_user(&op, uarg, sizeof(op)))
		return -EFAULT;
	ret = dmab_device_transfer(buf, cmd == DMAB_IOC_DEVICE_WRITE, &op);
	if (ret)
		return ret;
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
	if (buf->dma_unmapped) {
		mutex_unlock(&buf->lock);
		return -ENXIO;
	}
	start_ns = ktime_get_ns();
	req.done = dmab_buffer_sync(buf, for_device, dir, req.offset, req.length);
	req.kernel_ns = ktime_get_ns() - start_ns;
	mutex_unlock(&buf->lock);

	if (copy_to_user(uarg, &req, sizeof(req)))
		return -EFAULT;
	return 0;
}

static long dmab_ioctl_dma_map(struct dmab_buffer *buf, bool map, void __user *uarg)
{
	struct dmab_dma_map req;
	u64 start_ns;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.pad || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;

	ret = mutex_lock_killable(&buf->lock);
	if (ret)
		return ret;
	start_ns = ktime_get_ns();
	ret = map ? dmab_buffer_dma_map(buf) : dmab_buffer_dma_unmap(buf);
	req.kernel_ns = ktime_get_ns() - start_ns;
	mutex_unlock(&buf->lock);
	if (ret)
		return ret;

	if (copy_to_user(uarg, &req, sizeof(req)))
		return -EFAULT;
	return 0;
}

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
	case DMAB_IOC_DMA_UNMAP:
		return dmab_ioctl_dma_map(buf, false, uarg);
	case DMAB_IOC_DMA_MAP:
		return dmab_ioctl_dma_map(buf, true, uarg);
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

static int dmab_buffer_file_mmap(struct file *file, struct vm_area_struct *vma)
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
	return dmab_buffer_mmap(buf, vma);
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
	.mmap = dmab_buffer_file_mmap,
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

/*
 * The CPU's L1 data cache line, as the CPU states it: ARM CTR.DminLine
 * (user space cannot read CTR on ARMv7), x86 the CLFLUSH line size. Not
 * cache_line_size(): on ARM that is the kernel's build-time maximum
 * (Debian's ARMv7 kernels say 64 where a Cortex-A9 has 32).
 */
static u32 dmab_cpu_cache_line(void)
{
#if defined(CONFIG_ARM) || defined(CONFIG_ARM64)
	return 4U << ((read_cpuid_cachetype() >> 16) & 0xf);
#elif defined(CONFIG_X86)
	return boot_cpu_data.x86_clflush_size;
#else
	return cache_line_size();
#endif
}

/* Whether the kernel runs under a hypervisor, and which: DMAB_INFO_HYPERVISOR*. */
static u32 dmab_hypervisor(char *name, size_t len)
{
#ifdef CONFIG_X86
	static const char *const names[] = {
		[X86_HYPER_VMWARE] = "VMware",
		[X86_HYPER_MS_HYPERV] = "Microsoft Hyper-V",
		[X86_HYPER_XEN_PV] = "Xen PV",
		[X86_HYPER_XEN_HVM] = "Xen HVM",
		[X86_HYPER_KVM] = "KVM",
	};

	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR))
		return 0;
	if (x86_hyper_type < ARRAY_SIZE(names) && names[x86_hyper_type])
		strscpy(name, names[x86_hyper_type], len);
	else
		strscpy(name, "unidentified (CPUID bit)", len);
	return DMAB_INFO_HYPERVISOR;
#else
	/* ARM has no architectural way for a kernel at EL1 to tell. */
	return DMAB_INFO_HYPERVISOR_UNKNOWN;
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
	if (dmab_device_is_dmaengine()) {
		info.flags |= DMAB_INFO_DMAENGINE;
		dmab_device_names(info.dma_channel, sizeof(info.dma_channel),
				  info.dma_controller, sizeof(info.dma_controller));
	}
	if (dmab_outer_cache_present())
		info.flags |= DMAB_INFO_OUTER_CACHE;
	if (dmab_mappings_bounce())
		info.flags |= DMAB_INFO_BOUNCE;
	if (dmab_atomic_from_pool())
		info.flags |= DMAB_INFO_ATOMIC_POOL;
	info.flags |= dmab_hypervisor(info.hypervisor, sizeof(info.hypervisor));
	info.cache_line = dmab_cpu_cache_line();
	info.dma_alignment = cache_line_size();
	info.full_flush = dmab_full_flush_refusal();
	info.strategy_mask = dmab_strategy_mask();
	info.max_total_bytes = dmab_max_total_bytes();
	dmab_buffers_usage(&info.allocated_bytes, &info.live_buffers);
	dmab_carveout_info(&info);
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
	if ((req.flags & ~DMAB_ALLOC_FLAGS) || req.backend >= DMAB_BACKEND_COUNT)
		return -EINVAL;
	if (req.strategy >= DMAB_STRAT_COUNT)
		return -EINVAL;
	/* The index below is user-controlled: no speculation past the bound (Spectre v1). */
	req.strategy = array_index_nospec(req.strategy, DMAB_STRAT_COUNT);
	if (req.backend == DMAB_BACKEND_CARVEOUT) {
		if (!dmab_carveout_present())
			return -ENODEV;
		if (!(dmab_carveout_strategy_mask() & BIT(req.strategy)))
			return -EOPNOTSUPP;
	} else if (!(dmab_strategy_mask() & BIT(req.strategy))) {
		return -EOPNOTSUPP;
	}
	/* with interrupts off: dma_alloc_coherent's, no other allocator may be called so */
	if ((req.flags & DMAB_ALLOC_ATOMIC) &&
	    (req.backend != DMAB_BACKEND_PAGES || req.strategy != DMAB_STRAT_COHERENT))
		return -EOPNOTSUPP;
	if (!req.size || !IS_ALIGNED(req.size, PAGE_SIZE) || req.size > DMAB_MAX_BUFFER_BYTES)
		return -EINVAL;

	start_ns = ktime_get_ns();
	buf = dmab_buffer_create(req.backend, req.strategy, req.size, req.flags);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	req.alloc_ns = buf->alloc_ns;
	/* Where a device would write: user space maps it through /dev/mem too (devmem) */
	req.phys_addr = buf->strategy->backing == DMAB_BACKING_CARVEOUT ? buf->phys : 0;

	/*
	 * The fd is installed only once user space has its number: an fd
	 * installed before a failing copy_to_user could not be taken back.
	 */
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto out_destroy_buffer;
	}
	file = anon_inode_getfile(dmab_buffer_name(buf), &dmab_buffer_fops, buf, O_RDWR);
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

bool dmab_is_buffer_vma(struct vm_area_struct *vma)
{
	return vma->vm_ops == &dmab_vm_ops && vma->vm_file &&
	       vma->vm_file->f_op == &dmab_buffer_fops;
}

static long dmab_ioctl_query_mapping(void __user *uarg)
{
	struct dmab_query_mapping req;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	ret = dmab_query_mapping(&req);
	if (ret)
		return ret;
	if (copy_to_user(uarg, &req, sizeof(req)))
		return -EFAULT;
	return 0;
}

/* EOPNOTSUPP where no whole-cache flush can be had: INFO's full_flush says why. */
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
	ret = dmab_full_flush(NULL, true, DMA_BIDIRECTIONAL, 0, 0, &done);
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
	char channel[DMAB_NAME_LEN] = "", controller[DMAB_CONTROLLER_LEN] = "";
	char carveout[128];
	int ret;

	ret = dmab_check_params();
	if (ret)
		return ret;

	dmab_pdev = platform_device_register_simple(KBUILD_MODNAME, PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(dmab_pdev))
		return PTR_ERR(dmab_pdev);
	dmab_dev = &dmab_pdev->dev;

	ret = dma_set_mask_and_coherent(dmab_dev, DMA_BIT_MASK(64));
	if (ret) {
		dev_err(dmab_dev, "no 64-bit DMA mask: %d\n", ret);
		goto out_unregister_pdev;
	}
	/* A page-backed buffer's segments are chunks of up to 2 MiB; a sync may span one. */
	ret = dmab_set_max_seg_size(dmab_dev, UINT_MAX);
	if (ret) {
		dev_err(dmab_dev, "cannot raise the DMA segment size: %d\n", ret);
		goto out_unregister_pdev;
	}
	if (dmab_force_coherent) {
		if (DMAB_HAVE_DEV_DMA_COHERENT)
			dmab_force_dma_coherent(dmab_dev);
		else
			dev_info(dmab_dev, "force_coherent: devices here are always coherent\n");
	}

	ret = dmab_device_setup(dmab_dev, dmab_force_coherent);
	if (ret)
		goto out_unregister_pdev;
	ret = dmab_buffers_probe(dmab_dma_dev);
	if (ret)
		goto out_release_device;
	ret = dmab_carveout_setup();
	if (ret)
		goto out_release_device;

	dmab_misc.mode = dmab_mode;
	dmab_misc.parent = dmab_dev;
	ret = misc_register(&dmab_misc);
	if (ret)
		goto out_release_carveout;

	dmab_device_names(channel, sizeof(channel), controller, sizeof(controller));
	dmab_carveout_describe(carveout, sizeof(carveout));
	dev_info(dmab_dev, "ABI %d, %s, DMA %scoherent%s, up to %u MiB, device: %s%s%s%s\n",
		 DMAB_ABI_VERSION, dmab_arch(), dev_is_dma_coherent(dmab_dma_dev) ? "" : "non-",
		 dmab_mappings_bounce() ? ", streaming mappings bounce" : "",
		 dmab_max_total_mb, channel[0] ? channel : "emulated", channel[0] ? " on " : "",
		 controller, carveout);
	return 0;

out_release_carveout:
	dmab_carveout_release();
out_release_device:
	dmab_device_release();
out_unregister_pdev:
	platform_device_unregister(dmab_pdev);
	return ret;
}

static void __exit dmab_exit(void)
{
	misc_deregister(&dmab_misc);

	/* Every buffer file holds the module, so none can be left here. */
	WARN_ON(dmab_buffers_live());

	dmab_carveout_release();
	dmab_device_release();
	platform_device_unregister(dmab_pdev);
}

module_init(dmab_init);
module_exit(dmab_exit);

MODULE_DESCRIPTION("DMA buffer strategies, an emulated bus master, effective memory types");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1.0");
