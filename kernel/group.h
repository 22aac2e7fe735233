/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IOMMU groups (group.c): the smallest set of devices the IOMMU can
 * isolate from each other, real (the IOMMU core's) or mock.  A group may
 * be handed to user space only whole; its devices (device.h) share its
 * attachment.
 */
#ifndef _IOASID_GROUP_H
#define _IOASID_GROUP_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "policy.h"

struct iommu_group;
struct ioasid_ctx;
struct ioasid_domain;
struct ioasid_group;
struct ioasid_ioas;

/**
 * struct ioasid_group_ops - what a group type provides
 * @nr_members: devices in the group, ours or not
 * @verdict: the kernel's viability verdict; on "not viable" writes the
 *	reason (naming the offending member) into @reason
 * @release: free the type's part of the group
 */
struct ioasid_group_ops {
	u32 (*nr_members)(struct ioasid_group *group);
	bool (*verdict)(struct ioasid_group *group, char *reason, size_t len);
	void (*release)(struct ioasid_group *group);
};

/**
 * struct ioasid_group - an IOMMU group (real or mock)
 * @ref: devices and bindings hold references
 * @ops: the group type
 * @lock: protects the fields below; nests inside device->lock
 * @id: iommu_group_id(), or a mock id counting down from U32_MAX
 * @iommu_group: the real group, NULL for a mock one
 * @devices: our devices in the group (&struct ioasid_device.group_item)
 * @owner: context holding DMA ownership, NULL when none
 * @nr_bound: bound members (they hold the ownership)
 * @ioas: IOAS the group is attached to (without PASID), or NULL
 * @domain: domain the group translates through, or NULL (blocked)
 * @nr_attached: bound members attached to @ioas
 * @reason: why the group was last found not viable ("" if viable)
 */
struct ioasid_group {
	struct kref ref;
	const struct ioasid_group_ops *ops;
	struct mutex lock;
	u32 id;
	struct iommu_group *iommu_group;
	struct list_head devices;
	struct ioasid_ctx *owner;
	unsigned int nr_bound;
	struct ioasid_ioas *ioas;
	struct ioasid_domain *domain;
	unsigned int nr_attached;
	char reason[128];
};

/* group.c */
void ioasid_group_init(struct ioasid_group *group,
		       const struct ioasid_group_ops *ops, u32 id);
struct ioasid_group *ioasid_group_get(struct ioasid_group *group);
void ioasid_group_put(struct ioasid_group *group);
int ioasid_group_publish(struct ioasid_group *group);
struct ioasid_group *ioasid_group_find(u32 id);
struct ioasid_group *ioasid_group_get_next(unsigned long *index);
bool ioasid_group_viable_locked(struct ioasid_group *group,
				const struct ioasid_policy_context *ctx,
				const struct ioasid_policy_device *dev);
void ioasid_group_recheck(struct ioasid_group *group);
unsigned int ioasid_group_count(void);

/* Groups of the IOMMU core: the type's ops may use these two. */
struct ioasid_group *ioasid_iommu_group_get(struct iommu_group *iommu_group,
					    const struct ioasid_group_ops *ops);
u32 ioasid_iommu_group_nr_members(struct ioasid_group *group);
void ioasid_iommu_group_release(struct ioasid_group *group);

void ioasid_group_describe(struct ioasid_group *group,
			   struct ioasid_policy_group *desc);

/**
 * struct ioasid_group_snapshot - a group as introspection shows it
 * @id: the group id
 * @mock: a mock group of the test interface
 * @nr_members: devices in the group, ours or not
 * @nr_bound: members bound to a context
 * @viable: the kernel's verdict now
 * @reason: why it is not viable now ("" if viable)
 * @last_reason: why the last bind was refused ("" if it was not)
 * @ctx_id: the context owning the group (0: none)
 * @ioas_id: the IOAS it is attached to (0: none)
 */
struct ioasid_group_snapshot {
	u32 id;
	bool mock;
	u32 nr_members;
	u32 nr_bound;
	bool viable;
	char reason[128];
	char last_reason[128];
	u32 ctx_id;
	u32 ioas_id;
};

/*
 * A consistent picture of @group; @member, if not NULL, is called for each
 * of our devices in it, under the group's lock (it must not sleep long).
 * Returns what @member returned if non-zero, else 0.
 */
int ioasid_group_snapshot(struct ioasid_group *group,
			  struct ioasid_group_snapshot *snap,
			  int (*member)(const char *name, void *arg),
			  void *arg);

#endif /* _IOASID_GROUP_H */
