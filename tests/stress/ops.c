// SPDX-License-Identifier: GPL-2.0
/*
 * Chaos operations: random ioctls on the worker's pool, with valid and
 * hostile arguments, whose results are classified against the header's
 * errnos, and whose outputs are checked where they can be known whatever
 * the other threads do (kernel-chosen IOVAs, PASID ranges, device info,
 * the bytes a DMA reads: every chaos page holds the position pattern).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "stress.h"

void op_ctx_open(struct thr *t);
void op_close(struct thr *t);
void op_dup(struct thr *t);

/* IOVAs worth colliding on: low, 2 MiB-aligned, a mock reserved region,
 * the checker's nested window, the MSI window, the end of the mock
 * aperture and past it. */
static const uint64_t iova_bases[] = {
	0x0, 0x100000, 0x200000, 0x8000000, 0x10000000, 0x40000000,
	0x7ff000000ull, 1ull << 40, MOCK_APERTURE_END - 0x100000, 0xfee00000,
	1ull << 50,
};

#define RESV_START	0x10000000ull
#define RESV_LEN	(16 * PG)

/* Kernel-chosen IOVAs seen lately, for unmaps and DMAs that hit them. */
static _Atomic uint64_t recent_iova[16];
static _Atomic unsigned int recent_pos;

uint64_t pick_iova(struct thr *t)
{
	uint64_t b;

	if (chance(&t->r, 1, 5)) {
		b = atomic_load(&recent_iova[below(&t->r, 16)]);
		if (b)
			return b + below(&t->r, 4) * PG;
	}
	b = iova_bases[below(&t->r, ARRAY_SIZE(iova_bases))];
	if (b % (2 << 20) == 0 && chance(&t->r, 1, 4))
		return b + ((uint64_t)below(&t->r, 4) << 21);
	return b + below(&t->r, 64) * PG;
}

static uint64_t pick_pages(struct thr *t)
{
	switch (below(&t->r, 16)) {
	case 0:
		return 512;			/* 2 MiB */
	case 1:
		return 64 + below(&t->r, 256);
	default:
		return 1 + below(&t->r, 16);
	}
}

static uint32_t pick_prot(struct thr *t)
{
	switch (below(&t->r, 8)) {
	case 0:
	case 1:
		return RO;
	case 2:
		return WO;
	default:
		return RW;
	}
}

/* --- IOAS ----------------------------------------------------------------- */

static void op_ioas_alloc(struct thr *t)
{
	struct fdref c = get_ctx(t);
	struct ioasid_ioas_alloc a = { .size = sizeof(a) };
	bool nested = false;
	int rc, pl;

	switch (below(&t->r, 20)) {
	case 0:
		a.flags = 1u << (1 + below(&t->r, 8));	/* unknown flag */
		break;
	case 1:
		a.parent_id = 1 + below(&t->r, 8);	/* parent without flag */
		break;
	case 2 ... 8:
		a.flags = IOASID_IOAS_ALLOC_NESTED;
		a.parent_id = pick_ioas(t, &c, &nested);
		break;
	default:
		break;
	}
	tlog(t, "IOAS_ALLOC fd %d flags %#x parent %u (parent nested: %d)",
	     c.fd, a.flags, a.parent_id, nested);
	rc = xioctl(t, c.fd, IOASID_IOAS_ALLOC, &a, sizeof(a), &pl);
	note(t, K_IOAS_ALLOC, rc, is_stale(t, &c, false));
	if (rc)
		return;
	if (!a.out_ioas_id)
		bad(t, K_IOAS_ALLOC, "succeeded with IOAS id 0");
	if (pl == PL_RO)
		bad(t, K_IOAS_ALLOC, "succeeded with its struct in a read-only page");
	add_id(t, &c, 0, a.out_ioas_id, a.flags & IOASID_IOAS_ALLOC_NESTED);
}

static void op_destroy(struct thr *t)
{
	struct fdref c = get_ctx(t);
	struct ioasid_destroy d = { .size = sizeof(d) };
	bool nested;
	int rc;

	switch (below(&t->r, 10)) {
	case 0:
		d.id = pick_devid(t, &c);	/* a device binding: -EBUSY */
		break;
	case 1:
		d.id = pick_pasid(t, &c);	/* not an object id */
		break;
	default:
		d.id = pick_ioas(t, &c, &nested);
		break;
	}
	tlog(t, "DESTROY fd %d id %u", c.fd, d.id);
	rc = xioctl(t, c.fd, IOASID_DESTROY, &d, sizeof(d), NULL);
	note(t, K_DESTROY, rc, is_stale(t, &c, false));
}

