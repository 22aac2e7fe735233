// SPDX-License-Identifier: GPL-2.0
/*
 * The IOMMU core's paging domain (iommu_domain) as an ioasid_domain, for
 * devices behind a hardware IOMMU.
 */
#include <linux/iommu.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "domain.h"

/**
 * struct ioasid_iommu_domain - a hardware IOMMU's domain
 * @domain: what the IOAS sees
 * @iod: the IOMMU core's domain
 * @gather: IOTLB invalidations collected by unmap until iotlb_sync;
 *	serialised like the rest of the domain by its page table's rwsem
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
	/* iommu_map() undoes a partial mapping itself.  Cached, as type1. */
	return iommu_map(to_iommu(domain)->iod, iova, paddr, size,
			 prot | IOMMU_CACHE, gfp);
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
	mapped = iommu_map_sg(iod, iova, sgl, nents, prot | IOMMU_CACHE, gfp);
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

static void ioasid_iommu_free(struct ioasid_domain *domain)
{
	struct ioasid_iommu_domain *d = to_iommu(domain);

	iommu_domain_free(d->iod);
	kfree(d);
}

/*
 * The geometry settles at the first attach: the Intel driver allocates for
 * the widest page table it knows (57 bits) and only trims it to the
 * IOMMU's own address width when a device attaches, and only then adds the
 * superpage sizes (2 MiB, 1 GiB) the IOMMU supports to the 4 KiB it starts
 * with.  Read before, large mappings would be made of 4 KiB pages.
 */
static void ioasid_iommu_update_geometry(struct ioasid_domain *domain)
{
	struct iommu_domain *iod = to_iommu(domain)->iod;
	const struct iommu_domain_geometry *geo = &iod->geometry;

	domain->pgsize_bitmap = iod->pgsize_bitmap;
	if (geo->force_aperture) {
		domain->aperture_start = geo->aperture_start;
		domain->aperture_last = geo->aperture_end;
	} else {
		domain->aperture_start = 0;
		domain->aperture_last = U64_MAX;
	}
}

static bool ioasid_iommu_enforce_coherency(struct ioasid_domain *domain)
{
	struct iommu_domain *iod = to_iommu(domain)->iod;

	return iod->ops->enforce_cache_coherency &&
	       iod->ops->enforce_cache_coherency(iod);
}

static const struct ioasid_domain_ops ioasid_iommu_domain_ops = {
	.map = ioasid_iommu_map,
	.map_sg = ioasid_iommu_map_sg,
	.unmap = ioasid_iommu_unmap,
	.iotlb_sync = ioasid_iommu_iotlb_sync,
	.update_geometry = ioasid_iommu_update_geometry,
	.enforce_coherency = ioasid_iommu_enforce_coherency,
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
	ioasid_iommu_update_geometry(&d->domain);
	INIT_LIST_HEAD(&d->domain.iopt_item);
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
