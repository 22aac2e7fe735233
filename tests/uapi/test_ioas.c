// SPDX-License-Identifier: GPL-2.0
/*
 * IOAS objects and IOASID_IOAS_MAP against ioasid.h, beyond what
 * test_ioas_uapi.c already checks:
 *  - ioas_life: alloc and destroy (ids, counts, -ENOENT/-EBUSY/-EINVAL/
 *    -EOPNOTSUPP, an alloc whose answer cannot be written leaves no IOAS,
 *    destroy with split mappings unpins everything);
 *  - ioas_iova: IOASID_IOAS_IOVA_RANGES (page alignment, -EMSGSIZE with the
 *    needed count and no write past the room, several and overlapping
 *    reserved regions, regions at the aperture's edges, nested IOAS,
 *    detach/unbind/close and refused attaches);
 *  - ioas_mapping: IOASID_IOAS_MAP at the edges of the IOVA space and the
 *    aperture, kernel-chosen IOVAs that avoid mappings and reserved ranges
 *    (-ENOSPC when nothing fits), every kind of overlap, and each argument
 *    error leaving no pin, no charge and no mapping behind (also a 1 TiB
 *    request over 4 pages of memory, which must fail quietly with -EFAULT,
 *    and a map whose chosen IOVA cannot be written back).
 */
#include <fcntl.h>
#include <stdlib.h>

#include "ioas_util.h"

TestSuite(ioas_life);
TestSuite(ioas_iova);
TestSuite(ioas_mapping);

/* --- ioas_life ------------------------------------------------------------ */

Test(ioas_life, ids_are_distinct_and_counted)
{
	uint32_t live = test_stats().out_ioas;
	int ctx = ioasid_open();
	uint32_t a = ioas_new(ctx), b = ioas_new(ctx);
	uint32_t c = ioas_new_nested(ctx, a);

	cr_assert(a != b && b != c && a != c, "ids %u %u %u", a, b, c);
	cr_assert_eq(test_stats().out_ioas, live + 3);
	cr_assert_eq(obj_destroy(ctx, c), 0);
	cr_assert_eq(obj_destroy(ctx, b), 0);
	cr_assert_eq(test_stats().out_ioas, live + 1);
	close(ctx);
	cr_assert_eq(test_stats().out_ioas, live);
}

Test(ioas_life, destroyed_ioas_is_gone_for_every_ioctl)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx), n = 1;
	uint8_t *mem = pbuf(PG, 1);
	struct ioasid_iova_range r;

	cr_assert_eq(obj_destroy(ctx, ioas), 0);
	cr_assert_eq(obj_destroy(ctx, ioas), -ENOENT);
	cr_assert_eq(map_at(ctx, ioas, VA(mem), PG, 0x100000, RW), -ENOENT);
	cr_assert_eq(unmap_range(ctx, ioas, 0x100000, PG, NULL), -ENOENT);
	cr_assert_eq(iova_ranges(ctx, ioas, &n, &r, NULL), -ENOENT);
	cr_assert_eq(ioas_alloc_raw(ctx, IOASID_IOAS_ALLOC_NESTED, ioas, NULL),
		     -ENOENT);
	close(ctx);
}

Test(ioas_life, another_contexts_ioas_cannot_be_destroyed)
{
	int a = ioasid_open(), b = ioasid_open();
	uint32_t ioas = ioas_new(a);
	uint8_t *mem = pbuf(PG, 2);

	cr_assert_eq(obj_destroy(b, ioas), -ENOENT);
	/* Still alive in its own context. */
	cr_assert_eq(map_at(a, ioas, VA(mem), PG, 0x100000, RW), 0);
	cr_assert_eq(obj_destroy(a, ioas), 0);
	close(a);
	close(b);
}

Test(ioas_life, destroy_while_attached_is_ebusy_and_keeps_everything)
{
	struct ioas_rig r = ioas_rig_up();
	uint8_t *mem = pbuf(4 * PG, 3);
	uint64_t base = pinned();

	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 4 * PG, 0x200000, RW), 0);
	cr_assert_eq(obj_destroy(r.ctx, r.ioas), -EBUSY);
	/* Refused means untouched: still mapped, pinned and translated. */
	cr_assert_eq(pinned() - base, 4);
	assert_reads(r.dev.fd, 0x200000, mem, 4 * PG);
	cr_assert_eq(dev_detach(r.dev.fd), 0);
	cr_assert_eq(obj_destroy(r.ctx, r.ioas), 0);
	cr_assert_eq(pinned(), base);
	ioas_rig_down(&r);
}

Test(ioas_life, destroy_while_a_pasid_is_attached_is_ebusy)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx), pasid;
	struct mock m = mock_new(IOASID_MOCK_PASID);

	cr_assert_eq(dev_bind(m.fd, ctx, NULL), 0);
	cr_assert_eq(pasid_alloc(ctx, 0, 0, &pasid), 0);
	cr_assert_eq(dev_attach_pasid(m.fd, ioas, pasid), 0);
	cr_assert_eq(obj_destroy(ctx, ioas), -EBUSY);
	cr_assert_eq(dev_detach_pasid(m.fd, pasid), 0);
	cr_assert_eq(obj_destroy(ctx, ioas), 0);
	close(m.fd);
	close(ctx);
}

Test(ioas_life, destroy_parent_of_a_nested_ioas_is_ebusy)
{
	uint32_t live = test_stats().out_ioas;
	int ctx = ioasid_open();
	uint32_t parent = ioas_new(ctx), child = ioas_new_nested(ctx, parent);

	/* No device anywhere: the child alone holds the parent. */
	cr_assert_eq(obj_destroy(ctx, parent), -EBUSY);
	cr_assert_eq(test_stats().out_ioas, live + 2);
	cr_assert_eq(obj_destroy(ctx, child), 0);
	cr_assert_eq(obj_destroy(ctx, parent), 0);
	cr_assert_eq(test_stats().out_ioas, live);
	close(ctx);
}

