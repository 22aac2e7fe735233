// SPDX-License-Identifier: GPL-2.0
/*
 * The system-wide PASID space [IOASID_PASID_MIN, IOASID_PASID_MAX].
 *
 * Every allocated PASID has one owner context.  ioasid_pasids maps PASID ->
 * &struct ioasid_pasid and is the authority on which PASIDs are taken; the
 * owner's ctx->pasids indexes the same entries so a closing context frees
 * its own without scanning everybody's.  An entry leaves the owner's index
 * first (under its xa_lock, which also guards @attached), then the global
 * space; the two locks are never held together.
 *
 * A new PASID follows the object rule of context.c: it is reserved in both
 * xarrays (XA_ZERO_ENTRY: taken, but found by nobody), the value is copied
 * to user space, and only then are the entries stored.  A failed copy gives
 * back reserved slots that no other context or thread can have touched.
 */
#include <linux/slab.h>

#include "pasid.h"
#include "trace.h"

/**
 * struct ioasid_pasid - an allocated PASID
 * @ctx: owning context
 * @pasid: the value
 * @attached: attachments using this PASID; a PASID in use cannot be freed
 */
struct ioasid_pasid {
	struct ioasid_ctx *ctx;
	u32 pasid;
	unsigned int attached;
};

static DEFINE_XARRAY_ALLOC(ioasid_pasids);
/* Visible PASIDs of ioasid_pasids, as &ioasid_ctx.nr_pasids per context. */
static atomic_t ioasid_nr_pasids = ATOMIC_INIT(0);

/* Reserve @want (or a free PASID in [@min, @max]) for @ctx. */
static int ioasid_pasid_reserve(struct ioasid_ctx *ctx, u32 *pasid, u32 min,
				u32 max, u32 want)
{
	int rc;

	if (want) {
		rc = xa_insert(&ioasid_pasids, want, XA_ZERO_ENTRY,
			       GFP_KERNEL_ACCOUNT);
		if (!rc)
			*pasid = want;
	} else {
		rc = xa_alloc(&ioasid_pasids, pasid, XA_ZERO_ENTRY,
			      XA_LIMIT(min, max), GFP_KERNEL_ACCOUNT);
		if (rc == -EBUSY)	/* xa_alloc's way of saying "full" */
			rc = -ENOSPC;
	}
	if (rc)
		return rc;

	rc = xa_insert(&ctx->pasids, *pasid, XA_ZERO_ENTRY, GFP_KERNEL_ACCOUNT);
	if (rc)
		xa_erase(&ioasid_pasids, *pasid);
	return rc;
}

int ioasid_pasid_alloc_ioctl(struct ioasid_ucmd *ucmd)
{
	struct ioasid_pasid_alloc *cmd = ucmd->cmd;
	struct ioasid_ctx *ctx = ucmd->ctx;
	u32 min = cmd->min ?: IOASID_PASID_MIN;
	u32 max = cmd->max ?: IOASID_PASID_MAX;
	struct ioasid_pasid *p;
	u32 want;
	int rc;

	if (cmd->flags || cmd->__reserved)
		return -EOPNOTSUPP;
	if (min < IOASID_PASID_MIN || max > IOASID_PASID_MAX || min > max)
		return -EINVAL;

	/* Counted in the tenant first: its contexts allocating at once. */
	rc = ioasid_policy_pasid_alloc(&ctx->owner, min, max,
				       ioasid_pasid_ctx_count(ctx),
				       atomic_fetch_inc(&ctx->tenant->nr_pasids),
				       &want);
	if (rc)
		goto err_uncount;

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p) {
		rc = -ENOMEM;
		goto err_uncount;
	}
	p->ctx = ctx;
	rc = ioasid_pasid_reserve(ctx, &p->pasid, min, max, want);
	if (rc == -EBUSY)
		ioasid_policy_pasid_taken();
	if (rc)
		goto err_free;

	/* The last thing that can fail: user space learning the PASID. */
	cmd->out_pasid = p->pasid;
	rc = ioasid_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto err_unreserve;

	trace_ioasid_pasid_alloc(ctx->id, p->pasid);
	/* Both slots exist: storing allocates nothing and cannot fail. */
	WARN_ON(xa_store(&ioasid_pasids, p->pasid, p, GFP_KERNEL));
	WARN_ON(xa_store(&ctx->pasids, p->pasid, p, GFP_KERNEL));
	atomic_inc(&ctx->nr_pasids);
	atomic_inc(&ioasid_nr_pasids);
	return 0;

err_unreserve:
	xa_erase(&ctx->pasids, p->pasid);
	xa_erase(&ioasid_pasids, p->pasid);
err_free:
	kfree(p);
err_uncount:
	atomic_dec(&ctx->tenant->nr_pasids);
	return rc;
}

