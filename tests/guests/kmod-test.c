// SPDX-License-Identifier: GPL-2.0
/*
 * kmod-test: drives every ioctl of dmabench.ko inside a test guest.
 *
 *   kmod-test            the full run, against the module loaded with its defaults
 *   kmod-test params     the module loaded with mode=0660 max_total_mb=16
 *   kmod-test dmaengine  the full run without 16 MiB buffers (dmaengine=on)
 *   kmod-test carveout SIZE@ADDR|NODE [dmaengine]   the module loaded with
 *                        carveout=SIZE@ADDR, or carveout=NODE (a no-map child of
 *                        /reserved-memory, its range read from the device tree):
 *                        every strategy of the carveout backend, its bad ranges,
 *                        running it out, /dev/mem over its buffers; with
 *                        dmaengine, also dmaengine=on (INFO must name a channel)
 *
 * The cases are data: bad_inputs[] holds each ioctl's bad-input classes (a
 * valid request, the fields that break it, the errno), expectations[] the
 * memory type QUERY_MAPPING must report per architecture and strategy, and
 * what SYNC and FULL_FLUSH do there. The rest walks the tables, sweeps the
 * whole 0xDB ioctl range with NULL, short and garbage arguments (no oops, an
 * errno each), and runs each strategy end to end: alloc, mmap, device write,
 * sync, CPU read, playback the other way, partial and chunk-crossing frames,
 * fork, close while mapped, partial munmap, a buffer left mapped at exit;
 * INFO's count of live buffers follows ALLOC, close and munmap, and an ALLOC
 * that cannot answer leaves nothing. The concurrent fuzzer is kmod-fuzz.c.
 * Ends with "kmod-test: N passed, N failed".
 */
#define _GNU_SOURCE	/* mremap */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>
#include "dmabench.h"	/* kmod/include/uapi */

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MiB		(1ULL << 20)
/* The ABI's __u64 is unsigned long long everywhere; uint64_t is not. */
#define ULL(x)		((unsigned long long)(x))

/* ---- Reporting ---- */

static int passes, fails;

