// SPDX-License-Identifier: GPL-2.0
/*
 * Nested IOAS against ioasid.h (suite ioas_nest): a nested map needs its
 * parent range mapped in full (-ENOENT) with the requested permissions
 * (-EACCES); a mock device attached to the nested IOAS DMAs through child
 * IOVA -> parent IOVA -> memory, also across several parent mappings and
 * at an offset inside one; parent unmaps make the child fault, parent
 * re-maps (other memory) show through; nested maps and unmaps pin and
 * charge nothing; the argument errors of the nested map.
 */
#include "ioas_util.h"

#define P	0x40000000ull	/* parent ("guest physical") IOVAs */
#define C	0x100000ull	/* child IOVAs */

static int ctx;
static uint32_t parent, child;
static struct mock dev;		/* attached to the child */
static uint8_t *mem;		/* 16 patterned pages */
static uint64_t base;

static void up(void)
{
	base = pinned();
	ctx = ioasid_open();
	parent = ioas_new(ctx);
	child = ioas_new_nested(ctx, parent);
	dev = mock_new(0);
	cr_assert_eq(dev_bind(dev.fd, ctx, NULL), 0);
	cr_assert_eq(dev_attach(dev.fd, child), 0);
	mem = pbuf(16 * PG, 0x11);
}

static void down(void)
{
	close(dev.fd);
	close(ctx);
	munmap(mem, 16 * PG);
	cr_assert_eq(pinned(), base, "pins leaked");
}

TestSuite(ioas_nest, .init = up, .fini = down);

/* Nested map: parent IOVA @piova at child IOVA @ciova. */
static int nmap(uint64_t piova, uint64_t len, uint64_t ciova, uint32_t prot)
{
	return map_at(ctx, child, piova, len, ciova, prot);
}

Test(ioas_nest, unmapped_parent_range_is_enoent)
{
	cr_assert_eq(nmap(P, PG, C, RW), -ENOENT);
	cr_assert_eq(nmap(P, 4 * PG, C, RO), -ENOENT);
	cr_assert_eq(unmap_range(ctx, child, C, 4 * PG, NULL), -ENOENT);
}

Test(ioas_nest, partly_mapped_parent_range_is_enoent)
{
	cr_assert_eq(map_at(ctx, parent, VA(mem), 4 * PG, P, RW), 0);
	cr_assert_eq(map_at(ctx, parent, VA(mem) + 5 * PG, 3 * PG, P + 5 * PG,
			    RW), 0);
	/* One page past either end, and across the hole at P + 4 pages. */
	cr_assert_eq(nmap(P - PG, 2 * PG, C, RW), -ENOENT);
	cr_assert_eq(nmap(P + 3 * PG, 2 * PG, C, RW), -ENOENT);
	cr_assert_eq(nmap(P, 8 * PG, C, RW), -ENOENT);
	cr_assert_eq(nmap(P + 7 * PG, 2 * PG, C, RW), -ENOENT);
	cr_assert_eq(unmap_all(ctx, child, NULL), 0);
	/* Either side of the hole alone is fine. */
	cr_assert_eq(nmap(P, 4 * PG, C, RW), 0);
	cr_assert_eq(nmap(P + 5 * PG, 3 * PG, C + 4 * PG, RW), 0);
}

Test(ioas_nest, write_on_a_read_only_parent_mapping_is_eacces)
{
	cr_assert_eq(map_at(ctx, parent, VA(mem), 4 * PG, P, RO), 0);
	cr_assert_eq(nmap(P, 4 * PG, C, RW), -EACCES);
	cr_assert_eq(nmap(P + PG, PG, C, WO), -EACCES);
	cr_assert_eq(unmap_range(ctx, child, C, 4 * PG, NULL), -ENOENT);
	cr_assert_eq(nmap(P, 4 * PG, C, RO), 0);
	assert_reads(dev.fd, C, mem, 4 * PG);
}

