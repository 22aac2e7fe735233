// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/ioasid: one context per open, the table of objects it owns, and the
 * ioctl dispatcher.
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
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "ioas.h"
#include "ioasid_private.h"
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

static int ioasid_destroy_ioctl(struct ioasid_ucmd *ucmd)
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
 * ioasid_ucmd_writable() - make sure the ioctl struct can be written back
 * @ucmd: the ioctl
 * @cmd_len: bytes of the struct the kernel knows
 *
 * For ioctls that create something user space only learns about from the
 * reply: writing the unchanged struct back first turns a read-only or
 * unmapped struct into -EFAULT before anything is done.
 *
 * Return: 0 or -EFAULT.
 */
int ioasid_ucmd_writable(struct ioasid_ucmd *ucmd, size_t cmd_len)
{
	return ioasid_ucmd_respond(ucmd, cmd_len);
}

/**
 * ioasid_ucmd_respond() - copy the ioctl struct back to user space
 * @ucmd: the ioctl
 * @cmd_len: bytes of the struct the kernel knows
 *
 * Return: 0 or -EFAULT.
 */
int ioasid_ucmd_respond(struct ioasid_ucmd *ucmd, size_t cmd_len)
{
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd,
			 min_t(size_t, ucmd->user_size, cmd_len)))
		return -EFAULT;
	return 0;
}

union ioasid_ucmd_buffer {
	struct ioasid_destroy destroy;
	struct ioasid_ioas_alloc ioas_alloc;
	struct ioasid_ioas_iova_ranges iova_ranges;
	struct ioasid_ioas_map map;
	struct ioasid_ioas_unmap unmap;
	struct ioasid_pasid_alloc pasid_alloc;
	struct ioasid_pasid_free pasid_free;
	struct ioasid_device_bind device_bind;
	struct ioasid_device_unbind device_unbind;
	struct ioasid_device_attach device_attach;
	struct ioasid_device_detach device_detach;
	struct ioasid_device_info device_info;
	struct ioasid_region_info region_info;
	struct ioasid_test test;
};

/**
 * ioasid_ioctl_dispatch() - run an ioctl from a table of IOASID_IOCTL_OPs
 * @ops: the table, indexed by _IOC_NR(cmd) - IOASID_CMD_BASE
 * @nr_ops: its length
 * @cmd: the ioctl number
 * @arg: the user pointer to its struct
 * @ucmd: ctx or idev set by the caller; the rest is filled in here
 *
 * Copies the struct in (zero-extending an older, shorter one; refusing a
 * newer, longer one whose extra bytes are not zero) and calls the handler.
 *
 * Return: the handler's result, -ENOTTY for a number not in @ops, -EINVAL
 * for a size below the struct's first version, -E2BIG, -EFAULT.
 */
long ioasid_ioctl_dispatch(const struct ioasid_ioctl_op *ops, size_t nr_ops,
			   unsigned int cmd, unsigned long arg,
			   struct ioasid_ucmd *ucmd)
{
	const struct ioasid_ioctl_op *op;
	union ioasid_ucmd_buffer buf;
	unsigned int nr = _IOC_NR(cmd);
	int rc;

	if (nr < IOASID_CMD_BASE || nr - IOASID_CMD_BASE >= nr_ops)
		return -ENOTTY;
	op = &ops[nr - IOASID_CMD_BASE];
	if (!op->execute || op->ioctl_num != cmd)
		return -ENOTTY;
	if (WARN_ON(op->size > sizeof(buf)))
		return -EINVAL;

	ucmd->ubuffer = (void __user *)arg;
	rc = get_user(ucmd->user_size, (u32 __user *)ucmd->ubuffer);
	if (rc)
		return rc;
	if (ucmd->user_size < op->min_size)
		return -EINVAL;
	rc = copy_struct_from_user(&buf, op->size, ucmd->ubuffer,
				   ucmd->user_size);
	if (rc)
		return rc;
	ucmd->cmd = &buf;
	return op->execute(ucmd);
}

static const struct ioasid_ioctl_op ioasid_ioctl_ops[] = {
	IOASID_IOCTL_OP(IOASID_DESTROY, ioasid_destroy_ioctl,
			struct ioasid_destroy, id),
	IOASID_IOCTL_OP(IOASID_IOAS_ALLOC, ioasid_ioas_alloc_ioctl,
			struct ioasid_ioas_alloc, out_ioas_id),
	IOASID_IOCTL_OP(IOASID_IOAS_IOVA_RANGES, ioasid_ioas_iova_ranges_ioctl,
			struct ioasid_ioas_iova_ranges, out_iova_alignment),
	IOASID_IOCTL_OP(IOASID_IOAS_MAP, ioasid_ioas_map_ioctl,
			struct ioasid_ioas_map, iova),
	IOASID_IOCTL_OP(IOASID_IOAS_UNMAP, ioasid_ioas_unmap_ioctl,
			struct ioasid_ioas_unmap, length),
	IOASID_IOCTL_OP(IOASID_PASID_ALLOC, ioasid_pasid_alloc_ioctl,
			struct ioasid_pasid_alloc, __reserved),
	IOASID_IOCTL_OP(IOASID_PASID_FREE, ioasid_pasid_free_ioctl,
			struct ioasid_pasid_free, pasid),
	IOASID_IOCTL_OP(IOASID_TEST, ioasid_test_ioctl, struct ioasid_test,
			__pad),
};

