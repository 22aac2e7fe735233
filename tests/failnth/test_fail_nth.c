// SPDX-License-Identifier: GPL-2.0
/*
 * Failure injection sweep, in the spirit of iommufd_fail_nth: every ioctl
 * of the module is run again and again with its 1st, 2nd, ... N-th
 * injectable call failing (/proc/thread-self/fail-nth: kmalloc and page
 * allocations, copies from and to user space), until a run reaches no
 * injection point any more and so must succeed.  Each failed run must
 * return an errno its ioctl documents and leave the module exactly as it
 * was: nothing pinned or charged, no object, PASID or binding more.  The
 * kernel-log check and the kmemleak scan of run-in-guest.sh then catch a
 * WARN or a leak.
 *
 * Needs a kernel with FAULT_INJECTION, FAILSLAB, FAIL_PAGE_ALLOC and
 * FAULT_INJECTION_DEBUG_FS (make check-debug); the Debian kernel has none,
 * so make check does not run this suite.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../uapi/ioas_util.h"
#include "../uapi/pci.h"

/* More injection points than this in one ioctl: something is off. */
#define MAX_POINTS	2000

/* Injection points found per ioctl, printed at the end of each sweep. */
static void report(const char *what, unsigned int points)
{
	fprintf(stderr, "fail-nth: %-28s %4u injection points\n", what, points);
}

static void writefile(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0)
		return;		/* an attribute this kernel lacks */
	cr_assert_eq(write(fd, val, strlen(val)), (ssize_t)strlen(val),
		     "write %s", path);
	close(fd);
}

/*
 * The text of ACPICA, the ACPI interpreter: its internal functions (and
 * only they) are named acpi_{ds,ev,ex,hw,ns,ps,rs,tb,ut}_* and are linked
 * together from drivers/acpi/acpica/.  Boot-time ones sit far away in
 * .init.text and are left out.  0 if /proc/kallsyms hides addresses.
 */
static void acpica_text(unsigned long *start, unsigned long *end)
{
	static const char *const pfx[] = {
		"ds", "ev", "ex", "hw", "ns", "ps", "rs", "tb", "ut",
	};
	unsigned long lo = ~0UL, hi = 0, addr;
	char type, name[256], line[512];
	FILE *f = fopen("/proc/kallsyms", "r");

	*start = *end = 0;
	if (!f)
		return;
	/* First pass: the lowest address; second: the highest near it. */
	for (int pass = 0; pass < 2; pass++) {
		rewind(f);
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%lx %c %255s", &addr, &type, name) != 3 ||
			    !addr || (type != 't' && type != 'T') ||
			    strncmp(name, "acpi_", 5) || name[7] != '_')
				continue;
			for (size_t i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++) {
				if (strncmp(name + 5, pfx[i], 2))
					continue;
				if (!pass && addr < lo)
					lo = addr;
				if (pass && addr > hi && addr - lo < (16UL << 20))
					hi = addr;
			}
		}
	}
	fclose(f);
	if (hi > lo) {
		*start = lo;
		*end = hi + 0x10000;	/* past the last function's body */
	}
}

/*
 * Let every allocation (sleeping ones too) and every user copy be failed,
 * and keep the log quiet: the test looks for the kernel's own reports.
 *
 * Except inside ACPICA: binding a PCI device enables it, which evaluates
 * the ACPI _PRT method, and ACPICA does not survive an allocation failing
 * there (AE_NO_MEMORY, "Could not update object reference count", then a
 * KASAN use-after-free in acpi_ns_get_attached_object when the device is
 * disabled).  That is the kernel's bug, not the module's; the module still
 * sees pci_enable_device() fail through the injections around it.
 */
