/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy ABI: struct ioasid_policy_ops and the read-only contexts its
 * hooks receive.  BPF policies see these types through the module's BTF
 * (bpf/ generates a header from it); nothing here is uAPI in the ioctl sense,
 * but field names are kept stable the way sched_ext keeps its ops stable.
 */
#ifndef _IOASID_POLICY_H
#define _IOASID_POLICY_H

#include <linux/cgroup.h>
#include <linux/sched.h>
#include <linux/stddef.h>
#include <linux/types.h>

#define IOASID_POLICY_NAME_LEN	32

/**
 * struct ioasid_policy_caller - the task asking
 * @uid: real uid (init user namespace)
 * @gid: real gid (init user namespace)
 * @tgid: thread group id (the process id)
 * @pid: thread id
 * @cgroup_id: id of the task's cgroup v2
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
 * struct ioasid_policy_context - the /dev/ioasid context concerned
 * @id: context id (as ioasidctl ctx list shows it)
 * @owner_uid: uid of the task that opened /dev/ioasid
 * @owner_tgid: its process id
 * @__pad: zero
 * @owner_cgroup_id: its cgroup v2 id at open time: the tenant, for
 *	quotas that must follow the context whoever calls (an unmap at
 *	close may run in another task)
 */
struct ioasid_policy_context {
	u32 id;
	u32 owner_uid;
	u32 owner_tgid;
	u32 __pad;
	u64 owner_cgroup_id;
};

/**
 * struct ioasid_policy_device - the device concerned
 * @dev_id: id in the context (0 while binding)
 * @flags: IOASID_DEVICE_INFO_PCI, _MOCK, _PASID
 * @segment: PCI segment (domain)
 * @bus: PCI bus
 * @devfn: PCI device and function ((slot << 3) | function)
 * @vendor: PCI vendor id
 * @device: PCI device id
 * @class: PCI class code (24 bits)
 */
struct ioasid_policy_device {
	u32 dev_id;
	u32 flags;
	u16 segment;
	u8 bus;
	u8 devfn;
	u16 vendor;
	u16 device;
	u32 class;
};

/**
 * struct ioasid_policy_group - the device's IOMMU group
 * @id: group id (iommu group number; mock groups count down from
 *	0xffffffff)
 * @nr_members: devices in the group, whatever their driver
 * @nr_bound: members bound to a context
 * @mock: 1 for a mock group of the test interface
 */
struct ioasid_policy_group {
	u32 id;
	u32 nr_members;
	u32 nr_bound;
	u32 mock;
};

/**
 * struct ioasid_policy_attach - context of &ioasid_policy_ops.device_attach
 * @caller: the task attaching
 * @ctx: the context the device is bound to
 * @device: the device
 * @group: its group
 * @ioas_id: the IOAS to attach to
 * @pasid: the PASID of the attachment, 0 for the one without PASID
 */
struct ioasid_policy_attach {
	struct ioasid_policy_caller caller;
	struct ioasid_policy_context ctx;
	struct ioasid_policy_device device;
	struct ioasid_policy_group group;
	u32 ioas_id;
	u32 pasid;
};

/**
 * struct ioasid_policy_pasid - context of &ioasid_policy_ops.pasid_alloc
 * @caller: the task allocating
 * @ctx: its context
 * @min: lowest PASID the caller accepts
 * @max: highest PASID the caller accepts
 * @nr_owned: PASIDs the context owns already
 * @tenant_nr_owned: PASIDs the tenant's contexts (all those opened from
 *	ctx.owner_cgroup_id) own already, allocations being decided or made
 *	by its other contexts included: a tenant quota is exact with it
 *	alone, whatever contexts open and close
 */
struct ioasid_policy_pasid {
	struct ioasid_policy_caller caller;
	struct ioasid_policy_context ctx;
	u32 min;
	u32 max;
	u32 nr_owned;
	u32 tenant_nr_owned;
};

/**
 * struct ioasid_policy_pasid_free - context of &ioasid_policy_ops.pasid_free
 * @caller: the task freeing it (or closing the context that owned it)
 * @ctx: the context that owned it
 * @pasid: the PASID, free again
 * @nr_owned: PASIDs the context still owns
 * @tenant_nr_owned: PASIDs the tenant's contexts still own
 * @__pad: zero
 */
