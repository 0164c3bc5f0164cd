// SPDX-License-Identifier: GPL-2.0
#include "env.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include "counters.h"
#include "patterns.h"
#include "peak.h"
#include "timer.h"
#include "../strategies/devmem.h"
#include "../strategies/kmod.h"
#include "../strategies/user.h"

/* Kernel options that change what DMA strategies cost or do. */
static const char *const config_prefixes[] = {
	"CONFIG_DMA", "CONFIG_CMA", "CONFIG_SWIOTLB", "CONFIG_IOMMU", "CONFIG_PREEMPT",
	"CONFIG_HZ", "CONFIG_HIGHMEM", "CONFIG_ARM_LPAE", "CONFIG_X86_PAT", "CONFIG_ARM64_PAGE",
	"CONFIG_TRANSPARENT_HUGEPAGE", "CONFIG_UDMABUF", "CONFIG_DMABUF", "CONFIG_OUTER_CACHE",
	"CONFIG_CACHE_L2X0", "CONFIG_NUMA", "CONFIG_PERF_EVENTS", "CONFIG_HW_PERF_EVENTS",
	"CONFIG_DEVMEM", "CONFIG_STRICT_DEVMEM", "CONFIG_IO_STRICT_DEVMEM",
	NULL
};

/* The first line of a small text file, without its newline; NULL when unreadable. */
static char *read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	char *ret;

	if (!f)
		return NULL;
	ret = fgets(buf, (int)len, f);
	fclose(f);
	if (!ret)
		return NULL;
	buf[strcspn(buf, "\n")] = 0;
	/* device-tree strings end in NUL, not newline */
	return buf;
}

static json_t *string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/*
 * The L1 data cache line of ARM's own cores, by the part number of their
 * MIDR ("CPU part" in /proc/cpuinfo), as each core's Technical Reference
 * Manual gives it.
 */
static const struct {
	unsigned int part;
	const char *name;
	unsigned int line;
} arm_cores[] = {
	{ 0xc05, "Cortex-A5", 32 },
	{ 0xc07, "Cortex-A7", 64 },
	{ 0xc08, "Cortex-A8", 64 },
	{ 0xc09, "Cortex-A9", 32 },
	{ 0xc0e, "Cortex-A17", 64 },
	{ 0xc0f, "Cortex-A15", 64 },
	{ 0xd03, "Cortex-A53", 64 },
	{ 0xd07, "Cortex-A57", 64 },
	{ 0xd08, "Cortex-A72", 64 },
};

#define ARM_IMPLEMENTER 0x41	/* 'A': ARM Limited */

/* The number after "@key<spaces>:" on a line of @text, the first such line; -1 if none. */
static long cpuinfo_number(const char *text, const char *key)
{
	size_t n = strlen(key);
	const char *line;

	for (line = text; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		const char *v = line + n;

		if (strncmp(line, key, n))
			continue;
		v += strspn(v, " \t");
		if (*v != ':')
			continue;
		v += 1 + strspn(v + 1, " \t");
		/* a number on this line, not one strtol would find on the next */
		return isdigit((unsigned char)*v) ? strtol(v, NULL, 0) : -1;
	}
	return -1;
}

size_t dmab_env_cpuinfo_cache_line(const char *cpuinfo, char *source, size_t len)
{
	long implementer = cpuinfo_number(cpuinfo, "CPU implementer");
	long part = cpuinfo_number(cpuinfo, "CPU part");
	size_t i;

	if (implementer != ARM_IMPLEMENTER)
		return 0;
	for (i = 0; i < sizeof(arm_cores) / sizeof(arm_cores[0]); i++) {
		if (arm_cores[i].part != (unsigned long)part)
			continue;
		snprintf(source, len, "cpuinfo part 0x%03lx (%s)", (unsigned long)part,
			 arm_cores[i].name);
		return arm_cores[i].line;
	}
	return 0;
}

static int line_plausible(long line)
{
	return line >= 16 && line <= 512 && !(line & (line - 1));
}

/* The line of the first level 1 data (or unified) cache sysfs lists, 0 if none. */
static long sysfs_cache_line(void)
{
	char path[96], buf[32];
	unsigned int i;

	for (i = 0; i < 16; i++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%u/level", i);
		if (!read_line(path, buf, sizeof(buf)))
			return 0;
		if (strcmp(buf, "1"))
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%u/type", i);
		if (!read_line(path, buf, sizeof(buf)) ||
		    (strcmp(buf, "Data") && strcmp(buf, "Unified")))
			continue;
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu0/cache/index%u/coherency_line_size", i);
		return read_line(path, buf, sizeof(buf)) ? atol(buf) : 0;
	}
	return 0;
}