static void __attribute__((format(printf, 4, 5)))
check(bool ok, const char *func, int line, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		passes++;
		return;
	}
	fails++;
	printf("FAIL %s:%d: ", func, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define CHECK(cond, ...)	check((cond), __func__, __LINE__, __VA_ARGS__)

/* ioctl()'s result as 0 or the errno it failed with. */
static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

static const char *errname(int err)
{
	return err ? strerror(err) : "success";
}

/* ---- What the guest should report ---- */

static const char *const strategy_names[DMAB_STRAT_COUNT] = {
	[DMAB_STRAT_UNCACHED] = "uncached",
	[DMAB_STRAT_WC] = "wc",
	[DMAB_STRAT_CACHED_SYNC] = "cached-sync",
	[DMAB_STRAT_FULL_FLUSH] = "full-flush",
	[DMAB_STRAT_COHERENT] = "coherent",
	[DMAB_STRAT_CACHED_NOSYNC] = "cached-nosync",
};

static const char *const memory_type_names[] = {
	[DMAB_MT_UNKNOWN] = "unknown",
	[DMAB_MT_WB] = "WB",
	[DMAB_MT_WC] = "WC",
	[DMAB_MT_UC_MINUS] = "UC-",
	[DMAB_MT_UC] = "UC",
	[DMAB_MT_NORMAL_NC] = "NormalNC",
	[DMAB_MT_DEVICE] = "Device",
	[DMAB_MT_WT] = "WT",
};

static const char *memory_type_name(uint32_t type)
{
	return type < ARRAY_SIZE(memory_type_names) ? memory_type_names[type] : "?";
}

#define BIT(n)		(1U << (n))
#define FLUSH		0xff	/* in sync_done[]: the architecture's whole-cache flush */
#define BOUNCE_SYNC	0xfe	/* in sync_done[]: DMA_SYNC, or DMA_SYNC_BOUNCE when bounced */

/*
 * What each strategy's SYNC does; FLUSH stands for what full-flush does
 * here (see full_flush_expected()). Indexed [strategy][for_device].
 */
static const uint32_t sync_done[DMAB_STRAT_COUNT][2] = {
	[DMAB_STRAT_UNCACHED] = { DMAB_DONE_NOTHING, DMAB_DONE_NOTHING },
	[DMAB_STRAT_WC] = { DMAB_DONE_NOTHING, DMAB_DONE_BARRIER },
	[DMAB_STRAT_CACHED_SYNC] = { BOUNCE_SYNC, BOUNCE_SYNC },
	[DMAB_STRAT_FULL_FLUSH] = { FLUSH, FLUSH },
	[DMAB_STRAT_COHERENT] = { DMAB_DONE_NOTHING, DMAB_DONE_NOTHING },
	[DMAB_STRAT_CACHED_NOSYNC] = { DMAB_DONE_NOTHING, DMAB_DONE_NOTHING },
};

struct expectation {
	const char *arch;		/* dmab_info.arch */
	bool dma_coherent;		/* DMAB_INFO_DMA_COHERENT (force_coherent=1 on ARM) */
	uint32_t mapping[DMAB_STRAT_COUNT];	/* DMAB_MT_* */
	uint64_t raw_mask;		/* the PTE bits QUERY_MAPPING may return in raw */
	/* Strategies the DMA API allocates: one contiguous block, may be ENOMEM when big. */
	uint32_t dma_api_backed;
	/*
	 * Whether buffers adding up to max_total_mb (256 MiB) can be had at
	 * once. Not on 32-bit ARM: each page-backed buffer's device view is a
	 * vmap of all of it, and the vmalloc area is about 240 MiB there (the
	 * module answers ENOMEM); the quota is tested with max_total_mb=16.
	 */
	bool whole_quota_fits;
};

/*
 * x86: PAT cannot give RAM strong UC (the kernel downgrades set_memory_uc to
 * UC-), and UC- over RAM's write-back MTRRs is UC in effect. ARM: the
 * platform device is not coherent on QEMU virt; force_coherent=1 makes the
 * DMA API hand out cacheable coherent and wc buffers. armhf is LPAE, whose
 * raw values are the AttrIndx (L_PTE_MT_* there); armv7-a9 (smdkc210) is
 * not, and the same types read back there. What full-flush does is not
 * here: it depends on the outer cache (full_flush_expected()).
 */
static const struct expectation expectations[] = {
	{
		.arch = "x86_64", .dma_coherent = true,
		.mapping = {
			[DMAB_STRAT_UNCACHED] = DMAB_MT_UC_MINUS,
			[DMAB_STRAT_WC] = DMAB_MT_WC,
			[DMAB_STRAT_CACHED_SYNC] = DMAB_MT_WB,
			[DMAB_STRAT_FULL_FLUSH] = DMAB_MT_WB,
			[DMAB_STRAT_COHERENT] = DMAB_MT_WB,
			[DMAB_STRAT_CACHED_NOSYNC] = DMAB_MT_WB,
		},
		.raw_mask = 0x98,	/* PWT | PCD | PAT (4K) */
		.dma_api_backed = BIT(DMAB_STRAT_COHERENT),
		.whole_quota_fits = true,
	},
	{
		.arch = "arm64", .dma_coherent = false,
		.mapping = {
			[DMAB_STRAT_UNCACHED] = DMAB_MT_DEVICE,
			[DMAB_STRAT_WC] = DMAB_MT_NORMAL_NC,
			[DMAB_STRAT_CACHED_SYNC] = DMAB_MT_WB,
			[DMAB_STRAT_FULL_FLUSH] = DMAB_MT_WB,
			[DMAB_STRAT_COHERENT] = DMAB_MT_NORMAL_NC,
			[DMAB_STRAT_CACHED_NOSYNC] = DMAB_MT_WB,
		},
		.raw_mask = 0x1c,	/* AttrIndx[2:0] */
		.dma_api_backed = BIT(DMAB_STRAT_COHERENT) | BIT(DMAB_STRAT_WC),
		.whole_quota_fits = true,
	},
	{
		.arch = "arm64", .dma_coherent = true,
		.mapping = {
			[DMAB_STRAT_UNCACHED] = DMAB_MT_DEVICE,
			[DMAB_STRAT_WC] = DMAB_MT_WB,
			[DMAB_STRAT_CACHED_SYNC] = DMAB_MT_WB,
			[DMAB_STRAT_FULL_FLUSH] = DMAB_MT_WB,
			[DMAB_STRAT_COHERENT] = DMAB_MT_WB,
			[DMAB_STRAT_CACHED_NOSYNC] = DMAB_MT_WB,
		},
		.raw_mask = 0x1c,
		.dma_api_backed = BIT(DMAB_STRAT_COHERENT) | BIT(DMAB_STRAT_WC),
		.whole_quota_fits = true,
	},
	{
		.arch = "arm", .dma_coherent = false,
		.mapping = {
			[DMAB_STRAT_UNCACHED] = DMAB_MT_DEVICE,	/* strongly ordered */
			[DMAB_STRAT_WC] = DMAB_MT_NORMAL_NC,
			[DMAB_STRAT_CACHED_SYNC] = DMAB_MT_WB,
			[DMAB_STRAT_FULL_FLUSH] = DMAB_MT_WB,
			[DMAB_STRAT_COHERENT] = DMAB_MT_NORMAL_NC,
			[DMAB_STRAT_CACHED_NOSYNC] = DMAB_MT_WB,
		},
		.raw_mask = 0x3c,	/* L_PTE_MT_MASK (0x1c with LPAE) */
		.dma_api_backed = BIT(DMAB_STRAT_COHERENT) | BIT(DMAB_STRAT_WC),
	},
	{
		.arch = "arm", .dma_coherent = true,
		.mapping = {
			[DMAB_STRAT_UNCACHED] = DMAB_MT_DEVICE,
			[DMAB_STRAT_WC] = DMAB_MT_WB,
			[DMAB_STRAT_CACHED_SYNC] = DMAB_MT_WB,
			[DMAB_STRAT_FULL_FLUSH] = DMAB_MT_WB,
			[DMAB_STRAT_COHERENT] = DMAB_MT_WB,
			[DMAB_STRAT_CACHED_NOSYNC] = DMAB_MT_WB,
		},
		.raw_mask = 0x3c,
		.dma_api_backed = BIT(DMAB_STRAT_COHERENT) | BIT(DMAB_STRAT_WC),
	},
};

/* ---- Bad input, per ioctl ---- */

enum target {
	ON_CTL,		/* /dev/dmabench */
	ON_BUFFER,	/* a buffer's fd */
};

/* What a poked value is relative to. */
enum base {
	ABSOLUTE,
	BUFFER_SIZE,	/* the test buffer's size + value */
	MAX_TOTAL,	/* dmab_info.max_total_bytes + value */
	STACK,		/* an address on this process's stack + value */
};

struct poke {
	size_t offset;		/* 0 size: the end of the list */
	size_t size;
	enum base base;
	uint64_t value;
};

#define POKE_AT(type, field, b, v) \
	{ offsetof(type, field), sizeof(((type *)0)->field), (b), (uint64_t)(v) }

struct bad_input {
	const char *name;
	unsigned long cmd;
	struct poke pokes[2];	/* applied to the valid request */
	int errno_expected;
};

/* Each kind of request, valid. */
struct request {
	unsigned long cmd;
	enum target target;
	size_t size;
	const char *name;
};

static const struct request requests[] = {
	{ DMAB_IOC_INFO, ON_CTL, sizeof(struct dmab_info), "INFO" },
	{ DMAB_IOC_ALLOC, ON_CTL, sizeof(struct dmab_alloc), "ALLOC" },
	{ DMAB_IOC_QUERY_MAPPING, ON_CTL, sizeof(struct dmab_query_mapping), "QUERY_MAPPING" },
	{ DMAB_IOC_FULL_FLUSH, ON_CTL, sizeof(struct dmab_full_flush), "FULL_FLUSH" },
	{ DMAB_IOC_SYNC_FOR_DEVICE, ON_BUFFER, sizeof(struct dmab_sync), "SYNC_FOR_DEVICE" },
	{ DMAB_IOC_SYNC_FOR_CPU, ON_BUFFER, sizeof(struct dmab_sync), "SYNC_FOR_CPU" },
	{ DMAB_IOC_DEVICE_WRITE, ON_BUFFER, sizeof(struct dmab_device_op), "DEVICE_WRITE" },
	{ DMAB_IOC_DEVICE_READ, ON_BUFFER, sizeof(struct dmab_device_op), "DEVICE_READ" },
	/* in this order: the valid requests unmap, then map again */
	{ DMAB_IOC_DMA_UNMAP, ON_BUFFER, sizeof(struct dmab_dma_map), "DMA_UNMAP" },
	{ DMAB_IOC_DMA_MAP, ON_BUFFER, sizeof(struct dmab_dma_map), "DMA_MAP" },
};

#define ALLOC(field, b, v)	POKE_AT(struct dmab_alloc, field, b, v)
#define SYNC(field, b, v)	POKE_AT(struct dmab_sync, field, b, v)
#define DEVOP(field, b, v)	POKE_AT(struct dmab_device_op, field, b, v)
#define QUERY(field, b, v)	POKE_AT(struct dmab_query_mapping, field, b, v)
#define FLUSHREQ(field, b, v)	POKE_AT(struct dmab_full_flush, field, b, v)
#define DMAMAP(field, b, v)	POKE_AT(struct dmab_dma_map, field, b, v)

/* The same classes for both commands of a pair. */
#define SYNC_CASES(cmd) \
	{ "direction 0", cmd, { SYNC(direction, ABSOLUTE, 0) }, EINVAL }, \
	{ "direction 3", cmd, { SYNC(direction, ABSOLUTE, 3) }, EINVAL }, \
	{ "direction ~0", cmd, { SYNC(direction, ABSOLUTE, UINT32_MAX) }, EINVAL }, \
	{ "flags bit 0", cmd, { SYNC(flags, ABSOLUTE, 1) }, EINVAL }, \
	{ "flags bit 31", cmd, { SYNC(flags, ABSOLUTE, 1U << 31) }, EINVAL }, \
	{ "pad", cmd, { SYNC(pad, ABSOLUTE, 1) }, EINVAL }, \
	{ "reserved[0]", cmd, { SYNC(reserved[0], ABSOLUTE, 1) }, EINVAL }, \
	{ "reserved[1]", cmd, { SYNC(reserved[1], ABSOLUTE, 1ULL << 63) }, EINVAL }, \
	{ "length 0", cmd, { SYNC(length, ABSOLUTE, 0) }, EINVAL }, \
	{ "offset at the end", cmd, \
	  { SYNC(offset, BUFFER_SIZE, 0), SYNC(length, ABSOLUTE, 1) }, EINVAL }, \
	{ "range one byte past the end", cmd, \
	  { SYNC(offset, ABSOLUTE, 1), SYNC(length, BUFFER_SIZE, 0) }, EINVAL }, \
	{ "offset ~0", cmd, { SYNC(offset, ABSOLUTE, UINT64_MAX) }, EINVAL }, \
	{ "offset + length wraps to 0", cmd, \
	  { SYNC(offset, ABSOLUTE, 8), SYNC(length, ABSOLUTE, -8) }, EINVAL }, \
	{ "offset + length wraps past 0", cmd, \
	  { SYNC(offset, ABSOLUTE, UINT64_MAX), SYNC(length, ABSOLUTE, 2) }, EINVAL }

#define DEVICE_CASES(cmd) \
	{ "line 0", cmd, { DEVOP(line, ABSOLUTE, 0) }, EINVAL }, \
	{ "line 8", cmd, { DEVOP(line, ABSOLUTE, 8) }, EINVAL }, \
	{ "line 48", cmd, { DEVOP(line, ABSOLUTE, 48) }, EINVAL }, \
	{ "line 1024", cmd, { DEVOP(line, ABSOLUTE, DMAB_LINE_MAX * 2) }, EINVAL }, \
	{ "line ~0", cmd, { DEVOP(line, ABSOLUTE, UINT32_MAX) }, EINVAL }, \
	{ "length 0", cmd, { DEVOP(length, ABSOLUTE, 0) }, EINVAL }, \
	{ "length 12", cmd, { DEVOP(length, ABSOLUTE, 12) }, EINVAL }, \
	{ "offset 4", cmd, { DEVOP(offset, ABSOLUTE, 4) }, EINVAL }, \
	{ "offset at the end", cmd, \
	  { DEVOP(offset, BUFFER_SIZE, 0), DEVOP(length, ABSOLUTE, 8) }, EINVAL }, \
	{ "range a word past the end", cmd, \
	  { DEVOP(offset, ABSOLUTE, 8), DEVOP(length, BUFFER_SIZE, 0) }, EINVAL }, \
	{ "offset + length wraps to 0", cmd, \
	  { DEVOP(offset, ABSOLUTE, 8), DEVOP(length, ABSOLUTE, -8) }, EINVAL }, \
	{ "offset + length wraps past 0", cmd, \
	  { DEVOP(offset, ABSOLUTE, -8), DEVOP(length, ABSOLUTE, 16) }, EINVAL }, \
	{ "flags bit 0", cmd, { DEVOP(flags, ABSOLUTE, 1) }, EINVAL }, \
	{ "reserved[0]", cmd, { DEVOP(reserved[0], ABSOLUTE, 1) }, EINVAL }, \
	{ "reserved[0] top bit", cmd, { DEVOP(reserved[0], ABSOLUTE, 1ULL << 63) }, EINVAL }

static const struct bad_input bad_inputs[] = {
	{ "flags ATOMIC on cached-sync", DMAB_IOC_ALLOC, { ALLOC(flags, ABSOLUTE, DMAB_ALLOC_ATOMIC) },
	  EOPNOTSUPP },
	{ "flags bit 1", DMAB_IOC_ALLOC, { ALLOC(flags, ABSOLUTE, 2) }, EINVAL },
	{ "flags bit 31", DMAB_IOC_ALLOC, { ALLOC(flags, ABSOLUTE, 1U << 31) }, EINVAL },
	/* 64 KiB with interrupts off: every atomic pool has that much at boot */
	{ "flags ATOMIC on coherent", DMAB_IOC_ALLOC,
	  { ALLOC(flags, ABSOLUTE, DMAB_ALLOC_ATOMIC), ALLOC(strategy, ABSOLUTE, DMAB_STRAT_COHERENT) },
	  0 },
	{ "backend COUNT", DMAB_IOC_ALLOC, { ALLOC(backend, ABSOLUTE, DMAB_BACKEND_COUNT) }, EINVAL },
	{ "backend ~0", DMAB_IOC_ALLOC, { ALLOC(backend, ABSOLUTE, UINT32_MAX) }, EINVAL },
	{ "backend carveout, loaded without carveout=", DMAB_IOC_ALLOC,
	  { ALLOC(backend, ABSOLUTE, DMAB_BACKEND_CARVEOUT) }, ENODEV },
	/* an out field: what it held going in does not matter */
	{ "alloc_ns ~0 going in", DMAB_IOC_ALLOC, { ALLOC(alloc_ns, ABSOLUTE, UINT64_MAX) }, 0 },
	{ "strategy COUNT", DMAB_IOC_ALLOC, { ALLOC(strategy, ABSOLUTE, DMAB_STRAT_COUNT) }, EINVAL },
	{ "strategy ~0", DMAB_IOC_ALLOC, { ALLOC(strategy, ABSOLUTE, UINT32_MAX) }, EINVAL },
	{ "size 0", DMAB_IOC_ALLOC, { ALLOC(size, ABSOLUTE, 0) }, EINVAL },
	{ "size 100", DMAB_IOC_ALLOC, { ALLOC(size, ABSOLUTE, 100) }, EINVAL },
	{ "size a page + 8", DMAB_IOC_ALLOC, { ALLOC(size, ABSOLUTE, 4096 + 8) }, EINVAL },
	{ "size over DMAB_MAX_BUFFER_BYTES", DMAB_IOC_ALLOC,
	  { ALLOC(size, ABSOLUTE, DMAB_MAX_BUFFER_BYTES + 65536) }, EINVAL },
	{ "size 2^63", DMAB_IOC_ALLOC, { ALLOC(size, ABSOLUTE, 1ULL << 63) }, EINVAL },
	{ "size ~0 rounded to 64K", DMAB_IOC_ALLOC, { ALLOC(size, ABSOLUTE, -65536) }, EINVAL },
	{ "size over max_total_mb", DMAB_IOC_ALLOC, { ALLOC(size, MAX_TOTAL, 65536) }, EDQUOT },

	{ "flags bit 1", DMAB_IOC_QUERY_MAPPING, { QUERY(flags, ABSOLUTE, 2) }, EINVAL },
	{ "flags bit 31", DMAB_IOC_QUERY_MAPPING, { QUERY(flags, ABSOLUTE, 1U << 31) }, EINVAL },
	{ "ANY_PFNMAP, address on the stack", DMAB_IOC_QUERY_MAPPING,
	  { QUERY(flags, ABSOLUTE, DMAB_QUERY_ANY_PFNMAP), QUERY(address, STACK, 0) }, EINVAL },
	{ "reserved[0]", DMAB_IOC_QUERY_MAPPING, { QUERY(reserved[0], ABSOLUTE, 1) }, EINVAL },
	{ "reserved[1]", DMAB_IOC_QUERY_MAPPING, { QUERY(reserved[1], ABSOLUTE, 1) }, EINVAL },
	{ "address 0", DMAB_IOC_QUERY_MAPPING, { QUERY(address, ABSOLUTE, 0) }, EFAULT },
	{ "address 16", DMAB_IOC_QUERY_MAPPING, { QUERY(address, ABSOLUTE, 16) }, EFAULT },
	{ "address 2^63", DMAB_IOC_QUERY_MAPPING, { QUERY(address, ABSOLUTE, 1ULL << 63) }, EFAULT },
	{ "address ~0", DMAB_IOC_QUERY_MAPPING, { QUERY(address, ABSOLUTE, UINT64_MAX) }, EFAULT },
	{ "address on the stack", DMAB_IOC_QUERY_MAPPING, { QUERY(address, STACK, 0) }, EINVAL },

	{ "flags bit 0", DMAB_IOC_FULL_FLUSH, { FLUSHREQ(flags, ABSOLUTE, 1) }, EINVAL },
	{ "reserved[0]", DMAB_IOC_FULL_FLUSH, { FLUSHREQ(reserved[0], ABSOLUTE, 1) }, EINVAL },
	{ "reserved[1]", DMAB_IOC_FULL_FLUSH, { FLUSHREQ(reserved[1], ABSOLUTE, 1) }, EINVAL },

	{ "flags bit 0", DMAB_IOC_DMA_UNMAP, { DMAMAP(flags, ABSOLUTE, 1) }, EINVAL },
	{ "pad", DMAB_IOC_DMA_UNMAP, { DMAMAP(pad, ABSOLUTE, 1) }, EINVAL },
	{ "reserved[1]", DMAB_IOC_DMA_UNMAP, { DMAMAP(reserved[1], ABSOLUTE, 1) }, EINVAL },
	{ "flags bit 31", DMAB_IOC_DMA_MAP, { DMAMAP(flags, ABSOLUTE, 1U << 31) }, EINVAL },
	{ "reserved[0]", DMAB_IOC_DMA_MAP, { DMAMAP(reserved[0], ABSOLUTE, 1) }, EINVAL },

	SYNC_CASES(DMAB_IOC_SYNC_FOR_DEVICE),
	SYNC_CASES(DMAB_IOC_SYNC_FOR_CPU),
	DEVICE_CASES(DMAB_IOC_DEVICE_WRITE),
	DEVICE_CASES(DMAB_IOC_DEVICE_READ),
};

/* ---- Shared state ---- */

static int ctl = -1;
static struct dmab_info info;
static const struct expectation *expect;
static size_t page_size;
static bool outer_cache;	/* the device tree has an L2C-310 (PL310) */
static bool bounce;		/* INFO: streaming mappings bounce (swiotlb=force) */
/* kmod-test carveout: every buffer from the carveout, which the arguments say */
static uint32_t backend = DMAB_BACKEND_PAGES;
static uint64_t carveout_base, carveout_size;
static char carveout_node[320];	/* carveout=NODE: its directory in the device tree */
static bool carveout_dmaengine;	/* ... dmaengine=on: a DMA_MEMCPY channel is the device */
static bool carveout_has_page;	/* the region's first page has a struct page */
static uint64_t last_phys;	/* phys_addr of the last alloc_buffer() */

/* A node under @dir (depth <= 3) whose compatible names @what: the board has it. */
static bool dt_has(const char *dir, const char *what, int depth)
{
	char path[512], buf[512];
	struct dirent *d;
	bool found = false;
	DIR *dp;
	FILE *f;

	snprintf(path, sizeof(path), "%s/compatible", dir);
	f = fopen(path, "r");
	if (f) {
		size_t n = fread(buf, 1, sizeof(buf) - 1, f), i;

		fclose(f);
		/* compatible is a list of NUL-separated strings */
		for (i = 0; i < n; i += strlen(buf + i) + 1) {
			buf[n] = 0;
			if (!strcmp(buf + i, what))
				return true;
		}
	}
	if (depth <= 0 || !(dp = opendir(dir)))
		return false;
	while (!found && (d = readdir(dp))) {
		if (d->d_name[0] == '.' || d->d_type != DT_DIR)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		found = dt_has(path, what, depth - 1);
	}
	closedir(dp);
	return found;
}

/*
 * FULL_FLUSH without a buffer, and the full-flush strategy's SYNC, as the
 * kernel's rules allow them: x86 wbinvd; arm64 has no whole-cache operation
 * (the whole buffer is synced); ARMv7 flush_cache_all on each CPU, and with
 * an L2C-310 the outer cache only by range (outer_flush_all() must run
 * with interrupts off and every other CPU quiet), so no FULL_FLUSH there.
 */
static void full_flush_expected(int *err, uint32_t *ioctl_done, uint32_t *strategy_done,
				uint32_t *refusal)
{
	*err = 0;
	*refusal = DMAB_FULL_FLUSH_OK;
	if (!strcmp(info.arch, "x86_64")) {
		*ioctl_done = *strategy_done = DMAB_DONE_WBINVD;
	} else if (!strcmp(info.arch, "arm64")) {
		*err = EOPNOTSUPP;
		*refusal = DMAB_FULL_FLUSH_NO_ARCH_OP;
		*ioctl_done = 0;
		*strategy_done = DMAB_DONE_DMA_SYNC_ALL;
	} else if (outer_cache) {
		*err = EOPNOTSUPP;
		*refusal = DMAB_FULL_FLUSH_OUTER_CACHE;
		*ioctl_done = 0;
		*strategy_done = DMAB_DONE_FLUSH_ALL_OUTER_RANGE;
	} else {
		*ioctl_done = *strategy_done = DMAB_DONE_FLUSH_ALL;
	}
}

/*
 * The strategies the module must offer: all, but where streaming mappings
 * bounce (x86 here) none that never calls dma_sync (the device's data
 * would stay in the bounce slot); cached-nosync stays as the control.
 */
static uint32_t expected_mask_of(uint32_t of_backend)
{
	uint32_t all = (1U << DMAB_STRAT_COUNT) - 1;

	/* the carveout: no DMA API allocation, no whole-cache flush; cached-sync on all three */
	if (of_backend == DMAB_BACKEND_CARVEOUT)
		return BIT(DMAB_STRAT_UNCACHED) | BIT(DMAB_STRAT_WC) | BIT(DMAB_STRAT_CACHED_SYNC) |
		       BIT(DMAB_STRAT_CACHED_NOSYNC);

	if (!bounce)
		return all;
	return all & ~(BIT(DMAB_STRAT_UNCACHED) | BIT(DMAB_STRAT_WC) | BIT(DMAB_STRAT_FULL_FLUSH));
}

/* What the backend under test must offer. */
static uint32_t expected_mask(void)
{
	return expected_mask_of(backend);
}

/*
 * The CPU's L1 data cache line, known without the module: x86 sysconf,
 * arm64 CTR_EL0 (user space may read it), ARMv7 the core's part number
 * (user space cannot read CTR there). 0: unknown.
 */
static unsigned int cpu_line_truth(void)
{
#if defined(__aarch64__)
	uint64_t ctr;

	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	return 4U << ((ctr >> 16) & 0xf);
#elif defined(__arm__)
	static const struct {
		unsigned int part, line;
	} parts[] = {
		{ 0xc05, 32 }, { 0xc07, 64 }, { 0xc08, 64 }, { 0xc09, 32 }, { 0xc0f, 64 },
	};
	unsigned int part = 0, line = 0;
	char buf[256];
	size_t i;
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "CPU part : %x", &part) == 1)
			break;
	if (f)
		fclose(f);
	for (i = 0; i < ARRAY_SIZE(parts); i++)
		if (parts[i].part == part)
			line = parts[i].line;
	return line;
