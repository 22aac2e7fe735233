// SPDX-License-Identifier: GPL-2.0
/*
 * map_bench: IOASID_IOAS_MAP/UNMAP throughput, in pages per second, for
 * 4 KiB-scattered and 2 MiB-contiguous memory, over sizes up to 1 GiB,
 * with the IOAS feeding no domain, a mock device's software page table, or
 * an edu device's Intel IOMMU domain; and, on the same memory and sizes,
 * VFIO type1 (VFIO_IOMMU_MAP_DMA/UNMAP_DMA) on another edu device, printed
 * side by side as a ratio.  It only prints figures; it asserts no timing.
 *
 *   map_bench [--max-mib N] [--reps N] [--edu BDF] [--vfio-group N]
 *
 * Run by scripts/bench.sh in the guest (make bench), which binds the edu
 * devices and reserves huge pages first.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/ioasid.h>
#include <linux/vfio.h>

#define PG		4096ull
#define MB2		(2ull << 20)
#define BENCH_IOVA	0x40000000ull	/* 1 GiB: below edu's MSI window */
#define RW		(IOASID_IOAS_MAP_READABLE | IOASID_IOAS_MAP_WRITEABLE)

static void die(const char *what)
{
	fprintf(stderr, "map_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* --- memory -------------------------------------------------------------- */

enum mem_kind { MEM_4K, MEM_2M };
static const char *mem_names[] = { "4K-scattered", "2M-contiguous" };
static const char *huge_source = "hugetlbfs";

/*
 * Fault the pages in, in a shuffled order: the page allocator hands out
 * physically consecutive pages to consecutive faults, which would make
 * "4K" memory contiguous after all.
 */
static void scatter(uint8_t *p, size_t len)
{
	size_t n = len / PG;
	size_t *order = malloc(n * sizeof(*order));
	unsigned int seed = 42;

	if (!order)
		die("malloc");
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = rand_r(&seed) % (i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (size_t i = 0; i < n; i++)
		p[order[i] * PG] = 1;
	free(order);
}

static void *mem_get(enum mem_kind kind, size_t len)
{
	void *p;

	if (kind == MEM_4K) {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		madvise(p, len, MADV_NOHUGEPAGE);
		scatter(p, len);
	} else {
		size_t rlen = (len + MB2 - 1) & ~(MB2 - 1);

		p = mmap(NULL, rlen, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
		if (p == MAP_FAILED) {
			/* No reserved huge pages: transparent ones. */
			char *raw = mmap(NULL, rlen + MB2,
					 PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (raw == MAP_FAILED)
				die("mmap");
			p = (void *)(((uintptr_t)raw + MB2 - 1) & ~(MB2 - 1));
			madvise(p, rlen, MADV_HUGEPAGE);
			huge_source = "THP";
		}
	}
	memset(p, 1, len);	/* fault everything in before timing */
	return p;
}

/* --- the two interfaces ---------------------------------------------------- */

struct target {
	const char *name;
	int fd;			/* /dev/ioasid or the VFIO container */
	uint32_t ioas;
	bool vfio;
};

static void t_map(struct target *t, void *va, uint64_t len)
{
	if (t->vfio) {
		struct vfio_iommu_type1_dma_map m = {
			.argsz = sizeof(m),
			.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
			.vaddr = (uintptr_t)va, .iova = BENCH_IOVA, .size = len,
		};

		if (ioctl(t->fd, VFIO_IOMMU_MAP_DMA, &m))
			die("VFIO_IOMMU_MAP_DMA");
	} else {
		struct ioasid_ioas_map m = {
			.size = sizeof(m),
			.flags = IOASID_IOAS_MAP_FIXED_IOVA | RW,
			.ioas_id = t->ioas, .user_va = (uintptr_t)va,
			.length = len, .iova = BENCH_IOVA,
		};

		if (ioctl(t->fd, IOASID_IOAS_MAP, &m))
			die("IOASID_IOAS_MAP");
	}
}

static void t_unmap(struct target *t, uint64_t len)
{
	if (t->vfio) {
		struct vfio_iommu_type1_dma_unmap u = {
			.argsz = sizeof(u), .iova = BENCH_IOVA, .size = len,
		};

		if (ioctl(t->fd, VFIO_IOMMU_UNMAP_DMA, &u) || u.size != len)
			die("VFIO_IOMMU_UNMAP_DMA");
	} else {
		struct ioasid_ioas_unmap u = {
			.size = sizeof(u), .ioas_id = t->ioas,
			.iova = BENCH_IOVA, .length = len,
		};

		if (ioctl(t->fd, IOASID_IOAS_UNMAP, &u) || u.length != len)
			die("IOASID_IOAS_UNMAP");
	}
}

/* An IOAS, with a device of @dev_fd attached (or none if < 0). */
static struct target ioasid_target(const char *name, int dev_fd)
{
	struct target t = { .name = name };
	struct ioasid_ioas_alloc a = { .size = sizeof(a) };

	t.fd = open("/dev/ioasid", O_RDWR | O_CLOEXEC);
	if (t.fd < 0)
		die("/dev/ioasid");
	if (ioctl(t.fd, IOASID_IOAS_ALLOC, &a))
		die("IOASID_IOAS_ALLOC");
	t.ioas = a.out_ioas_id;
	if (dev_fd >= 0) {
		struct ioasid_device_bind b = {
			.size = sizeof(b), .ioasid_fd = t.fd,
		};
		struct ioasid_device_attach at = {
			.size = sizeof(at), .ioas_id = t.ioas,
		};

		if (ioctl(dev_fd, IOASID_DEVICE_BIND, &b))
			die("IOASID_DEVICE_BIND");
		if (ioctl(dev_fd, IOASID_DEVICE_ATTACH, &at))
			die("IOASID_DEVICE_ATTACH");
	}
	return t;
}

static int mock_device(int ctl)
{
	struct ioasid_test t = {
		.size = sizeof(t), .op = IOASID_TEST_MOCK_DEVICE_CREATE,
		.mock_create.flags = IOASID_MOCK_NEW_GROUP,
	};

	if (ioctl(ctl, IOASID_TEST, &t))
		die("IOASID_TEST_MOCK_DEVICE_CREATE (enable_test_interface=1?)");
	return t.mock_create.out_fd;
}

static struct target vfio_target(int group_nr)
{
	struct target t = { .name = "vfio-type1", .vfio = true };
	char path[64];
	int group;

	t.fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (t.fd < 0)
		die("/dev/vfio/vfio");
	snprintf(path, sizeof(path), "/dev/vfio/%d", group_nr);
	group = open(path, O_RDWR | O_CLOEXEC);
	if (group < 0)
		die(path);
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &t.fd))
		die("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(t.fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		die("VFIO_SET_IOMMU");
	return t;
}

/* --- measuring ----------------------------------------------------------- */

struct figure {
	double map_pps, unmap_pps;
};

/* Median over @reps of map and of unmap, in pages per second. */
static struct figure measure(struct target *t, void *va, uint64_t len,
			     int reps)
{
	double map_s[16], unmap_s[16], t0;
	struct figure f;

	for (int i = 0; i < reps; i++) {
		t0 = now();
		t_map(t, va, len);
		map_s[i] = now() - t0;
		t0 = now();
		t_unmap(t, len);
		unmap_s[i] = now() - t0;
	}
	qsort(map_s, reps, sizeof(double), cmp_double);
	qsort(unmap_s, reps, sizeof(double), cmp_double);
	f.map_pps = len / PG / map_s[reps / 2];
	f.unmap_pps = len / PG / unmap_s[reps / 2];
	return f;
}

static void print_size(uint64_t len)
{
	if (len >= (1ull << 30))
		printf("%6lluG", (unsigned long long)(len >> 30));
	else if (len >= (1ull << 20))
		printf("%6lluM", (unsigned long long)(len >> 20));
	else
		printf("%6lluK", (unsigned long long)(len >> 10));
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "max-mib", required_argument, NULL, 'm' },
		{ "reps", required_argument, NULL, 'r' },
		{ "edu", required_argument, NULL, 'e' },
		{ "vfio-group", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	static const uint64_t sizes[] = {
		4096, 64 << 10, 2 << 20, 64 << 20, 256 << 20, 1 << 30,
	};
	const char *edu = NULL;
	struct target targets[4];
	int nt = 0, vfio_group = -1, reps = 5, c, ctl, edu_fd;
	uint64_t max = 1ull << 30;
	char path[96];

	while ((c = getopt_long(argc, argv, "m:r:e:g:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			max = strtoull(optarg, NULL, 0) << 20;
			break;
		case 'r':
			reps = atoi(optarg);
			if (reps < 1 || reps > 16)
				reps = 5;
			break;
		case 'e':
			edu = optarg;
			break;
		case 'g':
			vfio_group = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [--max-mib N] [--reps N] [--edu BDF] [--vfio-group N]\n",
				argv[0]);
			return c == 'h' ? 0 : 2;
		}
	}

	targets[nt++] = ioasid_target("ioasid/none", -1);
	ctl = open("/dev/ioasid", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		die("/dev/ioasid");
	targets[nt++] = ioasid_target("ioasid/mock", mock_device(ctl));
	if (edu) {
		snprintf(path, sizeof(path), "/dev/ioasid-pci/%s", edu);
		edu_fd = open(path, O_RDWR | O_CLOEXEC);
		if (edu_fd < 0)
			die(path);
		targets[nt++] = ioasid_target("ioasid/edu", edu_fd);
	}
	if (vfio_group >= 0)
		targets[nt++] = vfio_target(vfio_group);

	for (int k = MEM_4K; k <= MEM_2M; k++) {
		void *mem = mem_get(k, max);

		printf("\n%s memory%s%s; pages/s (4 KiB pages), median of up to %d runs\n",
		       mem_names[k], k == MEM_2M ? " from " : "",
		       k == MEM_2M ? huge_source : "", reps);
		printf("%7s", "size");
		for (int i = 0; i < nt; i++)
			printf(" %12.12s-map %12.12s-unm", targets[i].name,
			       targets[i].name);
		if (edu && vfio_group >= 0)
			printf("  edu/vfio-map edu/vfio-unm");
		printf("\n");
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			struct figure f[4];
			/* Fewer runs where one run is long already. */
			int r = sizes[s] >= (256u << 20) ? (reps + 1) / 2 : reps;

			if (sizes[s] > max)
				break;
			print_size(sizes[s]);
			for (int i = 0; i < nt; i++) {
				f[i] = measure(&targets[i], mem, sizes[s], r);
				printf(" %16.0f %16.0f", f[i].map_pps,
				       f[i].unmap_pps);
			}
			if (edu && vfio_group >= 0)
				printf("  %12.2f %12.2f",
				       f[nt - 2].map_pps / f[nt - 1].map_pps,
				       f[nt - 2].unmap_pps / f[nt - 1].unmap_pps);
			printf("\n");
			fflush(stdout);
		}
		munmap(mem, max);
	}
	return 0;
}