static size_t cache_line;
static char cache_line_source[64];

/*
 * Where the line comes from, the first that answers: the register user space
 * may read where there is one (x86 CPUID's CLFLUSH line, arm64 CTR_EL0's
 * DminLine: the line the user backend's maintenance steps by), sysfs, sysconf,
 * the core's part number in /proc/cpuinfo (a Debian armhf kernel gives
 * neither of the two before, and ARMv7 user space cannot read CTR), and last
 * an assumption. The loaded module's reading (CTR.DminLine, CLFLUSH size)
 * comes first.
 */
static void cache_line_resolve(void)
{
	char cpuinfo[16384];
	size_t n = 0;
	FILE *f;
	long l;

	struct dmab_info info;
	const char *reason;

	if (cache_line)
		return;
	/* the module reads the CPU's own statement, which ARMv7 user space cannot */
	if (!dmab_kmod_info(&info, &reason) && line_plausible((long)info.cache_line)) {
		cache_line = info.cache_line;
		snprintf(cache_line_source, sizeof(cache_line_source), "dmabench.ko (%s)",
			 !strcmp(info.arch, "arm") || !strcmp(info.arch, "arm64") ?
			 "CTR.DminLine" : "CPUID CLFLUSH line size");
		return;
	}
#if defined(__x86_64__) || defined(__aarch64__)
	l = (long)dmab_user_cache_line();
	if (line_plausible(l)) {
		cache_line = (size_t)l;
#if defined(__x86_64__)
		snprintf(cache_line_source, sizeof(cache_line_source), "cpuid");
#else
		snprintf(cache_line_source, sizeof(cache_line_source), "ctr_el0");
#endif
		return;
	}
#endif
	l = sysfs_cache_line();
	if (line_plausible(l)) {
		cache_line = (size_t)l;
		snprintf(cache_line_source, sizeof(cache_line_source), "sysfs");
		return;
	}
	l = sysconf(_SC_LEVEL1_DCACHE_LINESIZE);
	if (line_plausible(l)) {
		cache_line = (size_t)l;
		snprintf(cache_line_source, sizeof(cache_line_source), "sysconf");
		return;
	}
	f = fopen("/proc/cpuinfo", "r");
	if (f) {
		/* the first processor's lines are enough */
		n = fread(cpuinfo, 1, sizeof(cpuinfo) - 1, f);
		fclose(f);
	}
	cpuinfo[n] = 0;
	cache_line = dmab_env_cpuinfo_cache_line(cpuinfo, cache_line_source,
						 sizeof(cache_line_source));
	if (cache_line)
		return;
	cache_line = 64;
	snprintf(cache_line_source, sizeof(cache_line_source), "assumed");
}

size_t dmab_env_cache_line(void)
{
	cache_line_resolve();
	return cache_line;
}

const char *dmab_env_cache_line_source(void)
{
	cache_line_resolve();
	return cache_line_source;
}

uint64_t dmab_env_mem_available(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	unsigned long long kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return (uint64_t)kb * 1024;
}

static int config_wanted(const char *line)
{
	size_t i;

	for (i = 0; config_prefixes[i]; i++)
		if (!strncmp(line, config_prefixes[i], strlen(config_prefixes[i])))
			return 1;
	return 0;
}

/* The subset of the kernel configuration, from /boot or /proc/config.gz. */
static json_t *kernel_config(const char *release, const char **source)
{
	char path[256], line[512];
	json_t *obj = json_object();
	gzFile gz;

	/* gzopen reads plain files too */
	snprintf(path, sizeof(path), "/boot/config-%s", release);
	gz = gzopen(path, "r");
	*source = "/boot/config-<release>";
	if (!gz) {
		gz = gzopen("/proc/config.gz", "r");
		*source = "/proc/config.gz";
	}
	if (!gz) {
		*source = NULL;
		return obj;
	}
	while (gzgets(gz, line, sizeof(line))) {
		char *eq = strchr(line, '=');

		if (!eq || !config_wanted(line))
			continue;
		*eq = 0;
		eq[1 + strcspn(eq + 1, "\n")] = 0;
		json_object_set_new(obj, line, json_string(eq + 1));
	}
	gzclose(gz);
	return obj;
}