#else
	long l = sysconf(_SC_LEVEL1_DCACHE_LINESIZE);

	return l > 0 ? (unsigned int)l : 0;
#endif
}

static const struct request *request_of(unsigned long cmd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(requests); i++)
		if (requests[i].cmd == cmd)
			return &requests[i];
	return NULL;
}

static int alloc_buffer_backend(uint32_t of_backend, uint32_t strategy, uint64_t size, int *fd)
{
	struct dmab_alloc req = { .strategy = strategy, .size = size, .backend = of_backend };
	int err = xioctl(ctl, DMAB_IOC_ALLOC, &req);

	*fd = err ? -1 : req.fd;
	last_phys = err ? 0 : req.phys_addr;
	if (!err && of_backend == DMAB_BACKEND_CARVEOUT)
		CHECK(req.phys_addr >= carveout_base && req.phys_addr % page_size == 0 &&
		      req.phys_addr + size <= carveout_base + carveout_size,
		      "a carveout buffer of %llu at %#llx, outside [%#llx, +%#llx)", ULL(size),
		      ULL(req.phys_addr), ULL(carveout_base), ULL(carveout_size));
	else if (!err)
		CHECK(req.phys_addr == 0, "a page-backed buffer says phys_addr %#llx",
		      ULL(req.phys_addr));
	return err;
}

/* A buffer of the backend under test. */
static int alloc_buffer(uint32_t strategy, uint64_t size, int *fd)
{
	return alloc_buffer_backend(backend, strategy, size, fd);
}

static void *map_buffer(int fd, size_t size)
{
	return mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
}

static uint64_t last_stale_lines;	/* stale_lines of the last device_op() */

static int device_op(int fd, unsigned long cmd, uint64_t offset, uint64_t length,
		     uint64_t sequence, uint32_t line, uint64_t *bad_lines)
{
	struct dmab_device_op op = {
		.offset = offset, .length = length, .sequence = sequence, .line = line,
	};
	int err = xioctl(fd, cmd, &op);

	if (bad_lines)
		*bad_lines = err ? UINT64_MAX : op.bad_lines;
	last_stale_lines = err ? UINT64_MAX : op.stale_lines;
	return err;
}

static int sync_buffer(int fd, unsigned long cmd, uint32_t direction, uint64_t offset,
		       uint64_t length, uint32_t *done)
{
	struct dmab_sync req = { .direction = direction, .offset = offset, .length = length };
	int err = xioctl(fd, cmd, &req);

	if (done)
		*done = err ? UINT32_MAX : req.done;
	return err;
}

static int query_mapping(const void *address, struct dmab_query_mapping *out)
{
	struct dmab_query_mapping req = { .address = (uintptr_t)address };
	int err = xioctl(ctl, DMAB_IOC_QUERY_MAPPING, &req);

	if (out)
		*out = req;
	return err;
}

/* ---- The oracle's frames, as the harness writes and checks them ---- */

static uint64_t oracle_word(uint64_t seq, uint64_t key, size_t index, size_t words_per_line)
{
	return index % words_per_line ? key ^ ((uint64_t)(index + 1) * DMAB_ORACLE_M) : seq;
}

static void fill_frame(uint64_t *w, size_t bytes, size_t line, uint64_t seq)
{
	uint64_t key = dmab_oracle_key(seq);
	size_t i;

	for (i = 0; i < bytes / 8; i++)
		w[i] = oracle_word(seq, key, i, line / 8);
}

/* Lines (the last one may be partial) with a word that is not frame @seq's. */
static size_t bad_lines_in(const uint64_t *w, size_t bytes, size_t line, uint64_t seq)
{
	uint64_t key = dmab_oracle_key(seq);
	size_t wpl = line / 8, n = bytes / 8, bad = 0, first, i;

	for (first = 0; first < n; first += wpl) {
		for (i = first; i < n && i < first + wpl; i++)
			if (w[i] != oracle_word(seq, key, i, wpl))
				break;
		bad += i < n && i < first + wpl;
	}
	return bad;
}

/* ---- Bad input ---- */

static uint64_t poke_value(const struct poke *p, uint64_t buffer_size, uintptr_t stack)
{
	switch (p->base) {
	case BUFFER_SIZE:
		return buffer_size + p->value;
	case MAX_TOTAL:
		return info.max_total_bytes + p->value;
	case STACK:
		return stack + p->value;
	case ABSOLUTE:
		break;
	}
	return p->value;
}

static void apply_poke(void *req, const struct poke *p, uint64_t value)
{
	unsigned char *field = (unsigned char *)req + p->offset;
	uint32_t v32 = (uint32_t)value;

	if (p->size == sizeof(uint64_t))
		memcpy(field, &value, sizeof(value));
	else
		memcpy(field, &v32, sizeof(v32));
}

/* A valid request of each kind, on a buffer of @size mapped at @map. */
static void valid_request(unsigned long cmd, void *req, uint64_t size, void *map)
{
	memset(req, 0, request_of(cmd)->size);
	switch (cmd) {
	case DMAB_IOC_ALLOC:
		*(struct dmab_alloc *)req = (struct dmab_alloc) {
			.strategy = DMAB_STRAT_CACHED_SYNC, .size = 65536,
		};
		break;
	case DMAB_IOC_QUERY_MAPPING:
		*(struct dmab_query_mapping *)req = (struct dmab_query_mapping) {
			.address = (uintptr_t)map,
		};
		break;
	case DMAB_IOC_SYNC_FOR_DEVICE:
	case DMAB_IOC_SYNC_FOR_CPU:
		*(struct dmab_sync *)req = (struct dmab_sync) {
			.direction = DMAB_DIR_TO_DEVICE, .length = size,
		};
		break;
	case DMAB_IOC_DEVICE_WRITE:
	case DMAB_IOC_DEVICE_READ:
		*(struct dmab_device_op *)req = (struct dmab_device_op) {
			.length = size, .sequence = 1, .line = 64,
		};
		break;
	default:		/* INFO, FULL_FLUSH: all zero */
		break;
	}
}

/*
 * On a buffer of the backend under test; the carveout's run (@buffer_only)
 * takes only the buffer's commands: the others do not depend on it.
 */
static void test_bad_inputs(bool buffer_only)
{
	const uint64_t size = 65536;
	unsigned char req[256];
	int buffer, err;
	size_t i, j;
	void *map;

	err = alloc_buffer(DMAB_STRAT_CACHED_SYNC, size, &buffer);
	CHECK(!err, "alloc for the bad-input cases: %s", errname(err));
	if (err)
		return;
	map = map_buffer(buffer, size);
	CHECK(map != MAP_FAILED, "mmap for the bad-input cases: %s", strerror(errno));
	if (map == MAP_FAILED) {
		close(buffer);
		return;
	}

	/* Each valid request passes: the errors below come from the pokes alone. */
	for (i = 0; i < ARRAY_SIZE(requests); i++) {
		const struct request *r = &requests[i];
		int expected = 0;

		if (buffer_only && r->target != ON_BUFFER)
			continue;
		if (r->cmd == DMAB_IOC_FULL_FLUSH) {
			uint32_t ioctl_done, strategy_done, refusal;

			full_flush_expected(&expected, &ioctl_done, &strategy_done, &refusal);
		}
		/* a carveout buffer has no streaming mapping to give up */
		if ((r->cmd == DMAB_IOC_DMA_UNMAP || r->cmd == DMAB_IOC_DMA_MAP) &&
		    backend == DMAB_BACKEND_CARVEOUT)
			expected = EOPNOTSUPP;
		valid_request(r->cmd, req, size, map);
		err = xioctl(r->target == ON_CTL ? ctl : buffer, r->cmd, req);
		CHECK(err == expected, "valid %s: %s, expected %s", r->name, errname(err),
		      errname(expected));
		if (r->cmd == DMAB_IOC_ALLOC && !err)
			close(((struct dmab_alloc *)req)->fd);
	}

	for (i = 0; i < ARRAY_SIZE(bad_inputs); i++) {
		const struct bad_input *b = &bad_inputs[i];
		const struct request *r = request_of(b->cmd);

		if (buffer_only && r->target != ON_BUFFER)
			continue;
		valid_request(b->cmd, req, size, map);
		for (j = 0; j < ARRAY_SIZE(b->pokes) && b->pokes[j].size; j++)
			apply_poke(req, &b->pokes[j],
				   poke_value(&b->pokes[j], size, (uintptr_t)&req));
		err = xioctl(r->target == ON_CTL ? ctl : buffer, b->cmd, req);
		CHECK(err == b->errno_expected, "%s, %s: %s, expected %s", r->name, b->name,
		      errname(err), errname(b->errno_expected));
		if (r->cmd == DMAB_IOC_ALLOC && !err)
			close(((struct dmab_alloc *)req)->fd);
	}

	munmap(map, size);
	close(buffer);
}