static void op_iova_ranges(struct thr *t)
{
	struct fdref c = get_ctx(t);
	struct ioasid_iova_range *r = (void *)(t->scratch + 4 * PG);
	struct ioasid_ioas_iova_ranges q = { .size = sizeof(q) };
	uint32_t room = below(&t->r, 4) == 0 ? below(&t->r, 2) : 8;
	bool nested;
	int rc, pl;

	q.ioas_id = pick_ioas(t, &c, &nested);
	q.num_iovas = room;
	q.allowed_iovas = (uintptr_t)r;
	switch (below(&t->r, 16)) {
	case 0:
		q.allowed_iovas = 0;
		break;
	case 1:
		q.allowed_iovas = (uintptr_t)t->ro;	/* unwritable array */
		break;
	case 2:
		q.__reserved = 1;
		break;
	default:
		break;
	}
	tlog(t, "IOVA_RANGES fd %d ioas %u num %u ptr %#llx reserved %u",
	     c.fd, q.ioas_id, q.num_iovas,
	     (unsigned long long)q.allowed_iovas, q.__reserved);
	rc = xioctl(t, c.fd, IOASID_IOAS_IOVA_RANGES, &q, sizeof(q), &pl);
	note(t, K_IOVA_RANGES, rc, is_stale(t, &c, false));
	if (pl != PL_NORMAL && pl != PL_BIGZERO)
		return;
	if (rc == -EMSGSIZE && q.num_iovas <= room)
		bad(t, K_IOVA_RANGES, "-EMSGSIZE with num_iovas %u <= room %u",
		    q.num_iovas, room);
	if (rc || q.allowed_iovas != (uintptr_t)r)
		return;
	if (q.num_iovas > room)
		bad(t, K_IOVA_RANGES, "success with num_iovas %u > room %u",
		    q.num_iovas, room);
	if (q.out_iova_alignment != PG)
		bad(t, K_IOVA_RANGES, "alignment %llu, not the page size",
		    (unsigned long long)q.out_iova_alignment);
	for (uint32_t i = 0; i < q.num_iovas && i < room; i++)
		if (r[i].start > r[i].last ||
		    (i && r[i].start <= r[i - 1].last))
			bad(t, K_IOVA_RANGES, "range %u [%#llx, %#llx] out of order",
			    i, (unsigned long long)r[i].start,
			    (unsigned long long)r[i].last);
}

/* What the source of a map is, and what must become of it. */
struct src {
	uint64_t va;
	uint64_t pages;		/* what fits */
	const char *what;
	bool not_memory;	/* the map must fail */
	bool ro;
	void *throwaway;	/* unmapped right after the map */
	size_t throwaway_len;
	int bar_slot;
	uint32_t bar_gen;
	void *bar;
};

static void pick_src(struct thr *t, struct src *s, uint64_t *pages)
{
	static const int weights[NBUF] = {
		[B_SMALL] = 20, [B_MED] = 30, [B_THP] = 15, [B_RO] = 10,
		[B_BIG] = 4, [B_MEMFD] = 10, [B_NONE] = 3,
	};
	struct proc *p = t->p;
	unsigned int w = below(&t->r, 100);
	int b;

	memset(s, 0, sizeof(*s));
	s->bar_slot = -1;
	if (w < 5) {
		/*
		 * Never user memory, nor (should the IOAS turn out to be
		 * nested) an IOVA any parent can have mapped.  0 and 0x1000
		 * could be parent IOVAs: their result is only classified.
		 */
		static const uint64_t hostile[] = {
			0xffff888000000000ull, (1ull << 47) - PG, 1ull << 63,
			0, 0x1000,
		};
		unsigned int i = below(&t->r, ARRAY_SIZE(hostile));

		s->va = hostile[i];
		s->what = "a hostile address";
		s->not_memory = i < 3;
		return;
	}
	if (w < 9) {
		size_t len = *pages * PG;

		s->throwaway = map_guarded(len, 16 * PG, PROT_READ | PROT_WRITE);
		if (s->throwaway) {
			fill_ppat(s->throwaway, len);
			if (chance(&t->r, 1, 2))
				madvise(s->throwaway, len, MADV_HUGEPAGE);
			s->throwaway_len = len;
			s->va = (uintptr_t)s->throwaway;
			s->pages = *pages;
			s->what = "memory unmapped right after";
			return;
		}
	}
	if (w < 12) {
		pthread_mutex_lock(&p->lock);
		for (int i = 0; i < NDEV; i++)
			if (p->dev[i].bar) {
				s->bar_slot = i;
				s->bar_gen = p->dev[i].gen;
				s->bar = p->dev[i].bar;
				break;
			}
		pthread_mutex_unlock(&p->lock);
		if (s->bar) {
			s->va = (uintptr_t)s->bar;
			s->pages = 256;
			s->what = "an edu BAR mapping";
			s->not_memory = true;
			return;
		}
	}
	w = below(&t->r, 92);
	for (b = 0; b < NBUF - 1 && w >= (unsigned int)weights[b]; b++)
		w -= weights[b];
	s->pages = p->buf[b].len / PG;
	if (*pages > s->pages)
		*pages = 1 + below(&t->r, s->pages);
	{
		uint64_t first = below(&t->r, s->pages - *pages + 1);

		if (b == B_THP && chance(&t->r, 1, 2))
			first &= ~511ull;	/* on a huge page */
		s->va = (uintptr_t)p->buf[b].p + first * PG;
		s->pages -= first;
	}
	s->ro = b == B_RO;
	s->not_memory = b == B_NONE;
	s->what = (const char *[]){ "small buffer", "1 MiB buffer",
		"THP buffer", "read-only buffer", "16 MiB buffer",
		"memfd buffer", "PROT_NONE region" }[b];
	/* Run past the end into the guard now and then. */
	if (chance(&t->r, 1, 30)) {
		*pages = s->pages + 1 + below(&t->r, 8);
		s->not_memory = true;
		s->what = "a range running into a guard page";
	}
}

