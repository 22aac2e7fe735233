// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's own promises, seen through the uAPI and the module's pin
 * counter: kernel-chosen IOVAs aligned like the source, splits that keep
 * exactly the right pages pinned and translated, large (THP) pages cut in
 * the middle, nested mappings recomposed after the parent changes, and
 * the locked_vm charge the mapping process sees in VmLck.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ioas_util.h"

static uint32_t ioas_alloc(int ctx, uint32_t flags, uint32_t parent)
{
	struct ioasid_ioas_alloc a = {
		.size = sizeof(a), .flags = flags, .parent_id = parent,
	};

	cr_assert_eq(ioc(ctx, IOASID_IOAS_ALLOC, &a), 0);
	return a.out_ioas_id;
}

/* Map; *iova in with @fixed, out otherwise.  0 or -errno. */
static int map(int ctx, uint32_t ioas, uint64_t src, uint64_t len,
	       uint64_t *iova, bool fixed)
{
	struct ioasid_ioas_map m = {
		.size = sizeof(m),
		.flags = RW | (fixed ? IOASID_IOAS_MAP_FIXED_IOVA : 0),
		.ioas_id = ioas, .user_va = src, .length = len,
		.iova = fixed ? *iova : 0,
	};
	int rc = ioc(ctx, IOASID_IOAS_MAP, &m);

	if (!rc)
		*iova = m.iova;
	return rc;
}

/* Unmap; returns -errno, or the bytes unmapped. */
static int64_t unmap(int ctx, uint32_t ioas, uint64_t iova, uint64_t len)
{
	struct ioasid_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = ioas, .iova = iova, .length = len,
	};
	int rc = ioc(ctx, IOASID_IOAS_UNMAP, &u);

	return rc ? rc : (int64_t)u.length;
}

static uint8_t *filled(size_t len, uint8_t seed)
{
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(p, MAP_FAILED);
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 7 + (i >> 12));
	return p;
}

/* Read @len bytes at @iova through @dev; returns the fault kind. */
static uint32_t dma_read(struct mock *dev, uint64_t iova, void *out,
			 uint64_t len)
{
	uint64_t done;
	uint32_t fault;

	cr_assert_eq(mock_dma(dev->fd, 0, IOASID_MOCK_DMA_READ, iova, out,
			      len, &done, &fault, NULL), 0);
	if (fault == IOASID_MOCK_FAULT_NONE)
		cr_assert_eq(done, len);
	return fault;
}

Test(engine, kernel_iova_is_aligned_like_the_source)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_alloc(ctx, 0, 0);
	/* A 2 MiB-aligned source inside a bigger reservation. */
	uint8_t *raw = mmap(NULL, 3 * MB2, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *src = (uint8_t *)(((uintptr_t)raw + MB2 - 1) & ~(MB2 - 1));
	uint64_t a = 0, b = 0, c = 0;

	cr_assert_eq(map(ctx, ioas, (uintptr_t)src + PG, PG, &a, false), 0);
	cr_assert_neq(a, 0);
	cr_assert_eq(map(ctx, ioas, (uintptr_t)src, MB2, &b, false), 0);
	cr_assert_eq(b % MB2, 0, "iova %#lx", (unsigned long)b);
	/* Not overlapping what is there. */
	cr_assert(b + MB2 <= a || b >= a + PG);
	/* An odd source offset is kept modulo the alignment. */
	cr_assert_eq(map(ctx, ioas, (uintptr_t)src + MB2 + 3 * PG, 64 * PG,
			 &c, false), 0);
	cr_assert_eq(c % PG, 0);
	cr_assert_eq((c ^ ((uintptr_t)src + MB2 + 3 * PG)) & (64 * PG - 1), 0,
		     "iova %#lx", (unsigned long)c);
	close(ctx);
}