struct ioasid_policy_pasid_free {
	struct ioasid_policy_caller caller;
	struct ioasid_policy_context ctx;
	u32 pasid;
	u32 nr_owned;
	u32 tenant_nr_owned;
	u32 __pad;
};

/**
 * struct ioasid_policy_viability - context of &ioasid_policy_ops.group_viable
 * @caller: the task binding a device of the group
 * @ctx: the context it binds to
 * @device: the device being bound
 * @group: the group
 * @kernel_viable: the kernel's verdict: 1 viable, 0 not
 */
struct ioasid_policy_viability {
	struct ioasid_policy_caller caller;
	struct ioasid_policy_context ctx;
	struct ioasid_policy_device device;
	struct ioasid_policy_group group;
	u32 kernel_viable;
};

/**
 * struct ioasid_policy_dma - context of &ioasid_policy_ops.dma_map and
 *	&ioasid_policy_ops.dma_unmap
 * @caller: the task mapping or unmapping
 * @ctx: the context of the IOAS
 * @ioas_id: the IOAS
 * @nested: 1 if the IOAS is nested (nothing is pinned for it)
 * @iova: first IOVA of the range
 * @length: bytes mapped or unmapped
 * @prot: IOASID_IOAS_MAP_READABLE / _WRITEABLE (map only)
 * @__pad: zero
 * @ctx_mapped_bytes: bytes the context has mapped in all its paging IOAS,
 *	before this operation
 * @tenant_mapped_bytes: bytes the tenant's contexts (all those opened from
 *	ctx.owner_cgroup_id) have mapped in their paging IOAS, before this
 *	operation; maps being decided or made by its other contexts are
 *	included, so a tenant quota is exact with this figure alone
 */
struct ioasid_policy_dma {
	struct ioasid_policy_caller caller;
	struct ioasid_policy_context ctx;
	u32 ioas_id;
	u32 nested;
	u64 iova;
	u64 length;
	u32 prot;
	u32 __pad;
	u64 ctx_mapped_bytes;
	u64 tenant_mapped_bytes;
};

/**
 * struct ioasid_policy_bind - context of &ioasid_policy_ops.device_bind and
 *	&ioasid_policy_ops.device_unbind
 * @caller: the task binding or unbinding (for unbind possibly not the
 *	one that bound: close and driver removal unbind too)
 * @ctx: the context
 * @device: the device
 * @group: its group
 */
struct ioasid_policy_bind {
	struct ioasid_policy_caller caller;
	struct ioasid_policy_context ctx;
	struct ioasid_policy_device device;
	struct ioasid_policy_group group;
};

/**
 * struct ioasid_policy_ops - an isolation policy (BPF struct_ops)
 *
 * One policy is active system-wide.  Every hook is optional; a hook left
 * out gives the kernel's default for that decision (allow, or the
 * kernel's own verdict).  Hooks run in process context under
 * rcu_read_lock() and must not sleep; their argument is read-only.
 * Answers are checked by the kernel: anything outside a hook's contract
 * is counted as "invalid" and treated as a refusal with -EPERM (for
 * @group_viable: the kernel's verdict stands).
 *
 * @device_attach: may this device attach to this IOAS (with this PASID)?
 *	0 allows, -EPERM refuses.
 * @pasid_alloc: may the caller have a PASID, and which?  0 lets the
 *	kernel pick one in [min, max]; a PASID in [min, max] hands out that
 *	one (if taken, the allocation fails with -EBUSY and the answer
 *	counts as invalid); -EPERM refuses; -EDQUOT refuses as over a quota.
 * @group_viable: is this group safe to hand out?  Gets the kernel's
 *	verdict; 0 says viable, -EPERM says not.  Saying viable where the
 *	kernel said not is honoured only if ioasid.ko was loaded with
 *	policy_may_relax=1 (otherwise it counts as invalid), and never
 *	overrides the IOMMU core's own DMA-ownership rule for real groups.
 * @dma_map: may this mapping be made?  0 allows, -EPERM refuses, -EDQUOT
 *	refuses as over a quota.
 * @dma_unmap: notification: a range was unmapped (by unmap, destroy or
 *	close).  No answer.
 * @device_bind: notification: a device was bound.  No answer.
 * @device_unbind: notification: a device was unbound.  No answer.
 * @pasid_free: notification: a PASID went back (freed, or its context
 *	closed).  No answer.  With @pasid_alloc it lets a policy count
 *	PASIDs across contexts, such as per tenant.
 * @name: name of the policy, shown by ioasidctl and in tracepoints;
 *	letters, digits, '_', '-' and '.' only
 */