Test(ioas_life, destroy_of_an_attached_nested_ioas_is_ebusy)
{
	int ctx = ioasid_open();
	uint32_t parent = ioas_new(ctx), child = ioas_new_nested(ctx, parent);
	struct mock m = mock_new(0);

	cr_assert_eq(dev_bind(m.fd, ctx, NULL), 0);
	cr_assert_eq(dev_attach(m.fd, child), 0);
	cr_assert_eq(obj_destroy(ctx, child), -EBUSY);
	cr_assert_eq(obj_destroy(ctx, parent), -EBUSY);
	cr_assert_eq(dev_detach(m.fd), 0);
	cr_assert_eq(obj_destroy(ctx, child), 0);
	cr_assert_eq(obj_destroy(ctx, parent), 0);
	close(m.fd);
	close(ctx);
}

Test(ioas_life, unknown_flag_bits_are_eopnotsupp_and_allocate_nothing)
{
	uint32_t live = test_stats().out_ioas;
	int ctx = ioasid_open();
	uint32_t parent = ioas_new(ctx);

	cr_assert_eq(ioas_alloc_raw(ctx, 1u << 31, 0, NULL), -EOPNOTSUPP);
	cr_assert_eq(ioas_alloc_raw(ctx, IOASID_IOAS_ALLOC_NESTED | 1u << 1,
				    parent, NULL), -EOPNOTSUPP);
	cr_assert_eq(test_stats().out_ioas, live + 1);
	/* The parent gained no child: it can go. */
	cr_assert_eq(obj_destroy(ctx, parent), 0);
	close(ctx);
}

Test(ioas_life, parent_id_without_nested_is_einval_even_if_unknown)
{
	uint32_t live = test_stats().out_ioas;
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);

	cr_assert_eq(ioas_alloc_raw(ctx, 0, ioas, NULL), -EINVAL);
	/* Not -ENOENT: without NESTED any parent_id is wrong. */
	cr_assert_eq(ioas_alloc_raw(ctx, 0, 0xdead, NULL), -EINVAL);
	cr_assert_eq(test_stats().out_ioas, live + 1);
	cr_assert_eq(obj_destroy(ctx, ioas), 0);
	close(ctx);
}

Test(ioas_life, nested_of_nested_is_einval_and_leaves_the_chain_intact)
{
	uint32_t live = test_stats().out_ioas;
	int ctx = ioasid_open();
	uint32_t parent = ioas_new(ctx), child = ioas_new_nested(ctx, parent);

	cr_assert_eq(ioas_alloc_raw(ctx, IOASID_IOAS_ALLOC_NESTED, child, NULL),
		     -EINVAL);
	cr_assert_eq(test_stats().out_ioas, live + 2);
	/* The failed grandchild does not hold the child. */
	cr_assert_eq(obj_destroy(ctx, child), 0);
	cr_assert_eq(obj_destroy(ctx, parent), 0);
	close(ctx);
}

Test(ioas_life, nested_needs_an_ioas_of_this_context)
{
	int ctx = ioasid_open(), other = ioasid_open();
	uint32_t foreign = ioas_new(other);
	struct mock m = mock_new(0);
	uint32_t dev_id;

	/* 0 is no IOAS; neither is another context's IOAS, nor a device. */
	cr_assert_eq(ioas_alloc_raw(ctx, IOASID_IOAS_ALLOC_NESTED, 0, NULL),
		     -ENOENT);
	cr_assert_eq(ioas_alloc_raw(ctx, IOASID_IOAS_ALLOC_NESTED, foreign,
				    NULL), -ENOENT);
	cr_assert_eq(dev_bind(m.fd, ctx, &dev_id), 0);
	cr_assert_eq(ioas_alloc_raw(ctx, IOASID_IOAS_ALLOC_NESTED, dev_id,
				    NULL), -ENOENT);
	close(m.fd);
	close(ctx);
	close(other);
}

Test(ioas_life, destroy_with_split_mappings_unpins_everything)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);
	uint8_t *mem = pbuf(16 * PG, 4);
	uint64_t base = pinned(), out;
	long lck = vmlck_kb();

	cr_assert_eq(map_at(ctx, ioas, VA(mem), 10 * PG, 0x100000, RW), 0);
	cr_assert_eq(map_at(ctx, ioas, VA(mem) + 10 * PG, 6 * PG, 0x800000,
			    RO), 0);
	/* Cut the first in the middle: three areas, two sharing pages. */
	cr_assert_eq(unmap_range(ctx, ioas, 0x100000 + 4 * PG, 2 * PG, &out),
		     0);
	cr_assert_eq(out, 2 * PG);
	cr_assert_eq(pinned() - base, 14);
	cr_assert_eq(vmlck_kb() - lck, 14 * 4);
	cr_assert_eq(obj_destroy(ctx, ioas), 0);
	cr_assert_eq(pinned(), base);
	cr_assert_eq(vmlck_kb(), lck);
	close(ctx);
}

Test(ioas_life, destroy_child_then_parent_unpins_only_with_the_parent)
{
	int ctx = ioasid_open();
	uint32_t parent = ioas_new(ctx), child = ioas_new_nested(ctx, parent);
	uint8_t *mem = pbuf(8 * PG, 5);
	uint64_t base = pinned();

	cr_assert_eq(map_at(ctx, parent, VA(mem), 8 * PG, 0x400000, RW), 0);
	cr_assert_eq(map_at(ctx, child, 0x400000, 8 * PG, 0x10000, RW), 0);
	cr_assert_eq(pinned() - base, 8);
	cr_assert_eq(obj_destroy(ctx, child), 0);
	cr_assert_eq(pinned() - base, 8);
	cr_assert_eq(obj_destroy(ctx, parent), 0);
	cr_assert_eq(pinned(), base);
	close(ctx);
}

