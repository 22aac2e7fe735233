// SPDX-License-Identifier: GPL-2.0
/*
 * Pages: pinning user memory for DMA, charging it to RLIMIT_MEMLOCK, and
 * moving the PFNs of pinned pages into domains.
 *
 * Pages are pinned long-term (FOLL_LONGTERM migrates them out of movable
 * zones and CMA first) and charged to the mapping process's locked_vm, the
 * same counter mlock() and VFIO type1 use, so RLIMIT_MEMLOCK bounds them
 * unless the process has CAP_IPC_LOCK.  Unlike type1, a page is pinned and
 * charged once however many mappings of the process use it (mm_pins.c):
 * the pages of a map are pinned, then handed to the mm's table, which
 * keeps the pins of pages new to it and charges those only.
 *
 * VM_PFNMAP memory (a device BAR mmap'ed for peer-to-peer DMA) has no pages
 * to pin.  For the VFIO backend only, and as VFIO type1 does, its PFNs are
 * looked up (faulted in where needed) and mapped as they are, neither
 * pinned nor charged; the translation stays until the mapping is unmapped.
 *
 * Domains are given one call per physically contiguous run (or a batch of
 * runs in one map_sg call), so they can use their large pages.
 */
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "domain.h"
#include "iopt_area.h"

/* Pages pinned per pin_user_pages_fast() call: bounds latency per step. */
#define IOASID_PIN_BATCH	4096UL

static void ioasid_pages_count(atomic64_t *counter, long npages)
{
	atomic64_add(npages, counter);
}

/*
 * What backs [@start, @start + @npages pages) of current's mm: 0 memory,
 * 1 VM_PFNMAP only, -EFAULT a hole or a mix of the two.
 */
static int ioasid_range_kind(unsigned long start, unsigned long npages)
{
	unsigned long end = start + (npages << PAGE_SHIFT);
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	int kind = -1;

	if (!access_ok((void __user *)start, npages << PAGE_SHIFT))
		return -EFAULT;
	mmap_read_lock(mm);
	while (start < end) {
		vma = vma_lookup(mm, start);
		if (!vma || (kind >= 0 && kind != !!(vma->vm_flags & VM_PFNMAP))) {
			kind = -EFAULT;
			break;
		}
		kind = !!(vma->vm_flags & VM_PFNMAP);
		start = vma->vm_end;
	}
	mmap_read_unlock(mm);
	return kind;
}

/*
 * The PFN behind @va, a VM_PFNMAP address, faulting it in if needed (the
 * way type1's follow_fault_pfn() does); mmap_lock held for read, and maybe
 * dropped and taken again.  -EFAULT for memory the device may not use:
 * not writable with @write, or a PFN with a struct page in use (only MMIO
 * and reserved PFNs may be mapped without a pin).
 */
static int ioasid_follow_pfn(struct mm_struct *mm, unsigned long va,
			     bool write, unsigned long *pfn)
{
	struct follow_pfnmap_args args = { .address = va };
	bool unlocked;
	int rc, tries;

	/* Looked up again after a fault: the VMA may have changed. */
	for (tries = 0;; tries++) {
		args.vma = vma_lookup(mm, va);
		if (!args.vma || !(args.vma->vm_flags & VM_PFNMAP))
			return -EFAULT;
		rc = follow_pfnmap_start(&args);
		if (!rc)
			break;
		if (tries == 2)
			return -EFAULT;
		unlocked = false;
		rc = fixup_user_fault(mm, va, FAULT_FLAG_REMOTE |
				      (write ? FAULT_FLAG_WRITE : 0),
				      &unlocked);
		if (rc)
			return rc;
	}
	rc = write && !args.writable ? -EFAULT : 0;
	*pfn = args.pfn;
	follow_pfnmap_end(&args);
	if (!rc && pfn_valid(*pfn) && !PageReserved(pfn_to_page(*pfn)))
		rc = -EFAULT;
	return rc;
}

/*
 * VM_PFNMAP: one physically contiguous run of PFNs (a BAR) covering the
 * range, else -EFAULT.
 */
