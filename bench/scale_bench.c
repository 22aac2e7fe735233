// SPDX-License-Identifier: GPL-2.0
/*
 * scale_bench: how the cost of one small operation grows with what an
 * address space already holds.  At 1k, 10k, 100k and 1M existing 4 KiB
 * mappings (every other page of the IOVA space, so the space is
 * fragmented, from pages faulted in a shuffled order, so memory is
 * scattered) it times 4 KiB maps into holes spread over the whole space,
 * their unmaps, map+unmap pairs, and (native uAPI) maps at an IOVA the
 * kernel chooses; then PASID alloc/free pairs with 1k..1M PASIDs owned,
 * and ioasidctl's dumps at those sizes.
 *
 *   scale_bench --native --edu BDF [--levels N,N,...] [--reps N]
 *   scale_bench --vfio-group N [--levels N,N,...] [--reps N]
 *
 * --native: /dev/ioasid, an IOAS with the edu's Intel IOMMU domain
 * attached.  --vfio-group: a VFIO type1v2 container with that group, on
 * whichever backend serves it (scripts/bench-scale.sh runs it on
 * vfio_iommu_type1 and on ioasid_vfio).  Prints one "row" line per figure
 * (the script makes the tables and ratios) and asserts nothing about time;
 * exits non-zero naming the call that failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <linux/ioasid.h>
#include <linux/vfio.h>

#include "die.h"
#include "stats.h"

#define PG		4096ull
#define POOL_PAGES	4096		/* 16 MiB of source memory */
#define BASE		0x100000000ull	/* above the 32-bit reserved ranges */
#define MAX_LEVELS	8
#define RW		(IOASID_IOAS_MAP_READABLE | IOASID_IOAS_MAP_WRITEABLE)

struct target {
	bool vfio;
	int fd;			/* /dev/ioasid or the container */
	int dev;		/* the device or group fd */
	uint32_t ioas;
	uint8_t *pool;
};

/* Page @i of the pool: pages faulted in shuffled, so not contiguous. */
static void *src(struct target *t, uint64_t i)
{
	return t->pool + (i % POOL_PAGES) * PG;
}

static int map_at(struct target *t, void *va, uint64_t iova)
{
	if (t->vfio) {
		struct vfio_iommu_type1_dma_map m = {
			.argsz = sizeof(m),
			.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
			.vaddr = (uintptr_t)va, .iova = iova, .size = PG,
		};

		return ioctl(t->fd, VFIO_IOMMU_MAP_DMA, &m);
	}
	struct ioasid_ioas_map m = {
		.size = sizeof(m), .flags = IOASID_IOAS_MAP_FIXED_IOVA | RW,
		.ioas_id = t->ioas, .user_va = (uintptr_t)va, .length = PG,
		.iova = iova,
	};

	return ioctl(t->fd, IOASID_IOAS_MAP, &m);
}

static uint64_t map_any(struct target *t, void *va)
{
	struct ioasid_ioas_map m = {
		.size = sizeof(m), .flags = RW, .ioas_id = t->ioas,
		.user_va = (uintptr_t)va, .length = PG,
	};

	if (ioctl(t->fd, IOASID_IOAS_MAP, &m))
		die("IOASID_IOAS_MAP at a kernel-chosen IOVA");
	return m.iova;
}

static void unmap(struct target *t, uint64_t iova)
{
	if (t->vfio) {
		struct vfio_iommu_type1_dma_unmap u = {
			.argsz = sizeof(u), .iova = iova, .size = PG,
		};

		if (ioctl(t->fd, VFIO_IOMMU_UNMAP_DMA, &u) || u.size != PG)
			die("VFIO_IOMMU_UNMAP_DMA at %#llx", (unsigned long long)iova);
		return;
	}
	struct ioasid_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = t->ioas, .iova = iova,
		.length = PG,
	};

	if (ioctl(t->fd, IOASID_IOAS_UNMAP, &u) || u.length != PG)
		die("IOASID_IOAS_UNMAP at %#llx", (unsigned long long)iova);
}

static void pool_get(struct target *t)
{
	size_t order[POOL_PAGES];
	unsigned int seed = 7;

	t->pool = mmap(NULL, POOL_PAGES * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->pool == MAP_FAILED || madvise(t->pool, POOL_PAGES * PG,
					     MADV_NOHUGEPAGE))
		die("mmap the source pool");
	for (size_t i = 0; i < POOL_PAGES; i++)
		order[i] = i;
	for (size_t i = POOL_PAGES - 1; i > 0; i--) {
		size_t j = rand_r(&seed) % (i + 1), x = order[i];

		order[i] = order[j];
		order[j] = x;
	}
	for (size_t i = 0; i < POOL_PAGES; i++)
		t->pool[order[i] * PG] = 1;
}

static struct target native_target(const char *bdf)
{
	struct target t = { 0 };
	struct ioasid_ioas_alloc a = { .size = sizeof(a) };
	struct ioasid_device_bind b = { .size = sizeof(b) };
	struct ioasid_device_attach at = { .size = sizeof(at) };
	char path[96];

