// SPDX-License-Identifier: GPL-2.0
/*
 * Shared pins: one pin and one RLIMIT_MEMLOCK charge per page of a process,
 * however many mappings (areas of any IOAS, of any context, VFIO containers
 * included) use the page.
 *
 * Each mm that pins memory through the module has one struct
 * ioasid_mm_pins: the number of users of each of its pinned pages, by PFN.
 * A user is one page of one area.  The first user's pin is kept and the
 * page charged to the mm's locked_vm once; the pins later users took to
 * find the page are dropped at once (the page stays pinned by the first);
 * the last user to go unpins and uncharges it.
 *
 * By PFN, not by user address, because what is pinned and charged is the
 * page: the same address backed by other memory after munmap() and mmap()
 * is other pages, pinned and charged anew (the old ones stay pinned for
 * the mappings that still use them); one page mapped at two addresses of
 * the process (a memfd mapped twice) is charged once.  Per mm because
 * locked_vm is: a forked child's pages are its own (fork copies pages
 * pinned long-term), in its own table, charged to it.
 */
#include <linux/bitmap.h>
#include <linux/hashtable.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "iopt_area.h"

/**
 * struct ioasid_mm_pins - the pinned pages of one mm
 * @node: in ioasid_mm_pins_table
 * @rcu: frees it after lookups under RCU are done with it
 * @ref: one per struct ioasid_pages pinned in @mm, one per context whose
 *	owner @mm is (for introspection)
 * @mm: the mm whose locked_vm is charged (grabbed: stays until the last
 *	page is uncharged, even after the process is gone)
 * @lock: serialises every change of @users with its charge
 * @users: PFN -> xa_mk_value(users << 1 | dirty), dirty if a user may have
 *	let a device write the page (it is dirtied when unpinned)
 * @nr_charged: pages in @users, all of them charged once; written under
 *	@lock, read without
 */
struct ioasid_mm_pins {
	struct hlist_node node;
	struct rcu_head rcu;
	refcount_t ref;
	struct mm_struct *mm;
	struct mutex lock;
	struct xarray users;
	unsigned long nr_charged;
};

/* Table of every struct ioasid_mm_pins; lookups under RCU, changes locked. */
static DEFINE_HASHTABLE(ioasid_mm_pins_table, 6);
static DEFINE_SPINLOCK(ioasid_mm_pins_table_lock);

/* Every page pinned by the module (each once), for IOASID_TEST_STATS. */
static atomic64_t ioasid_pinned_total = ATOMIC64_INIT(0);

#define USER		2UL	/* one user in an entry's value */
#define DIRTY		1UL

/* Pages unpinned per call when the last users go. */
#define UNPIN_BATCH	32

/**
 * ioasid_pinned_pages() - pages pinned by the module, each counted once
 *
 * Return: the count.
 */
u64 ioasid_pinned_pages(void)
{
	return atomic64_read(&ioasid_pinned_total);
}

static struct ioasid_mm_pins *ioasid_mm_pins_find(struct mm_struct *mm)
{
	struct ioasid_mm_pins *mp;

	hash_for_each_possible_rcu(ioasid_mm_pins_table, mp, node,
				   (unsigned long)mm)
		if (mp->mm == mm && refcount_inc_not_zero(&mp->ref))
			return mp;
	return NULL;
}

/**
 * ioasid_mm_pins_get() - the pinned pages of @mm, created if need be
 * @mm: an mm (current's)
 *
 * Return: the table with a reference, or ERR_PTR(-ENOMEM).
 */
struct ioasid_mm_pins *ioasid_mm_pins_get(struct mm_struct *mm)
{
	struct ioasid_mm_pins *mp, *found;

	rcu_read_lock();
	mp = ioasid_mm_pins_find(mm);
	rcu_read_unlock();
	if (mp)
		return mp;

	mp = kzalloc(sizeof(*mp), GFP_KERNEL_ACCOUNT);
	if (!mp)
		return ERR_PTR(-ENOMEM);
	refcount_set(&mp->ref, 1);
	mp->mm = mm;
	mutex_init(&mp->lock);
	xa_init_flags(&mp->users, XA_FLAGS_ACCOUNT);

