// SPDX-License-Identifier: GPL-2.0
#include "patterns.h"

#include <string.h>

#include "oracle.h"

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#define NEON_FUNCTION
#elif defined(__arm__) && defined(__ARM_FP)
/*
 * 32-bit ARM: NEON is optional (Debian armhf's default FPU is vfpv3-d16), so
 * only read_neon is compiled for it and the CPU is asked at run time.
 */
#include <asm/hwcap.h>
#include <sys/auxv.h>
#pragma GCC push_options
#pragma GCC target("fpu=neon")
#include <arm_neon.h>
#pragma GCC pop_options
#ifndef HWCAP_NEON
#define HWCAP_NEON (1 << 12)
#endif
#define NEON_FUNCTION __attribute__((target("fpu=neon")))
#endif

const char *dmab_read_isa = "scalar";

uint64_t dmab_reference_read(const unsigned char *frame, size_t size)
{
	const uint64_t *w = (const uint64_t *)frame;
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < size / 8; i++)
		sum += w[i];
	return sum;
}

static uint64_t read_scalar(unsigned char *frame, unsigned char *copy, size_t size,
			    size_t line)
{
	const uint64_t *w = (const uint64_t *)frame;
	uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	size_t i, n = size / 8;

	(void)copy;
	(void)line;
	for (i = 0; i + 4 <= n; i += 4) {
		s0 += w[i];
		s1 += w[i + 1];
		s2 += w[i + 2];
		s3 += w[i + 3];
	}
	for (; i < n; i++)
		s0 += w[i];
	return s0 + s1 + s2 + s3;
}

#if defined(__x86_64__)
/* Four 256-bit accumulators: enough loads in flight to reach DRAM bandwidth. */
__attribute__((target("avx2")))
static uint64_t read_avx2(unsigned char *frame, unsigned char *copy, size_t size,
			  size_t line)
{
	__m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
	uint64_t lanes[4];
	size_t i;

	(void)copy;
	for (i = 0; i + 128 <= size; i += 128) {
		const __m256i *p = (const __m256i *)(frame + i);

		a0 = _mm256_add_epi64(a0, _mm256_load_si256(p));
		a1 = _mm256_add_epi64(a1, _mm256_load_si256(p + 1));
		a2 = _mm256_add_epi64(a2, _mm256_load_si256(p + 2));
		a3 = _mm256_add_epi64(a3, _mm256_load_si256(p + 3));
	}
	a0 = _mm256_add_epi64(_mm256_add_epi64(a0, a1), _mm256_add_epi64(a2, a3));
	_mm256_storeu_si256((__m256i *)lanes, a0);
	return lanes[0] + lanes[1] + lanes[2] + lanes[3] +
	       read_scalar(frame + i, NULL, size - i, line);
}
#elif defined(NEON_FUNCTION)
/* 16-byte loads at 16-byte aligned addresses (frames are page aligned): Device memory allows them. */
NEON_FUNCTION
static uint64_t read_neon(unsigned char *frame, unsigned char *copy, size_t size,
			  size_t line)
{
	uint64x2_t a0 = vdupq_n_u64(0), a1 = a0, a2 = a0, a3 = a0;
	size_t i;

	(void)copy;
	for (i = 0; i + 64 <= size; i += 64) {
		const uint64_t *p = __builtin_assume_aligned(frame + i, 16);

		a0 = vaddq_u64(a0, vld1q_u64(p));
		a1 = vaddq_u64(a1, vld1q_u64(p + 2));
		a2 = vaddq_u64(a2, vld1q_u64(p + 4));
		a3 = vaddq_u64(a3, vld1q_u64(p + 6));
	}
	a0 = vaddq_u64(vaddq_u64(a0, a1), vaddq_u64(a2, a3));
	return vgetq_lane_u64(a0, 0) + vgetq_lane_u64(a0, 1) +
	       read_scalar(frame + i, NULL, size - i, line);
}
#endif

static uint64_t (*read_impl)(unsigned char *, unsigned char *, size_t, size_t) = read_scalar;

void dmab_patterns_init(void)
{
#if defined(__x86_64__)
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2")) {
		read_impl = read_avx2;
		dmab_read_isa = "avx2";
	}
#elif defined(__aarch64__)
	read_impl = read_neon;
	dmab_read_isa = "neon";
#elif defined(NEON_FUNCTION)
	if (getauxval(AT_HWCAP) & HWCAP_NEON) {
		read_impl = read_neon;
		dmab_read_isa = "neon";
	}
#endif
}

static uint64_t pattern_read(unsigned char *frame, unsigned char *copy, size_t size,
			     size_t line)
{
	return read_impl(frame, copy, size, line);
}

