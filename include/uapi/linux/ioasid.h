/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ioasid: user-space management of I/O address spaces for assigned devices.
 *
 * Two kinds of file descriptors carry this interface:
 *
 *  - /dev/ioasid: one context per open.  A context owns I/O address spaces
 *    (IOAS), PASIDs and the devices bound to it.  Everything it owns goes
 *    away, pages unpinned and accounting returned, when its last reference
 *    drops (the fd is closed and no device is still bound to it).
 *
 *  - a device fd: /dev/ioasid-pci/<segment:bus:dev.fn> for a PCI device bound
 *    to the ioasid-pci stub driver, or the fd returned by
 *    IOASID_TEST_MOCK_DEVICE_CREATE for a mock device.  The device fd binds the
 *    device to a context, attaches it to an IOAS and, for PCI devices, gives
 *    access to its regions.
 *
 * Conventions (shared with iommufd):
 *  - every ioctl struct begins with __u32 size and (mostly) __u32 flags; the
 *    kernel accepts a larger struct whose extra bytes are zero (-E2BIG
 *    otherwise) and a smaller struct down to the first published size
 *    (-EINVAL below that);
 *  - unknown flags give -EOPNOTSUPP; non-zero reserved fields give -EOPNOTSUPP;
 *  - objects of a context are named by 32-bit ids; IOASID_DESTROY destroys any;
 *  - pointers are __aligned_u64;
 *  - on error nothing is left behind: no mapping, pin, charge or object.
 *
 * Errnos common to every ioctl: -ENOTTY not an ioctl of this fd (unknown
 * number, another type, direction or size encoding than _IO(), a device
 * ioctl on /dev/ioasid or the reverse); -EFAULT the struct (its size field,
 * or the @size bytes it claims) cannot be read, or the reply cannot be
 * written back; -EINVAL @size below the struct's first published size;
 * -E2BIG @size above the kernel's with a non-zero byte past the kernel's
 * struct; -EOPNOTSUPP an unknown flag or a non-zero reserved field.  The
 * size is judged first, before the handler can refuse anything.  The
 * "Errors:" paragraph of each struct lists the other errnos.
 */
#ifndef _UAPI_LINUX_IOASID_H
#define _UAPI_LINUX_IOASID_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define IOASID_TYPE	'I'
#define IOASID_CMD_BASE	0xa0

/* PASIDs come from one system-wide space [IOASID_PASID_MIN, IOASID_PASID_MAX]. */
#define IOASID_PASID_MIN	1
#define IOASID_PASID_MAX	((1U << 20) - 1)

enum {
	IOASID_CMD_DESTROY = IOASID_CMD_BASE,
	IOASID_CMD_IOAS_ALLOC,
	IOASID_CMD_IOAS_IOVA_RANGES,
	IOASID_CMD_IOAS_MAP,
	IOASID_CMD_IOAS_UNMAP,
	IOASID_CMD_PASID_ALLOC,
	IOASID_CMD_PASID_FREE,
	IOASID_CMD_DEVICE_BIND,
	IOASID_CMD_DEVICE_UNBIND,
	IOASID_CMD_DEVICE_ATTACH,
	IOASID_CMD_DEVICE_DETACH,
	IOASID_CMD_DEVICE_GET_INFO,
	IOASID_CMD_DEVICE_GET_REGION_INFO,
	IOASID_CMD_TEST,
	IOASID_CMD_IOAS_COPY,
};

/**
 * struct ioasid_destroy - ioctl(IOASID_DESTROY)
 * @size: sizeof(struct ioasid_destroy)
 * @id: object to destroy
 *
 * Destroys an object of the context.  Only IOAS objects are destroyed this
 * way; devices leave a context through IOASID_DEVICE_UNBIND on their own fd.
 * The decision is taken once: of two destroys of one object, one succeeds
 * and the other finds nothing.  An ioctl already running on the object
 * finishes first; when DESTROY returns, the object and everything it held
 * (mappings, pins, charges) are gone.
 *
 * Errors: -ENOENT no object with @id; -EBUSY the object is in use (a device
 * is attached to the IOAS, or a nested IOAS names it as parent), or @id is
 * a device binding.
 */
struct ioasid_destroy {
	__u32 size;
	__u32 id;
};
#define IOASID_DESTROY _IO(IOASID_TYPE, IOASID_CMD_DESTROY)

/**
 * enum ioasid_ioas_alloc_flags - flags for &struct ioasid_ioas_alloc
 * @IOASID_IOAS_ALLOC_NESTED: allocate a nested IOAS whose mappings translate
 *	into the IOVA space of @parent_id (software nesting)
 */