/*
 * Second half of a free: @p is already out of its owner's index, which
 * keeps @nr_owned PASIDs.
 */
static void ioasid_pasid_release(struct ioasid_pasid *p, u32 nr_owned)
{
	u32 tenant_owned = atomic_dec_return(&p->ctx->tenant->nr_pasids);

	xa_erase(&ioasid_pasids, p->pasid);
	atomic_dec(&ioasid_nr_pasids);
	trace_ioasid_pasid_free(p->ctx->id, p->pasid);
	ioasid_policy_pasid_free(&p->ctx->owner, p->pasid, nr_owned,
				 tenant_owned);
	kfree(p);
}

int ioasid_pasid_free_ioctl(struct ioasid_ucmd *ucmd)
{
	struct ioasid_pasid_free *cmd = ucmd->cmd;
	struct ioasid_ctx *ctx = ucmd->ctx;
	struct ioasid_pasid *p;
	int rc = 0;

	xa_lock(&ctx->pasids);
	p = xa_load(&ctx->pasids, cmd->pasid);
	if (!p)
		rc = -ENOENT;
	else if (p->attached)
		rc = -EBUSY;
	else
		__xa_erase(&ctx->pasids, cmd->pasid);
	if (!rc)
		atomic_dec(&ctx->nr_pasids);
	xa_unlock(&ctx->pasids);
	if (rc)
		return rc;
	ioasid_pasid_release(p, ioasid_pasid_ctx_count(ctx));
	return 0;
}

/**
 * ioasid_pasid_attach_get() - use a PASID of @ctx for an attachment
 * @ctx: the context that must own @pasid
 * @pasid: the PASID
 *
 * A PASID in use cannot be freed (-EBUSY) until ioasid_pasid_attach_put().
 *
 * Return: 0, or -EACCES if @ctx does not own @pasid.
 */
int ioasid_pasid_attach_get(struct ioasid_ctx *ctx, u32 pasid)
{
	struct ioasid_pasid *p;
	int rc = 0;

	xa_lock(&ctx->pasids);
	p = xa_load(&ctx->pasids, pasid);
	if (p)
		p->attached++;
	else
		rc = -EACCES;
	xa_unlock(&ctx->pasids);
	return rc;
}

/**
 * ioasid_pasid_attach_put() - an attachment stopped using a PASID
 * @ctx: the owner
 * @pasid: the PASID
 */
void ioasid_pasid_attach_put(struct ioasid_ctx *ctx, u32 pasid)
{
	struct ioasid_pasid *p;

	xa_lock(&ctx->pasids);
	p = xa_load(&ctx->pasids, pasid);
	if (!WARN_ON(!p || !p->attached))
		p->attached--;
	xa_unlock(&ctx->pasids);
}

/**
 * ioasid_pasid_release_ctx() - free every PASID a closing context owns
 * @ctx: the context; nothing is attached any more
 */
void ioasid_pasid_release_ctx(struct ioasid_ctx *ctx)
{
	u32 nr_owned = ioasid_pasid_ctx_count(ctx);
	struct ioasid_pasid *p;
	unsigned long idx;

	xa_for_each(&ctx->pasids, idx, p) {
		WARN_ON(p->attached);
		xa_erase(&ctx->pasids, idx);
		atomic_dec(&ctx->nr_pasids);
		ioasid_pasid_release(p, --nr_owned);
	}
}

/**
 * ioasid_pasid_count() - PASIDs allocated system-wide
 *
 * Return: the count.
 */
unsigned int ioasid_pasid_count(void)
{
	return atomic_read(&ioasid_nr_pasids);
}

/**
 * ioasid_pasid_ctx_count() - PASIDs a context owns
 * @ctx: the context
 *
 * Return: the count.
 */
unsigned int ioasid_pasid_ctx_count(struct ioasid_ctx *ctx)
{
	return atomic_read(&ctx->nr_pasids);
}

/**
 * ioasid_pasid_get_next() - the first allocated PASID at or after @index
 * @index: in: first PASID to look at; out: the PASID found
 * @info: out: what introspection shows of it
 *
 * The owner cannot go away while the PASID is in ioasid_pasids (a closing
 * context frees its PASIDs first), so its id is read under the xa_lock.
 * @attached belongs to the owner's lock: the value is a snapshot.
 *
 * Return: true if one was found.
 */
bool ioasid_pasid_get_next(unsigned long *index, struct ioasid_pasid_info *info)
{
	struct ioasid_pasid *p;

	xa_lock(&ioasid_pasids);
	p = xa_find(&ioasid_pasids, index, ULONG_MAX, XA_PRESENT);
	if (p) {
		info->pasid = p->pasid;
		info->ctx_id = p->ctx->id;
		info->nr_attached = READ_ONCE(p->attached);
	}
	xa_unlock(&ioasid_pasids);
	return p;
}
