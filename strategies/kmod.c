// SPDX-License-Identifier: GPL-2.0
#include "kmod.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* The user and kernel views of the ABI must agree on every size. */
_Static_assert(sizeof(struct dmab_info) == 256, "struct dmab_info changed size");
_Static_assert(sizeof(struct dmab_alloc) == 48, "struct dmab_alloc changed size");
_Static_assert(sizeof(struct dmab_sync) == 56, "struct dmab_sync changed size");
_Static_assert(sizeof(struct dmab_device_op) == 64, "struct dmab_device_op changed size");
_Static_assert(sizeof(struct dmab_query_mapping) == 48, "struct dmab_query_mapping changed size");
_Static_assert(sizeof(struct dmab_full_flush) == 32, "struct dmab_full_flush changed size");
_Static_assert(sizeof(struct dmab_dma_map) == 32, "struct dmab_dma_map changed size");
/* ABI 3's fields where padding and reserved words were, as the module asserts them */
_Static_assert(offsetof(struct dmab_info, carveout_base) == 216, "dmab_info.carveout_base moved");
_Static_assert(offsetof(struct dmab_info, carveout_sync) == 244, "dmab_info.carveout_sync moved");
_Static_assert(offsetof(struct dmab_alloc, backend) == 20, "dmab_alloc.backend moved");
_Static_assert(offsetof(struct dmab_alloc, phys_addr) == 32, "dmab_alloc.phys_addr moved");
_Static_assert(offsetof(struct dmab_alloc, alloc_ns) == 40, "dmab_alloc.alloc_ns moved");

/* /dev/dmabench, opened once for the process; INFO read then. */
static struct {
	int tried;
	int fd;
	int err;
	const char *reason;
	struct dmab_info info;
} ctl = { .fd = -1 };

