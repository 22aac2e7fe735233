// SPDX-License-Identifier: GPL-2.0
/*
 * The IOAS ioctls against their documented contract (ioasid.h): every
 * argument error has its exact errno and leaves nothing behind (no
 * mapping, no pin), IOVA ranges report the aperture minus reserved
 * regions, RLIMIT_MEMLOCK bounds what a process without CAP_IPC_LOCK can
 * pin, and many contexts come and go without leaking.
 */
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mock.h"

#define PG	4096ull
#define RW	(IOASID_IOAS_MAP_READABLE | IOASID_IOAS_MAP_WRITEABLE)

struct t {
	int ctx;
	uint32_t ioas;
	uint8_t *mem;		/* 16 pages */
	uint64_t pinned0;
};

static struct t t;

static void up(void)
{
	struct ioasid_ioas_alloc a = { .size = sizeof(a) };

	t.pinned0 = test_stats().out_pinned_pages;
	t.ctx = ioasid_open();
	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_ALLOC, &a), 0);
	t.ioas = a.out_ioas_id;
	t.mem = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(t.mem, MAP_FAILED);
	memset(t.mem, 1, 16 * PG);
}

static void down(void)
{
	close(t.ctx);
	munmap(t.mem, 16 * PG);
	cr_assert_eq(test_stats().out_pinned_pages, t.pinned0,
		     "pins leaked");
}

TestSuite(ioas_map, .init = up, .fini = down);
TestSuite(ioas_unmap, .init = up, .fini = down);
TestSuite(ioas_alloc, .init = up, .fini = down);
TestSuite(ioas_ranges, .init = up, .fini = down);

static struct ioasid_ioas_map mreq(uint32_t flags, uint64_t va, uint64_t len,
				   uint64_t iova)
{
	struct ioasid_ioas_map m = {
		.size = sizeof(m), .flags = flags, .ioas_id = t.ioas,
		.user_va = va, .length = len, .iova = iova,
	};

	return m;
}

static int map_fixed(uint64_t va, uint64_t len, uint64_t iova)
{
	struct ioasid_ioas_map m = mreq(IOASID_IOAS_MAP_FIXED_IOVA | RW, va,
					len, iova);

	return ioc(t.ctx, IOASID_IOAS_MAP, &m);
}

static int unmap_len(uint64_t iova, uint64_t len, uint64_t *out)
{
	struct ioasid_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = t.ioas, .iova = iova,
		.length = len,
	};
	int rc = ioc(t.ctx, IOASID_IOAS_UNMAP, &u);

	if (out)
		*out = u.length;
	return rc;
}

static uint64_t pinned_now(void)
{
	return test_stats().out_pinned_pages - t.pinned0;
}

#define MEM	((uintptr_t)t.mem)

/* --- map ------------------------------------------------------------------ */

Test(ioas_map, fixed_maps_and_pins_exactly)
{
	cr_assert_eq(map_fixed(MEM, 16 * PG, 0x100000), 0);
	cr_assert_eq(pinned_now(), 16);
}

Test(ioas_map, kernel_chosen_iova_is_returned)
{
	struct ioasid_ioas_map m = mreq(RW, MEM, 4 * PG, 0);

	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_MAP, &m), 0);
	cr_assert_neq(m.iova, 0);
	cr_assert_eq(m.iova % PG, 0);
	/* The same range again, fixed, collides. */
	cr_assert_eq(map_fixed(MEM, 4 * PG, m.iova), -EEXIST);
}

Test(ioas_map, zero_length_is_einval)
{
	cr_assert_eq(map_fixed(MEM, 0, 0x100000), -EINVAL);
}

Test(ioas_map, misaligned_length_is_einval)
{
	cr_assert_eq(map_fixed(MEM, PG + 1, 0x100000), -EINVAL);
}

Test(ioas_map, misaligned_user_va_is_einval)
{
	cr_assert_eq(map_fixed(MEM + 8, PG, 0x100000), -EINVAL);
}

Test(ioas_map, misaligned_fixed_iova_is_einval)
{
	cr_assert_eq(map_fixed(MEM, PG, 0x100100), -EINVAL);
}

Test(ioas_map, no_permission_is_einval)
{
	struct ioasid_ioas_map m = mreq(IOASID_IOAS_MAP_FIXED_IOVA, MEM, PG,
					0x100000);

	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_MAP, &m), -EINVAL);
}

