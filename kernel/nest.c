// SPDX-License-Identifier: GPL-2.0
/*
 * Software nesting (the RFC's section 5.3): a nested table's areas point
 * at IOVAs of its parent, and its domains hold the composition child IOVA
 * -> parent area -> page, one "segment" per (child area, parent area)
 * overlap.  When the parent changes, each child area touching the change
 * is unprogrammed from the child's domains (computed from the parent tree
 * before the change) and programmed again (from the tree after it).
 * Parent ranges that are not mapped leave holes in the child's domains:
 * devices fault there.  The child's pins are the parent's.
 */
#include <linux/slab.h>

#include "domain.h"
#include "iopt_area.h"

/* Child areas whose parent range meets [start, last]. */
static struct ioasid_area *iopt_parent_iter_first(struct io_pagetable *child,
						  u64 start, u64 last)
{
	struct interval_tree_node *node;

	node = interval_tree_iter_first(&child->by_parent, start, last);
	return node ? container_of(node, struct ioasid_area, pnode) : NULL;
}

static struct ioasid_area *iopt_parent_iter_next(struct ioasid_area *area,
						 u64 start, u64 last)
{
	struct interval_tree_node *node;

	node = interval_tree_iter_next(&area->pnode, start, last);
	return node ? container_of(node, struct ioasid_area, pnode) : NULL;
}

#define for_each_child_area(area, child, start, last)			\
	for (area = iopt_parent_iter_first(child, start, last); area;	\
	     area = iopt_parent_iter_next(area, start, last))

/**
 * struct iopt_segment - where a child area meets a parent area
 * @iova: first child IOVA
 * @npages: pages
 * @pages: the parent's pinned pages backing @iova
 * @prot: the child's permissions that the parent grants too
 */
struct iopt_segment {
	u64 iova;
	unsigned long npages;
	struct page **pages;
	int prot;
};

static bool iopt_segment(struct ioasid_area *child, struct ioasid_area *parent,
			 struct iopt_segment *seg)
{
	u64 pstart = max_t(u64, child->pnode.start, area_start(parent));
	u64 plast = min_t(u64, child->pnode.last, area_last(parent));

	/* Only VFIO containers map VM_PFNMAP memory, and they nest nothing. */
	if (WARN_ON_ONCE(ioasid_pages_is_pfnmap(parent->pages)))
		return false;
	seg->iova = area_start(child) + (pstart - child->pnode.start);
	seg->npages = (plast - pstart + 1) >> PAGE_SHIFT;
	seg->pages = parent->pages->pages + parent->page_index +
		     ((pstart - area_start(parent)) >> PAGE_SHIFT);
	seg->prot = child->prot & parent->prot;
	return seg->prot;
}

/*
 * Nested: unmap every segment of @area from @domain, as computed from
 * the parent's tree (which must be the one it was mapped from).
 */
void iopt_child_area_unfill(struct io_pagetable *child,
			    struct ioasid_area *area,
			    struct ioasid_domain *domain)
{
	struct ioasid_area *parea;
	struct iopt_segment seg;

	lockdep_assert_held(&child->parent->rwsem);

	for_each_area(parea, &child->parent->areas, area->pnode.start,
		      area->pnode.last)
		if (iopt_segment(area, parea, &seg))
			domain->ops->unmap(domain, seg.iova,
					   seg.npages << PAGE_SHIFT);
}

/* Nested: map every segment of @area into @domain.  All or nothing. */
int iopt_child_area_fill(struct io_pagetable *child,
			 struct ioasid_area *area,
			 struct ioasid_domain *domain, gfp_t gfp)
{
	struct ioasid_area *parea, *done;
	struct iopt_segment seg;
	int rc;

	lockdep_assert_held(&child->parent->rwsem);

	for_each_area(parea, &child->parent->areas, area->pnode.start,
		      area->pnode.last) {
		if (!iopt_segment(area, parea, &seg))
			continue;
		rc = iopt_map_pages(domain, seg.iova, seg.pages, seg.npages,
				    seg.prot, gfp);
		if (rc)
			goto err;
	}
	return 0;

err:
	for_each_area(done, &child->parent->areas, area->pnode.start,
		      area->pnode.last) {
		if (done == parea)
			break;
		if (iopt_segment(area, done, &seg))
			domain->ops->unmap(domain, seg.iova,
					   seg.npages << PAGE_SHIFT);
	}
	return rc;
}

/* Nested: after a cut, program what is left of @area again. */
void iopt_child_refill(struct io_pagetable *iopt,
		       struct ioasid_area *area)
{
	struct ioasid_domain *domain;

	lockdep_assert_held_write(&iopt->rwsem);

