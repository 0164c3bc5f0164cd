// SPDX-License-Identifier: GPL-2.0
/*
 * Counters: what a user reads in the JSON for every way an event can fail to
 * open, for groups the kernel refuses, and for multiplexed counts, with
 * perf_event_open and read() stood in for (-Wl,--wrap=dmab_perf_event_open,
 * --wrap=read); then, for real on this machine, page faults counted exactly
 * and the hardware events as this machine has them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>
#include <perfmon/pfmlib.h>

#include "check.h"

#include "../../harness/counters.h"
#include "../../harness/timer.h"

/* ---- the stand-ins ---- */

#define FAKE_FD0 900000		/* far above any real descriptor */
#define MAX_FAKE 64

struct fake_event {
	struct perf_event_attr attr;
	int leader;		/* fd of its group leader; its own fd when it leads */
	struct dmab_count now;	/* what a read returns */
	struct dmab_count step;	/* added to now by every read() of it alone, first */
};

/* Decides an open: a descriptor (>= 0, from fake_fd()) or -errno. */
typedef int (*fake_open_fn)(const struct perf_event_attr *attr, int group_fd, int call);

static struct {
	fake_open_fn open;	/* NULL: the real system calls */
	int opens;
	struct fake_event ev[MAX_FAKE];
	int n;
	int fail_reads;		/* reads of fake fds that fail from now on */
	int reads;		/* read() calls on fake fds */
	int group_running_zero;	/* group reads say the group never ran */
} fake;

int __real_dmab_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd,
				unsigned long flags);
int __wrap_dmab_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd,
				unsigned long flags);
ssize_t __real_read(int fd, void *buf, size_t len);
ssize_t __wrap_read(int fd, void *buf, size_t len);

static int is_fake(int fd)
{
	return fd >= FAKE_FD0 && fd < FAKE_FD0 + fake.n;
}

static int fake_fd(const struct perf_event_attr *attr, int group_fd)
{
	struct fake_event *e = &fake.ev[fake.n];
	int fd = FAKE_FD0 + fake.n++;

	assert_true(fake.n <= MAX_FAKE);
	memset(e, 0, sizeof(*e));
	e->attr = *attr;
	e->leader = group_fd >= 0 ? group_fd : fd;
	return fd;
}

int __wrap_dmab_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd,
				unsigned long flags)
{
	int ret;

	if (!fake.open)
		return __real_dmab_perf_event_open(attr, pid, cpu, group_fd, flags);
	/* what every open must ask: this thread, any CPU, counting now */
	assert_int_equal(pid, 0);
	assert_int_equal(cpu, -1);
	assert_int_equal(attr->size, sizeof(*attr));
	assert_int_equal(attr->disabled, 0);
	ret = fake.open(attr, group_fd, fake.opens++);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return ret;
}

ssize_t __wrap_read(int fd, void *buf, size_t len)
{
	struct fake_event *e;
	uint64_t *v = buf;
	size_t n = 0;
	int i;

	if (!is_fake(fd))
		return __real_read(fd, buf, len);
	fake.reads++;
	if (fake.fail_reads) {
		errno = EIO;
		return -1;
	}
	e = &fake.ev[fd - FAKE_FD0];
	if (!(e->attr.read_format & PERF_FORMAT_GROUP)) {
		assert_true(len >= 3 * sizeof(uint64_t));
		e->now.value += e->step.value;
		e->now.enabled += e->step.enabled;
		e->now.running += e->step.running;
		v[0] = e->now.value;
		v[1] = e->now.enabled;
		v[2] = e->now.running;
		return 3 * sizeof(uint64_t);
	}
	/* PERF_FORMAT_GROUP: nr, the leader's times, then every member's value */
	e = &fake.ev[e->leader - FAKE_FD0];
	v[1] = e->now.enabled;
	v[2] = fake.group_running_zero ? 0 : e->now.running;
	for (i = 0; i < fake.n; i++)
		if (fake.ev[i].leader == e->leader) {
			assert_true((3 + n + 1) * sizeof(uint64_t) <= len);
			v[3 + n++] = fake.ev[i].now.value;
		}
	v[0] = n;
	return (ssize_t)((3 + n) * sizeof(uint64_t));
}

static void fake_reset(fake_open_fn open)
{
	memset(&fake, 0, sizeof(fake));
	fake.open = open;
}

/* The fake event open as @fd, to set what it counts. */
static struct fake_event *fake_event(int fd)
{
	assert_true(is_fake(fd));
	return &fake.ev[fd - FAKE_FD0];
}

static int open_ok(const struct perf_event_attr *attr, int group_fd, int call)
{
	(void)call;
	return fake_fd(attr, group_fd);
}

static void open_events_flags(struct dmab_counters *cs, const char *list, unsigned int flags)
{
	const char *names[DMAB_MAX_EVENTS];
	char buf[512], err[256] = "";
	size_t n = 0;

	snprintf(buf, sizeof(buf), "%s", list);
	assert_int_equal(dmab_counters_parse_list(buf, names, &n, err, sizeof(err)), 0);
	dmab_counters_open(cs, names, n, flags);
}

static void open_events(struct dmab_counters *cs, const char *list)
{
	open_events_flags(cs, list, 0);
}

/* ---- every status from every errno class ---- */

/* The first open of the probe fails with first_err; the retry (user space only) with retry_err. */
static int first_err, retry_err;

