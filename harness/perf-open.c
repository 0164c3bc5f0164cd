// SPDX-License-Identifier: GPL-2.0
/*
 * perf_event_open(2), which glibc does not wrap. A file of its own so that
 * the unit tests can stand in for it (-Wl,--wrap=dmab_perf_event_open only
 * redirects calls that cross object files).
 */
#include "counters.h"

#include <sys/syscall.h>
#include <unistd.h>

int dmab_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd,
			 unsigned long flags)
{
	return (int)syscall(SYS_perf_event_open, attr, pid, cpu, group_fd, flags);
}
