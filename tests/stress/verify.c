// SPDX-License-Identifier: GPL-2.0
/*
 * Verified sequences: objects nobody else can reach (the verifier is a
 * process of its own, forked before the worker's chaos threads start, so
 * no stale fd number of theirs can land on its fds), whose every result is
 * known: exact errnos, exact bytes through mock DMA (paging, nested,
 * partial unmaps, kernel-chosen IOVAs, PASIDs, two-device groups in either
 * detach order), DMA racing map/unmap under a discipline that keeps the
 * bytes knowable, fork with pinned memory, and replies into read-only
 * structs that must leave nothing behind.  They still race every other
 * process on the module's global state (PASID space, groups, page-table
 * failure injection: -ENOMEM aborts a sequence).
 */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stress.h"

/* Far above the pool's numbers (see the header comment). */
#define HIGH_FD	600

static int hide(int fd)
{
	int n;

	if (fd < 0)
		return fd;
	n = fcntl(fd, F_DUPFD_CLOEXEC, HIGH_FD);
	close(fd);
	return n;
}

/* --- checking ------------------------------------------------------------ */

struct vctx {
	struct thr *t;
	const char *seq;
	bool aborted;		/* -ENOMEM of failure injection, edu yanked */
	bool failed;
};

/*
 * @rc must be @want.  -ENOMEM where success was expected aborts the
 * sequence (another process armed page-table failures); anything else is
 * a violation, and the errno is classified as any other.
 */
static bool expect_(struct vctx *v, enum kind k, int rc, int want, int line)
{
	if (v->aborted || v->failed)
		return false;
	if (rc != want && rc == -ENOMEM && want == 0) {
		note(v->t, k, rc, false);
		v->aborted = true;
		return false;
	}
	if (note(v->t, k, rc, false) == 2 && rc != want) {
		v->failed = true;
		return false;
	}
	if (rc == want)
		return true;
	bad(v->t, K_VERIFY, "%s: %s returned %s, expected %s (verify.c:%d)",
	    v->seq, kind_name(k), rc ? errname(-rc) : "success",
	    want ? errname(-want) : "success", line);
	v->failed = true;
	return false;
}
#define expect(v, k, rc, want) expect_(v, k, rc, want, __LINE__)

