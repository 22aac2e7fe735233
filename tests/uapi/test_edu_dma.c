// SPDX-License-Identifier: GPL-2.0
/*
 * Real DMA isolation: the guest's edu devices DMA through the Intel IOMMU
 * into an IOAS.  Exact bytes must land where mapped, nothing anywhere
 * else, and nothing at all once detached.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mock.h"
#include "pci.h"

#define IOVA_SRC	0x100000ull
#define IOVA_DST	0x200000ull
#define IOVA_HOLE	0x300000ull
/*
 * Bytes per DMA: qemu 7.2's edu refuses (and aborts the whole VM on) a
 * transfer that ends exactly at the end of its 4 KiB buffer.
 */
#define EDU_LEN		4000

struct edu_setup {
	int ctx;
	int dev;
	uint32_t ioas;
	volatile void *bar;
	uint8_t *src;
	uint8_t *dst;
};

static int ioas_new(int ctx, uint32_t *id)
{
	struct ioasid_ioas_alloc a = { .size = sizeof(a) };
	int rc = ioc(ctx, IOASID_IOAS_ALLOC, &a);

	*id = a.out_ioas_id;
	return rc;
}

static int map_fixed(int ctx, uint32_t ioas, void *va, uint64_t len,
		     uint64_t iova, uint32_t prot)
{
	struct ioasid_ioas_map m = {
		.size = sizeof(m),
		.flags = IOASID_IOAS_MAP_FIXED_IOVA | prot,
		.ioas_id = ioas,
		.user_va = (uintptr_t)va,
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

static void bus_master(int dev)
{
	off_t cmd = IOASID_REGION_OFFSET(IOASID_PCI_CONFIG_REGION) + 4;
	uint16_t v;

	cr_assert_eq(pread(dev, &v, 2, cmd), 2);
	v |= 0x6;	/* memory decode, bus master */
	cr_assert_eq(pwrite(dev, &v, 2, cmd), 2);
}

static void *bar0_map(int dev)
{
	void *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, dev,
		       IOASID_REGION_OFFSET(IOASID_PCI_BAR0_REGION));

	cr_assert_neq(p, MAP_FAILED, "mmap BAR0: %s", strerror(errno));
	return p;
}

/* A singleton edu, bound, attached, BAR0 mapped, two buffers mapped. */
static struct edu_setup edu_up(uint32_t dst_prot)
{
	struct edu_setup s;

	s.dev = edu_open(edu_singleton(0).bdf);
	s.ctx = ioasid_open();
	cr_assert_eq(dev_bind(s.dev, s.ctx, NULL), 0);
	cr_assert_eq(ioas_new(s.ctx, &s.ioas), 0);
	cr_assert_eq(dev_attach(s.dev, s.ioas), 0);
	s.bar = bar0_map(s.dev);
	bus_master(s.dev);

	s.src = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	s.dst = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 4096; i++)
		s.src[i] = (uint8_t)(i * 7 + 3);
	memset(s.dst, 0xaa, 4096);
	cr_assert_eq(map_fixed(s.ctx, s.ioas, s.src, 4096, IOVA_SRC,
			       IOASID_IOAS_MAP_READABLE), 0);
	cr_assert_eq(map_fixed(s.ctx, s.ioas, s.dst, 4096, IOVA_DST,
			       dst_prot), 0);
	return s;
}

static void setup(void)
{
	edu_release_all();
	system("dmesg -C");
}

static void teardown(void)
{
	edu_release_all();
}

TestSuite(edu, .init = setup, .fini = teardown);

static int count_untouched(const uint8_t *buf, size_t from, size_t to)
{
	int n = 0;

	for (size_t i = from; i < to; i++)
		n += buf[i] == 0xaa;
	return n;
}

Test(edu, registers_through_the_bar)
{
	struct edu_setup s = edu_up(IOASID_IOAS_MAP_WRITEABLE);
	volatile uint32_t *reg = (volatile uint32_t *)s.bar;

	cr_assert_eq(reg[EDU_ID / 4], 0x010000ed);
	reg[EDU_LIVENESS / 4] = 0x12345678;
	cr_assert_eq(reg[EDU_LIVENESS / 4], ~0x12345678u);
}

Test(edu, dma_lands_exactly_where_mapped)
{
	struct edu_setup s = edu_up(IOASID_IOAS_MAP_WRITEABLE);

	/* RAM -> device buffer -> RAM, through two IOVAs. */
	cr_assert_eq(edu_dma(s.bar, false, IOVA_SRC, EDU_LEN), 0);
	cr_assert_eq(edu_dma(s.bar, true, IOVA_DST, EDU_LEN), 0);
	cr_assert_eq(memcmp(s.dst, s.src, EDU_LEN), 0);
	cr_assert_eq(count_untouched(s.dst, EDU_LEN, 4096), 4096 - EDU_LEN);
}

