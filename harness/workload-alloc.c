// SPDX-License-Identifier: GPL-2.0
/*
 * alloc: what getting a buffer costs, and giving it back. Each frame is one
 * buffer's life as a capture pipeline starts it:
 *
 *   alloc_map       the strategy's setup: the allocation and the user
 *                   mapping, one op (kmod, carveout: DMAB_IOC_ALLOC then
 *                   mmap; user: an anonymous mmap; dma-heap, udmabuf: the
 *                   heap's or udmabuf's ioctl then mmap; devmem: /dev/mem)
 *   first_touch     one 64-bit store at the start of every page: the page
 *                   faults, or the first writes through a mapping the
 *                   kernel populated up front
 *   sync_for_device the strategy's sync_for_device over the whole buffer,
 *                   for the device to read what the CPU wrote (a clean),
 *   sync_for_cpu    then its sync_for_cpu, for the CPU to read what the
 *                   device wrote (an invalidate): standing in for dma_map
 *                   and dma_unmap, which the module does inside ALLOC and
 *                   the last close (there is no separate map op to time);
 *                   nothing for uncached, wc, coherent and cached-nosync
 *   unmap_free      the strategy's teardown: munmap and the free (the
 *                   module frees when the mapping and the fd are gone)
 *
 * Between sync_for_cpu and unmap_free, untimed, the CPU reads each page's
 * word back: a mapping that lost a store or maps two pages onto one, or a
 * clean that did not reach memory before the invalidate dropped the line,
 * shows as corrupt, not as a fast number. A frame that gets no buffer is counted
 * by errno (cell->failures) and the configuration goes on: that count is a
 * result (ENOMEM when the allocator or CMA has no room, EDQUOT over the
 * module's max_total_mb). cpu_cost is the whole life, every phase above.
 */
#include <unistd.h>

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

/* Reads each page's word back; what is not there is a corrupt page. */
static void check_touch(const unsigned char *cpu, size_t size, uint64_t seq,
			struct dmab_integrity *in)
{
	size_t page = page_size(), off;
	uint64_t key = dmab_oracle_key(seq);

	for (off = 0; off < size; off += page) {
		in->lines_checked++;
		if (*(const volatile uint64_t *)(cpu + off) != page_word(key, off / page))
			in->corrupt_lines++;
	}
	in->frames_checked++;
}

static int alloc_frame(struct dmab_cell *c, uint64_t *ns)
{
	const struct dmab_strategy *s = c->strategy;
	struct dmab_buffer *b = &c->bufs[0];
	struct dmab_marks m;
	int ret;

	dmab_marks_begin(&m, c);
	ret = s->setup(s, b, c->size);
	if (ret) {
		/* counted, not timed: a failure's time is not a buffer's */
		b->cpu = NULL;
		dmab_failures_add(&c->failures, ret);
		return 0;
	}
	dmab_marks_phase(&m, DMAB_PHASE_ALLOC_MAP, 1, ns);
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

	check_touch(b->cpu, c->size, c->seq, &c->integrity);
	if (!c->mapping_effective)
		s->query_mapping(b, &c->mapping_effective, &c->mapping_how);
	dmab_marks_resume(&m);

	s->teardown(b);
	dmab_marks_phase(&m, DMAB_PHASE_UNMAP_FREE, 1, ns);
	dmab_marks_frame(&m, ns);
	b->cpu = NULL;	/* given back: nothing for cell_teardown to free */
	return 0;

out_teardown:
	/* a sync that fails is the strategy failing, not a buffer that could not be had */
	s->teardown(b);
	b->cpu = NULL;
	return ret;
}

#define ALLOC_COST_PHASES (DMAB_PHASE_BIT(ALLOC_MAP) | DMAB_PHASE_BIT(FIRST_TOUCH) |	\
			   DMAB_PHASE_BIT(SYNC_FOR_DEVICE) | DMAB_PHASE_BIT(SYNC_FOR_CPU) |	\
			   DMAB_PHASE_BIT(UNMAP_FREE))

const struct dmab_workload dmab_workload_alloc = {
	.name = "alloc",
	.description = "a buffer's life per frame: alloc+map, first touch, sync for the device and "
		       "back over the whole buffer, unmap+free; failures counted by errno",
	.uses_pattern = 0,
	.uses_device = 0,
	.phases = DMAB_PHASE_BIT(CPU_COST) | ALLOC_COST_PHASES | DMAB_PHASE_BIT(FRAME),
	/* the headline is the whole get-and-give-back: every phase of the frame */
	.cost_phases = ALLOC_COST_PHASES,
	.default_sizes = alloc_sizes,
	.own_buffers = 1,
	.frame = alloc_frame,
	.checked_by = "first-touch",
	.not_measured = "allocating with interrupts off (dma_alloc_coherent from the atomic "
			"pool, sized by coherent_pool=): that needs an ioctl in dmabench.ko that "
			"allocates in atomic context, which the module does not have yet",
};