static void fault_injection_setup(void)
{
	unsigned long start, end;
	char val[32];
	static const char *const attrs[] = {
		"failslab", "fail_page_alloc", "fail_usercopy",
	};
	char path[128];

	cr_assert_eq(access("/sys/kernel/debug/failslab", F_OK), 0,
		     "no failslab: this suite needs the debug kernel");
	writefile("/sys/kernel/debug/failslab/ignore-gfp-wait", "N");
	writefile("/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N");
	writefile("/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N");
	/* IOASID_FAILNTH_VERBOSE=1: a stack trace of every failure made. */
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		snprintf(path, sizeof(path), "/sys/kernel/debug/%s/verbose",
			 attrs[i]);
		writefile(path, getenv("IOASID_FAILNTH_VERBOSE") ? "1" : "0");
	}
	acpica_text(&start, &end);
	cr_assert_neq(start, 0, "ACPICA's text not found in /proc/kallsyms");
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/sys/kernel/debug/%s/reject-start",
			 attrs[i]);
		snprintf(val, sizeof(val), "%#lx", start);
		writefile(path, val);
		snprintf(path, sizeof(path), "/sys/kernel/debug/%s/reject-end",
			 attrs[i]);
		snprintf(val, sizeof(val), "%#lx", end);
		writefile(path, val);
	}
}

struct nth {
	int fd;
	unsigned int n;
};

static void nth_open(struct nth *s)
{
	fault_injection_setup();
	s->fd = open("/proc/thread-self/fail-nth", O_RDWR);
	cr_assert(s->fd >= 0, "/proc/thread-self/fail-nth: %s",
		  strerror(errno));
	s->n = 0;
}

/* From now on, the n-th injectable call of this thread fails. */
static void nth_arm(struct nth *s)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", s->n);

	cr_assert_eq(pwrite(s->fd, buf, len, 0), len);
}

/* Disarm; true if the n-th call was reached (and failed). */
static bool nth_fired(struct nth *s)
{
	char buf[16] = "";
	ssize_t rc;

	rc = pread(s->fd, buf, sizeof(buf) - 1, 0);
	/* Reading can itself be the injected failure (a copy to user). */
	if (rc < 0 && errno == EFAULT)
		strcpy(buf, "0\n");
	else
		cr_assert_gt(rc, 0, "read fail-nth: %s", strerror(errno));
	if (pwrite(s->fd, "0", 1, 0) != 1)
		cr_assert_eq(pwrite(s->fd, "0", 1, 0), 1);
	return !strcmp(buf, "0\n");
}

/* What must be true of the module after every run, and after teardown. */
struct snap {
	struct ioasid_test_stats st;
	long vmlck;
};

static struct snap snap(void)
{
	return (struct snap){ .st = test_stats(), .vmlck = vmlck_kb() };
}

static void assert_same(const struct snap *a, const struct snap *b,
			const char *what, unsigned int n)
{
	cr_assert_eq(a->st.out_pinned_pages, b->st.out_pinned_pages,
		     "%s, failure %u: pinned pages %llu -> %llu", what, n,
		     (unsigned long long)a->st.out_pinned_pages,
		     (unsigned long long)b->st.out_pinned_pages);
	cr_assert_eq(a->st.out_ioas, b->st.out_ioas,
		     "%s, failure %u: IOAS %u -> %u", what, n, a->st.out_ioas,
		     b->st.out_ioas);
	cr_assert_eq(a->st.out_pasids, b->st.out_pasids,
		     "%s, failure %u: PASIDs %u -> %u", what, n,
		     a->st.out_pasids, b->st.out_pasids);
	cr_assert_eq(a->st.out_contexts, b->st.out_contexts,
		     "%s, failure %u: contexts %u -> %u", what, n,
		     a->st.out_contexts, b->st.out_contexts);
	cr_assert_eq(a->st.out_mock_devices, b->st.out_mock_devices,
		     "%s, failure %u: mock devices %u -> %u", what, n,
		     a->st.out_mock_devices, b->st.out_mock_devices);
	cr_assert_eq(a->vmlck, b->vmlck, "%s, failure %u: VmLck %ld -> %ld kB",
		     what, n, a->vmlck, b->vmlck);
}