static void op_map(struct thr *t)
{
	struct fdref c = get_ctx(t);
	struct ioasid_ioas_map m = { .size = sizeof(m) };
	uint64_t pages = pick_pages(t), src_addr;
	bool nested, fixed = chance(&t->r, 2, 3), odd = false;
	struct src s = { .bar_slot = -1 };
	int rc, pl;

	m.ioas_id = pick_ioas(t, &c, &nested);
	m.flags = pick_prot(t) | (fixed ? FIXED : 0);
	if (nested && chance(&t->r, 4, 5)) {
		m.parent_iova = pick_iova(t);
		s.what = "parent IOVA";
	} else {
		pick_src(t, &s, &pages);
		m.user_va = s.va;
	}
	src_addr = m.user_va;
	m.length = pages * PG;
	if (fixed)
		m.iova = pick_iova(t);
	switch (below(&t->r, 60)) {
	case 0:
		m.user_va += 1 + below(&t->r, PG - 1);
		odd = true;
		break;
	case 1:
		m.iova += PG / 2;
		odd = fixed;
		break;
	case 2:
		m.length += 16;
		odd = true;
		break;
	case 3:
		m.length = 0;
		odd = true;
		break;
	case 4:
		m.length = -PG;		/* wraps */
		odd = true;
		break;
	case 5:
		m.length = 1ull << 40;
		odd = true;
		break;
	case 6:
		m.flags &= ~RW;		/* no permission */
		odd = true;
		break;
	case 7:
		m.flags |= 1u << (3 + below(&t->r, 8));
		odd = true;
		break;
	case 8:
		m.__reserved = 1;
		odd = true;
		break;
	default:
		break;
	}
	tlog(t, "MAP fd %d ioas %u flags %#x %s %#llx len %#llx iova %#llx (%s)",
	     c.fd, m.ioas_id, m.flags, nested ? "parent_iova" : "user_va",
	     (unsigned long long)m.user_va, (unsigned long long)m.length,
	     (unsigned long long)m.iova, s.what);
	rc = xioctl(t, c.fd, IOASID_IOAS_MAP, &m, sizeof(m), &pl);
	if (s.throwaway) {
		/* Pinned pages stay, the user's mapping goes. */
		if (chance(&t->r, 1, 2))
			madvise(s.throwaway, s.throwaway_len, MADV_DONTNEED);
		munmap((uint8_t *)s.throwaway - 16 * PG,
		       s.throwaway_len + 32 * PG);
	}
	note(t, K_MAP, rc, is_stale(t, &c, false));
	if (rc)
		return;
	if (c.foreign)
		atomic_store(&t->p->touched_foreign, true);
	if (pl == PL_RO || pl == PL_STRADDLE || pl == PL_SMALL || pl == PL_BADPTR ||
	    pl == PL_BIGJUNK)
		bad(t, K_MAP, "succeeded with a struct it cannot have read or "
		    "written (placement %d)", pl);
	if (odd)
		bad(t, K_MAP, "succeeded with invalid arguments");
	if (!nested || s.va) {
		bool bar_still = false;

		if (s.bar) {
			pthread_mutex_lock(&t->p->lock);
			bar_still = t->p->dev[s.bar_slot].gen == s.bar_gen &&
				    t->p->dev[s.bar_slot].bar == s.bar;
			pthread_mutex_unlock(&t->p->lock);
		}
		if (s.ro && (m.flags & WO))
			bad(t, K_MAP, "WRITEABLE map of read-only memory succeeded");
		else if (s.not_memory && (!s.bar || bar_still))
			bad(t, K_MAP, "map of %s (not user memory) succeeded",
			    s.what);
	}
	if (fixed)
		atomic_store(&recent_iova[atomic_fetch_add(&recent_pos, 1) % 16],
			     m.iova);
	if (!fixed) {
		uint64_t align = PG;

		while (align * 2 <= m.length && align < (1ull << 30))
			align *= 2;
		if (!m.iova || m.iova % PG ||
		    (m.iova & (align - 1)) != (src_addr & (align - 1)))
			bad(t, K_MAP, "kernel-chosen IOVA %#llx for source %#llx "
			    "length %#llx breaks the header's rule",
			    (unsigned long long)m.iova,
			    (unsigned long long)src_addr,
			    (unsigned long long)m.length);
		atomic_store(&recent_iova[atomic_fetch_add(&recent_pos, 1) % 16],
			     m.iova);
	}
}

/*
 * IOAS_COPY between two IOAS of one context (the same one at times), from
 * IOVAs maps are likely to have used, racing the maps and unmaps of the
 * source and the destination.
 */
static void op_copy(struct thr *t)
{
	struct fdref c = get_ctx(t);
	struct ioasid_ioas_copy cp = { .size = sizeof(cp) };
	bool nested_dst, nested_src, fixed = chance(&t->r, 1, 2), odd = false;
	uint64_t len = (1 + below(&t->r, 16)) * PG;
	int rc, pl;

	cp.dst_ioas_id = pick_ioas(t, &c, &nested_dst);
	cp.src_ioas_id = chance(&t->r, 1, 4) ? cp.dst_ioas_id :
			 pick_ioas(t, &c, &nested_src);
	if (cp.src_ioas_id == cp.dst_ioas_id)
		nested_src = nested_dst;
	cp.flags = pick_prot(t) | (fixed ? FIXED : 0);
	cp.src_iova = pick_iova(t);
	cp.length = len;
	if (fixed)
		cp.dst_iova = pick_iova(t);
	switch (below(&t->r, 30)) {
	case 0:
		cp.src_iova += 1 + below(&t->r, PG - 1);
		odd = true;
		break;
	case 1:
		cp.length = 0;
		odd = true;
		break;
	case 2:
		cp.src_iova = -PG;
		cp.length = 2 * PG;
		odd = true;
		break;
	case 3:
		cp.flags &= ~RW;
		odd = true;
		break;
	case 4:
		cp.flags |= 1u << (3 + below(&t->r, 8));
		odd = true;
		break;
	default:
		break;
	}
	tlog(t, "COPY fd %d ioas %u <- %u flags %#x src %#llx len %#llx iova %#llx (believed nested: %d <- %d)",
	     c.fd, cp.dst_ioas_id, cp.src_ioas_id, cp.flags,
	     (unsigned long long)cp.src_iova, (unsigned long long)cp.length,
	     (unsigned long long)cp.dst_iova, nested_dst, nested_src);
	rc = xioctl(t, c.fd, IOASID_IOAS_COPY, &cp, sizeof(cp), &pl);
	note(t, K_COPY, rc, is_stale(t, &c, false));
	if (rc)
		return;
	if (pl == PL_RO || pl == PL_STRADDLE || pl == PL_SMALL || pl == PL_BADPTR ||
	    pl == PL_BIGJUNK)
		bad(t, K_COPY, "succeeded with a struct it cannot have read or "
		    "written (placement %d)", pl);
	if (odd)
		bad(t, K_COPY, "succeeded with invalid arguments");
	/*
	 * Not "succeeded with a nested IOAS": an id believed nested may have
	 * been destroyed and given to a paging IOAS since, by this process or
	 * a forked copy sharing the context (ids are reused, beliefs never
	 * forgotten).  uapi ioas_copy/errnos asserts the EINVAL.
	 */
	if (!fixed && (!cp.dst_iova || cp.dst_iova % PG))
		bad(t, K_COPY, "kernel-chosen IOVA %#llx",
		    (unsigned long long)cp.dst_iova);
	atomic_store(&recent_iova[atomic_fetch_add(&recent_pos, 1) % 16],
		     cp.dst_iova);
}

