// SPDX-License-Identifier: GPL-2.0
/*
 * Mock devices attached to IOAS: their DMA walks the software page table,
 * so it must read exactly what was written through the mapping, write
 * exactly where mapped, and fault (unmapped, permission, detached)
 * everywhere else.  Also PASID attachments and nested IOAS.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mock.h"

static uint32_t ioas_new(int ctx)
{
	struct ioasid_ioas_alloc a = { .size = sizeof(a) };

	cr_assert_eq(ioc(ctx, IOASID_IOAS_ALLOC, &a), 0);
	return a.out_ioas_id;
}

static uint32_t ioas_nested(int ctx, uint32_t parent)
{
	struct ioasid_ioas_alloc a = {
		.size = sizeof(a), .flags = IOASID_IOAS_ALLOC_NESTED,
		.parent_id = parent,
	};

	cr_assert_eq(ioc(ctx, IOASID_IOAS_ALLOC, &a), 0);
	return a.out_ioas_id;
}

static int map_at(int ctx, uint32_t ioas, uint64_t src, uint64_t len,
		  uint64_t iova, uint32_t prot)
{
	struct ioasid_ioas_map m = {
		.size = sizeof(m),
		.flags = IOASID_IOAS_MAP_FIXED_IOVA | prot,
		.ioas_id = ioas,
		.user_va = src,
		.length = len,
		.iova = iova,
	};

	return ioc(ctx, IOASID_IOAS_MAP, &m);
}

static int unmap(int ctx, uint32_t ioas, uint64_t iova, uint64_t len)
{
	struct ioasid_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = ioas, .iova = iova, .length = len,
	};

	return ioc(ctx, IOASID_IOAS_UNMAP, &u);
}

#define RW (IOASID_IOAS_MAP_READABLE | IOASID_IOAS_MAP_WRITEABLE)

static uint8_t *buffer(size_t len, uint8_t seed)
{
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(p, MAP_FAILED);
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 13);
	return p;
}

struct rig {
	int ctx;
	uint32_t ioas;
	struct mock m;
};

static struct rig rig_up(uint32_t mock_flags)
{
	struct rig r = { .ctx = ioasid_open() };

	r.m = mock_new(mock_flags);
	r.ioas = ioas_new(r.ctx);
	cr_assert_eq(dev_bind(r.m.fd, r.ctx, NULL), 0);
	cr_assert_eq(dev_attach(r.m.fd, r.ioas), 0);
	return r;
}

Test(mock_dma, reads_exactly_what_memory_holds)
{
	struct rig r = rig_up(0);
	uint8_t *mem = buffer(3 * 4096, 1), out[3 * 4096];
	uint64_t done;
	uint32_t fault;

	cr_assert_eq(map_at(r.ctx, r.ioas, (uintptr_t)mem, 3 * 4096, 0x10000,
			    RW), 0);
	/* Across page boundaries, at an odd offset. */
	cr_assert_eq(mock_dma(r.m.fd, 0, IOASID_MOCK_DMA_READ, 0x10000 + 5,
			      out, 3 * 4096 - 5, &done, &fault, NULL), 0);
	cr_assert_eq(fault, IOASID_MOCK_FAULT_NONE);
	cr_assert_eq(done, 3 * 4096 - 5);
	cr_assert_eq(memcmp(out, mem + 5, 3 * 4096 - 5), 0);
}

Test(mock_dma, writes_land_exactly_where_mapped)
{
	struct rig r = rig_up(0);
	uint8_t *mem = buffer(2 * 4096, 0);
	uint8_t data[1000];
	uint64_t done;
	uint32_t fault;

	memset(mem, 0xaa, 2 * 4096);
	memset(data, 0x5c, sizeof(data));
	cr_assert_eq(map_at(r.ctx, r.ioas, (uintptr_t)mem, 2 * 4096, 0x40000,
			    RW), 0);
	cr_assert_eq(mock_dma(r.m.fd, 0, IOASID_MOCK_DMA_WRITE,
			      0x40000 + 4096 - 500, data, sizeof(data), &done,
			      &fault, NULL), 0);
	cr_assert_eq(fault, IOASID_MOCK_FAULT_NONE);
	cr_assert_eq(done, sizeof(data));
	for (int i = 0; i < 2 * 4096; i++) {
		bool inside = i >= 4096 - 500 && i < 4096 + 500;

		cr_assert_eq(mem[i], inside ? 0x5c : 0xaa, "byte %d", i);
	}
}

