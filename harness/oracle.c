// SPDX-License-Identifier: GPL-2.0
#include "oracle.h"

#if defined(__x86_64__)
#include <emmintrin.h>
#endif

/*
 * Word i of a frame (but the first of each line) is key ^ ((i + 1) * M), as
 * the uapi header defines it: kept as a running sum so the fill is an add and
 * a store a word, fast enough to play a device at memory speed.
 */
void dmab_oracle_fill(unsigned char *frame, size_t size, size_t line, uint64_t seq)
{
	uint64_t *w = (uint64_t *)frame;
	uint64_t key = dmab_oracle_key(seq), m = 0;
	size_t wpl = line / 8, n = size / 8, i, k;

	for (i = 0; i < n; i += wpl) {
		w[i] = seq;
		m += DMAB_ORACLE_M;
		for (k = 1; k < wpl && i + k < n; k++) {
			m += DMAB_ORACLE_M;
			w[i + k] = key ^ m;
		}
	}
}

#if defined(__x86_64__)
const char dmab_oracle_device_stores[] = "non-temporal stores (movntdq), then sfence";

void dmab_oracle_fill_device(unsigned char *frame, size_t size, size_t line, uint64_t seq)
{
	__m128i *v = (__m128i *)frame;
	__m128i key = _mm_set1_epi64x((long long)dmab_oracle_key(seq));
	__m128i step = _mm_set1_epi64x((long long)(2 * DMAB_ORACLE_M));
	__m128i m = _mm_set_epi64x((long long)(2 * DMAB_ORACLE_M), (long long)DMAB_ORACLE_M);
	__m128i first = _mm_cvtsi64_si128((long long)seq);
	size_t vpl = line / 16, n = size / 16, i, k;

	/* two words a store; the first word of each line is the sequence number */
	for (i = 0; i < n; i += vpl) {
		__m128i x = _mm_xor_si128(key, m);

		_mm_stream_si128(v + i, _mm_castpd_si128(_mm_move_sd(_mm_castsi128_pd(x),
								     _mm_castsi128_pd(first))));
		m = _mm_add_epi64(m, step);
		for (k = 1; k < vpl && i + k < n; k++) {
			_mm_stream_si128(v + i + k, _mm_xor_si128(key, m));
			m = _mm_add_epi64(m, step);
		}
	}
	_mm_sfence();
}
#else
const char dmab_oracle_device_stores[] = "ordinary stores, then a full barrier";

void dmab_oracle_fill_device(unsigned char *frame, size_t size, size_t line, uint64_t seq)
{
	dmab_oracle_fill(frame, size, line, seq);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
#endif

static int line_is_frame(const uint64_t *w, size_t first, size_t count, uint64_t seq,
			 uint64_t mask)
{
	uint64_t key = dmab_oracle_key(seq);
	size_t k;

	if ((w[0] ^ mask) != seq)
		return 0;
	for (k = 1; k < count; k++)
		if ((w[k] ^ mask) != (key ^ ((uint64_t)(first + k + 1) * DMAB_ORACLE_M)))
			return 0;
	return 1;
}

uint64_t dmab_oracle_check(const unsigned char *frame, size_t size, size_t line,
			   uint64_t seq, uint64_t mask, struct dmab_integrity *acc)
{
	const uint64_t *w = (const uint64_t *)frame;
	size_t wpl = line / 8, n = size / 8, first;
	uint64_t bad = 0;

	for (first = 0; first < n; first += wpl) {
		size_t count = n - first < wpl ? n - first : wpl;
		uint64_t found = w[first] ^ mask;

		acc->lines_checked++;
		if (found == seq && line_is_frame(w + first, first, count, seq, mask))
			continue;
		bad++;
		if (found < seq && line_is_frame(w + first, first, count, found, mask))
			acc->stale_lines++;
		else
			acc->corrupt_lines++;
	}
	acc->frames_checked++;
	return bad;
}

const char *dmab_integrity_verdict(const struct dmab_integrity *in)
{
	if (!in->frames_checked)
		return "not_checked";
	if (in->corrupt_lines)
		return "corrupt";
	if (in->stale_lines)
		return "stale";
	return "ok";
}
