// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's core: the area tree of an I/O page table, its IOVA space
 * (allowed and reserved ranges, IOVA allocation), map and unmap, and the
 * domains fed from it.  Pinning and programming PFNs are pages.c,
 * software nesting nest.c.
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
 * Failing to program a domain again after a cut (out of memory while
 * allocating page-table pages) cannot fail the unmap, whose purpose is to
 * remove translations: the page tables come from __GFP_NOFAIL
 * (IOPT_GFP_RESTORE).
 */
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <uapi/linux/ioasid.h>

#include "domain.h"
#include "iopt_area.h"

/**
 * iopt_init() - an empty table
 * @iopt: the table, zeroed
 * @id: the owner's name for it, in warnings
 * @pinned_counter: where its pins are counted besides the module's total
 */
void iopt_init(struct io_pagetable *iopt, u32 id, atomic64_t *pinned_counter)
{
	init_rwsem(&iopt->rwsem);
	iopt->areas = RB_ROOT_CACHED;
	iopt->by_parent = RB_ROOT_CACHED;
	iopt->reserved = RB_ROOT_CACHED;
	INIT_LIST_HEAD(&iopt->domains);
	INIT_LIST_HEAD(&iopt->children);
	INIT_LIST_HEAD(&iopt->child_item);
	iopt->id = id;
	iopt->pinned_counter = pinned_counter;
}

/**
 * iopt_link_child() - make @child a nested table of @parent
 * @parent: a paging table
 * @child: an empty table
 */
void iopt_link_child(struct io_pagetable *parent, struct io_pagetable *child)
{
	child->parent = parent;
	down_write(&parent->rwsem);
	list_add_tail(&child->child_item, &parent->children);
	up_write(&parent->rwsem);
}

/**
 * iopt_unlink_child() - undo iopt_link_child()
 * @child: the nested table, with no mapping and no domain left
 */
void iopt_unlink_child(struct io_pagetable *child)
{
	struct io_pagetable *parent = child->parent;

	WARN_ON(child->nr_areas || !list_empty(&child->domains));
	down_write(&parent->rwsem);
	list_del_init(&child->child_item);
	up_write(&parent->rwsem);
	child->parent = NULL;
}

/* --- programming every domain ------------------------------------------- */

static int iopt_area_fill(struct io_pagetable *iopt, struct ioasid_area *area,
			  struct ioasid_domain *domain)
{
	if (iopt->parent)
		return iopt_child_area_fill(iopt, area, domain,
					    GFP_KERNEL_ACCOUNT);
	return iopt_area_map_range(area, domain, area_start(area),
				   area_last(area), GFP_KERNEL_ACCOUNT);
}

static void iopt_area_unfill(struct io_pagetable *iopt,
			     struct ioasid_area *area,
			     struct ioasid_domain *domain)
{
	if (iopt->parent)
		iopt_child_area_unfill(iopt, area, domain);
	else
		domain->ops->unmap(domain, area_start(area), area_length(area));
}

void iopt_sync_domains(struct io_pagetable *iopt)
{
	struct ioasid_domain *domain;

	list_for_each_entry(domain, &iopt->domains, iopt_item)
		if (domain->ops->iotlb_sync)
			domain->ops->iotlb_sync(domain);
}

/* Take @area out of the domains of @iopt before @stop (NULL: all). */
static void iopt_area_unfill_until(struct io_pagetable *iopt,
				   struct ioasid_area *area,
				   struct ioasid_domain *stop)
{
	struct ioasid_domain *done;

	list_for_each_entry(done, &iopt->domains, iopt_item) {
		if (done == stop)
			break;
		iopt_area_unfill(iopt, area, done);
	}
	iopt_sync_domains(iopt);
}

/* Program @area into every domain of @iopt.  All or nothing. */
static int iopt_area_fill_all(struct io_pagetable *iopt,
			      struct ioasid_area *area)
{
	struct ioasid_domain *domain;
	int rc;

	lockdep_assert_held_write(&iopt->rwsem);

	list_for_each_entry(domain, &iopt->domains, iopt_item) {
		rc = iopt_area_fill(iopt, area, domain);
		if (rc) {
			iopt_area_unfill_until(iopt, area, domain);
			return rc;
		}
	}
	return 0;
}

/* --- allowed IOVA ------------------------------------------------------- */

