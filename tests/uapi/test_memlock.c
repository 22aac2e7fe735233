// SPDX-License-Identifier: GPL-2.0
/*
 * Pinned-page accounting (suite ioas_memlock): the module's pin counter
 * (IOASID_TEST_STATS) rises by exactly the pages mapped, falls by exactly
 * the pages cut, and returns to its baseline when IOAS or contexts go; the
 * mapping process's VmLck follows in 4 kB steps; RLIMIT_MEMLOCK is
 * enforced for a process without CAP_IPC_LOCK (a forked child that drops
 * it from its effective, permitted, inheritable and bounding sets and
 * reports through its exit status): exactly the limit maps, one page more
 * is -ENOMEM with nothing pinned, the limit spans every context of the
 * process, is given back on unmap and close, and nested maps are free.
 * A page is pinned and charged once per process however many mappings
 * (IOAS, contexts) use it, until the last one goes; memory mapped again
 * after munmap() is other pages; a forked child pays for its own copies.
 * Many contexts at once come and go without leaking.
 */
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "ioas_util.h"

TestSuite(ioas_memlock);

Test(ioas_memlock, counter_rises_by_exactly_the_pages_mapped)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);
	uint8_t *mem = pbuf(72 * PG, 1);
	uint64_t base = pinned(), iova;

	cr_assert_eq(map_at(ctx, ioas, VA(mem), PG, 0x100000, RW), 0);
	cr_assert_eq(pinned() - base, 1);
	cr_assert_eq(map_any(ctx, ioas, VA(mem) + PG, 7 * PG, RO, &iova), 0);
	cr_assert_eq(pinned() - base, 8);
	cr_assert_eq(map_at(ctx, ioas, VA(mem) + 8 * PG, 64 * PG, 0x4000000,
			    WO), 0);
	cr_assert_eq(pinned() - base, 72);
	close(ctx);
	cr_assert_eq(pinned(), base);
}

Test(ioas_memlock, counter_falls_by_exactly_each_cut)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);
	uint8_t *mem = pbuf(32 * PG, 2);
	const uint64_t x = 0x200000;
	uint64_t base = pinned(), out;

	cr_assert_eq(map_at(ctx, ioas, VA(mem), 32 * PG, x, RW), 0);
	cr_assert_eq(pinned() - base, 32);
	cr_assert_eq(unmap_range(ctx, ioas, x, 5 * PG, &out), 0);
	cr_assert_eq(out, 5 * PG);
	cr_assert_eq(pinned() - base, 27);
	cr_assert_eq(unmap_range(ctx, ioas, x + 12 * PG, 3 * PG, &out), 0);
	cr_assert_eq(out, 3 * PG);
	cr_assert_eq(pinned() - base, 24);
	cr_assert_eq(unmap_range(ctx, ioas, x + 30 * PG, 8 * PG, &out), 0);
	cr_assert_eq(out, 2 * PG);
	cr_assert_eq(pinned() - base, 22);
	close(ctx);
	cr_assert_eq(pinned(), base);
}

