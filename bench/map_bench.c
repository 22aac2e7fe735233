// SPDX-License-Identifier: GPL-2.0
/*
 * map_bench: IOASID_IOAS_MAP/UNMAP throughput for 4 KiB-scattered and
 * 2 MiB-contiguous memory, over sizes from 4 KiB to 1 GiB, with the IOAS
 * feeding no domain (pinning and accounting only), a mock device's software
 * page table, or an edu device's Intel IOMMU domain; and, on the same
 * memory and sizes, VFIO type1 (VFIO_IOMMU_MAP_DMA/UNMAP_DMA) on another
 * edu device, side by side with a ratio; and, on a kernel built with it
 * (make bench-iommufd), upstream iommufd (IOMMU_IOAS_MAP/UNMAP) on a third
 * edu device attached through its VFIO cdev.
 *
 * It only prints figures and asserts nothing about time.  It exits non-zero
 * with a message naming the call when an ioctl or a set-up step fails.
 *
 *   map_bench [--max-mib N] [--reps N] [--edu BDF] [--vfio-group N]
 *             [--iommufd-edu BDF]
 *
 * Run by scripts/bench.sh in the guest (make bench), which binds the edu
 * devices and reserves the huge pages first.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
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
#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "die.h"
#include "stats.h"

#define PG		4096ull
#define MB2		(2ull << 20)
#define GB1		(1ull << 30)
#define MAX_REPS	16
#define MAX_RANGES	16
#define RW		(IOASID_IOAS_MAP_READABLE | IOASID_IOAS_MAP_WRITEABLE)

static const uint64_t sizes[] = {
	4ull << 10, 64ull << 10, 2ull << 20, 64ull << 20, 256ull << 20, 1ull << 30,
};
#define NSIZES	(sizeof(sizes) / sizeof(sizes[0]))

static const char *size_str(uint64_t len)
{
	static char buf[4][16];
	static int i;
	char *s = buf[i++ % 4];

	if (len >= GB1)
		snprintf(s, 16, "%lluG", (unsigned long long)(len >> 30));
	else if (len >= (1ull << 20))
		snprintf(s, 16, "%lluM", (unsigned long long)(len >> 20));
	else
		snprintf(s, 16, "%lluK", (unsigned long long)(len >> 10));
	return s;
}

/* A field of /proc/meminfo, in KiB (-1 if absent). */
static long long meminfo(const char *field)
{
	char line[256];
	size_t n = strlen(field);
	long long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		die("/proc/meminfo");
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':') {
			v = strtoll(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* --- memory -------------------------------------------------------------- */

enum mem_kind { MEM_4K, MEM_2M };

struct mem {
	enum mem_kind kind;
	uint8_t *p;		/* what is mapped, 2 MiB-aligned for MEM_2M */
	void *raw;		/* what to munmap */
	size_t raw_len;
	uint64_t len;		/* usable bytes at p */
	char what[160];		/* how it was obtained, for the table title */
};

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

/* KiB of @p..@p+@len backed by THP, from /proc/self/smaps. */
static long long thp_kib(void *p, size_t len)
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
			in = lo < (uintptr_t)p + len && hi > (uintptr_t)p;
			continue;
		}
		if (in && !strncmp(line, "AnonHugePages:", 14))
			kib += strtoll(line + 14, NULL, 10);
	}
	fclose(f);
	return kib;
}