static void op_unmap(struct thr *t)
{
	struct fdref c = get_ctx(t);
	struct ioasid_ioas_unmap u = { .size = sizeof(u) };
	uint64_t len;
	bool nested, odd = false;
	int rc, pl;

	u.ioas_id = pick_ioas(t, &c, &nested);
	if (chance(&t->r, 1, 5)) {
		u.flags = IOASID_IOAS_UNMAP_ALL;
	} else {
		u.iova = pick_iova(t);
		u.length = pick_pages(t) * PG;
	}
	switch (below(&t->r, 40)) {
	case 0:
		u.iova += 1 + below(&t->r, PG - 1);
		odd = true;
		break;
	case 1:
		u.length = u.flags ? PG : 0;
		odd = true;
		break;
	case 2:
		u.iova = -PG;
		u.length = 2 * PG;
		odd = true;
		break;
	case 3:
		u.flags |= 1u << (1 + below(&t->r, 8));
		odd = true;
		break;
	case 4:
		u.__reserved = 1;
		odd = true;
		break;
	case 5:
		u.length = -PG & ~(PG - 1);	/* everything from iova */
		break;
	default:
		break;
	}
	len = u.length;
	tlog(t, "UNMAP fd %d ioas %u flags %#x iova %#llx len %#llx", c.fd,
	     u.ioas_id, u.flags, (unsigned long long)u.iova,
	     (unsigned long long)u.length);
	rc = xioctl(t, c.fd, IOASID_IOAS_UNMAP, &u, sizeof(u), &pl);
	note(t, K_UNMAP, rc, is_stale(t, &c, false));
	if (rc || (pl != PL_NORMAL && pl != PL_BIGZERO))
		return;
	if (odd && len)
		bad(t, K_UNMAP, "succeeded with invalid arguments");
	if (u.length % PG || (!(u.flags & IOASID_IOAS_UNMAP_ALL) && u.length > len))
		bad(t, K_UNMAP, "reports %#llx bytes unmapped of a %#llx range",
		    (unsigned long long)u.length, (unsigned long long)len);
	if (!(u.flags & IOASID_IOAS_UNMAP_ALL) && !u.length)
		bad(t, K_UNMAP, "success with nothing unmapped (should be -ENOENT)");
}

/* --- PASIDs ------------------------------------------------------------- */

static void op_pasid_alloc(struct thr *t)
{
	struct fdref c = get_ctx(t);
	struct ioasid_pasid_alloc a = { .size = sizeof(a) };
	uint32_t lo, hi;
	int rc, pl;

	switch (below(&t->r, 20)) {
	case 0 ... 6:
		break;				/* anywhere */
	case 7 ... 12:
		a.min = a.max = sh->contended_pasid;	/* one for everybody */
		break;
	case 13 ... 14:
		a.min = sh->contended_pasid + 1 + below(&t->r, 4);
		a.max = a.min + below(&t->r, 3);
		break;
	case 15:
		a.min = 10;
		a.max = 5;
		break;
	case 16:
		a.max = IOASID_PASID_MAX + 1 + below(&t->r, 100);
		break;
	case 17:
		a.flags = 1u << below(&t->r, 8);
		break;
	case 18:
		a.__reserved = 1;
		break;
	default:
		a.min = IOASID_PASID_MAX;
		break;
	}
	lo = a.min ? a.min : IOASID_PASID_MIN;
	hi = a.max ? a.max : IOASID_PASID_MAX;
	tlog(t, "PASID_ALLOC fd %d flags %#x min %u max %u", c.fd, a.flags,
	     a.min, a.max);
	rc = xioctl(t, c.fd, IOASID_PASID_ALLOC, &a, sizeof(a), &pl);
	note(t, K_PASID_ALLOC, rc, is_stale(t, &c, false));
	if (rc)
		return;
	if (a.out_pasid < lo || a.out_pasid > hi)
		bad(t, K_PASID_ALLOC, "PASID %u outside [%u, %u]", a.out_pasid,
		    lo, hi);
	if (pl == PL_RO)
		bad(t, K_PASID_ALLOC, "succeeded with its struct in a read-only page");
	add_id(t, &c, 1, a.out_pasid, false);
}

