// SPDX-License-Identifier: GPL-2.0
/*
 * kmod-fuzz: a concurrent fuzzer of dmabench.ko, run in every test guest,
 * after syzkaller's way: random sequences of the module's calls by several
 * streams at once on shared buffers, the kernel's own checks on (the guests
 * boot with slub_debug, page poisoning), and a clean kernel log, no buffer
 * left and rmmod at the end.
 *
 *   kmod-fuzz [--seed N] [--ops N] [--threads N] [--timeout SECONDS]
 *
 * Streams: --threads threads in this process, and a peer process forked at
 * the start (it shares the buffers made before the fork, and fds passed
 * both ways over a socket pair); --ops are shared out among them. Any
 * stream may fork a short-lived child that runs a few operations on what it
 * inherited, and may kill it at once (killable waits, fatal-signal paths,
 * exit with buffers mapped).
 *
 * Operations (FUZZ_OPS below, with their weights): ALLOC (valid, invalid,
 * over the quota, into a read-only request), ALLOC from the module's
 * carveout (carveout= at load: its strategies, sizes up to more than all
 * of it; without one, ENODEV), close, dup, mmap (whole, part,
 * private, at an offset, too big), unmap, a hole in a mapping, mprotect,
 * mremap, madvise/mlock/msync, loads and stores of 1-8 bytes (aligned or
 * not) anywhere in a slot's range, SYNC both ways and DEVICE_WRITE/READ
 * (valid ranges, and past the end, wrapping, zero length, bad direction,
 * line, flags, pad, reserved), QUERY_MAPPING, FULL_FLUSH, INFO, fork,
 * passing an fd to the other process, and any ioctl number of the 0xDB
 * range on either kind of fd with NULL, unreadable or garbage arguments.
 * A request may also live inside a slot's range (place_request()). Carveout
 * buffers meet all of it as page buffers do, but on x86 never a split of
 * their mapping (no_split, at map_slot(): PAT, as in kmod-test).
 *
 * Replay: every stream has its own PRNG (splitmix64 from the seed and the
 * stream's number), and every operation draws the same count of words
 * whatever happens, so each stream's sequence of operations and arguments
 * is a function of --seed, --ops and --threads alone (and of the
 * carveout's size); what they meet from the other streams (the races) is
 * not.
 *
 * Shared buffers: NR_SLOTS slots, each an fd, a size, a strategy and a
 * backend (atomics, no locks that wait: a fork child may inherit one held;
 * no_split's try-lock only skips) and an address
 * range of its own that is always mapped, either by a buffer (MAP_FIXED) or
 * by an anonymous PROT_NONE reservation in its place. A stale access thus
 * lands in a dmabench mapping or in the reservation (SIGSEGV), never in the
 * fuzzer's own memory; nothing is mapped at a kernel-chosen address while
 * the streams run. Accesses run under a sigsetjmp handler that counts
 * SIGBUS and SIGSEGV.
 *
 * Checked while running (whatever the interleaving): a request invalid in
 * itself (bad direction, flags, reserved fields, zero length, a range past
 * any buffer or wrapping around) never succeeds and fails with EINVAL; a
 * valid one succeeds or fails only as a race explains (EBADF: the fd was
 * closed; EINVAL: it now names a smaller buffer); ALLOC's answers are
 * exact; INFO stays consistent; an aligned access never takes SIGBUS (every
 * page of a mapping is mapped at mmap time); fork children exit cleanly.
 * At the end: every stream finished, INFO says 0 bytes, 0 buffers and 0
 * bytes of the carveout used once everything is closed and unmapped, no
 * dmabench fd or mapping is left, and the kernel log gained no oops, BUG,
 * WARN, slab/page-poison or PAT memory-type report. A line says how much
 * the carveout was used ("kmod-fuzz: carveout of ...": run.sh asserts it).
 * Ends with "kmod-fuzz: N passed, N failed".
 */
#define _GNU_SOURCE	/* pthread_timedjoin_np, MAP_NORESERVE, mremap */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "dmabench.h"	/* kmod/include/uapi */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ULL(x)		((unsigned long long)(x))

#define NR_SLOTS	12
#define REGION_PAGES	64	/* a slot's address range, and the largest buffer */
#define MAX_THREADS	16
#define MAX_MESSAGES	12	/* broken invariants described in full */
#define OP_WORDS	6	/* random words every operation draws */
#define CHILD_STREAM	1000	/* fork children's stream numbers start here */

/*
 * ---- Operations: name, weight (relative frequency), and whether the op
 * works on the buffer of slot w[0] (counted as a carveout operation when
 * that slot holds a carveout buffer, as last known) ----
 */

#define FUZZ_OPS(X)			\
	X(alloc, 16, 0)			\
	X(alloc_carveout, 8, 0)		\
	X(alloc_efault, 2, 0)		\
	X(close, 6, 1)			\
	X(dup, 4, 1)			\
	X(mmap, 24, 1)			\
	X(unmap, 8, 1)			\
	X(unmap_part, 5, 1)		\
	X(mprotect, 4, 1)		\
	X(mremap, 4, 1)			\
	X(madvise, 4, 1)		\
	X(touch, 130, 1)		\
	X(sync, 180, 1)			\
	X(device, 100, 1)		\
	X(query, 80, 1)			\
	X(dma_map, 12, 1)		\
	X(full_flush, 20, 0)		\
	X(info, 20, 0)			\
	X(fork, 2, 0)			\
	X(send_fd, 6, 1)		\
	X(recv_fd, 6, 0)		\
	X(bad_ioctl, 40, 0)

#define OP_ENUM(name, weight, on_slot)	OP_##name,
enum op { FUZZ_OPS(OP_ENUM) OP_COUNT };
#undef OP_ENUM

struct stream;
typedef void (*op_fn)(struct stream *s, const uint64_t *w);

#define OP_DECLARE(name, weight, on_slot)	\
	static void op_##name(struct stream *s, const uint64_t *w);
FUZZ_OPS(OP_DECLARE)
#undef OP_DECLARE

static const struct op_desc {
	const char *name;
	unsigned int weight;
	bool on_slot;
	op_fn fn;
} ops[OP_COUNT] = {
#define OP_ROW(name, weight, on_slot)	[OP_##name] = { #name, weight, on_slot, op_##name },
	FUZZ_OPS(OP_ROW)
#undef OP_ROW
};

/* ---- Shared state ---- */

struct slot {
	atomic_int fd;			/* -1: none */
	_Atomic uint64_t size;		/* of the buffer fd names, as last known */
	atomic_uint strategy;
	atomic_uint backend;		/* DMAB_BACKEND_* */
	_Atomic uint64_t mapped;	/* bytes of the region a buffer maps, as last known */
	/* with no_split only (see there): */
	atomic_int layout;		/* who changes the range's mappings: > 0 some, -1 one */
	atomic_bool carveout_mapped;	/* a carveout buffer may be mapped in the range */
};

#define ERRNO_BUCKETS	140	/* errno values up to EHWPOISON; larger ones share the last */

struct op_stats {
	_Atomic uint64_t runs;
	_Atomic uint64_t ns;		/* time spent in it, all streams together */
	_Atomic uint64_t errors[ERRNO_BUCKETS];	/* [0]: succeeded */
};

/* In a MAP_SHARED page: every process of the run adds to it. */
struct shared {
	struct op_stats op[OP_COUNT];
	_Atomic uint64_t checks;	/* invariants checked */
	_Atomic uint64_t violations;
	_Atomic uint64_t touch_ok, touch_sigbus, touch_sigsegv, touch_unaligned_sigbus;
	_Atomic uint64_t forks, forks_killed, child_ops;
	_Atomic uint64_t carveout_ops;	/* ops on a slot holding a carveout buffer */
	_Atomic uint64_t carveout_peak;	/* the most carveout_used INFO said */
	char messages[MAX_MESSAGES][240];
};

struct stream {
	uint64_t rng;			/* splitmix64 state */
	unsigned int id;
	unsigned int depth;		/* 1: a fork child (forks no further) */
	uint64_t ops;
	uint64_t done;
};

static struct shared *shared;
static struct slot slots[NR_SLOTS];
static unsigned char *regions;		/* NR_SLOTS ranges of REGION_PAGES pages */
static size_t page_size, region_bytes;
static int ctl = -1;
static int sock = -1;			/* this process's end of the socket pair */
static struct dmab_info info;		/* at the start */
/* valid ALLOC requests, read-only (copy_to_user fails): a page buffer's, a carveout one's */
static unsigned char *ro_page;
#define RO_CARVEOUT_OFFSET	128	/* where the carveout request is on ro_page */
static unsigned char *none_page;	/* PROT_NONE */
static unsigned int op_table[1024];	/* ops by weight, for the draw */
static unsigned int op_table_len;
static bool no_split;			/* x86 with a carveout: see map_slot() */

/* ---- PRNG ---- */

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void stream_init(struct stream *s, uint64_t seed, unsigned int id, uint64_t ops_count)
{
	uint64_t mix = seed ^ (0xd1b54a32d192ed03ULL * (id + 1));

	memset(s, 0, sizeof(*s));
	s->rng = splitmix64(&mix);
	s->id = id;
	s->ops = ops_count;
}

/* ---- Recording ---- */

static void record(enum op op, int err)
{
	atomic_fetch_add_explicit(&shared->op[op].runs, 1, memory_order_relaxed);
	if (err < 0 || err >= ERRNO_BUCKETS)
		err = ERRNO_BUCKETS - 1;
	atomic_fetch_add_explicit(&shared->op[op].errors[err], 1, memory_order_relaxed);
}