	list_for_each_entry(domain, &iopt->domains, iopt_item)
		if (iopt_child_area_fill(iopt, area, domain, IOPT_GFP_RESTORE))
			pr_warn_ratelimited("ioasid: ioas %u: kept range %#llx-%#llx left untranslated\n",
					    iopt->id, area_start(area),
					    area_last(area));
}

/* --- the parent changes -------------------------------------------------- */

/*
 * Around a change of the parent's [start, last]: before it (@fill false)
 * every child area that reaches into the range is unprogrammed, computed
 * from the parent's tree as it is; after it (@fill true) those areas are
 * programmed again from the changed tree.  The parent's rwsem is held for
 * writing throughout.
 */
void iopt_children_recompose(struct io_pagetable *parent, u64 start,
			     u64 last, bool fill)
{
	struct ioasid_domain *domain;
	struct io_pagetable *child;
	struct ioasid_area *area;

	lockdep_assert_held_write(&parent->rwsem);

	list_for_each_entry(child, &parent->children, child_item) {
		if (list_empty(&child->domains))
			continue;
		down_write_nested(&child->rwsem, SINGLE_DEPTH_NESTING);
		for_each_child_area(area, child, start, last) {
			list_for_each_entry(domain, &child->domains, iopt_item) {
				if (!fill)
					iopt_child_area_unfill(child, area,
							       domain);
				else if (iopt_child_area_fill(child, area,
							      domain,
							      IOPT_GFP_RESTORE))
					pr_warn_ratelimited("ioasid: ioas %u: nested range %#llx-%#llx left untranslated\n",
							    child->id,
							    area_start(area),
							    area_last(area));
			}
		}
		if (!fill)
			iopt_sync_domains(child);
		up_write(&child->rwsem);
	}
}

/*
 * After the parent mapped @parea: the child segments over it, which were
 * holes, become translated.
 */
void iopt_children_fill_new(struct io_pagetable *parent,
			    struct ioasid_area *parea)
{
	struct ioasid_domain *domain;
	struct io_pagetable *child;
	struct ioasid_area *area;
	struct iopt_segment seg;

	lockdep_assert_held_write(&parent->rwsem);

	list_for_each_entry(child, &parent->children, child_item) {
		if (list_empty(&child->domains))
			continue;
		down_write_nested(&child->rwsem, SINGLE_DEPTH_NESTING);
		for_each_child_area(area, child, area_start(parea),
				    area_last(parea)) {
			if (!iopt_segment(area, parea, &seg))
				continue;
			list_for_each_entry(domain, &child->domains, iopt_item)
				if (iopt_map_pages(domain, seg.iova, seg.pages,
						   seg.npages, seg.prot,
						   IOPT_GFP_RESTORE))
					pr_warn_ratelimited("ioasid: ioas %u: nested range at %#llx left untranslated\n",
							    child->id,
							    seg.iova);
		}
		up_write(&child->rwsem);
	}
}

/* --- nested mappings ----------------------------------------------------- */

/*
 * Is [start, last] of the parent mapped in full, with at least @prot?
 * -ENOENT for a hole, -EACCES for missing permission.
 */
static int iopt_parent_covers(struct io_pagetable *parent, u64 start,
			      u64 last, int prot)
{
	struct ioasid_area *area;
	u64 next = start;

	for_each_area(area, &parent->areas, start, last) {
		if (area_start(area) > next)
			return -ENOENT;
		if ((area->prot & prot) != prot)
			return -EACCES;
		if (area_last(area) >= last)
			return 0;
		next = area_last(area) + 1;
	}
	return -ENOENT;
}

/**
 * iopt_map_nested() - map parent IOVA into a nested table
 * @iopt: the nested table
 * @parent_iova: page-aligned start in the parent
 * @length: page-aligned bytes, not wrapping
 * @iova: in: the IOVA with @fixed; out: the IOVA used
 * @fixed: map at *@iova
 * @prot: IOASID_PROT_*
 * @reply: see struct iopt_reply, or NULL
 *
 * Return: 0 or the errno of IOASID_IOAS_MAP (or of @reply).
 */
int iopt_map_nested(struct io_pagetable *iopt, u64 parent_iova, u64 length,
		    u64 *iova, bool fixed, int prot,
		    const struct iopt_reply *reply)
{
	struct ioasid_area *area;
	int rc;

	area = kzalloc(sizeof(*area), GFP_KERNEL_ACCOUNT);
	if (!area)
		return -ENOMEM;
	area->prot = prot;
	area->pnode.start = parent_iova;
	area->pnode.last = parent_iova + length - 1;

	iopt_lock(iopt);
	rc = iopt_parent_covers(iopt->parent, parent_iova,
				parent_iova + length - 1, prot);
	if (!rc)
		rc = iopt_add_area(iopt, area, parent_iova, length, iova,
				   fixed, reply);
	iopt_unlock(iopt);
	if (rc)
		kfree(area);
	return rc;
}
