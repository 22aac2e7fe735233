// SPDX-License-Identifier: GPL-2.0
/*
 * Domains: the real iommu_domain as an ioasid_domain, and the sharing of
 * domains by the devices of an IOAS: a device attaching to an IOAS uses a
 * domain the IOAS already feeds for the same IOMMU, or brings a new one,
 * attached while empty and then programmed by the IOAS from its areas.
 */
#include <linux/iommu.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "device.h"
#include "domain.h"
#include "ioas.h"

/**
 * struct ioasid_iommu_domain - a hardware IOMMU's domain
 * @domain: what the IOAS sees
 * @iod: the IOMMU core's domain
 * @gather: IOTLB invalidations collected by unmap until iotlb_sync;
 *	serialised like the rest of the domain by the IOAS's iova_rwsem
 */
struct ioasid_iommu_domain {
	struct ioasid_domain domain;
	struct iommu_domain *iod;
	struct iommu_iotlb_gather gather;
};

static struct ioasid_iommu_domain *to_iommu(struct ioasid_domain *domain)
{
	return container_of(domain, struct ioasid_iommu_domain, domain);
}

static int ioasid_iommu_map(struct ioasid_domain *domain, unsigned long iova,
			    phys_addr_t paddr, size_t size, int prot, gfp_t gfp)
{
	/* iommu_map() undoes a partial mapping itself. */
	return iommu_map(to_iommu(domain)->iod, iova, paddr, size, prot, gfp);
}

/*
 * Many ranges in one iommu_map_sg() call: the IOMMU driver syncs its
 * IOTLB (an invalidation, under caching mode) once per call rather than
 * once per range.
 */
static int ioasid_iommu_map_sg(struct ioasid_domain *domain,
			       unsigned long iova, struct scatterlist *sgl,
			       unsigned int nents, size_t size, int prot,
			       gfp_t gfp)
{
	struct iommu_domain *iod = to_iommu(domain)->iod;
	ssize_t mapped;

	/* All or nothing: iommu_map_sg() unmaps what it mapped on error. */
	mapped = iommu_map_sg(iod, iova, sgl, nents, prot, gfp);
	if (mapped < 0)
		return mapped;
	if (WARN_ON(mapped != size)) {
		iommu_unmap(iod, iova, mapped);
		return -EIO;
	}
	return 0;
}

static size_t ioasid_iommu_unmap(struct ioasid_domain *domain,
				 unsigned long iova, size_t size)
{
	struct ioasid_iommu_domain *d = to_iommu(domain);

	return iommu_unmap_fast(d->iod, iova, size, &d->gather);
}

static void ioasid_iommu_iotlb_sync(struct ioasid_domain *domain)
{
	struct ioasid_iommu_domain *d = to_iommu(domain);

	iommu_iotlb_sync(d->iod, &d->gather);
	iommu_iotlb_gather_init(&d->gather);
}

static phys_addr_t ioasid_iommu_iova_to_phys(struct ioasid_domain *domain,
					     unsigned long iova)
{
	return iommu_iova_to_phys(to_iommu(domain)->iod, iova);
}

static void ioasid_iommu_free(struct ioasid_domain *domain)
{
	struct ioasid_iommu_domain *d = to_iommu(domain);

	iommu_domain_free(d->iod);
	kfree(d);
}

/*
 * The geometry can narrow at the first attach: the Intel driver allocates
 * for the widest page table it knows (57 bits) and only trims it to the
 * IOMMU's own address width when a device attaches.
 */
static void ioasid_iommu_update_aperture(struct ioasid_domain *domain)
{
	const struct iommu_domain_geometry *geo = &to_iommu(domain)->iod->geometry;

	if (geo->force_aperture) {
		domain->aperture_start = geo->aperture_start;
		domain->aperture_last = geo->aperture_end;
	} else {
		domain->aperture_start = 0;
		domain->aperture_last = U64_MAX;
	}
}

static const struct ioasid_domain_ops ioasid_iommu_domain_ops = {
	.map = ioasid_iommu_map,
	.map_sg = ioasid_iommu_map_sg,
	.unmap = ioasid_iommu_unmap,
	.iotlb_sync = ioasid_iommu_iotlb_sync,
	.iova_to_phys = ioasid_iommu_iova_to_phys,
	.update_aperture = ioasid_iommu_update_aperture,
	.free = ioasid_iommu_free,
};

/**
 * ioasid_iommu_domain_alloc() - a new paging domain of @dev's IOMMU
 * @dev: a device behind a hardware IOMMU
 *
 * Return: the domain, or an ERR_PTR.
 */
struct ioasid_domain *ioasid_iommu_domain_alloc(struct device *dev)
{
	struct ioasid_iommu_domain *d;
	struct iommu_domain *iod;

