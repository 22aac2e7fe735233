/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the uAPI test suite: thin wrappers that return 0 or -errno so
 * tests can assert exact errnos, plus module-wide counters.
 */
#ifndef IOASID_TEST_HELPERS_H
#define IOASID_TEST_HELPERS_H

#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include <criterion/criterion.h>
#include <linux/ioasid.h>

/* Run an ioctl; 0 or -errno. */
static inline int ioc(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

/* Open /dev/ioasid or fail the test. */
int ioasid_open(void);

/* Allocate a PASID in [min, max] (0 = whole space); 0 or -errno. */
int pasid_alloc(int fd, uint32_t min, uint32_t max, uint32_t *pasid);
int pasid_free(int fd, uint32_t pasid);

/* IOASID_TEST_STATS; fails the test if the test interface is missing. */
struct ioasid_test_stats test_stats(void);

/* Path of a file of the build tree (tests run from the repository root). */
const char *build_path(const char *rel);

#endif