Test(ioas_memlock, the_same_memory_in_two_ioas_is_pinned_and_charged_once)
{
	int ctx = ioasid_open();
	uint32_t a = ioas_new(ctx), b = ioas_new(ctx);
	uint8_t *mem = pbuf(4 * PG, 3);
	uint64_t base = pinned(), out;
	long lck = vmlck_kb();

	cr_assert_eq(map_at(ctx, a, VA(mem), 4 * PG, 0x100000, RW), 0);
	cr_assert_eq(pinned() - base, 4);
	cr_assert_eq(vmlck_kb() - lck, 4 * 4);
	cr_assert_eq(map_at(ctx, a, VA(mem), 4 * PG, 0x200000, RO), 0);
	cr_assert_eq(map_at(ctx, b, VA(mem), 4 * PG, 0x100000, RW), 0);
	cr_assert_eq(pinned() - base, 4);
	cr_assert_eq(vmlck_kb() - lck, 4 * 4);
	/* Unmapping one keeps the charge... */
	cr_assert_eq(unmap_range(ctx, a, 0x200000, 4 * PG, &out), 0);
	cr_assert_eq(unmap_all(ctx, a, &out), 0);
	cr_assert_eq(out, 4 * PG);
	cr_assert_eq(pinned() - base, 4);
	cr_assert_eq(vmlck_kb() - lck, 4 * 4);
	/* ...page by page: half of the last mapping gives half back. */
	cr_assert_eq(unmap_range(ctx, b, 0x100000, 2 * PG, &out), 0);
	cr_assert_eq(pinned() - base, 2);
	cr_assert_eq(vmlck_kb() - lck, 2 * 4);
	cr_assert_eq(unmap_all(ctx, b, &out), 0);
	cr_assert_eq(pinned(), base);
	cr_assert_eq(vmlck_kb(), lck);
	close(ctx);
}

Test(ioas_memlock, overlapping_mappings_charge_their_union)
{
	int c1 = ioasid_open(), c2 = ioasid_open();
	uint32_t a = ioas_new(c1), b = ioas_new(c2);
	uint8_t *mem = pbuf(8 * PG, 7);
	uint64_t base = pinned();
	long lck = vmlck_kb();

	/* Pages 0-3 in one context, 2-7 in another of the same process. */
	cr_assert_eq(map_at(c1, a, VA(mem), 4 * PG, 0x100000, RW), 0);
	cr_assert_eq(map_at(c2, b, VA(mem) + 2 * PG, 6 * PG, 0x100000, RO), 0);
	cr_assert_eq(pinned() - base, 8);
	cr_assert_eq(vmlck_kb() - lck, 8 * 4);
	close(c1);
	cr_assert_eq(pinned() - base, 6);
	cr_assert_eq(vmlck_kb() - lck, 6 * 4);
	close(c2);
	cr_assert_eq(pinned(), base);
	cr_assert_eq(vmlck_kb(), lck);
}

Test(ioas_memlock, munmap_after_map_keeps_the_old_pages_and_charges_new_ones)
{
	struct ioas_rig r = ioas_rig_up();
	uint32_t b = ioas_new(r.ctx);
	struct mock db = mock_new(0);
	uint8_t *mem = pbuf(4 * PG, 8), old[4 * PG], *again;
	uint64_t base = pinned(), out;
	long lck = vmlck_kb();

	cr_assert_eq(dev_bind(db.fd, r.ctx, NULL), 0);
	cr_assert_eq(dev_attach(db.fd, b), 0);
	memcpy(old, mem, sizeof(old));
	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 4 * PG, 0x100000, RW), 0);
	/* The same addresses, other memory. */
	cr_assert_eq(munmap(mem, 4 * PG), 0);
	again = mmap(mem, 4 * PG, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	cr_assert_eq(again, mem);
	memset(again, 0x5a, 4 * PG);
	cr_assert_eq(pinned() - base, 4);
	cr_assert_eq(map_at(r.ctx, b, VA(again), 4 * PG, 0x100000, RW), 0);
	cr_assert_eq(pinned() - base, 8);
	cr_assert_eq(vmlck_kb() - lck, 8 * 4);
	/* Each IOAS reaches the pages it mapped. */
	assert_reads(r.dev.fd, 0x100000, old, 4 * PG);
	assert_reads(db.fd, 0x100000, again, 4 * PG);
	cr_assert_eq(unmap_all(r.ctx, r.ioas, &out), 0);
	cr_assert_eq(pinned() - base, 4);
	cr_assert_eq(vmlck_kb() - lck, 4 * 4);
	close(db.fd);
	ioas_rig_down(&r);
	cr_assert_eq(pinned(), base);
	cr_assert_eq(vmlck_kb(), lck);
}