static bool check_(struct vctx *v, bool ok, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static bool check_(struct vctx *v, bool ok, int line, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	if (v->aborted || v->failed)
		return false;
	if (ok)
		return true;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	bad(v->t, K_VERIFY, "%s: %s (verify.c:%d)", v->seq, what, line);
	v->failed = true;
	return false;
}
#define check(v, ok, ...) check_(v, ok, __LINE__, __VA_ARGS__)

static void done(struct vctx *v)
{
	if (v->failed)
		return;
	if (v->aborted)
		atomic_fetch_add(&sh->err[K_VERIFY], 1);
	else
		atomic_fetch_add(&sh->ok[K_VERIFY], 1);
}

/* --- wrappers: 0 or -errno, no hostile placement ------------------------- */

static int ioc(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

static int v_open(struct vctx *v)
{
	int fd = open("/dev/ioasid", O_RDWR | O_CLOEXEC);

	tlog(v->t, "%s: open(/dev/ioasid)", v->seq);
	if (!expect(v, K_OPEN_CTX, fd < 0 ? -errno : 0, 0))
		return -1;
	return hide(fd);
}

static int v_ioas(struct vctx *v, int ctx, uint32_t parent, uint32_t *id)
{
	struct ioasid_ioas_alloc a = {
		.size = sizeof(a), .parent_id = parent,
		.flags = parent ? IOASID_IOAS_ALLOC_NESTED : 0,
	};
	int rc;

	tlog(v->t, "%s: IOAS_ALLOC fd %d parent %u", v->seq, ctx, parent);
	rc = ioc(ctx, IOASID_IOAS_ALLOC, &a);
	*id = rc ? 0 : a.out_ioas_id;
	return rc;
}

static int v_mock(struct vctx *v, uint32_t flags, uint32_t group,
		  uint64_t resv, uint64_t resv_len, uint32_t *out_group)
{
	struct ioasid_test t = { .op = IOASID_TEST_MOCK_DEVICE_CREATE };
	int rc;

	t.mock_create.flags = flags;
	t.mock_create.group_id = group;
	t.mock_create.resv_start = resv;
	t.mock_create.resv_length = resv_len;
	tlog(v->t, "%s: MOCK_DEVICE_CREATE flags %#x group %#x resv %#llx+%#llx",
	     v->seq, flags, group, (unsigned long long)resv,
	     (unsigned long long)resv_len);
	rc = test_op(v->t->p->test_fd, &t);
	if (!expect(v, K_MOCK_CREATE, rc, 0))
		return -1;
	if (out_group)
		*out_group = t.mock_create.out_group_id;
	return hide(t.mock_create.out_fd);
}

static int v_map(struct vctx *v, int ctx, uint32_t ioas, uint64_t src,
		 uint64_t len, uint64_t *iova, uint32_t flags)
{
	struct ioasid_ioas_map m = {
		.size = sizeof(m), .flags = flags, .ioas_id = ioas,
		.user_va = src, .length = len, .iova = *iova,
	};
	int rc;

	tlog(v->t, "%s: MAP fd %d ioas %u flags %#x src %#llx len %#llx iova %#llx",
	     v->seq, ctx, ioas, flags, (unsigned long long)src,
	     (unsigned long long)len, (unsigned long long)*iova);
	rc = ioc(ctx, IOASID_IOAS_MAP, &m);
	if (!rc)
		*iova = m.iova;
	return rc;
}

static int v_unmap(struct vctx *v, int ctx, uint32_t ioas, uint64_t iova,
		   uint64_t len, uint64_t *out)
{
	struct ioasid_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = ioas, .iova = iova, .length = len,
		.flags = len ? 0 : IOASID_IOAS_UNMAP_ALL,
	};
	int rc;

	tlog(v->t, "%s: UNMAP fd %d ioas %u iova %#llx len %#llx%s", v->seq,
	     ctx, ioas, (unsigned long long)iova, (unsigned long long)len,
	     len ? "" : " (ALL)");
	rc = ioc(ctx, IOASID_IOAS_UNMAP, &u);
	if (out)
		*out = rc ? ~0ull : u.length;
	return rc;
}

static int v_destroy(struct vctx *v, int ctx, uint32_t id)
{
	struct ioasid_destroy d = { .size = sizeof(d), .id = id };

	tlog(v->t, "%s: DESTROY fd %d id %u", v->seq, ctx, id);
	return ioc(ctx, IOASID_DESTROY, &d);
}

static int v_bind(struct vctx *v, int dev, int ctx, uint32_t *dev_id)
{
	struct ioasid_device_bind b = { .size = sizeof(b), .ioasid_fd = ctx };
	int rc;

	tlog(v->t, "%s: BIND dev fd %d ctx fd %d", v->seq, dev, ctx);
	rc = ioc(dev, IOASID_DEVICE_BIND, &b);
	if (dev_id)
		*dev_id = rc ? 0 : b.out_dev_id;
	return rc;
}

static int v_unbind(struct vctx *v, int dev)
{
	struct ioasid_device_unbind u = { .size = sizeof(u) };

	tlog(v->t, "%s: UNBIND dev fd %d", v->seq, dev);
	return ioc(dev, IOASID_DEVICE_UNBIND, &u);
}

static int v_attach(struct vctx *v, int dev, uint32_t ioas, uint32_t pasid)
{
	struct ioasid_device_attach a = {
		.size = sizeof(a), .ioas_id = ioas, .pasid = pasid,
		.flags = pasid ? IOASID_DEVICE_ATTACH_PASID : 0,
	};

	tlog(v->t, "%s: ATTACH dev fd %d ioas %u pasid %u", v->seq, dev, ioas,
	     pasid);
	return ioc(dev, IOASID_DEVICE_ATTACH, &a);
}

static int v_detach(struct vctx *v, int dev, uint32_t pasid)
{
	struct ioasid_device_detach d = {
		.size = sizeof(d), .pasid = pasid,
		.flags = pasid ? IOASID_DEVICE_ATTACH_PASID : 0,
	};

	tlog(v->t, "%s: DETACH dev fd %d pasid %u", v->seq, dev, pasid);
	return ioc(dev, IOASID_DEVICE_DETACH, &d);
}

static int v_pasid_alloc(struct vctx *v, int ctx, uint32_t min, uint32_t max,
			 uint32_t *pasid)
{
	struct ioasid_pasid_alloc a = { .size = sizeof(a), .min = min, .max = max };
	int rc;

	tlog(v->t, "%s: PASID_ALLOC fd %d [%u, %u]", v->seq, ctx, min, max);
	rc = ioc(ctx, IOASID_PASID_ALLOC, &a);
	if (pasid)
		*pasid = rc ? 0 : a.out_pasid;
	return rc;
}

static int v_pasid_free(struct vctx *v, int ctx, uint32_t pasid)
{
	struct ioasid_pasid_free f = { .size = sizeof(f), .pasid = pasid };

	tlog(v->t, "%s: PASID_FREE fd %d pasid %u", v->seq, ctx, pasid);
	return ioc(ctx, IOASID_PASID_FREE, &f);
}

static struct ioasid_device_info v_info(struct vctx *v, int dev)
{
	struct ioasid_device_info i = { .size = sizeof(i) };

	tlog(v->t, "%s: GET_INFO dev fd %d", v->seq, dev);
	expect(v, K_GET_INFO, ioc(dev, IOASID_DEVICE_GET_INFO, &i), 0);
	return i;
}

struct dma {
	uint64_t done, fault_iova;
	uint32_t fault;
};

static int v_dma(struct vctx *v, int dev, uint32_t pasid, bool write,
		 uint64_t iova, void *buf, uint64_t len, struct dma *d)
{
	struct ioasid_test t = { .op = IOASID_TEST_MOCK_DMA };
	int rc;

	t.mock_dma.dev_fd = dev;
	t.mock_dma.flags = pasid ? IOASID_DEVICE_ATTACH_PASID : 0;
	t.mock_dma.pasid = pasid;
	t.mock_dma.dir = write ? IOASID_MOCK_DMA_WRITE : IOASID_MOCK_DMA_READ;
	t.mock_dma.iova = iova;
	t.mock_dma.uptr = (uintptr_t)buf;
	t.mock_dma.length = len;
	tlog(v->t, "%s: MOCK_DMA dev fd %d %s iova %#llx len %#llx pasid %u",
	     v->seq, dev, write ? "write" : "read", (unsigned long long)iova,
	     (unsigned long long)len, pasid);
	rc = test_op(v->t->p->test_fd, &t);
	d->done = t.mock_dma.out_done;
	d->fault = t.mock_dma.out_fault;
	d->fault_iova = t.mock_dma.out_fault_iova;
	return rc;
}

/* A DMA read of @len at @iova must return exactly @expect. */
static bool v_reads(struct vctx *v, int dev, uint32_t pasid, uint64_t iova,
		    const uint8_t *expect_bytes, uint64_t len)
{
	uint8_t *out = v->t->scratch;
	struct dma d;

	if (len > 4 * PG)
		len = 4 * PG;
	memset(out, 0xee, len);
	if (!expect(v, K_MOCK_DMA, v_dma(v, dev, pasid, false, iova, out, len,
					 &d), 0))
		return false;
	if (!check(v, d.fault == IOASID_MOCK_FAULT_NONE && d.done == len,
		   "DMA read of %#llx at %#llx: fault %u after %#llx bytes",
		   (unsigned long long)len, (unsigned long long)iova, d.fault,
		   (unsigned long long)d.done))
		return false;
	for (uint64_t i = 0; i < len; i++)
		if (out[i] != expect_bytes[i]) {
			check(v, false, "DMA read at %#llx: byte %#llx is %#x, "
			      "the mapped memory holds %#x", (unsigned long long)iova,
			      (unsigned long long)i, out[i], expect_bytes[i]);
			atomic_fetch_add(&sh->viol[K_DMA_BYTES], 1);
			return false;
		}
	atomic_fetch_add(&sh->ok[K_DMA_BYTES], 1);
	return true;
}

/* A DMA at @iova must stop with @fault after @done bytes. */
static bool v_faults(struct vctx *v, int dev, uint32_t pasid, bool write,
		     uint64_t iova, uint64_t len, uint32_t fault,
		     uint64_t done_bytes)
{
	uint8_t *buf = v->t->scratch;
	struct dma d;

	memset(buf, 0xee, len);
	if (!expect(v, K_MOCK_DMA, v_dma(v, dev, pasid, write, iova, buf, len,
					 &d), 0))
		return false;
	return check(v, d.fault == fault && d.done == done_bytes &&
		     d.fault_iova == iova + done_bytes,
		     "DMA %s of %#llx at %#llx: fault %u after %#llx bytes at "
		     "%#llx, expected fault %u after %#llx",
		     write ? "write" : "read", (unsigned long long)len,
		     (unsigned long long)iova, d.fault,
		     (unsigned long long)d.done,
		     (unsigned long long)d.fault_iova, fault,
		     (unsigned long long)done_bytes);
}

static uint8_t upat(uint32_t tag, size_t i)
{
	return (uint8_t)(tag * 131 + i * 7 + (i >> 12) * 31 + 1);
}

static uint8_t *v_buf(size_t len, uint32_t tag)
{
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	for (size_t i = 0; i < len; i++)
		p[i] = upat(tag, i);
	return p;
}

/* Close a set of fds in a random order. */
static void close_all(struct thr *t, int *fds, int n)
{
	for (int i = n - 1; i > 0; i--) {
		int j = below(&t->r, i + 1), x = fds[i];

		fds[i] = fds[j];
		fds[j] = x;
	}
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* --- the sequences ------------------------------------------------------- */

/* Paging IOAS and one mock device: every outcome of the basic ioctls. */
static void seq_basic(struct thr *t)
{
	struct vctx v = { .t = t, .seq = "basic" };
	const uint64_t X = 0x400000, R = 0x10000000;
	bool resv = chance(&t->r, 1, 3), map_first = chance(&t->r, 1, 2);
	uint32_t tag = rnd(&t->r), ioas, dev_id, ioas2;
	uint8_t *buf = v_buf(16 * PG, tag), *ro = NULL;
	uint8_t *w = t->scratch + 4 * PG;
	struct ioasid_device_info info;
	struct ioasid_iova_range rg[4];
	struct ioasid_ioas_iova_ranges q = { .size = sizeof(q) };
	uint64_t iova, out;
	int fds[2] = { -1, -1 };
	struct dma d;

	if (!buf)
		return;
	fds[0] = v_open(&v);
	fds[1] = v_mock(&v, IOASID_MOCK_NEW_GROUP, 0, resv ? R : 0,
			resv ? 16 * PG : 0, NULL);
	if (fds[0] < 0 || fds[1] < 0)
		goto out;
	if (!expect(&v, K_IOAS_ALLOC, v_ioas(&v, fds[0], 0, &ioas), 0) ||
	    !check(&v, ioas, "IOAS id 0"))
		goto out;
	if (!expect(&v, K_BIND, v_bind(&v, fds[1], fds[0], &dev_id), 0))
		goto out;
	info = v_info(&v, fds[1]);
	check(&v, (info.out_flags & IOASID_DEVICE_INFO_BOUND) &&
	      !(info.out_flags & IOASID_DEVICE_INFO_ATTACHED) &&
	      info.out_dev_id == dev_id && dev_id,
	      "bound: flags %#x dev_id %u (bind said %u)", info.out_flags,
	      info.out_dev_id, dev_id);
	expect(&v, K_BIND, v_bind(&v, fds[1], fds[0], NULL), -EALREADY);
	expect(&v, K_DESTROY, v_destroy(&v, fds[0], dev_id), -EBUSY);
	iova = X;
	if (map_first)
		expect(&v, K_MAP, v_map(&v, fds[0], ioas, (uintptr_t)buf,
					16 * PG, &iova, FIXED | RW), 0);
	if (resv && map_first) {
		/* A mapping in the device's reserved region blocks attach. */
		iova = R + PG;
		expect(&v, K_MAP, v_map(&v, fds[0], ioas, (uintptr_t)buf, PG,
					&iova, FIXED | RW), 0);
		expect(&v, K_ATTACH, v_attach(&v, fds[1], ioas, 0), -EADDRINUSE);
		expect(&v, K_UNMAP, v_unmap(&v, fds[0], ioas, R, 16 * PG, &out), 0);
		check(&v, out == PG, "unmapped %#llx of one page",
		      (unsigned long long)out);
	}
	expect(&v, K_ATTACH, v_attach(&v, fds[1], ioas, 0), 0);
	iova = X;
	if (!map_first)
		expect(&v, K_MAP, v_map(&v, fds[0], ioas, (uintptr_t)buf,
					16 * PG, &iova, FIXED | RW), 0);
	if (v.failed || v.aborted)
		goto out;
	info = v_info(&v, fds[1]);
	check(&v, (info.out_flags & IOASID_DEVICE_INFO_ATTACHED) &&
	      info.out_ioas_id == ioas, "attached: flags %#x ioas %u",
	      info.out_flags, info.out_ioas_id);
	expect(&v, K_ATTACH, v_attach(&v, fds[1], ioas, 0), -EBUSY);

	/* The allowed ranges: the mock aperture minus the reserved region. */
	q.ioas_id = ioas;
	q.num_iovas = 4;
	q.allowed_iovas = (uintptr_t)rg;
	tlog(t, "basic: IOVA_RANGES ioas %u", ioas);
	if (expect(&v, K_IOVA_RANGES, ioc(fds[0], IOASID_IOAS_IOVA_RANGES, &q), 0)) {
		if (resv)
			check(&v, q.num_iovas == 2 && rg[0].start == 0 &&
			      rg[0].last == R - 1 && rg[1].start == R + 16 * PG &&
			      rg[1].last == MOCK_APERTURE_END - 1,
			      "allowed ranges with a reserved region: %u, "
			      "[%#llx, %#llx] ...", q.num_iovas,
			      (unsigned long long)rg[0].start,
			      (unsigned long long)rg[0].last);
		else
			check(&v, q.num_iovas == 1 && rg[0].start == 0 &&
			      rg[0].last == MOCK_APERTURE_END - 1,
			      "allowed ranges: %u, [%#llx, %#llx]", q.num_iovas,
			      (unsigned long long)rg[0].start,
			      (unsigned long long)rg[0].last);
		check(&v, q.out_iova_alignment == PG, "alignment %llu",
		      (unsigned long long)q.out_iova_alignment);
	}
	q.num_iovas = 0;
	tlog(t, "basic: IOVA_RANGES ioas %u with no room", ioas);
	if (expect(&v, K_IOVA_RANGES, ioc(fds[0], IOASID_IOAS_IOVA_RANGES, &q),
		   -EMSGSIZE))
		check(&v, q.num_iovas == (resv ? 2u : 1u), "-EMSGSIZE said %u",
		      q.num_iovas);
	if (resv) {
		iova = R;
		expect(&v, K_MAP, v_map(&v, fds[0], ioas, (uintptr_t)buf, PG,
					&iova, FIXED | RW), -EADDRINUSE);
	}
	iova = MOCK_APERTURE_END;
	expect(&v, K_MAP, v_map(&v, fds[0], ioas, (uintptr_t)buf, PG, &iova,
				FIXED | RW), -EADDRINUSE);

	/* Exact bytes, both directions. */
	v_reads(&v, fds[1], 0, X, buf, 4 * PG);
	v_reads(&v, fds[1], 0, X + 12 * PG + 77, buf + 12 * PG + 77, 3 * PG);
	for (size_t i = 0; i < 2 * PG; i++)
		w[i] = upat(tag + 1, i);
	if (expect(&v, K_MOCK_DMA, v_dma(&v, fds[1], 0, true, X + PG + 100, w,
					 2 * PG, &d), 0) &&
	    check(&v, d.fault == 0 && d.done == 2 * PG, "DMA write: fault %u done %#llx",
		  d.fault, (unsigned long long)d.done)) {
		for (size_t i = 0; i < 16 * PG; i++) {
			uint8_t want = i >= PG + 100 && i < 3 * PG + 100 ?
				       upat(tag + 1, i - PG - 100) : upat(tag, i);

			if (!check(&v, buf[i] == want, "after a DMA write, byte "
				   "%#zx of memory is %#x, not %#x", i, buf[i], want))
				break;
		}
	}

	/* Overlaps, a partial unmap that cuts the mapping, its hole. */
	iova = X;
	expect(&v, K_MAP, v_map(&v, fds[0], ioas, (uintptr_t)buf, 16 * PG, &iova,
				FIXED | RW), -EEXIST);
	iova = X + 8 * PG;
	expect(&v, K_MAP, v_map(&v, fds[0], ioas, (uintptr_t)buf, 16 * PG, &iova,
				FIXED | RO), -EEXIST);
	if (expect(&v, K_UNMAP, v_unmap(&v, fds[0], ioas, X + 4 * PG, 4 * PG,
					&out), 0))
		check(&v, out == 4 * PG, "partial unmap reports %#llx",
		      (unsigned long long)out);
	expect(&v, K_UNMAP, v_unmap(&v, fds[0], ioas, X + 4 * PG, 4 * PG, NULL),
	       -ENOENT);
	v_faults(&v, fds[1], 0, false, X + 3 * PG, 2 * PG,
		 IOASID_MOCK_FAULT_UNMAPPED, PG);
	v_reads(&v, fds[1], 0, X + 8 * PG, buf + 8 * PG, 2 * PG);

	/* Kernel-chosen IOVA, read-only. */
	iova = 0;
	if (expect(&v, K_MAP, v_map(&v, fds[0], ioas, (uintptr_t)buf + 8 * PG,
				    4 * PG, &iova, RO), 0)) {
		check(&v, iova && (iova & (4 * PG - 1)) ==
		      (((uintptr_t)buf + 8 * PG) & (4 * PG - 1)) &&
		      (!resv || iova + 4 * PG <= R || iova >= R + 16 * PG),
		      "kernel-chosen IOVA %#llx for %#llx", (unsigned long long)iova,
		      (unsigned long long)(uintptr_t)(buf + 8 * PG));
		v_reads(&v, fds[1], 0, iova, buf + 8 * PG, 4 * PG);
		v_faults(&v, fds[1], 0, true, iova, 64, IOASID_MOCK_FAULT_PROT, 0);
	}

	/* Read-only memory: readable yes, writeable no. */
	ro = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro != MAP_FAILED) {
		iova = 0x20000000;
		expect(&v, K_MAP, v_map(&v, fds[0], ioas, (uintptr_t)ro, PG, &iova,
					FIXED | RW), -EFAULT);
		expect(&v, K_MAP, v_map(&v, fds[0], ioas, (uintptr_t)ro, PG, &iova,
					FIXED | RO), 0);
		expect(&v, K_UNMAP, v_unmap(&v, fds[0], ioas, 0x20000000, PG, NULL), 0);
	}

	if (expect(&v, K_UNMAP, v_unmap(&v, fds[0], ioas, 0, 0, &out), 0))
		check(&v, out == 16 * PG, "unmap-all reports %#llx, 16 pages "
		      "were mapped", (unsigned long long)out);
	v_faults(&v, fds[1], 0, false, X, 16, IOASID_MOCK_FAULT_UNMAPPED, 0);
	expect(&v, K_UNMAP, v_unmap(&v, fds[0], ioas, 0, 0, &out), 0);
	check(&v, out == 0, "unmap-all of an empty IOAS reports %#llx",
	      (unsigned long long)out);

	/* Detach; the IOAS is free to go; a second IOAS gets the next id. */
	expect(&v, K_DESTROY, v_destroy(&v, fds[0], ioas), -EBUSY);
	expect(&v, K_DETACH, v_detach(&v, fds[1], 0), 0);
	v_faults(&v, fds[1], 0, false, X, 16, IOASID_MOCK_FAULT_DETACHED, 0);
	expect(&v, K_DETACH, v_detach(&v, fds[1], 0), -ENOENT);
	expect(&v, K_DESTROY, v_destroy(&v, fds[0], ioas), 0);
	expect(&v, K_DESTROY, v_destroy(&v, fds[0], ioas), -ENOENT);
	expect(&v, K_ATTACH, v_attach(&v, fds[1], ioas, 0), -ENOENT);
	if (expect(&v, K_IOAS_ALLOC, v_ioas(&v, fds[0], 0, &ioas2), 0) &&
	    chance(&t->r, 1, 2)) {
		expect(&v, K_ATTACH, v_attach(&v, fds[1], ioas2, 0), 0);
		iova = X;
		expect(&v, K_MAP, v_map(&v, fds[0], ioas2, (uintptr_t)buf, 8 * PG,
					&iova, FIXED | RW), 0);
	}
	if (chance(&t->r, 1, 2)) {
		expect(&v, K_UNBIND, v_unbind(&v, fds[1]), 0);
		expect(&v, K_UNBIND, v_unbind(&v, fds[1]), -EINVAL);
		expect(&v, K_DETACH, v_detach(&v, fds[1], 0), -EINVAL);
		expect(&v, K_ATTACH, v_attach(&v, fds[1], ioas2, 0), -EINVAL);
	}
out:
	/* Mappings, attachment and binding in place: close does it all. */
	close_all(t, fds, 2);
	munmap(buf, 16 * PG);
	if (ro && ro != MAP_FAILED)
		munmap(ro, PG);
	done(&v);
}

/* A nested IOAS on a paging one: composition, recomposition, holds. */
static void seq_nested(struct thr *t)
{
	struct vctx v = { .t = t, .seq = "nested" };
	const uint64_t PX = 0x1000000, PX2 = 0x3000000, CY = 0x2000000,
		       CY2 = 0x5000000;
	uint32_t tag = rnd(&t->r), P, C, C2;
	uint8_t *buf = v_buf(16 * PG, tag), *buf3 = v_buf(2 * PG, tag + 7);
	uint8_t *w = t->scratch + 4 * PG;
	int fds[3] = { -1, -1, -1 };
	uint64_t iova, out;
	struct dma d;

	if (!buf || !buf3)
		goto out;
	fds[0] = v_open(&v);
	fds[1] = v_mock(&v, IOASID_MOCK_NEW_GROUP, 0, 0, 0, NULL);
	fds[2] = v_mock(&v, IOASID_MOCK_NEW_GROUP, 0, 0, 0, NULL);
	if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0)
		goto out;
	if (!expect(&v, K_IOAS_ALLOC, v_ioas(&v, fds[0], 0, &P), 0) ||
	    !expect(&v, K_IOAS_ALLOC, v_ioas(&v, fds[0], P, &C), 0))
		goto out;
	expect(&v, K_IOAS_ALLOC, v_ioas(&v, fds[0], C, &C2), -EINVAL);
	expect(&v, K_IOAS_ALLOC, v_ioas(&v, fds[0], C + 100, &C2), -ENOENT);
	expect(&v, K_BIND, v_bind(&v, fds[1], fds[0], NULL), 0);
	expect(&v, K_BIND, v_bind(&v, fds[2], fds[0], NULL), 0);
	expect(&v, K_ATTACH, v_attach(&v, fds[1], P, 0), 0);
	expect(&v, K_ATTACH, v_attach(&v, fds[2], C, 0), 0);
	iova = PX;
	expect(&v, K_MAP, v_map(&v, fds[0], P, (uintptr_t)buf, 16 * PG, &iova,
				FIXED | RW), 0);
	iova = CY;
	expect(&v, K_MAP, v_map(&v, fds[0], C, PX + 4 * PG, 8 * PG, &iova,
				FIXED | RW), 0);
	if (v.failed || v.aborted)
		goto out;
	v_reads(&v, fds[2], 0, CY, buf + 4 * PG, 4 * PG);
	v_reads(&v, fds[1], 0, PX + 4 * PG, buf + 4 * PG, 4 * PG);
	/* Through the composition into user memory. */
	for (size_t i = 0; i < PG; i++)
		w[i] = upat(tag + 3, i);
	if (expect(&v, K_MOCK_DMA, v_dma(&v, fds[2], 0, true, CY + 2 * PG, w, PG,
					 &d), 0))
		check(&v, d.done == PG && !memcmp(buf + 6 * PG, w, PG),
		      "nested DMA write did not land in the user's page");
	memcpy(buf + 6 * PG, w, PG);	/* what memory holds now */

	/* Parent range unmapped, parent lacking a permission. */
	iova = CY + 64 * PG;
	expect(&v, K_MAP, v_map(&v, fds[0], C, PX + 32 * PG, 4 * PG, &iova,
				FIXED | RW), -ENOENT);
	iova = PX2;
	expect(&v, K_MAP, v_map(&v, fds[0], P, (uintptr_t)buf, 4 * PG, &iova,
				FIXED | RO), 0);
	iova = CY2;
	expect(&v, K_MAP, v_map(&v, fds[0], C, PX2, 4 * PG, &iova, FIXED | RW),
	       -EACCES);
	expect(&v, K_MAP, v_map(&v, fds[0], C, PX2, 4 * PG, &iova, FIXED | RO), 0);
	v_reads(&v, fds[2], 0, CY2, buf, 2 * PG);
	v_faults(&v, fds[2], 0, true, CY2, 16, IOASID_MOCK_FAULT_PROT, 0);

	/* Cut the parent under the child: the child's range goes dark... */
	if (expect(&v, K_UNMAP, v_unmap(&v, fds[0], P, PX + 6 * PG, 2 * PG, &out),
		   0))
		check(&v, out == 2 * PG, "parent unmap reports %#llx",
		      (unsigned long long)out);
	v_faults(&v, fds[2], 0, false, CY + PG, 4 * PG,
		 IOASID_MOCK_FAULT_UNMAPPED, PG);
	/* ...and translates again, to the new pages, once it is remapped. */
	iova = PX + 6 * PG;
	expect(&v, K_MAP, v_map(&v, fds[0], P, (uintptr_t)buf3, 2 * PG, &iova,
				FIXED | RW), 0);
	v_reads(&v, fds[2], 0, CY + 2 * PG, buf3, 2 * PG);
	v_reads(&v, fds[2], 0, CY, buf + 4 * PG, 2 * PG);

	/* Holds: attached and parent IOAS cannot be destroyed. */
	expect(&v, K_DESTROY, v_destroy(&v, fds[0], P), -EBUSY);
	expect(&v, K_DESTROY, v_destroy(&v, fds[0], C), -EBUSY);
	if (chance(&t->r, 1, 2)) {
		expect(&v, K_DETACH, v_detach(&v, fds[2], 0), 0);
		expect(&v, K_DESTROY, v_destroy(&v, fds[0], C), 0);
		expect(&v, K_DESTROY, v_destroy(&v, fds[0], P), -EBUSY);
		expect(&v, K_DETACH, v_detach(&v, fds[1], 0), 0);
		expect(&v, K_DESTROY, v_destroy(&v, fds[0], P), 0);
	}
out:
	close_all(t, fds, 3);
	if (buf)
		munmap(buf, 16 * PG);
	if (buf3)
		munmap(buf3, 2 * PG);
	done(&v);
}