/*
 * A bad ABI never oopses: every command number of the 0xDB range, in every
 * direction and several sizes, on both kinds of fd, with NULL and with a
 * garbage struct; the commands the fd knows also with a struct cut short
 * by an unmapped page and under a neighbouring magic number. Each answer
 * must be the errno a user could expect; the kernel log stays clean.
 */
static int sweep_expected(enum target target, unsigned long cmd, bool null_arg)
{
	const struct request *r = request_of(cmd);

	if (!r || r->target != target)
		return ENOTTY;
	if (null_arg)
		return EFAULT;
	/* Garbage has non-zero flags; INFO has no input to reject. */
	return cmd == DMAB_IOC_INFO ? 0 : EINVAL;
}

static void test_bad_abi(void)
{
	static const unsigned int sizes[] = { 0, 1, 8, 32, 48, 56, 64, 128, 129, 4096, 16383 };
	unsigned long tried = 0, wrong = 0, first_cmd = 0;
	int fds[2], first_err = 0, first_expected = 0;
	unsigned char *guard;
	void *garbage;
	size_t i, s;
	int err, t;

	fds[ON_CTL] = ctl;
	err = alloc_buffer(DMAB_STRAT_CACHED_SYNC, 65536, &fds[ON_BUFFER]);
	CHECK(!err, "alloc for the ABI sweep: %s", errname(err));
	if (err)
		return;
	garbage = malloc(16384);
	if (!garbage) {
		close(fds[ON_BUFFER]);
		CHECK(false, "malloc");
		return;
	}

	for (t = ON_CTL; t <= ON_BUFFER; t++) {
		unsigned int nr, dir;

		for (nr = 0; nr < 256; nr++)
			for (dir = 0; dir < 4; dir++)
				for (s = 0; s < ARRAY_SIZE(sizes); s++) {
					unsigned long cmd = _IOC(dir, DMAB_IOC_MAGIC, nr, sizes[s]);
					int null_arg;

					for (null_arg = 0; null_arg < 2; null_arg++) {
						int expected = sweep_expected((enum target)t, cmd, null_arg);

						memset(garbage, 0xa5, 16384);
						err = xioctl(fds[t], cmd, null_arg ? NULL : garbage);
						tried++;
						if (err == expected)
							continue;
						if (!wrong++) {
							first_cmd = cmd;
							first_err = err;
							first_expected = expected;
						}
					}
				}
	}
	CHECK(!wrong, "ABI sweep: %lu of %lu answers wrong, first cmd %#lx: %s, expected %s",
	      wrong, tried, first_cmd, errname(first_err), errname(first_expected));
	printf("INFO ABI sweep: %lu ioctls, %lu wrong\n", tried, wrong);

	/* The struct runs into an unmapped page. */
	guard = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(guard != MAP_FAILED, "guard mapping");
	if (guard != MAP_FAILED) {
		CHECK(mprotect(guard + page_size, page_size, PROT_NONE) == 0, "guard page");
		for (i = 0; i < ARRAY_SIZE(requests); i++) {
			const struct request *r = &requests[i];
			unsigned char *arg = guard + page_size - 8;

			memset(arg, 0, 8);
			err = xioctl(fds[r->target], r->cmd, arg);
			CHECK(err == EFAULT, "%s with 8 of %zu bytes readable: %s", r->name, r->size,
			      errname(err));
			err = xioctl(fds[r->target], r->cmd, (void *)8);
			CHECK(err == EFAULT, "%s at address 8: %s", r->name, errname(err));
			err = xioctl(fds[!r->target], r->cmd, garbage);
			CHECK(err == ENOTTY, "%s on the other kind of fd: %s", r->name, errname(err));
			err = xioctl(fds[r->target], r->cmd ^ (1UL << _IOC_TYPESHIFT), garbage);
			CHECK(err == ENOTTY, "%s under magic %#x: %s", r->name,
			      DMAB_IOC_MAGIC ^ 1, errname(err));
			err = xioctl(fds[r->target], r->cmd + (1UL << _IOC_SIZESHIFT), garbage);
			CHECK(err == ENOTTY, "%s with a size one bigger: %s", r->name, errname(err));
		}
		munmap(guard, 2 * page_size);
	}

	free(garbage);
	close(fds[ON_BUFFER]);
}

/* The kernel log has no oops, BUG or WARN (the guest's init checks it too, at the end). */
static void test_kernel_log_clean(const char *after)
{
	static const char *const bad[] = {
		"Oops", "BUG:", "WARNING:", "general protection", "Unable to handle",
		"Internal error", "Call trace", "Call Trace",
	};
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *log, *hit = NULL;
	size_t i;

	if (len <= 0) {
		CHECK(false, "klogctl: %s", strerror(errno));
		return;
	}
	log = calloc(1, (size_t)len + 1);
	if (!log) {
		CHECK(false, "calloc");
		return;
	}
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, len);
	for (i = 0; len > 0 && i < ARRAY_SIZE(bad) && !hit; i++)
		hit = strstr(log, bad[i]);
	CHECK(len > 0 && !hit, "kernel log after %s: %.120s", after, hit ? hit : "unreadable");
	free(log);
}

/* ---- Each strategy end to end ---- */

/*
 * /proc/self/maps's file offset for the mapping at @addr: 0 unless a PFN
 * leaked into it; -1 when not found, -2 without /proc.
 */
static long long maps_offset(const void *addr)
{
	unsigned long start, end;
	unsigned long long offset;
	long long found = -1;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return -2;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %*s %llx", &start, &end, &offset) == 3 &&
		    start == (uintptr_t)addr) {
			found = (long long)offset;
			break;
		}
	fclose(f);
	return found;
}

/*
 * What the carveout's cached-sync does here, maintenance by physical range,
 * and what its SYNC says for the device (@for_device) or the CPU: x86 and
 * arm64 use the pmem API where the kernel has it (Debian's do), else
 * clflush_cache_range and the module's own dc loop; ARMv7 the L1 and, where
 * there is one, the outer cache.
 */
static uint32_t carveout_sync_expected(bool for_device, uint32_t *done)
{
	bool pmem = info.carveout_sync == DMAB_CARVEOUT_SYNC_PMEM;

	if (!strcmp(info.arch, "x86_64") || !strcmp(info.arch, "arm64")) {
		if (pmem) {
			*done = for_device ? DMAB_DONE_PMEM_WB_RANGE : DMAB_DONE_PMEM_INVAL_RANGE;
			return DMAB_CARVEOUT_SYNC_PMEM;
		}
		if (!strcmp(info.arch, "x86_64")) {
			*done = DMAB_DONE_CLFLUSH_RANGE;
			return DMAB_CARVEOUT_SYNC_CLFLUSH;
		}
		*done = DMAB_DONE_DC_POC_RANGE;
		return DMAB_CARVEOUT_SYNC_ARM64_DC;
	}
	*done = outer_cache ? DMAB_DONE_L1_OUTER_RANGE : DMAB_DONE_L1_RANGE;
	return DMAB_CARVEOUT_SYNC_ARM_L1_OUTER;
}

/*
 * The carveout's mappings are what the strategy's pgprot gives, whatever
 * the device's coherence (no DMA API in between): uncached as the page
 * backend's, wc write-combining (ARM Normal-NC), cached write-back.
 */
static uint32_t expected_mapping(uint32_t strategy)
{
	if (backend != DMAB_BACKEND_CARVEOUT)
		return expect->mapping[strategy];
	switch (strategy) {
	case DMAB_STRAT_UNCACHED:
		return expect->mapping[strategy];
	case DMAB_STRAT_WC:
		return strcmp(info.arch, "x86_64") ? DMAB_MT_NORMAL_NC : DMAB_MT_WC;
	default:
		return DMAB_MT_WB;
	}
}

static uint32_t expected_sync_done(uint32_t strategy, bool for_device)
{
	uint32_t done = sync_done[strategy][for_device], ioctl_done, strategy_done, refusal;
	int err;

	if (backend == DMAB_BACKEND_CARVEOUT && strategy == DMAB_STRAT_CACHED_SYNC) {
		carveout_sync_expected(for_device, &done);
		return done;
	}

	if (done == BOUNCE_SYNC)
		return bounce ? DMAB_DONE_DMA_SYNC_BOUNCE : DMAB_DONE_DMA_SYNC;
	if (done != FLUSH)
		return done;
	full_flush_expected(&err, &ioctl_done, &strategy_done, &refusal);
	return strategy_done;
}

static void test_mapping_rules(int fd, size_t size)
{
	void *m;

	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(m == MAP_FAILED && errno == EINVAL, "a private mapping: %s",
	      m == MAP_FAILED ? strerror(errno) : "mapped");
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, page_size);
	CHECK(m == MAP_FAILED && errno == EINVAL, "a mapping at an offset: %s",
	      m == MAP_FAILED ? strerror(errno) : "mapped");
	m = mmap(NULL, size + page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m == MAP_FAILED && errno == EINVAL, "a mapping bigger than the buffer: %s",
	      m == MAP_FAILED ? strerror(errno) : "mapped");
	/* A part from offset 0 is allowed; it cannot grow (VM_DONTEXPAND). */
	m = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "the first page alone: %s", strerror(errno));
	if (m != MAP_FAILED && size > page_size) {
		void *grown = mremap(m, page_size, 2 * page_size, MREMAP_MAYMOVE);

		CHECK(grown == MAP_FAILED, "mremap grew a buffer mapping");
		munmap(grown == MAP_FAILED ? m : grown, grown == MAP_FAILED ? page_size : 2 * page_size);
	} else if (m != MAP_FAILED) {
		munmap(m, page_size);
	}
}

static void test_capture(int fd, uint64_t *w, size_t size, uint32_t strategy)
{
	const char *name = strategy_names[strategy];
	uint32_t done;
	uint64_t bad;
	int err;

	/* device write -> CPU read */
	err = sync_buffer(fd, DMAB_IOC_SYNC_FOR_DEVICE, DMAB_DIR_FROM_DEVICE, 0, size, &done);
	CHECK(!err && done == expected_sync_done(strategy, true),
	      "%s: sync for the device: %s, done %u", name, errname(err), done);
	err = device_op(fd, DMAB_IOC_DEVICE_WRITE, 0, size, 5, 64, NULL);
	CHECK(!err, "%s: device write: %s", name, errname(err));
	err = sync_buffer(fd, DMAB_IOC_SYNC_FOR_CPU, DMAB_DIR_FROM_DEVICE, 0, size, &done);
	CHECK(!err && done == expected_sync_done(strategy, false),
	      "%s: sync for the CPU: %s, done %u", name, errname(err), done);
	printf("INFO %-13s sync_for_cpu done=%u\n", name, done);
	bad = bad_lines_in(w, size, 64, 5);
	CHECK(!bad, "%s: the CPU sees %" PRIu64 " bad lines after a device write", name, bad);

	/* the device checks what it wrote, and tells a frame from another */
	err = device_op(fd, DMAB_IOC_DEVICE_READ, 0, size, 5, 64, &bad);
	CHECK(!err && !bad, "%s: device read of frame 5: %s, %" PRIu64 " bad", name,
	      errname(err), bad);
	err = device_op(fd, DMAB_IOC_DEVICE_READ, 0, size, 6, 64, &bad);
	CHECK(!err && bad == size / 64, "%s: frame 6 read as 5: %" PRIu64 " bad lines", name, bad);
	/* every line holds frame 5 whole: stale data, not corruption */
	CHECK(last_stale_lines == size / 64, "%s: frame 6 read as 5: %" PRIu64 " stale lines",
	      name, last_stale_lines);
	err = device_op(fd, DMAB_IOC_DEVICE_READ, 0, size, 4, 64, &bad);
	CHECK(!err && bad == size / 64 && last_stale_lines == 0,
	      "%s: frame 4 read as 5 (a newer frame is not stale): %" PRIu64 " bad, %" PRIu64
	      " stale", name, bad, last_stale_lines);
	err = device_op(fd, DMAB_IOC_DEVICE_READ, 0, size, 5, 512, &bad);
	CHECK(!err && bad == size / 512 && last_stale_lines == 0,
	      "%s: frame read with another line size: %" PRIu64 " bad, %" PRIu64 " stale",
	      name, bad, last_stale_lines);
}

