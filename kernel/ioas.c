// SPDX-License-Identifier: GPL-2.0
/*
 * IOAS objects: their life cycle in a context and their ioctls (alloc,
 * IOVA ranges, map, unmap).  The work is the engine's (io_pagetable.h),
 * embedded in each IOAS; what this file adds is the object, the policy's
 * say on every map and unmap, the context's byte count and the tracepoints.
 */
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/slab.h>

#include "domain.h"
#include "ioas.h"
#include "trace.h"

static atomic_t ioasid_ioas_live = ATOMIC_INIT(0);

static struct ioasid_ioas *to_ioas(struct ioasid_object *obj)
{
	return container_of(obj, struct ioasid_ioas, obj);
}

/**
 * ioasid_ioas_count() - live IOAS objects
 *
 * Return: the count.
 */
unsigned int ioasid_ioas_count(void)
{
	return atomic_read(&ioasid_ioas_live);
}

/**
 * ioasid_ioas_get() - look up an IOAS of a context
 * @ctx: the context
 * @ioas_id: its id
 *
 * Return: the IOAS with a reference, or ERR_PTR(-ENOENT).
 */
struct ioasid_ioas *ioasid_ioas_get(struct ioasid_ctx *ctx, u32 ioas_id)
{
	struct ioasid_object *obj;

	obj = ioasid_object_get(ctx, ioas_id, IOASID_OBJ_IOAS);
	if (IS_ERR(obj))
		return ERR_CAST(obj);
	return to_ioas(obj);
}

/**
 * ioasid_ioas_get_next() - the first IOAS of @ctx whose id is at least @index
 * @ctx: the context
 * @index: in: first id to look at; out: the id of the IOAS found
 *
 * Return: the IOAS with a reference, or NULL.
 */
struct ioasid_ioas *ioasid_ioas_get_next(struct ioasid_ctx *ctx,
					 unsigned long *index)
{
	struct ioasid_object *obj;

	obj = ioasid_object_get_next(ctx, index, IOASID_OBJ_IOAS);
	return obj ? to_ioas(obj) : NULL;
}

/**
 * ioasid_ioas_put() - drop a reference from ioasid_ioas_get()
 * @ioas: the IOAS
 */
void ioasid_ioas_put(struct ioasid_ioas *ioas)
{
	ioasid_object_put(&ioas->obj);
}

/* The bytes a context has mapped count paging IOAS only (see policy.h). */
static void ioasid_ioas_account(struct ioasid_ioas *ioas, s64 bytes)
{
	if (!ioas->parent)
		atomic64_add(bytes, &ioas->obj.ctx->mapped_bytes);
}

/*
 * A map of @length is about to be decided: reserve it in the tenant's
 * total (paging IOAS only, as the context's count), so that contexts of
 * one tenant mapping at once see each other.  Return: the total before.
 */
static u64 ioasid_ioas_tenant_reserve(struct ioasid_ioas *ioas, u64 length)
{
	struct ioasid_tenant *t = ioas->obj.ctx->tenant;

	if (ioas->parent)
		return atomic64_read(&t->mapped_bytes);
	return ioasid_tenant_map(t, length);
}

/* @length was unmapped, or its map failed: the tenant's total before. */
static u64 ioasid_ioas_tenant_release(struct ioasid_ioas *ioas, u64 length)
{
	struct ioasid_tenant *t = ioas->obj.ctx->tenant;

	if (ioas->parent)
		return atomic64_read(&t->mapped_bytes);
	return ioasid_tenant_unmapped(t, length);
}

/*
 * Unmap [start, last] and tell the counters, the policy and the tracer.
 * @reply: the ioctl's, or NULL.
 */
static int ioasid_ioas_unmap_range(struct ioasid_ioas *ioas, u64 start,
				   u64 last, u64 *unmapped,
				   const struct iopt_reply *reply)
{
	struct ioasid_ctx *ctx = ioas->obj.ctx;
	u64 before = atomic64_read(&ctx->mapped_bytes), tenant_before;
	int rc;

	rc = iopt_unmap(&ioas->iopt, start, last, unmapped, reply);
	if (rc)
		return rc;
	ioasid_ioas_account(ioas, -(s64)*unmapped);
	tenant_before = ioasid_ioas_tenant_release(ioas, *unmapped);
	ioasid_policy_dma_unmap(&ctx->owner, ioas->obj.id, ioas->parent,
				start, *unmapped, before, tenant_before);
	trace_ioasid_ioas_unmap(ctx->id, ioas->obj.id, start, last, *unmapped);
	return 0;
}