/*
 * A sweep: @setup builds the state (never under injection), @op is the
 * operation swept, returning 0 or -errno and leaving the state as it was
 * when it fails; @teardown undoes everything.  @allowed lists the errnos
 * @op may fail with (0-terminated): those its kernel-doc gives for an
 * allocation or a user copy failing.
 */
struct sweep {
	const char *name;
	void (*setup)(void *state);
	int (*op)(void *state);
	void (*teardown)(void *state);
	int allowed[6];
};

static bool allowed(const struct sweep *sw, int rc)
{
	for (int i = 0; sw->allowed[i]; i++)
		if (rc == -sw->allowed[i])
			return true;
	return false;
}

static void run_sweep(const struct sweep *sw, void *state)
{
	struct snap base = snap(), before, after;
	struct nth nth;
	bool fired;
	int rc;

	nth_open(&nth);
	for (nth.n = 1; nth.n <= MAX_POINTS; nth.n++) {
		sw->setup(state);
		before = snap();
		nth_arm(&nth);
		rc = sw->op(state);
		fired = nth_fired(&nth);
		if (!fired) {
			/* No injection point left: the real thing. */
			cr_assert_eq(rc, 0, "%s: %d with no failure injected",
				     sw->name, rc);
			sw->teardown(state);
			break;
		}
		if (rc) {
			cr_assert(allowed(sw, rc),
				  "%s, failure %u: undocumented errno %d",
				  sw->name, nth.n, rc);
			after = snap();
			assert_same(&before, &after, sw->name, nth.n);
		}
		sw->teardown(state);
		after = snap();
		assert_same(&base, &after, sw->name, nth.n);
	}
	cr_assert_leq(nth.n, MAX_POINTS, "%s: no end to injection points",
		      sw->name);
	report(sw->name, nth.n - 1);
	close(nth.fd);
}

/* --- state shared by the sweeps ----------------------------------------- */

#define BUF_PAGES	64

struct st {
	int ctx;
	uint32_t ioas, child, ioas2;
	struct mock dev, dev2;
	uint8_t *buf;
	uint8_t *huge;		/* a 2 MiB hugetlb page, or NULL */
	uint32_t pasid;
	int test_fd;		/* a context for IOASID_TEST, outside the op */
};

static uint8_t *populated(size_t pages)
{
	uint8_t *p = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	cr_assert_neq(p, MAP_FAILED);
	memset(p, 0x5a, pages * PG);
	return p;
}

static void st_init(struct st *s)
{
	memset(s, 0, sizeof(*s));
	s->ctx = -1;
	s->dev.fd = -1;
	s->dev2.fd = -1;
	s->buf = populated(BUF_PAGES);
}

static void close_all(struct st *s)
{
	if (s->dev2.fd >= 0)
		close(s->dev2.fd);
	if (s->dev.fd >= 0)
		close(s->dev.fd);
	if (s->ctx >= 0)
		close(s->ctx);
	s->ctx = s->dev.fd = s->dev2.fd = -1;
	s->ioas = s->child = s->ioas2 = s->pasid = 0;
}

/* A context with an IOAS that a mock device attached to feeds. */
static void setup_attached(void *arg)
{
	struct st *s = arg;

	s->ctx = ioasid_open();
	s->ioas = ioas_new(s->ctx);
	s->dev = mock_new(IOASID_MOCK_PASID);
	cr_assert_eq(dev_bind(s->dev.fd, s->ctx, NULL), 0);
	cr_assert_eq(dev_attach(s->dev.fd, s->ioas), 0);
}

static void teardown(void *arg)
{
	close_all(arg);
}

/* --- the sweeps --------------------------------------------------------- */

static void setup_none(void *arg)
{
	(void)arg;
}