Test(edu, partial_dma_moves_exactly_count_bytes)
{
	struct edu_setup s = edu_up(IOASID_IOAS_MAP_WRITEABLE);

	cr_assert_eq(edu_dma(s.bar, false, IOVA_SRC, EDU_LEN), 0);
	cr_assert_eq(edu_dma(s.bar, true, IOVA_DST + 100, 300), 0);
	cr_assert_eq(count_untouched(s.dst, 0, 100), 100);
	cr_assert_eq(memcmp(s.dst + 100, s.src, 300), 0);
	cr_assert_eq(count_untouched(s.dst, 400, 4096), 4096 - 400);
}

Test(edu, dma_to_an_unmapped_iova_faults_and_writes_nothing)
{
	struct edu_setup s = edu_up(IOASID_IOAS_MAP_WRITEABLE);

	cr_assert_eq(edu_dma(s.bar, false, IOVA_SRC, EDU_LEN), 0);
	cr_assert_eq(edu_dma(s.bar, true, IOVA_HOLE, EDU_LEN), 0);
	cr_assert_eq(count_untouched(s.dst, 0, 4096), 4096);
	cr_assert_eq(system("dmesg | grep -q 'DMAR: \\[DMA Write.*fault addr 0x300000'"),
		     0, "no DMAR fault logged for the unmapped IOVA");
}

Test(edu, dma_into_a_read_only_mapping_faults)
{
	struct edu_setup s = edu_up(IOASID_IOAS_MAP_READABLE);

	cr_assert_eq(edu_dma(s.bar, false, IOVA_SRC, EDU_LEN), 0);
	cr_assert_eq(edu_dma(s.bar, true, IOVA_DST, EDU_LEN), 0);
	cr_assert_eq(count_untouched(s.dst, 0, 4096), 4096);
	cr_assert_eq(system("dmesg | grep -q 'DMAR: \\[DMA Write.*fault addr 0x200000'"),
		     0, "no DMAR fault logged for the read-only IOVA");
}

Test(edu, unmapped_range_is_unreachable_at_once)
{
	struct edu_setup s = edu_up(IOASID_IOAS_MAP_WRITEABLE);

	cr_assert_eq(edu_dma(s.bar, false, IOVA_SRC, EDU_LEN), 0);
	cr_assert_eq(unmap(s.ctx, s.ioas, IOVA_DST, 4096), 0);
	cr_assert_eq(edu_dma(s.bar, true, IOVA_DST, EDU_LEN), 0);
	cr_assert_eq(count_untouched(s.dst, 0, 4096), 4096);
}

Test(edu, detached_device_reaches_nothing)
{
	struct edu_setup s = edu_up(IOASID_IOAS_MAP_WRITEABLE);
	volatile uint64_t *reg = (volatile uint64_t *)s.bar;

	cr_assert_eq(edu_dma(s.bar, false, IOVA_SRC, EDU_LEN), 0);
	/* Start a DMA (edu runs it ~100 ms later), then detach at once. */
	reg[EDU_DMA_SRC / 8] = EDU_BUFFER;
	reg[EDU_DMA_DST / 8] = IOVA_DST;
	reg[EDU_DMA_COUNT / 8] = EDU_LEN;
	reg[EDU_DMA_CMD / 8] = EDU_DMA_START | EDU_DMA_TO_RAM;
	cr_assert_eq(dev_detach(s.dev), 0);
	usleep(500 * 1000);
	/* The mapping is still in the IOAS; the device just cannot reach it. */
	cr_assert_eq(count_untouched(s.dst, 0, 4096), 4096);
}

static sigjmp_buf bus_error;

static void on_sigbus(int sig)
{
	siglongjmp(bus_error, sig);
}

Test(edu, detach_revokes_the_bar_mapping)
{
	struct edu_setup s = edu_up(IOASID_IOAS_MAP_WRITEABLE);
	volatile uint32_t *reg = (volatile uint32_t *)s.bar;
	volatile int faulted = 0;

	cr_assert_eq(reg[EDU_ID / 4], 0x010000ed);
	cr_assert_eq(dev_detach(s.dev), 0);
	signal(SIGBUS, on_sigbus);
	if (!sigsetjmp(bus_error, 1))
		(void)reg[EDU_ID / 4];
	else
		faulted = 1;
	cr_assert_eq(faulted, 1, "BAR still reachable after detach");
	/* Attached again: the same mapping works again. */
	cr_assert_eq(dev_attach(s.dev, s.ioas), 0);
	cr_assert_eq(reg[EDU_ID / 4], 0x010000ed);
	signal(SIGBUS, SIG_DFL);
}