static void __attribute__((format(printf, 3, 4)))
violation(const struct stream *s, enum op op, const char *fmt, ...)
{
	uint64_t n = atomic_fetch_add(&shared->violations, 1);
	char *msg;
	va_list ap;
	int len;

	if (n >= MAX_MESSAGES)
		return;
	msg = shared->messages[n];
	len = snprintf(msg, sizeof(shared->messages[0]), "stream %u op %llu %s: ", s->id,
		       ULL(s->done), ops[op].name);
	va_start(ap, fmt);
	vsnprintf(msg + len, sizeof(shared->messages[0]) - (size_t)len, fmt, ap);
	va_end(ap);
}

static bool one_of(int err, const int *allowed, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (allowed[i] == err)
			return true;
	return false;
}

/* @err must be one of the listed errno values (0: success). */
#define EXPECT(s, op, err, what, ...)							\
	expect_one_of((s), (op), (err), (what), (const int[]){ __VA_ARGS__ },		\
		      sizeof((const int[]){ __VA_ARGS__ }) / sizeof(int))

static void expect_one_of(const struct stream *s, enum op op, int err, const char *what,
			  const int *allowed, size_t n)
{
	atomic_fetch_add_explicit(&shared->checks, 1, memory_order_relaxed);
	if (!one_of(err, allowed, n))
		violation(s, op, "%s: %s", what, err ? strerror(err) : "succeeded");
}

/*
 * What a request on a range of a buffer (SYNC, DEVICE_*) may answer: the
 * request placed in a slot's own mapping (@placed) may fault; past the
 * buffer's end it must not succeed, unless the buffer was replaced (EBADF
 * and 0 race with close); an invalid one is refused; a valid one passes.
 */
static void expect_ranged(const struct stream *s, enum op op, int err, bool placed, bool past_end,
			  bool invalid, const char *name)
{
	char what[64];

	if (placed) {
		snprintf(what, sizeof(what), "%s from a slot's range", name);
		EXPECT(s, op, err, what, 0, EINVAL, EBADF, EFAULT, ENXIO);
	} else if (past_end) {
		snprintf(what, sizeof(what), "%s past the buffer's end", name);
		EXPECT(s, op, err, what, EINVAL, EBADF, 0);
	} else if (invalid) {
		snprintf(what, sizeof(what), "an invalid %s", name);
		EXPECT(s, op, err, what, EINVAL, EBADF);
	} else {
		snprintf(what, sizeof(what), "a valid %s", name);
		/* ENXIO: another stream gave the buffer's DMA mapping up (DMA_UNMAP) */
		EXPECT(s, op, err, what, 0, EBADF, EINVAL, ENXIO);
	}
}

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

/* ---- Slots and their address ranges ---- */

static unsigned char *region(unsigned int slot)
{
	return regions + (size_t)slot * region_bytes;
}

/* Puts the reservation back over [off, off + len) of a slot's range: an unmap. */
static void reserve(unsigned int slot, size_t off, size_t len)
{
	void *want = region(slot) + off;

	if (mmap(want, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
		 -1, 0) != want) {
		/* the address range would be anyone's: nothing here can go on safely */
		fprintf(stderr, "kmod-fuzz: cannot reserve slot %u at %zu: %s\n", slot, off,
			strerror(errno));
		_exit(3);
	}
}

/*
 * no_split: x86 with a carveout. PAT reserves the memory type of a mapping
 * of memory without struct page as one range, and the pieces of a split
 * mapping cannot free it (Linux 6.1: "freeing invalid memtype"; the rest
 * stays reserved until reboot and gives later mappings its type:
 * docs/carveout.md). kmod-test therefore never punches a hole in a
 * carveout mapping on x86, and neither does this: there, a slot's range
 * that may hold a carveout mapping (carveout_mapped) is only ever
 * unmapped, mprotected and advised whole. Whatever changes a range's
 * mappings, but its plain unmap (a whole one), holds the slot's try-lock:
 * shared, or alone to map a carveout buffer, so that no stream splits what
 * another is mapping. A stream that finds it held the other way skips the
 * operation (EBUSY in its statistics): never a wait, so a fork child that
 * inherits it held skips too and does not hang.
 */
static bool layout_lock(unsigned int slot, bool alone)
{
	atomic_int *layout = &slots[slot].layout;
	int now = 0;

	if (!no_split)
		return true;
	if (alone)
		return atomic_compare_exchange_strong(layout, &now, -1);
	now = atomic_load(layout);
	while (now >= 0)
		if (atomic_compare_exchange_weak(layout, &now, now + 1))
			return true;
	return false;
}

static void layout_unlock(unsigned int slot, bool alone)
{
	if (!no_split)
		return;
	if (alone)
		atomic_store(&slots[slot].layout, 0);
	else
		atomic_fetch_sub(&slots[slot].layout, 1);
}

/* The part of a slot's range an operation may split: all of it where a carveout may be. */
static void unsplit_range(unsigned int slot, size_t *off, size_t *len)
{
	if (no_split && atomic_load(&slots[slot].carveout_mapped)) {
		*off = 0;
		*len = region_bytes;
	}
}

/* Whether @fd is a carveout buffer's: its file's name, as the module gave it. */
static bool carveout_fd(int fd)
{
	char path[40], target[128];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return true;	/* cannot tell: as if it were */
	target[n] = 0;
	return strstr(target, "dmabench:carveout-");
}

/*
 * Maps @fd over the start of a slot's range; on failure the range is
 * reserved again. With no_split: through an fd of its own (the slot's may
 * be closed and its number reused by another stream meanwhile: only the fd
 * mapped tells whether it is a carveout buffer), under the slot's lock
 * (alone for a carveout buffer), over a range reserved whole first where a
 * carveout buffer may be mapped (a shorter mapping over a longer one
 * splits it).
 */
static int map_slot(unsigned int slot, int fd, size_t len, int prot, int flags, off_t offset)
{
	void *want = region(slot), *got = MAP_FAILED;
	bool carveout = false;
	int err = 0, own = -1;

	if (len > region_bytes) {	/* it would map over the next slot, or the fuzzer */
		fprintf(stderr, "kmod-fuzz: a mapping of %zu bytes in slot %u\n", len, slot);
		_exit(3);
	}
	if (no_split) {
		own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		err = errno;
		carveout = own >= 0 && carveout_fd(own);
		if (!layout_lock(slot, carveout)) {
			if (own >= 0)
				close(own);
			return EBUSY;
		}
		if (own >= 0 && atomic_load(&slots[slot].carveout_mapped))
			reserve(slot, 0, region_bytes);
		if (carveout)
			atomic_store(&slots[slot].carveout_mapped, true);
		fd = own;
	}
	if (fd >= 0 || !no_split) {
		got = mmap(want, len, prot, flags | MAP_FIXED, fd, offset);
		err = errno;
	}
	if (got == MAP_FAILED) {
		/* a failed MAP_FIXED mmap may have unmapped what was there already */
		reserve(slot, 0, region_bytes);
		atomic_store(&slots[slot].mapped, 0);
	} else {
		atomic_store(&slots[slot].mapped, len);
	}
	if (no_split) {
		if (got == MAP_FAILED || !carveout)
			atomic_store(&slots[slot].carveout_mapped, false);
		if (own >= 0)
			close(own);
		layout_unlock(slot, carveout);
	}
	return got == MAP_FAILED ? err : 0;
}

/* A new buffer in @slot; the one it replaces is closed (its mappings keep it). */
static void slot_put(unsigned int slot, int fd, uint64_t size, uint32_t strategy,
		     uint32_t backend)
{
	int old;

	atomic_store(&slots[slot].size, size);
	atomic_store(&slots[slot].strategy, strategy);
	atomic_store(&slots[slot].backend, backend);
	old = atomic_exchange(&slots[slot].fd, fd);
	if (old >= 0)
		close(old);
}

/* ---- Touching memory, surviving SIGBUS and SIGSEGV ---- */

static __thread sigjmp_buf touch_jmp;
static __thread volatile sig_atomic_t touch_armed;

static void fault_handler(int sig)
{
	if (touch_armed) {
		touch_armed = 0;
		siglongjmp(touch_jmp, sig);
	}
	/* a fault of the fuzzer's own: die of it, with the default action */
	signal(sig, SIG_DFL);
}

/* One access of @width bytes at @p: 0, or the signal it took. */
static int touch(unsigned char *p, unsigned int width, bool write, uint64_t value)
{
	int sig;

	touch_armed = 1;
	sig = sigsetjmp(touch_jmp, 0);
	if (!sig) {
		switch (width) {
		case 1:
			if (write)
				*(volatile uint8_t *)p = (uint8_t)value;
			else
				(void)*(volatile uint8_t *)p;
			break;
		case 2:
			if (write)
				*(volatile uint16_t *)(void *)p = (uint16_t)value;
			else
				(void)*(volatile uint16_t *)(void *)p;
			break;
		case 4:
			if (write)
				*(volatile uint32_t *)(void *)p = (uint32_t)value;
			else
				(void)*(volatile uint32_t *)(void *)p;
			break;
		default:
			if (write)
				*(volatile uint64_t *)(void *)p = value;
			else
				(void)*(volatile uint64_t *)(void *)p;
			break;
		}
	}
	touch_armed = 0;
	return sig;
}

