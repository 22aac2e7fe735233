/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by the IOAS suites (test_ioas.c, test_ioas_unmap.c,
 * test_ioas_nesting.c, test_memlock.c, test_ioas_engine.c): IOAS ioctl wrappers that return 0
 * or -errno, patterned buffers, mock DMA that checks its byte count, the
 * module's pin counter and this process's VmLck.
 */
#ifndef IOASID_TEST_IOAS_UTIL_H
#define IOASID_TEST_IOAS_UTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mock.h"

#define PG	4096ull
#define RO	IOASID_IOAS_MAP_READABLE
#define WO	IOASID_IOAS_MAP_WRITEABLE
#define RW	(IOASID_IOAS_MAP_READABLE | IOASID_IOAS_MAP_WRITEABLE)
#define FIXED	IOASID_IOAS_MAP_FIXED_IOVA
/* Mock devices translate 48 bits of IOVA. */
#define MOCK_APERTURE_END	(1ull << 48)

static inline uint32_t ioas_new(int ctx)
{
	struct ioasid_ioas_alloc a = { .size = sizeof(a) };

	cr_assert_eq(ioc(ctx, IOASID_IOAS_ALLOC, &a), 0, "IOAS alloc");
	cr_assert_neq(a.out_ioas_id, 0);
	return a.out_ioas_id;
}

static inline uint32_t ioas_new_nested(int ctx, uint32_t parent)
{
	struct ioasid_ioas_alloc a = {
		.size = sizeof(a), .flags = IOASID_IOAS_ALLOC_NESTED,
		.parent_id = parent,
	};

	cr_assert_eq(ioc(ctx, IOASID_IOAS_ALLOC, &a), 0, "nested IOAS alloc");
	cr_assert_neq(a.out_ioas_id, 0);
	return a.out_ioas_id;
}

/* IOASID_IOAS_ALLOC with raw arguments; 0 or -errno, *id if it worked. */
static inline int ioas_alloc_raw(int ctx, uint32_t flags, uint32_t parent,
				 uint32_t *id)
{
	struct ioasid_ioas_alloc a = {
		.size = sizeof(a), .flags = flags, .parent_id = parent,
	};
	int rc = ioc(ctx, IOASID_IOAS_ALLOC, &a);

	if (!rc && id)
		*id = a.out_ioas_id;
	return rc;
}

static inline int obj_destroy(int ctx, uint32_t id)
{
	struct ioasid_destroy d = { .size = sizeof(d), .id = id };

	return ioc(ctx, IOASID_DESTROY, &d);
}

/* Map at a fixed IOVA with @prot (RO, WO, RW); 0 or -errno. */
static inline int map_at(int ctx, uint32_t ioas, uint64_t src, uint64_t len,
			 uint64_t iova, uint32_t prot)
{
	struct ioasid_ioas_map m = {
		.size = sizeof(m), .flags = FIXED | prot, .ioas_id = ioas,
		.user_va = src, .length = len, .iova = iova,
	};

	return ioc(ctx, IOASID_IOAS_MAP, &m);
}

/* Map at an IOVA the kernel picks, returned in *iova (0 on error). */
static inline int map_any(int ctx, uint32_t ioas, uint64_t src, uint64_t len,
			  uint32_t prot, uint64_t *iova)
{
	struct ioasid_ioas_map m = {
		.size = sizeof(m), .flags = prot, .ioas_id = ioas,
		.user_va = src, .length = len,
	};
	int rc = ioc(ctx, IOASID_IOAS_MAP, &m);

	if (iova)
		*iova = rc ? 0 : m.iova;
	return rc;
}

/* Unmap [iova, iova + len); *out gets the bytes unmapped.  0 or -errno. */
static inline int unmap_range(int ctx, uint32_t ioas, uint64_t iova,
			      uint64_t len, uint64_t *out)
{
	struct ioasid_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = ioas, .iova = iova, .length = len,
	};
	int rc = ioc(ctx, IOASID_IOAS_UNMAP, &u);

	if (!rc && out)
		*out = u.length;
	return rc;
}

static inline int unmap_all(int ctx, uint32_t ioas, uint64_t *out)
{
	struct ioasid_ioas_unmap u = {
		.size = sizeof(u), .flags = IOASID_IOAS_UNMAP_ALL,
		.ioas_id = ioas,
	};
	int rc = ioc(ctx, IOASID_IOAS_UNMAP, &u);

	if (!rc && out)
		*out = u.length;
	return rc;
}

/*
 * IOASID_IOAS_COPY of [src_iova, +len) of @src into @dst; with FIXED in
 * @flags at *@iova, else at an IOVA the kernel picks (in *@iova).
 */
static inline int copy_ioas(int ctx, uint32_t dst, uint32_t src,
			    uint64_t src_iova, uint64_t len, uint64_t *iova,
			    uint32_t flags)
{
	struct ioasid_ioas_copy c = {
		.size = sizeof(c), .flags = flags, .dst_ioas_id = dst,
		.src_ioas_id = src, .length = len, .src_iova = src_iova,
		.dst_iova = iova ? *iova : 0,
	};
	int rc = ioc(ctx, IOASID_IOAS_COPY, &c);

	if (!rc && iova)
		*iova = c.dst_iova;
	return rc;
}

/* IOASID_IOAS_IOVA_RANGES; *num in and out, 0 or -errno. */
static inline int iova_ranges(int ctx, uint32_t ioas, uint32_t *num,
			      struct ioasid_iova_range *r, uint64_t *align)
{
	struct ioasid_ioas_iova_ranges q = {
		.size = sizeof(q), .ioas_id = ioas, .num_iovas = *num,
		.allowed_iovas = (uintptr_t)r,
	};
	int rc = ioc(ctx, IOASID_IOAS_IOVA_RANGES, &q);