enum ioasid_ioas_alloc_flags {
	IOASID_IOAS_ALLOC_NESTED = 1 << 0,
};

/**
 * struct ioasid_ioas_alloc - ioctl(IOASID_IOAS_ALLOC)
 * @size: sizeof(struct ioasid_ioas_alloc)
 * @flags: &enum ioasid_ioas_alloc_flags
 * @parent_id: with IOASID_IOAS_ALLOC_NESTED, the IOAS the new one nests in;
 *	must be zero otherwise
 * @out_ioas_id: id of the new IOAS
 *
 * A paging IOAS maps IOVAs to user memory.  A nested IOAS maps its IOVAs to
 * IOVAs of its parent: a device attached to the nested IOAS sees the
 * composition child IOVA -> parent IOVA -> page, which the kernel keeps
 * current when either side changes.  Only one level of nesting exists: the
 * parent must be a paging IOAS.
 *
 * The new IOAS exists only once the struct has been written back: if that
 * fails (-EFAULT) there is no IOAS and its id is free again.
 *
 * Errors: -ENOENT @parent_id is not an IOAS of this context; -EINVAL
 * @parent_id is itself nested, or non-zero without
 * IOASID_IOAS_ALLOC_NESTED; -ENOMEM; -ENOSPC the context has no free
 * object id (2^32 - 1 objects).
 */
struct ioasid_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 parent_id;
	__u32 out_ioas_id;
};
#define IOASID_IOAS_ALLOC _IO(IOASID_TYPE, IOASID_CMD_IOAS_ALLOC)

/**
 * struct ioasid_iova_range - an inclusive IOVA range
 * @start: first IOVA
 * @last: last IOVA (inclusive)
 */
struct ioasid_iova_range {
	__aligned_u64 start;
	__aligned_u64 last;
};

/**
 * struct ioasid_ioas_iova_ranges - ioctl(IOASID_IOAS_IOVA_RANGES)
 * @size: sizeof(struct ioasid_ioas_iova_ranges)
 * @ioas_id: IOAS to query
 * @num_iovas: in: number of entries @allowed_iovas has room for; out: number
 *	of allowed ranges
 * @__reserved: must be zero
 * @allowed_iovas: pointer to an array of &struct ioasid_iova_range
 * @out_iova_alignment: minimum alignment of IOVA, user VA and length
 *
 * Reports the IOVA ranges a mapping may use: the intersection of the
 * apertures of every domain the IOAS feeds, minus the reserved regions
 * (MSI window and the like) of every attached device.  The set only shrinks
 * as devices attach, and grows back as they detach.
 *
 * Errors: -ENOENT not an IOAS; -EMSGSIZE @num_iovas is too small (the struct
 * is still written back with the needed @num_iovas, and nothing is written
 * past the @num_iovas entries of @allowed_iovas); -EFAULT the ranges cannot
 * be written to @allowed_iovas; -ENOMEM.
 */
struct ioasid_ioas_iova_ranges {
	__u32 size;
	__u32 ioas_id;
	__u32 num_iovas;
	__u32 __reserved;
	__aligned_u64 allowed_iovas;
	__aligned_u64 out_iova_alignment;
};
#define IOASID_IOAS_IOVA_RANGES _IO(IOASID_TYPE, IOASID_CMD_IOAS_IOVA_RANGES)

/**
 * enum ioasid_ioas_map_flags - flags for &struct ioasid_ioas_map
 * @IOASID_IOAS_MAP_FIXED_IOVA: map at @iova; otherwise the kernel picks an
 *	IOVA and returns it in @iova
 * @IOASID_IOAS_MAP_READABLE: devices may read the memory
 * @IOASID_IOAS_MAP_WRITEABLE: devices may write the memory
 */
enum ioasid_ioas_map_flags {
	IOASID_IOAS_MAP_FIXED_IOVA = 1 << 0,
	IOASID_IOAS_MAP_READABLE = 1 << 1,
	IOASID_IOAS_MAP_WRITEABLE = 1 << 2,
};

