// SPDX-License-Identifier: GPL-2.0
/*
 * audit: allow everything, log every decision to the trace pipe
 *
 * Every hook answers "allowed" (group_viable repeats the kernel's verdict:
 * an audit policy relaxes nothing) and logs one line with bpf_printk, read
 * with `cat /sys/kernel/tracing/trace_pipe` (or bpftool prog tracelog).
 * The array map audit_calls, pinned at /sys/fs/bpf/ioasid/maps/audit_calls,
 * counts the calls per hook (index: device_attach, pasid_alloc,
 * group_viable, dma_map, dma_unmap, device_bind, device_unbind,
 * pasid_free).
 * quiet=1 counts without logging.
 */
#include "ioasid_policy.bpf.h"

const volatile bool quiet = false;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} audit_calls SEC(".maps");

static void count(__u32 hook)
{
	__u64 *n = bpf_map_lookup_elem(&audit_calls, &hook);

	if (n)
		__sync_fetch_and_add(n, 1);
}

#define LOG(fmt, args...) do { if (!quiet) bpf_printk("ioasid audit: " fmt, ##args); } while (0)

s32 IOASID_HOOK(audit_device_attach, const struct ioasid_policy_attach *a)
{
	count(0);
	LOG("device_attach ctx=%u dev=%u ioas=%u pasid=%u uid=%u tgid=%u allow",
	    a->ctx.id, a->device.dev_id, a->ioas_id, a->pasid, a->caller.uid,
	    a->caller.tgid);
	return 0;
}

s32 IOASID_HOOK(audit_pasid_alloc, const struct ioasid_policy_pasid *p)
{
	count(1);
	LOG("pasid_alloc ctx=%u min=%u max=%u owned=%u uid=%u allow",
	    p->ctx.id, p->min, p->max, p->nr_owned, p->caller.uid);
	return 0;
}

s32 IOASID_HOOK(audit_group_viable, const struct ioasid_policy_viability *v)
{
	count(2);
	LOG("group_viable ctx=%u group=%u members=%u kernel_viable=%u",
	    v->ctx.id, v->group.id, v->group.nr_members, v->kernel_viable);
	return v->kernel_viable ? 0 : -EPERM;
}

s32 IOASID_HOOK(audit_dma_map, const struct ioasid_policy_dma *d)
{
	count(3);
	LOG("dma_map ctx=%u ioas=%u iova=%llx length=%llu allow",
	    d->ctx.id, d->ioas_id, d->iova, d->length);
	return 0;
}

void IOASID_HOOK(audit_dma_unmap, const struct ioasid_policy_dma *d)
{
	count(4);
	LOG("dma_unmap ctx=%u ioas=%u iova=%llx length=%llu",
	    d->ctx.id, d->ioas_id, d->iova, d->length);
}

void IOASID_HOOK(audit_device_bind, const struct ioasid_policy_bind *b)
{
	count(5);
	LOG("device_bind ctx=%u dev=%u %04x:%04x group=%u",
	    b->ctx.id, b->device.dev_id, b->device.vendor, b->device.device,
	    b->group.id);
}

void IOASID_HOOK(audit_device_unbind, const struct ioasid_policy_bind *b)
{
	count(6);
	LOG("device_unbind ctx=%u dev=%u %04x:%04x group=%u",
	    b->ctx.id, b->device.dev_id, b->device.vendor, b->device.device,
	    b->group.id);
}

void IOASID_HOOK(audit_pasid_free, const struct ioasid_policy_pasid_free *f)
{
	count(7);
	LOG("pasid_free ctx=%u pasid=%u owned=%u uid=%u",
	    f->ctx.id, f->pasid, f->nr_owned, f->caller.uid);
}

SEC(".struct_ops.link")
struct ioasid_policy_ops audit = {
	.device_attach = (void *)audit_device_attach,
	.pasid_alloc = (void *)audit_pasid_alloc,
	.group_viable = (void *)audit_group_viable,
	.dma_map = (void *)audit_dma_map,
	.dma_unmap = (void *)audit_dma_unmap,
	.device_bind = (void *)audit_device_bind,
	.device_unbind = (void *)audit_device_unbind,
	.pasid_free = (void *)audit_pasid_free,
	.name = "audit",
};
