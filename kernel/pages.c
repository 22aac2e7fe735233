// SPDX-License-Identifier: GPL-2.0
/*
 * Pinning user pages for DMA and charging them to RLIMIT_MEMLOCK.
 *
 * Pages are pinned long-term (FOLL_LONGTERM migrates them out of movable
 * zones and CMA first) and charged to the mapping process's locked_vm, the
 * same counter mlock() and VFIO type1 use, so RLIMIT_MEMLOCK bounds them
 * unless the process has CAP_IPC_LOCK.  Every mapping pins and charges its
 * own pages, even where two mappings share memory.
 */
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "io_pagetable.h"

/* Every page pinned by the module, for IOASID_TEST_STATS. */
static atomic64_t ioasid_pinned_total = ATOMIC64_INIT(0);

/* Pages pinned per pin_user_pages_fast() call: bounds latency per step. */
#define IOASID_PIN_BATCH	4096UL

/**
 * ioasid_pinned_pages() - pages pinned by every context
 *
 * Return: the count.
 */
u64 ioasid_pinned_pages(void)
{
	return atomic64_read(&ioasid_pinned_total);
}

static void ioasid_pages_count(struct ioasid_ctx *ctx, long npages)
{
	atomic64_add(npages, &ioasid_pinned_total);
	atomic64_add(npages, &ctx->pinned_pages);
}

/* Is [@start, @start + @npages pages) covered by VMAs of current's mm? */
static bool ioasid_range_is_mapped(unsigned long start, unsigned long npages)
{
	unsigned long end = start + (npages << PAGE_SHIFT);
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	bool mapped = true;

	if (!access_ok((void __user *)start, npages << PAGE_SHIFT))
		return false;
	mmap_read_lock(mm);
	while (start < end) {
		vma = vma_lookup(mm, start);
		if (!vma) {
			mapped = false;
			break;
		}
		start = vma->vm_end;
	}
	mmap_read_unlock(mm);
	return mapped;
}

/**
 * ioasid_pages_pin() - pin and charge user memory
 * @ctx: the context the pins count against
 * @user_va: page-aligned start
 * @npages: number of pages
 * @writable: the device may write (pin with FOLL_WRITE)
 *
 * Return: the pages with one reference, or ERR_PTR: -ENOMEM (out of memory
 * or over RLIMIT_MEMLOCK), -EFAULT (not mapped memory, or read-only with
 * @writable), -EINTR (fatal signal).  Nothing is left pinned or charged on
 * error.
 */
struct ioasid_pages *ioasid_pages_pin(struct ioasid_ctx *ctx,
				      unsigned long user_va,
				      unsigned long npages, bool writable)
{
	unsigned int gup_flags = FOLL_LONGTERM | (writable ? FOLL_WRITE : 0);
	struct ioasid_pages *pages;
	unsigned long done = 0;
	long rc;

	/*
	 * The page array is sized by the request: refuse a range that is not
	 * user memory before allocating for it.
	 */
	if (!ioasid_range_is_mapped(user_va, npages))
		return ERR_PTR(-EFAULT);
	pages = kzalloc(sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages)
		return ERR_PTR(-ENOMEM);
	pages->pages = kvcalloc(npages, sizeof(*pages->pages),
				GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!pages->pages) {
		rc = -ENOMEM;
		goto err_free;
	}
	kref_init(&pages->ref);
	pages->ctx = ctx;
	pages->user_va = user_va;
	pages->npages = npages;
	pages->writable = writable;
	pages->mm = current->mm;
	mmgrab(pages->mm);

	/* Charge first: a map over the limit fails before pinning anything. */
	rc = account_locked_vm(pages->mm, npages, true);
	if (rc)
		goto err_mm;

	while (done < npages) {
		unsigned long n = min(npages - done, IOASID_PIN_BATCH);

		if (fatal_signal_pending(current)) {
			rc = -EINTR;
			goto err_unpin;
		}
		rc = pin_user_pages_fast(user_va + done * PAGE_SIZE, n,
					 gup_flags, pages->pages + done);
		if (rc <= 0) {
			rc = rc ? rc : -EFAULT;
			goto err_unpin;
		}
		done += rc;
		cond_resched();
	}
	ioasid_pages_count(ctx, npages);
	return pages;

err_unpin:
	unpin_user_pages(pages->pages, done);
	account_locked_vm(pages->mm, npages, false);
err_mm:
	mmdrop(pages->mm);
	kvfree(pages->pages);
err_free:
	kfree(pages);
	return ERR_PTR(rc);
}

/**
 * ioasid_pages_unpin() - unpin and uncharge a slice
 * @pages: the pages
 * @index: first page of the slice
 * @npages: pages in the slice
 *
 * Only once no domain translates to the slice any more.  Pages the device
 * could write are marked dirty.
 */
void ioasid_pages_unpin(struct ioasid_pages *pages, unsigned long index,
			unsigned long npages)
{
	if (WARN_ON(index + npages > pages->npages) || !npages)
		return;
	unpin_user_pages_dirty_lock(pages->pages + index, npages,
				    pages->writable);
	memset(pages->pages + index, 0, npages * sizeof(*pages->pages));
	account_locked_vm(pages->mm, npages, false);
	ioasid_pages_count(pages->ctx, -(long)npages);
}

static void ioasid_pages_release(struct kref *ref)
{
	struct ioasid_pages *pages = container_of(ref, struct ioasid_pages,
						  ref);

	mmdrop(pages->mm);
	kvfree(pages->pages);
	kfree(pages);
}

/**
 * ioasid_pages_put() - drop an area's reference
 * @pages: the pages; the area has unpinned its slice already
 */
void ioasid_pages_put(struct ioasid_pages *pages)
{
	kref_put(&pages->ref, ioasid_pages_release);
}
