// SPDX-License-Identifier: GPL-2.0
/*
 * The engine under concurrency: one thread maps and unmaps random ranges
 * of a paging IOAS and of a nested IOAS on it (cutting mappings, leaving
 * the child's translations to be recomposed), while other threads DMA
 * through mock devices attached to both.  Every mapping puts page N of one
 * buffer at IOVA base + N pages, so whatever a DMA reads must be exactly
 * the buffer's bytes at that offset: a stale translation, a page unpinned
 * too early or a wrong composition shows up as wrong bytes.  At the end
 * every pin must be returned.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mock.h"

#define PAGES		64
#define PG		4096ull
#define PARENT_BASE	0x1000000ull
#define CHILD_BASE	0x8000000ull
#define RW		(IOASID_IOAS_MAP_READABLE | IOASID_IOAS_MAP_WRITEABLE)

struct stress {
	int ctx;
	uint32_t parent, child;
	struct mock pdev, cdev;
	uint8_t *buf;
	atomic_bool stop;
	atomic_ulong dma_ok, dma_fault, bad_bytes, bad_errno;
};

static uint8_t pattern(size_t i)
{
	return (uint8_t)(i * 131 + (i >> 12) * 7 + 1);
}

static uint32_t alloc_ioas(int ctx, uint32_t flags, uint32_t parent)
{
	struct ioasid_ioas_alloc a = {
		.size = sizeof(a), .flags = flags, .parent_id = parent,
	};

	cr_assert_eq(ioc(ctx, IOASID_IOAS_ALLOC, &a), 0);
	return a.out_ioas_id;
}

static int map_fixed(int ctx, uint32_t ioas, uint64_t src, uint64_t len,
		     uint64_t iova)
{
	struct ioasid_ioas_map m = {
		.size = sizeof(m), .flags = IOASID_IOAS_MAP_FIXED_IOVA | RW,
		.ioas_id = ioas, .user_va = src, .length = len, .iova = iova,
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

/* A random page range [first, first + n) of the buffer. */
static void pick(unsigned int *seed, uint64_t *first, uint64_t *n)
{
	*first = rand_r(seed) % PAGES;
	*n = 1 + rand_r(seed) % (PAGES - *first);
}

static void *mutate(void *arg)
{
	struct stress *s = arg;
	unsigned int seed = 1;
	uint64_t first, n;
	int rc;

	for (int i = 0; i < 3000; i++) {
		pick(&seed, &first, &n);
		switch (rand_r(&seed) % 4) {
		case 0:
			rc = map_fixed(s->ctx, s->parent,
				       (uintptr_t)s->buf + first * PG, n * PG,
				       PARENT_BASE + first * PG);
			if (rc && rc != -EEXIST)
				s->bad_errno++;
			break;
		case 1:
			rc = unmap(s->ctx, s->parent, PARENT_BASE + first * PG,
				   n * PG);
			if (rc && rc != -ENOENT)
				s->bad_errno++;
			break;
		case 2:
			rc = map_fixed(s->ctx, s->child,
				       PARENT_BASE + first * PG, n * PG,
				       CHILD_BASE + first * PG);
			if (rc && rc != -EEXIST && rc != -ENOENT)
				s->bad_errno++;
			break;
		default:
			rc = unmap(s->ctx, s->child, CHILD_BASE + first * PG,
				   n * PG);
			if (rc && rc != -ENOENT)
				s->bad_errno++;
			break;
		}
	}
	s->stop = true;
	return NULL;
}

/* DMA through @dev at random offsets of the window starting at @base. */
static void dma_loop(struct stress *s, struct mock *dev, uint64_t base,
		     unsigned int seed)
{
	uint8_t out[3 * PG];

	while (!s->stop) {
		uint64_t off = rand_r(&seed) % (PAGES * PG);
		uint64_t len = 1 + rand_r(&seed) % sizeof(out);
		uint64_t done;
		uint32_t fault;

		if (off + len > PAGES * PG)
			len = PAGES * PG - off;
		if (mock_dma(dev->fd, 0, IOASID_MOCK_DMA_READ, base + off, out,
			     len, &done, &fault, NULL)) {
			s->bad_errno++;
			continue;
		}
		for (uint64_t i = 0; i < done; i++)
			if (out[i] != pattern(off + i)) {
				s->bad_bytes++;
				break;
			}
		if (fault == IOASID_MOCK_FAULT_NONE)
			s->dma_ok++;
		else if (fault == IOASID_MOCK_FAULT_UNMAPPED)
			s->dma_fault++;
		else
			s->bad_errno++;
	}
}

static void *dma_parent(void *arg)
{
	struct stress *s = arg;

	dma_loop(s, &s->pdev, PARENT_BASE, 7);
	return NULL;
}

static void *dma_child(void *arg)
{
	struct stress *s = arg;

	dma_loop(s, &s->cdev, CHILD_BASE, 11);
	return NULL;
}

Test(ioas_stress, map_unmap_nest_under_dma)
{
	uint64_t pinned0 = test_stats().out_pinned_pages;
	uint32_t ioas0 = test_stats().out_ioas;
	struct stress *s = calloc(1, sizeof(*s));
	pthread_t mut, dp, dc;

	s->ctx = ioasid_open();
	s->parent = alloc_ioas(s->ctx, 0, 0);
	s->child = alloc_ioas(s->ctx, IOASID_IOAS_ALLOC_NESTED, s->parent);
	s->buf = mmap(NULL, PAGES * PG, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(s->buf, MAP_FAILED);
	for (size_t i = 0; i < PAGES * PG; i++)
		s->buf[i] = pattern(i);
	s->pdev = mock_new(0);
	s->cdev = mock_new(0);
	cr_assert_eq(dev_bind(s->pdev.fd, s->ctx, NULL), 0);
	cr_assert_eq(dev_bind(s->cdev.fd, s->ctx, NULL), 0);
	cr_assert_eq(dev_attach(s->pdev.fd, s->parent), 0);
	cr_assert_eq(dev_attach(s->cdev.fd, s->child), 0);

	cr_assert_eq(pthread_create(&dp, NULL, dma_parent, s), 0);
	cr_assert_eq(pthread_create(&dc, NULL, dma_child, s), 0);
	cr_assert_eq(pthread_create(&mut, NULL, mutate, s), 0);
	pthread_join(mut, NULL);
	pthread_join(dp, NULL);
	pthread_join(dc, NULL);

	cr_expect_eq(s->bad_bytes, 0, "%lu DMAs read wrong bytes",
		     (unsigned long)s->bad_bytes);
	cr_expect_eq(s->bad_errno, 0, "%lu unexpected results",
		     (unsigned long)s->bad_errno);
	/* Both outcomes happened, or the test did not test anything. */
	cr_expect_gt(s->dma_ok, 0);
	cr_expect_gt(s->dma_fault, 0);

	/* Tear down with mappings in place: every pin must come back. */
	cr_assert_eq(dev_detach(s->cdev.fd), 0);
	cr_assert_eq(dev_detach(s->pdev.fd), 0);
	close(s->cdev.fd);
	close(s->pdev.fd);
	close(s->ctx);
	cr_assert_eq(test_stats().out_pinned_pages, pinned0);
	cr_assert_eq(test_stats().out_ioas, ioas0);
	munmap(s->buf, PAGES * PG);
	free(s);
}
