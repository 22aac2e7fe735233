// SPDX-License-Identifier: GPL-2.0
/*
 * IOASID_IOAS_COPY (suite ioas_copy): a copy maps the very pages of its
 * source range (a device DMAs into the process's memory through either
 * IOAS), pins and charges nothing (the module's pin count and VmLck stay
 * exact), survives the unmap of its source, may span several source
 * mappings and cut them, and refuses bad input with the exact errno,
 * leaving nothing mapped and nothing pinned.
 */
#include "ioas_util.h"

TestSuite(ioas_copy);

static const uint64_t X = 0x100000, Y = 0x4000000;

/* Two IOAS of one context, each with a mock device of its own. */
struct copy_rig {
	int ctx;
	uint32_t a, b;
	struct mock da, db;
};

static struct copy_rig copy_rig_up(void)
{
	struct copy_rig r = { .ctx = ioasid_open() };

	r.a = ioas_new(r.ctx);
	r.b = ioas_new(r.ctx);
	r.da = mock_new(0);
	r.db = mock_new(0);
	cr_assert_eq(dev_bind(r.da.fd, r.ctx, NULL), 0);
	cr_assert_eq(dev_bind(r.db.fd, r.ctx, NULL), 0);
	cr_assert_eq(dev_attach(r.da.fd, r.a), 0);
	cr_assert_eq(dev_attach(r.db.fd, r.b), 0);
	return r;
}

static void copy_rig_down(struct copy_rig *r)
{
	close(r->da.fd);
	close(r->db.fd);
	close(r->ctx);
}

Test(ioas_copy, maps_the_same_pages_and_charges_nothing)
{
	struct copy_rig r = copy_rig_up();
	uint8_t *mem = pbuf(8 * PG, 11), w[PG], back[PG];
	uint64_t base = pinned(), iova = Y;
	long lck = vmlck_kb();

	cr_assert_eq(map_at(r.ctx, r.a, VA(mem), 8 * PG, X, RW), 0);
	cr_assert_eq(pinned() - base, 8);
	cr_assert_eq(vmlck_kb() - lck, 8 * 4);
	cr_assert_eq(copy_ioas(r.ctx, r.b, r.a, X, 8 * PG, &iova, FIXED | RW),
		     0);
	cr_assert_eq(iova, Y);
	cr_assert_eq(pinned() - base, 8);
	cr_assert_eq(vmlck_kb() - lck, 8 * 4);
	assert_reads(r.db.fd, Y, mem, 8 * PG);
	/* A write through the copy lands in the process's memory. */
	for (size_t i = 0; i < PG; i++)
		w[i] = (uint8_t)(i * 13 + 5);
	cr_assert_eq(dma_wr(r.db.fd, Y + 3 * PG, w, PG, NULL),
		     IOASID_MOCK_FAULT_NONE);
	cr_assert_eq(memcmp(mem + 3 * PG, w, PG), 0);
	cr_assert_eq(dma_rd(r.da.fd, X + 3 * PG, back, PG, NULL, NULL),
		     IOASID_MOCK_FAULT_NONE);
	cr_assert_eq(memcmp(back, w, PG), 0);
	copy_rig_down(&r);
	cr_assert_eq(pinned(), base);
	cr_assert_eq(vmlck_kb(), lck);
}

Test(ioas_copy, outlives_its_source)
{
	struct copy_rig r = copy_rig_up();
	uint8_t *mem = pbuf(4 * PG, 12);
	uint64_t base = pinned(), iova = 0, out;
	long lck = vmlck_kb();

	cr_assert_eq(map_at(r.ctx, r.a, VA(mem), 4 * PG, X, RW), 0);
	cr_assert_eq(copy_ioas(r.ctx, r.b, r.a, X, 4 * PG, &iova, RO), 0);
	cr_assert_neq(iova, 0);
	cr_assert_eq(unmap_all(r.ctx, r.a, &out), 0);
	cr_assert_eq(out, 4 * PG);
	assert_unmapped(r.da.fd, X);
	/* The copy holds the pages: still pinned, charged once, readable. */
	cr_assert_eq(pinned() - base, 4);
	cr_assert_eq(vmlck_kb() - lck, 4 * 4);
	assert_reads(r.db.fd, iova, mem, 4 * PG);
	/* Read-only copy: a device write faults. */
	cr_assert_eq(dma_wr(r.db.fd, iova, mem, 16, NULL),
		     IOASID_MOCK_FAULT_PROT);
	cr_assert_eq(unmap_range(r.ctx, r.b, iova + PG, PG, &out), 0);
	cr_assert_eq(out, PG);
	cr_assert_eq(pinned() - base, 3);
	cr_assert_eq(vmlck_kb() - lck, 3 * 4);
	cr_assert_eq(unmap_all(r.ctx, r.b, &out), 0);
	cr_assert_eq(out, 3 * PG);
	cr_assert_eq(pinned(), base);
	cr_assert_eq(vmlck_kb(), lck);
	copy_rig_down(&r);
}