struct ioasid_policy_ops {
	s32 (*device_attach)(const struct ioasid_policy_attach *ctx);
	s32 (*pasid_alloc)(const struct ioasid_policy_pasid *ctx);
	s32 (*group_viable)(const struct ioasid_policy_viability *ctx);
	s32 (*dma_map)(const struct ioasid_policy_dma *ctx);
	void (*dma_unmap)(const struct ioasid_policy_dma *ctx);
	void (*device_bind)(const struct ioasid_policy_bind *ctx);
	void (*device_unbind)(const struct ioasid_policy_bind *ctx);
	void (*pasid_free)(const struct ioasid_policy_pasid_free *ctx);
	char name[IOASID_POLICY_NAME_LEN];
};

/*
 * The hooks are the function members of struct ioasid_policy_ops, in order:
 * that struct is their one list.  A hook's index (counters, names, traces)
 * comes from its place in the struct, as sched_ext's SCX_OP_IDX; policy.c
 * checks its per-hook tables against it.
 */
/* A hook's index, from its place in the ops (as sched_ext's SCX_OP_IDX). */
#define IOASID_HOOK_IDX(op)						\
	(offsetof(struct ioasid_policy_ops, op) / sizeof(void (*)(void)))
#define IOASID_HOOK_MAX		IOASID_HOOK_IDX(name)

/**
 * struct ioasid_policy_hook_stats - what the active policy decided
 * @calls: hook invocations
 * @allow: answers that allowed the operation
 * @deny: answers that refused it
 * @invalid: answers outside the contract (treated as refusals)
 */
struct ioasid_policy_hook_stats {
	u64 calls;
	u64 allow;
	u64 deny;
	u64 invalid;
};

/* --- the kernel's side (policy.c): calling the policy ------------------- */

/* The cgroup v2 id of the current task (1, the root, without cgroup v2). */
static inline u64 ioasid_current_cgroup_id(void)
{
	u64 id;

	rcu_read_lock();
	id = cgroup_id(task_dfl_cgroup(current));
	rcu_read_unlock();
	return id;
}

/* Module parameter policy_may_relax (policy.c). */
extern bool ioasid_policy_may_relax;

int ioasid_policy_init(void);
bool ioasid_policy_has_hook(unsigned int hook);
/*
 * Does the active policy have a program for hook @op?  Callers ask before
 * they describe a device or a group for it, which costs more than asking.
 */
#define ioasid_policy_has(op)	ioasid_policy_has_hook(IOASID_HOOK_IDX(op))

int ioasid_policy_pasid_alloc(const struct ioasid_policy_context *ctx,
			      u32 min, u32 max, u32 nr_owned,
			      u32 tenant_nr_owned, u32 *pasid);
void ioasid_policy_pasid_taken(void);
void ioasid_policy_pasid_free(const struct ioasid_policy_context *ctx,
			      u32 pasid, u32 nr_owned, u32 tenant_nr_owned);
int ioasid_policy_device_attach(const struct ioasid_policy_context *ctx,
				const struct ioasid_policy_device *dev,
				const struct ioasid_policy_group *group,
				u32 ioas_id, u32 pasid);
void ioasid_policy_device_bind(const struct ioasid_policy_context *ctx,
			       const struct ioasid_policy_device *dev,
			       const struct ioasid_policy_group *group,
			       bool bind);
bool ioasid_policy_group_viable(const struct ioasid_policy_context *ctx,
				const struct ioasid_policy_device *dev,
				const struct ioasid_policy_group *group,
				bool kernel_viable, char *reason, size_t len);
int ioasid_policy_dma_map(const struct ioasid_policy_context *ctx,
			  u32 ioas_id, bool nested, u64 iova, u64 length,
			  u32 prot, u64 ctx_mapped_bytes,
			  u64 tenant_mapped_bytes);
void ioasid_policy_dma_unmap(const struct ioasid_policy_context *ctx,
			     u32 ioas_id, bool nested, u64 iova, u64 length,
			     u64 ctx_mapped_bytes, u64 tenant_mapped_bytes);

bool ioasid_policy_info(char *name, u64 *loaded_ns,
			struct ioasid_policy_hook_stats *stats, u32 *implemented);
extern const char *const ioasid_policy_hook_names[];

#endif /* _IOASID_POLICY_H */