Test(ioas_life, alloc_that_cannot_answer_is_efault_and_leaves_no_ioas)
{
	uint32_t live = test_stats().out_ioas;
	int ctx = ioasid_open();
	uint32_t parent = ioas_new(ctx);
	struct ioasid_ioas_alloc *a = mmap(NULL, PG, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(a, MAP_FAILED);
	/* The kernel reads the request but cannot write the id back. */
	*a = (struct ioasid_ioas_alloc){ .size = sizeof(*a) };
	cr_assert_eq(mprotect(a, PG, PROT_READ), 0);
	cr_assert_eq(ioc(ctx, IOASID_IOAS_ALLOC, a), -EFAULT);
	cr_assert_eq(test_stats().out_ioas, live + 1);
	cr_assert_eq(mprotect(a, PG, PROT_READ | PROT_WRITE), 0);
	*a = (struct ioasid_ioas_alloc){
		.size = sizeof(*a), .flags = IOASID_IOAS_ALLOC_NESTED,
		.parent_id = parent,
	};
	cr_assert_eq(mprotect(a, PG, PROT_READ), 0);
	cr_assert_eq(ioc(ctx, IOASID_IOAS_ALLOC, a), -EFAULT);
	cr_assert_eq(test_stats().out_ioas, live + 1);
	/* No child was left holding the parent. */
	cr_assert_eq(obj_destroy(ctx, parent), 0);
	munmap(a, PG);
	close(ctx);
}

/* --- ioas_iova ------------------------------------------------------------ */

static struct mock mock_resv(uint64_t start, uint64_t len)
{
	struct mock m;

	cr_assert_eq(mock_create_full(IOASID_MOCK_NEW_GROUP, 0, start, len,
				      &m), 0, "mock with reserved region");
	return m;
}

static void bind_attach(struct mock *m, int ctx, uint32_t ioas)
{
	cr_assert_eq(dev_bind(m->fd, ctx, NULL), 0);
	cr_assert_eq(dev_attach(m->fd, ioas), 0);
}

#define assert_range(r, s, l)						\
	do {								\
		cr_assert_eq((r).start, (uint64_t)(s), "start %#llx",	\
			     (unsigned long long)(r).start);		\
		cr_assert_eq((r).last, (uint64_t)(l), "last %#llx",	\
			     (unsigned long long)(r).last);		\
	} while (0)

Test(ioas_iova, alignment_is_the_page_size_for_every_ioas)
{
	int ctx = ioasid_open();
	uint32_t parent = ioas_new(ctx), child = ioas_new_nested(ctx, parent);
	struct ioasid_iova_range r[2];
	uint64_t align = 0;
	uint32_t n = 2;

	cr_assert_eq(iova_ranges(ctx, parent, &n, r, &align), 0);
	cr_assert_eq(align, (uint64_t)sysconf(_SC_PAGESIZE));
	align = 0;
	n = 2;
	cr_assert_eq(iova_ranges(ctx, child, &n, r, &align), 0);
	cr_assert_eq(align, (uint64_t)sysconf(_SC_PAGESIZE));
	cr_assert_eq(n, 1);
	assert_range(r[0], 0, UINT64_MAX);
	close(ctx);
}

Test(ioas_iova, no_room_at_all_reports_the_needed_count)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx), n = 0;

	cr_assert_eq(iova_ranges(ctx, ioas, &n, NULL, NULL), -EMSGSIZE);
	cr_assert_eq(n, 1);
	close(ctx);
}

Test(ioas_iova, too_little_room_is_emsgsize_and_nothing_past_it_is_written)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx), n = 2;
	struct mock a = mock_resv(0x1000000, 0x100000);
	struct mock b = mock_resv(0x4000000, 0x200000);
	struct ioasid_iova_range r[4];

	bind_attach(&a, ctx, ioas);
	bind_attach(&b, ctx, ioas);
	memset(r, 0xa5, sizeof(r));
	cr_assert_eq(iova_ranges(ctx, ioas, &n, r, NULL), -EMSGSIZE);
	cr_assert_eq(n, 3);
	for (size_t i = 2 * sizeof(r[0]); i < sizeof(r); i++)
		cr_assert_eq(((uint8_t *)r)[i], 0xa5, "byte %zu written", i);
	n = 3;
	cr_assert_eq(iova_ranges(ctx, ioas, &n, r, NULL), 0);
	cr_assert_eq(n, 3);
	close(a.fd);
	close(b.fd);
	close(ctx);
}

Test(ioas_iova, two_reserved_regions_give_three_ranges_and_go_away_in_turn)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx), n;
	struct mock a = mock_resv(0x1000000, 0x100000);
	struct mock b = mock_resv(0x4000000, 0x200000);
	struct ioasid_iova_range r[4];

	bind_attach(&a, ctx, ioas);
	bind_attach(&b, ctx, ioas);
	n = 4;
	cr_assert_eq(iova_ranges(ctx, ioas, &n, r, NULL), 0);
	cr_assert_eq(n, 3);
	assert_range(r[0], 0, 0xffffff);
	assert_range(r[1], 0x1100000, 0x3ffffff);
	assert_range(r[2], 0x4200000, MOCK_APERTURE_END - 1);

	cr_assert_eq(dev_detach(a.fd), 0);
	n = 4;
	cr_assert_eq(iova_ranges(ctx, ioas, &n, r, NULL), 0);
	cr_assert_eq(n, 2);
	assert_range(r[0], 0, 0x3ffffff);
	assert_range(r[1], 0x4200000, MOCK_APERTURE_END - 1);

	cr_assert_eq(dev_detach(b.fd), 0);
	n = 4;
	cr_assert_eq(iova_ranges(ctx, ioas, &n, r, NULL), 0);
	cr_assert_eq(n, 1);
	assert_range(r[0], 0, UINT64_MAX);
	close(a.fd);
	close(b.fd);
	close(ctx);
}

Test(ioas_iova, overlapping_reserved_regions_merge)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx), n = 4;
	struct mock a = mock_resv(0x1000000, 0x200000);
	struct mock b = mock_resv(0x1100000, 0x200000);
	struct mock c = mock_resv(0x1080000, 0x10000);	/* inside a */
	struct ioasid_iova_range r[4];

	bind_attach(&a, ctx, ioas);
	bind_attach(&b, ctx, ioas);
	bind_attach(&c, ctx, ioas);
	cr_assert_eq(iova_ranges(ctx, ioas, &n, r, NULL), 0);
	cr_assert_eq(n, 2);
	assert_range(r[0], 0, 0xffffff);
	assert_range(r[1], 0x1300000, MOCK_APERTURE_END - 1);
	close(a.fd);
	close(b.fd);
	close(c.fd);
	close(ctx);
}

Test(ioas_iova, reserved_regions_at_both_ends_of_the_aperture)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx), n = 4;
	struct mock lo = mock_resv(0, 0x10000);
	struct mock hi = mock_resv(MOCK_APERTURE_END - 0x10000, 0x10000);
	struct ioasid_iova_range r[4];

	bind_attach(&lo, ctx, ioas);
	cr_assert_eq(iova_ranges(ctx, ioas, &n, r, NULL), 0);
	cr_assert_eq(n, 1);
	assert_range(r[0], 0x10000, MOCK_APERTURE_END - 1);
	bind_attach(&hi, ctx, ioas);
	n = 4;
	cr_assert_eq(iova_ranges(ctx, ioas, &n, r, NULL), 0);
	cr_assert_eq(n, 1);
	assert_range(r[0], 0x10000, MOCK_APERTURE_END - 0x10000 - 1);
	close(lo.fd);
	close(hi.fd);
	close(ctx);
}