Test(ioas_nest, read_on_a_write_only_parent_mapping_is_eacces)
{
	cr_assert_eq(map_at(ctx, parent, VA(mem), 2 * PG, P, WO), 0);
	cr_assert_eq(nmap(P, 2 * PG, C, RO), -EACCES);
	cr_assert_eq(nmap(P, 2 * PG, C, WO), 0);
}

Test(ioas_nest, permissions_are_checked_on_every_parent_mapping)
{
	/* RW then read-only, back to back. */
	cr_assert_eq(map_at(ctx, parent, VA(mem), 4 * PG, P, RW), 0);
	cr_assert_eq(map_at(ctx, parent, VA(mem) + 4 * PG, 4 * PG, P + 4 * PG,
			    RO), 0);
	cr_assert_eq(nmap(P + 2 * PG, 4 * PG, C, RW), -EACCES);
	cr_assert_eq(nmap(P, 4 * PG, C, RW), 0);
	cr_assert_eq(nmap(P + 2 * PG, 4 * PG, C + 0x100000, RO), 0);
}

Test(ioas_nest, dma_composes_at_an_offset_inside_the_parent_mapping)
{
	uint8_t data[PG];

	cr_assert_eq(map_at(ctx, parent, VA(mem), 16 * PG, P, RW), 0);
	/* Child C -> parent pages 5..8 -> mem pages 5..8. */
	cr_assert_eq(nmap(P + 5 * PG, 4 * PG, C, RW), 0);
	assert_reads(dev.fd, C, mem + 5 * PG, 4 * PG);
	assert_unmapped(dev.fd, C + 4 * PG);
	assert_unmapped(dev.fd, C - PG);
	/* Writes land in mem page 7. */
	memset(data, 0x3c, sizeof(data));
	cr_assert_eq(dma_wr(dev.fd, C + 2 * PG, data, PG, NULL),
		     IOASID_MOCK_FAULT_NONE);
	cr_assert_eq(memcmp(mem + 7 * PG, data, PG), 0);
	cr_assert_eq(mem[6 * PG + PG - 1], pat(0x11, 7 * PG - 1));
	cr_assert_eq(mem[8 * PG], pat(0x11, 8 * PG));
}

Test(ioas_nest, dma_composes_across_two_parent_mappings)
{
	uint8_t *other = pbuf(4 * PG, 0x77), expect[6 * PG];

	/* Parent: [P, P+2) -> mem pages 10..11, [P+2, P+6) -> other. */
	cr_assert_eq(map_at(ctx, parent, VA(mem) + 10 * PG, 2 * PG, P, RW), 0);
	cr_assert_eq(map_at(ctx, parent, VA(other), 4 * PG, P + 2 * PG, RW),
		     0);
	cr_assert_eq(nmap(P, 6 * PG, C, RW), 0);
	memcpy(expect, mem + 10 * PG, 2 * PG);
	memcpy(expect + 2 * PG, other, 4 * PG);
	assert_reads(dev.fd, C, expect, 6 * PG);
	cr_assert_eq(unmap_all(ctx, child, NULL), 0);
	cr_assert_eq(unmap_all(ctx, parent, NULL), 0);
	munmap(other, 4 * PG);
}

Test(ioas_nest, child_permissions_limit_the_device)
{
	uint8_t data[64], copy[PG];

	memset(data, 0x5a, sizeof(data));
	cr_assert_eq(map_at(ctx, parent, VA(mem), 2 * PG, P, RW), 0);
	cr_assert_eq(nmap(P, 2 * PG, C, RO), 0);
	memcpy(copy, mem, PG);
	cr_assert_eq(dma_wr(dev.fd, C, data, sizeof(data), NULL),
		     IOASID_MOCK_FAULT_PROT);
	cr_assert_eq(memcmp(mem, copy, PG), 0);
	assert_reads(dev.fd, C, mem, 2 * PG);
}

