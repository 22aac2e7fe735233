/* SPDX-License-Identifier: GPL-2.0 */
/* Mock devices of the test interface, and device fd wrappers. */
#ifndef IOASID_TEST_MOCK_H
#define IOASID_TEST_MOCK_H

#include <stdint.h>

#include "helpers.h"

struct mock {
	int fd;			/* the device fd */
	uint32_t group_id;
};

/* Create a mock device; 0 or -errno. */
int mock_create_full(uint32_t flags, uint32_t group_id, uint64_t resv_start,
		     uint64_t resv_length, struct mock *m);
/* Create a mock device in a new group (flags: IOASID_MOCK_PASID) or fail. */
struct mock mock_new(uint32_t flags);
/* Create a mock device in @group_id or fail. */
struct mock mock_join(uint32_t group_id, uint32_t flags);

int dev_bind(int dev_fd, int ioasid_fd, uint32_t *dev_id);
int dev_unbind(int dev_fd);
int dev_attach(int dev_fd, uint32_t ioas_id);
int dev_attach_pasid(int dev_fd, uint32_t ioas_id, uint32_t pasid);
int dev_detach(int dev_fd);
int dev_detach_pasid(int dev_fd, uint32_t pasid);
struct ioasid_device_info dev_info(int dev_fd);

/* Pretend a kernel DMA driver holds (1) or lets go of (0) a mock device. */
int mock_set_driver(int dev_fd, uint32_t bound);

/*
 * DMA by a mock device (pasid 0 = without PASID).  Returns 0 or -errno of
 * the ioctl; the outcome is in *done and *fault (and *fault_iova if set).
 */
int mock_dma(int dev_fd, uint32_t pasid, uint32_t dir, uint64_t iova,
	     void *buf, uint64_t len, uint64_t *done, uint32_t *fault,
	     uint64_t *fault_iova);

/*
 * Mock domains' page-table memory runs out: after @skip allocations the
 * next @nr fail (0, 0 ends it).  Fails the test on error.
 */
void fail_pgtable(uint32_t skip, uint32_t nr);

#endif
