/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tenants: the contexts opened from one cgroup, and what they hold
 * together (tenant.c).  Policies that limit a tenant (a DMA quota, a PASID
 * quota) are handed these totals with every decision, exact and up to
 * date, instead of keeping per-context tables of their own in sync.
 */
#ifndef _IOASID_TENANT_H
#define _IOASID_TENANT_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/types.h>

/**
 * struct ioasid_tenant - the contexts whose opener was in one cgroup
 * @cgroup_id: that cgroup v2's id (&ioasid_policy_context.owner_cgroup_id)
 * @node: in the tenant table; under ioasid_tenant_lock
 * @nr_ctxs: contexts of the tenant; under ioasid_tenant_lock
 * @mapped_bytes: bytes mapped in their paging IOAS, maps being decided
 *	or made included (reserved before the policy is asked, so that
 *	contexts mapping at once see each other)
 * @nr_pasids: PASIDs they own, allocations in flight included, likewise
 */
struct ioasid_tenant {
	u64 cgroup_id;
	struct hlist_node node;
	unsigned int nr_ctxs;
	atomic64_t mapped_bytes;
	atomic_t nr_pasids;
};

struct ioasid_tenant *ioasid_tenant_get(u64 cgroup_id);
void ioasid_tenant_put(struct ioasid_tenant *t);
unsigned int ioasid_tenant_nr_ctxs(struct ioasid_tenant *t);

/* Reserve @bytes of mapping: the total before.  Undone by _unmapped(). */
static inline u64 ioasid_tenant_map(struct ioasid_tenant *t, u64 bytes)
{
	return atomic64_fetch_add(bytes, &t->mapped_bytes);
}

/* @bytes were unmapped (or a reservation failed): the total before. */
static inline u64 ioasid_tenant_unmapped(struct ioasid_tenant *t, u64 bytes)
{
	return atomic64_fetch_sub(bytes, &t->mapped_bytes);
}

#endif /* _IOASID_TENANT_H */
