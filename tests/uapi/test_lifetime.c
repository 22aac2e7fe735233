// SPDX-License-Identifier: GPL-2.0
/*
 * Object lifetime: the reproductions of the races that corrupted the
 * kernel, as tests.  Each one asserts the exact outcome the rule of
 * context.c promises (destroy decided once; an object is visible only once
 * nothing can fail; a group's domain serves every attached member), so
 * that the old behaviour fails an assertion here, and the kernel-log check
 * at the end of the run catches what the old behaviour did to the kernel.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ioas_util.h"

#define ROUNDS	300

/* --- two destroys of one IOAS -------------------------------------------- */

struct destroy_race {
	int ctx;
	pthread_barrier_t go, done;
	atomic_uint ioas;
	atomic_bool stop;
	int rc[2];
};

static void *destroyer(void *arg, int slot)
{
	struct destroy_race *r = arg;

	for (int i = 0; i < ROUNDS; i++) {
		pthread_barrier_wait(&r->go);
		r->rc[slot] = obj_destroy(r->ctx, atomic_load(&r->ioas));
		pthread_barrier_wait(&r->done);
	}
	return NULL;
}

static void *destroyer0(void *arg) { return destroyer(arg, 0); }
static void *destroyer1(void *arg) { return destroyer(arg, 1); }

/* Keeps the IOAS busy: short-term users the destroy must wait for. */
static void *unmapper(void *arg)
{
	struct destroy_race *r = arg;

	while (!atomic_load(&r->stop)) {
		struct ioasid_ioas_unmap u = {
			.size = sizeof(u), .flags = IOASID_IOAS_UNMAP_ALL,
			.ioas_id = atomic_load(&r->ioas),
		};
		int rc = ioc(r->ctx, IOASID_IOAS_UNMAP, &u);

		if (rc && rc != -ENOENT)
			return (void *)(long)rc;
	}
	return NULL;
}

Test(lifetime, two_destroys_of_one_ioas_succeed_once)
{
	struct destroy_race r = { .ctx = ioasid_open() };
	uint8_t *buf = pbuf(4 * PG, 1);
	pthread_t t[3];
	void *urc;

	pthread_barrier_init(&r.go, NULL, 3);
	pthread_barrier_init(&r.done, NULL, 3);
	atomic_store(&r.ioas, ioas_new(r.ctx));
	cr_assert_eq(pthread_create(&t[0], NULL, destroyer0, &r), 0);
	cr_assert_eq(pthread_create(&t[1], NULL, destroyer1, &r), 0);
	cr_assert_eq(pthread_create(&t[2], NULL, unmapper, &r), 0);
	for (int i = 0; i < ROUNDS; i++) {
		cr_assert_eq(map_at(r.ctx, atomic_load(&r.ioas),
				    (uintptr_t)buf, 4 * PG, 0x100000, RW), 0);
		pthread_barrier_wait(&r.go);
		pthread_barrier_wait(&r.done);
		/* Exactly one of the two removed it; the other found none. */
		cr_assert((r.rc[0] == 0 && r.rc[1] == -ENOENT) ||
			  (r.rc[1] == 0 && r.rc[0] == -ENOENT),
			  "round %d: destroys returned %d and %d", i, r.rc[0],
			  r.rc[1]);
		cr_assert_eq(test_stats().out_ioas, 0, "round %d", i);
		atomic_store(&r.ioas, ioas_new(r.ctx));
	}
	atomic_store(&r.stop, true);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], i == 2 ? &urc : NULL);
	cr_assert_null(urc, "unmap failed with %ld", (long)urc);
	close(r.ctx);
	cr_assert_eq(test_stats().out_ioas, 0);
	cr_assert_eq(test_stats().out_pinned_pages, 0);
	munmap(buf, 4 * PG);
}

