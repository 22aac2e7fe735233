/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A domain is one translation table that devices use: a real iommu_domain
 * (PCI devices behind a hardware IOMMU) or the software page table (mock
 * devices).  An IOAS's page table feeds one domain per IOMMU its devices
 * sit behind and keeps every one of them programmed from its area tree;
 * the domain knows nothing about areas or pages.  Devices share them
 * (device.c); this header is the backends' interface.
 */
#ifndef _IOASID_DOMAIN_H
#define _IOASID_DOMAIN_H

#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/types.h>

struct ioasid_domain;
struct io_pagetable;
struct scatterlist;

/* Permissions of a translation (same values as IOMMU_READ/IOMMU_WRITE). */
#define IOASID_PROT_READ	(1 << 0)
#define IOASID_PROT_WRITE	(1 << 1)

/**
 * struct ioasid_domain_ops - what a domain type provides
 * @map: translate [@iova, @iova + @size) to [@paddr, @paddr + @size) with
 *	@prot.  @iova, @paddr and @size are PAGE_SIZE multiples; the range is
 *	unmapped.  The domain picks the largest page sizes of its
 *	@pgsize_bitmap that alignment allows, and allocates its page tables
 *	with @gfp (with __GFP_NOFAIL it must not fail for want of memory).
 *	All or nothing: on error nothing of the range is left mapped.  May
 *	sleep.
 * @map_sg: like @map, for the @nents physical ranges of @sgl (@size
 *	bytes in all) mapped at consecutive IOVAs from @iova; for domains
 *	where one call for many ranges is cheaper than one per range (one
 *	IOTLB sync).  May be NULL.
 * @unmap: remove the translations of [@iova, @iova + @size).  The caller
 *	only passes ranges whose every page lies wholly inside (ranges it
 *	mapped, or unions of them).  Returns the bytes unmapped.  May defer
 *	IOTLB invalidation to @iotlb_sync.
 * @iotlb_sync: make every unmap so far visible to the device: after return
 *	the device reaches none of the removed pages.  May be NULL.
 * @update_geometry: re-read @aperture_start/@aperture_last and
 *	@pgsize_bitmap after the first device attached, for drivers that
 *	only settle them then.  May be NULL.
 * @enforce_coherency: after the first attach, while still empty: make
 *	every DMA through the domain snoop CPU caches whatever the device
 *	asks (no-snoop ignored, as KVM needs for a guest without WBINVD).
 *	True if the IOMMU can.  May be NULL (false).
 * @free: release the domain; it translates nothing any more.
 */
struct ioasid_domain_ops {
	int (*map)(struct ioasid_domain *domain, unsigned long iova,
		   phys_addr_t paddr, size_t size, int prot, gfp_t gfp);
	int (*map_sg)(struct ioasid_domain *domain, unsigned long iova,
		      struct scatterlist *sgl, unsigned int nents, size_t size,
		      int prot, gfp_t gfp);
	size_t (*unmap)(struct ioasid_domain *domain, unsigned long iova,
			size_t size);
	void (*iotlb_sync)(struct ioasid_domain *domain);
	void (*update_geometry)(struct ioasid_domain *domain);
	bool (*enforce_coherency)(struct ioasid_domain *domain);
	void (*free)(struct ioasid_domain *domain);
};

/**
 * struct ioasid_domain - a translation table fed by one IOAS
 * @ops: the domain type
 * @iopt: the page table that programs it (set by iopt_add_domain())
 * @iopt_item: entry in its domain list, under its rwsem
 * @users: attachments using the domain (groups, PASIDs); the last one to
 *	go removes it from the IOAS and frees it
 * @pgsize_bitmap: page sizes the domain can map
 * @coherent: @ops->enforce_coherency succeeded
 * @aperture_start: first IOVA the domain can translate
 * @aperture_last: last IOVA the domain can translate
 * @owner: identifies the IOMMU behind the domain; domains of an IOAS that
 *	share an owner are interchangeable, so a device looks for one first
 */
struct ioasid_domain {
	const struct ioasid_domain_ops *ops;
	struct io_pagetable *iopt;
	struct list_head iopt_item;
	refcount_t users;
	unsigned long pgsize_bitmap;
	bool coherent;
	u64 aperture_start;
	u64 aperture_last;
	const void *owner;
};

/* domain.c: a hardware IOMMU's paging domain (PCI devices). */
struct device;
struct iommu_domain;
struct ioasid_domain *ioasid_iommu_domain_alloc(struct device *dev);
struct iommu_domain *ioasid_iommu_domain_core(struct ioasid_domain *domain);

/* sw_pgtable.c: the software page table as a domain (mock devices). */
struct ioasid_domain *ioasid_sw_domain_alloc(void);
/* Test interface: fail @nr page-table allocations after @skip. */
void ioasid_sw_domain_fail_allocs(unsigned int skip, unsigned int nr);
/* Translate for a mock DMA: physical address and permissions of @iova. */
int ioasid_sw_domain_translate(struct ioasid_domain *domain,
			       unsigned long iova, phys_addr_t *paddr,
			       int *prot);

#endif /* _IOASID_DOMAIN_H */