static void test_playback(int fd, uint64_t *w, size_t size, uint32_t strategy)
{
	const char *name = strategy_names[strategy];
	uint32_t done;
	uint64_t bad;
	int err;

	/* CPU write -> device read */
	fill_frame(w, size, 128, 7);
	err = sync_buffer(fd, DMAB_IOC_SYNC_FOR_DEVICE, DMAB_DIR_TO_DEVICE, 0, size, &done);
	CHECK(!err && done == expected_sync_done(strategy, true),
	      "%s: sync for the device: %s, done %u", name, errname(err), done);
	printf("INFO %-13s sync_for_device done=%u\n", name, done);
	err = device_op(fd, DMAB_IOC_DEVICE_READ, 0, size, 7, 128, &bad);
	CHECK(!err && !bad, "%s: playback: %s, %" PRIu64 " bad lines", name, errname(err), bad);
}

static void test_partial_frames(int fd, uint64_t *w, size_t size, uint32_t strategy)
{
	const char *name = strategy_names[strategy];
	uint64_t off, len, bad, before, after;
	uint64_t *frame;
	int err;

	if (size < 8192)
		return;
	/* a frame at an odd offset, ending in a partial line */
	off = 4096 - 24;
	len = 1000;
	frame = (uint64_t *)((char *)w + off);
	before = frame[-1];
	after = frame[len / 8];
	err = device_op(fd, DMAB_IOC_DEVICE_WRITE, off, len, 9, 64, NULL);
	CHECK(!err, "%s: partial write: %s", name, errname(err));
	/* the range alone handed back to the CPU (a bounce copies just that) */
	err = sync_buffer(fd, DMAB_IOC_SYNC_FOR_CPU, DMAB_DIR_FROM_DEVICE, off, len, NULL);
	CHECK(!err, "%s: partial sync for the CPU: %s", name, errname(err));
	CHECK(!bad_lines_in(frame, len, 64, 9), "%s: the CPU sees the partial frame wrong", name);
	CHECK(frame[-1] == before && frame[len / 8] == after,
	      "%s: the device wrote outside the range", name);
	err = device_op(fd, DMAB_IOC_DEVICE_READ, off, len, 9, 64, &bad);
	CHECK(!err && !bad, "%s: partial read: %" PRIu64 " bad", name, bad);
	err = device_op(fd, DMAB_IOC_DEVICE_READ, off, len, 10, 64, &bad);
	CHECK(!err && bad == (len + 63) / 64, "%s: partial read of another frame: %" PRIu64 " bad",
	      name, bad);
	frame[len / 8 - 1] ^= 1;	/* only the partial last line */
	err = sync_buffer(fd, DMAB_IOC_SYNC_FOR_DEVICE, DMAB_DIR_TO_DEVICE, off, len, NULL);
	CHECK(!err, "%s: partial sync for the device: %s", name, errname(err));
	err = device_op(fd, DMAB_IOC_DEVICE_READ, off, len, 9, 64, &bad);
	CHECK(!err && bad == 1, "%s: partial last line: %" PRIu64 " bad", name, bad);

	/* across a chunk boundary (3 MiB: a 2 MiB chunk, then 64 KiB ones) */
	if (size <= 2 * MiB)
		return;
	off = 2 * MiB - 1000;
	len = 4096;
	frame = (uint64_t *)((char *)w + off);
	err = device_op(fd, DMAB_IOC_DEVICE_WRITE, off, len, 11, 256, NULL);
	CHECK(!err, "%s: write across a chunk: %s", name, errname(err));
	err = sync_buffer(fd, DMAB_IOC_SYNC_FOR_CPU, DMAB_DIR_FROM_DEVICE, off, len, NULL);
	CHECK(!err, "%s: sync across a chunk: %s", name, errname(err));
	CHECK(!bad_lines_in(frame, len, 256, 11), "%s: the CPU sees the crossing frame wrong", name);
	err = device_op(fd, DMAB_IOC_DEVICE_READ, off, len, 11, 256, &bad);
	CHECK(!err && !bad, "%s: read across a chunk: %" PRIu64 " bad", name, bad);
}

/*
 * DMA_UNMAP and DMA_MAP on a buffer with a streaming mapping: unmapped, it
 * refuses syncs and the device; what the CPU writes while it owns the
 * buffer reaches the device once mapped again (dma_map cleans, or copies
 * to the bounce slots), and what the device writes reaches the CPU once
 * unmapped (dma_unmap invalidates, or copies back), whatever the strategy:
 * the DMA API does the maintenance here, not the strategy's sync.
 */
static void test_remap(int fd, uint64_t *w, size_t size, uint32_t strategy)
{
	const char *name = strategy_names[strategy];
	bool streaming = backend == DMAB_BACKEND_PAGES && !(expect->dma_api_backed & BIT(strategy));
	struct dmab_dma_map req = { 0 };
	uint64_t bad;
	int err;

	err = xioctl(fd, DMAB_IOC_DMA_UNMAP, &req);
	if (!streaming) {
		CHECK(err == EOPNOTSUPP, "%s: DMA_UNMAP without a streaming mapping: %s", name,
		      errname(err));
		return;
	}
	CHECK(!err, "%s %zu: DMA_UNMAP: %s", name, size, errname(err));
	if (err)
		return;
	err = xioctl(fd, DMAB_IOC_DMA_UNMAP, &req);
	CHECK(err == EBUSY, "%s: DMA_UNMAP twice: %s", name, errname(err));
	err = sync_buffer(fd, DMAB_IOC_SYNC_FOR_CPU, DMAB_DIR_FROM_DEVICE, 0, size, NULL);
	CHECK(err == ENXIO, "%s: SYNC_FOR_CPU while unmapped: %s", name, errname(err));
	err = device_op(fd, DMAB_IOC_DEVICE_WRITE, 0, size, 1, 64, NULL);
	CHECK(err == ENXIO, "%s: DEVICE_WRITE while unmapped: %s", name, errname(err));

	/* the CPU owns it: its frame reaches the device through DMA_MAP alone */
	fill_frame(w, size, 64, 21);
	err = xioctl(fd, DMAB_IOC_DMA_MAP, &req);
	CHECK(!err, "%s %zu: DMA_MAP: %s", name, size, errname(err));
	printf("INFO %-13s %8zu: dma_map kernel_ns %llu\n", name, size, ULL(req.kernel_ns));
	err = xioctl(fd, DMAB_IOC_DMA_MAP, &req);
	CHECK(err == EBUSY, "%s: DMA_MAP twice: %s", name, errname(err));
	err = device_op(fd, DMAB_IOC_DEVICE_READ, 0, size, 21, 64, &bad);
	CHECK(!err && !bad, "%s %zu: the device read the CPU's frame after DMA_MAP: %s, %llu bad "
	      "lines", name, size, errname(err), ULL(bad));

	/* the device's frame reaches the CPU through DMA_UNMAP alone */
	err = device_op(fd, DMAB_IOC_DEVICE_WRITE, 0, size, 22, 64, NULL);
	CHECK(!err, "%s: device write before DMA_UNMAP: %s", name, errname(err));
	err = xioctl(fd, DMAB_IOC_DMA_UNMAP, &req);
	CHECK(!err, "%s: DMA_UNMAP after the device wrote: %s", name, errname(err));
	bad = bad_lines_in(w, size, 64, 22);
	CHECK(!bad, "%s %zu: the CPU sees %llu bad lines of the device's frame after DMA_UNMAP",
	      name, size, ULL(bad));
	printf("INFO %-13s %8zu: dma_unmap kernel_ns %llu\n", name, size, ULL(req.kernel_ns));
	/* mapped again, as the rest of the test and the last close expect either way */
	err = xioctl(fd, DMAB_IOC_DMA_MAP, &req);
	CHECK(!err, "%s: DMA_MAP at the end: %s", name, errname(err));
}

/*
 * ALLOC_ATOMIC: dma_alloc_coherent with interrupts off. Small buffers come;
 * 8 MiB never does from an atomic pool (its chunks are at most the page
 * allocator's largest block), and its ENOMEM leaves no warning in the log;
 * INFO says where the buffers come from; only coherent takes the flag.
 */
static void test_alloc_atomic(void)
{
	bool pool = strcmp(info.arch, "x86_64") && !(info.flags & DMAB_INFO_DMA_COHERENT);
	struct dmab_alloc req = {
		.strategy = DMAB_STRAT_COHERENT, .flags = DMAB_ALLOC_ATOMIC, .size = 4096,
	};
	uint64_t *w;
	uint64_t bad;
	int err;

	CHECK(!!(info.flags & DMAB_INFO_ATOMIC_POOL) == pool,
	      "INFO says atomic allocations %s the atomic pool; expected %s",
	      info.flags & DMAB_INFO_ATOMIC_POOL ? "come from" : "do not come from",
	      pool ? "from it" : "not");
	if (!(expected_mask() & BIT(DMAB_STRAT_COHERENT)))
		return;
	err = xioctl(ctl, DMAB_IOC_ALLOC, &req);
	CHECK(!err, "ALLOC_ATOMIC coherent 4 KiB: %s", errname(err));
	if (err)
		return;
	CHECK(req.alloc_ns > 0 && req.alloc_ns <= req.kernel_ns,
	      "ALLOC_ATOMIC: alloc_ns %llu, kernel_ns %llu", ULL(req.alloc_ns), ULL(req.kernel_ns));
	printf("INFO alloc atomic 4096: alloc_ns %llu kernel_ns %llu (%s)\n", ULL(req.alloc_ns),
	       ULL(req.kernel_ns), pool ? "atomic pool" : "page allocator");
	w = map_buffer(req.fd, 4096);
	CHECK(w != MAP_FAILED, "mmap of an atomic buffer: %s", strerror(errno));
	if (w != MAP_FAILED) {
		err = device_op(req.fd, DMAB_IOC_DEVICE_WRITE, 0, 4096, 31, 64, NULL);
		bad = bad_lines_in(w, 4096, 64, 31);
		CHECK(!err && !bad, "an atomic buffer: device write %s, %llu bad lines",
		      errname(err), ULL(bad));
		munmap(w, 4096);
	}
	close(req.fd);

	req = (struct dmab_alloc){
		.strategy = DMAB_STRAT_COHERENT, .flags = DMAB_ALLOC_ATOMIC, .size = 8 * MiB,
	};
	/* from the page allocator it depends on its largest block (x86: 4 MiB, ARM: a build option) */
	err = xioctl(ctl, DMAB_IOC_ALLOC, &req);
	CHECK(pool ? err == ENOMEM : !err || err == ENOMEM,
	      "ALLOC_ATOMIC coherent 8 MiB: %s, expected ENOMEM", errname(err));
	printf("INFO alloc atomic 8 MiB: %s\n", errname(err));
	if (!err)
		close(req.fd);
	req = (struct dmab_alloc){
		.strategy = DMAB_STRAT_WC, .flags = DMAB_ALLOC_ATOMIC, .size = 4096,
	};
	err = xioctl(ctl, DMAB_IOC_ALLOC, &req);
	CHECK(err == EOPNOTSUPP, "ALLOC_ATOMIC wc: %s", errname(err));
	test_kernel_log_clean("atomic allocations");
}