static long ioasid_fops_ioctl(struct file *filp, unsigned int cmd,
			      unsigned long arg)
{
	struct ioasid_ucmd ucmd = { .ctx = filp->private_data };

	return ioasid_ioctl_dispatch(ioasid_ioctl_ops,
				     ARRAY_SIZE(ioasid_ioctl_ops), cmd, arg,
				     &ucmd);
}

/**
 * ioasid_current_cgroup_id() - the cgroup v2 id of the current task
 *
 * Return: the id (1, the root, without cgroup v2).
 */
u64 ioasid_current_cgroup_id(void)
{
	u64 id;

	rcu_read_lock();
	id = cgroup_id(task_dfl_cgroup(current));
	rcu_read_unlock();
	return id;
}

static int ioasid_fops_open(struct inode *inode, struct file *filp)
{
	struct ioasid_ctx *ctx;
	int rc;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return -ENOMEM;
	xa_init_flags(&ctx->objects, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	xa_init(&ctx->pasids);
	init_waitqueue_head(&ctx->destroy_wait);
	ctx->file = filp;
	ctx->owner_tgid = task_tgid_nr(current);
	ctx->owner_uid = from_kuid_munged(&init_user_ns, current_uid());
	get_task_comm(ctx->owner_comm, current);
	ctx->owner_cgroup_id = ioasid_current_cgroup_id();

	rc = xa_alloc_cyclic(&ioasid_ctx_ids, &ctx->id, ctx, xa_limit_32b,
			     &ioasid_ctx_next_id, GFP_KERNEL);
	if (rc < 0) {
		kfree(ctx);
		return rc;
	}
	filp->private_data = ctx;
	trace_ioasid_ctx_create(ctx->id, ctx->owner_tgid, ctx->owner_uid);
	return 0;
}

static int ioasid_fops_release(struct inode *inode, struct file *filp)
{
	struct ioasid_ctx *ctx = filp->private_data;
	struct ioasid_object *obj;
	unsigned long id;

	/* Out of the table first: introspection must not see the teardown. */
	mutex_lock(&ioasid_ctx_table_mutex);
	xa_erase(&ioasid_ctx_ids, ctx->id);
	mutex_unlock(&ioasid_ctx_table_mutex);

	/*
	 * The last reference to the file is gone: no ioctl runs, no device
	 * is bound, no introspection looks.  The only users left are objects
	 * holding each other (a nested IOAS its parent): destroy those nobody
	 * holds first, until all went.
	 */
	ioasid_pasid_release_ctx(ctx);
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
	trace_ioasid_ctx_destroy(ctx->id);
	kfree(ctx);
	return 0;
}

static const struct file_operations ioasid_fops = {
	.owner = THIS_MODULE,
	.open = ioasid_fops_open,
	.release = ioasid_fops_release,
	.unlocked_ioctl = ioasid_fops_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/**
 * ioasid_ctx_from_file() - the context behind a /dev/ioasid file
 * @file: any file
 *
 * Return: the context, or ERR_PTR(-EBADF) if @file is not /dev/ioasid.
 */
struct ioasid_ctx *ioasid_ctx_from_file(struct file *file)
{
	if (file->f_op != &ioasid_fops)
		return ERR_PTR(-EBADF);
	return file->private_data;
}

/**
 * ioasid_ctx_count() - number of live contexts
 *
 * Return: the count.
 */
int ioasid_ctx_count(void)
{
	struct ioasid_ctx *ctx;
	unsigned long id;
	int n = 0;

	xa_lock(&ioasid_ctx_ids);
	xa_for_each(&ioasid_ctx_ids, id, ctx)
		n++;
	xa_unlock(&ioasid_ctx_ids);
	return n;
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
	info->nr_pasids = ioasid_pasid_ctx_count(ctx);
	info->mapped_bytes = atomic64_read(&ctx->mapped_bytes);
	info->pinned_pages = atomic64_read(&ctx->pinned_pages);
}

static struct miscdevice ioasid_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ioasid",
	.fops = &ioasid_fops,
	.mode = 0660,
};

int ioasid_misc_register(void)
{
	return misc_register(&ioasid_misc);
}

void ioasid_misc_deregister(void)
{
	misc_deregister(&ioasid_misc);
}
