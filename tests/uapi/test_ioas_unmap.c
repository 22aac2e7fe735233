// SPDX-License-Identifier: GPL-2.0
/*
 * IOASID_IOAS_UNMAP against ioasid.h (suite ioas_unmapping): cuts in the
 * middle and at either end of a mapping, cuts across adjacent mappings,
 * ranges that start and end in holes, comb-like repeated cuts.  After each
 * cut a mock device checks that the survivors still translate to exactly
 * the right bytes (reads and writes), that the cut part faults at its
 * first page, and the reported length is the bytes actually unmapped.
 * Also every argument error: -ENOENT, -EINVAL, -EOVERFLOW, -EOPNOTSUPP,
 * each leaving the mappings alone.
 */
#include "ioas_util.h"

/* Every test: a mock device attached, 16 patterned pages, mapped at X. */
#define X	0x1000000ull

static struct ioas_rig r;
static uint8_t *mem;
static uint64_t base;

static void up(void)
{
	base = pinned();
	r = ioas_rig_up();
	mem = pbuf(16 * PG, 0x40);
}

static void down(void)
{
	ioas_rig_down(&r);
	munmap(mem, 16 * PG);
	cr_assert_eq(pinned(), base, "pins leaked");
}

TestSuite(ioas_unmapping, .init = up, .fini = down);

static int cut(uint64_t iova, uint64_t len, uint64_t *out)
{
	return unmap_range(r.ctx, r.ioas, iova, len, out);
}

/* Page @p of the mapping at X reads mem page @p, or faults if @hole. */
static void check_page(int p, bool hole)
{
	if (hole)
		assert_unmapped(r.dev.fd, X + p * PG);
	else
		assert_reads(r.dev.fd, X + p * PG, mem + p * PG, PG);
}

Test(ioas_unmapping, exact_range_reports_its_length_and_faults)
{
	uint64_t out = 0;

	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 8 * PG, X, RW), 0);
	cr_assert_eq(cut(X, 8 * PG, &out), 0);
	cr_assert_eq(out, 8 * PG);
	for (int p = 0; p < 8; p++)
		check_page(p, true);
	cr_assert_eq(pinned(), base);
}

Test(ioas_unmapping, one_page_out_of_the_middle)
{
	uint64_t out = 0, done, fiova;
	uint8_t buf[3 * PG];

	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 16 * PG, X, RW), 0);
	cr_assert_eq(cut(X + 7 * PG, PG, &out), 0);
	cr_assert_eq(out, PG);
	cr_assert_eq(pinned() - base, 15);
	for (int p = 0; p < 16; p++)
		check_page(p, p == 7);
	/* A read across the cut stops exactly at it. */
	cr_assert_eq(dma_rd(r.dev.fd, X + 6 * PG + 100, buf, 3 * PG, &done,
			    &fiova), IOASID_MOCK_FAULT_UNMAPPED);
	cr_assert_eq(done, PG - 100);
	cr_assert_eq(fiova, X + 7 * PG);
	cr_assert_eq(memcmp(buf, mem + 6 * PG + 100, done), 0);
	/* The two survivors are separate mappings of 7 and 8 pages. */
	cr_assert_eq(cut(X, 7 * PG, &out), 0);
	cr_assert_eq(out, 7 * PG);
	cr_assert_eq(cut(X + 8 * PG, 8 * PG, &out), 0);
	cr_assert_eq(out, 8 * PG);
	cr_assert_eq(pinned(), base);
}

Test(ioas_unmapping, cut_at_the_start)
{
	uint64_t out = 0;

	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 8 * PG, X, RW), 0);
	cr_assert_eq(cut(X, 3 * PG, &out), 0);
	cr_assert_eq(out, 3 * PG);
	cr_assert_eq(pinned() - base, 5);
	for (int p = 0; p < 8; p++)
		check_page(p, p < 3);
	cr_assert_eq(cut(X, 8 * PG, &out), 0);
	cr_assert_eq(out, 5 * PG);
}

