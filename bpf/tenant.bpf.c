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
 * EPERM.  A tenant holding max_pasids PASIDs already, in all its contexts
 * together: EDQUOT (0: no quota).  The kernel hands every pasid_alloc call
 * what the tenant owns (tenant_nr_owned: exact, allocations of its other
 * contexts at the same time included), so this policy keeps no count and
 * needs no pasid_free hook; `ioasidctl ctx list` shows each tenant's
 * PASIDs (tenant_nr_pasids).
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
	__u32 max_pasids;	/* per tenant; 0: no quota */
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

/*
 * 0 (the kernel picks), a PASID of the tenant's range, or -EPERM: where
 * the PASID comes from, quota aside.
 */
static s32 pick(const struct ioasid_policy_pasid *req, const struct tenant *t)
{
	__u64 cg = req->ctx.owner_cgroup_id;
	__u32 lo, hi, tmin, tmax, p, *cur;

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

s32 IOASID_HOOK(tenant_pasid_alloc, const struct ioasid_policy_pasid *req)
{
	__u64 cg = req->ctx.owner_cgroup_id;
	struct tenant *t = bpf_map_lookup_elem(&tenants, &cg);
	__u32 quota;

	if (!t && deny_unknown)
		return -EPERM;
	quota = t ? t->max_pasids : default_max_pasids;
	if (quota && req->tenant_nr_owned >= quota)
		return -EDQUOT;
	return t ? pick(req, t) : 0;
}

SEC(".struct_ops.link")
struct ioasid_policy_ops tenant = {
	.pasid_alloc = (void *)tenant_pasid_alloc,
	.name = "tenant",
};