static int op_open_ctx(void *arg)
{
	struct st *s = arg;

	s->ctx = open("/dev/ioasid", O_RDWR | O_CLOEXEC);
	return s->ctx < 0 ? -errno : 0;
}

Test(fail_nth, open)
{
	struct st s;
	struct sweep sw = {
		"open /dev/ioasid", setup_none, op_open_ctx, teardown,
		/* EFAULT: the VFS copying the path in, before the module */
		{ ENOMEM, EFAULT },
	};

	st_init(&s);
	run_sweep(&sw, &s);
}

static void setup_ctx(void *arg)
{
	struct st *s = arg;

	s->ctx = ioasid_open();
}

static int op_ioas_alloc(void *arg)
{
	struct st *s = arg;

	return ioas_alloc_raw(s->ctx, 0, 0, &s->ioas);
}

Test(fail_nth, ioas_alloc)
{
	struct st s;
	struct sweep sw = {
		"IOAS_ALLOC", setup_ctx, op_ioas_alloc, teardown,
		{ ENOMEM, EFAULT },
	};

	st_init(&s);
	run_sweep(&sw, &s);
}

static void setup_parent(void *arg)
{
	struct st *s = arg;

	s->ctx = ioasid_open();
	s->ioas = ioas_new(s->ctx);
	cr_assert_eq(map_at(s->ctx, s->ioas, VA(s->buf), BUF_PAGES * PG,
			    0x100000, RW), 0);
}

static int op_ioas_alloc_nested(void *arg)
{
	struct st *s = arg;

	return ioas_alloc_raw(s->ctx, IOASID_IOAS_ALLOC_NESTED, s->ioas,
			      &s->child);
}

Test(fail_nth, ioas_alloc_nested)
{
	struct st s;
	struct sweep sw = {
		"IOAS_ALLOC nested", setup_parent, op_ioas_alloc_nested,
		teardown, { ENOMEM, EFAULT },
	};

	st_init(&s);
	run_sweep(&sw, &s);
}

static int op_map_fixed(void *arg)
{
	struct st *s = arg;

	return map_at(s->ctx, s->ioas, VA(s->buf), BUF_PAGES * PG, 0x200000,
		      RW);
}

Test(fail_nth, map_fixed_into_a_domain)
{
	struct st s;
	struct sweep sw = {
		"IOAS_MAP fixed, mock domain", setup_attached, op_map_fixed,
		teardown, { ENOMEM, EFAULT },
	};

	st_init(&s);
	run_sweep(&sw, &s);
}

static int op_map_any(void *arg)
{
	struct st *s = arg;
	uint64_t iova;

	return map_any(s->ctx, s->ioas, VA(s->buf), BUF_PAGES * PG, RW, &iova);
}

Test(fail_nth, map_kernel_chosen_iova)
{
	struct st s;
	struct sweep sw = {
		"IOAS_MAP any IOVA", setup_attached, op_map_any, teardown,
		{ ENOMEM, EFAULT },
	};

	st_init(&s);
	run_sweep(&sw, &s);
}

/* A parent mapped, a nested child on it fed to a device's domain. */
static void setup_nested_attached(void *arg)
{
	struct st *s = arg;

	setup_parent(s);
	s->child = ioas_new_nested(s->ctx, s->ioas);
	s->dev = mock_new(0);
	cr_assert_eq(dev_bind(s->dev.fd, s->ctx, NULL), 0);
	cr_assert_eq(dev_attach(s->dev.fd, s->child), 0);
}

static int op_map_nested(void *arg)
{
	struct st *s = arg;
	struct ioasid_ioas_map m = {
		.size = sizeof(m), .flags = FIXED | RW, .ioas_id = s->child,
		.parent_iova = 0x100000, .length = BUF_PAGES * PG,
		.iova = 0x4000000,
	};

	return ioc(s->ctx, IOASID_IOAS_MAP, &m);
}

