// SPDX-License-Identifier: GPL-2.0
#include "devmem.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "kmod.h"
#include "user.h"
#include "../harness/oracle.h"
#include "../harness/timer.h"

#define DEVMEM_PATH "/dev/mem"

#if defined(__aarch64__)
#define IS_AARCH64 1
#else
#define IS_AARCH64 0
#endif
#if defined(__arm__)
#define IS_ARM32 1
#else
#define IS_ARM32 0
#endif
/* Buffers this process lays out in the range itself (no module): at most this many at once. */
#define MAX_PLACED 256

/* Once per process: where the range is, who allocates in it, whether /dev/mem lets us in. */
static struct {
	int tried;
	int err;
	const char *reason;
	char reason_text[1024];
	uint64_t base, size;
	const char *source;
	int module;			/* the module allocates and plays the device */
	const char *strict, *io_strict, *config_source;
	enum dmab_iomem_verdict iomem;
	char iomem_what[256];
	/* no module: the buffers laid out in the range, as offsets */
	struct {
		uint64_t offset, length;
	} placed[MAX_PLACED];
	size_t n_placed;
} dm;

/* ---- Parsing ---- */

static int parse_size(const char *text, uint64_t *value, const char **end)
{
	char *e;
	unsigned long long v;
	unsigned int shift = 0;

	if (*text < '0' || *text > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(text, &e, 0);
	if (errno)
		return -EINVAL;
	switch (*e) {
	case 'K':
	case 'k':
		shift = 10;
		break;
	case 'M':
	case 'm':
		shift = 20;
		break;
	case 'G':
	case 'g':
		shift = 30;
		break;
	}
	if (shift) {
		e++;
		if (v > UINT64_MAX >> shift)
			return -EINVAL;
	}
	*value = (uint64_t)v << shift;
	*end = e;
	return 0;
}

int dmab_devmem_parse_range(const char *text, uint64_t *base, uint64_t *size)
{
	const char *end;

	if (!text || parse_size(text, size, &end) || *end != '@' || !*size)
		return -EINVAL;
	if (parse_size(end + 1, base, &end) || *end)
		return -EINVAL;
	if (*base + *size < *base)
		return -EINVAL;
	return 0;
}

/* ---- What the kernel lets /dev/mem map ---- */

enum dmab_iomem_verdict dmab_devmem_iomem(const char *iomem, uint64_t base, uint64_t size,
					  char *what, size_t len)
{
	enum dmab_iomem_verdict verdict = DMAB_IOMEM_FREE;
	uint64_t last = base + size - 1;
	int nonzero = 0;
	const char *line;

	what[0] = 0;
	for (line = iomem; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		unsigned long long start, end;
		char name[128];
		int n = 0;

		if (sscanf(line, " %llx-%llx : %127[^\n]%n", &start, &end, name, &n) != 3)
			continue;
		nonzero |= start || end;
		if (end < base || start > last)
			continue;
		if (!strcmp(name, "System RAM")) {
			snprintf(what, len, "[%#llx-%#llx] System RAM", start, end);
			return DMAB_IOMEM_RAM;
		}
		if (strcmp(name, "Reserved") && strcmp(name, "reserved") &&
		    verdict == DMAB_IOMEM_FREE) {
			snprintf(what, len, "[%#llx-%#llx] %s", start, end, name);
			verdict = DMAB_IOMEM_CLAIMED;
		} else if (!what[0]) {
			snprintf(what, len, "[%#llx-%#llx] %s", start, end, name);
		}
	}
	if (!nonzero) {
		snprintf(what, len, "its addresses read as 0 (not root): not checked");
		return DMAB_IOMEM_HIDDEN;
	}
	if (!what[0])
		snprintf(what, len, "nothing there: not RAM, claimed by no driver");
	return verdict;
}

static char *read_file(const char *path)
{
	size_t cap = 16384, len = 0;
	char *text = malloc(cap);
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f || !text) {
		if (f)
			fclose(f);
		free(text);
		return NULL;
	}
	while ((n = fread(text + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap) {
			char *more = realloc(text, cap * 2);

			if (!more)
				break;
			text = more;
			cap *= 2;
		}
	}
	fclose(f);
	text[len] = 0;
	return text;
}

/* CONFIG_STRICT_DEVMEM and CONFIG_IO_STRICT_DEVMEM from /boot or /proc/config.gz. */
static void read_config(void)
{
	char path[300], line[256];
	struct utsname u;
	gzFile gz = NULL;

	if (!uname(&u)) {
		snprintf(path, sizeof(path), "/boot/config-%s", u.release);
		gz = gzopen(path, "r");
		dm.config_source = "/boot/config-<release>";
	}
	if (!gz) {
		gz = gzopen("/proc/config.gz", "r");
		dm.config_source = "/proc/config.gz";
	}
	if (!gz) {
		dm.config_source = NULL;
		return;
	}
	dm.strict = dm.io_strict = "n";
	while (gzgets(gz, line, sizeof(line))) {
		if (!strcmp(line, "CONFIG_STRICT_DEVMEM=y\n"))
			dm.strict = "y";
		else if (!strcmp(line, "CONFIG_IO_STRICT_DEVMEM=y\n"))
			dm.io_strict = "y";
	}
	gzclose(gz);
}

static const char *config_says(void)
{
	static char text[160];

	if (!dm.config_source)
		return "the kernel configuration could not be read (no /boot/config-<release>, "
		       "no /proc/config.gz)";
	snprintf(text, sizeof(text), "CONFIG_STRICT_DEVMEM=%s, CONFIG_IO_STRICT_DEVMEM=%s (%s)",
		 dm.strict, dm.io_strict, dm.config_source);
	return text;
}

static int refuse(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int refuse(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dm.reason_text, sizeof(dm.reason_text), fmt, ap);
	va_end(ap);
	dm.reason = dm.reason_text;
	dm.err = err;
	return err;
}

/* Where the range comes from, and whether the module holds it. */
static int find_range(void)
{
	const char *env = getenv(DMAB_DEVMEM_ENV), *why = NULL;
	uint64_t kbase = 0, ksize = 0, page = (uint64_t)sysconf(_SC_PAGESIZE);
	int have_module = !dmab_kmod_carveout(&kbase, &ksize, &why) && ksize;

	if (env && *env) {
		if (dmab_devmem_parse_range(env, &dm.base, &dm.size))
			return refuse(-EINVAL, DMAB_DEVMEM_ENV "='%.64s': expected SIZE@ADDR, as "
				      "64M@0x10000000", env);
		if (dm.base % page || dm.size % page)
			return refuse(-EINVAL, DMAB_DEVMEM_ENV "='%.64s': address and size must "
				      "be multiples of the page size (%" PRIu64 ")", env, page);
		dm.source = DMAB_DEVMEM_ENV;
		if (!have_module)
			return 0;
		if (dm.base >= kbase && dm.base + dm.size <= kbase + ksize) {
			dm.module = 1;
			return 0;
		}
		if (dm.base < kbase + ksize && kbase < dm.base + dm.size)
			return refuse(-EBUSY, DMAB_DEVMEM_ENV " overlaps dmabench.ko's carveout "
				      "[%#" PRIx64 ", +%#" PRIx64 ") without lying inside it: two "
				      "owners for one region", kbase, ksize);
		return 0;
	}
	if (!have_module)
		return refuse(-ENODEV, "no reserved range to map: set " DMAB_DEVMEM_ENV
			      "=SIZE@ADDR (memory reserved at boot), or load dmabench.ko with "
			      "carveout= (docs/carveout.md)");
	dm.base = kbase;
	dm.size = ksize;
	dm.source = "dmabench.ko's carveout";
	dm.module = 1;
	return 0;
}

/* What /dev/mem's refusal means here, for the reason. */
static const char *refusal_why(void)
{
	static char text[640];

	snprintf(text, sizeof(text), "%s; /proc/iomem: %s. STRICT_DEVMEM refuses RAM, "
		 "IO_STRICT_DEVMEM also a range a driver holds busy (request_mem_region)",
		 config_says(), dm.iomem_what);
	return text;
}

/* Maps one page at @phys through /dev/mem: 0, or -errno. */
static int try_map(uint64_t phys, int oflags, void **page)
{
	size_t len = (size_t)sysconf(_SC_PAGESIZE);
	int fd = open(DEVMEM_PATH, O_RDWR | O_CLOEXEC | oflags), ret = 0;
	void *p;

	if (fd < 0)
		return -errno;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)phys);
	if (p == MAP_FAILED)
		ret = -errno;
	close(fd);
	if (!ret && page)
		*page = p;
	else if (!ret)
		munmap(p, len);
	return ret;
}