static void op_pasid_free(struct thr *t)
{
	struct fdref c = get_ctx(t);
	struct ioasid_pasid_free f = { .size = sizeof(f) };
	int rc;

	f.pasid = pick_pasid(t, &c);
	tlog(t, "PASID_FREE fd %d pasid %u", c.fd, f.pasid);
	rc = xioctl(t, c.fd, IOASID_PASID_FREE, &f, sizeof(f), NULL);
	note(t, K_PASID_FREE, rc, is_stale(t, &c, false));
}

/* --- mock devices ------------------------------------------------------- */

static void op_mock_create(struct thr *t)
{
	struct ioasid_test tt = { .size = sizeof(tt), .op = IOASID_TEST_MOCK_DEVICE_CREATE };
	struct ioasid_test_mock_create *mc = &tt.mock_create;
	struct fdref tr;
	bool stale, join = false;
	int fd = test_fd(t, &stale, &tr), rc, pl;

	mc->flags = chance(&t->r, 1, 3) ? IOASID_MOCK_PASID : 0;
	if (chance(&t->r, 1, 3)) {
		struct fdref d = get_dev(t, DEV_MOCK);

		pthread_mutex_lock(&t->p->lock);
		if (d.slot >= 0)
			mc->group_id = t->p->dev[d.slot].group;
		pthread_mutex_unlock(&t->p->lock);
		/*
		 * A group that cannot exist (mock group ids count down from
		 * 0xffffffff): a live one could be the verifier's.
		 */
		if (!mc->group_id)
			mc->group_id = below(&t->r, 2) ? 0 : 0x7fffffff - below(&t->r, 64);
		join = true;
	} else {
		mc->flags |= IOASID_MOCK_NEW_GROUP;
	}
	switch (below(&t->r, 24)) {
	case 0 ... 4:
		mc->resv_start = RESV_START;
		mc->resv_length = RESV_LEN;
		break;
	case 5:
		mc->resv_start = RESV_START + 1;	/* unaligned */
		mc->resv_length = PG;
		break;
	case 6:
		mc->resv_start = -PG;			/* wraps */
		mc->resv_length = 2 * PG;
		break;
	case 7:
		mc->flags |= 1u << (2 + below(&t->r, 8));
		break;
	default:
		break;
	}
	tlog(t, "MOCK_DEVICE_CREATE via fd %d flags %#x group %#x resv %#llx+%#llx",
	     fd, mc->flags, mc->group_id, (unsigned long long)mc->resv_start,
	     (unsigned long long)mc->resv_length);
	rc = xioctl(t, fd, IOASID_TEST, &tt, sizeof(tt), &pl);
	note(t, K_MOCK_CREATE, rc, stale);
	if (rc)
		return;
	if (pl == PL_RO)
		bad(t, K_MOCK_CREATE, "succeeded with its struct in a read-only page");
	if (mc->out_fd < 0 || !mc->out_group_id ||
	    (join && mc->out_group_id != mc->group_id)) {
		bad(t, K_MOCK_CREATE, "out_fd %d group %#x (asked to join %#x)",
		    mc->out_fd, mc->out_group_id, join ? mc->group_id : 0);
		return;
	}
	put_dev(t, mc->out_fd, DEV_MOCK, mc->flags & IOASID_MOCK_PASID,
		mc->out_group_id, -1);
}

static void op_dev_close(struct thr *t)
{
	close_slot(t, true, below(&t->r, NDEV));
}

static void op_bind(struct thr *t)
{
	struct fdref d = get_dev(t, DEV_NONE), c = get_ctx(t);
	struct ioasid_device_bind b = { .size = sizeof(b), .ioasid_fd = c.fd };
	bool hostile = false;
	int rc, pl;

	switch (below(&t->r, 24)) {
	case 0:
		b.ioasid_fd = d.fd;		/* a device fd (or, reused, not) */
		break;
	case 1:
		b.ioasid_fd = below(&t->r, 2) ? -1 : 1000 + (int)below(&t->r, 24);
		break;
	case 2:
		b.flags = 1u << below(&t->r, 8);
		break;
	default:
		break;
	}
	tlog(t, "BIND dev fd %d ioasid_fd %d flags %#x", d.fd, b.ioasid_fd,
	     b.flags);
	rc = xioctl(t, d.fd, IOASID_DEVICE_BIND, &b, sizeof(b), &pl);
	note(t, K_BIND, rc, is_stale(t, &d, true));
	if (rc)
		return;
	/* No fd of a worker is ever -1 or that high. */
	hostile = b.ioasid_fd < 0 || b.ioasid_fd >= 1000;
	if (hostile)
		bad(t, K_BIND, "bound to fd %d, which is not a context",
		    b.ioasid_fd);
	if (!b.out_dev_id)
		bad(t, K_BIND, "succeeded with dev_id 0");
	if (pl == PL_RO)
		bad(t, K_BIND, "succeeded with its struct in a read-only page");
	if (c.foreign || d.foreign)
		atomic_store(&t->p->touched_foreign, true);
	add_id(t, &c, 2, b.out_dev_id, false);
	pthread_mutex_lock(&t->p->lock);
	if (d.slot >= 0 && t->p->dev[d.slot].gen == d.gen)
		t->p->dev[d.slot].bound_ctx = c.slot;
	pthread_mutex_unlock(&t->p->lock);
}

static void op_unbind(struct thr *t)
{
	struct fdref d = get_dev(t, DEV_NONE);
	struct ioasid_device_unbind u = { .size = sizeof(u) };
	int rc;

	if (chance(&t->r, 1, 30))
		u.flags = 1;
	tlog(t, "UNBIND dev fd %d flags %#x", d.fd, u.flags);
	rc = xioctl(t, d.fd, IOASID_DEVICE_UNBIND, &u, sizeof(u), NULL);
	note(t, K_UNBIND, rc, is_stale(t, &d, true));
}

