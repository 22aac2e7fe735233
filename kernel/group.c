// SPDX-License-Identifier: GPL-2.0
/*
 * IOMMU groups: the smallest set of devices the IOMMU can isolate from
 * each other.  A group may be handed to user space only whole: it is
 * viable when every member is driver-less, bound to ioasid, or bound to a
 * driver that does no kernel DMA (driver_managed_dma); the loaded policy
 * may tighten that verdict (and relax it only with policy_may_relax=1).
 *
 * The table ioasid_groups maps group id -> group for every group one of
 * our devices is in; its xa_lock also guards taking a reference on lookup.
 */
#include <linux/iommu.h>
#include <linux/slab.h>

#include "device.h"
#include "ioas.h"
#include "trace.h"

static DEFINE_XARRAY(ioasid_groups);

/**
 * ioasid_group_init() - initialise a group of a given type
 * @group: the group, zeroed, embedded in the type's structure
 * @ops: the type
 * @id: the group id (iommu_group_id() for real groups)
 */
void ioasid_group_init(struct ioasid_group *group,
		       const struct ioasid_group_ops *ops, u32 id)
{
	kref_init(&group->ref);
	mutex_init(&group->lock);
	INIT_LIST_HEAD(&group->devices);
	group->ops = ops;
	group->id = id;
}

/**
 * ioasid_group_publish() - make a new group findable by id
 * @group: the group
 *
 * Return: 0, or -EEXIST if a group with that id is known already.
 */
int ioasid_group_publish(struct ioasid_group *group)
{
	int rc = xa_insert(&ioasid_groups, group->id, group, GFP_KERNEL);

	if (rc == -EBUSY)
		rc = -EEXIST;
	if (!rc)
		trace_ioasid_group_add(group->id, !group->iommu_group);
	return rc;
}

/**
 * ioasid_group_find() - look a group up by id and take a reference
 * @id: the group id
 *
 * Return: the group or NULL.
 */
struct ioasid_group *ioasid_group_find(u32 id)
{
	struct ioasid_group *group;

	xa_lock(&ioasid_groups);
	group = xa_load(&ioasid_groups, id);
	if (group && !kref_get_unless_zero(&group->ref))
		group = NULL;
	xa_unlock(&ioasid_groups);
	return group;
}

/**
 * ioasid_group_get_next() - the first group whose id is at least @index
 * @index: in: first id to look at; out: the id of the group found
 *
 * Return: the group with a reference taken, or NULL.
 */
struct ioasid_group *ioasid_group_get_next(unsigned long *index)
{
	struct ioasid_group *group;

	xa_lock(&ioasid_groups);
	xa_for_each_start(&ioasid_groups, *index, group, *index) {
		if (kref_get_unless_zero(&group->ref))
			break;
	}
	xa_unlock(&ioasid_groups);
	return group;
}

struct ioasid_group *ioasid_group_get(struct ioasid_group *group)
{
	kref_get(&group->ref);
	return group;
}

static void ioasid_group_release(struct kref *ref)
{
	struct ioasid_group *group = container_of(ref, struct ioasid_group,
						  ref);

	/* Only erase our own entry: a new group may have taken the id. */
	xa_cmpxchg(&ioasid_groups, group->id, group, NULL, GFP_KERNEL);
	trace_ioasid_group_remove(group->id);
	WARN_ON(!list_empty(&group->devices) || group->owner || group->ioas);
	group->ops->release(group);
}

void ioasid_group_put(struct ioasid_group *group)
{
	kref_put(&group->ref, ioasid_group_release);
}

/**
 * ioasid_group_count() - number of known groups
 *
 * Return: the count.
 */
unsigned int ioasid_group_count(void)
{
	return ioasid_xa_count(&ioasid_groups);
}

/**
 * ioasid_group_describe() - the group as a policy sees it
 * @group: the group
 * @desc: out
 */
void ioasid_group_describe(struct ioasid_group *group,
			   struct ioasid_policy_group *desc)
{
	desc->id = group->id;
	desc->nr_members = group->ops->nr_members(group);
	desc->nr_bound = READ_ONCE(group->nr_bound);
	desc->mock = !group->iommu_group;
}

/**
 * ioasid_group_viable_locked() - may the group be handed to a context?
 * @group: the group, its lock held
 * @ctx: the context binding
 * @dev: the device being bound
 *
 * The kernel's verdict, then the policy's (which may only tighten it
 * unless policy_may_relax is set).  A refusal's reason is left in
 * @group->reason, and both verdicts are traced.
 *
 * Return: true if the bind may go ahead.
 */
bool ioasid_group_viable_locked(struct ioasid_group *group,
				const struct ioasid_policy_context *ctx,
				const struct ioasid_policy_device *dev)
{
	char reason[sizeof(group->reason)] = "";
	struct ioasid_policy_group desc;
	bool kernel, final;

	lockdep_assert_held(&group->lock);
	kernel = group->ops->verdict(group, reason, sizeof(reason));
	final = kernel;
	if (ioasid_policy_has(group_viable)) {
		ioasid_group_describe(group, &desc);
		final = ioasid_policy_group_viable(ctx, dev, &desc, kernel,
						   reason, sizeof(reason));
	}
	strscpy(group->reason, final ? "" : reason, sizeof(group->reason));
	trace_ioasid_group_verdict(group->id, kernel, final, reason);
	return final;
}