static void ioasid_ioas_destroy(struct ioasid_object *obj)
{
	struct ioasid_ioas *ioas = to_ioas(obj);
	struct ioasid_ioas *parent = ioas->parent;
	u64 unmapped;

	/* Nothing is attached (that would be a hold): no domain is left. */
	WARN_ON(!list_empty(&ioas->iopt.domains) ||
		atomic_read(&ioas->nr_attached));
	WARN_ON(!RB_EMPTY_ROOT(&ioas->iopt.reserved.rb_root));
	WARN_ON(!list_empty(&ioas->iopt.children));
	if (ioas->iopt.nr_areas)
		WARN_ON(ioasid_ioas_unmap_range(ioas, 0, U64_MAX, &unmapped,
						NULL));
	if (parent) {
		iopt_unlink_child(&ioas->iopt);
		ioasid_object_unhold(&parent->obj);
	}
	trace_ioasid_ioas_destroy(obj->ctx->id, obj->id);
	atomic_dec(&ioasid_ioas_live);
	kfree(ioas);
}

static const struct ioasid_object_ops ioasid_ioas_ops = {
	.destroy = ioasid_ioas_destroy,
};

/**
 * ioasid_ioas_init() - register the IOAS object type
 */
void ioasid_ioas_init(void)
{
	ioasid_object_register_type(IOASID_OBJ_IOAS, &ioasid_ioas_ops);
}

/* --- ioctls ------------------------------------------------------------- */

/* A nested IOAS holds its parent, so the parent cannot be destroyed. */
static int ioasid_ioas_link_parent(struct ioasid_ioas *ioas,
				   struct ioasid_ioas *parent)
{
	int rc;

	if (parent->parent)
		return -EINVAL;	/* one level of nesting */
	rc = ioasid_object_hold(&parent->obj);
	if (rc)
		return rc;
	ioas->parent = parent;
	iopt_link_child(&parent->iopt, &ioas->iopt);
	return 0;
}

int ioasid_ioas_alloc_ioctl(struct ioasid_ucmd *ucmd)
{
	struct ioasid_ioas_alloc *cmd = ucmd->cmd;
	struct ioasid_ctx *ctx = ucmd->ctx;
	struct ioasid_ioas *ioas, *parent = NULL;
	int rc;

	if (cmd->flags & ~IOASID_IOAS_ALLOC_NESTED)
		return -EOPNOTSUPP;
	if (!(cmd->flags & IOASID_IOAS_ALLOC_NESTED) && cmd->parent_id)
		return -EINVAL;

	ioas = kzalloc(sizeof(*ioas), GFP_KERNEL_ACCOUNT);
	if (!ioas)
		return -ENOMEM;
	rc = ioasid_object_reserve(ctx, &ioas->obj, IOASID_OBJ_IOAS);
	if (rc)
		goto err_free;
	iopt_init(&ioas->iopt, ioas->obj.id, &ctx->pinned_pages);
	if (cmd->flags & IOASID_IOAS_ALLOC_NESTED) {
		parent = ioasid_ioas_get(ctx, cmd->parent_id);
		if (IS_ERR(parent)) {
			rc = PTR_ERR(parent);
			goto err_abort;
		}
		rc = ioasid_ioas_link_parent(ioas, parent);
		ioasid_ioas_put(parent);
		if (rc)
			goto err_abort;
	}

	/* The last thing that can fail: user space learning the id. */
	cmd->out_ioas_id = ioas->obj.id;
	rc = ioasid_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto err_unlink;

	atomic_inc(&ioasid_ioas_live);
	trace_ioasid_ioas_alloc(ctx->id, ioas->obj.id,
				parent ? parent->obj.id : 0);
	ioasid_object_finalize(&ioas->obj);
	return 0;

err_unlink:
	if (ioas->parent) {
		iopt_unlink_child(&ioas->iopt);
		ioasid_object_unhold(&parent->obj);
	}
err_abort:
	ioasid_object_abort(&ioas->obj);
err_free:
	kfree(ioas);
	return rc;
}

