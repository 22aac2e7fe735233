// SPDX-License-Identifier: GPL-2.0
/*
 * pasidtool: allocate PASIDs in one /dev/ioasid context, for shell tests.
 *
 *   pasidtool COUNT [MIN MAX]
 *
 * Prints one line per attempt: "ok <pasid>" or "err <errno name>", then
 * closes the context (freeing them).  Exit 0 unless /dev/ioasid cannot be
 * opened or the arguments are wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/ioasid.h>

int main(int argc, char **argv)
{
	unsigned long count, min = 0, max = 0;
	int fd;

	if (argc != 2 && argc != 4) {
		fprintf(stderr, "usage: pasidtool COUNT [MIN MAX]\n");
		return 2;
	}
	count = strtoul(argv[1], NULL, 0);
	if (argc == 4) {
		min = strtoul(argv[2], NULL, 0);
		max = strtoul(argv[3], NULL, 0);
	}
	fd = open("/dev/ioasid", O_RDWR);
	if (fd < 0) {
		perror("/dev/ioasid");
		return 1;
	}
	for (unsigned long i = 0; i < count; i++) {
		struct ioasid_pasid_alloc a = {
			.size = sizeof(a), .min = min, .max = max,
		};

		if (ioctl(fd, IOASID_PASID_ALLOC, &a))
			printf("err %s\n", strerrorname_np(errno));
		else
			printf("ok %u\n", a.out_pasid);
	}
	close(fd);
	return 0;
}