#if defined(__arm__) || defined(__aarch64__)
/*
 * On ARM the frame may be Device memory (the uncached strategy's mapping is
 * Device-nGnRnE on arm64, strongly ordered on ARMv7), where an unaligned
 * access faults, and glibc's memcpy makes unaligned loads (the overlapping
 * tail of a copy) whatever the alignment of its arguments. So the copy is an
 * explicit loop of aligned 64-bit words: what a driver copying out of such
 * memory must do too.
 */
#define MEMCPY_DESCRIPTION "an aligned 64-bit word copy of the frame into a cached buffer " \
	"(not glibc's memcpy, whose unaligned loads fault on Device memory)"

static uint64_t pattern_memcpy(unsigned char *frame, unsigned char *copy, size_t size,
			       size_t line)
{
	const uint64_t *from = (const uint64_t *)frame;
	uint64_t *to = (uint64_t *)copy;
	size_t i, n = size / 8;

	(void)line;
	for (i = 0; i + 4 <= n; i += 4) {
		uint64_t w0 = from[i], w1 = from[i + 1], w2 = from[i + 2], w3 = from[i + 3];

		/* or the compiler sees a copy loop and calls memcpy after all */
		__asm__("" : "+r"(w0), "+r"(w1), "+r"(w2), "+r"(w3));
		to[i] = w0;
		to[i + 1] = w1;
		to[i + 2] = w2;
		to[i + 3] = w3;
	}
	for (; i < n; i++) {
		uint64_t w = from[i];

		__asm__("" : "+r"(w));
		to[i] = w;
	}
	return copy[size - 1];
}
#else
/* x86 has no memory type that faults on unaligned access: glibc's memcpy, what users call. */
#define MEMCPY_DESCRIPTION "memcpy() of the frame into a cached buffer"

static uint64_t pattern_memcpy(unsigned char *frame, unsigned char *copy, size_t size,
			       size_t line)
{
	(void)line;
	memcpy(copy, frame, size);
	return copy[size - 1];
}
#endif

static uint64_t pattern_bytes(unsigned char *frame, unsigned char *copy, size_t size,
			      size_t line)
{
	uint64_t sum = 0;
	size_t i;

	(void)copy;
	(void)line;
	for (i = 0; i < size; i++) {
		sum += frame[i];
		/* keep the compiler from vectorising the naive consumer */
		__asm__("" : "+r"(sum));
	}
	return sum;
}

static uint64_t pattern_stride(unsigned char *frame, unsigned char *copy, size_t size,
			       size_t line)
{
	uint64_t sum = 0;
	size_t i;

	(void)copy;
	for (i = 0; i < size; i += line)
		sum += *(const uint64_t *)(frame + i);
	return sum;
}

static uint64_t pattern_rmw(unsigned char *frame, unsigned char *copy, size_t size,
			    size_t line)
{
	uint64_t *w = (uint64_t *)frame;
	size_t i;

	(void)copy;
	(void)line;
	for (i = 0; i < size / 8; i++)
		w[i] ^= DMAB_ORACLE_RMW_MASK;
	return w[0];
}

static uint64_t pattern_write(unsigned char *frame, unsigned char *copy, size_t size,
			      size_t line)
{
	uint64_t *w = (uint64_t *)frame;
	size_t i;

	(void)copy;
	(void)line;
	for (i = 0; i < size / 8; i++)
		w[i] = i;
	return w[0];
}

const struct dmab_pattern dmab_patterns[] = {
	{ .name = "read", .description = "wide loads summing the whole frame",
	  .check = DMAB_CHECK_FRAME, .run = pattern_read, .reference = dmab_reference_read },
	{ .name = "memcpy", .description = MEMCPY_DESCRIPTION,
	  .check = DMAB_CHECK_COPY, .run = pattern_memcpy },
	{ .name = "bytes", .description = "a byte-at-a-time loop, the naive consumer",
	  .check = DMAB_CHECK_FRAME, .run = pattern_bytes },
	{ .name = "stride", .description = "one 64-bit load per cache line",
	  .check = DMAB_CHECK_FRAME, .run = pattern_stride },
	{ .name = "rmw", .description = "read-modify-write of every 64-bit word (XOR)",
	  .check = DMAB_CHECK_FRAME, .xor_after = DMAB_ORACLE_RMW_MASK, .run = pattern_rmw },
	{ .name = "write", .description = "64-bit stores over the whole frame",
	  .check = DMAB_CHECK_NONE, .run = pattern_write },
};

const size_t dmab_pattern_count = sizeof(dmab_patterns) / sizeof(dmab_patterns[0]);

const struct dmab_pattern *dmab_pattern_find(const char *name)
{
	size_t i;

	for (i = 0; i < dmab_pattern_count; i++)
		if (!strcmp(dmab_patterns[i].name, name))
			return &dmab_patterns[i];
	return NULL;
}
