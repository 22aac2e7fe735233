// SPDX-License-Identifier: GPL-2.0
/*
 * The device core: the device fd (bind, unbind, attach, detach, info), the
 * binding object in a context, and the life cycle that keeps a device
 * blocked from DMA whenever nobody attached it: whatever the order of
 * unbind, fd close, process exit and driver removal.
 *
 * Only one fd may be open on a device at a time; the binding belongs to it.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "device.h"
#include "domain.h"
#include "ioas.h"
#include "trace.h"

/* Every registered device by id, for introspection. */
static DEFINE_XARRAY_ALLOC1(ioasid_devices);

static void ioasid_device_release(struct kref *ref)
{
	struct ioasid_device *idev = container_of(ref, struct ioasid_device,
						  ref);
	struct ioasid_group *group = idev->group;

	idev->ops->release(idev);
	ioasid_group_put(group);
}

/**
 * ioasid_device_put() - drop a reference to a device
 * @idev: the device; the last reference frees it through its backend
 */
void ioasid_device_put(struct ioasid_device *idev)
{
	kref_put(&idev->ref, ioasid_device_release);
}

/**
 * ioasid_device_register() - make a backend's device known
 * @idev: the device, identity fields filled in by the backend
 * @ops: the backend
 * @group: its group; the device takes over the caller's reference
 *
 * The backend holds the initial reference and gives it up with
 * ioasid_device_unregister().
 *
 * Return: 0 or -errno (then the group reference is still the caller's).
 */
int ioasid_device_register(struct ioasid_device *idev,
			   const struct ioasid_device_ops *ops,
			   struct ioasid_group *group)
{
	int rc;

	kref_init(&idev->ref);
	mutex_init(&idev->lock);
	idev->ops = ops;
	idev->group = group;
	rc = xa_alloc(&ioasid_devices, &idev->id, idev, xa_limit_32b,
		      GFP_KERNEL);
	if (rc)
		return rc;
	mutex_lock(&group->lock);
	list_add_tail(&idev->group_item, &group->devices);
	mutex_unlock(&group->lock);
	trace_ioasid_device_add(idev->id, idev->name, group->id);
	return 0;
}

static void ioasid_device_unbind_locked(struct ioasid_device *idev);

/**
 * ioasid_device_unregister() - the backend lets go of a device
 * @idev: the device
 *
 * Unbinds it (detaching everything and stopping its DMA); an fd still
 * open sees -ENODEV from then on.  The memory goes with the last reference.
 */
void ioasid_device_unregister(struct ioasid_device *idev)
{
	struct ioasid_group *group = idev->group;

	mutex_lock(&idev->lock);
	idev->removed = true;
	if (idev->binding)
		ioasid_device_unbind_locked(idev);
	mutex_unlock(&idev->lock);

	mutex_lock(&group->lock);
	list_del(&idev->group_item);
	mutex_unlock(&group->lock);
	xa_erase(&ioasid_devices, idev->id);
	trace_ioasid_device_remove(idev->id, idev->name);
	ioasid_device_put(idev);
}

/**
 * ioasid_device_count() - number of registered devices
 *
 * Return: the count.
 */
unsigned int ioasid_device_count(void)
{
	struct ioasid_device *idev;
	unsigned long id;
	unsigned int n = 0;

	xa_lock(&ioasid_devices);
	xa_for_each(&ioasid_devices, id, idev)
		n++;
	xa_unlock(&ioasid_devices);
	return n;
}

/**
 * ioasid_device_get_next() - the first device whose id is at least @index
 * @index: in: first id to look at; out: the id of the device found
 *
 * A device is in the table only while its backend holds its reference, so
 * taking another under the table's lock is safe.
 *
 * Return: the device with a reference taken, or NULL.
 */
struct ioasid_device *ioasid_device_get_next(unsigned long *index)
{
	struct ioasid_device *idev;

	xa_lock(&ioasid_devices);
	idev = xa_find(&ioasid_devices, index, ULONG_MAX, XA_PRESENT);
	if (idev)
		kref_get(&idev->ref);
	xa_unlock(&ioasid_devices);
	return idev;
}

/* --- attachments -------------------------------------------------------- */

struct ioasid_resv_arg {
	struct ioasid_ioas *ioas;
	const void *owner;
};

static int ioasid_reserve_one(u64 start, u64 last, void *arg)
{
	struct ioasid_resv_arg *r = arg;

	return ioasid_ioas_reserve(r->ioas, r->owner, start, last);
}

