// SPDX-License-Identifier: GPL-2.0
#include "user.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../harness/oracle.h"
#include "../harness/timer.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

/* Buffers: page-aligned anonymous memory, write-back like all user memory. */

int dmab_user_setup(const struct dmab_strategy *s, struct dmab_buffer *buf, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)s;
	if (p == MAP_FAILED)
		return -errno;
	buf->cpu = p;
	buf->size = size;
	buf->priv = NULL;
	return 0;
}

void dmab_user_teardown(struct dmab_buffer *buf)
{
	if (buf->cpu)
		munmap(buf->cpu, buf->size);
	buf->cpu = NULL;
}

int dmab_user_mapping(struct dmab_buffer *buf, const char **effective, const char **how)
{
	(void)buf;
	*effective = "write-back";
	*how = "not read back: anonymous user memory is write-back and user space cannot change that";
	return 0;
}

int dmab_user_no_sync(struct dmab_buffer *buf, size_t offset, size_t length,
		      enum dmab_dir dir)
{
	(void)buf;
	(void)offset;
	(void)length;
	(void)dir;
	return 0;
}

/* Cache maintenance from user space. */

#if defined(__x86_64__)
/* Read once: cpuid traps to the hypervisor in a VM and would cost microseconds a sync. */
static size_t flush_line;
static int have_clflushopt;

const char *dmab_user_maintenance = "clflushopt over the range, then sfence";

