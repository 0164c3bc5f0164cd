// SPDX-License-Identifier: GPL-2.0
/*
 * kmod-test: drives every ioctl of dmabench.ko inside a test guest. Bad input
 * per ioctl (flags, reserved fields, sizes, overflowing ranges: each its
 * errno), then per strategy and size: alloc, mmap, device write, sync, CPU
 * read of the oracle frame, playback the other way, QUERY_MAPPING's memory
 * type for the architecture, and a buffer left mapped at exit for the kernel
 * to clean up. Ends with "kmod-test: N passed, N failed".
 * First version, written while bringing the module up; to be made table-driven.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "dmabench.h"	/* kmod/include/uapi */

static int fails, passes;
#define CHECK(c, ...) do { if (c) passes++; else { fails++; printf("FAIL %s:%d: ", __func__, __LINE__); printf(__VA_ARGS__); printf("\n"); } } while (0)
#define ERRNO_IS(r, e) ((r) == -1 && errno == (e))

static const char *names[] = { "uncached", "wc", "cached-sync", "full-flush", "coherent", "cached-nosync" };
static const char *mts[] = { "unknown", "WB", "WC", "UC-", "UC", "NormalNC", "Device", "WT" };

static int ctl;
static char arch[32];

static int alloc(uint32_t strat, uint64_t size, int *err)
{
	struct dmab_alloc a = { .strategy = strat, .size = size };
	if (ioctl(ctl, DMAB_IOC_ALLOC, &a)) { *err = errno; return -1; }
	*err = 0;
	return a.fd;
}

static void fill(uint64_t *w, size_t size, size_t line, uint64_t seq)
{
	uint64_t key = dmab_oracle_key(seq);
	size_t wpl = line / 8, n = size / 8;
	for (size_t i = 0; i < n; i++)
		w[i] = (i % wpl == 0) ? seq : key ^ ((uint64_t)(i + 1) * DMAB_ORACLE_M);
}

static size_t badlines(const uint64_t *w, size_t size, size_t line, uint64_t seq)
{
	uint64_t key = dmab_oracle_key(seq);
	size_t wpl = line / 8, n = size / 8, bad = 0;
	for (size_t first = 0; first < n; first += wpl) {
		int b = 0;
		for (size_t i = first; i < n && i < first + wpl; i++) {
			uint64_t e = (i % wpl == 0) ? seq : key ^ ((uint64_t)(i + 1) * DMAB_ORACLE_M);
			if (w[i] != e) b = 1;
		}
		bad += b;
	}
	return bad;
}

static int devop(int fd, unsigned long cmd, uint64_t off, uint64_t len, uint64_t seq, uint32_t line, uint64_t *bad)
{
	struct dmab_device_op op = { .offset = off, .length = len, .sequence = seq, .line = line };
	int r = ioctl(fd, cmd, &op);
	if (bad) *bad = op.bad_lines;
	return r;
}

static int sync_(int fd, unsigned long cmd, uint32_t dir, uint64_t off, uint64_t len, uint32_t *done)
{
	struct dmab_sync s = { .direction = dir, .offset = off, .length = len };
	int r = ioctl(fd, cmd, &s);
	if (done) *done = s.done;
	return r;
}