/* The size of cpu0's cache index@index as sysfs gives it ("32768K"), in bytes; 0 if unknown. */
static uint64_t sysfs_cache_size(unsigned int index)
{
	char path[128], buf[64];
	unsigned long long size = 0;
	char unit = 0;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%u/size", index);
	if (!read_line(path, buf, sizeof(buf)) || sscanf(buf, "%llu%c", &size, &unit) < 1)
		return 0;
	return (uint64_t)size << (unit == 'K' ? 10 : unit == 'M' ? 20 : 0);
}

uint64_t dmab_env_largest_cache(unsigned int *level)
{
	char path[128], buf[64];
	uint64_t largest = 0;
	unsigned int i;

	*level = 0;
	for (i = 0; i < 16; i++) {
		uint64_t size;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%u/type", i);
		if (!read_line(path, buf, sizeof(buf)))
			break;
		/* data passes through data and unified caches, never the instruction cache */
		if (!strcmp(buf, "Instruction"))
			continue;
		size = sysfs_cache_size(i);
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%u/level", i);
		if (size > largest && read_line(path, buf, sizeof(buf))) {
			largest = size;
			*level = (unsigned int)atoi(buf);
		}
	}
	return largest;
}

static json_t *cpu_caches(void)
{
	json_t *arr = json_array();
	char path[128], buf[64], type[32];
	unsigned int i;

	for (i = 0; i < 16; i++) {
		json_t *c;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%u/level", i);
		if (!read_line(path, buf, sizeof(buf)))
			break;
		c = json_object();
		json_object_set_new(c, "level", json_integer(atoi(buf)));
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%u/type", i);
		json_object_set_new(c, "type", string_or_null(read_line(path, type, sizeof(type))));
		json_object_set_new(c, "size_bytes", json_integer((json_int_t)sysfs_cache_size(i)));
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu0/cache/index%u/coherency_line_size", i);
		json_object_set_new(c, "line_bytes",
				    json_integer(read_line(path, buf, sizeof(buf)) ? atoi(buf) : 0));
		json_array_append_new(arr, c);
	}
	return arr;
}

/* "model name" on x86; implementer and part on ARM, which has no name there. */
static json_t *cpu_model(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256], impl[32] = "", part[32] = "";
	json_t *ret = NULL;

	if (!f)
		return json_null();
	while (!ret && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		colon += 1 + strspn(colon + 1, " \t");
		colon[strcspn(colon, "\n")] = 0;
		if (!strncmp(line, "model name", 10))
			ret = json_string(colon);
		else if (!strncmp(line, "CPU implementer", 15))
			snprintf(impl, sizeof(impl), "%s", colon);
		else if (!strncmp(line, "CPU part", 8) && !part[0])
			snprintf(part, sizeof(part), "%s", colon);
	}
	fclose(f);
	if (!ret && impl[0]) {
		snprintf(line, sizeof(line), "implementer %s part %s", impl, part);
		ret = json_string(line);
	}
	return ret ? ret : json_null();
}

static json_t *board(void)
{
	char buf[128], vendor[272];

	if (read_line("/proc/device-tree/model", buf, sizeof(buf)))
		return json_string(buf);
	if (read_line("/sys/class/dmi/id/product_name", buf, sizeof(buf))) {
		if (read_line("/sys/class/dmi/id/sys_vendor", vendor, sizeof(vendor))) {
			size_t n = strlen(vendor);

			snprintf(vendor + n, sizeof(vendor) - n, " %s", buf);
			return json_string(vendor);
		}
		return json_string(buf);
	}
	return json_null();
}

/* The module's parameters as sysfs shows them, name to value. */
/* Whether a line of /proc/cpuinfo's flags names @flag. */
static int cpuinfo_flag(const char *flag)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ':'), *tok, *save = NULL;

		if (strncmp(line, "flags", 5) || !p)
			continue;
		for (tok = strtok_r(p + 1, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save))
			if (!strcmp(tok, flag))
				found = 1;
		break;
	}
	fclose(f);
	return found;
}

