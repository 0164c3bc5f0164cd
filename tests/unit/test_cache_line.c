// SPDX-License-Identifier: GPL-2.0
/*
 * The cache line from /proc/cpuinfo, the fallback where neither sysfs nor
 * sysconf says (a Debian armhf kernel on a Cortex-A9): ARM's own cores by
 * their part number, the first processor's, and nothing made up for any
 * other CPU.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"

#include "../../harness/env.h"

/* A Zynq-7000 (two Cortex-A9) under Debian armhf, as the kernel prints it. */
#define ZYNQ									\
	"processor\t: 0\n"							\
	"model name\t: ARMv7 Processor rev 0 (v7l)\n"				\
	"BogoMIPS\t: 666.66\n"							\
	"Features\t: half thumb fastmult vfp edsp neon vfpv3 tls vfpd32 \n"	\
	"CPU implementer\t: 0x41\n"						\
	"CPU architecture: 7\n"							\
	"CPU variant\t: 0x3\n"							\
	"CPU part\t: 0xc09\n"							\
	"CPU revision\t: 0\n"							\
	"\n"									\
	"processor\t: 1\n"							\
	"model name\t: ARMv7 Processor rev 0 (v7l)\n"				\
	"CPU implementer\t: 0x41\n"						\
	"CPU part\t: 0xc09\n"							\
	"\n"									\
	"Hardware\t: Xilinx Zynq Platform\n"					\
	"Revision\t: 0003\n"							\
	"Serial\t\t: 0000000000000000\n"

/* One arm64 processor block: implementer @impl, part @part. */
#define ARM64_CPU(n, impl, part)						\
	"processor\t: " n "\n"							\
	"BogoMIPS\t: 108.00\n"							\
	"Features\t: fp asimd evtstrm crc32 cpuid\n"				\
	"CPU implementer\t: " impl "\n"						\
	"CPU architecture: 8\n"							\
	"CPU variant\t: 0x0\n"							\
	"CPU part\t: " part "\n"						\
	"CPU revision\t: 4\n\n"

/* One ARMv7 processor block with part @part. */
#define ARMV7_CPU(part)								\
	"processor\t: 0\n"							\
	"model name\t: ARMv7 Processor rev 10 (v7l)\n"				\
	"CPU implementer\t: 0x41\n"						\
	"CPU architecture: 7\n"							\
	"CPU variant\t: 0x2\n"							\
	"CPU part\t: " part "\n"						\
	"CPU revision\t: 10\n\n"

static const struct cpuinfo_case {
	const char *name;
	const char *text;
	size_t line;		/* 0: no answer from cpuinfo */
	const char *source;	/* what the result says the line came from */
} cases[] = {
	{ "Zynq-7000 Cortex-A9", ZYNQ, 32, "cpuinfo part 0xc09 (Cortex-A9)" },
	{ "i.MX6 Cortex-A9 rev 10", ARMV7_CPU("0xc09") ARMV7_CPU("0xc09"), 32,
	  "cpuinfo part 0xc09 (Cortex-A9)" },
	{ "SAMA5D3 Cortex-A5", ARMV7_CPU("0xc05"), 32, "cpuinfo part 0xc05 (Cortex-A5)" },
	{ "Raspberry Pi 2 Cortex-A7", ARMV7_CPU("0xc07"), 64, "cpuinfo part 0xc07 (Cortex-A7)" },
	{ "BeagleBone Cortex-A8", ARMV7_CPU("0xc08"), 64, "cpuinfo part 0xc08 (Cortex-A8)" },
	{ "QEMU virt Cortex-A15", ARMV7_CPU("0xc0f"), 64, "cpuinfo part 0xc0f (Cortex-A15)" },
	{ "Cortex-A17", ARMV7_CPU("0xc0e"), 64, "cpuinfo part 0xc0e (Cortex-A17)" },
	{ "Raspberry Pi 3 Cortex-A53", ARM64_CPU("0", "0x41", "0xd03"), 64,
	  "cpuinfo part 0xd03 (Cortex-A53)" },
	{ "Cortex-A57", ARM64_CPU("0", "0x41", "0xd07"), 64, "cpuinfo part 0xd07 (Cortex-A57)" },
	{ "Cortex-A72", ARM64_CPU("0", "0x41", "0xd08"), 64, "cpuinfo part 0xd08 (Cortex-A72)" },
	/* big.LITTLE: the first processor's part is the one looked up */
	{ "RK3399 A53 then A72", ARM64_CPU("0", "0x41", "0xd03") ARM64_CPU("4", "0x41", "0xd08"),
	  64, "cpuinfo part 0xd03 (Cortex-A53)" },
	{ "upper-case hex", ARMV7_CPU("0xC09"), 32, "cpuinfo part 0xc09 (Cortex-A9)" },
	/* not ARM's own core, or not one in the table: no answer, not a guess */
	{ "Qualcomm Kryo (implementer 0x51)", ARM64_CPU("0", "0x51", "0x800"), 0, NULL },
	{ "Neoverse-N1, not in the table", ARM64_CPU("0", "0x41", "0xd0c"), 0, NULL },
	{ "x86", "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R)\n"
		 "clflush size\t: 64\ncache_alignment\t: 64\n", 0, NULL },
	{ "no implementer line", "processor\t: 0\nCPU part\t: 0xc09\n", 0, NULL },
	{ "no part line", "processor\t: 0\nCPU implementer\t: 0x41\n", 0, NULL },
	{ "part without a number", "CPU implementer\t: 0x41\nCPU part\t: \n", 0, NULL },
	{ "part's number on the next line", "CPU implementer\t: 0x41\nCPU part\t:\n0xc09\n", 0,
	  NULL },
	{ "a key that only starts alike", "CPU implementer\t: 0x41\nCPU partition\t: 0xc09\n", 0,
	  NULL },
	{ "empty", "", 0, NULL },
};

static void test_cpuinfo_cache_line(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct cpuinfo_case *c = &cases[i];
		char source[64] = "untouched";
		size_t line = dmab_env_cpuinfo_cache_line(c->text, source, sizeof(source));

		CHECK_U64(c->name, "line", line, c->line);
		if (c->source && strcmp(source, c->source))
			fail_msg("%s: source \"%s\", want \"%s\"", c->name, source, c->source);
		if (!c->source && strcmp(source, "untouched"))
			fail_msg("%s: no answer, but the source was written: \"%s\"", c->name,
				 source);
	}
}

/* Whatever answered here, the line is a power of two in 16..512 and says where it came from. */
static void test_this_machine(void **state)
{
	size_t line = dmab_env_cache_line();
	const char *source = dmab_env_cache_line_source();

	(void)state;
	assert_true(line >= 16 && line <= 512 && !(line & (line - 1)));
	assert_non_null(source);
	assert_true(!strcmp(source, "cpuid") || !strcmp(source, "ctr_el0") ||
		    !strcmp(source, "sysfs") || !strcmp(source, "sysconf") ||
		    !strncmp(source, "cpuinfo part 0x", 15) || !strcmp(source, "assumed"));
	assert_int_equal(dmab_env_cache_line(), line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpuinfo_cache_line),
		cmocka_unit_test(test_this_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
