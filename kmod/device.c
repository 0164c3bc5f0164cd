// SPDX-License-Identifier: GPL-2.0
/*
 * The device that writes and reads the buffers' frames: an emulated bus
 * master (the kernel on the calling CPU, storing around the CPU caches as
 * a device does), or, with dmaengine=on, a DMA_MEMCPY channel of the
 * board's DMA controller.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-direct.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "dmab.h"

/*
 * off by default: a DMA_MEMCPY channel taken at load is held for as long as
 * the module is loaded, away from the board's own drivers (on a PL330 the
 * SPI, UART or audio drivers may need it), so the board's controller plays
 * the device only when asked. Every result names its device either way.
 */
static char *dmab_dmaengine = "off";
module_param_named(dmaengine, dmab_dmaengine, charp, 0444);
MODULE_PARM_DESC(dmaengine, "off|on|auto: a DMA_MEMCPY channel as the device (default off: emulated; auto: if there is one)");

/* The emulated device yields the CPU after this many bytes. */
#define DMAB_DEVICE_STEP	SZ_64K

struct device *dmab_dma_dev;
static struct dma_chan *dmab_chan;	/* NULL: the emulated device plays */

bool dmab_device_is_dmaengine(void)
{
	return dmab_chan;
}

/* The channel ("dma0chan0") and its controller ("12680000.dma-controller (dma-pl330)"). */
void dmab_device_names(char *channel, size_t channel_len, char *controller,
		       size_t controller_len)
{
	struct device *dev;

	if (!dmab_chan)
		return;
	dev = dmab_chan->device->dev;
	strscpy(channel, dma_chan_name(dmab_chan), channel_len);
	snprintf(controller, controller_len, "%s (%s)", dev_name(dev), dev_driver_string(dev));
}

/* ---- Where the device touches a buffer ---- */

/*
 * The emulated device's view. x86: the linear map (already UC/WC where the
 * strategy asked), written with non-temporal stores; a second, differently
 * typed alias is just what PAT forbids. Elsewhere: a non-cacheable alias,
 * so the device's stores go to memory past the CPU caches as a real bus
 * master's do: that is what makes cached-nosync stale on a non-coherent
 * machine. A coherent device snoops, so for cacheable user mappings it gets
 * a cacheable alias; an uncached user mapping always pairs with a
 * non-cacheable one. A DMA_MEMCPY channel needs no CPU view.
 */