Test(ioas_copy, spans_and_cuts_several_source_mappings)
{
	struct copy_rig r = copy_rig_up();
	uint8_t *m1 = pbuf(4 * PG, 13), *m2 = pbuf(4 * PG, 14);
	uint8_t want[4 * PG];
	uint64_t base = pinned(), iova = 0, out;

	cr_assert_eq(map_at(r.ctx, r.a, VA(m1), 4 * PG, X, RW), 0);
	cr_assert_eq(map_at(r.ctx, r.a, VA(m2), 4 * PG, X + 4 * PG, RW), 0);
	/* Pages 2-3 of the first mapping and 0-1 of the second. */
	cr_assert_eq(copy_ioas(r.ctx, r.b, r.a, X + 2 * PG, 4 * PG, &iova, RW),
		     0);
	memcpy(want, m1 + 2 * PG, 2 * PG);
	memcpy(want + 2 * PG, m2, 2 * PG);
	assert_reads(r.db.fd, iova, want, 4 * PG);
	cr_assert_eq(pinned() - base, 8);
	/* Two mappings in the destination, one per source piece. */
	cr_assert_eq(unmap_range(r.ctx, r.b, iova + PG, 2 * PG, &out), 0);
	cr_assert_eq(out, 2 * PG);
	assert_reads(r.db.fd, iova, want, PG);
	assert_unmapped(r.db.fd, iova + PG);
	assert_unmapped(r.db.fd, iova + 2 * PG);
	assert_reads(r.db.fd, iova + 3 * PG, want + 3 * PG, PG);
	/* The source is untouched. */
	assert_reads(r.da.fd, X, m1, 4 * PG);
	assert_reads(r.da.fd, X + 4 * PG, m2, 4 * PG);
	cr_assert_eq(pinned() - base, 8);
	cr_assert_eq(unmap_all(r.ctx, r.a, &out), 0);
	cr_assert_eq(out, 8 * PG);
	cr_assert_eq(pinned() - base, 2);
	copy_rig_down(&r);
	cr_assert_eq(pinned(), base);
}

Test(ioas_copy, into_the_same_ioas_and_destroy)
{
	int ctx = ioasid_open();
	uint32_t a = ioas_new(ctx);
	uint8_t *mem = pbuf(2 * PG, 15);
	uint64_t base = pinned(), iova = Y;
	long lck = vmlck_kb();

	cr_assert_eq(map_at(ctx, a, VA(mem), 2 * PG, X, RW), 0);
	cr_assert_eq(copy_ioas(ctx, a, a, X, 2 * PG, &iova, FIXED | RW), 0);
	/* Onto itself: overlaps. */
	iova = X + PG;
	cr_assert_eq(copy_ioas(ctx, a, a, X, 2 * PG, &iova, FIXED | RW),
		     -EEXIST);
	cr_assert_eq(pinned() - base, 2);
	cr_assert_eq(vmlck_kb() - lck, 2 * 4);
	cr_assert_eq(obj_destroy(ctx, a), 0);
	cr_assert_eq(pinned(), base);
	cr_assert_eq(vmlck_kb(), lck);
	close(ctx);
}

/* After a refused copy: nothing in @dst, nothing pinned or charged. */
static void assert_nothing_copied(int ctx, uint32_t dst, uint64_t base,
				  long lck)
{
	uint64_t out = ~0ull;

	cr_assert_eq(unmap_all(ctx, dst, &out), 0);
	cr_assert_eq(out, 0, "a refused copy left %#llx bytes mapped",
		     (unsigned long long)out);
	cr_assert_eq(pinned(), base);
	cr_assert_eq(vmlck_kb(), lck);
}