	d = kzalloc(sizeof(*d), GFP_KERNEL_ACCOUNT);
	if (!d)
		return ERR_PTR(-ENOMEM);
	iod = iommu_paging_domain_alloc(dev);
	if (IS_ERR(iod)) {
		kfree(d);
		return ERR_CAST(iod);
	}
	d->iod = iod;
	iommu_iotlb_gather_init(&d->gather);
	d->domain.ops = &ioasid_iommu_domain_ops;
	d->domain.pgsize_bitmap = iod->pgsize_bitmap;
	ioasid_iommu_update_aperture(&d->domain);
	INIT_LIST_HEAD(&d->domain.ioas_item);
	return &d->domain;
}

/**
 * ioasid_iommu_domain_core() - the IOMMU core's domain behind @domain
 * @domain: a domain from ioasid_iommu_domain_alloc()
 *
 * Return: the iommu_domain, to attach groups and PASIDs to.
 */
struct iommu_domain *ioasid_iommu_domain_core(struct ioasid_domain *domain)
{
	return to_iommu(domain)->iod;
}

/*
 * Serialises finding, adding and dropping domains, so two devices of one
 * IOMMU attaching at once end up sharing one domain, and a domain whose
 * last user is going cannot be found and reused.  Nests inside the
 * group's lock; takes the IOAS's iova_rwsem.
 */
static DEFINE_MUTEX(ioasid_domain_lock);

static int ioasid_domain_dev_attach(struct ioasid_device *idev,
				    struct ioasid_domain *domain, u32 pasid)
{
	if (pasid == IOASID_NO_PASID)
		return idev->ops->attach_group(idev, domain);
	return idev->ops->attach_pasid(idev, domain, pasid);
}

static void ioasid_domain_dev_detach(struct ioasid_device *idev,
				     struct ioasid_domain *domain, u32 pasid)
{
	if (pasid == IOASID_NO_PASID)
		idev->ops->detach_group(idev, domain);
	else
		idev->ops->detach_pasid(idev, domain, pasid);
}

/* Drop a users reference, ioasid_domain_lock held. */
static void __ioasid_domain_put(struct ioasid_domain *domain)
{
	lockdep_assert_held(&ioasid_domain_lock);
	if (refcount_dec_and_test(&domain->users)) {
		ioasid_ioas_remove_domain(domain->ioas, domain);
		domain->ops->free(domain);
	}
}

/**
 * ioasid_domain_attach() - make @idev translate through a domain of @ioas
 * @ioas: the IOAS being attached to
 * @idev: the device attaching
 * @pasid: IOASID_NO_PASID to attach the device's group, or a PASID
 *
 * Uses the domain @ioas already feeds for the device's IOMMU, or brings a
 * new one.  A new domain is attached while still empty (the device reaches
 * nothing yet), so that its aperture is the one the IOMMU driver settles
 * on at attach, and only then programmed with the mappings of @ioas.
 *
 * Return: the domain, with a users reference for the caller, or an
 * ERR_PTR: -ENOMEM, -EADDRINUSE when a mapping of @ioas lies outside the
 * aperture of a new domain, or the error of the attach itself.
 */
struct ioasid_domain *ioasid_domain_attach(struct ioasid_ioas *ioas,
					   struct ioasid_device *idev,
					   u32 pasid)
{
	const void *owner = idev->ops->domain_owner(idev);
	struct ioasid_domain *domain;
	int rc;

	lockdep_assert_held(&idev->lock);
	if (pasid == IOASID_NO_PASID)
		lockdep_assert_held(&idev->group->lock);
	mutex_lock(&ioasid_domain_lock);
	domain = ioasid_ioas_find_domain(ioas, owner);
	if (domain) {
		rc = ioasid_domain_dev_attach(idev, domain, pasid);
		if (rc)
			goto err_put;
		goto out;
	}

	domain = idev->ops->domain_alloc(idev);
	if (IS_ERR(domain))
		goto out;
	domain->owner = owner;
	refcount_set(&domain->users, 1);
	rc = ioasid_domain_dev_attach(idev, domain, pasid);
	if (rc)
		goto err_free;
	if (domain->ops->update_aperture)
		domain->ops->update_aperture(domain);
	rc = ioasid_ioas_add_domain(ioas, domain);
	if (rc) {
		ioasid_domain_dev_detach(idev, domain, pasid);
		goto err_free;
	}
out:
	mutex_unlock(&ioasid_domain_lock);
	return domain;

err_put:
	__ioasid_domain_put(domain);
	mutex_unlock(&ioasid_domain_lock);
	return ERR_PTR(rc);
err_free:
	domain->ops->free(domain);
	mutex_unlock(&ioasid_domain_lock);
	return ERR_PTR(rc);
}

/**
 * ioasid_domain_put() - drop a users reference
 * @domain: the domain; the last user takes it out of its IOAS (unmapping
 *	everything) and frees it
 *
 * Devices must no longer translate through @domain (detached first).
 */
void ioasid_domain_put(struct ioasid_domain *domain)
{
	mutex_lock(&ioasid_domain_lock);
	__ioasid_domain_put(domain);
	mutex_unlock(&ioasid_domain_lock);
}
