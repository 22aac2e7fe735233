// SPDX-License-Identifier: GPL-2.0
/* The PASID space: allocation, ranges, exhaustion, ownership, release. */
#include <unistd.h>

#include "helpers.h"

Test(pasid, alloc_and_free)
{
	int fd = ioasid_open();
	unsigned int before = test_stats().out_pasids;
	uint32_t p;

	cr_assert_eq(pasid_alloc(fd, 0, 0, &p), 0);
	cr_assert(p >= IOASID_PASID_MIN && p <= IOASID_PASID_MAX);
	cr_assert_eq(test_stats().out_pasids, before + 1);
	cr_assert_eq(pasid_free(fd, p), 0);
	cr_assert_eq(test_stats().out_pasids, before);
	close(fd);
}

Test(pasid, double_free_is_enoent)
{
	int fd = ioasid_open();
	uint32_t p;

	cr_assert_eq(pasid_alloc(fd, 0, 0, &p), 0);
	cr_assert_eq(pasid_free(fd, p), 0);
	cr_assert_eq(pasid_free(fd, p), -ENOENT);
	close(fd);
}

Test(pasid, range_is_honoured_and_exhausts)
{
	int fd = ioasid_open();
	uint32_t a, b, c, d;

	cr_assert_eq(pasid_alloc(fd, 70000, 70002, &a), 0);
	cr_assert_eq(pasid_alloc(fd, 70000, 70002, &b), 0);
	cr_assert_eq(pasid_alloc(fd, 70000, 70002, &c), 0);
	cr_assert(a >= 70000 && a <= 70002);
	cr_assert(b >= 70000 && b <= 70002 && b != a);
	cr_assert(c >= 70000 && c <= 70002 && c != a && c != b);
	cr_assert_eq(pasid_alloc(fd, 70000, 70002, &d), -ENOSPC);
	/* A freed PASID comes back. */
	cr_assert_eq(pasid_free(fd, b), 0);
	cr_assert_eq(pasid_alloc(fd, 70000, 70002, &d), 0);
	cr_assert_eq(d, b);
	close(fd);
}

Test(pasid, bad_ranges_are_einval)
{
	int fd = ioasid_open();

	cr_assert_eq(pasid_alloc(fd, 10, 9, NULL), -EINVAL);
	cr_assert_eq(pasid_alloc(fd, 1, IOASID_PASID_MAX + 1, NULL), -EINVAL);
	cr_assert_eq(pasid_alloc(fd, IOASID_PASID_MAX + 1, 0, NULL), -EINVAL);
	close(fd);
}

Test(pasid, unknown_flags_are_eopnotsupp)
{
	int fd = ioasid_open();
	struct ioasid_pasid_alloc a = { .size = sizeof(a), .flags = 1 };

	cr_assert_eq(ioc(fd, IOASID_PASID_ALLOC, &a), -EOPNOTSUPP);
	a.flags = 0;
	a.__reserved = 1;
	cr_assert_eq(ioc(fd, IOASID_PASID_ALLOC, &a), -EOPNOTSUPP);
	close(fd);
}

Test(pasid, owned_by_one_context)
{
	int fd1 = ioasid_open(), fd2 = ioasid_open();
	uint32_t p, q;

	cr_assert_eq(pasid_alloc(fd1, 80000, 80000, &p), 0);
	cr_assert_eq(p, 80000);
	/* The other context neither gets it nor may free it. */
	cr_assert_eq(pasid_alloc(fd2, 80000, 80000, &q), -ENOSPC);
	cr_assert_eq(pasid_free(fd2, p), -ENOENT);
	cr_assert_eq(pasid_free(fd1, p), 0);
	close(fd1);
	close(fd2);
}

Test(pasid, freed_on_close)
{
	unsigned int before = test_stats().out_pasids;
	int fd = ioasid_open();

	for (int i = 0; i < 100; i++)
		cr_assert_eq(pasid_alloc(fd, 0, 0, NULL), 0);
	cr_assert_eq(test_stats().out_pasids, before + 100);
	close(fd);
	cr_assert_eq(test_stats().out_pasids, before);
	/* The values are free again: the exact range can be taken whole. */
	fd = ioasid_open();
	cr_assert_eq(pasid_alloc(fd, 90000, 90000, NULL), 0);
	close(fd);
}