Test(fail_nth, map_nested)
{
	struct st s;
	struct sweep sw = {
		"IOAS_MAP nested", setup_nested_attached, op_map_nested,
		teardown, { ENOMEM, EFAULT },
	};

	st_init(&s);
	run_sweep(&sw, &s);
}

/* A mapping in a mock domain, and one nested over it, to cut. */
static void setup_mapped(void *arg)
{
	struct st *s = arg;

	setup_nested_attached(s);
	cr_assert_eq(op_map_nested(s), 0);
	s->dev2 = mock_new(0);
	cr_assert_eq(dev_bind(s->dev2.fd, s->ctx, NULL), 0);
	cr_assert_eq(dev_attach(s->dev2.fd, s->ioas), 0);
}

static int op_unmap_cut(void *arg)
{
	struct st *s = arg;
	uint64_t done = 0;
	int rc;

	/* A hole in the middle of the parent's mapping: two cuts. */
	rc = unmap_range(s->ctx, s->ioas, 0x100000 + 8 * PG, 4 * PG, &done);
	if (!rc)
		cr_assert_eq(done, 4 * PG);
	return rc;
}

static void teardown_unmap(void *arg)
{
	struct st *s = arg;

	/* Failed or not, the rest of the parent's mapping is still there. */
	assert_reads(s->dev2.fd, 0x100000, s->buf, PG);
	close_all(s);
}

Test(fail_nth, unmap_cutting_a_mapping)
{
	struct st s;
	struct sweep sw = {
		"IOAS_UNMAP cut", setup_mapped, op_unmap_cut, teardown_unmap,
		{ ENOMEM, EFAULT },
	};

	st_init(&s);
	run_sweep(&sw, &s);
}

static int op_iova_ranges(void *arg)
{
	struct st *s = arg;
	struct ioasid_iova_range r[4];
	uint32_t num = 4;

	return iova_ranges(s->ctx, s->ioas, &num, r, NULL);
}

Test(fail_nth, iova_ranges)
{
	struct st s;
	struct sweep sw = {
		"IOAS_IOVA_RANGES", setup_attached, op_iova_ranges, teardown,
		{ ENOMEM, EFAULT },
	};

	st_init(&s);
	run_sweep(&sw, &s);
}

static int op_pasid_alloc(void *arg)
{
	struct st *s = arg;

	return pasid_alloc(s->ctx, 0, 0, &s->pasid);
}

Test(fail_nth, pasid_alloc)
{
	struct st s;
	struct sweep sw = {
		"PASID_ALLOC", setup_ctx, op_pasid_alloc, teardown,
		{ ENOMEM, EFAULT },
	};

	st_init(&s);
	run_sweep(&sw, &s);
}

static void setup_mock(void *arg)
{
	struct st *s = arg;

	s->ctx = ioasid_open();
	s->ioas = ioas_new(s->ctx);
	cr_assert_eq(map_at(s->ctx, s->ioas, VA(s->buf), BUF_PAGES * PG,
			    0x100000, RW), 0);
	s->dev = mock_new(IOASID_MOCK_PASID);
}

static int op_bind(void *arg)
{
	struct st *s = arg;

	return dev_bind(s->dev.fd, s->ctx, NULL);
}

static void teardown_bind(void *arg)
{
	struct st *s = arg;
	uint32_t flags = dev_info(s->dev.fd).out_flags;

	/* A failed bind left the device free for another context. */
	if (!(flags & IOASID_DEVICE_INFO_BOUND)) {
		int other = ioasid_open();

		cr_assert_eq(dev_bind(s->dev.fd, other, NULL), 0);
		cr_assert_eq(dev_unbind(s->dev.fd), 0);
		close(other);
	}
	close_all(s);
}

Test(fail_nth, device_bind)
{
	struct st s;
	struct sweep sw = {
		"DEVICE_BIND", setup_mock, op_bind, teardown_bind,
		{ ENOMEM, EFAULT },
	};

	st_init(&s);
	run_sweep(&sw, &s);
}

