// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF policy layer: registration of the struct_ops type
 * ioasid_policy_ops, the single active policy, and the calls out to it at
 * decision points.  Callers describe the context, device and group a
 * decision is about (policy.h's descriptors); this file depends on
 * nothing else of the module.
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
#include <linux/cred.h>
#include <linux/ctype.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include "policy.h"
#include "trace.h"

bool ioasid_policy_may_relax;
module_param_named(policy_may_relax, ioasid_policy_may_relax, bool, 0444);
MODULE_PARM_DESC(policy_may_relax,
		 "Let a policy declare groups viable that the kernel does not (relaxes isolation)");

/* Serialises reg, update and unreg; readers use RCU. */
static DEFINE_MUTEX(ioasid_policy_lock);
static struct ioasid_policy_ops __rcu *ioasid_policy;

/* When the active policy was loaded (ktime_get_real_ns), under the lock. */
static u64 ioasid_policy_loaded_ns;

/*
 * What the active policy decided; reset whenever the policy changes.  Per
 * CPU, as every decision counts: no shared cache line is written on the
 * way to a hook.  A count may go down on one CPU and up on another (a
 * PASID found taken); only the sum means something.
 */
static DEFINE_PER_CPU(struct ioasid_policy_hook_stats [IOASID_HOOK_MAX],
		      ioasid_policy_stats);

/*
 * A hook's name, from its member: a misspelt one does not build, and
 * ioasid_policy_init() refuses to load with a hook left out.
 */
#define IOASID_HOOK_NAME(op)						\
	[IOASID_HOOK_IDX(op)] = #op
const char *const ioasid_policy_hook_names[IOASID_HOOK_MAX] = {
	IOASID_HOOK_NAME(device_attach),
	IOASID_HOOK_NAME(pasid_alloc),
	IOASID_HOOK_NAME(group_viable),
	IOASID_HOOK_NAME(dma_map),
	IOASID_HOOK_NAME(dma_unmap),
	IOASID_HOOK_NAME(device_bind),
	IOASID_HOOK_NAME(device_unbind),
	IOASID_HOOK_NAME(pasid_free),
};

/* The hook at index @hook of @ops, NULL when the policy leaves it out. */
static void *ioasid_policy_hook(const struct ioasid_policy_ops *ops,
				unsigned int hook)
{
	return ((void *const *)ops)[hook];
}

/**
 * ioasid_policy_has_hook() - does the active policy implement a hook?
 * @hook: IOASID_HOOK_IDX() of the hook
 *
 * Asked before a hook's context is described, which costs more than the
 * question (cgroup id, comm, group members); the hook is looked up again
 * under RCU to call it, so a replace in between makes the call see the old
 * or the new policy, as any other.
 *
 * Return: true if it does.
 */
bool ioasid_policy_has_hook(unsigned int hook)
{
	const struct ioasid_policy_ops *ops;
	bool has;

	rcu_read_lock();
	ops = rcu_dereference(ioasid_policy);
	has = ops && ioasid_policy_hook(ops, hook);
	rcu_read_unlock();
	return has;
}

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
				 unsigned int hook,
				 enum ioasid_verdict verdict, s64 ret, int err,
				 const struct ioasid_policy_ids *ids)
{
	this_cpu_inc(ioasid_policy_stats[hook].calls);
	switch (verdict) {
	case IOASID_VERDICT_NOTIFY:
		break;
	case IOASID_VERDICT_ALLOW:
		this_cpu_inc(ioasid_policy_stats[hook].allow);
		break;
	case IOASID_VERDICT_DENY:
		this_cpu_inc(ioasid_policy_stats[hook].deny);
		break;
	case IOASID_VERDICT_INVALID:
		this_cpu_inc(ioasid_policy_stats[hook].invalid);
		break;
	}
	trace_ioasid_policy_decision(ops->name, ioasid_policy_hook_names[hook],
				     ret, err, ids->ctx_id, ids->dev_id,
				     ids->ioas_id, ids->pasid);
}

/*
 * How an answer is judged: @judge turns the program's return value into
 * the kernel's result (0 or an errno) and records the verdict.  @denials
 * are the refusals the hook's contract allows.
 */
