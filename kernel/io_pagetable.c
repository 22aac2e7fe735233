// SPDX-License-Identifier: GPL-2.0
/*
 * The area tree of an IOAS and the domains fed from it.
 *
 * Every map inserts an area and programs it into every domain; every unmap
 * takes it out of every domain, syncs their IOTLBs and only then unpins.  A
 * domain is always the image of the area tree: adding one programs every
 * area, removing one unprograms every area.
 *
 * Domains pick large pages where IOVA and physical address allow, and a
 * domain's unmap must be given whole pages.  So a partial unmap that cuts
 * an area unmaps, per domain, the cut widened to that domain's largest page
 * size (no page crosses such a boundary, nor an area's ends), and maps the
 * widened-but-kept parts again.  Those parts are untranslated for that
 * moment; devices must not DMA into a range being cut.
 *
 * Software nesting: a nested IOAS's areas point at IOVAs of its parent,
 * and its domains hold the composition child IOVA -> parent area -> page,
 * one "segment" per (child area, parent area) overlap.  When the parent
 * changes, each child area touching the change is unprogrammed from the
 * child's domains (computed from the parent tree before the change) and
 * programmed again (from the tree after it).  Parent ranges that are not
 * mapped leave holes in the child's domains: devices fault there.
 *
 * Failing to program a domain again after a cut (out of memory while
 * allocating page-table pages) cannot fail the unmap, whose purpose is to
 * remove translations: the kept range stays untranslated in that domain
 * and a warning is logged.
 */
#include <linux/io.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "domain.h"
#include "io_pagetable.h"

#define area_last(area)		((u64)(area)->node.last)
#define area_start(area)	((u64)(area)->node.start)
#define area_length(area)	(area_last(area) - area_start(area) + 1)

static struct ioasid_area *iopt_area_iter_first(struct rb_root_cached *root,
						u64 start, u64 last)
{
	struct interval_tree_node *node;

	node = interval_tree_iter_first(root, start, last);
	return node ? container_of(node, struct ioasid_area, node) : NULL;
}

static struct ioasid_area *iopt_area_iter_next(struct ioasid_area *area,
					       u64 start, u64 last)
{
	struct interval_tree_node *node;

	node = interval_tree_iter_next(&area->node, start, last);
	return node ? container_of(node, struct ioasid_area, node) : NULL;
}

#define for_each_area(area, root, start, last)				\
	for (area = iopt_area_iter_first(root, start, last); area;	\
	     area = iopt_area_iter_next(area, start, last))