int ioasid_ioas_iova_ranges_ioctl(struct ioasid_ucmd *ucmd)
{
	struct ioasid_ioas_iova_ranges *cmd = ucmd->cmd;
	struct ioasid_iova_range *ranges;
	struct ioasid_ioas *ioas;
	u32 nr;
	int rc;

	if (cmd->__reserved)
		return -EOPNOTSUPP;
	ioas = ioasid_ioas_get(ucmd->ctx, cmd->ioas_id);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);

	rc = iopt_get_allowed_all(&ioas->iopt, &ranges, &nr);
	if (rc)
		goto out;
	if (nr > cmd->num_iovas) {
		cmd->num_iovas = nr;
		rc = ioasid_ucmd_respond(ucmd, sizeof(*cmd));
		rc = rc ? rc : -EMSGSIZE;
		goto out;
	}
	if (nr && copy_to_user(u64_to_user_ptr(cmd->allowed_iovas), ranges,
			       nr * sizeof(*ranges))) {
		rc = -EFAULT;
		goto out;
	}
	cmd->num_iovas = nr;
	cmd->out_iova_alignment = PAGE_SIZE;
	rc = ioasid_ucmd_respond(ucmd, sizeof(*cmd));
out:
	kfree(ranges);
	ioasid_ioas_put(ioas);
	return rc;
}

static int ioasid_prot(u32 flags)
{
	return (flags & IOASID_IOAS_MAP_READABLE ? IOASID_PROT_READ : 0) |
	       (flags & IOASID_IOAS_MAP_WRITEABLE ? IOASID_PROT_WRITE : 0);
}

/*
 * MAP and UNMAP write their reply (the IOVA used, the bytes unmapped) from
 * the engine's lock, before the change is final (struct iopt_reply): an
 * ioctl that fails has changed nothing, and no other thread sees a
 * mapping its ioctl then reports as failed.  Page faults are off there;
 * when the struct's page is not present the change is undone, the page
 * faulted in, and the change made again.  A struct that cannot be written
 * (read-only, or unmapped again by another thread each time) gives
 * -EFAULT, with nothing changed.
 */
#define IOASID_REPLY_TRIES	3

struct ioasid_ioas_reply {
	struct iopt_reply reply;
	struct ioasid_ucmd *ucmd;
	u64 *field;		/* the struct's member the value goes to */
	size_t len;		/* of the struct */
	bool faulted;
};

static int ioasid_ioas_reply_fn(void *arg, u64 value)
{
	struct ioasid_ioas_reply *r = arg;

	*r->field = value;
	if (ioasid_ucmd_respond_nofault(r->ucmd, r->len)) {
		r->faulted = true;
		return -EFAULT;
	}
	return 0;
}

static void ioasid_ioas_reply_init(struct ioasid_ioas_reply *r,
				   struct ioasid_ucmd *ucmd, u64 *field,
				   size_t len)
{
	*r = (struct ioasid_ioas_reply){
		.reply = { .fn = ioasid_ioas_reply_fn, .arg = r },
		.ucmd = ucmd, .field = field, .len = len,
	};
}

/* After a failed try: true if it is worth another. */
static bool ioasid_ioas_reply_retry(struct ioasid_ioas_reply *r, int rc,
				    unsigned int *tries)
{
	if (rc != -EFAULT || !r->faulted || ++*tries == IOASID_REPLY_TRIES)
		return false;
	r->faulted = false;
	return !fault_in_writeable(r->ucmd->ubuffer,
				   min_t(size_t, r->ucmd->user_size, r->len));
}

