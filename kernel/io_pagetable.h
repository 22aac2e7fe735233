/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The page-table engine: one I/O page table, its mappings (the area tree)
 * and the domains it keeps programmed.  An IOAS embeds one (ioas.h); the
 * devices attaching to it add and remove domains, reserve IOVA ranges and,
 * for software DMA, read-lock it.  Nothing here knows objects, contexts,
 * devices or policies.
 *
 * The area tree is the truth: every domain added to the table is
 * programmed from it and kept in step with every map and unmap.  Pages
 * are pinned once per mapping (not per domain) and unpinned only after
 * every domain stopped translating to them.
 */
#ifndef _IOASID_IO_PAGETABLE_H
#define _IOASID_IO_PAGETABLE_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/rbtree.h>
#include <linux/rwsem.h>
#include <linux/types.h>

#include "domain.h"

struct ioasid_iova_range;

/**
 * struct io_pagetable - an I/O page table
 * @rwsem: protects everything below, and the domains in @domains (their
 *	map/unmap, and translation by mock devices).  A nested table's areas
 *	and domains change only with its parent's rwsem held too (at least
 *	for reading), so holding the parent's for writing freezes every
 *	child's area tree and domain list.  Parent before child: see
 *	iopt_lock().
 * @areas: the mappings, by IOVA; the source of truth for every domain
 * @by_parent: nested only: the same areas by parent IOVA
 * @reserved: reserved ranges, by IOVA; may overlap
 * @domains: &struct ioasid_domain fed from @areas
 * @parent: nested only: the table its IOVAs translate into
 * @children: nested tables built on this one
 * @child_item: entry in the parent's @children
 * @pinned_counter: where the pins of this table are also counted (the
 *	owning context's counter)
 * @id: the owner's name for the table, in warnings
 * @nr_areas: number of @areas
 * @mapped_bytes: bytes in @areas
 * @pinned_pages: pages pinned for @areas
 * @alloc_hint: where the last kernel-chosen IOVA range ended; the next
 *	search starts there (only a hint: every candidate is checked)
 */
struct io_pagetable {
	struct rw_semaphore rwsem;
	struct rb_root_cached areas;
	struct rb_root_cached by_parent;
	struct rb_root_cached reserved;
	struct list_head domains;
	struct io_pagetable *parent;
	struct list_head children;
	struct list_head child_item;
	atomic64_t *pinned_counter;
	u32 id;
	unsigned int nr_areas;
	u64 mapped_bytes;
	u64 pinned_pages;
	u64 alloc_hint;
};

void iopt_init(struct io_pagetable *iopt, u32 id, atomic64_t *pinned_counter);
/* Make @child a nested table of @parent, or undo it (no mapping left). */
void iopt_link_child(struct io_pagetable *parent, struct io_pagetable *child);
void iopt_unlink_child(struct io_pagetable *child);

/*
 * The nesting order: a nested table's writer holds its parent's rwsem for
 * reading first.  Both take the table's own for writing.
 */
static inline void iopt_lock(struct io_pagetable *iopt)
{
	if (iopt->parent)
		down_read(&iopt->parent->rwsem);
	down_write_nested(&iopt->rwsem, iopt->parent ? SINGLE_DEPTH_NESTING : 0);
}

static inline void iopt_unlock(struct io_pagetable *iopt)
{
	up_write(&iopt->rwsem);
	if (iopt->parent)
		up_read(&iopt->parent->rwsem);
}

/*
 * Read access for software DMA (mock devices): while held, the domains of
 * @iopt are stable and every page they translate to stays pinned.
 */
static inline void iopt_read_lock(struct io_pagetable *iopt)
{
	down_read(&iopt->rwsem);
}

static inline void iopt_read_unlock(struct io_pagetable *iopt)
{
	up_read(&iopt->rwsem);
}

/**
 * struct iopt_reply - the caller's last word before a change becomes final
 * @fn: called under the table's lock once nothing else can fail, with the
 *	IOVA a map used or the bytes an unmap removes.  It must neither sleep
 *	nor fault (an ioctl writes its reply with page faults disabled); an
 *	error undoes the change, which then returns that error.
 * @arg: for @fn
 *
 * So a change and the reply that tells user space about it are one: no
 * thread can see a mapping whose ioctl then fails.
 */
struct iopt_reply {
	int (*fn)(void *arg, u64 value);
	void *arg;
};

/*
 * Mappings: the errnos of IOASID_IOAS_MAP and IOASID_IOAS_UNMAP.  @reply
 * may be NULL.  An unmap of everything (0 to U64_MAX) allocates nothing
 * and, without a reply, cannot fail but with -ENOENT.
 */
