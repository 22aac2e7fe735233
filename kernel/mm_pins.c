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
 *
 * Counted by chunk where that is exact: an aligned run of CHUNK_PAGES PFNs
 * that every user took whole and in order (a THP, hugetlbfs, contiguous
 * memory) has one entry for all its pages, so that mapping 1 GiB of huge
 * pages updates 4096 entries, not 262144.  A chunk of which a user takes
 * or gives up only a part is split into an entry per page first.
 *
 * A page whose last user went keeps an idle entry (value 0): freeing the
 * xarray nodes at each unmap and allocating them again at the next map
 * made a map and unmap of 16 pages 3 times as slow.  Idle entries are
 * swept once there are more of them than live pages (and than IDLE_MIN),
 * so the table holds at most about twice what is pinned.
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
 *	let a device write the page (it is dirtied when unpinned), or 0: an
 *	idle entry, the page is not pinned
 * @chunks: PFN >> CHUNK_SHIFT -> the same value, for each of the chunk's
 *	pages; a page is counted in @chunks or in @users, never in both
 * @nr_charged: pages in @users and @chunks, all of them charged once;
 *	written under @lock, read without
 * @nr_idle: idle entries in @users
 */
struct ioasid_mm_pins {
	struct hlist_node node;
	struct rcu_head rcu;
	refcount_t ref;
	struct mm_struct *mm;
	struct mutex lock;
	struct xarray users;
	struct xarray chunks;
	unsigned long nr_charged;
	unsigned long nr_idle;
};

/* Table of every struct ioasid_mm_pins; lookups under RCU, changes locked. */
static DEFINE_HASHTABLE(ioasid_mm_pins_table, 6);
static DEFINE_SPINLOCK(ioasid_mm_pins_table_lock);

/* Every page pinned by the module (each once), for IOASID_TEST_STATS. */
static atomic64_t ioasid_pinned_total = ATOMIC64_INIT(0);

#define USER		2UL	/* one user in an entry's value */
#define DIRTY		1UL

/* A chunk: 64 PFNs, as many as one xarray node of @users holds. */
#define CHUNK_SHIFT	6
#define CHUNK_PAGES	(1UL << CHUNK_SHIFT)

/* Pages unpinned per call when the last users go. */
#define UNPIN_BATCH	32

/* Idle entries kept in any case (one pin batch's worth). */
#define IDLE_MIN	4096

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
	xa_init_flags(&mp->chunks, XA_FLAGS_ACCOUNT);

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
	WARN_ON(mp->nr_charged || !xa_empty(&mp->chunks));
	xa_destroy(&mp->users);
	xa_destroy(&mp->chunks);
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

static unsigned long ioasid_chunk_value(struct ioasid_mm_pins *mp,
					unsigned long c)
{
	void *entry = xa_load(&mp->chunks, c);

	return entry ? xa_to_value(entry) : 0;
}

/* Replace an entry that exists: the slot is there, nothing is allocated. */
static void ioasid_mm_pins_set(struct xarray *xa, unsigned long index,
			       unsigned long v)
{
	WARN_ON(xa_is_err(xa_store(xa, index, xa_mk_value(v), GFP_KERNEL)));
}

/*
 * The pages of an add, a ref or a drop go run by run: pages in a row of the
 * array whose PFNs are in one chunk.  *@whole says whether the run is the
 * chunk itself, its CHUNK_PAGES pages in order (a THP, or any aligned
 * physically contiguous memory, gives such runs).
 */
static unsigned long ioasid_chunk_run(struct page **pages, unsigned long n,
				      bool *whole)
{
	unsigned long first = page_to_pfn(pages[0]), k;
	bool in_order = !(first & (CHUNK_PAGES - 1));

	for (k = 1; k < n; k++) {
		unsigned long pfn = page_to_pfn(pages[k]);

		if (pfn >> CHUNK_SHIFT != first >> CHUNK_SHIFT)
			break;
		in_order &= pfn == first + k;
	}
	*whole = in_order && k == CHUNK_PAGES;
	return k;
}

/*
 * Is no page of chunk @c pinned with an entry of its own?  Then its idle
 * entries go, for the chunk to be counted whole.
 */
