/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Devices, as the backends (device_pci.c, device_mock.c) and the device
 * core (device.c) share them.
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

#include "context.h"
#include "group.h"

struct device;
struct pci_dev;
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
 * @ident: what the device is, as a policy sees it (@ident.dev_id stays 0:
 *	the id is the binding's); @ident.flags: IOASID_DEVICE_INFO_PCI,
 *	_MOCK, _PASID
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
	struct ioasid_policy_device ident;
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
extern const struct file_operations ioasid_device_fops;
bool ioasid_device_attached(struct ioasid_device *idev);
unsigned int ioasid_device_count(void);
struct ioasid_device *ioasid_device_get_next(unsigned long *index);
void ioasid_device_init(void);
int ioasid_device_bind_kernel(struct ioasid_device *idev,
			      struct ioasid_ctx *ctx, u32 ioas_id);

/**
 * struct ioasid_device_snapshot - a device as introspection shows it
 * @id: system-wide id
 * @name: "0000:00:03.0" or "mock<N>"
 * @desc: its identity, its dev_id in the bound context (0: none), and in
 *	@desc.flags also IOASID_DEVICE_INFO_BOUND and _ATTACHED
 * @group_id: its group
 * @num_regions: region indexes of its fd
 * @ctx_id: the context it is bound to (0: none)
 * @ioas_id: the IOAS of its attachment without PASID (0: none)
 */
struct ioasid_device_snapshot {
	u32 id;
	char name[32];
	struct ioasid_policy_device desc;
	u32 group_id;
	u32 num_regions;
	u32 ctx_id;
	u32 ioas_id;
};

int ioasid_device_snapshot(struct ioasid_device *idev,
			   struct ioasid_device_snapshot *snap,
			   int (*pasid)(u32 pasid, u32 ioas_id, void *arg),
			   void *arg);
void ioasid_device_ident_pci(struct ioasid_device *idev, struct pci_dev *pdev,
			     u32 flags);
void ioasid_device_describe(struct ioasid_device *idev, u32 dev_id,
			    struct ioasid_policy_device *desc);


#endif /* _IOASID_DEVICE_H */