Test(ioas_unmapping, cut_at_the_end)
{
	uint64_t out = 0;

	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 8 * PG, X, RW), 0);
	cr_assert_eq(cut(X + 5 * PG, 3 * PG, &out), 0);
	cr_assert_eq(out, 3 * PG);
	cr_assert_eq(pinned() - base, 5);
	for (int p = 0; p < 8; p++)
		check_page(p, p >= 5);
	cr_assert_eq(cut(X, 8 * PG, &out), 0);
	cr_assert_eq(out, 5 * PG);
}

Test(ioas_unmapping, writes_after_a_cut_land_in_the_right_pages)
{
	uint8_t data[2 * PG], before[16 * PG];
	uint64_t out = 0;

	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 16 * PG, X, RW), 0);
	cr_assert_eq(cut(X + 4 * PG, 4 * PG, &out), 0);
	cr_assert_eq(out, 4 * PG);
	memcpy(before, mem, sizeof(before));
	memset(data, 0xe7, sizeof(data));
	/* Into the tail piece (pages 8..15) and the head piece (0..3). */
	cr_assert_eq(dma_wr(r.dev.fd, X + 10 * PG, data, 2 * PG, NULL),
		     IOASID_MOCK_FAULT_NONE);
	cr_assert_eq(dma_wr(r.dev.fd, X + 3 * PG, data, PG, NULL),
		     IOASID_MOCK_FAULT_NONE);
	/* Into the cut: nothing is written. */
	cr_assert_eq(dma_wr(r.dev.fd, X + 5 * PG, data, PG, NULL),
		     IOASID_MOCK_FAULT_UNMAPPED);
	for (int p = 0; p < 16; p++) {
		bool hit = p == 3 || p == 10 || p == 11;

		if (hit)
			cr_assert_eq(memcmp(mem + p * PG, data, PG), 0,
				     "page %d", p);
		else
			cr_assert_eq(memcmp(mem + p * PG, before + p * PG, PG),
				     0, "page %d changed", p);
	}
}

Test(ioas_unmapping, range_wider_than_the_mapping_counts_only_what_was_mapped)
{
	uint64_t out = 0;

	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 8 * PG, X, RW), 0);
	cr_assert_eq(cut(X - 4 * PG, 16 * PG, &out), 0);
	cr_assert_eq(out, 8 * PG);
	cr_assert_eq(pinned(), base);
}

Test(ioas_unmapping, range_starting_and_ending_in_holes)
{
	uint64_t out = 0;

	/* Pages [1,3) [4,7) [9,10) of a 12-page window at X. */
	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem) + PG, 2 * PG, X + PG, RW),
		     0);
	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem) + 4 * PG, 3 * PG,
			    X + 4 * PG, RW), 0);
	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem) + 9 * PG, PG, X + 9 * PG,
			    RW), 0);
	cr_assert_eq(pinned() - base, 6);
	cr_assert_eq(cut(X, 12 * PG, &out), 0);
	cr_assert_eq(out, 6 * PG);
	for (int p = 0; p < 12; p++)
		check_page(p, true);
	cr_assert_eq(pinned(), base);
}

Test(ioas_unmapping, cut_across_two_adjacent_mappings)
{
	uint64_t out = 0;

	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 8 * PG, X, RW), 0);
	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem) + 8 * PG, 8 * PG,
			    X + 8 * PG, RW), 0);
	cr_assert_eq(cut(X + 6 * PG, 4 * PG, &out), 0);
	cr_assert_eq(out, 4 * PG);
	cr_assert_eq(pinned() - base, 12);
	for (int p = 0; p < 16; p++)
		check_page(p, p >= 6 && p < 10);
	cr_assert_eq(cut(X, 6 * PG, &out), 0);
	cr_assert_eq(out, 6 * PG);
	cr_assert_eq(cut(X + 10 * PG, 6 * PG, &out), 0);
	cr_assert_eq(out, 6 * PG);
}

