// SPDX-License-Identifier: GPL-2.0
/*
 * The matrix engine. Each configuration (cell) is measured in repetitions,
 * each with freshly allocated buffers: the variance of a placement and of a
 * period of the machine lives between allocations, not between the frames
 * of one, so the repetitions are compare's replicates (Kalibera and Jones,
 * "Rigorous benchmarking in reasonable time", 2013). Repetition r of every
 * cell runs before repetition r + 1 of any (round robin over the matrix);
 * within one, the cells of one workload and size run together, a batch of
 * frames each in turn, so a slow period of a shared machine is spread over
 * all strategies instead of landing on one. A repetition stops when its
 * cpu_cost is stable, when it has its share of the frames asked for, or when
 * its share of the time budget is spent.
 */
#include "run.h"

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "env.h"
#include "oracle.h"
#include "parse.h"
#include "timer.h"
#include "workload.h"

volatile sig_atomic_t dmab_interrupted;

#define MIN_FRAMES 100		/* before a repetition may be called stable */
#define MIN_BUDGET_SHARE 0.1	/* nor before it ran this share of its budget */
#define MAX_FRAMES 100000	/* samples kept per phase, over all repetitions */
#define STABLE_REL 0.01		/* 95% CI of the cpu_cost median within 1% */
#define BATCH_S 0.05		/* one cell's turn in a round */
#define MAX_POOLS 4		/* backends with a bound of their own (pool_bytes) in one group */
#define QUOTA_WAIT_S 300	/* the longest a set waits for another process's buffers */
#define QUOTA_POLL_MS 20	/* and how often it looks */
#define STR_(x) #x
#define STR(x) STR_(x)

static const uint64_t default_sizes[] = { 4096, 65536, 1048576, 16777216, 0 };
static const uint64_t quick_sizes[] = { 65536, 1048576, 0 };
static const char *const default_patterns[] = { "read", "memcpy", NULL };

static uint64_t memory_bound(void);

static int add_cell(struct dmab_run *run, const struct dmab_strategy *s,
		    const struct dmab_workload *w, const struct dmab_pattern *p, uint64_t size,
		    const char *skipped)
{
	struct dmab_cell *c, *cells = realloc(run->cells, (run->n_cells + 1) * sizeof(*c));

	if (!cells)
		return -ENOMEM;
	run->cells = cells;
	c = &cells[run->n_cells++];
	memset(c, 0, sizeof(*c));
	c->strategy = s;
	c->workload = w;
	c->pattern = p;
	c->size = size;
	c->ring = (unsigned int)run->opt.ring;
	c->line = run->line;
	/* one buffer at a time, checked a word per page (workload-alloc.c) */
	if (w->own_buffers) {
		c->ring = 1;
		c->line = dmab_page_round(1);
	}
	c->inject_delay_ns = run->opt.inject.delay_ns;
	if (skipped) {
		snprintf(c->skipped, sizeof(c->skipped), "%s", skipped);
		c->done = 1;
	}
	return 0;
}

/* Whether -b lets @s run (no -b: every backend). */
static int backend_chosen(const struct dmab_run_options *o, const struct dmab_strategy *s)
{
	size_t i;

	for (i = 0; i < o->n_backends; i++)
		if (!strcmp(o->backends[i], s->backend))
			return 1;
	return !o->n_backends;
}

/* The tables of @name that can run here, or the reasons none can. */
static size_t offered(const struct dmab_run_options *o, const char *name,
		      const struct dmab_strategy **out, char *why, size_t whylen)
{
	size_t i, n = 0, used = 0;

	why[0] = 0;
	for (i = 0; i < dmab_strategy_count; i++) {
		const struct dmab_strategy *s = dmab_strategies[i];
		const char *reason = NULL;

		if (strcmp(s->name, name) || !backend_chosen(o, s))
			continue;
		if (!dmab_strategy_available(s, &reason)) {
			out[n++] = s;
		} else if (used < whylen) {
			used += (size_t)snprintf(why + used, whylen - used, "%s%s backend: %s",
						 used ? "; " : "", s->backend, reason);
		}
	}
	return n;
}

/* The first table of @name on a chosen backend; NULL: -b left it none. */
static const struct dmab_strategy *first_table(const struct dmab_run_options *o, const char *name)
{
	size_t i;

	for (i = 0; i < dmab_strategy_count; i++)
		if (!strcmp(dmab_strategies[i]->name, name) && backend_chosen(o, dmab_strategies[i]))
			return dmab_strategies[i];
	return NULL;
}