Test(engine, middle_cut_keeps_both_ends_pinned_and_translated)
{
	struct ioas_rig r = ioas_rig_up();
	uint64_t base = pinned(), iova = 0x100000;
	uint8_t *mem = filled(16 * PG, 3), out[PG];

	cr_assert_eq(map(r.ctx, r.ioas, (uintptr_t)mem, 16 * PG, &iova, true),
		     0);
	cr_assert_eq(pinned() - base, 16);
	cr_assert_eq(unmap(r.ctx, r.ioas, iova + 5 * PG, 6 * PG), 6 * PG);
	cr_assert_eq(pinned() - base, 10);
	for (int p = 0; p < 16; p++) {
		uint32_t f = dma_read(&r.dev, iova + p * PG, out, PG);

		if (p >= 5 && p < 11) {
			cr_assert_eq(f, IOASID_MOCK_FAULT_UNMAPPED, "page %d", p);
		} else {
			cr_assert_eq(f, IOASID_MOCK_FAULT_NONE, "page %d", p);
			cr_assert_eq(memcmp(out, mem + p * PG, PG), 0);
		}
	}
	/* The two survivors are separate mappings now. */
	cr_assert_eq(unmap(r.ctx, r.ioas, iova, 16 * PG), 10 * PG);
	cr_assert_eq(pinned(), base);
	close(r.dev.fd);
	close(r.ctx);
}

Test(engine, unmap_across_several_mappings_and_holes)
{
	struct ioas_rig r = ioas_rig_up();
	uint64_t base = pinned(), iova;
	uint8_t *mem = filled(12 * PG, 5);

	/* [0,4) [5,8) [10,12) pages at 0x200000; holes at 4 and 8-9. */
	iova = 0x200000;
	cr_assert_eq(map(r.ctx, r.ioas, (uintptr_t)mem, 4 * PG, &iova, true),
		     0);
	iova = 0x200000 + 5 * PG;
	cr_assert_eq(map(r.ctx, r.ioas, (uintptr_t)mem + 5 * PG, 3 * PG, &iova,
			 true), 0);
	iova = 0x200000 + 10 * PG;
	cr_assert_eq(map(r.ctx, r.ioas, (uintptr_t)mem + 10 * PG, 2 * PG,
			 &iova, true), 0);
	cr_assert_eq(pinned() - base, 9);
	/* Cut pages 2..10: ends of the first and last mapping go too. */
	cr_assert_eq(unmap(r.ctx, r.ioas, 0x200000 + 2 * PG, 9 * PG),
		     (2 + 3 + 1) * PG);
	cr_assert_eq(pinned() - base, 3);
	/* Nothing left inside. */
	cr_assert_eq(unmap(r.ctx, r.ioas, 0x200000 + 2 * PG, 9 * PG), -ENOENT);
	close(r.dev.fd);
	close(r.ctx);
	cr_assert_eq(pinned(), base);
}

Test(engine, thp_mapping_cut_in_the_middle)
{
	struct ioas_rig r = ioas_rig_up();
	uint8_t *raw = mmap(NULL, 3 * MB2, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *mem = (uint8_t *)(((uintptr_t)raw + MB2 - 1) & ~(MB2 - 1));
	uint64_t base = pinned(), iova = 0x40000000;
	uint8_t out[PG];

	madvise(mem, MB2, MADV_HUGEPAGE);
	for (uint64_t i = 0; i < MB2; i++)
		mem[i] = (uint8_t)(i * 13 + (i >> 12));
	/* Whether or not THP gave a huge page, the behaviour is the same. */
	cr_assert_eq(map(r.ctx, r.ioas, (uintptr_t)mem, MB2, &iova, true), 0);
	cr_assert_eq(pinned() - base, 512);
	cr_assert_eq(unmap(r.ctx, r.ioas, iova + 100 * PG, PG), PG);
	cr_assert_eq(pinned() - base, 511);
	cr_assert_eq(dma_read(&r.dev, iova + 100 * PG, out, PG),
		     IOASID_MOCK_FAULT_UNMAPPED);
	for (int p = 0; p < 512; p += 3) {
		if (p == 100)
			continue;
		cr_assert_eq(dma_read(&r.dev, iova + p * PG, out, PG),
			     IOASID_MOCK_FAULT_NONE, "page %d", p);
		cr_assert_eq(memcmp(out, mem + p * PG, PG), 0, "page %d", p);
	}
	close(r.dev.fd);
	close(r.ctx);
	cr_assert_eq(pinned(), base);
}

Test(engine, vmlck_shows_the_charge)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_alloc(ctx, 0, 0);
	uint8_t *mem = filled(32 * PG, 1);
	long before = vmlck_kb();
	uint64_t iova = 0x100000;

	cr_assert_geq(before, 0);
	cr_assert_eq(map(ctx, ioas, (uintptr_t)mem, 32 * PG, &iova, true), 0);
	cr_assert_eq(vmlck_kb() - before, 32 * 4);
	cr_assert_eq(unmap(ctx, ioas, iova + 8 * PG, 8 * PG), 8 * PG);
	cr_assert_eq(vmlck_kb() - before, 24 * 4);
	close(ctx);
	cr_assert_eq(vmlck_kb(), before);
}