static void mem_get(struct mem *m, enum mem_kind kind, uint64_t len)
{
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->len = len;
	if (kind == MEM_4K) {
		m->raw_len = len;
		m->raw = mmap(NULL, len, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m->raw == MAP_FAILED)
			die("mmap %s of anonymous memory", size_str(len));
		if (madvise(m->raw, len, MADV_NOHUGEPAGE))
			die("madvise(MADV_NOHUGEPAGE)");
		m->p = m->raw;
		scatter(m->p, len);
		snprintf(m->what, sizeof(m->what),
			 "4K-scattered memory: anonymous, MADV_NOHUGEPAGE, faulted in shuffled order (%lld KiB THP)",
			 thp_kib(m->p, len));
		return;
	}

	long long free_huge = meminfo("HugePages_Free");
	long long hsize = meminfo("Hugepagesize");

	m->raw_len = (len + MB2 - 1) & ~(MB2 - 1);
	m->raw = MAP_FAILED;
	if (hsize == 2048 && free_huge * (long long)MB2 >= (long long)m->raw_len)
		m->raw = mmap(NULL, m->raw_len, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (m->raw != MAP_FAILED) {
		m->p = m->raw;
		memset(m->p, 1, len);	/* fault everything in before timing */
		snprintf(m->what, sizeof(m->what),
			 "2M-contiguous memory: hugetlbfs, MAP_HUGETLB 2 MiB pages (%lld free before)",
			 free_huge);
		return;
	}

	/* No reserved huge pages: transparent ones on a 2 MiB-aligned range. */
	m->raw_len += MB2;
	m->raw = mmap(NULL, m->raw_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m->raw == MAP_FAILED)
		die("mmap %s of anonymous memory", size_str(len));
	m->p = (uint8_t *)(((uintptr_t)m->raw + MB2 - 1) & ~(MB2 - 1));
	if (madvise(m->p, len, MADV_HUGEPAGE))
		die("madvise(MADV_HUGEPAGE)");
	memset(m->p, 1, len);
	snprintf(m->what, sizeof(m->what),
		 "2M-contiguous memory: THP fallback, MADV_HUGEPAGE (%lld free hugetlb pages; %lld of %llu KiB are THP)",
		 free_huge, thp_kib(m->p, len), (unsigned long long)len >> 10);
}

static void mem_put(struct mem *m)
{
	if (munmap(m->raw, m->raw_len))
		die("munmap");
}

/* --- IOVA ranges ----------------------------------------------------------- */

struct ranges {
	int n;
	uint64_t start[MAX_RANGES], last[MAX_RANGES];
};

/*
 * The lowest IOVA, aligned to the smaller of 1 GiB and @len rounded up to a
 * power of two (so that large IOMMU pages can be used), where [iova, iova +
 * @len) lies inside one allowed range; never 0.
 */
static uint64_t pick_iova(const struct ranges *r, uint64_t len,
			  const char *who)
{
	uint64_t align = PG;

	while (align < len && align < GB1)
		align <<= 1;
	for (int i = 0; i < r->n; i++) {
		uint64_t s = r->start[i] ? r->start[i] : 1;

		s = (s + align - 1) & ~(align - 1);
		if (s >= r->start[i] && s + len - 1 >= s &&
		    s + len - 1 <= r->last[i])
			return s;
	}
	errno = ERANGE;
	die("%s: no allowed IOVA range holds %s", who, size_str(len));
}

static void print_ranges(const struct ranges *r, const char *who,
			 uint64_t iova)
{
	printf("bench: %-12s allowed IOVAs", who);
	for (int i = 0; i < r->n; i++)
		printf(" %#llx-%#llx", (unsigned long long)r->start[i],
		       (unsigned long long)r->last[i]);
	printf("; maps at %#llx\n", (unsigned long long)iova);
}

/* --- the two interfaces ---------------------------------------------------- */

struct target {
	const char *name;
	const char *label;	/* the setup column of the ioasid table */
	int fd;			/* /dev/ioasid, the VFIO container, /dev/iommu */
	uint32_t ioas;
	bool vfio;
	bool iommufd;
	uint64_t iova;
};

static void t_map(struct target *t, void *va, uint64_t len)
{
	if (t->iommufd) {
		struct iommu_ioas_map m = {
			.size = sizeof(m),
			.flags = IOMMU_IOAS_MAP_FIXED_IOVA |
				 IOMMU_IOAS_MAP_READABLE |
				 IOMMU_IOAS_MAP_WRITEABLE,
			.ioas_id = t->ioas, .user_va = (uintptr_t)va,
			.length = len, .iova = t->iova,
		};

		if (ioctl(t->fd, IOMMU_IOAS_MAP, &m))
			die("IOMMU_IOAS_MAP %s at iova %#llx", size_str(len),
			    (unsigned long long)t->iova);
	} else if (t->vfio) {
		struct vfio_iommu_type1_dma_map m = {
			.argsz = sizeof(m),
			.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
			.vaddr = (uintptr_t)va, .iova = t->iova, .size = len,
		};

		if (ioctl(t->fd, VFIO_IOMMU_MAP_DMA, &m))
			die("VFIO_IOMMU_MAP_DMA %s at iova %#llx", size_str(len),
			    (unsigned long long)t->iova);
	} else {
		struct ioasid_ioas_map m = {
			.size = sizeof(m),
			.flags = IOASID_IOAS_MAP_FIXED_IOVA | RW,
			.ioas_id = t->ioas, .user_va = (uintptr_t)va,
			.length = len, .iova = t->iova,
		};

		if (ioctl(t->fd, IOASID_IOAS_MAP, &m))
			die("IOASID_IOAS_MAP (%s) %s at iova %#llx", t->name,
			    size_str(len), (unsigned long long)t->iova);
	}
}

static void t_unmap(struct target *t, uint64_t len)
{
	if (t->iommufd) {
		struct iommu_ioas_unmap u = {
			.size = sizeof(u), .ioas_id = t->ioas,
			.iova = t->iova, .length = len,
		};

		if (ioctl(t->fd, IOMMU_IOAS_UNMAP, &u))
			die("IOMMU_IOAS_UNMAP %s at iova %#llx", size_str(len),
			    (unsigned long long)t->iova);
		if (u.length != len) {
			errno = EIO;
			die("IOMMU_IOAS_UNMAP unmapped %llu bytes of %llu",
			    (unsigned long long)u.length,
			    (unsigned long long)len);
		}
	} else if (t->vfio) {
		struct vfio_iommu_type1_dma_unmap u = {
			.argsz = sizeof(u), .iova = t->iova, .size = len,
		};

		if (ioctl(t->fd, VFIO_IOMMU_UNMAP_DMA, &u))
			die("VFIO_IOMMU_UNMAP_DMA %s at iova %#llx",
			    size_str(len), (unsigned long long)t->iova);
		if (u.size != len) {
			errno = EIO;
			die("VFIO_IOMMU_UNMAP_DMA unmapped %llu bytes of %llu",
			    (unsigned long long)u.size,
			    (unsigned long long)len);
		}
	} else {
		struct ioasid_ioas_unmap u = {
			.size = sizeof(u), .ioas_id = t->ioas,
			.iova = t->iova, .length = len,
		};

		if (ioctl(t->fd, IOASID_IOAS_UNMAP, &u))
			die("IOASID_IOAS_UNMAP (%s) %s at iova %#llx", t->name,
			    size_str(len), (unsigned long long)t->iova);
		if (u.length != len) {
			errno = EIO;
			die("IOASID_IOAS_UNMAP (%s) unmapped %llu bytes of %llu",
			    t->name, (unsigned long long)u.length,
			    (unsigned long long)len);
		}
	}
}

static void ioasid_ranges(struct target *t, struct ranges *r)
{
	struct ioasid_iova_range buf[MAX_RANGES];
	struct ioasid_ioas_iova_ranges q = {
		.size = sizeof(q), .ioas_id = t->ioas,
		.num_iovas = MAX_RANGES, .allowed_iovas = (uintptr_t)buf,
	};

	if (ioctl(t->fd, IOASID_IOAS_IOVA_RANGES, &q))
		die("IOASID_IOAS_IOVA_RANGES (%s)", t->name);
	if (q.out_iova_alignment > PG) {
		errno = EINVAL;
		die("%s: IOVA alignment %llu, the bench assumes 4 KiB",
		    t->name, (unsigned long long)q.out_iova_alignment);
	}
	r->n = q.num_iovas;
	for (int i = 0; i < r->n; i++) {
		r->start[i] = buf[i].start;
		r->last[i] = buf[i].last;
	}
}

/* An IOAS with the device of @dev_fd bound and attached (none if < 0). */
static struct target ioasid_target(const char *name, const char *label,
				   int dev_fd, uint64_t max)
{
	struct target t = { .name = name, .label = label };
	struct ioasid_ioas_alloc a = { .size = sizeof(a) };
	struct ranges r;

	t.fd = open("/dev/ioasid", O_RDWR | O_CLOEXEC);
	if (t.fd < 0)
		die("open /dev/ioasid (is ioasid.ko loaded?)");
	if (ioctl(t.fd, IOASID_IOAS_ALLOC, &a))
		die("IOASID_IOAS_ALLOC (%s)", name);
	t.ioas = a.out_ioas_id;
	if (dev_fd >= 0) {
		struct ioasid_device_bind b = {
			.size = sizeof(b), .ioasid_fd = t.fd,
		};
		struct ioasid_device_attach at = {
			.size = sizeof(at), .ioas_id = t.ioas,
		};

		if (ioctl(dev_fd, IOASID_DEVICE_BIND, &b))
			die("IOASID_DEVICE_BIND (%s)", name);
		if (ioctl(dev_fd, IOASID_DEVICE_ATTACH, &at))
			die("IOASID_DEVICE_ATTACH (%s)", name);
	}
	ioasid_ranges(&t, &r);
	t.iova = pick_iova(&r, max, name);
	print_ranges(&r, name, t.iova);
	return t;
}

static int mock_device(int ctl)
{
	struct ioasid_test t = {
		.size = sizeof(t), .op = IOASID_TEST_MOCK_DEVICE_CREATE,
		.mock_create.flags = IOASID_MOCK_NEW_GROUP,
	};

	if (ioctl(ctl, IOASID_TEST, &t))
		die("IOASID_TEST_MOCK_DEVICE_CREATE (load ioasid.ko with enable_test_interface=1)");
	return t.mock_create.out_fd;
}

static uint64_t pinned_pages(int ctl)
{
	struct ioasid_test t = { .size = sizeof(t), .op = IOASID_TEST_STATS };

	if (ioctl(ctl, IOASID_TEST, &t))
		die("IOASID_TEST_STATS");
	return t.stats.out_pinned_pages;
}

static void vfio_ranges(int container, struct ranges *r)
{
	static uint8_t buf[4096];
	struct vfio_iommu_type1_info *info = (void *)buf;
	uint32_t off;

	memset(buf, 0, sizeof(buf));
	info->argsz = sizeof(buf);
	if (ioctl(container, VFIO_IOMMU_GET_INFO, info))
		die("VFIO_IOMMU_GET_INFO");
	r->n = 0;
	if (!(info->flags & VFIO_IOMMU_INFO_CAPS) || info->argsz > sizeof(buf)) {
		/* No range capability: type1's whole 64-bit space. */
		r->n = 1;
		r->start[0] = 0;
		r->last[0] = UINT64_MAX;
		return;
	}
	for (off = info->cap_offset; off && off + 8 <= sizeof(buf);) {
		struct vfio_info_cap_header *h = (void *)(buf + off);

		if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			struct vfio_iommu_type1_info_cap_iova_range *c =
				(void *)h;

			for (uint32_t i = 0;
			     i < c->nr_iovas && r->n < MAX_RANGES; i++) {
				r->start[r->n] = c->iova_ranges[i].start;
				r->last[r->n++] = c->iova_ranges[i].end;
			}
		}
		off = h->next;
	}
	if (!r->n) {
		r->n = 1;
		r->start[0] = 0;
		r->last[0] = UINT64_MAX;
	}
}

