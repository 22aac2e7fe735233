/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the engine, shared by its three files: the area tree and IOVA
 * space (io_pagetable.c), pinning and moving PFNs into domains (pages.c),
 * software nesting (nest.c).  Nothing outside the engine includes this.
 */
#ifndef _IOASID_IOPT_AREA_H
#define _IOASID_IOPT_AREA_H

#include <linux/gfp.h>
#include <linux/interval_tree.h>
#include <linux/kref.h>
#include <linux/list.h>

#include "io_pagetable.h"

struct mm_struct;
struct page;

/**
 * struct ioasid_pages - user pages pinned for one IOASID_IOAS_MAP
 * @ref: one per area using the pages; a partial unmap splits an area into
 *	pieces that share them, and IOASID_IOAS_COPY makes areas of other
 *	IOAS that share them
 * @pinned_counter: the owner's counter the area pages are added to
 * @pins: the pinned pages of the mm they were pinned in (a reference):
 *	each page of each area using @pages is a user there
 * @user_va: first user address
 * @npages: length of @pages
 * @writable: pinned with FOLL_WRITE (and dirtied when unpinned)
 * @pages: the pages, kept until the last area goes; each area drops its
 *	slice's users in @pins when it goes.  NULL for VM_PFNMAP memory,
 *	which is not pinned
 * @pfn: VM_PFNMAP only: the first of @npages contiguous PFNs
 * @one: @pages of a one-page mapping, the commonest kind (a VMM with a
 *	virtual IOMMU maps every guest DMA buffer on its own): no array
 *	to allocate
 */
struct ioasid_pages {
	struct kref ref;
	atomic64_t *pinned_counter;
	struct ioasid_mm_pins *pins;
	unsigned long user_va;
	unsigned long npages;
	bool writable;
	struct page **pages;
	unsigned long pfn;
	struct page *one;
};

#define ioasid_pages_is_pfnmap(p)	(!(p)->pages)

struct ioasid_pages *ioasid_pages_pin(atomic64_t *pinned_counter,
				      unsigned long user_va,
				      unsigned long npages, bool writable,
				      bool allow_pfnmap);
unsigned long ioasid_pages_unpin(struct ioasid_pages *pages,
				 unsigned long index, unsigned long npages);
int ioasid_pages_share(struct ioasid_pages *pages, unsigned long index,
		       unsigned long npages);
void ioasid_pages_put(struct ioasid_pages *pages);

/**
 * struct ioasid_area - one mapping: a range of IOVA and what backs it
 * @node: the IOVA range, in &io_pagetable.areas
 * @pnode: nested only: the parent IOVA range, in &io_pagetable.by_parent
 * @pages: paging only: the pinned pages (a reference)
 * @page_index: paging only: index in @pages of the page at node.start
 * @prot: IOASID_PROT_READ / IOASID_PROT_WRITE
 * @free_item: on a list of areas out of the tree, to be unpinned and freed
 */
struct ioasid_area {
	struct interval_tree_node node;
	struct interval_tree_node pnode;
	struct ioasid_pages *pages;
	unsigned long page_index;
	int prot;
	struct list_head free_item;
};

#define area_last(area)		((u64)(area)->node.last)
#define area_start(area)	((u64)(area)->node.start)
#define area_length(area)	(area_last(area) - area_start(area) + 1)

static inline struct ioasid_area *iopt_area_iter_first(struct rb_root_cached *root,
						       u64 start, u64 last)
{
	struct interval_tree_node *node;

	node = interval_tree_iter_first(root, start, last);
	return node ? container_of(node, struct ioasid_area, node) : NULL;
}

static inline struct ioasid_area *iopt_area_iter_next(struct ioasid_area *area,
						      u64 start, u64 last)
{
	struct interval_tree_node *node;

	node = interval_tree_iter_next(&area->node, start, last);
	return node ? container_of(node, struct ioasid_area, node) : NULL;
}

#define for_each_area(area, root, start, last)				\
	for (area = iopt_area_iter_first(root, start, last); area;	\
	     area = iopt_area_iter_next(area, start, last))

/*
 * Page-table memory for programming what user space has already mapped
 * and is still told is mapped: the neighbours of a cut, nested mappings
 * after their parent changed.  There is no caller to fail at that point,
 * and a failure would silently lose a mapping; page tables are order-0
 * pages, which __GFP_NOFAIL may ask for.
 */
#define IOPT_GFP_RESTORE	(GFP_KERNEL_ACCOUNT | __GFP_NOFAIL)

/* io_pagetable.c */
void iopt_sync_domains(struct io_pagetable *iopt);
/* Place @area at *@iova (or a free IOVA) and program it; table locked. */
int iopt_add_area(struct io_pagetable *iopt, struct ioasid_area *area,
		  u64 source, u64 length, u64 *iova, bool fixed,
		  const struct iopt_reply *reply);

/* mm_pins.c: one pin and one charge per page of an mm (see there). */
int ioasid_mm_pins_add(struct ioasid_mm_pins *mp, struct page **pages,
		       unsigned long n, bool dirty);
int ioasid_mm_pins_ref(struct ioasid_mm_pins *mp, struct page **pages,
		       unsigned long n);
void ioasid_mm_pins_drop(struct ioasid_mm_pins *mp, struct page **pages,
			 unsigned long n);

/* pages.c: moving the PFNs of pinned pages into domains.  All or nothing. */
int iopt_map_pages(struct ioasid_domain *domain, u64 iova,
		   struct page **pages, unsigned long npages, int prot,
		   gfp_t gfp);
int iopt_area_map_range(struct ioasid_area *area,
			struct ioasid_domain *domain, u64 start, u64 last,
			gfp_t gfp);
void iopt_domain_cut(struct ioasid_area *area, struct ioasid_domain *domain,
		     u64 start, u64 last);

/* nest.c: keeping the composition child -> parent -> page right. */
int iopt_child_area_fill(struct io_pagetable *child, struct ioasid_area *area,
			 struct ioasid_domain *domain, gfp_t gfp);
void iopt_child_area_unfill(struct io_pagetable *child,
			    struct ioasid_area *area,
			    struct ioasid_domain *domain);
void iopt_child_refill(struct io_pagetable *child, struct ioasid_area *area);
void iopt_children_recompose(struct io_pagetable *parent, u64 start,
			     u64 last, bool fill);
void iopt_children_fill_new(struct io_pagetable *parent,
			    struct ioasid_area *parea);

#endif /* _IOASID_IOPT_AREA_H */
