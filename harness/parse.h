/* SPDX-License-Identifier: GPL-2.0 */
/* Parsing of command-line values. Each returns 0 or -EINVAL/-ERANGE and a message. */
#ifndef DMAB_PARSE_H
#define DMAB_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define DMAB_ERRLEN 256

/*
 * A size: digits with an optional binary suffix K, M, G, T (also KiB, KB, k...).
 * Must be > 0, a multiple of DMAB_FRAME_ALIGN and at most DMAB_MAX_FRAME_BYTES.
 */
int dmab_parse_size(const char *s, uint64_t *out, char *err, size_t errlen);

/* A whole number in [min, max]. */
int dmab_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out, char *err,
		    size_t errlen);

/* A finite number > 0 and <= max. */
int dmab_parse_positive(const char *s, double max, double *out, char *err, size_t errlen);

/*
 * A comma-separated list given to --@option has no empty item ("a,,b", "4K,",
 * ",read"): splitting with strtok_r would skip it silently. Returns 0, or
 * -EINVAL with a message naming the option, the list and the item.
 */
int dmab_parse_list_items(const char *option, const char *list, char *err, size_t errlen);

/* "64KiB", "1MiB", "1000B": the largest binary unit that divides @bytes. */
const char *dmab_format_size(uint64_t bytes, char *buf, size_t len);

/* "256", or "250-256" when @lo and @hi differ: the fewest and the most of something. */
const char *dmab_format_span(long long lo, long long hi, char *buf, size_t len);

#endif /* DMAB_PARSE_H */
