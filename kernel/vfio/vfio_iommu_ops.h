/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a VFIO IOMMU backend registers with vfio.ko.  The kernel keeps these
 * in drivers/vfio/vfio.h, which no headers package ships; this is a copy.
 * It is checked at build time against the BTF of the target kernel's
 * vfio.ko (scripts/vfio-layout.sh writes vfio_layout.h, the asserts are in
 * ioasid_vfio.c): a kernel whose layout differs fails the build with one
 * line, and never loads a wrong struct.
 */
#ifndef _IOASID_VFIO_IOMMU_OPS_H
#define _IOASID_VFIO_IOMMU_OPS_H

#include <linux/types.h>

struct iommu_domain;
struct iommu_group;
struct module;
struct page;
struct vfio_device;

enum vfio_group_type {
	VFIO_IOMMU,
	VFIO_EMULATED_IOMMU,
	VFIO_NO_IOMMU,
};

struct vfio_iommu_driver_ops {
	char *name;
	struct module *owner;
	void *(*open)(unsigned long arg);
	void (*release)(void *iommu_data);
	long (*ioctl)(void *iommu_data, unsigned int cmd, unsigned long arg);
	int (*attach_group)(void *iommu_data, struct iommu_group *group,
			    enum vfio_group_type type);
	void (*detach_group)(void *iommu_data, struct iommu_group *group);
	int (*pin_pages)(void *iommu_data, struct iommu_group *group,
			 dma_addr_t user_iova, int npage, int prot,
			 struct page **pages);
	void (*unpin_pages)(void *iommu_data, dma_addr_t user_iova, int npage);
	void (*register_device)(void *iommu_data, struct vfio_device *vdev);
	void (*unregister_device)(void *iommu_data, struct vfio_device *vdev);
	int (*dma_rw)(void *iommu_data, dma_addr_t user_iova, void *data,
		      size_t count, bool write);
	struct iommu_domain *(*group_iommu_domain)(void *iommu_data,
						   struct iommu_group *group);
};

int vfio_register_iommu_driver(const struct vfio_iommu_driver_ops *ops);
void vfio_unregister_iommu_driver(const struct vfio_iommu_driver_ops *ops);

#endif /* _IOASID_VFIO_IOMMU_OPS_H */
