// SPDX-License-Identifier: GPL-2.0
/*
 * share_bench: the cost of mapping one buffer into several DMA address
 * spaces.  The same buffer (1 GiB by default) is mapped at one fixed IOVA
 * (4 GiB by default) into 1, 2 and 4 address spaces, each with its own edu
 * device attached (a real Intel IOMMU domain each), through:
 *
 *   - ioasid MAP:  one /dev/ioasid context, N IOAS, IOASID_IOAS_MAP of the
 *                  whole buffer into each;
 *   - ioasid COPY: IOASID_IOAS_MAP into IOAS 1, then IOASID_IOAS_COPY of
 *                  that range into IOAS 2..N (n/a when the module answers
 *                  ENOTTY: it predates COPY);
 *   - VFIO type1:  N containers (VFIO_TYPE1v2_IOMMU), one edu group each,
 *                  VFIO_IOMMU_MAP_DMA of the buffer into each.
 *
 * For each it takes the time to map into all N and to unmap from all N
 * (clock_gettime(CLOCK_MONOTONIC)), and the growth of the process's VmLck
 * (/proc/self/status: the locked_vm that RLIMIT_MEMLOCK bounds) read after
 * the maps: the memory charged.  After the unmaps VmLck must be back where
 * it started, or the run fails.  Figures are medians of R runs; the table
 * gives ioasid's speed against type1 (type1 ms / ioasid ms, above 1 is
 * faster) and the charge of each, also as a multiple of the buffer.
 *
 * Two backings of the buffer, each measured on its own: 2M-backed
 * (anonymous, 2 MiB-aligned, MADV_HUGEPAGE, touched: transparent huge
 * pages) and 4K-scattered (MADV_NOHUGEPAGE, faulted in a shuffled order, so
 * that no two neighbouring pages are physically adjacent).
 *
 *   share_bench --edu BDF [--edu BDF]... [--reps R] [--backing 2m|4k|both]
 *               [--mib N] [--iova ADDR]
 *
 * The same edu devices serve both interfaces, one after the other: before
 * each phase share_bench prints "share_bench: want DRIVER" (ioasid-pci or
 * vfio-pci) with every device fd closed, and waits for the line "ok" on
 * stdin once its caller (scripts/bench-share.sh, make bench-share) has
 * bound them all to DRIVER.  It prints figures only and asserts nothing
 * about time; a failed step ends it non-zero with the call and the errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/ioasid.h>
#include <linux/vfio.h>

#include "die.h"
#include "stats.h"

#define PG		4096ull
#define MB2		(2ull << 20)
#define MAX_DEV		4
#define MAX_REPS	15
#define RW		(IOASID_IOAS_MAP_READABLE | IOASID_IOAS_MAP_WRITEABLE)

/* The numbers of address spaces measured (those up to the device count). */
static const int ns[] = { 1, 2, 4 };
#define NN	((int)(sizeof(ns) / sizeof(ns[0])))

enum setup { S_MAP, S_COPY, S_TYPE1, NSETUP };
static const char *const setup_name[NSETUP] = {
	"ioasid MAP", "ioasid COPY", "VFIO type1",
};

enum backing { B_2M, B_4K, NBACKING };

static int ndev, reps = 3;
static const char *bdf[MAX_DEV];
static uint64_t len = 1ull << 30, iova = 1ull << 32;

/* One run of one setup at one N. */
struct sample {
	double map, unmap;	/* seconds, over all N address spaces */
	long long charged;	/* kB of VmLck growth after the maps */
};

static struct sample samples[NSETUP][NN][MAX_REPS];
static bool has_copy;

/* VmLck of this process, in kB. */
static long long vmlck_kb(void)
{
	char line[256];
	long long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		die("/proc/self/status");
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmLck:", 6)) {
			v = strtoll(line + 6, NULL, 10);
			break;
		}
	fclose(f);
	if (v < 0) {
		errno = ENOENT;
		die("no VmLck in /proc/self/status");
	}
	return v;
}

/* --- the buffer ----------------------------------------------------------- */

struct mem {
	uint8_t *p;		/* what is mapped */
	void *raw;		/* what to munmap */
	size_t raw_len;
	char what[192];
};

/*
 * Fault the pages in, in a shuffled order: the page allocator hands out
 * physically consecutive pages to consecutive faults, which would make
 * 4 KiB memory contiguous after all (as map_bench does).
 */
