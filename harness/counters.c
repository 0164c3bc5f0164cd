// SPDX-License-Identifier: GPL-2.0
/*
 * Counters through perf_event and libpfm4 (the way libpfm4's
 * perf_examples/perf_util.c goes from a name to a perf_event_attr).
 *
 * Every event is first probed alone: a libpfm4 encoding proves nothing, the
 * open decides. Events that open are then opened again for keeps, one group
 * per PMU so that a group is read at once, or alone when the kernel refuses
 * the group. Each read unit is read with rdpmc through the perf mmap page
 * where the kernel grants it (x86; arm64 with perf_user_access), else with
 * one read() per unit.
 */
#include "counters.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <perfmon/pfmlib_perf_event.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>	/* __rdpmc */
#endif

#include "parse.h"
#include "timer.h"

const char *const dmab_counter_status_names[] = {
#define DMAB_COUNTER_STATUS_NAME(sym, name) name,
	DMAB_COUNTER_STATUS_LIST(DMAB_COUNTER_STATUS_NAME)
#undef DMAB_COUNTER_STATUS_NAME
};

const char *const dmab_read_method_names[] = {
	[DMAB_READ_NONE] = "none",
	[DMAB_READ_RDPMC] = "rdpmc",
	[DMAB_READ_SYSCALL] = "read",
	[DMAB_READ_GROUP] = "read-group",
};

#define COST_READS 101		/* reads per cost measurement; the median is kept */
#define FORMAT_ALONE (PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING)
#define FORMAT_GROUP (FORMAT_ALONE | PERF_FORMAT_GROUP)

#if defined(__x86_64__) || defined(__i386__) || defined(__aarch64__)
#define HAVE_USER_READ 1
#else
#define HAVE_USER_READ 0
#endif