/**
 * struct ioasid_ioas_map - ioctl(IOASID_IOAS_MAP)
 * @size: sizeof(struct ioasid_ioas_map)
 * @flags: &enum ioasid_ioas_map_flags; at least one of READABLE/WRITEABLE
 * @ioas_id: IOAS to map into
 * @__reserved: must be zero
 * @user_va: paging IOAS: start of the user memory to map
 * @parent_iova: nested IOAS: start of the parent IOVA range to map
 * @length: bytes to map
 * @iova: in with IOASID_IOAS_MAP_FIXED_IOVA, out otherwise
 *
 * Paging IOAS: pins the user pages (long-term), charges them to the
 * caller's RLIMIT_MEMLOCK (locked_vm, unless CAP_IPC_LOCK) and programs every
 * domain the IOAS feeds.  Physically contiguous runs become large IOMMU
 * pages where the domain supports them.
 *
 * Nested IOAS: the parent range must be mapped in full, with at least the
 * requested permissions.  Nothing is pinned or charged: the parent's pins
 * back the mapping.
 *
 * @iova, @user_va/@parent_iova and @length must be multiples of the
 * alignment IOASID_IOAS_IOVA_RANGES reports (the CPU page size).  An IOVA
 * the kernel picks is never 0, lies in the allowed ranges, and has the
 * source address's offset modulo the largest power of two up to @length
 * (at most 1 GiB), so large IOMMU pages can be used.  The search is next
 * fit: it starts where the previous kernel-chosen range ended and wraps to
 * the bottom, so its cost does not grow with the mappings below.
 *
 * Errors: -EINVAL zero length, misalignment, or no permission flag;
 * -EOVERFLOW an address range wraps; -ENOENT not an IOAS, or (nested) part
 * of the parent range is unmapped; -EEXIST the fixed range overlaps a
 * mapping; -EADDRINUSE the fixed range leaves the allowed IOVA ranges;
 * -ENOSPC no free IOVA range of that length; -EACCES (nested) the parent
 * mapping lacks a requested permission; -EFAULT the user range is not
 * mapped memory, is memory that cannot be pinned (PROT_NONE, an I/O or PFN
 * mapping such as a device BAR, secret memory, a shared file mapping that
 * needs dirty tracking when WRITEABLE), or is read-only and WRITEABLE was
 * asked; -EOPNOTSUPP the user range is a file DAX mapping (cannot be
 * pinned long-term); -ENOMEM out of memory (page tables included) or over
 * RLIMIT_MEMLOCK; -EPERM/-EDQUOT refused by the policy's dma_map hook
 * (-EPERM also for an answer outside its contract); -EINTR a fatal signal
 * arrived while pinning (the caller is being killed; nothing stays pinned).
 *
 * The reply (@iova) is written before the mapping becomes visible to any
 * other thread or ioctl: if the struct cannot be written back (-EFAULT),
 * nothing is mapped.
 */
struct ioasid_ioas_map {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__u32 __reserved;
	union {
		__aligned_u64 user_va;
		__aligned_u64 parent_iova;
	};
	__aligned_u64 length;
	__aligned_u64 iova;
};
#define IOASID_IOAS_MAP _IO(IOASID_TYPE, IOASID_CMD_IOAS_MAP)

/**
 * struct ioasid_ioas_copy - ioctl(IOASID_IOAS_COPY)
 * @size: sizeof(struct ioasid_ioas_copy)
 * @flags: &enum ioasid_ioas_map_flags; at least one of READABLE/WRITEABLE
 * @dst_ioas_id: paging IOAS to map into
 * @src_ioas_id: paging IOAS whose mappings back the copy (may be
 *	@dst_ioas_id)
 * @length: bytes to copy
 * @dst_iova: in with IOASID_IOAS_MAP_FIXED_IOVA, out otherwise
 * @src_iova: start of the range in @src_ioas_id, mapped in full
 *
 * Maps into @dst_ioas_id the pages [@src_iova, @src_iova + @length) of
 * @src_ioas_id translates to, without touching user memory: nothing is
 * pinned or charged again, and the copy stays valid (its pages pinned)
 * after the source range is unmapped.  The two IOAS must belong to the
 * context the ioctl is issued on.  IOVA choice and alignment are those of
 * IOASID_IOAS_MAP; the policy's dma_map hook decides as for a map of
 * @length bytes.
 *
 * Errors: -EINVAL zero length, misalignment, no permission flag, or a
 * nested IOAS as source or destination; -EOVERFLOW an address range wraps;
 * -ENOENT no such IOAS, or part of the source range is not mapped;
 * -EACCES a source mapping lacks a requested permission (WRITEABLE of a
 * range mapped read-only); -EEXIST the fixed range overlaps a mapping;
 * -EADDRINUSE the fixed range leaves the allowed IOVA ranges; -ENOSPC no
 * free IOVA range of that length; -ENOMEM out of memory (page tables
 * included); -EPERM/-EDQUOT refused by the policy's dma_map hook (-EPERM
 * also for an answer outside its contract).
 */