	/* Another thread of the process may have been first. */
	spin_lock(&ioasid_mm_pins_table_lock);
	found = ioasid_mm_pins_find(mm);
	if (!found) {
		mmgrab(mm);
		hash_add_rcu(ioasid_mm_pins_table, &mp->node, (unsigned long)mm);
	}
	spin_unlock(&ioasid_mm_pins_table_lock);
	if (found) {
		kfree(mp);
		return found;
	}
	return mp;
}

/**
 * ioasid_mm_pins_put() - drop a reference
 * @mp: the table; the last reference goes with its last page
 */
void ioasid_mm_pins_put(struct ioasid_mm_pins *mp)
{
	if (!refcount_dec_and_lock(&mp->ref, &ioasid_mm_pins_table_lock))
		return;
	hash_del_rcu(&mp->node);
	spin_unlock(&ioasid_mm_pins_table_lock);
	WARN_ON(mp->nr_charged || !xa_empty(&mp->users));
	xa_destroy(&mp->users);
	mmdrop(mp->mm);
	kfree_rcu(mp, rcu);
}

/**
 * ioasid_mm_pins_charged() - pages charged to the mm's locked_vm
 * @mp: the table
 *
 * Return: the count (a snapshot).
 */
unsigned long ioasid_mm_pins_charged(const struct ioasid_mm_pins *mp)
{
	return READ_ONCE(mp->nr_charged);
}

/* Replace an entry that exists: the slot is there, nothing is allocated. */
static void ioasid_mm_pins_set(struct ioasid_mm_pins *mp, unsigned long pfn,
			       unsigned long v)
{
	WARN_ON(xa_is_err(xa_store(&mp->users, pfn, xa_mk_value(v),
				   GFP_KERNEL)));
}

/*
 * One user less for each of @pages[0..@n); unpins the pages whose last user
 * that was, and returns their number (for the caller to uncharge).
 */
static unsigned long ioasid_mm_pins_unuse(struct ioasid_mm_pins *mp,
					  struct page **pages, unsigned long n)
{
	struct page *batch[2][UNPIN_BATCH];
	unsigned int nr[2] = { 0, 0 };
	unsigned long i, v, gone = 0;
	void *entry;

	lockdep_assert_held(&mp->lock);
	for (i = 0; i < n; i++) {
		unsigned long pfn = page_to_pfn(pages[i]);

		entry = xa_load(&mp->users, pfn);
		if (WARN_ON_ONCE(!entry))
			continue;
		v = xa_to_value(entry);
		if (v >= 2 * USER) {
			ioasid_mm_pins_set(mp, pfn, v - USER);
			continue;
		}
		xa_erase(&mp->users, pfn);
		gone++;
		batch[v & DIRTY][nr[v & DIRTY]++] = pages[i];
		if (nr[v & DIRTY] == UNPIN_BATCH) {
			unpin_user_pages_dirty_lock(batch[v & DIRTY],
						    UNPIN_BATCH, v & DIRTY);
			nr[v & DIRTY] = 0;
		}
		if (!(i % 4096))
			cond_resched();
	}
	unpin_user_pages_dirty_lock(batch[0], nr[0], false);
	unpin_user_pages_dirty_lock(batch[1], nr[1], true);
	return gone;
}

/**
 * ioasid_mm_pins_add() - make pages just pinned users of the table
 * @mp: the table of the mm they were pinned in
 * @pages: the pages, each with a pin taken by the caller
 * @n: their number
 * @dirty: a device may write them
 *
 * Pages new to the table keep the caller's pin and are charged (checked
 * against RLIMIT_MEMLOCK, unless CAP_IPC_LOCK); for pages it has already,
 * the caller's pin is dropped here.
 *
 * Return: 0, each page with one user more; or -ENOMEM (out of memory, or
 * over RLIMIT_MEMLOCK) with nothing changed: the caller still holds its
 * pins.
 */
