// SPDX-License-Identifier: GPL-2.0
/*
 * Contexts: one per open of /dev/ioasid, and the table of objects each owns.
 *
 * Object lifetime, the one rule every object type follows:
 *
 *  - Reserve, fill, finalize.  A new object takes its id with
 *    ioasid_object_reserve(): the id is held but lookups do not find it.
 *    The creator then does everything that can fail, including copying
 *    the id to user space, and only then makes the object visible with
 *    ioasid_object_finalize(), which cannot fail.  Any failure before that
 *    undoes the creator's own work and ioasid_object_abort() releases the
 *    id: nobody else can have seen the object.
 *
 *  - Users.  @users counts the table's reference and one per holder.  A
 *    lookup (ioasid_object_get()) takes a short-term reference for the
 *    length of an ioctl or of an introspection request.  A holder that
 *    keeps the object in use beyond that (a device attached to an IOAS, a
 *    nested IOAS on its parent, the device behind a binding) turns its
 *    lookup into a long-term hold with ioasid_object_hold(), which also
 *    counts in @longterm.
 *
 *  - Destroy is decided once, under the table's xa_lock: an object with a
 *    long-term holder is refused (-EBUSY); otherwise it leaves the table in
 *    the same critical section, so no new lookup or hold can start and no
 *    second destroy can find it.  Whoever removed it then waits until the
 *    short-term users in flight are gone (they are bounded: ioctls and
 *    requests that already found it) and destroys it.  An object is never
 *    freed by a reference count dropping: only by its remover.
 *
 * The context itself lives until its fd is released: in-flight ioctls hold
 * the file, bound devices hold a reference on it, introspection holds
 * ioasid_ctx_table_mutex.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "context.h"
#include "io_pagetable.h"
#include "trace.h"

static const struct ioasid_object_ops *ioasid_object_ops[IOASID_OBJ_MAX];

/*
 * Context ids, for introspection; the value is the context.  Ids are handed
 * out cyclically so that a closed context's id is not soon reused (monitors
 * and logs name contexts by id).
 *
 * Locking rule: ioasid_ctx_table_mutex keeps every context found in
 * ioasid_ctx_ids alive while it is held.  A closing context leaves the
 * table under the lock *before* anything of it is torn down, so code that
 * found a context under the lock (introspection: netlink.c) may use it, its
 * object table and its objects until it drops the lock, and never sees one
 * half torn down.  The lock is outermost: it is taken with no other lock of
 * the module held, and under it IOAS, device and group locks may be taken.
 * Adding a context needs only the xarray's own lock.
 */
static DEFINE_XARRAY_ALLOC1(ioasid_ctx_ids);
static DEFINE_MUTEX(ioasid_ctx_table_mutex);
static u32 ioasid_ctx_next_id;

/**
 * ioasid_object_register_type() - plug in the behaviour of an object type
 * @type: the type
 * @ops: its destroy
 *
 * Called once from module init, before /dev/ioasid exists.
 */
void ioasid_object_register_type(enum ioasid_object_type type,
				 const struct ioasid_object_ops *ops)
{
	ioasid_object_ops[type] = ops;
}

/**
 * ioasid_object_reserve() - take an id for a new object
 * @ctx: the context
 * @obj: the object, embedded in its type's zeroed structure
 * @type: the object's type
 *
 * The id is taken but lookups do not find the object until
 * ioasid_object_finalize(); ioasid_object_abort() gives the id back.
 *
 * Return: 0 with @obj->id set, or -ENOMEM/-ENOSPC.
 */
int ioasid_object_reserve(struct ioasid_ctx *ctx, struct ioasid_object *obj,
			  enum ioasid_object_type type)
{
	int rc;

	obj->ctx = ctx;
	obj->type = type;
	refcount_set(&obj->users, 1);
	obj->longterm = 0;
	rc = xa_alloc(&ctx->objects, &obj->id, XA_ZERO_ENTRY, xa_limit_32b,
		      GFP_KERNEL_ACCOUNT);
	return rc == -EBUSY ? -ENOSPC : rc;	/* xa_alloc's "full" */
}

/**
 * ioasid_object_hold_unpublished() - a long-term hold for the creator
 * @obj: a reserved object, not finalized yet
 *
 * For objects that are in use from the moment they exist (a binding is
 * held by its device), so that no destroy can slip in after finalize.
 */