/* @skip: NULL, or why every configuration of this workload and size is skipped */
static int plan_group(struct dmab_run *run, const struct dmab_workload *w, uint64_t size,
		      const char *const *names, size_t n_names, const char *skip)
{
	const struct dmab_pattern *fixed[1], *const *patterns = run->opt.patterns;
	size_t n_patterns = run->opt.n_patterns, i, j, k;
	int ret;

	if (!w->uses_pattern) {
		fixed[0] = w->fixed_pattern ? dmab_pattern_find(w->fixed_pattern) : NULL;
		patterns = fixed;
		n_patterns = 1;
	}
	for (i = 0; i < n_names; i++) {
		const struct dmab_strategy *tables[8];
		char why[sizeof(run->cells->skipped)];
		size_t n = offered(&run->opt, names[i], tables, why, sizeof(why));

		/* -b chose no backend that has this strategy at all: not a configuration */
		if (!first_table(&run->opt, names[i]))
			continue;
		for (k = 0; k < n_patterns; k++) {
			if (!n) {
				ret = add_cell(run, first_table(&run->opt, names[i]), w, patterns[k], size,
					       why);
				if (ret)
					return ret;
			}
			for (j = 0; j < n; j++) {
				const char *refused = w->refuses ? w->refuses(tables[j]) : NULL;

				ret = add_cell(run, tables[j], w, patterns[k], size, skip ? skip :
					       refused ? refused :
					       dmab_inject_refused(&run->opt.inject, tables[j], w,
								   why, sizeof(why)) ? why : NULL);
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}

/*
 * The noise floor's A/A pair: the first configuration of the group that can
 * run here, measured a second time as an independent configuration right
 * after it. The same code on the same kind of memory: whatever tells them
 * apart is the noise of this run.
 */
static int add_twin(struct dmab_run *run, size_t first)
{
	struct dmab_cell *cells;
	size_t i;

	for (i = first; i < run->n_cells && run->cells[i].skipped[0]; i++)
		;
	if (i == run->n_cells)
		return 0;
	cells = realloc(run->cells, (run->n_cells + 1) * sizeof(*cells));
	if (!cells)
		return -ENOMEM;
	run->cells = cells;
	memmove(&cells[i + 2], &cells[i + 1], (run->n_cells - i - 1) * sizeof(*cells));
	cells[i + 1] = cells[i];
	cells[i + 1].aa_twin = 1;
	run->n_cells++;
	return 0;
}

int dmab_run_plan(struct dmab_run *run)
{
	struct dmab_run_options *o = &run->opt;
	const char *names[DMAB_MAX_LIST];
	size_t n_names = 0, i, j;
	int ret;

	if (!o->ring)
		o->ring = 4;
	if (!o->repeat)
		o->repeat = DMAB_DEFAULT_REPEAT;
	/* -n N with N below the repetitions: one frame each, N of them */
	if (o->frames && o->frames < o->repeat)
		o->repeat = o->frames;
	run->repeat = (unsigned int)o->repeat;
	/* -n alone means that many frames, however long they take */
	if (!o->budget_s && !o->frames)
		o->budget_s = o->quick ? 1.0 : 3.0;
	if (!o->events_given)
		dmab_counters_defaults(o->events, &o->n_events);
	if (!o->n_workloads)
		o->workloads[o->n_workloads++] = &dmab_workload_capture;
	if (!o->n_patterns) {
		for (i = 0; default_patterns[i] && !(o->quick && i); i++)
			o->patterns[o->n_patterns++] = dmab_pattern_find(default_patterns[i]);
	}
	if (o->n_strategies) {
		memcpy(names, o->strategies, o->n_strategies * sizeof(names[0]));
		n_names = o->n_strategies;
	} else {
		for (i = 0; i < dmab_strategy_count; i++) {
			for (j = 0; j < n_names; j++)
				if (!strcmp(names[j], dmab_strategies[i]->name))
					break;
			if (j == n_names && n_names < DMAB_MAX_LIST)
				names[n_names++] = dmab_strategies[i]->name;
		}
	}
	run->line = dmab_env_cache_line();
	for (i = 0; i < o->n_workloads; i++) {
		const struct dmab_workload *w = o->workloads[i];
		const uint64_t *sizes = o->quick ? quick_sizes :
					w->default_sizes ? w->default_sizes : default_sizes;
		size_t n_sizes = 0;

		if (o->n_sizes) {
			sizes = o->sizes;
			n_sizes = o->n_sizes;
		} else {
			while (sizes[n_sizes])
				n_sizes++;
		}
		for (j = 0; j < n_sizes; j++) {
			size_t first = run->n_cells;
			char skip[160], a[32], b[32];
			uint64_t bound = memory_bound();

			/* a default size this machine cannot hold is not tried: the OOM killer */
			skip[0] = 0;
			if (w->own_buffers && !o->n_sizes && sizes[j] > bound)
				snprintf(skip, sizeof(skip), "one buffer of %s is more than half the "
					 "memory available now (%s): not among the default sizes "
					 "here; ask for it with -z",
					 dmab_format_size(sizes[j], a, sizeof(a)),
					 dmab_format_size(bound * 2, b, sizeof(b)));
			ret = plan_group(run, w, sizes[j], names, n_names, skip[0] ? skip : NULL);
			if (!ret && run->repeat >= 2)
				ret = add_twin(run, first);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static void *map_cached(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void cell_fail(struct dmab_cell *c, const char *what, int err)
{
	snprintf(c->skipped, sizeof(c->skipped), "%s failed: %s", what, strerror(-err));
	c->failed = 1;
	c->done = 1;
}

static void cell_teardown(struct dmab_cell *c)
{
	unsigned int i;

	if (c->bufs)
		for (i = 0; i < c->ring + c->held; i++)
			if (c->bufs[i].cpu)
				c->strategy->teardown(&c->bufs[i]);
	c->held = 0;
	if (c->copy)
		munmap(c->copy, c->size);
	free(c->bufs);
	free(c->buf_seq);
	free(c->buf_mask);
	c->bufs = NULL;
	c->buf_seq = c->buf_mask = NULL;
	c->copy = NULL;
	c->set_up = 0;
}

/*
 * Allocates the ring and writes frame 0 into every buffer, touching every
 * page before any clock starts (an untouched buffer gives numbers that lie).
 */
static int cell_setup(struct dmab_cell *c)
{
	const struct dmab_strategy *s = c->strategy;
	unsigned int i;
	int ret;

	if (c->workload->own_buffers) {
		/* the frames get and give back their own buffer: an empty slot for it */
		c->bufs = calloc(1, sizeof(*c->bufs));
		if (!c->bufs) {
			cell_fail(c, "allocation", -ENOMEM);
			return -ENOMEM;
		}
		c->seq = 1;
		c->set_up = 1;
		ret = c->workload->prepare ? c->workload->prepare(c) : 0;
		if (ret)
			cell_fail(c, "preparing the pool", ret);
		return ret;
	}
	c->bufs = calloc(c->ring, sizeof(*c->bufs));
	c->buf_seq = calloc(c->ring, sizeof(*c->buf_seq));
	c->buf_mask = calloc(c->ring, sizeof(*c->buf_mask));
	c->copy = map_cached(c->size);
	if (!c->bufs || !c->buf_seq || !c->buf_mask || !c->copy) {
		cell_fail(c, "allocation", -ENOMEM);
		return -ENOMEM;
	}
	memset(c->copy, 0, c->size);
	for (i = 0; i < c->ring; i++) {
		ret = s->setup(s, &c->bufs[i], c->size);
		if (ret) {
			c->bufs[i].cpu = NULL;
			/* a bound every process shares: start_set waits its turn */
			if (ret != -EDQUOT)
				cell_fail(c, "buffer setup", ret);
			return ret;
		}
		dmab_oracle_fill(c->bufs[i].cpu, c->size, c->line, 0);
		ret = s->sync_for_device(&c->bufs[i], 0, c->size, DMAB_TO_DEVICE);
		if (ret) {
			cell_fail(c, "sync_for_device", ret);
			return ret;
		}
	}
	s->query_mapping(&c->bufs[0], &c->mapping_effective, &c->mapping_how);
	c->seq = 1;
	c->set_up = 1;
	return 0;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * A SIGBUS while a configuration runs fails that configuration, not the run.
 * On ARM the uncached mapping is Device memory (strongly ordered on ARMv7),
 * where an unaligned access faults on real hardware; a pattern that makes
 * one, or a backend whose mapping ends early, is then a result to report.
 * Only the thread that runs the frames jumps back, and only while a turn of
 * a configuration is under way (bus_armed); any other SIGBUS (the user
 * backend's device thread, the harness outside a turn) gets the default
 * action, as if no handler were installed.
 */
static sigjmp_buf bus_jump;
static volatile sig_atomic_t bus_armed;
static volatile sig_atomic_t bus_code;
static void *volatile bus_addr;
static pid_t measuring_thread;

static void on_sigbus(int sig, siginfo_t *info, void *context)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	(void)context;
	/* gettid by syscall(): async-signal-safe in practice, unlike pthread_self() */
	if (bus_armed && (pid_t)syscall(SYS_gettid) == measuring_thread) {
		bus_armed = 0;
		bus_code = info->si_code;
		bus_addr = info->si_addr;
		siglongjmp(bus_jump, 1);
	}
	/* pending until this handler returns (SIGBUS is blocked in it), then fatal */
	sigaction(sig, &dfl, NULL);
	raise(sig);
}

static const char *bus_code_name(int code, const char **why)
{
	switch (code) {
	case BUS_ADRALN:
		*why = "an access this memory type does not allow: unaligned, or an instruction "
		       "Device memory faults on (ARM: DC ZVA, an unaligned load or store)";
		return "BUS_ADRALN";
	case BUS_ADRERR:
		*why = "an address with nothing behind it (past the end of the mapped object, "
		       "or a physical address that does not exist)";
		return "BUS_ADRERR";
	case BUS_OBJERR:
		*why = "a hardware error specific to the mapped object";
		return "BUS_OBJERR";
#ifdef BUS_MCEERR_AR
	case BUS_MCEERR_AR:
	case BUS_MCEERR_AO:
		*why = "a memory error reported by a machine check";
		return code == BUS_MCEERR_AR ? "BUS_MCEERR_AR" : "BUS_MCEERR_AO";
#endif
	case SI_USER:
	case SI_TKILL:
		*why = "sent by kill() or raise(), not by a fault";
		return code == SI_USER ? "SI_USER" : "SI_TKILL";
	default:
		*why = "an si_code this harness does not know";
		return "unknown si_code";
	}
}

/* After the jump back: the configuration failed; its buffers are released at once. */
static void cell_bus_fault(struct dmab_cell *c, const char *during)
{
	const char *why, *name = bus_code_name(bus_code, &why);

	snprintf(c->skipped, sizeof(c->skipped), "SIGBUS at %p (%s) during %s: %s", bus_addr,
		 name, during, why);
	c->failed = 1;
	c->done = 1;
	cell_teardown(c);
}

/*
 * The test hook DMAB_TEST_SIGBUS=STRATEGY[:PATTERN], for the tests only (not
 * an option): QEMU does not fault where a board does, so a matching
 * configuration gets a real SIGBUS at the start of each recorded turn, by a
 * load from a page of an empty file (BUS_ADRERR); by raise() if that page
 * cannot be had.
 */
static char test_sigbus_strategy[64], *test_sigbus_pattern;
static volatile unsigned char *test_sigbus_page;

static void test_sigbus_init(void)
{
	const char *v = getenv("DMAB_TEST_SIGBUS");
	int fd;

	test_sigbus_strategy[0] = 0;
	test_sigbus_pattern = NULL;
	if (!v || !*v)
		return;
	snprintf(test_sigbus_strategy, sizeof(test_sigbus_strategy), "%s", v);
	test_sigbus_pattern = strchr(test_sigbus_strategy, ':');
	if (test_sigbus_pattern)
		*test_sigbus_pattern++ = 0;
	fd = memfd_create("dmabench-test-sigbus", MFD_CLOEXEC);
	if (fd >= 0) {
		void *p = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE), PROT_READ, MAP_SHARED, fd, 0);

		test_sigbus_page = p == MAP_FAILED ? NULL : p;
		close(fd);
	}
}

static void test_sigbus_end(void)
{
	if (test_sigbus_page)
		munmap((void *)test_sigbus_page, (size_t)sysconf(_SC_PAGESIZE));
	test_sigbus_page = NULL;
	test_sigbus_strategy[0] = 0;
}

static void test_sigbus(const struct dmab_cell *c)
{
	if (!test_sigbus_strategy[0] || strcmp(c->strategy->name, test_sigbus_strategy) ||
	    (test_sigbus_pattern &&
	     (!c->pattern || strcmp(c->pattern->name, test_sigbus_pattern))))
		return;
	if (test_sigbus_page)
		(void)*test_sigbus_page;
	raise(SIGBUS);
}

/* A cell's turn in a round: BATCH_S worth of frames at @per_frame seconds each. */
static void size_batch(const struct dmab_run *run, struct dmab_cell *c, double per_frame)
{
	if (run->opt.fps && per_frame < 1.0 / run->opt.fps)
		per_frame = 1.0 / run->opt.fps;
	c->batch = per_frame > 0 ? (uint64_t)(BATCH_S / per_frame) : 1000;
	if (c->batch < 1)
		c->batch = 1;
	if (c->batch > 10000)
		c->batch = 10000;
}

/* cpu_cost: the sum of the workload's cost phases, when all of them were timed. */
static void cost_of_frame(const struct dmab_workload *w, uint64_t *ns)
{
	uint64_t sum = 0;
	unsigned int p;

	if (!w->cost_phases)
		return;
	for (p = 0; p < DMAB_PHASE_COUNT; p++) {
		if (!(w->cost_phases & (1u << p)))
			continue;
		if (ns[p] == UINT64_MAX)
			return;
		sum += ns[p];
	}
	ns[DMAB_PHASE_CPU_COST] = sum;
}

/*
 * Runs @count frames of @c, recording them when @record; paced when fps is
 * set. A recorded run sizes the next turn by its own pace: the warm-up's
 * (first touches, code not yet in caches, a TCG guest translating it) can be
 * far slower than the frames that follow.
 */
static int cell_frames(struct dmab_run *run, struct dmab_cell *c, uint64_t count, int record)
{
	uint64_t period = run->opt.fps ? (uint64_t)(1e9 / run->opt.fps) : 0;
	uint64_t start = mono_ns(), k;
	double took;
	int ret = 0;

	dmab_cell_counts_span_begin(&c->counts);
	for (k = 0; k < count && !dmab_interrupted; k++) {
		uint64_t ns[DMAB_PHASE_COUNT], due = start + k * period;
		unsigned int p;

		if (period) {
			struct timespec ts = { .tv_sec = (time_t)(due / 1000000000ull),
					       .tv_nsec = (long)(due % 1000000000ull) };

			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR &&
			       !dmab_interrupted)
				;
			if (record)
				ret = dmab_samples_push(&c->lateness, mono_ns() - due);
		}
		memset(ns, 0xff, sizeof(ns));
		ret = ret ? ret : c->workload->frame(c, ns);
		if (ret) {
			cell_fail(c, "a frame", ret);
			break;
		}
		c->seq++;
		if (!record)
			continue;
		if (period && mono_ns() > due + period)
			c->deadline_misses++;
		cost_of_frame(c->workload, ns);
		for (p = 0; p < DMAB_PHASE_COUNT && !ret; p++)
			if (ns[p] != UINT64_MAX)
				ret = dmab_samples_push(&c->samples[p], ns[p]);
		if (!ret && c->counts.per_phase)
			ret = dmab_samples_push(&c->instrument,
						dmab_ticks_to_ns(c->counts.frame_ticks));
		if (ret) {
			cell_fail(c, "recording", ret);
			break;
		}
	}
	dmab_cell_counts_span_end(&c->counts, k);
	took = (double)(mono_ns() - start) / 1e9;
	c->elapsed_s += took;
	if (record && k && !ret)
		size_batch(run, c, took / (double)k);
	for (k = 0; k < c->ring && c->bufs; k++) {
		if (c->bufs[k].done_for_device)
			c->done_for_device = c->bufs[k].done_for_device;
		if (c->bufs[k].done_for_cpu)
			c->done_for_cpu = c->bufs[k].done_for_cpu;
	}
	return ret;
}

/* The samples of phase @p recorded in the repetition under way, as a set of their own. */
static struct dmab_samples rep_samples(const struct dmab_cell *c, unsigned int p)
{
	const struct dmab_samples *s = &c->samples[p];
	size_t first = c->rep_first[p] < s->n ? c->rep_first[p] : s->n;

	return (struct dmab_samples){ .ns = s->ns ? s->ns + first : NULL, .n = s->n - first,
				      .cap = s->n - first };
}

/* The headline's median is known to 1% (frame's, for a workload without cpu_cost). */
static int rep_stable(const struct dmab_cell *c)
{
	unsigned int p = dmab_workload_headline(c->workload);
	struct dmab_samples s = rep_samples(c, p);
	double rel = dmab_median_ci_rel(&s);

	return rel >= 0 && rel <= STABLE_REL;
}

/* Frames repetition @r of @run takes of -n: the total split as evenly as it goes. */
static uint64_t rep_frames(const struct dmab_run *run, unsigned int r)
{
	uint64_t n = run->opt.frames;

	return n ? n / run->repeat + (r < n % run->repeat) : 0;
}

static void rep_begin(struct dmab_cell *c)
{
	unsigned int p;

	for (p = 0; p < DMAB_PHASE_COUNT; p++)
		c->rep_first[p] = c->samples[p].n;
	c->rep_first_failure = c->failures.total;
	c->rep_started_s = c->elapsed_s;
	c->rep_stop = NULL;
}

static uint64_t rep_n(const struct dmab_cell *c)
{
	return c->samples[DMAB_PHASE_FRAME].n - c->rep_first[DMAB_PHASE_FRAME];
}

/* The frames it ran: recorded, and failed without failing the configuration (alloc). */
static uint64_t rep_attempts(const struct dmab_cell *c)
{
	return rep_n(c) + c->failures.total - c->rep_first_failure;
}

static void rep_decide(const struct dmab_run *run, struct dmab_cell *c, unsigned int r)
{
	uint64_t n = rep_attempts(c), want = rep_frames(run, r);
	double took = c->elapsed_s - c->rep_started_s, budget = run->opt.budget_s / run->repeat;

	if (c->done || c->rep_stop)
		return;
	if (dmab_interrupted)
		c->rep_stop = "interrupted";
	else if (want && n >= want)
		c->rep_stop = "frames";
	else if (n >= MAX_FRAMES / run->repeat)
		c->rep_stop = "max_frames";
	else if (!want && n >= MIN_FRAMES && took >= MIN_BUDGET_SHARE * budget && rep_stable(c))
		c->rep_stop = "stable";
	else if (run->opt.budget_s && took >= budget)
		c->rep_stop = "budget";
}

/* The repetition's medians, kept; its buffers released. */
static int rep_end(struct dmab_cell *c)
{
	struct dmab_repetition *reps, *rep;
	unsigned int p;

	if (!c->set_up)
		return 0;
	if (rep_n(c)) {
		reps = realloc(c->reps, (c->n_reps + 1) * sizeof(*reps));
		if (!reps) {
			cell_fail(c, "recording", -ENOMEM);
			cell_teardown(c);
			return -ENOMEM;
		}
		c->reps = reps;
		rep = &reps[c->n_reps++];
		rep->n = rep_n(c);
		rep->elapsed_s = c->elapsed_s - c->rep_started_s;
		rep->stop_reason = c->rep_stop ? c->rep_stop : "interrupted";
		for (p = 0; p < DMAB_PHASE_COUNT; p++) {
			struct dmab_samples s = rep_samples(c, p);
			struct dmab_summary sum;

			rep->p50_ns[p] = UINT64_MAX;
			if (s.n && !dmab_summarize(&s, &sum))
				rep->p50_ns[p] = sum.p50_ns;
		}
		c->stop_reason = rep->stop_reason;
	}
	cell_teardown(c);
	return 0;
}

/* After the last repetition, or when the run was stopped. */
static void cell_conclude(const struct dmab_run *run, struct dmab_cell *c)
{
	char failures[256];

	if (c->skipped[0])
		return;
	/* every frame failed to get a buffer: nothing was measured, and that is the finding */
	if (c->failures.total && !c->samples[DMAB_PHASE_FRAME].n) {
		dmab_failures_format(&c->failures, failures, sizeof(failures));
		snprintf(c->skipped, sizeof(c->skipped), "no buffer could be had: all %llu "
			 "attempts failed (%s)", (unsigned long long)c->failures.total, failures);
		c->done = 1;
		return;
	}
	if (c->n_reps < run->repeat && (dmab_interrupted || !c->n_reps))
		c->stop_reason = c->samples[DMAB_PHASE_FRAME].n ||
				 c->summary[DMAB_PHASE_FRAME].n ? "interrupted" : "not_started";
	c->done = 1;
}

/* Warm-up: a few frames not recorded; their pace sizes the batches. */
static int cell_warm_up(struct dmab_run *run, struct dmab_cell *c)
{
	uint64_t warm = c->ring * 2 < 4 ? 4 : c->ring * 2;
	double before = c->elapsed_s, per_frame;
	struct dmab_integrity kept = c->integrity;
	struct dmab_failures kept_failures = c->failures;
	int ret;

	/* what the warm-up's frames saw and counted is not the result's */
	c->counts.muted = 1;
	ret = cell_frames(run, c, warm, 0);
	c->counts.muted = 0;
	c->integrity = kept;
	c->failures = kept_failures;
	if (ret)
		return ret;
	c->warmup_frames += warm;
	per_frame = (c->elapsed_s - before) / (double)warm;
	c->elapsed_s = before;
	size_batch(run, c, per_frame);
	return 0;
}

static void cell_finish(struct dmab_cell *c)
{
	unsigned int p;

	for (p = 0; p < DMAB_PHASE_COUNT; p++) {
		dmab_summarize(&c->samples[p], &c->summary[p]);
		if (dmab_samples_decimate(&c->samples[p], DMAB_SAMPLES_CAP, &c->kept[p]))
			dmab_samples_free(&c->kept[p]);	/* the summary stands alone */
		dmab_samples_free(&c->samples[p]);
	}
	dmab_summarize(&c->lateness, &c->lateness_summary);
	dmab_samples_free(&c->lateness);
	dmab_summarize(&c->instrument, &c->instrument_summary);
	dmab_samples_free(&c->instrument);
	cell_teardown(c);
}

enum cell_turn_kind {
	TURN_START,	/* set up the buffers, warm up */
	TURN_RECORD,	/* recorded frames */
};

/* A turn of @c, a SIGBUS in it made the configuration's failure (see on_sigbus). */
static int cell_turn(struct dmab_run *run, struct dmab_cell *c, enum cell_turn_kind kind,
		     uint64_t count)
{
	int ret;

	if (sigsetjmp(bus_jump, 1)) {
		cell_bus_fault(c, kind == TURN_START ? "its set-up and warm-up" : "its frames");
		return -EIO;
	}
	bus_armed = 1;
	if (kind == TURN_START) {
		ret = cell_setup(c);
		if (!ret)
			ret = cell_warm_up(run, c);
		if (ret)
			cell_teardown(c);
	} else {
		test_sigbus(c);
		ret = cell_frames(run, c, count, 1);
	}
	bus_armed = 0;
	return ret;
}

static void progress(struct dmab_run *run, size_t first, size_t end, size_t done_groups,
		     size_t groups, unsigned int r, int final)
{
	char size[32], repetition[48] = "";
	uint64_t frames = 0;
	size_t i, running = 0, total = 0;

	if (!run->progress)
		return;
	if (run->repeat > 1)
		snprintf(repetition, sizeof(repetition), "repetition %u/%u ", r + 1, run->repeat);
	for (i = first; i < end; i++) {
		frames += run->cells[i].samples[DMAB_PHASE_FRAME].n +
			  run->cells[i].summary[DMAB_PHASE_FRAME].n;
		running += !run->cells[i].done && !run->cells[i].rep_stop;
		total += !run->cells[i].skipped[0];
	}
	if (final)
		snprintf(run->progress_line, sizeof(run->progress_line),
			 "%s[%zu/%zu] %s %s: %zu configurations, %llu frames, %.0f s so far",
			 repetition, done_groups + 1, groups, run->cells[first].workload->name,
			 dmab_format_size(run->cells[first].size, size, sizeof(size)), total,
			 (unsigned long long)frames, (double)(mono_ns() - run->started_ns) / 1e9);
	else
		snprintf(run->progress_line, sizeof(run->progress_line),
			 "%s[%zu/%zu] %s %s: %zu of %zu configurations running, %llu frames, %.0f s",
			 repetition, done_groups + 1, groups, run->cells[first].workload->name,
			 dmab_format_size(run->cells[first].size, size, sizeof(size)), running,
			 total, (unsigned long long)frames,
			 (double)(mono_ns() - run->started_ns) / 1e9);
	run->progress(run->progress_line, final);
}

/* Half of the memory available now: the most one set of cells may hold. */
static uint64_t memory_bound(void)
{
	uint64_t avail = dmab_env_mem_available();

	return avail ? avail / 2 : UINT64_MAX;
}

/*
 * The order the cells [@first, @end) take in repetition @r: a shuffle,
 * seeded by the repetition and the set, so that neither the order of
 * allocation nor the place in the rounds favours a configuration. An A/A
 * pair run in a fixed order came out 3% apart, the same way in every
 * repetition: a bias no number of repetitions averages out. The seed is
 * fixed: the same command runs in the same order.
 */
static void shuffle_order(size_t *order, size_t first, size_t end, unsigned int r)
{
	uint64_t state = DMAB_BOOTSTRAP_SEED ^ ((uint64_t)r << 32) ^ first;
	size_t i, n = end - first;

	for (i = 0; i < n; i++)
		order[i] = first + i;
	for (i = n; i > 1; i--) {
		size_t j = (size_t)(dmab_splitmix64(&state) % i), t = order[i - 1];

		order[i - 1] = order[j];
		order[j] = t;
	}
}

/* The pool locks of the set's backends (pool_lock), each once: 0, or the first error. */
static int set_pool_lock(const struct dmab_run *run, const size_t *order, size_t n, int how)
{
	int (*done[MAX_POOLS])(int) = { NULL };
	size_t k, p;
	int ret = 0, err;

	for (k = 0; k < n; k++) {
		int (*lock)(int) = run->cells[order[k]].strategy->pool_lock;

		if (!lock)
			continue;
		for (p = 0; p < MAX_POOLS && done[p] && done[p] != lock; p++)
			;
		if (p == MAX_POOLS || done[p])
			continue;
		done[p] = lock;
		err = lock(how);
		if (err && !ret)
			ret = err;
	}
	return ret;
}

/* What all processes hold of the set's first bounded pool (pool_used); UINT64_MAX: unknown. */
static uint64_t set_pool_used(const struct dmab_run *run, const size_t *order, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (run->cells[order[k]].strategy->pool_used)
			return run->cells[order[k]].strategy->pool_used();
	return UINT64_MAX;
}

static void quota_wait_progress(struct dmab_run *run, uint64_t since_ns)
{
	if (!run->progress)
		return;
	snprintf(run->progress_line, sizeof(run->progress_line),
		 "waiting for dmabench.ko's bound (max_total_mb): another process holds it, "
		 "%.0f s so far", (double)(mono_ns() - since_ns) / 1e9);
	run->progress(run->progress_line, 0);
}

/* A pause while another process holds the bound, counted in the run's quota_wait_s. */
static void quota_pause(struct dmab_run *run, uint64_t since_ns)
{
	const struct timespec pause = { .tv_nsec = QUOTA_POLL_MS * 1000 * 1000 };

	quota_wait_progress(run, since_ns);
	nanosleep(&pause, NULL);
	run->quota_wait_s += QUOTA_POLL_MS / 1e3;
}

/* Polls @how | LOCK_NB until it is had, the run is stopped or @deadline_ns. */
static int pool_lock_until(struct dmab_run *run, const size_t *order, size_t n, int how,
			   uint64_t since_ns, uint64_t deadline_ns)
{
	int ret;

	while ((ret = set_pool_lock(run, order, n, how | LOCK_NB)) == -EWOULDBLOCK &&
	       !dmab_interrupted && mono_ns() < deadline_ns)
		quota_pause(run, since_ns);
	return ret;
}

/*
 * Sets up and warms up the cells @order[0..@n) of repetition @r. A bound
 * several processes share (dmabench.ko's max_total_mb) may be held by
 * another dmabench run: a set that meets EDQUOT gives back everything it
 * holds, takes the pool's lock exclusively and tries again until it fits.
 * Every set first passes the lock shared, so a run that holds the bound
 * stops at its next set and lets the waiting one in: two runs take turns,
 * set by set, and both finish. Giving everything back is what keeps two
 * waiting runs from holding half each. Past QUOTA_WAIT_S (a process that
 * is not a dmabench run holds the bound), the configuration fails, saying so.
 */
static int start_set(struct dmab_run *run, const size_t *order, size_t n)
{
	uint64_t since = mono_ns(), deadline = since + QUOTA_WAIT_S * 1000000000ull;
	int ret = 0, exclusive = 0;
	struct dmab_cell *c;
	size_t k, failed;

	pool_lock_until(run, order, n, LOCK_SH, since, deadline);
	set_pool_lock(run, order, n, LOCK_UN);
	for (;;) {
		/* what others held as this attempt began; known once the lock is ours */
		uint64_t held_before = exclusive ? set_pool_used(run, order, n) : UINT64_MAX;

		for (k = 0, failed = n; k < n && !dmab_interrupted; k++) {
			int err;

			c = &run->cells[order[k]];
			if (c->done)
				continue;
			rep_begin(c);
			err = cell_turn(run, c, TURN_START, 0);
			if (err == -EDQUOT) {
				failed = k;
				break;
			}
			if (err)
				ret = -EIO;
		}
		if (failed == n)
			break;
		for (k = 0; k < failed; k++)
			cell_teardown(&run->cells[order[k]]);
		if (dmab_interrupted)
			break;
		c = &run->cells[order[failed]];
		/*
		 * Nobody else held any of it when this attempt began, and no other
		 * run starts a set while this one holds the lock: it will never fit.
		 * Not judged before the lock is ours, nor by what is held after the
		 * attempt: two runs that met EDQUOT at once both give everything
		 * back, and a run whose set ended during the attempt has too; each
		 * would find nothing held and give up (the guests' concurrent test
		 * saw both runs fail so once).
		 */
		if (held_before == 0) {
			cell_fail(c, "buffer setup (over dmabench.ko's max_total_mb with no "
				  "other buffer held: load it with a larger max_total_mb)",
				  -EDQUOT);
			ret = -EIO;
			continue;
		}
		if (mono_ns() >= deadline) {
			cell_fail(c, "buffer setup (dmabench.ko's max_total_mb bounds the "
				  "buffers of every process that uses the module; another "
				  "process held it for longer than " STR(QUOTA_WAIT_S) " s)",
				  -EDQUOT);
			ret = -EIO;
			continue;
		}
		if (!exclusive)
			exclusive = !pool_lock_until(run, order, n, LOCK_EX, since, deadline);
		else
			quota_pause(run, since);
	}
	if (exclusive)
		set_pool_lock(run, order, n, LOCK_UN);
	return ret;
}

/* Repetition @r of the cells [@first, @end): fresh buffers, warm-up, frames in turns. */
static int run_cells(struct dmab_run *run, size_t first, size_t end, size_t group,
		     size_t groups, unsigned int r)
{
	size_t i, k, running, *order = calloc(end - first + 1, sizeof(*order));
	int ret = 0;

	if (!order)
		return -ENOMEM;
	shuffle_order(order, first, end, r);
	ret = start_set(run, order, end - first);
	do {
		running = 0;
		for (k = 0; k < end - first && !dmab_interrupted; k++) {
			struct dmab_cell *c = &run->cells[order[k]];
			uint64_t want = c->batch, goal = rep_frames(run, r);

			if (c->done || c->rep_stop)
				continue;
			if (goal && want > goal - rep_attempts(c))
				want = goal - rep_attempts(c);
			if (cell_turn(run, c, TURN_RECORD, want))
				ret = -EIO;
			rep_decide(run, c, r);
			running += !c->done && !c->rep_stop;
		}
		progress(run, first, end, group, groups, r, 0);
	} while (running && !dmab_interrupted);
	for (i = first; i < end; i++) {
		rep_decide(run, &run->cells[i], r);
		if (rep_end(&run->cells[i]))
			ret = -EIO;
	}
	free(order);
	return ret;
}

static int open_device(struct dmab_run *run, const struct dmab_device *d)
{
	size_t i;
	int ret;

	for (i = 0; i < run->n_devices; i++)
		if (run->devices[i] == d)
			return 0;
	if (run->n_devices == DMAB_MAX_DEVICES)
		return -ENOSPC;
	if (d->inject_stale) {
		ret = d->inject_stale(run->opt.inject.stale_lines);
		if (ret)
			return ret;
	}
	ret = d->open(run->line);
	if (!ret)
		run->devices[run->n_devices++] = d;
	return ret;
}

/*
 * Splits the cells into the sets that run together: one workload and size;
 * fewer at once when memory is short or a backend's own bound (the
 * module's max_total_mb) would be passed. @ends: the end of each set.
 */
static size_t plan_sets(const struct dmab_run *run, size_t *ends)
{
	uint64_t bound = memory_bound();
	size_t first, end, n = 0;

	for (first = 0; first < run->n_cells; first = end) {
		uint64_t held = 0, pool_held[MAX_POOLS] = { 0 };
		uint64_t (*pools[MAX_POOLS])(void) = { NULL };

		for (end = first; end < run->n_cells; end++) {
			const struct dmab_cell *c = &run->cells[end];
			uint64_t need = c->skipped[0] ? 0 : c->size * (c->ring + 1);
			uint64_t pool_need = c->skipped[0] ? 0 : dmab_page_round(c->size) * c->ring;
			size_t p = 0;

			if (c->size != run->cells[first].size ||
			    c->workload != run->cells[first].workload)
				break;
			/* its pool to itself (struct dmab_workload's prepare) */
			if (end > first && c->workload->prepare)
				break;
			if (end > first && held + need > bound)
				break;
			if (c->strategy->pool_bytes) {
				while (p < MAX_POOLS - 1 && pools[p] &&
				       pools[p] != c->strategy->pool_bytes)
					p++;
				pools[p] = c->strategy->pool_bytes;
				if (end > first && pool_held[p] + pool_need > pools[p]())
					break;
				pool_held[p] += pool_need;
			}
			held += need;
		}
		ends[n++] = end;
	}
	return n;
}

static int last_of_group(const struct dmab_run *run, size_t first, size_t end)
{
	return end == run->n_cells || run->cells[end].size != run->cells[first].size ||
	       run->cells[end].workload != run->cells[first].workload;
}

int dmab_run_execute(struct dmab_run *run)
{
	size_t first, groups = 0, group, i, n_sets, set;
	struct sigaction bus = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO }, old_bus;
	size_t *ends = calloc(run->n_cells + 1, sizeof(*ends));
	unsigned int r;
	int ret = 0;

	if (!ends)
		return -ENOMEM;
	run->started_ns = mono_ns();
	if (!run->repeat)
		run->repeat = 1;
	measuring_thread = (pid_t)syscall(SYS_gettid);
	sigemptyset(&bus.sa_mask);
	sigaction(SIGBUS, &bus, &old_bus);
	test_sigbus_init();
	for (i = 0; i < run->n_cells; i++) {
		struct dmab_cell *c = &run->cells[i];

		if (c->skipped[0] || !c->workload->uses_device)
			continue;
		ret = open_device(run, c->strategy->device);
		if (ret)
			cell_fail(c, "opening the device", ret);
	}
	/* after the devices: the user backend pins this thread first */
	dmab_counters_open(&run->counters, run->opt.events, run->opt.n_events,
			   run->opt.software_per_phase ? DMAB_COUNT_SOFTWARE_PER_PHASE : 0);
	ret = 0;
	for (i = 0; i < run->n_cells; i++) {
		struct dmab_cell *c = &run->cells[i];

		groups += !i || c->size != run->cells[i - 1].size ||
			  c->workload != run->cells[i - 1].workload;
		if (!c->done && dmab_cell_counts_init(&c->counts, &run->counters)) {
			cell_fail(c, "allocation", -ENOMEM);
			ret = -EIO;
		}
	}
	n_sets = plan_sets(run, ends);
	for (r = 0; r < run->repeat && !dmab_interrupted; r++) {
		for (set = 0, first = 0, group = 0; set < n_sets && !dmab_interrupted;
		     first = ends[set++]) {
			if (run->set_begin)
				run->set_begin(run, first, ends[set], r);
			if (run_cells(run, first, ends[set], group, groups, r))
				ret = -EIO;
			if (run->set_end)
				run->set_end(run, first, ends[set], r);
			if (last_of_group(run, first, ends[set])) {
				progress(run, first, ends[set], group, groups, r, 1);
				group++;
			}
		}
	}
	for (i = 0; i < run->n_devices; i++)
		run->devices[i]->close();
	dmab_counters_close(&run->counters);
	test_sigbus_end();
	sigaction(SIGBUS, &old_bus, NULL);
	for (i = 0; i < run->n_cells; i++) {
		cell_conclude(run, &run->cells[i]);
		if (!run->cells[i].skipped[0])
			cell_finish(&run->cells[i]);
	}
	free(ends);
	run->interrupted = dmab_interrupted;
	run->duration_s = (double)(mono_ns() - run->started_ns) / 1e9;
	return ret;
}

int dmab_cell_integrity_failed(const struct dmab_cell *c)
{
	const char *verdict = dmab_integrity_verdict(&c->integrity);

	if (c->skipped[0] || !strcmp(c->strategy->name, DMAB_NEGATIVE_CONTROL))
		return 0;
	return strcmp(verdict, "ok") && strcmp(verdict, "not_checked");
}

void dmab_run_free(struct dmab_run *run)
{
	size_t i;
	unsigned int p;

	for (i = 0; i < run->n_cells; i++) {
		cell_teardown(&run->cells[i]);
		for (p = 0; p < DMAB_PHASE_COUNT; p++) {
			dmab_samples_free(&run->cells[i].samples[p]);
			dmab_samples_free(&run->cells[i].kept[p]);
		}
		dmab_samples_free(&run->cells[i].lateness);
		dmab_samples_free(&run->cells[i].instrument);
		dmab_cell_counts_free(&run->cells[i].counts);
		free(run->cells[i].reps);
	}
	free(run->cells);
	run->cells = NULL;
	run->n_cells = 0;
}