Test(mock_dma, stops_at_the_first_unmapped_page)
{
	struct rig r = rig_up(0);
	uint8_t *mem = buffer(2 * 4096, 9), out[3 * 4096];
	uint64_t done, fiova;
	uint32_t fault;

	cr_assert_eq(map_at(r.ctx, r.ioas, (uintptr_t)mem, 2 * 4096, 0x80000,
			    RW), 0);
	cr_assert_eq(mock_dma(r.m.fd, 0, IOASID_MOCK_DMA_READ, 0x80000 + 100,
			      out, 3 * 4096, &done, &fault, &fiova), 0);
	cr_assert_eq(fault, IOASID_MOCK_FAULT_UNMAPPED);
	cr_assert_eq(done, 2 * 4096 - 100);
	cr_assert_eq(fiova, 0x82000);
	cr_assert_eq(memcmp(out, mem + 100, done), 0);
	/* Before the mapping, nothing at all. */
	cr_assert_eq(mock_dma(r.m.fd, 0, IOASID_MOCK_DMA_READ, 0x7f000, out,
			      16, &done, &fault, &fiova), 0);
	cr_assert_eq(fault, IOASID_MOCK_FAULT_UNMAPPED);
	cr_assert_eq(done, 0);
	cr_assert_eq(fiova, 0x7f000);
}

Test(mock_dma, write_to_a_read_only_mapping_is_a_prot_fault)
{
	struct rig r = rig_up(0);
	uint8_t *mem = buffer(4096, 3), data[64] = { 1 };
	uint8_t copy[4096];
	uint64_t done;
	uint32_t fault;

	memcpy(copy, mem, 4096);
	cr_assert_eq(map_at(r.ctx, r.ioas, (uintptr_t)mem, 4096, 0x1000,
			    IOASID_IOAS_MAP_READABLE), 0);
	cr_assert_eq(mock_dma(r.m.fd, 0, IOASID_MOCK_DMA_WRITE, 0x1000, data,
			      sizeof(data), &done, &fault, NULL), 0);
	cr_assert_eq(fault, IOASID_MOCK_FAULT_PROT);
	cr_assert_eq(done, 0);
	cr_assert_eq(memcmp(mem, copy, 4096), 0);
	/* Reading is allowed. */
	cr_assert_eq(mock_dma(r.m.fd, 0, IOASID_MOCK_DMA_READ, 0x1000, data,
			      sizeof(data), &done, &fault, NULL), 0);
	cr_assert_eq(fault, IOASID_MOCK_FAULT_NONE);
	cr_assert_eq(done, sizeof(data));
}

Test(mock_dma, read_of_a_write_only_mapping_is_a_prot_fault)
{
	struct rig r = rig_up(0);
	uint8_t *mem = buffer(4096, 3), out[64];
	uint64_t done;
	uint32_t fault;

	cr_assert_eq(map_at(r.ctx, r.ioas, (uintptr_t)mem, 4096, 0x1000,
			    IOASID_IOAS_MAP_WRITEABLE), 0);
	cr_assert_eq(mock_dma(r.m.fd, 0, IOASID_MOCK_DMA_READ, 0x1000, out,
			      sizeof(out), &done, &fault, NULL), 0);
	cr_assert_eq(fault, IOASID_MOCK_FAULT_PROT);
	cr_assert_eq(done, 0);
}

Test(mock_dma, map_after_attach_reaches_the_device)
{
	struct rig r = rig_up(0);
	uint8_t *mem = buffer(4096, 7), out[4096];
	uint64_t done;
	uint32_t fault;

	cr_assert_eq(mock_dma(r.m.fd, 0, IOASID_MOCK_DMA_READ, 0x2000, out,
			      4096, &done, &fault, NULL), 0);
	cr_assert_eq(fault, IOASID_MOCK_FAULT_UNMAPPED);
	cr_assert_eq(map_at(r.ctx, r.ioas, (uintptr_t)mem, 4096, 0x2000, RW), 0);
	cr_assert_eq(mock_dma(r.m.fd, 0, IOASID_MOCK_DMA_READ, 0x2000, out,
			      4096, &done, &fault, NULL), 0);
	cr_assert_eq(done, 4096);
	cr_assert_eq(memcmp(out, mem, 4096), 0);
}