Test(ioas_iova, devices_of_a_nested_ioas_shrink_only_its_ranges)
{
	int ctx = ioasid_open();
	uint32_t parent = ioas_new(ctx), child = ioas_new_nested(ctx, parent);
	uint32_t other = ioas_new(ctx), n;
	struct mock m = mock_resv(0x2000000, 0x100000);
	struct ioasid_iova_range r[4];

	bind_attach(&m, ctx, child);
	n = 4;
	cr_assert_eq(iova_ranges(ctx, child, &n, r, NULL), 0);
	cr_assert_eq(n, 2);
	assert_range(r[0], 0, 0x1ffffff);
	assert_range(r[1], 0x2100000, MOCK_APERTURE_END - 1);
	/* The parent feeds no domain and has no device of its own. */
	n = 4;
	cr_assert_eq(iova_ranges(ctx, parent, &n, r, NULL), 0);
	cr_assert_eq(n, 1);
	assert_range(r[0], 0, UINT64_MAX);
	n = 4;
	cr_assert_eq(iova_ranges(ctx, other, &n, r, NULL), 0);
	cr_assert_eq(n, 1);
	assert_range(r[0], 0, UINT64_MAX);
	close(m.fd);
	close(ctx);
}

Test(ioas_iova, unbind_and_close_give_the_ranges_back)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx), n = 4;
	struct mock a = mock_resv(0x1000000, 0x100000);
	struct mock b = mock_resv(0x4000000, 0x200000);
	struct ioasid_iova_range r[4];

	bind_attach(&a, ctx, ioas);
	bind_attach(&b, ctx, ioas);
	cr_assert_eq(iova_ranges(ctx, ioas, &n, r, NULL), 0);
	cr_assert_eq(n, 3);
	/* Unbind detaches: a's region goes. */
	cr_assert_eq(dev_unbind(a.fd), 0);
	n = 4;
	cr_assert_eq(iova_ranges(ctx, ioas, &n, r, NULL), 0);
	cr_assert_eq(n, 2);
	assert_range(r[0], 0, 0x3ffffff);
	assert_range(r[1], 0x4200000, MOCK_APERTURE_END - 1);
	/* Closing the device fd does the same for b. */
	close(b.fd);
	n = 4;
	cr_assert_eq(iova_ranges(ctx, ioas, &n, r, NULL), 0);
	cr_assert_eq(n, 1);
	assert_range(r[0], 0, UINT64_MAX);
	close(a.fd);
	close(ctx);
}

Test(ioas_iova, refused_attach_leaves_the_ranges_alone)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx), n = 4;
	struct mock m = mock_resv(0x1000000, 0x100000);
	struct ioasid_iova_range r[4];
	uint8_t *mem = pbuf(PG, 30);

	/* A mapping beyond the mock aperture makes the attach fail. */
	cr_assert_eq(map_at(ctx, ioas, VA(mem), PG, 1ull << 50, RW), 0);
	cr_assert_eq(dev_bind(m.fd, ctx, NULL), 0);
	cr_assert_eq(dev_attach(m.fd, ioas), -EADDRINUSE);
	cr_assert_eq(iova_ranges(ctx, ioas, &n, r, NULL), 0);
	cr_assert_eq(n, 1);
	assert_range(r[0], 0, UINT64_MAX);
	/* Nor is the device's region left reserved. */
	cr_assert_eq(map_at(ctx, ioas, VA(mem), PG, 0x1000000, RW), 0);
	cr_assert_eq(unmap_all(ctx, ioas, NULL), 0);
	cr_assert_eq(dev_attach(m.fd, ioas), 0);
	n = 4;
	cr_assert_eq(iova_ranges(ctx, ioas, &n, r, NULL), 0);
	cr_assert_eq(n, 2);
	assert_range(r[0], 0, 0xffffff);
	assert_range(r[1], 0x1100000, MOCK_APERTURE_END - 1);
	close(m.fd);
	close(ctx);
}

/* --- ioas_mapping --------------------------------------------------------- */

Test(ioas_mapping, fixed_at_iova_zero)
{
	struct ioas_rig r = ioas_rig_up();
	uint8_t *mem = pbuf(2 * PG, 6);

	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 2 * PG, 0, RW), 0);
	assert_reads(r.dev.fd, 0, mem, 2 * PG);
	ioas_rig_down(&r);
}

Test(ioas_mapping, fixed_at_the_top_of_the_iova_space)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);
	uint8_t *mem = pbuf(4 * PG, 7);
	uint64_t base = pinned(), out;

	/* Ends exactly at 2^64 - 1: no wrap. */
	cr_assert_eq(map_at(ctx, ioas, VA(mem), 2 * PG, -2 * PG, RW), 0);
	/* One page further wraps. */
	cr_assert_eq(map_at(ctx, ioas, VA(mem), 2 * PG, -PG, RW), -EOVERFLOW);
	cr_assert_eq(map_at(ctx, ioas, VA(mem), 4 * PG, -2 * PG, RW),
		     -EOVERFLOW);
	cr_assert_eq(pinned() - base, 2);
	cr_assert_eq(unmap_range(ctx, ioas, -2 * PG, 2 * PG, &out), 0);
	cr_assert_eq(out, 2 * PG);
	cr_assert_eq(pinned(), base);
	close(ctx);
}

Test(ioas_mapping, fixed_at_the_edge_of_the_aperture)
{
	struct ioas_rig r = ioas_rig_up();
	uint8_t *mem = pbuf(2 * PG, 8);
	uint64_t base = pinned();

	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 2 * PG,
			    MOCK_APERTURE_END - 2 * PG, RW), 0);
	assert_reads(r.dev.fd, MOCK_APERTURE_END - 2 * PG, mem, 2 * PG);
	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), PG, MOCK_APERTURE_END, RW),
		     -EADDRINUSE);
	cr_assert_eq(unmap_range(r.ctx, r.ioas, MOCK_APERTURE_END - PG, PG,
				 NULL), 0);
	/* Now free below the end, but it still crosses it. */
	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 2 * PG,
			    MOCK_APERTURE_END - PG, RW), -EADDRINUSE);
	cr_assert_eq(pinned() - base, 1);
	ioas_rig_down(&r);
}