/* Copies @len bytes to @dst a byte at a time: 0, or the signal a store took. */
static int guarded_copy(unsigned char *dst, const void *src, size_t len)
{
	const unsigned char *from = src;
	volatile size_t i;	/* across siglongjmp */
	int sig;

	touch_armed = 1;
	sig = sigsetjmp(touch_jmp, 0);
	for (i = 0; !sig && i < len; i++)
		((volatile unsigned char *)dst)[i] = from[i];
	touch_armed = 0;
	return sig;
}

/*
 * Where an ioctl's request lives: the stack, or one time in eight a slot's
 * range, so the module copies from and to a dmabench mapping (uncached,
 * write-combined, a bounce-backed buffer), an unmapped or PROT_NONE range
 * (EFAULT), or one another stream is unmapping or writing meanwhile. What
 * a request there asks may change under it: only its errno's class is
 * checked. Not for ALLOC: an fd the kernel writes there could be lost.
 */
static void *place_request(uint64_t w, void *req, size_t size, bool *placed)
{
	unsigned char *p;

	*placed = (w >> 40) % 8 == 0;
	if (!*placed)
		return req;
	p = region((unsigned int)(w >> 48) % NR_SLOTS) + (w >> 8) % (region_bytes - size);
	guarded_copy(p, req, size);
	return p;
}

/* ---- Drawing arguments ---- */

/*
 * Buffer sizes in pages: mostly small. Above 16 pages a buffer is several
 * chunks (64 KiB ones), so ranges cross chunks. Larger buffers cost much
 * under TCG (zeroing, poisoning, and on armv7-a9 the outer cache cleaned
 * line by line through MMIO at ALLOC, SYNC and free) and find no more.
 */
static const unsigned int size_pages[] = { 1, 1, 1, 2, 4, 4, 8, 16, 32, REGION_PAGES };

static uint64_t draw_size(uint64_t w)
{
	return (uint64_t)size_pages[w % ARRAY_SIZE(size_pages)] * page_size;
}

/* A length in [1, max]: mostly short (a line, a page), sometimes all of it. */
static uint64_t draw_length(uint64_t w, uint64_t max)
{
	static const uint64_t short_lengths[] = { 1, 8, 64, 200, 4096 };
	uint64_t len;

	if (!max)
		return 1;
	switch (w % 4) {
	case 0:
		len = short_lengths[(w >> 8) % ARRAY_SIZE(short_lengths)];
		break;
	case 1:
		len = max;
		break;
	default:
		len = 1 + (w >> 8) % (max < 16384 ? max : 16384);
		break;
	}
	return len < max ? len : max;
}

static int slot_fd(unsigned int slot)
{
	return atomic_load(&slots[slot].fd);
}

/* ---- The operations ---- */

static const uint64_t bad_sizes[] = {
	0, 100, 4096 + 8, DMAB_MAX_BUFFER_BYTES + 65536, 1ULL << 63, (uint64_t)-65536,
};

/* The @n-th strategy (modulo their count) of those in @mask (not 0). */
static uint32_t nth_strategy(uint32_t mask, uint64_t n)
{
	uint32_t strategy;

	n %= (unsigned int)__builtin_popcount(mask);
	for (strategy = 0; strategy < DMAB_STRAT_COUNT; strategy++)
		if ((mask & (1U << strategy)) && !n--)
			break;
	return strategy;
}

/* What an ALLOC made goes into @slot, and is mapped there one time in two (@w odd). */
static void put_new_buffer(struct stream *s, enum op op, unsigned int slot,
			   const struct dmab_alloc *req, uint64_t w)
{
	if (req->fd < 0) {
		violation(s, op, "succeeded with fd %d", req->fd);
		return;
	}
	slot_put(slot, req->fd, req->size, req->strategy, req->backend);
	/*
	 * half the buffers mapped at once: more operations find a mapping; no
	 * more of it than the slot's range (a carveout buffer may be larger)
	 */
	if (w & 1)
		EXPECT(s, op, map_slot(slot, req->fd, req->size < region_bytes ? req->size :
				       region_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, 0),
		       "mmap of a new buffer", 0, EBADF, EINVAL, no_split ? EBUSY : 0);
}

static void op_alloc(struct stream *s, const uint64_t *w)
{
	struct dmab_alloc req = { 0 };
	unsigned int slot = w[0] % NR_SLOTS, how = (unsigned int)(w[1] >> 32) % 100;
	bool bad_field = false, bad_size = false, over_quota = false, atomic = false;
	int err, expected;

	req.strategy = (uint32_t)(w[1] % DMAB_STRAT_COUNT);
	req.size = draw_size(w[2]);
	if (how < 4) {
		req.strategy = DMAB_STRAT_COUNT + (uint32_t)(w[3] % 3 ? w[3] % 4 : w[3]);
		if (req.strategy < DMAB_STRAT_COUNT)	/* wrapped around */
			req.strategy = UINT32_MAX;
	} else if (how < 10) {
		req.size = bad_sizes[w[3] % ARRAY_SIZE(bad_sizes)];
		bad_size = req.size < page_size || req.size % page_size ||
			   req.size > DMAB_MAX_BUFFER_BYTES;
	} else if (how < 12) {
		/* bit 0 is DMAB_ALLOC_ATOMIC, valid (for coherent) */
		req.flags = 1U << (1 + w[3] % 31);
		bad_field = true;
	} else if (how < 13) {
		/* a backend that does not exist (the carveout's is valid where loaded) */
		req.backend = (uint32_t)w[3] | DMAB_BACKEND_COUNT;
		bad_field = true;
	} else if (how < 14) {
		/* an out field (ABI 4): what it held going in does not matter */
		req.alloc_ns = w[4] | 1;
	} else if (how < 16) {
		req.size = info.max_total_bytes + page_size;
		over_quota = true;
	} else if (how < 20) {
		/* with interrupts off: coherent only, from the atomic pool where it has one */
		req.flags = DMAB_ALLOC_ATOMIC;
		if (w[3] & 1)
			req.strategy = DMAB_STRAT_COHERENT;
		atomic = true;
	}
	req.fd = -1;

	err = xioctl(ctl, DMAB_IOC_ALLOC, &req);
	record(OP_alloc, err);
	if (bad_field || req.strategy >= DMAB_STRAT_COUNT)
		expected = EINVAL;
	else if (!(info.strategy_mask & (1U << req.strategy)))
		expected = EOPNOTSUPP;
	else if (atomic && req.strategy != DMAB_STRAT_COHERENT)
		expected = EOPNOTSUPP;
	else if (bad_size)
		expected = EINVAL;
	else if (over_quota)
		expected = EDQUOT;
	else
		expected = 0;
	if (expected)
		EXPECT(s, OP_alloc, err, "an ALLOC that must fail", expected);
	else
		EXPECT(s, OP_alloc, err, "a valid ALLOC", 0, ENOMEM, EDQUOT);
	if (err)
		return;
	put_new_buffer(s, OP_alloc, slot, &req, w[4]);
}

/*
 * An ALLOC from the carveout (carveout= at load; without one: ENODEV).
 * Strategies mostly among those it offers; sizes mostly as op_alloc's,
 * sometimes a quarter, half or all of the region (whether a run that long
 * is free depends on what the other streams hold), more than it all
 * (ENOMEM, always) or invalid. The carveout takes nothing of the quota (no
 * EDQUOT); a buffer larger than a slot's range is mapped in part.
 */
static void op_alloc_carveout(struct stream *s, const uint64_t *w)
{
	struct dmab_alloc req = { .backend = DMAB_BACKEND_CARVEOUT, .fd = -1 };
	unsigned int slot = w[0] % NR_SLOTS, kind = (unsigned int)(w[2] >> 32) % 16;
	uint32_t offered = info.carveout_strategy_mask;
	uint64_t end = info.carveout_base + info.carveout_size;
	bool bad_size = false;
	int err, expected;

	req.strategy = (uint32_t)((w[1] >> 8) % DMAB_STRAT_COUNT);
	if (offered && w[1] % 8)	/* one in eight any strategy: EOPNOTSUPP */
		req.strategy = nth_strategy(offered, w[1] >> 8);
	req.size = draw_size(w[2]);
	switch (kind) {
	case 0:
		req.size = info.carveout_size + page_size;
		break;
	case 1:
		req.size = info.carveout_size;
		break;
	case 2:
	case 3:
		req.size = (info.carveout_size >> (kind - 1)) & ~(uint64_t)(page_size - 1);
		break;
	case 4:
		req.size = bad_sizes[w[3] % ARRAY_SIZE(bad_sizes)];
		break;
	}
	bad_size = req.size < page_size || req.size % page_size || req.size > DMAB_MAX_BUFFER_BYTES;

	err = xioctl(ctl, DMAB_IOC_ALLOC, &req);
	record(OP_alloc_carveout, err);
	if (!info.carveout_size)
		expected = ENODEV;
	else if (!(offered & (1U << req.strategy)))
		expected = EOPNOTSUPP;
	else if (bad_size)
		expected = EINVAL;
	else if (req.size > info.carveout_size)
		expected = ENOMEM;
	else
		expected = 0;
	if (expected)
		EXPECT(s, OP_alloc_carveout, err, "a carveout ALLOC that must fail", expected);
	else
		EXPECT(s, OP_alloc_carveout, err, "a valid carveout ALLOC", 0, ENOMEM);
	if (err)
		return;
	atomic_fetch_add_explicit(&shared->checks, 1, memory_order_relaxed);
	if (req.phys_addr % page_size || req.phys_addr < info.carveout_base ||
	    req.phys_addr > end || req.size > end - req.phys_addr)
		violation(s, OP_alloc_carveout, "%llu bytes at %#llx, outside the carveout %#llx+%#llx",
			  ULL(req.size), ULL(req.phys_addr), ULL(info.carveout_base),
			  ULL(info.carveout_size));
	put_new_buffer(s, OP_alloc_carveout, slot, &req, w[4]);
}