struct ioasid_ioas_copy {
	__u32 size;
	__u32 flags;
	__u32 dst_ioas_id;
	__u32 src_ioas_id;
	__aligned_u64 length;
	__aligned_u64 dst_iova;
	__aligned_u64 src_iova;
};
#define IOASID_IOAS_COPY _IO(IOASID_TYPE, IOASID_CMD_IOAS_COPY)

/**
 * enum ioasid_ioas_unmap_flags - flags for &struct ioasid_ioas_unmap
 * @IOASID_IOAS_UNMAP_ALL: unmap everything; @iova and @length must be zero
 */
enum ioasid_ioas_unmap_flags {
	IOASID_IOAS_UNMAP_ALL = 1 << 0,
};

/**
 * struct ioasid_ioas_unmap - ioctl(IOASID_IOAS_UNMAP)
 * @size: sizeof(struct ioasid_ioas_unmap)
 * @flags: &enum ioasid_ioas_unmap_flags
 * @ioas_id: IOAS to unmap from
 * @__reserved: must be zero
 * @iova: start of the range
 * @length: in: bytes of the range; out: bytes that were mapped and are not
 *	any more
 *
 * Removes every mapping inside [@iova, @iova + @length).  A mapping that
 * straddles an end of the range is split: the part outside stays mapped.
 * Holes inside the range are fine.  Pages are unpinned and uncharged only
 * after every domain has stopped translating to them.  Unmapping a parent
 * range leaves nested mappings built on it in place but untranslated
 * (devices fault there) until the parent maps the range again.
 *
 * Errors: -EINVAL misalignment or zero length (without UNMAP_ALL), or a
 * non-zero @iova or @length with IOASID_IOAS_UNMAP_ALL; -EOVERFLOW the
 * range wraps; -ENOENT not an IOAS, or nothing was mapped in the range
 * (IOASID_IOAS_UNMAP_ALL of an empty IOAS succeeds with @length 0);
 * -ENOMEM.  The reply (@length) is written before anything is unmapped:
 * if the struct cannot be written back (-EFAULT), nothing is unmapped.
 */
struct ioasid_ioas_unmap {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__u32 __reserved;
	__aligned_u64 iova;
	__aligned_u64 length;
};
#define IOASID_IOAS_UNMAP _IO(IOASID_TYPE, IOASID_CMD_IOAS_UNMAP)

/**
 * struct ioasid_pasid_alloc - ioctl(IOASID_PASID_ALLOC)
 * @size: sizeof(struct ioasid_pasid_alloc)
 * @flags: must be zero
 * @min: lowest acceptable PASID (0 means IOASID_PASID_MIN)
 * @max: highest acceptable PASID (0 means IOASID_PASID_MAX)
 * @out_pasid: the PASID, owned by this context until freed or closed
 * @__reserved: must be zero
 *
 * Allocates from the system-wide PASID space.  A loaded policy's
 * pasid_alloc hook may pick the PASID (the kernel checks it is inside
 * [@min, @max] and free) or refuse.
 *
 * Errors: -EINVAL @min > @max or outside the PASID space; -ENOSPC no free
 * PASID in the range; -EPERM refused by the policy (or its answer was
 * outside the contract); -EDQUOT over the policy's quota for the caller;
 * -EBUSY the PASID the policy picked is taken; -ENOMEM.  The PASID is
 * allocated only once the struct has been written back: on -EFAULT
 * nothing is held and the PASID is free again.
 */
struct ioasid_pasid_alloc {
	__u32 size;
	__u32 flags;
	__u32 min;
	__u32 max;
	__u32 out_pasid;
	__u32 __reserved;
};
#define IOASID_PASID_ALLOC _IO(IOASID_TYPE, IOASID_CMD_PASID_ALLOC)

/**
 * struct ioasid_pasid_free - ioctl(IOASID_PASID_FREE)
 * @size: sizeof(struct ioasid_pasid_free)
 * @pasid: PASID to free
 *
 * Errors: -ENOENT this context does not own @pasid (never allocated, or
 * already freed); -EBUSY a device is attached with @pasid.
 */
struct ioasid_pasid_free {
	__u32 size;
	__u32 pasid;
};
#define IOASID_PASID_FREE _IO(IOASID_TYPE, IOASID_CMD_PASID_FREE)

/*
 * Device fd ioctls.
 */

