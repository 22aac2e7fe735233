// SPDX-License-Identifier: GPL-2.0
/*
 * singleton: attach only devices alone in their IOMMU group
 *
 * A device whose IOMMU group has other members (whatever their driver)
 * shares its DMA isolation with them: the whole group is attached at once.
 * This policy refuses such attaches with EPERM, so only devices with a
 * group of their own reach an IOAS.  With deny_at_bind=1 the group is also
 * declared not viable, so the device cannot even be bound (EBUSY).
 *
 *   ioasidctl policy load singleton [--set deny_at_bind=1]
 */
#include "ioasid_policy.bpf.h"

/* Knob: refuse at bind (group_viable) too, not only at attach. */
const volatile bool deny_at_bind = false;

s32 IOASID_HOOK(singleton_device_attach, const struct ioasid_policy_attach *a)
{
	return a->group.nr_members == 1 ? 0 : -EPERM;
}

s32 IOASID_HOOK(singleton_group_viable, const struct ioasid_policy_viability *v)
{
	if (!v->kernel_viable)
		return -EPERM;	/* tighten-only: never relax */
	if (deny_at_bind && v->group.nr_members != 1)
		return -EPERM;
	return 0;
}

SEC(".struct_ops.link")
struct ioasid_policy_ops singleton = {
	.device_attach = (void *)singleton_device_attach,
	.group_viable = (void *)singleton_group_viable,
	.name = "singleton",
};