static bool ioasid_chunk_unused(struct ioasid_mm_pins *mp, unsigned long c)
{
	XA_STATE(xas, &mp->users, c << CHUNK_SHIFT);
	unsigned long last = ((c + 1) << CHUNK_SHIFT) - 1, idle = 0;
	void *entry;

	xas_lock(&xas);
	xas_for_each(&xas, entry, last)
		if (xa_to_value(entry)) {
			xas_unlock(&xas);
			return false;
		}
	xas_set(&xas, c << CHUNK_SHIFT);
	xas_for_each(&xas, entry, last) {
		xas_store(&xas, NULL);
		idle++;
	}
	xas_unlock(&xas);
	mp->nr_idle -= idle;
	return true;
}

/* Sweep the idle entries once they outnumber the pinned pages. */
static void ioasid_mm_pins_trim(struct ioasid_mm_pins *mp)
{
	XA_STATE(xas, &mp->users, 0);
	unsigned int seen = 0;
	void *entry;

	lockdep_assert_held(&mp->lock);
	if (mp->nr_idle <= max(mp->nr_charged, IDLE_MIN))
		return;
	xas_lock(&xas);
	xas_for_each(&xas, entry, ULONG_MAX) {
		if (!xa_to_value(entry)) {
			xas_store(&xas, NULL);
			mp->nr_idle--;
		}
		if (++seen % 4096)
			continue;
		xas_pause(&xas);
		xas_unlock(&xas);
		cond_resched();
		xas_lock(&xas);
	}
	xas_unlock(&xas);
	WARN_ON(mp->nr_idle);
}

/*
 * Chunk @c, of value @v, is about to have pages with other users: it
 * becomes an entry of that value per page.  Nothing changes on failure.
 */
static int ioasid_chunk_split(struct ioasid_mm_pins *mp, unsigned long c,
			      unsigned long v, gfp_t gfp)
{
	unsigned long first = c << CHUNK_SHIFT, pfn;
	int rc;

	for (pfn = first; pfn < first + CHUNK_PAGES; pfn++) {
		rc = xa_err(xa_store(&mp->users, pfn, xa_mk_value(v), gfp));
		if (rc) {
			while (pfn-- > first)
				xa_erase(&mp->users, pfn);
			return rc;
		}
	}
	xa_erase(&mp->chunks, c);
	return 0;
}

/*
 * Pages whose last user went, to unpin a batch at a time: single pages by
 * whether they are dirty, and whole chunks as one physically contiguous
 * range while they follow each other (a folio is unpinned in one go).
 */
struct ioasid_unpin_batch {
	struct page *pages[2][UNPIN_BATCH];	/* [dirty] */
	unsigned int nr[2];
	struct page *range;
	unsigned long range_pages;
	bool range_dirty;
};

static void ioasid_unpin_batch_flush(struct ioasid_unpin_batch *b)
{
	unpin_user_pages_dirty_lock(b->pages[0], b->nr[0], false);
	unpin_user_pages_dirty_lock(b->pages[1], b->nr[1], true);
	b->nr[0] = 0;
	b->nr[1] = 0;
	if (b->range_pages)
		unpin_user_page_range_dirty_lock(b->range, b->range_pages,
						 b->range_dirty);
	b->range_pages = 0;
}

static void ioasid_unpin_batch_range(struct ioasid_unpin_batch *b,
				     struct page *first, unsigned long n,
				     bool dirty)
{
	if (b->range_pages && b->range_dirty == dirty &&
	    page_to_pfn(first) == page_to_pfn(b->range) + b->range_pages) {
		b->range_pages += n;
		return;
	}
	if (b->range_pages)
		unpin_user_page_range_dirty_lock(b->range, b->range_pages,
						 b->range_dirty);
	b->range = first;
	b->range_pages = n;
	b->range_dirty = dirty;
}

/* Returns true when the batch is full: flush it before the next add. */
static bool ioasid_unpin_batch_add(struct ioasid_unpin_batch *b,
				   struct page *page, bool dirty)
{
	b->pages[dirty][b->nr[dirty]++] = page;
	return b->nr[dirty] == UNPIN_BATCH;
}

/*
 * One user more for each page of a run (ioasid_chunk_run()) pinned by the
 * caller: a page new to the table counts in *@nr_new, one it has already
 * sets bit @at + its index in @shared.  Returns the pages done: fewer than
 * @k only with an errno in *@rc.
 */