/**
 * struct ioasid_device_bind - ioctl(device fd, IOASID_DEVICE_BIND)
 * @size: sizeof(struct ioasid_device_bind)
 * @flags: must be zero
 * @ioasid_fd: an open /dev/ioasid
 * @out_dev_id: id of the device in that context
 *
 * Binds the device to the context and takes DMA ownership of its IOMMU
 * group for the context: from now on no kernel DMA driver can claim any
 * member of the group, and until attached the device can reach nothing.
 * The group must be viable: every member either driver-less, bound to
 * ioasid, or bound to a driver that manages its own DMA; a loaded policy's
 * group_viable hook may tighten that verdict.  The reason of a refusal is
 * logged and shown by ioasidctl group show.
 *
 * Errors: -EBADF @ioasid_fd is not an open /dev/ioasid; -EALREADY already
 * bound (to any context); -EBUSY the group is not viable (a member is
 * bound to a kernel DMA driver, or the policy's group_viable hook refused
 * it), another context owns it, or the IOMMU core refused DMA ownership
 * of the group because another owner holds it (such as VFIO, for a member
 * bound to vfio-pci and in use); -ENOSPC the context has no free object
 * id; -ENODEV the device is gone; -ENOMEM.  The device is bound only once
 * the struct has been written back: on -EFAULT it is not bound.
 */
struct ioasid_device_bind {
	__u32 size;
	__u32 flags;
	__s32 ioasid_fd;
	__u32 out_dev_id;
};
#define IOASID_DEVICE_BIND _IO(IOASID_TYPE, IOASID_CMD_DEVICE_BIND)

/**
 * struct ioasid_device_unbind - ioctl(device fd, IOASID_DEVICE_UNBIND)
 * @size: sizeof(struct ioasid_device_unbind)
 * @flags: must be zero
 *
 * Detaches every attachment, revokes region mappings, stops the device's
 * DMA (bus master off) and gives the group's DMA ownership back once no
 * member is bound.  Closing the device fd does the same.
 *
 * Errors: -EINVAL not bound; -ENODEV the device is gone.
 */
struct ioasid_device_unbind {
	__u32 size;
	__u32 flags;
};
#define IOASID_DEVICE_UNBIND _IO(IOASID_TYPE, IOASID_CMD_DEVICE_UNBIND)

/**
 * enum ioasid_device_attach_flags - flags for attach and detach
 * @IOASID_DEVICE_ATTACH_PASID: the attachment is for @pasid instead of the
 *	device's requests without PASID
 */
enum ioasid_device_attach_flags {
	IOASID_DEVICE_ATTACH_PASID = 1 << 0,
};

/**
 * struct ioasid_device_attach - ioctl(device fd, IOASID_DEVICE_ATTACH)
 * @size: sizeof(struct ioasid_device_attach)
 * @flags: &enum ioasid_device_attach_flags
 * @ioas_id: IOAS of the bound context to attach to
 * @pasid: with IOASID_DEVICE_ATTACH_PASID, a PASID the context owns
 *
 * Without PASID the whole IOMMU group is attached (that is the hardware's
 * granularity): every bound member of a group must use the same IOAS.  The
 * IOAS's allowed IOVA ranges shrink by the device's reserved regions;
 * existing mappings must not overlap them.
 *
 * The checks run in this order: the device (gone, bound), its PASID
 * support, the PASID's owner, the IOAS, the policy.
 *
 * Errors: -EINVAL not bound; -ENOENT no such IOAS in the bound context;
 * -EBUSY already attached (for that PASID), or the group is attached to
 * another IOAS; -EOPNOTSUPP PASID asked of a device without PASID support,
 * or @pasid non-zero without IOASID_DEVICE_ATTACH_PASID; -EACCES the
 * context does not own @pasid (none owns one outside the PASID space);
 * -EADDRINUSE a mapping overlaps the device's reserved regions or lies
 * outside its aperture; -EPERM refused by the policy (or its answer was
 * outside the contract); -ENODEV the device is gone; -ENOMEM.  A real
 * IOMMU may refuse the attach itself: -EINVAL @pasid is beyond the
 * device's PASID width, or the domain does not suit the IOMMU; -EBUSY
 * @pasid is attached to another member of the group; -ENOSPC the IOMMU is
 * out of domain ids.
 */
struct ioasid_device_attach {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__u32 pasid;
};
#define IOASID_DEVICE_ATTACH _IO(IOASID_TYPE, IOASID_CMD_DEVICE_ATTACH)

/**
 * struct ioasid_device_detach - ioctl(device fd, IOASID_DEVICE_DETACH)
 * @size: sizeof(struct ioasid_device_detach)
 * @flags: &enum ioasid_device_attach_flags
 * @pasid: with IOASID_DEVICE_ATTACH_PASID, the PASID to detach
 * @__reserved: must be zero
 *
 * After return the device (or PASID) reaches no memory and BAR access is
 * revoked until the next attach.
 *
 * Errors: -EINVAL not bound; -ENOENT not attached (for that PASID);
 * -ENODEV the device is gone (its driver was unbound: everything was
 * detached then); -EOPNOTSUPP @pasid non-zero without
 * IOASID_DEVICE_ATTACH_PASID.
 */