struct ioasid_policy_judge {
	int (*judge)(const struct ioasid_policy_ops *ops, unsigned int hook,
		     s32 ret, const struct ioasid_policy_judge *j);
	const struct ioasid_policy_ids *ids;
	const int *denials;
	size_t nr_denials;
	void *arg;
};

/*
 * The one way to call the policy: under RCU, if the active policy has a
 * program for @op, run it on @arg and let @j judge the answer (a
 * notification's answer is 0).  Without a policy, or without that hook,
 * the result is @dflt.
 */
#define IOASID_POLICY_CALL(op, arg, j, dflt) ({				\
	const struct ioasid_policy_ops *__ops;				\
	int __rc = (dflt);						\
									\
	rcu_read_lock();						\
	__ops = rcu_dereference(ioasid_policy);				\
	if (__ops && __ops->op)						\
		__rc = (j)->judge(__ops, IOASID_HOOK_IDX(op),		\
			__builtin_choose_expr(				\
				__builtin_types_compatible_p(		\
					typeof(__ops->op(arg)), void),	\
				(__ops->op(arg), 0), __ops->op(arg)),	\
			(j));						\
	rcu_read_unlock();						\
	__rc;								\
})

/* Notifications: nothing to judge, only counted and traced. */
static int ioasid_policy_notified(const struct ioasid_policy_ops *ops,
				  unsigned int hook, s32 ret,
				  const struct ioasid_policy_judge *j)
{
	ioasid_policy_record(ops, hook, IOASID_VERDICT_NOTIFY, 0, 0, j->ids);
	return 0;
}

/* "0 allows, or one of the contract's denials refuses". */
static int ioasid_policy_decided(const struct ioasid_policy_ops *ops,
				 unsigned int hook, s32 ret,
				 const struct ioasid_policy_judge *j)
{
	size_t i;

	if (!ret) {
		ioasid_policy_record(ops, hook, IOASID_VERDICT_ALLOW, ret, 0,
				     j->ids);
		return 0;
	}
	for (i = 0; i < j->nr_denials; i++) {
		if (ret == j->denials[i]) {
			ioasid_policy_record(ops, hook, IOASID_VERDICT_DENY,
					     ret, ret, j->ids);
			return ret;
		}
	}
	ioasid_policy_record(ops, hook, IOASID_VERDICT_INVALID, ret, -EPERM,
			     j->ids);
	return -EPERM;
}

static void ioasid_policy_fill_caller(struct ioasid_policy_caller *c)
{
	c->uid = from_kuid_munged(&init_user_ns, current_uid());
	c->gid = from_kgid_munged(&init_user_ns, current_gid());
	c->tgid = task_tgid_nr(current);
	c->pid = task_pid_nr(current);
	c->cgroup_id = ioasid_current_cgroup_id();
	/*
	 * The caller's own name, copied without task_lock(): comm always
	 * ends in a NUL, so a racing rename gives a mix of two names at
	 * worst (as get_task_comm() itself does from 6.13 on).
	 */
	strscpy_pad(c->comm, current->comm);
}

/* pasid_alloc: a PASID in [min, max] is the policy's pick. */
static int ioasid_policy_pasid_picked(const struct ioasid_policy_ops *ops,
				      unsigned int hook, s32 ret,
				      const struct ioasid_policy_judge *j)
{
	const struct ioasid_policy_pasid *p = j->arg;
	struct ioasid_policy_ids ids = *j->ids;

	if (ret > 0 && ret >= p->min && ret <= p->max) {
		ids.pasid = ret;
		ioasid_policy_record(ops, hook, IOASID_VERDICT_ALLOW, ret, 0,
				     &ids);
		return ret;
	}
	return ioasid_policy_decided(ops, hook, ret, j);
}

/**
 * ioasid_policy_pasid_alloc() - ask the policy about a PASID allocation
 * @ctx: the allocating context
 * @min: lowest acceptable PASID
 * @max: highest acceptable PASID
 * @nr_owned: PASIDs @ctx owns already
 * @tenant_nr_owned: PASIDs the tenant of @ctx owns already
 * @pasid: out: the PASID the policy picked, or 0 to let the kernel pick
 *
 * Return: 0 to go ahead, or the errno to fail the allocation with.
 */