int ioasid_ioas_map_ioctl(struct ioasid_ucmd *ucmd)
{
	const u32 prot_flags = IOASID_IOAS_MAP_READABLE |
			       IOASID_IOAS_MAP_WRITEABLE;
	struct ioasid_ioas_map *cmd = ucmd->cmd;
	bool fixed = cmd->flags & IOASID_IOAS_MAP_FIXED_IOVA;
	struct ioasid_ctx *ctx = ucmd->ctx;
	struct ioasid_ioas_reply reply;
	unsigned int tries = 0;
	struct ioasid_ioas *ioas;
	u64 end, iova, want;
	int rc;

	if (cmd->flags & ~(IOASID_IOAS_MAP_FIXED_IOVA | prot_flags) ||
	    cmd->__reserved)
		return -EOPNOTSUPP;
	if (!(cmd->flags & prot_flags) || !cmd->length ||
	    !PAGE_ALIGNED(cmd->length) || !PAGE_ALIGNED(cmd->user_va) ||
	    (fixed && !PAGE_ALIGNED(cmd->iova)))
		return -EINVAL;
	if (check_add_overflow(cmd->user_va, cmd->length - 1, &end) ||
	    (fixed && check_add_overflow(cmd->iova, cmd->length - 1, &end)))
		return -EOVERFLOW;

	ioas = ioasid_ioas_get(ctx, cmd->ioas_id);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);
	rc = ioasid_policy_dma_map(&ctx->owner, ioas->obj.id, ioas->parent,
				   fixed ? cmd->iova : 0, cmd->length,
				   cmd->flags & prot_flags,
				   atomic64_read(&ctx->mapped_bytes),
				   ioasid_ioas_tenant_reserve(ioas, cmd->length));
	if (rc)
		goto out_unreserve;
	ioasid_ioas_reply_init(&reply, ucmd, &cmd->iova, sizeof(*cmd));
	want = cmd->iova;	/* the reply overwrites it */
	do {
		iova = want;
		if (ioas->parent)
			rc = iopt_map_nested(&ioas->iopt, cmd->parent_iova,
					     cmd->length, &iova, fixed,
					     ioasid_prot(cmd->flags),
					     &reply.reply);
		else
			rc = iopt_map_user(&ioas->iopt, cmd->user_va,
					   cmd->length, &iova, fixed,
					   ioasid_prot(cmd->flags), false,
					   &reply.reply);
	} while (rc && ioasid_ioas_reply_retry(&reply, rc, &tries));
	if (rc)
		goto out_unreserve;
	ioasid_ioas_account(ioas, cmd->length);
	trace_ioasid_ioas_map(ctx->id, ioas->obj.id, iova, cmd->length,
			      cmd->user_va, cmd->flags & prot_flags);
	goto out;
out_unreserve:
	ioasid_ioas_tenant_release(ioas, cmd->length);
out:
	ioasid_ioas_put(ioas);
	return rc;
}

int ioasid_ioas_copy_ioctl(struct ioasid_ucmd *ucmd)
{
	const u32 prot_flags = IOASID_IOAS_MAP_READABLE |
			       IOASID_IOAS_MAP_WRITEABLE;
	struct ioasid_ioas_copy *cmd = ucmd->cmd;
	bool fixed = cmd->flags & IOASID_IOAS_MAP_FIXED_IOVA;
	struct ioasid_ctx *ctx = ucmd->ctx;
	struct ioasid_ioas *dst, *src;
	struct ioasid_ioas_reply reply;
	unsigned int tries = 0;
	u64 end, iova, want;
	int rc;

	if (cmd->flags & ~(IOASID_IOAS_MAP_FIXED_IOVA | prot_flags))
		return -EOPNOTSUPP;
	if (!(cmd->flags & prot_flags) || !cmd->length ||
	    !PAGE_ALIGNED(cmd->length) || !PAGE_ALIGNED(cmd->src_iova) ||
	    (fixed && !PAGE_ALIGNED(cmd->dst_iova)))
		return -EINVAL;
	if (check_add_overflow(cmd->src_iova, cmd->length - 1, &end) ||
	    (fixed && check_add_overflow(cmd->dst_iova, cmd->length - 1, &end)))
		return -EOVERFLOW;

	dst = ioasid_ioas_get(ctx, cmd->dst_ioas_id);
	if (IS_ERR(dst))
		return PTR_ERR(dst);
	src = ioasid_ioas_get(ctx, cmd->src_ioas_id);
	if (IS_ERR(src)) {
		rc = PTR_ERR(src);
		goto out_dst;
	}
	if (dst->parent || src->parent) {
		rc = -EINVAL;
		goto out_src;
	}
	rc = ioasid_policy_dma_map(&ctx->owner, dst->obj.id, NULL,
				   fixed ? cmd->dst_iova : 0, cmd->length,
				   cmd->flags & prot_flags,
				   atomic64_read(&ctx->mapped_bytes),
				   ioasid_ioas_tenant_reserve(dst, cmd->length));
	if (rc)
		goto out_unreserve;
	ioasid_ioas_reply_init(&reply, ucmd, &cmd->dst_iova, sizeof(*cmd));
	want = cmd->dst_iova;	/* the reply overwrites it */
	do {
		iova = want;
		rc = iopt_copy(&dst->iopt, &src->iopt, cmd->src_iova,
			       cmd->length, &iova, fixed,
			       ioasid_prot(cmd->flags), &reply.reply);
	} while (rc && ioasid_ioas_reply_retry(&reply, rc, &tries));
	if (rc)
		goto out_unreserve;
	ioasid_ioas_account(dst, cmd->length);
	trace_ioasid_ioas_copy(ctx->id, dst->obj.id, iova, cmd->length,
			       src->obj.id, cmd->src_iova,
			       cmd->flags & prot_flags);
	goto out_src;
out_unreserve:
	ioasid_ioas_tenant_release(dst, cmd->length);
out_src:
	ioasid_ioas_put(src);
out_dst:
	ioasid_ioas_put(dst);
	return rc;
}