static void scatter(uint8_t *p, size_t n_bytes)
{
	size_t n = n_bytes / PG;
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

/* KiB of @p..@p+@n backed by THP, from /proc/self/smaps. */
static long long thp_kib(void *p, size_t n)
{
	unsigned long lo, hi;
	long long kib = 0;
	char line[256];
	bool in = false;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		die("/proc/self/smaps");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			in = lo < (uintptr_t)p + n && hi > (uintptr_t)p;
			continue;
		}
		if (in && !strncmp(line, "AnonHugePages:", 14))
			kib += strtoll(line + 14, NULL, 10);
	}
	fclose(f);
	return kib;
}

static void mem_get(struct mem *m, enum backing b)
{
	m->raw_len = len + (b == B_2M ? MB2 : 0);
	m->raw = mmap(NULL, m->raw_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m->raw == MAP_FAILED)
		die("mmap %llu MiB of anonymous memory",
		    (unsigned long long)len >> 20);
	if (b == B_4K) {
		m->p = m->raw;
		if (madvise(m->p, len, MADV_NOHUGEPAGE))
			die("madvise(MADV_NOHUGEPAGE)");
		scatter(m->p, len);
		snprintf(m->what, sizeof(m->what),
			 "4K-scattered: %llu MiB anonymous, MADV_NOHUGEPAGE, faulted in shuffled order (%lld KiB THP)",
			 (unsigned long long)len >> 20, thp_kib(m->p, len));
		return;
	}
	m->p = (uint8_t *)(((uintptr_t)m->raw + MB2 - 1) & ~(MB2 - 1));
	if (madvise(m->p, len, MADV_HUGEPAGE))
		die("madvise(MADV_HUGEPAGE)");
	memset(m->p, 1, len);
	snprintf(m->what, sizeof(m->what),
		 "2M-backed: %llu MiB anonymous, 2 MiB-aligned, MADV_HUGEPAGE, touched (%lld of %llu KiB THP)",
		 (unsigned long long)len >> 20, thp_kib(m->p, len),
		 (unsigned long long)len >> 10);
}

static void mem_put(struct mem *m)
{
	if (munmap(m->raw, m->raw_len))
		die("munmap");
}

/* --- the caller binds the devices ----------------------------------------- */

static void want_driver(const char *drv)
{
	char line[64];

	printf("share_bench: want %s\n", drv);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin) || strcmp(line, "ok\n")) {
		errno = EPROTO;
		die("no \"ok\" on stdin after asking for %s", drv);
	}
}

/* --- ioasid --------------------------------------------------------------- */

struct ioasid_side {
	int ctx;
	int dev[MAX_DEV];
	uint32_t ioas[MAX_DEV];
};

static void ioasid_open(struct ioasid_side *s)
{
	char path[96];

	s->ctx = open("/dev/ioasid", O_RDWR | O_CLOEXEC);
	if (s->ctx < 0)
		die("open /dev/ioasid (is ioasid.ko loaded?)");
	for (int i = 0; i < ndev; i++) {
		struct ioasid_ioas_alloc a = { .size = sizeof(a) };
		struct ioasid_device_bind b = {
			.size = sizeof(b), .ioasid_fd = s->ctx,
		};
		struct ioasid_device_attach at = { .size = sizeof(at) };

		if (ioctl(s->ctx, IOASID_IOAS_ALLOC, &a))
			die("IOASID_IOAS_ALLOC");
		s->ioas[i] = a.out_ioas_id;
		snprintf(path, sizeof(path), "/dev/ioasid-pci/%s", bdf[i]);
		s->dev[i] = open(path, O_RDWR | O_CLOEXEC);
		if (s->dev[i] < 0)
			die("open %s (edu bound to ioasid-pci?)", path);
		if (ioctl(s->dev[i], IOASID_DEVICE_BIND, &b))
			die("IOASID_DEVICE_BIND %s", bdf[i]);
		at.ioas_id = s->ioas[i];
		if (ioctl(s->dev[i], IOASID_DEVICE_ATTACH, &at))
			die("IOASID_DEVICE_ATTACH %s to IOAS %u", bdf[i],
			    s->ioas[i]);
	}
}

static void ioasid_close(struct ioasid_side *s)
{
	for (int i = 0; i < ndev; i++)
		if (close(s->dev[i]))
			die("close %s", bdf[i]);
	if (close(s->ctx))
		die("close /dev/ioasid");
}