static void setup_bound(void *arg)
{
	struct st *s = arg;

	setup_mock(s);
	cr_assert_eq(dev_bind(s->dev.fd, s->ctx, NULL), 0);
	cr_assert_eq(pasid_alloc(s->ctx, 0, 0, &s->pasid), 0);
}

static int op_attach(void *arg)
{
	struct st *s = arg;

	return dev_attach(s->dev.fd, s->ioas);
}

static void teardown_attach(void *arg)
{
	struct st *s = arg;
	uint8_t out[16];

	/* Attached: the mapping reaches the device; else nothing does. */
	if (dev_info(s->dev.fd).out_flags & IOASID_DEVICE_INFO_ATTACHED)
		assert_reads(s->dev.fd, 0x100000, s->buf, PG);
	else
		cr_assert_eq(dma_rd(s->dev.fd, 0x100000, out, sizeof(out),
				    NULL, NULL), IOASID_MOCK_FAULT_DETACHED);
	close_all(s);
}

Test(fail_nth, device_attach)
{
	struct st s;
	struct sweep sw = {
		"DEVICE_ATTACH", setup_bound, op_attach, teardown_attach,
		{ ENOMEM, EFAULT },
	};

	st_init(&s);
	run_sweep(&sw, &s);
}

static int op_attach_pasid(void *arg)
{
	struct st *s = arg;

	return dev_attach_pasid(s->dev.fd, s->ioas, s->pasid);
}

Test(fail_nth, device_attach_pasid)
{
	struct st s;
	struct sweep sw = {
		"DEVICE_ATTACH pasid", setup_bound, op_attach_pasid, teardown,
		{ ENOMEM, EFAULT },
	};

	st_init(&s);
	run_sweep(&sw, &s);
}

static void setup_shared_group(void *arg)
{
	struct st *s = arg;

	setup_bound(s);
	s->dev2 = mock_join(s->dev.group_id, 0);
	cr_assert_eq(dev_bind(s->dev2.fd, s->ctx, NULL), 0);
	cr_assert_eq(dev_attach(s->dev2.fd, s->ioas), 0);
}

Test(fail_nth, device_attach_to_a_shared_group)
{
	struct st s;
	struct sweep sw = {
		"DEVICE_ATTACH shared group", setup_shared_group, op_attach,
		teardown_attach, { ENOMEM, EFAULT },
	};

	st_init(&s);
	run_sweep(&sw, &s);
}

/* Attached to an IOAS mapping the buffer at 0x100000. */
static void setup_attached_mapped(void *arg)
{
	struct st *s = arg;

	setup_bound(s);
	cr_assert_eq(dev_attach(s->dev.fd, s->ioas), 0);
}

static int op_detach(void *arg)
{
	struct st *s = arg;

	return dev_detach(s->dev.fd);
}

Test(fail_nth, device_detach)
{
	struct st s;
	struct sweep sw = {
		"DEVICE_DETACH", setup_attached_mapped, op_detach,
		teardown_attach,
		{ ENOMEM, EFAULT },
	};

	st_init(&s);
	run_sweep(&sw, &s);
}

static int op_unbind(void *arg)
{
	struct st *s = arg;

	return dev_unbind(s->dev.fd);
}

Test(fail_nth, device_unbind)
{
	struct st s;
	struct sweep sw = {
		"DEVICE_UNBIND", setup_attached, op_unbind, teardown,
		{ ENOMEM, EFAULT },
	};

	st_init(&s);
	run_sweep(&sw, &s);
}

static int op_mock_create(void *arg)
{
	struct st *s = arg;
	struct ioasid_test t = {
		.size = sizeof(t), .op = IOASID_TEST_MOCK_DEVICE_CREATE,
		.mock_create.flags = IOASID_MOCK_NEW_GROUP | IOASID_MOCK_PASID,
	};
	int rc = ioc(s->ctx, IOASID_TEST, &t);

	if (!rc)
		s->dev.fd = t.mock_create.out_fd;
	return rc;
}

