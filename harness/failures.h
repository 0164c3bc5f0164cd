/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frames that failed without failing their configuration, counted by errno:
 * the alloc workload's attempts to get a buffer (ENOMEM when the allocator
 * or CMA has no room, EDQUOT over dmabench.ko's max_total_mb, ...). A
 * configuration goes on after one; the result file says how many of each.
 */
#ifndef DMAB_FAILURES_H
#define DMAB_FAILURES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Distinct errnos kept apart; more than that go to @other. */
#define DMAB_FAILURE_KINDS 8

struct dmab_failures {
	uint64_t total;
	struct {
		int err;		/* positive errno; 0: a free slot */
		uint64_t count;
	} by_errno[DMAB_FAILURE_KINDS];
	uint64_t other;			/* errnos past the table's room */
};

/* Counts one failure with @err (a negative or positive errno; 0 counts as EIO). */
void dmab_failures_add(struct dmab_failures *f, int err);

/* How many failures @err (either sign) had. */
uint64_t dmab_failures_count(const struct dmab_failures *f, int err);

/*
 * {"ENOMEM": 3, "EDQUOT": 1}: by name where dmab_errno_name knows it, else
 * "errno N"; "other" for those past the table's room. {} when none failed.
 */
json_t *dmab_failures_json(const struct dmab_failures *f);

/*
 * "ENOMEM 3, EDQUOT 1" (in the order first seen), or "none"; truncated to
 * @len. Returns what snprintf would have written.
 */
int dmab_failures_format(const struct dmab_failures *f, char *buf, size_t len);

#endif /* DMAB_FAILURES_H */
