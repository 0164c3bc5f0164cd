/* SPDX-License-Identifier: GPL-2.0 */
/* What the CPU does with a frame once it owns it (-p). */
#ifndef DMAB_PATTERNS_H
#define DMAB_PATTERNS_H

#include <stddef.h>
#include <stdint.h>

/* What the oracle can check after a pattern ran. */
enum dmab_pattern_check {
	DMAB_CHECK_FRAME,	/* the frame as the CPU read it */
	DMAB_CHECK_COPY,	/* the copy the CPU made of it */
	DMAB_CHECK_NONE,	/* the CPU overwrote the frame: nothing left to check */
};

struct dmab_pattern {
	const char *name;
	const char *description;
	enum dmab_pattern_check check;
	uint64_t xor_after;	/* what the pattern XORs into every word of the frame */
	/* @copy is a cached buffer of @size bytes; returns a value to keep live */
	uint64_t (*run)(unsigned char *frame, unsigned char *copy, size_t size, size_t line);
	/* NULL, or a plain loop doing the same work, to judge run() against */
	uint64_t (*reference)(const unsigned char *frame, size_t size);
};

extern const struct dmab_pattern dmab_patterns[];
extern const size_t dmab_pattern_count;

const struct dmab_pattern *dmab_pattern_find(const char *name);

/* Chooses the widest loads this CPU has; call once before running patterns. */
void dmab_patterns_init(void);
/* "avx2", "neon" or "scalar": what `read` uses here. */
extern const char *dmab_read_isa;

/*
 * The reference a `read` result is judged against: a plain C loop summing
 * 64-bit words, compiled like the rest of the harness (a STREAM-class loop).
 */
uint64_t dmab_reference_read(const unsigned char *frame, size_t size);

#endif /* DMAB_PATTERNS_H */