static int open_scripted(const struct perf_event_attr *attr, int group_fd, int call)
{
	if (call == 0) {
		assert_int_equal(attr->exclude_kernel, 0);	/* the kernel first */
		if (first_err)
			return -first_err;
	} else if (call == 1 && first_err) {
		/* the retry leaves the kernel out; only EACCES and EPERM get one */
		assert_true(first_err == EACCES || first_err == EPERM);
		assert_int_equal(attr->exclude_kernel, 1);
		if (retry_err)
			return -retry_err;
	}
	return fake_fd(attr, group_fd);
}

static const struct status_case {
	const char *name;
	int first, retry;
	enum dmab_counter_status status;
	int err;		/* the errno the JSON gives */
	int kernel_counted;
	const char *reason;	/* in the reason (or kernel_note when ok) */
} status_cases[] = {
	{ "opens", 0, 0, DMAB_COUNTER_OK, 0, 1, NULL },
	{ "ENOENT: no PMU", ENOENT, 0, DMAB_COUNTER_UNSUPPORTED, ENOENT, 0, "ENOENT" },
	{ "ENODEV", ENODEV, 0, DMAB_COUNTER_UNSUPPORTED, ENODEV, 0, "ENODEV" },
	{ "ENXIO", ENXIO, 0, DMAB_COUNTER_UNSUPPORTED, ENXIO, 0, "ENXIO" },
	{ "EOPNOTSUPP", EOPNOTSUPP, 0, DMAB_COUNTER_UNSUPPORTED, EOPNOTSUPP, 0, "EOPNOTSUPP" },
	{ "ENOSYS: no perf events", ENOSYS, 0, DMAB_COUNTER_UNSUPPORTED, ENOSYS, 0,
	  "CONFIG_PERF_EVENTS" },
	{ "EBUSY", EBUSY, 0, DMAB_COUNTER_UNSUPPORTED, EBUSY, 0, "EBUSY" },
	{ "ENOSPC", ENOSPC, 0, DMAB_COUNTER_UNSUPPORTED, ENOSPC, 0, "ENOSPC" },
	{ "EINVAL", EINVAL, 0, DMAB_COUNTER_INVALID, EINVAL, 0, "EINVAL" },
	{ "E2BIG", E2BIG, 0, DMAB_COUNTER_INVALID, E2BIG, 0, "E2BIG" },
	{ "EMFILE", EMFILE, 0, DMAB_COUNTER_INVALID, EMFILE, 0, "EMFILE" },
	{ "EACCES, user space allowed", EACCES, 0, DMAB_COUNTER_OK, 0, 0, "perf_event_paranoid" },
	{ "EPERM, user space allowed", EPERM, 0, DMAB_COUNTER_OK, 0, 0, "perf_event_paranoid" },
	{ "EACCES twice", EACCES, EACCES, DMAB_COUNTER_DENIED, EACCES, 0, "perf_event_paranoid" },
	{ "EPERM twice", EPERM, EPERM, DMAB_COUNTER_DENIED, EPERM, 0, "perf_event_paranoid" },
	{ "EACCES, then no user-only counting", EACCES, EOPNOTSUPP, DMAB_COUNTER_DENIED, EACCES,
	  0, "EOPNOTSUPP" },
	{ "EACCES, then no PMU", EACCES, ENOENT, DMAB_COUNTER_UNSUPPORTED, ENOENT, 0, "ENOENT" },
};

static void test_every_status_from_every_errno_class(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(status_cases); i++) {
		const struct status_case *c = &status_cases[i];
		struct dmab_counters cs;
		const struct dmab_event *e = &cs.ev[0];

		first_err = c->first;
		retry_err = c->retry;
		fake_reset(open_scripted);
		open_events(&cs, "cycles");
		if (e->status != c->status || e->err != c->err)
			fail_msg("%s: status %s errno %d, want %s errno %d (%s)", c->name,
				 dmab_counter_status_names[e->status], e->err,
				 dmab_counter_status_names[c->status], c->err, e->reason);
		if (c->status == DMAB_COUNTER_OK) {
			CHECK_U64(c->name, "kernel_counted", e->kernel_counted, c->kernel_counted);
			assert_string_equal(e->reason, "");
			CHECK_U64(c->name, "slots", cs.n_live, 1);
			if (c->reason && !strstr(e->kernel_note, c->reason))
				fail_msg("%s: kernel_note '%s' lacks '%s'", c->name, e->kernel_note,
					 c->reason);
		} else {
			CHECK_U64(c->name, "slots", cs.n_live, 0);
			CHECK_U64(c->name, "fd", e->fd, -1);
			if (!strstr(e->reason, c->reason))
				fail_msg("%s: reason '%s' lacks '%s'", c->name, e->reason, c->reason);
		}
		assert_non_null(strstr(e->encoding, "PERF_COUNT_HW_CPU_CYCLES"));
		dmab_counters_close(&cs);
	}
}