/*
 * The pages of a huge page are counted by runs of 64 while every mapping
 * takes them whole; a mapping, a copy or an unmap of a part splits a run
 * and the counts stay exact, page by page.
 */
Test(ioas_memlock, a_huge_page_shared_whole_and_in_parts_is_charged_per_page)
{
	struct ioas_rig r = ioas_rig_up();
	uint32_t b = ioas_new(r.ctx);
	struct mock db = mock_new(0);
	const uint64_t x = 0x40000000, y = 0x80000000;
	uint64_t base = pinned(), out, iova;
	long lck = vmlck_kb();
	uint8_t *mem = huge_page(9);

	cr_assert_eq(dev_bind(db.fd, r.ctx, NULL), 0);
	cr_assert_eq(dev_attach(db.fd, b), 0);
	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), MB2, x, RW), 0);
	cr_assert_eq(map_at(r.ctx, b, VA(mem), MB2, x, RW), 0);
	cr_assert_eq(pinned() - base, 512);
	cr_assert_eq(vmlck_kb() - lck, 512 * 4);
	/* A page of the first run, three pages across the next two. */
	cr_assert_eq(map_at(r.ctx, b, VA(mem) + 5 * PG, PG, y, RW), 0);
	iova = y + MB2;
	cr_assert_eq(copy_ioas(r.ctx, b, r.ioas, x + 63 * PG, 3 * PG, &iova,
			       IOASID_IOAS_MAP_FIXED_IOVA | RW), 0);
	cr_assert_eq(pinned() - base, 512);
	cr_assert_eq(vmlck_kb() - lck, 512 * 4);
	/* A page in the middle of a run that was whole, then all of b's. */
	cr_assert_eq(unmap_range(r.ctx, r.ioas, x + 200 * PG, PG, &out), 0);
	cr_assert_eq(out, PG);
	cr_assert_eq(pinned() - base, 512);
	cr_assert_eq(unmap_range(r.ctx, b, x, MB2, &out), 0);
	cr_assert_eq(out, MB2);
	cr_assert_eq(pinned() - base, 511);
	cr_assert_eq(vmlck_kb() - lck, 511 * 4);
	assert_reads(r.dev.fd, x + 199 * PG, mem + 199 * PG, PG);
	assert_reads(r.dev.fd, x + 201 * PG, mem + 201 * PG, PG);
	/* Left in b: the page and the copy, which outlive their source. */
	cr_assert_eq(unmap_all(r.ctx, r.ioas, &out), 0);
	cr_assert_eq(out, MB2 - PG);
	cr_assert_eq(pinned() - base, 4);
	cr_assert_eq(vmlck_kb() - lck, 4 * 4);
	assert_reads(db.fd, y, mem + 5 * PG, PG);
	assert_reads(db.fd, y + MB2, mem + 63 * PG, 3 * PG);
	cr_assert_eq(unmap_all(r.ctx, b, &out), 0);
	cr_assert_eq(out, 4 * PG);
	cr_assert_eq(pinned(), base);
	cr_assert_eq(vmlck_kb(), lck);
	close(db.fd);
	ioas_rig_down(&r);
	huge_page_put(mem);
}

/*
 * A forked child's memory is its own: the pages the parent pinned are
 * copied for it at fork, so what it maps is pinned and charged to it,
 * through a context of its own or the one it inherited, and its own
 * mappings of one page are charged once.  Exit status: 0, or the step.
 */