Test(ioas_nest, parent_unmap_faults_the_child_which_stays_mapped)
{
	uint64_t out = 0;

	cr_assert_eq(map_at(ctx, parent, VA(mem), 8 * PG, P, RW), 0);
	cr_assert_eq(nmap(P, 8 * PG, C, RW), 0);
	assert_reads(dev.fd, C, mem, 8 * PG);
	cr_assert_eq(unmap_range(ctx, parent, P, 8 * PG, &out), 0);
	cr_assert_eq(out, 8 * PG);
	for (int p = 0; p < 8; p++)
		assert_unmapped(dev.fd, C + p * PG);
	/* The nested mapping is still there, whole. */
	cr_assert_eq(unmap_range(ctx, child, C, 8 * PG, &out), 0);
	cr_assert_eq(out, 8 * PG);
}

Test(ioas_nest, parent_cut_at_either_end_faults_only_there)
{
	uint64_t out = 0;

	cr_assert_eq(map_at(ctx, parent, VA(mem), 8 * PG, P, RW), 0);
	cr_assert_eq(nmap(P, 8 * PG, C, RW), 0);
	cr_assert_eq(unmap_range(ctx, parent, P, 2 * PG, &out), 0);
	cr_assert_eq(out, 2 * PG);
	cr_assert_eq(unmap_range(ctx, parent, P + 7 * PG, PG, &out), 0);
	cr_assert_eq(out, PG);
	for (int p = 0; p < 8; p++) {
		if (p < 2 || p == 7)
			assert_unmapped(dev.fd, C + p * PG);
		else
			assert_reads(dev.fd, C + p * PG, mem + p * PG, PG);
	}
}

Test(ioas_nest, parent_remap_with_other_memory_shows_through)
{
	uint8_t *a = pbuf(2 * PG, 0xa0), *b = pbuf(2 * PG, 0xb0);
	uint8_t expect[4 * PG];

	cr_assert_eq(map_at(ctx, parent, VA(mem), 4 * PG, P, RW), 0);
	cr_assert_eq(nmap(P, 4 * PG, C, RW), 0);
	cr_assert_eq(unmap_all(ctx, parent, NULL), 0);
	assert_unmapped(dev.fd, C);
	/* Back in two pieces of different memory, in reverse order. */
	cr_assert_eq(map_at(ctx, parent, VA(b), 2 * PG, P + 2 * PG, RW), 0);
	assert_unmapped(dev.fd, C);
	assert_reads(dev.fd, C + 2 * PG, b, 2 * PG);
	cr_assert_eq(map_at(ctx, parent, VA(a), 2 * PG, P, RW), 0);
	memcpy(expect, a, 2 * PG);
	memcpy(expect + 2 * PG, b, 2 * PG);
	assert_reads(dev.fd, C, expect, 4 * PG);
	cr_assert_eq(unmap_all(ctx, parent, NULL), 0);
	munmap(a, 2 * PG);
	munmap(b, 2 * PG);
}

Test(ioas_nest, nested_map_and_unmap_pin_and_charge_nothing)
{
	uint64_t after_parent, out = 0;
	long lck;

	cr_assert_eq(map_at(ctx, parent, VA(mem), 16 * PG, P, RW), 0);
	after_parent = pinned();
	cr_assert_eq(after_parent - base, 16);
	lck = vmlck_kb();
	cr_assert_eq(nmap(P, 16 * PG, C, RW), 0);
	cr_assert_eq(nmap(P, 16 * PG, C + 0x1000000, RO), 0);
	cr_assert_eq(pinned(), after_parent);
	cr_assert_eq(vmlck_kb(), lck);
	cr_assert_eq(unmap_range(ctx, child, C + 4 * PG, 4 * PG, &out), 0);
	cr_assert_eq(out, 4 * PG);
	cr_assert_eq(unmap_all(ctx, child, &out), 0);
	cr_assert_eq(out, 28 * PG);
	cr_assert_eq(pinned(), after_parent);
	cr_assert_eq(vmlck_kb(), lck);
	cr_assert_eq(unmap_all(ctx, parent, &out), 0);
	cr_assert_eq(out, 16 * PG);
	cr_assert_eq(pinned(), base);
}