static void test_unknown_and_unencodable_events(void **state)
{
	struct dmab_counters cs;

	(void)state;
	fake_reset(open_ok);
	open_events(&cs, "nonsense,cycles:foo=1,cycles:k=2");
	assert_int_equal(fake.opens, 0);	/* nothing libpfm4 refused reaches the kernel */
	assert_int_equal(cs.ev[0].status, DMAB_COUNTER_UNKNOWN_EVENT);
	assert_int_equal(cs.ev[0].err, 0);
	assert_int_equal(cs.ev[0].pfm_err, PFM_ERR_NOTFOUND);
	assert_non_null(strstr(cs.ev[0].reason, "libpfm4: event not found"));
	assert_string_equal(cs.ev[0].encoding, "");
	assert_int_equal(cs.ev[1].status, DMAB_COUNTER_INVALID);
	assert_int_equal(cs.ev[1].err, 0);
	assert_int_equal(cs.ev[1].pfm_err, PFM_ERR_ATTR);
	assert_int_equal(cs.ev[2].status, DMAB_COUNTER_INVALID);
	assert_int_equal(cs.ev[2].pfm_err, PFM_ERR_ATTR_VAL);
	assert_int_equal(cs.n_live, 0);
	dmab_counters_close(&cs);
}

/* An event's modifiers may leave the kernel out: no retry, and the JSON says why. */
static void test_user_only_by_modifier(void **state)
{
	struct dmab_counters cs;

	(void)state;
	fake_reset(open_ok);
	open_events(&cs, "cycles:u");
	assert_int_equal(cs.ev[0].status, DMAB_COUNTER_OK);
	assert_int_equal(cs.ev[0].kernel_counted, 0);
	assert_non_null(strstr(cs.ev[0].kernel_note, "modifiers"));
	dmab_counters_close(&cs);
}

/* ---- events that open but count nothing: no_count ---- */

/*
 * What the probe loop counts between two reads: the event itself, and the
 * PMU's cycle counter when it is opened to judge a zero (the first later
 * open of plain cycles counting user space).
 */
static const struct no_count_case {
	const char *name;
	const char *event;		/* as given to -e */
	uint64_t counts;		/* what it counts over the probe loop */
	uint64_t cycles;		/* what the PMU's cycle counter counts over it */
	int multiplexed;		/* on the PMU half of the loop */
	enum dmab_counter_status status;
	const char *reason;		/* in the reason; NULL: ok, none */
} no_count_cases[] = {
	/* cycles and instructions count over any loop: their zero is enough */
	{ "cycles counting 0 (QEMU's Cortex-A9)", "cycles", 0, 0, 0, DMAB_COUNTER_NO_COUNT,
	  "does not count this event here" },
	{ "instructions counting 0 where cycles count (QEMU without -icount)", "instructions", 0,
	  5000, 0, DMAB_COUNTER_NO_COUNT, "counted 0 over the probe loop of 50000 iterations" },
	{ "cycles counting", "cycles", 5000, 5000, 0, DMAB_COUNTER_OK, NULL },
	{ "instructions counting", "instructions", 40000, 5000, 0, DMAB_COUNTER_OK, NULL },
	/* a miss event may truly count 0: only the PMU's silent cycle counter condemns it */
	{ "cache-misses 0 where the PMU counts cycles: a measurement", "cache-misses", 0, 5000, 0,
	  DMAB_COUNTER_OK, NULL },
	{ "L1-dcache-load-misses 0 where the PMU counts cycles", "L1-dcache-load-misses", 0, 5000,
	  0, DMAB_COUNTER_OK, NULL },
	{ "cache-misses 0 on a PMU whose cycle counter counts 0 too", "cache-misses", 0, 0, 0,
	  DMAB_COUNTER_NO_COUNT, "and so did the PMU's cycle counter" },
	{ "L1-dcache-load-misses 0 on a silent PMU", "L1-dcache-load-misses", 0, 0, 0,
	  DMAB_COUNTER_NO_COUNT, "does not count anything here" },
	{ "cache-misses counting on a silent cycle counter", "cache-misses", 7, 0, 0,
	  DMAB_COUNTER_OK, NULL },
	/* kernel-only cycles may count 0 over a user-space loop */
	{ "cycles:k 0 where the PMU counts cycles", "cycles:k", 0, 5000, 0, DMAB_COUNTER_OK, NULL },
	/* software events may count 0 over a short loop: never judged */
	{ "page-faults 0", "page-faults", 0, 0, 0, DMAB_COUNTER_OK, NULL },
	{ "context-switches 0", "context-switches", 0, 0, 0, DMAB_COUNTER_OK, NULL },
	{ "cpu-migrations 0", "cpu-migrations", 0, 0, 0, DMAB_COUNTER_OK, NULL },
	/* off the PMU part of the loop, a zero proves nothing */
	{ "cycles 0 while multiplexed", "cycles", 0, 0, 1, DMAB_COUNTER_OK, NULL },
};

static const struct no_count_case *no_count_case;

static int open_probe_counting(const struct perf_event_attr *attr, int group_fd, int call)
{
	const struct no_count_case *c = no_count_case;
	int fd = fake_fd(attr, group_fd);
	struct fake_event *f = fake_event(fd);
	int cycles = attr->type == PERF_TYPE_HARDWARE &&
		     attr->config == PERF_COUNT_HW_CPU_CYCLES && !attr->exclude_user;

	/* 1000 ns per loop, on the PMU throughout unless multiplexed */
	f->step = (struct dmab_count){ c->counts, 1000, c->multiplexed ? 500 : 1000 };
	if (call > 0 && cycles)
		f->step.value = c->cycles;
	return fd;
}

