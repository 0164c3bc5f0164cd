/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The devmem backend: memory reserved at boot, mapped through /dev/mem
 * exactly as users do (O_SYNC: uncached; without: cached, with user-space
 * cache maintenance where the architecture has it). No module needed.
 *
 * The range: DMABENCH_DEVMEM=SIZE@ADDR (as carveout= takes it: K/M/G,
 * 0x...), else the carveout of a loaded dmabench.ko (INFO). When the
 * module holds that region (DMABENCH_DEVMEM unset, or inside its
 * carveout), each buffer is a carveout buffer it allocates, for its
 * physical address and its device, which writes there as a bus master
 * would; this process maps it through /dev/mem. Otherwise buffers are laid
 * out in the range by this process, and the CPU plays the device through a
 * second /dev/mem mapping (labelled emulated).
 */
#ifndef DMAB_DEVMEM_H
#define DMAB_DEVMEM_H

#include "strategy.h"

#define DMAB_DEVMEM_ENV "DMABENCH_DEVMEM"

int dmab_devmem_probe(const struct dmab_strategy *s, const char **reason);
int dmab_devmem_setup(const struct dmab_strategy *s, struct dmab_buffer *buf, size_t size);
void dmab_devmem_teardown(struct dmab_buffer *buf);
/* cached-sync's: user-space cache maintenance (user.h), saying what it was */
int dmab_devmem_sync_for_device(struct dmab_buffer *buf, size_t offset, size_t length,
				enum dmab_dir dir);
int dmab_devmem_sync_for_cpu(struct dmab_buffer *buf, size_t offset, size_t length,
			     enum dmab_dir dir);
int dmab_devmem_mapping(struct dmab_buffer *buf, const char **effective, const char **how);

extern struct dmab_device dmab_devmem_device;

/* What every devmem table shares; the table adds its name, id, mapping, handover, syncs. */
#define DMAB_DEVMEM_OPS					\
	.backend = "devmem",				\
	.probe = dmab_devmem_probe,			\
	.setup = dmab_devmem_setup,			\
	.teardown = dmab_devmem_teardown,		\
	.pool_bytes = dmab_reserved_pool_bytes,		\
	.device = &dmab_devmem_device,			\
	.query_mapping = dmab_devmem_mapping

/* What `dmabench info` and the result's environment say of /dev/mem here. */
struct dmab_devmem_info {
	int range_known;
	uint64_t base, size;
	const char *source;		/* DMABENCH_DEVMEM, or dmabench.ko's carveout */
	const char *unusable;		/* why the backend cannot run here, or NULL */
	int module_device;		/* the module allocates and plays the device */
	/* "y", "n" (not set), or NULL when the configuration could not be read */
	const char *strict_devmem, *io_strict_devmem;
	const char *config_source;	/* /boot/config-<release>, /proc/config.gz, or NULL */
	char iomem[256];		/* what /proc/iomem says of the range */
};

void dmab_devmem_describe(struct dmab_devmem_info *out);

/*
 * Parses SIZE@ADDR (K, M, G: powers of 1024; 0x hex or decimal). 0, or
 * -EINVAL. Exposed for the unit tests.
 */
int dmab_devmem_parse_range(const char *text, uint64_t *base, uint64_t *size);

/* What /proc/iomem's text @iomem says of [base, base + size); exposed for the unit tests. */
enum dmab_iomem_verdict {
	DMAB_IOMEM_FREE,		/* nothing there, or only "Reserved"/"reserved" */
	DMAB_IOMEM_RAM,			/* overlaps System RAM */
	DMAB_IOMEM_CLAIMED,		/* overlaps a resource of another name */
	DMAB_IOMEM_HIDDEN,		/* addresses read as 0: not root */
};
enum dmab_iomem_verdict dmab_devmem_iomem(const char *iomem, uint64_t base, uint64_t size,
					  char *what, size_t len);

#endif /* DMAB_DEVMEM_H */