Test(ioas_copy, errnos)
{
	int ctx = ioasid_open();
	uint32_t a = ioas_new(ctx), b = ioas_new(ctx);
	uint32_t nested = ioas_new_nested(ctx, a);
	uint8_t *mem = pbuf(8 * PG, 16);
	uint64_t base, iova;
	long lck;

	cr_assert_eq(map_at(ctx, a, VA(mem), 4 * PG, X, RW), 0);
	cr_assert_eq(map_at(ctx, a, VA(mem) + 4 * PG, 2 * PG, X + 6 * PG, RO),
		     0);
	base = pinned();
	lck = vmlck_kb();
#define COPY(dst, src, s, len, flags, want) do {			\
		iova = Y;						\
		cr_assert_eq(copy_ioas(ctx, dst, src, s, len, &iova, flags), \
			     want);					\
		assert_nothing_copied(ctx, b, base, lck);		\
	} while (0)
	/* A hole at X + 4 pages. */
	COPY(b, a, X, 8 * PG, FIXED | RO, -ENOENT);
	COPY(b, a, X + 4 * PG, PG, FIXED | RO, -ENOENT);
	/* Past the end of the last mapping. */
	COPY(b, a, X + 6 * PG, 3 * PG, FIXED | RO, -ENOENT);
	COPY(b, a, 0x40000000, PG, RO, -ENOENT);
	/* No such IOAS (ids are the context's own: no other's can be named). */
	COPY(b, 9999, X, PG, FIXED | RO, -ENOENT);
	COPY(9999, a, X, PG, FIXED | RO, -ENOENT);
	/* Nested on either side. */
	COPY(nested, a, X, PG, FIXED | RO, -EINVAL);
	COPY(b, nested, X, PG, FIXED | RO, -EINVAL);
	/* Bad arguments. */
	COPY(b, a, X, 0, FIXED | RO, -EINVAL);
	COPY(b, a, X, PG / 2, FIXED | RO, -EINVAL);
	COPY(b, a, X + 1, PG, FIXED | RO, -EINVAL);
	COPY(b, a, X, PG, FIXED, -EINVAL);
	COPY(b, a, X, PG, FIXED | RO | (1u << 7), -EOPNOTSUPP);
	COPY(b, a, ~0ull & ~(PG - 1), 2 * PG, FIXED | RO, -EOVERFLOW);
	iova = PG / 2;
	cr_assert_eq(copy_ioas(ctx, b, a, X, PG, &iova, FIXED | RO), -EINVAL);
	/* Writeable from a read-only mapping; also when only part of it is. */
	COPY(b, a, X + 6 * PG, PG, FIXED | RW, -EACCES);
	COPY(b, a, X + 6 * PG, PG, FIXED | WO, -EACCES);
	/* Overlap in the destination. */
	cr_assert_eq(map_at(ctx, b, VA(mem) + 7 * PG, PG, Y + PG, RW), 0);
	base = pinned();
	lck = vmlck_kb();
	iova = Y;
	cr_assert_eq(copy_ioas(ctx, b, a, X, 2 * PG, &iova, FIXED | RW),
		     -EEXIST);
	cr_assert_eq(pinned(), base);
	cr_assert_eq(vmlck_kb(), lck);
	/* And what is allowed works: read-only copy of the read-only part. */
	iova = 0;
	cr_assert_eq(copy_ioas(ctx, b, a, X + 6 * PG, 2 * PG, &iova, RO), 0);
	cr_assert_eq(pinned(), base);
#undef COPY
	close(ctx);
}

static void fail_none(void)
{
	fail_pgtable(0, 0);
}

/*
 * Out of page-table memory at the Nth table the copy needs, for each N
 * until the copy needs no more: every failure leaves the destination
 * empty and the pins as they were; then the copy reads back exactly.
 */
Test(ioas_copy, without_page_table_memory_fails_whole, .fini = fail_none)
{
	struct copy_rig r = copy_rig_up();
	uint8_t *m1 = pbuf(PG, 17), *m2 = pbuf(PG, 18), out[PG];
	/* The second piece starts a new 2 MiB leaf table. */
	const uint64_t at = 0x40200000 - PG;
	uint64_t base, iova;
	unsigned int failed = 0, skip;
	long lck;
	int rc = -ENOMEM;

	cr_assert_eq(map_at(r.ctx, r.a, VA(m1), PG, X, RW), 0);
	cr_assert_eq(map_at(r.ctx, r.a, VA(m2), PG, X + PG, RW), 0);
	base = pinned();
	lck = vmlck_kb();
	for (skip = 0; skip < 8 && rc; skip++) {
		fail_pgtable(skip, 1);
		iova = at;
		rc = copy_ioas(r.ctx, r.b, r.a, X, 2 * PG, &iova, FIXED | RW);
		fail_pgtable(0, 0);
		if (!rc)
			break;
		cr_assert_eq(rc, -ENOMEM, "skip %u", skip);
		failed++;
		assert_nothing_copied(r.ctx, r.b, base, lck);
		cr_assert_eq(dma_rd(r.db.fd, at, out, PG, NULL, NULL),
			     IOASID_MOCK_FAULT_UNMAPPED, "skip %u", skip);
		assert_reads(r.da.fd, X, m1, PG);
	}
	cr_assert_eq(rc, 0);
	cr_assert_geq(failed, 1);
	assert_reads(r.db.fd, at, m1, PG);
	assert_reads(r.db.fd, at + PG, m2, PG);
	cr_assert_eq(pinned(), base);
	copy_rig_down(&r);
}