/* Two mock devices of one group: the group's domain serves both. */
static void seq_group(struct thr *t)
{
	struct vctx v = { .t = t, .seq = "group" };
	const uint64_t X = 0x40000;
	uint32_t tag = rnd(&t->r), group, ioas1, ioas2;
	uint8_t *buf = v_buf(2 * PG, tag);
	int fds[4] = { -1, -1, -1, -1 };	/* ctx, A, B, ctx2 */
	bool a_first = chance(&t->r, 1, 2);
	uint64_t iova = X;
	int first, second;

	if (!buf)
		return;
	fds[0] = v_open(&v);
	fds[3] = v_open(&v);
	fds[1] = v_mock(&v, IOASID_MOCK_NEW_GROUP, 0, 0, 0, &group);
	fds[2] = v_mock(&v, 0, group, 0, 0, NULL);
	if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0 || fds[3] < 0)
		goto out;
	if (!expect(&v, K_IOAS_ALLOC, v_ioas(&v, fds[0], 0, &ioas1), 0) ||
	    !expect(&v, K_IOAS_ALLOC, v_ioas(&v, fds[0], 0, &ioas2), 0))
		goto out;
	expect(&v, K_MAP, v_map(&v, fds[0], ioas1, (uintptr_t)buf, 2 * PG, &iova,
				FIXED | RW), 0);
	expect(&v, K_BIND, v_bind(&v, fds[1], fds[0], NULL), 0);
	/* The group belongs to one context. */
	expect(&v, K_BIND, v_bind(&v, fds[2], fds[3], NULL), -EBUSY);
	expect(&v, K_BIND, v_bind(&v, fds[2], fds[0], NULL), 0);
	first = a_first ? fds[1] : fds[2];
	second = a_first ? fds[2] : fds[1];
	expect(&v, K_ATTACH, v_attach(&v, first, ioas1, 0), 0);
	expect(&v, K_ATTACH, v_attach(&v, second, ioas2, 0), -EBUSY);
	expect(&v, K_ATTACH, v_attach(&v, second, ioas1, 0), 0);
	if (v.failed || v.aborted)
		goto out;
	v_reads(&v, first, 0, X, buf, 2 * PG);
	v_reads(&v, second, 0, X, buf, 2 * PG);
	/* The first to attach leaves first, or the second does. */
	if (chance(&t->r, 1, 2)) {
		int x = first;

		first = second;
		second = x;
	}
	expect(&v, K_DETACH, v_detach(&v, first, 0), 0);
	check(&v, v_info(&v, second).out_flags & IOASID_DEVICE_INFO_ATTACHED,
	      "the sibling lost its attachment");
	v_reads(&v, second, 0, X, buf, 2 * PG);
	v_faults(&v, first, 0, false, X, 16, IOASID_MOCK_FAULT_DETACHED, 0);
	expect(&v, K_DESTROY, v_destroy(&v, fds[0], ioas1), -EBUSY);
	expect(&v, K_DETACH, v_detach(&v, second, 0), 0);
	v_faults(&v, first, 0, false, X, 16, IOASID_MOCK_FAULT_DETACHED, 0);
	v_faults(&v, second, 0, false, X, 16, IOASID_MOCK_FAULT_DETACHED, 0);
	/* Now the group may go to the other IOAS, then back. */
	expect(&v, K_ATTACH, v_attach(&v, second, ioas2, 0), 0);
	v_faults(&v, second, 0, false, X, 16, IOASID_MOCK_FAULT_UNMAPPED, 0);
	expect(&v, K_DETACH, v_detach(&v, second, 0), 0);
	expect(&v, K_ATTACH, v_attach(&v, second, ioas1, 0), 0);
	expect(&v, K_ATTACH, v_attach(&v, first, ioas1, 0), 0);
	/* Unbind and close do the detach. */
	expect(&v, K_UNBIND, v_unbind(&v, second), 0);
	v_reads(&v, first, 0, X, buf, 2 * PG);
	if (second == fds[1]) {
		close(fds[1]);
		fds[1] = -1;
	} else {
		close(fds[2]);
		fds[2] = -1;
	}
	v_reads(&v, first, 0, X, buf, 2 * PG);
