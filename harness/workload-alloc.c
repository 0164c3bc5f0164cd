// SPDX-License-Identifier: GPL-2.0
/*
 * alloc and alloc-atomic: what getting a buffer costs, and giving it back.
 * Each frame is one buffer's life as a capture pipeline starts it:
 *
 *   alloc_map       the strategy's setup: the allocation and the user
 *                   mapping (user: an anonymous mmap; dma-heap, udmabuf:
 *                   the heap's or udmabuf's ioctl then mmap; devmem:
 *                   /dev/mem). Where the strategy takes it apart (kmod,
 *                   carveout) it is the sum of two phases timed apart:
 *     alloc         DMAB_IOC_ALLOC: the memory, its streaming mapping
 *                   where it has one, its file
 *     mmap          the user mapping (the module maps every page up front)
 *   kernel_alloc    of alloc, the allocator's own time as the module
 *                   measured it (alloc-atomic: the time interrupts were off)
 *   first_touch     one 64-bit store at the start of every page: the page
 *                   faults, or the first writes through a mapping the
 *                   kernel populated up front
 *   sync_for_device the strategy's sync_for_device over the whole buffer,
 *                   for the device to read what the CPU wrote (a clean),
 *   sync_for_cpu    then its sync_for_cpu, for the CPU to read what the
 *                   device wrote (an invalidate); nothing for uncached, wc,
 *                   coherent and cached-nosync
 *   dma_unmap       where the buffer has a streaming mapping (the module's
 *   dma_map         page-backed strategies): the mapping given up and made
 *                   again, what a driver that maps per frame pays instead
 *                   of the two syncs
 *   unmap_free      the strategy's teardown: munmap and the free (the
 *                   module frees when the mapping and the fd are gone);
 *                   where the strategy takes it apart (kmod, carveout) the
 *                   sum of two phases timed apart:
 *     munmap        the user mapping given back (the buffer's file holds it)
 *     free          the last close: the module frees the buffer
 *
 * Before unmap_free, untimed, the CPU reads each page's word back: a
 * mapping that lost a store or maps two pages onto one, or a clean that did
 * not reach memory before an invalidate dropped the line, shows as corrupt,
 * not as a fast number. A frame that gets no buffer is counted by errno
 * (cell->failures) and the configuration goes on: that count is a result
 * (ENOMEM when the allocator, CMA or the atomic pool has no room, EDQUOT
 * over the module's max_total_mb). cpu_cost is alloc_map + first_touch +
 * the syncs + unmap_free; alloc, mmap, kernel_alloc, dma_unmap and dma_map
 * are beside it (alloc and mmap are inside alloc_map; the other two are the
 * alternative to the syncs, not an addition to them).
 *
 * alloc-atomic is the same life with the allocation made as a driver must
 * with interrupts off (an interrupt handler, a spinlock held): the module's
 * dma_alloc_coherent with GFP_ATOMIC, from the atomic pool (coherent_pool=)
 * where the device is not DMA-coherent.
 *
 * alloc-fragmented is alloc's life in a pool left in holes: before each
 * repetition, untimed, the strategy's buffers of half the frame's size are
 * got until it refuses one (ENOMEM: CMA or the allocator has no room;
 * EDQUOT: max_total_mb) or FRAGMENT_CAP_BYTES are held, each page touched,
 * then every other one is given back. Half of what the fill took is free
 * again, in holes half a frame wide: an allocator that needs the frame in
 * one block (CMA, the DMA API's coherent buffers on ARM) has no room for it
 * unless it can move pages or fall back elsewhere (arm64's dma-direct falls
 * back to the page allocator; 32-bit ARM's CMA allocator does not); one
 * that builds the buffer from pages (user, cached-sync) does not care.
 * What the fill got and what stopped it is in the result (fragmented).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "env.h"
#include "mark.h"
#include "oracle.h"
#include "workload.h"

static const uint64_t alloc_sizes[] = {
	4096, 65536, 1048576, 16777216, 67108864, 0
};

/*
 * What the first touch leaves in page @page of the frame whose oracle key is
 * @key: the oracle's word formula with pages for words, so every page of a
 * frame holds its own value, and no page holds what a fresh page holds (0).
 */
static uint64_t page_word(uint64_t key, size_t page)
{
	return key ^ (((uint64_t)page + 1) * DMAB_ORACLE_M);
}

static size_t page_size(void)
{
	static size_t page;

	if (!page)
		page = (size_t)sysconf(_SC_PAGESIZE);
	return page;
}