static int dmab_pages_map_device_view(struct dmab_buffer *buf)
{
	unsigned int npages = buf->size >> PAGE_SHIFT;
	unsigned int i, j, k = 0;
	struct page **pages;
	pgprot_t prot;

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

/*
 * carveout.c made the emulated device's view of a carveout buffer; a
 * channel needs the region's DMA address, which dma_map_resource() gives
 * (no struct page, no cache maintenance: SYNC does that).
 */
static int dmab_carveout_map_resource(struct dmab_buffer *buf)
{
	if (!dmab_chan)
		return 0;
	buf->dma_addr = dma_map_resource(dmab_dma_dev, buf->phys, buf->size, DMA_BIDIRECTIONAL, 0);
	if (dma_mapping_error(dmab_dma_dev, buf->dma_addr))
		return -EIO;
	buf->dma_resource_mapped = true;
	return 0;
}

int dmab_device_attach(struct dmab_buffer *buf)
{
	if (buf->strategy->backing == DMAB_BACKING_CARVEOUT)
		return dmab_carveout_map_resource(buf);
	if (buf->strategy->backing != DMAB_BACKING_PAGES) {
		/* What the DMA API made of it (NC remap, or cacheable when coherent). */
		buf->device_view = buf->cpu_addr;
		return 0;
	}
	/* x86 writes the linear map or the bounce slots; the channel needs nothing. */
	if (IS_ENABLED(CONFIG_X86) || dmab_chan)
		return 0;
	return dmab_pages_map_device_view(buf);
}

void dmab_device_detach(struct dmab_buffer *buf)
{
	if (buf->dma_resource_mapped)
		dma_unmap_resource(dmab_dma_dev, buf->dma_addr, buf->size, DMA_BIDIRECTIONAL, 0);
	buf->dma_resource_mapped = false;
	if (buf->strategy->backing == DMAB_BACKING_CARVEOUT)
		return;
	dmab_pages_unmap_device_view(buf);
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

struct dmab_walk_args {
	dmab_frame_fn fn;
	struct dmab_frame *frame;
};

/*
 * A bounced mapping (x86): the device stores where a bus master would, at
 * the DMA address, which is a swiotlb slot in the linear map; SYNC copies
 * between the slot and the buffer, as it does for a real device.
 */
static int dmab_walk_bounce_slots(struct dmab_buffer *buf, dma_addr_t addr, u64 len, void *arg)
{
	struct dmab_walk_args *w = arg;

	return dmab_walk_mapped(phys_to_virt(dma_to_phys(buf->dev, addr)), len, w->fn, w->frame);
}

/* Runs @fn over [offset, offset + length) of the device's view, in order. */
static int dmab_device_walk(struct dmab_buffer *buf, u64 offset, u64 length,
			    dmab_frame_fn fn, struct dmab_frame *f)
{
	struct dmab_walk_args args = { .fn = fn, .frame = f };
	u64 end = offset + length, pos = 0;
	unsigned int i;
	int ret;

	if (buf->device_view)
		return dmab_walk_mapped((u8 *)buf->device_view + offset, length, fn, f);
	if (buf->bounced)
		return dmab_walk_dma_ranges(buf, offset, length, dmab_walk_bounce_slots, &args);

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
static DEFINE_MUTEX(dmab_staging_lock);	/* one transfer at a time: protects the below too */

/*
 * The transfer being waited for. The callback finds it by number, never
 * through the waiter's stack: a callback that comes after a timeout or a
 * fatal signal (the waiter gone) matches no number and does nothing.
 *
 * The plain callback, not callback_result: pl330 keeps one descriptor pool
 * per controller and, in kernels without the fix that clears it in
 * pluck_desc(), hands a descriptor on with our callback_result still set;
 * the next user of that controller (the serial port's DMA on Exynos) then
 * calls this module instead of its own callback, and after rmmod an
 * address that is gone. Errors and residue come from dmaengine_tx_status().
 */
static DEFINE_SPINLOCK(dmab_xfer_lock);
static unsigned long dmab_xfer_waiting;	/* 0: nobody waits */
static unsigned long dmab_xfer_last;
static DECLARE_COMPLETION(dmab_xfer_done);

static void dmab_dma_complete(void *param)
{
	unsigned long flags;

	spin_lock_irqsave(&dmab_xfer_lock, flags);
	if ((unsigned long)param == dmab_xfer_waiting)
		complete(&dmab_xfer_done);
	spin_unlock_irqrestore(&dmab_xfer_lock, flags);
}

static void dmab_xfer_wait_for(unsigned long id)
{
	spin_lock_irq(&dmab_xfer_lock);
	dmab_xfer_waiting = id;
	reinit_completion(&dmab_xfer_done);
	spin_unlock_irq(&dmab_xfer_lock);
}

/* One memcpy on the channel, waited for; the caller holds dmab_staging_lock. */
static int dmab_dma_memcpy(dma_addr_t dst, dma_addr_t src, size_t len)
{
	struct dma_async_tx_descriptor *tx;
	struct dma_tx_state state = { 0 };
	enum dma_status status;
	unsigned long id;
	dma_cookie_t cookie;
	long left;

	tx = dmaengine_prep_dma_memcpy(dmab_chan, dst, src, len,
				       DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
	if (!tx)
		return -EIO;
	id = ++dmab_xfer_last ? dmab_xfer_last : ++dmab_xfer_last;	/* never 0 */
	dmab_xfer_wait_for(id);
	tx->callback = dmab_dma_complete;
	tx->callback_param = (void *)id;
	cookie = dmaengine_submit(tx);
	if (dma_submit_error(cookie)) {
		dmab_xfer_wait_for(0);
		return -EIO;
	}
	dma_async_issue_pending(dmab_chan);

	left = wait_for_completion_killable_timeout(&dmab_xfer_done,
						    msecs_to_jiffies(DMAB_DMA_TIMEOUT_MS));
	dmab_xfer_wait_for(0);
	if (left <= 0) {
		/* Stop the channel before the buffers it writes can be freed. */
		dmaengine_terminate_sync(dmab_chan);
		pr_warn_ratelimited("%s: memcpy of %zu bytes %s\n", dma_chan_name(dmab_chan), len,
				    left ? "interrupted" : "timed out");
		return left ? -EINTR : -ETIMEDOUT;
	}
	status = dmaengine_tx_status(dmab_chan, cookie, &state);
	if (status != DMA_COMPLETE || state.residue) {
		pr_warn_ratelimited("%s: memcpy of %zu bytes failed (status %d, residue %u)\n",
				    dma_chan_name(dmab_chan), len, status, state.residue);
		return -EIO;
	}
	return 0;
}

/* Every memcpy of a request is checked before the first starts: never half a frame. */
static int dmab_dma_check_range(struct dmab_buffer *buf, dma_addr_t addr, u64 len, void *arg)
{
	while (len) {
		size_t step = min_t(u64, len, dmab_staging_step);

		if (!is_dma_copy_aligned(dmab_chan->device, dmab_staging_dma, addr, step))
			return -EINVAL;
		addr += step;
		len -= step;
	}
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
	ret = dmab_walk_dma_ranges(buf, offset, length, dmab_dma_check_range, NULL);
	if (!ret)
		ret = dmab_walk_dma_ranges(buf, offset, length, dmab_dma_transfer_range, &t);
	mutex_unlock(&dmab_staging_lock);
	return ret;
}

/*
 * dmaengine=off (the default) emulates the device; on takes a DMA_MEMCPY
 * channel (none: the load fails); auto takes one when the board has one.
 * force_coherent is about the emulated device (a real controller's
 * coherence is its own), so it keeps auto off the channel and cannot go
 * with on. @own is the module's platform device.
 */
int dmab_device_setup(struct device *own, bool force_coherent)
{
	bool on = sysfs_streq(dmab_dmaengine, "on");
	dma_cap_mask_t mask;
	struct dma_chan *chan;
	struct device *dev;

	dmab_dma_dev = own;
	if (sysfs_streq(dmab_dmaengine, "off"))
		return 0;
	if (!on && !sysfs_streq(dmab_dmaengine, "auto")) {
		pr_err("dmaengine=%s: expected auto, on or off\n", dmab_dmaengine);
		return -EINVAL;
	}
	if (force_coherent) {
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
			/* EPROBE_DEFER here means no controller offers one, not "try later" */
			if (PTR_ERR(chan) == -EPROBE_DEFER || PTR_ERR(chan) == -ENODEV)
				pr_err("dmaengine=on: no DMA_MEMCPY channel: no DMA controller here offers one\n");
			else
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

void dmab_device_release(void)
{
	if (!dmab_chan)
		return;
	/*
	 * The last completion woke its waiter from inside the channel's
	 * callback (a tasklet on pl330): wait until no callback runs any more
	 * before this module's code and the staging buffer can go away.
	 */
	dmaengine_terminate_sync(dmab_chan);
	dma_free_coherent(dmab_dma_dev, DMAB_STAGING_BYTES, dmab_staging, dmab_staging_dma);
	dma_release_channel(dmab_chan);
	dmab_staging = NULL;
	dmab_chan = NULL;
}

/* DEVICE_WRITE (@write) or DEVICE_READ: @op as user space gave it, its outputs filled in. */
int dmab_device_transfer(struct dmab_buffer *buf, bool write, struct dmab_device_op *op)
{
	struct dmab_frame frame;
	u64 end, start_ns;
	int ret;

	if (op->flags || memchr_inv(op->reserved, 0, sizeof(op->reserved)))
		return -EINVAL;
	if (op->line < DMAB_LINE_MIN || op->line > DMAB_LINE_MAX || !is_power_of_2(op->line))
		return -EINVAL;
	/* Whole words at word-aligned offsets: the frame is made of u64s. */
	if (!op->length || !IS_ALIGNED(op->length, sizeof(u64)) ||
	    !IS_ALIGNED(op->offset, sizeof(u64)))
		return -EINVAL;
	if (check_add_overflow(op->offset, op->length, &end) || end > buf->size)
		return -EINVAL;

	frame = (struct dmab_frame) {
		.sequence = op->sequence,
		.key = dmab_oracle_key(op->sequence),
		.line_mask = op->line / sizeof(u64) - 1,
	};

	ret = mutex_lock_killable(&buf->lock);
	if (ret)
		return ret;
	if (buf->dma_unmapped) {
		/* DMA_UNMAP: a device has no address for the buffer */
		mutex_unlock(&buf->lock);
		return -ENXIO;
	}
	start_ns = ktime_get_ns();
	if (dmab_chan) {
		ret = dmab_dmaengine_transfer(buf, write, op->offset, op->length, &frame);
	} else if (write) {
		ret = dmab_device_walk(buf, op->offset, op->length, dmab_frame_write, &frame);
		/* The frame is in memory when the ioctl returns, as at a device's completion. */
		wmb();
	} else {
		ret = dmab_device_walk(buf, op->offset, op->length, dmab_frame_check, &frame);
	}
	/* The last line may be partial. */
	dmab_frame_line_end(&frame);
	op->kernel_ns = ktime_get_ns() - start_ns;
	mutex_unlock(&buf->lock);
	if (ret)
		return ret;

	op->bad_lines = write ? 0 : frame.bad_lines;
	op->stale_lines = write ? 0 : frame.stale_lines;
	return 0;
}