struct span {
	uint64_t start, len;
};

static bool overlaps(const struct span *a, const struct span *b)
{
	return a->start < b->start + b->len && b->start < a->start + a->len;
}

Test(ioas_mapping, kernel_chosen_iovas_avoid_every_mapping)
{
	struct ioas_rig r = ioas_rig_up();
	uint8_t *mem = pbuf(64 * PG, 9);
	static const uint64_t lens[] = { 1, 3, 2, 8, 1, 16, 5, 4, 1, 7, 2, 12 };
	/* Fixed mappings right where a first-fit allocator would look. */
	static const struct span fixed[] = {
		{ PG, PG }, { 3 * PG, 2 * PG }, { 0x10000, 16 * PG },
		{ 0x21000, PG },
	};
	struct span used[32];
	int n = 0;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), fixed[i].len,
				    fixed[i].start, RW), 0);
		used[n++] = fixed[i];
	}
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct span s = { .len = lens[i] * PG };

		cr_assert_eq(map_any(r.ctx, r.ioas, VA(mem) + i * PG, s.len, RW,
				     &s.start), 0);
		cr_assert_neq(s.start, 0);
		cr_assert_eq(s.start % PG, 0);
		cr_assert_leq(s.start + s.len, MOCK_APERTURE_END);
		for (int j = 0; j < n; j++)
			cr_assert(!overlaps(&s, &used[j]),
				  "[%#llx, +%#llx) overlaps [%#llx, +%#llx)",
				  (unsigned long long)s.start,
				  (unsigned long long)s.len,
				  (unsigned long long)used[j].start,
				  (unsigned long long)used[j].len);
		used[n++] = s;
		/* And it is really there, with the right bytes. */
		assert_reads(r.dev.fd, s.start, mem + i * PG, PG);
	}
	ioas_rig_down(&r);
}

Test(ioas_mapping, kernel_chosen_iova_lands_in_the_only_free_page)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx), n = 4;
	/* Allowed: [0, PG) and the last page of the aperture. */
	struct mock m = mock_resv(PG, MOCK_APERTURE_END - 2 * PG);
	struct ioasid_iova_range rg[4];
	uint8_t *mem = pbuf(PG, 10);
	uint64_t iova = 0;

	bind_attach(&m, ctx, ioas);
	cr_assert_eq(iova_ranges(ctx, ioas, &n, rg, NULL), 0);
	cr_assert_eq(n, 2);
	/* IOVA 0 is free but never picked. */
	cr_assert_eq(map_any(ctx, ioas, VA(mem), PG, RW, &iova), 0);
	cr_assert_eq(iova, MOCK_APERTURE_END - PG);
	assert_reads(m.fd, iova, mem, PG);
	/* Nothing left to pick; a fixed map at 0 is still fine. */
	cr_assert_eq(map_any(ctx, ioas, VA(mem), PG, RW, &iova), -ENOSPC);
	cr_assert_eq(map_at(ctx, ioas, VA(mem), PG, 0, RW), 0);
	close(m.fd);
	close(ctx);
}

Test(ioas_mapping, kernel_chosen_iovas_go_on_after_the_last_then_wrap)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);
	/* Allowed: pages 0 to 3 and the last page of the aperture. */
	struct mock m = mock_resv(4 * PG, MOCK_APERTURE_END - 5 * PG);
	uint8_t *mem = pbuf(PG, 11);
	uint64_t iova, out;

	bind_attach(&m, ctx, ioas);
	for (uint64_t i = 1; i <= 3; i++) {
		cr_assert_eq(map_any(ctx, ioas, VA(mem), PG, RW, &iova), 0);
		cr_assert_eq(iova, i * PG);
	}
	cr_assert_eq(unmap_range(ctx, ioas, 2 * PG, PG, &out), 0);
	cr_assert_eq(out, PG);
	/* Next fit: after the last one, not into the hole it left below. */
	cr_assert_eq(map_any(ctx, ioas, VA(mem), PG, RW, &iova), 0);
	cr_assert_eq(iova, MOCK_APERTURE_END - PG);
	/* Nothing above: the search wraps to the hole. */
	cr_assert_eq(map_any(ctx, ioas, VA(mem), PG, RW, &iova), 0);
	cr_assert_eq(iova, 2 * PG);
	assert_reads(m.fd, iova, mem, PG);
	cr_assert_eq(map_any(ctx, ioas, VA(mem), PG, RW, &iova), -ENOSPC);
	close(m.fd);
	close(ctx);
}

Test(ioas_mapping, no_free_range_of_that_length_is_enospc)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);
	struct mock m = mock_resv(PG, MOCK_APERTURE_END - 2 * PG);
	uint8_t *mem = pbuf(2 * PG, 11);
	uint64_t base, iova, out;

	bind_attach(&m, ctx, ioas);
	base = pinned();
	cr_assert_eq(map_any(ctx, ioas, VA(mem), 2 * PG, RW, &iova), -ENOSPC);
	cr_assert_eq(map_any(ctx, ioas, VA(mem) + PG, 2 * PG, RW, &iova),
		     -ENOSPC);
	cr_assert_eq(pinned(), base);
	cr_assert_eq(unmap_all(ctx, ioas, &out), 0);
	cr_assert_eq(out, 0);
	close(m.fd);
	close(ctx);
}

Test(ioas_mapping, kernel_chosen_iova_skips_a_reserved_region)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);
	/* Everything from PG up to 1 GiB is reserved. */
	struct mock m = mock_resv(PG, (1ull << 30) - PG);
	uint8_t *mem = pbuf(8 * PG, 12);

	bind_attach(&m, ctx, ioas);
	for (int i = 0; i < 8; i++) {
		uint64_t iova;

		cr_assert_eq(map_any(ctx, ioas, VA(mem) + i * PG, PG, RW,
				     &iova), 0);
		cr_assert_geq(iova, 1ull << 30, "iova %#llx is reserved",
			      (unsigned long long)iova);
		cr_assert_lt(iova, MOCK_APERTURE_END);
		assert_reads(m.fd, iova, mem + i * PG, PG);
	}
	close(m.fd);
	close(ctx);
}