static void test_strategy(uint32_t strategy, size_t size)
{
	const char *name = strategy_names[strategy];
	struct dmab_query_mapping q, q_end;
	uint32_t expected_type = expected_mapping(strategy);
	size_t i, nonzero = 0;
	long long offset;
	uint64_t *w;
	pid_t pid;
	int fd, err;

	if (!(expected_mask() & BIT(strategy))) {
		err = alloc_buffer(strategy, size, &fd);
		CHECK(err == EOPNOTSUPP, "alloc %s %zu, not offered here: %s", name, size,
		      errname(err));
		if (!err)
			close(fd);
		return;
	}
	err = alloc_buffer(strategy, size, &fd);
	if (err) {
		/* One contiguous block from the DMA API (or CMA): big ones may not be there. */
		printf("NOTE %s %zu: alloc failed: %s\n", name, size, strerror(err));
		CHECK(err == ENOMEM && (expect->dma_api_backed & BIT(strategy)) && size > 4 * MiB,
		      "alloc %s %zu: %s", name, size, errname(err));
		return;
	}
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC, "%s: the buffer fd is not close-on-exec", name);
	test_mapping_rules(fd, size);

	w = map_buffer(fd, size);
	CHECK(w != MAP_FAILED, "mmap %s: %s", name, strerror(errno));
	if (w == MAP_FAILED) {
		close(fd);
		return;
	}
	offset = maps_offset(w);
	if (offset == -2)
		printf("NOTE %s: no /proc/self/maps, the mapping's offset is not checked\n", name);
	else
		CHECK(offset == 0, "%s: /proc/self/maps shows offset %lld", name, offset);
	for (i = 0; i < size / 8; i++)
		nonzero += w[i] != 0;
	CHECK(!nonzero, "%s: %zu words not zeroed", name, nonzero);

	err = query_mapping(w, &q);
	CHECK(!err && q.memory_type == expected_type, "%s %zu: mapping %s (raw %#llx), expected %s: %s",
	      name, size, memory_type_name(q.memory_type), ULL(q.raw),
	      memory_type_name(expected_type), errname(err));
	CHECK(!(q.raw & ~expect->raw_mask), "%s: raw %#llx has bits beyond the memory type",
	      name, ULL(q.raw));
	err = query_mapping((char *)w + size - 1, &q_end);
	CHECK(!err && q_end.memory_type == q.memory_type && q_end.raw == q.raw,
	      "%s: the last byte's mapping differs", name);
	printf("INFO %-13s %8zu: mapping %s raw %#llx kernel_ns %llu\n", name, size,
	       memory_type_name(q.memory_type), ULL(q.raw), ULL(q.kernel_ns));

	if (bounce && strategy == DMAB_STRAT_CACHED_NOSYNC) {
		/* the control never syncs: the device's frame stays in the bounce slot */
		err = device_op(fd, DMAB_IOC_DEVICE_WRITE, 0, size, 5, 64, NULL);
		CHECK(!err && bad_lines_in(w, size, 64, 5) == size / 64,
		      "%s: through a bounce without sync the CPU saw the device's frame", name);
	} else {
		test_capture(fd, w, size, strategy);
		test_playback(fd, w, size, strategy);
		test_partial_frames(fd, w, size, strategy);
		/* not 16 MiB, nor 3 MiB through the PL330: each pass is seconds of TCG there */
		if (size <= (info.flags & DMAB_INFO_DMAENGINE ? 65536 : 3 * MiB))
			test_remap(fd, w, size, strategy);
	}

	/* a child shares the mapping */
	pid = fork();
	if (pid == 0) {
		w[1] = 0x1234;
		_exit(0);
	}
	CHECK(pid > 0 && waitpid(pid, NULL, 0) == pid && w[1] == 0x1234,
	      "%s: a forked child's store is not seen", name);

	/* the mapping holds the buffer after close */
	close(fd);
	w[0] = 42;
	CHECK(w[0] == 42, "%s: the mapping changed after close", name);
	CHECK(!query_mapping(w, NULL), "%s: QUERY_MAPPING after close: %s", name, strerror(errno));
	/*
	 * unmapped in two steps: a hole first, then the rest. Not a carveout
	 * buffer on x86: Linux 6.1's PAT tracks a PFN mapping's memory type
	 * as one reservation, which the pieces of a split mapping cannot free
	 * ("freeing invalid memtype"); the rest of it stays reserved for the
	 * boot, and every later mapping there gets its type (UC- where an
	 * uncached buffer was). RAM pages keep theirs in page flags instead.
	 */
	if (size >= 2 * page_size && backend == DMAB_BACKEND_CARVEOUT &&
	    !strcmp(info.arch, "x86_64")) {
		if (strategy == DMAB_STRAT_UNCACHED && size == 65536)
			printf("NOTE carveout on x86: no partial munmap (PAT would keep the "
			       "memory type of what is left reserved until reboot)\n");
	} else if (size >= 2 * page_size) {
		CHECK(!munmap((char *)w + page_size, page_size), "%s: munmap of a hole", name);
		CHECK(query_mapping((char *)w + page_size, NULL) == EFAULT,
		      "%s: QUERY_MAPPING in the hole", name);
		CHECK(!query_mapping(w, NULL), "%s: QUERY_MAPPING beside the hole", name);
	}
	CHECK(!munmap(w, size), "%s: munmap", name);
	CHECK(query_mapping(w, NULL) == EFAULT, "%s: QUERY_MAPPING after munmap", name);
}

/* ---- The module as a whole ---- */

static void test_info(mode_t mode)
{
	struct stat st = { 0 };
	size_t i;
	int err;

	CHECK(stat(DMAB_DEVICE_PATH, &st) == 0 && (st.st_mode & 0777) == mode,
	      "%s mode %o, expected %o", DMAB_DEVICE_PATH, st.st_mode & 0777, mode);

	memset(&info, 0xff, sizeof(info));
	err = xioctl(ctl, DMAB_IOC_INFO, &info);
	CHECK(!err, "INFO: %s", errname(err));
	printf("INFO abi %u flags %#x line %u (DMA alignment %u) mask %#x max %llu arch '%.*s' "
	       "chan '%.*s' on '%.*s' hypervisor '%.*s' full_flush %u ns %llu\n",
	       info.abi_version, info.flags, info.cache_line, info.dma_alignment,
	       info.strategy_mask, ULL(info.max_total_bytes), DMAB_NAME_LEN, info.arch,
	       DMAB_NAME_LEN, info.dma_channel, DMAB_CONTROLLER_LEN, info.dma_controller,
	       DMAB_NAME_LEN, info.hypervisor, info.full_flush, ULL(info.kernel_ns));
	CHECK(info.abi_version == DMAB_ABI_VERSION, "abi %u", info.abi_version);
	CHECK(!(info.flags & ~(DMAB_INFO_DMA_COHERENT | DMAB_INFO_DMAENGINE | DMAB_INFO_HYPERVISOR |
			       DMAB_INFO_HYPERVISOR_UNKNOWN | DMAB_INFO_OUTER_CACHE |
			       DMAB_INFO_BOUNCE | DMAB_INFO_ATOMIC_POOL)), "flags %#x", info.flags);
	bounce = info.flags & DMAB_INFO_BOUNCE;
	outer_cache = dt_has("/proc/device-tree", "arm,pl310-cache", 3);
	CHECK(outer_cache == !!(info.flags & DMAB_INFO_OUTER_CACHE),
	      "the device tree %s an L2C-310, INFO's outer-cache flag is %s",
	      outer_cache ? "has" : "has no", info.flags & DMAB_INFO_OUTER_CACHE ? "set" : "clear");
	CHECK(info.strategy_mask == expected_mask_of(DMAB_BACKEND_PAGES),
	      "strategy mask %#x, expected %#x%s", info.strategy_mask,
	      expected_mask_of(DMAB_BACKEND_PAGES), bounce ? " (mappings bounce)" : "");
	CHECK(info.cache_line >= 16 && !(info.cache_line & (info.cache_line - 1)), "cache line %u",
	      info.cache_line);
	CHECK(!cpu_line_truth() || info.cache_line == cpu_line_truth(),
	      "cache line %u, the CPU's is %u", info.cache_line, cpu_line_truth());
	CHECK(info.dma_alignment >= info.cache_line && !(info.dma_alignment & (info.dma_alignment - 1)),
	      "DMA alignment %u below the CPU's line %u", info.dma_alignment, info.cache_line);
	CHECK(memchr(info.arch, 0, sizeof(info.arch)) && memchr(info.dma_channel, 0,
	      sizeof(info.dma_channel)) && memchr(info.dma_controller, 0,
	      sizeof(info.dma_controller)) && memchr(info.hypervisor, 0, sizeof(info.hypervisor)),
	      "INFO's strings are not terminated");
	CHECK(!(info.flags & DMAB_INFO_DMAENGINE) == !info.dma_channel[0] &&
	      !info.dma_channel[0] == !info.dma_controller[0],
	      "DMAENGINE flag, channel '%.*s' and controller '%.*s' disagree", DMAB_NAME_LEN,
	      info.dma_channel, DMAB_CONTROLLER_LEN, info.dma_controller);
	CHECK(!(info.flags & DMAB_INFO_HYPERVISOR) == !info.hypervisor[0] &&
	      !((info.flags & DMAB_INFO_HYPERVISOR) && (info.flags & DMAB_INFO_HYPERVISOR_UNKNOWN)),
	      "hypervisor flags %#x and name '%.*s' disagree", info.flags, DMAB_NAME_LEN,
	      info.hypervisor);
	for (i = 0; i < ARRAY_SIZE(info.reserved); i++)
		CHECK(info.reserved[i] == 0, "INFO reserved[%zu] %#llx", i, ULL(info.reserved[i]));
	printf("INFO carveout base %#llx size %llu used %llu mask %#x sync %u\n",
	       ULL(info.carveout_base), ULL(info.carveout_size), ULL(info.carveout_used),
	       info.carveout_strategy_mask, info.carveout_sync);
	if (backend == DMAB_BACKEND_CARVEOUT) {
		uint32_t done, sync = carveout_sync_expected(true, &done);

		CHECK(info.carveout_base == carveout_base && info.carveout_size == carveout_size,
		      "INFO carveout %#llx +%#llx, loaded with %#llx +%#llx",
		      ULL(info.carveout_base), ULL(info.carveout_size), ULL(carveout_base),
		      ULL(carveout_size));
		CHECK(info.carveout_used == 0, "INFO carveout_used %llu before any buffer",
		      ULL(info.carveout_used));
		CHECK(info.carveout_strategy_mask == expected_mask(),
		      "carveout strategy mask %#x, expected %#x", info.carveout_strategy_mask,
		      expected_mask());
		CHECK(info.carveout_sync == sync, "carveout sync method %u, expected %u",
		      info.carveout_sync, sync);
		CHECK(!(info.flags & DMAB_INFO_DMAENGINE) == !carveout_dmaengine,
		      "INFO's DMAENGINE flag is %s, the module was loaded with dmaengine=%s",
		      info.flags & DMAB_INFO_DMAENGINE ? "set" : "clear",
		      carveout_dmaengine ? "on" : "off");
		printf("INFO carveout device: %s%.*s%s%.*s\n",
		       info.dma_channel[0] ? "channel " : "emulated", DMAB_NAME_LEN, info.dma_channel,
		       info.dma_channel[0] ? " on " : "", DMAB_CONTROLLER_LEN, info.dma_controller);
	} else {
		CHECK(!info.carveout_base && !info.carveout_size && !info.carveout_used &&
		      !info.carveout_strategy_mask && !info.carveout_sync,
		      "INFO without carveout= says a carveout");
	}

	for (i = 0; i < ARRAY_SIZE(expectations); i++)
		if (!strncmp(expectations[i].arch, info.arch, sizeof(info.arch)) &&
		    expectations[i].dma_coherent == !!(info.flags & DMAB_INFO_DMA_COHERENT))
			expect = &expectations[i];
	CHECK(expect, "no expectations for arch '%.*s', DMA %scoherent", DMAB_NAME_LEN, info.arch,
	      info.flags & DMAB_INFO_DMA_COHERENT ? "" : "non-");
}

