// SPDX-License-Identifier: GPL-2.0
/*
 * The device core through mock devices: bind, unbind, group ownership and
 * viability, the device fd's life cycle, and errors.  DMA and attachments
 * to IOAS are in test_mock_dma.c.
 */
#include <fcntl.h>
#include <unistd.h>

#include "mock.h"

Test(device, mock_create_and_info)
{
	unsigned int before = test_stats().out_mock_devices;
	struct mock m = mock_new(0);
	struct ioasid_device_info i = dev_info(m.fd);

	cr_assert_eq(i.out_flags, IOASID_DEVICE_INFO_MOCK);
	cr_assert_eq(i.out_group_id, m.group_id);
	cr_assert_geq(m.group_id, 0xffff0000u);
	cr_assert_eq(i.out_dev_id, 0);
	cr_assert_eq(i.out_ioas_id, 0);
	cr_assert_eq(i.out_num_regions, 0);
	cr_assert_eq(test_stats().out_mock_devices, before + 1);
	close(m.fd);
	cr_assert_eq(test_stats().out_mock_devices, before);
}

Test(device, pasid_capability_is_reported)
{
	struct mock m = mock_new(IOASID_MOCK_PASID);

	cr_assert_eq(dev_info(m.fd).out_flags,
		     IOASID_DEVICE_INFO_MOCK | IOASID_DEVICE_INFO_PASID);
	close(m.fd);
}

Test(device, mock_create_errors)
{
	struct mock m;

	cr_assert_eq(mock_create_full(1u << 7, 0, 0, 0, &m), -EOPNOTSUPP);
	cr_assert_eq(mock_create_full(0, 12345, 0, 0, &m), -ENOENT);
	cr_assert_eq(mock_create_full(IOASID_MOCK_NEW_GROUP, 0, 0x1001, 0x1000,
				      &m), -EINVAL);
	cr_assert_eq(mock_create_full(IOASID_MOCK_NEW_GROUP, 0, 0x1000, 0x1001,
				      &m), -EINVAL);
	cr_assert_eq(mock_create_full(IOASID_MOCK_NEW_GROUP, 0,
				      0xfffffffffffff000ull, 0x2000, &m),
		     -EINVAL);
}

Test(device, bind_unbind)
{
	struct mock m = mock_new(0);
	int fd = ioasid_open();
	struct ioasid_device_info i;
	uint32_t id;

	cr_assert_eq(dev_bind(m.fd, fd, &id), 0);
	cr_assert_gt(id, 0);
	i = dev_info(m.fd);
	cr_assert_eq(i.out_flags, IOASID_DEVICE_INFO_MOCK | IOASID_DEVICE_INFO_BOUND);
	cr_assert_eq(i.out_dev_id, id);
	cr_assert_eq(dev_bind(m.fd, fd, NULL), -EALREADY);
	cr_assert_eq(dev_unbind(m.fd), 0);
	cr_assert_eq(dev_info(m.fd).out_flags, IOASID_DEVICE_INFO_MOCK);
	cr_assert_eq(dev_unbind(m.fd), -EINVAL);
	/* And again, now in a new context. */
	close(fd);
	fd = ioasid_open();
	cr_assert_eq(dev_bind(m.fd, fd, &id), 0);
	close(m.fd);
	close(fd);
}

Test(device, bind_needs_an_ioasid_fd)
{
	struct mock m = mock_new(0);
	int null = open("/dev/null", O_RDWR);

	cr_assert_eq(dev_bind(m.fd, null, NULL), -EBADF);
	cr_assert_eq(dev_bind(m.fd, -1, NULL), -EBADF);
	cr_assert_eq(dev_bind(m.fd, 9999, NULL), -EBADF);
	/* A device fd is not a context either. */
	cr_assert_eq(dev_bind(m.fd, m.fd, NULL), -EBADF);
	close(null);
	close(m.fd);
}