static int check_devmem(void)
{
	char *iomem = read_file("/proc/iomem");
	const char *lockdown;
	char lock[128] = "";
	uint64_t phys = dm.base;
	int fd, ret, buffer = -1;

	if (iomem) {
		dm.iomem = dmab_devmem_iomem(iomem, dm.base, dm.size, dm.iomem_what,
					     sizeof(dm.iomem_what));
		free(iomem);
	} else {
		dm.iomem = DMAB_IOMEM_HIDDEN;
		snprintf(dm.iomem_what, sizeof(dm.iomem_what), "unreadable: not checked");
	}
	if (dm.iomem == DMAB_IOMEM_RAM)
		return refuse(-EPERM, "[%#" PRIx64 ", +%#" PRIx64 ") overlaps %s in /proc/iomem: "
			      "memory the kernel manages, never to be written behind its back "
			      "(/dev/mem refuses RAM under CONFIG_STRICT_DEVMEM; here %s)",
			      dm.base, dm.size, dm.iomem_what, config_says());

	fd = open(DEVMEM_PATH, O_RDWR | O_CLOEXEC | O_SYNC);
	if (fd < 0) {
		if (errno == ENOENT)
			return refuse(-ENOENT, "no " DEVMEM_PATH ": this kernel has no CONFIG_DEVMEM, "
				      "or no devtmpfs node");
		lockdown = read_file("/sys/kernel/security/lockdown");
		if (lockdown && !strstr(lockdown, "[none]"))
			snprintf(lock, sizeof(lock), " (kernel lockdown: %.60s)", lockdown);
		free((char *)lockdown);
		if (errno == EACCES || errno == EPERM)
			return refuse(-errno, DEVMEM_PATH " cannot be opened: it needs root "
				      "(CAP_SYS_RAWIO)%s", lock);
		return refuse(-errno, DEVMEM_PATH " cannot be opened: %s", strerror(errno));
	}
	close(fd);

	/* one page as a buffer would be mapped: where the module puts one, or the range's first */
	if (dm.module) {
		ret = dmab_kmod_alloc(DMAB_BACKEND_CARVEOUT, DMAB_STRAT_UNCACHED,
				      (size_t)sysconf(_SC_PAGESIZE), &buffer, &phys);
		if (ret)
			return refuse(ret, "dmabench.ko allocates nothing in its carveout (%s)",
				      strerror(-ret));
	}
	ret = try_map(phys, O_SYNC, NULL);
	if (buffer >= 0)
		close(buffer);
	if (ret)
		return refuse(ret, DEVMEM_PATH " refuses to map %#" PRIx64 " (%s): %s", phys,
			      strerror(-ret), refusal_why());
	return 0;
}