Test(lifetime, destroy_while_mapped_returns_every_pin)
{
	int ctx = ioasid_open();
	uint8_t *buf = pbuf(16 * PG, 2);
	uint32_t ioas = ioas_new(ctx);

	cr_assert_eq(map_at(ctx, ioas, (uintptr_t)buf, 16 * PG, 0, RW), 0);
	cr_assert_eq(test_stats().out_pinned_pages, 16);
	cr_assert_eq(obj_destroy(ctx, ioas), 0);
	/* Decided and done by the time DESTROY returns. */
	cr_assert_eq(test_stats().out_pinned_pages, 0);
	cr_assert_eq(obj_destroy(ctx, ioas), -ENOENT);
	close(ctx);
	munmap(buf, 16 * PG);
}

/* --- an id nobody may see before it is final ------------------------------ */

struct early {
	int ctx;
	atomic_uint guess;
	atomic_bool stop;
	atomic_uint seen;
	bool pasid;
};

/* Destroys (or frees) whatever id the allocator is about to hand out. */
static void *snatcher(void *arg)
{
	struct early *e = arg;

	while (!atomic_load(&e->stop)) {
		uint32_t id = atomic_load(&e->guess);
		int rc = e->pasid ? pasid_free(e->ctx, id) :
				    obj_destroy(e->ctx, id);

		if (rc == 0)
			atomic_fetch_add(&e->seen, 1);
	}
	return NULL;
}

