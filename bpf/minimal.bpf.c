// SPDX-License-Identifier: GPL-2.0
/*
 * minimal: at most max_pasids PASIDs per context (the smallest policy)
 *
 * Each /dev/ioasid context may own at most max_pasids PASIDs; further
 * allocations fail with EDQUOT.  A starting point for writing policies.
 *
 *   ioasidctl policy load minimal --set max_pasids=4
 */
#include "ioasid_policy.bpf.h"

/* Knob, set before load (ioasidctl --set max_pasids=N). */
const volatile __u32 max_pasids = 2;

s32 IOASID_HOOK(minimal_pasid_alloc, const struct ioasid_policy_pasid *req)
{
	if (req->nr_owned >= max_pasids)
		return -EDQUOT;
	return 0;	/* the kernel picks the PASID */
}

SEC(".struct_ops.link")
struct ioasid_policy_ops minimal = {
	.pasid_alloc = (void *)minimal_pasid_alloc,
	.name = "minimal",
};
