// SPDX-License-Identifier: GPL-2.0
/*
 * scripted: a test-only policy whose answers the test writes (not bundled)
 *
 * Every deciding hook returns the value the test stored in .bss, in or
 * out of contract; notifications are counted.  The test changes answers
 * while the policy is attached, through libbpf's mmap of .bss.
 */
#include "ioasid_policy.bpf.h"

/*
 * Written and read by the test through libbpf's mmap of .bss (one struct,
 * so its layout is the test's struct scripted).
 */
struct scripted {
	s32 attach_ret, pasid_ret, viable_ret, map_ret;
	__u64 nr_unmap, nr_bind, nr_unbind, nr_pasid_free;
	/* What the last hooks saw. */
	__u32 last_kernel_viable, last_nr_members, last_pasid_max;
	__u64 last_cgroup, last_map_length, last_mapped_bytes;
	__u32 last_pasid_owned, last_tenant_pasids;
	__u64 last_tenant_mapped;
};
volatile struct scripted s;

s32 IOASID_HOOK(scripted_device_attach, const struct ioasid_policy_attach *a)
{
	s.last_nr_members = a->group.nr_members;
	return s.attach_ret;
}

s32 IOASID_HOOK(scripted_pasid_alloc, const struct ioasid_policy_pasid *p)
{
	s.last_pasid_max = p->max;
	s.last_cgroup = p->ctx.owner_cgroup_id;
	s.last_tenant_pasids = p->tenant_nr_owned;
	return s.pasid_ret;
}

s32 IOASID_HOOK(scripted_group_viable, const struct ioasid_policy_viability *v)
{
	s.last_kernel_viable = v->kernel_viable;
	s.last_nr_members = v->group.nr_members;
	return s.viable_ret;
}

s32 IOASID_HOOK(scripted_dma_map, const struct ioasid_policy_dma *d)
{
	s.last_map_length = d->length;
	s.last_mapped_bytes = d->ctx_mapped_bytes;
	s.last_tenant_mapped = d->tenant_mapped_bytes;
	return s.map_ret;
}

void IOASID_HOOK(scripted_dma_unmap, const struct ioasid_policy_dma *d)
{
	__sync_fetch_and_add(&s.nr_unmap, 1);
	s.last_tenant_mapped = d->tenant_mapped_bytes;
}

void IOASID_HOOK(scripted_device_bind, const struct ioasid_policy_bind *b)
{
	__sync_fetch_and_add(&s.nr_bind, 1);
}

void IOASID_HOOK(scripted_device_unbind, const struct ioasid_policy_bind *b)
{
	__sync_fetch_and_add(&s.nr_unbind, 1);
}

void IOASID_HOOK(scripted_pasid_free, const struct ioasid_policy_pasid_free *f)
{
	__sync_fetch_and_add(&s.nr_pasid_free, 1);
	s.last_pasid_owned = f->nr_owned;
	s.last_tenant_pasids = f->tenant_nr_owned;
}

SEC(".struct_ops.link")
struct ioasid_policy_ops scripted = {
	.device_attach = (void *)scripted_device_attach,
	.pasid_alloc = (void *)scripted_pasid_alloc,
	.group_viable = (void *)scripted_group_viable,
	.dma_map = (void *)scripted_dma_map,
	.dma_unmap = (void *)scripted_dma_unmap,
	.device_bind = (void *)scripted_device_bind,
	.device_unbind = (void *)scripted_device_unbind,
	.pasid_free = (void *)scripted_pasid_free,
	.name = "scripted",
};