static int child_maps_its_own(int inherited, uint32_t ioas, uint8_t *mem)
{
	struct ioasid_ioas_map m = {
		.size = sizeof(m), .flags = FIXED | RW, .user_va = VA(mem),
		.length = 4 * PG,
	};
	struct ioasid_test t = { .size = sizeof(t), .op = IOASID_TEST_STATS };
	long lck0 = -1, lck = -1;
	uint64_t pinned0;
	char line[256];
	int ctx = open("/dev/ioasid", O_RDWR | O_CLOEXEC);
	struct ioasid_ioas_alloc a = { .size = sizeof(a) };
	FILE *f;

#define CHILD_VMLCK(v) do {								f = fopen("/proc/self/status", "r");					if (!f)										return 10;							while (fgets(line, sizeof(line), f))						if (sscanf(line, "VmLck: %ld kB", &(v)) == 1)					break;							fclose(f);							} while (0)
	CHILD_VMLCK(lck0);
	if (lck0 != 0)
		return 1;	/* the parent's charge is not inherited */
	if (ctx < 0 || ioctl(ctx, IOASID_IOAS_ALLOC, &a) ||
	    ioctl(ctx, IOASID_TEST, &t))
		return 2;
	pinned0 = t.stats.out_pinned_pages;
	m.ioas_id = a.out_ioas_id;
	m.iova = 0x100000;
	if (ioctl(ctx, IOASID_IOAS_MAP, &m))
		return 3;
	m.iova = 0x200000;
	if (ioctl(ctx, IOASID_IOAS_MAP, &m))
		return 4;
	/* Through the parent's context, into the parent's IOAS. */
	m.ioas_id = ioas;
	m.iova = 0x800000;
	if (ioctl(inherited, IOASID_IOAS_MAP, &m))
		return 5;
	CHILD_VMLCK(lck);
	if (lck != 4 * 4)
		return 6;
	if (ioctl(ctx, IOASID_TEST, &t) ||
	    t.stats.out_pinned_pages - pinned0 != 4)
		return 7;
#undef CHILD_VMLCK
	return 0;
}

Test(ioas_memlock, fork_and_exit_the_child_pins_and_pays_its_own_pages)
{
	int ctx = ioasid_open(), status;
	uint32_t ioas = ioas_new(ctx);
	uint8_t *mem = pbuf(4 * PG, 9);
	uint64_t base = pinned(), out;
	long lck = vmlck_kb();
	pid_t pid;

	cr_assert_eq(map_at(ctx, ioas, VA(mem), 4 * PG, 0x100000, RW), 0);
	cr_assert_eq(pinned() - base, 4);
	fflush(NULL);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid)
		_exit(child_maps_its_own(ctx, ioas, mem));
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "child died (status %#x)", status);
	cr_assert_eq(WEXITSTATUS(status), 0, "child failed at step %d",
		     WEXITSTATUS(status));
	/*
	 * The child's own context went with it; what it mapped through ours
	 * stays pinned (charged to the child's mm, not to us) until unmapped.
	 */
	cr_assert_eq(pinned() - base, 8);
	cr_assert_eq(vmlck_kb() - lck, 4 * 4);
	cr_assert_eq(unmap_range(ctx, ioas, 0x800000, 4 * PG, &out), 0);
	cr_assert_eq(out, 4 * PG);
	cr_assert_eq(pinned() - base, 4);
	cr_assert_eq(vmlck_kb() - lck, 4 * 4);
	close(ctx);
	cr_assert_eq(pinned(), base);
	cr_assert_eq(vmlck_kb(), lck);
}

Test(ioas_memlock, close_returns_the_counter_with_devices_attached)
{
	uint64_t base = pinned();
	struct ioasid_test_stats s0 = test_stats();
	struct ioas_rig r = ioas_rig_up();
	uint32_t second = ioas_new(r.ctx);
	uint8_t *mem = pbuf(24 * PG, 4);

	cr_assert_eq(map_at(r.ctx, r.ioas, VA(mem), 16 * PG, 0x100000, RW), 0);
	cr_assert_eq(map_at(r.ctx, second, VA(mem) + 16 * PG, 8 * PG, 0x100000,
			    RW), 0);
	cr_assert_eq(unmap_range(r.ctx, r.ioas, 0x100000 + 4 * PG, PG, NULL),
		     0);
	cr_assert_eq(pinned() - base, 23);
	/* The bound device holds the context: nothing goes yet. */
	close(r.ctx);
	cr_assert_eq(pinned() - base, 23);
	assert_reads(r.dev.fd, 0x100000, mem, 4 * PG);
	close(r.dev.fd);
	cr_assert_eq(pinned(), base);
	cr_assert_eq(test_stats().out_ioas, s0.out_ioas);
	cr_assert_eq(test_stats().out_contexts, s0.out_contexts);
	cr_assert_eq(test_stats().out_mock_devices, s0.out_mock_devices);
}