const char *dmab_errno_name(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
		{ EINTR, "EINTR" }, { EIO, "EIO" }, { ENXIO, "ENXIO" }, { E2BIG, "E2BIG" },
		{ EBADF, "EBADF" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
		{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
		{ ENODEV, "ENODEV" }, { EINVAL, "EINVAL" }, { ENFILE, "ENFILE" },
		{ EMFILE, "EMFILE" }, { ENOSPC, "ENOSPC" }, { ENOSYS, "ENOSYS" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { EOVERFLOW, "EOVERFLOW" },
		{ EDQUOT, "EDQUOT" }, { EFBIG, "EFBIG" }, { ENOTTY, "ENOTTY" },
		{ EPROTO, "EPROTO" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	return NULL;
}

/* ---- the -e list ---- */

static int add_event_name(const char *item, const char **names, size_t *n, char *err,
			  size_t errlen)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp(names[i], item))
			return 0;
	if (strlen(item) >= DMAB_EVENT_NAME_MAX) {
		snprintf(err, errlen, "event name too long (at most %d characters): '%.40s...'",
			 DMAB_EVENT_NAME_MAX - 1, item);
		return -EINVAL;
	}
	if (*n == DMAB_MAX_EVENTS) {
		snprintf(err, errlen, "too many events (at most %d)", DMAB_MAX_EVENTS);
		return -E2BIG;
	}
	names[(*n)++] = item;
	return 0;
}

/* The default set, split once (into a static copy) and kept. */
void dmab_counters_defaults(const char **names, size_t *n)
{
	static char defaults[] = DMAB_DEFAULT_EVENTS;
	static const char *default_names[DMAB_MAX_EVENTS];
	static size_t n_defaults;
	char *save = NULL, *item;

	if (!n_defaults)
		for (item = strtok_r(defaults, ",", &save); item; item = strtok_r(NULL, ",", &save))
			default_names[n_defaults++] = item;
	memcpy(names, default_names, n_defaults * sizeof(names[0]));
	*n = n_defaults;
}

int dmab_counters_parse_list(char *list, const char **names, size_t *n, char *err,
			     size_t errlen)
{
	const char *default_names[DMAB_MAX_EVENTS];
	char *save = NULL, *item;
	size_t i, n_defaults;
	int none = 0, ret;

	if (!list[strspn(list, ",")]) {
		snprintf(err, errlen, "--events needs at least one event (or none)");
		return -EINVAL;
	}
	ret = dmab_parse_list_items("events", list, err, errlen);
	if (ret)
		return ret;
	dmab_counters_defaults(default_names, &n_defaults);
	for (item = strtok_r(list, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		if (!strcmp(item, "none")) {
			none = 1;
			continue;
		}
		if (!strcmp(item, "default")) {
			for (i = 0; i < n_defaults; i++) {
				ret = add_event_name(default_names[i], names, n, err, errlen);
				if (ret)
					return ret;
			}
			continue;
		}
		ret = add_event_name(item, names, n, err, errlen);
		if (ret)
			return ret;
	}
	if (none && *n) {
		snprintf(err, errlen, "--events: 'none' cannot be combined with events");
		return -EINVAL;
	}
	return 0;
}

/* ---- the machine ---- */

static int read_int_file(const char *path, int fallback)
{
	FILE *f = fopen(path, "r");
	int v;

	if (!f)
		return fallback;
	if (fscanf(f, "%d", &v) != 1)
		v = fallback;
	fclose(f);
	return v;
}

static int pfm_ready(char *why, size_t len)
{
	static int ret = 1;

	if (ret == 1)
		ret = pfm_initialize();
	if (ret != PFM_SUCCESS && why)
		snprintf(why, len, "libpfm4 did not initialize: %s", pfm_strerror(ret));
	return ret == PFM_SUCCESS;
}

/* "perf, perf_raw, ..." : the PMUs libpfm4 detected here. */
static void present_pmus(char *out, size_t len, const char *sep)
{
	size_t used = 0;
	pfm_pmu_t p;

	out[0] = 0;
	pfm_for_all_pmus(p) {
		pfm_pmu_info_t info;

		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		if (pfm_get_pmu_info(p, &info) != PFM_SUCCESS || !info.is_present)
			continue;
		if (used < len)
			used += (size_t)snprintf(out + used, len - used, "%s%s", used ? sep : "",
						 info.name);
	}
}

int dmab_counters_library(char *version, size_t vlen, char *pmus, size_t plen)
{
	int v;

	if (!pfm_ready(pmus, plen))
		return -EIO;
	v = pfm_get_version();
	snprintf(version, vlen, "%d.%d", PFM_MAJ_VERSION(v), PFM_MIN_VERSION(v));
	present_pmus(pmus, plen, ",");
	return 0;
}

/* The core PMU's events: where rdpmc applies and what one group holds. */
static int core_type(uint32_t type)
{
	return type == PERF_TYPE_HARDWARE || type == PERF_TYPE_HW_CACHE || type == PERF_TYPE_RAW;
}

static void group_key(const struct dmab_event *e, char *out, size_t len)
{
	switch (e->attr.type) {
	case PERF_TYPE_HARDWARE:
	case PERF_TYPE_HW_CACHE:
	case PERF_TYPE_RAW:
		snprintf(out, len, "cpu");
		break;
	case PERF_TYPE_SOFTWARE:
		snprintf(out, len, "software");
		break;
	case PERF_TYPE_TRACEPOINT:
		snprintf(out, len, "tracepoint");
		break;
	default:
		snprintf(out, len, "pmu-type-%u", e->attr.type);
		break;
	}
}

/* ---- one event: encoding and probing ---- */

static void encode(struct dmab_event *e, const char *name)
{
	pfm_perf_encode_arg_t arg;
	pfm_event_info_t info;
	pfm_pmu_info_t pmu;
	char *fstr = NULL, why[128];
	int ret;

	memset(e, 0, sizeof(*e));
	e->fd = -1;
	snprintf(e->name, sizeof(e->name), "%s", name);
	if (!pfm_ready(why, sizeof(why))) {
		e->status = DMAB_COUNTER_UNKNOWN_EVENT;
		snprintf(e->reason, sizeof(e->reason), "%s", why);
		return;
	}
	memset(&arg, 0, sizeof(arg));
	arg.attr = &e->attr;
	arg.fstr = &fstr;
	arg.size = sizeof(arg);
	/* user and kernel: the sync ioctls run in the kernel */
	ret = pfm_get_os_event_encoding(name, PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT_EXT, &arg);
	if (ret != PFM_SUCCESS) {
		char pmus[160];

		e->pfm_err = ret;
		present_pmus(pmus, sizeof(pmus), ", ");
		if (ret == PFM_ERR_NOTFOUND) {
			e->status = DMAB_COUNTER_UNKNOWN_EVENT;
			snprintf(e->reason, sizeof(e->reason),
				 "libpfm4: %s (it knows the events of the PMUs it detected here: %s)",
				 pfm_strerror(ret), pmus);
		} else {
			e->status = DMAB_COUNTER_INVALID;
			snprintf(e->reason, sizeof(e->reason), "libpfm4 cannot encode it: %s",
				 pfm_strerror(ret));
		}
		free(fstr);
		return;
	}
	snprintf(e->encoding, sizeof(e->encoding), "%s", fstr ? fstr : name);
	free(fstr);
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	memset(&pmu, 0, sizeof(pmu));
	pmu.size = sizeof(pmu);
	if (pfm_get_event_info(arg.idx, PFM_OS_PERF_EVENT_EXT, &info) == PFM_SUCCESS &&
	    pfm_get_pmu_info(info.pmu, &pmu) == PFM_SUCCESS) {
		snprintf(e->pmu, sizeof(e->pmu), "%s", pmu.name);
		e->core_pmu = pmu.type == PFM_PMU_TYPE_CORE;
	}
	e->attr.size = sizeof(e->attr);
	e->status = DMAB_COUNTER_OK;
}

static void paranoid_note(char *out, size_t len, int paranoid)
{
	if (paranoid == INT_MIN)
		snprintf(out, len, "/proc/sys/kernel/perf_event_paranoid is unreadable");
	else if (paranoid >= 3)
		snprintf(out, len, "perf_event_paranoid is %d: no perf events without "
			 "CAP_PERFMON (as root: sysctl kernel.perf_event_paranoid=2 for user "
			 "space, 1 for the kernel too)", paranoid);
	else if (paranoid == 2)
		snprintf(out, len, "perf_event_paranoid is 2: kernel-side counting needs "
			 "CAP_PERFMON or kernel.perf_event_paranoid=1");
	else
		snprintf(out, len, "perf_event_paranoid is %d, yet the kernel refused (a "
			 "security module, or a container that filters perf_event_open?)", paranoid);
}

/* The status of a failed open of an event, and why. */
static void classify(struct dmab_event *e, int err, int paranoid)
{
	const char *name = dmab_errno_name(err);
	char what[32];

	snprintf(what, sizeof(what), "%s", name ? name : "errno");
	e->err = err;
	e->fd = -1;
	switch (err) {
	case ENOENT:
		e->status = DMAB_COUNTER_UNSUPPORTED;
		snprintf(e->reason, sizeof(e->reason), "%s: no PMU counts this event here (a VM "
			 "without a virtual PMU, or a board without a PMU node in its device tree "
			 "or without the PMU driver)", what);
		break;
	case ENODEV:
	case ENXIO:
		e->status = DMAB_COUNTER_UNSUPPORTED;
		snprintf(e->reason, sizeof(e->reason), "%s: no PMU of this type here", what);
		break;
	case EOPNOTSUPP:
		e->status = DMAB_COUNTER_UNSUPPORTED;
		snprintf(e->reason, sizeof(e->reason), "%s: the PMU cannot count this event as "
			 "asked (e.g. it cannot leave the kernel out)", what);
		break;
	case ENOSYS:
		e->status = DMAB_COUNTER_UNSUPPORTED;
		snprintf(e->reason, sizeof(e->reason), "%s: this kernel has no perf events "
			 "(CONFIG_PERF_EVENTS)", what);
		break;
	case EBUSY:
	case ENOSPC:
		e->status = DMAB_COUNTER_UNSUPPORTED;
		snprintf(e->reason, sizeof(e->reason), "%s: the PMU has no counter free for it "
			 "(in use by another perf user?)", what);
		break;
	case EACCES:
	case EPERM:
		e->status = DMAB_COUNTER_DENIED;
		paranoid_note(e->reason, sizeof(e->reason), paranoid);
		break;
	case EINVAL:
		e->status = DMAB_COUNTER_INVALID;
		snprintf(e->reason, sizeof(e->reason), "%s: the kernel refused the event as "
			 "encoded (%.120s)", what, e->encoding);
		break;
	default:
		e->status = DMAB_COUNTER_INVALID;
		snprintf(e->reason, sizeof(e->reason), "perf_event_open failed: %s (%s)",
			 strerror(err), what);
		break;
	}
}

static int open_attr(struct dmab_event *e, int group_fd, uint64_t read_format)
{
	struct perf_event_attr a = e->attr;
	int fd;

	a.size = sizeof(a);
	a.read_format = read_format;
	a.disabled = 0;		/* counts from now on: the harness takes deltas */
	a.inherit = 0;		/* this thread only: the emulated device is not the CPU side */
	fd = dmab_perf_event_open(&a, 0, -1, group_fd, PERF_FLAG_FD_CLOEXEC);
	return fd >= 0 ? fd : -(errno ? errno : EINVAL);
}

/*
 * Opens @e alone: with the kernel first, user space only when perf_event_paranoid
 * forbids the kernel. Sets the status; returns the fd, or -1.
 */
static int probe_open(struct dmab_event *e, int paranoid, int user_access)
{
	int fd, err;

	if (e->status != DMAB_COUNTER_OK)
		return -1;
	if (user_access == 1 && core_type(e->attr.type))
		e->attr.config1 |= 2;	/* arm64: ask for EL0 access to the counter */
	fd = open_attr(e, -1, FORMAT_ALONE);
	if ((fd == -EINVAL || fd == -EOPNOTSUPP) && (e->attr.config1 & 2)) {
		e->attr.config1 &= ~2ull;
		snprintf(e->method_note, sizeof(e->method_note), "the PMU refused user-space "
			 "access (config1 bit 1): %s", dmab_errno_name(-fd));
		fd = open_attr(e, -1, FORMAT_ALONE);
	}
	if ((fd == -EACCES || fd == -EPERM) && !e->attr.exclude_kernel) {
		err = -fd;
		e->attr.exclude_kernel = 1;
		e->attr.exclude_hv = 1;
		fd = open_attr(e, -1, FORMAT_ALONE);
		if (fd >= 0) {
			paranoid_note(e->kernel_note, sizeof(e->kernel_note), paranoid);
		} else if (fd == -EOPNOTSUPP) {
			/* the kernel may not be counted, and the PMU cannot leave it out */
			classify(e, err, paranoid);
			snprintf(e->reason + strlen(e->reason), sizeof(e->reason) - strlen(e->reason),
				 "; counting user space alone: EOPNOTSUPP");
			return -1;
		}
	} else if (fd >= 0 && e->attr.exclude_kernel) {
		snprintf(e->kernel_note, sizeof(e->kernel_note),
			 "the event's modifiers leave the kernel out");
	}
	if (fd < 0) {
		classify(e, -fd, paranoid);
		return -1;
	}
	e->kernel_counted = !e->attr.exclude_kernel;
	return fd;
}

static void spin(unsigned int n)
{
	volatile unsigned int i, x = 0;

	for (i = 0; i < n; i++)
		x += i;
	(void)x;
}

int dmab_counters_probe(struct dmab_event *e, const char *name, uint64_t *count)
{
	struct dmab_counters *cs = calloc(1, sizeof(*cs));
	struct dmab_count before, after;

	*count = 0;
	if (!cs)
		return -ENOMEM;
	dmab_counters_open(cs, &name, 1, 0);
	if (cs->n_live) {
		dmab_counters_read(cs, &before);
		spin(200000);
		dmab_counters_read(cs, &after);
		if (dmab_counter_scale(after.value - before.value, after.enabled - before.enabled,
				       after.running - before.running, count))
			*count = 0;
	}
	dmab_counters_close(cs);
	*e = cs->ev[0];
	free(cs);
	return 0;
}

/* Every event of the PMUs libpfm4 detected here, as "pmu::event". */
int dmab_counters_for_each_known(int (*fn)(const char *name, void *arg), void *arg)
{
	char why[128], name[DMAB_EVENT_NAME_MAX];
	pfm_pmu_t p;
	int ret;

	if (!pfm_ready(why, sizeof(why)))
		return -EIO;
	pfm_for_all_pmus(p) {
		pfm_pmu_info_t pmu;
		int i;

		memset(&pmu, 0, sizeof(pmu));
		pmu.size = sizeof(pmu);
		/* perf_raw takes a raw code, not a name */
		if (pfm_get_pmu_info(p, &pmu) != PFM_SUCCESS || !pmu.is_present ||
		    p == PFM_PMU_PERF_EVENT_RAW)
			continue;
		for (i = pmu.first_event; i != -1; i = pfm_get_event_next(i)) {
			pfm_event_info_t info;

			memset(&info, 0, sizeof(info));
			info.size = sizeof(info);
			if (pfm_get_event_info(i, PFM_OS_PERF_EVENT_EXT, &info) != PFM_SUCCESS)
				continue;
			snprintf(name, sizeof(name), "%s::%s", pmu.name, info.name);
			ret = fn(name, arg);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* ---- reading ---- */

uint64_t dmab_counter_page_value(int64_t offset, uint64_t pmc, unsigned int width)
{
	unsigned int shift = width && width < 64 ? 64 - width : 0;
	int64_t v = (int64_t)(pmc << shift) >> shift;

	return (uint64_t)(offset + v);
}

uint64_t dmab_counter_page_time_delta(uint64_t cyc, uint64_t time_offset, uint32_t time_mult,
				      uint16_t time_shift, int is_short, uint64_t time_cycles,
				      uint64_t time_mask)
{
	uint64_t quot, rem;

	if (is_short)
		cyc = time_cycles + ((cyc - time_cycles) & time_mask);
	quot = cyc >> time_shift;
	rem = cyc & (((uint64_t)1 << time_shift) - 1);
	return time_offset + quot * time_mult + ((rem * time_mult) >> time_shift);
}

int dmab_counter_scale(uint64_t raw, uint64_t enabled, uint64_t running, uint64_t *scaled)
{
	if (!enabled || running >= enabled) {
		*scaled = raw;
		return 0;
	}
	if (!running) {
		*scaled = 0;
		return -ENODATA;
	}
#ifdef __SIZEOF_INT128__
	*scaled = (uint64_t)(((unsigned __int128)raw * enabled + running / 2) / running);
#else
	*scaled = (uint64_t)((long double)raw * (long double)enabled / (long double)running + 0.5L);
#endif
	return 0;
}

#if HAVE_USER_READ
#if defined(__aarch64__)
#define PMEVCNTR(n)									\
	case n:										\
		__asm__ volatile("mrs %0, pmevcntr" #n "_el0" : "=r"(v));		\
		break;

/* PMEVCNTR<n>_EL0 takes n in the instruction: one case per counter. */
static uint64_t read_pmc(unsigned int counter)
{
	uint64_t v = 0;

	switch (counter) {
	PMEVCNTR(0) PMEVCNTR(1) PMEVCNTR(2) PMEVCNTR(3) PMEVCNTR(4) PMEVCNTR(5)
	PMEVCNTR(6) PMEVCNTR(7) PMEVCNTR(8) PMEVCNTR(9) PMEVCNTR(10) PMEVCNTR(11)
	PMEVCNTR(12) PMEVCNTR(13) PMEVCNTR(14) PMEVCNTR(15) PMEVCNTR(16) PMEVCNTR(17)
	PMEVCNTR(18) PMEVCNTR(19) PMEVCNTR(20) PMEVCNTR(21) PMEVCNTR(22) PMEVCNTR(23)
	PMEVCNTR(24) PMEVCNTR(25) PMEVCNTR(26) PMEVCNTR(27) PMEVCNTR(28) PMEVCNTR(29)
	PMEVCNTR(30)
	case 31:	/* the cycle counter */
		__asm__ volatile("mrs %0, pmccntr_el0" : "=r"(v));
		break;
	}
	return v;
}
#undef PMEVCNTR
#else
static uint64_t read_pmc(unsigned int counter)
{
	return (uint64_t)__rdpmc((int)counter);
}
#endif

#define barrier() __asm__ volatile("" ::: "memory")

/*
 * The self-monitoring protocol of perf_event_mmap_page: a sequence lock
 * around the page's fields and the counter register. -EAGAIN when the event
 * is not on a counter right now (read() must answer).
 */
static int page_read(const volatile struct perf_event_mmap_page *pc, struct dmab_count *out)
{
	uint64_t enabled, running, count, cyc = 0, time_offset = 0, time_cycles = 0;
	uint64_t time_mask = 0;
	uint32_t seq, idx, time_mult = 0;
	uint16_t time_shift = 0;
	int is_short = 0;

	do {
		seq = pc->lock;
		barrier();
		enabled = pc->time_enabled;
		running = pc->time_running;
		if (enabled != running) {
			cyc = dmab_ticks();
			time_mult = pc->time_mult;
			time_shift = pc->time_shift;
			time_offset = pc->time_offset;
			is_short = pc->cap_user_time_short;
			time_cycles = is_short ? pc->time_cycles : 0;
			time_mask = is_short ? pc->time_mask : 0;
		}
		idx = pc->index;
		if (!idx || !pc->cap_user_rdpmc)
			return -EAGAIN;
		count = dmab_counter_page_value(pc->offset, read_pmc(idx - 1), pc->pmc_width);
		barrier();
	} while (pc->lock != seq);
	if (enabled != running) {
		uint64_t delta = dmab_counter_page_time_delta(cyc, time_offset, time_mult,
							      time_shift, is_short, time_cycles,
							      time_mask);

		enabled += delta;
		running += delta;
	}
	out->value = count;
	out->enabled = enabled;
	out->running = running;
	return 0;
}
#else
static int page_read(const volatile struct perf_event_mmap_page *pc, struct dmab_count *out)
{
	(void)pc;
	(void)out;
	return -EAGAIN;
}
#endif

/* One read() of @fd: the event alone, or its whole group; fills @out[0..count). */
static int read_fd(int fd, int grouped, int count, struct dmab_count *out)
{
	uint64_t buf[3 + DMAB_MAX_EVENTS];
	size_t want = grouped ? (3 + (size_t)count) * sizeof(uint64_t) : 3 * sizeof(uint64_t);
	int k;

	if (read(fd, buf, want) != (ssize_t)want)
		return -EIO;
	if (!grouped) {
		out[0].value = buf[0];
		out[0].enabled = buf[1];
		out[0].running = buf[2];
		return 0;
	}
	if (buf[0] != (uint64_t)count)
		return -EIO;
	for (k = 0; k < count; k++) {
		out[k].value = buf[3 + k];
		out[k].enabled = buf[1];
		out[k].running = buf[2];
	}
	return 0;
}

static int read_unit(struct dmab_counters *cs, const struct dmab_read_unit *u,
		     struct dmab_count *out)
{
	struct dmab_count group[DMAB_MAX_EVENTS];
	int k, failed = 0, have_group = 0;

	if (u->method != DMAB_READ_RDPMC) {
		if (!read_fd(u->fd, u->grouped, u->count, out + u->first))
			return 0;
		for (k = 0; k < u->count; k++)
			cs->ev[cs->slot_event[u->first + k]].read_errors++;
		return u->count;
	}
	for (k = 0; k < u->count; k++) {
		struct dmab_event *e;

		if (!page_read(cs->slot_page[u->first + k], &out[u->first + k]))
			continue;
		e = &cs->ev[cs->slot_event[u->first + k]];
		e->fallback_reads++;
		/* off the PMU just now (multiplexed): the kernel knows */
		if (!have_group && read_fd(u->fd, u->grouped, u->grouped ? u->count : 1, group)) {
			e->read_errors++;
			failed++;
			continue;
		}
		have_group = u->grouped;
		if (u->grouped)
			out[u->first + k] = group[k];
		else
			out[u->first + k] = group[0];
	}
	return failed;
}

int dmab_counters_read(struct dmab_counters *cs, struct dmab_count *out)
{
	size_t i;
	int failed = 0;

	for (i = 0; i < cs->n_units; i++)
		failed += read_unit(cs, &cs->unit[i], out);
	return failed;
}

int dmab_counters_read_scope(struct dmab_counters *cs, struct dmab_count *out, int per_phase)
{
	size_t i;
	int failed = 0;

	for (i = 0; i < cs->n_units; i++)
		if (cs->unit[i].per_phase == per_phase)
			failed += read_unit(cs, &cs->unit[i], out);
	return failed;
}

/* ---- opening the set ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median_ns(double *v, size_t n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return v[n / 2];
}

static double unit_cost_ns(struct dmab_counters *cs, const struct dmab_read_unit *u)
{
	struct dmab_count out[DMAB_MAX_EVENTS];
	double d[COST_READS];
	unsigned int i;

	for (i = 0; i < COST_READS; i++) {
		uint64_t t0 = dmab_ticks();

		read_unit(cs, u, out);
		d[i] = (double)dmab_ticks_to_ns(dmab_ticks() - t0);
	}
	return median_ns(d, COST_READS);
}

/* One reading at a phase boundary: the slots read per phase. */
static double phase_read_cost_ns(struct dmab_counters *cs)
{
	struct dmab_count out[DMAB_MAX_EVENTS];
	double d[COST_READS];
	unsigned int i;

	for (i = 0; i < COST_READS; i++) {
		uint64_t t0 = dmab_ticks();

		dmab_counters_read_scope(cs, out, 1);
		d[i] = (double)dmab_ticks_to_ns(dmab_ticks() - t0);
	}
	return median_ns(d, COST_READS);
}

static void close_event(struct dmab_event *e)
{
	if (e->page)
		munmap((void *)e->page, (size_t)sysconf(_SC_PAGESIZE));
	e->page = NULL;
	if (e->fd >= 0)
		close(e->fd);
	e->fd = -1;
}

/*
 * ---- the probe loop: does an event that opens count at all? ----
 *
 * An event can open and never count: a PMU whose registers exist but whose
 * counters do not advance (an emulated one, see no_count_reason()) takes
 * events like any other. So each CPU PMU event that opens is counted over
 * the probe loop on its probe descriptor, alone: spin(PROBE_ITERATIONS), in
 * user space, about 10 instructions an iteration (4 loads, 3 stores, 2 adds
 * and a branch at -O2) on the stack, touching no fresh page.
 *
 * A zero is a verdict only where it cannot be a measurement:
 * - cycles, instructions and ref-cycles (counting user space) count over any
 *   loop on a PMU that counts at all: their zero is enough.
 * - Any other CPU PMU event (cache-misses, L1-dcache-load-misses, raw codes,
 *   a core PMU's own names) may truly count 0 over a loop that lives in L1.
 *   The loop does not walk a buffer to force misses: no size is enough
 *   everywhere (last-level caches of hundreds of MiB, prefetchers that hide a
 *   walk, events for rarer things still), and a walk of tens of MiB at every
 *   open would cost far more than the loop, most of all under TCG. Instead
 *   such a zero is judged by the PMU's cycle counter over the same loop: when
 *   that counted nothing too, this PMU counts nothing here; when it counted,
 *   the zero is a measurement and stays ok.
 * Software events and tracepoints (page-faults, context-switches,
 * cpu-migrations: often 0 over a short loop) are never judged, nor is a
 * probe that was multiplexed, off the PMU, or not read: the event stays ok.
 */
#define PROBE_ITERATIONS 50000u

enum probe_count {
	PROBE_NOT_YET,		/* not counted */
	PROBE_UNDECIDED,	/* not on the PMU throughout, or a read failed */
	PROBE_COUNTED,
	PROBE_ZERO,		/* 0, on the PMU for the whole loop */
};

/* Events a CPU's PMU counts: what a zero over the probe loop can condemn. */
static int cpu_pmu_event(const struct dmab_event *e)
{
	return core_type(e->attr.type) || (e->attr.type >= PERF_TYPE_MAX && e->core_pmu);
}

/* Events that count over any loop on a PMU that counts at all. */
static int counts_over_any_loop(const struct perf_event_attr *a)
{
	if (a->type != PERF_TYPE_HARDWARE || a->exclude_user || a->exclude_host)
		return 0;
	switch (a->config & 0xffffffffull) {	/* above: a hybrid's PMU type */
	case PERF_COUNT_HW_CPU_CYCLES:
	case PERF_COUNT_HW_INSTRUCTIONS:
	case PERF_COUNT_HW_REF_CPU_CYCLES:
		return 1;
	default:
		return 0;
	}
}

/* What the event open as @fd (alone, FORMAT_ALONE) counts over the probe loop. */
static enum probe_count count_over_probe_loop(int fd)
{
	struct dmab_count before, after;
	uint64_t enabled, running;

	if (read_fd(fd, 0, 1, &before))
		return PROBE_UNDECIDED;
	spin(PROBE_ITERATIONS);
	if (read_fd(fd, 0, 1, &after))
		return PROBE_UNDECIDED;
	enabled = after.enabled - before.enabled;
	running = after.running - before.running;
	/* multiplexed, part of the loop may have gone uncounted: no verdict */
	if (!running || running < enabled)
		return PROBE_UNDECIDED;
	return after.value != before.value ? PROBE_COUNTED : PROBE_ZERO;
}

/* The CPU PMU's cycle counter over the probe loop: does that PMU count at all? */
static enum probe_count pmu_cycles_over_probe_loop(int paranoid)
{
	struct dmab_event cycles;
	enum probe_count count = PROBE_UNDECIDED;
	int fd;

	memset(&cycles, 0, sizeof(cycles));
	cycles.fd = -1;
	cycles.status = DMAB_COUNTER_OK;
	cycles.attr.size = sizeof(cycles.attr);
	cycles.attr.type = PERF_TYPE_HARDWARE;
	cycles.attr.config = PERF_COUNT_HW_CPU_CYCLES;
	fd = probe_open(&cycles, paranoid, -1);
	if (fd >= 0) {
		count = count_over_probe_loop(fd);
		close(fd);
	}
	return count;
}

/* How this machine says it is QEMU; "" when it does not. */
static void emulation_evidence(char *out, size_t len)
{
	char buf[512] = "";
	size_t got = 0;
	FILE *f;

	out[0] = 0;
	f = fopen("/proc/device-tree/compatible", "r");	/* NUL-separated strings */
	if (f) {
		got = fread(buf, 1, sizeof(buf), f);
		fclose(f);
	}
	if (memmem(buf, got, "linux,dummy-virt", strlen("linux,dummy-virt"))) {
		snprintf(out, len, "device tree: linux,dummy-virt");
		return;
	}
	f = fopen("/sys/class/dmi/id/sys_vendor", "r");
	buf[0] = 0;
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	if (!strncmp(buf, "QEMU", 4))
		snprintf(out, len, "DMI vendor: QEMU");
	else if (!access("/sys/firmware/qemu_fw_cfg", F_OK))
		snprintf(out, len, "/sys/firmware/qemu_fw_cfg");
}

/*
 * The reason of a no_count event; @pmu_silent: its own zero was not enough,
 * the PMU's cycle counter counted nothing too.
 *
 * QEMU is named only when the machine says so. What QEMU 7.2 counts (Debian
 * 12's; target/arm/helper.c and cpu_tcg.c): pm_events[] has SW_INCR,
 * INST_RETIRED (only with -icount precise), CPU_CYCLES, and the STALL events
 * that always read 0 (PMUv3p1/p4 models only); pmu_counter_enabled() is false
 * for every counter, PMCCNTR included, of a CPU model without
 * ARM_FEATURE_PMU. cortex_a9_initfn() sets no ARM_FEATURE_PMU (a7, a15, r5
 * and max do) but does set PMCR.N = 6 (reset_pmcr_el0 0x41093000), and
 * define_pmu_regs() gives every v7 CPU the registers: Linux registers
 * armv7_cortex_a9 and its events open, but nothing ever counts. Where QEMU
 * models the PMU, the cycle counter counts and an event counter counts only
 * CPU_CYCLES, or INST_RETIRED under -icount: any other event the kernel
 * opens there reads 0. instructions is then no_count; a cache event, judged
 * by a cycle counter that counts, stays ok with its zeros.
 */
static void no_count_reason(struct dmab_event *e, int pmu_silent)
{
	char evidence[64];
	size_t used;

	used = (size_t)snprintf(e->reason, sizeof(e->reason), "opened, but counted 0 over the "
				"probe loop of %u iterations (loads, adds, stores)%s: this PMU "
				"does not count %s here", PROBE_ITERATIONS,
				pmu_silent ? ", and so did the PMU's cycle counter" :
				", on the PMU throughout", pmu_silent ? "anything" : "this event");
	emulation_evidence(evidence, sizeof(evidence));
	if (evidence[0] && used < sizeof(e->reason))
		snprintf(e->reason + used, sizeof(e->reason) - used, "; this machine is QEMU "
			 "(%s): an emulated PMU", evidence);
}

/*
 * After @e opened as @fd: no_count when it counted nothing over the probe
 * loop and that cannot be a measurement. @cycles: the PMU's cycle counter
 * over the loop, counted at the first need and kept for the other events.
 */
static void check_probe_count(struct dmab_event *e, int fd, int paranoid,
			      enum probe_count *cycles)
{
	int alone_is_enough = counts_over_any_loop(&e->attr);

	if (!cpu_pmu_event(e) || count_over_probe_loop(fd) != PROBE_ZERO)
		return;
	if (!alone_is_enough) {
		if (*cycles == PROBE_NOT_YET)
			*cycles = pmu_cycles_over_probe_loop(paranoid);
		if (*cycles != PROBE_ZERO)
			return;		/* the PMU counts: this zero is a measurement */
	}
	e->status = DMAB_COUNTER_NO_COUNT;
	no_count_reason(e, !alone_is_enough);
}

/* Why the kernel will not let user space read the counter, for the JSON. */
static void no_rdpmc_note(const struct dmab_counters *cs, char *out, size_t len)
{
#if defined(__aarch64__)
	if (cs->user_access < 0)
		snprintf(out, len, "this kernel has no /proc/sys/kernel/perf_user_access "
			 "(user-space counter access came in Linux 5.17)");
	else if (cs->user_access == 0)
		snprintf(out, len, "perf_user_access is 0 (as root: sysctl "
			 "kernel.perf_user_access=1)");
	else
		snprintf(out, len, "the kernel did not grant user-space access to this "
			 "counter (cap_user_rdpmc 0)");
#else
	(void)cs;
	snprintf(out, len, "the kernel does not allow rdpmc here (cap_user_rdpmc 0; see "
		 "/sys/bus/event_source/devices/cpu/rdpmc)");
#endif
}

static sigjmp_buf register_trap;

static void on_register_trap(int sig)
{
	siglongjmp(register_trap, sig);
}

static int unit_rdpmc_checked(struct dmab_counters *cs, struct dmab_read_unit *u, char *why,
			      size_t len);

/*
 * rdpmc for every member of @u, or the reason it cannot be. A kernel that
 * says the register may be read but has not enabled it would kill the
 * program (SIGSEGV from rdpmc on x86, SIGILL from mrs on arm64): while the
 * register is first tried, either signal is a reason instead.
 */
static int unit_rdpmc(struct dmab_counters *cs, struct dmab_read_unit *u, char *why,
		      size_t len)
{
	struct sigaction trap, old_ill, old_segv;
	volatile int ret = 0;
	int sig;

	why[0] = 0;
	if (!HAVE_USER_READ) {
		snprintf(why, len, "user-space counter reads are not implemented for this "
			 "architecture");
		return 0;
	}
	memset(&trap, 0, sizeof(trap));
	trap.sa_handler = on_register_trap;
	sigemptyset(&trap.sa_mask);
	sigaction(SIGILL, &trap, &old_ill);
	sigaction(SIGSEGV, &trap, &old_segv);
	sig = sigsetjmp(register_trap, 1);
	if (!sig)
		ret = unit_rdpmc_checked(cs, u, why, len);
	else
		snprintf(why, len, "reading the counter register trapped (%s) although the "
			 "kernel offered it", sig == SIGILL ? "SIGILL" : "SIGSEGV");
	sigaction(SIGILL, &old_ill, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	return ret;
}

static int unit_rdpmc_checked(struct dmab_counters *cs, struct dmab_read_unit *u, char *why,
			      size_t len)
{
	long page_size = sysconf(_SC_PAGESIZE);
	int k;

	for (k = 0; k < u->count; k++) {
		struct dmab_event *e = &cs->ev[cs->slot_event[u->first + k]];
		struct dmab_count before[DMAB_MAX_EVENTS], after[DMAB_MAX_EVENTS], mine;
		const volatile struct perf_event_mmap_page *pc;
		void *p;
		int tries;

		if (!core_type(e->attr.type)) {
			snprintf(why, len, "a %s event has no counter register to read",
				 e->attr.type == PERF_TYPE_SOFTWARE ? "software" : "non-CPU");
			return 0;
		}
		p = mmap(NULL, (size_t)page_size, PROT_READ, MAP_SHARED, e->fd, 0);
		if (p == MAP_FAILED) {
			snprintf(why, len, "mapping the perf page failed: %s", strerror(errno));
			return 0;
		}
		e->page = p;
		pc = e->page;
		if (!pc->cap_user_rdpmc) {
			no_rdpmc_note(cs, why, len);
			return 0;
		}
		if (!pc->cap_user_time) {
			snprintf(why, len, "the perf page has no cap_user_time: enabled and running "
				 "times could not be brought up to date");
			return 0;
		}
		/* the register must agree with the kernel: read(), the page, read() */
		for (tries = 0; tries < 100; tries++) {
			if (read_fd(u->fd, u->grouped, u->grouped ? u->count : 1, before) ||
			    page_read(e->page, &mine))
				continue;
			if (read_fd(u->fd, u->grouped, u->grouped ? u->count : 1, after))
				continue;
			break;
		}
		if (tries == 100) {
			snprintf(why, len, "the counter was never on the PMU while it was checked");
			return 0;
		}
		if (mine.value < before[u->grouped ? k : 0].value ||
		    mine.value > after[u->grouped ? k : 0].value) {
			snprintf(why, len, "the counter register disagreed with read() (%llu not in "
				 "[%llu, %llu])", (unsigned long long)mine.value,
				 (unsigned long long)before[u->grouped ? k : 0].value,
				 (unsigned long long)after[u->grouped ? k : 0].value);
			return 0;
		}
	}
	return 1;
}

/* Opens @members (indices into cs->ev, all ok when probed) as one group; 0 or -errno. */
static int open_group(struct dmab_counters *cs, const int *members, int n, char *why,
		      size_t len)
{
	struct dmab_count c[DMAB_MAX_EVENTS];
	int k, fd, leader = -1, ret = 0;

	for (k = 0; k < n; k++) {
		struct dmab_event *e = &cs->ev[members[k]];

		fd = open_attr(e, leader, FORMAT_GROUP);
		if (fd < 0) {
			snprintf(why, len, "the kernel refused the %s group (%s when %s joined): "
				 "its events are read one by one", e->group, dmab_errno_name(-fd) ?
				 dmab_errno_name(-fd) : "error", e->name);
			ret = fd;
			break;
		}
		e->fd = fd;
		if (leader < 0)
			leader = fd;
	}
	if (!ret) {
		/* a group goes on the PMU whole or not at all */
		spin(100000);
		if (read_fd(leader, 1, n, c)) {
			snprintf(why, len, "reading the %s group failed: its events are read one by "
				 "one", cs->ev[members[0]].group);
			ret = -EIO;
		} else if (c[0].enabled && !c[0].running) {
			snprintf(why, len, "the %s group never got on the PMU (more events than "
				 "counters?): its events are read one by one",
				 cs->ev[members[0]].group);
			ret = -ENOSPC;
		}
	}
	if (ret)
		for (k = n - 1; k >= 0; k--)
			close_event(&cs->ev[members[k]]);
	return ret;
}

/*
 * Whether a unit is read at every phase boundary: events with a counter
 * register are; software events and tracepoints, which only read() can read,
 * are counted over the frames unless @flags asks otherwise.
 */
static int unit_per_phase(const struct dmab_counters *cs, const struct dmab_read_unit *u,
			  unsigned int flags, char *why, size_t len)
{
	const struct dmab_event *e = &cs->ev[cs->slot_event[u->first]];

	why[0] = 0;
	if (u->method == DMAB_READ_RDPMC || (flags & DMAB_COUNT_SOFTWARE_PER_PHASE) ||
	    (e->attr.type != PERF_TYPE_SOFTWARE && e->attr.type != PERF_TYPE_TRACEPOINT))
		return 1;
	snprintf(why, len, "a %s event can only be read with read() (%.0f ns here): counted "
		 "over the frames, not per phase (--software-per-phase reads it per phase)",
		 e->attr.type == PERF_TYPE_SOFTWARE ? "software" : "tracepoint", u->cost_ns);
	return 0;
}

static void add_unit(struct dmab_counters *cs, const int *members, int n, int grouped)
{
	struct dmab_read_unit *u = &cs->unit[cs->n_units++];
	char why[192];
	int k;

	u->fd = cs->ev[members[0]].fd;
	u->grouped = grouped;
	u->first = (int)cs->n_live;
	u->count = n;
	for (k = 0; k < n; k++) {
		struct dmab_event *e = &cs->ev[members[k]];

		e->unit = (int)(cs->n_units - 1);
		e->slot = (int)cs->n_live;
		cs->slot_event[cs->n_live++] = members[k];
		if (!grouped)
			e->group[0] = 0;
	}
	if (unit_rdpmc(cs, u, why, sizeof(why))) {
		u->method = DMAB_READ_RDPMC;
	} else {
		u->method = grouped ? DMAB_READ_GROUP : DMAB_READ_SYSCALL;
		for (k = 0; k < n; k++) {
			struct dmab_event *e = &cs->ev[members[k]];

			if (e->page)
				munmap((void *)e->page, (size_t)sysconf(_SC_PAGESIZE));
			e->page = NULL;
			if (!e->method_note[0])
				snprintf(e->method_note, sizeof(e->method_note), "%s", why);
		}
	}
	for (k = 0; k < n; k++) {
		cs->ev[members[k]].method = u->method;
		cs->slot_page[u->first + k] = cs->ev[members[k]].page;
		if (u->method == DMAB_READ_RDPMC)
			cs->ev[members[k]].method_note[0] = 0;
	}
}

void dmab_counters_open(struct dmab_counters *cs, const char *const *names, size_t n,
			unsigned int flags)
{
	enum probe_count cycles = PROBE_NOT_YET;
	size_t i, j;
	int k;

	memset(cs, 0, sizeof(*cs));
	cs->paranoid = read_int_file("/proc/sys/kernel/perf_event_paranoid", INT_MIN);
	cs->user_access = read_int_file("/proc/sys/kernel/perf_user_access", -1);
	if (n > DMAB_MAX_EVENTS)
		n = DMAB_MAX_EVENTS;
	cs->n = n;
	for (i = 0; i < n; i++) {
		struct dmab_event *e = &cs->ev[i];
		int fd;

		encode(e, names[i]);
		fd = probe_open(e, cs->paranoid, cs->user_access);
		if (fd >= 0) {
			check_probe_count(e, fd, cs->paranoid, &cycles);
			close(fd);
		}
		if (e->status == DMAB_COUNTER_OK)
			group_key(e, e->group, sizeof(e->group));
	}
	if (!pfm_ready(cs->init_error, sizeof(cs->init_error)))
		return;
	/* one group per PMU, in the order the events were asked for */
	for (i = 0; i < n; i++) {
		int members[DMAB_MAX_EVENTS], m = 0;

		if (cs->ev[i].status != DMAB_COUNTER_OK || cs->ev[i].method != DMAB_READ_NONE)
			continue;
		for (j = i; j < n; j++)
			if (cs->ev[j].status == DMAB_COUNTER_OK &&
			    cs->ev[j].method == DMAB_READ_NONE &&
			    !strcmp(cs->ev[j].group, cs->ev[i].group))
				members[m++] = (int)j;
		if (m > 1) {
			char why[sizeof(cs->ev[0].group_note)];

			if (!open_group(cs, members, m, why, sizeof(why))) {
				add_unit(cs, members, m, 1);
				continue;
			}
			if (!cs->group_note[0])
				snprintf(cs->group_note, sizeof(cs->group_note), "%s", why);
			for (k = 0; k < m; k++)
				snprintf(cs->ev[members[k]].group_note,
					 sizeof(cs->ev[members[k]].group_note), "%s", why);
		}
		for (k = 0; k < m; k++) {
			struct dmab_event *e = &cs->ev[members[k]];
			int fd = open_attr(e, -1, FORMAT_ALONE);

			if (fd < 0) {
				classify(e, -fd, cs->paranoid);
				e->group[0] = 0;
				continue;
			}
			e->fd = fd;
			add_unit(cs, &members[k], 1, 0);
		}
	}
	for (i = 0; i < cs->n_units; i++) {
		struct dmab_read_unit *u = &cs->unit[i];
		char why[sizeof(cs->ev[0].scope_note)];

		u->cost_ns = unit_cost_ns(cs, u);
		u->per_phase = unit_per_phase(cs, u, flags, why, sizeof(why));
		if (u->per_phase)
			cs->n_phase_units++;
		else
			cs->n_span_units++;
		for (k = 0; k < u->count; k++) {
			struct dmab_event *e = &cs->ev[cs->slot_event[u->first + k]];

			e->read_cost_ns = u->method == DMAB_READ_RDPMC ? u->cost_ns / u->count :
					  u->cost_ns;
			e->per_phase = u->per_phase;
			snprintf(e->scope_note, sizeof(e->scope_note), "%s", why);
		}
		if (u->method != DMAB_READ_RDPMC) {
			cs->syscalls_per_snapshot++;
			cs->syscalls_per_phase_read += u->per_phase;
		}
	}
	if (cs->n_phase_units)
		cs->phase_read_cost_ns = phase_read_cost_ns(cs);
	for (i = 0; i < n; i++) {
		/* the measurements above are not the run's */
		cs->ev[i].read_errors = 0;
		cs->ev[i].fallback_reads = 0;
	}
}

void dmab_counters_close(struct dmab_counters *cs)
{
	size_t i;

	/* what was found stays for the report: only the fds and pages go */
	for (i = cs->n; i-- > 0;)
		close_event(&cs->ev[i]);
}

/* ---- per configuration ---- */

int dmab_cell_counts_init(struct dmab_cell_counts *cc, struct dmab_counters *cs)
{
	memset(cc, 0, sizeof(*cc));
	if (!cs || !cs->n_live)
		return 0;
	cc->prev = calloc(cs->n_live, sizeof(*cc->prev));
	cc->cur = calloc(cs->n_live, sizeof(*cc->cur));
	cc->span = calloc(cs->n_live, sizeof(*cc->span));
	cc->sum = calloc(cs->n_live * DMAB_PHASE_COUNT, sizeof(*cc->sum));
	if (!cc->prev || !cc->cur || !cc->span || !cc->sum) {
		dmab_cell_counts_free(cc);
		return -ENOMEM;
	}
	cc->set = cs;
	cc->per_phase = cs->n_phase_units > 0;
	return 0;
}

void dmab_cell_counts_reset(struct dmab_cell_counts *cc)
{
	if (!cc->set)
		return;
	memset(cc->sum, 0, cc->set->n_live * DMAB_PHASE_COUNT * sizeof(*cc->sum));
	cc->phases = 0;
	cc->span_ticks = 0;
	cc->frames = 0;
}

void dmab_cell_counts_free(struct dmab_cell_counts *cc)
{
	free(cc->prev);
	free(cc->cur);
	free(cc->span);
	free(cc->sum);
	cc->prev = cc->cur = cc->span = NULL;
	cc->sum = NULL;
	cc->set = NULL;
}

static void add_delta(struct dmab_phase_sum *s, const struct dmab_count *a,
		      const struct dmab_count *b)
{
	/* a failed read left the old reading: no delta rather than a wrapped one */
	s->raw += b->value > a->value ? b->value - a->value : 0;
	s->enabled += b->enabled > a->enabled ? b->enabled - a->enabled : 0;
	s->running += b->running > a->running ? b->running - a->running : 0;
}

/*
 * The deltas from @a to @b of the slots read @per_phase (1: at the phase
 * boundaries, 0: around the frames) into @phase, and into the frame too when
 * @and_frame.
 */
static void add_scope_deltas(struct dmab_cell_counts *cc, int per_phase, unsigned int phase,
			     int and_frame, const struct dmab_count *a, const struct dmab_count *b)
{
	const struct dmab_counters *cs = cc->set;
	size_t u;
	int i;

	for (u = 0; u < cs->n_units; u++) {
		if (cs->unit[u].per_phase != per_phase)
			continue;
		for (i = cs->unit[u].first; i < cs->unit[u].first + cs->unit[u].count; i++) {
			add_delta(&cc->sum[i * DMAB_PHASE_COUNT + phase], &a[i], &b[i]);
			if (and_frame)
				add_delta(&cc->sum[i * DMAB_PHASE_COUNT + DMAB_PHASE_FRAME], &a[i],
					  &b[i]);
		}
	}
}

void dmab_cell_counts_span_begin(struct dmab_cell_counts *cc)
{
	uint64_t t;

	if (!cc->set || !cc->set->n_span_units || cc->muted)
		return;
	t = dmab_ticks();
	dmab_counters_read_scope(cc->set, cc->span, 0);
	cc->span_ticks += dmab_ticks() - t;
}

void dmab_cell_counts_span_end(struct dmab_cell_counts *cc, uint64_t frames)
{
	const struct dmab_counters *cs = cc->set;
	struct dmab_count *now;
	uint64_t t;

	if (!cs || cc->muted)
		return;
	cc->frames += frames;
	if (!cs->n_span_units)
		return;
	t = dmab_ticks();
	now = cc->cur;
	memcpy(now, cc->span, cs->n_live * sizeof(*now));
	dmab_counters_read_scope(cc->set, now, 0);
	cc->span_ticks += dmab_ticks() - t;
	add_scope_deltas(cc, 0, DMAB_PHASE_FRAME, 0, cc->span, now);
}

void dmab_cell_counts_start(struct dmab_cell_counts *cc)
{
	if (cc->muted)
		return;
	dmab_counters_read_scope(cc->set, cc->prev, 1);
}

void dmab_cell_counts_phase(struct dmab_cell_counts *cc, unsigned int phase, int in_frame)
{
	struct dmab_count *t;

	if (cc->muted)
		return;
	memcpy(cc->cur, cc->prev, cc->set->n_live * sizeof(*cc->cur));
	dmab_counters_read_scope(cc->set, cc->cur, 1);
	add_scope_deltas(cc, 1, phase, in_frame, cc->prev, cc->cur);
	cc->phases |= 1u << phase;
	if (in_frame)
		cc->phases |= DMAB_PHASE_BIT(FRAME);
	t = cc->prev;
	cc->prev = cc->cur;
	cc->cur = t;
}

int dmab_cell_counts_total(const struct dmab_cell_counts *cc, int slot, unsigned int phase,
			   uint64_t *total, double *running_share)
{
	const struct dmab_phase_sum *s = &cc->sum[(size_t)slot * DMAB_PHASE_COUNT + phase];

	*running_share = !s->enabled || s->running >= s->enabled ? 1.0 :
			 (double)s->running / (double)s->enabled;
	return dmab_counter_scale(s->raw, s->enabled, s->running, total);
}