/*
 * The answer cannot reach user space: the module must take the new file
 * back. One time in two a carveout buffer's, where there is a carveout.
 */
static void op_alloc_efault(struct stream *s, const uint64_t *w)
{
	bool carveout = info.carveout_size && w[0] % 2;
	int err = xioctl(ctl, DMAB_IOC_ALLOC, ro_page + (carveout ? RO_CARVEOUT_OFFSET : 0));

	record(OP_alloc_efault, err);
	if (carveout)
		EXPECT(s, OP_alloc_efault, err, "a carveout ALLOC into a read-only request", EFAULT,
		       ENOMEM);
	else
		EXPECT(s, OP_alloc_efault, err, "ALLOC into a read-only request", EFAULT, EDQUOT,
		       ENOMEM);
}

static void op_close(struct stream *s, const uint64_t *w)
{
	int fd = atomic_exchange(&slots[w[0] % NR_SLOTS].fd, -1), err = 0;

	if (fd >= 0 && close(fd))
		err = errno;
	record(OP_close, err);
	/*
	 * EBADF in a fork child: fork copies the memory and the fd table at two
	 * moments, and a stream of the parent may close the fd in between.
	 */
	EXPECT(s, OP_close, err, "close of a buffer fd", 0, s->depth ? EBADF : 0);
}

/* A second fd on the same buffer file, in another slot: closing one leaves the other. */
static void op_dup(struct stream *s, const uint64_t *w)
{
	unsigned int from = w[0] % NR_SLOTS, to = w[1] % NR_SLOTS;
	uint64_t size = atomic_load(&slots[from].size);
	uint32_t strategy = atomic_load(&slots[from].strategy);
	uint32_t backend = atomic_load(&slots[from].backend);
	int fd = fcntl(slot_fd(from), F_DUPFD_CLOEXEC, 0), err = fd < 0 ? errno : 0;

	record(OP_dup, err);
	EXPECT(s, OP_dup, err, "dup of a buffer fd", 0, EBADF);
	if (fd >= 0)
		slot_put(to, fd, size, strategy, backend);
}

static void op_mmap(struct stream *s, const uint64_t *w)
{
	unsigned int slot = w[0] % NR_SLOTS, kind = w[1] % 20;
	int fd = slot_fd(slot), prot = PROT_READ | PROT_WRITE, flags = MAP_SHARED, err;
	uint64_t size = atomic_load(&slots[slot].size), len;
	off_t offset = 0;
	bool invalid = false;

	if (!size)
		size = page_size;
	len = size;
	if (kind >= 12 && kind < 16) {
		len = page_size * (1 + (w[2] % (size / page_size)));	/* a part from 0 */
	} else if (kind == 16) {
		len = size + page_size;		/* bigger than the buffer as last known */
	} else if (kind == 17) {
		flags = MAP_PRIVATE;		/* copy-on-write over device memory */
		invalid = true;
	} else if (kind == 18) {
		offset = (off_t)(page_size * (1 + w[2] % 4));
		invalid = true;
	} else if (kind == 19) {
		prot = PROT_READ;
	}
	if (len > region_bytes)
		len = region_bytes;

	err = map_slot(slot, fd, len, prot, flags, offset);
	record(OP_mmap, err);
	if (err == EBUSY && no_split)	/* another stream is changing the range */
		return;
	if (invalid)
		EXPECT(s, OP_mmap, err, kind == 17 ? "a private mapping" : "a mapping at an offset",
		       EINVAL, EBADF);
	else if (kind == 16)
		EXPECT(s, OP_mmap, err, "a mapping bigger than the buffer", EINVAL, EBADF, 0);
	else
		EXPECT(s, OP_mmap, err, "a valid mapping", 0, EBADF, EINVAL);
}

static void op_unmap(struct stream *s, const uint64_t *w)
{
	unsigned int slot = w[0] % NR_SLOTS;

	(void)s;
	reserve(slot, 0, region_bytes);
	atomic_store(&slots[slot].mapped, 0);
	record(OP_unmap, 0);
}

/* A page range of a slot's range: [*off, *off + *len). */
static void draw_pages(uint64_t a, uint64_t b, size_t *off, size_t *len)
{
	size_t first = a % REGION_PAGES;

	*off = first * page_size;
	*len = (1 + b % (REGION_PAGES - first)) * page_size;
}

/* A hole in a mapping: the VMA splits, the rest stays. */
static void op_unmap_part(struct stream *s, const uint64_t *w)
{
	unsigned int slot = w[0] % NR_SLOTS;
	size_t off, len;

	(void)s;
	if (!layout_lock(slot, false)) {
		record(OP_unmap_part, EBUSY);
		return;
	}
	draw_pages(w[1], w[2], &off, &len);
	unsplit_range(slot, &off, &len);
	reserve(slot, off, len);
	layout_unlock(slot, false);
	record(OP_unmap_part, 0);
}

static void op_mprotect(struct stream *s, const uint64_t *w)
{
	static const int prots[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE };
	unsigned int slot = w[0] % NR_SLOTS;
	size_t off, len;
	int err;

	if (!layout_lock(slot, false)) {
		record(OP_mprotect, EBUSY);
		return;
	}
	draw_pages(w[1], w[2], &off, &len);
	unsplit_range(slot, &off, &len);
	err = mprotect(region(slot) + off, len, prots[w[3] % ARRAY_SIZE(prots)]) ? errno : 0;
	layout_unlock(slot, false);
	record(OP_mprotect, err);
	/* ENOMEM: part of the range unmapped, between another stream's mremap and its reserve */
	EXPECT(s, OP_mprotect, err, "mprotect in a slot's range", 0, ENOMEM);
}

/*
 * Shrinks a mapping in place. Where that would split a carveout mapping
 * (no_split) it asks to grow one instead, inside the slot's range: refused,
 * as every growing is (VM_DONTEXPAND, VM_PFNMAP: EFAULT; over the next
 * mapping without MREMAP_MAYMOVE: ENOMEM).
 */
static void op_mremap(struct stream *s, const uint64_t *w)
{
	unsigned int slot = w[0] % NR_SLOTS;
	size_t old_pages = 2 + w[1] % (REGION_PAGES - 1);
	size_t new_pages = 1 + w[2] % (old_pages - 1);
	void *p = region(slot), *got;
	bool grow;
	int err;

	if (!layout_lock(slot, false)) {
		record(OP_mremap, EBUSY);
		return;
	}
	grow = no_split && atomic_load(&slots[slot].carveout_mapped);
	if (grow) {	/* from new_pages to old_pages */
		got = mremap(p, new_pages * page_size, old_pages * page_size, 0);
		err = got == MAP_FAILED ? errno : 0;
		layout_unlock(slot, false);
		record(OP_mremap, err);
		EXPECT(s, OP_mremap, err, "mremap growing in place", EFAULT, ENOMEM);
		return;
	}
	got = mremap(p, old_pages * page_size, new_pages * page_size, 0);
	err = got == MAP_FAILED ? errno : 0;
	reserve(slot, new_pages * page_size, (old_pages - new_pages) * page_size);
	layout_unlock(slot, false);
	record(OP_mremap, err);
	/* EFAULT: the range spans more than one mapping */
	EXPECT(s, OP_mremap, err, "mremap shrinking in place", 0, EFAULT);
	if (!err && got != p)
		violation(s, OP_mremap, "moved without MREMAP_MAYMOVE");
}

/*
 * What the core kernel may do to a VM_PFNMAP mapping it did not make:
 * advice (most is refused there), mlock, msync. Never MADV_HWPOISON or
 * MADV_SOFT_OFFLINE: root may poison any page, a debugging aid, not a
 * path of the module's.
 */
static void op_madvise(struct stream *s, const uint64_t *w)
{
	static const int advice[] = {
		MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_DONTNEED,
		MADV_DONTFORK, MADV_DOFORK, MADV_DONTDUMP, MADV_DODUMP, MADV_COLD, MADV_PAGEOUT,
		MADV_FREE, MADV_REMOVE, MADV_WIPEONFORK, MADV_KEEPONFORK, MADV_MERGEABLE,
		MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_POPULATE_READ, MADV_POPULATE_WRITE,
	};
	unsigned int kind = w[3] % (ARRAY_SIZE(advice) + 3), slot = w[0] % NR_SLOTS;
	unsigned char *p;
	size_t off, len;
	int err;

	if (!layout_lock(slot, false)) {	/* advice that sets a flag splits a mapping */
		record(OP_madvise, EBUSY);
		return;
	}
	draw_pages(w[1], w[2], &off, &len);
	unsplit_range(slot, &off, &len);
	p = region(slot) + off;
	if (kind < ARRAY_SIZE(advice))
		err = madvise(p, len, advice[kind]) ? errno : 0;
	else if (kind == ARRAY_SIZE(advice))
		err = mlock(p, len) || munlock(p, len) ? errno : 0;
	else if (kind == ARRAY_SIZE(advice) + 1)
		err = msync(p, len, MS_SYNC) ? errno : 0;
	else
		err = msync(p, len, MS_ASYNC | MS_INVALIDATE) ? errno : 0;
	layout_unlock(slot, false);
	record(OP_madvise, err);
	/*
	 * EINVAL: advice that cannot apply to a VM_PFNMAP or an anonymous
	 * range; ENOMEM: part unmapped (another stream's mremap), or mlock out
	 * of memory; EFAULT: populate over PROT_NONE or a PFN mapping; EBUSY:
	 * msync MS_INVALIDATE over a locked range; EAGAIN: mlock; MADV_REMOVE
	 * punches a hole in the buffer's file: EACCES read-only, ENODEV (an
	 * anonymous inode is no regular file).
	 */
	EXPECT(s, OP_madvise, err, "madvise, mlock or msync", 0, EINVAL, ENOMEM, EFAULT, EBUSY,
	       EAGAIN, EACCES, ENODEV, EOPNOTSUPP);
}