Test(fail_nth, mock_device_create)
{
	struct st s;
	struct sweep sw = {
		"TEST_MOCK_DEVICE_CREATE", setup_ctx, op_mock_create, teardown,
		{ ENOMEM, EFAULT, EMFILE },
	};

	st_init(&s);
	run_sweep(&sw, &s);
}

/* Close of everything at once: cannot fail, must not leak. */
static int op_close_all(void *arg)
{
	close_all(arg);
	return 0;
}

Test(fail_nth, close_with_everything_live)
{
	struct st s;
	struct sweep sw = {
		"close, all live", setup_mapped, op_close_all, teardown, { 0 },
	};

	st_init(&s);
	run_sweep(&sw, &s);
}

/* --- pins shared by two IOAS of one process ---------------------------- */

/*
 * Two IOAS, each fed to a mock device: @mem (@len bytes) mapped at
 * 0x100000 in the first, the second empty.
 */
static void setup_two(struct st *s, uint8_t *mem, uint64_t len)
{
	setup_attached(s);
	cr_assert_eq(map_at(s->ctx, s->ioas, VA(mem), len, 0x100000, RW), 0);
	s->ioas2 = ioas_new(s->ctx);
	s->dev2 = mock_new(0);
	cr_assert_eq(dev_bind(s->dev2.fd, s->ctx, NULL), 0);
	cr_assert_eq(dev_attach(s->dev2.fd, s->ioas2), 0);
}

static void setup_two_small(void *arg)
{
	struct st *s = arg;

	setup_two(s, s->buf, BUF_PAGES * PG);
}

/* The huge page is counted by chunks of 64 PFNs in the first IOAS. */
static void setup_two_huge(void *arg)
{
	struct st *s = arg;

	setup_two(s, s->huge, MB2);
}

/* Failed or not, the first IOAS's mapping and its pins are untouched. */
static void teardown_two(void *arg)
{
	struct st *s = arg;

	if (s->huge) {
		assert_reads(s->dev.fd, 0x100000 + 10 * PG, s->huge + 10 * PG,
			     PG);
		assert_reads(s->dev.fd, 0x100000 + 100 * PG,
			     s->huge + 100 * PG, PG);
	} else {
		assert_reads(s->dev.fd, 0x100000, s->buf, PG);
	}
	close_all(s);
}

static void st_init_huge(struct st *s)
{
	st_init(s);
	s->huge = huge_page(7);
}

static void st_fini(struct st *s)
{
	if (s->huge)
		huge_page_put(s->huge);
	munmap(s->buf, BUF_PAGES * PG);
}

/* Pages the first IOAS pinned already: the new pins are dropped. */
static int op_map_shared(void *arg)
{
	struct st *s = arg;

	return map_at(s->ctx, s->ioas2, VA(s->buf), BUF_PAGES * PG, 0x200000,
		      RW);
}

Test(fail_nth, map_pages_another_ioas_pinned)
{
	struct st s;
	struct sweep sw = {
		"IOAS_MAP, pages shared", setup_two_small, op_map_shared,
		teardown_two, { ENOMEM, EFAULT },
	};

	st_init(&s);
	run_sweep(&sw, &s);
	st_fini(&s);
}

/* Pages 10..109 of the huge page: two chunks split into pages. */
static int op_map_part_of_huge(void *arg)
{
	struct st *s = arg;

	return map_at(s->ctx, s->ioas2, VA(s->huge) + 10 * PG, 100 * PG,
		      0x200000, RW);
}

Test(fail_nth, map_part_of_a_huge_page_another_ioas_pinned)
{
	struct st s;
	struct sweep sw = {
		"IOAS_MAP, part of a chunk", setup_two_huge,
		op_map_part_of_huge, teardown_two, { ENOMEM, EFAULT },
	};

	st_init_huge(&s);
	run_sweep(&sw, &s);
	st_fini(&s);
}

