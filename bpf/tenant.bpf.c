// SPDX-License-Identifier: GPL-2.0
/*
 * tenant: per-cgroup PASID ranges and PASID quotas
 *
 * The tenant of a /dev/ioasid context is the cgroup v2 of the task that
 * opened it (ctx.owner_cgroup_id).  The hash map tenants, pinned by
 * ioasidctl at /sys/fs/bpf/ioasid/maps/tenants, gives each tenant:
 *
 *   key   u64 cgroup id (the inode number of its /sys/fs/cgroup directory)
 *   value struct tenant { u32 pasid_min, pasid_max, max_pasids, flags; }
 *
 * A PASID allocation of a tenant gets a PASID inside [pasid_min,
 * pasid_max]: when the caller's [min, max] already lies inside, the kernel
 * picks a free one; otherwise this policy picks one in the overlap (a
 * cursor per tenant; a PASID already taken fails that allocation with
 * EBUSY and the next one tries the following PASID).  No overlap at all:
 * EPERM.  A context owning max_pasids PASIDs already: EDQUOT (0: no quota).
 * The quota counts PASIDs per context: the policy ABI has no notification
 * of PASID frees to count them per tenant.
 *
 * Tenants not in the map get the kernel's defaults, or EPERM with
 * deny_unknown=1.  default_max_pasids (0: none) is their quota otherwise.
 *
 *   ioasidctl policy load tenant --set deny_unknown=1
 *   bpftool map update pinned /sys/fs/bpf/ioasid/maps/tenants \
 *           key hex <cgroup id, 8 bytes LE> value hex <16 bytes LE>
 */
#include "ioasid_policy.bpf.h"

const volatile bool deny_unknown = false;
const volatile __u32 default_max_pasids = 0;

struct tenant {
	__u32 pasid_min;	/* 0: IOASID_PASID_MIN */
	__u32 pasid_max;	/* 0: IOASID_PASID_MAX */
	__u32 max_pasids;	/* per context; 0: no quota */
	__u32 flags;		/* zero */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct tenant);
} tenants SEC(".maps");

/* Next PASID to try, per tenant, when this policy picks one. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u32);
} tenant_cursor SEC(".maps");

#define PASID_MIN	1
#define PASID_MAX	((1U << 20) - 1)

s32 IOASID_HOOK(tenant_pasid_alloc, const struct ioasid_policy_pasid *req)
{
	__u64 cg = req->ctx.owner_cgroup_id;
	struct tenant *t = bpf_map_lookup_elem(&tenants, &cg);
	__u32 lo, hi, tmin, tmax, p, *cur;

	if (!t) {
		if (deny_unknown)
			return -EPERM;
		if (default_max_pasids && req->nr_owned >= default_max_pasids)
			return -EDQUOT;
		return 0;
	}
	if (t->max_pasids && req->nr_owned >= t->max_pasids)
		return -EDQUOT;
	tmin = t->pasid_min ?: PASID_MIN;
	tmax = t->pasid_max ?: PASID_MAX;
	if (req->min >= tmin && req->max <= tmax)
		return 0;	/* the kernel picks inside the range */
	lo = req->min > tmin ? req->min : tmin;
	hi = req->max < tmax ? req->max : tmax;
	if (lo > hi)
		return -EPERM;	/* nothing the caller accepts is the tenant's */

	cur = bpf_map_lookup_elem(&tenant_cursor, &cg);
	p = cur ? *cur : lo;
	if (p < lo || p > hi)
		p = lo;
	lo = p + 1;	/* the next try */
	bpf_map_update_elem(&tenant_cursor, &cg, &lo, BPF_ANY);
	return p;
}

SEC(".struct_ops.link")
struct ioasid_policy_ops tenant = {
	.pasid_alloc = (void *)tenant_pasid_alloc,
	.name = "tenant",
};
