// SPDX-License-Identifier: GPL-2.0
/*
 * A VFIO group as a device of a kernel-owned context: what the VFIO IOMMU
 * backend (vfio/ioasid_vfio.c, a module of its own) attaches, through the
 * same binding, group, policy and domain code as /dev/ioasid's devices.
 *
 * VFIO has already taken the group's DMA ownership when a group joins a
 * container (vfio_group_use_container()), and it has checked that every
 * member is bound to a VFIO driver: claiming is a no-op here, and the
 * kernel's verdict on viability is always yes (the policy still has its
 * say).  The device has no fd; its life is the group's membership in the
 * container.  Its identity (the one a policy sees) is the group's first
 * PCI member.
 */
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "device_vfio.h"
#include "domain.h"

/**
 * struct ioasid_vfio_group - a VFIO group attached to a container
 * @idev: the device
 * @dev: a member, for the IOMMU driver (a reference is held)
 */
struct ioasid_vfio_group {
	struct ioasid_device idev;
	struct device *dev;
};

static struct ioasid_vfio_group *to_vfio(struct ioasid_device *idev)
{
	return container_of(idev, struct ioasid_vfio_group, idev);
}

/* VFIO only lets a viable group into a container. */
static bool ioasid_vfio_group_verdict(struct ioasid_group *group, char *reason,
				      size_t len)
{
	return true;
}

static const struct ioasid_group_ops ioasid_vfio_group_ops = {
	.nr_members = ioasid_iommu_group_nr_members,
	.verdict = ioasid_vfio_group_verdict,
	.release = ioasid_iommu_group_release,
};

static int ioasid_vfio_claim_dma(struct ioasid_device *idev, void *owner)
{
	return 0;	/* VFIO owns it */
}

static void ioasid_vfio_release_dma(struct ioasid_device *idev, void *owner)
{
}

static const void *ioasid_vfio_domain_owner(struct ioasid_device *idev)
{
	return to_vfio(idev)->dev->iommu->iommu_dev;
}

static struct ioasid_domain *ioasid_vfio_domain_alloc(struct ioasid_device *idev)
{
	return ioasid_iommu_domain_alloc(to_vfio(idev)->dev);
}

static int ioasid_vfio_attach_group(struct ioasid_device *idev,
				    struct ioasid_domain *domain)
{
	return iommu_attach_group(ioasid_iommu_domain_core(domain),
				  idev->group->iommu_group);
}

static void ioasid_vfio_detach_group(struct ioasid_device *idev,
				     struct ioasid_domain *domain)
{
	iommu_detach_group(ioasid_iommu_domain_core(domain),
			   idev->group->iommu_group);
}

static int ioasid_vfio_attach_pasid(struct ioasid_device *idev,
				    struct ioasid_domain *domain, u32 pasid)
{
	return -EOPNOTSUPP;
}

static void ioasid_vfio_detach_pasid(struct ioasid_device *idev,
				     struct ioasid_domain *domain, u32 pasid)
{
}

static int ioasid_vfio_resv_regions(struct ioasid_device *idev,
				    ioasid_resv_fn_t fn, void *arg)
{
	struct iommu_resv_region *resv, *next;
	LIST_HEAD(regions);
	int rc;

	rc = iommu_get_group_resv_regions(idev->group->iommu_group, &regions);
	if (rc)
		return rc;
	list_for_each_entry(resv, &regions, list) {
		rc = fn(resv->start, resv->start + resv->length - 1, arg);
		if (rc)
			break;
	}
	list_for_each_entry_safe(resv, next, &regions, list)
		kfree(resv);
	return rc;
}

/* The VMM's DMA is VFIO's to stop (its device fds); nothing to do here. */
static void ioasid_vfio_stop(struct ioasid_device *idev)
{
}

static void ioasid_vfio_release(struct ioasid_device *idev)
{
	struct ioasid_vfio_group *vg = to_vfio(idev);

	put_device(vg->dev);
	kfree(vg);	/* the device core puts the group */
}

static const struct ioasid_device_ops ioasid_vfio_ops = {
	.claim_dma = ioasid_vfio_claim_dma,
	.release_dma = ioasid_vfio_release_dma,
	.domain_owner = ioasid_vfio_domain_owner,
	.domain_alloc = ioasid_vfio_domain_alloc,
	.attach_group = ioasid_vfio_attach_group,
	.detach_group = ioasid_vfio_detach_group,
	.attach_pasid = ioasid_vfio_attach_pasid,
	.detach_pasid = ioasid_vfio_detach_pasid,
	.resv_regions = ioasid_vfio_resv_regions,
	.stop = ioasid_vfio_stop,
	.release = ioasid_vfio_release,
};

static int ioasid_vfio_first_member(struct device *dev, void *data)
{
	*(struct device **)data = get_device(dev);
	return 1;
}

/**
 * ioasid_vfio_group_add() - a device for a VFIO group joining a container
 * @iommu_group: the group; VFIO owns its DMA
 *
 * Return: the device (registered, unbound), or an ERR_PTR: -ENODEV for a
 * group without members or without an IOMMU, -EBUSY if a member is an
 * ioasid-pci device, -ENOMEM.
 */
struct ioasid_device *ioasid_vfio_group_add(struct iommu_group *iommu_group)
{
	struct ioasid_vfio_group *vg;
	struct ioasid_group *group;
	struct device *dev = NULL;
	int rc;

	iommu_group_for_each_dev(iommu_group, &dev, ioasid_vfio_first_member);
	if (!dev)
		return ERR_PTR(-ENODEV);
	if (!dev->iommu || !dev->iommu->iommu_dev) {
		rc = -ENODEV;
		goto err_put_dev;
	}
	group = ioasid_iommu_group_get(iommu_group, &ioasid_vfio_group_ops);
	if (IS_ERR(group)) {
		rc = PTR_ERR(group);
		goto err_put_dev;
	}
	vg = kzalloc(sizeof(*vg), GFP_KERNEL_ACCOUNT);
	if (!vg) {
		rc = -ENOMEM;
		goto err_put_group;
	}
	vg->dev = dev;
	if (dev_is_pci(dev))
		ioasid_device_ident_pci(&vg->idev, to_pci_dev(dev), 0);
	snprintf(vg->idev.name, sizeof(vg->idev.name), "vfio:%s",
		 dev_name(dev));
	rc = ioasid_device_register(&vg->idev, &ioasid_vfio_ops, group);
	if (rc)
		goto err_free;
	return &vg->idev;

err_free:
	kfree(vg);
err_put_group:
	ioasid_group_put(group);
err_put_dev:
	put_device(dev);
	return ERR_PTR(rc);
}