static int devmem_init(void)
{
	if (dm.tried)
		return dm.err;
	dm.tried = 1;
	read_config();
	if (find_range() || check_devmem())
		return dm.err;
	return 0;
}

void dmab_devmem_describe(struct dmab_devmem_info *out)
{
	devmem_init();
	memset(out, 0, sizeof(*out));
	out->range_known = dm.source != NULL;
	out->base = dm.base;
	out->size = dm.size;
	out->source = dm.source;
	out->unusable = dm.err ? dm.reason : NULL;
	out->module_device = dm.module;
	out->strict_devmem = dm.config_source ? dm.strict : NULL;
	out->io_strict_devmem = dm.config_source ? dm.io_strict : NULL;
	out->config_source = dm.config_source;
	snprintf(out->iomem, sizeof(out->iomem), "%s", dm.iomem_what);
}

/* ---- The strategies ---- */

/* All but uncached map without O_SYNC. */
static int cached(const struct dmab_strategy *s)
{
	return s->id != DMAB_STRAT_UNCACHED;
}

/*
 * Without O_SYNC, what the kernel gives is not always cacheable: ARMv7
 * maps memory without a struct page (above mem=) strongly ordered whatever
 * O_SYNC says (arch/arm/mm/mmu.c, phys_mem_access_prot), and only memory
 * with one (a no-map region inside a bank) cacheable. The cached strategies
 * are offered only where the mapping is read back as write-back, which
 * takes the module's QUERY_MAPPING: never replaced silently.
 */