static void test_events_that_count_nothing(void **state)
{
	size_t i;

	(void)state;
	assert_string_equal(dmab_counter_status_names[DMAB_COUNTER_NO_COUNT], "no_count");
	for (i = 0; i < ARRAY_SIZE(no_count_cases); i++) {
		const struct no_count_case *c = &no_count_cases[i];
		struct dmab_counters cs;
		const struct dmab_event *e = &cs.ev[0];

		no_count_case = c;
		fake_reset(open_probe_counting);
		open_events(&cs, c->event);
		if (e->status != c->status)
			fail_msg("%s: status %s, want %s (%s)", c->name,
				 dmab_counter_status_names[e->status],
				 dmab_counter_status_names[c->status], e->reason);
		CHECK_U64(c->name, "errno", e->err, 0);
		if (c->status == DMAB_COUNTER_OK) {
			assert_string_equal(e->reason, "");
			CHECK_U64(c->name, "slots (read during the run)", cs.n_live, 1);
		} else {
			/* not read during the run, and the reason says what was seen */
			CHECK_U64(c->name, "slots (read during the run)", cs.n_live, 0);
			CHECK_U64(c->name, "fd", e->fd, -1);
			if (!strstr(e->reason, "opened, but counted 0") ||
			    !strstr(e->reason, c->reason))
				fail_msg("%s: reason '%s' lacks '%s'", c->name, e->reason,
					 c->reason);
		}
		dmab_counters_close(&cs);
	}
}

/*
 * A PMU that takes every event and counts none (QEMU 7.2's Cortex-A9): the
 * default set's hardware events are no_count, each listed once with the same
 * reason, and only the software events are read during the run.
 */
static void test_silent_pmu_leaves_software_events(void **state)
{
	static const struct no_count_case silent = { "silent PMU", NULL, 0, 0, 0, 0, NULL };
	struct dmab_counters cs;
	size_t i;

	(void)state;
	no_count_case = &silent;
	fake_reset(open_probe_counting);
	open_events(&cs, "cycles,instructions,cache-misses,L1-dcache-load-misses,task-clock,"
			 "page-faults,context-switches");
	for (i = 0; i < 4; i++)
		if (cs.ev[i].status != DMAB_COUNTER_NO_COUNT)
			fail_msg("%s: %s, want no_count", cs.ev[i].name,
				 dmab_counter_status_names[cs.ev[i].status]);
	assert_string_equal(cs.ev[0].reason, cs.ev[1].reason);
	assert_string_equal(cs.ev[2].reason, cs.ev[3].reason);
	for (i = 4; i < 7; i++)
		assert_int_equal(cs.ev[i].status, DMAB_COUNTER_OK);
	assert_int_equal(cs.n_live, 3);
	assert_int_equal(cs.n_units, 1);
	assert_string_equal(cs.ev[cs.slot_event[0]].group, "software");
	dmab_counters_close(&cs);
}

/* ---- groups ---- */

static void set_counts(const struct dmab_counters *cs, size_t ev, uint64_t value,
		       uint64_t enabled, uint64_t running)
{
	struct fake_event *f = fake_event(cs->ev[ev].fd);

	f->now.value = value;
	f->now.enabled = enabled;
	f->now.running = running;
}

static void test_one_group_per_pmu_read_at_once(void **state)
{
	struct dmab_counters cs;
	struct dmab_count out[DMAB_MAX_EVENTS];

	(void)state;
	fake_reset(open_ok);
	open_events(&cs, "task-clock,cycles,page-faults,instructions,context-switches");
	assert_int_equal(cs.n_live, 5);
	assert_int_equal(cs.n_units, 2);
	/* a group per PMU, in the order asked: software (task-clock came first), then cpu */
	assert_string_equal(cs.ev[0].group, "software");
	assert_string_equal(cs.ev[1].group, "cpu");
	assert_int_equal(cs.ev[0].unit, cs.ev[2].unit);
	assert_int_equal(cs.ev[1].unit, cs.ev[3].unit);
	assert_int_not_equal(cs.ev[0].unit, cs.ev[1].unit);
	assert_int_equal(cs.ev[0].method, DMAB_READ_GROUP);
	/* no mmap for a fake fd: the cpu group is read with read() too, and says why */
	assert_int_equal(cs.ev[1].method, DMAB_READ_GROUP);
	assert_non_null(strstr(cs.ev[1].method_note, "perf page"));
	assert_non_null(strstr(cs.ev[0].method_note, "software"));
	assert_string_equal(cs.group_note, "");
	assert_int_equal(cs.syscalls_per_snapshot, 2);
	assert_true(cs.ev[0].read_cost_ns > 0);
	/* each slot gets its own member's value from the group's one read */
	set_counts(&cs, 0, 11, 100, 100);
	set_counts(&cs, 1, 22, 0, 0);
	set_counts(&cs, 2, 33, 0, 0);
	set_counts(&cs, 3, 44, 0, 0);
	set_counts(&cs, 4, 55, 0, 0);
	fake_event(cs.ev[1].fd)->now.enabled = 200;
	fake_event(cs.ev[1].fd)->now.running = 150;
	assert_int_equal(dmab_counters_read(&cs, out), 0);	/* no read failed */
	assert_int_equal(out[cs.ev[0].slot].value, 11);
	assert_int_equal(out[cs.ev[2].slot].value, 33);
	assert_int_equal(out[cs.ev[4].slot].value, 55);
	assert_int_equal(out[cs.ev[1].slot].value, 22);
	assert_int_equal(out[cs.ev[3].slot].value, 44);
	/* a group shares its leader's times */
	assert_int_equal(out[cs.ev[3].slot].enabled, 200);
	assert_int_equal(out[cs.ev[3].slot].running, 150);
	assert_int_equal(out[cs.ev[4].slot].enabled, 100);
	dmab_counters_close(&cs);
}

