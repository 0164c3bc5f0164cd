// SPDX-License-Identifier: GPL-2.0
/*
 * kmod-usage: what dmabench.ko's live buffers hold now, from INFO, for the
 * crash tests (crash.sh): after a dmabench run was killed, nothing may stay
 * allocated.
 *
 *   kmod-usage           prints "allocated_bytes N live_buffers N max_total_bytes N";
 *                        exit 0 when nothing is allocated, 1 when something is
 *   kmod-usage --busy    the same line; exit 0 when something is allocated, 1 when not
 *
 * Exit 2 when the module cannot be asked (not loaded, INFO failed).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "dmabench.h"	/* kmod/include/uapi */

int main(int argc, char **argv)
{
	struct dmab_info info;
	int busy = argc > 1 && !strcmp(argv[1], "--busy");
	int fd = open(DMAB_DEVICE_PATH, O_RDONLY | O_CLOEXEC), held;

	if (fd < 0) {
		fprintf(stderr, "kmod-usage: %s: %s\n", DMAB_DEVICE_PATH, strerror(errno));
		return 2;
	}
	memset(&info, 0, sizeof(info));
	if (ioctl(fd, DMAB_IOC_INFO, &info)) {
		fprintf(stderr, "kmod-usage: INFO: %s\n", strerror(errno));
		close(fd);
		return 2;
	}
	close(fd);
	printf("allocated_bytes %llu live_buffers %llu max_total_bytes %llu\n",
	       (unsigned long long)info.allocated_bytes, (unsigned long long)info.live_buffers,
	       (unsigned long long)info.max_total_bytes);
	held = info.allocated_bytes || info.live_buffers;
	return held == busy ? 0 : 1;
}