int ioasid_ioas_unmap_ioctl(struct ioasid_ucmd *ucmd)
{
	struct ioasid_ioas_unmap *cmd = ucmd->cmd;
	struct ioasid_ioas_reply reply;
	unsigned int tries = 0;
	struct ioasid_ioas *ioas;
	u64 start, last, unmapped = 0;
	int rc;

	if (cmd->flags & ~IOASID_IOAS_UNMAP_ALL || cmd->__reserved)
		return -EOPNOTSUPP;
	if (cmd->flags & IOASID_IOAS_UNMAP_ALL) {
		if (cmd->iova || cmd->length)
			return -EINVAL;
		start = 0;
		last = U64_MAX;
	} else {
		if (!cmd->length || !PAGE_ALIGNED(cmd->iova) ||
		    !PAGE_ALIGNED(cmd->length))
			return -EINVAL;
		if (check_add_overflow(cmd->iova, cmd->length - 1, &last))
			return -EOVERFLOW;
		start = cmd->iova;
	}

	ioas = ioasid_ioas_get(ucmd->ctx, cmd->ioas_id);
	if (IS_ERR(ioas))
		return PTR_ERR(ioas);
	ioasid_ioas_reply_init(&reply, ucmd, &cmd->length, sizeof(*cmd));
	do {
		rc = ioasid_ioas_unmap_range(ioas, start, last, &unmapped,
					     &reply.reply);
	} while (rc && ioasid_ioas_reply_retry(&reply, rc, &tries));
	/* Unmapping everything of an empty IOAS is not an error. */
	if (rc == -ENOENT && cmd->flags & IOASID_IOAS_UNMAP_ALL) {
		cmd->length = 0;
		rc = ioasid_ucmd_respond(ucmd, sizeof(*cmd));
	}
	ioasid_ioas_put(ioas);
	return rc;
}

/* --- for devices -------------------------------------------------------- */

/**
 * ioasid_ioas_attach_begin() - count an attachment, and hold the IOAS
 * @ioas: the IOAS, looked up by the caller
 *
 * While attached, IOASID_DESTROY of the IOAS fails with -EBUSY.
 *
 * Return: 0, or -ENOENT if the IOAS was destroyed since the lookup.
 */
int ioasid_ioas_attach_begin(struct ioasid_ioas *ioas)
{
	int rc = ioasid_object_hold(&ioas->obj);

	if (rc)
		return rc;
	atomic_inc(&ioas->nr_attached);
	return 0;
}

/**
 * ioasid_ioas_attach_end() - uncount an attachment and let go of the IOAS
 * @ioas: the IOAS
 */
