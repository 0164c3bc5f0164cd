// SPDX-License-Identifier: GPL-2.0
#include "dmabuf.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define DMA_HEAP_SYSTEM "/dev/dma_heap/system"
#define UDMABUF_DEVICE "/dev/udmabuf"

/* A buffer is a dma-buf fd, mapped shared; @mapped is the page-rounded length. */
struct dmabuf_buffer {
	int fd;
	size_t mapped;
};

static int probe_node(const char *path, const char *missing, const char **reason)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	*reason = errno == ENOENT ? missing :
		  errno == EACCES ? "the device node is not ours to open (run as root, or ask "
				    "for access to it)" :
				    "the device node cannot be opened";
	return -errno;
}

int dmab_dma_heap_probe(const struct dmab_strategy *s, const char **reason)
{
	(void)s;
	return probe_node(DMA_HEAP_SYSTEM, "no " DMA_HEAP_SYSTEM ": this kernel has no "
			  "system dma-heap (CONFIG_DMABUF_HEAPS_SYSTEM, Linux 5.6+; Debian's "
			  "6.1 kernels lack it, its 6.12 backports have it)", reason);
}

int dmab_udmabuf_probe(const struct dmab_strategy *s, const char **reason)
{
	(void)s;
	return probe_node(UDMABUF_DEVICE, "no " UDMABUF_DEVICE ": this kernel has no udmabuf "
			  "(CONFIG_UDMABUF; Debian's 6.1 kernels lack it, its 6.12 backports "
			  "have it)", reason);
}

/* Maps the dma-buf @fd (ownership passes to @buf, or it is closed on failure). */
static int dmabuf_sync(struct dmab_buffer *buf, uint64_t flags);

/*
 * Maps the dma-buf @fd (ownership passes to @buf, or it is closed on failure)
 * and begins the CPU's access: the harness writes frame 0 next, and udmabuf
 * refuses an END that no START preceded.
 */
static int map_dmabuf(int fd, struct dmab_buffer *buf, size_t size, size_t mapped)
{
	struct dmabuf_buffer *db = malloc(sizeof(*db));
	void *p;
	int ret;

	if (!db) {
		ret = -ENOMEM;
		goto out_close;
	}
	p = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		ret = -errno;
		goto out_free;
	}
	db->fd = fd;
	db->mapped = mapped;
	buf->cpu = p;
	buf->size = size;
	buf->priv = db;
	ret = dmabuf_sync(buf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW);
	if (ret)
		dmab_dmabuf_teardown(buf);
	return ret;

out_free:
	free(db);
out_close:
	close(fd);
	return ret;
}

int dmab_dma_heap_setup(const struct dmab_strategy *s, struct dmab_buffer *buf, size_t size)
{
	struct dma_heap_allocation_data alloc = {
		.len = dmab_page_round(size),
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap, ret;

	(void)s;
	heap = open(DMA_HEAP_SYSTEM, O_RDONLY | O_CLOEXEC);
	if (heap < 0)
		return -errno;
	ret = ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &alloc) ? -errno : 0;
	close(heap);
	if (ret)
		return ret;
	return map_dmabuf((int)alloc.fd, buf, size, alloc.len);
}

int dmab_udmabuf_setup(const struct dmab_strategy *s, struct dmab_buffer *buf, size_t size)
{
	struct udmabuf_create create = { .flags = UDMABUF_FLAGS_CLOEXEC, .size = dmab_page_round(size) };
	int memfd, dev, fd, ret;

	(void)s;
	/* udmabuf wants a memfd that can no longer shrink under it */
	memfd = memfd_create("dmabench", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (memfd < 0)
		return -errno;
	if (ftruncate(memfd, (off_t)create.size) || fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
		ret = -errno;
		goto out_close_memfd;
	}
	dev = open(UDMABUF_DEVICE, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		ret = -errno;
		goto out_close_memfd;
	}
	create.memfd = (uint32_t)memfd;
	fd = ioctl(dev, UDMABUF_CREATE, &create);
	ret = fd < 0 ? -errno : 0;
	close(dev);
	/* the dma-buf holds the pages; the memfd is no longer needed */
	close(memfd);
	if (ret)
		return ret;
	return map_dmabuf(fd, buf, size, create.size);

out_close_memfd:
	close(memfd);
	return ret;
}

void dmab_dmabuf_teardown(struct dmab_buffer *buf)
{
	struct dmabuf_buffer *db = buf->priv;

	if (buf->cpu && db)
		munmap(buf->cpu, db->mapped);
	if (db) {
		close(db->fd);
		free(db);
	}
	buf->cpu = NULL;
	buf->priv = NULL;
}

static int dmabuf_sync(struct dmab_buffer *buf, uint64_t flags)
{
	struct dma_buf_sync sync = { .flags = flags };
	const struct dmabuf_buffer *db = buf->priv;

	/* the ioctl may be interrupted; the dma-buf documentation says to retry */
	while (ioctl(db->fd, DMA_BUF_IOCTL_SYNC, &sync))
		if (errno != EINTR && errno != EAGAIN)
			return -errno;
	return 0;
}

/* Capture: the CPU reads what the device wrote. Playback: the CPU writes for the device. */
static uint64_t access_flags(enum dmab_dir dir)
{
	return dir == DMAB_FROM_DEVICE ? DMA_BUF_SYNC_READ : DMA_BUF_SYNC_WRITE;
}

int dmab_dmabuf_sync_for_device(struct dmab_buffer *buf, size_t offset, size_t length,
				enum dmab_dir dir)
{
	(void)offset, (void)length;
	buf->done_for_device = "DMA_BUF_IOCTL_SYNC END (the whole buffer)";
	return dmabuf_sync(buf, DMA_BUF_SYNC_END | access_flags(dir));
}

int dmab_dmabuf_sync_for_cpu(struct dmab_buffer *buf, size_t offset, size_t length,
			     enum dmab_dir dir)
{
	(void)offset, (void)length;
	buf->done_for_cpu = "DMA_BUF_IOCTL_SYNC START (the whole buffer)";
	return dmabuf_sync(buf, DMA_BUF_SYNC_START | access_flags(dir));
}

int dmab_dmabuf_mapping(struct dmab_buffer *buf, const char **effective, const char **how)
{
	(void)buf;
	*effective = "write-back";
	*how = "not read back: both exporters map their pages cacheable to user space "
	       "(system_heap.c and udmabuf.c use the vma's default protection)";
	return 0;
}
