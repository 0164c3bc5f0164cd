// SPDX-License-Identifier: GPL-2.0
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dmabench.h"

/* Digits only, no sign, no spaces: strtoull alone would take "-1" and " 5". */
static int parse_digits(const char *s, const char **end, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*end = p;
	*out = v;
	return 0;
}

int dmab_parse_size(const char *s, uint64_t *out, char *err, size_t errlen)
{
	static const char units[] = "KMGT";
	const char *end, *u;
	uint64_t v, mult = 1;
	int ret = parse_digits(s, &end, &v);

	if (ret == -ERANGE)
		goto too_large;
	if (ret) {
		snprintf(err, errlen, "size '%s' is not a size: use a whole number of bytes "
			 "with an optional K, M or G (e.g. 4096, 64K, 1M)", s);
		return -EINVAL;
	}
	if (*end && !strcasecmp(end, "B")) {
		mult = 1;
	} else if (*end) {
		u = strchr(units, toupper((unsigned char)*end));
		if (!u || !(!end[1] || !strcasecmp(end + 1, "B") || !strcasecmp(end + 1, "iB"))) {
			snprintf(err, errlen, "size '%s' has an unknown unit: use K, M, G or T "
				 "(powers of 1024)", s);
			return -EINVAL;
		}
		mult = 1ull << (10 * (u - units + 1));
	}
	if (v > UINT64_MAX / mult)
		goto too_large;
	v *= mult;
	if (!v) {
		snprintf(err, errlen, "size '%s' is zero: a frame needs at least %u bytes", s,
			 DMAB_FRAME_ALIGN);
		return -EINVAL;
	}
	if (v > DMAB_MAX_FRAME_BYTES)
		goto too_large;
	if (v % DMAB_FRAME_ALIGN) {
		snprintf(err, errlen, "size '%s' is not a multiple of %u bytes (whole cache "
			 "lines, as DMA buffers are)", s, DMAB_FRAME_ALIGN);
		return -EINVAL;
	}
	*out = v;
	return 0;
too_large:
	snprintf(err, errlen, "size '%s' is too large: a frame may be at most %llu MiB", s,
		 DMAB_MAX_FRAME_BYTES >> 20);
	return -ERANGE;
}

int dmab_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out, char *err,
		    size_t errlen)
{
	const char *end;
	uint64_t v;
	int ret = parse_digits(s, &end, &v);

	if (ret == -EINVAL || (!ret && *end)) {
		snprintf(err, errlen, "'%s' is not a whole number", s);
		return -EINVAL;
	}
	if (ret || v < min || v > max) {
		snprintf(err, errlen, "'%s' is out of range: it must be from %llu to %llu", s,
			 (unsigned long long)min, (unsigned long long)max);
		return -ERANGE;
	}
	*out = v;
	return 0;
}

int dmab_parse_positive(const char *s, double max, double *out, char *err, size_t errlen)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || isspace((unsigned char)*s) || errno || !isfinite(v)) {
		snprintf(err, errlen, "'%s' is not a number", s);
		return -EINVAL;
	}
	if (v <= 0 || v > max) {
		snprintf(err, errlen, "'%s' is out of range: it must be above 0 and at most %g",
			 s, max);
		return -ERANGE;
	}
	*out = v;
	return 0;
}

int dmab_parse_list_items(const char *option, const char *list, char *err, size_t errlen)
{
	const char *item = list;
	unsigned int k;

	for (k = 1;; k++) {
		size_t len = strcspn(item, ",");

		if (!len) {
			snprintf(err, errlen, "--%s '%s': item %u is empty", option, list, k);
			return -EINVAL;
		}
		if (!item[len])
			return 0;
		item += len + 1;
	}
}

const char *dmab_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int i = 0;

	while (i < 4 && bytes && !(bytes % 1024)) {
		bytes /= 1024;
		i++;
	}
	snprintf(buf, len, "%llu%s", (unsigned long long)bytes, unit[i]);
	return buf;
}

const char *dmab_format_span(long long lo, long long hi, char *buf, size_t len)
{
	if (lo == hi)
		snprintf(buf, len, "%lld", lo);
	else
		snprintf(buf, len, "%lld-%lld", lo, hi);
	return buf;
}