/* Child areas whose parent range meets [start, last]. */
static struct ioasid_area *iopt_parent_iter_first(struct ioasid_ioas *child,
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

void iopt_init(struct ioasid_ioas *ioas)
{
	init_rwsem(&ioas->iova_rwsem);
	ioas->areas = RB_ROOT_CACHED;
	ioas->by_parent = RB_ROOT_CACHED;
	ioas->reserved = RB_ROOT_CACHED;
	INIT_LIST_HEAD(&ioas->domains);
	INIT_LIST_HEAD(&ioas->children);
	INIT_LIST_HEAD(&ioas->child_item);
}

/* --- programming domains ------------------------------------------------ */

/*
 * Page-table memory for programming what user space has already mapped
 * and is still told is mapped: the neighbours of a cut, nested mappings
 * after their parent changed.  There is no caller to fail at that point,
 * and a failure would silently lose a mapping; page tables are order-0
 * pages, which __GFP_NOFAIL may ask for.
 */
#define IOPT_GFP_RESTORE	(GFP_KERNEL_ACCOUNT | __GFP_NOFAIL)

static bool iopt_contiguous(struct page **pages, unsigned long j)
{
	return page_to_pfn(pages[j]) == page_to_pfn(pages[j - 1]) + 1;
}

/* One domain call per physically contiguous run.  All or nothing. */
static int iopt_map_runs(struct ioasid_domain *domain, u64 iova,
			 struct page **pages, unsigned long npages, int prot,
			 gfp_t gfp)
{
	unsigned long i = 0, j;
	int rc;

	while (i < npages) {
		for (j = i + 1; j < npages && iopt_contiguous(pages, j); j++)
			;
		rc = domain->ops->map(domain, iova + i * PAGE_SIZE,
				      page_to_phys(pages[i]),
				      (j - i) * PAGE_SIZE, prot, gfp);
		if (rc) {
			if (i)
				domain->ops->unmap(domain, iova, i * PAGE_SIZE);
			return rc;
		}
		i = j;
	}
	return 0;
}

/*
 * Runs per map_sg call: one page of scatterlist, while amortising the
 * domain's per-call IOTLB sync.  A run is cut at 1 GiB, which keeps the
 * largest IOMMU pages and fits a scatterlist entry.
 */
#define IOPT_SG_RUNS		SG_MAX_SINGLE_ALLOC
#define IOPT_SG_MAX_RUN		(SZ_1G >> PAGE_SHIFT)

/* The end of the run that starts at page @i. */
static unsigned long iopt_run_end(struct page **pages, unsigned long i,
				  unsigned long npages)
{
	unsigned long j;

	for (j = i + 1; j < npages && j - i < IOPT_SG_MAX_RUN &&
	     iopt_contiguous(pages, j); j++)
		;
	return j;
}

/* Up to IOPT_SG_RUNS runs per domain call.  All or nothing. */
static int iopt_map_sg(struct ioasid_domain *domain, u64 iova,
		       struct page **pages, unsigned long npages, int prot,
		       gfp_t gfp)
{
	unsigned int max = min_t(unsigned long, npages, IOPT_SG_RUNS), n;
	unsigned long i = 0, j, first;
	struct scatterlist *sg;
	struct sg_table sgt;
	int rc;

	/* One run (large pages, typically): no scatterlist needed. */
	if (iopt_run_end(pages, 0, npages) == npages)
		return domain->ops->map(domain, iova, page_to_phys(pages[0]),
					npages << PAGE_SHIFT, prot, gfp);

	rc = sg_alloc_table(&sgt, max, gfp & ~__GFP_ACCOUNT);
	if (rc)
		return rc;
	while (i < npages) {
		first = i;
		for (n = 0, sg = sgt.sgl; n < max && i < npages; n++) {
			j = iopt_run_end(pages, i, npages);
			sg_set_page(sg, pages[i], (j - i) << PAGE_SHIFT, 0);
			sg = sg_next(sg);
			i = j;
		}
		rc = domain->ops->map_sg(domain, iova + first * PAGE_SIZE,
					 sgt.sgl, n, (i - first) << PAGE_SHIFT,
					 prot, gfp);
		if (rc) {
			if (first)
				domain->ops->unmap(domain, iova,
						   first * PAGE_SIZE);
			break;
		}
	}
	sg_free_table(&sgt);
	return rc;
}

/*
 * Map @npages pinned pages at @iova, never splitting a physically
 * contiguous run, so the domain can use large pages.  All or nothing.
 */
static int iopt_map_pages(struct ioasid_domain *domain, u64 iova,
			  struct page **pages, unsigned long npages, int prot,
			  gfp_t gfp)
{
	if (domain->ops->map_sg && npages > 1)
		return iopt_map_sg(domain, iova, pages, npages, prot, gfp);
	return iopt_map_runs(domain, iova, pages, npages, prot, gfp);
}

/* Paging IOAS: map [start, last] of @area (whole pages of it). */
static int iopt_area_map_range(struct ioasid_area *area,
			       struct ioasid_domain *domain, u64 start,
			       u64 last, gfp_t gfp)
{
	unsigned long index = area->page_index +
			      ((start - area_start(area)) >> PAGE_SHIFT);

	return iopt_map_pages(domain, start, area->pages->pages + index,
			      (last - start + 1) >> PAGE_SHIFT, area->prot, gfp);
}

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

	seg->iova = area_start(child) + (pstart - child->pnode.start);
	seg->npages = (plast - pstart + 1) >> PAGE_SHIFT;
	seg->pages = parent->pages->pages + parent->page_index +
		     ((pstart - area_start(parent)) >> PAGE_SHIFT);
	seg->prot = child->prot & parent->prot;
	return seg->prot;
}

/*
 * Nested IOAS: unmap every segment of @area from @domain, as computed from
 * the parent's tree (which must be the one it was mapped from).
 */
static void iopt_child_area_unfill(struct ioasid_ioas *child,
				   struct ioasid_area *area,
				   struct ioasid_domain *domain)
{
	struct ioasid_area *parea;
	struct iopt_segment seg;

	lockdep_assert_held(&child->parent->iova_rwsem);

	for_each_area(parea, &child->parent->areas, area->pnode.start,
		      area->pnode.last)
		if (iopt_segment(area, parea, &seg))
			domain->ops->unmap(domain, seg.iova,
					   seg.npages << PAGE_SHIFT);
}

/* Nested IOAS: map every segment of @area into @domain.  All or nothing. */
static int iopt_child_area_fill(struct ioasid_ioas *child,
				struct ioasid_area *area,
				struct ioasid_domain *domain, gfp_t gfp)
{
	struct ioasid_area *parea, *done;
	struct iopt_segment seg;
	int rc;