/* The context a device slot was last bound to (or any). */
static struct fdref bound_ctx(struct thr *t, const struct fdref *d)
{
	struct fdref c;
	int s = -1;

	pthread_mutex_lock(&t->p->lock);
	if (d->slot >= 0)
		s = t->p->dev[d->slot].bound_ctx;
	if (s >= 0 && chance(&t->r, 4, 5)) {
		c = (struct fdref){ .fd = t->p->ctx[s].fd, .slot = s,
				    .gen = t->p->ctx[s].gen };
		pthread_mutex_unlock(&t->p->lock);
		return c;
	}
	pthread_mutex_unlock(&t->p->lock);
	return get_ctx(t);
}

static void op_attach(struct thr *t)
{
	struct fdref d = get_dev(t, DEV_NONE), c = bound_ctx(t, &d);
	struct ioasid_device_attach a = { .size = sizeof(a) };
	bool nested;
	int rc;

	a.ioas_id = pick_ioas(t, &c, &nested);
	switch (below(&t->r, 20)) {
	case 0 ... 5:
		a.flags = IOASID_DEVICE_ATTACH_PASID;
		a.pasid = pick_pasid(t, &c);
		break;
	case 6:
		a.pasid = 1 + below(&t->r, 100);	/* without the flag */
		break;
	case 7:
		a.flags = 1u << (1 + below(&t->r, 8));
		break;
	default:
		break;
	}
	tlog(t, "ATTACH dev fd %d ioas %u flags %#x pasid %u", d.fd, a.ioas_id,
	     a.flags, a.pasid);
	rc = xioctl(t, d.fd, IOASID_DEVICE_ATTACH, &a, sizeof(a), NULL);
	note(t, K_ATTACH, rc, is_stale(t, &d, true));
	if (!rc && (c.foreign || d.foreign))
		atomic_store(&t->p->touched_foreign, true);
	if (!rc && !(a.flags & IOASID_DEVICE_ATTACH_PASID) && a.pasid)
		bad(t, K_ATTACH, "succeeded with a PASID but no PASID flag");
}

static void op_detach(struct thr *t)
{
	struct fdref d = get_dev(t, DEV_NONE), c = bound_ctx(t, &d);
	struct ioasid_device_detach x = { .size = sizeof(x) };
	int rc;

	switch (below(&t->r, 16)) {
	case 0 ... 4:
		x.flags = IOASID_DEVICE_ATTACH_PASID;
		x.pasid = pick_pasid(t, &c);
		break;
	case 5:
		x.__reserved = 1;
		break;
	case 6:
		x.flags = 2;
		break;
	default:
		break;
	}
	tlog(t, "DETACH dev fd %d flags %#x pasid %u", d.fd, x.flags, x.pasid);
	rc = xioctl(t, d.fd, IOASID_DEVICE_DETACH, &x, sizeof(x), NULL);
	note(t, K_DETACH, rc, is_stale(t, &d, true));
}

static void op_get_info(struct thr *t)
{
	struct fdref d = get_dev(t, DEV_NONE);
	struct ioasid_device_info i = { .size = sizeof(i) };
	struct dev_slot ds = { 0 };
	int rc, pl;

	if (d.slot >= 0) {
		pthread_mutex_lock(&t->p->lock);
		ds = t->p->dev[d.slot];
		pthread_mutex_unlock(&t->p->lock);
	}
	if (chance(&t->r, 1, 30))
		i.flags = 1;
	tlog(t, "GET_INFO dev fd %d flags %#x", d.fd, i.flags);
	rc = xioctl(t, d.fd, IOASID_DEVICE_GET_INFO, &i, sizeof(i), &pl);
	note(t, K_GET_INFO, rc, is_stale(t, &d, true));
	if (rc || (pl != PL_NORMAL && pl != PL_BIGZERO) || is_stale(t, &d, true))
		return;
	if (!!(i.out_flags & IOASID_DEVICE_INFO_BOUND) != !!i.out_dev_id ||
	    !!(i.out_flags & IOASID_DEVICE_INFO_ATTACHED) != !!i.out_ioas_id ||
	    ((i.out_flags & IOASID_DEVICE_INFO_ATTACHED) &&
	     !(i.out_flags & IOASID_DEVICE_INFO_BOUND)))
		bad(t, K_GET_INFO, "inconsistent: flags %#x dev_id %u ioas %u",
		    i.out_flags, i.out_dev_id, i.out_ioas_id);
	if (ds.kind == DEV_MOCK &&
	    (!(i.out_flags & IOASID_DEVICE_INFO_MOCK) ||
	     (!ds.foreign && !!(i.out_flags & IOASID_DEVICE_INFO_PASID) != ds.pasid) ||
	     (ds.group && i.out_group_id != ds.group)))
		bad(t, K_GET_INFO, "mock device (pasid %d group %#x) reports "
		    "flags %#x group %#x", ds.pasid, ds.group, i.out_flags,
		    i.out_group_id);
	if (ds.kind == DEV_EDU &&
	    (!(i.out_flags & IOASID_DEVICE_INFO_PCI) || i.out_vendor != 0x1234 ||
	     i.out_device != 0x11e8 || i.out_num_regions != IOASID_PCI_NUM_REGIONS))
		bad(t, K_GET_INFO, "edu reports flags %#x id %04x:%04x regions %u",
		    i.out_flags, i.out_vendor, i.out_device, i.out_num_regions);
}

