/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IOAS and its page-table engine (ioas.c, io_pagetable.c, pages.c), as
 * the rest of the module sees it.
 *
 * The area tree of an IOAS is the truth: every domain added to the IOAS is
 * programmed from it and kept in step with every map and unmap.  Pages are
 * pinned once per mapping (not per domain) and unpinned only after every
 * domain stopped translating to them.
 */
#ifndef _IOASID_IOAS_H
#define _IOASID_IOAS_H

#include <linux/types.h>

#include "ioasid_private.h"

struct ioasid_domain;
struct ioasid_ioas;

/* Lookup by id in a context; the reference pins the IOAS object. */
struct ioasid_ioas *ioasid_ioas_get(struct ioasid_ctx *ctx, u32 ioas_id);
void ioasid_ioas_put(struct ioasid_ioas *ioas);
struct ioasid_ioas *ioasid_ioas_get_next(struct ioasid_ctx *ctx,
					 unsigned long *index);
u32 ioasid_ioas_id(struct ioasid_ioas *ioas);

/*
 * Attachments.  A device attaching to an IOAS holds it (see context.c),
 * which makes IOASID_DESTROY of the IOAS fail with -EBUSY until it
 * detaches.  ioasid_ioas_attach_begin() fails with -ENOENT if the IOAS was
 * destroyed since the caller looked it up.
 */
int ioasid_ioas_attach_begin(struct ioasid_ioas *ioas);
void ioasid_ioas_attach_end(struct ioasid_ioas *ioas);

/*
 * Reserved IOVA ranges of attached devices (MSI windows and the like), by
 * owner.  Adding fails with -EADDRINUSE if a mapping overlaps the range;
 * afterwards no mapping may be made there.  Removing drops every range of
 * @owner.  Both take iova_rwsem for writing.
 */
int ioasid_ioas_reserve(struct ioasid_ioas *ioas, const void *owner,
			u64 start, u64 last);
void ioasid_ioas_unreserve(struct ioasid_ioas *ioas, const void *owner);

/*
 * Domains.  Adding checks that every mapping lies inside the domain's
 * aperture (-EADDRINUSE otherwise), restricts the allowed IOVA ranges to
 * the aperture, and programs the domain with every mapping (for a nested
 * IOAS: the composition through its parent).  All or nothing.  Removing
 * unmaps everything from the domain (with iotlb_sync) and lifts the
 * aperture restriction; the caller then frees the domain.
 */
int ioasid_ioas_add_domain(struct ioasid_ioas *ioas,
			   struct ioasid_domain *domain);
void ioasid_ioas_remove_domain(struct ioasid_ioas *ioas,
			       struct ioasid_domain *domain);

/*
 * A domain of @ioas whose owner is @owner, with a users reference taken,
 * or NULL.  Devices share domains of the same IOMMU.
 */
struct ioasid_domain *ioasid_ioas_find_domain(struct ioasid_ioas *ioas,
					      const void *owner);

/*
 * Read access for software DMA (mock devices): while held, the domains of
 * @ioas are stable and every page they translate to stays pinned.
 */
void ioasid_ioas_read_lock(struct ioasid_ioas *ioas);
void ioasid_ioas_read_unlock(struct ioasid_ioas *ioas);

/**
 * struct ioasid_ioas_info - an IOAS as introspection shows it
 * @id: its id in the context
 * @parent_id: the parent of a nested IOAS, 0 for a paging one
 * @nr_children: nested IOAS built on it
 * @nr_attached: attachments (devices, PASIDs)
 * @nr_domains: domains it programs
 * @nr_mappings: mappings (areas)
 * @mapped_bytes: bytes mapped
 * @pinned_pages: pages pinned for it (0 for a nested IOAS)
 */
struct ioasid_ioas_info {
	u32 id;
	u32 parent_id;
	u32 nr_children;
	u32 nr_attached;
	u32 nr_domains;
	u32 nr_mappings;
	u64 mapped_bytes;
	u64 pinned_pages;
};

/**
 * struct ioasid_mapping_info - one mapping of an IOAS
 * @iova: first IOVA
 * @length: bytes
 * @source: user VA (paging IOAS) or parent IOVA (nested IOAS)
 * @prot: IOASID_IOAS_MAP_READABLE / _WRITEABLE
 */
struct ioasid_mapping_info {
	u64 iova;
	u64 length;
	u64 source;
	u32 prot;
};

/* Introspection; both take the IOAS's iova_rwsem for reading. */
void ioasid_ioas_get_info(struct ioasid_ioas *ioas,
			  struct ioasid_ioas_info *info);
/*
 * Calls @fn for each mapping from @start_iova on, in IOVA order, until
 * @fn returns non-zero, which is then returned (0 after the last one).
 */
int ioasid_ioas_walk_mappings(struct ioasid_ioas *ioas, u64 start_iova,
			      int (*fn)(const struct ioasid_mapping_info *m,
					void *arg),
			      void *arg);

/* Module-wide pinned page count (IOASID_TEST_STATS, introspection). */
u64 ioasid_pinned_pages(void);
/* Live IOAS objects (IOASID_TEST_STATS). */
unsigned int ioasid_ioas_count(void);

/* ioctls (ioas.c) */
int ioasid_ioas_alloc_ioctl(struct ioasid_ucmd *ucmd);
int ioasid_ioas_iova_ranges_ioctl(struct ioasid_ucmd *ucmd);
int ioasid_ioas_map_ioctl(struct ioasid_ucmd *ucmd);
int ioasid_ioas_unmap_ioctl(struct ioasid_ucmd *ucmd);

/* Registers the IOAS object type (module init). */
void ioasid_ioas_init(void);

#endif /* _IOASID_IOAS_H */