static int ioasid_pages_follow(struct ioasid_pages *pages)
{
	struct mm_struct *mm = current->mm;
	unsigned long i, pfn;
	int rc = 0;

	mmap_read_lock(mm);
	for (i = 0; i < pages->npages; i++) {
		rc = ioasid_follow_pfn(mm, pages->user_va + i * PAGE_SIZE,
				       pages->writable, &pfn);
		if (rc)
			break;
		if (!i) {
			pages->pfn = pfn;
		} else if (pfn != pages->pfn + i) {
			rc = -EFAULT;
			break;
		}
		if (fatal_signal_pending(current)) {
			rc = -EINTR;
			break;
		}
		if (!(i % IOASID_PIN_BATCH))
			cond_resched();
	}
	mmap_read_unlock(mm);
	return rc;
}

/**
 * ioasid_pages_pin() - pin and charge user memory
 * @pinned_counter: the owner's counter the pages are added to
 * @user_va: page-aligned start
 * @npages: number of pages
 * @writable: the device may write (pin with FOLL_WRITE)
 * @allow_pfnmap: a range that is all VM_PFNMAP is looked up, not pinned
 *
 * Pages some mapping of the process pinned already are neither pinned nor
 * charged a second time.  The charge is checked batch by batch, so a map
 * over the limit fails having pinned at most IOASID_PIN_BATCH pages more.
 *
 * Return: the pages with one reference, or ERR_PTR: -ENOMEM (out of memory
 * or over RLIMIT_MEMLOCK), -EFAULT (not mapped memory, or read-only with
 * @writable), -EINTR (fatal signal).  Nothing is left pinned or charged on
 * error.
 */
struct ioasid_pages *ioasid_pages_pin(atomic64_t *pinned_counter,
				      unsigned long user_va,
				      unsigned long npages, bool writable,
				      bool allow_pfnmap)
{
	unsigned int gup_flags = FOLL_LONGTERM | (writable ? FOLL_WRITE : 0);
	struct ioasid_pages *pages;
	unsigned long done = 0;
	long rc;
	int kind;

	/*
	 * The page array is sized by the request: refuse a range that is not
	 * user memory before allocating for it.  A single page needs no
	 * array, and pinning it finds out as well (the VFIO backend still
	 * looks: it may be VM_PFNMAP).
	 */
	kind = npages == 1 && !allow_pfnmap ? 0 :
	       ioasid_range_kind(user_va, npages);
	if (kind < 0 || (kind && !allow_pfnmap))
		return ERR_PTR(-EFAULT);
	pages = kzalloc(sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages)
		return ERR_PTR(-ENOMEM);
	kref_init(&pages->ref);
	pages->pinned_counter = pinned_counter;
	pages->user_va = user_va;
	pages->npages = npages;
	pages->writable = writable;
	pages->pins = ioasid_mm_pins_get(current->mm);
	if (IS_ERR(pages->pins)) {
		rc = PTR_ERR(pages->pins);
		kfree(pages);
		return ERR_PTR(rc);
	}
	if (kind) {
		rc = ioasid_pages_follow(pages);
		if (rc)
			goto err_pins;
		return pages;
	}
	if (npages == 1)
		pages->pages = &pages->one;
	else
		pages->pages = kvcalloc(npages, sizeof(*pages->pages),
					GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!pages->pages) {
		rc = -ENOMEM;
		goto err_pins;
	}

	while (done < npages) {
		unsigned long n = min(npages - done, IOASID_PIN_BATCH);
		struct page **batch = pages->pages + done;

		if (fatal_signal_pending(current)) {
			rc = -EINTR;
			goto err_unpin;
		}
		rc = pin_user_pages_fast(user_va + done * PAGE_SIZE, n,
					 gup_flags, batch);
		if (rc <= 0) {
			rc = rc ? rc : -EFAULT;
			goto err_unpin;
		}
		n = rc;
		/* Charged as they come: over the limit stops here. */
		rc = ioasid_mm_pins_add(pages->pins, batch, n, writable);
		if (rc) {
			unpin_user_pages(batch, n);
			goto err_unpin;
		}
		done += n;
		cond_resched();
	}
	ioasid_pages_count(pinned_counter, npages);
	return pages;

err_unpin:
	ioasid_mm_pins_drop(pages->pins, pages->pages, done);
err_pins:
	ioasid_mm_pins_put(pages->pins);
	if (pages->pages != &pages->one)
		kvfree(pages->pages);
	kfree(pages);
	return ERR_PTR(rc);
}