static void maintenance_init(void)
{
	unsigned int a, b, c, d;

	if (flush_line)
		return;
	/* CPUID.(7,0):EBX bit 23 is clflushopt */
	__asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
	have_clflushopt = !!(b & (1u << 23));
	if (!have_clflushopt)
		dmab_user_maintenance = "clflush over the range, then mfence (no clflushopt)";
	/* CPUID.1:EBX[15:8] is the clflush line size in 8-byte units */
	__asm__("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	flush_line = ((b >> 8) & 0xff) * 8;
	if (!flush_line)
		flush_line = 64;
}

size_t dmab_user_cache_line(void)
{
	maintenance_init();
	return flush_line;
}

__attribute__((target("clflushopt")))
static void flush_clflushopt(unsigned char *p, size_t length, size_t line)
{
	unsigned char *end = p + length;

	for (p = (unsigned char *)((uintptr_t)p & ~(uintptr_t)(line - 1)); p < end; p += line)
		_mm_clflushopt(p);
	_mm_sfence();
}

static void flush_clflush(unsigned char *p, size_t length, size_t line)
{
	unsigned char *end = p + length;

	for (p = (unsigned char *)((uintptr_t)p & ~(uintptr_t)(line - 1)); p < end; p += line)
		_mm_clflush(p);
	_mm_mfence();
}

static void flush_range(unsigned char *p, size_t length)
{
	maintenance_init();
	if (have_clflushopt)
		flush_clflushopt(p, length, flush_line);
	else
		flush_clflush(p, length, flush_line);
}

int dmab_user_maintenance_probe(const struct dmab_strategy *s, const char **reason)
{
	(void)s;
	(void)reason;
	maintenance_init();
	return 0;
}

/* x86 has no user-space clean that keeps the line everywhere (clwb may evict): flush. */
static int clean_range(unsigned char *p, size_t length)
{
	flush_range(p, length);
	return 0;
}

static int invalidate_range(unsigned char *p, size_t length)
{
	flush_range(p, length);
	return 0;
}

#elif defined(__aarch64__)
const char *dmab_user_maintenance =
	"dc cvac before the device writes, dc civac before the CPU reads, then dsb sy";

size_t dmab_user_cache_line(void)
{
	static size_t line;
	uint64_t ctr;

	if (!line) {
		__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
		line = (size_t)4 << ((ctr >> 16) & 0xf);	/* DminLine, log2 of words */
	}
	return line;
}

int dmab_user_maintenance_probe(const struct dmab_strategy *s, const char **reason)
{
	(void)s;
	(void)reason;
	return 0;
}

static int clean_range(unsigned char *start, size_t length)
{
	size_t line = dmab_user_cache_line();
	uintptr_t p = (uintptr_t)start & ~(uintptr_t)(line - 1);
	uintptr_t end = (uintptr_t)(start + length);

	for (; p < end; p += line)
		__asm__ volatile("dc cvac, %0" : : "r"(p) : "memory");
	__asm__ volatile("dsb sy" : : : "memory");
	return 0;
}

static int invalidate_range(unsigned char *start, size_t length)
{
	size_t line = dmab_user_cache_line();
	uintptr_t p = (uintptr_t)start & ~(uintptr_t)(line - 1);
	uintptr_t end = (uintptr_t)(start + length);

	/* dc ivac is not allowed at EL0: clean and invalidate instead */
	for (; p < end; p += line)
		__asm__ volatile("dc civac, %0" : : "r"(p) : "memory");
	__asm__ volatile("dsb sy" : : : "memory");
	return 0;
}

#else
const char *dmab_user_maintenance = "none: not available from user space here";

size_t dmab_user_cache_line(void)
{
	long l = sysconf(_SC_LEVEL1_DCACHE_LINESIZE);

	return l > 0 ? (size_t)l : 0;
}

int dmab_user_maintenance_probe(const struct dmab_strategy *s, const char **reason)
{
	(void)s;
	*reason = "this architecture has no data cache maintenance that user space may "
		  "issue (ARMv7 needs the kernel for it): use the kmod backend";
	return -EOPNOTSUPP;
}

static int clean_range(unsigned char *start, size_t length)
{
	(void)start;
	(void)length;
	return -EOPNOTSUPP;
}

static int invalidate_range(unsigned char *start, size_t length)
{
	return clean_range(start, length);
}
#endif

int dmab_user_sync_for_device(struct dmab_buffer *buf, size_t offset, size_t length,
			      enum dmab_dir dir)
{
	(void)dir;
	return clean_range(buf->cpu + offset, length);
}

int dmab_user_sync_for_cpu(struct dmab_buffer *buf, size_t offset, size_t length,
			   enum dmab_dir dir)
{
	if (dir == DMAB_TO_DEVICE)
		return 0;
	return invalidate_range(buf->cpu + offset, length);
}

/*
 * The emulated device. One thread, pinned to another CPU than the consumer,
 * takes one request at a time. Both sides block on futexes: spinning would
 * steal the other vCPU's time on a small machine.
 */

enum device_op { DEVICE_WRITE, DEVICE_READ, DEVICE_STOP };

static struct {
	pthread_t thread;
	int running;
	size_t line;
	int consumer_cpu, device_cpu;
	_Atomic uint32_t posted;	/* futex: requests posted */
	_Atomic uint32_t completed;	/* futex: requests completed */
	enum device_op op;
	unsigned char *frame;
	size_t length;
	uint64_t seq;
	struct dmab_integrity seen;
	uint64_t busy_ticks;
	size_t stale_lines;		/* --inject stale: lines left unwritten a frame */
	char description[768];
} dev = { .consumer_cpu = -1, .device_cpu = -1 };

static void futex_wait(_Atomic uint32_t *word, uint32_t value)
{
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, value, NULL, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/*
 * The bytes of a frame of @length the device writes: all of them, or with
 * --inject stale those before its last dev.stale_lines lines. The oracle's
 * words depend only on their place in the frame, so a shorter fill from the
 * start writes exactly the lines it covers.
 */
static size_t written_length(size_t length)
{
	size_t lines = (length + dev.line - 1) / dev.line;

	if (dev.stale_lines >= lines)
		return 0;
	return dev.stale_lines ? (lines - dev.stale_lines) * dev.line : length;
}

static void *device_main(void *arg)
{
	uint64_t start;
	uint32_t seen = 0, p;

	(void)arg;
	for (;;) {
		while ((p = atomic_load_explicit(&dev.posted, memory_order_acquire)) == seen)
			futex_wait(&dev.posted, seen);
		seen = p;
		if (dev.op == DEVICE_STOP)
			break;
		start = dmab_ticks();
		if (dev.op == DEVICE_WRITE) {
			dmab_oracle_fill_device(dev.frame, written_length(dev.length), dev.line,
						dev.seq);
		} else {
			memset(&dev.seen, 0, sizeof(dev.seen));
			dmab_oracle_check(dev.frame, dev.length, dev.line, dev.seq, 0, &dev.seen);
		}
		dev.busy_ticks = dmab_ticks() - start;
		atomic_store_explicit(&dev.completed, seen, memory_order_release);
		futex_wake(&dev.completed);
	}
	atomic_store_explicit(&dev.completed, seen, memory_order_release);
	futex_wake(&dev.completed);
	return NULL;
}

static void device_request(enum device_op op)
{
	uint32_t target = atomic_load_explicit(&dev.posted, memory_order_relaxed) + 1;
	uint32_t c;

	dev.op = op;
	atomic_store_explicit(&dev.posted, target, memory_order_release);
	futex_wake(&dev.posted);
	while ((c = atomic_load_explicit(&dev.completed, memory_order_acquire)) != target)
		futex_wait(&dev.completed, c);
}

/* The consumer keeps the first CPU it may use; the device takes the next one. */
static void choose_cpus(void)
{
	cpu_set_t set;
	int i, first = -1, second = -1;

	if (sched_getaffinity(0, sizeof(set), &set))
		return;
	for (i = 0; i < CPU_SETSIZE; i++) {
		if (!CPU_ISSET(i, &set))
			continue;
		if (first < 0)
			first = i;
		else if (second < 0)
			second = i;
	}
	if (first < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(first, &set);
	if (!sched_setaffinity(0, sizeof(set), &set))
		dev.consumer_cpu = first;
	dev.device_cpu = second >= 0 ? second : first;
}

static int device_open(size_t line)
{
	char note[192] = "";
	pthread_attr_t attr;
	cpu_set_t set;
	int ret;

	if (dev.running)
		return 0;
	if (dev.stale_lines)
		snprintf(note, sizeof(note), " unless told to: in this run (--inject stale=%zu, "
			 "a self-test of the harness) it leaves the last %zu lines of each frame "
			 "unwritten", dev.stale_lines, dev.stale_lines);
	dev.line = line;
	/*
	 * A new thread counts requests from 0: so must the words. Left at the
	 * last close's count, a thread that started before the first request
	 * took the close's DEVICE_STOP for a new one and left, and the request
	 * waited forever (a second open in one process: the unit tests).
	 */
	atomic_store(&dev.posted, 0);
	atomic_store(&dev.completed, 0);
	choose_cpus();
	pthread_attr_init(&attr);
	if (dev.device_cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(dev.device_cpu, &set);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	ret = pthread_create(&dev.thread, &attr, device_main, NULL);
	pthread_attr_destroy(&attr);
	if (ret)
		return -ret;
	dev.running = 1;
	snprintf(dev.description, sizeof(dev.description),
		 "emulated: a thread on CPU %d (the consumer is on CPU %d%s) writes frames with %s "
		 "and reads them with ordinary loads; requests and completions are futex "
		 "wake-ups, never spinning. Its caches are coherent with the consumer's, so "
		 "stale data cannot appear with this device%s",
		 dev.device_cpu, dev.consumer_cpu,
		 dev.device_cpu == dev.consumer_cpu ? ", the same CPU: only one is usable" : "",
		 dmab_oracle_device_stores, note);
	return 0;
}

static int device_inject_stale(size_t lines)
{
	dev.stale_lines = lines;
	return 0;
}

static void device_close(void)
{
	if (!dev.running)
		return;
	device_request(DEVICE_STOP);
	pthread_join(dev.thread, NULL);
	dev.running = 0;
}

static int device_write(struct dmab_buffer *buf, size_t offset, size_t length, uint64_t seq,
			uint64_t *busy_ns)
{
	dev.frame = buf->cpu + offset;
	dev.length = length;
	dev.seq = seq;
	device_request(DEVICE_WRITE);
	*busy_ns = dmab_ticks_to_ns(dev.busy_ticks);
	return 0;
}

static int device_read(struct dmab_buffer *buf, size_t offset, size_t length, uint64_t seq,
		       struct dmab_integrity *seen, uint64_t *busy_ns)
{
	dev.frame = buf->cpu + offset;
	dev.length = length;
	dev.seq = seq;
	device_request(DEVICE_READ);
	*seen = dev.seen;
	*busy_ns = dmab_ticks_to_ns(dev.busy_ticks);
	return 0;
}

static const char *device_describe(void)
{
	return dev.description;
}

const struct dmab_device dmab_user_device = {
	.name = "user-thread",
	.emulated = 1,
	.open = device_open,
	.close = device_close,
	.write = device_write,
	.read = device_read,
	.describe = device_describe,
	.inject_stale = device_inject_stale,
};