static int ctl_open(void)
{
	if (ctl.tried)
		return ctl.err;
	ctl.tried = 1;
	ctl.fd = open(DMAB_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (ctl.fd < 0) {
		ctl.err = -errno;
		ctl.reason = errno == ENOENT ? "no " DMAB_DEVICE_PATH ": dmabench.ko is not loaded "
					       "(see docs/kernel-module.md: loading the module)" :
			     errno == EACCES ? DMAB_DEVICE_PATH " is not ours to open (mode 0600 by "
					       "default: run as root, or load the module with mode=0660 "
					       "and a group)" :
					       "cannot open " DMAB_DEVICE_PATH;
		return ctl.err;
	}
	if (ioctl(ctl.fd, DMAB_IOC_INFO, &ctl.info)) {
		ctl.err = -errno;
		ctl.reason = DMAB_DEVICE_PATH " does not answer DMAB_IOC_INFO: not dmabench.ko?";
	} else if (ctl.info.abi_version != DMAB_ABI_VERSION) {
		ctl.err = -EPROTO;
		ctl.reason = "dmabench.ko speaks another ABI version than this harness; rebuild "
			     "one of them from the same tree";
	}
	if (ctl.err) {
		close(ctl.fd);
		ctl.fd = -1;
	}
	return ctl.err;
}

int dmab_kmod_info(struct dmab_info *info, const char **reason)
{
	int ret = ctl_open();

	if (ret) {
		*reason = ctl.reason;
		return ret;
	}
	*info = ctl.info;
	return 0;
}

int dmab_kmod_probe(const struct dmab_strategy *s, const char **reason)
{
	int ret = ctl_open();

	if (ret) {
		*reason = ctl.reason;
		return ret;
	}
	if (s->id >= 32 || !(ctl.info.strategy_mask & (1u << s->id))) {
		*reason = dmab_kmod_refusal(&ctl.info, s->id);
		return -EOPNOTSUPP;
	}
	return 0;
}

const char *dmab_kmod_full_flush_refusal(unsigned int full_flush)
{
	static const char *const reasons[] = {
		[DMAB_FULL_FLUSH_NO_ARCH_OP] = "arm64 has no whole-cache operation a kernel may use "
					       "(set/way is not for memory maintenance there)",
		[DMAB_FULL_FLUSH_OUTER_CACHE] = "the outer cache (L2C-310) can be flushed whole only "
						"by way, with interrupts off and every other CPU "
						"held: full-flush does it by range over the buffer",
		[DMAB_FULL_FLUSH_TDX] = "WBINVD raises #VE in a TDX guest, which the kernel does "
					"not handle",
	};

	if (full_flush == DMAB_FULL_FLUSH_OK)
		return NULL;
	return full_flush < sizeof(reasons) / sizeof(reasons[0]) && reasons[full_flush] ?
	       reasons[full_flush] : "dmabench.ko refuses it for a reason this harness does not know";
}

const char *dmab_kmod_refusal(const struct dmab_info *info, unsigned int strategy)
{
	if (strategy == DMAB_STRAT_FULL_FLUSH && info->full_flush == DMAB_FULL_FLUSH_TDX)
		return dmab_kmod_full_flush_refusal(info->full_flush);
	if (info->flags & DMAB_INFO_BOUNCE)
		return strcmp(info->arch, "x86_64") ?
		       "streaming DMA mappings bounce through swiotlb here, and the emulated device "
		       "has no non-cacheable view of a bounce slot on this architecture" :
		       "streaming DMA mappings bounce through swiotlb here (swiotlb=force, a "
		       "confidential VM): the device's data reaches the buffer only by dma_sync, "
		       "which this strategy never calls";
	return "the loaded dmabench.ko does not offer it on this kernel";
}

/* A buffer is the fd ALLOC returned, mapped shared; @mapped: the page-rounded length. */
struct kmod_buffer {
	int fd;
	size_t mapped;
};

static int buffer_fd(const struct dmab_buffer *buf)
{
	return ((const struct kmod_buffer *)buf->priv)->fd;
}

/* ALLOC: the answer in @req. */
static int alloc_request(unsigned int backend, unsigned int strategy, size_t size,
			 unsigned int flags, struct dmab_alloc *req)
{
	int ret = ctl_open();

	if (ret)
		return ret;
	*req = (struct dmab_alloc){ .strategy = strategy, .flags = flags, .size = size,
				    .backend = backend };
	return ioctl(ctl.fd, DMAB_IOC_ALLOC, req) ? -errno : 0;
}

int dmab_kmod_alloc(unsigned int backend, unsigned int strategy, size_t size, int *fd,
		    uint64_t *phys)
{
	struct dmab_alloc req;
	int ret = alloc_request(backend, strategy, size, 0, &req);

	if (ret)
		return ret;
	*fd = req.fd;
	if (phys)
		*phys = req.phys_addr;
	return 0;
}

/* The carveout backend: the same buffers, from the region the module was given. */
static unsigned int backend_of(const struct dmab_strategy *s)
{
	return strcmp(s->backend, "carveout") ? DMAB_BACKEND_PAGES : DMAB_BACKEND_CARVEOUT;
}

/* The buffer's fd, not mapped yet (buf->cpu NULL): dmab_kmod_map maps it. */
int dmab_kmod_alloc_buffer(const struct dmab_strategy *s, struct dmab_buffer *buf, size_t size,
			   unsigned int flags, uint64_t *kernel_ns)
{
	/* the module allocates whole pages; a frame may end inside the last one */
	size_t pages = dmab_page_round(size);
	struct kmod_buffer *kb;
	struct dmab_alloc req;
	int ret;

	kb = malloc(sizeof(*kb));
	if (!kb)
		return -ENOMEM;
	ret = alloc_request(backend_of(s), s->id, pages,
			    flags & DMAB_SETUP_IRQS_OFF ? DMAB_ALLOC_ATOMIC : 0, &req);
	if (ret) {
		free(kb);
		return ret;
	}
	kb->fd = req.fd;
	kb->mapped = pages;
	buf->cpu = NULL;
	buf->size = size;
	buf->priv = kb;
	*kernel_ns = req.alloc_ns;
	return 0;
}

int dmab_kmod_map(struct dmab_buffer *buf)
{
	struct kmod_buffer *kb = buf->priv;
	void *p = mmap(NULL, kb->mapped, PROT_READ | PROT_WRITE, MAP_SHARED, kb->fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	buf->cpu = p;
	return 0;
}

int dmab_kmod_unmap(struct dmab_buffer *buf)
{
	struct kmod_buffer *kb = buf->priv;

	if (!buf->cpu)
		return 0;
	if (munmap(buf->cpu, kb->mapped))
		return -errno;
	buf->cpu = NULL;
	return 0;
}

int dmab_kmod_setup(const struct dmab_strategy *s, struct dmab_buffer *buf, size_t size)
{
	uint64_t kernel_ns;
	int ret = dmab_kmod_alloc_buffer(s, buf, size, 0, &kernel_ns);

	if (ret)
		return ret;
	ret = dmab_kmod_map(buf);
	if (ret)
		dmab_kmod_teardown(buf);
	return ret;
}

static int dma_map_request(struct dmab_buffer *buf, unsigned long cmd)
{
	struct dmab_dma_map req = { 0 };

	return ioctl(buffer_fd(buf), cmd, &req) ? -errno : 0;
}

int dmab_kmod_dma_unmap(struct dmab_buffer *buf)
{
	return dma_map_request(buf, DMAB_IOC_DMA_UNMAP);
}

int dmab_kmod_dma_map(struct dmab_buffer *buf)
{
	return dma_map_request(buf, DMAB_IOC_DMA_MAP);
}

void dmab_kmod_teardown(struct dmab_buffer *buf)
{
	if (buf->cpu && buf->priv)
		munmap(buf->cpu, ((struct kmod_buffer *)buf->priv)->mapped);
	if (buf->priv) {
		close(buffer_fd(buf));
		free(buf->priv);
	}
	buf->cpu = NULL;
	buf->priv = NULL;
}

uint64_t dmab_kmod_pool_bytes(void)
{
	return ctl_open() ? 0 : ctl.info.max_total_bytes;
}

const char *dmab_carveout_sync_name(unsigned int sync)
{
	static const char *const names[] = {
		[DMAB_CARVEOUT_SYNC_NONE] = NULL,
		[DMAB_CARVEOUT_SYNC_CLFLUSH] = "clflush_cache_range() by virtual address on the "
					       "module's write-back memremap of the buffer (x86 "
					       "without the pmem API; x86 DMA is coherent, so this "
					       "is its cost, not a need)",
		[DMAB_CARVEOUT_SYNC_ARM_L1_OUTER] = "L1 clean+invalidate by virtual address "
						    "(v7_flush_kern_dcache_area, the one L1 range "
						    "operation exported) on the module's write-back "
						    "memremap, and the outer cache by physical "
						    "address (outer_clean_range/outer_inv_range)",
		[DMAB_CARVEOUT_SYNC_ARM64_DC] = "the module's own dc cvac / dc ivac loops by "
						"virtual address on its write-back memremap, to "
						"the point of coherency (this arm64 kernel exports "
						"no PoC maintenance: no pmem API, and "
						"dcache_clean_poc / dcache_inval_poc never are)",
		[DMAB_CARVEOUT_SYNC_PMEM] = "the persistent-memory helpers, exported GPL, by "
					    "virtual address on the module's write-back memremap: "
					    "arch_wb_cache_pmem() to clean (x86 clwb; arm64 dc cvap "
					    "where the core has it, past the point of coherency, "
					    "else dc cvac), arch_invalidate_pmem() to invalidate "
					    "(x86 clflush; arm64 dc ivac to the point of "
					    "coherency, as the DMA API)",
	};

	return sync < sizeof(names) / sizeof(names[0]) ? names[sync] : NULL;
}

int dmab_carveout_probe(const struct dmab_strategy *s, const char **reason)
{
	int ret = ctl_open();

	if (ret) {
		*reason = ctl.reason;
		return ret;
	}
	if (!ctl.info.carveout_size) {
		*reason = "dmabench.ko was loaded without carveout= (memory reserved at boot: "
			  "see docs/carveout.md)";
		return -ENODEV;
	}
	if (s->id >= 32 || !(ctl.info.carveout_strategy_mask & (1u << s->id))) {
		*reason = s->id == DMAB_STRAT_CACHED_SYNC && !dmab_carveout_sync_name(
				ctl.info.carveout_sync) ?
			  "this kernel exports no cache maintenance by physical range (or by "
			  "address, to the point of coherency) that a module may use on this "
			  "architecture" :
			  "the loaded dmabench.ko does not offer it on its carveout";
		return -EOPNOTSUPP;
	}
	return 0;
}

int dmab_kmod_carveout(uint64_t *base, uint64_t *size, const char **reason)
{
	int ret = ctl_open();

	if (ret) {
		*reason = ctl.reason;
		return ret;
	}
	*base = ctl.info.carveout_base;
	*size = ctl.info.carveout_size;
	return 0;
}

int dmab_kmod_query(const void *address, unsigned int flags, unsigned int *memory_type)
{
	struct dmab_query_mapping q = { .address = (uintptr_t)address, .flags = flags };
	int ret = ctl_open();

	if (ret)
		return ret;
	if (ioctl(ctl.fd, DMAB_IOC_QUERY_MAPPING, &q))
		return -errno;
	*memory_type = q.memory_type;
	return 0;
}

/* On the device node: every process that opens it shares the lock, as it shares the bound. */
int dmab_kmod_pool_lock(int how)
{
	int ret = ctl_open();

	if (ret)
		return ret;
	return flock(ctl.fd, how) ? -errno : 0;
}

/* INFO again: allocated_bytes changes with every buffer of every process. UINT64_MAX: unknown. */
uint64_t dmab_kmod_pool_used(void)
{
	struct dmab_info info = { 0 };

	if (ctl_open() || ioctl(ctl.fd, DMAB_IOC_INFO, &info))
		return UINT64_MAX;
	return info.allocated_bytes;
}

const char *dmab_kmod_done_name(unsigned int done)
{
	static const char *const names[] = {
		[DMAB_DONE_NOTHING] = "nothing",
		[DMAB_DONE_DMA_SYNC] = "dma_sync_single on the range",
		[DMAB_DONE_BARRIER] = "a write barrier (wmb)",
		[DMAB_DONE_WBINVD] = "wbinvd on all CPUs",
		[DMAB_DONE_FLUSH_ALL] = "flush_cache_all (L1 by set/way) on every CPU in turn; "
					"no outer cache",
		[DMAB_DONE_DMA_SYNC_ALL] = "dma_sync_single on the whole buffer (arm64 has no "
					   "whole-cache flush)",
		[DMAB_DONE_FLUSH_ALL_OUTER_RANGE] = "flush_cache_all (L1 by set/way) on every CPU "
						    "in turn, then the outer cache (L2C-310) by "
						    "range over the frame, not by way",
		[DMAB_DONE_DMA_SYNC_BOUNCE] = "dma_sync_single on the range, copied through a "
					      "swiotlb bounce buffer",
		[DMAB_DONE_CLFLUSH_RANGE] = "clflush_cache_range on the range (by virtual address, "
					    "the module's write-back mapping of the carveout)",
		[DMAB_DONE_L1_RANGE] = "L1 clean+invalidate on the range by virtual address "
				       "(v7_flush_kern_dcache_area); no outer cache here",
		[DMAB_DONE_L1_OUTER_RANGE] = "L1 clean+invalidate on the range by virtual address "
					     "(v7_flush_kern_dcache_area) and the outer cache "
					     "(L2C-310) by physical range (outer_clean_range / "
					     "outer_inv_range)",
		[DMAB_DONE_DC_POC_RANGE] = "dc cvac (before the device) or dc ivac/civac (before "
					   "the CPU) on the range to the point of coherency, the "
					   "module's own loop by virtual address",
		[DMAB_DONE_PMEM_WB_RANGE] = "arch_wb_cache_pmem on the range (a clean: x86 clwb, "
					    "arm64 dc cvap or cvac), then a write barrier",
		[DMAB_DONE_PMEM_INVAL_RANGE] = "arch_invalidate_pmem on the range (x86 clflush, "
					       "arm64 dc ivac to the point of coherency)",
	};

	return done < sizeof(names) / sizeof(names[0]) ? names[done] : NULL;
}

static int kmod_sync(struct dmab_buffer *buf, unsigned long cmd, size_t offset, size_t length,
		     enum dmab_dir dir, const char **done)
{
	struct dmab_sync sync = {
		.direction = dir == DMAB_TO_DEVICE ? DMAB_DIR_TO_DEVICE : DMAB_DIR_FROM_DEVICE,
		.offset = offset,
		.length = length,
	};

	if (ioctl(buffer_fd(buf), cmd, &sync))
		return -errno;
	*done = dmab_kmod_done_name(sync.done);
	return *done ? 0 : -EPROTO;
}

int dmab_kmod_sync_for_device(struct dmab_buffer *buf, size_t offset, size_t length,
			      enum dmab_dir dir)
{
	return kmod_sync(buf, DMAB_IOC_SYNC_FOR_DEVICE, offset, length, dir,
			 &buf->done_for_device);
}

int dmab_kmod_sync_for_cpu(struct dmab_buffer *buf, size_t offset, size_t length,
			   enum dmab_dir dir)
{
	return kmod_sync(buf, DMAB_IOC_SYNC_FOR_CPU, offset, length, dir, &buf->done_for_cpu);
}

const char *dmab_kmod_memory_type_name(unsigned int memory_type)
{
	static const char *const names[] = {
		[DMAB_MT_WB] = "write-back",
		[DMAB_MT_WC] = "write-combining (x86 PAT WC)",
		/* the SDM's effective type: PAT UC- over a write-back MTRR (all RAM) is UC */
		[DMAB_MT_UC_MINUS] = "uncached (x86 PAT UC-, which over RAM's write-back MTRRs "
				     "is UC)",
		[DMAB_MT_UC] = "uncached (x86 PAT UC)",
		[DMAB_MT_NORMAL_NC] = "non-cacheable (ARM Normal-NC: gathers writes like WC)",
		[DMAB_MT_DEVICE] = "uncached (ARM Device or strongly ordered)",
		[DMAB_MT_WT] = "write-through",
	};

	/* pgprot_noncached is one type per architecture: name it plainly */
	if (memory_type == DMAB_MT_DEVICE && ctl_open() == 0) {
		if (!strcmp(ctl.info.arch, "arm64"))
			return "uncached: Device-nGnRnE (arm64 pgprot_noncached; no gathering or "
			       "reordering; an unaligned access or DC ZVA faults)";
		if (!strcmp(ctl.info.arch, "arm"))
			return "uncached: strongly ordered (ARMv7 pgprot_noncached; an unaligned "
			       "access faults)";
	}
	return memory_type < sizeof(names) / sizeof(names[0]) ? names[memory_type] : NULL;
}

int dmab_kmod_mapping(struct dmab_buffer *buf, const char **effective, const char **how)
{
	struct dmab_query_mapping q = { .address = (uintptr_t)buf->cpu };

	*how = "read back from this process's page tables (DMAB_IOC_QUERY_MAPPING)";
	if (ioctl(ctl.fd, DMAB_IOC_QUERY_MAPPING, &q)) {
		*effective = NULL;
		*how = "DMAB_IOC_QUERY_MAPPING failed";
		return -errno;
	}
	*effective = dmab_kmod_memory_type_name(q.memory_type);
	if (!*effective) {
		*how = "the page tables hold a memory type dmabench.ko does not know";
		return -EPROTO;
	}
	return 0;
}

/* The module's device: DEVICE_WRITE and DEVICE_READ on the buffer's fd. */

static size_t device_line;
static char device_name[DMAB_NAME_LEN + 16];
static char device_description[320];

static int device_open(size_t line)
{
	int ret = ctl_open();

	if (ret)
		return ret;
	if (line < DMAB_LINE_MIN || line > DMAB_LINE_MAX || (line & (line - 1)))
		return -EINVAL;
	device_line = line;
	if (ctl.info.flags & DMAB_INFO_DMAENGINE) {
		dmab_kmod_device.emulated = 0;
		snprintf(device_name, sizeof(device_name), "dmaengine %.*s", DMAB_NAME_LEN,
			 ctl.info.dma_channel);
		dmab_kmod_device.name = device_name;
		snprintf(device_description, sizeof(device_description),
			 "%.*s on %.*s: a DMA_MEMCPY channel of the board's DMA controller, driven "
			 "by dmabench.ko (dmaengine=on), copying each frame from or to a coherent "
			 "staging buffer", DMAB_NAME_LEN, ctl.info.dma_channel, DMAB_CONTROLLER_LEN,
			 ctl.info.dma_controller);
	} else {
		dmab_kmod_device.emulated = 1;
		snprintf(device_description, sizeof(device_description),
			 "emulated: dmabench.ko's bus master, the kernel on the calling CPU writing "
			 "and reading the frame as a device would (%s); a %s device for the DMA API",
			 strcmp(ctl.info.arch, "x86_64") ? "through the device's non-cacheable view "
							    "where it is not coherent" :
							    "non-temporal stores",
			 ctl.info.flags & DMAB_INFO_DMA_COHERENT ? "coherent" : "non-coherent");
	}
	return 0;
}

static void device_close(void)
{
}

static int device_op(int fd, unsigned long cmd, size_t offset, size_t length, uint64_t seq,
		     struct dmab_device_op *op)
{
	*op = (struct dmab_device_op){
		.offset = offset,
		.length = length,
		.sequence = seq,
		.line = (uint32_t)device_line,
	};
	return ioctl(fd, cmd, op) ? -errno : 0;
}

int dmab_kmod_device_write_fd(int fd, size_t offset, size_t length, uint64_t seq,
			      uint64_t *busy_ns)
{
	struct dmab_device_op op;
	int ret = device_op(fd, DMAB_IOC_DEVICE_WRITE, offset, length, seq, &op);

	*busy_ns = op.kernel_ns;
	return ret;
}

static int device_write(struct dmab_buffer *buf, size_t offset, size_t length, uint64_t seq,
			uint64_t *busy_ns)
{
	return dmab_kmod_device_write_fd(buffer_fd(buf), offset, length, seq, busy_ns);
}

static int device_read(struct dmab_buffer *buf, size_t offset, size_t length, uint64_t seq,
		       struct dmab_integrity *seen, uint64_t *busy_ns)
{
	return dmab_kmod_device_read_fd(buffer_fd(buf), offset, length, seq, seen, busy_ns);
}

int dmab_kmod_device_read_fd(int fd, size_t offset, size_t length, uint64_t seq,
			     struct dmab_integrity *seen, uint64_t *busy_ns)
{
	struct dmab_device_op op;
	int ret = device_op(fd, DMAB_IOC_DEVICE_READ, offset, length, seq, &op);

	*busy_ns = op.kernel_ns;
	memset(seen, 0, sizeof(*seen));
	if (ret)
		return ret;
	seen->frames_checked = 1;
	seen->lines_checked = (length + device_line - 1) / device_line;
	if (op.stale_lines > op.bad_lines)
		return -EPROTO;
	seen->stale_lines = op.stale_lines;
	seen->corrupt_lines = op.bad_lines - op.stale_lines;
	return 0;
}

static const char *device_describe(void)
{
	return device_description;
}

struct dmab_device dmab_kmod_device = {
	.name = "dmabench.ko",
	.emulated = 1,
	.open = device_open,
	.close = device_close,
	.write = device_write,
	.read = device_read,
	.describe = device_describe,
};