/* Attach the device's group (the hardware's granularity) to @attach. */
static int ioasid_attach_group(struct ioasid_device *idev,
			       struct ioasid_attach *attach)
{
	struct ioasid_group *group = idev->group;
	struct ioasid_domain *domain;
	int rc = 0;

	mutex_lock(&group->lock);
	if (group->ioas && group->ioas != attach->ioas) {
		rc = -EBUSY;	/* a sibling is attached elsewhere */
		goto out;
	}
	if (group->ioas) {
		domain = group->domain;
		refcount_inc(&domain->users);
	} else {
		domain = ioasid_domain_attach(attach->ioas, idev,
					      IOASID_NO_PASID);
		if (IS_ERR(domain)) {
			rc = PTR_ERR(domain);
			goto out;
		}
		group->ioas = attach->ioas;
		group->domain = domain;
	}
	group->nr_attached++;
	attach->domain = domain;
out:
	mutex_unlock(&group->lock);
	return rc;
}

static void ioasid_detach_group(struct ioasid_device *idev,
				struct ioasid_attach *attach)
{
	struct ioasid_group *group = idev->group;

	mutex_lock(&group->lock);
	if (!--group->nr_attached) {
		idev->ops->detach_group(idev, group->domain);
		group->ioas = NULL;
		group->domain = NULL;
	}
	/* After detach_group: the group no longer translates through it. */
	ioasid_domain_put(attach->domain);
	mutex_unlock(&group->lock);
}

static int ioasid_attach_pasid(struct ioasid_device *idev,
			       struct ioasid_attach *attach)
{
	struct ioasid_domain *domain;

	domain = ioasid_domain_attach(attach->ioas, idev, attach->pasid);
	if (IS_ERR(domain))
		return PTR_ERR(domain);
	attach->domain = domain;
	return 0;
}

static int ioasid_device_do_attach(struct ioasid_device *idev, u32 ioas_id,
				   u32 pasid)
{
	struct ioasid_binding *binding = idev->binding;
	struct ioasid_ctx *ctx = binding->obj.ctx;
	struct ioasid_resv_arg resv;
	struct ioasid_attach *attach;
	int rc;

	lockdep_assert_held(&idev->lock);
	if (pasid == IOASID_NO_PASID) {
		if (binding->rid)
			return -EBUSY;
	} else if (xa_load(&binding->pasids, pasid)) {
		return -EBUSY;
	}

	attach = kzalloc(sizeof(*attach), GFP_KERNEL_ACCOUNT);
	if (!attach)
		return -ENOMEM;
	attach->pasid = pasid;
	attach->ioas = ioasid_ioas_get(ctx, ioas_id);
	if (IS_ERR(attach->ioas)) {
		rc = PTR_ERR(attach->ioas);
		goto err_free;
	}
	rc = ioasid_policy_device_attach(ctx, idev, binding->obj.id, ioas_id,
					 pasid);
	if (rc)
		goto err_put_ioas;
	if (pasid != IOASID_NO_PASID) {
		rc = ioasid_pasid_attach_get(ctx, pasid);
		if (rc)
			goto err_put_ioas;
		rc = xa_insert(&binding->pasids, pasid, attach,
			       GFP_KERNEL_ACCOUNT);
		if (rc)
			goto err_pasid;
	}
	rc = ioasid_ioas_attach_begin(attach->ioas);
	if (rc)
		goto err_xa;

	resv.ioas = attach->ioas;
	resv.owner = attach;
	rc = idev->ops->resv_regions(idev, ioasid_reserve_one, &resv);
	if (rc)
		goto err_resv;

	if (pasid == IOASID_NO_PASID)
		rc = ioasid_attach_group(idev, attach);
	else
		rc = ioasid_attach_pasid(idev, attach);
	if (rc)
		goto err_resv;

	if (pasid == IOASID_NO_PASID) {
		binding->rid = attach;
		if (idev->ops->attached)
			idev->ops->attached(idev);
	}
	trace_ioasid_device_attach(ctx->id, binding->obj.id, ioas_id,
				   pasid == IOASID_NO_PASID ? 0 : pasid);
	/* The attachment holds the IOAS now; the lookup is done. */
	ioasid_ioas_put(attach->ioas);
	return 0;

err_resv:
	ioasid_ioas_unreserve(attach->ioas, attach);
	ioasid_ioas_attach_end(attach->ioas);
err_xa:
	if (pasid != IOASID_NO_PASID)
		xa_erase(&binding->pasids, pasid);
err_pasid:
	if (pasid != IOASID_NO_PASID)
		ioasid_pasid_attach_put(ctx, pasid);
err_put_ioas:
	ioasid_ioas_put(attach->ioas);
err_free:
	kfree(attach);
	return rc;
}