Test(ioas_map, unknown_flag_is_eopnotsupp)
{
	struct ioasid_ioas_map m = mreq(RW | (1u << 20), MEM, PG, 0);

	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_MAP, &m), -EOPNOTSUPP);
}

Test(ioas_map, reserved_field_is_eopnotsupp)
{
	struct ioasid_ioas_map m = mreq(RW, MEM, PG, 0);

	m.__reserved = 1;
	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_MAP, &m), -EOPNOTSUPP);
}

Test(ioas_map, iova_wrap_is_eoverflow)
{
	cr_assert_eq(map_fixed(MEM, 2 * PG, 0xfffffffffffff000ull),
		     -EOVERFLOW);
}

Test(ioas_map, user_va_wrap_is_eoverflow)
{
	cr_assert_eq(map_fixed(0xfffffffffffff000ull, 2 * PG, 0x100000),
		     -EOVERFLOW);
}

Test(ioas_map, unmapped_user_memory_is_efault)
{
	uint8_t *hole = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	munmap(hole + PG, PG);
	/* The first page is fine, the second is not: nothing stays pinned. */
	cr_assert_eq(map_fixed((uintptr_t)hole, 2 * PG, 0x100000), -EFAULT);
	cr_assert_eq(pinned_now(), 0);
	cr_assert_eq(unmap_len(0x100000, 2 * PG, NULL), -ENOENT);
}

Test(ioas_map, writeable_read_only_memory_is_efault)
{
	uint8_t *ro = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);

	cr_assert_eq(map_fixed((uintptr_t)ro, PG, 0x100000), -EFAULT);
	/* Readable only is fine. */
	struct ioasid_ioas_map m = mreq(IOASID_IOAS_MAP_FIXED_IOVA |
					IOASID_IOAS_MAP_READABLE,
					(uintptr_t)ro, PG, 0x100000);

	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_MAP, &m), 0);
	cr_assert_eq(pinned_now(), 1);
}

Test(ioas_map, unknown_ioas_is_enoent)
{
	struct ioasid_ioas_map m = mreq(RW, MEM, PG, 0);

	m.ioas_id = 4242;
	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_MAP, &m), -ENOENT);
}

Test(ioas_map, overlap_at_either_end_is_eexist)
{
	cr_assert_eq(map_fixed(MEM, 4 * PG, 0x200000), 0);
	cr_assert_eq(map_fixed(MEM, 2 * PG, 0x200000 - PG), -EEXIST);
	cr_assert_eq(map_fixed(MEM, 2 * PG, 0x200000 + 3 * PG), -EEXIST);
	cr_assert_eq(map_fixed(MEM, 8 * PG, 0x200000 - 2 * PG), -EEXIST);
	/* Touching both ends is not overlapping. */
	cr_assert_eq(map_fixed(MEM, PG, 0x200000 - PG), 0);
	cr_assert_eq(map_fixed(MEM, PG, 0x200000 + 4 * PG), 0);
	/* Three mappings, all of the first 4 pages of MEM: pinned once. */
	cr_assert_eq(pinned_now(), 4);
}

Test(ioas_map, bad_struct_pointer_is_efault)
{
	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_MAP, (void *)8), -EFAULT);
}

Test(ioas_map, short_struct_is_einval_and_long_nonzero_tail_e2big)
{
	struct {
		struct ioasid_ioas_map m;
		uint64_t tail;
	} big = { .m = mreq(RW, MEM, PG, 0), .tail = 1 };
	struct ioasid_ioas_map m = mreq(RW, MEM, PG, 0);

	m.size = 8;
	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_MAP, &m), -EINVAL);
	big.m.size = sizeof(big);
	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_MAP, &big), -E2BIG);
	big.tail = 0;
	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_MAP, &big), 0);
}