static void test_full_flush(void)
{
	struct dmab_full_flush req = { 0 };
	int err = xioctl(ctl, DMAB_IOC_FULL_FLUSH, &req), expected_err;
	uint32_t ioctl_done, strategy_done, refusal;

	full_flush_expected(&expected_err, &ioctl_done, &strategy_done, &refusal);
	CHECK(err == expected_err && (err || req.done == ioctl_done),
	      "FULL_FLUSH: %s, done %u; expected %s, done %u", errname(err), req.done,
	      errname(expected_err), ioctl_done);
	CHECK(info.full_flush == refusal, "INFO full_flush %u, expected %u", info.full_flush,
	      refusal);
	printf("INFO full flush: %s, done=%u ns=%llu\n", errname(err), req.done,
	       ULL(req.kernel_ns));
}

/* max_total_mb bounds all live buffers together; closing one gives its share back. */
static void test_quota(void)
{
	uint64_t half = info.max_total_bytes / 2;
	int a, b, c, err;

	err = alloc_buffer(DMAB_STRAT_CACHED_SYNC, half, &a);
	CHECK(!err, "half the quota: %s", errname(err));
	err = alloc_buffer(DMAB_STRAT_CACHED_NOSYNC, half, &b);
	CHECK(!err, "the other half: %s", errname(err));
	err = alloc_buffer(DMAB_STRAT_CACHED_SYNC, 65536, &c);
	CHECK(err == EDQUOT, "over the quota: %s", errname(err));
	if (!err)
		close(c);
	if (a >= 0)
		close(a);
	err = alloc_buffer(DMAB_STRAT_CACHED_SYNC, half, &c);
	CHECK(!err, "half the quota again after close: %s", errname(err));
	if (c >= 0)
		close(c);
	if (b >= 0)
		close(b);
}

/* INFO's count of what live buffers hold: bytes and buffers. */
static void usage_now(uint64_t *bytes, uint64_t *buffers)
{
	struct dmab_info now = { 0 };

	*bytes = *buffers = UINT64_MAX;
	if (!xioctl(ctl, DMAB_IOC_INFO, &now)) {
		*bytes = now.allocated_bytes;
		*buffers = now.live_buffers;
	}
}

/*
 * INFO counts a buffer from ALLOC until its last fd and mapping are gone,
 * and an ALLOC whose answer cannot be written back (a read-only request)
 * leaves neither a buffer nor an fd behind: the file made for it is taken
 * back. kmod-fuzz relies on the count to find leaks.
 */
static void test_accounting(void)
{
	uint64_t bytes0, buffers0, bytes, buffers;
	struct dmab_alloc req = { .strategy = DMAB_STRAT_CACHED_NOSYNC, .size = 65536 };
	unsigned char *ro;
	void *map;
	int fd, err, next_fd;

	usage_now(&bytes0, &buffers0);
	CHECK(bytes0 == 0 && buffers0 == 0, "INFO with no buffer: %llu bytes in %llu buffers",
	      ULL(bytes0), ULL(buffers0));
	err = alloc_buffer(req.strategy, req.size, &fd);
	CHECK(!err, "alloc for the accounting: %s", errname(err));
	if (err)
		return;
	usage_now(&bytes, &buffers);
	CHECK(bytes == bytes0 + req.size && buffers == buffers0 + 1,
	      "INFO after ALLOC of %llu: %llu bytes in %llu buffers", ULL(req.size), ULL(bytes),
	      ULL(buffers));
	map = map_buffer(fd, req.size);
	CHECK(map != MAP_FAILED, "mmap for the accounting: %s", strerror(errno));
	close(fd);
	usage_now(&bytes, &buffers);
	CHECK(map == MAP_FAILED || (bytes == bytes0 + req.size && buffers == buffers0 + 1),
	      "INFO after close, still mapped: %llu bytes in %llu buffers", ULL(bytes),
	      ULL(buffers));
	if (map != MAP_FAILED)
		munmap(map, req.size);
	usage_now(&bytes, &buffers);
	CHECK(bytes == bytes0 && buffers == buffers0,
	      "INFO after close and munmap: %llu bytes in %llu buffers", ULL(bytes), ULL(buffers));

	ro = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ro != MAP_FAILED, "a page for the read-only request");
	if (ro == MAP_FAILED)
		return;
	memcpy(ro, &req, sizeof(req));
	mprotect(ro, page_size, PROT_READ);
	next_fd = dup(0);
	close(next_fd);
	err = xioctl(ctl, DMAB_IOC_ALLOC, ro);
	CHECK(err == EFAULT, "ALLOC into a read-only request: %s", errname(err));
	usage_now(&bytes, &buffers);
	CHECK(bytes == bytes0 && buffers == buffers0,
	      "INFO after an ALLOC that could not answer: %llu bytes in %llu buffers", ULL(bytes),
	      ULL(buffers));
	fd = dup(0);
	CHECK(fd == next_fd, "an ALLOC that could not answer left an fd: the next is %d, not %d",
	      fd, next_fd);
	close(fd);
	munmap(ro, page_size);
}

/* ---- The carveout (kmod-test carveout SIZE@ADDR) ---- */

/* The kernel log holds @needle. */
static bool klog_has(const char *needle)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	bool found = false;
	char *log;

	if (len <= 0)
		return false;
	log = calloc(1, (size_t)len + 1);
	if (!log)
		return false;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, len);
	found = len > 0 && strstr(log, needle);
	free(log);
	return found;
}

/* INFO's carveout_used, and live_buffers and allocated_bytes beside it. */
static void carveout_usage(uint64_t *used, uint64_t *buffers, uint64_t *page_bytes)
{
	struct dmab_info now = { 0 };

	*used = *buffers = *page_bytes = UINT64_MAX;
	if (!xioctl(ctl, DMAB_IOC_INFO, &now)) {
		*used = now.carveout_used;
		*buffers = now.live_buffers;
		*page_bytes = now.allocated_bytes;
	}
}

/*
 * The region is the bound: a buffer bigger than it, or one more page once
 * it is all taken, is ENOMEM with a line in the kernel log saying how much
 * is free; closing gives it back. Carveout buffers count in live_buffers
 * and carveout_used, never in allocated_bytes (max_total_mb is for RAM).
 */
static void test_carveout_exhausted(void)
{
	uint64_t used, buffers, page_bytes;
	char needle[96];
	int all, more, err;

	err = alloc_buffer(DMAB_STRAT_CACHED_NOSYNC, carveout_size + page_size, &more);
	CHECK(err == ENOMEM, "a buffer a page larger than the carveout: %s, expected ENOMEM",
	      errname(err));
	if (!err)
		close(more);
	err = alloc_buffer(DMAB_STRAT_UNCACHED, carveout_size, &all);
	CHECK(!err && last_phys == carveout_base, "the whole carveout: %s at %#llx", errname(err),
	      ULL(last_phys));
	if (err)
		return;
	carveout_usage(&used, &buffers, &page_bytes);
	CHECK(used == carveout_size && buffers == 1 && page_bytes == 0,
	      "INFO with the whole carveout taken: used %llu, %llu buffers, %llu page bytes",
	      ULL(used), ULL(buffers), ULL(page_bytes));
	err = alloc_buffer(DMAB_STRAT_CACHED_NOSYNC, page_size, &more);
	CHECK(err == ENOMEM, "a page more than the carveout: %s, expected ENOMEM", errname(err));
	if (!err)
		close(more);
	snprintf(needle, sizeof(needle), "carveout: no free run of %zu KiB left (0 of %llu KiB free)",
		 page_size >> 10, ULL(carveout_size >> 10));
	CHECK(klog_has(needle), "the kernel log does not say \"%s\"", needle);
	/* the page backend does not share the carveout's bound */
	err = alloc_buffer_backend(DMAB_BACKEND_PAGES, DMAB_STRAT_CACHED_NOSYNC, 65536, &more);
	CHECK(!err, "a page-backed buffer with the carveout full: %s", errname(err));
	if (!err)
		close(more);
	close(all);
	carveout_usage(&used, &buffers, &page_bytes);
	CHECK(used == 0 && buffers == 0, "INFO after close: used %llu, %llu buffers", ULL(used),
	      ULL(buffers));
	err = alloc_buffer(DMAB_STRAT_WC, carveout_size, &all);
	CHECK(!err, "the whole carveout again after close: %s", errname(err));
	if (!err)
		close(all);
}

/*
 * What /dev/mem maps a carveout page as (mmap_mem in drivers/char/mem.c
 * asks phys_mem_access_prot()). x86: O_SYNC is UC- (PAT), without it WB.
 * arm64 (arch/arm64/mm/mmu.c): by pfn_is_map_memory(), false for no-map
 * memory and above mem=, so Device-nGnRnE whether O_SYNC or not. ARMv7
 * (arch/arm/mm/mmu.c): by pfn_valid(), a struct page: none (above mem=) is
 * strongly ordered whatever O_SYNC says; one (a no-map region inside a
 * memory bank) is Normal-NC with O_SYNC and write-back without.
 */
static uint32_t devmem_type(bool o_sync)
{
	if (!strcmp(info.arch, "x86_64"))
		return o_sync ? DMAB_MT_UC_MINUS : DMAB_MT_WB;
	if (!strcmp(info.arch, "arm") && carveout_has_page)
		return o_sync ? DMAB_MT_NORMAL_NC : DMAB_MT_WB;
	return DMAB_MT_DEVICE;
}

/*
 * The carveout buffer under a /dev/mem mapping of @type: the strategy of
 * that type (x86 PAT wants one type per range), so that its SYNC is what
 * the mapping needs. A write-back /dev/mem mapping is kept right by the
 * module's maintenance by physical range: the data caches are physically
 * tagged, so it reaches the lines of every mapping of the buffer.
 */
static uint32_t devmem_buffer_strategy(uint32_t type)
{
	switch (type) {
	case DMAB_MT_WB:
		return DMAB_STRAT_CACHED_SYNC;
	case DMAB_MT_NORMAL_NC:
		return DMAB_STRAT_WC;
	default:
		return DMAB_STRAT_UNCACHED;
	}
}

/*
 * /dev/mem over a carveout buffer, as the devmem backend maps it: the
 * memory type read back with DMAB_QUERY_ANY_PFNMAP (without it, EINVAL),
 * the module's device writing what the mapping reads, and the other way,
 * with the buffer's SYNC around each as the protocol has it.
 */
static void test_devmem(void)
{
	static const struct {
		int oflags;
		const char *what;
	} cases[] = {
		{ O_SYNC, "O_SYNC" },
		{ 0, "without O_SYNC" },
	};
	const size_t size = 65536;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t expected = devmem_type(cases[i].oflags);
		uint32_t strategy = devmem_buffer_strategy(expected);
		struct dmab_query_mapping q = { 0 };
		int fd, mem, err;
		uint64_t bad, phys;
		uint64_t *w;

		err = alloc_buffer(strategy, size, &fd);
		CHECK(!err, "devmem %s: alloc: %s", cases[i].what, errname(err));
		if (err)
			continue;
		phys = last_phys;
		mem = open("/dev/mem", O_RDWR | O_CLOEXEC | cases[i].oflags);
		CHECK(mem >= 0, "open /dev/mem %s: %s", cases[i].what, strerror(errno));
		if (mem < 0) {
			close(fd);
			continue;
		}
		w = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, mem, (off_t)phys);
		CHECK(w != MAP_FAILED, "mmap /dev/mem %s at %#llx: %s", cases[i].what, ULL(phys),
		      strerror(errno));
		close(mem);
		if (w == MAP_FAILED) {
			close(fd);
			continue;
		}
		q.address = (uintptr_t)w;
		err = xioctl(ctl, DMAB_IOC_QUERY_MAPPING, &q);
		CHECK(err == EINVAL, "QUERY_MAPPING of /dev/mem without ANY_PFNMAP: %s, expected EINVAL",
		      errname(err));
		q = (struct dmab_query_mapping){ .address = (uintptr_t)w + size - 8,
						 .flags = DMAB_QUERY_ANY_PFNMAP };
		err = xioctl(ctl, DMAB_IOC_QUERY_MAPPING, &q);
		CHECK(!err && q.memory_type == expected,
		      "/dev/mem %s: mapping %s (raw %#llx), expected %s: %s", cases[i].what,
		      memory_type_name(q.memory_type), ULL(q.raw), memory_type_name(expected),
		      errname(err));
		printf("INFO devmem %-15s: mapping %s raw %#llx (over a %s buffer)\n", cases[i].what,
		       memory_type_name(q.memory_type), ULL(q.raw), strategy_names[strategy]);

		/* the device writes at the physical address, /dev/mem reads it */
		err = sync_buffer(fd, DMAB_IOC_SYNC_FOR_DEVICE, DMAB_DIR_FROM_DEVICE, 0, size, NULL);
		if (!err)
			err = device_op(fd, DMAB_IOC_DEVICE_WRITE, 0, size, 3, 64, NULL);
		if (!err)
			err = sync_buffer(fd, DMAB_IOC_SYNC_FOR_CPU, DMAB_DIR_FROM_DEVICE, 0, size,
					  NULL);
		bad = err ? UINT64_MAX : bad_lines_in(w, size, 64, 3);
		CHECK(!bad, "devmem %s: %s, %llu bad lines through /dev/mem after a device write",
		      cases[i].what, errname(err), ULL(bad));
		/* and the other way */
		fill_frame(w, size, 64, 4);
		err = sync_buffer(fd, DMAB_IOC_SYNC_FOR_DEVICE, DMAB_DIR_TO_DEVICE, 0, size, NULL);
		if (!err)
			err = device_op(fd, DMAB_IOC_DEVICE_READ, 0, size, 4, 64, &bad);
		CHECK(!err && !bad, "devmem %s: the device read %llu bad lines of a frame written "
		      "through /dev/mem: %s", cases[i].what, ULL(bad), errname(err));
		munmap(w, size);
		close(fd);
	}
}