static int cached_mapping_check(const char **reason)
{
	static char text[400];
	unsigned int type = 0;
	void *page = NULL;
	uint64_t phys = dm.base;
	int buffer = -1, ret;

	if (dm.module) {
		ret = dmab_kmod_alloc(DMAB_BACKEND_CARVEOUT, DMAB_STRAT_CACHED_NOSYNC,
				      (size_t)sysconf(_SC_PAGESIZE), &buffer, &phys);
		if (ret) {
			*reason = "dmabench.ko allocates no page of its carveout to map for a look "
				  "at the memory type";
			return ret;
		}
	}
	ret = try_map(phys, 0, &page);
	if (!ret) {
		ret = dmab_kmod_query(page, DMAB_QUERY_ANY_PFNMAP, &type);
		munmap(page, (size_t)sysconf(_SC_PAGESIZE));
	}
	if (buffer >= 0)
		close(buffer);
	if (!ret && type == DMAB_MT_WB)
		return 0;
	if (ret)
		snprintf(text, sizeof(text), DEVMEM_PATH " without O_SYNC maps memory without a "
			 "struct page (as above mem=) strongly ordered on ARMv7 whatever O_SYNC "
			 "says (arch/arm/mm/mmu.c, phys_mem_access_prot), and without dmabench.ko "
			 "the mapping cannot be read back to tell (%s)", strerror(-ret));
	else
		snprintf(text, sizeof(text), DEVMEM_PATH " without O_SYNC maps this range %s, "
			 "not cacheable (arch/arm/mm/mmu.c, phys_mem_access_prot: memory without a "
			 "struct page, as above mem=, is mapped strongly ordered whatever O_SYNC "
			 "says)", dmab_kmod_memory_type_name(type));
	*reason = text;
	return -EOPNOTSUPP;
}

int dmab_devmem_probe(const struct dmab_strategy *s, const char **reason)
{
	int ret = devmem_init();

	if (ret) {
		*reason = dm.reason;
		return ret;
	}
	if (!cached(s))
		return 0;
	if (IS_AARCH64) {
		*reason = DEVMEM_PATH " maps memory outside the kernel's linear map (all it lets "
			  "user space map: RAM is refused) Device-nGnRnE whether O_SYNC or not "
			  "(arch/arm64/mm/mmu.c, phys_mem_access_prot): there is no cacheable "
			  "mapping to have";
		return -EOPNOTSUPP;
	}
	if (s->sync_for_device == dmab_devmem_sync_for_device) {
		ret = dmab_user_maintenance_probe(s, reason);
		if (ret)
			return ret;
	}
	/* x86 gives write-back without O_SYNC; ARMv7 only with a struct page */
	return IS_ARM32 ? cached_mapping_check(reason) : 0;
}

/* cached-sync: user space's maintenance, by virtual address on the /dev/mem mapping. */
int dmab_devmem_sync_for_device(struct dmab_buffer *buf, size_t offset, size_t length,
				enum dmab_dir dir)
{
	buf->done_for_device = dmab_user_maintenance;
	return dmab_user_sync_for_device(buf, offset, length, dir);
}

int dmab_devmem_sync_for_cpu(struct dmab_buffer *buf, size_t offset, size_t length,
			     enum dmab_dir dir)
{
	buf->done_for_cpu = dir == DMAB_TO_DEVICE ? "nothing (the device only read)" :
			    dmab_user_maintenance;
	return dmab_user_sync_for_cpu(buf, offset, length, dir);
}

/* A buffer: a /dev/mem mapping, and what is behind it. */
struct devmem_buffer {
	size_t mapped;		/* page-rounded */
	uint64_t phys;
	int carveout_fd;	/* the module's buffer there, or -1 */
	size_t slot;		/* no module: its place in dm.placed */
	unsigned char *device_view;	/* no module: the CPU-as-device's mapping */
};

/* First fit in the range, for a process that lays buffers out itself. */
static int place(uint64_t length, uint64_t *offset, size_t *slot)
{
	uint64_t at = 0;
	size_t i, j;

	if (dm.n_placed == MAX_PLACED)
		return -ENOMEM;
	for (i = 0; i <= dm.n_placed; i++) {
		uint64_t next = i < dm.n_placed ? dm.placed[i].offset : dm.size;

		if (next >= at && next - at >= length) {
			for (j = dm.n_placed; j > i; j--)
				dm.placed[j] = dm.placed[j - 1];
			dm.placed[i].offset = at;
			dm.placed[i].length = length;
			dm.n_placed++;
			*offset = at;
			*slot = i;
			return 0;
		}
		if (i < dm.n_placed)
			at = dm.placed[i].offset + dm.placed[i].length;
	}
	return -ENOMEM;
}

