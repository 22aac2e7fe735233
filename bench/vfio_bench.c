// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_bench: VFIO_IOMMU_MAP_DMA / UNMAP_DMA throughput of two type1
 * containers in one run, side by side: the first set up while only
 * vfio_iommu_type1 is loaded, the second after scripts/bench-vfio.sh has
 * loaded ioasid_vfio (which is then asked first).  The program tells the
 * backends apart by VFIO_UPDATE_VADDR, which only type1 offers, and
 * refuses to measure if they are not what it expects.  Prints figures and
 * ratios; asserts nothing about time.
 *
 *   vfio_bench --type1-group N --ioasid-group M [--reps R] [--max-mib S]
 *
 * Between the two set-ups it prints "vfio_bench: type1 container ready"
 * and waits for a line on stdin.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/vfio.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "stats.h"

#define PG		4096ull
#define IOVA		0x100000000ull	/* 4 GiB: clear of the MSI window */
#define MAX_REPS	15
#define PAIRS		2000		/* 4 KiB map+unmap pairs per run */

static void die(const char *what)
{
	fprintf(stderr, "vfio_bench: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* A v2 container holding group @nr; 1 if type1 serves it, 0 if not. */
static int container(int nr, int *is_type1)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	int c = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC), g;
	char path[64];

	if (c < 0)
		die("open /dev/vfio/vfio");
	snprintf(path, sizeof(path), "/dev/vfio/%d", nr);
	g = open(path, O_RDWR | O_CLOEXEC);
	if (g < 0)
		die(path);
	if (ioctl(g, VFIO_GROUP_GET_STATUS, &st) ||
	    !(st.flags & VFIO_GROUP_FLAGS_VIABLE))
		die("group not viable");
	if (ioctl(g, VFIO_GROUP_SET_CONTAINER, &c))
		die("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		die("VFIO_SET_IOMMU");
	*is_type1 = ioctl(c, VFIO_CHECK_EXTENSION, VFIO_UPDATE_VADDR) == 1;
	return c;	/* the group fd stays open: it holds the container */
}

static void map(int c, void *va, uint64_t iova, uint64_t len)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)va, .iova = iova, .size = len,
	};

	if (ioctl(c, VFIO_IOMMU_MAP_DMA, &m))
		die("VFIO_IOMMU_MAP_DMA");
}

static void unmap(int c, uint64_t iova, uint64_t len)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .iova = iova, .size = len,
	};

	if (ioctl(c, VFIO_IOMMU_UNMAP_DMA, &u) || u.size != len)
		die("VFIO_IOMMU_UNMAP_DMA");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "type1-group", required_argument, NULL, 't' },
		{ "ioasid-group", required_argument, NULL, 'i' },
		{ "reps", required_argument, NULL, 'r' },
		{ "max-mib", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	static const uint64_t sizes[] = {
		4096, 64 << 10, 2 << 20, 64 << 20, 256 << 20, 1ull << 30,
	};
	static const char *const names[] = { "type1", "ioasid" };
	double map_s[2][MAX_REPS], unmap_s[2][MAX_REPS], pair_s[2][MAX_REPS];
	int groups[2] = { -1, -1 }, c[2], t1[2], reps = 5, opt;
	uint64_t max = 1ull << 30;
	char line[16];
	uint8_t *mem;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 't':
			groups[0] = atoi(optarg);
			break;
		case 'i':
			groups[1] = atoi(optarg);
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		case 'm':
			max = strtoull(optarg, NULL, 0) << 20;
			break;
		default:
			return 2;
		}
	}
	if (groups[0] < 0 || groups[1] < 0 || reps < 1 || reps > MAX_REPS) {
		fprintf(stderr, "usage: vfio_bench --type1-group N --ioasid-group M [--reps 1..%d] [--max-mib S]\n",
			MAX_REPS);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	c[0] = container(groups[0], &t1[0]);
	printf("vfio_bench: type1 container ready\n");
	if (!fgets(line, sizeof(line), stdin))
		die("waiting for ioasid_vfio");
	c[1] = container(groups[1], &t1[1]);
	if (!t1[0] || t1[1]) {
		errno = EINVAL;
		die("the first container must be type1's, the second ioasid's");
	}
	mem = mmap(NULL, max, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	memset(mem, 1, max);

	printf("VFIO_IOMMU_MAP_DMA then UNMAP_DMA of one range, 4 KiB pages of anonymous memory; median of %d runs, the backends in turn\n",
	       reps);
	printf("%6s %14s %14s %7s %14s %14s %7s\n", "size", "type1 map/s",
	       "ioasid map/s", "ratio", "type1 unmap/s", "ioasid unmap/s",
	       "ratio");
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		uint64_t len = sizes[s];
		double m[2], u[2], t0;

		if (len > max)
			break;
		for (int r = 0; r < reps; r++)
			for (int b = 0; b < 2; b++) {
				t0 = now();
				map(c[b], mem, IOVA, len);
				map_s[b][r] = now() - t0;
				t0 = now();
				unmap(c[b], IOVA, len);
				unmap_s[b][r] = now() - t0;
			}
		for (int b = 0; b < 2; b++) {
			m[b] = len / PG / median(map_s[b], reps);
			u[b] = len / PG / median(unmap_s[b], reps);
		}
		printf("%5lluK %14.0f %14.0f %6.2fx %14.0f %14.0f %6.2fx\n",
		       (unsigned long long)len >> 10, m[0], m[1], m[1] / m[0],
		       u[0], u[1], u[1] / u[0]);
	}

	/* What a VMM with a virtual IOMMU does all day. */
	for (int r = 0; r < reps; r++)
		for (int b = 0; b < 2; b++) {
			double t0 = now();

			for (int i = 0; i < PAIRS; i++) {
				map(c[b], mem + (i % 64) * PG,
				    IOVA + (uint64_t)i * PG, PG);
				unmap(c[b], IOVA + (uint64_t)i * PG, PG);
			}
			pair_s[b][r] = (now() - t0) / PAIRS;
		}
	{
		double p0 = median(pair_s[0], reps) * 1e9;
		double p1 = median(pair_s[1], reps) * 1e9;

		printf("4 KiB map+unmap pair: %s %.0f ns, %s %.0f ns: ioasid %.2fx type1\n",
		       names[0], p0, names[1], p1, p0 / p1);
	}
	return 0;
}