static struct target vfio_target(int group_nr, uint64_t max)
{
	struct target t = { .name = "vfio-type1", .vfio = true };
	struct vfio_group_status st = { .argsz = sizeof(st) };
	struct ranges r;
	char path[64];
	int group;

	t.fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (t.fd < 0)
		die("open /dev/vfio/vfio (is vfio-pci loaded?)");
	if (ioctl(t.fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) != 1) {
		errno = ENODEV;
		die("VFIO_CHECK_EXTENSION(VFIO_TYPE1v2_IOMMU)");
	}
	snprintf(path, sizeof(path), "/dev/vfio/%d", group_nr);
	group = open(path, O_RDWR | O_CLOEXEC);
	if (group < 0)
		die("open %s", path);
	if (ioctl(group, VFIO_GROUP_GET_STATUS, &st))
		die("VFIO_GROUP_GET_STATUS");
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		errno = EBUSY;
		die("VFIO group %d is not viable", group_nr);
	}
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &t.fd))
		die("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(t.fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		die("VFIO_SET_IOMMU(VFIO_TYPE1v2_IOMMU)");
	vfio_ranges(t.fd, &r);
	t.iova = pick_iova(&r, max, t.name);
	print_ranges(&r, t.name, t.iova);
	return t;
}

/* The VFIO cdev of PCI device @bdf: /dev/vfio/devices/vfioN. */
static int vfio_cdev(const char *bdf)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	d = opendir(path);
	if (!d)
		die("%s (edu bound to vfio-pci, kernel with VFIO_DEVICE_CDEV?)",
		    path);
	while ((e = readdir(d)) && strncmp(e->d_name, "vfio", 4))
		;
	if (!e) {
		errno = ENOENT;
		die("no vfioN in %s", path);
	}
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", e->d_name);
	closedir(d);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("open %s", path);
	return fd;
}