/* After a failed map at [iova, iova + len): nothing new there. */
static void assert_nothing_new(int ctx, uint32_t ioas, uint64_t base_pins,
			       uint64_t iova, uint64_t len)
{
	cr_assert_eq(pinned(), base_pins, "a failed map left pins");
	cr_assert_eq(unmap_range(ctx, ioas, iova, len, NULL), -ENOENT,
		     "a failed map left a mapping");
}

Test(ioas_mapping, overlap_of_any_shape_is_eexist)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);
	uint8_t *mem = pbuf(16 * PG, 13);
	const uint64_t x = 0x400000;
	uint64_t base, out;

	cr_assert_eq(map_at(ctx, ioas, VA(mem), 4 * PG, x, RW), 0);
	base = pinned();
	/* Same range, containing, contained, one page at either end. */
	cr_assert_eq(map_at(ctx, ioas, VA(mem), 4 * PG, x, RW), -EEXIST);
	cr_assert_eq(map_at(ctx, ioas, VA(mem), 8 * PG, x - 2 * PG, RW),
		     -EEXIST);
	cr_assert_eq(map_at(ctx, ioas, VA(mem), PG, x + 2 * PG, RW), -EEXIST);
	cr_assert_eq(map_at(ctx, ioas, VA(mem), 4 * PG, x - 3 * PG, RW),
		     -EEXIST);
	cr_assert_eq(map_at(ctx, ioas, VA(mem), 4 * PG, x + 3 * PG, RW),
		     -EEXIST);
	cr_assert_eq(pinned(), base);
	assert_nothing_new(ctx, ioas, base, x - 3 * PG, 3 * PG);
	assert_nothing_new(ctx, ioas, base, x + 4 * PG, 3 * PG);
	/* The original is whole. */
	cr_assert_eq(unmap_range(ctx, ioas, x, 4 * PG, &out), 0);
	cr_assert_eq(out, 4 * PG);
	close(ctx);
}

Test(ioas_mapping, overlap_with_a_kernel_chosen_mapping_is_eexist)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);
	uint8_t *mem = pbuf(8 * PG, 14);
	uint64_t iova, base;

	cr_assert_eq(map_any(ctx, ioas, VA(mem), 8 * PG, RW, &iova), 0);
	base = pinned();
	cr_assert_eq(map_at(ctx, ioas, VA(mem), PG, iova + 7 * PG, RW),
		     -EEXIST);
	cr_assert_eq(map_at(ctx, ioas, VA(mem), 2 * PG, iova - PG, RW),
		     -EEXIST);
	cr_assert_eq(pinned(), base);
	close(ctx);
}

Test(ioas_mapping, adjacent_mappings_read_as_one_range)
{
	struct ioas_rig r = ioas_rig_up();
	uint8_t *a = pbuf(3 * PG, 15), *b = pbuf(2 * PG, 16);
	uint8_t expect[5 * PG];

	cr_assert_eq(map_at(r.ctx, r.ioas, VA(a), 3 * PG, 0x600000, RW), 0);
	cr_assert_eq(map_at(r.ctx, r.ioas, VA(b), 2 * PG, 0x603000, RW), 0);
	memcpy(expect, a, 3 * PG);
	memcpy(expect + 3 * PG, b, 2 * PG);
	assert_reads(r.dev.fd, 0x600000, expect, 5 * PG);
	ioas_rig_down(&r);
}

Test(ioas_mapping, every_misalignment_is_einval_and_leaves_nothing)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);
	uint8_t *mem = pbuf(4 * PG, 17);
	uint64_t base = pinned(), iova;

	cr_assert_eq(map_at(ctx, ioas, VA(mem), PG, 0x100000 + PG / 2, RW),
		     -EINVAL);
	cr_assert_eq(map_at(ctx, ioas, VA(mem), PG, 0x100000 + 512, RW),
		     -EINVAL);
	cr_assert_eq(map_at(ctx, ioas, VA(mem) + 1, PG, 0x100000, RW),
		     -EINVAL);
	cr_assert_eq(map_at(ctx, ioas, VA(mem) + PG - 1, PG, 0x100000, RW),
		     -EINVAL);
	cr_assert_eq(map_at(ctx, ioas, VA(mem), PG - 1, 0x100000, RW),
		     -EINVAL);
	cr_assert_eq(map_at(ctx, ioas, VA(mem), 3 * PG + 0x800, 0x100000, RW),
		     -EINVAL);
	cr_assert_eq(map_any(ctx, ioas, VA(mem) + 0x10, PG, RW, &iova),
		     -EINVAL);
	cr_assert_eq(map_any(ctx, ioas, VA(mem), 2 * PG + 1, RW, &iova),
		     -EINVAL);
	assert_nothing_new(ctx, ioas, base, 0, 0x200000);
	close(ctx);
}

Test(ioas_mapping, zero_length_is_einval_fixed_or_not)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);
	uint8_t *mem = pbuf(PG, 18);
	uint64_t base = pinned(), iova;

	cr_assert_eq(map_at(ctx, ioas, VA(mem), 0, 0x100000, RW), -EINVAL);
	cr_assert_eq(map_any(ctx, ioas, VA(mem), 0, RW, &iova), -EINVAL);
	cr_assert_eq(map_any(ctx, ioas, VA(mem), 0, RO, &iova), -EINVAL);
	assert_nothing_new(ctx, ioas, base, 0, 0x200000);
	close(ctx);
}

Test(ioas_mapping, no_read_or_write_is_einval_fixed_or_not)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);
	uint8_t *mem = pbuf(PG, 19);
	uint64_t base = pinned(), iova;

	/* flags 0 (kernel-chosen, no permission) and FIXED alone. */
	cr_assert_eq(map_any(ctx, ioas, VA(mem), PG, 0, &iova), -EINVAL);
	cr_assert_eq(map_at(ctx, ioas, VA(mem), PG, 0x100000, 0), -EINVAL);
	assert_nothing_new(ctx, ioas, base, 0, 0x200000);
	/* Either permission alone is enough. */
	cr_assert_eq(map_at(ctx, ioas, VA(mem), PG, 0x100000, RO), 0);
	cr_assert_eq(map_at(ctx, ioas, VA(mem), PG, 0x101000, WO), 0);
	cr_assert_eq(pinned() - base, 1);	/* one page, mapped twice */
	close(ctx);
}