Test(ioas_memlock, vmlck_follows_map_and_unmap_in_4k_steps)
{
	int ctx = ioasid_open();
	uint32_t ioas = ioas_new(ctx);
	uint8_t *mem = pbuf(40 * PG, 5);
	long lck = vmlck_kb();
	uint64_t out, iova;

	cr_assert_eq(map_at(ctx, ioas, VA(mem), 40 * PG, 0x100000, RW), 0);
	cr_assert_eq(vmlck_kb() - lck, 40 * 4);
	cr_assert_eq(unmap_range(ctx, ioas, 0x100000 + 10 * PG, PG, &out), 0);
	cr_assert_eq(vmlck_kb() - lck, 39 * 4);
	/* A failed map (overlap) charges nothing. */
	cr_assert_eq(map_at(ctx, ioas, VA(mem), 2 * PG, 0x100000 + 20 * PG,
			    RW), -EEXIST);
	cr_assert_eq(vmlck_kb() - lck, 39 * 4);
	/* Pages charged already: a second mapping of them charges nothing. */
	cr_assert_eq(map_any(ctx, ioas, VA(mem), 3 * PG, RO, &iova), 0);
	cr_assert_eq(vmlck_kb() - lck, 39 * 4);
	cr_assert_eq(map_any(ctx, ioas, VA(mem) + 9 * PG, 2 * PG, RO, &iova),
		     0);
	cr_assert_eq(vmlck_kb() - lck, 40 * 4);
	cr_assert_eq(unmap_all(ctx, ioas, &out), 0);
	cr_assert_eq(out, 44 * PG);
	cr_assert_eq(vmlck_kb(), lck);
	close(ctx);
}

Test(ioas_memlock, many_contexts_at_once)
{
	enum { N = 64 };
	struct ioasid_test_stats s0 = test_stats(), s1;
	uint8_t *mem = pbuf(3 * N * PG, 6);
	int fds[N];

	for (int i = 0; i < N; i++) {
		uint32_t ioas, child;
		uint64_t iova;

		fds[i] = ioasid_open();
		ioas = ioas_new(fds[i]);
		child = ioas_new_nested(fds[i], ioas);
		cr_assert_eq(map_at(fds[i], ioas, VA(mem) + 3 * i * PG, PG,
				    0x100000, RW), 0, "context %d", i);
		cr_assert_eq(map_any(fds[i], ioas, VA(mem) + (3 * i + 1) * PG,
				     2 * PG, RO, &iova), 0, "context %d", i);
		cr_assert_eq(map_at(fds[i], child, iova, 2 * PG, 0x100000, RO),
			     0, "context %d", i);
	}
	s1 = test_stats();
	cr_assert_eq(s1.out_pinned_pages - s0.out_pinned_pages, 3 * N);
	cr_assert_eq(s1.out_ioas - s0.out_ioas, 2 * N);
	cr_assert_eq(s1.out_contexts - s0.out_contexts, N);
	/* Close every other one first, then the rest. */
	for (int i = 0; i < N; i += 2)
		close(fds[i]);
	s1 = test_stats();
	cr_assert_eq(s1.out_pinned_pages - s0.out_pinned_pages, 3 * N / 2);
	cr_assert_eq(s1.out_ioas - s0.out_ioas, N);
	for (int i = 1; i < N; i += 2)
		close(fds[i]);
	s1 = test_stats();
	cr_assert_eq(s1.out_pinned_pages, s0.out_pinned_pages);
	cr_assert_eq(s1.out_ioas, s0.out_ioas);
	cr_assert_eq(s1.out_contexts, s0.out_contexts);
}

