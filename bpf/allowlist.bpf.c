// SPDX-License-Identifier: GPL-2.0
/*
 * allowlist: attach only devices whose vendor:device or BDF is allowed
 *
 * Two hash maps, pinned by ioasidctl under /sys/fs/bpf/ioasid/maps/, hold
 * what may attach; both start empty, so everything is refused (EPERM) until
 * an operator fills them:
 *
 *   allowed_ids   key u32 (vendor << 16) | device      value u8 (non-zero)
 *   allowed_bdfs  key u32 (segment << 16) | (bus << 8) | devfn  value u8
 *
 * Keys are host-endian (little-endian on x86) for bpftool, e.g. qemu's
 * edu 1234:11e8 and the device at 0000:02:01.0:
 *
 *   bpftool map update pinned /sys/fs/bpf/ioasid/maps/allowed_ids \
 *           key 0xe8 0x11 0x34 0x12 value 1
 *   bpftool map update pinned /sys/fs/bpf/ioasid/maps/allowed_bdfs \
 *           key 0x08 0x02 0x00 0x00 value 1
 *
 * Knobs: allow_id=0xVVVVDDDD allows one vendor:device without the map;
 * allow_mock=1 lets mock devices (test interface) attach; at_bind=1 also
 * refuses to bind a device that is not allowed (group_viable: EBUSY).
 */
#include "ioasid_policy.bpf.h"

const volatile __u32 allow_id = 0;
const volatile bool allow_mock = false;
const volatile bool at_bind = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u8);
} allowed_ids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u8);
} allowed_bdfs SEC(".maps");

static bool allowed(const struct ioasid_policy_device *d)
{
	__u32 id = (__u32)d->vendor << 16 | d->device;
	__u32 bdf = (__u32)d->segment << 16 | (__u32)d->bus << 8 | d->devfn;
	__u8 *v;

	if (d->flags & IOASID_DEVICE_INFO_MOCK)
		return allow_mock;
	if (allow_id && id == allow_id)
		return true;
	v = bpf_map_lookup_elem(&allowed_ids, &id);
	if (v && *v)
		return true;
	v = bpf_map_lookup_elem(&allowed_bdfs, &bdf);
	return v && *v;
}

s32 IOASID_HOOK(allowlist_device_attach, const struct ioasid_policy_attach *a)
{
	return allowed(&a->device) ? 0 : -EPERM;
}

s32 IOASID_HOOK(allowlist_group_viable, const struct ioasid_policy_viability *v)
{
	if (!v->kernel_viable)
		return -EPERM;
	if (at_bind && !allowed(&v->device))
		return -EPERM;
	return 0;
}

SEC(".struct_ops.link")
struct ioasid_policy_ops allowlist = {
	.device_attach = (void *)allowlist_device_attach,
	.group_viable = (void *)allowlist_group_viable,
	.name = "allowlist",
};
