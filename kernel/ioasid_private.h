/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every file of ioasid.ko shares: the layers, the lock order, and the
 * ioctl in flight.  One file per concept, each using only files below it:
 *
 *   main.c          the two fds (/dev/ioasid, device fds): ioctl tables,
 *                   dispatch, file operations; module init and exit
 *   device_pci.c    backends: the ioasid-pci stub driver (regions, BARs),
 *   device_mock.c   mock devices for tests
 *   netlink.c       generic netlink "ioasid": introspection requests
 *   nl_events.c     the "monitor" group: tracepoints -> netlink events
 *   test_iface.c    IOASID_TEST: mock devices and counters for tests
 *   device.c        devices, bindings, attach and detach, domain sharing
 *   group.c         IOMMU groups (real and mock) and their viability
 *   pasid.c         the system-wide PASID space
 *   ioas.c          IOAS objects and their ioctls
 *   context.c       contexts and their object table (reserve, finalize)
 *   tenant.c        the contexts of one cgroup and what they hold together
 *   io_pagetable.c  the engine: area tree, IOVA space, map and unmap,
 *   nest.c            software nesting,
 *   pages.c           pinning, accounting, moving PFNs into domains
 *   domain.c        domain backends: the IOMMU core's iommu_domain,
 *   sw_pgtable.c      the software page table (mock devices)
 *   policy.c        leaves: struct_ops ioasid_policy_ops (ABI: policy.h),
 *   trace.c           tracepoints (trace.h)
 *
 * Lock order, outermost first; a lock may be taken only with locks above it
 * held (PROVE_LOCKING checks it in make check-debug):
 *
 *   ioasid_ctx_table_mutex       context.c: introspection walks contexts
 *     ioasid_tenant_lock         tenant.c: a context opening or going,
 *                                introspection counting a tenant's contexts
 *   device_lock(pdev)            driver core: ioasid-pci probe and remove
 *     ioasid_pci_group_lock      device_pci.c: finding or making a group
 *   ioasid_device.lock           bind, attach, detach, unbind, removal
 *     ioasid_group.lock          ownership, attachment of the group
 *       ioasid_domain_lock       domain.c: finding, adding, dropping domains
 *         iommu_group mutex      IOMMU core: DMA ownership, attach (also
 *                                taken directly under ioasid_group.lock)
 *         iova_rwsem of a parent IOAS, then of a nested child
 *           ioasid_mm_pins.lock  mm_pins.c: a page's users and its charge
 *                                (at pin time with nothing else held)
 *             mmap_lock          account_locked_vm(); also under
 *                                ioasid_device.lock, where a reply's
 *                                copy_to_user() may fault
 *               ioasid_pci.bar_lock  the BAR fault handler runs under
 *                                    mmap_lock; stop() takes it under
 *                                    ioasid_device.lock
 *                 i_mmap_rwsem       unmap_mapping_range() in stop()
 *   xa_lock of any table, wait queue and sw page-table spinlocks, and
 *   ioasid_mm_pins_table_lock: innermost, nothing sleeps under them
 *
 * Pinning (pin_user_pages_fast(), mmap_lock) happens with none of the
 * module's locks held.  ioasid_policy_lock (policy.c) serialises loading,
 * replacing and unloading the policy and reading its counters; it is taken
 * with nothing else held.  Policy hooks run under rcu_read_lock() and
 * never sleep.
 */
#ifndef _IOASID_PRIVATE_H
#define _IOASID_PRIVATE_H

#include <linux/minmax.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <uapi/linux/ioasid.h>

struct ioasid_ctx;
struct ioasid_device;

/**
 * struct ioasid_ucmd - an ioctl in flight
 * @ctx: the context the ioctl runs in (/dev/ioasid ioctls)
 * @idev: the device the ioctl runs on (device fd ioctls)
 * @ubuffer: user pointer to the ioctl struct
 * @user_size: size user space declared
 * @cmd: kernel copy of the struct (zero-extended to the kernel's size)
 */
struct ioasid_ucmd {
	struct ioasid_ctx *ctx;
	struct ioasid_device *idev;
	void __user *ubuffer;
	u32 user_size;
	void *cmd;
};

/**
 * ioasid_ucmd_respond() - copy the ioctl struct back to user space
 * @ucmd: the ioctl
 * @cmd_len: bytes of the struct the kernel knows
 *
 * Return: 0 or -EFAULT.
 */
static inline int ioasid_ucmd_respond(struct ioasid_ucmd *ucmd,
				      size_t cmd_len)
{
	if (copy_to_user(ucmd->ubuffer, ucmd->cmd,
			 min_t(size_t, ucmd->user_size, cmd_len)))
		return -EFAULT;
	return 0;
}

/**
 * ioasid_ucmd_respond_nofault() - ioasid_ucmd_respond() under a lock
 * @ucmd: the ioctl
 * @cmd_len: bytes of the struct the kernel knows
 *
 * With page faults disabled: fails if the struct's page is not present
 * (or not writable) now; fault_in_writeable() it outside the lock and try
 * again.
 *
 * Return: 0 or -EFAULT.
 */
static inline int ioasid_ucmd_respond_nofault(struct ioasid_ucmd *ucmd,
					      size_t cmd_len)
{
	if (copy_to_user_nofault(ucmd->ubuffer, ucmd->cmd,
				 min_t(size_t, ucmd->user_size, cmd_len)))
		return -EFAULT;
	return 0;
}

/**
 * ioasid_xa_count() - entries of a table (its reserved ones left out)
 * @xa: the table
 *
 * Return: the count, a snapshot.
 */
static inline unsigned int ioasid_xa_count(struct xarray *xa)
{
	unsigned int n = 0;
	unsigned long index;
	void *entry;

	xa_lock(xa);
	xa_for_each(xa, index, entry)
		n++;
	xa_unlock(xa);
	return n;
}

/**
 * struct ioasid_ioctl_op - one entry of an ioctl table
 * @size: the kernel's size of the struct
 * @min_size: the size of its first published version
 * @ioctl_num: the full ioctl number
 * @execute: the handler
 */
struct ioasid_ioctl_op {
	unsigned int size;
	unsigned int min_size;
	unsigned int ioctl_num;
	int (*execute)(struct ioasid_ucmd *ucmd);
};

/* An entry for @_ioctl whose struct's first version ended at @_last. */
#define IOASID_IOCTL_OP(_ioctl, _fn, _struct, _last)			\
	[_IOC_NR(_ioctl) - IOASID_CMD_BASE] = {				\
		.size = sizeof(_struct),				\
		.min_size = offsetofend(_struct, _last),		\
		.ioctl_num = _ioctl,					\
		.execute = _fn,						\
	}

/* ioctl.c */
long ioasid_ioctl_dispatch(const struct ioasid_ioctl_op *ops, size_t nr_ops,
			   unsigned int cmd, unsigned long arg,
			   struct ioasid_ucmd *ucmd);

#endif /* _IOASID_PRIVATE_H */