Test(ioas_unmapping, comb_of_single_page_cuts)
{
	uint64_t out = 0;

	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 16 * PG, X, RW), 0);
	for (int p = 1; p < 16; p += 2) {
		cr_assert_eq(cut(X + p * PG, PG, &out), 0, "page %d", p);
		cr_assert_eq(out, PG);
	}
	cr_assert_eq(pinned() - base, 8);
	for (int p = 0; p < 16; p++)
		check_page(p, p & 1);
	cr_assert_eq(unmap_all(r.ctx, r.ioas, &out), 0);
	cr_assert_eq(out, 8 * PG);
	cr_assert_eq(pinned(), base);
}

Test(ioas_unmapping, nothing_mapped_in_the_range_is_enoent)
{
	uint64_t out = 0;

	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 4 * PG, X, RW), 0);
	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem) + 4 * PG, 4 * PG,
			    X + 8 * PG, RW), 0);
	/* The hole between, exactly; the pages touching either side. */
	cr_assert_eq(cut(X + 4 * PG, 4 * PG, NULL), -ENOENT);
	cr_assert_eq(cut(X - PG, PG, NULL), -ENOENT);
	cr_assert_eq(cut(X + 12 * PG, PG, NULL), -ENOENT);
	cr_assert_eq(cut(0x40000000, 16 * PG, NULL), -ENOENT);
	cr_assert_eq(pinned() - base, 8);
	cr_assert_eq(unmap_all(r.ctx, r.ioas, &out), 0);
	cr_assert_eq(out, 8 * PG);
}

Test(ioas_unmapping, unmap_all_counts_every_piece)
{
	uint64_t out = 0, iova;

	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 6 * PG, X, RW), 0);
	cr_assert_eq(map_any(r.ctx, r.ioas, VA(mem) + 6 * PG, 3 * PG, RO,
			     &iova), 0);
	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem) + 9 * PG, 7 * PG,
			    0x7000000, RW), 0);
	cr_assert_eq(cut(X + 2 * PG, PG, &out), 0);
	cr_assert_eq(pinned() - base, 15);
	cr_assert_eq(unmap_all(r.ctx, r.ioas, &out), 0);
	cr_assert_eq(out, 15 * PG);
	cr_assert_eq(pinned(), base);
	assert_unmapped(r.dev.fd, X);
	assert_unmapped(r.dev.fd, iova);
	assert_unmapped(r.dev.fd, 0x7000000);
}

Test(ioas_unmapping, unmap_all_with_a_range_is_einval_and_keeps_mappings)
{
	struct ioasid_ioas_unmap u = {
		.size = sizeof(u), .flags = IOASID_IOAS_UNMAP_ALL,
		.ioas_id = r.ioas, .iova = X, .length = 4 * PG,
	};

	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 4 * PG, X, RW), 0);
	cr_assert_eq(ioc(r.ctx, IOASID_IOAS_UNMAP, &u), -EINVAL);
	cr_assert_eq(pinned() - base, 4);
	check_page(0, false);
	check_page(3, false);
}

Test(ioas_unmapping, misaligned_range_is_einval_and_unmaps_nothing)
{
	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 4 * PG, X, RW), 0);
	cr_assert_eq(cut(X + PG / 2, PG, NULL), -EINVAL);
	cr_assert_eq(cut(X + 1, 2 * PG, NULL), -EINVAL);
	cr_assert_eq(cut(X, PG + 0x10, NULL), -EINVAL);
	cr_assert_eq(cut(X, 4 * PG - 1, NULL), -EINVAL);
	cr_assert_eq(pinned() - base, 4);
	for (int p = 0; p < 4; p++)
		check_page(p, false);
}

Test(ioas_unmapping, zero_length_is_einval_even_over_a_mapping)
{
	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 2 * PG, X, RW), 0);
	cr_assert_eq(cut(X, 0, NULL), -EINVAL);
	cr_assert_eq(pinned() - base, 2);
	check_page(0, false);
}