static void ioasid_map(struct ioasid_side *s, int i, void *va)
{
	struct ioasid_ioas_map m = {
		.size = sizeof(m), .flags = IOASID_IOAS_MAP_FIXED_IOVA | RW,
		.ioas_id = s->ioas[i], .user_va = (uintptr_t)va,
		.length = len, .iova = iova,
	};

	if (ioctl(s->ctx, IOASID_IOAS_MAP, &m))
		die("IOASID_IOAS_MAP into IOAS %u (%s) at iova %#llx",
		    s->ioas[i], bdf[i], (unsigned long long)iova);
}

static int ioasid_copy(struct ioasid_side *s, int dst, uint64_t n_bytes)
{
	struct ioasid_ioas_copy c = {
		.size = sizeof(c), .flags = IOASID_IOAS_MAP_FIXED_IOVA | RW,
		.dst_ioas_id = s->ioas[dst], .src_ioas_id = s->ioas[0],
		.length = n_bytes, .dst_iova = iova, .src_iova = iova,
	};

	return ioctl(s->ctx, IOASID_IOAS_COPY, &c);
}

static void ioasid_unmap(struct ioasid_side *s, int i)
{
	struct ioasid_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = s->ioas[i],
		.iova = iova, .length = len,
	};

	if (ioctl(s->ctx, IOASID_IOAS_UNMAP, &u))
		die("IOASID_IOAS_UNMAP from IOAS %u (%s)", s->ioas[i], bdf[i]);
	if (u.length != len) {
		errno = EIO;
		die("IOASID_IOAS_UNMAP from IOAS %u unmapped %llu bytes of %llu",
		    s->ioas[i], (unsigned long long)u.length,
		    (unsigned long long)len);
	}
}

/*
 * Does the module know IOASID_IOAS_COPY?  A copy out of an empty IOAS
 * fails with ENOENT if it does, ENOTTY if it does not.
 */
static bool probe_copy(struct ioasid_side *s)
{
	if (ndev < 2)
		return false;
	if (!ioasid_copy(s, 1, PG)) {
		errno = EEXIST;
		die("IOASID_IOAS_COPY out of an empty IOAS succeeded");
	}
	return errno != ENOTTY;
}

/* --- VFIO type1 ----------------------------------------------------------- */

struct vfio_side {
	int container[MAX_DEV], group[MAX_DEV];
	int group_nr[MAX_DEV];
};

static int group_of(const char *dev)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 dev);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		die("readlink %s", path);
	link[n] = 0;
	return atoi(basename(link));
}

static void vfio_open(struct vfio_side *s)
{
	char path[64];

	for (int i = 0; i < ndev; i++) {
		struct vfio_group_status st = { .argsz = sizeof(st) };
		int c = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);

		if (c < 0)
			die("open /dev/vfio/vfio (is vfio-pci loaded?)");
		if (ioctl(c, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) != 1) {
			errno = ENODEV;
			die("VFIO_CHECK_EXTENSION(VFIO_TYPE1v2_IOMMU)");
		}
		s->container[i] = c;
		s->group_nr[i] = group_of(bdf[i]);
		snprintf(path, sizeof(path), "/dev/vfio/%d", s->group_nr[i]);
		s->group[i] = open(path, O_RDWR | O_CLOEXEC);
		if (s->group[i] < 0)
			die("open %s (%s bound to vfio-pci?)", path, bdf[i]);
		if (ioctl(s->group[i], VFIO_GROUP_GET_STATUS, &st))
			die("VFIO_GROUP_GET_STATUS %s", path);
		if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
			errno = EBUSY;
			die("VFIO group %d (%s) is not viable", s->group_nr[i],
			    bdf[i]);
		}
		if (ioctl(s->group[i], VFIO_GROUP_SET_CONTAINER, &c))
			die("VFIO_GROUP_SET_CONTAINER %s", path);
		if (ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
			die("VFIO_SET_IOMMU(VFIO_TYPE1v2_IOMMU) for %s", path);
	}
}

static void vfio_close(struct vfio_side *s)
{
	for (int i = 0; i < ndev; i++)
		if (close(s->group[i]) || close(s->container[i]))
			die("close VFIO group %d", s->group_nr[i]);
}

static void vfio_map(struct vfio_side *s, int i, void *va)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)va, .iova = iova, .size = len,
	};

	if (ioctl(s->container[i], VFIO_IOMMU_MAP_DMA, &m))
		die("VFIO_IOMMU_MAP_DMA into container %d (%s) at iova %#llx",
		    i + 1, bdf[i], (unsigned long long)iova);
}