static void ioasid_device_do_detach(struct ioasid_device *idev,
				    struct ioasid_attach *attach)
{
	struct ioasid_binding *binding = idev->binding;
	struct ioasid_ctx *ctx = binding->obj.ctx;

	lockdep_assert_held(&idev->lock);
	if (attach->pasid == IOASID_NO_PASID) {
		/*
		 * A sibling may keep the group attached: stopping the device
		 * is what ends its own DMA, and revokes its BAR mappings.
		 */
		idev->ops->stop(idev);
		ioasid_detach_group(idev, attach);
		binding->rid = NULL;
	} else {
		idev->ops->detach_pasid(idev, attach->domain, attach->pasid);
		ioasid_domain_put(attach->domain);
		xa_erase(&binding->pasids, attach->pasid);
		ioasid_pasid_attach_put(ctx, attach->pasid);
	}
	ioasid_ioas_unreserve(attach->ioas, attach);
	ioasid_ioas_attach_end(attach->ioas);
	trace_ioasid_device_detach(ctx->id, binding->obj.id,
				   ioasid_ioas_id(attach->ioas),
				   attach->pasid == IOASID_NO_PASID ?
				   0 : attach->pasid);
	kfree(attach);
}

/**
 * ioasid_device_attached() - may user space touch the device's BARs?
 * @idev: the device; caller holds @idev->lock
 *
 * Return: true if bound and attached without PASID.
 */
bool ioasid_device_attached(struct ioasid_device *idev)
{
	lockdep_assert_held(&idev->lock);
	return !idev->removed && idev->binding && idev->binding->rid;
}

/* --- binding ------------------------------------------------------------ */

static void ioasid_binding_destroy(struct ioasid_object *obj)
{
	struct ioasid_binding *binding =
		container_of(obj, struct ioasid_binding, obj);

	xa_destroy(&binding->pasids);
	ioasid_device_put(binding->idev);
	kfree(binding);
}

/*
 * A binding is held by its device from the start, so IOASID_DESTROY of a
 * dev_id is refused with -EBUSY: devices leave through DEVICE_UNBIND.
 */
static const struct ioasid_object_ops ioasid_binding_ops = {
	.destroy = ioasid_binding_destroy,
};

/*
 * First half of a bind, under @idev->lock: the binding gets an id that
 * nobody can look up yet and the group's DMA ownership.  Either
 * ioasid_device_bind_commit() or ioasid_device_bind_undo() follows.
 */
static int ioasid_device_do_bind(struct ioasid_device *idev,
				 struct ioasid_ctx *ctx)
{
	struct ioasid_group *group = idev->group;
	struct ioasid_binding *binding;
	int rc;

	lockdep_assert_held(&idev->lock);
	binding = kzalloc(sizeof(*binding), GFP_KERNEL_ACCOUNT);
	if (!binding)
		return -ENOMEM;
	xa_init(&binding->pasids);
	binding->idev = idev;
	rc = ioasid_object_reserve(ctx, &binding->obj, IOASID_OBJ_DEVICE);
	if (rc)
		goto err_free;

	mutex_lock(&group->lock);
	if (group->owner && group->owner != ctx) {
		snprintf(group->reason, sizeof(group->reason),
			 "group owned by another /dev/ioasid context");
		rc = -EBUSY;
		goto err_unlock;
	}
	if (!ioasid_group_viable_locked(group, ctx, idev)) {
		rc = -EBUSY;
		goto err_unlock;
	}
	rc = idev->ops->claim_dma(idev, ctx);
	if (rc) {
		/* Another owner (VFIO, say) holds the group: it is busy. */
		snprintf(group->reason, sizeof(group->reason),
			 "DMA ownership refused by the IOMMU core (%d)", rc);
		rc = -EBUSY;
		goto err_unlock;
	}
	group->owner = ctx;
	group->nr_bound++;
	mutex_unlock(&group->lock);

