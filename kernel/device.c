// SPDX-License-Identifier: GPL-2.0
/*
 * The device core: the device fd's operations (bind, unbind, attach,
 * detach, info), the binding object in a context, the sharing of domains
 * by the devices of an IOAS, and the life cycle that keeps a device
 * blocked from DMA whenever nobody attached it: whatever the order of
 * unbind, fd close, process exit and driver removal.
 *
 * Only one fd may be open on a device at a time; the binding belongs to it.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "device.h"
#include "domain.h"
#include "ioas.h"
#include "pasid.h"
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
	return ioasid_xa_count(&ioasid_devices);
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

/* --- sharing domains ---------------------------------------------------- */

/*
 * Serialises finding, adding and dropping domains, so two devices of one
 * IOMMU attaching at once end up sharing one domain, and a domain whose
 * last user is going cannot be found and reused.  Nests inside the
 * group's lock; takes the IOAS's iova_rwsem.
 */
static DEFINE_MUTEX(ioasid_domain_lock);

static int ioasid_domain_dev_attach(struct ioasid_device *idev,
				    struct ioasid_domain *domain, u32 pasid)
{
	if (pasid == IOASID_NO_PASID)
		return idev->ops->attach_group(idev, domain);
	return idev->ops->attach_pasid(idev, domain, pasid);
}

static void ioasid_domain_dev_detach(struct ioasid_device *idev,
				     struct ioasid_domain *domain, u32 pasid)
{
	if (pasid == IOASID_NO_PASID)
		idev->ops->detach_group(idev, domain);
	else
		idev->ops->detach_pasid(idev, domain, pasid);
}

/* Drop a users reference, ioasid_domain_lock held. */
static void __ioasid_domain_put(struct ioasid_domain *domain)
{
	lockdep_assert_held(&ioasid_domain_lock);
	if (refcount_dec_and_test(&domain->users)) {
		iopt_remove_domain(domain->iopt, domain);
		domain->ops->free(domain);
	}
}

/**
 * ioasid_device_domain_attach() - make @idev translate through a domain of @ioas
 * @ioas: the IOAS being attached to
 * @idev: the device attaching
 * @pasid: IOASID_NO_PASID to attach the device's group, or a PASID
 *
 * Uses the domain @ioas already feeds for the device's IOMMU, or brings a
 * new one.  A new domain is attached while still empty (the device reaches
 * nothing yet), so that its aperture is the one the IOMMU driver settles
 * on at attach, and only then programmed with the mappings of @ioas.
 *
 * Return: the domain, with a users reference for the caller, or an
 * ERR_PTR: -ENOMEM, -EADDRINUSE when a mapping of @ioas lies outside the
 * aperture of a new domain, or the error of the attach itself.
 */
static struct ioasid_domain *ioasid_device_domain_attach(struct ioasid_ioas *ioas,
					   struct ioasid_device *idev,
					   u32 pasid)
{
	const void *owner = idev->ops->domain_owner(idev);
	struct ioasid_domain *domain;
	int rc;

	lockdep_assert_held(&idev->lock);
	if (pasid == IOASID_NO_PASID)
		lockdep_assert_held(&idev->group->lock);
	mutex_lock(&ioasid_domain_lock);
	domain = iopt_find_domain(&ioas->iopt, owner);
	if (domain) {
		rc = ioasid_domain_dev_attach(idev, domain, pasid);
		if (rc)
			goto err_put;
		goto out;
	}

	domain = idev->ops->domain_alloc(idev);
	if (IS_ERR(domain))
		goto out;
	domain->owner = owner;
	refcount_set(&domain->users, 1);
	rc = ioasid_domain_dev_attach(idev, domain, pasid);
	if (rc)
		goto err_free;
	if (domain->ops->update_geometry)
		domain->ops->update_geometry(domain);
	if (domain->ops->enforce_coherency)
		domain->coherent = domain->ops->enforce_coherency(domain);
	rc = iopt_add_domain(&ioas->iopt, domain);
	if (rc) {
		ioasid_domain_dev_detach(idev, domain, pasid);
		goto err_free;
	}
out:
	mutex_unlock(&ioasid_domain_lock);
	return domain;

err_put:
	__ioasid_domain_put(domain);
	mutex_unlock(&ioasid_domain_lock);
	return ERR_PTR(rc);
err_free:
	domain->ops->free(domain);
	mutex_unlock(&ioasid_domain_lock);
	return ERR_PTR(rc);
}

/**
 * ioasid_device_domain_put() - drop a users reference
 * @domain: the domain; the last user takes it out of its IOAS (unmapping
 *	everything) and frees it
 *
 * Devices must no longer translate through @domain (detached first).
 */
static void ioasid_device_domain_put(struct ioasid_domain *domain)
{
	mutex_lock(&ioasid_domain_lock);
	__ioasid_domain_put(domain);
	mutex_unlock(&ioasid_domain_lock);
}

/* --- attachments -------------------------------------------------------- */

struct ioasid_resv_arg {
	struct ioasid_ioas *ioas;
	const void *owner;
};