void ioasid_object_hold_unpublished(struct ioasid_object *obj)
{
	WARN_ON(xa_load(&obj->ctx->objects, obj->id));
	obj->longterm++;
	refcount_inc(&obj->users);
}

/**
 * ioasid_object_finalize() - make a reserved object visible
 * @obj: the object, complete; its creator may no longer undo it, and must
 *	not touch it afterwards unless it holds it
 */
void ioasid_object_finalize(struct ioasid_object *obj)
{
	void *old;

	/* The slot exists (reserved): storing into it allocates nothing. */
	old = xa_store(&obj->ctx->objects, obj->id, obj, GFP_KERNEL);
	WARN_ON(old);
}

/**
 * ioasid_object_abort() - give back the id of an object never finalized
 * @obj: the object; the caller frees it
 */
void ioasid_object_abort(struct ioasid_object *obj)
{
	xa_erase(&obj->ctx->objects, obj->id);
}

/**
 * ioasid_object_get() - look up an object and take a short-term reference
 * @ctx: the context
 * @id: the object's id
 * @type: expected type, or IOASID_OBJ_ANY
 *
 * Return: the object, or ERR_PTR(-ENOENT) if there is none of that type.
 * Drop the reference with ioasid_object_put() before the ioctl returns.
 */
struct ioasid_object *ioasid_object_get(struct ioasid_ctx *ctx, u32 id,
					enum ioasid_object_type type)
{
	struct ioasid_object *obj;

	xa_lock(&ctx->objects);
	obj = xa_load(&ctx->objects, id);
	if (obj && (type == IOASID_OBJ_ANY || obj->type == type))
		refcount_inc(&obj->users);
	else
		obj = ERR_PTR(-ENOENT);
	xa_unlock(&ctx->objects);
	return obj;
}

/**
 * ioasid_object_get_next() - the next object of a type, with a reference
 * @ctx: the context
 * @index: in: first id to look at; out: the id of the object found
 * @type: the type wanted
 *
 * For walks over a context's objects (introspection).
 *
 * Return: the object, or NULL when there is none at or after @index.
 */
struct ioasid_object *ioasid_object_get_next(struct ioasid_ctx *ctx,
					     unsigned long *index,
					     enum ioasid_object_type type)
{
	struct ioasid_object *obj;

	xa_lock(&ctx->objects);
	xa_for_each_start(&ctx->objects, *index, obj, *index) {
		if (obj->type == type) {
			refcount_inc(&obj->users);
			break;
		}
	}
	xa_unlock(&ctx->objects);
	return obj;
}

/**
 * ioasid_object_put() - drop a reference
 * @obj: the object
 *
 * Never the last one: the object's remover destroys it once it is the
 * only user left, and is woken here.  The context outlives every
 * reference to its objects, so it may be used after the decrement.
 */
void ioasid_object_put(struct ioasid_object *obj)
{
	struct ioasid_ctx *ctx = obj->ctx;

	refcount_dec(&obj->users);
	if (wq_has_sleeper(&ctx->destroy_wait))
		wake_up_all(&ctx->destroy_wait);
}

/**
 * ioasid_object_hold() - turn a looked-up reference into a long-term hold
 * @obj: the object, with a reference of the caller's (which stays theirs)
 *
 * While held, IOASID_DESTROY refuses the object with -EBUSY.
 *
 * Return: 0, or -ENOENT if the object was destroyed since the lookup.
 */
int ioasid_object_hold(struct ioasid_object *obj)
{
	struct ioasid_ctx *ctx = obj->ctx;
	int rc = 0;

	xa_lock(&ctx->objects);
	if (xa_load(&ctx->objects, obj->id) == obj) {
		obj->longterm++;
		refcount_inc(&obj->users);
	} else {
		rc = -ENOENT;
	}
	xa_unlock(&ctx->objects);
	return rc;
}

/**
 * ioasid_object_unhold() - end a long-term hold
 * @obj: the object
 */
void ioasid_object_unhold(struct ioasid_object *obj)
{
	struct ioasid_ctx *ctx = obj->ctx;

	xa_lock(&ctx->objects);
	WARN_ON(!obj->longterm--);
	xa_unlock(&ctx->objects);
	ioasid_object_put(obj);
}