static void test_strategy(uint32_t st, size_t size)
{
	int err, fd = alloc(st, size, &err);
	uint64_t bad;
	uint32_t done;

	if (fd < 0) {
		printf("NOTE %s %zu: alloc failed: %s\n", names[st], size, strerror(err));
		CHECK((st == DMAB_STRAT_COHERENT || (st == DMAB_STRAT_WC && strcmp(arch, "x86_64"))) && err == ENOMEM, "alloc %s %zu: %s", names[st], size, strerror(err));
		return;
	}
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC, "cloexec");
	CHECK(mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0) == MAP_FAILED && errno == EINVAL, "private map");
	CHECK(mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096) == MAP_FAILED && errno == EINVAL, "offset map");
	CHECK(mmap(NULL, size + 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EINVAL, "big map");
	uint64_t *w = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(w != MAP_FAILED, "mmap %s: %s", names[st], strerror(errno));
	if (w == MAP_FAILED) { close(fd); return; }
	int zero = 1;
	for (size_t i = 0; i < size / 8; i++) if (w[i]) { zero = 0; break; }
	CHECK(zero, "%s not zeroed", names[st]);

	struct dmab_query_mapping q = { .address = (uintptr_t)w };
	CHECK(ioctl(ctl, DMAB_IOC_QUERY_MAPPING, &q) == 0, "query %s", strerror(errno));
	struct dmab_query_mapping q2 = { .address = (uintptr_t)w + size - 1 };
	CHECK(ioctl(ctl, DMAB_IOC_QUERY_MAPPING, &q2) == 0 && q2.memory_type == q.memory_type, "query end");
	printf("INFO %-13s %8zu: mapping %s raw %#llx kernel_ns %llu\n", names[st], size,
	       q.memory_type < 8 ? mts[q.memory_type] : "?", (unsigned long long)q.raw, (unsigned long long)q.kernel_ns);

	/* capture */
	CHECK(sync_(fd, DMAB_IOC_SYNC_FOR_DEVICE, DMAB_DIR_FROM_DEVICE, 0, size, &done) == 0, "sync dev");
	CHECK(devop(fd, DMAB_IOC_DEVICE_WRITE, 0, size, 5, 64, &bad) == 0, "devwrite %s", strerror(errno));
	CHECK(sync_(fd, DMAB_IOC_SYNC_FOR_CPU, DMAB_DIR_FROM_DEVICE, 0, size, &done) == 0, "sync cpu");
	printf("INFO %-13s sync_for_cpu done=%u\n", names[st], done);
	CHECK(badlines(w, size, 64, 5) == 0, "%s: cpu sees %zu bad lines", names[st], badlines(w, size, 64, 5));
	CHECK(devop(fd, DMAB_IOC_DEVICE_READ, 0, size, 5, 64, &bad) == 0 && bad == 0, "devread 5 bad=%llu", (unsigned long long)bad);
	CHECK(devop(fd, DMAB_IOC_DEVICE_READ, 0, size, 6, 64, &bad) == 0 && bad == size / 64, "devread 6 bad=%llu", (unsigned long long)bad);
	CHECK(devop(fd, DMAB_IOC_DEVICE_READ, 0, size, 5, 512, &bad) == 0 && bad == size / 512, "devread line512 bad=%llu", (unsigned long long)bad);
	/* playback */
	fill(w, size, 128, 7);
	CHECK(sync_(fd, DMAB_IOC_SYNC_FOR_DEVICE, DMAB_DIR_TO_DEVICE, 0, size, &done) == 0, "sync dev");
	printf("INFO %-13s sync_for_device done=%u\n", names[st], done);
	CHECK(devop(fd, DMAB_IOC_DEVICE_READ, 0, size, 7, 128, &bad) == 0 && bad == 0, "playback bad=%llu", (unsigned long long)bad);
	/* partial frame at odd offset with partial last line */
	if (size >= 8192) {
		uint64_t off = 4096 - 24, len = 1000;
		CHECK(devop(fd, DMAB_IOC_DEVICE_WRITE, off, len, 9, 64, NULL) == 0, "partial write");
		CHECK(badlines((uint64_t *)((char *)w + off), len, 64, 9) == 0, "partial cpu check");
		CHECK(devop(fd, DMAB_IOC_DEVICE_READ, off, len, 9, 64, &bad) == 0 && bad == 0, "partial read %llu", (unsigned long long)bad);
		CHECK(devop(fd, DMAB_IOC_DEVICE_READ, off, len, 10, 64, &bad) == 0 && bad == 16, "partial read bad %llu", (unsigned long long)bad);
		w[(off + len - 8) / 8] ^= 1; /* corrupt only the partial last line */
		CHECK(devop(fd, DMAB_IOC_DEVICE_READ, off, len, 9, 64, &bad) == 0 && bad == 1, "partial last line %llu", (unsigned long long)bad);
		/* frame across a chunk boundary (3 MiB buffer: 2 MiB chunk + 64K chunks) */
		if (size > (2u << 20)) {
			off = (2u << 20) - 1000; len = 4096;
			CHECK(devop(fd, DMAB_IOC_DEVICE_WRITE, off, len, 11, 256, NULL) == 0, "cross write");
			CHECK(badlines((uint64_t *)((char *)w + off), len, 256, 11) == 0, "cross cpu check");
			CHECK(devop(fd, DMAB_IOC_DEVICE_READ, off, len, 11, 256, &bad) == 0 && bad == 0, "cross read %llu", (unsigned long long)bad);
		}
	}
	/* validation */
	CHECK(ERRNO_IS(devop(fd, DMAB_IOC_DEVICE_WRITE, 0, size, 1, 8, NULL), EINVAL), "line 8");
	CHECK(ERRNO_IS(devop(fd, DMAB_IOC_DEVICE_WRITE, 0, size, 1, 1024, NULL), EINVAL), "line 1024");
	CHECK(ERRNO_IS(devop(fd, DMAB_IOC_DEVICE_WRITE, 0, size, 1, 48, NULL), EINVAL), "line 48");
	CHECK(ERRNO_IS(devop(fd, DMAB_IOC_DEVICE_WRITE, 0, 12, 1, 64, NULL), EINVAL), "len 12");
	CHECK(ERRNO_IS(devop(fd, DMAB_IOC_DEVICE_WRITE, 0, 0, 1, 64, NULL), EINVAL), "len 0");
	CHECK(ERRNO_IS(devop(fd, DMAB_IOC_DEVICE_WRITE, 4, 8, 1, 64, NULL), EINVAL), "off 4");
	CHECK(ERRNO_IS(devop(fd, DMAB_IOC_DEVICE_WRITE, 8, size, 1, 64, NULL), EINVAL), "beyond");
	CHECK(ERRNO_IS(devop(fd, DMAB_IOC_DEVICE_WRITE, UINT64_MAX - 7, 16, 1, 64, NULL), EINVAL), "overflow");
	{
		struct dmab_device_op op = { .length = 8, .line = 64, .flags = 1 };
		CHECK(ERRNO_IS(ioctl(fd, DMAB_IOC_DEVICE_WRITE, &op), EINVAL), "devop flags");
		op.flags = 0; op.reserved[1] = 1;
		CHECK(ERRNO_IS(ioctl(fd, DMAB_IOC_DEVICE_READ, &op), EINVAL), "devop reserved");
	}
	CHECK(ERRNO_IS(sync_(fd, DMAB_IOC_SYNC_FOR_CPU, 0, 0, size, NULL), EINVAL), "dir 0");
	CHECK(ERRNO_IS(sync_(fd, DMAB_IOC_SYNC_FOR_CPU, 3, 0, size, NULL), EINVAL), "dir 3");
	CHECK(ERRNO_IS(sync_(fd, DMAB_IOC_SYNC_FOR_CPU, 1, 1, size, NULL), EINVAL), "sync beyond");
	CHECK(ERRNO_IS(sync_(fd, DMAB_IOC_SYNC_FOR_CPU, 1, UINT64_MAX, 2, NULL), EINVAL), "sync overflow");
	CHECK(ERRNO_IS(sync_(fd, DMAB_IOC_SYNC_FOR_CPU, 1, 0, 0, NULL), EINVAL), "sync len 0");
	{
		struct dmab_sync s = { .direction = 1, .length = 8, .pad = 1 };
		CHECK(ERRNO_IS(ioctl(fd, DMAB_IOC_SYNC_FOR_DEVICE, &s), EINVAL), "sync pad");
		s.pad = 0; s.flags = 2;
		CHECK(ERRNO_IS(ioctl(fd, DMAB_IOC_SYNC_FOR_DEVICE, &s), EINVAL), "sync flags");
		s.flags = 0; s.reserved[0] = 3;
		CHECK(ERRNO_IS(ioctl(fd, DMAB_IOC_SYNC_FOR_DEVICE, &s), EINVAL), "sync reserved");
	}
	CHECK(ERRNO_IS(ioctl(fd, DMAB_IOC_INFO, NULL), ENOTTY), "buffer INFO");
	CHECK(ERRNO_IS(ioctl(fd, _IO(0xDB, 0x77)), ENOTTY), "buffer unknown");
	/* fork: child sees and writes the mapping */
	pid_t pid = fork();
	if (pid == 0) { w[1] = 0x1234; _exit(0); }
	waitpid(pid, NULL, 0);
	CHECK(w[1] == 0x1234, "fork share");
	/* close while mapped; mapping stays usable */
	close(fd);
	w[0] = 42;
	CHECK(w[0] == 42, "after close");
	CHECK(ioctl(ctl, DMAB_IOC_QUERY_MAPPING, &q) == 0, "query after close");
	/* partial munmap then full */
	if (size >= 8192) munmap((char *)w + 4096, 4096);
	munmap(w, size);
	CHECK(ERRNO_IS(ioctl(ctl, DMAB_IOC_QUERY_MAPPING, &q), EFAULT), "query after munmap");
}