	lockdep_assert_held(&child->parent->iova_rwsem);

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

static int iopt_area_fill(struct ioasid_ioas *ioas, struct ioasid_area *area,
			  struct ioasid_domain *domain)
{
	if (ioas->parent)
		return iopt_child_area_fill(ioas, area, domain,
					    GFP_KERNEL_ACCOUNT);
	return iopt_area_map_range(area, domain, area_start(area),
				   area_last(area), GFP_KERNEL_ACCOUNT);
}

static void iopt_area_unfill(struct ioasid_ioas *ioas,
			     struct ioasid_area *area,
			     struct ioasid_domain *domain)
{
	if (ioas->parent)
		iopt_child_area_unfill(ioas, area, domain);
	else
		domain->ops->unmap(domain, area_start(area), area_length(area));
}

static void iopt_sync_domains(struct ioasid_ioas *ioas)
{
	struct ioasid_domain *domain;

	list_for_each_entry(domain, &ioas->domains, ioas_item)
		if (domain->ops->iotlb_sync)
			domain->ops->iotlb_sync(domain);
}

/* Program @area into every domain of @ioas.  All or nothing. */
static int iopt_area_fill_all(struct ioasid_ioas *ioas,
			      struct ioasid_area *area)
{
	struct ioasid_domain *domain, *done;
	int rc;

	lockdep_assert_held_write(&ioas->iova_rwsem);

	list_for_each_entry(domain, &ioas->domains, ioas_item) {
		rc = iopt_area_fill(ioas, area, domain);
		if (rc)
			goto err;
	}
	return 0;

err:
	list_for_each_entry(done, &ioas->domains, ioas_item) {
		if (done == domain)
			break;
		iopt_area_unfill(ioas, area, done);
	}
	iopt_sync_domains(ioas);
	return rc;
}

/* --- children: keeping the composition right ---------------------------- */

/*
 * Before the parent changes [start, last]: unprogram every child area that
 * reaches into it.  The parent's iova_rwsem is held for writing.
 */
static void iopt_children_unfill(struct ioasid_ioas *parent, u64 start,
				 u64 last)
{
	struct ioasid_domain *domain;
	struct ioasid_ioas *child;
	struct ioasid_area *area;

	lockdep_assert_held_write(&parent->iova_rwsem);

	list_for_each_entry(child, &parent->children, child_item) {
		if (list_empty(&child->domains))
			continue;
		down_write_nested(&child->iova_rwsem, SINGLE_DEPTH_NESTING);
		for_each_child_area(area, child, start, last)
			list_for_each_entry(domain, &child->domains, ioas_item)
				iopt_child_area_unfill(child, area, domain);
		iopt_sync_domains(child);
		up_write(&child->iova_rwsem);
	}
}

/* After the parent changed [start, last]: program those areas again. */
static void iopt_children_fill(struct ioasid_ioas *parent, u64 start,
			       u64 last)
{
	struct ioasid_domain *domain;
	struct ioasid_ioas *child;
	struct ioasid_area *area;

	lockdep_assert_held_write(&parent->iova_rwsem);

	list_for_each_entry(child, &parent->children, child_item) {
		if (list_empty(&child->domains))
			continue;
		down_write_nested(&child->iova_rwsem, SINGLE_DEPTH_NESTING);
		for_each_child_area(area, child, start, last)
			list_for_each_entry(domain, &child->domains, ioas_item)
				if (iopt_child_area_fill(child, area, domain,
							 IOPT_GFP_RESTORE))
					pr_warn_ratelimited("ioasid: ioas %u: nested range %#llx-%#llx left untranslated\n",
							    child->obj.id,
							    area_start(area),
							    area_last(area));
		up_write(&child->iova_rwsem);
	}
}

/*
 * After the parent mapped @parea: the child segments over it, which were
 * holes, become translated.
 */
static void iopt_children_fill_new(struct ioasid_ioas *parent,
				   struct ioasid_area *parea)
{
	struct ioasid_domain *domain;
	struct ioasid_ioas *child;
	struct ioasid_area *area;
	struct iopt_segment seg;

	lockdep_assert_held_write(&parent->iova_rwsem);

