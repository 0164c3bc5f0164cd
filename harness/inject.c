// SPDX-License-Identifier: GPL-2.0
#include "inject.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "timer.h"
#include "workload.h"

/* The faults --inject knows, as NAME=VALUE. */
static const struct inject_fault {
	const char *name;
	const char *value;	/* what VALUE is, for the messages */
	size_t offset;		/* of the field in struct dmab_inject */
	uint64_t max;
} faults[] = {
	{ "stale", "LINES", offsetof(struct dmab_inject, stale_lines), DMAB_INJECT_MAX_STALE_LINES },
	{ "delay", "NS", offsetof(struct dmab_inject, delay_ns), DMAB_INJECT_MAX_DELAY_NS },
};

#define N_FAULTS (sizeof(faults) / sizeof(faults[0]))

/* One NAME=VALUE item of @len characters at @item. */
static int parse_item(const char *item, size_t len, struct dmab_inject *in, char *err,
		      size_t errlen)
{
	const char *eq = memchr(item, '=', len);
	size_t name_len = eq ? (size_t)(eq - item) : len, i;
	char value[128], msg[DMAB_ERRLEN];
	uint64_t *field;
	int ret;

	for (i = 0; i < N_FAULTS; i++)
		if (strlen(faults[i].name) == name_len && !strncmp(item, faults[i].name, name_len))
			break;
	if (i == N_FAULTS) {
		snprintf(err, errlen, "--inject: unknown fault '%.*s' (stale=LINES or delay=NS)",
			 (int)name_len, item);
		return -EINVAL;
	}
	if (!eq || eq + 1 == item + len) {
		snprintf(err, errlen, "--inject %.*s: no value (%s=%s)", (int)len, item,
			 faults[i].name, faults[i].value);
		return -EINVAL;
	}
	field = (uint64_t *)((char *)in + faults[i].offset);
	if (*field) {
		snprintf(err, errlen, "--inject %.*s: %s was already given", (int)len, item,
			 faults[i].name);
		return -EINVAL;
	}
	snprintf(value, sizeof(value), "%.*s", (int)(item + len - eq - 1), eq + 1);
	ret = dmab_parse_uint(value, 1, faults[i].max, field, msg, sizeof(msg));
	if (ret)
		snprintf(err, errlen, "--inject %.*s: %s", (int)len, item, msg);
	return ret;
}

int dmab_inject_parse(const char *arg, struct dmab_inject *in, char *err, size_t errlen)
{
	const char *item = arg, *end;
	int ret;

	if (!*arg) {
		snprintf(err, errlen, "--inject needs a fault: stale=LINES, delay=NS, or both "
			 "(stale=LINES,delay=NS)");
		return -EINVAL;
	}
	ret = dmab_parse_list_items("inject", arg, err, errlen);
	if (ret)
		return ret;
	for (;;) {
		end = strchr(item, ',');
		if (!end)
			end = item + strlen(item);
		ret = parse_item(item, (size_t)(end - item), in, err, errlen);
		if (ret)
			return ret;
		if (!*end)
			return 0;
		item = end + 1;
	}
}

static json_t *count_or_null(uint64_t v)
{
	return v ? json_integer((json_int_t)v) : json_null();
}

json_t *dmab_inject_json(const struct dmab_inject *in)
{
	if (!dmab_inject_any(in))
		return json_null();
	return json_pack("{s:o, s:o, s:s}", "stale_lines", count_or_null(in->stale_lines),
			 "delay_ns", count_or_null(in->delay_ns), "note",
			 "faults planted by --inject, a self-test of the harness: these results "
			 "are not measurements");
}

void dmab_inject_describe(const struct dmab_inject *in, char *buf, size_t len)
{
	int n = snprintf(buf, len, "INJECTED FAULTS (--inject, a self-test of the harness, "
			 "not a measurement):");

	if (in->stale_lines && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " the emulated device left the last "
			      "%llu lines of each frame unwritten%s",
			      (unsigned long long)in->stale_lines, in->delay_ns ? ";" : "");
	if (in->delay_ns && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " cpu_process spun %llu ns more each frame",
			 (unsigned long long)in->delay_ns);
}

int dmab_inject_refused(const struct dmab_inject *in, const struct dmab_strategy *s,
			const struct dmab_workload *w, char *why, size_t len)
{
	if (!in->stale_lines || !w->uses_device || !(w->phases & DMAB_PHASE_BIT(DEVICE_WRITE)))
		return 0;
	if (s->device && s->device->inject_stale)
		return 0;
	snprintf(why, len, "%s backend: --inject stale is a self-test of the user-space "
		 "emulated device; this backend's device (%s) cannot be asked to leave lines "
		 "unwritten, and overwriting them from the CPU would test something else",
		 s->backend, s->device ? s->device->name : "none");
	return 1;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__) || (defined(__arm__) && __ARM_ARCH >= 7)
	__asm__ volatile("yield" : : : "memory");
#endif
}

void dmab_inject_spin(uint64_t ns)
{
	uint64_t start = dmab_ticks();

	while (dmab_ticks_to_ns(dmab_ticks() - start) < ns)
		cpu_relax();
}