int dmab_env_virtualization(const char **name, const char **source)
{
	static int known, virtualized;
	static char name_buf[64], source_buf[96];
	struct dmab_info info;
	const char *reason;
	char buf[256];

	if (known) {
		*name = name_buf[0] ? name_buf : NULL;
		*source = source_buf;
		return virtualized;
	}
	known = 1;
	virtualized = -1;
	/* What the kernel knows (x86: CPUID and the hypervisor's signature). */
	if (!dmab_kmod_info(&info, &reason) && !(info.flags & DMAB_INFO_HYPERVISOR_UNKNOWN)) {
		virtualized = !!(info.flags & DMAB_INFO_HYPERVISOR);
		snprintf(name_buf, sizeof(name_buf), "%.*s", (int)sizeof(info.hypervisor),
			 info.hypervisor);
		snprintf(source_buf, sizeof(source_buf), "dmabench.ko (x86 CPUID)");
	} else if (cpuinfo_flag("hypervisor")) {
		virtualized = 1;
		snprintf(source_buf, sizeof(source_buf), "/proc/cpuinfo flag hypervisor");
	} else if (read_line("/sys/hypervisor/type", buf, sizeof(buf))) {
		virtualized = 1;
		snprintf(name_buf, sizeof(name_buf), "%.63s", buf);
		snprintf(source_buf, sizeof(source_buf), "/sys/hypervisor/type");
	} else if (!access("/proc/device-tree/hypervisor", F_OK)) {
		virtualized = 1;
		snprintf(source_buf, sizeof(source_buf), "device tree /hypervisor node");
	} else if (read_line("/proc/device-tree/compatible", buf, sizeof(buf)) &&
		   !strcmp(buf, "linux,dummy-virt")) {
		/* QEMU's (and crosvm's) virt machine: emulated, or a VM under KVM */
		virtualized = 1;
		snprintf(name_buf, sizeof(name_buf), "QEMU virt machine");
		snprintf(source_buf, sizeof(source_buf), "device tree compatible linux,dummy-virt");
	} else if (read_line("/sys/class/dmi/id/sys_vendor", buf, sizeof(buf)) &&
		   (!strcmp(buf, "QEMU") || strstr(buf, "VMware") || !strcmp(buf, "Xen") ||
		    strstr(buf, "Microsoft Corporation"))) {
		virtualized = 1;
		snprintf(name_buf, sizeof(name_buf), "%.63s", buf);
		snprintf(source_buf, sizeof(source_buf), "DMI sys_vendor");
	} else {
#if defined(__x86_64__) || defined(__i386__)
		virtualized = 0;	/* CPUID's hypervisor bit is clear */
		snprintf(source_buf, sizeof(source_buf), "/proc/cpuinfo (no hypervisor flag)");
#else
		/* ARM has no architectural bit: an emulated board looks like the real one */
		snprintf(source_buf, sizeof(source_buf),
			 "nothing found; ARM has no architectural way to tell");
#endif
	}
	*name = name_buf[0] ? name_buf : NULL;
	*source = source_buf;
	return virtualized;
}

static json_t *virtualization_json(void)
{
	const char *name, *source;
	int v = dmab_env_virtualization(&name, &source);

	return json_pack("{s:o, s:o, s:s}", "virtualized", v < 0 ? json_null() : json_boolean(v),
			 "name", string_or_null(name), "source", source);
}

static json_t *kmod_params(void)
{
	static const char dir_path[] = "/sys/module/dmabench/parameters";
	DIR *dir = opendir(dir_path);
	struct dirent *d;
	json_t *params;
	char path[512], value[256];

	if (!dir)
		return json_null();
	params = json_object();
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir_path, d->d_name);
		if (read_line(path, value, sizeof(value)))
			json_object_set_new(params, d->d_name, json_string(value));
	}
	closedir(dir);
	return params;
}

/* The module's carveout (carveout=), or null when it has none. */
static json_t *carveout_json(const struct dmab_info *info)
{
	json_t *strategies = json_array();
	unsigned int i;

	if (!info->carveout_size) {
		json_decref(strategies);
		return json_null();
	}
	for (i = 0; i < dmab_strategy_count; i++) {
		const struct dmab_strategy *s = dmab_strategies[i];

		if (!strcmp(s->backend, "carveout") && s->id < 32 &&
		    (info->carveout_strategy_mask & (1u << s->id)))
			json_array_append_new(strategies, json_string(s->name));
	}
	return json_pack("{s:I, s:I, s:I, s:o, s:o}", "base", (json_int_t)info->carveout_base,
			 "size_bytes", (json_int_t)info->carveout_size, "used_bytes",
			 (json_int_t)info->carveout_used, "strategies", strategies,
			 "cached_sync_maintenance",
			 string_or_null(dmab_carveout_sync_name(info->carveout_sync)));
}