int ioasid_policy_pasid_alloc(const struct ioasid_policy_context *ctx,
			      u32 min, u32 max, u32 nr_owned,
			      u32 tenant_nr_owned, u32 *pasid)
{
	static const int denials[] = { -EPERM, -EDQUOT };
	struct ioasid_policy_ids ids = { .ctx_id = ctx->id };
	struct ioasid_policy_pasid p = {
		.ctx = *ctx,
		.min = min,
		.max = max,
		.nr_owned = nr_owned,
		.tenant_nr_owned = tenant_nr_owned,
	};
	struct ioasid_policy_judge j = {
		ioasid_policy_pasid_picked, &ids, denials, ARRAY_SIZE(denials),
		&p,
	};
	int rc;

	*pasid = 0;
	if (!ioasid_policy_has(pasid_alloc))
		return 0;
	ioasid_policy_fill_caller(&p.caller);
	rc = IOASID_POLICY_CALL(pasid_alloc, &p, &j, 0);
	if (rc > 0) {
		*pasid = rc;
		rc = 0;
	}
	return rc;
}

/**
 * ioasid_policy_pasid_free() - tell the policy a PASID went back
 * @ctx: the context that owned it
 * @pasid: the PASID
 * @nr_owned: PASIDs @ctx still owns
 * @tenant_nr_owned: PASIDs the tenant of @ctx still owns
 */
void ioasid_policy_pasid_free(const struct ioasid_policy_context *ctx,
			      u32 pasid, u32 nr_owned, u32 tenant_nr_owned)
{
	struct ioasid_policy_ids ids = { .ctx_id = ctx->id, .pasid = pasid };
	struct ioasid_policy_pasid_free f = {
		.ctx = *ctx,
		.pasid = pasid,
		.nr_owned = nr_owned,
		.tenant_nr_owned = tenant_nr_owned,
	};
	struct ioasid_policy_judge j = { ioasid_policy_notified, &ids };

	if (!ioasid_policy_has(pasid_free))
		return;
	ioasid_policy_fill_caller(&f.caller);
	IOASID_POLICY_CALL(pasid_free, &f, &j, 0);
}

/* The PASID a policy picked turned out to be taken: its answer was wrong. */
void ioasid_policy_pasid_taken(void)
{
	unsigned int hook = IOASID_HOOK_IDX(pasid_alloc);

	this_cpu_dec(ioasid_policy_stats[hook].allow);
	this_cpu_inc(ioasid_policy_stats[hook].invalid);
}

/**
 * ioasid_policy_device_attach() - may a device attach to an IOAS?
 * @ctx: the device's context
 * @dev: the device
 * @group: its group
 * @ioas_id: the IOAS
 * @pasid: the PASID, or 0 for the attachment without PASID
 *
 * Return: 0 to go ahead, or the errno to fail the attach with.
 */
int ioasid_policy_device_attach(const struct ioasid_policy_context *ctx,
				const struct ioasid_policy_device *dev,
				const struct ioasid_policy_group *group,
				u32 ioas_id, u32 pasid)
{
	static const int denials[] = { -EPERM };
	struct ioasid_policy_ids ids = {
		.ctx_id = ctx->id,
		.dev_id = dev->dev_id,
		.ioas_id = ioas_id,
		.pasid = pasid,
	};
	struct ioasid_policy_attach a = {
		.ctx = *ctx,
		.device = *dev,
		.group = *group,
		.ioas_id = ioas_id,
		.pasid = pasid,
	};
	struct ioasid_policy_judge j = {
		ioasid_policy_decided, &ids, denials, ARRAY_SIZE(denials),
	};

	ioasid_policy_fill_caller(&a.caller);
	return IOASID_POLICY_CALL(device_attach, &a, &j, 0);
}

/**
 * ioasid_policy_device_bind() - tell the policy a device was (un)bound
 * @ctx: the context
 * @dev: the device
 * @group: its group
 * @bind: true for bind, false for unbind
 */