int iopt_map_user(struct io_pagetable *iopt, unsigned long user_va,
		  u64 length, u64 *iova, bool fixed, int prot,
		  bool allow_pfnmap, const struct iopt_reply *reply);
int iopt_map_nested(struct io_pagetable *iopt, u64 parent_iova, u64 length,
		    u64 *iova, bool fixed, int prot,
		    const struct iopt_reply *reply);
int iopt_copy(struct io_pagetable *dst, struct io_pagetable *src,
	      u64 src_iova, u64 length, u64 *iova, bool fixed, int prot,
	      const struct iopt_reply *reply);
int iopt_unmap(struct io_pagetable *iopt, u64 start, u64 last,
	       u64 *unmapped, const struct iopt_reply *reply);
int iopt_unmap_whole(struct io_pagetable *iopt, u64 start, u64 last, bool v1,
		     u64 *unmapped);
int iopt_get_allowed(struct io_pagetable *iopt,
		     struct ioasid_iova_range *ranges, u32 *nr);
int iopt_get_allowed_all(struct io_pagetable *iopt,
			 struct ioasid_iova_range **ranges, u32 *nr);

/*
 * Reserved IOVA ranges of attached devices (MSI windows and the like), by
 * owner.  Adding fails with -EADDRINUSE if a mapping overlaps the range;
 * afterwards no mapping may be made there.  Removing drops every range of
 * @owner.
 */
int iopt_reserve(struct io_pagetable *iopt, const void *owner, u64 start,
		 u64 last);
void iopt_unreserve(struct io_pagetable *iopt, const void *owner);

/*
 * Domains.  Adding checks that every mapping lies inside the domain's
 * aperture (-EADDRINUSE otherwise), restricts the allowed IOVA ranges to
 * it, and programs the domain with every mapping (for a nested table: the
 * composition through its parent).  All or nothing.  Removing unmaps
 * everything from the domain (with iotlb_sync) and lifts the aperture
 * restriction; the caller then frees the domain.  Finding returns a domain
 * of @owner (an IOMMU) with a users reference taken, or NULL.
 */
int iopt_add_domain(struct io_pagetable *iopt, struct ioasid_domain *domain);
void iopt_remove_domain(struct io_pagetable *iopt,
			struct ioasid_domain *domain);
struct ioasid_domain *iopt_find_domain(struct io_pagetable *iopt,
				       const void *owner);

/**
 * struct iopt_info - a table as introspection shows it
 * @nr_children: nested tables built on it
 * @nr_domains: domains it programs
 * @nr_mappings: mappings (areas)
 * @mapped_bytes: bytes mapped
 * @pinned_pages: pages pinned for it (0 for a nested table)
 * @pgsize_bitmap: page sizes every domain can map (0 without domains)
 * @coherent: every domain enforces cache coherency (false without any)
 */
struct iopt_info {
	u32 nr_children;
	u32 nr_domains;
	u32 nr_mappings;
	u64 mapped_bytes;
	u64 pinned_pages;
	unsigned long pgsize_bitmap;
	bool coherent;
};

/**
 * struct iopt_mapping - one mapping
 * @iova: first IOVA
 * @length: bytes
 * @source: user VA (paging) or parent IOVA (nested)
 * @prot: IOASID_PROT_READ / IOASID_PROT_WRITE
 */
struct iopt_mapping {
	u64 iova;
	u64 length;
	u64 source;
	int prot;
};

/* Introspection, under the table's rwsem for reading. */
void iopt_get_info(struct io_pagetable *iopt, struct iopt_info *info);
/*
 * Calls @fn for each mapping from @start_iova on (a mapping containing it
 * counts), in IOVA order, until @fn returns non-zero, which is then
 * returned (0 after the last one).
 */
int iopt_walk_mappings(struct io_pagetable *iopt, u64 start_iova,
		       int (*fn)(const struct iopt_mapping *m, void *arg),
		       void *arg);

/* Module-wide pinned page count, each page once (IOASID_TEST_STATS). */
u64 ioasid_pinned_pages(void);

/*
 * The pinned pages of one mm, shared by every mapping made by it
 * (mm_pins.c).  A context holds its opener's, to say what is charged.
 */
struct ioasid_mm_pins;
struct mm_struct;
struct ioasid_mm_pins *ioasid_mm_pins_get(struct mm_struct *mm);
void ioasid_mm_pins_put(struct ioasid_mm_pins *mp);
unsigned long ioasid_mm_pins_charged(const struct ioasid_mm_pins *mp);

#endif /* _IOASID_IO_PAGETABLE_H */