static void op_region_info(struct thr *t)
{
	struct fdref d = get_dev(t, chance(&t->r, 1, 2) ? DEV_EDU : DEV_NONE);
	struct ioasid_region_info ri = { .size = sizeof(ri) };
	int rc, pl;

	ri.index = below(&t->r, IOASID_PCI_NUM_REGIONS + 2);
	if (chance(&t->r, 1, 30))
		ri.__reserved = 1;
	tlog(t, "GET_REGION_INFO dev fd %d index %u", d.fd, ri.index);
	rc = xioctl(t, d.fd, IOASID_DEVICE_GET_REGION_INFO, &ri, sizeof(ri), &pl);
	note(t, K_REGION_INFO, rc, is_stale(t, &d, true));
	if (!rc && pl == PL_NORMAL &&
	    ri.out_offset != IOASID_REGION_OFFSET(ri.index))
		bad(t, K_REGION_INFO, "region %u at offset %#llx", ri.index,
		    (unsigned long long)ri.out_offset);
}

/* Mock DMA through a pool device; every byte read must be the pattern. */
static void op_mock_dma(struct thr *t)
{
	struct fdref d = get_dev(t, DEV_MOCK), tr, c;
	struct ioasid_test tt = { .size = sizeof(tt), .op = IOASID_TEST_MOCK_DMA };
	struct ioasid_test_mock_dma *md = &tt.mock_dma;
	uint8_t *buf = t->scratch;
	bool stale;
	int fd = test_fd(t, &stale, &tr), rc, pl;
	uint64_t len;

	c = bound_ctx(t, &d);
	md->dev_fd = d.fd;
	md->dir = chance(&t->r, 1, 2) ? IOASID_MOCK_DMA_READ :
					IOASID_MOCK_DMA_WRITE;
	md->iova = pick_iova(t) + (chance(&t->r, 1, 3) ? below(&t->r, PG) : 0);
	len = chance(&t->r, 1, 3) ? PG * (1 + below(&t->r, 3)) :
				    1 + below(&t->r, 3 * PG);
	md->length = len;
	md->uptr = (uintptr_t)buf;
	if (chance(&t->r, 1, 4)) {
		md->flags = IOASID_DEVICE_ATTACH_PASID;
		md->pasid = pick_pasid(t, &c);
	}
	switch (below(&t->r, 40)) {
	case 0:
		md->dir = below(&t->r, 2) ? 0 : 3;
		break;
	case 1:
		md->length = below(&t->r, 2) ? 0 : (64 << 20) + 1;
		break;
	case 2:
		md->uptr = below(&t->r, 2) ? 0 : (uintptr_t)t->ro;
		break;
	case 3:
		md->__reserved = 1;
		break;
	default:
		break;
	}
	if (md->dir == IOASID_MOCK_DMA_WRITE)
		for (uint64_t i = 0; i < len; i++)
			buf[i] = ppat(md->iova + i);
	else
		memset(buf, 0xee, len);
	tlog(t, "MOCK_DMA via fd %d dev fd %d %s iova %#llx len %#llx pasid %u%s",
	     fd, d.fd, md->dir == IOASID_MOCK_DMA_READ ? "read" :
	     md->dir == IOASID_MOCK_DMA_WRITE ? "write" : "bad-dir",
	     (unsigned long long)md->iova, (unsigned long long)md->length,
	     md->pasid, md->flags ? " (PASID)" : "");
	rc = xioctl(t, fd, IOASID_TEST, &tt, sizeof(tt), &pl);
	note(t, K_MOCK_DMA, rc, stale);
	if (rc || (pl != PL_NORMAL && pl != PL_BIGZERO) || md->length != len ||
	    md->uptr != (uintptr_t)buf)
		return;
	if (md->out_done > len || md->out_fault > IOASID_MOCK_FAULT_DETACHED ||
	    (md->out_fault == IOASID_MOCK_FAULT_NONE && md->out_done != len) ||
	    (md->out_fault != IOASID_MOCK_FAULT_NONE &&
	     md->out_fault_iova != md->iova + md->out_done)) {
		bad(t, K_MOCK_DMA, "done %#llx of %#llx, fault %u at %#llx",
		    (unsigned long long)md->out_done, (unsigned long long)len,
		    md->out_fault, (unsigned long long)md->out_fault_iova);
		return;
	}
	if (md->dir != IOASID_MOCK_DMA_READ || !md->out_done)
		return;
	for (uint64_t i = 0; i < md->out_done; i++)
		if (buf[i] != ppat(md->iova + i)) {
			bad(t, K_DMA_BYTES, "DMA read of %#llx bytes at IOVA %#llx: "
			    "byte %#llx is %#x, every mapped page holds %#x there "
			    "(a translation to a page that is not the user's)",
			    (unsigned long long)md->out_done,
			    (unsigned long long)md->iova,
			    (unsigned long long)i, buf[i], ppat(md->iova + i));
			return;
		}
	atomic_fetch_add(&sh->ok[K_DMA_BYTES], 1);
}

static void op_set_driver(struct thr *t)
{
	struct fdref d = get_dev(t, DEV_MOCK), tr;
	struct ioasid_test tt = { .size = sizeof(tt), .op = IOASID_TEST_MOCK_SET_DRIVER };
	bool stale;
	int fd = test_fd(t, &stale, &tr), rc;

	tt.mock_set_driver.dev_fd = d.fd;
	tt.mock_set_driver.bound = chance(&t->r, 1, 20) ? 2 : 1;
	tlog(t, "MOCK_SET_DRIVER via fd %d dev fd %d bound %u", fd, d.fd,
	     tt.mock_set_driver.bound);
	rc = xioctl(t, fd, IOASID_TEST, &tt, sizeof(tt), NULL);
	note(t, K_SET_DRIVER, rc, stale);
	if (rc)
		return;
	/* The group is not viable for a moment: binds fail with -EBUSY. */
	usleep(below(&t->r, 2000));
	tt.mock_set_driver.bound = 0;
	tlog(t, "MOCK_SET_DRIVER via fd %d dev fd %d bound 0", fd, d.fd);
	note(t, K_SET_DRIVER, xioctl(t, fd, IOASID_TEST, &tt, sizeof(tt), NULL),
	     stale);
}