struct ioasid_reserved {
	struct interval_tree_node node;
	const void *owner;
};

/* The intersection of the apertures of every domain. */
static void iopt_aperture(struct io_pagetable *iopt, u64 *start, u64 *last)
{
	struct ioasid_domain *domain;

	lockdep_assert_held(&iopt->rwsem);

	*start = 0;
	*last = U64_MAX;
	list_for_each_entry(domain, &iopt->domains, iopt_item) {
		*start = max(*start, domain->aperture_start);
		*last = min(*last, domain->aperture_last);
	}
}

/*
 * May [start, last] be mapped?  -EEXIST if a mapping is there already,
 * -EADDRINUSE if it leaves the allowed ranges.
 */
static int iopt_check_free(struct io_pagetable *iopt, u64 start, u64 last)
{
	u64 ap_start, ap_last;

	lockdep_assert_held(&iopt->rwsem);

	if (interval_tree_iter_first(&iopt->areas, start, last))
		return -EEXIST;
	iopt_aperture(iopt, &ap_start, &ap_last);
	if (start < ap_start || last > ap_last ||
	    interval_tree_iter_first(&iopt->reserved, start, last))
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
static int iopt_alloc_iova(struct io_pagetable *iopt, u64 source, u64 length,
			   u64 *iova)
{
	u64 align = max_t(u64, PAGE_SIZE,
			  min_t(u64, SZ_1G, rounddown_pow_of_two(length)));
	u64 offset = source & (align - 1);
	struct interval_tree_node *node;
	u64 ap_start, ap_last, cur, last, from;
	bool wrapped = false;

	iopt_aperture(iopt, &ap_start, &ap_last);
	from = max_t(u64, ap_start, PAGE_SIZE);
	/*
	 * First fit from where the last allocation ended, then from the
	 * bottom: a space filled from the bottom is not walked again at every
	 * allocation.
	 */
	cur = iopt_next_iova(max(from, iopt->alloc_hint), align, offset);
	for (;;) {
		if (!cur || check_add_overflow(cur, length - 1, &last) ||
		    last > ap_last) {
			if (wrapped || iopt->alloc_hint <= from)
				return -ENOSPC;
			wrapped = true;
			cur = iopt_next_iova(from, align, offset);
			continue;
		}
		/* Past the hint again: the bottom part has no room. */
		if (wrapped && cur >= iopt->alloc_hint)
			return -ENOSPC;
		node = interval_tree_iter_first(&iopt->areas, cur, last);
		if (!node)
			node = interval_tree_iter_first(&iopt->reserved, cur,
							last);
		if (!node) {
			*iova = cur;
			iopt->alloc_hint = last == U64_MAX ? 0 : last + 1;
			return 0;
		}
		if (node->last == U64_MAX)
			cur = 0;
		else
			cur = iopt_next_iova((u64)node->last + 1, align, offset);
	}
}

/**
 * iopt_get_allowed() - the allowed IOVA ranges
 * @iopt: the IOAS
 * @ranges: out: up to *@nr ranges (may be NULL when *@nr is 0)
 * @nr: in: room in @ranges; out: ranges there are
 *
 * Return: 0, or -EMSGSIZE if @ranges was too small (*@nr still set).
 */
int iopt_get_allowed(struct io_pagetable *iopt,
		     struct ioasid_iova_range *ranges, u32 *nr)
{
	struct interval_tree_node *node;
	u64 ap_start, ap_last, cur;
	bool end = false;
	u32 n = 0;

	down_read(&iopt->rwsem);
	iopt_aperture(iopt, &ap_start, &ap_last);
	cur = ap_start;
	for (node = interval_tree_iter_first(&iopt->reserved, ap_start,
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
	up_read(&iopt->rwsem);
	if (n > *nr) {
		*nr = n;
		return -EMSGSIZE;
	}
	*nr = n;
	return 0;
}

/**
 * iopt_get_allowed_all() - every allowed IOVA range, in a new array
 * @iopt: the IOAS
 * @ranges: out: the ranges, for kfree() (NULL when there are none)
 * @nr: out: how many
 *
 * Devices may attach in between: the array is sized until it fits.
 *
 * Return: 0 or -ENOMEM.
 */
int iopt_get_allowed_all(struct io_pagetable *iopt,
			 struct ioasid_iova_range **ranges, u32 *nr)
{
	u32 room = 0;
	int rc;

	*ranges = NULL;
	for (;;) {
		*nr = room;
		rc = iopt_get_allowed(iopt, *ranges, nr);
		if (rc != -EMSGSIZE)
			return rc;
		kfree(*ranges);
		room = *nr;
		*ranges = kcalloc(room, sizeof(**ranges), GFP_KERNEL);
		if (!*ranges)
			return -ENOMEM;
	}
}

/**
 * iopt_reserve() - exclude [@start, @last] from mappings
 * @iopt: the IOAS
 * @owner: whose range it is
 * @start: first IOVA
 * @last: last IOVA
 *
 * Return: 0, -EADDRINUSE if a mapping is there, -ENOMEM.
 */
int iopt_reserve(struct io_pagetable *iopt, const void *owner, u64 start,
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
	down_write(&iopt->rwsem);
	if (interval_tree_iter_first(&iopt->areas, start, last))
		rc = -EADDRINUSE;
	else
		interval_tree_insert(&resv->node, &iopt->reserved);
	up_write(&iopt->rwsem);
	if (rc)
		kfree(resv);
	return rc;
}

/**
 * iopt_unreserve() - drop every reserved range of @owner
 * @iopt: the IOAS
 * @owner: whose ranges
 */
void iopt_unreserve(struct io_pagetable *iopt, const void *owner)
{
	struct interval_tree_node *node, *next;
	struct ioasid_reserved *resv;

	down_write(&iopt->rwsem);
	for (node = interval_tree_iter_first(&iopt->reserved, 0, U64_MAX);
	     node; node = next) {
		next = interval_tree_iter_next(node, 0, U64_MAX);
		resv = container_of(node, struct ioasid_reserved, node);
		if (resv->owner != owner)
			continue;
		interval_tree_remove(node, &iopt->reserved);
		kfree(resv);
	}
	up_write(&iopt->rwsem);
}

/* --- map ---------------------------------------------------------------- */

static void iopt_insert_area(struct io_pagetable *iopt,
			     struct ioasid_area *area)
{
	lockdep_assert_held_write(&iopt->rwsem);
	interval_tree_insert(&area->node, &iopt->areas);
	if (iopt->parent)
		interval_tree_insert(&area->pnode, &iopt->by_parent);
	iopt->nr_areas++;
	iopt->mapped_bytes += area_length(area);
}

static void iopt_remove_area(struct io_pagetable *iopt,
			     struct ioasid_area *area)
{
	lockdep_assert_held_write(&iopt->rwsem);
	interval_tree_remove(&area->node, &iopt->areas);
	if (iopt->parent)
		interval_tree_remove(&area->pnode, &iopt->by_parent);
	iopt->nr_areas--;
	iopt->mapped_bytes -= area_length(area);
}

/*
 * Place a new area at the fixed @iova, or at a free one picked for it.
 * Called with rwsem held for writing.
 */
static int iopt_place(struct io_pagetable *iopt, struct ioasid_area *area,
		      u64 source, u64 length, u64 *iova, bool fixed)
{
	int rc;

	lockdep_assert_held_write(&iopt->rwsem);

	if (fixed)
		rc = iopt_check_free(iopt, *iova, *iova + length - 1);
	else
		rc = iopt_alloc_iova(iopt, source, length, iova);
	if (rc)
		return rc;
	area->node.start = *iova;
	area->node.last = *iova + length - 1;
	return 0;
}

/**
 * iopt_add_area() - place and program a new area
 * @iopt: the table, locked with iopt_lock()
 * @area: the area, backing set, not in the tree
 * @source: where it is backed (user VA or parent IOVA), for the alignment
 *	of a kernel-chosen IOVA
 * @length: bytes
 * @iova: in: the IOVA with @fixed; out: the IOVA used
 * @fixed: map at *@iova
 * @reply: told *@iova before the area enters the tree, or NULL
 *
 * Return: 0 with @area in the tree and every domain, or the errno of
 * IOASID_IOAS_MAP (or of @reply) with nothing changed.
 */
int iopt_add_area(struct io_pagetable *iopt, struct ioasid_area *area,
		  u64 source, u64 length, u64 *iova, bool fixed,
		  const struct iopt_reply *reply)
{
	int rc;

	rc = iopt_place(iopt, area, source, length, iova, fixed);
	if (rc)
		return rc;
	rc = iopt_area_fill_all(iopt, area);
	if (rc)
		return rc;
	if (reply) {
		rc = reply->fn(reply->arg, *iova);
		if (rc) {
			iopt_area_unfill_until(iopt, area, NULL);
			return rc;
		}
	}
	iopt_insert_area(iopt, area);
	return 0;
}

/**
 * iopt_map_user() - map user memory into a paging table
 * @iopt: the table
 * @user_va: page-aligned start of the memory
 * @length: page-aligned bytes, not wrapping
 * @iova: in: the IOVA with @fixed; out: the IOVA used
 * @fixed: map at *@iova
 * @prot: IOASID_PROT_*
 * @allow_pfnmap: VM_PFNMAP memory may be mapped (see pages.c)
 * @reply: see struct iopt_reply, or NULL
 *
 * Return: 0 or the errno of IOASID_IOAS_MAP (or of @reply); nothing is
 * left behind on error.
 */
int iopt_map_user(struct io_pagetable *iopt, unsigned long user_va,
		  u64 length, u64 *iova, bool fixed, int prot,
		  bool allow_pfnmap, const struct iopt_reply *reply)
{
	struct ioasid_pages *pages;
	struct ioasid_area *area;
	int rc;

	area = kzalloc(sizeof(*area), GFP_KERNEL_ACCOUNT);
	if (!area)
		return -ENOMEM;
	/* Pin outside the lock: faulting pages in may take long. */
	pages = ioasid_pages_pin(iopt->pinned_counter, user_va,
				 length >> PAGE_SHIFT, prot & IOASID_PROT_WRITE,
				 allow_pfnmap);
	if (IS_ERR(pages)) {
		kfree(area);
		return PTR_ERR(pages);
	}
	area->pages = pages;
	area->prot = prot;

	iopt_lock(iopt);
	rc = iopt_add_area(iopt, area, user_va, length, iova, fixed, reply);
	if (rc)
		goto err_unlock;
	if (!ioasid_pages_is_pfnmap(pages))
		iopt->pinned_pages += pages->npages;
	/* Nested mappings waiting on this range become translated. */
	iopt_children_fill_new(iopt, area);
	iopt_unlock(iopt);
	return 0;

err_unlock:
	iopt_unlock(iopt);
	ioasid_pages_unpin(pages, 0, pages->npages);
	ioasid_pages_put(pages);
	kfree(area);
	return rc;
}

/* --- copy --------------------------------------------------------------- */

/* Pieces of a copy that never entered a tree: give up and free them. */
static void iopt_copy_free(struct list_head *pieces)
{
	struct ioasid_area *piece, *next;

	list_for_each_entry_safe(piece, next, pieces, free_item) {
		ioasid_pages_unpin(piece->pages, piece->page_index,
				   area_length(piece) >> PAGE_SHIFT);
		ioasid_pages_put(piece->pages);
		kfree(piece);
	}
}

/*
 * The areas of @src over [start, last], clipped to it, as new areas that
 * share their pages (one user more each) on @pieces; their IOVA ranges are
 * offsets from @start.  Every byte must be mapped with at least @prot.
 */
static int iopt_copy_collect(struct io_pagetable *src, u64 start, u64 last,
			     int prot, struct list_head *pieces, u64 *source)
{
	struct ioasid_area *area, *piece;
	u64 pos = start;
	int rc = -ENOENT;

	down_read(&src->rwsem);
	for_each_area(area, &src->areas, start, last) {
		u64 from = max(start, area_start(area));
		u64 to = min(last, area_last(area));

		if (from != pos) {
			rc = -ENOENT;	/* a hole */
			break;
		}
		if ((area->prot & prot) != prot) {
			rc = -EACCES;
			break;
		}
		piece = kzalloc(sizeof(*piece), GFP_KERNEL_ACCOUNT);
		if (!piece) {
			rc = -ENOMEM;
			break;
		}
		piece->pages = area->pages;
		kref_get(&piece->pages->ref);
		piece->page_index = area->page_index +
				    ((from - area_start(area)) >> PAGE_SHIFT);
		piece->prot = prot;
		piece->node.start = from - start;
		piece->node.last = to - start;
		if (ioasid_pages_share(piece->pages, piece->page_index,
				       (to - from + 1) >> PAGE_SHIFT)) {
			ioasid_pages_put(piece->pages);
			kfree(piece);
			rc = -ENOMEM;
			break;
		}
		if (list_empty(pieces))
			*source = piece->pages->user_va +
				  (piece->page_index << PAGE_SHIFT);
		list_add_tail(&piece->free_item, pieces);
		if (to == last) {
			rc = 0;
			break;
		}
		pos = to + 1;
	}
	up_read(&src->rwsem);
	return rc;
}

/**
 * iopt_copy() - map into @dst what [@src_iova, +@length) of @src maps
 * @dst: a paging table
 * @src: a paging table (may be @dst)
 * @src_iova: page-aligned start in @src, mapped in full
 * @length: page-aligned bytes, not wrapping
 * @iova: in: the IOVA with @fixed; out: the IOVA used
 * @fixed: map at *@iova
 * @prot: IOASID_PROT_*; every source mapping must allow it
 * @reply: see struct iopt_reply, or NULL
 *
 * Shares the source's pinned pages: nothing is pinned or charged, and the
 * copy keeps them pinned when the source range is unmapped.  The source
 * is read under its own lock and let go before @dst is locked (so @src may
 * be @dst): what is copied is the source as it was then.
 *
 * Return: 0 or the errno of IOASID_IOAS_COPY (or of @reply); nothing is
 * left behind on error.
 */
int iopt_copy(struct io_pagetable *dst, struct io_pagetable *src,
	      u64 src_iova, u64 length, u64 *iova, bool fixed, int prot,
	      const struct iopt_reply *reply)
{
	struct ioasid_area *piece, *done;
	LIST_HEAD(pieces);
	u64 source = 0;
	int rc;

	if (dst->parent || src->parent)
		return -EINVAL;
	rc = iopt_copy_collect(src, src_iova, src_iova + length - 1, prot,
			       &pieces, &source);
	if (rc)
		goto err_free;

	iopt_lock(dst);
	if (fixed)
		rc = iopt_check_free(dst, *iova, *iova + length - 1);
	else
		rc = iopt_alloc_iova(dst, source, length, iova);
	if (rc)
		goto err_unlock;
	list_for_each_entry(piece, &pieces, free_item) {
		piece->node.start += *iova;
		piece->node.last += *iova;
		rc = iopt_area_fill_all(dst, piece);
		if (rc)
			goto err_unfill;
	}
	if (reply) {
		rc = reply->fn(reply->arg, *iova);
		if (rc) {
			piece = NULL;	/* every piece is filled */
			goto err_unfill;
		}
	}
	list_for_each_entry(piece, &pieces, free_item) {
		iopt_insert_area(dst, piece);
		if (!ioasid_pages_is_pfnmap(piece->pages))
			dst->pinned_pages += area_length(piece) >> PAGE_SHIFT;
		iopt_children_fill_new(dst, piece);
	}
	iopt_unlock(dst);
	return 0;

err_unfill:
	list_for_each_entry(done, &pieces, free_item) {
		if (done == piece)
			break;
		iopt_area_unfill_until(dst, done, NULL);
	}
err_unlock:
	iopt_unlock(dst);
err_free:
	iopt_copy_free(&pieces);
	return rc;
}

/* --- unmap -------------------------------------------------------------- */

/*
 * Shrink @area to [start, last] (a part of it), in the trees.  Paging: the
 * pages outside stay pinned until the caller unpins them.
 */
static void iopt_area_trim(struct io_pagetable *iopt, struct ioasid_area *area,
			   u64 start, u64 last)
{
	u64 skip = start - area_start(area);

	lockdep_assert_held_write(&iopt->rwsem);

	iopt_remove_area(iopt, area);
	area->page_index += skip >> PAGE_SHIFT;
	area->pnode.start += skip;
	area->pnode.last = area->pnode.start + (last - start);
	area->node.start = start;
	area->node.last = last;
	iopt_insert_area(iopt, area);
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
static void iopt_area_free(struct io_pagetable *iopt, struct ioasid_area *area)
{
	lockdep_assert_held_write(&iopt->rwsem);
	if (area->pages) {
		unsigned long npages = area_length(area) >> PAGE_SHIFT;

		iopt->pinned_pages -= ioasid_pages_unpin(area->pages,
							 area->page_index,
							 npages);
		ioasid_pages_put(area->pages);
	}
	kfree(area);
}

/*
 * Take [cut_start, cut_last] out of @area, which straddles it: what is
 * left stays in the tree (as @area, and @spare for the tail of a middle
 * cut).  Returns the piece cut out, which is not in the tree, in @cut.
 */
static void iopt_area_split(struct io_pagetable *iopt, struct ioasid_area *area,
			    u64 cut_start, u64 cut_last,
			    struct ioasid_area **spare, struct ioasid_area *cut)
{
	lockdep_assert_held_write(&iopt->rwsem);
	*cut = *area;
	cut->page_index += (cut_start - area_start(area)) >> PAGE_SHIFT;
	cut->node.start = cut_start;
	cut->node.last = cut_last;

	if (cut_start > area_start(area) && cut_last < area_last(area)) {
		iopt_area_tail(area, cut_last, *spare);
		iopt_area_trim(iopt, area, area_start(area), cut_start - 1);
		iopt_insert_area(iopt, *spare);
		if (iopt->parent)
			iopt_child_refill(iopt, *spare);
		*spare = NULL;
	} else if (cut_start > area_start(area)) {
		iopt_area_trim(iopt, area, area_start(area), cut_start - 1);
	} else {
		iopt_area_trim(iopt, area, cut_last + 1, area_last(area));
	}
	if (iopt->parent)
		iopt_child_refill(iopt, area);
}

static int iopt_unmap_locked(struct io_pagetable *iopt, u64 start, u64 last,
			     u64 *unmapped, const struct iopt_reply *reply,
			     struct ioasid_area **spare);

/**
 * iopt_unmap() - remove every mapping in [@start, @last]
 * @iopt: the table
 * @start: first IOVA, page-aligned
 * @last: last IOVA, page-aligned minus one
 * @unmapped: out: bytes that were mapped
 * @reply: told *@unmapped before anything changes, or NULL
 *
 * Areas that straddle either end are cut; the part outside stays.
 *
 * Return: 0, -ENOENT if nothing was mapped there, -ENOMEM, or the error of
 * @reply (nothing changed on error).
 */
int iopt_unmap(struct io_pagetable *iopt, u64 start, u64 last,
	       u64 *unmapped, const struct iopt_reply *reply)
{
	struct ioasid_area *spare = NULL, *area;
	int rc;

	/*
	 * Only a cut on both sides of one area leaves one area more: the
	 * spare it needs is allocated outside the lock, and only then (most
	 * unmaps, and every unmap of everything, allocate nothing).
	 */
	iopt_lock(iopt);
	while ((area = iopt_area_iter_first(&iopt->areas, start, start)) &&
	       area_start(area) < start && area_last(area) > last && !spare) {
		iopt_unlock(iopt);
		spare = kzalloc(sizeof(*spare), GFP_KERNEL_ACCOUNT);
		if (!spare)
			return -ENOMEM;
		iopt_lock(iopt);
	}
	rc = iopt_unmap_locked(iopt, start, last, unmapped, reply, &spare);
	iopt_unlock(iopt);
	kfree(spare);
	return rc;
}

/**
 * iopt_unmap_whole() - remove whole mappings only, as VFIO type1 does
 * @iopt: a paging table
 * @start: first IOVA, page-aligned
 * @last: last IOVA, page-aligned minus one
 * @v1: the rules of VFIO_TYPE1_IOMMU: every mapping that starts inside the
 *	range goes whole, even past @last, but one that starts before
 *	@start ends the walk before anything is removed.  Else those of
 *	VFIO_TYPE1v2_IOMMU: a mapping cut by either end fails the call.
 * @unmapped: out: bytes removed (0 when nothing was)
 *
 * Return: 0, or -EINVAL (v2) when an end of the range cuts a mapping.
 */
int iopt_unmap_whole(struct io_pagetable *iopt, u64 start, u64 last, bool v1,
		     u64 *unmapped)
{
	struct ioasid_area *area, *first;
	u64 end = last;
	int rc = 0;

	*unmapped = 0;
	iopt_lock(iopt);
	first = iopt_area_iter_first(&iopt->areas, start, last);
	if (!first)
		goto out;
	if (v1) {
		if (area_start(first) < start)
			goto out;
		for_each_area(area, &iopt->areas, start, last)
			end = max_t(u64, end, area_last(area));
	} else {
		area = iopt_area_iter_first(&iopt->areas, last, last);
		if (area_start(first) < start ||
		    (area && area_last(area) != last)) {
			rc = -EINVAL;
			goto out;
		}
	}
	/* Nothing is cut, so nothing is allocated: the walk cannot fail. */
	rc = iopt_unmap_locked(iopt, start, end, unmapped, NULL, NULL);
	WARN_ON(rc);
out:
	iopt_unlock(iopt);
	return rc;
}

/*
 * iopt_unmap() under the lock.  @spare: a free area for a cut on both
 * sides of one area (taken, set to NULL, if used); NULL if nothing is cut.
 */
static int iopt_unmap_locked(struct io_pagetable *iopt, u64 start, u64 last,
			     u64 *unmapped, const struct iopt_reply *reply,
			     struct ioasid_area **spare)
{
	struct io_pagetable *parent = iopt->parent;
	struct ioasid_area *area, *next;
	/* Only the first and the last area can be cut rather than removed. */
	struct ioasid_area cuts[2];
	struct ioasid_domain *domain;
	u64 hull_start, hull_last;
	unsigned int nr_cuts = 0, i;
	LIST_HEAD(dead);
	int rc;

	lockdep_assert_held_write(&iopt->rwsem);
	area = iopt_area_iter_first(&iopt->areas, start, last);
	if (!area)
		return -ENOENT;
	/* Every area touched, whole: what nested children must redo. */
	hull_start = area_start(area);
	hull_last = hull_start;
	*unmapped = 0;
	for_each_area(next, &iopt->areas, start, last) {
		hull_last = area_last(next);
		*unmapped += min_t(u64, last, area_last(next)) -
			     max_t(u64, start, area_start(next)) + 1;
	}
	if (reply) {
		rc = reply->fn(reply->arg, *unmapped);
		if (rc)
			return rc;
	}
	if (!parent)
		iopt_children_recompose(iopt, hull_start, hull_last, false);

	for (; area; area = next) {
		u64 cut_start = max_t(u64, start, area_start(area));
		u64 cut_last = min_t(u64, last, area_last(area));
		bool whole = cut_start == area_start(area) &&
			     cut_last == area_last(area);

		next = iopt_area_iter_next(area, start, last);

		/* Out of every domain first, unpinned only after the sync. */
		list_for_each_entry(domain, &iopt->domains, iopt_item) {
			if (parent)
				iopt_child_area_unfill(iopt, area, domain);
			else if (whole)
				domain->ops->unmap(domain, area_start(area),
						   area_length(area));
			else
				iopt_domain_cut(area, domain, cut_start,
						cut_last);
		}
		if (whole) {
			iopt_remove_area(iopt, area);
			list_add_tail(&area->free_item, &dead);
		} else {
			if (WARN_ON(nr_cuts == ARRAY_SIZE(cuts) || !spare))
				break;
			iopt_area_split(iopt, area, cut_start, cut_last,
					spare, &cuts[nr_cuts++]);
		}
	}
	iopt_sync_domains(iopt);

	for (i = 0; i < nr_cuts; i++)
		if (cuts[i].pages) {
			unsigned long npages = (cuts[i].node.last -
						cuts[i].node.start + 1) >>
					       PAGE_SHIFT;

			iopt->pinned_pages -=
				ioasid_pages_unpin(cuts[i].pages,
						   cuts[i].page_index, npages);
		}
	list_for_each_entry_safe(area, next, &dead, free_item)
		iopt_area_free(iopt, area);
	if (!parent)
		iopt_children_recompose(iopt, hull_start, hull_last, true);
	return 0;
}

/* --- domains ------------------------------------------------------------ */

/**
 * iopt_add_domain() - program a new domain from every area
 * @iopt: the table
 * @domain: the domain, empty
 *
 * Return: 0, -EADDRINUSE if a mapping lies outside the domain's aperture,
 * or the domain's map error (nothing is left mapped then).
 */
int iopt_add_domain(struct io_pagetable *iopt, struct ioasid_domain *domain)
{
	struct ioasid_area *area, *done;
	int rc = 0;

	iopt_lock(iopt);
	if (domain->aperture_start &&
	    interval_tree_iter_first(&iopt->areas, 0,
				     domain->aperture_start - 1)) {
		rc = -EADDRINUSE;
		goto out;
	}
	if (domain->aperture_last != U64_MAX &&
	    interval_tree_iter_first(&iopt->areas, domain->aperture_last + 1,
				     U64_MAX)) {
		rc = -EADDRINUSE;
		goto out;
	}
	for_each_area(area, &iopt->areas, 0, U64_MAX) {
		rc = iopt_area_fill(iopt, area, domain);
		if (rc)
			goto err_unfill;
	}
	domain->iopt = iopt;
	list_add_tail(&domain->iopt_item, &iopt->domains);
	goto out;

err_unfill:
	for_each_area(done, &iopt->areas, 0, U64_MAX) {
		if (done == area)
			break;
		iopt_area_unfill(iopt, done, domain);
	}
	if (domain->ops->iotlb_sync)
		domain->ops->iotlb_sync(domain);
out:
	iopt_unlock(iopt);
	return rc;
}

/**
 * iopt_remove_domain() - unprogram a domain and forget it
 * @iopt: the table
 * @domain: the domain; no device translates through it any more
 */
void iopt_remove_domain(struct io_pagetable *iopt,
			struct ioasid_domain *domain)
{
	struct ioasid_area *area;

	iopt_lock(iopt);
	for_each_area(area, &iopt->areas, 0, U64_MAX)
		iopt_area_unfill(iopt, area, domain);
	if (domain->ops->iotlb_sync)
		domain->ops->iotlb_sync(domain);
	list_del_init(&domain->iopt_item);
	iopt_unlock(iopt);
}

/**
 * iopt_find_domain() - a domain the table feeds for an IOMMU
 * @iopt: the table
 * @owner: the IOMMU (&ioasid_domain.owner)
 *
 * Return: the domain with a users reference, or NULL.
 */
struct ioasid_domain *iopt_find_domain(struct io_pagetable *iopt,
				       const void *owner)
{
	struct ioasid_domain *domain, *found = NULL;

	down_read(&iopt->rwsem);
	list_for_each_entry(domain, &iopt->domains, iopt_item) {
		if (domain->owner == owner &&
		    refcount_inc_not_zero(&domain->users)) {
			found = domain;
			break;
		}
	}
	up_read(&iopt->rwsem);
	return found;
}

/* --- introspection ------------------------------------------------------ */

/**
 * iopt_get_info() - a snapshot of a table
 * @iopt: the table
 * @info: out
 */
void iopt_get_info(struct io_pagetable *iopt, struct iopt_info *info)
{
	struct ioasid_domain *domain;
	struct io_pagetable *child;

	memset(info, 0, sizeof(*info));
	down_read(&iopt->rwsem);
	list_for_each_entry(child, &iopt->children, child_item)
		info->nr_children++;
	info->pgsize_bitmap = ULONG_MAX;
	info->coherent = true;
	list_for_each_entry(domain, &iopt->domains, iopt_item) {
		info->nr_domains++;
		info->pgsize_bitmap &= domain->pgsize_bitmap;
		info->coherent &= domain->coherent;
	}
	if (!info->nr_domains) {
		info->pgsize_bitmap = 0;
		info->coherent = false;
	}
	info->nr_mappings = iopt->nr_areas;
	info->mapped_bytes = iopt->mapped_bytes;
	info->pinned_pages = iopt->pinned_pages;
	up_read(&iopt->rwsem);
}

/**
 * iopt_walk_mappings() - call @fn for each mapping from @start_iova
 * @iopt: the table
 * @start_iova: first IOVA of interest (a mapping containing it counts)
 * @fn: called in IOVA order; a non-zero return stops the walk
 * @arg: passed to @fn
 *
 * Return: what @fn returned last (0 after the last mapping).
 */
int iopt_walk_mappings(struct io_pagetable *iopt, u64 start_iova,
		       int (*fn)(const struct iopt_mapping *m, void *arg),
		       void *arg)
{
	struct iopt_mapping m;
	struct ioasid_area *area;
	int rc = 0;

	down_read(&iopt->rwsem);
	for_each_area(area, &iopt->areas, start_iova, U64_MAX) {
		m.iova = area_start(area);
		m.length = area_length(area);
		m.source = area->pages ? area->pages->user_va +
			   (area->page_index << PAGE_SHIFT) : area->pnode.start;
		m.prot = area->prot;
		rc = fn(&m, arg);
		if (rc)
			break;
	}
	up_read(&iopt->rwsem);
	return rc;
}