static int open_refusing_groups(const struct perf_event_attr *attr, int group_fd, int call)
{
	(void)call;
	if (group_fd >= 0)
		return -EINVAL;
	return fake_fd(attr, group_fd);
}

static void test_refused_group_falls_back_to_single_events(void **state)
{
	struct dmab_counters cs;
	struct dmab_count out[DMAB_MAX_EVENTS];
	size_t i;

	(void)state;
	fake_reset(open_refusing_groups);
	open_events(&cs, "cycles,instructions,page-faults");
	for (i = 0; i < 3; i++) {
		assert_int_equal(cs.ev[i].status, DMAB_COUNTER_OK);
		assert_int_equal(cs.ev[i].method, DMAB_READ_SYSCALL);
		assert_string_equal(cs.ev[i].group, "");
	}
	assert_int_equal(cs.n_units, 3);
	assert_non_null(strstr(cs.group_note, "refused the cpu group (EINVAL when instructions "
					      "joined)"));
	assert_non_null(strstr(cs.ev[0].group_note, "read one by one"));
	assert_string_equal(cs.ev[2].group_note, "");	/* page-faults was alone anyway */
	set_counts(&cs, 0, 7, 10, 10);
	set_counts(&cs, 1, 8, 10, 5);
	assert_int_equal(dmab_counters_read(&cs, out), 0);
	assert_int_equal(out[cs.ev[0].slot].value, 7);
	assert_int_equal(out[cs.ev[1].slot].value, 8);
	assert_int_equal(out[cs.ev[1].slot].running, 5);
	dmab_counters_close(&cs);
}

/* A group can open and still never get on the PMU: read alone instead. */
static int open_group_never_running(const struct perf_event_attr *attr, int group_fd, int call)
{
	int fd = fake_fd(attr, group_fd);

	(void)call;
	fake.ev[fd - FAKE_FD0].now.enabled = 1000;
	fake.ev[fd - FAKE_FD0].now.running = 1000;
	fake.group_running_zero = group_fd >= 0;
	return fd;
}

static void test_group_that_never_runs_falls_back(void **state)
{
	struct dmab_counters cs;

	(void)state;
	fake_reset(open_group_never_running);
	open_events(&cs, "cycles,instructions");
	assert_int_equal(cs.n_units, 2);
	assert_int_equal(cs.ev[0].method, DMAB_READ_SYSCALL);
	assert_int_equal(cs.ev[1].method, DMAB_READ_SYSCALL);
	assert_non_null(strstr(cs.group_note, "never got on the PMU"));
	dmab_counters_close(&cs);
}

/* ---- multiplexing: the scaling arithmetic ---- */

static const struct scale_case {
	uint64_t raw, enabled, running, want;
	int ret;
} scale_cases[] = {
	{ 1000, 100, 100, 1000, 0 },		/* never multiplexed */
	{ 1000, 100, 50, 2000, 0 },		/* on the PMU half the time */
	{ 1000, 400, 100, 4000, 0 },
	{ 10, 3, 2, 15, 0 },
	{ 1, 3, 2, 2, 0 },			/* 1.5 rounds up */
	{ 7, 0, 0, 7, 0 },			/* no time known: as read */
	{ 5, 100, 0, 0, -ENODATA },		/* never ran: nothing to scale */
	{ 1ull << 40, 1ull << 40, 1ull << 39, 1ull << 41, 0 },	/* no overflow */
	{ 1000, 100, 120, 1000, 0 },		/* running past enabled: as read */
};

static void test_scaling_arithmetic(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(scale_cases); i++) {
		const struct scale_case *c = &scale_cases[i];
		uint64_t got = 12345;
		char name[64];

		snprintf(name, sizeof(name), "%llu x %llu / %llu", (unsigned long long)c->raw,
			 (unsigned long long)c->enabled, (unsigned long long)c->running);
		CHECK_U64(name, "return", dmab_counter_scale(c->raw, c->enabled, c->running, &got),
			  c->ret);
		CHECK_U64(name, "scaled", got, c->want);
	}
}

/*
 * Through the phase boundaries: each phase's deltas are summed, and the sum
 * is scaled by its summed enabled over its summed running.
 */