static void op_stats(struct thr *t)
{
	struct ioasid_test tt = { .size = sizeof(tt), .op = IOASID_TEST_STATS };
	struct fdref tr;
	bool stale;
	int fd = test_fd(t, &stale, &tr);

	if (chance(&t->r, 1, 10))
		tt.op = 100 + below(&t->r, 100);	/* unknown op */
	tlog(t, "IOASID_TEST op %u via fd %d", tt.op, fd);
	note(t, K_STATS, xioctl(t, fd, IOASID_TEST, &tt, sizeof(tt), NULL),
	     stale);
}

static void op_fail_pgtable(struct thr *t)
{
	struct ioasid_test tt = { .size = sizeof(tt), .op = IOASID_TEST_FAIL_PGTABLE };
	struct fdref tr;
	bool stale;
	int fd = test_fd(t, &stale, &tr);

	if (!cfg.fail_pgtable || !chance(&t->r, 1, 4))
		return;
	tt.fail_pgtable.skip = below(&t->r, 16);
	tt.fail_pgtable.nr = 1 + below(&t->r, 3);
	tlog(t, "FAIL_PGTABLE via fd %d skip %u nr %u", fd,
	     tt.fail_pgtable.skip, tt.fail_pgtable.nr);
	note(t, K_FAIL_PGTABLE,
	     xioctl(t, fd, IOASID_TEST, &tt, sizeof(tt), NULL), stale);
}

/* Numbers the module does not know, and device ioctls on contexts. */
static void op_bad_ioctl(struct thr *t)
{
	bool dev = chance(&t->r, 1, 2);
	struct fdref f = dev ? get_dev(t, DEV_NONE) : get_ctx(t);
	uint8_t *arg = t->scratch;
	unsigned long req;
	unsigned int nr;
	bool cross = false;
	int rc;

	memset(arg, 0, 256);
	*(uint32_t *)arg = 16;
	switch (below(&t->r, 4)) {
	case 0:	/* past the tables */
		nr = IOASID_CMD_TEST + 1 + below(&t->r, 16);
		req = _IO(IOASID_TYPE, nr);
		break;
	case 1:	/* the other fd type's numbers */
		cross = true;
		nr = dev ? IOASID_CMD_DESTROY + below(&t->r, 7) :
			   IOASID_CMD_DEVICE_BIND + below(&t->r, 6);
		req = _IO(IOASID_TYPE, nr);
		break;
	case 2:	/* right number, wrong direction/size bits */
		nr = IOASID_CMD_BASE + below(&t->r, 14);
		req = _IOWR(IOASID_TYPE, nr, uint64_t);
		break;
	default:	/* below the base */
		nr = below(&t->r, IOASID_CMD_BASE);
		req = _IO(IOASID_TYPE, nr);
		break;
	}
	tlog(t, "ioctl(%s fd %d, %#lx)", dev ? "dev" : "ctx", f.fd, req);
	t->cur_fd = f.fd;
	rc = ioctl(f.fd, req, arg) ? -errno : 0;
	/*
	 * The other type's numbers are only unknown if the fd still is of
	 * the slot's type (a hostile or reused fd may be a context for a
	 * device slot, and the reverse): then any result of that ioctl.
	 */
	if (cross && rc != -ENOTTY && is_stale(t, &f, dev)) {
		atomic_fetch_add(rc ? &sh->err[K_BAD_IOCTL] : &sh->ok[K_BAD_IOCTL], 1);
		return;
	}
	note(t, K_BAD_IOCTL, rc, is_stale(t, &f, dev));
}

const struct opdef opdefs[] = {
	{ "open", op_ctx_open, 3, true },
	{ "close", op_close, 3, true },
	{ "dup", op_dup, 1, true },
	{ "ioas_alloc", op_ioas_alloc, 8, true },
	{ "destroy", op_destroy, 7, true },
	{ "map", op_map, 22, true },
	{ "unmap", op_unmap, 12, true },
	{ "copy", op_copy, 5, true },
	{ "iova_ranges", op_iova_ranges, 2, true },
	{ "pasid_alloc", op_pasid_alloc, 4, true },
	{ "pasid_free", op_pasid_free, 3, true },
	{ "mock_create", op_mock_create, 4, true },
	{ "dev_close", op_dev_close, 2, true },
	{ "bind", op_bind, 6, true },
	{ "unbind", op_unbind, 3, true },
	{ "attach", op_attach, 9, true },
	{ "detach", op_detach, 4, true },
	{ "get_info", op_get_info, 2, true },
	{ "region_info", op_region_info, 1, true },
	{ "mock_dma", op_mock_dma, 12, true },
	{ "set_driver", op_set_driver, 1, true },
	{ "stats", op_stats, 1, true },
	{ "fail_pgtable", op_fail_pgtable, 1, false },
	{ "bad_ioctl", op_bad_ioctl, 1, true },
	{ "fork", op_fork, 1, false },
	{ "edu", op_edu, 3, false },
};
const int nopdefs = ARRAY_SIZE(opdefs);