	list_for_each_entry(child, &parent->children, child_item) {
		if (list_empty(&child->domains))
			continue;
		down_write_nested(&child->iova_rwsem, SINGLE_DEPTH_NESTING);
		for_each_child_area(area, child, area_start(parea),
				    area_last(parea)) {
			if (!iopt_segment(area, parea, &seg))
				continue;
			list_for_each_entry(domain, &child->domains, ioas_item)
				if (iopt_map_pages(domain, seg.iova, seg.pages,
						   seg.npages, seg.prot,
						   IOPT_GFP_RESTORE))
					pr_warn_ratelimited("ioasid: ioas %u: nested range at %#llx left untranslated\n",
							    child->obj.id,
							    seg.iova);
		}
		up_write(&child->iova_rwsem);
	}
}

/* --- allowed IOVA ------------------------------------------------------- */

struct ioasid_reserved {
	struct interval_tree_node node;
	const void *owner;
};

/* The intersection of the apertures of every domain. */
static void iopt_aperture(struct ioasid_ioas *ioas, u64 *start, u64 *last)
{
	struct ioasid_domain *domain;

	lockdep_assert_held(&ioas->iova_rwsem);

	*start = 0;
	*last = U64_MAX;
	list_for_each_entry(domain, &ioas->domains, ioas_item) {
		*start = max(*start, domain->aperture_start);
		*last = min(*last, domain->aperture_last);
	}
}

/*
 * May [start, last] be mapped?  -EEXIST if a mapping is there already,
 * -EADDRINUSE if it leaves the allowed ranges.
 */
static int iopt_check_free(struct ioasid_ioas *ioas, u64 start, u64 last)
{
	u64 ap_start, ap_last;

	lockdep_assert_held(&ioas->iova_rwsem);

	if (interval_tree_iter_first(&ioas->areas, start, last))
		return -EEXIST;
	iopt_aperture(ioas, &ap_start, &ap_last);
	if (start < ap_start || last > ap_last ||
	    interval_tree_iter_first(&ioas->reserved, start, last))
		return -EADDRINUSE;
	return 0;
}

/*
 * The first IOVA >= @x congruent to @offset modulo @align, or 0 if there
 * is none below 2^64.
 */
static u64 iopt_next_iova(u64 x, u64 align, u64 offset)
{
	u64 y;

	if (check_add_overflow(x, align - 1 - offset, &y))
		return 0;
	y = (y & ~(align - 1)) + offset;
	return y < x ? 0 : y;
}

/*
 * Pick a free IOVA for @length bytes backed at @source: congruent to the
 * source modulo the largest power of two up to the length (at most 1 GiB),
 * so physically contiguous runs can use large IOMMU pages even when the
 * source does not start on one; never 0, which too many drivers read as
 * "none".
 */
static int iopt_alloc_iova(struct ioasid_ioas *ioas, u64 source, u64 length,
			   u64 *iova)
{
	u64 align = max_t(u64, PAGE_SIZE,
			  min_t(u64, SZ_1G, rounddown_pow_of_two(length)));
	u64 offset = source & (align - 1);
	struct interval_tree_node *node;
	u64 ap_start, ap_last, cur, last;

	iopt_aperture(ioas, &ap_start, &ap_last);
	cur = iopt_next_iova(max_t(u64, ap_start, PAGE_SIZE), align, offset);
	for (;;) {
		if (!cur || check_add_overflow(cur, length - 1, &last) ||
		    last > ap_last)
			return -ENOSPC;
		node = interval_tree_iter_first(&ioas->areas, cur, last);
		if (!node)
			node = interval_tree_iter_first(&ioas->reserved, cur,
							last);
		if (!node) {
			*iova = cur;
			return 0;
		}
		if (node->last == U64_MAX)
			return -ENOSPC;
		cur = iopt_next_iova((u64)node->last + 1, align, offset);
	}
}

/**
 * iopt_get_allowed() - the allowed IOVA ranges
 * @ioas: the IOAS
 * @ranges: out: up to *@nr ranges (may be NULL when *@nr is 0)
 * @nr: in: room in @ranges; out: ranges there are
 *
 * Return: 0, or -EMSGSIZE if @ranges was too small (*@nr still set).
 */
int iopt_get_allowed(struct ioasid_ioas *ioas,
		     struct ioasid_iova_range *ranges, u32 *nr)
{
	struct interval_tree_node *node;
	u64 ap_start, ap_last, cur;
	bool end = false;
	u32 n = 0;