static void unplace(uint64_t phys)
{
	size_t i;

	for (i = 0; i < dm.n_placed; i++) {
		if (dm.base + dm.placed[i].offset != phys)
			continue;
		memmove(&dm.placed[i], &dm.placed[i + 1], (dm.n_placed - i - 1) * sizeof(dm.placed[0]));
		dm.n_placed--;
		return;
	}
}

static void *map_phys(uint64_t phys, size_t len, int oflags, int *err)
{
	int fd = open(DEVMEM_PATH, O_RDWR | O_CLOEXEC | oflags);
	void *p;

	if (fd < 0) {
		*err = -errno;
		return NULL;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)phys);
	*err = p == MAP_FAILED ? -errno : 0;
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

/*
 * The CPU-as-device's mapping: x86 PAT allows no second mapping of another
 * memory type, so there it is the buffer's own type (written with
 * non-temporal stores, which bypass the caches); elsewhere O_SYNC, so the
 * stores go to memory past the CPU's caches, as a bus master's do.
 */
static int device_oflags(int buffer_oflags)
{
#if defined(__x86_64__) || defined(__i386__)
	return buffer_oflags;
#else
	(void)buffer_oflags;
	return O_SYNC;
#endif
}

int dmab_devmem_setup(const struct dmab_strategy *s, struct dmab_buffer *buf, size_t size)
{
	struct devmem_buffer *db = calloc(1, sizeof(*db));
	int oflags = cached(s) ? 0 : O_SYNC, ret;
	uint64_t offset;
	void *p;

	if (!db)
		return -ENOMEM;
	ret = devmem_init();
	if (ret)
		goto out_free;
	db->mapped = dmab_page_round(size);
	db->carveout_fd = -1;
	if (dm.module) {
		/* the module's buffer of the same memory type: x86 PAT wants one per range */
		ret = dmab_kmod_alloc(DMAB_BACKEND_CARVEOUT,
				      cached(s) ? DMAB_STRAT_CACHED_NOSYNC : DMAB_STRAT_UNCACHED, db->mapped,
				      &db->carveout_fd, &db->phys);
		if (ret)
			goto out_free;
	} else {
		ret = place(db->mapped, &offset, &db->slot);
		if (ret)
			goto out_free;
		db->phys = dm.base + offset;
		db->device_view = map_phys(db->phys, db->mapped, device_oflags(oflags), &ret);
		if (!db->device_view)
			goto out_release;
	}
	p = map_phys(db->phys, db->mapped, oflags, &ret);
	if (!p)
		goto out_release;
	buf->cpu = p;
	buf->size = size;
	buf->priv = db;
	return 0;

out_release:
	if (db->device_view)
		munmap(db->device_view, db->mapped);
	if (db->carveout_fd >= 0)
		close(db->carveout_fd);
	else
		unplace(db->phys);
out_free:
	free(db);
	return ret;
}

void dmab_devmem_teardown(struct dmab_buffer *buf)
{
	struct devmem_buffer *db = buf->priv;

	if (db) {
		if (buf->cpu)
			munmap(buf->cpu, db->mapped);
		if (db->device_view)
			munmap(db->device_view, db->mapped);
		if (db->carveout_fd >= 0)
			close(db->carveout_fd);
		else
			unplace(db->phys);
		free(db);
	}
	buf->cpu = NULL;
	buf->priv = NULL;
}

/*
 * One bound for the carveout and devmem backends: where the module holds a
 * carveout both allocate in it (devmem through the module), so a run must
 * not plan more of them at once than the region holds.
 */
uint64_t dmab_reserved_pool_bytes(void)
{
	uint64_t base, size;
	const char *why;

	if (!dmab_kmod_carveout(&base, &size, &why) && size)
		return size;
	return devmem_init() ? 0 : dm.size;
}

/* x86 without the module: PAT's reservation of the range, from debugfs (root, mounted). */
static const char *pat_memtype(uint64_t phys, uint64_t length)
{
	static const struct {
		const char *pat;
		unsigned int type;
	} names[] = {
		{ "write-back", DMAB_MT_WB }, { "uncached-minus", DMAB_MT_UC_MINUS },
		{ "uncached", DMAB_MT_UC }, { "write-combining", DMAB_MT_WC },
		{ "write-through", DMAB_MT_WT },
	};
	char *text = read_file("/sys/kernel/debug/x86/pat_memtype_list"), *line;
	const char *found = NULL;
	size_t i;

	for (line = text; line && *line && !found; line = strchr(line, '\n') ?
						     strchr(line, '\n') + 1 : NULL) {
		unsigned long long start, end;
		char type[32];

		if (sscanf(line, "PAT: [mem %llx-%llx] %31s", &start, &end, type) != 3 ||
		    start > phys || end < phys + length)
			continue;
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcmp(type, names[i].pat))
				found = dmab_kmod_memory_type_name(names[i].type);
	}
	free(text);
	return found;
}