Test(ioas_nest, kernel_chosen_child_iova)
{
	uint64_t a = 0, b = 0;

	cr_assert_eq(map_at(ctx, parent, VA(mem), 8 * PG, P, RW), 0);
	cr_assert_eq(map_any(ctx, child, P, 4 * PG, RW, &a), 0);
	cr_assert_eq(map_any(ctx, child, P + 4 * PG, 4 * PG, RW, &b), 0);
	cr_assert_neq(a, 0);
	cr_assert_neq(b, 0);
	cr_assert_eq(a % PG, 0);
	cr_assert_eq(b % PG, 0);
	cr_assert(a + 4 * PG <= b || b + 4 * PG <= a);
	assert_reads(dev.fd, a, mem, 4 * PG);
	assert_reads(dev.fd, b, mem + 4 * PG, 4 * PG);
}

Test(ioas_nest, child_overlap_is_eexist_even_for_other_parent_iova)
{
	cr_assert_eq(map_at(ctx, parent, VA(mem), 8 * PG, P, RW), 0);
	cr_assert_eq(nmap(P, 4 * PG, C, RW), 0);
	cr_assert_eq(nmap(P + 4 * PG, 4 * PG, C + 2 * PG, RW), -EEXIST);
	cr_assert_eq(nmap(P + 4 * PG, 4 * PG, C + 4 * PG, RW), 0);
	assert_reads(dev.fd, C, mem, 8 * PG);
}

Test(ioas_nest, nested_map_argument_errors)
{
	uint64_t iova;

	cr_assert_eq(map_at(ctx, parent, VA(mem), 4 * PG, P, RW), 0);
	cr_assert_eq(nmap(P + 0x10, PG, C, RW), -EINVAL);
	cr_assert_eq(nmap(P, PG, C + 0x10, RW), -EINVAL);
	cr_assert_eq(nmap(P, 0, C, RW), -EINVAL);
	cr_assert_eq(nmap(P, PG, C, 0), -EINVAL);
	cr_assert_eq(nmap(-PG, 2 * PG, C, RW), -EOVERFLOW);
	cr_assert_eq(nmap(P, 2 * PG, -PG, RW), -EOVERFLOW);
	cr_assert_eq(map_any(ctx, child, -2 * PG, 4 * PG, RO, &iova),
		     -EOVERFLOW);
	cr_assert_eq(unmap_all(ctx, child, &iova), 0);
	cr_assert_eq(iova, 0);
}

Test(ioas_nest, reserved_region_of_the_childs_device_is_eaddrinuse)
{
	struct mock m;

	cr_assert_eq(mock_create_full(IOASID_MOCK_NEW_GROUP, 0, 0x8000000,
				      0x100000, &m), 0);
	cr_assert_eq(dev_bind(m.fd, ctx, NULL), 0);
	cr_assert_eq(dev_attach(m.fd, child), 0);
	cr_assert_eq(map_at(ctx, parent, VA(mem), 4 * PG, P, RW), 0);
	cr_assert_eq(nmap(P, 4 * PG, 0x8000000 - 2 * PG, RW), -EADDRINUSE);
	cr_assert_eq(nmap(P, 4 * PG, 0x8000000 - 4 * PG, RW), 0);
	/* The parent is not restricted by its child's device. */
	cr_assert_eq(unmap_all(ctx, parent, NULL), 0);
	cr_assert_eq(map_at(ctx, parent, VA(mem), 4 * PG, 0x8000000, RW), 0);
	close(m.fd);
}

