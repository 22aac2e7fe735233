// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF policy layer: registration of the struct_ops type
 * ioasid_policy_ops, the single active policy, and the calls out to it at
 * decision points.
 *
 * The active policy is an RCU-protected pointer.  Hooks are called under
 * rcu_read_lock(); reg, update and unreg change the pointer under
 * ioasid_policy_lock and wait for a grace period before the old ops may be
 * freed by the BPF core, so a caller never runs a policy that is gone.
 * Replacing through the link's update swaps the pointer in one store: every
 * decision sees either the old or the new policy, never none.
 */
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/ctype.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include "device.h"
#include "ioasid_private.h"
#include "policy.h"
#include "trace.h"

/* Serialises reg, update and unreg; readers use RCU. */
static DEFINE_MUTEX(ioasid_policy_lock);
static struct ioasid_policy_ops __rcu *ioasid_policy;
/*
 * Whether the active policy has a program for @hook (a member of
 * struct ioasid_policy_ops).  Checked before a hook's context is filled,
 * which costs more than the check (cgroup id, comm, group members); the
 * hook is looked up again under RCU to call it, so a replace in between
 * makes the call see the old or the new policy, as any other.
 */
#define ioasid_policy_has(hook) ({					\
	const struct ioasid_policy_ops *__ops;				\
	bool __has;							\
									\
	rcu_read_lock();						\
	__ops = rcu_dereference(ioasid_policy);				\
	__has = __ops && __ops->hook;					\
	rcu_read_unlock();						\
	__has;								\
})

/* When the active policy was loaded (ktime_get_real_ns), under the lock. */
static u64 ioasid_policy_loaded_ns;

/* What the active policy decided; reset whenever the policy changes. */
static struct {
	atomic64_t calls;
	atomic64_t allow;
	atomic64_t deny;
	atomic64_t invalid;
} ioasid_policy_stats[IOASID_HOOK_MAX];

const char *const ioasid_policy_hook_names[IOASID_HOOK_MAX] = {
	[IOASID_HOOK_DEVICE_ATTACH] = "device_attach",
	[IOASID_HOOK_PASID_ALLOC] = "pasid_alloc",
	[IOASID_HOOK_GROUP_VIABLE] = "group_viable",
	[IOASID_HOOK_DMA_MAP] = "dma_map",
	[IOASID_HOOK_DMA_UNMAP] = "dma_unmap",
	[IOASID_HOOK_DEVICE_BIND] = "device_bind",
	[IOASID_HOOK_DEVICE_UNBIND] = "device_unbind",
	[IOASID_HOOK_PASID_FREE] = "pasid_free",
};

enum ioasid_verdict {
	IOASID_VERDICT_NOTIFY,	/* a notification: no answer to judge */
	IOASID_VERDICT_ALLOW,
	IOASID_VERDICT_DENY,
	IOASID_VERDICT_INVALID,
};

/* IDs a decision is about, for its tracepoint. */
struct ioasid_policy_ids {
	u32 ctx_id;
	u32 dev_id;
	u32 ioas_id;
	u32 pasid;
};

static void ioasid_policy_record(const struct ioasid_policy_ops *ops,
				 enum ioasid_policy_hook hook,
				 enum ioasid_verdict verdict, s64 ret, int err,
				 const struct ioasid_policy_ids *ids)
{
	atomic64_inc(&ioasid_policy_stats[hook].calls);
	switch (verdict) {
	case IOASID_VERDICT_NOTIFY:
		break;
	case IOASID_VERDICT_ALLOW:
		atomic64_inc(&ioasid_policy_stats[hook].allow);
		break;
	case IOASID_VERDICT_DENY:
		atomic64_inc(&ioasid_policy_stats[hook].deny);
		break;
	case IOASID_VERDICT_INVALID:
		atomic64_inc(&ioasid_policy_stats[hook].invalid);
		break;
	}
	trace_ioasid_policy_decision(ops->name, ioasid_policy_hook_names[hook],
				     ret, err, ids->ctx_id, ids->dev_id,
				     ids->ioas_id, ids->pasid);
}