static void op_touch(struct stream *s, const uint64_t *w)
{
	unsigned int slot = w[0] % NR_SLOTS, width = 1U << (w[3] % 4);
	uint64_t mapped = atomic_load(&slots[slot].mapped);
	bool aligned = (w[3] >> 8) % 4 != 0;
	size_t off;
	int sig;

	/* mostly inside the buffer's mapping as last known, else anywhere in the range */
	off = (size_t)((w[1] % 5 && mapped) ? w[2] % mapped : w[2] % region_bytes);
	if (off > region_bytes - 8)
		off = region_bytes - 8;
	if (aligned)
		off &= ~(size_t)(width - 1);
	else if (width > 1)
		off |= 1;
	sig = touch(region(slot) + off, width, w[4] & 1, w[5]);
	record(OP_touch, sig ? ERRNO_BUCKETS - 1 : 0);	/* "other": a signal */
	switch (sig) {
	case 0:
		atomic_fetch_add_explicit(&shared->touch_ok, 1, memory_order_relaxed);
		break;
	case SIGSEGV:
		atomic_fetch_add_explicit(&shared->touch_sigsegv, 1, memory_order_relaxed);
		break;
	case SIGBUS:
		atomic_fetch_add_explicit(&shared->touch_sigbus, 1, memory_order_relaxed);
		if (!aligned || width == 1) {
			/* unaligned access to Device or strongly-ordered memory (ARM) */
			atomic_fetch_add_explicit(&shared->touch_unaligned_sigbus, 1,
						  memory_order_relaxed);
			break;
		}
		/* every page of a mapping is mapped at mmap time: no fault is ever expected */
		violation(s, OP_touch, "SIGBUS on an aligned %u-byte %s at %zu of slot %u",
			  width, w[4] & 1 ? "write" : "read", off, slot);
		break;
	}
	atomic_fetch_add_explicit(&shared->checks, 1, memory_order_relaxed);
}

/*
 * SYNC with a range and fields drawn valid or not. Invalid in itself: must
 * fail with EINVAL (EBADF when the fd is gone). Past the buffer as last
 * known: another stream may have put a bigger buffer behind the fd.
 */
static void op_sync(struct stream *s, const uint64_t *w)
{
	unsigned int slot = w[0] % NR_SLOTS, kind = w[1] % 20;
	unsigned long cmd = w[1] & (1ULL << 40) ? DMAB_IOC_SYNC_FOR_DEVICE : DMAB_IOC_SYNC_FOR_CPU;
	uint64_t size = atomic_load(&slots[slot].size);
	struct dmab_sync req = { 0 };
	bool invalid = true, past_end = false, placed;
	int fd = slot_fd(slot), err;
	void *arg;

	req.direction = w[1] & (1ULL << 41) ? DMAB_DIR_TO_DEVICE : DMAB_DIR_FROM_DEVICE;
	req.offset = size ? w[2] % size : 0;
	req.length = draw_length(w[3], size - req.offset);
	switch (kind) {
	case 12:	/* past the end as last known */
		req.offset = size + w[2] % (4 * page_size);
		past_end = true;
		break;
	case 13:	/* past any buffer */
		req.offset = DMAB_MAX_BUFFER_BYTES + w[2] % 4096;
		break;
	case 14:	/* offset + length wraps */
		req.offset = UINT64_MAX - w[2] % 4096;
		req.length = 2 + w[3] % 8192;
		break;
	case 15:
		req.length = 0;
		break;
	case 16:
		req.direction = (w[4] % 3 == 0) ? 0 : (w[4] % 3 == 1) ? 3 : (uint32_t)w[4];
		if (req.direction == DMAB_DIR_TO_DEVICE || req.direction == DMAB_DIR_FROM_DEVICE)
			req.direction = 0;
		break;
	case 17:
		req.flags = 1U << (w[4] % 32);
		break;
	case 18:
		req.pad = (uint32_t)w[4] | 1;
		break;
	case 19:
		req.reserved[w[4] % 2] = w[5] | 1;
		break;
	default:
		invalid = false;
		break;
	}
	arg = place_request(w[5], &req, sizeof(req), &placed);
	err = xioctl(fd, cmd, arg);
	record(OP_sync, err);
	expect_ranged(s, OP_sync, err, placed, past_end, invalid, "SYNC");
	if (!err && !placed && req.done > (info.carveout_size ? DMAB_DONE_PMEM_INVAL_RANGE :
					     DMAB_DONE_DMA_SYNC_BOUNCE))
		violation(s, OP_sync, "done %u", req.done);
}

static void op_device(struct stream *s, const uint64_t *w)
{
	static const uint32_t bad_lines[] = { 0, 8, 48, DMAB_LINE_MAX * 2, UINT32_MAX };
	unsigned int slot = w[0] % NR_SLOTS, kind = w[1] % 20;
	unsigned long cmd = w[1] & (1ULL << 40) ? DMAB_IOC_DEVICE_WRITE : DMAB_IOC_DEVICE_READ;
	uint64_t size = atomic_load(&slots[slot].size), words = size / 8;
	struct dmab_device_op op = { 0 };
	bool invalid = true, past_end = false, placed;
	int fd = slot_fd(slot), err;
	void *arg;

	op.offset = words ? (w[2] % words) * 8 : 0;
	op.length = draw_length(w[3], size - op.offset) & ~7ULL;
	if (!op.length)
		op.length = 8;
	op.sequence = w[4];
	op.line = DMAB_LINE_MIN << ((w[4] >> 32) % 6);	/* 16 .. 512 */
	switch (kind) {
	case 12:
		op.offset = (size + w[2] % (4 * page_size)) & ~7ULL;
		past_end = true;
		break;
	case 13:	/* wraps */
		op.offset = (UINT64_MAX - w[2] % 4096) & ~7ULL;
		op.length = 16 + (w[3] % 1024) * 8;
		break;
	case 14:
		op.line = bad_lines[w[5] % ARRAY_SIZE(bad_lines)];
		break;
	case 15:
		op.length = w[5] % 2 ? 0 : op.length | 4;
		break;
	case 16:
		op.offset |= 4;
		break;
	case 17:
		op.flags = 1U << (w[5] % 32);
		break;
	case 18:
		op.reserved[0] = w[5] | 1;
		break;
	default:
		invalid = false;
		break;
	}
	arg = place_request(w[0], &op, sizeof(op), &placed);
	err = xioctl(fd, cmd, arg);
	record(OP_device, err);
	expect_ranged(s, OP_device, err, placed, past_end, invalid, "DEVICE_*");
	if (!err && !placed && cmd == DMAB_IOC_DEVICE_READ &&
	    (op.stale_lines > op.bad_lines || op.bad_lines > op.length / op.line + 1))
		violation(s, OP_device, "%llu bad, %llu stale lines of %llu bytes",
			  ULL(op.bad_lines), ULL(op.stale_lines), ULL(op.length));
}

static void op_query(struct stream *s, const uint64_t *w)
{
	unsigned int slot = w[0] % NR_SLOTS, kind = w[1] % 16;
	uint64_t mapped = atomic_load(&slots[slot].mapped);
	struct dmab_query_mapping req = { 0 };
	int err, local;
	bool placed;
	void *arg;

	req.address = (uintptr_t)(region(slot) + (mapped && kind < 9 ? w[2] % mapped :
							       w[2] % region_bytes));
	switch (kind) {
	case 10:	/* not a dmabench mapping */
		req.address = (uintptr_t)&local;
		break;
	case 11:	/* nothing mapped there */
		req.address = w[2] % 2 ? 0 : UINT64_MAX - w[2] % 4096;
		break;
	case 12:	/* any flag but DMAB_QUERY_ANY_PFNMAP */
		req.flags = 2U << (w[3] % 31);
		break;
	case 13:
		req.reserved[w[3] % 2] = w[4] | 1;
		break;
	}
	arg = place_request(w[4], &req, sizeof(req), &placed);
	err = xioctl(ctl, DMAB_IOC_QUERY_MAPPING, arg);
	record(OP_query, err);
	if (placed) {
		EXPECT(s, OP_query, err, "QUERY_MAPPING from a slot's range", 0, EINVAL, EFAULT,
		       ENXIO);
		return;
	}
	switch (kind) {
	case 10:
		EXPECT(s, OP_query, err, "QUERY_MAPPING on the stack", EINVAL);
		break;
	case 11:
		EXPECT(s, OP_query, err, "QUERY_MAPPING where nothing is mapped", EFAULT);
		break;
	case 12:
	case 13:
		EXPECT(s, OP_query, err, "an invalid QUERY_MAPPING", EINVAL);
		break;
	default:
		/* EINVAL: the reservation; ENXIO: no entry; EFAULT: another stream's mremap */
		EXPECT(s, OP_query, err, "QUERY_MAPPING in a slot's range", 0, EINVAL, ENXIO,
		       EFAULT);
		if (!err && (req.memory_type == DMAB_MT_UNKNOWN || req.memory_type > DMAB_MT_WT))
			violation(s, OP_query, "memory type %u, raw %#llx", req.memory_type,
				  ULL(req.raw));
		break;
	}
}