void ioasid_ioas_attach_end(struct ioasid_ioas *ioas)
{
	WARN_ON(atomic_dec_return(&ioas->nr_attached) < 0);
	ioasid_object_unhold(&ioas->obj);
}

/* --- for kernel-owned contexts (kctx.c) ---------------------------------- */

/**
 * ioasid_ioas_create() - a paging IOAS of @ctx, made by the kernel
 * @ctx: the context
 *
 * Return: the IOAS, held long-term for the caller (nothing destroys it
 * before ioasid_object_unhold()), or an ERR_PTR.
 */
struct ioasid_ioas *ioasid_ioas_create(struct ioasid_ctx *ctx)
{
	struct ioasid_ioas *ioas;
	int rc;

	ioas = kzalloc(sizeof(*ioas), GFP_KERNEL_ACCOUNT);
	if (!ioas)
		return ERR_PTR(-ENOMEM);
	rc = ioasid_object_reserve(ctx, &ioas->obj, IOASID_OBJ_IOAS);
	if (rc) {
		kfree(ioas);
		return ERR_PTR(rc);
	}
	iopt_init(&ioas->iopt, ioas->obj.id, &ctx->pinned_pages);
	atomic_inc(&ioasid_ioas_live);
	trace_ioasid_ioas_alloc(ctx->id, ioas->obj.id, 0);
	ioasid_object_hold_unpublished(&ioas->obj);
	ioasid_object_finalize(&ioas->obj);
	return ioas;
}

/**
 * ioasid_ioas_map_at() - map user memory at a fixed IOVA, policy asked
 * @ioas: a paging IOAS
 * @user_va: page-aligned
 * @iova: page-aligned
 * @length: page-aligned, neither range wrapping
 * @flags: IOASID_IOAS_MAP_READABLE and/or _WRITEABLE
 *
 * For the VFIO backend: VM_PFNMAP memory is mapped too, as type1 does.
 *
 * Return: 0 or the errno of IOASID_IOAS_MAP.
 */
int ioasid_ioas_map_at(struct ioasid_ioas *ioas, unsigned long user_va,
		       u64 iova, u64 length, u32 flags)
{
	struct ioasid_ctx *ctx = ioas->obj.ctx;
	int rc;

	rc = ioasid_policy_dma_map(&ctx->owner, ioas->obj.id, false, iova,
				   length, flags,
				   atomic64_read(&ctx->mapped_bytes),
				   ioasid_ioas_tenant_reserve(ioas, length));
	if (!rc)
		rc = iopt_map_user(&ioas->iopt, user_va, length, &iova, true,
				   ioasid_prot(flags), true, NULL);
	if (rc) {
		ioasid_ioas_tenant_release(ioas, length);
		return rc;
	}
	ioasid_ioas_account(ioas, length);
	trace_ioasid_ioas_map(ctx->id, ioas->obj.id, iova, length, user_va,
			      flags);
	return 0;
}

/**
 * ioasid_ioas_unmap_whole() - iopt_unmap_whole(), told to the counters,
 *	the policy and the tracer
 * @ioas: a paging IOAS
 * @start: first IOVA
 * @last: last IOVA
 * @v1: the VFIO_TYPE1_IOMMU rules (see iopt_unmap_whole())
 * @unmapped: out: bytes removed
 *
 * Return: 0 or -EINVAL.
 */
int ioasid_ioas_unmap_whole(struct ioasid_ioas *ioas, u64 start, u64 last,
			    bool v1, u64 *unmapped)
{
	struct ioasid_ctx *ctx = ioas->obj.ctx;
	u64 before = atomic64_read(&ctx->mapped_bytes), tenant_before;
	int rc;

	rc = iopt_unmap_whole(&ioas->iopt, start, last, v1, unmapped);
	if (rc || !*unmapped)
		return rc;
	ioasid_ioas_account(ioas, -(s64)*unmapped);
	tenant_before = ioasid_ioas_tenant_release(ioas, *unmapped);
	ioasid_policy_dma_unmap(&ctx->owner, ioas->obj.id, false, start,
				*unmapped, before, tenant_before);
	trace_ioasid_ioas_unmap(ctx->id, ioas->obj.id, start, last, *unmapped);
	return 0;
}