/*
 * Judge the answer of a hook whose contract is "0 allows, or one of
 * @denials refuses": returns 0 or the errno to fail the operation with.
 */
static int ioasid_policy_judge(const struct ioasid_policy_ops *ops,
			       enum ioasid_policy_hook hook, s32 ret,
			       const int *denials, size_t nr_denials,
			       const struct ioasid_policy_ids *ids)
{
	size_t i;

	if (!ret) {
		ioasid_policy_record(ops, hook, IOASID_VERDICT_ALLOW, ret, 0,
				     ids);
		return 0;
	}
	for (i = 0; i < nr_denials; i++) {
		if (ret == denials[i]) {
			ioasid_policy_record(ops, hook, IOASID_VERDICT_DENY,
					     ret, ret, ids);
			return ret;
		}
	}
	ioasid_policy_record(ops, hook, IOASID_VERDICT_INVALID, ret, -EPERM,
			     ids);
	return -EPERM;
}

static void ioasid_policy_fill_caller(struct ioasid_policy_caller *c)
{
	c->uid = from_kuid_munged(&init_user_ns, current_uid());
	c->gid = from_kgid_munged(&init_user_ns, current_gid());
	c->tgid = task_tgid_nr(current);
	c->pid = task_pid_nr(current);
	c->cgroup_id = ioasid_current_cgroup_id();
	get_task_comm(c->comm, current);
}

static void ioasid_policy_fill_ctx(struct ioasid_policy_context *pc,
				   struct ioasid_ctx *ctx)
{
	pc->id = ctx->id;
	pc->owner_uid = ctx->owner_uid;
	pc->owner_tgid = ctx->owner_tgid;
	pc->owner_cgroup_id = ctx->owner_cgroup_id;
}

static void ioasid_policy_fill_device(struct ioasid_policy_device *pd,
				      struct ioasid_device *idev, u32 dev_id)
{
	pd->dev_id = dev_id;
	pd->flags = idev->flags;
	pd->segment = idev->segment;
	pd->bus = idev->bus;
	pd->devfn = idev->devfn;
	pd->vendor = idev->vendor;
	pd->device = idev->device;
	pd->class = idev->class;
}

static void ioasid_policy_fill_group(struct ioasid_policy_group *pg,
				     struct ioasid_group *group)
{
	pg->id = group->id;
	pg->nr_members = group->ops->nr_members(group);
	pg->nr_bound = READ_ONCE(group->nr_bound);
	pg->mock = !group->iommu_group;
}

/**
 * ioasid_policy_pasid_alloc() - ask the policy about a PASID allocation
 * @ctx: the allocating context
 * @min: lowest acceptable PASID
 * @max: highest acceptable PASID
 * @nr_owned: PASIDs @ctx owns already
 * @pasid: out: the PASID the policy picked, or 0 to let the kernel pick
 *
 * Return: 0 to go ahead, or the errno to fail the allocation with.
 */
int ioasid_policy_pasid_alloc(struct ioasid_ctx *ctx, u32 min, u32 max,
			      u32 nr_owned, u32 *pasid)
{
	static const int denials[] = { -EPERM, -EDQUOT };
	struct ioasid_policy_ids ids = { .ctx_id = ctx->id };
	struct ioasid_policy_pasid pctx = {
		.min = min,
		.max = max,
		.nr_owned = nr_owned,
	};
	struct ioasid_policy_ops *ops;
	int rc;
	s32 ret;

	*pasid = 0;
	if (!ioasid_policy_has(pasid_alloc))
		return 0;
	ioasid_policy_fill_caller(&pctx.caller);
	ioasid_policy_fill_ctx(&pctx.ctx, ctx);

	rcu_read_lock();
	ops = rcu_dereference(ioasid_policy);
	if (!ops || !ops->pasid_alloc) {
		rcu_read_unlock();
		return 0;
	}
	ret = ops->pasid_alloc(&pctx);
	if (ret > 0 && ret >= min && ret <= max) {
		*pasid = ret;
		ids.pasid = ret;
		ioasid_policy_record(ops, IOASID_HOOK_PASID_ALLOC,
				     IOASID_VERDICT_ALLOW, ret, 0, &ids);
		rc = 0;
	} else {
		rc = ioasid_policy_judge(ops, IOASID_HOOK_PASID_ALLOC, ret,
					 denials, ARRAY_SIZE(denials), &ids);
	}
	rcu_read_unlock();
	return rc;
}