struct ioasid_device_detach {
	__u32 size;
	__u32 flags;
	__u32 pasid;
	__u32 __reserved;
};
#define IOASID_DEVICE_DETACH _IO(IOASID_TYPE, IOASID_CMD_DEVICE_DETACH)

/**
 * enum ioasid_device_info_flags - what a device is
 * @IOASID_DEVICE_INFO_PCI: a PCI device behind the ioasid-pci stub driver
 * @IOASID_DEVICE_INFO_MOCK: a mock device of the test interface
 * @IOASID_DEVICE_INFO_PASID: the device can issue PASID-tagged DMA
 * @IOASID_DEVICE_INFO_BOUND: the device is bound to a context
 * @IOASID_DEVICE_INFO_ATTACHED: requests without PASID are attached
 */
enum ioasid_device_info_flags {
	IOASID_DEVICE_INFO_PCI = 1 << 0,
	IOASID_DEVICE_INFO_MOCK = 1 << 1,
	IOASID_DEVICE_INFO_PASID = 1 << 2,
	IOASID_DEVICE_INFO_BOUND = 1 << 3,
	IOASID_DEVICE_INFO_ATTACHED = 1 << 4,
};

/**
 * struct ioasid_device_info - ioctl(device fd, IOASID_DEVICE_GET_INFO)
 * @size: sizeof(struct ioasid_device_info)
 * @flags: must be zero
 * @out_flags: &enum ioasid_device_info_flags
 * @out_num_regions: number of region indexes (see &struct ioasid_region_info)
 * @out_dev_id: id in the bound context (0 if not bound)
 * @out_group_id: IOMMU group id (mock groups count down from 0xffffffff)
 * @out_segment: PCI segment (domain)
 * @out_bus: PCI bus number
 * @out_devfn: PCI device and function
 * @out_vendor: PCI vendor id
 * @out_device: PCI device id
 * @out_class: PCI class code (24 bits)
 * @out_ioas_id: IOAS of the attachment without PASID (0 if none)
 *
 * Answers for a device whose driver is gone too (neither bound nor
 * attached any more).
 *
 * Errors: only the common ones (-EOPNOTSUPP: non-zero @flags).
 */
struct ioasid_device_info {
	__u32 size;
	__u32 flags;
	__u32 out_flags;
	__u32 out_num_regions;
	__u32 out_dev_id;
	__u32 out_group_id;
	__u16 out_segment;
	__u8 out_bus;
	__u8 out_devfn;
	__u16 out_vendor;
	__u16 out_device;
	__u32 out_class;
	__u32 out_ioas_id;
};
#define IOASID_DEVICE_GET_INFO _IO(IOASID_TYPE, IOASID_CMD_DEVICE_GET_INFO)

/* Region indexes of a PCI device fd. */
enum ioasid_pci_region {
	IOASID_PCI_BAR0_REGION,
	IOASID_PCI_BAR1_REGION,
	IOASID_PCI_BAR2_REGION,
	IOASID_PCI_BAR3_REGION,
	IOASID_PCI_BAR4_REGION,
	IOASID_PCI_BAR5_REGION,
	IOASID_PCI_CONFIG_REGION,
	IOASID_PCI_NUM_REGIONS,
};

/**
 * enum ioasid_region_flags - what a region allows
 * @IOASID_REGION_READ: pread() works
 * @IOASID_REGION_WRITE: pwrite() works
 * @IOASID_REGION_MMAP: mmap() works
 */
enum ioasid_region_flags {
	IOASID_REGION_READ = 1 << 0,
	IOASID_REGION_WRITE = 1 << 1,
	IOASID_REGION_MMAP = 1 << 2,
};