/*
 * DMA_UNMAP or DMA_MAP on a slot's buffer (ABI 4): a page-backed buffer's
 * streaming mapping given up or made again, while other streams sync it,
 * drive the device over it (ENXIO while unmapped), map and close it. A
 * buffer without one is EOPNOTSUPP, the wrong state EBUSY; now and then a
 * non-zero flag, pad or reserved word, refused.
 */
static void op_dma_map(struct stream *s, const uint64_t *w)
{
	unsigned int slot = w[0] % NR_SLOTS, kind = w[1] % 16;
	unsigned long cmd = w[1] & (1ULL << 40) ? DMAB_IOC_DMA_MAP : DMAB_IOC_DMA_UNMAP;
	struct dmab_dma_map req = { 0 };
	bool invalid = true;
	int err;

	switch (kind) {
	case 13:
		req.flags = 1U << (w[2] % 32);
		break;
	case 14:
		req.pad = (uint32_t)w[2] | 1;
		break;
	case 15:
		req.reserved[w[2] % 2] = w[3] | 1;
		break;
	default:
		invalid = false;
		break;
	}
	err = xioctl(slot_fd(slot), cmd, &req);
	record(OP_dma_map, err);
	if (invalid)
		EXPECT(s, OP_dma_map, err, "an invalid DMA_(UN)MAP", EINVAL, EBADF);
	else
		EXPECT(s, OP_dma_map, err, "a valid DMA_(UN)MAP", 0, EBUSY, EOPNOTSUPP, EBADF);
}

static void op_full_flush(struct stream *s, const uint64_t *w)
{
	struct dmab_full_flush req = { 0 };
	unsigned int kind = w[0] % 10;
	bool placed;
	void *arg;
	int err;

	if (kind == 8)
		req.flags = 1U << (w[1] % 32);
	else if (kind == 9)
		req.reserved[w[1] % 2] = w[2] | 1;
	arg = place_request(w[3], &req, sizeof(req), &placed);
	err = xioctl(ctl, DMAB_IOC_FULL_FLUSH, arg);
	record(OP_full_flush, err);
	if (placed)
		EXPECT(s, OP_full_flush, err, "FULL_FLUSH from a slot's range", 0, EINVAL, EFAULT,
		       EOPNOTSUPP);
	else if (kind >= 8)
		EXPECT(s, OP_full_flush, err, "an invalid FULL_FLUSH", EINVAL);
	else
		EXPECT(s, OP_full_flush, err, "FULL_FLUSH",
		       info.full_flush == DMAB_FULL_FLUSH_OK ? 0 : EOPNOTSUPP);
}

static void op_info(struct stream *s, const uint64_t *w)
{
	uint64_t peak;
	struct dmab_info now;
	bool placed;
	void *arg;
	size_t i;
	int err;

	memset(&now, 0xa5, sizeof(now));
	arg = place_request(w[0], &now, sizeof(now), &placed);
	err = xioctl(ctl, DMAB_IOC_INFO, arg);
	record(OP_info, err);
	if (placed) {	/* the answer written into a mapping, or EFAULT */
		EXPECT(s, OP_info, err, "INFO into a slot's range", 0, EFAULT);
		return;
	}
	EXPECT(s, OP_info, err, "INFO", 0);
	if (err)
		return;
	atomic_fetch_add_explicit(&shared->checks, 1, memory_order_relaxed);
	/*
	 * live_buffers counts carveout buffers too, and their bytes are
	 * carveout_used, read a moment later (a buffer may go in between):
	 * with a carveout, only each count against its own bound.
	 */
	if (now.allocated_bytes > now.max_total_bytes ||
	    (!info.carveout_size && now.live_buffers * page_size > now.allocated_bytes))
		violation(s, OP_info, "%llu bytes in %llu buffers, at most %llu",
			  ULL(now.allocated_bytes), ULL(now.live_buffers), ULL(now.max_total_bytes));
	if (now.carveout_base != info.carveout_base || now.carveout_size != info.carveout_size ||
	    now.carveout_used > now.carveout_size || now.carveout_used % page_size ||
	    now.carveout_strategy_mask != info.carveout_strategy_mask ||
	    now.carveout_sync != info.carveout_sync)
		violation(s, OP_info, "carveout %#llx+%#llx, %llu used, mask %#x, sync %u; at the "
			  "start %#llx+%#llx, mask %#x, sync %u", ULL(now.carveout_base),
			  ULL(now.carveout_size), ULL(now.carveout_used),
			  now.carveout_strategy_mask, now.carveout_sync, ULL(info.carveout_base),
			  ULL(info.carveout_size), info.carveout_strategy_mask, info.carveout_sync);
	peak = atomic_load(&shared->carveout_peak);
	while (now.carveout_used > peak &&
	       !atomic_compare_exchange_weak(&shared->carveout_peak, &peak, now.carveout_used))
		;
	for (i = 0; i < ARRAY_SIZE(now.reserved); i++)
		if (now.reserved[i])
			violation(s, OP_info, "reserved[%zu] %#llx", i, ULL(now.reserved[i]));
}

static void run_stream(struct stream *s);

/*
 * A child on what it inherited: the slots' fds and mappings (its own
 * copies of the table). Killed at once one time in four: its calls end on
 * a fatal signal, its buffers are dropped by exit.
 */
static void op_fork(struct stream *s, const uint64_t *w)
{
	struct stream child;
	bool kill_it = w[3] % 4 == 0;
	int status, err = 0;
	pid_t pid;

	if (s->depth) {		/* no grandchildren */
		record(OP_fork, 0);
		return;
	}
	stream_init(&child, w[1], CHILD_STREAM + (unsigned int)(w[2] % 100000), 1 + w[4] % 24);
	child.depth = 1;
	pid = fork();
	if (pid == 0) {
		run_stream(&child);
		atomic_fetch_add(&shared->child_ops, child.done);
		_exit(0);
	}
	if (pid < 0) {
		err = errno;
		record(OP_fork, err);
		EXPECT(s, OP_fork, err, "fork", 0, EAGAIN, ENOMEM);
		return;
	}
	atomic_fetch_add(&shared->forks, 1);
	if (kill_it) {
		kill(pid, SIGKILL);
		atomic_fetch_add(&shared->forks_killed, 1);
	}
	if (waitpid(pid, &status, 0) != pid)
		err = errno;
	record(OP_fork, err);
	atomic_fetch_add_explicit(&shared->checks, 1, memory_order_relaxed);
	if (err)
		violation(s, OP_fork, "waitpid: %s", strerror(err));
	else if (WIFSIGNALED(status) && !(kill_it && WTERMSIG(status) == SIGKILL))
		violation(s, OP_fork, "the child (stream %u) died of signal %d", child.id,
			  WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status))
		violation(s, OP_fork, "the child (stream %u) exited %d", child.id,
			  WEXITSTATUS(status));
}

/* What travels with an fd: the buffer as the sender knew it. */
struct fd_message {
	uint64_t size;
	uint32_t strategy;
	uint32_t backend;
};

static void op_send_fd(struct stream *s, const uint64_t *w)
{
	unsigned int slot = w[0] % NR_SLOTS;
	struct fd_message m = {
		.size = atomic_load(&slots[slot].size),
		.strategy = atomic_load(&slots[slot].strategy),
		.backend = atomic_load(&slots[slot].backend),
	};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	int fd = slot_fd(slot), err = 0;

	if (fd < 0 || sock < 0) {
		record(OP_send_fd, EBADF);
		return;
	}
	memset(control.buf, 0, sizeof(control.buf));
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(fd));
	if (sendmsg(sock, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		err = errno;
	record(OP_send_fd, err);
	/* full queue, fd closed meanwhile, peer gone at the end, too many fds in flight */
	EXPECT(s, OP_send_fd, err, "sendmsg of a buffer fd", 0, EAGAIN, EBADF, EPIPE, ECONNRESET,
	       ENOTCONN, ECONNREFUSED, ETOOMANYREFS);
}

static void op_recv_fd(struct stream *s, const uint64_t *w)
{
	struct fd_message m;
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = &m, .iov_len = sizeof(m) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg;
	ssize_t got;
	int fd = -1, err;

	if (sock < 0) {
		record(OP_recv_fd, EBADF);
		return;
	}
	got = recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	err = got < 0 ? errno : 0;
	record(OP_recv_fd, err);
	EXPECT(s, OP_recv_fd, err, "recvmsg", 0, EAGAIN, ECONNRESET);
	if (got <= 0)
		return;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg))
		if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(cmsg), sizeof(fd));
	atomic_fetch_add_explicit(&shared->checks, 1, memory_order_relaxed);
	if (fd < 0 || (msg.msg_flags & MSG_CTRUNC) || got != sizeof(m)) {
		violation(s, OP_recv_fd, "%zd bytes, fd %d, flags %#x", got, fd, msg.msg_flags);
		if (fd >= 0)
			close(fd);
		return;
	}
	slot_put(w[0] % NR_SLOTS, fd, m.size, m.strategy, m.backend);
}