/* --- RLIMIT_MEMLOCK, in a child without CAP_IPC_LOCK ---------------------- */

/*
 * The child cannot use Criterion's asserts: each check returns a distinct
 * exit status instead, 0 for success.
 */
#define LIMIT_PAGES	16	/* the child's RLIMIT_MEMLOCK above VmLck */

static long child_vmlck_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int64_t child_pinned(int ctx)
{
	struct ioasid_test t = { .size = sizeof(t), .op = IOASID_TEST_STATS };

	if (ioctl(ctx, IOASID_TEST, &t))
		return -1;
	return (int64_t)t.stats.out_pinned_pages;
}

/*
 * Drop CAP_IPC_LOCK everywhere and limit locked memory to LIMIT_PAGES
 * above what is locked now.  0, or an exit status.
 */
static int child_drop_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	const uint32_t bit = 1u << (CAP_IPC_LOCK % 32);
	const int word = CAP_IPC_LOCK / 32;
	long lck = child_vmlck_kb();
	struct rlimit rl;

	if (lck < 0)
		return 90;
	if (prctl(PR_CAPBSET_DROP, CAP_IPC_LOCK, 0, 0, 0))
		return 91;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0))
		return 92;
	if (syscall(SYS_capget, &hdr, data))
		return 93;
	data[word].effective &= ~bit;
	data[word].permitted &= ~bit;
	data[word].inheritable &= ~bit;
	if (syscall(SYS_capset, &hdr, data))
		return 94;
	/* Gone for good? */
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) ||
	    (data[word].effective | data[word].permitted) & bit ||
	    prctl(PR_CAPBSET_READ, CAP_IPC_LOCK, 0, 0, 0) != 0)
		return 95;
	rl.rlim_cur = rl.rlim_max = lck * 1024 + LIMIT_PAGES * PG;
	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		return 96;
	return 0;
}

static int child_open(void)
{
	return open("/dev/ioasid", O_RDWR | O_CLOEXEC);
}

static int child_ioas(int ctx, uint32_t flags, uint32_t parent, uint32_t *id)
{
	struct ioasid_ioas_alloc a = {
		.size = sizeof(a), .flags = flags, .parent_id = parent,
	};

	if (ioctl(ctx, IOASID_IOAS_ALLOC, &a))
		return -errno;
	*id = a.out_ioas_id;
	return 0;
}

static int child_map(int ctx, uint32_t ioas, uint64_t src, uint64_t npages,
		     uint64_t iova)
{
	struct ioasid_ioas_map m = {
		.size = sizeof(m), .flags = FIXED | RW, .ioas_id = ioas,
		.user_va = src, .length = npages * PG, .iova = iova,
	};

	return ioctl(ctx, IOASID_IOAS_MAP, &m) ? -errno : 0;
}

static int child_unmap(int ctx, uint32_t ioas, uint64_t iova, uint64_t npages)
{
	struct ioasid_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = ioas, .iova = iova,
		.length = npages * PG,
	};

	if (ioctl(ctx, IOASID_IOAS_UNMAP, &u))
		return -errno;
	return u.length == npages * PG ? 0 : -EIO;
}

/* Fork, run @fn in the child, expect exit status 0. */
static void in_limited_child(int (*fn)(uint8_t *mem))
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		uint8_t *mem = mmap(NULL, 64 * PG, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		int rc = mem == MAP_FAILED ? 97 : child_drop_ipc_lock();

		if (!rc) {
			memset(mem, 0x42, 64 * PG);
			rc = fn(mem);
		}
		_exit(rc);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "child died (status %#x)", status);
	cr_assert_eq(WEXITSTATUS(status), 0, "child failed at step %d",
		     WEXITSTATUS(status));
}