Test(edu, unbind_revokes_the_bar_mapping)
{
	struct edu_setup s = edu_up(IOASID_IOAS_MAP_WRITEABLE);
	volatile uint32_t *reg = (volatile uint32_t *)s.bar;
	volatile int faulted = 0;

	cr_assert_eq(dev_unbind(s.dev), 0);
	signal(SIGBUS, on_sigbus);
	if (!sigsetjmp(bus_error, 1))
		(void)reg[EDU_ID / 4];
	else
		faulted = 1;
	cr_assert_eq(faulted, 1, "BAR still reachable after unbind");
	signal(SIGBUS, SIG_DFL);
}

Test(edu, msi_window_is_excluded_from_allowed_ranges)
{
	struct edu_setup s = edu_up(IOASID_IOAS_MAP_WRITEABLE);
	struct ioasid_iova_range r[8];
	struct ioasid_ioas_iova_ranges q = {
		.size = sizeof(q), .ioas_id = s.ioas, .num_iovas = 8,
		.allowed_iovas = (uintptr_t)r,
	};
	bool below = false, above = false;

	cr_assert_eq(ioc(s.ctx, IOASID_IOAS_IOVA_RANGES, &q), 0);
	cr_assert_geq(q.num_iovas, 2);
	for (uint32_t i = 0; i < q.num_iovas; i++) {
		/* Nothing allowed overlaps the MSI window. */
		cr_assert(r[i].last < 0xfee00000ull || r[i].start > 0xfeefffffull);
		below |= r[i].last == 0xfedfffffull;
		above |= r[i].start == 0xfef00000ull;
	}
	cr_assert(below && above, "MSI window not cut out exactly");
	cr_assert_eq(map_fixed(s.ctx, s.ioas, s.src, 4096, 0xfee00000ull,
			       IOASID_IOAS_MAP_READABLE), -EADDRINUSE);
	/* The aperture ends below 2^64: the IOMMU's address width. */
	cr_assert_lt(r[q.num_iovas - 1].last, ~0ull);
}

Test(edu, mapping_in_the_msi_window_blocks_attach)
{
	int dev = edu_open(edu_singleton(0).bdf), ctx = ioasid_open();
	void *buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t ioas;

	cr_assert_eq(dev_bind(dev, ctx, NULL), 0);
	cr_assert_eq(ioas_new(ctx, &ioas), 0);
	cr_assert_eq(map_fixed(ctx, ioas, buf, 4096, 0xfee01000ull,
			       IOASID_IOAS_MAP_READABLE), 0);
	cr_assert_eq(dev_attach(dev, ioas), -EADDRINUSE);
	cr_assert_eq(dev_info(dev).out_flags & IOASID_DEVICE_INFO_ATTACHED, 0);
	cr_assert_eq(unmap(ctx, ioas, 0xfee01000ull, 4096), 0);
	cr_assert_eq(dev_attach(dev, ioas), 0);
}

Test(edu, shared_group_members_share_one_ioas)
{
	struct edu a = edu_shared(0), b = edu_shared(1);
	int fa = edu_open(a.bdf), fb = edu_open(b.bdf), ctx = ioasid_open();
	uint32_t ioas1, ioas2;

	cr_assert_eq(dev_bind(fa, ctx, NULL), 0);
	cr_assert_eq(dev_bind(fb, ctx, NULL), 0);
	cr_assert_eq(ioas_new(ctx, &ioas1), 0);
	cr_assert_eq(ioas_new(ctx, &ioas2), 0);
	cr_assert_eq(dev_attach(fa, ioas1), 0);
	/* The group is the IOMMU's unit: a sibling cannot go elsewhere. */
	cr_assert_eq(dev_attach(fb, ioas2), -EBUSY);
	cr_assert_eq(dev_attach(fb, ioas1), 0);
	/* An IOAS with attached devices cannot be destroyed. */
	struct ioasid_destroy d = { .size = sizeof(d), .id = ioas1 };

	cr_assert_eq(ioc(ctx, IOASID_DESTROY, &d), -EBUSY);
	cr_assert_eq(dev_detach(fa), 0);
	cr_assert_eq(ioc(ctx, IOASID_DESTROY, &d), -EBUSY);
	cr_assert_eq(dev_detach(fb), 0);
	cr_assert_eq(ioc(ctx, IOASID_DESTROY, &d), 0);
	/* Now the group is free to go to the other IOAS. */
	cr_assert_eq(dev_attach(fb, ioas2), 0);
}

Test(edu, pasid_attach_needs_a_pasid_capable_device)
{
	int dev = edu_open(edu_singleton(0).bdf), ctx = ioasid_open();
	uint32_t ioas, pasid;

	cr_assert_eq(dev_bind(dev, ctx, NULL), 0);
	cr_assert_eq(ioas_new(ctx, &ioas), 0);
	cr_assert_eq(pasid_alloc(ctx, 0, 0, &pasid), 0);
	cr_assert_eq(dev_attach_pasid(dev, ioas, pasid), -EOPNOTSUPP);
}

