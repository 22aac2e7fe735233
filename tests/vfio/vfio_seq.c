// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-seq: sequences of VFIO type1 container ioctls, each on a fresh
 * container holding one group, printing one line per step: what was asked
 * and what came back (the errno, the bytes an unmap reports, the page
 * sizes, IOVA ranges and free entries GET_INFO reports, the bytes an edu
 * DMA moved).  tests/vfio/run.sh runs it once on vfio_iommu_type1 and once
 * on ioasid_vfio and compares the outputs line by line: the semantics must
 * be identical.  What ioasid does not offer on purpose (the migration
 * capability, VFIO_UPDATE_VADDR) is left out of the sequences and checked
 * apart.
 *
 *   vfio-seq --group N --bdf BDF [--seq NAME] [--list]
 *   vfio-seq --group N --second-group M
 *                         two containers over the same memory, one group
 *                         each: what RLIMIT_MEMLOCK and VmLck say (this
 *                         one differs on purpose, docs/vfio.md)
 *   vfio-seq --pinned     pages ioasid.ko holds pinned, module-wide
 *                         (IOASID_TEST_STATS: enable_test_interface=1)
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/vfio.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/ioasid.h>

#include "../edu_regs.h"

#define PG		4096ull
#define IOVA		0x100000ull	/* where sequences map */
/* QEMU 7.2's edu refuses a DMA of its whole 4 KiB buffer (off by one). */
#define EDU_LEN		4000

static int group_nr = -1;
static const char *bdf;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "vfio-seq: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, ": %s\n", strerror(errno));
	va_end(ap);
	exit(2);
}

static const char *err(int rc)
{
	static char buf[32];

	if (!rc)
		return "ok";
	switch (-rc) {
	case EINVAL: return "EINVAL";
	case EEXIST: return "EEXIST";
	case EFAULT: return "EFAULT";
	case ENOSPC: return "ENOSPC";
	case ENOMEM: return "ENOMEM";
	case EPERM: return "EPERM";
	case ENOTTY: return "ENOTTY";
	case EBUSY: return "EBUSY";
	case ENOENT: return "ENOENT";
	}
	snprintf(buf, sizeof(buf), "errno %d", -rc);
	return buf;
}

struct box {
	int container, group, device;
	uint64_t bar0;		/* offset of BAR0 in the device fd */
	uint64_t bar0_size;
};

/* A fresh container of this type holding group @nr. */
static struct box box_on(int nr, unsigned long type)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	struct box b;
	char path[64];

	b.container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (b.container < 0)
		die("open /dev/vfio/vfio");
	snprintf(path, sizeof(path), "/dev/vfio/%d", nr);
	b.group = open(path, O_RDWR | O_CLOEXEC);
	if (b.group < 0)
		die("open %s", path);
	if (ioctl(b.group, VFIO_GROUP_GET_STATUS, &st) ||
	    !(st.flags & VFIO_GROUP_FLAGS_VIABLE))
		die("group %d not viable", nr);
	if (ioctl(b.group, VFIO_GROUP_SET_CONTAINER, &b.container))
		die("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(b.container, VFIO_SET_IOMMU, type))
		die("VFIO_SET_IOMMU(%lu)", type);
	b.device = -1;
	b.bar0 = 0;
	return b;
}

static struct box box_up(unsigned long type)
{
	return box_on(group_nr, type);
}

static void box_device(struct box *b)
{
	struct vfio_region_info r = { .argsz = sizeof(r),
				      .index = VFIO_PCI_BAR0_REGION_INDEX };

	b->device = ioctl(b->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (b->device < 0)
		die("VFIO_GROUP_GET_DEVICE_FD %s", bdf);
	if (ioctl(b->device, VFIO_DEVICE_GET_REGION_INFO, &r))
		die("VFIO_DEVICE_GET_REGION_INFO");
	b->bar0 = r.offset;
	b->bar0_size = r.size;
}

static void box_down(struct box *b)
{
	if (b->device >= 0)
		close(b->device);
	close(b->group);
	close(b->container);
}

static int map(struct box *b, void *va, uint64_t iova, uint64_t size,
	       uint32_t flags)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m), .flags = flags,
		.vaddr = (uintptr_t)va, .iova = iova, .size = size,
	};

	return ioctl(b->container, VFIO_IOMMU_MAP_DMA, &m) ? -errno : 0;
}