	kref_get(&idev->ref);		/* for the binding */
	get_file(ctx->file);		/* the context lives while bound */
	ioasid_object_hold_unpublished(&binding->obj);
	idev->binding = binding;
	return 0;

err_unlock:
	if (rc == -EBUSY)
		pr_info_ratelimited("ioasid: %s: cannot bind: %s\n",
				    idev->name, group->reason);
	mutex_unlock(&group->lock);
	ioasid_object_abort(&binding->obj);
err_free:
	xa_destroy(&binding->pasids);
	kfree(binding);
	return rc;
}

/* Give the group's DMA ownership back, once no member is bound. */
static void ioasid_device_release_group(struct ioasid_device *idev,
					struct ioasid_ctx *ctx)
{
	struct ioasid_group *group = idev->group;

	mutex_lock(&group->lock);
	idev->ops->release_dma(idev, ctx);
	if (!--group->nr_bound)
		group->owner = NULL;
	mutex_unlock(&group->lock);
}

/* Second half of a bind: nothing can fail any more, make it visible. */
static void ioasid_device_bind_commit(struct ioasid_device *idev)
{
	struct ioasid_binding *binding = idev->binding;
	struct ioasid_ctx *ctx = binding->obj.ctx;

	ioasid_policy_device_bind(ctx, idev, binding->obj.id, true);
	trace_ioasid_device_bind(ctx->id, binding->obj.id, idev->name);
	ioasid_object_finalize(&binding->obj);
}

/* A bind that could not be finished: nobody has seen the binding. */
static void ioasid_device_bind_undo(struct ioasid_device *idev)
{
	struct ioasid_binding *binding = idev->binding;
	struct ioasid_ctx *ctx = binding->obj.ctx;

	idev->binding = NULL;
	idev->ops->stop(idev);
	ioasid_device_release_group(idev, ctx);
	ioasid_object_abort(&binding->obj);
	ioasid_binding_destroy(&binding->obj);
	fput(ctx->file);
}

static void ioasid_device_unbind_locked(struct ioasid_device *idev)
{
	struct ioasid_binding *binding = idev->binding;
	struct ioasid_ctx *ctx = binding->obj.ctx;
	struct ioasid_attach *attach;
	unsigned long pasid;

	lockdep_assert_held(&idev->lock);
	xa_for_each(&binding->pasids, pasid, attach)
		ioasid_device_do_detach(idev, attach);
	if (binding->rid)
		ioasid_device_do_detach(idev, binding->rid);
	idev->ops->stop(idev);
	ioasid_device_release_group(idev, ctx);

	ioasid_policy_device_bind(ctx, idev, binding->obj.id, false);
	trace_ioasid_device_unbind(ctx->id, binding->obj.id, idev->name);
	idev->binding = NULL;
	ioasid_object_remove_held(&binding->obj);
	fput(ctx->file);
}

/* --- the device fd ------------------------------------------------------- */

static int ioasid_device_bind_ioctl(struct ioasid_ucmd *ucmd)
{
	struct ioasid_device_bind *cmd = ucmd->cmd;
	struct ioasid_device *idev = ucmd->idev;
	struct ioasid_ctx *ctx;
	struct fd f;
	int rc;

	if (cmd->flags)
		return -EOPNOTSUPP;
	f = fdget(cmd->ioasid_fd);
	if (!fd_file(f))
		return -EBADF;
	ctx = ioasid_ctx_from_file(fd_file(f));
	if (IS_ERR(ctx)) {
		rc = PTR_ERR(ctx);
		goto out_fdput;
	}

	mutex_lock(&idev->lock);
	if (idev->removed)
		rc = -ENODEV;
	else if (idev->binding)
		rc = -EALREADY;
	else
		rc = ioasid_device_do_bind(idev, ctx);
	if (!rc) {
		cmd->out_dev_id = idev->binding->obj.id;
		rc = ioasid_ucmd_respond(ucmd, sizeof(*cmd));
		if (rc)
			ioasid_device_bind_undo(idev);
		else
			ioasid_device_bind_commit(idev);
	}
	mutex_unlock(&idev->lock);
out_fdput:
	fdput(f);
	return rc;
}

static int ioasid_device_unbind_ioctl(struct ioasid_ucmd *ucmd)
{
	struct ioasid_device_unbind *cmd = ucmd->cmd;
	struct ioasid_device *idev = ucmd->idev;
	int rc = 0;

	if (cmd->flags)
		return -EOPNOTSUPP;
	mutex_lock(&idev->lock);
	if (idev->removed)
		rc = -ENODEV;
	else if (!idev->binding)
		rc = -EINVAL;
	else
		ioasid_device_unbind_locked(idev);
	mutex_unlock(&idev->lock);
	return rc;
}