static void test_multiplexed_counts_per_phase(void **state)
{
	/* per frame, per phase: value, enabled and running advance by these */
	static const struct { uint64_t value, enabled, running; } step[2][3] = {
		{ { 100, 10, 10 }, { 30, 20, 5 }, { 0, 10, 0 } },
		{ { 300, 30, 30 }, { 10, 20, 15 }, { 0, 10, 0 } },
	};
	struct dmab_counters cs;
	struct dmab_cell_counts cc;
	struct fake_event *f;
	uint64_t total;
	double share;
	int frame, p;

	(void)state;
	fake_reset(open_ok);
	open_events(&cs, "cycles");
	f = fake_event(cs.ev[0].fd);
	f->now = (struct dmab_count){ 5000, 700, 600 };
	assert_int_equal(dmab_cell_counts_init(&cc, &cs), 0);
	dmab_cell_counts_span_begin(&cc);
	for (frame = 0; frame < 2; frame++) {
		dmab_cell_counts_start(&cc);
		for (p = 0; p < 3; p++) {
			f->now.value += step[frame][p].value;
			f->now.enabled += step[frame][p].enabled;
			f->now.running += step[frame][p].running;
			dmab_cell_counts_phase(&cc, (unsigned int)p, 1);
		}
		f->now.value += 999;	/* between frames: in no phase */
		f->now.enabled += 99;
		f->now.running += 99;
	}
	dmab_cell_counts_span_end(&cc, 2);
	assert_int_equal(cc.frames, 2);
	assert_int_equal(cc.phases, (1u << 0) | (1u << 1) | (1u << 2) | DMAB_PHASE_BIT(FRAME));
	/* phase 0: 400 counted in 40 of 40: as read */
	assert_int_equal(dmab_cell_counts_total(&cc, 0, 0, &total, &share), 0);
	assert_int_equal(total, 400);
	assert_true(share == 1.0);
	/* phase 1: 40 counted in 20 of 40: 80, counted half the time */
	assert_int_equal(dmab_cell_counts_total(&cc, 0, 1, &total, &share), 0);
	assert_int_equal(total, 80);
	assert_true(share == 0.5);
	/* phase 2: never on the PMU */
	assert_int_equal(dmab_cell_counts_total(&cc, 0, 2, &total, &share), -ENODATA);
	assert_true(share == 0.0);
	/* the frame: 440 in 60 of 100 -> 733.33, rounded */
	assert_int_equal(dmab_cell_counts_total(&cc, 0, DMAB_PHASE_FRAME, &total, &share), 0);
	assert_int_equal(total, 733);
	assert_true(share == 0.6);
	/* after warm-up everything starts again */
	dmab_cell_counts_reset(&cc);
	assert_int_equal(cc.frames, 0);
	assert_int_equal(dmab_cell_counts_total(&cc, 0, 0, &total, &share), 0);
	assert_int_equal(total, 0);
	dmab_cell_counts_free(&cc);
	dmab_counters_close(&cs);
}

/* A read that fails adds nothing, and is counted. */
static void test_failed_read_adds_nothing(void **state)
{
	struct dmab_counters cs;
	struct dmab_cell_counts cc;
	struct fake_event *f;
	uint64_t total;
	double share;

	(void)state;
	fake_reset(open_ok);
	open_events(&cs, "cycles");
	f = fake_event(cs.ev[0].fd);
	f->now = (struct dmab_count){ 10, 100, 100 };
	assert_int_equal(dmab_cell_counts_init(&cc, &cs), 0);
	dmab_cell_counts_start(&cc);
	f->now = (struct dmab_count){ 13, 200, 200 };
	fake.fail_reads = 1;
	dmab_cell_counts_phase(&cc, 0, 1);
	fake.fail_reads = 0;
	dmab_cell_counts_phase(&cc, 1, 1);
	assert_int_equal(cs.ev[0].read_errors, 1);
	assert_int_equal(dmab_cell_counts_total(&cc, 0, 0, &total, &share), 0);
	assert_int_equal(total, 0);
	assert_int_equal(dmab_cell_counts_total(&cc, 0, 1, &total, &share), 0);
	assert_int_equal(total, 3);
	dmab_cell_counts_free(&cc);
	dmab_counters_close(&cs);
}

/*
 * Software events only read() can read are counted over the frames: a phase
 * boundary reads none of them, so with only them nothing is read per frame;
 * their counts run from before the first frame to after the last, harness
 * work between frames included, and are not spread over phases.
 */