/**
 * struct ioasid_region_info - ioctl(device fd, IOASID_DEVICE_GET_REGION_INFO)
 * @size: sizeof(struct ioasid_region_info)
 * @index: &enum ioasid_pci_region
 * @out_flags: &enum ioasid_region_flags (0 for an absent BAR)
 * @__reserved: must be zero
 * @out_size: bytes in the region
 * @out_offset: file offset of the region for pread/pwrite/mmap
 *
 * BAR regions are refused (-EACCES from read, write and mmap, SIGBUS on
 * existing mappings) until the device is bound and attached: the device
 * fd is "parked" until the device is isolated.  The config region is
 * readable once bound; writes to the standard header other than the
 * command register are refused with -EPERM.
 *
 * Errors: -EINVAL unknown @index; -ENOTTY not a PCI device.
 *
 * pread() and pwrite() of the device fd move at most 64 KiB per call and
 * return 0 at or past the end of a region.  Their errors: -EINVAL the
 * offset is in no region (an absent BAR, an index past
 * IOASID_PCI_CONFIG_REGION); -EACCES a BAR while the device is not bound
 * and attached, the config region while it is not bound; -EPERM a config
 * write to the standard header other than the command register; -EFAULT
 * the user buffer; -ENODEV the device's driver was unbound; -ENOMEM.
 * mmap() of the device fd: -EINVAL not inside a memory BAR whose size is a
 * multiple of the page size (the config region, an absent or I/O BAR, past
 * the BAR's end), or not MAP_SHARED; -EACCES the device is not bound and
 * attached; -ENODEV the device's driver was unbound.  A mock device's fd
 * has no regions: read(), write() and mmap() give -EINVAL, pread() and
 * pwrite() -ESPIPE (the fd is not seekable).
 */
struct ioasid_region_info {
	__u32 size;
	__u32 index;
	__u32 out_flags;
	__u32 __reserved;
	__aligned_u64 out_size;
	__aligned_u64 out_offset;
};
#define IOASID_DEVICE_GET_REGION_INFO _IO(IOASID_TYPE, IOASID_CMD_DEVICE_GET_REGION_INFO)

/* Region @index lives at file offset index << IOASID_REGION_OFFSET_SHIFT. */
#define IOASID_REGION_OFFSET_SHIFT	40
#define IOASID_REGION_OFFSET(index)	((__u64)(index) << IOASID_REGION_OFFSET_SHIFT)

/*
 * Test interface: only present when ioasid.ko is loaded with
 * enable_test_interface=1 (ioctl gives -ENOTTY otherwise), and only for
 * CAP_SYS_ADMIN (-EPERM otherwise).  Not for production.
 */

enum ioasid_test_op {
	IOASID_TEST_MOCK_DEVICE_CREATE = 1,
	IOASID_TEST_MOCK_DMA,
	IOASID_TEST_MOCK_SET_DRIVER,
	IOASID_TEST_STATS,
	IOASID_TEST_FAIL_PGTABLE,
};

/**
 * enum ioasid_mock_flags - flags for IOASID_TEST_MOCK_DEVICE_CREATE
 * @IOASID_MOCK_PASID: the device supports PASID
 * @IOASID_MOCK_NEW_GROUP: put the device in a new mock group (@group_id is
 *	ignored); otherwise it joins mock group @group_id
 */
enum ioasid_mock_flags {
	IOASID_MOCK_PASID = 1 << 0,
	IOASID_MOCK_NEW_GROUP = 1 << 1,
};

/**
 * struct ioasid_test_mock_create - create a mock device
 * @flags: &enum ioasid_mock_flags
 * @group_id: mock group to join
 * @resv_start: start of a reserved IOVA region of the device (with
 *	@resv_length != 0)
 * @resv_length: bytes of that region; 0 for none
 * @out_fd: the device fd (O_CLOEXEC); the device lives until it is closed
 * @out_group_id: the mock group
 *
 * Mock devices use a software page table as their domain (4 KiB, 2 MiB and
 * 1 GiB leaves, 48-bit aperture).
 *
 * Errors: -EOPNOTSUPP unknown @flags; -EINVAL a reserved region that is not
 * page-aligned or wraps; -ENOENT @group_id is not a mock group (a real
 * IOMMU group's id included); -EMFILE no free fd (RLIMIT_NOFILE); -ENOMEM;
 * -EBUSY/-EEXIST the device or group ids are used up (2^32).  If the reply
 * cannot be written back (-EFAULT) there is no device and no fd.
 */
struct ioasid_test_mock_create {
	__u32 flags;
	__u32 group_id;
	__aligned_u64 resv_start;
	__aligned_u64 resv_length;
	__s32 out_fd;
	__u32 out_group_id;
};

/* Directions of a mock DMA. */
enum ioasid_mock_dma_dir {
	IOASID_MOCK_DMA_READ = 1,	/* device reads memory into the buffer */
	IOASID_MOCK_DMA_WRITE = 2,	/* device writes the buffer to memory */
};

/* Why a mock DMA stopped early. */
enum ioasid_mock_fault {
	IOASID_MOCK_FAULT_NONE,
	IOASID_MOCK_FAULT_UNMAPPED,	/* no translation for the IOVA */
	IOASID_MOCK_FAULT_PROT,		/* translation lacks the permission */
	IOASID_MOCK_FAULT_DETACHED,	/* device (or PASID) not attached */
};