static int limit_exactly_then_enomem(uint8_t *mem)
{
	long lck = child_vmlck_kb();
	int ctx = child_open();
	int64_t before;
	uint32_t ioas = 0;

	if (ctx < 0 || child_ioas(ctx, 0, 0, &ioas))
		return 1;
	if (child_map(ctx, ioas, VA(mem), LIMIT_PAGES, 0x100000))
		return 2;
	if (child_vmlck_kb() - lck != LIMIT_PAGES * 4)
		return 3;
	before = child_pinned(ctx);
	if (before < 0)
		return 4;
	if (child_map(ctx, ioas, VA(mem) + LIMIT_PAGES * PG, 1, 0x800000) !=
	    -ENOMEM)
		return 5;
	if (child_pinned(ctx) != before)
		return 6;
	if (child_vmlck_kb() - lck != LIMIT_PAGES * 4)
		return 7;
	/* Nothing was mapped there. */
	if (child_unmap(ctx, ioas, 0x800000, 1) != -ENOENT)
		return 8;
	return 0;
}

Test(ioas_memlock, limit_maps_exactly_then_enomem_without_pinning)
{
	in_limited_child(limit_exactly_then_enomem);
}

static int oversized_map_fails_whole(uint8_t *mem)
{
	int ctx = child_open();
	long lck = child_vmlck_kb();
	int64_t before;
	uint32_t ioas = 0;

	if (ctx < 0 || child_ioas(ctx, 0, 0, &ioas))
		return 1;
	before = child_pinned(ctx);
	if (child_map(ctx, ioas, VA(mem), LIMIT_PAGES + 1, 0x100000) != -ENOMEM)
		return 2;
	if (child_pinned(ctx) != before || child_vmlck_kb() != lck)
		return 3;
	if (child_unmap(ctx, ioas, 0x100000, LIMIT_PAGES + 1) != -ENOENT)
		return 4;
	/* The failure left no charge behind: the full limit is there. */
	if (child_map(ctx, ioas, VA(mem), LIMIT_PAGES, 0x100000))
		return 5;
	if (child_pinned(ctx) - before != LIMIT_PAGES)
		return 6;
	return 0;
}

Test(ioas_memlock, one_map_over_the_limit_fails_whole)
{
	in_limited_child(oversized_map_fails_whole);
}

static int limit_spans_contexts(uint8_t *mem)
{
	int a = child_open(), b = child_open();
	uint32_t ia = 0, ib = 0;

	if (a < 0 || b < 0 || child_ioas(a, 0, 0, &ia) ||
	    child_ioas(b, 0, 0, &ib))
		return 1;
	if (child_map(a, ia, VA(mem), 10, 0x100000))
		return 2;
	if (child_map(b, ib, VA(mem) + 10 * PG, 6, 0x100000))
		return 3;
	if (child_map(b, ib, VA(mem) + 16 * PG, 1, 0x200000) != -ENOMEM)
		return 4;
	if (child_map(a, ia, VA(mem) + 16 * PG, 1, 0x200000) != -ENOMEM)
		return 5;
	/* Four pages back from a: exactly four more fit in b. */
	if (child_unmap(a, ia, 0x100000 + 6 * PG, 4))
		return 6;
	if (child_map(b, ib, VA(mem) + 16 * PG, 4, 0x200000))
		return 7;
	if (child_map(b, ib, VA(mem) + 20 * PG, 1, 0x300000) != -ENOMEM)
		return 8;
	return 0;
}

Test(ioas_memlock, limit_spans_every_context_and_unmap_gives_back)
{
	in_limited_child(limit_spans_contexts);
}