Test(mock_dma, mappings_made_before_attach_are_programmed)
{
	int ctx = ioasid_open();
	struct mock m = mock_new(0);
	uint32_t ioas = ioas_new(ctx);
	uint8_t *mem = buffer(8 * 4096, 5), out[8 * 4096];
	uint64_t done;
	uint32_t fault;

	cr_assert_eq(map_at(ctx, ioas, (uintptr_t)mem, 8 * 4096, 0x100000, RW),
		     0);
	cr_assert_eq(dev_bind(m.fd, ctx, NULL), 0);
	cr_assert_eq(dev_attach(m.fd, ioas), 0);
	cr_assert_eq(mock_dma(m.fd, 0, IOASID_MOCK_DMA_READ, 0x100000, out,
			      sizeof(out), &done, &fault, NULL), 0);
	cr_assert_eq(done, sizeof(out));
	cr_assert_eq(memcmp(out, mem, sizeof(out)), 0);
}

Test(mock_dma, partial_unmap_faults_only_the_hole)
{
	struct rig r = rig_up(0);
	uint8_t *mem = buffer(4 * 4096, 11), out[4096];
	uint64_t done;
	uint32_t fault;

	cr_assert_eq(map_at(r.ctx, r.ioas, (uintptr_t)mem, 4 * 4096, 0x10000,
			    RW), 0);
	cr_assert_eq(unmap(r.ctx, r.ioas, 0x11000, 2 * 4096), 0);
	for (int page = 0; page < 4; page++) {
		bool hole = page == 1 || page == 2;

		cr_assert_eq(mock_dma(r.m.fd, 0, IOASID_MOCK_DMA_READ,
				      0x10000 + page * 4096, out, 4096, &done,
				      &fault, NULL), 0);
		cr_assert_eq(fault, hole ? IOASID_MOCK_FAULT_UNMAPPED :
					   IOASID_MOCK_FAULT_NONE, "page %d", page);
		if (!hole)
			cr_assert_eq(memcmp(out, mem + page * 4096, 4096), 0);
	}
}

Test(mock_dma, detached_device_reaches_nothing)
{
	struct rig r = rig_up(0);
	uint8_t *mem = buffer(4096, 2), out[16];
	uint64_t done;
	uint32_t fault;

	cr_assert_eq(map_at(r.ctx, r.ioas, (uintptr_t)mem, 4096, 0x3000, RW), 0);
	cr_assert_eq(dev_detach(r.m.fd), 0);
	cr_assert_eq(mock_dma(r.m.fd, 0, IOASID_MOCK_DMA_READ, 0x3000, out,
			      sizeof(out), &done, &fault, NULL), 0);
	cr_assert_eq(fault, IOASID_MOCK_FAULT_DETACHED);
	cr_assert_eq(done, 0);
	cr_assert_eq(dev_info(r.m.fd).out_ioas_id, 0);
}

Test(mock_dma, two_devices_share_one_ioas)
{
	struct rig r = rig_up(0);
	struct mock m2 = mock_new(0);
	uint8_t *mem = buffer(4096, 0), data[32];
	uint64_t done;
	uint32_t fault;

	memset(data, 0x77, sizeof(data));
	cr_assert_eq(dev_bind(m2.fd, r.ctx, NULL), 0);
	cr_assert_eq(dev_attach(m2.fd, r.ioas), 0);
	cr_assert_eq(map_at(r.ctx, r.ioas, (uintptr_t)mem, 4096, 0x5000, RW), 0);
	/* One device writes, the other reads it back. */
	cr_assert_eq(mock_dma(r.m.fd, 0, IOASID_MOCK_DMA_WRITE, 0x5010, data,
			      sizeof(data), &done, &fault, NULL), 0);
	memset(data, 0, sizeof(data));
	cr_assert_eq(mock_dma(m2.fd, 0, IOASID_MOCK_DMA_READ, 0x5010, data,
			      sizeof(data), &done, &fault, NULL), 0);
	cr_assert_eq(done, sizeof(data));
	for (size_t i = 0; i < sizeof(data); i++)
		cr_assert_eq(data[i], 0x77);
	cr_assert_eq(mem[0x10], 0x77);
	/* Detaching one leaves the other attached. */
	cr_assert_eq(dev_detach(r.m.fd), 0);
	cr_assert_eq(mock_dma(m2.fd, 0, IOASID_MOCK_DMA_READ, 0x5010, data,
			      sizeof(data), &done, &fault, NULL), 0);
	cr_assert_eq(fault, IOASID_MOCK_FAULT_NONE);
}

