/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's qemu edu devices (1234:11e8): finding them, moving them
 * between drivers through sysfs, and driving their DMA engine.
 */
#ifndef IOASID_TEST_PCI_H
#define IOASID_TEST_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "helpers.h"

struct edu {
	char bdf[32];
	uint32_t group;		/* IOMMU group id */
	int group_size;		/* devices in that group */
};

/* edu devices of the guest: alone in their group, or sharing one. */
struct edu edu_singleton(int n);	/* n-th singleton edu, or fail */
struct edu edu_shared(int n);		/* n-th edu of a shared group */

/* Bind @bdf to @driver ("" unbinds it); 0 or -errno of the sysfs write. */
int pci_set_driver(const char *bdf, const char *driver);
/* The driver @bdf is bound to, "" when none. */
const char *pci_driver(const char *bdf);
/* Unbind every edu from whatever driver it has (test fixture). */
void edu_release_all(void);

/* Bind @bdf to ioasid-pci and open its device fd, or fail. */
int edu_open(const char *bdf);

#include "../edu_regs.h"

/*
 * Run one DMA through BAR0 (mapped at @bar) and wait for it; to_ram copies
 * the edu buffer to @iova, else @iova to the buffer.  0, or -ETIMEDOUT.
 */
int edu_dma(volatile void *bar, bool to_ram, uint64_t iova, uint32_t len);

#endif