static unsigned long ioasid_mm_pins_use(struct ioasid_mm_pins *mp,
					struct page **pages, unsigned long k,
					bool whole, unsigned long dirty,
					unsigned long *shared, unsigned long at,
					unsigned long *nr_new, int *rc)
{
	unsigned long c = page_to_pfn(pages[0]) >> CHUNK_SHIFT, i, v;
	XA_STATE(xas, &mp->users, 0);
	void *entry;

	v = ioasid_chunk_value(mp, c);
	if (v && whole) {
		ioasid_mm_pins_set(&mp->chunks, c, (v + USER) | dirty);
		bitmap_set(shared, at, k);
		return k;
	}
	if (v) {
		*rc = ioasid_chunk_split(mp, c, v, GFP_KERNEL_ACCOUNT);
		if (*rc)
			return 0;
	} else if (whole && ioasid_chunk_unused(mp, c)) {
		*rc = xa_err(xa_store(&mp->chunks, c,
				      xa_mk_value(USER | dirty),
				      GFP_KERNEL_ACCOUNT));
		if (*rc)
			return 0;
		*nr_new += k;
		return k;
	}
	/* Page by page, one walk each; a node is allocated unlocked. */
	i = 0;
	do {
		xas_lock(&xas);
		for (; i < k; i++) {
			xas_set(&xas, page_to_pfn(pages[i]));
			entry = xas_load(&xas);
			if (entry && xa_to_value(entry)) {
				v = (xa_to_value(entry) + USER) | dirty;
				xas_store(&xas, xa_mk_value(v));
				__set_bit(at + i, shared);
				continue;
			}
			xas_store(&xas, xa_mk_value(USER | dirty));
			if (xas_error(&xas))
				break;
			if (entry)
				mp->nr_idle--;
			(*nr_new)++;
		}
		xas_unlock(&xas);
	} while (xas_nomem(&xas, GFP_KERNEL_ACCOUNT));
	*rc = xas_error(&xas);
	return i;
}

/*
 * One user less for each page of a run.  Pages left without users leave
 * the table and are counted in the return value; with @b their pins (the
 * table's) go to it to be unpinned, without it the caller holds pins of its
 * own (undoing an add or a ref) and nothing is unpinned.
 */
static unsigned long ioasid_mm_pins_unuse(struct ioasid_mm_pins *mp,
					  struct page **pages, unsigned long k,
					  bool whole,
					  struct ioasid_unpin_batch *b)
{
	unsigned long c = page_to_pfn(pages[0]) >> CHUNK_SHIFT, i, v;
	XA_STATE(xas, &mp->users, 0);
	unsigned long gone = 0;
	void *entry;

	v = ioasid_chunk_value(mp, c);
	if (v && whole) {
		if (v >= 2 * USER) {
			ioasid_mm_pins_set(&mp->chunks, c, v - USER);
			return 0;
		}
		xa_erase(&mp->chunks, c);
		if (b)
			ioasid_unpin_batch_range(b, pages[0], k, v & DIRTY);
		return k;
	}
	/*
	 * Part of a chunk loses a user (a partial unmap): there is no caller
	 * to fail, and 64 entries take one xarray node.
	 */
	if (v)
		WARN_ON(ioasid_chunk_split(mp, c, v,
					   GFP_KERNEL_ACCOUNT | __GFP_NOFAIL));
	/* Unpinning may sleep: the batch is flushed with the lock let go. */
	xas_lock(&xas);
	for (i = 0; i < k; i++) {
		xas_set(&xas, page_to_pfn(pages[i]));
		entry = xas_load(&xas);
		if (WARN_ON_ONCE(!entry || !xa_to_value(entry)))
			continue;
		v = xa_to_value(entry);
		if (v >= 2 * USER) {
			xas_store(&xas, xa_mk_value(v - USER));
			continue;
		}
		xas_store(&xas, xa_mk_value(0));
		mp->nr_idle++;
		gone++;
		if (!b)
			continue;
		if (ioasid_unpin_batch_add(b, pages[i], v & DIRTY)) {
			xas_unlock(&xas);
			ioasid_unpin_batch_flush(b);
			xas_lock(&xas);
		}
	}
	xas_unlock(&xas);
	return gone;
}