int ioasid_mm_pins_add(struct ioasid_mm_pins *mp, struct page **pages,
		       unsigned long n, bool dirty)
{
	unsigned long one, *shared = &one, i, j, v, nr_new = 0;
	struct page *surplus[UNPIN_BATCH];
	unsigned int nr = 0;
	void *entry;
	int rc = 0;

	if (n > BITS_PER_LONG) {
		shared = bitmap_zalloc(n, GFP_KERNEL_ACCOUNT);
		if (!shared)
			return -ENOMEM;
	} else {
		one = 0;
	}

	mutex_lock(&mp->lock);
	for (i = 0; i < n; i++) {
		unsigned long pfn = page_to_pfn(pages[i]);

		entry = xa_load(&mp->users, pfn);
		if (entry) {
			ioasid_mm_pins_set(mp, pfn, xa_to_value(entry) + USER);
			__set_bit(i, shared);
		} else {
			entry = xa_store(&mp->users, pfn,
					 xa_mk_value(USER | (dirty ? DIRTY : 0)),
					 GFP_KERNEL_ACCOUNT);
			if (xa_is_err(entry)) {
				rc = xa_err(entry);
				break;
			}
			nr_new++;
		}
		if (!(i % 4096))
			cond_resched();
	}
	if (!rc)
		rc = account_locked_vm(mp->mm, nr_new, true);
	if (rc) {
		/* Undo exactly: new entries go, shared ones lose the user. */
		for (j = 0; j < i; j++) {
			unsigned long pfn = page_to_pfn(pages[j]);

			v = xa_to_value(xa_load(&mp->users, pfn));
			if (v >= 2 * USER)
				ioasid_mm_pins_set(mp, pfn, v - USER);
			else
				xa_erase(&mp->users, pfn);
		}
		goto out;
	}
	/* Committed: the pins of pages found shared are not needed. */
	for_each_set_bit(i, shared, n) {
		if (dirty) {
			unsigned long pfn = page_to_pfn(pages[i]);

			v = xa_to_value(xa_load(&mp->users, pfn));
			if (!(v & DIRTY))
				ioasid_mm_pins_set(mp, pfn, v | DIRTY);
		}
		surplus[nr++] = pages[i];
		if (nr == UNPIN_BATCH) {
			unpin_user_pages(surplus, nr);
			nr = 0;
		}
	}
	unpin_user_pages(surplus, nr);
	WRITE_ONCE(mp->nr_charged, mp->nr_charged + nr_new);
	atomic64_add(nr_new, &ioasid_pinned_total);
out:
	mutex_unlock(&mp->lock);
	if (shared != &one)
		bitmap_free(shared);
	return rc;
}

/**
 * ioasid_mm_pins_ref() - one user more for pages the table has already
 * @mp: the table
 * @pages: pages with at least one user each (another area's)
 * @n: their number
 *
 * Neither pins nor charges: for IOASID_IOAS_COPY.
 */
void ioasid_mm_pins_ref(struct ioasid_mm_pins *mp, struct page **pages,
			unsigned long n)
{
	unsigned long i, pfn;
	void *entry;

	mutex_lock(&mp->lock);
	for (i = 0; i < n; i++) {
		pfn = page_to_pfn(pages[i]);
		entry = xa_load(&mp->users, pfn);
		if (!WARN_ON_ONCE(!entry))
			ioasid_mm_pins_set(mp, pfn, xa_to_value(entry) + USER);
		if (!(i % 4096))
			cond_resched();
	}
	mutex_unlock(&mp->lock);
}

/**
 * ioasid_mm_pins_drop() - one user less for each page
 * @mp: the table
 * @pages: pages it has
 * @n: their number
 *
 * A page whose last user this was is unpinned (dirtied if a user let a
 * device write it) and uncharged.  No domain may translate to it any more.
 */
void ioasid_mm_pins_drop(struct ioasid_mm_pins *mp, struct page **pages,
			 unsigned long n)
{
	unsigned long gone;

	mutex_lock(&mp->lock);
	gone = ioasid_mm_pins_unuse(mp, pages, n);
	if (gone) {
		account_locked_vm(mp->mm, gone, false);
		WRITE_ONCE(mp->nr_charged, mp->nr_charged - gone);
		atomic64_sub(gone, &ioasid_pinned_total);
	}
	mutex_unlock(&mp->lock);
}