/*
 * The IOMMU's input address width, as the Intel driver computes it: the
 * widest page-table depth it supports (SAGAW), no wider than MGAW.
 */
static unsigned int dmar_width(void)
{
	static const unsigned int sagaw_width[] = { 30, 39, 48, 57, 64 };
	unsigned long long cap;
	unsigned int width = 0, mgaw;
	FILE *f = fopen("/sys/class/iommu/dmar0/intel-iommu/cap", "r");

	cr_assert_not_null(f, "no dmar0 in sysfs");
	cr_assert_eq(fscanf(f, "%llx", &cap), 1);
	fclose(f);
	mgaw = ((cap >> 16) & 0x3f) + 1;
	for (int i = 0; i < 5; i++)
		if ((cap >> (8 + i)) & 1 && sagaw_width[i] <= 57)
			width = sagaw_width[i];
	return width < mgaw ? width : mgaw;
}

Test(edu, allowed_ranges_end_at_the_iommu_width)
{
	struct edu_setup s = edu_up(IOASID_IOAS_MAP_WRITEABLE);
	uint64_t end = 1ull << dmar_width();
	struct ioasid_iova_range r[8];
	struct ioasid_ioas_iova_ranges q = {
		.size = sizeof(q), .ioas_id = s.ioas, .num_iovas = 8,
		.allowed_iovas = (uintptr_t)r,
	};

	cr_assert_eq(ioc(s.ctx, IOASID_IOAS_IOVA_RANGES, &q), 0);
	cr_assert_eq(r[q.num_iovas - 1].last, end - 1, "last %#llx, width %u",
		     (unsigned long long)r[q.num_iovas - 1].last, dmar_width());
	/* The last page maps, and the page past it is refused up front. */
	cr_assert_eq(map_fixed(s.ctx, s.ioas, s.src, 4096, end - 4096,
			       IOASID_IOAS_MAP_READABLE), 0);
	cr_assert_eq(map_fixed(s.ctx, s.ioas, s.src, 4096, end,
			       IOASID_IOAS_MAP_READABLE), -EADDRINUSE);
	cr_assert_eq(unmap(s.ctx, s.ioas, end - 4096, 4096), 0);
}

Test(edu, mapping_past_the_iommu_width_blocks_attach)
{
	int dev = edu_open(edu_singleton(0).bdf), ctx = ioasid_open();
	uint64_t end = 1ull << dmar_width();
	void *buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t ioas;

	cr_assert_eq(dev_bind(dev, ctx, NULL), 0);
	cr_assert_eq(ioas_new(ctx, &ioas), 0);
	/* No device yet: nothing limits the IOVA. */
	cr_assert_eq(map_fixed(ctx, ioas, buf, 4096, end,
			       IOASID_IOAS_MAP_READABLE), 0);
	cr_assert_eq(dev_attach(dev, ioas), -EADDRINUSE);
	cr_assert_eq(unmap(ctx, ioas, end, 4096), 0);
	cr_assert_eq(dev_attach(dev, ioas), 0);
}

/*
 * One mapping of many scattered pages, programmed a batch of runs per
 * IOMMU call (128 runs a batch): every page reaches exactly its own
 * memory, on both sides of the batch boundaries.
 */
Test(edu, scattered_pages_of_one_mapping_each_reach_their_own_memory)
{
	struct edu_setup s = edu_up(IOASID_IOAS_MAP_WRITEABLE);
	static const uint64_t probe[] = { 0, 1, 127, 128, 129, 255, 256, 299 };
	const uint64_t base = 0x1000000, n = 300;
	uint8_t *big = mmap(NULL, n * 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(big, MAP_FAILED);
	/* Touched last page first: physically scattered, not one run. */
	for (uint64_t p = n; p-- > 0;)
		for (uint64_t i = 0; i < 4096; i++)
			big[p * 4096 + i] = (uint8_t)(i * 13 + p * 7);
	cr_assert_eq(map_fixed(s.ctx, s.ioas, big, n * 4096, base,
			       IOASID_IOAS_MAP_READABLE), 0);
	for (size_t k = 0; k < sizeof(probe) / sizeof(probe[0]); k++) {
		memset(s.dst, 0xaa, 4096);
		cr_assert_eq(edu_dma(s.bar, false, base + probe[k] * 4096,
				     EDU_LEN), 0);
		cr_assert_eq(edu_dma(s.bar, true, IOVA_DST, EDU_LEN), 0);
		cr_assert_eq(memcmp(s.dst, big + probe[k] * 4096, EDU_LEN), 0,
			     "page %lu", (unsigned long)probe[k]);
	}
	cr_assert_eq(unmap(s.ctx, s.ioas, base, n * 4096), 0);
	munmap(big, n * 4096);
}