Test(ioas_nest, closing_everything_with_nested_mappings_unpins_all)
{
	int c2 = ioasid_open();
	uint32_t p2 = ioas_new(c2), k2 = ioas_new_nested(c2, p2);
	struct mock m = mock_new(0);
	uint32_t live = test_stats().out_ioas;

	cr_assert_eq(dev_bind(m.fd, c2, NULL), 0);
	cr_assert_eq(dev_attach(m.fd, k2), 0);
	cr_assert_eq(map_at(c2, p2, VA(mem), 16 * PG, P, RW), 0);
	cr_assert_eq(map_at(c2, k2, P, 16 * PG, C, RW), 0);
	cr_assert_eq(pinned() - base, 16);
	assert_reads(m.fd, C, mem, 16 * PG);
	close(m.fd);
	close(c2);
	cr_assert_eq(pinned(), base);
	cr_assert_eq(test_stats().out_ioas, live - 2);
}

Test(ioas_nest, kernel_chosen_child_iova_keeps_the_parent_offset)
{
	const uint64_t mb2 = 2ull << 20;
	uint8_t *big = pbuf(mb2 + 4 * PG, 0x21);
	uint64_t a = 0, b = 0;

	cr_assert_eq(map_at(ctx, parent, VA(big), mb2 + 4 * PG, P, RW), 0);
	/* 3 pages: offset kept modulo 2 pages; 2 MiB: modulo 2 MiB. */
	cr_assert_eq(map_any(ctx, child, P + PG, 3 * PG, RW, &a), 0);
	cr_assert_eq(a % (2 * PG), PG, "iova %#llx", (unsigned long long)a);
	cr_assert_eq(map_any(ctx, child, P + 3 * PG, mb2, RO, &b), 0);
	cr_assert_eq(b % mb2, 3 * PG, "iova %#llx", (unsigned long long)b);
	cr_assert(a + 3 * PG <= b || b + mb2 <= a);
	assert_reads(dev.fd, a, big + PG, 3 * PG);
	assert_reads(dev.fd, b + mb2 - 4 * PG, big + 3 * PG + mb2 - 4 * PG,
		     4 * PG);
	cr_assert_eq(unmap_all(ctx, child, NULL), 0);
	cr_assert_eq(unmap_all(ctx, parent, NULL), 0);
	munmap(big, mb2 + 4 * PG);
}

Test(ioas_nest, child_cuts_survive_a_parent_remap)
{
	uint8_t *other = pbuf(8 * PG, 0xcc);
	uint64_t out = 0;

	cr_assert_eq(map_at(ctx, parent, VA(mem), 8 * PG, P, RW), 0);
	cr_assert_eq(nmap(P, 8 * PG, C, RW), 0);
	/* The child cuts page 3 and page 7: pieces [0,3) and [4,7). */
	cr_assert_eq(unmap_range(ctx, child, C + 3 * PG, PG, &out), 0);
	cr_assert_eq(out, PG);
	cr_assert_eq(unmap_range(ctx, child, C + 7 * PG, PG, &out), 0);
	cr_assert_eq(out, PG);
	/* The parent swaps the memory under all of it. */
	cr_assert_eq(unmap_all(ctx, parent, NULL), 0);
	cr_assert_eq(map_at(ctx, parent, VA(other), 8 * PG, P, RW), 0);
	for (int p = 0; p < 8; p++) {
		if (p == 3 || p == 7)
			assert_unmapped(dev.fd, C + p * PG);
		else
			assert_reads(dev.fd, C + p * PG, other + p * PG, PG);
	}
	cr_assert_eq(unmap_all(ctx, child, &out), 0);
	cr_assert_eq(out, 6 * PG);
	cr_assert_eq(unmap_all(ctx, parent, NULL), 0);
	munmap(other, 8 * PG);
}

