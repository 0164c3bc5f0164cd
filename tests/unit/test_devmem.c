// SPDX-License-Identifier: GPL-2.0
/*
 * The devmem backend's reading of what the user gave and what the kernel
 * says: DMABENCH_DEVMEM's SIZE@ADDR as carveout= takes it, and what
 * /proc/iomem says of a range (RAM, which /dev/mem refuses and nobody may
 * write behind the kernel's back; a driver's resource; reserved or
 * nothing; hidden from a reader who is not root).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"

#include "../../strategies/devmem.h"

static void test_parse_range(void **state)
{
	static const struct {
		const char *text;
		uint64_t base, size;
	} good[] = {
		{ "64M@0x10000000", 0x10000000, 64ull << 20 },
		{ "64m@0x5c000000", 0x5c000000, 64ull << 20 },
		{ "4096@268435456", 268435456, 4096 },
		{ "1G@0x100000000", 0x100000000ull, 1ull << 30 },
		{ "0x4000K@0x7c000000", 0x7c000000, 0x4000ull << 10 },
	};
	static const char *const bad[] = {
		"", "64M", "@0x10000000", "64M@", "64M@0x1000zz", "0@0x1000", "x64M@0x1000",
		"64M@0x10000000 ", "-64M@0x1000", "64T@0x1000", "16@0xfffffffffffffff8",
		"0x400000000000G@0", "1G@0x4000000000000000G",
	};
	uint64_t base, size;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		if (dmab_devmem_parse_range(good[i].text, &base, &size))
			fail_msg("'%s' refused", good[i].text);
		if (base != good[i].base || size != good[i].size)
			fail_msg("'%s': %#llx +%#llx", good[i].text, (unsigned long long)base,
				 (unsigned long long)size);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (dmab_devmem_parse_range(bad[i], &base, &size) != -EINVAL)
			fail_msg("'%s' accepted: %#llx +%#llx", bad[i], (unsigned long long)base,
				 (unsigned long long)size);
	assert_int_equal(dmab_devmem_parse_range(NULL, &base, &size), -EINVAL);
}

/* The x86_64 guest's /proc/iomem with memmap=64M$0x10000000 (trimmed). */
static const char x86_iomem[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"000f0000-000fffff : Reserved\n"
	"  000f0000-000fffff : System ROM\n"
	"00100000-0fffffff : System RAM\n"
	"  01000000-01e00000 : Kernel code\n"
	"10000000-13ffffff : Reserved\n"
	"14000000-1ffdffff : System RAM\n"
	"fd000000-fdffffff : 0000:00:02.0\n"
	"  fd000000-fdffffff : bochs-drm\n"
	"fffc0000-ffffffff : Reserved\n";

static void test_iomem(void **state)
{
	static const struct {
		uint64_t base, size;
		enum dmab_iomem_verdict verdict;
		const char *what;
	} cases[] = {
		{ 0x10000000, 64 << 20, DMAB_IOMEM_FREE, "Reserved" },
		{ 0x11000000, 4096, DMAB_IOMEM_FREE, "Reserved" },
		/* one page into RAM at either end is RAM */
		{ 0x0ffff000, 8192, DMAB_IOMEM_RAM, "[0x100000-0xfffffff] System RAM" },
		{ 0x13fff000, 8192, DMAB_IOMEM_RAM, "[0x14000000-0x1ffdffff] System RAM" },
		{ 0x01000000, 4096, DMAB_IOMEM_RAM, "System RAM" },
		/* a device's memory, claimed by its driver (nested) */
		{ 0xfd100000, 4096, DMAB_IOMEM_CLAIMED, "0000:00:02.0" },
		/* nothing there at all: beyond the resources */
		{ 0x200000000ull, 1 << 20, DMAB_IOMEM_FREE, "nothing there" },
	};
	/* a reader who is not root sees every address as 0 */
	static const char hidden[] =
		"00000000-00000000 : Reserved\n"
		"00000000-00000000 : System RAM\n"
		"00000000-00000000 : Reserved\n";
	char what[256];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		enum dmab_iomem_verdict v = dmab_devmem_iomem(x86_iomem, cases[i].base,
							      cases[i].size, what, sizeof(what));

		if (v != cases[i].verdict || !strstr(what, cases[i].what))
			fail_msg("[%#llx +%#llx]: verdict %d (\"%s\"), want %d (\"%s\")",
				 (unsigned long long)cases[i].base,
				 (unsigned long long)cases[i].size, v, what, cases[i].verdict,
				 cases[i].what);
	}
	assert_int_equal(dmab_devmem_iomem(hidden, 0x10000000, 4096, what, sizeof(what)),
			 DMAB_IOMEM_HIDDEN);
	assert_non_null(strstr(what, "not root"));
	assert_int_equal(dmab_devmem_iomem("", 0x10000000, 4096, what, sizeof(what)),
			 DMAB_IOMEM_HIDDEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_range),
		cmocka_unit_test(test_iomem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