static void test_software_events_counted_over_the_frames(void **state)
{
	struct dmab_counters cs;
	struct dmab_cell_counts cc;
	struct fake_event *sw, *hw;
	uint64_t total;
	double share;
	int frame, p, reads;

	(void)state;
	fake_reset(open_ok);
	open_events(&cs, "page-faults,cycles,context-switches");
	assert_int_equal(cs.n_units, 2);
	assert_int_equal(cs.n_phase_units, 1);
	assert_int_equal(cs.n_span_units, 1);
	assert_int_equal(cs.ev[0].per_phase, 0);
	assert_int_equal(cs.ev[2].per_phase, 0);
	assert_int_equal(cs.ev[1].per_phase, 1);
	assert_non_null(strstr(cs.ev[0].scope_note, "software event can only be read with read()"));
	assert_non_null(strstr(cs.ev[0].scope_note, "--software-per-phase"));
	assert_string_equal(cs.ev[1].scope_note, "");
	assert_int_equal(cs.syscalls_per_phase_read, 1);	/* cycles' own read() */
	sw = fake_event(cs.ev[0].fd);
	hw = fake_event(cs.ev[1].fd);
	sw->now = (struct dmab_count){ 100, 1000, 1000 };
	hw->now = (struct dmab_count){ 5000, 1000, 1000 };
	assert_int_equal(dmab_cell_counts_init(&cc, &cs), 0);
	assert_int_equal(cc.per_phase, 1);
	dmab_cell_counts_span_begin(&cc);
	for (frame = 0; frame < 3; frame++) {
		reads = fake.reads;
		dmab_cell_counts_start(&cc);
		for (p = 0; p < 2; p++) {
			sw->now.value += 1;
			hw->now.value += 10;
			dmab_cell_counts_phase(&cc, (unsigned int)p, 1);
		}
		/* three readings of the cycles unit, none of the software group */
		assert_int_equal(fake.reads - reads, 3);
		sw->now.value += 5;	/* between frames: the harness's own faults */
	}
	dmab_cell_counts_span_end(&cc, 3);
	assert_int_equal(cc.frames, 3);
	/* page-faults: 3 x (2 + 5) over the frames */
	assert_int_equal(dmab_cell_counts_total(&cc, cs.ev[0].slot, DMAB_PHASE_FRAME, &total,
						&share), 0);
	assert_int_equal(total, 21);
	assert_int_equal(dmab_cell_counts_total(&cc, cs.ev[0].slot, 0, &total, &share), 0);
	assert_int_equal(total, 0);	/* no phase of its own */
	/* cycles: per phase as ever */
	assert_int_equal(dmab_cell_counts_total(&cc, cs.ev[1].slot, 1, &total, &share), 0);
	assert_int_equal(total, 30);
	assert_int_equal(dmab_cell_counts_total(&cc, cs.ev[1].slot, DMAB_PHASE_FRAME, &total,
						&share), 0);
	assert_int_equal(total, 60);
	dmab_cell_counts_free(&cc);
	dmab_counters_close(&cs);

	/* software events alone: nothing to read at the phase boundaries */
	fake_reset(open_ok);
	open_events(&cs, "page-faults,task-clock");
	assert_int_equal(cs.n_phase_units, 0);
	assert_int_equal(dmab_cell_counts_init(&cc, &cs), 0);
	assert_int_equal(cc.per_phase, 0);
	dmab_cell_counts_free(&cc);
	dmab_counters_close(&cs);

	/* --software-per-phase: read at every boundary, as asked */
	fake_reset(open_ok);
	open_events_flags(&cs, "page-faults,task-clock", DMAB_COUNT_SOFTWARE_PER_PHASE);
	assert_int_equal(cs.n_phase_units, 1);
	assert_int_equal(cs.ev[0].per_phase, 1);
	assert_string_equal(cs.ev[0].scope_note, "");
	assert_int_equal(cs.syscalls_per_phase_read, 1);
	dmab_counters_close(&cs);
}

/* ---- the perf mmap page's arithmetic ---- */

static void test_page_value_and_time(void **state)
{
	(void)state;
	/* a 48-bit register holding -16 (the kernel starts it below zero) */
	assert_int_equal(dmab_counter_page_value(1016, 0xfffffffffff0ull, 48), 1000);
	assert_int_equal(dmab_counter_page_value(-5, 105, 48), 100);
	/* bits above the width are not the counter's */
	assert_int_equal(dmab_counter_page_value(0, 0xffff000000000007ull, 48), 7);
	assert_int_equal(dmab_counter_page_value(0, 0x80000001ull, 32),
			 (uint64_t)-(int64_t)0x7fffffff);
	assert_int_equal(dmab_counter_page_value(10, 5, 64), 15);
	/* time: cyc * mult >> shift + offset, in two parts that cannot overflow */
	assert_int_equal(dmab_counter_page_time_delta(1000, 7, 2048, 10, 0, 0, 0), 2007);
	assert_int_equal(dmab_counter_page_time_delta(3ull << 40, 0, 3, 1, 0, 0, 0),
			 (9ull << 40) / 2);
	/* cap_user_time_short: only the bits under time_mask since time_cycles count */
	assert_int_equal(dmab_counter_page_time_delta(0x1234, 0, 1, 0, 1, 0x100, 0xff), 0x134);
}

/* ---- the -e list ---- */