static void vfio_unmap(struct vfio_side *s, int i)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .iova = iova, .size = len,
	};

	if (ioctl(s->container[i], VFIO_IOMMU_UNMAP_DMA, &u))
		die("VFIO_IOMMU_UNMAP_DMA from container %d (%s)", i + 1,
		    bdf[i]);
	if (u.size != len) {
		errno = EIO;
		die("VFIO_IOMMU_UNMAP_DMA from container %d unmapped %llu bytes of %llu",
		    i + 1, (unsigned long long)u.size,
		    (unsigned long long)len);
	}
}

/* --- measuring ------------------------------------------------------------ */

/* After the unmaps of @what at N = @n, VmLck must be back at @base. */
static void check_uncharged(long long base, const char *what, int n)
{
	long long v = vmlck_kb();

	if (v != base) {
		errno = EUCLEAN;
		die("%s, N=%d: VmLck %lld kB after the unmaps, %lld kB before the maps",
		    what, n, v, base);
	}
}

static void run_ioasid(struct ioasid_side *s, enum setup k, int n, void *va,
		       struct sample *out)
{
	long long base = vmlck_kb();
	double t0, t1;

	t0 = now();
	ioasid_map(s, 0, va);
	for (int i = 1; i < n; i++) {
		if (k == S_MAP)
			ioasid_map(s, i, va);
		else if (ioasid_copy(s, i, len))
			die("IOASID_IOAS_COPY of IOAS %u into IOAS %u (%s) at iova %#llx",
			    s->ioas[0], s->ioas[i], bdf[i],
			    (unsigned long long)iova);
	}
	out->map = now() - t0;
	out->charged = vmlck_kb() - base;
	t1 = now();
	for (int i = 0; i < n; i++)
		ioasid_unmap(s, i);
	out->unmap = now() - t1;
	check_uncharged(base, setup_name[k], n);
}

static void run_vfio(struct vfio_side *s, int n, void *va, struct sample *out)
{
	long long base = vmlck_kb();
	double t0, t1;

	t0 = now();
	for (int i = 0; i < n; i++)
		vfio_map(s, i, va);
	out->map = now() - t0;
	out->charged = vmlck_kb() - base;
	t1 = now();
	for (int i = 0; i < n; i++)
		vfio_unmap(s, i);
	out->unmap = now() - t1;
	check_uncharged(base, setup_name[S_TYPE1], n);
}

/* The runs go round the N (and, for ioasid, MAP and COPY) in turn. */
static void measure(struct mem *m)
{
	struct ioasid_side is;
	struct vfio_side vs;

	want_driver("ioasid-pci");
	ioasid_open(&is);
	has_copy = probe_copy(&is);
	for (int r = 0; r < reps; r++)
		for (int j = 0; j < NN && ns[j] <= ndev; j++) {
			run_ioasid(&is, S_MAP, ns[j], m->p, &samples[S_MAP][j][r]);
			if (has_copy && ns[j] > 1)
				run_ioasid(&is, S_COPY, ns[j], m->p,
					   &samples[S_COPY][j][r]);
		}
	ioasid_close(&is);

	want_driver("vfio-pci");
	vfio_open(&vs);
	for (int r = 0; r < reps; r++)
		for (int j = 0; j < NN && ns[j] <= ndev; j++)
			run_vfio(&vs, ns[j], m->p, &samples[S_TYPE1][j][r]);
	vfio_close(&vs);
}

struct figure {
	double map_ms, unmap_ms;
	long long charged;
};

static struct figure figure(enum setup k, int j)
{
	double map[MAX_REPS], unmap[MAX_REPS], charged[MAX_REPS];
	struct figure f;

	for (int r = 0; r < reps; r++) {
		map[r] = samples[k][j][r].map;
		unmap[r] = samples[k][j][r].unmap;
		charged[r] = samples[k][j][r].charged;
	}
	f.map_ms = median(map, reps) * 1e3;
	f.unmap_ms = median(unmap, reps) * 1e3;
	f.charged = (long long)median(charged, reps);
	return f;
}