void ioasid_policy_device_bind(const struct ioasid_policy_context *ctx,
			       const struct ioasid_policy_device *dev,
			       const struct ioasid_policy_group *group,
			       bool bind)
{
	struct ioasid_policy_ids ids = {
		.ctx_id = ctx->id,
		.dev_id = dev->dev_id,
	};
	struct ioasid_policy_bind b = {
		.ctx = *ctx,
		.device = *dev,
		.group = *group,
	};
	struct ioasid_policy_judge j = { ioasid_policy_notified, &ids };

	ioasid_policy_fill_caller(&b.caller);
	if (bind)
		IOASID_POLICY_CALL(device_bind, &b, &j, 0);
	else
		IOASID_POLICY_CALL(device_unbind, &b, &j, 0);
}

/* What the group_viable judge needs besides the answer. */
struct ioasid_policy_viable_arg {
	bool kernel_viable;
	char *reason;
	size_t len;
};

/*
 * group_viable: -EPERM tightens; 0 agrees, and relaxes a non-viable group
 * only with policy_may_relax.  The result is the final verdict.
 */
static int ioasid_policy_viable(const struct ioasid_policy_ops *ops,
				unsigned int hook, s32 ret,
				const struct ioasid_policy_judge *j)
{
	const struct ioasid_policy_viable_arg *v = j->arg;
	enum ioasid_verdict verdict;
	bool viable = v->kernel_viable;

	if (ret == -EPERM) {
		verdict = IOASID_VERDICT_DENY;
		if (v->kernel_viable)
			snprintf(v->reason, v->len, "refused by policy %s",
				 ops->name);
		viable = false;
	} else if (ret == 0 && (v->kernel_viable || ioasid_policy_may_relax)) {
		verdict = IOASID_VERDICT_ALLOW;
		viable = true;
	} else {
		/* Out of contract, or relaxing without the opt-in. */
		verdict = IOASID_VERDICT_INVALID;
	}
	ioasid_policy_record(ops, hook, verdict, ret, viable ? 0 : -EBUSY,
			     j->ids);
	return viable;
}

/**
 * ioasid_policy_group_viable() - the policy's verdict on a group
 * @ctx: the context binding
 * @dev: the device being bound
 * @group: its group
 * @kernel_viable: the kernel's verdict
 * @reason: in: the kernel's reason if not viable; out: the final reason
 * @len: size of @reason
 *
 * Tighten-only unless ioasid.ko was loaded with policy_may_relax=1.
 *
 * Return: the final verdict.
 */
bool ioasid_policy_group_viable(const struct ioasid_policy_context *ctx,
				const struct ioasid_policy_device *dev,
				const struct ioasid_policy_group *group,
				bool kernel_viable, char *reason, size_t len)
{
	struct ioasid_policy_ids ids = { .ctx_id = ctx->id };
	struct ioasid_policy_viable_arg arg = { kernel_viable, reason, len };
	struct ioasid_policy_viability v = {
		.ctx = *ctx,
		.device = *dev,
		.group = *group,
		.kernel_viable = kernel_viable,
	};
	struct ioasid_policy_judge j = {
		ioasid_policy_viable, &ids, .arg = &arg,
	};

	if (!ioasid_policy_has(group_viable))
		return kernel_viable;
	ioasid_policy_fill_caller(&v.caller);
	return IOASID_POLICY_CALL(group_viable, &v, &j, kernel_viable);
}