static void test_event_list(void **state)
{
	const char *names[DMAB_MAX_EVENTS];
	char buf[2048], err[256];
	size_t n, i;

	(void)state;
	n = 0;
	snprintf(buf, sizeof(buf), "cycles,default,page-faults,arm_ac53::L1D_CACHE_REFILL");
	assert_int_equal(dmab_counters_parse_list(buf, names, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 10);	/* cycles and page-faults once, from default */
	assert_string_equal(names[0], "cycles");
	assert_string_equal(names[1], "instructions");
	assert_string_equal(names[8], "context-switches");
	assert_string_equal(names[9], "arm_ac53::L1D_CACHE_REFILL");
	n = 0;
	snprintf(buf, sizeof(buf), "none");
	assert_int_equal(dmab_counters_parse_list(buf, names, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
	snprintf(buf, sizeof(buf), "none,cycles");
	assert_int_equal(dmab_counters_parse_list(buf, names, &n, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'none'"));
	n = 0;
	snprintf(buf, sizeof(buf), ",,");
	assert_int_equal(dmab_counters_parse_list(buf, names, &n, err, sizeof(err)), -EINVAL);
	/* an empty item is refused by place, not skipped */
	n = 0;
	snprintf(buf, sizeof(buf), "cycles,,page-faults");
	assert_int_equal(dmab_counters_parse_list(buf, names, &n, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "--events 'cycles,,page-faults': item 2 is empty");
	assert_int_equal(n, 0);
	n = 0;
	buf[0] = 0;
	for (i = 0; i <= DMAB_MAX_EVENTS; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%se%zu", i ? "," : "", i);
	assert_int_equal(dmab_counters_parse_list(buf, names, &n, err, sizeof(err)), -E2BIG);
	assert_non_null(strstr(err, "too many events"));
}

/* ---- for real, on this machine ---- */

#define PAGES 64

/* One store per page; ASan's shadow would fault pages of its own. */
__attribute__((no_sanitize_address, noinline))
static void touch_pages(volatile unsigned char *p, size_t pages, size_t page)
{
	size_t i;

	for (i = 0; i < pages; i++)
		p[i * page] = 1;
}

static unsigned char *fresh_pages(size_t pages, size_t page)
{
	void *p = mmap(NULL, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	assert_true(p != MAP_FAILED);
	/* one fault per page: no huge page may cover them all at once */
	madvise(p, pages * page, MADV_NOHUGEPAGE);
	return p;
}

/*
 * A first store into each of PAGES fresh anonymous pages is one minor fault
 * each, and nothing else faults between the two readings.
 */
static void test_real_page_faults_exact(void **state)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct dmab_count before[DMAB_MAX_EVENTS], after[DMAB_MAX_EVENTS];
	struct dmab_counters cs;
	unsigned char *warm, *p;
	int round;

	(void)state;
	fake_reset(NULL);
	open_events(&cs, "page-faults");
	assert_int_equal(cs.ev[0].status, DMAB_COUNTER_OK);
	assert_int_equal(cs.ev[0].method, DMAB_READ_SYSCALL);
	/* the same path once before, so that its code and stack are mapped */
	warm = fresh_pages(PAGES, page);
	dmab_counters_read(&cs, before);
	touch_pages(warm, PAGES, page);
	dmab_counters_read(&cs, after);
	for (round = 0; round < 3; round++) {
		p = fresh_pages(PAGES, page);
		dmab_counters_read(&cs, before);
		touch_pages(p, PAGES, page);
		dmab_counters_read(&cs, after);
		CHECK_U64("page-faults", "faults for PAGES fresh pages",
			  after[0].value - before[0].value, PAGES);
		/* and touched again: none */
		dmab_counters_read(&cs, before);
		touch_pages(p, PAGES, page);
		dmab_counters_read(&cs, after);
		CHECK_U64("page-faults", "faults for touched pages", after[0].value - before[0].value,
			  0);
		munmap(p, PAGES * page);
	}
	munmap(warm, PAGES * page);
	assert_int_equal(cs.ev[0].read_errors, 0);
	dmab_counters_close(&cs);
}

/* A core PMU: x86's cpu (cpu_core, cpu_atom on hybrids), ARM's armv*; any with a cpus file. */
static int core_pmu_present(void)
{
	static const char *const names[] = {
		"/sys/bus/event_source/devices/cpu", "/sys/bus/event_source/devices/cpu_core",
		"/sys/bus/event_source/devices/cpu_atom",
	};
	FILE *f;
	char line[256];
	size_t i;
	int found = 0;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!access(names[i], F_OK))
			return 1;
	f = popen("ls -d /sys/bus/event_source/devices/armv* "
		  "/sys/bus/event_source/devices/*/cpus 2>/dev/null", "r");
	if (!f)
		return 0;
	found = fgets(line, sizeof(line), f) != NULL;
	pclose(f);
	return found;
}

/* Cycles count where there is a PMU; here, without one, ENOENT says so. */
static void test_real_hardware_cycles(void **state)
{
	struct dmab_counters cs;
	const struct dmab_event *e = &cs.ev[0];

	(void)state;
	fake_reset(NULL);
	open_events(&cs, "cycles,page-faults");
	if (core_pmu_present()) {
		assert_int_equal(e->status, DMAB_COUNTER_OK);
		assert_int_equal(cs.n_live, 2);
	} else {
		if (e->status != DMAB_COUNTER_UNSUPPORTED || e->err != ENOENT)
			fail_msg("cycles without a PMU: %s errno %d (%s), want unsupported, "
				 "ENOENT", dmab_counter_status_names[e->status], e->err, e->reason);
		assert_int_equal(cs.n_live, 1);	/* page-faults alone */
		assert_int_equal(cs.ev[1].status, DMAB_COUNTER_OK);
		assert_string_equal(cs.ev[1].group, "");
	}
	dmab_counters_close(&cs);
}

static int timer_setup(void **state)
{
	(void)state;
	return dmab_timer_init();	/* the read costs are converted to ns */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_status_from_every_errno_class),
		cmocka_unit_test(test_unknown_and_unencodable_events),
		cmocka_unit_test(test_user_only_by_modifier),
		cmocka_unit_test(test_events_that_count_nothing),
		cmocka_unit_test(test_silent_pmu_leaves_software_events),
		cmocka_unit_test(test_one_group_per_pmu_read_at_once),
		cmocka_unit_test(test_refused_group_falls_back_to_single_events),
		cmocka_unit_test(test_group_that_never_runs_falls_back),
		cmocka_unit_test(test_scaling_arithmetic),
		cmocka_unit_test(test_multiplexed_counts_per_phase),
		cmocka_unit_test(test_failed_read_adds_nothing),
		cmocka_unit_test(test_software_events_counted_over_the_frames),
		cmocka_unit_test(test_page_value_and_time),
		cmocka_unit_test(test_event_list),
		cmocka_unit_test(test_real_page_faults_exact),
		cmocka_unit_test(test_real_hardware_cycles),
	};

	return cmocka_run_group_tests(tests, timer_setup, NULL);
}
