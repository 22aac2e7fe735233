// SPDX-License-Identifier: GPL-2.0
/*
 * unsafe: a test-only policy the verifier must refuse (not bundled)
 *
 * The hook's context is read-only: a policy must not change what the
 * kernel decides about, such as the group's member count it is shown.
 * Loading this object must fail with the verifier's EACCES.
 */
#include "ioasid_policy.bpf.h"

s32 IOASID_HOOK(unsafe_device_attach, struct ioasid_policy_attach *a)
{
	a->group.nr_members = 1;	/* refused: the context is read-only */
	return 0;
}

SEC(".struct_ops.link")
struct ioasid_policy_ops unsafe = {
	.device_attach = (void *)unsafe_device_attach,
	.name = "unsafe",
};