	*num = q.num_iovas;
	if (align)
		*align = q.out_iova_alignment;
	return rc;
}

/* The byte a patterned buffer made with @seed holds at offset @i. */
static inline uint8_t pat(uint8_t seed, size_t i)
{
	return (uint8_t)(seed + i * 7 + (i >> 12) * 31);
}

/* Anonymous read-write memory holding the pattern of @seed. */
static inline uint8_t *pbuf(size_t len, uint8_t seed)
{
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(p, MAP_FAILED);
	for (size_t i = 0; i < len; i++)
		p[i] = pat(seed, i);
	return p;
}

#define VA(p)	((uint64_t)(uintptr_t)(p))

/*
 * Mock DMA read of @len bytes at @iova.  Returns the fault kind; without a
 * fault every byte must have moved, with one @done_out and @fault_iova
 * say where.
 */
static inline uint32_t dma_rd(int dev_fd, uint64_t iova, void *out,
			      uint64_t len, uint64_t *done_out,
			      uint64_t *fault_iova)
{
	uint64_t done = ~0ull, fiova = 0;
	uint32_t fault = ~0u;

	cr_assert_eq(mock_dma(dev_fd, 0, IOASID_MOCK_DMA_READ, iova, out, len,
			      &done, &fault, &fiova), 0, "mock DMA read");
	if (fault == IOASID_MOCK_FAULT_NONE)
		cr_assert_eq(done, len, "short DMA without a fault");
	if (done_out)
		*done_out = done;
	if (fault_iova)
		*fault_iova = fiova;
	return fault;
}

static inline uint32_t dma_wr(int dev_fd, uint64_t iova, void *in,
			      uint64_t len, uint64_t *done_out)
{
	uint64_t done = ~0ull;
	uint32_t fault = ~0u;

	cr_assert_eq(mock_dma(dev_fd, 0, IOASID_MOCK_DMA_WRITE, iova, in, len,
			      &done, &fault, NULL), 0, "mock DMA write");
	if (fault == IOASID_MOCK_FAULT_NONE)
		cr_assert_eq(done, len, "short DMA without a fault");
	if (done_out)
		*done_out = done;
	return fault;
}

/* Page @iova reads back exactly @len bytes equal to @expect. */
static inline void assert_reads(int dev_fd, uint64_t iova, const void *expect,
				uint64_t len)
{
	static uint8_t out[64 * 4096];

	cr_assert_leq(len, sizeof(out));
	cr_assert_eq(dma_rd(dev_fd, iova, out, len, NULL, NULL),
		     IOASID_MOCK_FAULT_NONE, "DMA read at %#llx faulted",
		     (unsigned long long)iova);
	cr_assert_eq(memcmp(out, expect, len), 0, "wrong bytes at %#llx",
		     (unsigned long long)iova);
}

/* A DMA read at @iova faults as unmapped at once. */
static inline void assert_unmapped(int dev_fd, uint64_t iova)
{
	uint8_t out[16];
	uint64_t done, fiova;

	cr_assert_eq(dma_rd(dev_fd, iova, out, sizeof(out), &done, &fiova),
		     IOASID_MOCK_FAULT_UNMAPPED, "IOVA %#llx still translates",
		     (unsigned long long)iova);
	cr_assert_eq(done, 0);
	cr_assert_eq(fiova, iova);
}

#define MB2	(2ull << 20)

/*
 * One 2 MiB hugetlb page (reserved for it; give it back with
 * huge_page_put()), filled with a pattern of @seed: physically contiguous
 * and aligned, whatever THP does.
 */
static inline uint8_t *huge_page(uint8_t seed)
{
	uint8_t *mem;

	cr_assert_eq(system("echo 1 > /proc/sys/vm/nr_hugepages"), 0);
	mem = mmap(NULL, MB2, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	cr_assert_neq(mem, MAP_FAILED);
	for (uint64_t i = 0; i < MB2; i++)
		mem[i] = (uint8_t)(i * seed + (i >> 12));
	return mem;
}

static inline void huge_page_put(uint8_t *mem)
{
	munmap(mem, MB2);
	cr_assert_eq(system("echo 0 > /proc/sys/vm/nr_hugepages"), 0);
}

static inline uint64_t pinned(void)
{
	return test_stats().out_pinned_pages;
}

/* VmLck of this process, in kB. */
static inline long vmlck_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %ld kB", &kb) == 1)
			break;
	fclose(f);
	cr_assert_geq(kb, 0, "no VmLck in /proc/self/status");
	return kb;
}

/* A context with one paging IOAS and a mock device attached to it. */
struct ioas_rig {
	int ctx;
	uint32_t ioas;
	struct mock dev;
};

static inline struct ioas_rig ioas_rig_up(void)
{
	struct ioas_rig r = { .ctx = ioasid_open() };

	r.ioas = ioas_new(r.ctx);
	r.dev = mock_new(0);
	cr_assert_eq(dev_bind(r.dev.fd, r.ctx, NULL), 0);
	cr_assert_eq(dev_attach(r.dev.fd, r.ioas), 0);
	return r;
}

/* Device first: a bound device keeps its context alive. */
static inline void ioas_rig_down(struct ioas_rig *r)
{
	close(r->dev.fd);
	close(r->ctx);
}

#endif