int dmab_devmem_mapping(struct dmab_buffer *buf, const char **effective, const char **how)
{
	struct devmem_buffer *db = buf->priv;
	unsigned int type;
	int ret = dmab_kmod_query(buf->cpu, DMAB_QUERY_ANY_PFNMAP, &type);

	if (!ret) {
		*effective = dmab_kmod_memory_type_name(type);
		*how = "read back from this process's page tables (DMAB_IOC_QUERY_MAPPING with "
		       "DMAB_QUERY_ANY_PFNMAP)";
		return *effective ? 0 : -EPROTO;
	}
	*effective = pat_memtype(db->phys, db->mapped);
	if (*effective) {
		*how = "PAT's reservation of the physical range, read from "
		       "/sys/kernel/debug/x86/pat_memtype_list (no dmabench.ko to read the page "
		       "tables)";
		return 0;
	}
	*how = "not read back: that needs dmabench.ko (QUERY_MAPPING), or on x86 debugfs's "
	       "x86/pat_memtype_list";
	return -ENOTSUP;
}

/* ---- The device ---- */

static char device_text[768];
static size_t device_line;

static int device_open(size_t line)
{
	int ret = devmem_init();

	if (ret)
		return ret;
	device_line = line;
	if (dm.module) {
		ret = dmab_kmod_device.open(line);
		if (ret)
			return ret;
		dmab_devmem_device.emulated = dmab_kmod_device.emulated;
		snprintf(device_text, sizeof(device_text), "dmabench.ko's device, at each "
			 "buffer's physical address in its carveout, which this process maps "
			 "through " DEVMEM_PATH ": %s", dmab_kmod_device.describe());
		return 0;
	}
	dmab_devmem_device.emulated = 1;
	snprintf(device_text, sizeof(device_text), "emulated: no dmabench.ko; this process's CPU "
		 "plays the device, writing each frame with %s through a second " DEVMEM_PATH
		 " mapping of the buffer's physical range (%s), and reading it back there",
		 dmab_oracle_device_stores,
#if defined(__x86_64__) || defined(__i386__)
		 "of the buffer's own memory type: PAT refuses another; x86 DMA is coherent"
#else
		 "O_SYNC: uncached, so its stores reach memory past the CPU's caches"
#endif
		 );
	return 0;
}

static void device_close(void)
{
	if (dm.module)
		dmab_kmod_device.close();
}

static int device_write(struct dmab_buffer *buf, size_t offset, size_t length, uint64_t seq,
			uint64_t *busy_ns)
{
	struct devmem_buffer *db = buf->priv;
	uint64_t start;

	if (db->carveout_fd >= 0)
		return dmab_kmod_device_write_fd(db->carveout_fd, offset, length, seq, busy_ns);
	start = dmab_ticks();
	dmab_oracle_fill_device(db->device_view + offset, length, device_line, seq);
	*busy_ns = dmab_ticks_to_ns(dmab_ticks() - start);
	return 0;
}

static int device_read(struct dmab_buffer *buf, size_t offset, size_t length, uint64_t seq,
		       struct dmab_integrity *seen, uint64_t *busy_ns)
{
	struct devmem_buffer *db = buf->priv;
	uint64_t start;

	if (db->carveout_fd >= 0)
		return dmab_kmod_device_read_fd(db->carveout_fd, offset, length, seq, seen,
						busy_ns);
	memset(seen, 0, sizeof(*seen));
	start = dmab_ticks();
	dmab_oracle_check(db->device_view + offset, length, device_line, seq, 0, seen);
	*busy_ns = dmab_ticks_to_ns(dmab_ticks() - start);
	return 0;
}

static const char *device_describe(void)
{
	return device_text;
}

struct dmab_device dmab_devmem_device = {
	.name = "devmem",
	.emulated = 1,
	.open = device_open,
	.close = device_close,
	.write = device_write,
	.read = device_read,
	.describe = device_describe,
};