Test(engine, nested_follows_parent_unmap_and_remap)
{
	int ctx = ioasid_open();
	uint32_t parent = ioas_alloc(ctx, 0, 0);
	uint32_t child = ioas_alloc(ctx, IOASID_IOAS_ALLOC_NESTED, parent);
	struct mock dev = mock_new(0);
	uint8_t *a = filled(4 * PG, 10), *b = filled(4 * PG, 90), out[PG];
	uint64_t piova = 0x300000, ciova = 0x10000, pinned0;

	cr_assert_eq(dev_bind(dev.fd, ctx, NULL), 0);
	cr_assert_eq(dev_attach(dev.fd, child), 0);
	cr_assert_eq(map(ctx, parent, (uintptr_t)a, 4 * PG, &piova, true), 0);
	pinned0 = pinned();
	cr_assert_eq(map(ctx, child, 0x300000, 4 * PG, &ciova, true), 0);
	cr_assert_eq(pinned(), pinned0, "a nested map pins nothing");
	cr_assert_eq(dma_read(&dev, 0x10000 + 2 * PG, out, PG),
		     IOASID_MOCK_FAULT_NONE);
	cr_assert_eq(memcmp(out, a + 2 * PG, PG), 0);

	/* The parent cuts page 2: the child faults there, only there. */
	cr_assert_eq(unmap(ctx, parent, 0x300000 + 2 * PG, PG), PG);
	cr_assert_eq(dma_read(&dev, 0x10000 + 2 * PG, out, PG),
		     IOASID_MOCK_FAULT_UNMAPPED);
	cr_assert_eq(dma_read(&dev, 0x10000 + 3 * PG, out, PG),
		     IOASID_MOCK_FAULT_NONE);
	cr_assert_eq(memcmp(out, a + 3 * PG, PG), 0);

	/* The parent maps other memory there: the child sees it. */
	piova = 0x300000 + 2 * PG;
	cr_assert_eq(map(ctx, parent, (uintptr_t)b, PG, &piova, true), 0);
	cr_assert_eq(dma_read(&dev, 0x10000 + 2 * PG, out, PG),
		     IOASID_MOCK_FAULT_NONE);
	cr_assert_eq(memcmp(out, b, PG), 0);

	/* Parent destroy is refused while the child exists. */
	struct ioasid_destroy d = { .size = sizeof(d), .id = parent };

	cr_assert_eq(ioc(ctx, IOASID_DESTROY, &d), -EBUSY);
	cr_assert_eq(dev_detach(dev.fd), 0);
	d.id = child;
	cr_assert_eq(ioc(ctx, IOASID_DESTROY, &d), 0);
	d.id = parent;
	cr_assert_eq(ioc(ctx, IOASID_DESTROY, &d), 0);
	cr_assert_eq(pinned(), pinned0 - 4);
	close(dev.fd);
	close(ctx);
}

Test(engine, nested_partial_unmap_keeps_the_rest)
{
	int ctx = ioasid_open();
	uint32_t parent = ioas_alloc(ctx, 0, 0);
	uint32_t child = ioas_alloc(ctx, IOASID_IOAS_ALLOC_NESTED, parent);
	struct mock dev = mock_new(0);
	uint8_t *a = filled(8 * PG, 20), out[PG];
	uint64_t piova = 0x500000, ciova = 0x900000;

	cr_assert_eq(dev_bind(dev.fd, ctx, NULL), 0);
	cr_assert_eq(dev_attach(dev.fd, child), 0);
	cr_assert_eq(map(ctx, parent, (uintptr_t)a, 8 * PG, &piova, true), 0);
	cr_assert_eq(map(ctx, child, 0x500000, 8 * PG, &ciova, true), 0);
	cr_assert_eq(unmap(ctx, child, 0x900000 + 3 * PG, 2 * PG), 2 * PG);
	for (int p = 0; p < 8; p++) {
		uint32_t f = dma_read(&dev, 0x900000 + p * PG, out, PG);

		if (p == 3 || p == 4) {
			cr_assert_eq(f, IOASID_MOCK_FAULT_UNMAPPED, "page %d", p);
		} else {
			cr_assert_eq(f, IOASID_MOCK_FAULT_NONE, "page %d", p);
			cr_assert_eq(memcmp(out, a + p * PG, PG), 0);
		}
	}
	close(dev.fd);
	close(ctx);
}