/**
 * ioasid_pages_unpin() - a slice loses one user (an area goes)
 * @pages: the pages
 * @index: first page of the slice
 * @npages: pages in the slice
 *
 * Only once no domain of that user translates to the slice any more.  A
 * page no other mapping uses is unpinned and uncharged (and marked dirty
 * if a device could write it).
 *
 * Return: the area pages given up: @npages, or 0 for VM_PFNMAP memory.
 */
unsigned long ioasid_pages_unpin(struct ioasid_pages *pages,
				 unsigned long index, unsigned long npages)
{
	if (WARN_ON(index + npages > pages->npages) || !npages ||
	    ioasid_pages_is_pfnmap(pages))
		return 0;
	ioasid_mm_pins_drop(pages->pins, pages->pages + index, npages);
	ioasid_pages_count(pages->pinned_counter, -(long)npages);
	return npages;
}

/**
 * ioasid_pages_share() - a slice gains one user (IOASID_IOAS_COPY)
 * @pages: the pages, a slice of which an area uses already
 * @index: first page of the slice
 * @npages: pages in the slice
 *
 * Nothing is pinned or charged: the pages are.
 *
 * Return: 0, or -ENOMEM with nothing changed.
 */
int ioasid_pages_share(struct ioasid_pages *pages, unsigned long index,
		       unsigned long npages)
{
	int rc;

	if (WARN_ON(index + npages > pages->npages) || !npages ||
	    ioasid_pages_is_pfnmap(pages))
		return 0;
	rc = ioasid_mm_pins_ref(pages->pins, pages->pages + index, npages);
	if (!rc)
		ioasid_pages_count(pages->pinned_counter, npages);
	return rc;
}

static void ioasid_pages_release(struct kref *ref)
{
	struct ioasid_pages *pages = container_of(ref, struct ioasid_pages,
						  ref);

	ioasid_mm_pins_put(pages->pins);
	if (pages->pages != &pages->one)
		kvfree(pages->pages);
	kfree(pages);
}

/**
 * ioasid_pages_put() - drop an area's reference
 * @pages: the pages; the area has given up its slice already
 */
void ioasid_pages_put(struct ioasid_pages *pages)
{
	kref_put(&pages->ref, ioasid_pages_release);
}

/* --- moving PFNs into domains ---------------------------------------------- */

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
int iopt_map_pages(struct ioasid_domain *domain, u64 iova,
		   struct page **pages, unsigned long npages, int prot,
		   gfp_t gfp)
{
	if (domain->ops->map_sg && npages > 1)
		return iopt_map_sg(domain, iova, pages, npages, prot, gfp);
	return iopt_map_runs(domain, iova, pages, npages, prot, gfp);
}

/* Paging IOAS: map [start, last] of @area (whole pages of it). */
int iopt_area_map_range(struct ioasid_area *area,
			struct ioasid_domain *domain, u64 start,
			u64 last, gfp_t gfp)
{
	unsigned long index = area->page_index +
			      ((start - area_start(area)) >> PAGE_SHIFT);

	if (ioasid_pages_is_pfnmap(area->pages))
		return domain->ops->map(domain, start,
					PFN_PHYS(area->pages->pfn + index),
					last - start + 1, area->prot, gfp);
	return iopt_map_pages(domain, start, area->pages->pages + index,
			      (last - start + 1) >> PAGE_SHIFT, area->prot, gfp);
}

/*
 * Paging IOAS: take [start, last] (inside @area) out of @domain.  Unmaps
 * the range widened to the domain's largest page size (clipped to the
 * area), then maps what was widened back.
 */
void iopt_domain_cut(struct ioasid_area *area,
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
