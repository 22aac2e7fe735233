// SPDX-License-Identifier: GPL-2.0
/*
 * The tenant table: one &struct ioasid_tenant per cgroup that has
 * contexts open, found by cgroup id when a context opens and freed when
 * the last of them is released.  Opening and releasing contexts is rare
 * next to the map and PASID calls that read the totals, so one mutex
 * guards the table and the counts of contexts; the totals are atomics
 * that the contexts move themselves (ioas.c, pasid.c).
 */
#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "tenant.h"

/* Guards ioasid_tenants and every &ioasid_tenant.nr_ctxs. */
static DEFINE_MUTEX(ioasid_tenant_lock);
static DEFINE_HASHTABLE(ioasid_tenants, 6);

/**
 * ioasid_tenant_get() - the tenant of a cgroup, for a context opening
 * @cgroup_id: the opener's cgroup v2 id
 *
 * Return: the tenant, counting one more context, or ERR_PTR(-ENOMEM).
 */
struct ioasid_tenant *ioasid_tenant_get(u64 cgroup_id)
{
	struct ioasid_tenant *t;

	mutex_lock(&ioasid_tenant_lock);
	hash_for_each_possible(ioasid_tenants, t, node, cgroup_id)
		if (t->cgroup_id == cgroup_id)
			goto found;
	t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t) {
		mutex_unlock(&ioasid_tenant_lock);
		return ERR_PTR(-ENOMEM);
	}
	t->cgroup_id = cgroup_id;
	hash_add(ioasid_tenants, &t->node, cgroup_id);
found:
	t->nr_ctxs++;
	mutex_unlock(&ioasid_tenant_lock);
	return t;
}

/**
 * ioasid_tenant_put() - a context of the tenant is gone
 * @t: the tenant; the context mapped nothing and owned no PASID any more
 */
void ioasid_tenant_put(struct ioasid_tenant *t)
{
	mutex_lock(&ioasid_tenant_lock);
	if (--t->nr_ctxs) {
		mutex_unlock(&ioasid_tenant_lock);
		return;
	}
	hash_del(&t->node);
	mutex_unlock(&ioasid_tenant_lock);
	/* Whatever its contexts held they gave back: a leak shows here. */
	WARN_ON_ONCE(atomic64_read(&t->mapped_bytes) ||
		     atomic_read(&t->nr_pasids));
	kfree(t);
}

/**
 * ioasid_tenant_nr_ctxs() - how many contexts a tenant has, for introspection
 * @t: the tenant, kept alive by a context of it
 *
 * Return: the count.
 */
unsigned int ioasid_tenant_nr_ctxs(struct ioasid_tenant *t)
{
	unsigned int n;

	mutex_lock(&ioasid_tenant_lock);
	n = t->nr_ctxs;
	mutex_unlock(&ioasid_tenant_lock);
	return n;
}