/* A page user space may read but not write: every reply faults. */
static void *ro_page(void)
{
	void *p = mmap(NULL, PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	cr_assert_neq(p, MAP_FAILED);
	return p;
}

Test(lifetime, ioas_alloc_with_unwritable_reply_is_never_visible)
{
	struct early e = { .ctx = ioasid_open() };
	struct ioasid_ioas_alloc *a = ro_page();
	uint32_t first = ioas_new(e.ctx);
	pthread_t t;

	a->size = sizeof(*a);
	cr_assert_eq(mprotect(a, PG, PROT_READ), 0);
	cr_assert_eq(pthread_create(&t, NULL, snatcher, &e), 0);
	for (int i = 0; i < ROUNDS * 4; i++) {
		/* Ids are handed out in order: the next one is first + 1. */
		atomic_store(&e.guess, first + 1);
		cr_assert_eq(ioc(e.ctx, IOASID_IOAS_ALLOC, a), -EFAULT);
	}
	atomic_store(&e.stop, true);
	pthread_join(t, NULL);
	cr_assert_eq(atomic_load(&e.seen), 0,
		     "an IOAS whose id never reached user space was destroyed %u times",
		     atomic_load(&e.seen));
	cr_assert_eq(test_stats().out_ioas, 1);
	/* The id was given back: the next IOAS gets it. */
	cr_assert_eq(ioas_new(e.ctx), first + 1);
	close(e.ctx);
	cr_assert_eq(test_stats().out_ioas, 0);
	munmap(a, PG);
}

Test(lifetime, pasid_alloc_with_unwritable_reply_is_never_visible)
{
	struct early e = { .ctx = ioasid_open(), .pasid = true };
	struct ioasid_pasid_alloc *a = ro_page();
	const uint32_t want = 0x7f000;
	pthread_t t;

	/* A one-PASID range: the value is known before the reply. */
	a->size = sizeof(*a);
	a->min = want;
	a->max = want;
	cr_assert_eq(mprotect(a, PG, PROT_READ), 0);
	atomic_store(&e.guess, want);
	cr_assert_eq(pthread_create(&t, NULL, snatcher, &e), 0);
	for (int i = 0; i < ROUNDS * 4; i++)
		cr_assert_eq(ioc(e.ctx, IOASID_PASID_ALLOC, a), -EFAULT);
	atomic_store(&e.stop, true);
	pthread_join(t, NULL);
	cr_assert_eq(atomic_load(&e.seen), 0,
		     "a PASID that never reached user space was freed %u times",
		     atomic_load(&e.seen));
	cr_assert_eq(test_stats().out_pasids, 0);
	/* Given back whole: this context (or any other) can have it now. */
	cr_assert_eq(pasid_alloc(e.ctx, want, want, NULL), 0);
	cr_assert_eq(pasid_free(e.ctx, want), 0);
	close(e.ctx);
	munmap(a, PG);
}

Test(lifetime, map_with_unwritable_reply_maps_nothing)
{
	int ctx = ioasid_open();
	uint8_t *buf = pbuf(4 * PG, 3);
	struct ioasid_ioas_map *m = ro_page();
	uint32_t ioas = ioas_new(ctx);

	*m = (struct ioasid_ioas_map){
		.size = sizeof(*m), .flags = RW, .ioas_id = ioas,
		.user_va = (uintptr_t)buf, .length = 4 * PG,
	};
	cr_assert_eq(mprotect(m, PG, PROT_READ), 0);
	cr_assert_eq(ioc(ctx, IOASID_IOAS_MAP, m), -EFAULT);
	cr_assert_eq(test_stats().out_pinned_pages, 0);
	cr_assert_eq(unmap_all(ctx, ioas, NULL), 0);
	close(ctx);
	munmap(m, PG);
	munmap(buf, 4 * PG);
}

Test(lifetime, bind_with_unwritable_reply_binds_nothing)
{
	int ctx = ioasid_open();
	struct mock d = mock_new(0);
	struct ioasid_device_bind *b = ro_page();

	b->size = sizeof(*b);
	b->ioasid_fd = ctx;
	cr_assert_eq(mprotect(b, PG, PROT_READ), 0);
	cr_assert_eq(ioc(d.fd, IOASID_DEVICE_BIND, b), -EFAULT);
	cr_assert_eq(dev_info(d.fd).out_flags & IOASID_DEVICE_INFO_BOUND, 0);
	/* Nothing holds the group: a second context may have it. */
	{
		int other = ioasid_open();

		cr_assert_eq(dev_bind(d.fd, other, NULL), 0);
		cr_assert_eq(dev_unbind(d.fd), 0);
		close(other);
	}
	close(d.fd);
	close(ctx);
	munmap(b, PG);
}

/* --- destroy of what is in use ------------------------------------------- */

Test(lifetime, attached_and_parent_ioas_are_ebusy_until_released)
{
	int ctx = ioasid_open();
	struct mock d = mock_new(0);
	uint32_t parent = ioas_new(ctx), child = ioas_new_nested(ctx, parent);

	cr_assert_eq(dev_bind(d.fd, ctx, NULL), 0);
	cr_assert_eq(dev_attach(d.fd, child), 0);
	cr_assert_eq(obj_destroy(ctx, parent), -EBUSY);
	cr_assert_eq(obj_destroy(ctx, child), -EBUSY);
	cr_assert_eq(dev_detach(d.fd), 0);
	cr_assert_eq(obj_destroy(ctx, parent), -EBUSY);
	cr_assert_eq(obj_destroy(ctx, child), 0);
	cr_assert_eq(obj_destroy(ctx, parent), 0);
	cr_assert_eq(test_stats().out_ioas, 0);
	close(d.fd);
	close(ctx);
}

Test(lifetime, attach_racing_destroy_never_attaches_a_destroyed_ioas)
{
	int ctx = ioasid_open();
	struct mock d = mock_new(0);

	cr_assert_eq(dev_bind(d.fd, ctx, NULL), 0);
	for (int i = 0; i < ROUNDS; i++) {
		uint32_t ioas = ioas_new(ctx);
		pid_t pid = fork();
		int rc;

		cr_assert_neq(pid, -1);
		if (pid == 0)
			_exit(obj_destroy(ctx, ioas) ? 1 : 0);
		rc = dev_attach(d.fd, ioas);
		cr_assert_eq(waitpid(pid, NULL, 0), pid);
		/* Either the attach won (destroy refused) or found nothing. */
		if (rc == 0) {
			cr_assert_eq(dev_info(d.fd).out_ioas_id, ioas);
			cr_assert_eq(dev_detach(d.fd), 0);
			cr_assert_eq(obj_destroy(ctx, ioas), 0);
		} else {
			cr_assert_eq(rc, -ENOENT, "round %d: attach %d", i, rc);
			cr_assert_eq(dev_info(d.fd).out_ioas_id, 0);
		}
		cr_assert_eq(test_stats().out_ioas, 0, "round %d", i);
	}
	close(d.fd);
	close(ctx);
}

/* --- a group of two mock devices ------------------------------------------- */

Test(lifetime, group_members_share_the_domain_in_any_detach_order)
{
	int ctx = ioasid_open();
	struct mock a = mock_new(0);
	struct mock b = mock_join(a.group_id, 0);
	uint8_t *buf = pbuf(2 * PG, 4);
	uint8_t out[2 * PG];
	uint32_t ioas = ioas_new(ctx);

	cr_assert_eq(map_at(ctx, ioas, (uintptr_t)buf, 2 * PG, 0x40000, RW), 0);
	cr_assert_eq(dev_bind(a.fd, ctx, NULL), 0);
	cr_assert_eq(dev_bind(b.fd, ctx, NULL), 0);
	cr_assert_eq(dev_attach(a.fd, ioas), 0);
	cr_assert_eq(dev_attach(b.fd, ioas), 0);
	assert_reads(a.fd, 0x40000, buf, 2 * PG);
	assert_reads(b.fd, 0x40000, buf, 2 * PG);

	/* The first to attach detaches first: the group stays attached. */
	cr_assert_eq(dev_detach(a.fd), 0);
	cr_assert(dev_info(b.fd).out_flags & IOASID_DEVICE_INFO_ATTACHED);
	assert_reads(b.fd, 0x40000, buf, 2 * PG);
	cr_assert_eq(dma_rd(a.fd, 0x40000, out, PG, NULL, NULL),
		     IOASID_MOCK_FAULT_DETACHED, "A detached but still DMAs");

	/* The last one out blocks the group for both. */
	cr_assert_eq(dev_detach(b.fd), 0);
	cr_assert_eq(dma_rd(a.fd, 0x40000, out, PG, NULL, NULL),
		     IOASID_MOCK_FAULT_DETACHED);
	cr_assert_eq(dma_rd(b.fd, 0x40000, out, PG, NULL, NULL),
		     IOASID_MOCK_FAULT_DETACHED);

	/* And in the other order, with unbind and close doing the detach. */
	cr_assert_eq(dev_attach(b.fd, ioas), 0);
	cr_assert_eq(dev_attach(a.fd, ioas), 0);
	cr_assert_eq(dev_unbind(b.fd), 0);
	assert_reads(a.fd, 0x40000, buf, 2 * PG);
	close(b.fd);
	assert_reads(a.fd, 0x40000, buf, 2 * PG);
	close(a.fd);
	close(ctx);
	cr_assert_eq(test_stats().out_pinned_pages, 0);
	cr_assert_eq(test_stats().out_mock_devices, 0);
	munmap(buf, 2 * PG);
}

/* --- errnos the header promises ------------------------------------------ */

Test(lifetime, attach_with_pasid_but_no_flag_is_eopnotsupp)
{
	int ctx = ioasid_open();
	struct mock d = mock_new(IOASID_MOCK_PASID);
	struct ioasid_device_attach at = {
		.size = sizeof(at), .ioas_id = ioas_new(ctx), .pasid = 5,
	};

	cr_assert_eq(dev_bind(d.fd, ctx, NULL), 0);
	cr_assert_eq(ioc(d.fd, IOASID_DEVICE_ATTACH, &at), -EOPNOTSUPP);
	cr_assert_eq(dev_info(d.fd).out_ioas_id, 0);
	close(d.fd);
	close(ctx);
}

Test(lifetime, attach_judges_the_device_before_the_pasid)
{
	int ctx = ioasid_open();
	struct mock plain = mock_new(0), capable = mock_new(IOASID_MOCK_PASID);
	uint32_t ioas = ioas_new(ctx);

	/* PASID 0 is outside the space, but the device is looked at first. */
	cr_assert_eq(dev_attach_pasid(capable.fd, ioas, 0), -EINVAL,
		     "unbound");
	cr_assert_eq(dev_bind(plain.fd, ctx, NULL), 0);
	cr_assert_eq(dev_attach_pasid(plain.fd, ioas, 0), -EOPNOTSUPP,
		     "no PASID support");
	cr_assert_eq(dev_bind(capable.fd, ctx, NULL), 0);
	cr_assert_eq(dev_attach_pasid(capable.fd, ioas, 0), -EACCES,
		     "no context owns PASID 0");
	close(plain.fd);
	close(capable.fd);
	close(ctx);
}