/*
 * Take back what an add or a ref did to @pages[0..@n): the counts are
 * exactly as they were (a chunk split stays split, pages marked dirty stay
 * so: both say the same of the pages).  Undone runs are the runs that were
 * done, the last one maybe cut short; a cut run is of a chunk with entries
 * per page already, so nothing is split, nothing allocated.
 */
static void ioasid_mm_pins_undo(struct ioasid_mm_pins *mp,
				struct page **pages, unsigned long n)
{
	unsigned long i, k;
	bool whole;

	for (i = 0; i < n; i += k) {
		k = ioasid_chunk_run(pages + i, n - i, &whole);
		ioasid_mm_pins_unuse(mp, pages + i, k, whole, NULL);
	}
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
 * over RLIMIT_MEMLOCK) with the users and the charge as they were: the
 * caller still holds its pins.
 */
int ioasid_mm_pins_add(struct ioasid_mm_pins *mp, struct page **pages,
		       unsigned long n, bool dirty)
{
	unsigned long one, *shared = &one, i, end, k, nr_new = 0;
	bool whole;
	int rc = 0;

	if (n > BITS_PER_LONG) {
		shared = bitmap_zalloc(n, GFP_KERNEL_ACCOUNT);
		if (!shared)
			return -ENOMEM;
	} else {
		one = 0;
	}

	mutex_lock(&mp->lock);
	for (i = 0; i < n && !rc; i += k) {
		k = ioasid_chunk_run(pages + i, n - i, &whole);
		k = ioasid_mm_pins_use(mp, pages + i, k, whole,
				       dirty ? DIRTY : 0, shared, i, &nr_new,
				       &rc);
		cond_resched();
	}
	if (!rc)
		rc = account_locked_vm(mp->mm, nr_new, true);
	if (rc) {
		ioasid_mm_pins_undo(mp, pages, i);
		ioasid_mm_pins_trim(mp);
		goto out;
	}
	/* Committed: the pins of pages found shared are not needed. */
	for_each_set_bitrange(i, end, shared, n)
		unpin_user_pages(pages + i, end - i);
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
 *
 * Return: 0, or -ENOMEM (a chunk of which only a part gains a user could
 * not be split) with nothing changed.
 */
int ioasid_mm_pins_ref(struct ioasid_mm_pins *mp, struct page **pages,
		       unsigned long n)
{
	unsigned long i, j, k, c, v, pfn;
	bool whole;
	void *entry;
	int rc = 0;

	mutex_lock(&mp->lock);
	for (i = 0; i < n; i += k) {
		k = ioasid_chunk_run(pages + i, n - i, &whole);
		c = page_to_pfn(pages[i]) >> CHUNK_SHIFT;
		v = ioasid_chunk_value(mp, c);
		if (v && whole) {
			ioasid_mm_pins_set(&mp->chunks, c, v + USER);
			continue;
		}
		if (v) {
			rc = ioasid_chunk_split(mp, c, v, GFP_KERNEL_ACCOUNT);
			if (rc) {
				ioasid_mm_pins_undo(mp, pages, i);
				break;
			}
		}
		for (j = i; j < i + k; j++) {
			pfn = page_to_pfn(pages[j]);
			entry = xa_load(&mp->users, pfn);
			if (!WARN_ON_ONCE(!entry || !xa_to_value(entry)))
				ioasid_mm_pins_set(&mp->users, pfn,
						   xa_to_value(entry) + USER);
		}
		cond_resched();
	}
	mutex_unlock(&mp->lock);
	return rc;
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
	struct ioasid_unpin_batch b = { };
	unsigned long i, k, gone = 0;
	bool whole;

	mutex_lock(&mp->lock);
	for (i = 0; i < n; i += k) {
		k = ioasid_chunk_run(pages + i, n - i, &whole);
		gone += ioasid_mm_pins_unuse(mp, pages + i, k, whole, &b);
		cond_resched();
	}
	ioasid_unpin_batch_flush(&b);
	ioasid_mm_pins_trim(mp);
	if (gone) {
		account_locked_vm(mp->mm, gone, false);
		WRITE_ONCE(mp->nr_charged, mp->nr_charged - gone);
		atomic64_sub(gone, &ioasid_pinned_total);
	}
	mutex_unlock(&mp->lock);
}