static int close_gives_back(uint8_t *mem)
{
	int ctx = child_open();
	long lck = child_vmlck_kb();
	uint32_t ioas = 0;

	if (ctx < 0 || child_ioas(ctx, 0, 0, &ioas))
		return 1;
	if (child_map(ctx, ioas, VA(mem), LIMIT_PAGES, 0x100000))
		return 2;
	close(ctx);
	if (child_vmlck_kb() != lck)
		return 3;
	ctx = child_open();
	if (ctx < 0 || child_ioas(ctx, 0, 0, &ioas))
		return 4;
	if (child_map(ctx, ioas, VA(mem) + LIMIT_PAGES * PG, LIMIT_PAGES,
		      0x100000))
		return 5;
	return 0;
}

Test(ioas_memlock, closing_the_context_gives_the_limit_back)
{
	in_limited_child(close_gives_back);
}

static int nested_is_free(uint8_t *mem)
{
	int ctx = child_open();
	uint32_t parent = 0, child = 0;
	int64_t before;
	long lck;

	if (ctx < 0 || child_ioas(ctx, 0, 0, &parent) ||
	    child_ioas(ctx, IOASID_IOAS_ALLOC_NESTED, parent, &child))
		return 1;
	if (child_map(ctx, parent, VA(mem), LIMIT_PAGES, 0x100000))
		return 2;
	before = child_pinned(ctx);
	lck = child_vmlck_kb();
	/* At the limit, nested maps of all of it still work, twice. */
	if (child_map(ctx, child, 0x100000, LIMIT_PAGES, 0x4000000))
		return 3;
	if (child_map(ctx, child, 0x100000, LIMIT_PAGES, 0x8000000))
		return 4;
	if (child_pinned(ctx) != before || child_vmlck_kb() != lck)
		return 5;
	/* And the parent is still at its limit. */
	if (child_map(ctx, parent, VA(mem) + LIMIT_PAGES * PG, 1, 0x900000) !=
	    -ENOMEM)
		return 6;
	return 0;
}

Test(ioas_memlock, nested_maps_are_not_charged)
{
	in_limited_child(nested_is_free);
}

static int shared_memory_is_charged_once(uint8_t *mem)
{
	long lck = child_vmlck_kb();
	int a = child_open(), b = child_open();
	uint32_t a1 = 0, a2 = 0, b1 = 0;

	if (a < 0 || b < 0 || child_ioas(a, 0, 0, &a1) ||
	    child_ioas(a, 0, 0, &a2) || child_ioas(b, 0, 0, &b1))
		return 1;
	/* The whole limit, three times over: one charge. */
	if (child_map(a, a1, VA(mem), LIMIT_PAGES, 0x100000))
		return 2;
	if (child_map(a, a2, VA(mem), LIMIT_PAGES, 0x100000))
		return 3;
	if (child_map(b, b1, VA(mem), LIMIT_PAGES, 0x100000))
		return 4;
	if (child_vmlck_kb() - lck != LIMIT_PAGES * 4)
		return 5;
	/* One page of other memory is one too many... */
	if (child_map(b, b1, VA(mem) + LIMIT_PAGES * PG, 1, 0x800000) !=
	    -ENOMEM)
		return 6;
	/* ...also when it comes with pages that are charged already. */
	if (child_map(a, a2, VA(mem) + PG, LIMIT_PAGES, 0x800000) != -ENOMEM)
		return 7;
	if (child_vmlck_kb() - lck != LIMIT_PAGES * 4)
		return 8;
	/* The last user of a page gives its charge back. */
	if (child_unmap(a, a1, 0x100000, 1) || child_unmap(a, a2, 0x100000, 1))
		return 9;
	if (child_vmlck_kb() - lck != LIMIT_PAGES * 4)
		return 10;
	if (child_unmap(b, b1, 0x100000, 1))
		return 11;
	if (child_vmlck_kb() - lck != (LIMIT_PAGES - 1) * 4)
		return 12;
	if (child_map(b, b1, VA(mem) + LIMIT_PAGES * PG, 1, 0x800000))
		return 13;
	return 0;
}

Test(ioas_memlock, memory_mapped_in_many_ioas_counts_once_against_the_limit)
{
	in_limited_child(shared_memory_is_charged_once);
}