out:
	close_all(t, fds, 4);
	munmap(buf, 2 * PG);
	done(&v);
}

/*
 * A PASID of this thread's own, the PASID space being one for the whole
 * system: every worker process has a verifier (p->idx < 64) whose threads
 * are 50.. and their helpers 150.. (< 256).  A run takes the next of four,
 * since a context of an earlier run may still own its PASID (a child
 * another thread of this process forked meanwhile inherited its fds),
 * which is no error.  Two PASIDs per run, inside [0xa0000, 0xe0000).
 */
static uint32_t own_pasid(struct thr *t, unsigned int which)
{
	uint32_t slot = t->p->idx % 64 * 256 + t->idx % 256;

	return 0xa0000 + (slot * 4 + t->pasid_gen++ % 4) * 4 + which * 2;
}

/* PASID attachments beside the one without PASID. */
static void seq_pasid(struct thr *t)
{
	struct vctx v = { .t = t, .seq = "pasid" };
	const uint64_t X = 0x100000;
	uint32_t pv = own_pasid(t, 0), pasid;
	uint32_t tag = rnd(&t->r), ioas1, ioas2;
	uint8_t *b1 = v_buf(2 * PG, tag), *b2 = v_buf(2 * PG, tag + 9);
	int fds[3] = { -1, -1, -1 };	/* ctx, PASID mock, plain mock */
	struct ioasid_device_attach at = { .size = sizeof(at) };
	uint64_t iova;

	if (!b1 || !b2)
		goto out;
	fds[0] = v_open(&v);
	fds[1] = v_mock(&v, IOASID_MOCK_NEW_GROUP | IOASID_MOCK_PASID, 0, 0, 0,
			NULL);
	fds[2] = v_mock(&v, IOASID_MOCK_NEW_GROUP, 0, 0, 0, NULL);
	if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0)
		goto out;
	if (!expect(&v, K_IOAS_ALLOC, v_ioas(&v, fds[0], 0, &ioas1), 0) ||
	    !expect(&v, K_IOAS_ALLOC, v_ioas(&v, fds[0], 0, &ioas2), 0))
		goto out;
	iova = X;
	expect(&v, K_MAP, v_map(&v, fds[0], ioas1, (uintptr_t)b1, 2 * PG, &iova,
				FIXED | RW), 0);
	iova = X;
	expect(&v, K_MAP, v_map(&v, fds[0], ioas2, (uintptr_t)b2, 2 * PG, &iova,
				FIXED | RW), 0);
	if (expect(&v, K_PASID_ALLOC, v_pasid_alloc(&v, fds[0], pv, pv, &pasid), 0))
		check(&v, pasid == pv, "PASID %u from [%u, %u]", pasid, pv, pv);
	expect(&v, K_PASID_ALLOC, v_pasid_alloc(&v, fds[0], pv, pv, NULL), -ENOSPC);
	expect(&v, K_BIND, v_bind(&v, fds[1], fds[0], NULL), 0);
	expect(&v, K_BIND, v_bind(&v, fds[2], fds[0], NULL), 0);
	expect(&v, K_ATTACH, v_attach(&v, fds[1], ioas1, 0), 0);
	expect(&v, K_ATTACH, v_attach(&v, fds[1], ioas2, pv), 0);
	if (v.failed || v.aborted)
		goto out;
	expect(&v, K_ATTACH, v_attach(&v, fds[1], ioas2, pv), -EBUSY);
	expect(&v, K_ATTACH, v_attach(&v, fds[1], ioas2, pv + 1), -EACCES);
	expect(&v, K_ATTACH, v_attach(&v, fds[2], ioas2, pv), -EOPNOTSUPP);
	at.ioas_id = ioas2;
	at.pasid = pv;
	tlog(t, "pasid: ATTACH dev fd %d ioas %u pasid %u without the flag",
	     fds[2], ioas2, pv);
	expect(&v, K_ATTACH, ioc(fds[2], IOASID_DEVICE_ATTACH, &at), -EOPNOTSUPP);
	v_reads(&v, fds[1], 0, X, b1, 2 * PG);
	v_reads(&v, fds[1], pv, X, b2, 2 * PG);
	v_faults(&v, fds[1], pv + 1, false, X, 16, IOASID_MOCK_FAULT_DETACHED, 0);
	expect(&v, K_PASID_FREE, v_pasid_free(&v, fds[0], pv), -EBUSY);
	expect(&v, K_DESTROY, v_destroy(&v, fds[0], ioas2), -EBUSY);
	if (chance(&t->r, 1, 2)) {
		expect(&v, K_DETACH, v_detach(&v, fds[1], pv), 0);
		v_faults(&v, fds[1], pv, false, X, 16, IOASID_MOCK_FAULT_DETACHED, 0);
		v_reads(&v, fds[1], 0, X, b1, 2 * PG);
		expect(&v, K_DETACH, v_detach(&v, fds[1], pv), -ENOENT);
		expect(&v, K_PASID_FREE, v_pasid_free(&v, fds[0], pv), 0);
		expect(&v, K_PASID_FREE, v_pasid_free(&v, fds[0], pv), -ENOENT);
		expect(&v, K_DESTROY, v_destroy(&v, fds[0], ioas2), 0);
	}
	/* Otherwise close leaves with the PASID attached and allocated. */