/**
 * ioasid_policy_pasid_free() - tell the policy a PASID went back
 * @ctx: the context that owned it
 * @pasid: the PASID
 * @nr_owned: PASIDs @ctx still owns
 */
void ioasid_policy_pasid_free(struct ioasid_ctx *ctx, u32 pasid, u32 nr_owned)
{
	struct ioasid_policy_ids ids = { .ctx_id = ctx->id, .pasid = pasid };
	struct ioasid_policy_pasid_free f = {
		.pasid = pasid,
		.nr_owned = nr_owned,
	};
	struct ioasid_policy_ops *ops;

	if (!ioasid_policy_has(pasid_free))
		return;
	ioasid_policy_fill_caller(&f.caller);
	ioasid_policy_fill_ctx(&f.ctx, ctx);

	rcu_read_lock();
	ops = rcu_dereference(ioasid_policy);
	if (ops && ops->pasid_free) {
		ops->pasid_free(&f);
		ioasid_policy_record(ops, IOASID_HOOK_PASID_FREE,
				     IOASID_VERDICT_NOTIFY, 0, 0, &ids);
	}
	rcu_read_unlock();
}

/* The PASID a policy picked turned out to be taken: its answer was wrong. */
void ioasid_policy_pasid_taken(void)
{
	atomic64_dec(&ioasid_policy_stats[IOASID_HOOK_PASID_ALLOC].allow);
	atomic64_inc(&ioasid_policy_stats[IOASID_HOOK_PASID_ALLOC].invalid);
}

/**
 * ioasid_policy_device_attach() - may @idev attach to an IOAS?
 * @ctx: the device's context
 * @idev: the device
 * @dev_id: its id in @ctx
 * @ioas_id: the IOAS
 * @pasid: the PASID, or IOASID_NO_PASID
 *
 * Return: 0 to go ahead, or the errno to fail the attach with.
 */
int ioasid_policy_device_attach(struct ioasid_ctx *ctx,
				struct ioasid_device *idev, u32 dev_id,
				u32 ioas_id, u32 pasid)
{
	static const int denials[] = { -EPERM };
	struct ioasid_policy_ids ids = {
		.ctx_id = ctx->id,
		.dev_id = dev_id,
		.ioas_id = ioas_id,
		.pasid = pasid == IOASID_NO_PASID ? 0 : pasid,
	};
	struct ioasid_policy_attach a = {
		.ioas_id = ioas_id,
		.pasid = ids.pasid,
	};
	struct ioasid_policy_ops *ops;
	int rc;

	if (!ioasid_policy_has(device_attach))
		return 0;
	ioasid_policy_fill_caller(&a.caller);
	ioasid_policy_fill_ctx(&a.ctx, ctx);
	ioasid_policy_fill_device(&a.device, idev, dev_id);
	ioasid_policy_fill_group(&a.group, idev->group);

	rcu_read_lock();
	ops = rcu_dereference(ioasid_policy);
	if (!ops || !ops->device_attach) {
		rcu_read_unlock();
		return 0;
	}
	rc = ioasid_policy_judge(ops, IOASID_HOOK_DEVICE_ATTACH,
				 ops->device_attach(&a), denials,
				 ARRAY_SIZE(denials), &ids);
	rcu_read_unlock();
	return rc;
}

/**
 * ioasid_policy_device_bind() - tell the policy a device was (un)bound
 * @ctx: the context
 * @idev: the device
 * @dev_id: its id in @ctx
 * @bind: true for bind, false for unbind
 */