Test(ioas_mapping, user_va_wrap_is_eoverflow_with_kernel_chosen_iova)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);
	uint64_t base = pinned(), iova;

	cr_assert_eq(map_any(ctx, ioas, -PG, 2 * PG, RW, &iova), -EOVERFLOW);
	cr_assert_eq(map_any(ctx, ioas, -4 * PG, 8 * PG, RO, &iova),
		     -EOVERFLOW);
	cr_assert_eq(pinned(), base);
	close(ctx);
}

Test(ioas_mapping, user_memory_with_a_hole_is_efault_and_charges_nothing)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);
	uint8_t *mem = pbuf(4 * PG, 20), *gone = pbuf(2 * PG, 21);
	uint64_t base = pinned(), iova;
	long lck = vmlck_kb();

	/* Memory that is not there at all, and a hole in the middle. */
	cr_assert_eq(munmap(gone, 2 * PG), 0);
	cr_assert_eq(map_at(ctx, ioas, VA(gone), 2 * PG, 0x100000, RW),
		     -EFAULT);
	cr_assert_eq(map_at(ctx, ioas, 0, PG, 0x100000, RW), -EFAULT);
	cr_assert_eq(munmap(mem + PG, PG), 0);
	cr_assert_eq(map_at(ctx, ioas, VA(mem), 4 * PG, 0x100000, RW),
		     -EFAULT);
	cr_assert_eq(map_any(ctx, ioas, VA(mem), 4 * PG, RO, &iova), -EFAULT);
	assert_nothing_new(ctx, ioas, base, 0, 0x200000);
	cr_assert_eq(vmlck_kb(), lck, "a failed map left a charge");
	/* The mapped page before the hole is fine on its own. */
	cr_assert_eq(map_at(ctx, ioas, VA(mem), PG, 0x100000, RW), 0);
	cr_assert_eq(pinned() - base, 1);
	close(ctx);
}

Test(ioas_mapping, writeable_on_read_only_memory_is_efault)
{
	struct ioas_rig r = ioas_rig_up();
	uint8_t *mem = pbuf(4 * PG, 22);
	uint8_t *ro = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);
	uint64_t base = pinned();
	long lck = vmlck_kb();

	cr_assert_neq(ro, MAP_FAILED);
	/* Write-only asks for writing too. */
	cr_assert_eq(map_at(r.ctx, r.ioas, VA(ro), PG, 0x100000, WO), -EFAULT);
	/* Only the last page of four is read-only. */
	cr_assert_eq(mprotect(mem + 3 * PG, PG, PROT_READ), 0);
	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 4 * PG, 0x100000, RW),
		     -EFAULT);
	assert_nothing_new(r.ctx, r.ioas, base, 0x100000, 4 * PG);
	cr_assert_eq(vmlck_kb(), lck);
	/* Readable only works, and the device reads the bytes. */
	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 4 * PG, 0x100000, RO), 0);
	assert_reads(r.dev.fd, 0x100000, mem, 4 * PG);
	ioas_rig_down(&r);
}

/*
 * A reply struct in a private file page that was only read so far: the
 * page is present but write-protected until copy-on-write, so the kernel's
 * first try to write the reply (page faults off, under the engine's lock)
 * fails; it must undo, fault the page in and succeed the second time, with
 * exactly one mapping made and one range unmapped.
 */
static void *cow_page_with(const void *data, size_t len)
{
	char path[] = "/tmp/ioasid-cow-XXXXXX";
	int fd = mkstemp(path);
	volatile const uint8_t *p;

	cr_assert_geq(fd, 0);
	cr_assert_eq(unlink(path), 0);
	cr_assert_eq(ftruncate(fd, PG), 0);
	cr_assert_eq(pwrite(fd, data, len, 0), (ssize_t)len);
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	cr_assert_neq(p, MAP_FAILED);
	close(fd);
	(void)p[0];	/* present, read-only until written */
	return (void *)p;
}

Test(ioas_mapping, reply_in_a_copy_on_write_page_is_written_once)
{
	struct ioas_rig r = ioas_rig_up();
	uint8_t *mem = pbuf(4 * PG, 23);
	uint64_t base = pinned();
	struct ioasid_ioas_map m = {
		.size = sizeof(m), .flags = RW, .ioas_id = r.ioas,
		.user_va = VA(mem), .length = 4 * PG,
	};
	struct ioasid_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = r.ioas, .length = 8 * PG,
	};
	struct ioasid_ioas_map *mp = cow_page_with(&m, sizeof(m));
	struct ioasid_ioas_unmap *up;

	cr_assert_eq(ioc(r.ctx, IOASID_IOAS_MAP, mp), 0);
	cr_assert_eq(pinned() - base, 4);
	cr_assert_neq(mp->iova, 0, "the kernel-chosen IOVA was not written");
	assert_reads(r.dev.fd, mp->iova, mem, 4 * PG);
	/* One mapping only: the IOVA after it is free. */
	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), PG, mp->iova + 4 * PG, RW),
		     0);
	cr_assert_eq(unmap_range(r.ctx, r.ioas, mp->iova + 4 * PG, PG, NULL),
		     0);

	u.iova = mp->iova;
	up = cow_page_with(&u, sizeof(u));
	cr_assert_eq(ioc(r.ctx, IOASID_IOAS_UNMAP, up), 0);
	cr_assert_eq(up->length, 4 * PG);
	cr_assert_eq(pinned(), base);
	assert_unmapped(r.dev.fd, mp->iova);
	munmap(up, PG);
	munmap(mp, PG);
	ioas_rig_down(&r);
}

Test(ioas_mapping, unknown_flag_bits_are_eopnotsupp)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);
	uint8_t *mem = pbuf(PG, 23);
	uint64_t base = pinned();

	/* The first bit past WRITEABLE, and the last bit. */
	cr_assert_eq(map_at(ctx, ioas, VA(mem), PG, 0x100000, RW | 1u << 3),
		     -EOPNOTSUPP);
	cr_assert_eq(map_at(ctx, ioas, VA(mem), PG, 0x100000, RW | 1u << 31),
		     -EOPNOTSUPP);
	assert_nothing_new(ctx, ioas, base, 0x100000, PG);
	close(ctx);
}