static int ioasid_policy_dma(const struct ioasid_policy_context *ctx,
			     bool map, u32 ioas_id, bool nested, u64 iova,
			     u64 length, u32 prot, u64 ctx_mapped_bytes,
			     u64 tenant_mapped_bytes)
{
	static const int denials[] = { -EPERM, -EDQUOT };
	struct ioasid_policy_ids ids = { .ctx_id = ctx->id, .ioas_id = ioas_id };
	struct ioasid_policy_dma d = {
		.ctx = *ctx,
		.ioas_id = ioas_id,
		.nested = nested,
		.iova = iova,
		.length = length,
		.prot = prot,
		.ctx_mapped_bytes = ctx_mapped_bytes,
		.tenant_mapped_bytes = tenant_mapped_bytes,
	};
	struct ioasid_policy_judge j = {
		map ? ioasid_policy_decided : ioasid_policy_notified, &ids,
		denials, ARRAY_SIZE(denials),
	};

	if (!(map ? ioasid_policy_has(dma_map) : ioasid_policy_has(dma_unmap)))
		return 0;
	ioasid_policy_fill_caller(&d.caller);
	if (map)
		return IOASID_POLICY_CALL(dma_map, &d, &j, 0);
	return IOASID_POLICY_CALL(dma_unmap, &d, &j, 0);
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
 * @tenant_mapped_bytes: bytes the tenant of @ctx has mapped before this,
 *	maps in flight included
 *
 * Return: 0 to go ahead, or the errno to fail the map with.
 */
int ioasid_policy_dma_map(const struct ioasid_policy_context *ctx,
			  u32 ioas_id, bool nested, u64 iova, u64 length,
			  u32 prot, u64 ctx_mapped_bytes,
			  u64 tenant_mapped_bytes)
{
	return ioasid_policy_dma(ctx, true, ioas_id, nested, iova, length,
				 prot, ctx_mapped_bytes, tenant_mapped_bytes);
}

/**
 * ioasid_policy_dma_unmap() - tell the policy a range was unmapped
 * @ctx: the context of the IOAS
 * @ioas_id: the IOAS
 * @nested: the IOAS is nested
 * @iova: first IOVA of the range
 * @length: bytes that were mapped and are not any more
 * @ctx_mapped_bytes: bytes @ctx had mapped before this
 * @tenant_mapped_bytes: bytes the tenant of @ctx had mapped before this
 */
void ioasid_policy_dma_unmap(const struct ioasid_policy_context *ctx,
			     u32 ioas_id, bool nested, u64 iova, u64 length,
			     u64 ctx_mapped_bytes, u64 tenant_mapped_bytes)
{
	ioasid_policy_dma(ctx, false, ioas_id, nested, iova, length, 0,
			  ctx_mapped_bytes, tenant_mapped_bytes);
}

/**
 * ioasid_policy_info() - the active policy, for introspection
 * @name: out: its name (IOASID_POLICY_NAME_LEN bytes)
 * @loaded_ns: out: when it was loaded or last replaced (CLOCK_REALTIME)
 * @stats: out: per-hook counters since then
 * @implemented: out: bit (1 << IOASID_HOOK_IDX()) set for every hook the
 *	policy has a program for
 *
 * Return: true if a policy is active.
 */
bool ioasid_policy_info(char *name, u64 *loaded_ns,
			struct ioasid_policy_hook_stats *stats, u32 *implemented)
{
	struct ioasid_policy_ops *ops;
	unsigned int i;
	int cpu;

	mutex_lock(&ioasid_policy_lock);
	ops = rcu_dereference_protected(ioasid_policy,
					lockdep_is_held(&ioasid_policy_lock));
	if (ops) {
		strscpy(name, ops->name, IOASID_POLICY_NAME_LEN);
		*loaded_ns = ioasid_policy_loaded_ns;
		*implemented = 0;
		memset(stats, 0, IOASID_HOOK_MAX * sizeof(*stats));
		for (i = 0; i < IOASID_HOOK_MAX; i++) {
			if (ioasid_policy_hook(ops, i))
				*implemented |= BIT(i);
			for_each_possible_cpu(cpu) {
				const struct ioasid_policy_hook_stats *s =
					&per_cpu(ioasid_policy_stats, cpu)[i];

				stats[i].calls += READ_ONCE(s->calls);
				stats[i].allow += READ_ONCE(s->allow);
				stats[i].deny += READ_ONCE(s->deny);
				stats[i].invalid += READ_ONCE(s->invalid);
			}
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
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu(ioasid_policy_stats, cpu), 0,
		       sizeof(ioasid_policy_stats));
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

/**
 * ioasid_policy_init() - register the struct_ops type
 *
 * Return: 0, -EINVAL if a hook of struct ioasid_policy_ops lacks its name
 * or CFI stub here (a build that forgot one), or the BPF core's error.
 */
int ioasid_policy_init(void)
{
	unsigned int i;

	for (i = 0; i < IOASID_HOOK_MAX; i++) {
		if (!ioasid_policy_hook_names[i] ||
		    !ioasid_policy_hook(&ioasid_policy_cfi_stubs, i)) {
			pr_err("ioasid: policy hook %u has no name or stub\n", i);
			return -EINVAL;
		}
	}
	return register_bpf_struct_ops(&ioasid_policy_struct_ops,
				       ioasid_policy_ops);
}