/* The commands each kind of fd knows, with their argument sizes. */
static const struct {
	unsigned long cmd;
	bool on_buffer;
} known_cmds[] = {
	{ DMAB_IOC_INFO, false },
	{ DMAB_IOC_ALLOC, false },
	{ DMAB_IOC_QUERY_MAPPING, false },
	{ DMAB_IOC_FULL_FLUSH, false },
	{ DMAB_IOC_SYNC_FOR_DEVICE, true },
	{ DMAB_IOC_SYNC_FOR_CPU, true },
	{ DMAB_IOC_DEVICE_WRITE, true },
	{ DMAB_IOC_DEVICE_READ, true },
	{ DMAB_IOC_DMA_UNMAP, true },
	{ DMAB_IOC_DMA_MAP, true },
};

/*
 * An ioctl of the 0xDB range, known or not, on either kind of fd, with
 * NULL, an unreadable page or garbage whose every field is non-zero.
 */
static void op_bad_ioctl(struct stream *s, const uint64_t *w)
{
	static const unsigned int arg_sizes[] = { 0, 8, 32, 48, 56, 64, 256 };
	uint64_t garbage[64], garbage_rng = w[5];
	unsigned int slot = w[0] % NR_SLOTS, kind = w[4] % 3, i;
	bool on_buffer = w[1] & 1, known = false;
	unsigned long cmd;
	void *arg;
	int fd = on_buffer ? slot_fd(slot) : ctl, err, expected;

	if (w[2] % 2) {
		cmd = known_cmds[(w[2] >> 8) % ARRAY_SIZE(known_cmds)].cmd;
	} else {
		cmd = _IOC((unsigned int)(w[3] % 4), DMAB_IOC_MAGIC,
			   (unsigned int)(w[3] >> 8) % 32 + ((w[3] >> 16) % 8 == 0 ? 0xe0 : 0),
			   arg_sizes[(w[3] >> 24) % ARRAY_SIZE(arg_sizes)]);
	}
	for (i = 0; i < ARRAY_SIZE(known_cmds); i++)
		if (known_cmds[i].cmd == cmd && known_cmds[i].on_buffer == on_buffer)
			known = true;
	for (i = 0; i < ARRAY_SIZE(garbage); i++)
		garbage[i] = splitmix64(&garbage_rng) | 0x0000000100000001ULL;
	arg = kind == 0 ? NULL : kind == 1 ? (void *)none_page : (void *)garbage;

	err = xioctl(fd, cmd, arg);
	record(OP_bad_ioctl, err);
	if (!known)
		expected = ENOTTY;
	else if (kind != 2)
		expected = EFAULT;
	else
		expected = cmd == DMAB_IOC_INFO ? 0 : EINVAL;
	EXPECT(s, OP_bad_ioctl, err, "an ioctl of the range", expected, on_buffer ? EBADF : expected);
}

/* ---- Streams ---- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void run_stream(struct stream *s)
{
	uint64_t w[OP_WORDS], t0, t1;
	unsigned int i;
	enum op op;

	t0 = now_ns();
	for (s->done = 0; s->done < s->ops; s->done++) {
		op = (enum op)op_table[splitmix64(&s->rng) % op_table_len];
		for (i = 0; i < OP_WORDS; i++)
			w[i] = splitmix64(&s->rng);
		if (ops[op].on_slot &&
		    atomic_load(&slots[w[0] % NR_SLOTS].backend) == DMAB_BACKEND_CARVEOUT)
			atomic_fetch_add_explicit(&shared->carveout_ops, 1, memory_order_relaxed);
		ops[op].fn(s, w);
		t1 = now_ns();
		atomic_fetch_add_explicit(&shared->op[op].ns, t1 - t0, memory_order_relaxed);
		t0 = t1;
	}
}

/*
 * Every thread waits here until all exist: pthread_create maps a stack at
 * an address of the kernel's choosing, which must not be a slot's range a
 * running stream has just left unmapped for a moment.
 */
static pthread_barrier_t start_gate;

static void *thread_main(void *arg)
{
	pthread_barrier_wait(&start_gate);
	run_stream(arg);
	return NULL;
}

/* ---- Set-up and the end ---- */

static int passes, fails;

static void __attribute__((format(printf, 2, 3))) check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", ok ? "ok  " : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (ok)
		passes++;
	else
		fails++;
}

static const char *const log_bad[] = {
	"BUG:", "BUG ", "WARNING:", "Oops", "KASAN", "UBSAN", "general protection",
	"Unable to handle", "Internal error", "Call Trace", "Call trace", "Poison overwritten",
	"Redzone", "Object padding", "pagealloc: memory corruption", "Bad page", "bad page",
	"list_add corruption", "list_del corruption", "refcount_t:", "kernel BUG",
	/* x86 PAT: a mapping's memory type reservation lost or refused (no_split) */
	"freeing invalid memtype", "conflicting memory types",
};

