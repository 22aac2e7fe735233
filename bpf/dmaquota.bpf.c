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
 * The kernel hands every dma_map call what the tenant has mapped already
 * (tenant_mapped_bytes: exact, maps of its other contexts being made at
 * the same time included), so this policy keeps no count of its own and
 * needs no dma_unmap hook: one hook call and one map lookup per map.
 * `ioasidctl ctx list` shows what each tenant has mapped
 * (tenant_mapped_bytes).
 *
 *   ioasidctl policy load dmaquota --set default_quota=268435456
 */
#include "ioasid_policy.bpf.h"

const volatile __u64 default_quota = 1ULL << 30;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u64);
} dma_quota SEC(".maps");

s32 IOASID_HOOK(dmaquota_dma_map, const struct ioasid_policy_dma *d)
{
	__u64 cg = d->ctx.owner_cgroup_id, quota = default_quota, *q;
	__u64 after = d->tenant_mapped_bytes + d->length;

	if (d->nested)
		return 0;
	q = bpf_map_lookup_elem(&dma_quota, &cg);
	if (q)
		quota = *q;
	if (quota && (after > quota || after < d->length))
		return -EDQUOT;
	return 0;
}

SEC(".struct_ops.link")
struct ioasid_policy_ops dmaquota = {
	.dma_map = (void *)dmaquota_dma_map,
	.name = "dmaquota",
};