static int op_copy(void *arg)
{
	struct st *s = arg;
	uint64_t iova = 0x200000;

	return copy_ioas(s->ctx, s->ioas2, s->ioas, 0x100000, BUF_PAGES * PG,
			 &iova, FIXED | RW);
}

Test(fail_nth, ioas_copy)
{
	struct st s;
	struct sweep sw = {
		"IOAS_COPY", setup_two_small, op_copy, teardown_two,
		{ ENOMEM, EFAULT },
	};

	st_init(&s);
	run_sweep(&sw, &s);
	st_fini(&s);
}

static int op_copy_part_of_huge(void *arg)
{
	struct st *s = arg;
	uint64_t iova = 0x200000;

	return copy_ioas(s->ctx, s->ioas2, s->ioas, 0x100000 + 10 * PG,
			 100 * PG, &iova, FIXED | RW);
}

Test(fail_nth, ioas_copy_part_of_a_huge_page)
{
	struct st s;
	struct sweep sw = {
		"IOAS_COPY, part of a chunk", setup_two_huge,
		op_copy_part_of_huge, teardown_two, { ENOMEM, EFAULT },
	};

	st_init_huge(&s);
	run_sweep(&sw, &s);
	st_fini(&s);
}

/*
 * A hole in a chunk counted whole: the split into pages cannot fail (it
 * has no caller to fail), cutting the area can.
 */
static int op_unmap_in_huge(void *arg)
{
	struct st *s = arg;
	uint64_t done = 0;
	int rc;

	rc = unmap_range(s->ctx, s->ioas, 0x100000 + 20 * PG, 4 * PG, &done);
	if (!rc)
		cr_assert_eq(done, 4 * PG);
	return rc;
}

Test(fail_nth, unmap_cutting_a_huge_page)
{
	struct st s;
	struct sweep sw = {
		"IOAS_UNMAP cut, in a chunk", setup_two_huge, op_unmap_in_huge,
		teardown_two, { ENOMEM, EFAULT },
	};

	st_init_huge(&s);
	run_sweep(&sw, &s);
	st_fini(&s);
}

/* --- a real IOMMU domain: an edu behind the Intel IOMMU ----------------- */

static void setup_edu(void *arg)
{
	struct st *s = arg;
	struct edu e = edu_singleton(0);

	s->ctx = ioasid_open();
	s->ioas = ioas_new(s->ctx);
	s->dev.fd = edu_open(e.bdf);
	cr_assert_eq(dev_bind(s->dev.fd, s->ctx, NULL), 0);
	cr_assert_eq(dev_attach(s->dev.fd, s->ioas), 0);
}

Test(fail_nth, map_into_an_intel_iommu_domain)
{
	struct st s;
	struct sweep sw = {
		"IOAS_MAP, Intel IOMMU domain", setup_edu, op_map_fixed,
		teardown, { ENOMEM, EFAULT },
	};

	st_init(&s);
	run_sweep(&sw, &s);
}

static void setup_edu_bound(void *arg)
{
	struct st *s = arg;
	struct edu e = edu_singleton(0);

	s->ctx = ioasid_open();
	s->ioas = ioas_new(s->ctx);
	cr_assert_eq(map_at(s->ctx, s->ioas, VA(s->buf), BUF_PAGES * PG,
			    0x100000, RW), 0);
	s->dev.fd = edu_open(e.bdf);
	cr_assert_eq(dev_bind(s->dev.fd, s->ctx, NULL), 0);
}

Test(fail_nth, attach_to_an_intel_iommu_domain)
{
	struct st s;
	struct sweep sw = {
		"DEVICE_ATTACH, Intel IOMMU", setup_edu_bound, op_attach,
		teardown, { ENOMEM, EFAULT },
	};

	st_init(&s);
	run_sweep(&sw, &s);
}