/* One store a page; volatile: the stores are the point, the compiler keeps them all. */
static void first_touch(unsigned char *cpu, size_t size, uint64_t seq)
{
	size_t page = page_size(), off;
	uint64_t key = dmab_oracle_key(seq);

	for (off = 0; off < size; off += page)
		*(volatile uint64_t *)(cpu + off) = page_word(key, off / page);
}

/*
 * Reads each page's word back. A page that still holds what a fresh page
 * holds (0) lost the CPU's store to older data: stale (the negative control
 * under swiotlb, whose dma_unmap copies the untouched bounce slot back over
 * it). Any other wrong word is corrupt.
 */
static void check_touch(const unsigned char *cpu, size_t size, uint64_t seq,
			struct dmab_integrity *in)
{
	size_t page = page_size(), off;
	uint64_t key = dmab_oracle_key(seq);

	for (off = 0; off < size; off += page) {
		uint64_t word = *(const volatile uint64_t *)(cpu + off);

		in->lines_checked++;
		if (word == 0)
			in->stale_lines++;
		else if (word != page_word(key, off / page))
			in->corrupt_lines++;
	}
	in->frames_checked++;
}

/* A buffer for the frame: 0, or the errno the strategy met (nothing to give back then). */
static int get_buffer(struct dmab_cell *c, struct dmab_marks *m, unsigned int flags, uint64_t *ns)
{
	const struct dmab_strategy *s = c->strategy;
	struct dmab_buffer *b = &c->bufs[0];
	uint64_t kernel_ns = UINT64_MAX;
	int ret;

	if (!s->alloc) {
		ret = s->setup(s, b, c->size);
		if (!ret)
			dmab_marks_phase(m, DMAB_PHASE_ALLOC_MAP, 1, ns);
		return ret;
	}
	ret = s->alloc(s, b, c->size, flags, &kernel_ns);
	if (ret)
		return ret;
	dmab_marks_phase(m, DMAB_PHASE_ALLOC, 1, ns);
	ret = s->map(b);
	if (ret) {
		s->teardown(b);
		ns[DMAB_PHASE_ALLOC] = UINT64_MAX;
		return ret;
	}
	dmab_marks_phase(m, DMAB_PHASE_MMAP, 1, ns);
	ns[DMAB_PHASE_ALLOC_MAP] = ns[DMAB_PHASE_ALLOC] + ns[DMAB_PHASE_MMAP];
	ns[DMAB_PHASE_KERNEL_ALLOC] = kernel_ns;
	return 0;
}

/* dma_unmap then dma_map, where the buffer has a streaming mapping. */
static int remap(struct dmab_cell *c, struct dmab_marks *m, uint64_t *ns)
{
	const struct dmab_strategy *s = c->strategy;
	struct dmab_buffer *b = &c->bufs[0];
	int ret;

	if (!s->dma_unmap)
		return 0;
	ret = s->dma_unmap(b);
	if (ret == -EOPNOTSUPP) {
		/* no streaming mapping (coherent, wc outside x86): the question is no phase */
		dmab_marks_resume(m);
		return 0;
	}
	if (ret)
		return ret;
	dmab_marks_phase(m, DMAB_PHASE_DMA_UNMAP, 1, ns);
	ret = s->dma_map(b);
	if (ret)
		return ret;
	dmab_marks_phase(m, DMAB_PHASE_DMA_MAP, 1, ns);
	return 0;
}

/* The buffer given back: munmap and free apart where the strategy can, their sum unmap_free. */
static int give_back(struct dmab_cell *c, struct dmab_marks *m, uint64_t *ns)
{
	const struct dmab_strategy *s = c->strategy;
	struct dmab_buffer *b = &c->bufs[0];
	int ret;

	if (!s->unmap) {
		s->teardown(b);
		dmab_marks_phase(m, DMAB_PHASE_UNMAP_FREE, 1, ns);
		return 0;
	}
	ret = s->unmap(b);
	dmab_marks_phase(m, DMAB_PHASE_MUNMAP, 1, ns);
	s->teardown(b);
	dmab_marks_phase(m, DMAB_PHASE_FREE, 1, ns);
	ns[DMAB_PHASE_UNMAP_FREE] = ns[DMAB_PHASE_MUNMAP] + ns[DMAB_PHASE_FREE];
	return ret;
}