/* An iommufd IOAS with edu @bdf bound (VFIO cdev) and attached. */
static struct target iommufd_target(const char *bdf, uint64_t max)
{
	struct target t = { .name = "iommufd", .iommufd = true };
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	struct iommu_iova_range buf[MAX_RANGES];
	struct iommu_ioas_iova_ranges q = {
		.size = sizeof(q), .num_iovas = MAX_RANGES,
		.allowed_iovas = (uintptr_t)buf,
	};
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b) };
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at) };
	struct ranges r;
	int dev = vfio_cdev(bdf);

	t.fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (t.fd < 0)
		die("open /dev/iommu (a kernel with CONFIG_IOMMUFD?)");
	if (ioctl(t.fd, IOMMU_IOAS_ALLOC, &a))
		die("IOMMU_IOAS_ALLOC");
	t.ioas = a.out_ioas_id;
	b.iommufd = t.fd;
	if (ioctl(dev, VFIO_DEVICE_BIND_IOMMUFD, &b))
		die("VFIO_DEVICE_BIND_IOMMUFD (%s)", bdf);
	at.pt_id = t.ioas;
	if (ioctl(dev, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at))
		die("VFIO_DEVICE_ATTACH_IOMMUFD_PT (%s)", bdf);
	q.ioas_id = t.ioas;
	if (ioctl(t.fd, IOMMU_IOAS_IOVA_RANGES, &q))
		die("IOMMU_IOAS_IOVA_RANGES");
	r.n = q.num_iovas < MAX_RANGES ? q.num_iovas : MAX_RANGES;
	for (int i = 0; i < r.n; i++) {
		r.start[i] = buf[i].start;
		r.last[i] = buf[i].last;
	}
	t.iova = pick_iova(&r, max, t.name);
	print_ranges(&r, t.name, t.iova);
	return t;	/* the device fd stays open: it holds the attachment */
}