	down_read(&ioas->iova_rwsem);
	iopt_aperture(ioas, &ap_start, &ap_last);
	cur = ap_start;
	for (node = interval_tree_iter_first(&ioas->reserved, ap_start,
					     ap_last);
	     node && !end;
	     node = interval_tree_iter_next(node, ap_start, ap_last)) {
		if (node->start > cur) {
			if (n < *nr) {
				ranges[n].start = cur;
				ranges[n].last = node->start - 1;
			}
			n++;
		}
		if (node->last >= ap_last)
			end = true;
		else
			cur = max_t(u64, cur, (u64)node->last + 1);
	}
	if (!end && cur <= ap_last) {
		if (n < *nr) {
			ranges[n].start = cur;
			ranges[n].last = ap_last;
		}
		n++;
	}
	up_read(&ioas->iova_rwsem);
	if (n > *nr) {
		*nr = n;
		return -EMSGSIZE;
	}
	*nr = n;
	return 0;
}

/**
 * iopt_reserve() - exclude [@start, @last] from mappings
 * @ioas: the IOAS
 * @owner: whose range it is
 * @start: first IOVA
 * @last: last IOVA
 *
 * Return: 0, -EADDRINUSE if a mapping is there, -ENOMEM.
 */
int iopt_reserve(struct ioasid_ioas *ioas, const void *owner, u64 start,
		 u64 last)
{
	struct ioasid_reserved *resv;
	int rc = 0;

	resv = kzalloc(sizeof(*resv), GFP_KERNEL_ACCOUNT);
	if (!resv)
		return -ENOMEM;
	resv->owner = owner;
	resv->node.start = start;
	resv->node.last = last;
	down_write(&ioas->iova_rwsem);
	if (interval_tree_iter_first(&ioas->areas, start, last))
		rc = -EADDRINUSE;
	else
		interval_tree_insert(&resv->node, &ioas->reserved);
	up_write(&ioas->iova_rwsem);
	if (rc)
		kfree(resv);
	return rc;
}

/**
 * iopt_unreserve() - drop every reserved range of @owner
 * @ioas: the IOAS
 * @owner: whose ranges
 */
void iopt_unreserve(struct ioasid_ioas *ioas, const void *owner)
{
	struct interval_tree_node *node, *next;
	struct ioasid_reserved *resv;

	down_write(&ioas->iova_rwsem);
	for (node = interval_tree_iter_first(&ioas->reserved, 0, U64_MAX);
	     node; node = next) {
		next = interval_tree_iter_next(node, 0, U64_MAX);
		resv = container_of(node, struct ioasid_reserved, node);
		if (resv->owner != owner)
			continue;
		interval_tree_remove(node, &ioas->reserved);
		kfree(resv);
	}
	up_write(&ioas->iova_rwsem);
}

/* --- map ---------------------------------------------------------------- */

static void iopt_insert_area(struct ioasid_ioas *ioas,
			     struct ioasid_area *area)
{
	lockdep_assert_held_write(&ioas->iova_rwsem);
	interval_tree_insert(&area->node, &ioas->areas);
	if (ioas->parent)
		interval_tree_insert(&area->pnode, &ioas->by_parent);
	ioas->nr_areas++;
	ioas->mapped_bytes += area_length(area);
}

static void iopt_remove_area(struct ioasid_ioas *ioas,
			     struct ioasid_area *area)
{
	lockdep_assert_held_write(&ioas->iova_rwsem);
	interval_tree_remove(&area->node, &ioas->areas);
	if (ioas->parent)
		interval_tree_remove(&area->pnode, &ioas->by_parent);
	ioas->nr_areas--;
	ioas->mapped_bytes -= area_length(area);
}

/*
 * Place a new area at the fixed @iova, or at a free one picked for it.
 * Called with iova_rwsem held for writing.
 */
static int iopt_place(struct ioasid_ioas *ioas, struct ioasid_area *area,
		      u64 source, u64 length, u64 *iova, bool fixed)
{
	int rc;

	lockdep_assert_held_write(&ioas->iova_rwsem);

	if (fixed)
		rc = iopt_check_free(ioas, *iova, *iova + length - 1);
	else
		rc = iopt_alloc_iova(ioas, source, length, iova);
	if (rc)
		return rc;
	area->node.start = *iova;
	area->node.last = *iova + length - 1;
	return 0;
}

/**
 * iopt_map_user() - map user memory into a paging IOAS
 * @ioas: the IOAS
 * @user_va: page-aligned start of the memory
 * @length: page-aligned bytes, not wrapping
 * @iova: in: the IOVA with @fixed; out: the IOVA used
 * @fixed: map at *@iova
 * @prot: IOASID_PROT_*
 *
 * Return: 0 or the errno of IOASID_IOAS_MAP; nothing is left behind on
 * error.
 */
int iopt_map_user(struct ioasid_ioas *ioas, unsigned long user_va,
		  u64 length, u64 *iova, bool fixed, int prot)
{
	struct ioasid_pages *pages;
	struct ioasid_area *area;
	int rc;

	area = kzalloc(sizeof(*area), GFP_KERNEL_ACCOUNT);
	if (!area)
		return -ENOMEM;
	/* Pin outside the lock: faulting pages in may take long. */
	pages = ioasid_pages_pin(ioas->obj.ctx, user_va, length >> PAGE_SHIFT,
				 prot & IOASID_PROT_WRITE);
	if (IS_ERR(pages)) {
		kfree(area);
		return PTR_ERR(pages);
	}
	area->pages = pages;
	area->prot = prot;

	down_write(&ioas->iova_rwsem);
	rc = iopt_place(ioas, area, user_va, length, iova, fixed);
	if (rc)
		goto err_unlock;
	rc = iopt_area_fill_all(ioas, area);
	if (rc)
		goto err_unlock;
	iopt_insert_area(ioas, area);
	ioas->pinned_pages += pages->npages;
	/* Nested mappings waiting on this range become translated. */
	iopt_children_fill_new(ioas, area);
	up_write(&ioas->iova_rwsem);
	return 0;

err_unlock:
	up_write(&ioas->iova_rwsem);
	ioasid_pages_unpin(pages, 0, pages->npages);
	ioasid_pages_put(pages);
	kfree(area);
	return rc;
}

/*
 * Is [start, last] of the parent mapped in full, with at least @prot?
 * -ENOENT for a hole, -EACCES for missing permission.
 */
static int iopt_parent_covers(struct ioasid_ioas *parent, u64 start,
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
 * iopt_map_nested() - map parent IOVA into a nested IOAS
 * @ioas: the nested IOAS
 * @parent_iova: page-aligned start in the parent
 * @length: page-aligned bytes, not wrapping
 * @iova: in: the IOVA with @fixed; out: the IOVA used
 * @fixed: map at *@iova
 * @prot: IOASID_PROT_*
 *
 * Return: 0 or the errno of IOASID_IOAS_MAP.
 */
int iopt_map_nested(struct ioasid_ioas *ioas, u64 parent_iova, u64 length,
		    u64 *iova, bool fixed, int prot)
{
	struct ioasid_ioas *parent = ioas->parent;
	struct ioasid_area *area;
	int rc;

	area = kzalloc(sizeof(*area), GFP_KERNEL_ACCOUNT);
	if (!area)
		return -ENOMEM;
	area->prot = prot;
	area->pnode.start = parent_iova;
	area->pnode.last = parent_iova + length - 1;

	down_read(&parent->iova_rwsem);
	down_write_nested(&ioas->iova_rwsem, SINGLE_DEPTH_NESTING);
	rc = iopt_parent_covers(parent, parent_iova, parent_iova + length - 1,
				prot);
	if (rc)
		goto out;
	rc = iopt_place(ioas, area, parent_iova, length, iova, fixed);
	if (rc)
		goto out;
	rc = iopt_area_fill_all(ioas, area);
	if (rc)
		goto out;
	iopt_insert_area(ioas, area);
	area = NULL;
out:
	up_write(&ioas->iova_rwsem);
	up_read(&parent->iova_rwsem);
	kfree(area);
	return rc;
}

/* --- unmap -------------------------------------------------------------- */

/*
 * Paging IOAS: take [start, last] (inside @area) out of @domain.  Unmaps
 * the range widened to the domain's largest page size (clipped to the
 * area), then maps what was widened back.
 */
static void iopt_domain_cut(struct ioasid_area *area,
			    struct ioasid_domain *domain, u64 start, u64 last)
{
	u64 blk = 1ULL << __fls(domain->pgsize_bitmap);
	u64 wstart = max_t(u64, area_start(area), start & ~(blk - 1));
	u64 wlast = min_t(u64, area_last(area), last | (blk - 1));
	int rc = 0;

	domain->ops->unmap(domain, wstart, wlast - wstart + 1);
	if (wstart < start)
		rc = iopt_area_map_range(area, domain, wstart, start - 1,
					 IOPT_GFP_RESTORE);
	if (!rc && last < wlast)
		rc = iopt_area_map_range(area, domain, last + 1, wlast,
					 IOPT_GFP_RESTORE);
	if (rc)
		pr_warn_ratelimited("ioasid: range kept beside %#llx-%#llx left untranslated\n",
				    start, last);
}

/*
 * Shrink @area to [start, last] (a part of it), in the trees.  Paging: the
 * pages outside stay pinned until the caller unpins them.
 */
static void iopt_area_trim(struct ioasid_ioas *ioas, struct ioasid_area *area,
			   u64 start, u64 last)
{
	u64 skip = start - area_start(area);

	lockdep_assert_held_write(&ioas->iova_rwsem);

	iopt_remove_area(ioas, area);
	area->page_index += skip >> PAGE_SHIFT;
	area->pnode.start += skip;
	area->pnode.last = area->pnode.start + (last - start);
	area->node.start = start;
	area->node.last = last;
	iopt_insert_area(ioas, area);
}

/* The piece of @area after @last, as a new area sharing its backing. */
static void iopt_area_tail(struct ioasid_area *area, u64 last,
			   struct ioasid_area *tail)
{
	u64 skip = last + 1 - area_start(area);

	*tail = *area;
	tail->page_index += skip >> PAGE_SHIFT;
	tail->pnode.start += skip;
	tail->node.start = last + 1;
	if (tail->pages)
		kref_get(&tail->pages->ref);
}

/* Unpin (paging) and free an area that left the tree and every domain. */
static void iopt_area_free(struct ioasid_ioas *ioas, struct ioasid_area *area)
{
	lockdep_assert_held_write(&ioas->iova_rwsem);
	if (area->pages) {
		unsigned long npages = area_length(area) >> PAGE_SHIFT;

		ioasid_pages_unpin(area->pages, area->page_index, npages);
		ioas->pinned_pages -= npages;
		ioasid_pages_put(area->pages);
	}
	kfree(area);
}

/* Nested IOAS: after a cut, program what is left of @area again. */
static void iopt_child_refill(struct ioasid_ioas *ioas,
			      struct ioasid_area *area)
{
	struct ioasid_domain *domain;

	lockdep_assert_held_write(&ioas->iova_rwsem);

	list_for_each_entry(domain, &ioas->domains, ioas_item)
		if (iopt_child_area_fill(ioas, area, domain, IOPT_GFP_RESTORE))
			pr_warn_ratelimited("ioasid: ioas %u: kept range %#llx-%#llx left untranslated\n",
					    ioas->obj.id, area_start(area),
					    area_last(area));
}

/*
 * Take [cut_start, cut_last] out of @area, which straddles it: what is
 * left stays in the tree (as @area, and @spare for the tail of a middle
 * cut).  Returns the piece cut out, which is not in the tree, in @cut.
 */
static void iopt_area_split(struct ioasid_ioas *ioas, struct ioasid_area *area,
			    u64 cut_start, u64 cut_last,
			    struct ioasid_area **spare, struct ioasid_area *cut)
{
	lockdep_assert_held_write(&ioas->iova_rwsem);
	*cut = *area;
	cut->page_index += (cut_start - area_start(area)) >> PAGE_SHIFT;
	cut->node.start = cut_start;
	cut->node.last = cut_last;

	if (cut_start > area_start(area) && cut_last < area_last(area)) {
		iopt_area_tail(area, cut_last, *spare);
		iopt_area_trim(ioas, area, area_start(area), cut_start - 1);
		iopt_insert_area(ioas, *spare);
		if (ioas->parent)
			iopt_child_refill(ioas, *spare);
		*spare = NULL;
	} else if (cut_start > area_start(area)) {
		iopt_area_trim(ioas, area, area_start(area), cut_start - 1);
	} else {
		iopt_area_trim(ioas, area, cut_last + 1, area_last(area));
	}
	if (ioas->parent)
		iopt_child_refill(ioas, area);
}

/**
 * iopt_unmap() - remove every mapping in [@start, @last]
 * @ioas: the IOAS
 * @start: first IOVA, page-aligned
 * @last: last IOVA, page-aligned minus one
 * @unmapped: out: bytes that were mapped
 *
 * Areas that straddle either end are cut; the part outside stays.
 *
 * Return: 0, -ENOENT if nothing was mapped there, -ENOMEM.
 */
int iopt_unmap(struct ioasid_ioas *ioas, u64 start, u64 last,
	       u64 *unmapped)
{
	struct ioasid_ioas *parent = ioas->parent;
	struct ioasid_area *area, *next, *spare;
	/* Only the first and the last area can be cut rather than removed. */
	struct ioasid_area cuts[2];
	struct ioasid_domain *domain;
	u64 hull_start, hull_last;
	unsigned int nr_cuts = 0, i;
	LIST_HEAD(dead);
	int rc = 0;

	/* A cut on both sides of one area leaves two areas. */
	spare = kzalloc(sizeof(*spare), GFP_KERNEL_ACCOUNT);
	if (!spare)
		return -ENOMEM;

	if (parent)
		down_read(&parent->iova_rwsem);
	down_write_nested(&ioas->iova_rwsem, parent ? SINGLE_DEPTH_NESTING : 0);
	area = iopt_area_iter_first(&ioas->areas, start, last);
	if (!area) {
		rc = -ENOENT;
		goto out;
	}
	/* Every area touched, whole: what nested children must redo. */
	hull_start = area_start(area);
	hull_last = hull_start;
	for_each_area(next, &ioas->areas, start, last)
		hull_last = area_last(next);
	if (!parent)
		iopt_children_unfill(ioas, hull_start, hull_last);

	*unmapped = 0;
	for (; area; area = next) {
		u64 cut_start = max_t(u64, start, area_start(area));
		u64 cut_last = min_t(u64, last, area_last(area));
		bool whole = cut_start == area_start(area) &&
			     cut_last == area_last(area);

		next = iopt_area_iter_next(area, start, last);
		*unmapped += cut_last - cut_start + 1;

		/* Out of every domain first, unpinned only after the sync. */
		list_for_each_entry(domain, &ioas->domains, ioas_item) {
			if (parent)
				iopt_child_area_unfill(ioas, area, domain);
			else if (whole)
				domain->ops->unmap(domain, area_start(area),
						   area_length(area));
			else
				iopt_domain_cut(area, domain, cut_start,
						cut_last);
		}
		if (whole) {
			iopt_remove_area(ioas, area);
			list_add_tail(&area->free_item, &dead);
		} else {
			if (WARN_ON(nr_cuts == ARRAY_SIZE(cuts)))
				break;
			iopt_area_split(ioas, area, cut_start, cut_last,
					&spare, &cuts[nr_cuts++]);
		}
	}
	iopt_sync_domains(ioas);

	for (i = 0; i < nr_cuts; i++)
		if (cuts[i].pages) {
			unsigned long npages = (cuts[i].node.last -
						cuts[i].node.start + 1) >>
					       PAGE_SHIFT;

			ioasid_pages_unpin(cuts[i].pages, cuts[i].page_index,
					   npages);
			ioas->pinned_pages -= npages;
		}
	list_for_each_entry_safe(area, next, &dead, free_item)
		iopt_area_free(ioas, area);
	if (!parent)
		iopt_children_fill(ioas, hull_start, hull_last);
out:
	up_write(&ioas->iova_rwsem);
	if (parent)
		up_read(&parent->iova_rwsem);
	kfree(spare);
	return rc;
}

/* --- domains ------------------------------------------------------------ */

/**
 * iopt_add_domain() - program a new domain from every area
 * @ioas: the IOAS
 * @domain: the domain, empty
 *
 * Return: 0, -EADDRINUSE if a mapping lies outside the domain's aperture,
 * or the domain's map error (nothing is left mapped then).
 */
int iopt_add_domain(struct ioasid_ioas *ioas, struct ioasid_domain *domain)
{
	struct ioasid_ioas *parent = ioas->parent;
	struct ioasid_area *area, *done;
	int rc = 0;

	if (parent)
		down_read(&parent->iova_rwsem);
	down_write_nested(&ioas->iova_rwsem, parent ? SINGLE_DEPTH_NESTING : 0);
	if (domain->aperture_start &&
	    interval_tree_iter_first(&ioas->areas, 0,
				     domain->aperture_start - 1)) {
		rc = -EADDRINUSE;
		goto out;
	}
	if (domain->aperture_last != U64_MAX &&
	    interval_tree_iter_first(&ioas->areas, domain->aperture_last + 1,
				     U64_MAX)) {
		rc = -EADDRINUSE;
		goto out;
	}
	for_each_area(area, &ioas->areas, 0, U64_MAX) {
		rc = iopt_area_fill(ioas, area, domain);
		if (rc)
			goto err_unfill;
	}
	domain->ioas = ioas;
	list_add_tail(&domain->ioas_item, &ioas->domains);
	goto out;

err_unfill:
	for_each_area(done, &ioas->areas, 0, U64_MAX) {
		if (done == area)
			break;
		iopt_area_unfill(ioas, done, domain);
	}
	if (domain->ops->iotlb_sync)
		domain->ops->iotlb_sync(domain);
out:
	up_write(&ioas->iova_rwsem);
	if (parent)
		up_read(&parent->iova_rwsem);
	return rc;
}

/**
 * iopt_remove_domain() - unprogram a domain and forget it
 * @ioas: the IOAS
 * @domain: the domain; no device translates through it any more
 */
void iopt_remove_domain(struct ioasid_ioas *ioas,
			struct ioasid_domain *domain)
{
	struct ioasid_ioas *parent = ioas->parent;
	struct ioasid_area *area;

	if (parent)
		down_read(&parent->iova_rwsem);
	down_write_nested(&ioas->iova_rwsem, parent ? SINGLE_DEPTH_NESTING : 0);
	for_each_area(area, &ioas->areas, 0, U64_MAX)
		iopt_area_unfill(ioas, area, domain);
	if (domain->ops->iotlb_sync)
		domain->ops->iotlb_sync(domain);
	list_del_init(&domain->ioas_item);
	up_write(&ioas->iova_rwsem);
	if (parent)
		up_read(&parent->iova_rwsem);
}