static json_t *kmod_json(void)
{
	struct dmab_info info;
	const char *reason = NULL;
	json_t *kmod = json_object(), *strategies;
	unsigned int i;

	json_object_set_new(kmod, "loaded", json_boolean(!access(DMAB_DEVICE_PATH, F_OK)));
	json_object_set_new(kmod, "params", kmod_params());
	if (dmab_kmod_info(&info, &reason)) {
		json_object_set_new(kmod, "abi", json_null());
		json_object_set_new(kmod, "dma_coherent", json_null());
		json_object_set_new(kmod, "unavailable", json_string(reason));
		return kmod;
	}
	json_object_set_new(kmod, "abi", json_integer(info.abi_version));
	json_object_set_new(kmod, "dma_coherent",
			    json_boolean(info.flags & DMAB_INFO_DMA_COHERENT));
	json_object_set_new(kmod, "arch", json_stringn(info.arch, strnlen(info.arch,
									  sizeof(info.arch))));
	json_object_set_new(kmod, "cache_line", json_integer(info.cache_line));
	json_object_set_new(kmod, "dma_alignment", json_integer(info.dma_alignment));
	json_object_set_new(kmod, "outer_cache", json_boolean(info.flags & DMAB_INFO_OUTER_CACHE));
	json_object_set_new(kmod, "mappings_bounce", json_boolean(info.flags & DMAB_INFO_BOUNCE));
	json_object_set_new(kmod, "atomic_pool", json_boolean(info.flags & DMAB_INFO_ATOMIC_POOL));
	json_object_set_new(kmod, "full_flush_refused",
			    string_or_null(dmab_kmod_full_flush_refusal(info.full_flush)));
	json_object_set_new(kmod, "dma_controller",
			    info.flags & DMAB_INFO_DMAENGINE ?
			    json_stringn(info.dma_controller, strnlen(info.dma_controller,
								      sizeof(info.dma_controller))) :
			    json_null());
	json_object_set_new(kmod, "max_total_bytes", json_integer((json_int_t)info.max_total_bytes));
	json_object_set_new(kmod, "dma_channel",
			    info.flags & DMAB_INFO_DMAENGINE ?
			    json_stringn(info.dma_channel, strnlen(info.dma_channel,
								   sizeof(info.dma_channel))) :
			    json_null());
	strategies = json_array();
	for (i = 0; i < dmab_strategy_count; i++) {
		const struct dmab_strategy *s = dmab_strategies[i];

		if (!strcmp(s->backend, "kmod") && s->id < 32 &&
		    (info.strategy_mask & (1u << s->id)))
			json_array_append_new(strategies, json_string(s->name));
	}
	json_object_set_new(kmod, "strategies", strategies);
	json_object_set_new(kmod, "carveout", carveout_json(&info));
	return kmod;
}

/* What the devmem backend found: its range, /dev/mem's rules here, or why it cannot run. */
static json_t *devmem_json(void)
{
	struct dmab_devmem_info d;

	dmab_devmem_describe(&d);
	return json_pack("{s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:s, s:o}",
			 "base", d.range_known ? json_integer((json_int_t)d.base) : json_null(),
			 "size_bytes", d.range_known ? json_integer((json_int_t)d.size) : json_null(),
			 "source", string_or_null(d.source),
			 "module_device", d.module_device,
			 "strict_devmem", string_or_null(d.strict_devmem),
			 "io_strict_devmem", string_or_null(d.io_strict_devmem),
			 "config_source", string_or_null(d.config_source),
			 "iomem", d.iomem,
			 "unavailable", string_or_null(d.unusable));
}

static json_t *int_file(const char *path)
{
	char buf[64], *end;
	long v;

	if (!read_line(path, buf, sizeof(buf)))
		return json_null();
	v = strtol(buf, &end, 10);
	return end != buf ? json_integer(v) : json_null();
}