Test(engine, attach_programs_existing_mappings)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_alloc(ctx, 0, 0);
	struct mock dev = mock_new(0);
	uint8_t *a = filled(2 * PG, 40), out[PG];
	uint64_t iova = 0x700000;

	cr_assert_eq(map(ctx, ioas, (uintptr_t)a, 2 * PG, &iova, true), 0);
	cr_assert_eq(dev_bind(dev.fd, ctx, NULL), 0);
	cr_assert_eq(dev_attach(dev.fd, ioas), 0);
	cr_assert_eq(dma_read(&dev, 0x700000 + PG, out, PG),
		     IOASID_MOCK_FAULT_NONE);
	cr_assert_eq(memcmp(out, a + PG, PG), 0);
	close(dev.fd);
	close(ctx);
}

Test(engine, attach_fails_if_a_mapping_covers_a_reserved_region)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_alloc(ctx, 0, 0);
	struct mock dev;
	uint8_t *a = filled(4 * PG, 40);
	uint64_t iova = 0x800000;

	cr_assert_eq(mock_create_full(IOASID_MOCK_NEW_GROUP, 0,
				      0x800000 + PG, PG, &dev), 0);
	cr_assert_eq(map(ctx, ioas, (uintptr_t)a, 4 * PG, &iova, true), 0);
	cr_assert_eq(dev_bind(dev.fd, ctx, NULL), 0);
	cr_assert_eq(dev_attach(dev.fd, ioas), -EADDRINUSE);
	/* Nothing half-done: after the unmap it attaches, and the range
	 * is reserved from then on.
	 */
	cr_assert_eq(unmap(ctx, ioas, 0x800000, 4 * PG), 4 * PG);
	cr_assert_eq(dev_attach(dev.fd, ioas), 0);
	iova = 0x800000;
	cr_assert_eq(map(ctx, ioas, (uintptr_t)a, 4 * PG, &iova, true),
		     -EADDRINUSE);
	close(dev.fd);
	close(ctx);
}

Test(engine, large_mapping_where_small_ones_were)
{
	struct ioas_rig r = ioas_rig_up();
	uint64_t iova = 0x80000000, base = pinned();
	uint8_t out[PG], *mem;

	/* A hugetlb page: physically contiguous, so mapped as one leaf. */
	mem = huge_page(3);
	/* Small pages first, gone again: their tables must not get in the
	 * way of a 2 MiB page in the same place.
	 */
	cr_assert_eq(map(r.ctx, r.ioas, (uintptr_t)mem, 16 * PG, &iova, true),
		     0);
	cr_assert_eq(unmap(r.ctx, r.ioas, iova, 16 * PG), 16 * PG);
	cr_assert_eq(map(r.ctx, r.ioas, (uintptr_t)mem, MB2, &iova, true), 0);
	cr_assert_eq(dma_read(&r.dev, iova + 300 * PG, out, PG),
		     IOASID_MOCK_FAULT_NONE);
	cr_assert_eq(memcmp(out, mem + 300 * PG, PG), 0);
	cr_assert_eq(unmap(r.ctx, r.ioas, iova, MB2), MB2);
	/* And small ones again where the large one was. */
	cr_assert_eq(map(r.ctx, r.ioas, (uintptr_t)mem + PG, PG, &iova, true),
		     0);
	cr_assert_eq(dma_read(&r.dev, iova, out, PG), IOASID_MOCK_FAULT_NONE);
	cr_assert_eq(memcmp(out, mem + PG, PG), 0);
	close(r.dev.fd);
	close(r.ctx);
	cr_assert_eq(pinned(), base);
	huge_page_put(mem);
}

/* --- out of page-table memory --------------------------------------------- */

static void fail_none(void)
{
	fail_pgtable(0, 0);
}

