/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy ABI: struct ioasid_policy_ops and the read-only contexts its
 * hooks receive.  BPF policies see these types through the module's BTF
 * (bpf/ generates a header from it); nothing here is uAPI in the ioctl sense,
 * but field names are kept stable the way sched_ext keeps its ops stable.
 */
#ifndef _IOASID_POLICY_H
#define _IOASID_POLICY_H

#include <linux/sched.h>
#include <linux/types.h>

#define IOASID_POLICY_NAME_LEN	32

/**
 * struct ioasid_policy_caller - who is asking
 * @uid: real uid of the calling task (init user namespace)
 * @gid: real gid of the calling task (init user namespace)
 * @tgid: thread group id (the process id)
 * @pid: thread id
 * @cgroup_id: id of the caller's cgroup v2 (the tenant, for most operators)
 * @comm: command name
 */
struct ioasid_policy_caller {
	u32 uid;
	u32 gid;
	u32 tgid;
	u32 pid;
	u64 cgroup_id;
	char comm[TASK_COMM_LEN];
};

/**
 * enum ioasid_policy_hook - the decision points, for counters and traces
 * @IOASID_HOOK_DEVICE_ATTACH: &ioasid_policy_ops.device_attach
 * @IOASID_HOOK_PASID_ALLOC: &ioasid_policy_ops.pasid_alloc
 * @IOASID_HOOK_GROUP_VIABLE: &ioasid_policy_ops.group_viable
 * @IOASID_HOOK_DMA_MAP: &ioasid_policy_ops.dma_map
 * @IOASID_HOOK_DMA_UNMAP: &ioasid_policy_ops.dma_unmap
 * @IOASID_HOOK_DEVICE_BIND: &ioasid_policy_ops.device_bind
 * @IOASID_HOOK_DEVICE_UNBIND: &ioasid_policy_ops.device_unbind
 * @IOASID_HOOK_MAX: number of hooks
 */
enum ioasid_policy_hook {
	IOASID_HOOK_DEVICE_ATTACH,
	IOASID_HOOK_PASID_ALLOC,
	IOASID_HOOK_GROUP_VIABLE,
	IOASID_HOOK_DMA_MAP,
	IOASID_HOOK_DMA_UNMAP,
	IOASID_HOOK_DEVICE_BIND,
	IOASID_HOOK_DEVICE_UNBIND,
	IOASID_HOOK_MAX,
};

/**
 * struct ioasid_policy_pasid - context of &ioasid_policy_ops.pasid_alloc
 * @caller: the task allocating
 * @ctx_id: its /dev/ioasid context
 * @min: lowest PASID the caller accepts
 * @max: highest PASID the caller accepts
 * @nr_owned: PASIDs the context owns already
 */
struct ioasid_policy_pasid {
	struct ioasid_policy_caller caller;
	u32 ctx_id;
	u32 min;
	u32 max;
	u32 nr_owned;
};

/**
 * struct ioasid_policy_ops - an isolation policy (BPF struct_ops)
 *
 * One policy is active system-wide.  Every hook is optional; a hook left
 * out gives the kernel's default for that decision.  Hooks run in process
 * context under rcu_read_lock() and must not sleep.  Return values are
 * checked by the kernel: anything outside a hook's contract is counted as
 * "invalid" and treated as a refusal with -EPERM.
 *
 * @pasid_alloc: may the caller have a PASID, and which?  Return 0 to let
 *	the kernel pick one in [min, max]; a PASID in [min, max] to hand out
 *	that one (if it is taken the allocation fails with -EBUSY and the
 *	answer counts as invalid); -EPERM to refuse; -EDQUOT to refuse as over
 *	a quota.
 * @name: name of the policy, shown by ioasidctl and in tracepoints;
 *	letters, digits, '_', '-' and '.' only
 */
struct ioasid_policy_ops {
	s32 (*pasid_alloc)(const struct ioasid_policy_pasid *ctx);
	char name[IOASID_POLICY_NAME_LEN];
};

#endif /* _IOASID_POLICY_H */
