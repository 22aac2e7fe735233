// SPDX-License-Identifier: GPL-2.0
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

int ioasid_open(void)
{
	int fd = open("/dev/ioasid", O_RDWR | O_CLOEXEC);

	cr_assert(fd >= 0, "open /dev/ioasid: %s", strerror(errno));
	return fd;
}

int pasid_alloc(int fd, uint32_t min, uint32_t max, uint32_t *pasid)
{
	struct ioasid_pasid_alloc a = {
		.size = sizeof(a), .min = min, .max = max,
	};
	int rc = ioc(fd, IOASID_PASID_ALLOC, &a);

	if (!rc && pasid)
		*pasid = a.out_pasid;
	return rc;
}

int pasid_free(int fd, uint32_t pasid)
{
	struct ioasid_pasid_free f = { .size = sizeof(f), .pasid = pasid };

	return ioc(fd, IOASID_PASID_FREE, &f);
}

struct ioasid_test_stats test_stats(void)
{
	struct ioasid_test t = { .size = sizeof(t), .op = IOASID_TEST_STATS };
	int fd = ioasid_open();

	cr_assert_eq(ioc(fd, IOASID_TEST, &t), 0, "IOASID_TEST_STATS");
	close(fd);
	return t.stats;
}

const char *build_path(const char *rel)
{
	static char buf[4096];
	const char *top = getenv("IOASID_TOP");

	snprintf(buf, sizeof(buf), "%s/%s", top ? top : ".", rel);
	return buf;
}