/* Lines of the kernel log with one of log_bad[]; the one after the first @skip in @first. */
static int kernel_log_hits(int skip, char *first, size_t first_len)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0), hits = 0;
	char *log, *line, *save = NULL;
	size_t i;

	if (len <= 0 || !(log = calloc(1, (size_t)len + 1)))
		return -1;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, len);
	if (len < 0) {
		free(log);
		return -1;
	}
	for (line = strtok_r(log, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		for (i = 0; i < ARRAY_SIZE(log_bad); i++)
			if (strstr(line, log_bad[i])) {
				if (hits++ == skip && first)
					snprintf(first, first_len, "%s", line);
				break;
			}
	free(log);
	return hits;
}

/* Open fds and mappings of dmabench buffers in this process. */
static void leftovers(int *fds, int *maps)
{
	char path[300], target[256], line[512];
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");
	FILE *f;
	ssize_t n;

	*fds = *maps = 0;
	while (dir && (d = readdir(dir))) {
		snprintf(path, sizeof(path), "/proc/self/fd/%s", d->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = 0;
			*fds += !!strstr(target, "dmabench:");
		}
	}
	if (dir)
		closedir(dir);
	f = fopen("/proc/self/maps", "r");
	while (f && fgets(line, sizeof(line), f))
		*maps += !!strstr(line, "dmabench:");
	if (f)
		fclose(f);
}

static int setup(void)
{
	struct dmab_alloc req = { 0 };
	unsigned int i, j;
	uint32_t strategy;

	page_size = (size_t)sysconf(_SC_PAGESIZE);
	region_bytes = REGION_PAGES * page_size;
	ctl = open(DMAB_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		fprintf(stderr, "kmod-fuzz: %s: %s\n", DMAB_DEVICE_PATH, strerror(errno));
		return -1;
	}
	if (xioctl(ctl, DMAB_IOC_INFO, &info) || info.abi_version != DMAB_ABI_VERSION) {
		fprintf(stderr, "kmod-fuzz: INFO failed or ABI %u\n", info.abi_version);
		return -1;
	}

	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		      -1, 0);
	regions = mmap(NULL, NR_SLOTS * region_bytes, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ro_page = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	none_page = mmap(NULL, page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED || regions == MAP_FAILED || ro_page == MAP_FAILED ||
	    none_page == MAP_FAILED) {
		perror("kmod-fuzz: mmap");
		return -1;
	}

	/* valid ALLOC requests on a read-only page */
	for (strategy = 0; strategy < DMAB_STRAT_COUNT; strategy++)
		if (info.strategy_mask & (1U << strategy))
			break;
	req.strategy = strategy;
	req.size = page_size;
	memcpy(ro_page, &req, sizeof(req));
	if (info.carveout_size) {
		req.strategy = nth_strategy(info.carveout_strategy_mask, 0);
		req.backend = DMAB_BACKEND_CARVEOUT;
		memcpy(ro_page + RO_CARVEOUT_OFFSET, &req, sizeof(req));
	}
	if (mprotect(ro_page, page_size, PROT_READ)) {
		perror("kmod-fuzz: mprotect");
		return -1;
	}

	for (i = 0; i < OP_COUNT; i++)
		for (j = 0; j < ops[i].weight && op_table_len < ARRAY_SIZE(op_table); j++)
			op_table[op_table_len++] = i;

	for (i = 0; i < NR_SLOTS; i++)
		atomic_init(&slots[i].fd, -1);
	no_split = info.carveout_size && !strncmp(info.arch, "x86", 3);
	return 0;
}

/*
 * A buffer in every slot, mapped, before the peer forks: both processes
 * start sharing all. Every third one from the carveout, where there is one.
 */
static void fill_slots(uint64_t seed)
{
	struct stream s;
	unsigned int i;

	stream_init(&s, seed, UINT_MAX, 0);
	for (i = 0; i < NR_SLOTS; i++) {
		struct dmab_alloc req = {
			.strategy = i % DMAB_STRAT_COUNT,
			.size = draw_size(splitmix64(&s.rng)),
		};

		if (info.carveout_size && i % 3 == 2) {
			req.backend = DMAB_BACKEND_CARVEOUT;
			req.strategy = nth_strategy(info.carveout_strategy_mask, i / 3);
		} else {
			while (!(info.strategy_mask & (1U << req.strategy)))
				req.strategy = (req.strategy + 1) % DMAB_STRAT_COUNT;
		}
		if (xioctl(ctl, DMAB_IOC_ALLOC, &req))
			continue;
		slot_put(i, req.fd, req.size, req.strategy, req.backend);
		map_slot(i, req.fd, req.size, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	}
}

static void print_stats(void)
{
	unsigned int i, e, k;

	printf("%-13s %8s %8s %8s  %s\n", "operation", "runs", "ok", "us each",
	       "errors, most frequent first (touch: other is a signal)");
	for (i = 0; i < OP_COUNT; i++) {
		const struct op_stats *o = &shared->op[i];
		bool used[ERRNO_BUCKETS] = { false };

		printf("%-13s %8llu %8llu %8.0f ", ops[i].name, ULL(o->runs), ULL(o->errors[0]),
		       o->runs ? (double)o->ns / 1e3 / (double)o->runs : 0.0);
		for (k = 0; k < 3; k++) {
			unsigned int best = 0;

			for (e = 1; e < ERRNO_BUCKETS; e++)
				if (!used[e] && o->errors[e] > (best ? o->errors[best] : 0))
					best = e;
			if (!best)
				break;
			used[best] = true;
			printf(" %s %llu", best == ERRNO_BUCKETS - 1 ? "other" : strerrorname_np((int)best)
			       ?: "?", ULL(o->errors[best]));
		}
		printf("\n");
	}
}

/* The line run.sh reads: how much the carveout was used (> 0 where there is one). */
static void print_carveout(void)
{
	const struct op_stats *a = &shared->op[OP_alloc_carveout];

	if (!info.carveout_size) {
		printf("kmod-fuzz: no carveout: %llu ALLOCs of one, %llu refused with ENODEV\n",
		       ULL(a->runs), ULL(a->errors[ENODEV]));
		return;
	}
	printf("kmod-fuzz: carveout of %llu KiB at %#llx: %llu ALLOCs, %llu made, %llu ENOMEM; "
	       "%llu operations on slots holding one; at most %llu KiB used at once (INFO)%s\n",
	       ULL(info.carveout_size >> 10), ULL(info.carveout_base), ULL(a->runs),
	       ULL(a->errors[0]), ULL(a->errors[ENOMEM]), ULL(shared->carveout_ops),
	       ULL(shared->carveout_peak >> 10),
	       no_split ? "; x86: its mappings never split (PAT)" : "");
}

static void usage(void)
{
	fprintf(stderr, "usage: kmod-fuzz [--seed N] [--ops N] [--threads N] [--timeout SECONDS]\n");
	exit(2);
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && *s && !*end && *s != '-';
}

int main(int argc, char **argv)
{
	uint64_t seed = 1, total_ops = 100000, threads = 4, timeout_s = 600, start, end;
	uint64_t per_stream, hit_bytes = 0, hit_buffers = 0, hit_carveout = 0, ran = 0;
	struct stream streams[MAX_THREADS + 1];
	pthread_t tids[MAX_THREADS];
	struct sigaction sa = { 0 };
	struct dmab_info after;
	char first_hit[200] = "";
	int sv[2], status, hits_before, hits_after, fds, maps, i;
	bool finished = true;
	pid_t peer;

	for (i = 1; i < argc; i++) {
		uint64_t *v = !strcmp(argv[i], "--seed") ? &seed : !strcmp(argv[i], "--ops") ?
			      &total_ops : !strcmp(argv[i], "--threads") ? &threads :
			      !strcmp(argv[i], "--timeout") ? &timeout_s : NULL;

		if (!v || i + 1 >= argc || !parse_u64(argv[++i], v))
			usage();
	}
	if (!threads || threads > MAX_THREADS || !timeout_s)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (setup())
		return 1;
	per_stream = total_ops / (threads + 1);
	printf("kmod-fuzz: seed %llu, %llu operations, %llu threads and a peer process; "
	       "replay: kmod-fuzz --seed %llu --ops %llu --threads %llu\n", ULL(seed),
	       ULL(total_ops), ULL(threads), ULL(seed), ULL(total_ops), ULL(threads));
	hits_before = kernel_log_hits(0, NULL, 0);

	sa.sa_handler = fault_handler;
	sa.sa_flags = SA_NODEFER;	/* siglongjmp leaves the handler: nothing stays blocked */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);

	fill_slots(seed);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		perror("kmod-fuzz: socketpair");
		return 1;
	}
	start = now_ns();
	stream_init(&streams[threads], seed, (unsigned int)threads, per_stream);
	peer = fork();
	if (peer == 0) {
		close(sv[0]);
		sock = sv[1];
		run_stream(&streams[threads]);
		_exit(0);
	}
	close(sv[1]);
	sock = sv[0];
	if (peer < 0) {
		perror("kmod-fuzz: fork");
		return 1;
	}
	pthread_barrier_init(&start_gate, NULL, (unsigned int)threads + 1);
	for (i = 0; i < (int)threads; i++) {
		stream_init(&streams[i], seed, (unsigned int)i,
			    per_stream + (i ? 0 : total_ops % (threads + 1)));
		if (pthread_create(&tids[i], NULL, thread_main, &streams[i])) {
			perror("kmod-fuzz: pthread_create");
			return 1;
		}
	}
	pthread_barrier_wait(&start_gate);

	/* the streams, within the timeout */
	{
		uint64_t wait_until = start + timeout_s * 1000000000ULL;
		struct timespec deadline;

		clock_gettime(CLOCK_REALTIME, &deadline);	/* pthread_timedjoin_np's clock */
		deadline.tv_sec += (time_t)timeout_s;
		for (i = 0; i < (int)threads; i++) {
			if (pthread_timedjoin_np(tids[i], NULL, &deadline)) {
				check(false, "stream %d did not finish in %llu s (%llu of %llu ops)",
				      i, ULL(timeout_s), ULL(streams[i].done), ULL(streams[i].ops));
				finished = false;
			} else {
				ran += streams[i].done;
			}
		}
		while (waitpid(peer, &status, WNOHANG) == 0) {
			if (now_ns() > wait_until) {
				check(false, "the peer process did not finish in %llu s",
				      ULL(timeout_s));
				kill(peer, SIGKILL);
				waitpid(peer, &status, 0);
				finished = false;
				break;
			}
			usleep(10000);
		}
		if (WIFEXITED(status) && !WEXITSTATUS(status))
			ran += streams[threads].ops;
		else if (finished)
			check(false, "the peer process %s %d", WIFEXITED(status) ? "exited" :
			      "died of signal", WIFEXITED(status) ? WEXITSTATUS(status) :
			      WTERMSIG(status));
	}
	end = now_ns();
	if (!finished) {
		printf("kmod-fuzz: %d passed, %d failed\n", passes, fails + 1);
		_exit(1);	/* a stream may hang in the kernel: no cleanup can be had */
	}

	printf("kmod-fuzz: %llu operations in %.1f s (%.0f/s), and %llu in %llu fork children "
	       "(%llu killed at once)\n", ULL(ran), (double)(end - start) / 1e9,
	       (double)ran * 1e9 / (double)(end - start), ULL(shared->child_ops),
	       ULL(shared->forks), ULL(shared->forks_killed));
	printf("kmod-fuzz: accesses: %llu fine, %llu SIGSEGV, %llu SIGBUS (%llu unaligned)\n",
	       ULL(shared->touch_ok), ULL(shared->touch_sigsegv), ULL(shared->touch_sigbus),
	       ULL(shared->touch_unaligned_sigbus));
	print_carveout();
	print_stats();

	check(ran == total_ops, "every stream ran its operations: %llu of %llu", ULL(ran),
	      ULL(total_ops));
	check(!shared->violations, "%llu invariants checked, %llu broken", ULL(shared->checks),
	      ULL(shared->violations));
	for (i = 0; i < MAX_MESSAGES && i < (int)shared->violations; i++)
		printf("FAIL   %s\n", shared->messages[i]);

	/* everything closed and unmapped: the module must hold nothing */
	reserve(0, 0, NR_SLOTS * region_bytes);
	for (i = 0; i < NR_SLOTS; i++) {
		int fd = atomic_exchange(&slots[i].fd, -1);

		if (fd >= 0)
			close(fd);
	}
	close(sock);
	for (i = 0; i < 200; i++) {	/* a last fput may be deferred to a worker: 2 s */
		memset(&after, 0, sizeof(after));
		if (xioctl(ctl, DMAB_IOC_INFO, &after))
			break;
		hit_bytes = after.allocated_bytes;
		hit_buffers = after.live_buffers;
		hit_carveout = after.carveout_used;
		if (!hit_bytes && !hit_buffers && !hit_carveout)
			break;
		usleep(10000);
	}
	check(!hit_bytes && !hit_buffers && !hit_carveout,
	      "nothing left allocated: INFO says %llu bytes in %llu buffers, carveout %llu used",
	      ULL(hit_bytes), ULL(hit_buffers), ULL(hit_carveout));
	leftovers(&fds, &maps);
	check(!fds && !maps, "no dmabench fd (%d) or mapping (%d) left in the process", fds, maps);
	hits_after = kernel_log_hits(hits_before, first_hit, sizeof(first_hit));
	check(hits_before >= 0 && hits_after == hits_before,
	      "the kernel log gained no oops, BUG, WARN or poison report (%d lines before, %d after)%s%s",
	      hits_before, hits_after, first_hit[0] ? ": " : "", first_hit);
	close(ctl);
	printf("kmod-fuzz: %d passed, %d failed\n", passes, fails);
	return fails ? 1 : 0;
}