out:
	close_all(t, fds, 3);
	if (b1)
		munmap(b1, 2 * PG);
	if (b2)
		munmap(b2, 2 * PG);
	done(&v);
}

/* --- DMA racing map/unmap, under a discipline ---------------------------- */

#define CPAGES	64
#define CPB	0x1000000ull
#define CCB	0x8000000ull

struct cstate {
	struct vctx *v;
	struct thr helper;
	int ctx;
	uint32_t P, C;
	uint8_t *buf;
	_Atomic bool stop;
};

/*
 * Page N of the buffer only ever sits at PB + N pages in the parent and,
 * through it, at CB + N pages in the child: whatever a DMA reads there is
 * the buffer's byte, or it faults as unmapped.
 */
static void *mutator(void *arg)
{
	struct cstate *s = arg;
	struct thr *t = &s->helper;
	struct vctx v = { .t = t, .seq = "concurrent/mutator" };

	for (int i = 0; i < 400 && !v.failed && !v.aborted; i++) {
		uint64_t f = below(&t->r, CPAGES);
		uint64_t n = 1 + below(&t->r, CPAGES - f), iova, out;
		int rc;

		switch (below(&t->r, 4)) {
		case 0:
			iova = CPB + f * PG;
			rc = v_map(&v, s->ctx, s->P, (uintptr_t)s->buf + f * PG,
				   n * PG, &iova, FIXED | RW);
			expect(&v, K_MAP, rc, rc == -EEXIST ? -EEXIST : 0);
			break;
		case 1:
			rc = v_unmap(&v, s->ctx, s->P, CPB + f * PG, n * PG, &out);
			expect(&v, K_UNMAP, rc, rc == -ENOENT ? -ENOENT : 0);
			break;
		case 2:
			iova = CCB + f * PG;
			rc = v_map(&v, s->ctx, s->C, CPB + f * PG, n * PG, &iova,
				   FIXED | RW);
			expect(&v, K_MAP, rc, rc == -EEXIST || rc == -ENOENT ?
			       rc : 0);
			break;
		default:
			rc = v_unmap(&v, s->ctx, s->C, CCB + f * PG, n * PG, &out);
			expect(&v, K_UNMAP, rc, rc == -ENOENT ? -ENOENT : 0);
			break;
		}
	}
	atomic_store(&s->stop, true);
	done(&v);
	return NULL;
}

