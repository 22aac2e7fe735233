// SPDX-License-Identifier: GPL-2.0
/*
 * ioasid_vfio: a VFIO IOMMU backend served by ioasid's engine, so that
 * unmodified VMMs and user-space drivers speaking VFIO's type1 container
 * (QEMU, cloud-hypervisor, DPDK) run on ioasid and under its policies.
 *
 * Registered after vfio_iommu_type1, a backend is asked first by
 * VFIO_SET_IOMMU.  Each container becomes a kernel-owned context (kctx.h)
 * of the task that set it up, with one IOAS; each group joining it is bound
 * and attached through ioasid's own device, group and domain code, so the
 * policy's group_viable and device_attach hooks decide and its dma_map
 * hook sees every VFIO_IOMMU_MAP_DMA.  The semantics are type1's
 * (docs/vfio.md says where they differ).
 *
 * Refusals must hold: when a backend's attach fails the VFIO core quietly
 * tries the next one.  In exclusive mode (the default) a container this
 * backend opened stays its own: a group it refuses joins nothing, the
 * container answers every later ioctl with -EPERM and the log says why;
 * and vfio_iommu_type1 cannot be loaded while this module is.
 *
 * Locking: the VFIO core calls attach_group and detach_group with the
 * container's group_lock held for writing and ioctl with it held for
 * reading, so the group list needs no lock of its own against ioctls;
 * ioasid_vfio.lock orders attach and detach against each other anyway.
 */
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/notifier.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "../kctx.h"
#include "vfio_iommu_ops.h"
#include "vfio_layout.h"

