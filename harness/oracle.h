/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The staleness oracle. Every cache line of a frame carries the frame's
 * sequence number in its first word and, in every other word, a value
 * derived from the sequence number and the word's place in the frame.
 * A line read back is then one of: this frame's (ok), an older frame's
 * (stale: the CPU saw memory or a cache line from before the device wrote),
 * or neither (corrupt).
 */
#ifndef DMAB_ORACLE_H
#define DMAB_ORACLE_H

#include <stddef.h>
#include <stdint.h>

#include "dmabench.h"
/* the frame format is part of the module's ABI: dmab_oracle_key, DMAB_ORACLE_M */
#include "../kmod/include/uapi/dmabench.h"

/* The words a rmw pass XORs into the frame; the check undoes it. */
#define DMAB_ORACLE_RMW_MASK 0x5a5a5a5a5a5a5a5aull

/* Writes frame @seq into @frame (@size a multiple of 8) with ordinary stores. */
void dmab_oracle_fill(unsigned char *frame, size_t size, size_t line, uint64_t seq);

/*
 * Writes frame @seq the way a bus master does on this architecture:
 * non-temporal stores on x86 (they bypass and invalidate the CPU caches),
 * ordinary stores elsewhere. Describes itself in dmab_oracle_device_stores.
 */
void dmab_oracle_fill_device(unsigned char *frame, size_t size, size_t line, uint64_t seq);
extern const char dmab_oracle_device_stores[];

/*
 * Checks @frame against frame @seq, each word XORed with @mask first, and adds
 * what it found to @acc (one more frame checked). Returns the number of lines
 * that were not this frame's.
 */
uint64_t dmab_oracle_check(const unsigned char *frame, size_t size, size_t line,
			   uint64_t seq, uint64_t mask, struct dmab_integrity *acc);

/* "ok", "stale" or "corrupt" (corrupt wins), or "not_checked". */
const char *dmab_integrity_verdict(const struct dmab_integrity *in);

#endif /* DMAB_ORACLE_H */