/* The remover's part: wait for the short-term users, then destroy. */
static void ioasid_object_destroy_removed(struct ioasid_object *obj)
{
	struct ioasid_ctx *ctx = obj->ctx;

	wait_event(ctx->destroy_wait, refcount_read(&obj->users) == 1);
	ioasid_object_ops[obj->type]->destroy(obj);
}

/**
 * ioasid_object_remove_held() - remove an object whose holder is done
 * @obj: the object, held (long-term) by the caller
 *
 * For objects that leave by their holder's decision rather than by
 * IOASID_DESTROY (a binding, at unbind).  Returns once it is destroyed.
 */
void ioasid_object_remove_held(struct ioasid_object *obj)
{
	struct ioasid_ctx *ctx = obj->ctx;

	xa_lock(&ctx->objects);
	WARN_ON(!obj->longterm--);
	__xa_erase(&ctx->objects, obj->id);
	refcount_dec(&obj->users);
	xa_unlock(&ctx->objects);
	ioasid_object_destroy_removed(obj);
}

/**
 * ioasid_destroy_ioctl() - IOASID_DESTROY
 * @ucmd: the ioctl
 *
 * Return: 0, -ENOENT or -EBUSY.
 */
int ioasid_destroy_ioctl(struct ioasid_ucmd *ucmd)
{
	struct ioasid_destroy *cmd = ucmd->cmd;
	struct ioasid_ctx *ctx = ucmd->ctx;
	struct ioasid_object *obj;
	int rc = 0;

	/* The decision and the removal in one critical section. */
	xa_lock(&ctx->objects);
	obj = xa_load(&ctx->objects, cmd->id);
	if (!obj)
		rc = -ENOENT;
	else if (obj->longterm)
		rc = -EBUSY;
	else
		__xa_erase(&ctx->objects, cmd->id);
	xa_unlock(&ctx->objects);
	if (!rc)
		ioasid_object_destroy_removed(obj);
	return rc;
}

/**
 * ioasid_ctx_open() - the open of /dev/ioasid: a new context
 * @inode: its inode
 * @file: the file being opened; its private_data becomes the context
 *
 * The open method of /dev/ioasid's file operations (main.c), which is how
 * ioasid_ctx_from_file() recognises a context's file.
 *
 * Return: 0, -ENOMEM, or -EBUSY when every id is taken.
 */
