// SPDX-License-Identifier: GPL-2.0
#include "failures.h"

#include <errno.h>
#include <stdio.h>

#include "counters.h"

void dmab_failures_add(struct dmab_failures *f, int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	if (!err)
		err = EIO;	/* a failure with no errno is still one */
	f->total++;
	for (i = 0; i < DMAB_FAILURE_KINDS; i++) {
		if (f->by_errno[i].err == err || !f->by_errno[i].err) {
			f->by_errno[i].err = err;
			f->by_errno[i].count++;
			return;
		}
	}
	f->other++;
}

uint64_t dmab_failures_count(const struct dmab_failures *f, int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < DMAB_FAILURE_KINDS && f->by_errno[i].err; i++)
		if (f->by_errno[i].err == err)
			return f->by_errno[i].count;
	return 0;
}

static const char *failure_name(int err, char *buf, size_t len)
{
	const char *name = dmab_errno_name(err);

	if (name)
		return name;
	snprintf(buf, len, "errno %d", err);
	return buf;
}

json_t *dmab_failures_json(const struct dmab_failures *f)
{
	json_t *o = json_object();
	char buf[32];
	size_t i;

	for (i = 0; i < DMAB_FAILURE_KINDS && f->by_errno[i].err; i++)
		json_object_set_new(o, failure_name(f->by_errno[i].err, buf, sizeof(buf)),
				    json_integer((json_int_t)f->by_errno[i].count));
	if (f->other)
		json_object_set_new(o, "other", json_integer((json_int_t)f->other));
	return o;
}

/* Appends to @buf at *@used (which counts past @len too, as snprintf does). */
static void append(char *buf, size_t len, size_t *used, const char *fmt, const char *name,
		   uint64_t count)
{
	int n = snprintf(*used < len ? buf + *used : NULL, *used < len ? len - *used : 0, fmt,
			 name, (unsigned long long)count);

	*used += n > 0 ? (size_t)n : 0;
}

int dmab_failures_format(const struct dmab_failures *f, char *buf, size_t len)
{
	size_t i, used = 0;
	char name[32];

	if (!f->total)
		return snprintf(buf, len, "none");
	if (len)
		buf[0] = 0;
	for (i = 0; i < DMAB_FAILURE_KINDS && f->by_errno[i].err; i++)
		append(buf, len, &used, i ? ", %s %llu" : "%s %llu",
		       failure_name(f->by_errno[i].err, name, sizeof(name)), f->by_errno[i].count);
	if (f->other)
		append(buf, len, &used, ", %s %llu", "other", f->other);
	return (int)used;
}