/* What decides whether counters can be had: the sysctls, the PMUs, libpfm4. */
static json_t *perf_json(void)
{
	json_t *perf = json_object(), *sources = json_array(), *pmus = json_array();
	char version[16], names[512], *save = NULL, *name;
	DIR *d = opendir("/sys/bus/event_source/devices");
	struct dirent *de;

	json_object_set_new(perf, "paranoid", int_file("/proc/sys/kernel/perf_event_paranoid"));
	json_object_set_new(perf, "user_access", int_file("/proc/sys/kernel/perf_user_access"));
	json_object_set_new(perf, "rdpmc", int_file("/sys/bus/event_source/devices/cpu/rdpmc"));
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.')
			json_array_append_new(sources, json_string(de->d_name));
	if (d)
		closedir(d);
	json_object_set_new(perf, "event_sources", sources);
	if (dmab_counters_library(version, sizeof(version), names, sizeof(names))) {
		json_object_set_new(perf, "libpfm", json_pack("{s:n, s:o, s:s}", "api_version", "pmus",
							      pmus, "error", names));
		return perf;
	}
	for (name = strtok_r(names, ",", &save); name; name = strtok_r(NULL, ",", &save))
		json_array_append_new(pmus, json_string(name));
	json_object_set_new(perf, "libpfm", json_pack("{s:s, s:o}", "api_version", version, "pmus",
						      pmus));
	return perf;
}

json_t *dmab_env_json(void)
{
	struct utsname u;
	char buf[4096], host[256] = "";
	const char *config_source;
	json_t *env = json_object(), *kernel = json_object(), *cpu = json_object();
	json_t *timer = json_object(), *user = json_object();
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	const struct dmab_peak *peak;

	uname(&u);
	gethostname(host, sizeof(host) - 1);
	json_object_set_new(env, "hostname", json_string(host));
	json_object_set_new(kernel, "release", json_string(u.release));
	json_object_set_new(kernel, "version", json_string(u.version));
	json_object_set_new(kernel, "cmdline",
			    string_or_null(read_line("/proc/cmdline", buf, sizeof(buf))));
	json_object_set_new(kernel, "config", kernel_config(u.release, &config_source));
	json_object_set_new(kernel, "config_source", string_or_null(config_source));
	json_object_set_new(env, "kernel", kernel);
	json_object_set_new(env, "arch", json_string(u.machine));

	json_object_set_new(cpu, "model", cpu_model());
	json_object_set_new(cpu, "count", json_integer(ncpu > 0 ? ncpu : 0));
	json_object_set_new(cpu, "cache_line", json_integer((json_int_t)dmab_env_cache_line()));
	json_object_set_new(cpu, "cache_line_source", json_string(dmab_env_cache_line_source()));
	json_object_set_new(cpu, "caches", cpu_caches());
	json_object_set_new(cpu, "governor",
			    string_or_null(read_line("/sys/devices/system/cpu/cpu0/cpufreq/"
						     "scaling_governor", buf, sizeof(buf))));
	json_object_set_new(cpu, "read_isa", json_string(dmab_read_isa));
	json_object_set_new(env, "cpu", cpu);
	json_object_set_new(env, "board", board());
	json_object_set_new(env, "memory_available_bytes",
			    json_integer((json_int_t)dmab_env_mem_available()));
	/* measured once per process, at the first call: a run makes it before it measures */
	peak = dmab_peak_get();
	json_object_set_new(env, "peak_mbps", dmab_peak_json(peak));
	if (peak->unavailable[0])
		json_object_set_new(env, "peak_mbps_unavailable", json_string(peak->unavailable));

	json_object_set_new(env, "kmod", kmod_json());
	json_object_set_new(env, "virtualization", virtualization_json());

	json_object_set_new(user, "cache_maintenance", json_string(dmab_user_maintenance));
	json_object_set_new(user, "cache_line", json_integer((json_int_t)dmab_user_cache_line()));
	json_object_set_new(env, "user_backend", user);
	json_object_set_new(env, "devmem", devmem_json());

	json_object_set_new(timer, "source", json_string(dmab_timer.source));
	json_object_set_new(timer, "freq_hz", json_integer((json_int_t)dmab_timer.freq_hz));
	json_object_set_new(timer, "calibrated", json_boolean(dmab_timer.calibrated));
	json_object_set_new(timer, "overhead_ns", json_real(dmab_timer.overhead_ns));
	json_object_set_new(env, "timer", timer);
	json_object_set_new(env, "perf", perf_json());
	return env;
}

/* Host names and releases may hold characters a file name should not. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '.' && *s != '_' && *s != '-')
			*s = '_';
}

int dmab_env_result_path(const char *dir, const char *utc_compact, char *out, size_t len)
{
	struct utsname u;
	char host[128] = "";
	int n;

	uname(&u);
	gethostname(host, sizeof(host) - 1);
	sanitize(host);
	sanitize(u.release);
	n = snprintf(out, len, "%s/%s-%s-%s.json", dir, host, u.release, utc_compact);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}