static void print_table(struct mem *m)
{
	printf("\n%s\n", m->what);
	printf("same buffer into N address spaces at iova %#llx, each with its own edu; median of %d runs\n",
	       (unsigned long long)iova, reps);
	printf("map/unmap: ms for all N; charged: VmLck growth after the maps; x type1: type1 ms / ioasid ms (>1: faster)\n");
	printf("%2s  %-12s %10s %10s %12s %7s %8s %8s %10s\n", "N", "setup",
	       "map ms", "unmap ms", "charged kB", "x buf", "map x", "unmap x",
	       "charge x");
	printf("%2s  %-12s %10s %10s %12s %7s %8s %8s %10s\n", "", "", "", "",
	       "", "", "type1", "type1", "type1");
	for (int j = 0; j < NN && ns[j] <= ndev; j++) {
		struct figure t1 = figure(S_TYPE1, j);

		for (int k = 0; k < NSETUP; k++) {
			struct figure f;

			if (k == S_COPY && ns[j] == 1) {
				printf("%2d  %-12s %10s\n", ns[j], setup_name[k],
				       "(at N=1 the MAP row: nothing to copy)");
				continue;
			}
			if (k == S_COPY && !has_copy) {
				printf("%2d  %-12s %10s %10s %12s %7s %8s %8s %10s   (IOASID_IOAS_COPY: ENOTTY, the module predates it)\n",
				       ns[j], setup_name[k], "n/a", "n/a",
				       "n/a", "n/a", "n/a", "n/a", "n/a");
				continue;
			}
			f = figure(k, j);
			printf("%2d  %-12s %10.1f %10.1f %12lld %7.2f", ns[j],
			       setup_name[k], f.map_ms, f.unmap_ms, f.charged,
			       (double)f.charged * 1024 / len);
			if (k == S_TYPE1)
				printf(" %8s %8s %10s\n", "1", "1", "1");
			else
				printf(" %8.2f %8.2f %10.2f\n",
				       t1.map_ms / f.map_ms,
				       t1.unmap_ms / f.unmap_ms,
				       t1.charged ? (double)f.charged /
						    t1.charged : 0);
		}
	}
	fflush(stdout);
}

static void usage(FILE *f, const char *prog)
{
	fprintf(f, "usage: %s --edu BDF [--edu BDF]... [--reps R] [--backing 2m|4k|both] [--mib N] [--iova ADDR]\n",
		prog);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "edu", required_argument, NULL, 'e' },
		{ "reps", required_argument, NULL, 'r' },
		{ "backing", required_argument, NULL, 'b' },
		{ "mib", required_argument, NULL, 'm' },
		{ "iova", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	bool want[NBACKING] = { true, true };
	int groups[MAX_DEV], c;

	while ((c = getopt_long(argc, argv, "e:r:b:m:i:h", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (ndev == MAX_DEV) {
				fprintf(stderr, "share_bench: at most %d --edu\n",
					MAX_DEV);
				return 2;
			}
			bdf[ndev++] = optarg;
			break;
		case 'r':
			reps = atoi(optarg);
			if (reps < 1 || reps > MAX_REPS) {
				fprintf(stderr, "share_bench: --reps 1..%d\n",
					MAX_REPS);
				return 2;
			}
			break;
		case 'b':
			want[B_2M] = !strcmp(optarg, "2m") ||
				     !strcmp(optarg, "both");
			want[B_4K] = !strcmp(optarg, "4k") ||
				     !strcmp(optarg, "both");
			if (!want[B_2M] && !want[B_4K]) {
				fprintf(stderr, "share_bench: --backing 2m, 4k or both\n");
				return 2;
			}
			break;
		case 'm':
			len = strtoull(optarg, NULL, 0) << 20;
			if (!len || len % MB2) {
				fprintf(stderr, "share_bench: --mib: a multiple of 2\n");
				return 2;
			}
			break;
		case 'i':
			iova = strtoull(optarg, NULL, 0);
			if (!iova || iova % MB2) {
				fprintf(stderr, "share_bench: --iova: 2 MiB-aligned, not 0\n");
				return 2;
			}
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (!ndev || optind < argc) {
		usage(stderr, argv[0]);
		return 2;
	}

	for (int i = 0; i < ndev; i++)
		groups[i] = group_of(bdf[i]);
	printf("share_bench: %d edu:", ndev);
	for (int i = 0; i < ndev; i++)
		printf(" %s (group %d)", bdf[i], groups[i]);
	printf("; VmLck %lld kB at start\n", vmlck_kb());
	for (int b = 0; b < NBACKING; b++) {
		struct mem m;

		if (!want[b])
			continue;
		mem_get(&m, b);
		measure(&m);
		print_table(&m);
		mem_put(&m);
	}
	return 0;
}