static int ioasid_device_attach_ioctl(struct ioasid_ucmd *ucmd)
{
	struct ioasid_device_attach *cmd = ucmd->cmd;
	struct ioasid_device *idev = ucmd->idev;
	u32 pasid = IOASID_NO_PASID;
	int rc;

	if (cmd->flags & ~IOASID_DEVICE_ATTACH_PASID)
		return -EOPNOTSUPP;
	if (!(cmd->flags & IOASID_DEVICE_ATTACH_PASID) && cmd->pasid)
		return -EOPNOTSUPP;	/* a field its flag does not enable */

	mutex_lock(&idev->lock);
	if (idev->removed) {
		rc = -ENODEV;
	} else if (!idev->binding) {
		rc = -EINVAL;
	} else if (!(cmd->flags & IOASID_DEVICE_ATTACH_PASID)) {
		rc = ioasid_device_do_attach(idev, cmd->ioas_id, pasid);
	} else if (!(idev->flags & IOASID_DEVICE_INFO_PASID)) {
		rc = -EOPNOTSUPP;
	} else if (cmd->pasid < IOASID_PASID_MIN ||
		   cmd->pasid > IOASID_PASID_MAX) {
		rc = -EACCES;	/* no context owns it */
	} else {
		rc = ioasid_device_do_attach(idev, cmd->ioas_id, cmd->pasid);
	}
	mutex_unlock(&idev->lock);
	return rc;
}

static int ioasid_device_detach_ioctl(struct ioasid_ucmd *ucmd)
{
	struct ioasid_device_detach *cmd = ucmd->cmd;
	struct ioasid_device *idev = ucmd->idev;
	struct ioasid_attach *attach;
	int rc = 0;

	if (cmd->flags & ~IOASID_DEVICE_ATTACH_PASID || cmd->__reserved)
		return -EOPNOTSUPP;
	if (!(cmd->flags & IOASID_DEVICE_ATTACH_PASID) && cmd->pasid)
		return -EOPNOTSUPP;	/* as for attach */
	mutex_lock(&idev->lock);
	if (idev->removed) {
		rc = -ENODEV;
		goto out;
	}
	if (!idev->binding) {
		rc = -EINVAL;
		goto out;
	}
	if (cmd->flags & IOASID_DEVICE_ATTACH_PASID)
		attach = xa_load(&idev->binding->pasids, cmd->pasid);
	else
		attach = idev->binding->rid;
	if (attach)
		ioasid_device_do_detach(idev, attach);
	else
		rc = -ENOENT;
out:
	mutex_unlock(&idev->lock);
	return rc;
}

static int ioasid_device_info_ioctl(struct ioasid_ucmd *ucmd)
{
	struct ioasid_device_info *cmd = ucmd->cmd;
	struct ioasid_device *idev = ucmd->idev;
	struct ioasid_binding *binding;

	if (cmd->flags)
		return -EOPNOTSUPP;
	mutex_lock(&idev->lock);
	binding = idev->binding;
	cmd->out_flags = idev->flags;
	if (binding)
		cmd->out_flags |= IOASID_DEVICE_INFO_BOUND;
	if (binding && binding->rid)
		cmd->out_flags |= IOASID_DEVICE_INFO_ATTACHED;
	cmd->out_num_regions = idev->num_regions;
	cmd->out_dev_id = binding ? binding->obj.id : 0;
	cmd->out_group_id = idev->group->id;
	cmd->out_segment = idev->segment;
	cmd->out_bus = idev->bus;
	cmd->out_devfn = idev->devfn;
	cmd->out_vendor = idev->vendor;
	cmd->out_device = idev->device;
	cmd->out_class = idev->class;
	cmd->out_ioas_id = binding && binding->rid ?
			   ioasid_ioas_id(binding->rid->ioas) : 0;
	mutex_unlock(&idev->lock);
	return ioasid_ucmd_respond(ucmd, sizeof(*cmd));
}

static int ioasid_device_region_info_ioctl(struct ioasid_ucmd *ucmd)
{
	struct ioasid_region_info *cmd = ucmd->cmd;
	struct ioasid_device *idev = ucmd->idev;
	int rc;

	if (!idev->ops->region_info)
		return -ENOTTY;
	if (cmd->__reserved)
		return -EOPNOTSUPP;
	if (cmd->index >= idev->num_regions)
		return -EINVAL;
	rc = idev->ops->region_info(idev, cmd);
	return rc ?: ioasid_ucmd_respond(ucmd, sizeof(*cmd));
}