Test(mock_dma, separate_ioas_are_isolated)
{
	int ctx = ioasid_open();
	struct mock a = mock_new(0), b = mock_new(0);
	uint32_t ia = ioas_new(ctx), ib = ioas_new(ctx);
	uint8_t *mem = buffer(4096, 4), out[16];
	uint64_t done;
	uint32_t fault;

	cr_assert_eq(dev_bind(a.fd, ctx, NULL), 0);
	cr_assert_eq(dev_bind(b.fd, ctx, NULL), 0);
	cr_assert_eq(dev_attach(a.fd, ia), 0);
	cr_assert_eq(dev_attach(b.fd, ib), 0);
	cr_assert_eq(map_at(ctx, ia, (uintptr_t)mem, 4096, 0x6000, RW), 0);
	cr_assert_eq(mock_dma(a.fd, 0, IOASID_MOCK_DMA_READ, 0x6000, out,
			      sizeof(out), &done, &fault, NULL), 0);
	cr_assert_eq(fault, IOASID_MOCK_FAULT_NONE);
	cr_assert_eq(mock_dma(b.fd, 0, IOASID_MOCK_DMA_READ, 0x6000, out,
			      sizeof(out), &done, &fault, NULL), 0);
	cr_assert_eq(fault, IOASID_MOCK_FAULT_UNMAPPED);
}

Test(mock_dma, reserved_region_of_a_device)
{
	int ctx = ioasid_open();
	struct mock m;
	uint32_t ioas = ioas_new(ctx);
	uint8_t *mem = buffer(4096, 4);

	cr_assert_eq(mock_create_full(IOASID_MOCK_NEW_GROUP, 0, 0x100000,
				      0x10000, &m), 0);
	cr_assert_eq(dev_bind(m.fd, ctx, NULL), 0);
	/* A mapping inside the region blocks attach. */
	cr_assert_eq(map_at(ctx, ioas, (uintptr_t)mem, 4096, 0x108000, RW), 0);
	cr_assert_eq(dev_attach(m.fd, ioas), -EADDRINUSE);
	cr_assert_eq(unmap(ctx, ioas, 0x108000, 4096), 0);
	cr_assert_eq(dev_attach(m.fd, ioas), 0);
	/* Attached: the region is refused, its edges are not. */
	cr_assert_eq(map_at(ctx, ioas, (uintptr_t)mem, 4096, 0x10f000, RW),
		     -EADDRINUSE);
	cr_assert_eq(map_at(ctx, ioas, (uintptr_t)mem, 4096, 0xff000, RW), 0);
	cr_assert_eq(map_at(ctx, ioas, (uintptr_t)mem, 4096, 0x110000, RW), 0);
	/* Detached: allowed again. */
	cr_assert_eq(dev_detach(m.fd), 0);
	cr_assert_eq(map_at(ctx, ioas, (uintptr_t)mem, 4096, 0x10f000, RW), 0);
}

Test(mock_dma, pasid_attachments_translate_separately)
{
	struct rig r = rig_up(IOASID_MOCK_PASID);
	uint32_t ioas2 = ioas_new(r.ctx), pasid;
	uint8_t *a = buffer(4096, 1), *b = buffer(4096, 2), out[4096];
	uint64_t done;
	uint32_t fault;

	cr_assert_eq(pasid_alloc(r.ctx, 0, 0, &pasid), 0);
	cr_assert_eq(dev_attach_pasid(r.m.fd, ioas2, pasid), 0);
	cr_assert_eq(map_at(r.ctx, r.ioas, (uintptr_t)a, 4096, 0x9000, RW), 0);
	cr_assert_eq(map_at(r.ctx, ioas2, (uintptr_t)b, 4096, 0x9000, RW), 0);
	/* Same IOVA, different address spaces. */
	cr_assert_eq(mock_dma(r.m.fd, 0, IOASID_MOCK_DMA_READ, 0x9000, out,
			      4096, &done, &fault, NULL), 0);
	cr_assert_eq(memcmp(out, a, 4096), 0);
	cr_assert_eq(mock_dma(r.m.fd, pasid, IOASID_MOCK_DMA_READ, 0x9000, out,
			      4096, &done, &fault, NULL), 0);
	cr_assert_eq(memcmp(out, b, 4096), 0);
	/* A PASID in use cannot be freed; detached it can. */
	cr_assert_eq(pasid_free(r.ctx, pasid), -EBUSY);
	cr_assert_eq(dev_detach_pasid(r.m.fd, pasid), 0);
	cr_assert_eq(mock_dma(r.m.fd, pasid, IOASID_MOCK_DMA_READ, 0x9000, out,
			      16, &done, &fault, NULL), 0);
	cr_assert_eq(fault, IOASID_MOCK_FAULT_DETACHED);
	cr_assert_eq(dev_detach_pasid(r.m.fd, pasid), -ENOENT);
	cr_assert_eq(pasid_free(r.ctx, pasid), 0);
}