Test(ioas_nest, attach_after_a_parent_cut_translates_only_what_is_backed)
{
	uint8_t *other = pbuf(2 * PG, 0xdd);

	cr_assert_eq(dev_detach(dev.fd), 0);
	cr_assert_eq(map_at(ctx, parent, VA(mem), 8 * PG, P, RW), 0);
	cr_assert_eq(nmap(P, 8 * PG, C, RW), 0);
	cr_assert_eq(unmap_range(ctx, parent, P + 2 * PG, 2 * PG, NULL), 0);
	cr_assert_eq(dev_attach(dev.fd, child), 0);
	for (int p = 0; p < 8; p++) {
		if (p == 2 || p == 3)
			assert_unmapped(dev.fd, C + p * PG);
		else
			assert_reads(dev.fd, C + p * PG, mem + p * PG, PG);
	}
	/* The hole filled with other memory shows through at once. */
	cr_assert_eq(map_at(ctx, parent, VA(other), 2 * PG, P + 2 * PG, RW),
		     0);
	assert_reads(dev.fd, C + 2 * PG, other, 2 * PG);
	assert_reads(dev.fd, C + 4 * PG, mem + 4 * PG, PG);
	cr_assert_eq(unmap_all(ctx, parent, NULL), 0);
	munmap(other, 2 * PG);
}

Test(ioas_nest, parent_and_child_devices_see_the_same_cut)
{
	struct mock pdev = mock_new(0);
	uint64_t out = 0;

	cr_assert_eq(dev_bind(pdev.fd, ctx, NULL), 0);
	cr_assert_eq(dev_attach(pdev.fd, parent), 0);
	cr_assert_eq(map_at(ctx, parent, VA(mem), 16 * PG, P, RW), 0);
	cr_assert_eq(nmap(P + 4 * PG, 8 * PG, C, RW), 0);
	/* Parent pages 6..9 go: child pages 2..5. */
	cr_assert_eq(unmap_range(ctx, parent, P + 6 * PG, 4 * PG, &out), 0);
	cr_assert_eq(out, 4 * PG);
	for (int p = 0; p < 16; p++) {
		bool cut = p >= 6 && p < 10;

		if (cut)
			assert_unmapped(pdev.fd, P + p * PG);
		else
			assert_reads(pdev.fd, P + p * PG, mem + p * PG, PG);
		if (p < 4 || p >= 12)
			continue;
		if (cut)
			assert_unmapped(dev.fd, C + (p - 4) * PG);
		else
			assert_reads(dev.fd, C + (p - 4) * PG, mem + p * PG,
				     PG);
	}
	cr_assert_eq(pinned() - base, 12);
	close(pdev.fd);
}

/*
 * The parent mapped first, a device on the child, a nested mapping, then a
 * device on the parent (the state of the fail-nth sweep's "close, all
 * live"); either device closed first leaves the other translating, and
 * closing everything unpins all.
 */
Test(ioas_nest, devices_on_parent_and_child_close_in_either_order)
{
	for (int order = 0; order < 2; order++) {
		int c = ioasid_open();
		uint32_t p = ioas_new(c), ch;
		struct mock cdev, pdev;

		cr_assert_eq(map_at(c, p, VA(mem), 16 * PG, P, RW), 0);
		ch = ioas_new_nested(c, p);
		cdev = mock_new(0);
		cr_assert_eq(dev_bind(cdev.fd, c, NULL), 0);
		cr_assert_eq(dev_attach(cdev.fd, ch), 0);
		cr_assert_eq(map_at(c, ch, P, 16 * PG, C, RW), 0);
		pdev = mock_new(0);
		cr_assert_eq(dev_bind(pdev.fd, c, NULL), 0);
		cr_assert_eq(dev_attach(pdev.fd, p), 0);
		assert_reads(cdev.fd, C, mem, 16 * PG);
		assert_reads(pdev.fd, P, mem, 16 * PG);
		cr_assert_eq(pinned() - base, 16);

		close(order ? cdev.fd : pdev.fd);
		assert_reads(order ? pdev.fd : cdev.fd, order ? P : C, mem,
			     16 * PG);
		close(order ? pdev.fd : cdev.fd);
		close(c);
		cr_assert_eq(pinned(), base);
	}
}