void ioasid_policy_device_bind(struct ioasid_ctx *ctx,
			       struct ioasid_device *idev, u32 dev_id,
			       bool bind)
{
	enum ioasid_policy_hook hook = bind ? IOASID_HOOK_DEVICE_BIND :
					      IOASID_HOOK_DEVICE_UNBIND;
	struct ioasid_policy_ids ids = { .ctx_id = ctx->id, .dev_id = dev_id };
	void (*fn)(const struct ioasid_policy_bind *ctx);
	struct ioasid_policy_bind b = {};
	struct ioasid_policy_ops *ops;

	if (!(bind ? ioasid_policy_has(device_bind) :
	      ioasid_policy_has(device_unbind)))
		return;
	ioasid_policy_fill_caller(&b.caller);
	ioasid_policy_fill_ctx(&b.ctx, ctx);
	ioasid_policy_fill_device(&b.device, idev, dev_id);
	ioasid_policy_fill_group(&b.group, idev->group);

	rcu_read_lock();
	ops = rcu_dereference(ioasid_policy);
	fn = !ops ? NULL : bind ? ops->device_bind : ops->device_unbind;
	if (fn) {
		fn(&b);
		ioasid_policy_record(ops, hook, IOASID_VERDICT_NOTIFY, 0, 0,
				     &ids);
	}
	rcu_read_unlock();
}

/**
 * ioasid_policy_group_viable() - the policy's verdict on a group
 * @ctx: the context binding
 * @idev: the device being bound
 * @group: its group (lock held)
 * @kernel_viable: the kernel's verdict
 * @reason: in: the kernel's reason if not viable; out: the final reason
 * @len: size of @reason
 *
 * Tighten-only unless ioasid.ko was loaded with policy_may_relax=1.
 *
 * Return: the final verdict.
 */
bool ioasid_policy_group_viable(struct ioasid_ctx *ctx,
				struct ioasid_device *idev,
				struct ioasid_group *group, bool kernel_viable,
				char *reason, size_t len)
{
	struct ioasid_policy_ids ids = { .ctx_id = ctx->id };
	struct ioasid_policy_viability v = { .kernel_viable = kernel_viable };
	enum ioasid_verdict verdict;
	struct ioasid_policy_ops *ops;
	bool viable = kernel_viable;
	s32 ret;

	if (!ioasid_policy_has(group_viable))
		return kernel_viable;
	ioasid_policy_fill_caller(&v.caller);
	ioasid_policy_fill_ctx(&v.ctx, ctx);
	ioasid_policy_fill_device(&v.device, idev, 0);
	ioasid_policy_fill_group(&v.group, group);

	rcu_read_lock();
	ops = rcu_dereference(ioasid_policy);
	if (!ops || !ops->group_viable) {
		rcu_read_unlock();
		return kernel_viable;
	}
	ret = ops->group_viable(&v);
	if (ret == -EPERM) {
		verdict = IOASID_VERDICT_DENY;
		if (kernel_viable)
			snprintf(reason, len, "refused by policy %s",
				 ops->name);
		viable = false;
	} else if (ret == 0 && (kernel_viable || ioasid_policy_may_relax)) {
		verdict = IOASID_VERDICT_ALLOW;
		viable = true;
	} else {
		/* Out of contract, or relaxing without the opt-in. */
		verdict = IOASID_VERDICT_INVALID;
	}
	ioasid_policy_record(ops, IOASID_HOOK_GROUP_VIABLE, verdict, ret,
			     viable ? 0 : -EBUSY, &ids);
	rcu_read_unlock();
	return viable;
}

static void ioasid_policy_fill_dma(struct ioasid_policy_dma *d,
				   struct ioasid_ctx *ctx, u32 ioas_id,
				   bool nested, u64 iova, u64 length, u32 prot,
				   u64 ctx_mapped_bytes)
{
	ioasid_policy_fill_caller(&d->caller);
	ioasid_policy_fill_ctx(&d->ctx, ctx);
	d->ioas_id = ioas_id;
	d->nested = nested;
	d->iova = iova;
	d->length = length;
	d->prot = prot;
	d->ctx_mapped_bytes = ctx_mapped_bytes;
}