Test(mock_dma, pasid_attach_errors)
{
	struct rig r = rig_up(IOASID_MOCK_PASID);
	struct mock plain = mock_new(0);
	int other = ioasid_open();
	uint32_t pasid, foreign;

	cr_assert_eq(pasid_alloc(r.ctx, 0, 0, &pasid), 0);
	cr_assert_eq(pasid_alloc(other, 0, 0, &foreign), 0);
	/* Not owned by the device's context. */
	cr_assert_eq(dev_attach_pasid(r.m.fd, r.ioas, foreign), -EACCES);
	/* Never allocated, out of range. */
	cr_assert_eq(dev_attach_pasid(r.m.fd, r.ioas, 0), -EACCES);
	cr_assert_eq(dev_attach_pasid(r.m.fd, r.ioas, 1u << 20), -EACCES);
	cr_assert_eq(dev_attach_pasid(r.m.fd, r.ioas, pasid), 0);
	cr_assert_eq(dev_attach_pasid(r.m.fd, r.ioas, pasid), -EBUSY);
	/* A device without PASID support. */
	cr_assert_eq(dev_bind(plain.fd, r.ctx, NULL), 0);
	cr_assert_eq(dev_attach_pasid(plain.fd, r.ioas, pasid), -EOPNOTSUPP);
	/* Unbind detaches everything and frees the PASID for reuse. */
	cr_assert_eq(dev_unbind(r.m.fd), 0);
	cr_assert_eq(pasid_free(r.ctx, pasid), 0);
}

Test(mock_dma, nested_ioas_composes_and_follows_the_parent)
{
	int ctx = ioasid_open();
	struct mock m = mock_new(0);
	uint32_t parent = ioas_new(ctx), child = ioas_nested(ctx, parent);
	uint8_t *mem = buffer(2 * 4096, 8), *other = buffer(4096, 99);
	uint8_t out[4096];
	uint64_t done;
	uint32_t fault;

	/* Parent: "GPA" 0x40000 -> mem; child: "gIOVA" 0x7000 -> GPA 0x41000. */
	cr_assert_eq(map_at(ctx, parent, (uintptr_t)mem, 2 * 4096, 0x40000, RW),
		     0);
	cr_assert_eq(map_at(ctx, child, 0x41000, 4096, 0x7000, RW), 0);
	cr_assert_eq(dev_bind(m.fd, ctx, NULL), 0);
	cr_assert_eq(dev_attach(m.fd, child), 0);
	cr_assert_eq(mock_dma(m.fd, 0, IOASID_MOCK_DMA_READ, 0x7000, out, 4096,
			      &done, &fault, NULL), 0);
	cr_assert_eq(fault, IOASID_MOCK_FAULT_NONE);
	cr_assert_eq(memcmp(out, mem + 4096, 4096), 0);
	/* The child's own IOVA space: the parent's IOVAs mean nothing. */
	cr_assert_eq(mock_dma(m.fd, 0, IOASID_MOCK_DMA_READ, 0x41000, out, 16,
			      &done, &fault, NULL), 0);
	cr_assert_eq(fault, IOASID_MOCK_FAULT_UNMAPPED);

	/* Parent unmaps the backing range: the child's mapping stops working. */
	cr_assert_eq(unmap(ctx, parent, 0x41000, 4096), 0);
	cr_assert_eq(mock_dma(m.fd, 0, IOASID_MOCK_DMA_READ, 0x7000, out, 16,
			      &done, &fault, NULL), 0);
	cr_assert_eq(fault, IOASID_MOCK_FAULT_UNMAPPED);
	/* Parent maps other memory there: the child follows. */
	cr_assert_eq(map_at(ctx, parent, (uintptr_t)other, 4096, 0x41000, RW),
		     0);
	cr_assert_eq(mock_dma(m.fd, 0, IOASID_MOCK_DMA_READ, 0x7000, out, 4096,
			      &done, &fault, NULL), 0);
	cr_assert_eq(fault, IOASID_MOCK_FAULT_NONE);
	cr_assert_eq(memcmp(out, other, 4096), 0);
}

Test(mock_dma, pinned_pages_return_after_close)
{
	uint64_t before = test_stats().out_pinned_pages;
	struct rig r = rig_up(0);
	uint8_t *mem = buffer(16 * 4096, 0);

	cr_assert_eq(map_at(r.ctx, r.ioas, (uintptr_t)mem, 16 * 4096, 0x200000,
			    RW), 0);
	cr_assert_eq(test_stats().out_pinned_pages, before + 16);
	close(r.m.fd);
	cr_assert_eq(test_stats().out_pinned_pages, before + 16);
	close(r.ctx);
	cr_assert_eq(test_stats().out_pinned_pages, before);
}