Test(ioas_mapping, reserved_field_high_bit_is_eopnotsupp)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);
	uint8_t *mem = pbuf(PG, 24);
	uint64_t base = pinned();
	struct ioasid_ioas_map m = {
		.size = sizeof(m), .flags = FIXED | RW, .ioas_id = ioas,
		.__reserved = 1u << 31, .user_va = VA(mem), .length = PG,
		.iova = 0x100000,
	};

	cr_assert_eq(ioc(ctx, IOASID_IOAS_MAP, &m), -EOPNOTSUPP);
	assert_nothing_new(ctx, ioas, base, 0x100000, PG);
	close(ctx);
}

Test(ioas_mapping, reserved_region_refuses_every_overlap_not_its_edges)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);
	const uint64_t rs = 0x3000000, rl = 8 * PG;
	struct mock m = mock_resv(rs, rl);
	uint8_t *mem = pbuf(16 * PG, 25);
	uint64_t base;

	bind_attach(&m, ctx, ioas);
	base = pinned();
	/* Exactly it, containing it, its first page, its last page. */
	cr_assert_eq(map_at(ctx, ioas, VA(mem), rl, rs, RW), -EADDRINUSE);
	cr_assert_eq(map_at(ctx, ioas, VA(mem), 16 * PG, rs - 4 * PG, RW),
		     -EADDRINUSE);
	cr_assert_eq(map_at(ctx, ioas, VA(mem), PG, rs, RW), -EADDRINUSE);
	cr_assert_eq(map_at(ctx, ioas, VA(mem), PG, rs + rl - PG, RW),
		     -EADDRINUSE);
	assert_nothing_new(ctx, ioas, base, rs - 4 * PG, 16 * PG);
	/* Right before and right after. */
	cr_assert_eq(map_at(ctx, ioas, VA(mem), 4 * PG, rs - 4 * PG, RW), 0);
	cr_assert_eq(map_at(ctx, ioas, VA(mem), 4 * PG, rs + rl, RW), 0);
	cr_assert_eq(pinned() - base, 4);	/* the same 4 pages twice */
	assert_reads(m.fd, rs - 4 * PG, mem, 4 * PG);
	assert_reads(m.fd, rs + rl, mem, 4 * PG);
	close(m.fd);
	close(ctx);
}

Test(ioas_mapping, ioas_id_that_is_no_ioas_is_enoent)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx), dev_id;
	struct mock m = mock_new(0);
	uint8_t *mem = pbuf(PG, 26);
	uint64_t base = pinned(), iova;
	struct ioasid_ioas_map mp = {
		.size = sizeof(mp), .flags = RW, .user_va = VA(mem),
		.length = PG,
	};

	cr_assert_eq(dev_bind(m.fd, ctx, &dev_id), 0);
	/* A device id, id 0, an id never given out. */
	mp.ioas_id = dev_id;
	cr_assert_eq(ioc(ctx, IOASID_IOAS_MAP, &mp), -ENOENT);
	mp.ioas_id = 0;
	cr_assert_eq(ioc(ctx, IOASID_IOAS_MAP, &mp), -ENOENT);
	mp.ioas_id = ioas + 1000;
	cr_assert_eq(ioc(ctx, IOASID_IOAS_MAP, &mp), -ENOENT);
	cr_assert_eq(pinned(), base);
	cr_assert_eq(map_any(ctx, ioas, VA(mem), PG, RW, &iova), 0);
	close(m.fd);
	close(ctx);
}

Test(ioas_mapping, kernel_chosen_iova_reads_the_right_bytes)
{
	struct ioas_rig r = ioas_rig_up();
	uint8_t *mem = pbuf(32 * PG, 27);
	uint64_t a, b;

	cr_assert_eq(map_any(r.ctx, r.ioas, VA(mem), 16 * PG, RW, &a), 0);
	cr_assert_eq(map_any(r.ctx, r.ioas, VA(mem) + 16 * PG, 16 * PG, RO,
			     &b), 0);
	assert_reads(r.dev.fd, a, mem, 16 * PG);
	assert_reads(r.dev.fd, b, mem + 16 * PG, 16 * PG);
	ioas_rig_down(&r);
}

/* Kernel log records written since @fd was opened at its end. */
static bool kmsg_has_warning(int fd)
{
	char rec[8192];
	bool found = false;
	ssize_t n;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records */
		if (n <= 0)
			break;
		rec[n] = 0;
		if (strstr(rec, "WARNING:") || strstr(rec, "BUG:"))
			found = true;
	}
	return found;
}

Test(ioas_mapping, huge_mostly_unmapped_user_range_is_efault_quietly)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);
	uint8_t *mem = pbuf(4 * PG, 31);
	uint64_t base = pinned();
	int kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	int rc;

	cr_assert_geq(kmsg, 0, "open /dev/kmsg");
	cr_assert_eq(lseek(kmsg, 0, SEEK_END), 0);
	/* 4 pages of memory, then nothing for the rest of 1 TiB. */
	rc = map_at(ctx, ioas, VA(mem), 1ull << 40, 0x100000, RW);
	cr_expect(!kmsg_has_warning(kmsg),
		  "a 1 TiB map request put a WARNING in the kernel log");
	cr_assert_eq(rc, -EFAULT, "rc %d", rc);
	cr_assert_eq(pinned(), base);
	close(kmsg);
	close(ctx);
}

Test(ioas_mapping, map_that_cannot_answer_is_efault_and_leaves_nothing)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);
	uint8_t *mem = pbuf(4 * PG, 32);
	struct ioasid_ioas_map *m = mmap(NULL, PG, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t base = pinned(), out = 1;
	long lck = vmlck_kb();

	cr_assert_neq(m, MAP_FAILED);
	/* Kernel-chosen: the IOVA cannot be told, so nothing may stay. */
	*m = (struct ioasid_ioas_map){
		.size = sizeof(*m), .flags = RW, .ioas_id = ioas,
		.user_va = VA(mem), .length = 4 * PG,
	};
	cr_assert_eq(mprotect(m, PG, PROT_READ), 0);
	cr_assert_eq(ioc(ctx, IOASID_IOAS_MAP, m), -EFAULT);
	cr_assert_eq(pinned(), base);
	cr_assert_eq(vmlck_kb(), lck);
	cr_assert_eq(unmap_all(ctx, ioas, &out), 0);
	cr_assert_eq(out, 0);
	munmap(m, PG);
	close(ctx);
}
