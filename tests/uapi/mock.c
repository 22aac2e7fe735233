// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <unistd.h>

#include "mock.h"

static int test_ioctl(struct ioasid_test *t)
{
	int fd = ioasid_open();
	int rc;

	t->size = sizeof(*t);
	rc = ioc(fd, IOASID_TEST, t);
	close(fd);
	return rc;
}

int mock_create_full(uint32_t flags, uint32_t group_id, uint64_t resv_start,
		     uint64_t resv_length, struct mock *m)
{
	struct ioasid_test t = {
		.op = IOASID_TEST_MOCK_DEVICE_CREATE,
		.mock_create = {
			.flags = flags,
			.group_id = group_id,
			.resv_start = resv_start,
			.resv_length = resv_length,
		},
	};
	int rc = test_ioctl(&t);

	if (!rc) {
		m->fd = t.mock_create.out_fd;
		m->group_id = t.mock_create.out_group_id;
	}
	return rc;
}

struct mock mock_new(uint32_t flags)
{
	struct mock m;

	cr_assert_eq(mock_create_full(flags | IOASID_MOCK_NEW_GROUP, 0, 0, 0,
				      &m), 0, "mock create");
	return m;
}

struct mock mock_join(uint32_t group_id, uint32_t flags)
{
	struct mock m;

	cr_assert_eq(mock_create_full(flags, group_id, 0, 0, &m), 0,
		     "mock join group %u", group_id);
	return m;
}

int dev_bind(int dev_fd, int ioasid_fd, uint32_t *dev_id)
{
	struct ioasid_device_bind b = {
		.size = sizeof(b), .ioasid_fd = ioasid_fd,
	};
	int rc = ioc(dev_fd, IOASID_DEVICE_BIND, &b);

	if (!rc && dev_id)
		*dev_id = b.out_dev_id;
	return rc;
}

int dev_unbind(int dev_fd)
{
	struct ioasid_device_unbind u = { .size = sizeof(u) };

	return ioc(dev_fd, IOASID_DEVICE_UNBIND, &u);
}

int dev_attach(int dev_fd, uint32_t ioas_id)
{
	struct ioasid_device_attach a = { .size = sizeof(a), .ioas_id = ioas_id };

	return ioc(dev_fd, IOASID_DEVICE_ATTACH, &a);
}

int dev_attach_pasid(int dev_fd, uint32_t ioas_id, uint32_t pasid)
{
	struct ioasid_device_attach a = {
		.size = sizeof(a), .flags = IOASID_DEVICE_ATTACH_PASID,
		.ioas_id = ioas_id, .pasid = pasid,
	};

	return ioc(dev_fd, IOASID_DEVICE_ATTACH, &a);
}

int dev_detach(int dev_fd)
{
	struct ioasid_device_detach d = { .size = sizeof(d) };

	return ioc(dev_fd, IOASID_DEVICE_DETACH, &d);
}

int dev_detach_pasid(int dev_fd, uint32_t pasid)
{
	struct ioasid_device_detach d = {
		.size = sizeof(d), .flags = IOASID_DEVICE_ATTACH_PASID,
		.pasid = pasid,
	};

	return ioc(dev_fd, IOASID_DEVICE_DETACH, &d);
}

struct ioasid_device_info dev_info(int dev_fd)
{
	struct ioasid_device_info i = { .size = sizeof(i) };

	cr_assert_eq(ioc(dev_fd, IOASID_DEVICE_GET_INFO, &i), 0, "get info");
	return i;
}

int mock_set_driver(int dev_fd, uint32_t bound)
{
	struct ioasid_test t = {
		.op = IOASID_TEST_MOCK_SET_DRIVER,
		.mock_set_driver = { .dev_fd = dev_fd, .bound = bound },
	};

	return test_ioctl(&t);
}

int mock_dma(int dev_fd, uint32_t pasid, uint32_t dir, uint64_t iova,
	     void *buf, uint64_t len, uint64_t *done, uint32_t *fault,
	     uint64_t *fault_iova)
{
	struct ioasid_test t = {
		.op = IOASID_TEST_MOCK_DMA,
		.mock_dma = {
			.dev_fd = dev_fd,
			.flags = pasid ? IOASID_DEVICE_ATTACH_PASID : 0,
			.pasid = pasid,
			.dir = dir,
			.iova = iova,
			.uptr = (uintptr_t)buf,
			.length = len,
		},
	};
	int rc = test_ioctl(&t);

	if (!rc) {
		if (done)
			*done = t.mock_dma.out_done;
		if (fault)
			*fault = t.mock_dma.out_fault;
		if (fault_iova)
			*fault_iova = t.mock_dma.out_fault_iova;
	}
	return rc;
}

void fail_pgtable(uint32_t skip, uint32_t nr)
{
	struct ioasid_test t = {
		.op = IOASID_TEST_FAIL_PGTABLE,
		.fail_pgtable = { .skip = skip, .nr = nr },
	};

	cr_assert_eq(test_ioctl(&t), 0);
}