Test(device, unknown_flags_and_ioctls)
{
	struct mock m = mock_new(0);
	struct ioasid_device_bind b = { .size = sizeof(b), .flags = 2 };
	struct ioasid_device_attach a = { .size = sizeof(a), .flags = 2 };
	struct ioasid_region_info r = { .size = sizeof(r) };
	uint32_t buf[8] = { sizeof(buf) };

	cr_assert_eq(ioc(m.fd, IOASID_DEVICE_BIND, &b), -EOPNOTSUPP);
	cr_assert_eq(ioc(m.fd, IOASID_DEVICE_ATTACH, &a), -EOPNOTSUPP);
	/* Mock devices have no regions; context ioctls are not device ones. */
	cr_assert_eq(ioc(m.fd, IOASID_DEVICE_GET_REGION_INFO, &r), -ENOTTY);
	cr_assert_eq(ioc(m.fd, IOASID_IOAS_ALLOC, buf), -ENOTTY);
	cr_assert_eq(ioc(m.fd, IOASID_PASID_ALLOC, buf), -ENOTTY);
	close(m.fd);
}

Test(device, attach_detach_need_binding)
{
	struct mock m = mock_new(0);

	cr_assert_eq(dev_attach(m.fd, 1), -EINVAL);
	cr_assert_eq(dev_detach(m.fd), -EINVAL);
	close(m.fd);
}

Test(device, attach_unknown_ioas_is_enoent)
{
	struct mock m = mock_new(0);
	int fd = ioasid_open();

	cr_assert_eq(dev_bind(m.fd, fd, NULL), 0);
	cr_assert_eq(dev_attach(m.fd, 4242), -ENOENT);
	cr_assert_eq(dev_detach(m.fd), -ENOENT);
	close(m.fd);
	close(fd);
}

Test(device, destroy_of_a_device_id_is_ebusy)
{
	struct mock m = mock_new(0);
	int fd = ioasid_open();
	struct ioasid_destroy d = { .size = sizeof(d) };

	/* The device holds its binding: it leaves through unbind only. */
	cr_assert_eq(dev_bind(m.fd, fd, &d.id), 0);
	cr_assert_eq(ioc(fd, IOASID_DESTROY, &d), -EBUSY);
	/* Still bound. */
	cr_assert_eq(dev_info(m.fd).out_dev_id, d.id);
	cr_assert_eq(dev_unbind(m.fd), 0);
	cr_assert_eq(ioc(fd, IOASID_DESTROY, &d), -ENOENT);
	close(m.fd);
	close(fd);
}

Test(device, binding_keeps_the_context_alive)
{
	unsigned int before = test_stats().out_contexts;
	struct mock m = mock_new(0);
	int fd = ioasid_open();

	cr_assert_eq(dev_bind(m.fd, fd, NULL), 0);
	close(fd);
	/* Bound: the context lives on without its fd. */
	cr_assert_eq(test_stats().out_contexts, before + 1);
	cr_assert_eq(dev_unbind(m.fd), 0);
	cr_assert_eq(test_stats().out_contexts, before);
	close(m.fd);
}

Test(device, closing_the_device_fd_unbinds)
{
	unsigned int before = test_stats().out_contexts;
	struct mock m = mock_new(0);
	int fd = ioasid_open();

	cr_assert_eq(dev_bind(m.fd, fd, NULL), 0);
	close(fd);
	close(m.fd);
	cr_assert_eq(test_stats().out_contexts, before);
}

Test(device, sibling_held_by_a_kernel_driver_blocks_bind)
{
	struct mock a = mock_new(0);
	struct mock b = mock_join(a.group_id, 0);
	int fd = ioasid_open();

	cr_assert_eq(mock_set_driver(b.fd, 1), 0);
	cr_assert_eq(dev_bind(a.fd, fd, NULL), -EBUSY);
	cr_assert_eq(dev_info(a.fd).out_flags & IOASID_DEVICE_INFO_BOUND, 0);
	/* The whole group free: both bind. */
	cr_assert_eq(mock_set_driver(b.fd, 0), 0);
	cr_assert_eq(dev_bind(a.fd, fd, NULL), 0);
	cr_assert_eq(dev_bind(b.fd, fd, NULL), 0);
	close(a.fd);
	close(b.fd);
	close(fd);
}

Test(device, a_kernel_driver_cannot_claim_an_owned_group)
{
	struct mock a = mock_new(0);
	struct mock b = mock_join(a.group_id, 0);
	int fd = ioasid_open();

	cr_assert_eq(dev_bind(a.fd, fd, NULL), 0);
	/* b is unbound, but its group is owned through a. */
	cr_assert_eq(mock_set_driver(b.fd, 1), -EBUSY);
	cr_assert_eq(dev_unbind(a.fd), 0);
	cr_assert_eq(mock_set_driver(b.fd, 1), 0);
	cr_assert_eq(mock_set_driver(b.fd, 0), 0);
	cr_assert_eq(mock_set_driver(b.fd, 2), -EINVAL);
	close(a.fd);
	close(b.fd);
	close(fd);
}