Test(ioas_map, reserved_region_is_eaddrinuse)
{
	struct mock dev;

	cr_assert_eq(mock_create_full(IOASID_MOCK_NEW_GROUP, 0, 0x300000,
				      4 * PG, &dev), 0);
	cr_assert_eq(dev_bind(dev.fd, t.ctx, NULL), 0);
	cr_assert_eq(dev_attach(dev.fd, t.ioas), 0);
	cr_assert_eq(map_fixed(MEM, PG, 0x300000 + 3 * PG), -EADDRINUSE);
	cr_assert_eq(map_fixed(MEM, 2 * PG, 0x300000 - PG), -EADDRINUSE);
	cr_assert_eq(map_fixed(MEM, PG, 0x300000 + 4 * PG), 0);
	/* A kernel-chosen IOVA never lands there either. */
	for (int i = 0; i < 8; i++) {
		struct ioasid_ioas_map m = mreq(RW, MEM, PG, 0);

		cr_assert_eq(ioc(t.ctx, IOASID_IOAS_MAP, &m), 0);
		cr_assert(m.iova + PG <= 0x300000 ||
			  m.iova >= 0x300000 + 4 * PG);
	}
	close(dev.fd);
}

/* --- unmap ---------------------------------------------------------------- */

Test(ioas_unmap, exact_range_returns_its_length)
{
	uint64_t len;

	cr_assert_eq(map_fixed(MEM, 8 * PG, 0x100000), 0);
	cr_assert_eq(unmap_len(0x100000, 8 * PG, &len), 0);
	cr_assert_eq(len, 8 * PG);
	cr_assert_eq(pinned_now(), 0);
}

Test(ioas_unmap, nothing_mapped_is_enoent)
{
	cr_assert_eq(unmap_len(0x100000, PG, NULL), -ENOENT);
}

Test(ioas_unmap, zero_length_is_einval)
{
	cr_assert_eq(unmap_len(0x100000, 0, NULL), -EINVAL);
}

Test(ioas_unmap, misaligned_is_einval)
{
	cr_assert_eq(map_fixed(MEM, 2 * PG, 0x100000), 0);
	cr_assert_eq(unmap_len(0x100000 + 1, PG, NULL), -EINVAL);
	cr_assert_eq(unmap_len(0x100000, PG - 1, NULL), -EINVAL);
	cr_assert_eq(pinned_now(), 2);
}

Test(ioas_unmap, wrap_is_eoverflow)
{
	cr_assert_eq(unmap_len(0xfffffffffffff000ull, 2 * PG, NULL),
		     -EOVERFLOW);
}

Test(ioas_unmap, cut_at_the_start_and_at_the_end)
{
	uint64_t len;

	cr_assert_eq(map_fixed(MEM, 8 * PG, 0x100000), 0);
	cr_assert_eq(unmap_len(0x100000 - 4 * PG, 6 * PG, &len), 0);
	cr_assert_eq(len, 2 * PG);
	cr_assert_eq(unmap_len(0x100000 + 6 * PG, 10 * PG, &len), 0);
	cr_assert_eq(len, 2 * PG);
	cr_assert_eq(pinned_now(), 4);
	/* What is left is [2, 6): exactly it. */
	cr_assert_eq(map_fixed(MEM, PG, 0x100000 + PG), 0);
	cr_assert_eq(map_fixed(MEM, PG, 0x100000 + 2 * PG), -EEXIST);
	cr_assert_eq(map_fixed(MEM, PG, 0x100000 + 6 * PG), 0);
}

Test(ioas_unmap, all_empties_and_all_of_empty_is_fine)
{
	struct ioasid_ioas_unmap u = {
		.size = sizeof(u), .flags = IOASID_IOAS_UNMAP_ALL,
		.ioas_id = t.ioas,
	};

	cr_assert_eq(map_fixed(MEM, 3 * PG, 0x100000), 0);
	cr_assert_eq(map_fixed(MEM, 5 * PG, 0x900000), 0);
	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_UNMAP, &u), 0);
	cr_assert_eq(u.length, 8 * PG);
	cr_assert_eq(pinned_now(), 0);
	u.length = 0;
	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_UNMAP, &u), 0);
	cr_assert_eq(u.length, 0);
}

Test(ioas_unmap, all_with_a_range_is_einval)
{
	struct ioasid_ioas_unmap u = {
		.size = sizeof(u), .flags = IOASID_IOAS_UNMAP_ALL,
		.ioas_id = t.ioas, .iova = 0x1000,
	};

	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_UNMAP, &u), -EINVAL);
	u.iova = 0;
	u.length = PG;
	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_UNMAP, &u), -EINVAL);
}

Test(ioas_unmap, unknown_flag_is_eopnotsupp)
{
	struct ioasid_ioas_unmap u = {
		.size = sizeof(u), .flags = 2, .ioas_id = t.ioas,
		.iova = 0x100000, .length = PG,
	};

	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_UNMAP, &u), -EOPNOTSUPP);
}