/**
 * ioasid_policy_dma_map() - may this mapping be made?
 * @ctx: the context of the IOAS
 * @ioas_id: the IOAS
 * @nested: the IOAS is nested
 * @iova: first IOVA (0 when the kernel is to pick it: not known yet)
 * @length: bytes
 * @prot: IOASID_IOAS_MAP_READABLE / _WRITEABLE
 * @ctx_mapped_bytes: bytes @ctx has mapped before this
 *
 * Return: 0 to go ahead, or the errno to fail the map with.
 */
int ioasid_policy_dma_map(struct ioasid_ctx *ctx, u32 ioas_id, bool nested,
			  u64 iova, u64 length, u32 prot, u64 ctx_mapped_bytes)
{
	static const int denials[] = { -EPERM, -EDQUOT };
	struct ioasid_policy_ids ids = { .ctx_id = ctx->id, .ioas_id = ioas_id };
	struct ioasid_policy_ops *ops;
	struct ioasid_policy_dma d;
	int rc;

	if (!ioasid_policy_has(dma_map))
		return 0;
	ioasid_policy_fill_dma(&d, ctx, ioas_id, nested, iova, length, prot,
			       ctx_mapped_bytes);
	rcu_read_lock();
	ops = rcu_dereference(ioasid_policy);
	if (!ops || !ops->dma_map) {
		rcu_read_unlock();
		return 0;
	}
	rc = ioasid_policy_judge(ops, IOASID_HOOK_DMA_MAP, ops->dma_map(&d),
				 denials, ARRAY_SIZE(denials), &ids);
	rcu_read_unlock();
	return rc;
}

/**
 * ioasid_policy_dma_unmap() - tell the policy a range was unmapped
 * @ctx: the context of the IOAS
 * @ioas_id: the IOAS
 * @nested: the IOAS is nested
 * @iova: first IOVA of the range
 * @length: bytes that were mapped and are not any more
 * @ctx_mapped_bytes: bytes @ctx had mapped before this
 */
void ioasid_policy_dma_unmap(struct ioasid_ctx *ctx, u32 ioas_id,
			     bool nested, u64 iova, u64 length,
			     u64 ctx_mapped_bytes)
{
	struct ioasid_policy_ids ids = { .ctx_id = ctx->id, .ioas_id = ioas_id };
	struct ioasid_policy_ops *ops;
	struct ioasid_policy_dma d;

	if (!ioasid_policy_has(dma_unmap))
		return;
	ioasid_policy_fill_dma(&d, ctx, ioas_id, nested, iova, length, 0,
			       ctx_mapped_bytes);
	rcu_read_lock();
	ops = rcu_dereference(ioasid_policy);
	if (ops && ops->dma_unmap) {
		ops->dma_unmap(&d);
		ioasid_policy_record(ops, IOASID_HOOK_DMA_UNMAP,
				     IOASID_VERDICT_NOTIFY, 0, 0, &ids);
	}
	rcu_read_unlock();
}

/**
 * ioasid_policy_info() - the active policy, for introspection
 * @name: out: its name (IOASID_POLICY_NAME_LEN bytes)
 * @loaded_ns: out: when it was loaded or last replaced (CLOCK_REALTIME)
 * @stats: out: per-hook counters since then
 * @implemented: out: bit (1 << &enum ioasid_policy_hook) set for every
 *	hook the policy has a program for
 *
 * Return: true if a policy is active.
 */
bool ioasid_policy_info(char *name, u64 *loaded_ns,
			struct ioasid_policy_hook_stats *stats, u32 *implemented)
{
	struct ioasid_policy_ops *ops;
	int i;