int ioasid_ctx_open(struct inode *inode, struct file *file)
{
	struct ioasid_ctx *ctx;
	int rc;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return -ENOMEM;
	xa_init_flags(&ctx->objects, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	xa_init(&ctx->pasids);
	init_waitqueue_head(&ctx->destroy_wait);
	ctx->file = file;
	ctx->owner.owner_tgid = task_tgid_nr(current);
	ctx->owner.owner_uid = from_kuid_munged(&init_user_ns, current_uid());
	ctx->owner.owner_cgroup_id = ioasid_current_cgroup_id();
	get_task_comm(ctx->owner_comm, current);
	if (current->mm) {
		ctx->owner_pins = ioasid_mm_pins_get(current->mm);
		if (IS_ERR(ctx->owner_pins)) {
			rc = PTR_ERR(ctx->owner_pins);
			goto err_free;
		}
	}
	ctx->tenant = ioasid_tenant_get(ctx->owner.owner_cgroup_id);
	if (IS_ERR(ctx->tenant)) {
		rc = PTR_ERR(ctx->tenant);
		goto err_pins;
	}

	rc = xa_alloc_cyclic(&ioasid_ctx_ids, &ctx->id, ctx, xa_limit_32b,
			     &ioasid_ctx_next_id, GFP_KERNEL);
	if (rc < 0)
		goto err_tenant;
	ctx->owner.id = ctx->id;
	file->private_data = ctx;
	trace_ioasid_ctx_create(ctx->id, ctx->owner.owner_tgid,
				ctx->owner.owner_uid);
	return 0;

err_tenant:
	ioasid_tenant_put(ctx->tenant);
err_pins:
	if (ctx->owner_pins)
		ioasid_mm_pins_put(ctx->owner_pins);
err_free:
	kfree(ctx);
	return rc;
}

/**
 * ioasid_ctx_from_file() - the context behind a /dev/ioasid file
 * @file: any file
 *
 * Return: the context, or ERR_PTR(-EBADF) if @file is not /dev/ioasid.
 */
struct ioasid_ctx *ioasid_ctx_from_file(struct file *file)
{
	if (file->f_op->open != ioasid_ctx_open)
		return ERR_PTR(-EBADF);
	return file->private_data;
}

/**
 * ioasid_ctx_destroy() - the last reference to a context's file is gone
 * @ctx: the context; its PASIDs were given back already
 *
 * No ioctl runs, no device is bound, no introspection looks.  The only
 * users left are objects holding each other (a nested IOAS its parent):
 * those nobody holds go first, until all went.
 */
void ioasid_ctx_destroy(struct ioasid_ctx *ctx)
{
	struct ioasid_object *obj;
	unsigned long id;

	/* Out of the table first: introspection must not see the teardown. */
	mutex_lock(&ioasid_ctx_table_mutex);
	xa_erase(&ioasid_ctx_ids, ctx->id);
	mutex_unlock(&ioasid_ctx_table_mutex);

	while (!xa_empty(&ctx->objects)) {
		bool progress = false;

		xa_lock(&ctx->objects);
		xa_for_each(&ctx->objects, id, obj) {
			if (obj->longterm)
				continue;
			__xa_erase(&ctx->objects, id);
			xa_unlock(&ctx->objects);
			ioasid_object_destroy_removed(obj);
			xa_lock(&ctx->objects);
			progress = true;
		}
		xa_unlock(&ctx->objects);
		if (WARN_ON(!progress))
			break;	/* leak rather than free what is in use */
	}
	xa_destroy(&ctx->objects);
	xa_destroy(&ctx->pasids);
	ioasid_tenant_put(ctx->tenant);
	if (ctx->owner_pins)
		ioasid_mm_pins_put(ctx->owner_pins);
	trace_ioasid_ctx_destroy(ctx->id);
	kfree(ctx);
}

/**
 * ioasid_ctx_count() - number of live contexts
 *
 * Return: the count.
 */
int ioasid_ctx_count(void)
{
	return ioasid_xa_count(&ioasid_ctx_ids);
}

/**
 * ioasid_ctx_table_lock() - keep the contexts in the table alive
 *
 * See the locking rule at ioasid_ctx_ids.
 */
void ioasid_ctx_table_lock(void)
{
	mutex_lock(&ioasid_ctx_table_mutex);
}

/**
 * ioasid_ctx_table_unlock() - let contexts close again
 */
void ioasid_ctx_table_unlock(void)
{
	mutex_unlock(&ioasid_ctx_table_mutex);
}

/**
 * ioasid_ctx_find() - the first context whose id is at least @index
 * @index: in: first id to look at; out: the id of the context found
 *
 * The caller holds ioasid_ctx_table_lock(); the context stays alive until
 * it drops it.
 *
 * Return: the context, or NULL.
 */
struct ioasid_ctx *ioasid_ctx_find(unsigned long *index)
{
	lockdep_assert_held(&ioasid_ctx_table_mutex);
	return xa_find(&ioasid_ctx_ids, index, ULONG_MAX, XA_PRESENT);
}

/**
 * ioasid_ctx_get_info() - a snapshot of a context's counters
 * @ctx: the context, kept alive by the caller
 * @info: out
 */
void ioasid_ctx_get_info(struct ioasid_ctx *ctx, struct ioasid_ctx_info *info)
{
	struct ioasid_object *obj;
	unsigned long id;

	memset(info, 0, sizeof(*info));
	xa_lock(&ctx->objects);
	xa_for_each(&ctx->objects, id, obj) {
		info->nr_objects++;
		if (obj->type == IOASID_OBJ_IOAS)
			info->nr_ioas++;
		else if (obj->type == IOASID_OBJ_DEVICE)
			info->nr_devices++;
	}
	xa_unlock(&ctx->objects);
	info->mapped_bytes = atomic64_read(&ctx->mapped_bytes);
	info->pinned_pages = atomic64_read(&ctx->pinned_pages);
	if (ctx->owner_pins)
		info->charged_pages = ioasid_mm_pins_charged(ctx->owner_pins);
	info->tenant_mapped_bytes = atomic64_read(&ctx->tenant->mapped_bytes);
	info->tenant_nr_pasids = atomic_read(&ctx->tenant->nr_pasids);
	info->tenant_nr_ctxs = ioasid_tenant_nr_ctxs(ctx->tenant);
}
