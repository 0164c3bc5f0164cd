/* SPDX-License-Identifier: GPL-2.0 */
/* The environment fingerprint: what a result must carry to be compared later. */
#ifndef DMAB_ENV_H
#define DMAB_ENV_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* The data cache line (the oracle's line), 64 when the system does not say. */
size_t dmab_env_cache_line(void);
/*
 * Where dmab_env_cache_line() found it: "cpuid", "ctr_el0", "sysfs",
 * "sysconf", "cpuinfo part 0xc09 (Cortex-A9)" or "assumed".
 */
const char *dmab_env_cache_line_source(void);
/*
 * The L1 data cache line of the ARM core that @cpuinfo (the text of
 * /proc/cpuinfo) names first, from a table of ARM's own cores; 0 when it names
 * none of them. Then @source gets "cpuinfo part 0x... (name)".
 */
size_t dmab_env_cpuinfo_cache_line(const char *cpuinfo, char *source, size_t len);
/*
 * The largest data or unified cache sysfs lists for cpu0, in bytes, and its
 * *level; 0 (and *level 0) when sysfs lists none (many ARM boards, some VMs).
 */
uint64_t dmab_env_largest_cache(unsigned int *level);
/* MemAvailable from /proc/meminfo in bytes, 0 when unknown. */
uint64_t dmab_env_mem_available(void);
/* The "environment" object of DESIGN.md's result format. */
json_t *dmab_env_json(void);

/*
 * Whether this kernel runs in a virtual machine (1), on bare metal (0), or
 * cannot tell (-1: ARM without a sign of one); *name (NULL if unknown) and
 * *source say which and how it was found. Read once.
 */
int dmab_env_virtualization(const char **name, const char **source);
/* results/<host>-<kernel release>-<UTC time>.json, under @dir. */
int dmab_env_result_path(const char *dir, const char *utc_compact, char *out, size_t len);

#endif /* DMAB_ENV_H */