static void seq_concurrent(struct thr *t)
{
	struct vctx v = { .t = t, .seq = "concurrent" };
	struct cstate *s = calloc(1, sizeof(*s));
	uint32_t tag = rnd(&t->r);
	int fds[3] = { -1, -1, -1 };
	uint8_t *out = t->scratch;
	pthread_t mt;
	bool started = false;

	if (!s)
		return;
	s->v = &v;
	s->buf = v_buf(CPAGES * PG, tag);
	if (!s->buf)
		goto out;
	fds[0] = v_open(&v);
	fds[1] = v_mock(&v, IOASID_MOCK_NEW_GROUP, 0, 0, 0, NULL);
	fds[2] = v_mock(&v, IOASID_MOCK_NEW_GROUP, 0, 0, 0, NULL);
	if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0)
		goto out;
	s->ctx = fds[0];
	if (!expect(&v, K_IOAS_ALLOC, v_ioas(&v, fds[0], 0, &s->P), 0) ||
	    !expect(&v, K_IOAS_ALLOC, v_ioas(&v, fds[0], s->P, &s->C), 0) ||
	    !expect(&v, K_BIND, v_bind(&v, fds[1], fds[0], NULL), 0) ||
	    !expect(&v, K_BIND, v_bind(&v, fds[2], fds[0], NULL), 0) ||
	    !expect(&v, K_ATTACH, v_attach(&v, fds[1], s->P, 0), 0) ||
	    !expect(&v, K_ATTACH, v_attach(&v, fds[2], s->C, 0), 0))
		goto out;
	s->helper = *t;
	s->helper.idx = t->idx + 100;
	s->helper.r = rnd(&t->r);
	s->helper.logpos = 0;
	s->helper.scratch = NULL;
	if (pthread_create(&mt, NULL, mutator, s))
		goto out;
	started = true;
	while (!atomic_load(&s->stop) && !v.failed) {
		bool child = chance(&t->r, 1, 2);
		uint64_t off = below(&t->r, CPAGES * PG);
		uint64_t len = 1 + below(&t->r, 3 * PG);
		struct dma d;

		if (off + len > CPAGES * PG)
			len = CPAGES * PG - off;
		if (!expect(&v, K_MOCK_DMA, v_dma(&v, fds[child ? 2 : 1], 0, false,
						  (child ? CCB : CPB) + off, out,
						  len, &d), 0))
			break;
		if (!check(&v, d.fault == IOASID_MOCK_FAULT_NONE ?
			   d.done == len : d.fault == IOASID_MOCK_FAULT_UNMAPPED,
			   "DMA under map/unmap: fault %u after %#llx of %#llx",
			   d.fault, (unsigned long long)d.done,
			   (unsigned long long)len))
			break;
		for (uint64_t i = 0; i < d.done; i++)
			if (out[i] != s->buf[off + i]) {
				check(&v, false, "%s DMA read at offset %#llx: byte "
				      "%#llx is %#x, the page holds %#x (stale or "
				      "wrong translation)", child ? "nested" : "paging",
				      (unsigned long long)off, (unsigned long long)i,
				      out[i], s->buf[off + i]);
				atomic_fetch_add(&sh->viol[K_DMA_BYTES], 1);
				break;
			}
		atomic_fetch_add(&sh->ok[K_DMA_BYTES], 1);
	}
	atomic_store(&s->stop, true);