/* --- alloc / destroy -------------------------------------------------- */

Test(ioas_alloc, unknown_flag_is_eopnotsupp)
{
	struct ioasid_ioas_alloc a = { .size = sizeof(a), .flags = 2 };

	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_ALLOC, &a), -EOPNOTSUPP);
}

Test(ioas_alloc, parent_without_nested_is_einval)
{
	struct ioasid_ioas_alloc a = { .size = sizeof(a),
				       .parent_id = t.ioas };

	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_ALLOC, &a), -EINVAL);
}

Test(ioas_alloc, nested_of_unknown_is_enoent_of_nested_einval)
{
	struct ioasid_ioas_alloc a = {
		.size = sizeof(a), .flags = IOASID_IOAS_ALLOC_NESTED,
		.parent_id = 999,
	};

	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_ALLOC, &a), -ENOENT);
	a.parent_id = t.ioas;
	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_ALLOC, &a), 0);
	a.parent_id = a.out_ioas_id;
	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_ALLOC, &a), -EINVAL);
}

Test(ioas_alloc, destroy_unpins_and_counts)
{
	struct ioasid_destroy d = { .size = sizeof(d), .id = t.ioas };
	uint32_t live = test_stats().out_ioas;

	cr_assert_eq(map_fixed(MEM, 16 * PG, 0x100000), 0);
	cr_assert_eq(pinned_now(), 16);
	cr_assert_eq(ioc(t.ctx, IOASID_DESTROY, &d), 0);
	cr_assert_eq(pinned_now(), 0);
	cr_assert_eq(test_stats().out_ioas, live - 1);
	cr_assert_eq(ioc(t.ctx, IOASID_DESTROY, &d), -ENOENT);
}

Test(ioas_alloc, destroy_while_attached_is_ebusy)
{
	struct ioasid_destroy d = { .size = sizeof(d), .id = t.ioas };
	struct mock dev = mock_new(0);

	cr_assert_eq(dev_bind(dev.fd, t.ctx, NULL), 0);
	cr_assert_eq(dev_attach(dev.fd, t.ioas), 0);
	cr_assert_eq(ioc(t.ctx, IOASID_DESTROY, &d), -EBUSY);
	cr_assert_eq(dev_detach(dev.fd), 0);
	cr_assert_eq(ioc(t.ctx, IOASID_DESTROY, &d), 0);
	close(dev.fd);
}

Test(ioas_alloc, another_contexts_ioas_is_enoent)
{
	int other = ioasid_open();
	struct ioasid_ioas_map m = mreq(RW, MEM, PG, 0);

	cr_assert_eq(ioc(other, IOASID_IOAS_MAP, &m), -ENOENT);
	close(other);
}

Test(ioas_alloc, many_contexts_at_once)
{
	uint32_t ioas0 = test_stats().out_ioas;
	int fds[64];

	for (int i = 0; i < 64; i++) {
		struct ioasid_ioas_alloc a = { .size = sizeof(a) };
		struct ioasid_ioas_map m = {
			.size = sizeof(m), .flags = RW,
			.user_va = MEM + (i % 16) * PG, .length = PG,
		};

		fds[i] = ioasid_open();
		cr_assert_eq(ioc(fds[i], IOASID_IOAS_ALLOC, &a), 0);
		m.ioas_id = a.out_ioas_id;
		cr_assert_eq(ioc(fds[i], IOASID_IOAS_MAP, &m), 0);
	}
	/* 64 mappings of 16 pages of this process: each page pinned once. */
	cr_assert_eq(pinned_now(), 16);
	cr_assert_eq(test_stats().out_ioas, ioas0 + 64);
	for (int i = 0; i < 64; i++)
		close(fds[i]);
	cr_assert_eq(pinned_now(), 0);
	cr_assert_eq(test_stats().out_ioas, ioas0);
}

/* --- IOVA ranges -------------------------------------------------------- */

static int ranges(uint32_t *num, struct ioasid_iova_range *r,
		  uint64_t *align)
{
	struct ioasid_ioas_iova_ranges q = {
		.size = sizeof(q), .ioas_id = t.ioas, .num_iovas = *num,
		.allowed_iovas = (uintptr_t)r,
	};
	int rc = ioc(t.ctx, IOASID_IOAS_IOVA_RANGES, &q);

	*num = q.num_iovas;
	if (align)
		*align = q.out_iova_alignment;
	return rc;
}