static int life(struct dmab_cell *c, uint64_t *ns, unsigned int flags)
{
	const struct dmab_strategy *s = c->strategy;
	struct dmab_buffer *b = &c->bufs[0];
	struct dmab_marks m;
	int ret;

	dmab_marks_begin(&m, c);
	ret = get_buffer(c, &m, flags, ns);
	if (ret) {
		/* counted, not timed: a failure's time is not a buffer's */
		b->cpu = NULL;
		dmab_failures_add(&c->failures, ret);
		return 0;
	}
	first_touch(b->cpu, c->size, c->seq);
	dmab_marks_phase(&m, DMAB_PHASE_FIRST_TOUCH, 1, ns);
	/* to the device and back in the directions that keep the CPU's words */
	ret = s->sync_for_device(b, 0, c->size, DMAB_TO_DEVICE);
	if (ret)
		goto out_teardown;
	dmab_marks_phase(&m, DMAB_PHASE_SYNC_FOR_DEVICE, 1, ns);
	ret = s->sync_for_cpu(b, 0, c->size, DMAB_FROM_DEVICE);
	if (ret)
		goto out_teardown;
	dmab_marks_phase(&m, DMAB_PHASE_SYNC_FOR_CPU, 1, ns);
	ret = remap(c, &m, ns);
	if (ret)
		goto out_teardown;

	/* after dma_map the lines are clean: the CPU reads what it stored, or the loss */
	check_touch(b->cpu, c->size, c->seq, &c->integrity);
	if (!c->mapping_effective)
		s->query_mapping(b, &c->mapping_effective, &c->mapping_how);
	dmab_marks_resume(&m);

	/* a munmap that fails is the strategy failing: teardown gave the rest back anyway */
	ret = give_back(c, &m, ns);
	dmab_marks_frame(&m, ns);
	b->cpu = NULL;	/* given back: nothing for cell_teardown to free */
	return ret;

out_teardown:
	/* a sync or map that fails is the strategy failing, not a buffer that could not be had */
	s->teardown(b);
	b->cpu = NULL;
	return ret;
}

static int alloc_frame(struct dmab_cell *c, uint64_t *ns)
{
	return life(c, ns, 0);
}

static int alloc_atomic_frame(struct dmab_cell *c, uint64_t *ns)
{
	return life(c, ns, DMAB_SETUP_IRQS_OFF);
}

static const char *alloc_atomic_refuses(const struct dmab_strategy *s)
{
	return s->irqs_off_alloc ? NULL :
	       "allocating with interrupts off is dma_alloc_coherent with GFP_ATOMIC, which only "
	       "dmabench.ko's coherent strategy does (-b kmod -s coherent)";
}

/* the whole get-and-give-back; alloc, mmap, kernel_alloc, dma_unmap, dma_map beside it */
#define ALLOC_COST_PHASES (DMAB_PHASE_BIT(ALLOC_MAP) | DMAB_PHASE_BIT(FIRST_TOUCH) |	\
			   DMAB_PHASE_BIT(SYNC_FOR_DEVICE) | DMAB_PHASE_BIT(SYNC_FOR_CPU) |	\
			   DMAB_PHASE_BIT(UNMAP_FREE))
#define ALLOC_PHASES (DMAB_PHASE_BIT(CPU_COST) | ALLOC_COST_PHASES | DMAB_PHASE_BIT(ALLOC) |	\
		      DMAB_PHASE_BIT(MMAP) | DMAB_PHASE_BIT(KERNEL_ALLOC) |			\
		      DMAB_PHASE_BIT(DMA_UNMAP) | DMAB_PHASE_BIT(DMA_MAP) | DMAB_PHASE_BIT(MUNMAP) |	\
		      DMAB_PHASE_BIT(FREE) | DMAB_PHASE_BIT(FRAME))

/* What both workloads are: a buffer's life, no pattern, no device, checked by the first touch */
#define ALLOC_WORKLOAD				\
	.uses_pattern = 0,			\
	.uses_device = 0,			\
	.phases = ALLOC_PHASES,			\
	.cost_phases = ALLOC_COST_PHASES,	\
	.own_buffers = 1,			\
	.checked_by = "first-touch"

/* The most the fill holds: at most this, a quarter of the memory available, or the fds left. */
#define FRAGMENT_CAP_BYTES (256ull << 20)
#define FRAGMENT_MAX_HOLDS 4096u
#define FRAGMENT_FDS_SPARE 64u

static unsigned int fragment_max_holds(void)
{
	unsigned int n = FRAGMENT_MAX_HOLDS;
	struct rlimit r;

	/* a module buffer keeps its file open while it is held */
	if (!getrlimit(RLIMIT_NOFILE, &r) && r.rlim_cur != RLIM_INFINITY) {
		rlim_t room = r.rlim_cur > 2 * FRAGMENT_FDS_SPARE ?
			      r.rlim_cur - FRAGMENT_FDS_SPARE : FRAGMENT_FDS_SPARE;

		if (room < n)
			n = (unsigned int)room;
	}
	return n;
}