out:
	if (started)
		pthread_join(mt, NULL);
	/* With whatever is mapped still mapped. */
	close_all(t, fds, 3);
	if (s->buf)
		munmap(s->buf, CPAGES * PG);
	free(s);
	done(&v);
}

/* --- fork with pinned memory --------------------------------------------- */

/*
 * The copy inherits the context and the device with the mapping in
 * place.  Pinned pages stay the parent's (the copy gets copies), so a
 * DMA write by the copy lands in the parent's memory: the parent sees
 * it.  The copy may go on after the parent closed its fds.
 */
static void seq_fork(struct thr *t)
{
	struct vctx v = { .t = t, .seq = "fork" };
	const uint64_t X = 0x600000;
	uint32_t tag = rnd(&t->r), ioas;
	uint8_t *buf = v_buf(4 * PG, tag);
	int fds[2] = { -1, -1 }, pfd[2] = { -1, -1 }, status;
	bool parent_first = chance(&t->r, 1, 2);
	uint64_t iova = X;
	double end;
	pid_t pid;

	if (!buf)
		return;
	fds[0] = v_open(&v);
	fds[1] = v_mock(&v, IOASID_MOCK_NEW_GROUP, 0, 0, 0, NULL);
	if (fds[0] < 0 || fds[1] < 0)
		goto out;
	if (!expect(&v, K_IOAS_ALLOC, v_ioas(&v, fds[0], 0, &ioas), 0) ||
	    !expect(&v, K_MAP, v_map(&v, fds[0], ioas, (uintptr_t)buf, 4 * PG,
				     &iova, FIXED | RW), 0) ||
	    !expect(&v, K_BIND, v_bind(&v, fds[1], fds[0], NULL), 0) ||
	    !expect(&v, K_ATTACH, v_attach(&v, fds[1], ioas, 0), 0))
		goto out;
	if (pipe2(pfd, O_CLOEXEC))
		goto out;
	tlog(t, "fork: fork() with %s", parent_first ?
	     "the parent closing first" : "the copy exiting while mapped");
	pid = fork();
	if (pid < 0) {
		note(t, K_FORK, -errno, false);
		goto out;
	}
	if (pid == 0) {
		struct vctx cv = { .t = t, .seq = "fork/copy" };
		uint8_t *w = t->scratch + 4 * PG;
		struct pollfd pf = { .fd = pfd[0], .events = POLLIN };
		struct dma d;
		char c;

		alarm(20);
		close(pfd[1]);
		t->p->in_child = true;
		/* The copy's memory is a copy: same bytes. */
		v_reads(&cv, fds[1], 0, X, buf, 2 * PG);
		for (size_t i = 0; i < PG; i++)
			w[i] = upat(tag + 5, i);
		expect(&cv, K_MOCK_DMA, v_dma(&cv, fds[1], 0, true, X, w, PG, &d), 0);
		if (parent_first) {
			if (poll(&pf, 1, 10000) != 1 || read(pfd[0], &c, 1) != 1)
				check(&cv, false, "the parent did not close first");
			for (size_t i = 0; i < PG; i++)
				w[i] = upat(tag + 6, i);
			expect(&cv, K_MOCK_DMA,
			       v_dma(&cv, fds[1], 0, true, X + PG, w, PG, &d), 0);
			v_reads(&cv, fds[1], 0, X + PG, w, PG);
		}
		_exit(cv.failed ? 1 : 0);
	}
	note(t, K_FORK, 0, false);
	close(pfd[0]);
	pfd[0] = -1;
	if (parent_first) {
		close(fds[0]);
		close(fds[1]);
		fds[0] = fds[1] = -1;
		if (write(pfd[1], "c", 1) != 1)
			check(&v, false, "pipe write");
	}
	end = now() + 25;
	while (waitpid(pid, &status, WNOHANG) == 0 && now() < end)
		usleep(5000);
	if (!check(&v, now() < end, "forked copy %d still running after 25 s",
		   (int)pid)) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		goto out;
	}
	if (!check(&v, WIFEXITED(status) && WEXITSTATUS(status) == 0,
		   "the forked copy failed (status %#x)", status))
		goto out;
	for (size_t i = 0; i < PG; i++)
		if (!check(&v, buf[i] == upat(tag + 5, i), "the copy's DMA write "
			   "did not reach the parent's pinned page (byte %#zx is "
			   "%#x)", i, buf[i]))
			break;
	if (parent_first)
		for (size_t i = 0; i < PG; i++)
			if (!check(&v, buf[PG + i] == upat(tag + 6, i), "a DMA "
				   "write after the parent closed did not reach "
				   "its page (byte %#zx is %#x)", i, buf[PG + i]))
				break;
out:
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (pfd[1] >= 0)
		close(pfd[1]);
	close_all(t, fds, 2);
	munmap(buf, 4 * PG);
	done(&v);
}

/* --- replies into read-only structs -------------------------------------- */

/* The ioctl fails with -EFAULT and leaves nothing behind. */
static void seq_ro_reply(struct thr *t)
{
	struct vctx v = { .t = t, .seq = "ro-reply" };
	uint32_t pv = own_pasid(t, 1);
	uint8_t *page = mmap(NULL, PG, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *buf = v_buf(2 * PG, 1);
	int fds[3] = { -1, -1, -1 };	/* ctx, mock, ctx2 */
	uint32_t a, b;
	uint64_t out;

	if (page == MAP_FAILED || !buf)
		goto out;
	fds[0] = v_open(&v);
	fds[1] = v_mock(&v, IOASID_MOCK_NEW_GROUP, 0, 0, 0, NULL);
	fds[2] = v_open(&v);
	if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0)
		goto out;
	if (!expect(&v, K_IOAS_ALLOC, v_ioas(&v, fds[0], 0, &a), 0))
		goto out;

#define RO_STRUCT(type, ...) ({						\
		mprotect(page, PG, PROT_READ | PROT_WRITE);		\
		*(type *)page = (type){ .size = sizeof(type), __VA_ARGS__ }; \
		mprotect(page, PG, PROT_READ);				\
		(type *)page; })

	tlog(t, "ro-reply: IOAS_ALLOC with the struct read-only");
	expect(&v, K_IOAS_ALLOC, ioc(fds[0], IOASID_IOAS_ALLOC,
				     RO_STRUCT(struct ioasid_ioas_alloc)), -EFAULT);
	if (expect(&v, K_IOAS_ALLOC, v_ioas(&v, fds[0], 0, &b), 0))
		check(&v, b == a + 1, "after a failed alloc the next IOAS is %u, "
		      "not %u: the failed one kept its id", b, a + 1);
	tlog(t, "ro-reply: nested IOAS_ALLOC with the struct read-only");
	expect(&v, K_IOAS_ALLOC, ioc(fds[0], IOASID_IOAS_ALLOC,
				     RO_STRUCT(struct ioasid_ioas_alloc,
					       .flags = IOASID_IOAS_ALLOC_NESTED,
					       .parent_id = a)), -EFAULT);
	/* No child holds a: it can go. */
	expect(&v, K_DESTROY, v_destroy(&v, fds[0], a), 0);

	tlog(t, "ro-reply: PASID_ALLOC [%u, %u] with the struct read-only", pv, pv);
	expect(&v, K_PASID_ALLOC, ioc(fds[0], IOASID_PASID_ALLOC,
				      RO_STRUCT(struct ioasid_pasid_alloc,
						.min = pv, .max = pv)), -EFAULT);
	expect(&v, K_PASID_ALLOC, v_pasid_alloc(&v, fds[2], pv, pv, NULL), 0);
	expect(&v, K_PASID_FREE, v_pasid_free(&v, fds[0], pv), -ENOENT);
	expect(&v, K_PASID_FREE, v_pasid_free(&v, fds[2], pv), 0);

	tlog(t, "ro-reply: MAP (kernel IOVA) with the struct read-only");
	expect(&v, K_MAP, ioc(fds[0], IOASID_IOAS_MAP,
			      RO_STRUCT(struct ioasid_ioas_map, .flags = RW,
					.ioas_id = b, .user_va = (uintptr_t)buf,
					.length = 2 * PG)), -EFAULT);
	tlog(t, "ro-reply: MAP (fixed IOVA) with the struct read-only");
	expect(&v, K_MAP, ioc(fds[0], IOASID_IOAS_MAP,
			      RO_STRUCT(struct ioasid_ioas_map, .flags = RW | FIXED,
					.ioas_id = b, .user_va = (uintptr_t)buf,
					.length = 2 * PG, .iova = 0x100000)),
	       -EFAULT);
	if (expect(&v, K_UNMAP, v_unmap(&v, fds[0], b, 0, 0, &out), 0))
		check(&v, out == 0, "a map that failed with -EFAULT left %#llx "
		      "bytes mapped", (unsigned long long)out);

	tlog(t, "ro-reply: IOVA_RANGES with the struct read-only");
	expect(&v, K_IOVA_RANGES, ioc(fds[0], IOASID_IOAS_IOVA_RANGES,
				      RO_STRUCT(struct ioasid_ioas_iova_ranges,
						.ioas_id = b)), -EFAULT);

	tlog(t, "ro-reply: BIND with the struct read-only");
	expect(&v, K_BIND, ioc(fds[1], IOASID_DEVICE_BIND,
			       RO_STRUCT(struct ioasid_device_bind,
					 .ioasid_fd = fds[0])), -EFAULT);
	check(&v, !(v_info(&v, fds[1]).out_flags & IOASID_DEVICE_INFO_BOUND),
	      "bound although BIND failed with -EFAULT");
	expect(&v, K_BIND, v_bind(&v, fds[1], fds[2], NULL), 0);

	tlog(t, "ro-reply: DESTROY with the struct read-only");
	expect(&v, K_DESTROY, ioc(fds[0], IOASID_DESTROY,
				  RO_STRUCT(struct ioasid_destroy, .id = b)), 0);
	{
		/* MOCK_DEVICE_CREATE: no fd may be installed (fd scan at the end). */
		struct ioasid_test *tt;

		mprotect(page, PG, PROT_READ | PROT_WRITE);
		tt = (struct ioasid_test *)page;
		memset(tt, 0, sizeof(*tt));
		tt->size = sizeof(*tt);
		tt->op = IOASID_TEST_MOCK_DEVICE_CREATE;
		tt->mock_create.flags = IOASID_MOCK_NEW_GROUP;
		mprotect(page, PG, PROT_READ);
		tlog(t, "ro-reply: MOCK_DEVICE_CREATE with the struct read-only");
		expect(&v, K_MOCK_CREATE, ioc(t->p->test_fd, IOASID_TEST, tt),
		       -EFAULT);
	}