/*
 * kmod-test carveout SIZE@ADDR: what the module was loaded with
 * (carveout=SIZE@ADDR, K/M/G as memparse takes them).
 */
static int parse_carveout(const char *arg)
{
	char *end;

	carveout_size = strtoull(arg, &end, 0);
	carveout_size <<= *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;
	if (*end == 'K' || *end == 'M' || *end == 'G')
		end++;
	if (*end != '@')
		return -1;
	carveout_base = strtoull(end + 1, &end, 0);
	return *end || !carveout_size ? -1 : 0;
}

#define DT_RESERVED	"/proc/device-tree/reserved-memory"

/* A property of the device tree: its length, or -1. */
static int dt_read(const char *node, const char *property, unsigned char *buf, size_t len)
{
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", node, property);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, len, f);
	fclose(f);
	return (int)n;
}

/* @cells big-endian 32-bit cells at @p, as one number (1 or 2 cells). */
static uint64_t dt_number(const unsigned char *p, uint32_t cells)
{
	uint64_t v = 0;

	while (cells--) {
		v = v << 32 | (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
		p += 4;
	}
	return v;
}

/*
 * kmod-test carveout NODE: the range from the device tree, as the module
 * finds it: a child of /reserved-memory named NODE, with its unit address
 * or without it; reg's first range, in the parent's cells.
 */
static int parse_carveout_node(const char *name)
{
	size_t len = strlen(name);
	unsigned char cells[8], reg[16];
	uint32_t acells, scells;
	struct dirent *d;
	DIR *dp;

	dp = opendir(DT_RESERVED);
	if (!dp)
		return -1;
	while ((d = readdir(dp)))
		if (!strcmp(d->d_name, name) ||
		    (!strchr(name, '@') && !strncmp(d->d_name, name, len) && d->d_name[len] == '@')) {
			snprintf(carveout_node, sizeof(carveout_node), DT_RESERVED "/%s", d->d_name);
			break;
		}
	closedir(dp);
	if (!carveout_node[0] || dt_read(DT_RESERVED, "#address-cells", cells, 4) != 4 ||
	    dt_read(DT_RESERVED, "#size-cells", cells + 4, 4) != 4)
		return -1;
	acells = (uint32_t)dt_number(cells, 1);
	scells = (uint32_t)dt_number(cells + 4, 1);
	if (acells < 1 || acells > 2 || scells < 1 || scells > 2 ||
	    dt_read(carveout_node, "reg", reg, sizeof(reg)) < (int)(4 * (acells + scells)))
		return -1;
	carveout_base = dt_number(reg, acells);
	carveout_size = dt_number(reg + 4 * acells, scells);
	return carveout_size ? 0 : -1;
}

/* include/uapi/linux/kernel-page-flags.h */
#define KPF_NOPAGE	20
#define KPF_RESERVED	32

/*
 * The kernel's flags of the page at @phys, from /proc/kpageflags (root): 0
 * or -errno. A pfn without a struct page reads KPF_NOPAGE (fs/proc/page.c:
 * pfn_to_online_page(), which is pfn_valid() on a FLATMEM kernel such as
 * ARMv7's); one past the last the kernel has reads nothing.
 */
static int page_flags(uint64_t phys, uint64_t *flags)
{
	int fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread(fd, flags, sizeof(*flags), (off_t)(phys / page_size * sizeof(*flags)));
	close(fd);
	if (n == 0)
		*flags = 1ULL << KPF_NOPAGE;
	return n < 0 ? -errno : n == 0 || n == sizeof(*flags) ? 0 : -EIO;
}

/*
 * Whether the region has struct pages: what /dev/mem's memory type depends
 * on (devmem_type()). A no-map reserved-memory node must have them: no-map
 * memory stays in memblock.memory, which the memory map covers, and its
 * pages are PageReserved (memblock_mark_nomap() and
 * memmap_init_reserved_pages() in mm/memblock.c).
 */
static void test_carveout_pages(void)
{
	uint64_t flags = 0;
	int err = page_flags(carveout_base, &flags);

	carveout_has_page = !err && !(flags >> KPF_NOPAGE & 1);
	printf("INFO carveout struct page at %#llx: %s (kpageflags %#llx%s%s)\n",
	       ULL(carveout_base), carveout_has_page ? "yes" : "no", ULL(flags),
	       err ? ", " : "", err ? strerror(-err) : "");
	if (carveout_node[0])
		CHECK(!err && carveout_has_page && (flags >> KPF_RESERVED & 1),
		      "the no-map region %s: kpageflags %#llx (%s), expected a struct page, "
		      "PageReserved", carveout_node, ULL(flags), err ? strerror(-err) : "read");
}

/*
 * A no-map region inside a memory bank is a hole in System RAM: the kernel
 * lists memblock's ranges without the no-map ones (for_each_mem_range() in
 * request_standard_resources(), arch/arm/kernel/setup.c), so the module's
 * System RAM check (region_intersects()) and /dev/mem's (page_is_ram())
 * both let it through, and RAM lies on both sides of it.
 */
static void test_carveout_node(void)
{
	unsigned long long start, end, last = carveout_base + carveout_size - 1;
	bool below = false, above = false, inside = false;
	char line[256], name[64];
	unsigned char none[1];
	FILE *f;

	printf("INFO carveout node %s: reg %#llx +%#llx\n", carveout_node, ULL(carveout_base),
	       ULL(carveout_size));
	CHECK(dt_read(carveout_node, "no-map", none, sizeof(none)) == 0,
	      "%s has no (empty) no-map property", carveout_node);
	f = fopen("/proc/iomem", "r");
	CHECK(f, "/proc/iomem: %s", strerror(errno));
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx : %63[^\n]", &start, &end, name) != 3 ||
		    strcmp(name, "System RAM"))
			continue;
		if (end < carveout_base)
			below = true;
		else if (start > last)
			above = true;
		else
			inside = true;
	}
	fclose(f);
	CHECK(!inside && below && above, "/proc/iomem: System RAM %s the no-map region [%#llx-%#llx]"
	      " (below it: %s, above it: %s)", inside ? "in" : "around", ULL(carveout_base), last,
	      below ? "yes" : "no", above ? "yes" : "no");
}

static void test_carveout(void)
{
	/* one run of the region each: no chunks to cross (the A9 guest's time counts) */
	static const size_t sizes[] = { 4096, 65536 };
	uint32_t strategy;
	void *leftover;
	size_t s;
	int fd;

	if (carveout_node[0])
		test_carveout_node();
	test_carveout_pages();
	test_bad_inputs(true);
	test_carveout_exhausted();
	for (strategy = 0; strategy < DMAB_STRAT_COUNT; strategy++)
		for (s = 0; s < ARRAY_SIZE(sizes); s++)
			test_strategy(strategy, sizes[s]);
	test_devmem();
	test_kernel_log_clean("the carveout's strategies");

	/* A carveout buffer left mapped at exit: its run goes back (INFO in init.sh) */
	CHECK(!alloc_buffer(DMAB_STRAT_CACHED_SYNC, 8192, &fd), "the leftover carveout buffer");
	leftover = map_buffer(fd, 8192);
	CHECK(leftover != MAP_FAILED, "the leftover mapping");
}

/* Nothing stays accounted once every buffer is closed and unmapped. */
static void test_all_freed(void)
{
	int fd, err;

	err = alloc_buffer(DMAB_STRAT_CACHED_NOSYNC, info.max_total_bytes, &fd);
	CHECK(!err, "the whole quota after every buffer was freed: %s", errname(err));
	if (!err)
		close(fd);
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 4096, 65536, 3 * MiB, 16 * MiB };
	bool params = argc > 1 && !strcmp(argv[1], "params");
	bool carveout = argc > 1 && !strcmp(argv[1], "carveout");
	/*
	 * Through a DMA controller (dmaengine=on: QEMU's PL330 on the A9 guest)
	 * not the 16 MiB buffers: the emulated controller moves them a burst at a
	 * time, minutes under TCG; 3 MiB still crosses a chunk boundary.
	 */
	size_t n_sizes = ARRAY_SIZE(sizes) - (argc > 1 && !strcmp(argv[1], "dmaengine"));
	size_t s;
	uint32_t strategy;
	void *leftover;
	bool whole_quota;
	int fd;

	page_size = (size_t)sysconf(_SC_PAGESIZE);
	ctl = open(DMAB_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		perror(DMAB_DEVICE_PATH);
		return 1;
	}

	if (carveout) {
		carveout_dmaengine = argc == 4 && !strcmp(argv[3], "dmaengine");
		if ((argc != 3 && !carveout_dmaengine) ||
		    (parse_carveout(argv[2]) && parse_carveout_node(argv[2]))) {
			fprintf(stderr, "usage: kmod-test carveout SIZE@ADDR|NODE [dmaengine] (as "
				"carveout= had it: NODE a child of " DT_RESERVED ")\n");
			return 2;
		}
		backend = DMAB_BACKEND_CARVEOUT;
	}
	test_info(params ? 0660 : 0600);
	if (!expect)
		goto out;
	if (carveout) {
		test_carveout();
		goto out;
	}

	if (params) {
		/* insmod dmabench.ko mode=0660 max_total_mb=16 */
		CHECK(info.max_total_bytes == 16 * MiB, "max_total_bytes %llu",
		      ULL(info.max_total_bytes));
		test_quota();
		test_all_freed();
		goto out;
	}

	test_full_flush();
	test_accounting();
	test_alloc_atomic();
	test_bad_inputs(false);
	test_bad_abi();
	test_kernel_log_clean("the bad-ABI sweep");
	/* bounced mappings hold a swiotlb slot each: the pool (64 MiB) is smaller than the quota */
	whole_quota = expect->whole_quota_fits && !bounce;
	if (whole_quota)
		test_quota();
	else
		printf("NOTE %s: the whole quota does not fit %s here\n", info.arch,
		       bounce ? "in the swiotlb pool" : "in the vmalloc area");

	for (strategy = 0; strategy < DMAB_STRAT_COUNT; strategy++)
		for (s = 0; s < n_sizes; s++)
			test_strategy(strategy, sizes[s]);

	if (whole_quota)
		test_all_freed();
	test_kernel_log_clean("every strategy");

	/* A buffer left open and mapped at exit: the kernel must clean up. */
	CHECK(!alloc_buffer(bounce ? DMAB_STRAT_COHERENT : DMAB_STRAT_WC, 8192, &fd),
	      "the leftover buffer");
	leftover = map_buffer(fd, 8192);
	CHECK(leftover != MAP_FAILED, "the leftover mapping");
out:
	printf("kmod-test: %d passed, %d failed\n", passes, fails);
	return fails ? 1 : 0;
}
