// SPDX-License-Identifier: GPL-2.0
/*
 * ioasidhold: build some ioasid objects and hold them until killed, so
 * shell tests can look at them with ioasidctl.
 *
 *   ioasidhold [--map IOVA:LENGTH]... [--shared] [--ro] [--copy IOVA]
 *              [--nested] [--mock] [--mock-pasid] [--join] [--pasid]
 *              [--attach-pasid] [--nobind] [--driver] [--many N]
 *              [--contexts N] [--pasids N]
 *
 * Opens one /dev/ioasid context and allocates a paging IOAS; --map maps
 * fresh anonymous memory at that IOVA (read/write, or read-only with
 * --ro; --shared: every --map after the first maps the first's memory
 * again, from its start); --copy allocates a second paging IOAS and
 * IOASID_IOAS_COPY's the first --map into it at IOVA (its id is then
 * "copy"); --nested adds a nested IOAS on the first.  --mock creates a mock device
 * in a new mock group (--mock-pasid: one with PASID support; --join: a
 * second device in the same group, not bound), binds it and attaches it to
 * the IOAS (--nobind: neither; --driver: a pretend kernel DMA driver holds
 * the --join device, which makes the group non-viable).  --pasid allocates
 * a PASID; --attach-pasid also attaches the mock device to the IOAS with
 * it.  For introspection at scale: --many maps N single pages at IOVA
 * 0x1000000 + i * 0x2000, the i-th from page i % 256 of one buffer (whose
 * address is then "source"); --contexts opens N more contexts, each with
 * one IOAS; --pasids allocates N PASIDs in the first context.  Then prints
 * one line
 *
 *   ready pid=P ioas=I nested=N dev=D group=G pasid=S copy=C source=0xADDR
 *
 * (0 for what was not made; source: the user VA of the first --map) and
 * waits for SIGTERM or SIGINT.  Exit 1 with a message if a step fails
 * (needs enable_test_interface=1 for --mock).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/ioasid.h>

static void die(const char *what)
{
	fprintf(stderr, "ioasidhold: %s: %s\n", what, strerror(errno));
	exit(1);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "map", required_argument, NULL, 'm' },
		{ "ro", no_argument, NULL, 'r' },
		{ "nested", no_argument, NULL, 'n' },
		{ "mock", no_argument, NULL, 'd' },
		{ "mock-pasid", no_argument, NULL, 'D' },
		{ "join", no_argument, NULL, 'J' },
		{ "pasid", no_argument, NULL, 'p' },
		{ "attach-pasid", no_argument, NULL, 'a' },
		{ "nobind", no_argument, NULL, 'B' },
		{ "driver", no_argument, NULL, 'R' },
		{ "many", required_argument, NULL, 'M' },
		{ "contexts", required_argument, NULL, 'C' },
		{ "pasids", required_argument, NULL, 'P' },
		{ "shared", no_argument, NULL, 'S' },
		{ "copy", required_argument, NULL, 'c' },
		{ 0 }
	};
	bool ro = false, nested = false, mock = false, mock_pasid = false;
	bool join = false, pasid = false, attach_pasid = false;
	bool nobind = false, driver = false, shared = false;
	void *first = NULL;
	static uint64_t iovas[1024], lens[1024];
	uint64_t source = 0, copy_iova = 0;
	uint32_t ioas_id, nested_id = 0, dev_id = 0, group_id = 0, pasid_v = 0;
	uint32_t copy_id = 0, map_flags;
	bool copy = false;
	unsigned long many = 0, contexts = 0, pasids = 0;
	int nr_maps = 0, fd, c;
	char *colon;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			colon = strchr(optarg, ':');
			if (!colon || nr_maps == 1024) {
				fprintf(stderr, "ioasidhold: --map IOVA:LENGTH\n");
				return 2;
			}
			iovas[nr_maps] = strtoull(optarg, NULL, 0);
			lens[nr_maps++] = strtoull(colon + 1, NULL, 0);
			break;
		case 'r': ro = true; break;
		case 'n': nested = true; break;
		case 'd': mock = true; break;
		case 'D': mock = mock_pasid = true; break;
		case 'J': join = true; break;
		case 'p': pasid = true; break;
		case 'a': pasid = attach_pasid = true; break;
		case 'B': nobind = true; break;
		case 'R': driver = true; break;
		case 'M': many = strtoul(optarg, NULL, 0); break;
		case 'C': contexts = strtoul(optarg, NULL, 0); break;
		case 'P': pasids = strtoul(optarg, NULL, 0); break;
		case 'S': shared = true; break;
		case 'c':
			copy = true;
			copy_iova = strtoull(optarg, NULL, 0);
			break;
		default:
			return 2;
		}
	}

	/* Every map and the copy: fixed IOVA, read/write or read-only. */
	map_flags = IOASID_IOAS_MAP_FIXED_IOVA | IOASID_IOAS_MAP_READABLE |
		    (ro ? 0 : IOASID_IOAS_MAP_WRITEABLE);
	fd = open("/dev/ioasid", O_RDWR);
	if (fd < 0)
		die("/dev/ioasid");
	{
		struct ioasid_ioas_alloc a = { .size = sizeof(a) };

		if (ioctl(fd, IOASID_IOAS_ALLOC, &a))
			die("IOAS_ALLOC");
		ioas_id = a.out_ioas_id;
	}
	for (int i = 0; i < nr_maps; i++) {
		struct ioasid_ioas_map m = {
			.size = sizeof(m),
			.flags = map_flags,
			.ioas_id = ioas_id,
			.length = lens[i],
			.iova = iovas[i],
		};
		void *p;

		if (shared && i) {
			if (lens[i] > lens[0]) {
				fprintf(stderr, "ioasidhold: --shared: a --map "
					"longer than the first\n");
				return 2;
			}
			p = first;
		} else {
			p = mmap(NULL, lens[i], PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED)
				die("mmap");
			memset(p, 0x5a, lens[i]);
			first = first ? first : p;
		}
		m.user_va = (uintptr_t)p;
		if (!i)
			source = m.user_va;
		if (ioctl(fd, IOASID_IOAS_MAP, &m))
			die("IOAS_MAP");
	}
	if (copy) {
		struct ioasid_ioas_alloc a = { .size = sizeof(a) };
		struct ioasid_ioas_copy cp = {
			.size = sizeof(cp),
			.flags = map_flags,
			.src_ioas_id = ioas_id,
			.length = lens[0],
			.dst_iova = copy_iova,
			.src_iova = iovas[0],
		};

		if (!nr_maps) {
			fprintf(stderr, "ioasidhold: --copy needs a --map\n");
			return 2;
		}
		if (ioctl(fd, IOASID_IOAS_ALLOC, &a))
			die("IOAS_ALLOC (--copy)");
		cp.dst_ioas_id = copy_id = a.out_ioas_id;
		if (ioctl(fd, IOASID_IOAS_COPY, &cp))
			die("IOAS_COPY");
	}
	if (many) {
		uint8_t *buf = mmap(NULL, 256 * 4096, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		struct ioasid_ioas_map m = {
			.size = sizeof(m),
			.flags = IOASID_IOAS_MAP_FIXED_IOVA |
				 IOASID_IOAS_MAP_READABLE |
				 IOASID_IOAS_MAP_WRITEABLE,
			.ioas_id = ioas_id, .length = 4096,
		};

		if (buf == MAP_FAILED)
			die("mmap");
		memset(buf, 0x5a, 256 * 4096);
		source = (uintptr_t)buf;
		for (unsigned long i = 0; i < many; i++) {
			m.iova = 0x1000000 + i * 0x2000;
			m.user_va = (uintptr_t)buf + (i % 256) * 4096;
			if (ioctl(fd, IOASID_IOAS_MAP, &m))
				die("IOAS_MAP (--many)");
		}
	}
	for (unsigned long i = 0; i < contexts; i++) {
		struct ioasid_ioas_alloc a = { .size = sizeof(a) };
		int more = open("/dev/ioasid", O_RDWR);

		if (more < 0)
			die("/dev/ioasid (--contexts)");
		if (ioctl(more, IOASID_IOAS_ALLOC, &a))
			die("IOAS_ALLOC (--contexts)");
	}
	for (unsigned long i = 0; i < pasids; i++) {
		struct ioasid_pasid_alloc a = { .size = sizeof(a) };

		if (ioctl(fd, IOASID_PASID_ALLOC, &a))
			die("PASID_ALLOC (--pasids)");
	}
	if (nested) {
		struct ioasid_ioas_alloc a = {
			.size = sizeof(a), .flags = IOASID_IOAS_ALLOC_NESTED,
			.parent_id = ioas_id,
		};

		if (ioctl(fd, IOASID_IOAS_ALLOC, &a))
			die("IOAS_ALLOC nested");
		nested_id = a.out_ioas_id;
	}
	if (pasid) {
		struct ioasid_pasid_alloc a = { .size = sizeof(a) };

		if (ioctl(fd, IOASID_PASID_ALLOC, &a))
			die("PASID_ALLOC");
		pasid_v = a.out_pasid;
	}
	if (mock) {
		struct ioasid_test t = {
			.size = sizeof(t), .op = IOASID_TEST_MOCK_DEVICE_CREATE,
			.mock_create.flags = IOASID_MOCK_NEW_GROUP |
				(mock_pasid ? IOASID_MOCK_PASID : 0),
		};
		struct ioasid_device_bind b = { .size = sizeof(b), .ioasid_fd = fd };
		struct ioasid_device_attach at = {
			.size = sizeof(at), .ioas_id = ioas_id,
		};
		int dev;

		if (ioctl(fd, IOASID_TEST, &t))
			die("MOCK_DEVICE_CREATE");
		dev = t.mock_create.out_fd;
		group_id = t.mock_create.out_group_id;
		if (nobind)
			goto join;
		if (ioctl(dev, IOASID_DEVICE_BIND, &b))
			die("DEVICE_BIND");
		dev_id = b.out_dev_id;
		if (ioctl(dev, IOASID_DEVICE_ATTACH, &at))
			die("DEVICE_ATTACH");
		if (attach_pasid) {
			at.flags = IOASID_DEVICE_ATTACH_PASID;
			at.pasid = pasid_v;
			if (ioctl(dev, IOASID_DEVICE_ATTACH, &at))
				die("DEVICE_ATTACH with PASID");
		}
join:
		if (join) {
			memset(&t.mock_create, 0, sizeof(t.mock_create));
			t.mock_create.group_id = group_id;
			if (ioctl(fd, IOASID_TEST, &t))
				die("MOCK_DEVICE_CREATE (join)");
		}
		if (join && driver) {
			int joined = t.mock_create.out_fd;

			memset(&t.mock_create, 0, sizeof(t.mock_create));
			t.op = IOASID_TEST_MOCK_SET_DRIVER;
			t.mock_set_driver.dev_fd = joined;
			t.mock_set_driver.bound = 1;
			if (ioctl(fd, IOASID_TEST, &t))
				die("MOCK_SET_DRIVER");
		}
	}
	printf("ready pid=%d ioas=%u nested=%u dev=%u group=%u pasid=%u copy=%u source=%#" PRIx64 "\n",
	       getpid(), ioas_id, nested_id, dev_id, group_id, pasid_v, copy_id,
	       source);
	fflush(stdout);
	for (;;)
		pause();
}
