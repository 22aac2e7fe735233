// SPDX-License-Identifier: GPL-2.0
/*
 * The software page table: a four-level radix tree over a 48-bit IOVA
 * space, 512 entries per level, with 4 KiB, 2 MiB and 1 GiB leaves.  It is
 * the domain of mock devices, whose "DMA" walks it the way an IOMMU walks
 * its tables.
 *
 * Locking: a domain belongs to one page table, and the table's rwsem
 * serialises it: map and unmap run with it held for writing, translations
 * (mock DMA) with it held at least for reading.
 */
#include <linux/bitfield.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>

#include "domain.h"

/*
 * Test interface (IOASID_TEST_FAIL_PGTABLE): after letting @skip page-table
 * allocations through, fail the next @nr, to exercise what happens when
 * memory for page tables runs out.  Allocations with __GFP_NOFAIL are
 * neither failed nor counted.  Under swpt_fail_lock.
 */
static DEFINE_SPINLOCK(swpt_fail_lock);
static unsigned int swpt_fail_skip, swpt_fail_nr;

/**
 * ioasid_sw_domain_fail_allocs() - fail page-table allocations
 * @skip: allocations to let through first
 * @nr: allocations to fail after those; 0 stops failing them
 */
void ioasid_sw_domain_fail_allocs(unsigned int skip, unsigned int nr)
{
	spin_lock(&swpt_fail_lock);
	swpt_fail_skip = skip;
	swpt_fail_nr = nr;
	spin_unlock(&swpt_fail_lock);
}

static bool swpt_should_fail(gfp_t gfp)
{
	bool fail = false;

	if (gfp & __GFP_NOFAIL)
		return false;
	spin_lock(&swpt_fail_lock);
	if (swpt_fail_skip) {
		swpt_fail_skip--;
	} else if (swpt_fail_nr) {
		swpt_fail_nr--;
		fail = true;
	}
	spin_unlock(&swpt_fail_lock);
	return fail;
}

static u64 *swpt_alloc_table(gfp_t gfp)
{
	if (swpt_should_fail(gfp))
		return NULL;
	return (u64 *)get_zeroed_page(gfp);
}

#define SWPT_LEVELS		4
#define SWPT_BITS_PER_LEVEL	9
#define SWPT_ENTRIES		(1 << SWPT_BITS_PER_LEVEL)
#define SWPT_IOVA_BITS		48

/* An entry: a table pointer or a leaf (physical address + permissions). */
#define SWPT_PRESENT		BIT_ULL(0)
#define SWPT_LEAF		BIT_ULL(1)
#define SWPT_READ		BIT_ULL(2)
#define SWPT_WRITE		BIT_ULL(3)
#define SWPT_ADDR_MASK		GENMASK_ULL(51, 12)

struct sw_domain {
	struct ioasid_domain domain;
	u64 *root;
};

static struct sw_domain *to_sw(struct ioasid_domain *domain)
{
	return container_of(domain, struct sw_domain, domain);
}

/* Level 0 holds 4 KiB leaves, level 3 is the root. */
static unsigned int swpt_shift(int level)
{
	return PAGE_SHIFT + level * SWPT_BITS_PER_LEVEL;
}

static unsigned int swpt_index(unsigned long iova, int level)
{
	return (iova >> swpt_shift(level)) & (SWPT_ENTRIES - 1);
}

/* Leaves exist at levels 0 (4 KiB), 1 (2 MiB) and 2 (1 GiB). */
static bool swpt_leaf_level(int level)
{
	return level <= 2;
}

static u64 *swpt_table(u64 entry)
{
	return phys_to_virt(entry & SWPT_ADDR_MASK);
}

static u64 swpt_prot_bits(int prot)
{
	return (prot & IOASID_PROT_READ ? SWPT_READ : 0) |
	       (prot & IOASID_PROT_WRITE ? SWPT_WRITE : 0);
}

static void swpt_free_level(u64 *table, int level)
{
	int i;

	for (i = 0; level > 0 && i < SWPT_ENTRIES; i++)
		if ((table[i] & SWPT_PRESENT) && !(table[i] & SWPT_LEAF))
			swpt_free_level(swpt_table(table[i]), level - 1);
	free_page((unsigned long)table);
}

static int swpt_map_level(u64 *table, int level, unsigned long iova,
			  phys_addr_t paddr, size_t size, u64 prot, gfp_t gfp)
{
	size_t step = 1UL << swpt_shift(level);
	int rc;

	while (size) {
		unsigned long next = (iova | (step - 1)) + 1;
		size_t chunk = min_t(size_t, size, next - iova);
		u64 *entry = &table[swpt_index(iova, level)];

		/* Into a table left by smaller mappings: smaller pages. */
		if (swpt_leaf_level(level) && chunk == step &&
		    IS_ALIGNED(paddr, step) &&
		    !((*entry & SWPT_PRESENT) && !(*entry & SWPT_LEAF))) {
			if (WARN_ON(*entry & SWPT_PRESENT))
				return -EEXIST;
			*entry = (paddr & SWPT_ADDR_MASK) | prot |
				 SWPT_LEAF | SWPT_PRESENT;
		} else {
			if (WARN_ON(level == 0))
				return -EINVAL;
			if (!(*entry & SWPT_PRESENT)) {
				u64 *sub = swpt_alloc_table(gfp);

				if (!sub)
					return -ENOMEM;
				*entry = virt_to_phys(sub) | SWPT_PRESENT;
			} else if (WARN_ON(*entry & SWPT_LEAF)) {
				return -EEXIST;
			}
			rc = swpt_map_level(swpt_table(*entry), level - 1,
					    iova, paddr, chunk, prot, gfp);
			if (rc)
				return rc;
		}
		iova += chunk;
		paddr += chunk;
		size -= chunk;
	}
	return 0;
}

