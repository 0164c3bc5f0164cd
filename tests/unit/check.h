/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the cmocka unit tests: include after <cmocka.h>. */
#ifndef DMAB_TEST_CHECK_H
#define DMAB_TEST_CHECK_H

#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Fails naming the case and the value when @got is not @want. */
#define CHECK_U64(name, what, got, want)						\
	do {										\
		if ((uint64_t)(got) != (uint64_t)(want))				\
			fail_msg("%s: %s is %llu, want %llu", (name), (what),		\
				 (unsigned long long)(got), (unsigned long long)(want));	\
	} while (0)

#endif /* DMAB_TEST_CHECK_H */
