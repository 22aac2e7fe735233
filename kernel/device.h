/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Devices and IOMMU groups, as the backends (device_pci.c, device_mock.c)
 * and the device core (device.c, group.c) share them.
 *
 * A struct ioasid_device lives as long as its backend keeps it (a PCI
 * device bound to the ioasid-pci stub, a mock device until its fd closes).
 * Binding it to a context creates a struct ioasid_binding, an object of
 * the context (its id is the uAPI's dev_id) that records the attachments.
 */
#ifndef _IOASID_DEVICE_H
#define _IOASID_DEVICE_H

#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "ioasid_private.h"

struct device;
struct iommu_group;
struct ioasid_binding;
struct ioasid_device;
struct ioasid_domain;
struct ioasid_group;
struct ioasid_ioas;

/* Called for each reserved IOVA range [@start, @last]; non-zero stops. */
typedef int (*ioasid_resv_fn_t)(u64 start, u64 last, void *arg);

/**
 * struct ioasid_device_ops - what a backend provides
 * @claim_dma: take DMA ownership of the device's group for @owner (fails
 *	with -EBUSY if a kernel DMA driver holds a member or another owner
 *	has it)
 * @release_dma: give it back
 * @domain_owner: the IOMMU behind the device; domains with the same owner
 *	can be shared
 * @domain_alloc: a new empty domain for the device's IOMMU
 * @attach_group: make the device's group translate through @domain
 * @detach_group: block the group's DMA again
 * @attach_pasid: make requests tagged @pasid translate through @domain
 * @detach_pasid: block @pasid again
 * @resv_regions: call @fn for every reserved IOVA range of the device
 * @attached: the device's requests without PASID now translate through
 *	an IOAS: user space may reach its BARs; or NULL
 * @stop: stop the device's DMA and revoke user access to its BARs (bus
 *	master off, BAR mappings zapped); called on detach and unbind
 * @region_info: IOASID_DEVICE_GET_REGION_INFO, or NULL (-ENOTTY)
 * @rw: read()/write() of the device fd (regions), or NULL
 * @mmap: mmap() of the device fd (BARs), or NULL
 * @last_close: the device fd was closed (after unbind), or NULL
 * @release: free the device; the last reference is gone
 *
 * All but @release, @last_close, @region_info, @rw and @mmap run with
 * &ioasid_device.lock held.
 */
struct ioasid_device_ops {
	int (*claim_dma)(struct ioasid_device *idev, void *owner);
	void (*release_dma)(struct ioasid_device *idev, void *owner);
	const void *(*domain_owner)(struct ioasid_device *idev);
	struct ioasid_domain *(*domain_alloc)(struct ioasid_device *idev);
	int (*attach_group)(struct ioasid_device *idev,
			    struct ioasid_domain *domain);
	void (*detach_group)(struct ioasid_device *idev,
			     struct ioasid_domain *domain);
	int (*attach_pasid)(struct ioasid_device *idev,
			    struct ioasid_domain *domain, u32 pasid);
	void (*detach_pasid)(struct ioasid_device *idev,
			     struct ioasid_domain *domain, u32 pasid);
	int (*resv_regions)(struct ioasid_device *idev, ioasid_resv_fn_t fn,
			     void *arg);
	void (*attached)(struct ioasid_device *idev);
	void (*stop)(struct ioasid_device *idev);
	int (*region_info)(struct ioasid_device *idev,
			   struct ioasid_region_info *info);
	ssize_t (*rw)(struct ioasid_device *idev, char __user *buf,
		      size_t count, loff_t *ppos, bool write);
	int (*mmap)(struct ioasid_device *idev, struct vm_area_struct *vma);
	void (*last_close)(struct ioasid_device *idev);
	void (*release)(struct ioasid_device *idev);
};

/**
 * struct ioasid_device - a device user space can be handed
 * @ref: the backend, the open fd and a binding each hold one
 * @ops: its backend
 * @group: its IOMMU group (a reference is held)
 * @group_item: entry in @group->devices, under the group's lock
 * @lock: serialises bind, attach, detach, unbind, removal and the
 *	backend's region access against each other; outermost lock
 * @binding: the binding while bound, else NULL
 * @file: the one open device fd, else NULL (set under @lock)
 * @removed: the backend is gone (driver unbound); every fd op fails
 *	with -ENODEV
 * @id: system-wide id, for introspection
 * @flags: IOASID_DEVICE_INFO_PCI/MOCK/PASID
 * @segment: PCI segment
 * @bus: PCI bus
 * @devfn: PCI device and function
 * @vendor: PCI vendor id
 * @device: PCI device id
 * @class: PCI class code
 * @num_regions: region indexes the device fd has
 * @name: "0000:00:03.0" or "mock<N>"
 */
struct ioasid_device {
	struct kref ref;
	const struct ioasid_device_ops *ops;
	struct ioasid_group *group;
	struct list_head group_item;
	struct mutex lock;
	struct ioasid_binding *binding;
	struct file *file;
	bool removed;
	u32 id;
	u32 flags;
	u16 segment;
	u8 bus;
	u8 devfn;
	u16 vendor;
	u16 device;
	u32 class;
	u32 num_regions;
	char name[32];
};

/**
 * struct ioasid_attach - one attachment of a binding
 * @ioas: the IOAS (held, see ioasid_ioas_attach_begin())
 * @domain: the domain translating for the attachment (a users ref held)
 * @pasid: PASID of the attachment, IOASID_NO_PASID for the group's
 */
struct ioasid_attach {
	struct ioasid_ioas *ioas;
	struct ioasid_domain *domain;
	u32 pasid;
};

#define IOASID_NO_PASID	U32_MAX

/**
 * struct ioasid_binding - a device bound to a context (IOASID_OBJ_DEVICE)
 * @obj: the object; its id is the uAPI dev_id
 * @idev: the device
 * @rid: the attachment without PASID, or NULL
 * @pasids: PASID -> &struct ioasid_attach
 *
 * Everything here is protected by @idev->lock.
 */
struct ioasid_binding {
	struct ioasid_object obj;
	struct ioasid_device *idev;
	struct ioasid_attach *rid;
	struct xarray pasids;
};

/* device.c */
int ioasid_device_register(struct ioasid_device *idev,
			   const struct ioasid_device_ops *ops,
			   struct ioasid_group *group);
void ioasid_device_unregister(struct ioasid_device *idev);
void ioasid_device_put(struct ioasid_device *idev);
int ioasid_device_open(struct ioasid_device *idev, struct file *file);
struct ioasid_device *ioasid_device_from_file(struct file *file);
bool ioasid_device_attached(struct ioasid_device *idev);
extern const struct file_operations ioasid_device_fops;
unsigned int ioasid_device_count(void);
struct ioasid_device *ioasid_device_get_next(unsigned long *index);
void ioasid_device_init(void);

/**
 * struct ioasid_group_ops - what a group type provides
 * @nr_members: devices in the group, ours or not
 * @verdict: the kernel's viability verdict; on "not viable" writes the
 *	reason (naming the offending member) into @reason
 * @release: free the type's part of the group
 */
struct ioasid_group_ops {
	u32 (*nr_members)(struct ioasid_group *group);
	bool (*verdict)(struct ioasid_group *group, char *reason, size_t len);
	void (*release)(struct ioasid_group *group);
};

/**
 * struct ioasid_group - an IOMMU group (real or mock)
 * @ref: devices and bindings hold references
 * @ops: the group type
 * @lock: protects the fields below; nests inside device->lock
 * @id: iommu_group_id(), or a mock id counting down from U32_MAX
 * @iommu_group: the real group, NULL for a mock one
 * @devices: our devices in the group (&struct ioasid_device.group_item)
 * @owner: context holding DMA ownership, NULL when none
 * @nr_bound: bound members (they hold the ownership)
 * @ioas: IOAS the group is attached to (without PASID), or NULL
 * @domain: domain the group translates through, or NULL (blocked)
 * @nr_attached: bound members attached to @ioas
 * @reason: why the group was last found not viable ("" if viable)
 */
struct ioasid_group {
	struct kref ref;
	const struct ioasid_group_ops *ops;
	struct mutex lock;
	u32 id;
	struct iommu_group *iommu_group;
	struct list_head devices;
	struct ioasid_ctx *owner;
	unsigned int nr_bound;
	struct ioasid_ioas *ioas;
	struct ioasid_domain *domain;
	unsigned int nr_attached;
	char reason[128];
};

/* group.c */
void ioasid_group_init(struct ioasid_group *group,
		       const struct ioasid_group_ops *ops, u32 id);
struct ioasid_group *ioasid_group_get(struct ioasid_group *group);
void ioasid_group_put(struct ioasid_group *group);
int ioasid_group_publish(struct ioasid_group *group);
struct ioasid_group *ioasid_group_find(u32 id);
struct ioasid_group *ioasid_group_get_next(unsigned long *index);
bool ioasid_group_viable_locked(struct ioasid_group *group,
				struct ioasid_ctx *ctx,
				struct ioasid_device *idev);
void ioasid_group_recheck(struct ioasid_group *group);
unsigned int ioasid_group_count(void);

/* domain.c: sharing domains between the devices of an IOAS */
struct ioasid_domain *ioasid_domain_attach(struct ioasid_ioas *ioas,
					   struct ioasid_device *idev,
					   u32 pasid);
void ioasid_domain_put(struct ioasid_domain *domain);

/* device_pci.c */
int ioasid_pci_init(void);
void ioasid_pci_exit(void);

/* device_mock.c */
struct file *ioasid_mock_create(struct ioasid_test_mock_create *cmd);
int ioasid_mock_dma(struct ioasid_test_mock_dma *cmd);
int ioasid_mock_set_driver(struct ioasid_test_mock_set_driver *cmd);
unsigned int ioasid_mock_count(void);

#endif /* _IOASID_DEVICE_H */