/* The copy in vfio_iommu_ops.h against vfio.ko's BTF (layout.sh). */
#define IOASID_VFIO_CHECK(m)						\
	static_assert(offsetof(struct vfio_iommu_driver_ops, m) ==	\
		      VFIO_LAYOUT_OFF_##m,				\
		      "vfio.ko's struct vfio_iommu_driver_ops differs from "	\
		      "kernel/vfio/vfio_iommu_ops.h at member " #m)
IOASID_VFIO_CHECK(name);
IOASID_VFIO_CHECK(owner);
IOASID_VFIO_CHECK(open);
IOASID_VFIO_CHECK(release);
IOASID_VFIO_CHECK(ioctl);
IOASID_VFIO_CHECK(attach_group);
IOASID_VFIO_CHECK(detach_group);
IOASID_VFIO_CHECK(pin_pages);
IOASID_VFIO_CHECK(unpin_pages);
IOASID_VFIO_CHECK(register_device);
IOASID_VFIO_CHECK(unregister_device);
IOASID_VFIO_CHECK(dma_rw);
IOASID_VFIO_CHECK(group_iommu_domain);
static_assert(sizeof(struct vfio_iommu_driver_ops) == VFIO_LAYOUT_SIZE &&
	      VFIO_LAYOUT_MEMBERS == 13,
	      "vfio.ko's struct vfio_iommu_driver_ops has other members than kernel/vfio/vfio_iommu_ops.h");
#define IOASID_VFIO_SAME(a, b)	((a) == (b))
static_assert(IOASID_VFIO_SAME(VFIO_IOMMU, VFIO_LAYOUT_VFIO_IOMMU) &&
	      IOASID_VFIO_SAME(VFIO_EMULATED_IOMMU,
			       VFIO_LAYOUT_VFIO_EMULATED_IOMMU) &&
	      IOASID_VFIO_SAME(VFIO_NO_IOMMU, VFIO_LAYOUT_VFIO_NO_IOMMU),
	      "vfio.ko's enum vfio_group_type differs from kernel/vfio/vfio_iommu_ops.h");

static bool exclusive = true;
module_param(exclusive, bool, 0444);
MODULE_PARM_DESC(exclusive,
		 "Containers stay with ioasid even when it refuses a group, and vfio_iommu_type1 cannot load (default: on)");

static unsigned int dma_entry_limit = U16_MAX;
module_param(dma_entry_limit, uint, 0644);
MODULE_PARM_DESC(dma_entry_limit,
		 "Mappings per container, as vfio_iommu_type1's parameter (default: 65535)");

/**
 * struct ioasid_vfio - a container
 * @lock: serialises attach and detach
 * @kctx: its context and IOAS
 * @v2: VFIO_TYPE1v2_IOMMU, else VFIO_TYPE1_IOMMU
 * @groups: &struct ioasid_vfio_group.item
 * @refused: why a group was refused (exclusive mode): every ioctl but
 *	CHECK_EXTENSION fails with -EPERM from then on; "" if none was
 * @comm: the task that set the container up, for messages
 * @pid: its pid
 */
struct ioasid_vfio {
	struct mutex lock;
	struct ioasid_kctx *kctx;
	bool v2;
	struct list_head groups;
	char refused[96];
	char comm[TASK_COMM_LEN];
	pid_t pid;
};

/**
 * struct ioasid_vfio_group - a group in a container
 * @item: in &ioasid_vfio.groups
 * @iommu_group: the group
 * @attached: its attachment, or NULL if it was refused
 */
struct ioasid_vfio_group {
	struct list_head item;
	struct iommu_group *iommu_group;
	struct ioasid_kctx_group *attached;
};

static void *ioasid_vfio_open(unsigned long arg)
{
	struct ioasid_vfio *v;

	if (arg != VFIO_TYPE1_IOMMU && arg != VFIO_TYPE1v2_IOMMU)
		return ERR_PTR(-EINVAL);
	v = kzalloc(sizeof(*v), GFP_KERNEL_ACCOUNT);
	if (!v)
		return ERR_PTR(-ENOMEM);
	v->kctx = ioasid_kctx_create();
	if (IS_ERR(v->kctx)) {
		void *err = v->kctx;

		kfree(v);
		return err;
	}
	mutex_init(&v->lock);
	INIT_LIST_HEAD(&v->groups);
	v->v2 = arg == VFIO_TYPE1v2_IOMMU;
	get_task_comm(v->comm, current);
	v->pid = task_tgid_nr(current);
	return v;
}

/* The VFIO core detached every group first. */
static void ioasid_vfio_release(void *data)
{
	struct ioasid_vfio *v = data;

	WARN_ON(!list_empty(&v->groups));
	ioasid_kctx_destroy(v->kctx);
	mutex_destroy(&v->lock);
	kfree(v);
}

static int ioasid_vfio_attach_group(void *data, struct iommu_group *iommu_group,
				    enum vfio_group_type type)
{
	struct ioasid_vfio *v = data;
	struct ioasid_vfio_group *g;
	int rc = 0;

	/* Emulated IOMMUs (mdev) need pin_pages and dma_rw: not offered. */
	if (type != VFIO_IOMMU) {
		pr_info_ratelimited("ioasid_vfio: %s[%d]: group %d: only groups behind an IOMMU are served, not emulated (mdev) ones\n",
				    v->comm, v->pid, iommu_group_id(iommu_group));
		return -EINVAL;
	}
	g = kzalloc(sizeof(*g), GFP_KERNEL_ACCOUNT);
	if (!g)
		return -ENOMEM;
	g->iommu_group = iommu_group;

	mutex_lock(&v->lock);
	g->attached = ioasid_kctx_attach(v->kctx, iommu_group);
	if (IS_ERR(g->attached)) {
		rc = PTR_ERR(g->attached);
		g->attached = NULL;
		pr_info_ratelimited("ioasid_vfio: %s[%d]: group %d refused (%d)%s\n",
				    v->comm, v->pid,
				    iommu_group_id(iommu_group), rc,
				    exclusive ? "; the container is unusable" :
				    "");
		if (!exclusive) {
			kfree(g);
			goto out;
		}
		/* The group joins with its DMA blocked, as VFIO left it. */
		if (!v->refused[0])
			snprintf(v->refused, sizeof(v->refused),
				 "group %d refused (%d)",
				 iommu_group_id(iommu_group), rc);
		rc = 0;
	}
	list_add_tail(&g->item, &v->groups);
out:
	mutex_unlock(&v->lock);
	return rc;
}

static void ioasid_vfio_detach_group(void *data, struct iommu_group *iommu_group)
{
	struct ioasid_vfio *v = data;
	struct ioasid_vfio_group *g;

	mutex_lock(&v->lock);
	list_for_each_entry(g, &v->groups, item) {
		if (g->iommu_group != iommu_group)
			continue;
		if (g->attached)
			ioasid_kctx_detach(g->attached);
		list_del(&g->item);
		kfree(g);
		break;
	}
	mutex_unlock(&v->lock);
}

/* The smallest page size maps and unmaps must be aligned to. */
static u64 ioasid_vfio_pgsize(const struct ioasid_kctx_info *info)
{
	return 1ULL << __ffs64(info->pgsize_bitmap);
}

static long ioasid_vfio_check_extension(struct ioasid_vfio *v,
					unsigned long arg)
{
	struct ioasid_kctx_info info;

	switch (arg) {
	case VFIO_TYPE1_IOMMU:
	case VFIO_TYPE1v2_IOMMU:
	case VFIO_UNMAP_ALL:
		return 1;
	case VFIO_DMA_CC_IOMMU:
		if (!v)
			return 0;
		ioasid_kctx_info(v->kctx, &info);
		return info.coherent;
	default:	/* VFIO_UPDATE_VADDR and nesting are not offered */
		return 0;
	}
}

static int ioasid_vfio_get_info(struct ioasid_vfio *v, unsigned long arg)
{
	struct vfio_iommu_type1_info_cap_iova_range *iovas = NULL;
	struct vfio_iommu_type1_info_dma_avail avail = {
		.header = { .id = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, .version = 1 },
	};
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct vfio_iommu_type1_info info = {};
	struct ioasid_iova_range *ranges;
	struct ioasid_kctx_info ki;
	unsigned long minsz;
	u32 nr, i;
	size_t size;
	int rc;

	minsz = offsetofend(struct vfio_iommu_type1_info, iova_pgsizes);
	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	minsz = min_t(size_t, info.argsz, sizeof(info));

	ioasid_kctx_info(v->kctx, &ki);
	info.flags = VFIO_IOMMU_INFO_PGSIZES;
	info.iova_pgsizes = ki.pgsize_bitmap;
	avail.avail = dma_entry_limit > ki.nr_mappings ?
		      dma_entry_limit - ki.nr_mappings : 0;
	rc = vfio_info_add_capability(&caps, &avail.header, sizeof(avail));
	if (rc)
		return rc;

	rc = ioasid_kctx_iova_ranges(v->kctx, &ranges, &nr);
	if (rc)
		goto out;
	if (nr) {
		size = struct_size(iovas, iova_ranges, nr);
		iovas = kzalloc(size, GFP_KERNEL);
		if (!iovas) {
			kfree(ranges);
			rc = -ENOMEM;
			goto out;
		}
		iovas->header.id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE;
		iovas->header.version = 1;
		iovas->nr_iovas = nr;
		for (i = 0; i < nr; i++) {
			iovas->iova_ranges[i].start = ranges[i].start;
			iovas->iova_ranges[i].end = ranges[i].last;
		}
		rc = vfio_info_add_capability(&caps, &iovas->header, size);
		kfree(iovas);
	}
	kfree(ranges);
	if (rc)
		goto out;

	info.flags |= VFIO_IOMMU_INFO_CAPS;
	if (info.argsz < sizeof(info) + caps.size) {
		info.argsz = sizeof(info) + caps.size;
	} else {
		vfio_info_cap_shift(&caps, sizeof(info));
		if (copy_to_user((void __user *)arg + sizeof(info), caps.buf,
				 caps.size)) {
			rc = -EFAULT;
			goto out;
		}
		info.cap_offset = sizeof(info);
	}
	rc = copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
out:
	kfree(caps.buf);
	return rc;
}

static int ioasid_vfio_map_dma(struct ioasid_vfio *v, unsigned long arg)
{
	const u32 mask = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	struct vfio_iommu_type1_dma_map map;
	struct ioasid_kctx_info info;
	unsigned long minsz;
	u64 pgsize;
	int rc;

	minsz = offsetofend(struct vfio_iommu_type1_dma_map, size);
	if (copy_from_user(&map, (void __user *)arg, minsz))
		return -EFAULT;
	/* VFIO_DMA_MAP_FLAG_VADDR: VFIO_UPDATE_VADDR is not offered. */
	if (map.argsz < minsz || map.flags & ~mask || !(map.flags & mask))
		return -EINVAL;
	ioasid_kctx_info(v->kctx, &info);
	pgsize = ioasid_vfio_pgsize(&info);
	if (!map.size || (map.size | map.iova | map.vaddr) & (pgsize - 1))
		return -EINVAL;
	if (map.iova + map.size - 1 < map.iova ||
	    map.vaddr + map.size - 1 < map.vaddr ||
	    map.vaddr != (unsigned long)map.vaddr)
		return -EINVAL;
	if (info.nr_mappings >= dma_entry_limit)
		return -ENOSPC;

	rc = ioasid_kctx_map(v->kctx, map.vaddr, map.iova, map.size,
			     map.flags & VFIO_DMA_MAP_FLAG_READ,
			     map.flags & VFIO_DMA_MAP_FLAG_WRITE);
	/* Outside the valid IOVA ranges: type1 says -EINVAL. */
	return rc == -EADDRINUSE ? -EINVAL : rc;
}

static int ioasid_vfio_unmap_dma(struct ioasid_vfio *v, unsigned long arg)
{
	struct vfio_iommu_type1_dma_unmap unmap;
	struct ioasid_kctx_info info;
	unsigned long minsz;
	u64 pgsize, last, unmapped;
	int rc;

	minsz = offsetofend(struct vfio_iommu_type1_dma_unmap, size);
	if (copy_from_user(&unmap, (void __user *)arg, minsz))
		return -EFAULT;
	/* GET_DIRTY_BITMAP and VADDR: dirty tracking and VADDR not offered. */
	if (unmap.argsz < minsz || unmap.flags & ~VFIO_DMA_UNMAP_FLAG_ALL)
		return -EINVAL;
	ioasid_kctx_info(v->kctx, &info);
	pgsize = ioasid_vfio_pgsize(&info);
	if (unmap.iova & (pgsize - 1))
		return -EINVAL;
	if (unmap.flags & VFIO_DMA_UNMAP_FLAG_ALL) {
		if (unmap.iova || unmap.size)
			return -EINVAL;
		last = U64_MAX;
	} else {
		if (!unmap.size || unmap.size & (pgsize - 1) ||
		    unmap.iova + unmap.size - 1 < unmap.iova)
			return -EINVAL;
		last = unmap.iova + unmap.size - 1;
	}
	rc = ioasid_kctx_unmap(v->kctx, unmap.iova, last, !v->v2, &unmapped);
	if (rc)
		return rc;
	unmap.size = unmapped;
	return copy_to_user((void __user *)arg, &unmap, minsz) ? -EFAULT : 0;
}

static long ioasid_vfio_ioctl(void *data, unsigned int cmd, unsigned long arg)
{
	struct ioasid_vfio *v = data;

	if (cmd == VFIO_CHECK_EXTENSION)
		return ioasid_vfio_check_extension(v, arg);
	if (v->refused[0]) {
		pr_info_ratelimited("ioasid_vfio: %s[%d]: container unusable: %s\n",
				    v->comm, v->pid, v->refused);
		return -EPERM;
	}
	switch (cmd) {
	case VFIO_IOMMU_GET_INFO:
		return ioasid_vfio_get_info(v, arg);
	case VFIO_IOMMU_MAP_DMA:
		return ioasid_vfio_map_dma(v, arg);
	case VFIO_IOMMU_UNMAP_DMA:
		return ioasid_vfio_unmap_dma(v, arg);
	default:	/* VFIO_IOMMU_DIRTY_PAGES: not offered */
		return -ENOTTY;
	}
}

static const struct vfio_iommu_driver_ops ioasid_vfio_ops = {
	.name = "ioasid-vfio",
	.owner = THIS_MODULE,
	.open = ioasid_vfio_open,
	.release = ioasid_vfio_release,
	.ioctl = ioasid_vfio_ioctl,
	.attach_group = ioasid_vfio_attach_group,
	.detach_group = ioasid_vfio_detach_group,
};

/* Exclusive mode: vfio_iommu_type1 would be asked before us once loaded. */
static int ioasid_vfio_module_notify(struct notifier_block *nb,
				     unsigned long action, void *data)
{
	struct module *mod = data;

	if (action != MODULE_STATE_COMING ||
	    strcmp(mod->name, "vfio_iommu_type1"))
		return NOTIFY_DONE;
	pr_warn("ioasid_vfio: refusing to load vfio_iommu_type1 while ioasid_vfio is loaded exclusive=1 (docs/vfio.md)\n");
	return notifier_from_errno(-EBUSY);
}

static struct notifier_block ioasid_vfio_module_nb = {
	.notifier_call = ioasid_vfio_module_notify,
};

static int __init ioasid_vfio_init(void)
{
	int rc;

	if (exclusive) {
		rc = register_module_notifier(&ioasid_vfio_module_nb);
		if (rc)
			return rc;
	}
	rc = vfio_register_iommu_driver(&ioasid_vfio_ops);
	if (rc && exclusive)
		unregister_module_notifier(&ioasid_vfio_module_nb);
	return rc;
}

static void __exit ioasid_vfio_exit(void)
{
	vfio_unregister_iommu_driver(&ioasid_vfio_ops);
	if (exclusive)
		unregister_module_notifier(&ioasid_vfio_module_nb);
}

module_init(ioasid_vfio_init);
module_exit(ioasid_vfio_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VFIO IOMMU backend served by ioasid");
MODULE_IMPORT_NS(IOASID);