#undef RO_STRUCT
out:
	close_all(t, fds, 3);
	if (page != MAP_FAILED)
		munmap(page, PG);
	if (buf)
		munmap(buf, 2 * PG);
	done(&v);
}

/* --- the verifier process ------------------------------------------------ */

const char *const seq_names[NSEQ] = {
	"basic", "nested", "group", "pasid", "concurrent", "fork", "ro-reply",
	"edu",
};

static void run_seq(struct thr *t)
{
	int n = sh->n_edu && cfg.edu ? 8 : 7, which;

	t->hostile_args = false;
	do
		which = below(&t->r, n);
	while (cfg.seqs && !(cfg.seqs & (1u << which)) &&
	       (cfg.seqs & ((1u << n) - 1)));
	switch (which) {
	case 0:
		seq_basic(t);
		break;
	case 1:
		seq_nested(t);
		break;
	case 2:
		seq_group(t);
		break;
	case 3:
		seq_pasid(t);
		break;
	case 4:
		seq_concurrent(t);
		break;
	case 5:
		seq_fork(t);
		break;
	case 6:
		seq_ro_reply(t);
		break;
	default:
		edu_verify(t);
		break;
	}
}

struct vthread {
	struct thr t;
	double deadline;
};

static void *vthread_main(void *arg)
{
	struct vthread *vt = arg;

	while (now() < vt->deadline && !atomic_load(&sh->stop))
		run_seq(&vt->t);
	return NULL;
}

/*
 * A yank of an edu device the verifier had bound unbinds it from the
 * yanker's process, and drops the binding's reference to the context
 * there: when the verifier closed its context fd first, the context (and
 * its pins, charged to the verifier) goes when the yanker's unbind write
 * returns, maybe after the verifier closed everything.  A yank counts its
 * generation up (to even) after that write: wait for the ones under way.
 * A yanker killed mid-yank never counts up, but its unbind write is over
 * once its process is a zombie or gone: no wait for it.
 */
static bool process_gone(pid_t pid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && (p[2] == 'Z' || p[2] == 'X');
}

static void wait_for_yanks(struct thr *t)
{
	double end = now() + 30;

	for (int i = 0; i < sh->n_edu; i++) {
		uint32_t gen = atomic_load(&sh->yank_gen[i]);

		if (!(gen & 1))
			continue;
		tlog(t, "verifier: wait for the yank of edu %d (gen %u) to end",
		     i, gen);
		while (atomic_load(&sh->yank_gen[i]) == gen && now() < end &&
		       !process_gone(atomic_load(&sh->yank_pid[i])))
			usleep(5000);
	}
}

void verifier_main(struct proc *p, uint64_t seed)
{
	int n = cfg.threads > 1 ? 2 : 1;
	struct vthread vt[2];
	pthread_t tid[2];
	long vmlck0;
	char path[64], link[256];
	struct dirent *de;
	DIR *dir;

	alarm((unsigned int)cfg.round_time + 90);
	p->in_child = false;
	/* Only what it opens itself. */
	for (int i = 0; i < NCTX; i++)
		if (p->ctx[i].fd >= 0)
			close(p->ctx[i].fd);
	for (int i = 0; i < NDEV; i++)
		if (p->dev[i].fd >= 0)
			close(p->dev[i].fd);
	if (p->test_fd >= 0)
		close(p->test_fd);
	p->test_fd = hide(open("/dev/ioasid", O_RDWR | O_CLOEXEC));
	vmlck0 = vmlck_kb();
	for (int i = 0; i < n; i++) {
		if (!thr_setup(&vt[i].t, p, 50 + i, rnd_mix(seed, i + 77)))
			_exit(3);
		vt[i].deadline = p->deadline;
		if (pthread_create(&tid[i], NULL, vthread_main, &vt[i]))
			_exit(3);
	}
	for (int i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	close(p->test_fd);
	/* No fd it did not learn of (a failed create must not install one). */
	dir = opendir("/proc/self/fd");
	while (dir && (de = readdir(dir))) {
		ssize_t len;

		snprintf(path, sizeof(path), "/proc/self/fd/%.32s", de->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len < 0)
			continue;
		link[len] = '\0';
		if (strstr(link, "ioasid")) {
			tlog(&vt[0].t, "verifier: scan of /proc/self/fd at the end");
			bad(&vt[0].t, K_PROCESS, "fd %s (%s) open after every "
			    "verified sequence closed its fds", de->d_name, link);
		}
	}
	if (dir)
		closedir(dir);
	wait_for_yanks(&vt[0].t);
	if (vmlck_kb() != vmlck0) {
		tlog(&vt[0].t, "verifier: VmLck after closing every fd");
		bad(&vt[0].t, K_PROCESS, "VmLck %ld kB, %ld kB at the start",
		    vmlck_kb(), vmlck0);
	} else {
		atomic_fetch_add(&sh->ok[K_PROCESS], 1);
	}
	_exit(0);
}
