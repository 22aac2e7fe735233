// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel-owned contexts: a context of /dev/ioasid's kind that no fd
 * reaches, for the VFIO IOMMU backend (see kctx.h).  Its file is an
 * anonymous one with the fops of /dev/ioasid, so that the context lives,
 * is introspected (ioasidctl ctx list) and is torn down exactly like one
 * user space opened: bindings hold the file, the last fput() destroys.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "device_vfio.h"
#include "ioas.h"
#include "kctx.h"

/**
 * struct ioasid_kctx - a kernel-owned context with one paging IOAS
 * @ctx: the context (its file holds it)
 * @ioas: the IOAS, held long-term so that nothing destroys it
 */
struct ioasid_kctx {
	struct ioasid_ctx *ctx;
	struct ioasid_ioas *ioas;
};

/**
 * struct ioasid_kctx_group - a VFIO group attached to a kctx
 * @idev: its device, bound and attached
 */
struct ioasid_kctx_group {
	struct ioasid_device *idev;
};

/**
 * ioasid_kctx_create() - a context owned by the current task, one IOAS
 *
 * Return: the kctx, or an ERR_PTR (-ENOMEM, or the table's errors).
 */
struct ioasid_kctx *ioasid_kctx_create(void)
{
	struct ioasid_kctx *kctx;
	struct file *file;
	int rc;

	kctx = kzalloc(sizeof(*kctx), GFP_KERNEL_ACCOUNT);
	if (!kctx)
		return ERR_PTR(-ENOMEM);
	file = ioasid_ctx_file_create("[ioasid-vfio]");
	if (IS_ERR(file)) {
		rc = PTR_ERR(file);
		goto err_free;
	}
	kctx->ctx = ioasid_ctx_from_file(file);
	kctx->ioas = ioasid_ioas_create(kctx->ctx);
	if (IS_ERR(kctx->ioas)) {
		rc = PTR_ERR(kctx->ioas);
		fput(file);
		goto err_free;
	}
	return kctx;

err_free:
	kfree(kctx);
	return ERR_PTR(rc);
}
EXPORT_SYMBOL_NS_GPL(ioasid_kctx_create, IOASID);

/**
 * ioasid_kctx_destroy() - the container is gone
 * @kctx: the kctx; every group detached
 *
 * The IOAS goes with the context, unmapping and unpinning everything.
 */
void ioasid_kctx_destroy(struct ioasid_kctx *kctx)
{
	struct file *file = kctx->ctx->file;

	ioasid_object_unhold(&kctx->ioas->obj);
	kfree(kctx);
	fput(file);
}
EXPORT_SYMBOL_NS_GPL(ioasid_kctx_destroy, IOASID);

/**
 * ioasid_kctx_id() - the context's id, as ioasidctl shows it
 * @kctx: the kctx
 *
 * Return: the id.
 */
u32 ioasid_kctx_id(struct ioasid_kctx *kctx)
{
	return kctx->ctx->id;
}
EXPORT_SYMBOL_NS_GPL(ioasid_kctx_id, IOASID);

/**
 * ioasid_kctx_attach() - a VFIO group joins the container
 * @kctx: the kctx
 * @iommu_group: the group, its DMA owned by VFIO
 *
 * Binds and attaches the group as DEVICE_BIND and DEVICE_ATTACH would:
 * the policy's group_viable and device_attach hooks decide, in the name of
 * the kctx's owner.
 *
 * Return: the attachment, or an ERR_PTR with their errnos (-EBUSY, -EPERM
 * from a policy, -EADDRINUSE when a mapping lies in a reserved range of
 * the group, -ENOMEM, or the IOMMU driver's).
 */
struct ioasid_kctx_group *ioasid_kctx_attach(struct ioasid_kctx *kctx,
					     struct iommu_group *iommu_group)
{
	struct ioasid_kctx_group *group;
	int rc;

