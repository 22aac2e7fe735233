/* SPDX-License-Identifier: GPL-2.0 */
/* VFIO groups as devices of kernel-owned contexts (device_vfio.c). */
#ifndef _IOASID_DEVICE_VFIO_H
#define _IOASID_DEVICE_VFIO_H

#include "device.h"

struct iommu_group;

struct ioasid_device *ioasid_vfio_group_add(struct iommu_group *iommu_group);

#endif /* _IOASID_DEVICE_VFIO_H */