Test(engine, map_without_page_table_memory_fails_whole, .fini = fail_none)
{
	struct ioas_rig r = ioas_rig_up();
	uint64_t base = pinned(), iova = 0x40000000, iova2 = 0x40200000;
	uint8_t *a = filled(8 * PG, 50), out[PG];

	/* A fresh gigabyte: the first of three new tables fails. */
	fail_pgtable(0, 1);
	cr_assert_eq(map(r.ctx, r.ioas, (uintptr_t)a, 8 * PG, &iova, true),
		     -ENOMEM);
	cr_assert_eq(pinned(), base);
	cr_assert_eq(dma_read(&r.dev, iova, out, PG),
		     IOASID_MOCK_FAULT_UNMAPPED);
	cr_assert_eq(unmap(r.ctx, r.ioas, iova, 8 * PG), -ENOENT);

	/* Upper tables there, only the last level's fails. */
	cr_assert_eq(map(r.ctx, r.ioas, (uintptr_t)a, PG, &iova2, true), 0);
	fail_pgtable(0, 1);
	cr_assert_eq(map(r.ctx, r.ioas, (uintptr_t)a, 8 * PG, &iova, true),
		     -ENOMEM);
	cr_assert_eq(pinned(), base + 1);
	cr_assert_eq(dma_read(&r.dev, iova, out, PG),
		     IOASID_MOCK_FAULT_UNMAPPED);

	/* Memory back: the same map works and reads back exactly. */
	fail_pgtable(0, 0);
	cr_assert_eq(map(r.ctx, r.ioas, (uintptr_t)a, 8 * PG, &iova, true), 0);
	/* Its first page is the one mapped above: pinned once. */
	cr_assert_eq(pinned(), base + 8);
	cr_assert_eq(dma_read(&r.dev, iova + 7 * PG, out, PG),
		     IOASID_MOCK_FAULT_NONE);
	cr_assert_eq(memcmp(out, a + 7 * PG, PG), 0);
	close(r.dev.fd);
	close(r.ctx);
	cr_assert_eq(pinned(), base);
}

Test(engine, attach_without_page_table_memory_fails_and_leaves_no_domain,
     .fini = fail_none)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_alloc(ctx, 0, 0);
	struct mock dev = mock_new(0);
	uint8_t *a = filled(4 * PG, 60), out[PG];
	uint64_t iova = 0x100000;

	cr_assert_eq(map(ctx, ioas, (uintptr_t)a, 4 * PG, &iova, true), 0);
	cr_assert_eq(dev_bind(dev.fd, ctx, NULL), 0);
	/* The domain's root table. */
	fail_pgtable(0, 1);
	cr_assert_eq(dev_attach(dev.fd, ioas), -ENOMEM);
	/* The root, then programming the mapping into it. */
	fail_pgtable(1, 1);
	cr_assert_eq(dev_attach(dev.fd, ioas), -ENOMEM);
	cr_assert_eq(dma_read(&dev, iova, out, PG),
		     IOASID_MOCK_FAULT_DETACHED);
	fail_pgtable(0, 0);
	cr_assert_eq(dev_attach(dev.fd, ioas), 0);
	cr_assert_eq(dma_read(&dev, iova + 3 * PG, out, PG),
		     IOASID_MOCK_FAULT_NONE);
	cr_assert_eq(memcmp(out, a + 3 * PG, PG), 0);
	close(dev.fd);
	close(ctx);
}

/*
 * Cutting a page out of a 2 MiB leaf maps its neighbours again with small
 * pages, which needs a new table: that must not fail for want of memory,
 * or they would be lost while user space still has them mapped.
 */
Test(engine, cut_of_a_large_page_keeps_its_neighbours_without_memory,
     .fini = fail_none)
{
	struct ioas_rig r = ioas_rig_up();
	uint64_t iova = 0x80000000, base = pinned();
	uint8_t out[PG], *mem;

	mem = huge_page(5);
	cr_assert_eq(map(r.ctx, r.ioas, (uintptr_t)mem, MB2, &iova, true), 0);

	fail_pgtable(0, 1000);
	cr_assert_eq(unmap(r.ctx, r.ioas, iova + 256 * PG, PG), PG);
	cr_assert_eq(dma_read(&r.dev, iova + 256 * PG, out, PG),
		     IOASID_MOCK_FAULT_UNMAPPED);
	for (uint64_t p = 0; p < 512; p += p == 255 ? 2 : 85) {
		cr_assert_eq(dma_read(&r.dev, iova + p * PG, out, PG),
			     IOASID_MOCK_FAULT_NONE, "page %lu lost",
			     (unsigned long)p);
		cr_assert_eq(memcmp(out, mem + p * PG, PG), 0);
	}
	cr_assert_eq(dma_read(&r.dev, iova + 511 * PG, out, PG),
		     IOASID_MOCK_FAULT_NONE);
	cr_assert_eq(pinned(), base + 511);

	fail_pgtable(0, 0);
	cr_assert_eq(unmap(r.ctx, r.ioas, iova, MB2), MB2 - PG);
	cr_assert_eq(pinned(), base);
	close(r.dev.fd);
	close(r.ctx);
	huge_page_put(mem);
}
