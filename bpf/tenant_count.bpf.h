/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-tenant totals kept exact from per-context counts, for policies that
 * limit what a tenant (the cgroup that opened /dev/ioasid) holds across
 * all its contexts.  Hooks are told what their context holds (bytes
 * mapped, PASIDs owned), exactly; the policy records that per context
 * and moves the tenant's total by the difference, so a total that went
 * wrong (an allowed operation the kernel then refused) is put right at
 * that context's next call.
 *
 *   TENANT_COUNT_MAPS(dma_used, ctx_charged);
 *   total = tenant_count_set(&dma_used, &ctx_charged, ctx, cgroup, bytes);
 */
#ifndef __TENANT_COUNT_BPF_H
#define __TENANT_COUNT_BPF_H

/* What one context holds, and whose it is. */
struct tenant_ctx_count {
	__u64 cgroup_id;
	__u64 n;
};

/* @total: cgroup id -> total; @per_ctx: context id -> its count. */
#define TENANT_COUNT_MAPS(total, per_ctx)				\
	struct {							\
		__uint(type, BPF_MAP_TYPE_HASH);			\
		__uint(max_entries, 4096);				\
		__type(key, __u64);					\
		__type(value, __u64);					\
	} total SEC(".maps");						\
	struct {							\
		__uint(type, BPF_MAP_TYPE_HASH);			\
		__uint(max_entries, 65536);				\
		__type(key, __u32);					\
		__type(value, struct tenant_ctx_count);			\
	} per_ctx SEC(".maps")

/*
 * Make context @ctx of tenant @cg hold @n; returns the tenant's total
 * (NULL if the maps are full).  A context holding nothing leaves @per_ctx.
 */
static __always_inline __u64 *tenant_count_set(void *total, void *per_ctx,
					       __u32 ctx, __u64 cg, __u64 n)
{
	struct tenant_ctx_count fresh = { .cgroup_id = cg }, *c;
	__u64 zero = 0, *sum;

	sum = bpf_map_lookup_elem(total, &cg);
	if (!sum) {
		bpf_map_update_elem(total, &cg, &zero, BPF_NOEXIST);
		sum = bpf_map_lookup_elem(total, &cg);
		if (!sum)
			return NULL;
	}
	c = bpf_map_lookup_elem(per_ctx, &ctx);
	if (!c) {
		if (!n)
			return sum;
		bpf_map_update_elem(per_ctx, &ctx, &fresh, BPF_NOEXIST);
		c = bpf_map_lookup_elem(per_ctx, &ctx);
		if (!c)
			return sum;
	}
	__sync_fetch_and_add(sum, n - c->n);
	c->n = n;
	if (!n)
		bpf_map_delete_elem(per_ctx, &ctx);
	return sum;
}

#endif /* __TENANT_COUNT_BPF_H */