/* --- measuring ----------------------------------------------------------- */

/* Medians over the runs, in pages (4 KiB) per second. */
struct figure {
	double map, unmap, both;
};

/*
 * One size, every target: the runs go round the targets in turn, so that
 * a slow spell of the (emulated, shared) machine hits them all alike.
 * Below 256 MiB one untimed round comes first.
 */
static void measure(struct target *tg, int nt, void *va, uint64_t len,
		    int reps, struct figure *f)
{
	static double map_s[5][MAX_REPS], unmap_s[5][MAX_REPS],
		both_s[5][MAX_REPS];
	double pages = (double)len / PG, t0, t1;

	if (len < (256ull << 20))
		for (int i = 0; i < nt; i++) {
			t_map(&tg[i], va, len);
			t_unmap(&tg[i], len);
		}
	for (int r = 0; r < reps; r++)
		for (int i = 0; i < nt; i++) {
			t0 = now();
			t_map(&tg[i], va, len);
			t1 = now();
			t_unmap(&tg[i], len);
			map_s[i][r] = t1 - t0;
			unmap_s[i][r] = now() - t1;
			both_s[i][r] = map_s[i][r] + unmap_s[i][r];
		}
	for (int i = 0; i < nt; i++) {
		f[i].map = pages / median(map_s[i], reps);
		f[i].unmap = pages / median(unmap_s[i], reps);
		f[i].both = pages / median(both_s[i], reps);
	}
}

