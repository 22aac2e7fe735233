/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-owned contexts (kctx.c): the API ioasid.ko exports (namespace
 * IOASID) to the VFIO IOMMU backend, vfio/ioasid_vfio.c.  A kctx is a
 * context like one of /dev/ioasid, owned by the task that created it (its
 * pid, uid and cgroup are what policies see), with one paging IOAS that
 * groups attach to.  Its calls follow the VFIO type1 rules where the
 * native uAPI differs (fixed IOVAs only, unmaps of whole mappings).
 *
 * Locking: none of these may run concurrently with ioasid_kctx_destroy();
 * map, unmap and the queries may run concurrently with each other and with
 * attach and detach, like the ioctls of one /dev/ioasid context.
 */
#ifndef _IOASID_KCTX_H
#define _IOASID_KCTX_H

#include <linux/types.h>
#include <uapi/linux/ioasid.h>

struct iommu_group;
struct ioasid_kctx;
struct ioasid_kctx_group;

/**
 * struct ioasid_kctx_info - what VFIO_IOMMU_GET_INFO reports
 * @pgsize_bitmap: page sizes every attached domain supports, none below
 *	PAGE_SIZE and PAGE_SIZE always (alone if no domain is attached)
 * @nr_mappings: mappings in the IOAS
 * @coherent: every attached domain enforces cache coherency (0 if none)
 */
struct ioasid_kctx_info {
	u64 pgsize_bitmap;
	u32 nr_mappings;
	bool coherent;
};

struct ioasid_kctx *ioasid_kctx_create(void);
void ioasid_kctx_destroy(struct ioasid_kctx *kctx);
u32 ioasid_kctx_id(struct ioasid_kctx *kctx);

struct ioasid_kctx_group *ioasid_kctx_attach(struct ioasid_kctx *kctx,
					     struct iommu_group *iommu_group);
void ioasid_kctx_detach(struct ioasid_kctx_group *group);

int ioasid_kctx_map(struct ioasid_kctx *kctx, unsigned long user_va, u64 iova,
		    u64 length, bool read, bool write);
int ioasid_kctx_unmap(struct ioasid_kctx *kctx, u64 start, u64 last, bool v1,
		      u64 *unmapped);
void ioasid_kctx_info(struct ioasid_kctx *kctx, struct ioasid_kctx_info *info);
int ioasid_kctx_iova_ranges(struct ioasid_kctx *kctx,
			    struct ioasid_iova_range **ranges, u32 *nr);

#endif /* _IOASID_KCTX_H */
