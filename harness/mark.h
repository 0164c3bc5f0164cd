/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The phase boundaries of a frame, in one place for every workload: a
 * timestamp, and a reading of the counters when some are open. A reading sits
 * between two timestamps (the end of one phase, the start of the next), so no
 * phase pays for it; the time it took is kept as the counters' overhead.
 * Without counters read per phase a boundary is one timestamp, as it always
 * was (events counted over the frames are read around them, in run.c).
 */
#ifndef DMAB_MARK_H
#define DMAB_MARK_H

#include "run.h"
#include "timer.h"

struct dmab_marks {
	struct dmab_cell *cell;
	uint64_t start;		/* ticks: the phase under way began */
	uint64_t frame;		/* ticks of the phases that make up the frame */
};

static inline void dmab_marks_begin(struct dmab_marks *m, struct dmab_cell *c)
{
	uint64_t t;

	m->cell = c;
	m->frame = 0;
	if (!c->counts.per_phase) {
		m->start = dmab_ticks();
		return;
	}
	t = dmab_ticks();
	dmab_cell_counts_start(&c->counts);
	m->start = dmab_ticks();
	c->counts.frame_ticks = m->start - t;
}

/* Ends phase @p: its duration into @ns[p]; @in_frame: it is part of the frame. */
static inline void dmab_marks_phase(struct dmab_marks *m, enum dmab_phase p, int in_frame,
				    uint64_t *ns)
{
	uint64_t end = dmab_ticks();
	struct dmab_cell *c = m->cell;

	ns[p] = dmab_ticks_to_ns(end - m->start);
	if (in_frame)
		m->frame += end - m->start;
	if (!c->counts.per_phase) {
		m->start = end;
		return;
	}
	dmab_cell_counts_phase(&c->counts, (unsigned int)p, in_frame);
	m->start = dmab_ticks();
	c->counts.frame_ticks += m->start - end;
}

/*
 * After an untimed stretch of the frame (a check that must run while the
 * buffer is still there): the next phase starts now, and what the stretch
 * did is in no phase, neither its time nor its counts.
 */
static inline void dmab_marks_resume(struct dmab_marks *m)
{
	struct dmab_cell *c = m->cell;
	uint64_t t;

	if (!c->counts.per_phase) {
		m->start = dmab_ticks();
		return;
	}
	t = dmab_ticks();
	dmab_cell_counts_start(&c->counts);
	m->start = dmab_ticks();
	c->counts.frame_ticks += m->start - t;
}

/* The frame: the sum of its phases (without the readings between them). */
static inline void dmab_marks_frame(const struct dmab_marks *m, uint64_t *ns)
{
	ns[DMAB_PHASE_FRAME] = dmab_ticks_to_ns(m->frame);
}

#endif /* DMAB_MARK_H */