Test(ioas_ranges, everything_without_devices)
{
	struct ioasid_iova_range r[4];
	uint32_t n = 4;
	uint64_t align;

	cr_assert_eq(ranges(&n, r, &align), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(r[0].start, 0);
	cr_assert_eq(r[0].last, UINT64_MAX);
	cr_assert_eq(align, PG);
}

Test(ioas_ranges, reserved_region_splits_and_comes_back)
{
	struct ioasid_iova_range r[4];
	struct mock dev;
	uint32_t n = 0;

	cr_assert_eq(mock_create_full(IOASID_MOCK_NEW_GROUP, 0, 0x10000000,
				      0x100000, &dev), 0);
	cr_assert_eq(dev_bind(dev.fd, t.ctx, NULL), 0);
	cr_assert_eq(dev_attach(dev.fd, t.ioas), 0);
	/* Too small: the needed count comes back with -EMSGSIZE. */
	cr_assert_eq(ranges(&n, r, NULL), -EMSGSIZE);
	cr_assert_eq(n, 2);
	n = 1;
	cr_assert_eq(ranges(&n, r, NULL), -EMSGSIZE);
	cr_assert_eq(n, 2);
	n = 4;
	cr_assert_eq(ranges(&n, r, NULL), 0);
	cr_assert_eq(n, 2);
	/* Mock devices: a 48-bit aperture, minus the region. */
	cr_assert_eq(r[0].start, 0);
	cr_assert_eq(r[0].last, 0x10000000 - 1);
	cr_assert_eq(r[1].start, 0x10100000);
	cr_assert_eq(r[1].last, (1ull << 48) - 1);
	cr_assert_eq(dev_detach(dev.fd), 0);
	n = 4;
	cr_assert_eq(ranges(&n, r, NULL), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(r[0].last, UINT64_MAX);
	close(dev.fd);
}

Test(ioas_ranges, reserved_field_is_eopnotsupp)
{
	struct ioasid_ioas_iova_ranges q = {
		.size = sizeof(q), .ioas_id = t.ioas, .__reserved = 1,
	};

	cr_assert_eq(ioc(t.ctx, IOASID_IOAS_IOVA_RANGES, &q), -EOPNOTSUPP);
}

/* --- RLIMIT_MEMLOCK ----------------------------------------------------- */

/* In a child without CAP_IPC_LOCK and a 64 KiB limit; exit 0 if right. */
static int memlock_child(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	struct rlimit rl = { 64 << 10, 64 << 10 };
	struct ioasid_ioas_alloc a = { .size = sizeof(a) };
	struct ioasid_ioas_map m = {
		.size = sizeof(m), .flags = RW, .length = 16 * PG,
	};
	uint8_t *mem = mmap(NULL, 17 * PG, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int ctx = ioasid_open();
	uint64_t before;

	if (syscall(SYS_capget, &hdr, data))
		return 10;
	data[0].effective &= ~(1u << CAP_IPC_LOCK);
	data[0].permitted &= ~(1u << CAP_IPC_LOCK);
	if (syscall(SYS_capset, &hdr, data) || setrlimit(RLIMIT_MEMLOCK, &rl))
		return 11;
	if (ioctl(ctx, IOASID_IOAS_ALLOC, &a))
		return 12;
	m.ioas_id = a.out_ioas_id;
	m.user_va = (uintptr_t)mem;
	if (ioctl(ctx, IOASID_IOAS_MAP, &m))	/* 64 KiB: exactly the limit */
		return 13;
	before = test_stats().out_pinned_pages;
	m.user_va = (uintptr_t)mem + 16 * PG;
	m.length = PG;
	if (!ioctl(ctx, IOASID_IOAS_MAP, &m) || errno != ENOMEM)
		return 14;
	if (test_stats().out_pinned_pages != before)
		return 15;
	return 0;
}

Test(ioas_map, rlimit_memlock_is_enforced_without_cap_ipc_lock)
{
	int status;
	pid_t pid = fork();

	if (!pid)
		_exit(memlock_child());
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	cr_assert_eq(WEXITSTATUS(status), 0, "child step %d failed",
		     WEXITSTATUS(status));
}
