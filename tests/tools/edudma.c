// SPDX-License-Identifier: GPL-2.0
/*
 * edudma BDF: a user-space driver for qemu's edu device, through ioasid.
 * Binds the device (already on the ioasid-pci stub driver) to a new
 * context, maps two buffers into an IOAS, and has the device copy one to
 * the other by DMA through the IOMMU; then unmaps the destination and
 * does it again, which the IOMMU must block.  Prints what happened and
 * exits 0 only if the bytes moved exactly and the blocked DMA wrote
 * nothing.  Used by scripts/demo.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/ioasid.h>

#define PG		4096
#define LEN		4000	/* qemu 7.2's edu aborts on a full 4 KiB */
#define IOVA_SRC	0x100000ull
#define IOVA_DST	0x200000ull
#define EDU_DMA_SRC	(0x80 / 8)
#define EDU_DMA_DST	(0x88 / 8)
#define EDU_DMA_COUNT	(0x90 / 8)
#define EDU_DMA_CMD	(0x98 / 8)
#define EDU_BUFFER	0x40000

static void check(int rc, const char *what)
{
	if (rc) {
		fprintf(stderr, "edudma: %s: %s\n", what, strerror(errno));
		exit(1);
	}
}

/* One DMA between the edu buffer and @iova; waits for it to finish. */
static void dma(volatile uint64_t *bar, uint64_t iova, int to_ram)
{
	bar[EDU_DMA_SRC] = to_ram ? EDU_BUFFER : iova;
	bar[EDU_DMA_DST] = to_ram ? iova : EDU_BUFFER;
	bar[EDU_DMA_COUNT] = LEN;
	bar[EDU_DMA_CMD] = 1 | (to_ram ? 2 : 0);
	while (bar[EDU_DMA_CMD] & 1)
		usleep(10000);
}

static void map(int ctx, uint32_t ioas, void *va, uint64_t iova)
{
	struct ioasid_ioas_map m = {
		.size = sizeof(m),
		.flags = IOASID_IOAS_MAP_FIXED_IOVA |
			 IOASID_IOAS_MAP_READABLE | IOASID_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas, .user_va = (uintptr_t)va, .length = PG,
		.iova = iova,
	};

	check(ioctl(ctx, IOASID_IOAS_MAP, &m), "IOASID_IOAS_MAP");
	printf("mapped %p -> iova %#llx\n", va, (unsigned long long)iova);
}

static int untouched(const uint8_t *p, int len)
{
	int n = 0;

	for (int i = 0; i < len; i++)
		n += p[i] == 0xaa;
	return n;
}

int main(int argc, char **argv)
{
	struct ioasid_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct ioasid_device_bind bind = { .size = sizeof(bind) };
	struct ioasid_device_attach at = { .size = sizeof(at) };
	struct ioasid_ioas_unmap un = { .size = sizeof(un) };
	uint8_t *src, *dst;
	volatile uint64_t *bar;
	char path[96];
	int ctx, dev, ok;
	uint16_t cmd;

	if (argc != 2) {
		fprintf(stderr, "usage: edudma BDF\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/dev/ioasid-pci/%s", argv[1]);
	dev = open(path, O_RDWR | O_CLOEXEC);
	check(dev < 0, path);
	ctx = open("/dev/ioasid", O_RDWR | O_CLOEXEC);
	check(ctx < 0, "/dev/ioasid");

	bind.ioasid_fd = ctx;
	check(ioctl(dev, IOASID_DEVICE_BIND, &bind), "IOASID_DEVICE_BIND");
	check(ioctl(ctx, IOASID_IOAS_ALLOC, &alloc), "IOASID_IOAS_ALLOC");
	at.ioas_id = alloc.out_ioas_id;
	check(ioctl(dev, IOASID_DEVICE_ATTACH, &at), "IOASID_DEVICE_ATTACH");
	printf("bound %s to a context, attached to IOAS %u\n", argv[1],
	       alloc.out_ioas_id);

	src = mmap(NULL, PG, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	dst = mmap(NULL, PG, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(src == MAP_FAILED || dst == MAP_FAILED, "mmap");
	for (int i = 0; i < PG; i++)
		src[i] = (uint8_t)(i * 7 + 1);
	memset(dst, 0xaa, PG);
	map(ctx, alloc.out_ioas_id, src, IOVA_SRC);
	map(ctx, alloc.out_ioas_id, dst, IOVA_DST);

	/* Memory decode and bus mastering, then the BAR. */
	off_t cfg = IOASID_REGION_OFFSET(IOASID_PCI_CONFIG_REGION) + 4;

	check(pread(dev, &cmd, 2, cfg) != 2, "config read");
	cmd |= 0x6;
	check(pwrite(dev, &cmd, 2, cfg) != 2, "config write");
	bar = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, dev,
		   IOASID_REGION_OFFSET(IOASID_PCI_BAR0_REGION));
	check(bar == MAP_FAILED, "mmap BAR0");

	dma(bar, IOVA_SRC, 0);
	dma(bar, IOVA_DST, 1);
	ok = !memcmp(dst, src, LEN) && untouched(dst + LEN, PG - LEN) == PG - LEN;
	printf("DMA iova %#llx -> edu -> iova %#llx: %d bytes, %s\n",
	       IOVA_SRC, IOVA_DST, LEN,
	       ok ? "identical to the source" : "WRONG");

	memset(dst, 0xaa, PG);
	un.ioas_id = alloc.out_ioas_id;
	un.iova = IOVA_DST;
	un.length = PG;
	check(ioctl(ctx, IOASID_IOAS_UNMAP, &un), "IOASID_IOAS_UNMAP");
	printf("unmapped iova %#llx\n", IOVA_DST);
	dma(bar, IOVA_DST, 1);
	printf("DMA to the unmapped iova: %d of %d destination bytes untouched\n",
	       untouched(dst, PG), PG);
	ok = ok && untouched(dst, PG) == PG;
	return ok ? 0 : 1;
}