#define RW	(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)

static void step_map(struct box *b, const char *what, void *va, uint64_t iova,
		     uint64_t size, uint32_t flags)
{
	printf("map %s: %s\n", what, err(map(b, va, iova, size, flags)));
}

static void step_unmap(struct box *b, const char *what, uint64_t iova,
		       uint64_t size, uint32_t flags)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .flags = flags, .iova = iova, .size = size,
	};
	int rc = ioctl(b->container, VFIO_IOMMU_UNMAP_DMA, &u) ? -errno : 0;

	if (rc)
		printf("unmap %s: %s\n", what, err(rc));
	else
		printf("unmap %s: ok, %llu KiB\n", what,
		       (unsigned long long)u.size / 1024);
}

static void *buffer(size_t pages, int pattern)
{
	void *p = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	memset(p, pattern, pages * PG);
	return p;
}

/* --- the sequences ------------------------------------------------------- */

static void seq_extensions(unsigned long type)
{
	static const struct { unsigned long ext; const char *name; } ext[] = {
		{ VFIO_TYPE1_IOMMU, "TYPE1" },
		{ VFIO_TYPE1v2_IOMMU, "TYPE1v2" },
		{ VFIO_UNMAP_ALL, "UNMAP_ALL" },
		{ VFIO_DMA_CC_IOMMU, "DMA_CC_IOMMU" },
		{ VFIO_SPAPR_TCE_IOMMU, "SPAPR_TCE" },
		{ 1000, "unknown" },
	};
	struct box b = box_up(type);

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		printf("check_extension %s: %d\n", ext[i].name,
		       ioctl(b.container, VFIO_CHECK_EXTENSION, ext[i].ext));
	box_down(&b);
}

/* The capabilities both offer: IOVA ranges and free entries. */
static void print_caps(const char *buf, uint32_t off)
{
	while (off) {
		const struct vfio_info_cap_header *h = (const void *)(buf + off);

		if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			const struct vfio_iommu_type1_info_cap_iova_range *c =
				(const void *)h;

			printf("get_info iova ranges: %u", c->nr_iovas);
			for (uint32_t i = 0; i < c->nr_iovas; i++)
				printf(" [%#llx-%#llx]",
				       (unsigned long long)c->iova_ranges[i].start,
				       (unsigned long long)c->iova_ranges[i].end);
			printf("\n");
		} else if (h->id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL) {
			const struct vfio_iommu_type1_info_dma_avail *c =
				(const void *)h;

			printf("get_info dma avail: %u\n", c->avail);
		}
		off = h->next;
	}
}

static void seq_get_info(unsigned long type)
{
	struct box b = box_up(type);
	char buf[4096] = { 0 };
	struct vfio_iommu_type1_info *info = (void *)buf;
	void *mem = buffer(4, 1);
	int rc;

	info->argsz = 12;	/* shorter than the fixed part */
	rc = ioctl(b.container, VFIO_IOMMU_GET_INFO, info) ? -errno : 0;
	printf("get_info argsz 12: %s\n", err(rc));

	/* QEMU's way: the fixed part first, then the size asked for. */
	info->argsz = 16;
	rc = ioctl(b.container, VFIO_IOMMU_GET_INFO, info) ? -errno : 0;
	printf("get_info argsz 16: %s flags %#x pgsizes %#llx, asks for more: %s\n",
	       err(rc), info->flags, (unsigned long long)info->iova_pgsizes,
	       info->argsz > 16 ? "yes" : "no");
	info->argsz = sizeof(buf);
	rc = ioctl(b.container, VFIO_IOMMU_GET_INFO, info) ? -errno : 0;
	printf("get_info full: %s flags %#x pgsizes %#llx\n", err(rc),
	       info->flags, (unsigned long long)info->iova_pgsizes);
	if (!rc && info->flags & VFIO_IOMMU_INFO_CAPS)
		print_caps(buf, info->cap_offset);
	/* One entry fewer free after a map. */
	step_map(&b, "4 pages", mem, IOVA, 4 * PG, RW);
	memset(buf, 0, sizeof(buf));
	info->argsz = sizeof(buf);
	rc = ioctl(b.container, VFIO_IOMMU_GET_INFO, info) ? -errno : 0;
	if (!rc && info->flags & VFIO_IOMMU_INFO_CAPS)
		print_caps(buf, info->cap_offset);
	box_down(&b);
}