/**
 * struct ioasid_test_mock_dma - DMA by a mock device
 * @dev_fd: fd of the mock device
 * @flags: IOASID_DEVICE_ATTACH_PASID to tag the DMA with @pasid
 * @pasid: PASID of the DMA
 * @dir: &enum ioasid_mock_dma_dir
 * @iova: device address
 * @uptr: user buffer holding (write) or receiving (read) the data
 * @length: bytes
 * @out_done: bytes moved before the end or the first fault
 * @out_fault: &enum ioasid_mock_fault
 * @__reserved: must be zero
 * @out_fault_iova: IOVA of the fault
 *
 * A fault is a result (@out_fault), not an error.
 *
 * Errors: -EOPNOTSUPP unknown @flags or non-zero @__reserved; -EINVAL
 * unknown @dir, @length 0 or over 64 MiB, or @iova + @length wraps; -EBADF @dev_fd is not a mock
 * device's fd; -EFAULT @uptr cannot be read (IOASID_MOCK_DMA_WRITE) or
 * written (IOASID_MOCK_DMA_READ); -ENOMEM.
 */
struct ioasid_test_mock_dma {
	__s32 dev_fd;
	__u32 flags;
	__u32 pasid;
	__u32 dir;
	__aligned_u64 iova;
	__aligned_u64 uptr;
	__aligned_u64 length;
	__aligned_u64 out_done;
	__u32 out_fault;
	__u32 __reserved;
	__aligned_u64 out_fault_iova;
};

/**
 * struct ioasid_test_mock_set_driver - pretend a kernel DMA driver holds a
 *	mock device (makes its group non-viable)
 * @dev_fd: fd of the mock device
 * @bound: 1 to bind the pretend driver, 0 to unbind it
 *
 * Errors: -EBUSY binding while the group is owned by a context (the
 * emulation of the core's DMA ownership rule); -EINVAL @bound is neither 0
 * nor 1; -EBADF @dev_fd is not a mock device's fd.
 */
struct ioasid_test_mock_set_driver {
	__s32 dev_fd;
	__u32 bound;
};

/**
 * struct ioasid_test_stats - module-wide counters
 * @out_pinned_pages: pages currently pinned by every context
 * @out_contexts: live contexts
 * @out_ioas: live IOAS objects
 * @out_pasids: allocated PASIDs
 * @out_mock_devices: live mock devices
 *
 * Errors: only the common ones.
 */
struct ioasid_test_stats {
	__aligned_u64 out_pinned_pages;
	__u32 out_contexts;
	__u32 out_ioas;
	__u32 out_pasids;
	__u32 out_mock_devices;
};

/**
 * struct ioasid_test_fail_pgtable - make page-table memory run out
 * @skip: page-table allocations of mock domains to let through first
 * @nr: then the next @nr fail (-ENOMEM from the map or attach that needed
 *	them); 0 ends it.  Allocations the kernel makes with __GFP_NOFAIL
 *	(restoring mappings user space still has) are neither failed nor
 *	counted.
 *
 * Never fails.
 */
struct ioasid_test_fail_pgtable {
	__u32 skip;
	__u32 nr;
};

/**
 * struct ioasid_test - ioctl(/dev/ioasid, IOASID_TEST)
 * @size: sizeof(struct ioasid_test)
 * @op: &enum ioasid_test_op
 * @mock_create: IOASID_TEST_MOCK_DEVICE_CREATE
 * @mock_dma: IOASID_TEST_MOCK_DMA
 * @mock_set_driver: IOASID_TEST_MOCK_SET_DRIVER
 * @stats: IOASID_TEST_STATS
 * @fail_pgtable: IOASID_TEST_FAIL_PGTABLE
 * @__pad: room for growth
 *
 * Errors: -ENOTTY the module was loaded without enable_test_interface=1
 * (after the size checks of every ioctl); -EPERM the caller lacks
 * CAP_SYS_ADMIN; -EOPNOTSUPP unknown @op; then those of the op's struct.
 */
struct ioasid_test {
	__u32 size;
	__u32 op;
	union {
		struct ioasid_test_mock_create mock_create;
		struct ioasid_test_mock_dma mock_dma;
		struct ioasid_test_mock_set_driver mock_set_driver;
		struct ioasid_test_stats stats;
		struct ioasid_test_fail_pgtable fail_pgtable;
		__u8 __pad[128];
	};
};
#define IOASID_TEST _IO(IOASID_TYPE, IOASID_CMD_TEST)

#endif /* _UAPI_LINUX_IOASID_H */
