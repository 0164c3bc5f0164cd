/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dmabench: types shared by the harness, the strategies and the workloads.
 */
#ifndef DMABENCH_H
#define DMABENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DMAB_NAME "dmabench"
/* 2: repetitions, phases.cpu_cost, noise_floor, environment.peak_mbps; 1 is still read */
#define DMAB_SCHEMA_VERSION 2

/* Exit codes, as DESIGN.md gives them. */
enum dmab_exit {
	DMAB_EXIT_OK = 0,
	DMAB_EXIT_FAILED = 1,
	DMAB_EXIT_USAGE = 2,
	DMAB_EXIT_MISSING = 3,
	DMAB_EXIT_UNSUPPORTED = 4,
	DMAB_EXIT_INTERRUPTED = 130,	/* 128 + SIGINT, as shells report it */
};

/*
 * The phases of a frame, in the order the JSON and the table list them.
 * cpu_cost is not timed on its own: it is the sum of the phases that are
 * the strategy's cost to the consumer's CPU (the workload's cost_phases),
 * per frame, and it is the headline. alloc_map, first_touch and unmap_free
 * are the alloc workloads': getting a buffer, its first touch, giving it
 * back; alloc and mmap are alloc_map's two steps where the strategy can take
 * them apart, kernel_alloc the allocator's own time as the kernel measured
 * it, dma_unmap and dma_map a streaming mapping given up and made again;
 * munmap and free are unmap_free's two steps, where the strategy takes them apart.
 * DMAB_PHASE(symbol, "json name")
 */
#define DMAB_PHASE_LIST(DMAB_PHASE)				\
	DMAB_PHASE(CPU_COST, "cpu_cost")			\
	DMAB_PHASE(ALLOC_MAP, "alloc_map")			\
	DMAB_PHASE(ALLOC, "alloc")				\
	DMAB_PHASE(MMAP, "mmap")				\
	DMAB_PHASE(KERNEL_ALLOC, "kernel_alloc")		\
	DMAB_PHASE(FIRST_TOUCH, "first_touch")			\
	DMAB_PHASE(SYNC_FOR_DEVICE, "sync_for_device")		\
	DMAB_PHASE(DEVICE_WRITE, "device_write")		\
	DMAB_PHASE(DEVICE_READ, "device_read")			\
	DMAB_PHASE(DEVICE_BUSY, "device_busy")			\
	DMAB_PHASE(SYNC_FOR_CPU, "sync_for_cpu")		\
	DMAB_PHASE(DMA_UNMAP, "dma_unmap")			\
	DMAB_PHASE(DMA_MAP, "dma_map")				\
	DMAB_PHASE(CPU_PROCESS, "cpu_process")			\
	DMAB_PHASE(REFERENCE_READ, "reference_read")		\
	DMAB_PHASE(UNMAP_FREE, "unmap_free")			\
	DMAB_PHASE(MUNMAP, "munmap")				\
	DMAB_PHASE(FREE, "free")				\
	DMAB_PHASE(FRAME, "frame")

enum dmab_phase {
#define DMAB_PHASE_ENUM(sym, name) DMAB_PHASE_##sym,
	DMAB_PHASE_LIST(DMAB_PHASE_ENUM)
#undef DMAB_PHASE_ENUM
	DMAB_PHASE_COUNT
};

#define DMAB_PHASE_BIT(sym) (1u << DMAB_PHASE_##sym)

extern const char *const dmab_phase_names[DMAB_PHASE_COUNT];

/* A frame buffer as a strategy hands it to the workloads. */
struct dmab_buffer {
	unsigned char *cpu;	/* the CPU's mapping of the buffer */
	size_t size;
	void *priv;		/* the strategy's own state */
	/* what the last syncs did, where the backend says (NULL: it does not) */
	const char *done_for_device, *done_for_cpu;
};

/* What the staleness oracle found, summed over frames. */
struct dmab_integrity {
	uint64_t frames_checked;
	uint64_t lines_checked;
	uint64_t stale_lines;
	uint64_t corrupt_lines;
};

/* Largest frame the harness accepts: a bound on what one buffer may take. */
#define DMAB_MAX_FRAME_BYTES (1ull << 30)
/* Frames are whole multiples of this many bytes (the oracle's word grid). */
#define DMAB_FRAME_ALIGN 64u

#endif /* DMABENCH_H */