static void seq_map_errors(unsigned long type)
{
	struct box b = box_up(type);
	uint8_t *mem = buffer(8, 2);
	void *gone = buffer(2, 3);
	struct vfio_iommu_type1_dma_map m = {
		.argsz = 16, .flags = RW, .vaddr = (uintptr_t)mem,
		.iova = IOVA, .size = PG,
	};
	int rc;

	munmap(gone, 2 * PG);
	step_map(&b, "zero size", mem, IOVA, 0, RW);
	step_map(&b, "no permission", mem, IOVA, PG, 0);
	step_map(&b, "unknown flag", mem, IOVA, PG, RW | 0x80);
	step_map(&b, "unaligned iova", mem, IOVA + 8, PG, RW);
	step_map(&b, "unaligned vaddr", mem + 8, IOVA, PG, RW);
	step_map(&b, "unaligned size", mem, IOVA, PG + 8, RW);
	step_map(&b, "iova wraps", mem, -PG, 2 * PG, RW);
	step_map(&b, "vaddr wraps", (void *)-PG, IOVA, 2 * PG, RW);
	step_map(&b, "unmapped memory", gone, IOVA, 2 * PG, RW);
	rc = ioctl(b.container, VFIO_IOMMU_MAP_DMA, &m) ? -errno : 0;
	printf("map argsz too small: %s\n", err(rc));
	step_map(&b, "read-only", mem, IOVA, 2 * PG, VFIO_DMA_MAP_FLAG_READ);
	step_map(&b, "write-only", mem + 2 * PG, IOVA + 2 * PG, 2 * PG,
		 VFIO_DMA_MAP_FLAG_WRITE);
	step_map(&b, "overlapping the first", mem, IOVA + PG, 2 * PG, RW);
	step_map(&b, "same iova again", mem, IOVA, 2 * PG, RW);
	step_map(&b, "adjacent", mem + 4 * PG, IOVA + 4 * PG, 4 * PG, RW);
	step_map(&b, "outside the iova ranges", mem, 1ull << 60, PG, RW);
	step_unmap(&b, "all", 0, 0, VFIO_DMA_UNMAP_FLAG_ALL);
	box_down(&b);
}

/* Three mappings of 4 pages at IOVA, IOVA + 4 and IOVA + 12 pages. */
static void three(struct box *b, uint8_t *mem)
{
	step_map(b, "a", mem, IOVA, 4 * PG, RW);
	step_map(b, "b", mem + 4 * PG, IOVA + 4 * PG, 4 * PG, RW);
	step_map(b, "c", mem + 8 * PG, IOVA + 12 * PG, 4 * PG, RW);
}

static void seq_unmap(unsigned long type)
{
	struct box b = box_up(type);
	uint8_t *mem = buffer(16, 4);

	three(&b, mem);
	step_unmap(&b, "zero size", IOVA, 0, 0);
	step_unmap(&b, "unaligned iova", IOVA + 8, PG, 0);
	step_unmap(&b, "unaligned size", IOVA, PG + 8, 0);
	step_unmap(&b, "wraps", -PG, 2 * PG, 0);
	step_unmap(&b, "unknown flag", IOVA, PG, 0x80);
	step_unmap(&b, "all with a range", IOVA, PG, VFIO_DMA_UNMAP_FLAG_ALL);
	step_unmap(&b, "dirty bitmap", IOVA, PG, VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP |
		   VFIO_DMA_UNMAP_FLAG_ALL);
	step_unmap(&b, "nothing there", IOVA + 64 * PG, 4 * PG, 0);
	step_unmap(&b, "hole between b and c", IOVA + 8 * PG, 4 * PG, 0);
	step_unmap(&b, "first page of a", IOVA, PG, 0);
	step_unmap(&b, "middle of a", IOVA + PG, 2 * PG, 0);
	step_unmap(&b, "last page of a to first of b", IOVA + 3 * PG, 2 * PG, 0);
	step_unmap(&b, "a and half of b", IOVA, 6 * PG, 0);
	step_unmap(&b, "half of a and b", IOVA + 2 * PG, 6 * PG, 0);
	step_unmap(&b, "a exactly", IOVA, 4 * PG, 0);
	step_unmap(&b, "a again", IOVA, 4 * PG, 0);
	step_unmap(&b, "b and the hole", IOVA + 4 * PG, 8 * PG, 0);
	step_unmap(&b, "everything around c", 0, 1ull << 40, 0);
	three(&b, mem);
	step_unmap(&b, "all", 0, 0, VFIO_DMA_UNMAP_FLAG_ALL);
	step_unmap(&b, "all of nothing", 0, 0, VFIO_DMA_UNMAP_FLAG_ALL);
	box_down(&b);
}