static size_t swpt_unmap_level(u64 *table, int level, unsigned long iova,
			       size_t size)
{
	size_t step = 1UL << swpt_shift(level);
	size_t done = 0;

	while (size) {
		unsigned long next = (iova | (step - 1)) + 1;
		size_t chunk = min_t(size_t, size, next - iova);
		u64 *entry = &table[swpt_index(iova, level)];

		if (!(*entry & SWPT_PRESENT)) {
			/* Nothing here. */
		} else if (*entry & SWPT_LEAF) {
			/* The caller never cuts a leaf (see domain.h). */
			if (!WARN_ON(chunk != step)) {
				*entry = 0;
				done += chunk;
			}
		} else {
			done += swpt_unmap_level(swpt_table(*entry), level - 1,
						 iova, chunk);
			/* All of it went: so does the table. */
			if (chunk == step) {
				swpt_free_level(swpt_table(*entry), level - 1);
				*entry = 0;
			}
		}
		iova += chunk;
		size -= chunk;
	}
	return done;
}

static int swpt_check_range(unsigned long iova, size_t size)
{
	if (!size || !PAGE_ALIGNED(iova) || !PAGE_ALIGNED(size) ||
	    iova + size - 1 < iova || (iova + size - 1) >> SWPT_IOVA_BITS)
		return -EINVAL;
	return 0;
}

static int sw_domain_map(struct ioasid_domain *domain, unsigned long iova,
			 phys_addr_t paddr, size_t size, int prot, gfp_t gfp)
{
	struct sw_domain *sw = to_sw(domain);
	int rc;

	rc = swpt_check_range(iova, size);
	if (rc || !PAGE_ALIGNED(paddr))
		return rc ?: -EINVAL;
	rc = swpt_map_level(sw->root, SWPT_LEVELS - 1, iova, paddr, size,
			    swpt_prot_bits(prot), gfp);
	if (rc)	/* all or nothing */
		swpt_unmap_level(sw->root, SWPT_LEVELS - 1, iova, size);
	return rc;
}

static size_t sw_domain_unmap(struct ioasid_domain *domain,
			      unsigned long iova, size_t size)
{
	if (swpt_check_range(iova, size))
		return 0;
	return swpt_unmap_level(to_sw(domain)->root, SWPT_LEVELS - 1, iova,
				size);
}

/**
 * ioasid_sw_domain_translate() - walk the table for one IOVA
 * @domain: a software page table domain
 * @iova: the address
 * @paddr: out: the physical address
 * @prot: out: IOASID_PROT_READ/WRITE of the translation
 *
 * Caller holds the page table's rwsem (see the top of this file).
 *
 * Return: 0, or -ENOENT if @iova has no translation.
 */
int ioasid_sw_domain_translate(struct ioasid_domain *domain,
			       unsigned long iova, phys_addr_t *paddr,
			       int *prot)
{
	u64 *table = to_sw(domain)->root;
	int level;

	if (iova >> SWPT_IOVA_BITS)
		return -ENOENT;
	for (level = SWPT_LEVELS - 1; level >= 0; level--) {
		u64 entry = table[swpt_index(iova, level)];

		if (!(entry & SWPT_PRESENT))
			return -ENOENT;
		if (entry & SWPT_LEAF) {
			unsigned long off = iova & ((1UL << swpt_shift(level)) - 1);

			*paddr = (entry & SWPT_ADDR_MASK) + off;
			*prot = (entry & SWPT_READ ? IOASID_PROT_READ : 0) |
				(entry & SWPT_WRITE ? IOASID_PROT_WRITE : 0);
			return 0;
		}
		table = swpt_table(entry);
	}
	return -ENOENT;
}


static void sw_domain_free(struct ioasid_domain *domain)
{
	struct sw_domain *sw = to_sw(domain);

	swpt_free_level(sw->root, SWPT_LEVELS - 1);
	kfree(sw);
}

static const struct ioasid_domain_ops sw_domain_ops = {
	.map = sw_domain_map,
	.unmap = sw_domain_unmap,
	.free = sw_domain_free,
};

/**
 * ioasid_sw_domain_alloc() - a new, empty software page table domain
 *
 * Return: the domain (owner and users left for the caller to set), or NULL.
 */
struct ioasid_domain *ioasid_sw_domain_alloc(void)
{
	struct sw_domain *sw;

	sw = kzalloc(sizeof(*sw), GFP_KERNEL_ACCOUNT);
	if (!sw)
		return NULL;
	sw->root = swpt_alloc_table(GFP_KERNEL_ACCOUNT);
	if (!sw->root) {
		kfree(sw);
		return NULL;
	}
	sw->domain.ops = &sw_domain_ops;
	sw->domain.pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G;
	sw->domain.aperture_start = 0;
	sw->domain.aperture_last = (1ULL << SWPT_IOVA_BITS) - 1;
	INIT_LIST_HEAD(&sw->domain.iopt_item);
	return &sw->domain;
}