static double gibs(double pps)
{
	return pps * PG / GB1;
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "max-mib", required_argument, NULL, 'm' },
		{ "reps", required_argument, NULL, 'r' },
		{ "edu", required_argument, NULL, 'e' },
		{ "vfio-group", required_argument, NULL, 'g' },
		{ "iommufd-edu", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	static struct figure fig[2][NSIZES][5];
	static int nreps[NSIZES];
	const char *edu = NULL, *iommufd_edu = NULL;
	struct target tg[5];
	int nt = 0, edu_i = -1, vfio_i = -1, vfio_group = -1, reps = 5, c;
	int iommufd_i = -1;
	int ctl, edu_fd;
	uint64_t max = GB1, avail;
	size_t ns;
	char path[96];

	while ((c = getopt_long(argc, argv, "m:r:e:g:i:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			max = strtoull(optarg, NULL, 0) << 20;
			break;
		case 'r':
			reps = atoi(optarg);
			if (reps < 1 || reps > MAX_REPS) {
				fprintf(stderr, "map_bench: --reps 1..%d\n",
					MAX_REPS);
				return 2;
			}
			break;
		case 'e':
			edu = optarg;
			break;
		case 'g':
			vfio_group = atoi(optarg);
			break;
		case 'i':
			iommufd_edu = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [--max-mib N] [--reps N] [--edu BDF] [--vfio-group N] [--iommufd-edu BDF]\n",
				argv[0]);
			return c == 'h' ? 0 : 2;
		}
	}

	/*
	 * One buffer of the largest size is live at a time, plus the kernel's
	 * bookkeeping for pinning it: keep a quarter of what is available.
	 */
	avail = (uint64_t)meminfo("MemAvailable") << 10;
	if (max > avail / 4 * 3) {
		uint64_t want = max;

		max = avail / 4 * 3;
		printf("bench: clamped the largest size from %s to %s (MemAvailable %llu MiB)\n",
		       size_str(want), size_str(max),
		       (unsigned long long)(avail >> 20));
	}
	for (ns = 0; ns < NSIZES && sizes[ns] <= max; ns++)
		;
	if (!ns) {
		errno = ENOMEM;
		die("not even %s of memory to measure", size_str(sizes[0]));
	}
	if (ns < NSIZES)
		printf("bench: sizes above %s skipped (largest allowed %llu MiB)\n",
		       size_str(sizes[ns - 1]), (unsigned long long)(max >> 20));
	max = sizes[ns - 1];
	for (size_t s = 0; s < ns; s++)	/* fewer runs where one is long */
		nreps[s] = sizes[s] >= (256ull << 20) ? (reps + 1) / 2 : reps;

	tg[nt++] = ioasid_target("ioasid/none", "none", -1, max);
	ctl = open("/dev/ioasid", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		die("open /dev/ioasid");
	tg[nt++] = ioasid_target("ioasid/mock", "mock", mock_device(ctl), max);
	if (edu) {
		snprintf(path, sizeof(path), "/dev/ioasid-pci/%s", edu);
		edu_fd = open(path, O_RDWR | O_CLOEXEC);
		if (edu_fd < 0)
			die("open %s (edu bound to ioasid-pci?)", path);
		edu_i = nt;
		tg[nt++] = ioasid_target("ioasid/edu", "edu", edu_fd, max);
	}
	if (vfio_group >= 0) {
		vfio_i = nt;
		tg[nt++] = vfio_target(vfio_group, max);
	}
	if (iommufd_edu) {
		iommufd_i = nt;
		tg[nt++] = iommufd_target(iommufd_edu, max);
	}

	printf("bench: setups: none = IOAS feeding no domain (pin + account only); mock = mock device (software page table)%s%s%s\n",
	       edu ? "; edu = " : "", edu ? edu : "",
	       edu ? " on ioasid-pci (Intel IOMMU domain)" : "");
	for (int k = MEM_4K; k <= MEM_2M; k++) {
		struct mem m;

		mem_get(&m, k, max);
		printf("\n%s\n", m.what);
		printf("map, then unmap, of one range at a fixed IOVA; pages = 4 KiB; median of %d runs (%d from 256M)\n",
		       reps, (reps + 1) / 2);
		printf("%6s  %-12s %14s %8s %14s %8s %14s %8s\n", "size",
		       "setup", "map pages/s", "GiB/s", "unmap pages/s",
		       "GiB/s", "map+unmap p/s", "GiB/s");
		for (size_t s = 0; s < ns; s++) {
			measure(tg, nt, m.p, sizes[s], nreps[s], fig[k][s]);
			for (int i = 0; i < nt; i++) {
				struct figure *f = &fig[k][s][i];

				if (tg[i].vfio || tg[i].iommufd)
					continue;	/* their own tables */
				printf("%6s  %-12s %14.0f %8.2f %14.0f %8.2f %14.0f %8.2f\n",
				       size_str(sizes[s]), tg[i].label,
				       f->map, gibs(f->map), f->unmap,
				       gibs(f->unmap), f->both, gibs(f->both));
				fflush(stdout);
			}
		}
		for (int peer = 0; peer < 2; peer++) {
			int p_i = peer ? iommufd_i : vfio_i;
			const char *pn = peer ? "iommufd" : "vfio";
			char h[3][24];

			if (edu_i < 0 || p_i < 0)
				continue;
			snprintf(h[0], sizeof(h[0]), "%s map", pn);
			snprintf(h[1], sizeof(h[1]), "%s unmap", pn);
			snprintf(h[2], sizeof(h[2]), "%s m+u", pn);
			printf("\n%s: ioasid (edu, Intel IOMMU domain) vs %s (edu), pages/s\n",
			       k == MEM_4K ? "4K-scattered" : "2M-contiguous",
			       peer ? "upstream iommufd" : "VFIO type1");
			printf("%6s  %12s %13s %6s  %12s %13s %6s  %12s %13s %6s\n",
			       "size", "ioasid map", h[0], "ratio",
			       "ioasid unmap", h[1], "ratio",
			       "ioasid m+u", h[2], "ratio");
			for (size_t s = 0; s < ns; s++) {
				struct figure *a = &fig[k][s][edu_i];
				struct figure *b = &fig[k][s][p_i];

				printf("%6s  %12.0f %13.0f %6.2f  %12.0f %13.0f %6.2f  %12.0f %13.0f %6.2f\n",
				       size_str(sizes[s]), a->map, b->map,
				       ratio(a->map, b->map), a->unmap,
				       b->unmap, ratio(a->unmap, b->unmap),
				       a->both, b->both,
				       ratio(a->both, b->both));
			}
		}
		mem_put(&m);
	}

	/* Every map was unmapped: nothing may stay pinned. */
	uint64_t left = pinned_pages(ctl);

	printf("\nbench: pages still pinned by ioasid after the last unmap: %llu\n",
	       (unsigned long long)left);
	if (left) {
		errno = EUCLEAN;
		die("%llu pages left pinned", (unsigned long long)left);
	}
	return 0;
}
