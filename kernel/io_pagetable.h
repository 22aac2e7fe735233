/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the engine (ioas.c, io_pagetable.c, pages.c): the IOAS object, its
 * areas and the pinned pages behind them.  The rest of the module sees only
 * ioas.h.
 */
#ifndef _IOASID_IO_PAGETABLE_H
#define _IOASID_IO_PAGETABLE_H

#include <linux/interval_tree.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/rwsem.h>

#include "ioas.h"

struct mm_struct;
struct page;

/**
 * struct ioasid_pages - user pages pinned for one IOASID_IOAS_MAP
 * @ref: one per area using the pages; a partial unmap splits an area into
 *	pieces that share them
 * @ctx: the context whose counters the pins are added to
 * @mm: the mm charged (locked_vm) for the pins, grabbed for the uncharge
 * @user_va: first user address
 * @npages: length of @pages
 * @writable: pinned with FOLL_WRITE (and dirtied when unpinned)
 * @pages: the pinned pages; each area unpins its own slice when it goes
 */
struct ioasid_pages {
	struct kref ref;
	struct ioasid_ctx *ctx;
	struct mm_struct *mm;
	unsigned long user_va;
	unsigned long npages;
	bool writable;
	struct page **pages;
};

struct ioasid_pages *ioasid_pages_pin(struct ioasid_ctx *ctx,
				      unsigned long user_va,
				      unsigned long npages, bool writable);
void ioasid_pages_unpin(struct ioasid_pages *pages, unsigned long index,
			unsigned long npages);
void ioasid_pages_put(struct ioasid_pages *pages);

/**
 * struct ioasid_area - one mapping: a range of IOVA and what backs it
 * @node: the IOVA range, in &ioasid_ioas.areas
 * @pnode: nested IOAS only: the parent IOVA range, in &ioasid_ioas.by_parent
 * @pages: paging IOAS only: the pinned pages (a reference)
 * @page_index: paging IOAS only: index in @pages of the page at node.start
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

/**
 * struct ioasid_ioas - an I/O address space
 * @obj: the object in its context's table
 * @iova_rwsem: protects everything below, and the domains in @domains
 *	(their map/unmap, and translation by mock devices).  A nested IOAS's
 *	areas and domains change only with its parent's iova_rwsem held too
 *	(at least for reading), so holding the parent's for writing freezes
 *	every child's area tree and domain list.  Parent before child.
 * @areas: the mappings, by IOVA; the source of truth for every domain
 * @by_parent: nested IOAS only: the same areas by parent IOVA
 * @reserved: reserved ranges (&struct ioasid_reserved), by IOVA; may overlap
 * @domains: &struct ioasid_domain fed from @areas
 * @parent: nested IOAS only: the parent (held: it cannot be destroyed)
 * @children: paging IOAS only: nested IOAS built on it
 * @child_item: entry in the parent's @children
 * @nr_attached: attachments (ioasid_ioas_attach_begin()), for introspection;
 *	each also holds the object
 * @nr_areas: number of @areas
 * @mapped_bytes: bytes in @areas
 * @pinned_pages: pages pinned for @areas (paging IOAS)
 */
struct ioasid_ioas {
	struct ioasid_object obj;
	struct rw_semaphore iova_rwsem;
	struct rb_root_cached areas;
	struct rb_root_cached by_parent;
	struct rb_root_cached reserved;
	struct list_head domains;
	struct ioasid_ioas *parent;
	struct list_head children;
	struct list_head child_item;
	unsigned int nr_attached;
	unsigned int nr_areas;
	u64 mapped_bytes;
	u64 pinned_pages;
};

/* io_pagetable.c; the caller holds the locks the comments in it name. */
void iopt_init(struct ioasid_ioas *ioas);
int iopt_map_user(struct ioasid_ioas *ioas, unsigned long user_va,
		  u64 length, u64 *iova, bool fixed, int prot);
int iopt_map_nested(struct ioasid_ioas *ioas, u64 parent_iova, u64 length,
		    u64 *iova, bool fixed, int prot);
int iopt_unmap(struct ioasid_ioas *ioas, u64 start, u64 last,
	       u64 *unmapped);
int iopt_get_allowed(struct ioasid_ioas *ioas,
		     struct ioasid_iova_range *ranges, u32 *nr);
int iopt_add_domain(struct ioasid_ioas *ioas, struct ioasid_domain *domain);
void iopt_remove_domain(struct ioasid_ioas *ioas,
			struct ioasid_domain *domain);
int iopt_reserve(struct ioasid_ioas *ioas, const void *owner, u64 start,
		 u64 last);
void iopt_unreserve(struct ioasid_ioas *ioas, const void *owner);

#endif /* _IOASID_IO_PAGETABLE_H */