static uint64_t bar_rd(struct box *b, uint64_t off)
{
	uint64_t v = 0;

	if (pread(b->device, &v, 8, b->bar0 + off) != 8)
		die("BAR0 read at %#llx", (unsigned long long)off);
	return v;
}

static void bar_wr(struct box *b, uint64_t off, uint64_t v)
{
	if (pwrite(b->device, &v, 8, b->bar0 + off) != 8)
		die("BAR0 write at %#llx", (unsigned long long)off);
}

/* An edu DMA of @len bytes between its buffer and @iova; 0 when done. */
static int edu_dma(struct box *b, bool to_ram, uint64_t iova, uint32_t len)
{
	struct timespec t = { 0, 1000000 };
	int i;

	bar_wr(b, EDU_DMA_SRC, to_ram ? EDU_BUFFER : iova);
	bar_wr(b, EDU_DMA_DST, to_ram ? iova : EDU_BUFFER);
	bar_wr(b, EDU_DMA_COUNT, len);
	bar_wr(b, EDU_DMA_CMD, EDU_DMA_START | (to_ram ? EDU_DMA_TO_RAM : 0));
	for (i = 0; i < 2000 && bar_rd(b, EDU_DMA_CMD) & EDU_DMA_START; i++)
		nanosleep(&t, NULL);
	return i < 2000 ? 0 : -ETIMEDOUT;
}

/* Bytes of @p equal to @v, from the start. */
static size_t same(const uint8_t *p, uint8_t v, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] == v)
		i++;
	return i;
}

