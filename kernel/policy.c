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

#include "ioasid_private.h"
#include "policy.h"
#include "trace.h"

/* Serialises reg, update and unreg; readers use RCU. */
static DEFINE_MUTEX(ioasid_policy_lock);
static struct ioasid_policy_ops __rcu *ioasid_policy;

/**
 * struct ioasid_policy_counters - what the active policy decided
 * @calls: hook invocations
 * @allow: answers that allowed the operation
 * @deny: answers that refused it
 * @invalid: answers outside the hook's contract (treated as refusals)
 */
struct ioasid_policy_counters {
	atomic64_t calls;
	atomic64_t allow;
	atomic64_t deny;
	atomic64_t invalid;
};

/* Counters of the active policy; reset whenever the policy changes. */
static struct ioasid_policy_counters ioasid_policy_stats[IOASID_HOOK_MAX];

static const char *const ioasid_hook_names[IOASID_HOOK_MAX] = {
	[IOASID_HOOK_DEVICE_ATTACH] = "device_attach",
	[IOASID_HOOK_PASID_ALLOC] = "pasid_alloc",
	[IOASID_HOOK_GROUP_VIABLE] = "group_viable",
	[IOASID_HOOK_DMA_MAP] = "dma_map",
	[IOASID_HOOK_DMA_UNMAP] = "dma_unmap",
	[IOASID_HOOK_DEVICE_BIND] = "device_bind",
	[IOASID_HOOK_DEVICE_UNBIND] = "device_unbind",
};

enum ioasid_verdict {
	IOASID_VERDICT_ALLOW,
	IOASID_VERDICT_DENY,
	IOASID_VERDICT_INVALID,
};

static void ioasid_policy_fill_caller(struct ioasid_policy_caller *c)
{
	c->uid = from_kuid_munged(&init_user_ns, current_uid());
	c->gid = from_kgid_munged(&init_user_ns, current_gid());
	c->tgid = task_tgid_nr(current);
	c->pid = task_pid_nr(current);
	rcu_read_lock();
	c->cgroup_id = cgroup_id(task_dfl_cgroup(current));
	rcu_read_unlock();
	get_task_comm(c->comm, current);
}

static void ioasid_policy_count(enum ioasid_policy_hook hook,
				enum ioasid_verdict verdict)
{
	struct ioasid_policy_counters *c = &ioasid_policy_stats[hook];

	atomic64_inc(&c->calls);
	switch (verdict) {
	case IOASID_VERDICT_ALLOW:
		atomic64_inc(&c->allow);
		break;
	case IOASID_VERDICT_DENY:
		atomic64_inc(&c->deny);
		break;
	case IOASID_VERDICT_INVALID:
		atomic64_inc(&c->invalid);
		break;
	}
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
	struct ioasid_policy_pasid pctx = {
		.ctx_id = ctx->id,
		.min = min,
		.max = max,
		.nr_owned = nr_owned,
	};
	enum ioasid_verdict verdict;
	struct ioasid_policy_ops *ops;
	int rc = 0;
	s32 ret;

	*pasid = 0;
	ioasid_policy_fill_caller(&pctx.caller);

	rcu_read_lock();
	ops = rcu_dereference(ioasid_policy);
	if (!ops || !ops->pasid_alloc) {
		rcu_read_unlock();
		return 0;
	}
	ret = ops->pasid_alloc(&pctx);
	if (ret == 0) {
		verdict = IOASID_VERDICT_ALLOW;
	} else if (ret == -EPERM || ret == -EDQUOT) {
		verdict = IOASID_VERDICT_DENY;
		rc = ret;
	} else if (ret > 0 && ret >= min && ret <= max) {
		verdict = IOASID_VERDICT_ALLOW;
		*pasid = ret;
	} else {
		verdict = IOASID_VERDICT_INVALID;
		rc = -EPERM;
	}
	ioasid_policy_count(IOASID_HOOK_PASID_ALLOC, verdict);
	trace_ioasid_policy_decision(ops->name,
				     ioasid_hook_names[IOASID_HOOK_PASID_ALLOC],
				     ret, rc, ctx->id, 0, 0, *pasid);
	rcu_read_unlock();
	return rc;
}

/* The PASID a policy picked turned out to be taken: its answer was wrong. */
void ioasid_policy_pasid_taken(void)
{
	struct ioasid_policy_counters *c =
		&ioasid_policy_stats[IOASID_HOOK_PASID_ALLOC];

	atomic64_dec(&c->allow);
	atomic64_inc(&c->invalid);
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

static void ioasid_policy_reset_stats(void)
{
	int i;

	for (i = 0; i < IOASID_HOOK_MAX; i++) {
		atomic64_set(&ioasid_policy_stats[i].calls, 0);
		atomic64_set(&ioasid_policy_stats[i].allow, 0);
		atomic64_set(&ioasid_policy_stats[i].deny, 0);
		atomic64_set(&ioasid_policy_stats[i].invalid, 0);
	}
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
static s32 ioasid_policy_stub_pasid_alloc(const struct ioasid_policy_pasid *ctx)
{
	return 0;
}

static struct ioasid_policy_ops ioasid_policy_cfi_stubs = {
	.pasid_alloc = ioasid_policy_stub_pasid_alloc,
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