int main(int argc, char **argv)
{
	(void)argv;
	if (argc > 1) { /* param mode: just check quota of 16 MiB and mode */
		int e; struct stat sb2; ctl = open(DMAB_DEVICE_PATH, O_RDWR); stat(DMAB_DEVICE_PATH, &sb2);
		CHECK((sb2.st_mode & 0777) == 0660, "mode param %o", sb2.st_mode & 0777);
		CHECK(alloc(2, 32u << 20, &e) < 0 && e == EDQUOT, "quota param");
		CHECK(alloc(2, 16u << 20, &e) >= 0, "quota param ok");
		printf("kmod-test params: %d passed, %d failed\n", passes, fails); return fails != 0;
	}
	struct stat sb;
	ctl = open(DMAB_DEVICE_PATH, O_RDWR);
	if (ctl < 0) { perror("open"); return 1; }
	CHECK(stat(DMAB_DEVICE_PATH, &sb) == 0 && (sb.st_mode & 0777) == 0600, "mode %o", sb.st_mode & 0777);

	struct dmab_info info;
	memset(&info, 0xff, sizeof(info));
	CHECK(ioctl(ctl, DMAB_IOC_INFO, &info) == 0, "info");
	printf("INFO abi %u flags %#x line %u mask %#x max %llu arch '%s' chan '%s' ns %llu\n", info.abi_version, info.flags,
	       info.cache_line, info.strategy_mask, (unsigned long long)info.max_total_bytes, info.arch, info.dma_channel,
	       (unsigned long long)info.kernel_ns);
	memcpy(arch, info.arch, sizeof(arch));
	CHECK(info.abi_version == DMAB_ABI_VERSION && info.strategy_mask == 0x3f && info.reserved[0] == 0, "info values");

	CHECK(ERRNO_IS(ioctl(ctl, _IO(0xDB, 0x55)), ENOTTY), "unknown");
	CHECK(ERRNO_IS(ioctl(ctl, DMAB_IOC_SYNC_FOR_CPU, NULL), ENOTTY), "buffer cmd on ctl");
	CHECK(ERRNO_IS(ioctl(ctl, DMAB_IOC_ALLOC, (void *)8), EFAULT), "efault");
	int err;
	struct dmab_alloc a = { .strategy = 2, .size = 4096, .flags = 1 };
	CHECK(ERRNO_IS(ioctl(ctl, DMAB_IOC_ALLOC, &a), EINVAL), "alloc flags");
	a.flags = 0; a.pad = 1;
	CHECK(ERRNO_IS(ioctl(ctl, DMAB_IOC_ALLOC, &a), EINVAL), "alloc pad");
	a.pad = 0; a.reserved[1] = 1;
	CHECK(ERRNO_IS(ioctl(ctl, DMAB_IOC_ALLOC, &a), EINVAL), "alloc reserved");
	CHECK(alloc(6, 4096, &err) < 0 && err == EINVAL, "strategy 6");
	CHECK(alloc(0xffffffff, 4096, &err) < 0 && err == EINVAL, "strategy -1");
	CHECK(alloc(2, 0, &err) < 0 && err == EINVAL, "size 0");
	CHECK(alloc(2, 100, &err) < 0 && err == EINVAL, "size 100");
	CHECK(alloc(2, (1ULL << 30) + 4096, &err) < 0 && err == EINVAL, "size > max");
	CHECK(alloc(2, 1ULL << 63, &err) < 0 && err == EINVAL, "size huge");
	CHECK(alloc(2, 300ULL << 20, &err) < 0 && err == EDQUOT, "quota: %s", strerror(err));
	int f1 = alloc(2, 200ULL << 20, &err);
	CHECK(f1 >= 0, "200M: %s", strerror(err));
	CHECK(alloc(2, 100ULL << 20, &err) < 0 && err == EDQUOT, "quota 2: %s", strerror(err));
	close(f1);
	usleep(10000);
	f1 = alloc(0, 100ULL << 20, &err);
	CHECK(f1 >= 0, "100M uncached after free: %s", strerror(err));
	close(f1);

	struct dmab_full_flush ff = { 0 };
	if (!strcmp(arch, "arm64"))	/* no whole-cache flush there: only a buffer's SYNC stands in */
		CHECK(ERRNO_IS(ioctl(ctl, DMAB_IOC_FULL_FLUSH, &ff), EOPNOTSUPP), "full flush on arm64");
	else
		CHECK(ioctl(ctl, DMAB_IOC_FULL_FLUSH, &ff) == 0 && ff.done == (strcmp(arch, "arm") ? DMAB_DONE_WBINVD : DMAB_DONE_FLUSH_ALL), "full flush %s", strerror(errno));
	printf("INFO full flush done=%u ns=%llu\n", ff.done, (unsigned long long)ff.kernel_ns);
	ff.flags = 1;
	CHECK(ERRNO_IS(ioctl(ctl, DMAB_IOC_FULL_FLUSH, &ff), EINVAL), "ff flags");

	struct dmab_query_mapping q = { .address = (uintptr_t)&q };
	CHECK(ERRNO_IS(ioctl(ctl, DMAB_IOC_QUERY_MAPPING, &q), EINVAL), "query stack");
	q.address = 16;
	CHECK(ERRNO_IS(ioctl(ctl, DMAB_IOC_QUERY_MAPPING, &q), EFAULT), "query null");
	q.flags = 1;
	CHECK(ERRNO_IS(ioctl(ctl, DMAB_IOC_QUERY_MAPPING, &q), EINVAL), "query flags");

	size_t sizes[] = { 4096, 65536, 3u << 20, 16u << 20 };
	for (uint32_t st = 0; st < DMAB_STRAT_COUNT; st++)
		for (size_t i = 0; i < 4; i++)
			test_strategy(st, sizes[i]);

	/* leave a buffer open and mapped at exit: the kernel must clean up */
	int fd = alloc(1, 8192, &err);
	void *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "leftover map");
	printf("kmod-test: %d passed, %d failed\n", passes, fails);
	return fails ? 1 : 0;
}