	t.fd = open("/dev/ioasid", O_RDWR | O_CLOEXEC);
	if (t.fd < 0)
		die("open /dev/ioasid");
	if (ioctl(t.fd, IOASID_IOAS_ALLOC, &a))
		die("IOASID_IOAS_ALLOC");
	t.ioas = a.out_ioas_id;
	snprintf(path, sizeof(path), "/dev/ioasid-pci/%s", bdf);
	t.dev = open(path, O_RDWR | O_CLOEXEC);
	if (t.dev < 0)
		die("open %s", path);
	b.ioasid_fd = t.fd;
	at.ioas_id = t.ioas;
	if (ioctl(t.dev, IOASID_DEVICE_BIND, &b) ||
	    ioctl(t.dev, IOASID_DEVICE_ATTACH, &at))
		die("bind and attach %s", bdf);
	pool_get(&t);
	return t;
}

static struct target vfio_target(int group_nr)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	struct target t = { .vfio = true };
	char path[64];

	t.fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	snprintf(path, sizeof(path), "/dev/vfio/%d", group_nr);
	t.dev = open(path, O_RDWR | O_CLOEXEC);
	if (t.fd < 0 || t.dev < 0)
		die("open /dev/vfio/vfio and %s", path);
	if (ioctl(t.dev, VFIO_GROUP_GET_STATUS, &st) ||
	    !(st.flags & VFIO_GROUP_FLAGS_VIABLE) ||
	    ioctl(t.dev, VFIO_GROUP_SET_CONTAINER, &t.fd) ||
	    ioctl(t.fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		die("VFIO container with group %d", group_nr);
	pool_get(&t);
	return t;
}

/* The existing mapping i sits at an even page; hole i is the page after. */
#define EXISTING(i)	(BASE + (uint64_t)(i) * 2 * PG)
#define HOLE(i)		(EXISTING(i) + PG)

/* @reps holes spread over the @n existing mappings. */
static uint64_t hole(uint64_t k, uint64_t reps, uint64_t n)
{
	return HOLE(k * (n / reps) + (k * 7919) % (n / reps));
}

static void row(const char *api, const char *what, uint64_t n, double ns)
{
	printf("row %s %s %llu %.0f\n", api, what, (unsigned long long)n, ns);
	fflush(stdout);
}

static void level(struct target *t, const char *api, uint64_t n, int reps)
{
	static uint64_t iovas[100000];	/* --reps at most */
	double t0, v[3][8];
	int runs = 3;

	for (int r = 0; r < runs; r++) {
		t0 = now();
		for (int k = 0; k < reps; k++)
			if (map_at(t, src(t, k), hole(k, reps, n)))
				die("map a hole at %llu mappings",
				    (unsigned long long)n);
		v[0][r] = (now() - t0) * 1e9 / reps;
		t0 = now();
		for (int k = 0; k < reps; k++)
			unmap(t, hole(k, reps, n));
		v[1][r] = (now() - t0) * 1e9 / reps;
		t0 = now();
		for (int k = 0; k < reps; k++) {
			if (map_at(t, src(t, k), hole(k, reps, n)))
				die("map in a pair");
			unmap(t, hole(k, reps, n));
		}
		v[2][r] = (now() - t0) * 1e9 / reps;
	}
	row(api, "map", n, median(v[0], runs));
	row(api, "unmap", n, median(v[1], runs));
	row(api, "pair", n, median(v[2], runs));
	if (t->vfio)
		return;
	for (int r = 0; r < runs; r++) {
		t0 = now();
		for (int k = 0; k < reps; k++)
			iovas[k] = map_any(t, src(t, k));
		v[0][r] = (now() - t0) * 1e9 / reps;
		for (int k = 0; k < reps; k++)
			unmap(t, iovas[k]);
	}
	row(api, "map_any", n, median(v[0], runs));
}

/* Time one shell command, in ns; it must succeed. */
static double timed(const char *cmd)
{
	double t0 = now();

	if (system(cmd))
		die("%s", cmd);
	return (now() - t0) * 1e9;
}

/* This process's context id, as ioasidctl lists it. */
static unsigned int own_ctx(void)
{
	char cmd[160];
	unsigned int id = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "ioasidctl -j ctx list | jq '[.[] | select(.owner_tgid == %d) | .ctx] | min'",
		 getpid());
	f = popen(cmd, "r");
	if (!f || fscanf(f, "%u", &id) != 1 || pclose(f))
		die("finding the context with ioasidctl");
	return id;
}

static void dumps(struct target *t, uint64_t n, uint64_t json_max)
{
	char cmd[128];
	unsigned int ctx = own_ctx();

	snprintf(cmd, sizeof(cmd), "ioasidctl ioas show %u:%u >/dev/null",
		 ctx, t->ioas);
	row("ioasidctl", "ioas_show", n, timed(cmd));
	if (n > json_max)
		return;
	snprintf(cmd, sizeof(cmd), "ioasidctl -j ioas show %u:%u >/dev/null",
		 ctx, t->ioas);
	row("ioasidctl", "ioas_show_json", n, timed(cmd));
}