	mutex_lock(&ioasid_policy_lock);
	ops = rcu_dereference_protected(ioasid_policy,
					lockdep_is_held(&ioasid_policy_lock));
	if (ops) {
		strscpy(name, ops->name, IOASID_POLICY_NAME_LEN);
		*loaded_ns = ioasid_policy_loaded_ns;
		*implemented =
			(ops->device_attach ? BIT(IOASID_HOOK_DEVICE_ATTACH) : 0) |
			(ops->pasid_alloc ? BIT(IOASID_HOOK_PASID_ALLOC) : 0) |
			(ops->group_viable ? BIT(IOASID_HOOK_GROUP_VIABLE) : 0) |
			(ops->dma_map ? BIT(IOASID_HOOK_DMA_MAP) : 0) |
			(ops->dma_unmap ? BIT(IOASID_HOOK_DMA_UNMAP) : 0) |
			(ops->device_bind ? BIT(IOASID_HOOK_DEVICE_BIND) : 0) |
			(ops->device_unbind ? BIT(IOASID_HOOK_DEVICE_UNBIND) : 0) |
			(ops->pasid_free ? BIT(IOASID_HOOK_PASID_FREE) : 0);
		for (i = 0; i < IOASID_HOOK_MAX; i++) {
			stats[i].calls = atomic64_read(&ioasid_policy_stats[i].calls);
			stats[i].allow = atomic64_read(&ioasid_policy_stats[i].allow);
			stats[i].deny = atomic64_read(&ioasid_policy_stats[i].deny);
			stats[i].invalid = atomic64_read(&ioasid_policy_stats[i].invalid);
		}
	}
	mutex_unlock(&ioasid_policy_lock);
	return ops;
}

/* --- struct_ops plumbing ------------------------------------------------ */

static bool ioasid_policy_is_valid_access(int off, int size,
					  enum bpf_access_type type,
					  const struct bpf_prog *prog,
					  struct bpf_insn_access_aux *info)
{
	return bpf_tracing_btf_ctx_access(off, size, type, prog, info);
}

static const struct bpf_verifier_ops ioasid_policy_verifier_ops = {
	.get_func_proto = bpf_base_func_proto,
	.is_valid_access = ioasid_policy_is_valid_access,
};

static int ioasid_policy_btf_init(struct btf *btf)
{
	return 0;
}

static bool ioasid_policy_name_valid(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < len && name[i]; i++)
		if (!isalnum(name[i]) && !strchr("_-.", name[i]))
			return false;
	return i > 0 && i < len;
}

static int ioasid_policy_init_member(const struct btf_type *t,
				     const struct btf_member *member,
				     void *kdata, const void *udata)
{
	const struct ioasid_policy_ops *uops = udata;
	struct ioasid_policy_ops *ops = kdata;
	u32 moff = __btf_member_bit_offset(t, member) / 8;

	switch (moff) {
	case offsetof(struct ioasid_policy_ops, name):
		if (!ioasid_policy_name_valid(uops->name, sizeof(uops->name)))
			return -EINVAL;
		strscpy(ops->name, uops->name, sizeof(ops->name));
		return 1;
	}
	return 0;
}

static int ioasid_policy_check_member(const struct btf_type *t,
				      const struct btf_member *member,
				      const struct bpf_prog *prog)
{
	/* Hooks run under rcu_read_lock(): no sleepable programs. */
	if (prog->sleepable)
		return -EINVAL;
	return 0;
}

/* A new policy starts with fresh counters. */
static void ioasid_policy_reset_stats(void)
{
	int i;

	for (i = 0; i < IOASID_HOOK_MAX; i++) {
		atomic64_set(&ioasid_policy_stats[i].calls, 0);
		atomic64_set(&ioasid_policy_stats[i].allow, 0);
		atomic64_set(&ioasid_policy_stats[i].deny, 0);
		atomic64_set(&ioasid_policy_stats[i].invalid, 0);
	}
	ioasid_policy_loaded_ns = ktime_get_real_ns();
}