static const struct ioasid_ioctl_op ioasid_device_ioctl_ops[] = {
	IOASID_IOCTL_OP(IOASID_DEVICE_BIND, ioasid_device_bind_ioctl,
			struct ioasid_device_bind, out_dev_id),
	IOASID_IOCTL_OP(IOASID_DEVICE_UNBIND, ioasid_device_unbind_ioctl,
			struct ioasid_device_unbind, flags),
	IOASID_IOCTL_OP(IOASID_DEVICE_ATTACH, ioasid_device_attach_ioctl,
			struct ioasid_device_attach, pasid),
	IOASID_IOCTL_OP(IOASID_DEVICE_DETACH, ioasid_device_detach_ioctl,
			struct ioasid_device_detach, __reserved),
	IOASID_IOCTL_OP(IOASID_DEVICE_GET_INFO, ioasid_device_info_ioctl,
			struct ioasid_device_info, out_ioas_id),
	IOASID_IOCTL_OP(IOASID_DEVICE_GET_REGION_INFO,
			ioasid_device_region_info_ioctl,
			struct ioasid_region_info, out_offset),
};

static long ioasid_device_fops_ioctl(struct file *filp, unsigned int cmd,
				     unsigned long arg)
{
	struct ioasid_ucmd ucmd = { .idev = filp->private_data };

	return ioasid_ioctl_dispatch(ioasid_device_ioctl_ops,
				     ARRAY_SIZE(ioasid_device_ioctl_ops), cmd,
				     arg, &ucmd);
}

static ssize_t ioasid_device_fops_read(struct file *filp, char __user *buf,
				       size_t count, loff_t *ppos)
{
	struct ioasid_device *idev = filp->private_data;

	if (!idev->ops->rw)
		return -EINVAL;
	return idev->ops->rw(idev, buf, count, ppos, false);
}

static ssize_t ioasid_device_fops_write(struct file *filp,
					const char __user *buf, size_t count,
					loff_t *ppos)
{
	struct ioasid_device *idev = filp->private_data;

	if (!idev->ops->rw)
		return -EINVAL;
	return idev->ops->rw(idev, (char __user *)buf, count, ppos, true);
}

static int ioasid_device_fops_mmap(struct file *filp,
				   struct vm_area_struct *vma)
{
	struct ioasid_device *idev = filp->private_data;

	if (!idev->ops->mmap)
		return -EINVAL;
	return idev->ops->mmap(idev, vma);
}

/**
 * ioasid_device_open() - make @file the device's one open fd
 * @idev: the device
 * @file: a file with &ioasid_device_fops
 *
 * Return: 0, -ENODEV if the device is gone, -EBUSY if it is open already.
 */
int ioasid_device_open(struct ioasid_device *idev, struct file *file)
{
	int rc = 0;

	mutex_lock(&idev->lock);
	if (idev->removed)
		rc = -ENODEV;
	else if (idev->file)
		rc = -EBUSY;
	if (!rc) {
		idev->file = file;
		file->private_data = idev;
		kref_get(&idev->ref);
	}
	mutex_unlock(&idev->lock);
	return rc;
}

static int ioasid_device_fops_release(struct inode *inode, struct file *filp)
{
	struct ioasid_device *idev = filp->private_data;

	mutex_lock(&idev->lock);
	if (idev->binding)
		ioasid_device_unbind_locked(idev);
	idev->file = NULL;
	mutex_unlock(&idev->lock);
	if (idev->ops->last_close)
		idev->ops->last_close(idev);
	ioasid_device_put(idev);
	return 0;
}

const struct file_operations ioasid_device_fops = {
	.owner = THIS_MODULE,
	.release = ioasid_device_fops_release,
	.unlocked_ioctl = ioasid_device_fops_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.read = ioasid_device_fops_read,
	.write = ioasid_device_fops_write,
	.mmap = ioasid_device_fops_mmap,
};

/**
 * ioasid_device_from_file() - the device behind a device fd
 * @file: any file
 *
 * Return: the device, or ERR_PTR(-EBADF).
 */
struct ioasid_device *ioasid_device_from_file(struct file *file)
{
	if (file->f_op != &ioasid_device_fops)
		return ERR_PTR(-EBADF);
	return file->private_data;
}

void ioasid_device_init(void)
{
	ioasid_object_register_type(IOASID_OBJ_DEVICE, &ioasid_binding_ops);
}