static void pasids(const uint64_t *levels, int nlevels, int reps)
{
	int fd = open("/dev/ioasid", O_RDWR | O_CLOEXEC);
	uint64_t owned = 0;

	if (fd < 0)
		die("open /dev/ioasid");
	for (int l = 0; l < nlevels; l++) {
		uint64_t n = levels[l] > 1000000 ? 1000000 : levels[l];
		double t0, v[3];

		for (; owned < n; owned++) {
			struct ioasid_pasid_alloc a = { .size = sizeof(a) };

			if (ioctl(fd, IOASID_PASID_ALLOC, &a))
				die("IOASID_PASID_ALLOC with %llu owned",
				    (unsigned long long)owned);
		}
		for (int r = 0; r < 3; r++) {
			t0 = now();
			for (int k = 0; k < reps; k++) {
				struct ioasid_pasid_alloc a = { .size = sizeof(a) };
				struct ioasid_pasid_free f = { .size = sizeof(f) };

				if (ioctl(fd, IOASID_PASID_ALLOC, &a))
					die("IOASID_PASID_ALLOC");
				f.pasid = a.out_pasid;
				if (ioctl(fd, IOASID_PASID_FREE, &f))
					die("IOASID_PASID_FREE");
			}
			v[r] = (now() - t0) * 1e9 / reps;
		}
		row("native", "pasid_pair", n, median(v, 3));
	}
	close(fd);
}

/* Contexts of this process, each with one IOAS; ctx list timed. */
static void contexts(const uint64_t *levels, int nlevels)
{
	struct rlimit rl = { 200000, 200000 };
	uint64_t open_ctx = 0;

	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("setrlimit(RLIMIT_NOFILE)");
	for (int l = 0; l < nlevels; l++) {
		if (levels[l] > 100000)
			break;
		for (; open_ctx < levels[l]; open_ctx++) {
			struct ioasid_ioas_alloc a = { .size = sizeof(a) };
			int fd = open("/dev/ioasid", O_RDWR);

			if (fd < 0 || ioctl(fd, IOASID_IOAS_ALLOC, &a))
				die("context %llu", (unsigned long long)open_ctx);
		}
		row("ioasidctl", "ctx_list_json", levels[l],
		    timed("ioasidctl -j ctx list >/dev/null"));
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "native", no_argument, NULL, 'n' },
		{ "edu", required_argument, NULL, 'e' },
		{ "vfio-group", required_argument, NULL, 'g' },
		{ "levels", required_argument, NULL, 'l' },
		{ "reps", required_argument, NULL, 'r' },
		{ "json-max", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t levels[MAX_LEVELS] = { 1000, 10000, 100000, 1000000 };
	uint64_t json_max = 100000, have = 0;
	int nlevels = 4, reps = 1000, group = -1, c;
	const char *edu = NULL, *api;
	bool native = false;
	struct target t;
	char *s;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': native = true; break;
		case 'e': edu = optarg; break;
		case 'g': group = atoi(optarg); break;
		case 'r': reps = atoi(optarg); break;
		case 'j': json_max = strtoull(optarg, NULL, 0); break;
		case 'l':
			nlevels = 0;
			for (s = strtok(optarg, ","); s && nlevels < MAX_LEVELS;
			     s = strtok(NULL, ","))
				levels[nlevels++] = strtoull(s, NULL, 0);
			break;
		default:
			return 2;
		}
	}
	if (native == (group >= 0) || (native && !edu) || reps < 1 ||
	    reps > 100000 || !nlevels) {
		fprintf(stderr, "usage: scale_bench --native --edu BDF | --vfio-group N [--levels N,...] [--reps N] [--json-max N]\n");
		return 2;
	}
	for (int l = 0; l < nlevels; l++)
		if (levels[l] < (uint64_t)reps || (l && levels[l] <= levels[l - 1])) {
			fprintf(stderr, "scale_bench: levels must grow and be >= --reps\n");
			return 2;
		}
	t = native ? native_target(edu) : vfio_target(group);
	api = native ? "native" : "vfio";
	for (int l = 0; l < nlevels; l++) {
		double t0 = now();

		for (; have < levels[l]; have++)
			if (map_at(&t, src(&t, have), EXISTING(have)))
				die("mapping %llu", (unsigned long long)have);
		printf("# %llu mappings in %.1f s\n", (unsigned long long)have,
		       now() - t0);
		level(&t, api, levels[l], reps);
		if (native)
			dumps(&t, levels[l], json_max);
	}
	close(t.dev);
	close(t.fd);
	munmap(t.pool, POOL_PAGES * PG);
	if (native) {
		pasids(levels, nlevels, reps);
		contexts(levels, nlevels);
	}
	return 0;
}