static void fragment_note(struct dmab_fragmented *f, unsigned int held, unsigned int kept,
			  int stopped_by)
{
	if (!f->reps || held < f->held_min)
		f->held_min = held;
	if (held > f->held_max)
		f->held_max = held;
	if (!f->reps || kept < f->kept_min)
		f->kept_min = kept;
	if (kept > f->kept_max)
		f->kept_max = kept;
	if (stopped_by)
		dmab_failures_add(&f->stops, stopped_by);
	else
		f->cap_stops++;
	f->reps++;
}

/*
 * The pool in holes before the repetition's frames (see the top): the
 * buffers in c->bufs[c->ring ..], every other one given back. ENOMEM or EDQUOT
 * end the fill as they must; another error from the strategy fails the
 * configuration, as it would a frame.
 */
static int alloc_fragment(struct dmab_cell *c)
{
	const struct dmab_strategy *s = c->strategy;
	struct dmab_fragmented *f = &c->fragmented;
	uint64_t avail = dmab_env_mem_available(), cap = FRAGMENT_CAP_BYTES;
	size_t hold = dmab_page_round(c->size / 2 ? c->size / 2 : 1);
	unsigned int n, i;
	struct dmab_buffer *bufs;
	int ret = 0;

	if (avail && avail / 4 < cap)
		cap = avail / 4;
	n = cap / hold < fragment_max_holds() ? (unsigned int)(cap / hold) : fragment_max_holds();
	f->hold_bytes = hold;
	f->cap_bytes = (uint64_t)n * hold;
	bufs = realloc(c->bufs, (c->ring + n) * sizeof(*bufs));
	if (!bufs)
		return -ENOMEM;
	c->bufs = bufs;
	memset(&bufs[c->ring], 0, n * sizeof(*bufs));
	for (i = 0; i < n; i++) {
		ret = s->setup(s, &bufs[c->ring + i], hold);
		if (ret) {
			bufs[c->ring + i].cpu = NULL;
			break;
		}
		c->held++;
		/* real pages, wherever the strategy would otherwise fault them in later */
		first_touch(bufs[c->ring + i].cpu, hold, 0);
	}
	if (ret && ret != -ENOMEM && ret != -EDQUOT)
		return ret;
	for (i = 1; i < c->held; i += 2) {
		s->teardown(&bufs[c->ring + i]);
		bufs[c->ring + i].cpu = NULL;
	}
	fragment_note(f, c->held, (c->held + 1) / 2, ret);
	return 0;
}

const struct dmab_workload dmab_workload_alloc = {
	.name = "alloc",
	.description = "a buffer's life per frame: alloc (+ mmap), first touch, sync for the "
		       "device and back over the whole buffer (and dma_unmap + dma_map where it "
		       "has a streaming mapping), unmap+free; failures counted by errno",
	ALLOC_WORKLOAD,
	.default_sizes = alloc_sizes,
	.frame = alloc_frame,
};

/* the atomic pools are small: 256 KiB on ARM, at least 128 KiB (growing) on arm64 */
static const uint64_t alloc_atomic_sizes[] = {
	4096, 65536, 262144, 1048576, 4194304, 0
};

const struct dmab_workload dmab_workload_alloc_atomic = {
	.name = "alloc-atomic",
	.description = "alloc's life with the allocation made with interrupts off "
		       "(dma_alloc_coherent, GFP_ATOMIC: the atomic pool where the device is not "
		       "coherent); the module's coherent strategy only",
	ALLOC_WORKLOAD,
	.default_sizes = alloc_atomic_sizes,
	.frame = alloc_atomic_frame,
	.refuses = alloc_atomic_refuses,
};

/* half-size holds: a frame of 2 MiB meets holes of 1 MiB, CMA's largest alignment on ARM */
static const uint64_t alloc_fragmented_sizes[] = {
	65536, 2097152, 16777216, 0
};

const struct dmab_workload dmab_workload_alloc_fragmented = {
	.name = "alloc-fragmented",
	.description = "alloc's life in a fragmented pool: before each repetition, untimed, the "
		       "strategy's buffers of half the size got until it refuses one (or 256 MiB), "
		       "every other one given back; failures counted by errno",
	ALLOC_WORKLOAD,
	.default_sizes = alloc_fragmented_sizes,
	.frame = alloc_frame,
	.prepare = alloc_fragment,
};
