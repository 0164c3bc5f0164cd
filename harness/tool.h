/* SPDX-License-Identifier: GPL-2.0 */
/* The tool's version and commit: only what prints them includes this. */
#ifndef DMAB_TOOL_H
#define DMAB_TOOL_H

/* The Makefile writes both into build/version.h; a bare compiler gets these. */
#if defined(__has_include)
#if __has_include("version.h")
#include "version.h"
#endif
#endif
#ifndef DMAB_VERSION
#define DMAB_VERSION "0.1.0"
#endif
#ifndef DMAB_GIT
#define DMAB_GIT "unknown"
#endif

#endif /* DMAB_TOOL_H */