static void seq_dma(unsigned long type)
{
	struct box b = box_up(type);
	uint8_t *src = buffer(1, 0x5a), *dst = buffer(1, 0), *ro = buffer(1, 7);
	uint16_t cmd = 0x6;	/* memory space, bus master */

	box_device(&b);
	if (pwrite(b.device, &cmd, 2, ((uint64_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + 4) != 2)
		die("config write");
	step_map(&b, "src", src, IOVA, PG, RW);
	step_map(&b, "dst", dst, IOVA + PG, PG, RW);
	step_map(&b, "read-only", ro, IOVA + 2 * PG, PG, VFIO_DMA_MAP_FLAG_READ);
	printf("dma src to edu: %s\n", err(edu_dma(&b, false, IOVA, EDU_LEN)));
	printf("dma edu to dst: %s\n", err(edu_dma(&b, true, IOVA + PG, EDU_LEN)));
	printf("dst has %zu bytes of src\n", same(dst, 0x5a, PG));
	memset(dst, 0, PG);
	/* Writing to a read-only mapping and to nothing: blocked. */
	edu_dma(&b, true, IOVA + 2 * PG, EDU_LEN);
	printf("read-only page has %zu bytes untouched\n", same(ro, 7, PG));
	step_unmap(&b, "dst", IOVA + PG, PG, 0);
	edu_dma(&b, true, IOVA + PG, EDU_LEN);
	printf("unmapped dst has %zu bytes written\n", (size_t)PG - same(dst, 0, PG));
	box_down(&b);
}

/*
 * Peer-to-peer: the edu's BAR0 mmap'ed from the device fd (VM_PFNMAP, as
 * QEMU maps an assigned device's BARs) and mapped for DMA; the edu then
 * DMAs a word into its own liveness register through the IOMMU.
 */
#define BAR_IOVA	0x4000000ull	/* below the edu's 28-bit DMA mask */

static void seq_pfnmap(unsigned long type)
{
	struct box b = box_up(type);
	uint32_t *word = buffer(1, 0);
	volatile uint32_t *bar;
	uint16_t cmd = 0x6;	/* memory space, bus master */
	void *ro;

	box_device(&b);
	if (pwrite(b.device, &cmd, 2, ((uint64_t)VFIO_PCI_CONFIG_REGION_INDEX << 40) + 4) != 2)
		die("config write");
	bar = mmap(NULL, b.bar0_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   b.device, b.bar0);
	ro = mmap(NULL, b.bar0_size, PROT_READ, MAP_SHARED, b.device, b.bar0);
	if (bar == MAP_FAILED || ro == MAP_FAILED)
		die("mmap BAR0");
	printf("bar0: %llu KiB\n", (unsigned long long)b.bar0_size / 1024);
	step_map(&b, "BAR read-write", (void *)bar, BAR_IOVA, b.bar0_size, RW);
	step_map(&b, "BAR again", (void *)bar, BAR_IOVA, b.bar0_size, RW);
	step_map(&b, "read-only BAR mmap, read-write", ro,
		 BAR_IOVA + b.bar0_size, b.bar0_size, RW);
	step_map(&b, "read-only BAR mmap, read-only", ro,
		 BAR_IOVA + b.bar0_size, b.bar0_size, VFIO_DMA_MAP_FLAG_READ);
	step_map(&b, "word", word, IOVA, PG, RW);
	word[0] = 0x12345678;
	printf("dma word to edu: %s\n", err(edu_dma(&b, false, IOVA, 4)));
	printf("dma edu to the BAR's liveness register: %s\n",
	       err(edu_dma(&b, true, BAR_IOVA + EDU_LIVENESS, 4)));
	printf("p2p: liveness reads %#x\n", bar[EDU_LIVENESS / 4]);
	step_unmap(&b, "BAR", BAR_IOVA, b.bar0_size, 0);
	step_unmap(&b, "all", 0, 0, VFIO_DMA_UNMAP_FLAG_ALL);
	munmap((void *)bar, b.bar0_size);
	munmap(ro, b.bar0_size);
	box_down(&b);
}

/* Without CAP_IPC_LOCK the effective capabilities, RLIMIT_MEMLOCK bounds. */
static void drop_ipc_lock(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		die("capget");
	d[CAP_TO_INDEX(CAP_IPC_LOCK)].effective &= ~CAP_TO_MASK(CAP_IPC_LOCK);
	if (syscall(SYS_capset, &h, d))
		die("capset");
}

/*
 * Run @steps(@arg) in a child that drops CAP_IPC_LOCK and has
 * RLIMIT_MEMLOCK at @pages, so that the limit bounds its maps.
 */
static void in_limited_child(unsigned long pages,
			     void (*steps)(unsigned long arg),
			     unsigned long arg, const char *what)
{
	struct rlimit rl = { pages * PG, pages * PG };
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		drop_ipc_lock();
		if (setrlimit(RLIMIT_MEMLOCK, &rl))
			die("setrlimit");
		steps(arg);
		fflush(stdout);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die("%s", what);
}

static void memlock_steps(unsigned long type)
{
	struct box b = box_up(type);
	uint8_t *mem = buffer(40, 1);

	step_map(&b, "8 pages", mem, IOVA, 8 * PG, RW);
	step_map(&b, "8 more, up to the limit", mem + 8 * PG, IOVA + 8 * PG,
		 8 * PG, RW);
	step_map(&b, "one page over", mem + 16 * PG, IOVA + 16 * PG, PG, RW);
	step_unmap(&b, "the first 8", IOVA, 8 * PG, 0);
	step_map(&b, "8 again", mem + 16 * PG, IOVA + 16 * PG, 8 * PG, RW);
	step_unmap(&b, "all", 0, 0, VFIO_DMA_UNMAP_FLAG_ALL);
	step_map(&b, "17 pages at once", mem + 16 * PG, IOVA, 17 * PG, RW);
	step_map(&b, "16 pages at once", mem + 16 * PG, IOVA, 16 * PG, RW);
	box_down(&b);
}

/* RLIMIT_MEMLOCK at 16 pages, in a child that drops CAP_IPC_LOCK. */
static void seq_memlock(unsigned long type)
{
	in_limited_child(16, memlock_steps, type, "memlock child");
}

/* VmLck of this process, in KiB. */
static long vmlck_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		die("/proc/self/status");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %ld kB", &kb) == 1)
			break;
	fclose(f);
	if (kb < 0)
		die("no VmLck in /proc/self/status");
	return kb;
}

static void two_container_steps(unsigned long second)
{
	struct box a = box_on(group_nr, VFIO_TYPE1v2_IOMMU);
	struct box b = box_on((int)second, VFIO_TYPE1v2_IOMMU);
	uint8_t *mem = buffer(32, 1);
	long lck = vmlck_kb();

	step_map(&a, "16 pages into container 1", mem, IOVA, 16 * PG, RW);
	printf("VmLck +%ld kB\n", vmlck_kb() - lck);
	step_map(&b, "the same 16 pages into container 2", mem, IOVA,
		 16 * PG, RW);
	printf("VmLck +%ld kB\n", vmlck_kb() - lck);
	step_map(&b, "16 other pages into container 2", mem + 16 * PG,
		 IOVA + 16 * PG, 16 * PG, RW);
	printf("VmLck +%ld kB\n", vmlck_kb() - lck);
	step_unmap(&a, "all of container 1", 0, 0, VFIO_DMA_UNMAP_FLAG_ALL);
	printf("VmLck +%ld kB\n", vmlck_kb() - lck);
	step_unmap(&b, "all of container 2", 0, 0, VFIO_DMA_UNMAP_FLAG_ALL);
	printf("VmLck +%ld kB\n", vmlck_kb() - lck);
	box_down(&b);
	box_down(&a);
}

/*
 * A VMM with two containers over the same RAM (one group each), its
 * RLIMIT_MEMLOCK at 32 pages: type1 charges each container for the same
 * pages, ioasid_vfio charges a page once per process (docs/vfio.md).
 * Each step prints what VmLck grew by since the start.
 */
static void two_containers(int second)
{
	in_limited_child(32, two_container_steps, (unsigned long)second,
			 "two-container child");
}

static const struct {
	const char *name;
	void (*fn)(unsigned long type);
} seqs[] = {
	{ "extensions", seq_extensions },
	{ "get_info", seq_get_info },
	{ "map_errors", seq_map_errors },
	{ "unmap", seq_unmap },
	{ "dma", seq_dma },
	{ "pfnmap", seq_pfnmap },
	{ "memlock", seq_memlock },
};

static int print_pinned(void)
{
	struct ioasid_test t = { .size = sizeof(t), .op = IOASID_TEST_STATS };
	int fd = open("/dev/ioasid", O_RDWR | O_CLOEXEC);

	if (fd < 0 || ioctl(fd, IOASID_TEST, &t))
		die("IOASID_TEST_STATS");
	printf("%llu\n", (unsigned long long)t.stats.out_pinned_pages);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "group", required_argument, NULL, 'g' },
		{ "bdf", required_argument, NULL, 'b' },
		{ "seq", required_argument, NULL, 's' },
		{ "list", no_argument, NULL, 'l' },
		{ "pinned", no_argument, NULL, 'p' },
		{ "second-group", required_argument, NULL, '2' },
		{ NULL, 0, NULL, 0 },
	};
	const char *only = NULL;
	int c, second = -1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'g':
			group_nr = atoi(optarg);
			break;
		case 'b':
			bdf = optarg;
			break;
		case 's':
			only = optarg;
			break;
		case 'p':
			return print_pinned();
		case '2':
			second = atoi(optarg);
			break;
		case 'l':
			for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++)
				printf("%s\n", seqs[i].name);
			return 0;
		default:
			fprintf(stderr, "usage: vfio-seq --group N {--bdf BDF [--seq NAME] | --second-group M} [--list]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (group_nr >= 0 && second >= 0) {
		two_containers(second);
		return 0;
	}
	if (group_nr < 0 || !bdf) {
		fprintf(stderr, "vfio-seq: --group and --bdf are needed\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		if (only && strcmp(only, seqs[i].name))
			continue;
		printf("== %s v1\n", seqs[i].name);
		seqs[i].fn(VFIO_TYPE1_IOMMU);
		printf("== %s v2\n", seqs[i].name);
		seqs[i].fn(VFIO_TYPE1v2_IOMMU);
	}
	return 0;
}