/**
 * ioasid_group_recheck() - a member's driver changed: judge again
 * @group: the group
 *
 * Updates the reason shown to operators.  The IOMMU core itself keeps a
 * kernel DMA driver from binding to a member while the group is owned.
 */
void ioasid_group_recheck(struct ioasid_group *group)
{
	char reason[sizeof(group->reason)] = "";
	bool viable;

	mutex_lock(&group->lock);
	viable = group->ops->verdict(group, reason, sizeof(reason));
	strscpy(group->reason, viable ? "" : reason, sizeof(group->reason));
	trace_ioasid_group_verdict(group->id, viable, viable, reason);
	mutex_unlock(&group->lock);
}

/**
 * ioasid_group_snapshot() - a group as introspection shows it
 * @group: the group
 * @snap: out
 * @member: called for the name of each of our devices in it, or NULL
 * @arg: passed to @member
 *
 * Return: 0, or what @member returned when it stopped the walk.
 */
int ioasid_group_snapshot(struct ioasid_group *group,
			  struct ioasid_group_snapshot *snap,
			  int (*member)(const char *name, void *arg),
			  void *arg)
{
	struct ioasid_device *idev;
	int rc = 0;

	memset(snap, 0, sizeof(*snap));
	mutex_lock(&group->lock);
	snap->id = group->id;
	snap->mock = !group->iommu_group;
	snap->nr_members = group->ops->nr_members(group);
	snap->nr_bound = group->nr_bound;
	snap->viable = group->ops->verdict(group, snap->reason,
					   sizeof(snap->reason));
	if (snap->viable)
		snap->reason[0] = 0;
	strscpy(snap->last_reason, group->reason, sizeof(snap->last_reason));
	/* The owner has bound members, which hold its file: it is alive. */
	snap->ctx_id = group->owner ? group->owner->id : 0;
	snap->ioas_id = group->ioas ? group->ioas->obj.id : 0;
	if (member)
		list_for_each_entry(idev, &group->devices, group_item) {
			rc = member(idev->name, arg);
			if (rc)
				break;
		}
	mutex_unlock(&group->lock);
	return rc;
}

/* --- groups of the IOMMU core (ioasid-pci's, VFIO's) ---------------------- */

/* Serialises finding and creating them, whatever their type. */
static DEFINE_MUTEX(ioasid_iommu_group_lock);

static int ioasid_iommu_group_count(struct device *dev, void *data)
{
	(*(u32 *)data)++;
	return 0;
}

/**
 * ioasid_iommu_group_nr_members() - &ioasid_group_ops.nr_members of them
 * @group: a group of the IOMMU core
 *
 * Return: its devices, ours or not.
 */
u32 ioasid_iommu_group_nr_members(struct ioasid_group *group)
{
	u32 n = 0;

	iommu_group_for_each_dev(group->iommu_group, &n,
				 ioasid_iommu_group_count);
	return n;
}

/**
 * ioasid_iommu_group_release() - &ioasid_group_ops.release of them
 * @group: a group from ioasid_iommu_group_get()
 */
void ioasid_iommu_group_release(struct ioasid_group *group)
{
	iommu_group_put(group->iommu_group);
	kfree(group);
}

/**
 * ioasid_iommu_group_get() - the group object of an IOMMU core group
 * @iommu_group: the group (the caller keeps its reference)
 * @ops: the type asked for: a group is ioasid-pci's or VFIO's, never both
 *
 * Return: the group with a reference, made if need be; ERR_PTR(-EBUSY) if
 * it exists with the other type, or ERR_PTR(-ENOMEM).
 */
struct ioasid_group *ioasid_iommu_group_get(struct iommu_group *iommu_group,
					    const struct ioasid_group_ops *ops)
{
	struct ioasid_group *group;
	int rc;

	mutex_lock(&ioasid_iommu_group_lock);
	group = ioasid_group_find(iommu_group_id(iommu_group));
	if (group) {
		if (group->ops != ops) {
			ioasid_group_put(group);
			group = ERR_PTR(-EBUSY);
		}
		goto out;
	}
	/* Not charged: the group outlives whoever made it. */
	group = kzalloc(sizeof(*group), GFP_KERNEL);
	if (!group) {
		group = ERR_PTR(-ENOMEM);
		goto out;
	}
	ioasid_group_init(group, ops, iommu_group_id(iommu_group));
	iommu_group_ref_get(iommu_group);
	group->iommu_group = iommu_group;
	rc = ioasid_group_publish(group);
	if (rc) {
		iommu_group_put(iommu_group);
		kfree(group);
		group = ERR_PTR(rc);
	}
out:
	mutex_unlock(&ioasid_iommu_group_lock);
	return group;
}
