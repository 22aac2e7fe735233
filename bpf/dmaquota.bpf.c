// SPDX-License-Identifier: GPL-2.0
/*
 * dmaquota: DMA-mapped bytes per tenant cgroup, over quota gets EDQUOT
 *
 * The tenant of a context is the cgroup v2 of the task that opened
 * /dev/ioasid (ctx.owner_cgroup_id); all its contexts share one quota of
 * bytes mapped in paging IOAS (nested IOAS pin nothing and are not
 * counted).  The quota is default_quota (bytes; 0: unlimited) unless the
 * hash map dma_quota, pinned at /sys/fs/bpf/ioasid/maps/dma_quota, holds an
 * override for the tenant:
 *
 *   key   u64 cgroup id         value u64 bytes (0: unlimited)
 *
 * The map dma_used (u64 cgroup id -> u64 bytes) shows what each tenant
 * has mapped.  It is kept exact from the kernel's per-context byte count
 * that every dma_map and dma_unmap call carries; a mapping the policy
 * allowed but the kernel then refused stays charged until that context
 * maps or unmaps again.
 *
 *   ioasidctl policy load dmaquota --set default_quota=268435456
 */
#include "ioasid_policy.bpf.h"
#include "tenant_count.bpf.h"

const volatile __u64 default_quota = 1ULL << 30;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u64);
} dma_quota SEC(".maps");

/* dma_used: cgroup id -> bytes mapped; ctx_charged: per context. */
TENANT_COUNT_MAPS(dma_used, ctx_charged);

/* Make the charge of context @c, of tenant @cg, @bytes: the tenant's total. */
static __u64 *charge(__u32 c, __u64 cg, __u64 bytes)
{
	return tenant_count_set(&dma_used, &ctx_charged, c, cg, bytes);
}

s32 IOASID_HOOK(dmaquota_dma_map, const struct ioasid_policy_dma *d)
{
	__u64 cg = d->ctx.owner_cgroup_id, quota = default_quota, *q, *used;

	if (d->nested)
		return 0;
	q = bpf_map_lookup_elem(&dma_quota, &cg);
	if (q)
		quota = *q;
	/* What the context has is exact; bring the tenant's total in line. */
	used = charge(d->ctx.id, cg, d->ctx_mapped_bytes);
	if (quota && (!used || *used + d->length > quota ||
		      *used + d->length < *used))
		return -EDQUOT;
	/* Charge the new mapping now: a sibling context may map next. */
	charge(d->ctx.id, cg, d->ctx_mapped_bytes + d->length);
	return 0;
}

void IOASID_HOOK(dmaquota_dma_unmap, const struct ioasid_policy_dma *d)
{
	if (d->nested)
		return;
	charge(d->ctx.id, d->ctx.owner_cgroup_id,
	       d->ctx_mapped_bytes - d->length);
}

SEC(".struct_ops.link")
struct ioasid_policy_ops dmaquota = {
	.dma_map = (void *)dmaquota_dma_map,
	.dma_unmap = (void *)dmaquota_dma_unmap,
	.name = "dmaquota",
};