static int ioasid_policy_reg(void *kdata, struct bpf_link *link)
{
	struct ioasid_policy_ops *ops = kdata;
	int rc = 0;

	mutex_lock(&ioasid_policy_lock);
	if (rcu_access_pointer(ioasid_policy)) {
		rc = -EEXIST;
	} else {
		ioasid_policy_reset_stats();
		rcu_assign_pointer(ioasid_policy, ops);
		trace_ioasid_policy_change("load", ops->name, "");
	}
	mutex_unlock(&ioasid_policy_lock);
	return rc;
}

static void ioasid_policy_unreg(void *kdata, struct bpf_link *link)
{
	struct ioasid_policy_ops *ops = kdata;

	mutex_lock(&ioasid_policy_lock);
	if (rcu_access_pointer(ioasid_policy) == ops) {
		RCU_INIT_POINTER(ioasid_policy, NULL);
		trace_ioasid_policy_change("unload", ops->name, "");
	}
	mutex_unlock(&ioasid_policy_lock);
	synchronize_rcu();
}

static int ioasid_policy_update(void *kdata, void *old_kdata,
				struct bpf_link *link)
{
	struct ioasid_policy_ops *ops = kdata, *old = old_kdata;
	int rc = 0;

	mutex_lock(&ioasid_policy_lock);
	if (rcu_access_pointer(ioasid_policy) != old) {
		rc = -EINVAL;
	} else {
		ioasid_policy_reset_stats();
		rcu_assign_pointer(ioasid_policy, ops);
		trace_ioasid_policy_change("replace", ops->name, old->name);
	}
	mutex_unlock(&ioasid_policy_lock);
	if (!rc)
		synchronize_rcu();
	return rc;
}

static int ioasid_policy_validate(void *kdata)
{
	struct ioasid_policy_ops *ops = kdata;

	return ops->name[0] ? 0 : -EINVAL;
}

/* Targets for indirect-call checking (CFI): one per hook. */
static s32 ioasid_stub_device_attach(const struct ioasid_policy_attach *ctx)
{
	return 0;
}

static s32 ioasid_stub_pasid_alloc(const struct ioasid_policy_pasid *ctx)
{
	return 0;
}

static s32 ioasid_stub_group_viable(const struct ioasid_policy_viability *ctx)
{
	return 0;
}

static s32 ioasid_stub_dma_map(const struct ioasid_policy_dma *ctx)
{
	return 0;
}

static void ioasid_stub_dma_unmap(const struct ioasid_policy_dma *ctx)
{
}

static void ioasid_stub_device_bind(const struct ioasid_policy_bind *ctx)
{
}

static void ioasid_stub_device_unbind(const struct ioasid_policy_bind *ctx)
{
}

static void ioasid_stub_pasid_free(const struct ioasid_policy_pasid_free *ctx)
{
}

static struct ioasid_policy_ops ioasid_policy_cfi_stubs = {
	.device_attach = ioasid_stub_device_attach,
	.pasid_alloc = ioasid_stub_pasid_alloc,
	.group_viable = ioasid_stub_group_viable,
	.dma_map = ioasid_stub_dma_map,
	.dma_unmap = ioasid_stub_dma_unmap,
	.device_bind = ioasid_stub_device_bind,
	.device_unbind = ioasid_stub_device_unbind,
	.pasid_free = ioasid_stub_pasid_free,
};

static struct bpf_struct_ops ioasid_policy_struct_ops = {
	.verifier_ops = &ioasid_policy_verifier_ops,
	.init = ioasid_policy_btf_init,
	.check_member = ioasid_policy_check_member,
	.init_member = ioasid_policy_init_member,
	.reg = ioasid_policy_reg,
	.unreg = ioasid_policy_unreg,
	.update = ioasid_policy_update,
	.validate = ioasid_policy_validate,
	.cfi_stubs = &ioasid_policy_cfi_stubs,
	.name = "ioasid_policy_ops",
	.owner = THIS_MODULE,
};

int ioasid_policy_init(void)
{
	return register_bpf_struct_ops(&ioasid_policy_struct_ops,
				       ioasid_policy_ops);
}