	group = kzalloc(sizeof(*group), GFP_KERNEL_ACCOUNT);
	if (!group)
		return ERR_PTR(-ENOMEM);
	group->idev = ioasid_vfio_group_add(iommu_group);
	if (IS_ERR(group->idev)) {
		rc = PTR_ERR(group->idev);
		goto err_free;
	}
	rc = ioasid_device_bind_kernel(group->idev, kctx->ctx,
				       kctx->ioas->obj.id);
	if (rc)
		goto err_unregister;
	return group;

err_unregister:
	ioasid_device_unregister(group->idev);
err_free:
	kfree(group);
	return ERR_PTR(rc);
}
EXPORT_SYMBOL_NS_GPL(ioasid_kctx_attach, IOASID);

/**
 * ioasid_kctx_detach() - a VFIO group leaves the container
 * @group: from ioasid_kctx_attach(); its DMA is blocked on return
 */
void ioasid_kctx_detach(struct ioasid_kctx_group *group)
{
	ioasid_device_unregister(group->idev);
	kfree(group);
}
EXPORT_SYMBOL_NS_GPL(ioasid_kctx_detach, IOASID);

/**
 * ioasid_kctx_map() - map user memory at a fixed IOVA
 * @kctx: the kctx
 * @user_va: page-aligned
 * @iova: page-aligned
 * @length: page-aligned, neither range wrapping
 * @read: devices may read
 * @write: devices may write
 *
 * Return: 0 or the errnos of IOASID_IOAS_MAP with a fixed IOVA.
 */
int ioasid_kctx_map(struct ioasid_kctx *kctx, unsigned long user_va, u64 iova,
		    u64 length, bool read, bool write)
{
	return ioasid_ioas_map_at(kctx->ioas, user_va, iova, length,
				  (read ? IOASID_IOAS_MAP_READABLE : 0) |
				  (write ? IOASID_IOAS_MAP_WRITEABLE : 0));
}
EXPORT_SYMBOL_NS_GPL(ioasid_kctx_map, IOASID);

/**
 * ioasid_kctx_unmap() - unmap whole mappings, the type1 way
 * @kctx: the kctx
 * @start: first IOVA
 * @last: last IOVA
 * @v1: the rules of VFIO_TYPE1_IOMMU (see iopt_unmap_whole())
 * @unmapped: out: bytes unmapped
 *
 * Return: 0 or -EINVAL.
 */
int ioasid_kctx_unmap(struct ioasid_kctx *kctx, u64 start, u64 last, bool v1,
		      u64 *unmapped)
{
	return ioasid_ioas_unmap_whole(kctx->ioas, start, last, v1, unmapped);
}
EXPORT_SYMBOL_NS_GPL(ioasid_kctx_unmap, IOASID);

/**
 * ioasid_kctx_info() - page sizes, mapping count and coherency
 * @kctx: the kctx
 * @info: out
 */
void ioasid_kctx_info(struct ioasid_kctx *kctx, struct ioasid_kctx_info *info)
{
	struct iopt_info ii;

	iopt_get_info(&kctx->ioas->iopt, &ii);
	/* As type1: nothing smaller than a CPU page, which is always there. */
	info->pgsize_bitmap = (ii.pgsize_bitmap & PAGE_MASK) | PAGE_SIZE;
	info->nr_mappings = ii.nr_mappings;
	info->coherent = ii.coherent;
}
EXPORT_SYMBOL_NS_GPL(ioasid_kctx_info, IOASID);

/**
 * ioasid_kctx_iova_ranges() - the IOVA ranges a map may use
 * @kctx: the kctx
 * @ranges: out: every range, for kfree() (NULL when there are none)
 * @nr: out: how many
 *
 * Return: 0 or -ENOMEM.
 */
int ioasid_kctx_iova_ranges(struct ioasid_kctx *kctx,
			    struct ioasid_iova_range **ranges, u32 *nr)
{
	return iopt_get_allowed_all(&kctx->ioas->iopt, ranges, nr);
}
EXPORT_SYMBOL_NS_GPL(ioasid_kctx_iova_ranges, IOASID);