Test(ioas_unmapping, wrap_is_eoverflow_but_the_last_page_is_fine)
{
	/* No device here: the top of the 64-bit space is mappable. */
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);
	uint64_t out = 0, b = pinned();

	cr_assert_eq(map_at(ctx, ioas, VA(mem), 2 * PG, -2 * PG, RW), 0);
	cr_assert_eq(unmap_range(ctx, ioas, -PG, 2 * PG, NULL), -EOVERFLOW);
	cr_assert_eq(unmap_range(ctx, ioas, -2 * PG, -PG, NULL), -EOVERFLOW);
	cr_assert_eq(pinned() - b, 2);
	/* Ending exactly at 2^64 - 1 does not wrap. */
	cr_assert_eq(unmap_range(ctx, ioas, -PG, PG, &out), 0);
	cr_assert_eq(out, PG);
	cr_assert_eq(unmap_range(ctx, ioas, 0, -PG, &out), 0);
	cr_assert_eq(out, PG);
	cr_assert_eq(pinned(), b);
	close(ctx);
}

Test(ioas_unmapping, ioas_id_that_is_no_ioas_is_enoent)
{
	uint32_t dead = ioas_new(r.ctx), dev_id = dev_info(r.dev.fd).out_dev_id;

	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 2 * PG, X, RW), 0);
	cr_assert_eq(obj_destroy(r.ctx, dead), 0);
	cr_assert_eq(unmap_range(r.ctx, dead, X, 2 * PG, NULL), -ENOENT);
	cr_assert_eq(unmap_range(r.ctx, dev_id, X, 2 * PG, NULL), -ENOENT);
	cr_assert_eq(unmap_all(r.ctx, dead, NULL), -ENOENT);
	cr_assert_eq(pinned() - base, 2);
	check_page(1, false);
}

Test(ioas_unmapping, another_context_cannot_unmap)
{
	int other = ioasid_open();

	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 2 * PG, X, RW), 0);
	cr_assert_eq(unmap_range(other, r.ioas, X, 2 * PG, NULL), -ENOENT);
	cr_assert_eq(unmap_all(other, r.ioas, NULL), -ENOENT);
	close(other);
	cr_assert_eq(pinned() - base, 2);
	check_page(0, false);
}

Test(ioas_unmapping, nonzero_reserved_field_is_eopnotsupp)
{
	struct ioasid_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = r.ioas, .__reserved = 1,
		.iova = X, .length = 2 * PG,
	};

	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 2 * PG, X, RW), 0);
	cr_assert_eq(ioc(r.ctx, IOASID_IOAS_UNMAP, &u), -EOPNOTSUPP);
	u.flags = IOASID_IOAS_UNMAP_ALL;
	u.iova = 0;
	u.length = 0;
	cr_assert_eq(ioc(r.ctx, IOASID_IOAS_UNMAP, &u), -EOPNOTSUPP);
	cr_assert_eq(pinned() - base, 2);
	check_page(0, false);
}

Test(ioas_unmapping, cut_range_can_be_mapped_again_with_other_memory)
{
	uint8_t *other = pbuf(4 * PG, 0x99);
	uint64_t out = 0;

	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 12 * PG, X, RW), 0);
	cr_assert_eq(cut(X + 4 * PG, 4 * PG, &out), 0);
	cr_assert_eq(map_at(r.ctx, r.ioas, VA(other), 4 * PG, X + 4 * PG, RW),
		     0);
	cr_assert_eq(pinned() - base, 12);
	assert_reads(r.dev.fd, X + 4 * PG, other, 4 * PG);
	check_page(3, false);
	check_page(8, false);
	/* Overlapping the survivors is still refused. */
	cr_assert_eq(map_at(r.ctx, r.ioas, VA(other), 2 * PG, X + 7 * PG, RW),
		     -EEXIST);
	cr_assert_eq(unmap_all(r.ctx, r.ioas, &out), 0);
	cr_assert_eq(out, 12 * PG);
	munmap(other, 4 * PG);
}
