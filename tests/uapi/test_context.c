// SPDX-License-Identifier: GPL-2.0
/* /dev/ioasid contexts and the generic ioctl conventions. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

Test(context, open_close_counts)
{
	unsigned int before = test_stats().out_contexts;
	int fd = ioasid_open();

	/* test_stats() counts its own context too, each time. */
	cr_assert_eq(test_stats().out_contexts, before + 1);
	close(fd);
	cr_assert_eq(test_stats().out_contexts, before);
}

Test(context, unknown_ioctl_is_enotty)
{
	int fd = ioasid_open();
	uint32_t buf[8] = { sizeof(buf) };

	cr_assert_eq(ioc(fd, _IO(IOASID_TYPE, 0x9f), buf), -ENOTTY);
	cr_assert_eq(ioc(fd, _IO(IOASID_TYPE, IOASID_CMD_BASE + 0x40), buf),
		     -ENOTTY);
	cr_assert_eq(ioc(fd, _IO('x', IOASID_CMD_BASE), buf), -ENOTTY);
	close(fd);
}

Test(context, size_too_small_is_einval)
{
	int fd = ioasid_open();
	struct ioasid_pasid_alloc a = { .size = 4 };

	cr_assert_eq(ioc(fd, IOASID_PASID_ALLOC, &a), -EINVAL);
	close(fd);
}

Test(context, larger_struct_with_nonzero_tail_is_e2big)
{
	int fd = ioasid_open();
	struct {
		struct ioasid_pasid_alloc a;
		uint64_t tail;
	} big = { .a.size = sizeof(big), .tail = 1 };

	cr_assert_eq(ioc(fd, IOASID_PASID_ALLOC, &big), -E2BIG);
	big.tail = 0;
	cr_assert_eq(ioc(fd, IOASID_PASID_ALLOC, &big), 0);
	cr_assert_geq(big.a.out_pasid, IOASID_PASID_MIN);
	close(fd);
}

Test(context, bad_pointer_is_efault)
{
	int fd = ioasid_open();

	cr_assert_eq(ioc(fd, IOASID_PASID_ALLOC, (void *)8), -EFAULT);
	cr_assert_eq(ioc(fd, IOASID_DESTROY, NULL), -EFAULT);
	close(fd);
}

Test(context, destroy_unknown_id_is_enoent)
{
	int fd = ioasid_open();
	struct ioasid_destroy d = { .size = sizeof(d), .id = 12345 };

	cr_assert_eq(ioc(fd, IOASID_DESTROY, &d), -ENOENT);
	d.id = 0;
	cr_assert_eq(ioc(fd, IOASID_DESTROY, &d), -ENOENT);
	close(fd);
}