static int ioasid_reserve_one(u64 start, u64 last, void *arg)
{
	struct ioasid_resv_arg *r = arg;

	return iopt_reserve(&r->ioas->iopt, r->owner, start, last);
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
		domain = ioasid_device_domain_attach(attach->ioas, idev,
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
	ioasid_device_domain_put(attach->domain);
	mutex_unlock(&group->lock);
}

static int ioasid_attach_pasid(struct ioasid_device *idev,
			       struct ioasid_attach *attach)
{
	struct ioasid_domain *domain;

	domain = ioasid_device_domain_attach(attach->ioas, idev, attach->pasid);
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
	if (ioasid_policy_has(device_attach)) {
		struct ioasid_policy_device dev;
		struct ioasid_policy_group grp;

		ioasid_device_describe(idev, binding->obj.id, &dev);
		ioasid_group_describe(idev->group, &grp);
		rc = ioasid_policy_device_attach(&ctx->owner, &dev, &grp,
						 ioas_id,
						 pasid == IOASID_NO_PASID ?
						 0 : pasid);
		if (rc)
			goto err_put_ioas;
	}
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
	iopt_unreserve(&attach->ioas->iopt, attach);
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
		ioasid_device_domain_put(attach->domain);
		xa_erase(&binding->pasids, attach->pasid);
		ioasid_pasid_attach_put(ctx, attach->pasid);
	}
	iopt_unreserve(&attach->ioas->iopt, attach);
	ioasid_ioas_attach_end(attach->ioas);
	trace_ioasid_device_detach(ctx->id, binding->obj.id,
				   attach->ioas->obj.id,
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
	struct ioasid_policy_device dev;
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
	ioasid_device_describe(idev, 0, &dev);
	if (!ioasid_group_viable_locked(group, &ctx->owner, &dev)) {
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

/* Tell the policy a device was bound or is being unbound. */
static void ioasid_device_notify_bind(struct ioasid_device *idev, bool bind)
{
	struct ioasid_binding *binding = idev->binding;
	struct ioasid_policy_device dev;
	struct ioasid_policy_group grp;

	if (!(bind ? ioasid_policy_has(device_bind) :
	      ioasid_policy_has(device_unbind)))
		return;
	ioasid_device_describe(idev, binding->obj.id, &dev);
	ioasid_group_describe(idev->group, &grp);
	ioasid_policy_device_bind(&binding->obj.ctx->owner, &dev, &grp, bind);
}

/* Second half of a bind: nothing can fail any more, make it visible. */
static void ioasid_device_bind_commit(struct ioasid_device *idev)
{
	struct ioasid_binding *binding = idev->binding;
	struct ioasid_ctx *ctx = binding->obj.ctx;

	ioasid_device_notify_bind(idev, true);
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

	ioasid_device_notify_bind(idev, false);
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

/*
 * Take the device's lock for an ioctl that needs it bound: 0, or -ENODEV
 * (gone) or -EINVAL (not bound).  The lock is held either way.
 */
static int ioasid_device_lock_bound(struct ioasid_device *idev)
{
	mutex_lock(&idev->lock);
	if (idev->removed)
		return -ENODEV;
	return idev->binding ? 0 : -EINVAL;
}

static int ioasid_device_unbind_ioctl(struct ioasid_ucmd *ucmd)
{
	struct ioasid_device_unbind *cmd = ucmd->cmd;
	struct ioasid_device *idev = ucmd->idev;
	int rc;

	if (cmd->flags)
		return -EOPNOTSUPP;
	rc = ioasid_device_lock_bound(idev);
	if (!rc)
		ioasid_device_unbind_locked(idev);
	mutex_unlock(&idev->lock);
	return rc;
}

/* May the bound device attach with @pasid? -EOPNOTSUPP, -EACCES or 0. */
static int ioasid_device_check_pasid(struct ioasid_device *idev, u32 pasid)
{
	if (!(idev->ident.flags & IOASID_DEVICE_INFO_PASID))
		return -EOPNOTSUPP;
	if (pasid < IOASID_PASID_MIN || pasid > IOASID_PASID_MAX)
		return -EACCES;	/* no context owns it */
	return 0;
}

static int ioasid_device_attach_ioctl(struct ioasid_ucmd *ucmd)
{
	struct ioasid_device_attach *cmd = ucmd->cmd;
	struct ioasid_device *idev = ucmd->idev;
	bool with_pasid = cmd->flags & IOASID_DEVICE_ATTACH_PASID;
	int rc;

	if (cmd->flags & ~IOASID_DEVICE_ATTACH_PASID)
		return -EOPNOTSUPP;
	if (!with_pasid && cmd->pasid)
		return -EOPNOTSUPP;	/* a field its flag does not enable */

	/* The device first (gone, bound, PASID support), then the PASID. */
	rc = ioasid_device_lock_bound(idev);
	if (!rc && with_pasid)
		rc = ioasid_device_check_pasid(idev, cmd->pasid);
	if (!rc)
		rc = ioasid_device_do_attach(idev, cmd->ioas_id,
					     with_pasid ? cmd->pasid :
					     IOASID_NO_PASID);
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
	rc = ioasid_device_lock_bound(idev);
	if (rc)
		goto out;
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
	struct ioasid_device_snapshot snap;

	if (cmd->flags)
		return -EOPNOTSUPP;
	ioasid_device_snapshot(ucmd->idev, &snap, NULL, NULL);
	cmd->out_flags = snap.desc.flags;
	cmd->out_num_regions = snap.num_regions;
	cmd->out_dev_id = snap.desc.dev_id;
	cmd->out_group_id = snap.group_id;
	cmd->out_segment = snap.desc.segment;
	cmd->out_bus = snap.desc.bus;
	cmd->out_devfn = snap.desc.devfn;
	cmd->out_vendor = snap.desc.vendor;
	cmd->out_device = snap.desc.device;
	cmd->out_class = snap.desc.class;
	cmd->out_ioas_id = snap.ioas_id;
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

/**
 * ioasid_device_ident_pci() - a PCI device's identity, as policies see it
 * @idev: the device being made (its &ioasid_device.ident is written)
 * @pdev: the PCI device behind it
 * @flags: IOASID_DEVICE_INFO_* besides IOASID_DEVICE_INFO_PCI
 */
void ioasid_device_ident_pci(struct ioasid_device *idev, struct pci_dev *pdev,
			     u32 flags)
{
	idev->ident = (struct ioasid_policy_device){
		.flags = IOASID_DEVICE_INFO_PCI | flags,
		.segment = pci_domain_nr(pdev->bus),
		.bus = pdev->bus->number,
		.devfn = pdev->devfn,
		.vendor = pdev->vendor,
		.device = pdev->device,
		.class = pdev->class,
	};
}

/**
 * ioasid_device_describe() - the device as a policy sees it
 * @idev: the device
 * @dev_id: its id in the context it is bound to (0 while binding)
 * @desc: out
 */
void ioasid_device_describe(struct ioasid_device *idev, u32 dev_id,
			    struct ioasid_policy_device *desc)
{
	*desc = idev->ident;
	desc->dev_id = dev_id;
}

/**
 * ioasid_device_snapshot() - a device as introspection shows it
 * @idev: the device
 * @snap: out
 * @pasid: called for each PASID attachment (the PASID and its IOAS), or
 *	NULL; under the device's lock
 * @arg: passed to @pasid
 *
 * Return: 0, or what @pasid returned when it stopped the walk.
 */
int ioasid_device_snapshot(struct ioasid_device *idev,
			   struct ioasid_device_snapshot *snap,
			   int (*pasid)(u32 pasid, u32 ioas_id, void *arg),
			   void *arg)
{
	struct ioasid_binding *binding;
	struct ioasid_attach *attach;
	unsigned long index;
	int rc = 0;

	memset(snap, 0, sizeof(*snap));
	mutex_lock(&idev->lock);
	binding = idev->binding;
	ioasid_device_describe(idev, binding ? binding->obj.id : 0,
			       &snap->desc);
	snap->id = idev->id;
	strscpy(snap->name, idev->name, sizeof(snap->name));
	snap->group_id = idev->group->id;
	snap->num_regions = idev->num_regions;
	if (binding) {
		snap->desc.flags |= IOASID_DEVICE_INFO_BOUND;
		/* A bound device holds its context's file: ctx is alive. */
		snap->ctx_id = binding->obj.ctx->id;
		if (binding->rid) {
			snap->desc.flags |= IOASID_DEVICE_INFO_ATTACHED;
			snap->ioas_id = binding->rid->ioas->obj.id;
		}
		if (pasid)
			xa_for_each(&binding->pasids, index, attach) {
				rc = pasid(index, attach->ioas->obj.id, arg);
				if (rc)
					break;
			}
	}
	mutex_unlock(&idev->lock);
	return rc;
}

void ioasid_device_init(void)
{
	ioasid_object_register_type(IOASID_OBJ_DEVICE, &ioasid_binding_ops);
}

/* --- devices of kernel-owned contexts ------------------------------------ */

/**
 * ioasid_device_bind_kernel() - DEVICE_BIND and DEVICE_ATTACH, from the kernel
 * @idev: a device without fd (a VFIO group, device_vfio.c)
 * @ctx: a kernel-owned context (kctx.c)
 * @ioas_id: the IOAS to attach to without PASID
 *
 * The same path as the ioctls, policy hooks included; an attach that
 * fails unbinds again.  ioasid_device_unregister() undoes both.
 *
 * Return: 0 or the errnos of IOASID_DEVICE_BIND and IOASID_DEVICE_ATTACH.
 */
int ioasid_device_bind_kernel(struct ioasid_device *idev,
			      struct ioasid_ctx *ctx, u32 ioas_id)
{
	int rc;

	mutex_lock(&idev->lock);
	rc = ioasid_device_do_bind(idev, ctx);
	if (rc)
		goto out;
	ioasid_device_bind_commit(idev);
	rc = ioasid_device_do_attach(idev, ioas_id, IOASID_NO_PASID);
	if (rc)
		ioasid_device_unbind_locked(idev);
out:
	mutex_unlock(&idev->lock);
	return rc;
}