Test(device, a_group_belongs_to_one_context)
{
	struct mock a = mock_new(0);
	struct mock b = mock_join(a.group_id, 0);
	int fd1 = ioasid_open(), fd2 = ioasid_open();

	cr_assert_eq(dev_bind(a.fd, fd1, NULL), 0);
	cr_assert_eq(dev_bind(b.fd, fd2, NULL), -EBUSY);
	cr_assert_eq(dev_bind(b.fd, fd1, NULL), 0);
	/* Ownership ends with the last bound member. */
	cr_assert_eq(dev_unbind(a.fd), 0);
	cr_assert_eq(dev_bind(a.fd, fd2, NULL), -EBUSY);
	cr_assert_eq(dev_unbind(b.fd), 0);
	cr_assert_eq(dev_bind(a.fd, fd2, NULL), 0);
	close(a.fd);
	close(b.fd);
	close(fd1);
	close(fd2);
}

Test(device, separate_groups_are_independent)
{
	struct mock a = mock_new(0), b = mock_new(0);
	int fd1 = ioasid_open(), fd2 = ioasid_open();

	cr_assert_neq(a.group_id, b.group_id);
	cr_assert_eq(mock_set_driver(b.fd, 1), 0);
	cr_assert_eq(dev_bind(a.fd, fd1, NULL), 0);
	cr_assert_eq(mock_set_driver(b.fd, 0), 0);
	cr_assert_eq(dev_bind(b.fd, fd2, NULL), 0);
	close(a.fd);
	close(b.fd);
	close(fd1);
	close(fd2);
}

Test(device, a_group_outlives_none_of_its_devices)
{
	struct mock a = mock_new(0);
	uint32_t gid = a.group_id;
	struct mock m;

	close(a.fd);
	/* The group went with its last device. */
	cr_assert_eq(mock_create_full(0, gid, 0, 0, &m), -ENOENT);
}

Test(device, dma_of_an_unattached_device_reaches_nothing)
{
	struct mock m = mock_new(IOASID_MOCK_PASID);
	char buf[64];
	uint64_t done = 1, fiova = 0;
	uint32_t fault = 0;

	cr_assert_eq(mock_dma(m.fd, 0, IOASID_MOCK_DMA_READ, 0x1000, buf,
			      sizeof(buf), &done, &fault, &fiova), 0);
	cr_assert_eq(done, 0);
	cr_assert_eq(fault, IOASID_MOCK_FAULT_DETACHED);
	cr_assert_eq(fiova, 0x1000);
	cr_assert_eq(mock_dma(m.fd, 5, IOASID_MOCK_DMA_WRITE, 0x1000, buf,
			      sizeof(buf), &done, &fault, NULL), 0);
	cr_assert_eq(fault, IOASID_MOCK_FAULT_DETACHED);
	close(m.fd);
}

Test(device, mock_dma_argument_errors)
{
	struct mock m = mock_new(0);
	char buf[64];

	cr_assert_eq(mock_dma(m.fd, 0, IOASID_MOCK_DMA_READ, 0, buf, 0, NULL,
			      NULL, NULL), -EINVAL);
	cr_assert_eq(mock_dma(m.fd, 0, 3, 0, buf, 8, NULL, NULL, NULL), -EINVAL);
	cr_assert_eq(mock_dma(m.fd, 0, IOASID_MOCK_DMA_READ, ~0ull - 3, buf, 8,
			      NULL, NULL, NULL), -EINVAL);
	cr_assert_eq(mock_dma(m.fd, 0, IOASID_MOCK_DMA_READ, 0, buf,
			      (64ull << 20) + 1, NULL, NULL, NULL), -EINVAL);
	cr_assert_eq(mock_dma(m.fd, 0, IOASID_MOCK_DMA_WRITE, 0, NULL, 8, NULL,
			      NULL, NULL), -EFAULT);
	cr_assert_eq(mock_dma(-1, 0, IOASID_MOCK_DMA_READ, 0, buf, 8, NULL,
			      NULL, NULL), -EBADF);
	close(m.fd);
}
