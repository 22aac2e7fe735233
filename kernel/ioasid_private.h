/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of ioasid.ko, shared by its files.  One file per
 * concept:
 *
 *   main.c          module init/exit and parameters
 *   context.c       /dev/ioasid: contexts, the object table, ioctl dispatch
 *   ioas.c          IOAS objects and their ioctls (alloc, ranges, map, unmap)
 *   io_pagetable.c  the area tree of an IOAS: IOVA allocation, allowed
 *                   ranges, splitting, nesting, and keeping domains in step
 *   pages.c         pinning user pages and charging them to RLIMIT_MEMLOCK
 *   domain.c        domains: the translation an IOAS programs, per IOMMU
 *   sw_pgtable.c    the software page table, the domain of mock devices
 *   device.c        devices: bind, attach, detach, the device fd
 *   group.c         IOMMU groups (real and mock) and their viability
 *   device_pci.c    the ioasid-pci stub driver: PCI devices, regions, BARs
 *   device_mock.c   mock devices for tests, DMA through a software table
 *   pasid.c         the system-wide PASID space
 *   policy.c        struct_ops ioasid_policy_ops: the BPF policy glue
 *                   (its ABI, seen by BPF programs, is policy.h)
 *   trace.c         tracepoints (trace.h)
 *   netlink.c       generic netlink family "ioasid": introspection and
 *                   the "monitor" event group (uapi/linux/ioasid_netlink.h)
 *   test_iface.c    IOASID_TEST: mock devices and counters for tests
 *
 * Lock order, outermost first; a lock may be taken only with locks above it
 * held (PROVE_LOCKING checks it in make check-debug):
 *
 *   ioasid_ctx_table_mutex       context.c: introspection walks contexts
 *   device_lock(pdev)            driver core: ioasid-pci probe and remove
 *     ioasid_pci_group_lock      device_pci.c: finding or making a group
 *   ioasid_device.lock           bind, attach, detach, unbind, removal
 *     ioasid_group.lock          ownership, attachment of the group
 *       ioasid_domain_lock       domain.c: finding, adding, dropping domains
 *         iommu_group mutex      IOMMU core: DMA ownership, attach (also
 *                                taken directly under ioasid_group.lock)
 *         iova_rwsem of a parent IOAS, then of a nested child
 *           mmap_lock            account_locked_vm() at unpin; also under
 *                                ioasid_device.lock, where a reply's
 *                                copy_to_user() may fault
 *             ioasid_pci.bar_lock    the BAR fault handler runs under
 *                                    mmap_lock; stop() takes it under
 *                                    ioasid_device.lock
 *               i_mmap_rwsem         unmap_mapping_range() in stop()
 *   xa_lock of any table, wait queue and sw page-table spinlocks: innermost,
 *   nothing sleeps under them
 *
 * Pinning (pin_user_pages_fast(), mmap_lock) happens with none of the
 * module's locks held.  ioasid_policy_lock (policy.c) serialises loading,
 * replacing and unloading the policy and reading its counters; it is taken
 * with nothing else held.  Policy hooks run under rcu_read_lock() and
 * never sleep.
 */
#ifndef _IOASID_PRIVATE_H
#define _IOASID_PRIVATE_H

#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <uapi/linux/ioasid.h>

struct file;
struct ioasid_device;
struct ioasid_group;

/* Module parameters (main.c). */
extern bool ioasid_enable_test_interface;
extern bool ioasid_policy_may_relax;

/* --- context.c -------------------------------------------------------- */

/**
 * struct ioasid_ctx - one open of /dev/ioasid
 * @file: the /dev/ioasid file; devices bound to the context hold a
 *	reference on it, so the context lives until the fd is closed *and*
 *	every device is unbound
 * @id: system-wide id, for introspection and tracepoints
 * @objects: id -> &struct ioasid_object; its xa_lock decides destroy (see
 *	context.c); reserved ids are XA_ZERO_ENTRY
 * @destroy_wait: where a remover waits for an object's short-term users
 * @pasids: PASID -> &struct ioasid_pasid owned by this context; protected
 *	by its own xa_lock, entries also live in the global PASID xarray
 * @owner_tgid: thread group that opened the context
 * @owner_uid: uid that opened the context
 * @owner_comm: command name of the opener
 * @owner_cgroup_id: cgroup v2 id of the opener (the tenant, for policies)
 * @mapped_bytes: bytes mapped in the context's paging IOAS (kept by ioas.c)
 * @pinned_pages: pages pinned for the context (kept by pages.c)
 */
struct ioasid_ctx {
	struct file *file;
	u32 id;
	struct xarray objects;
	wait_queue_head_t destroy_wait;
	struct xarray pasids;
	pid_t owner_tgid;
	uid_t owner_uid;
	char owner_comm[TASK_COMM_LEN];
	u64 owner_cgroup_id;
	atomic64_t mapped_bytes;
	atomic64_t pinned_pages;
};

u64 ioasid_current_cgroup_id(void);

enum ioasid_object_type {
	IOASID_OBJ_NONE,
	IOASID_OBJ_ANY = IOASID_OBJ_NONE,
	IOASID_OBJ_IOAS,
	IOASID_OBJ_DEVICE,
	IOASID_OBJ_MAX,
};

/**
 * struct ioasid_object - an object named by id in a context
 * @ctx: owning context
 * @type: &enum ioasid_object_type
 * @id: id in @ctx->objects
 * @users: the table's reference plus one per holder, short- or long-term;
 *	the object's remover destroys it when it is the only one left
 * @longterm: holders that keep IOASID_DESTROY from removing the object;
 *	under the xa_lock of @ctx->objects
 *
 * The life cycle is written at the top of context.c.
 */
struct ioasid_object {
	struct ioasid_ctx *ctx;
	enum ioasid_object_type type;
	u32 id;
	refcount_t users;
	unsigned int longterm;
};

/**
 * struct ioasid_object_ops - per-type behaviour of objects
 * @destroy: undo everything the object holds and free it; it is out of
 *	the table and nobody else uses it
 */
struct ioasid_object_ops {
	void (*destroy)(struct ioasid_object *obj);
};

void ioasid_object_register_type(enum ioasid_object_type type,
				 const struct ioasid_object_ops *ops);
int ioasid_object_reserve(struct ioasid_ctx *ctx, struct ioasid_object *obj,
			  enum ioasid_object_type type);
void ioasid_object_hold_unpublished(struct ioasid_object *obj);
void ioasid_object_finalize(struct ioasid_object *obj);
void ioasid_object_abort(struct ioasid_object *obj);
struct ioasid_object *ioasid_object_get(struct ioasid_ctx *ctx, u32 id,
					enum ioasid_object_type type);
void ioasid_object_put(struct ioasid_object *obj);
int ioasid_object_hold(struct ioasid_object *obj);
void ioasid_object_unhold(struct ioasid_object *obj);
void ioasid_object_remove_held(struct ioasid_object *obj);
struct ioasid_object *ioasid_object_get_next(struct ioasid_ctx *ctx,
					     unsigned long *index,
					     enum ioasid_object_type type);

struct ioasid_ctx *ioasid_ctx_from_file(struct file *file);
int ioasid_ctx_count(void);

/**
 * struct ioasid_ctx_info - a context's counters, for introspection
 * @nr_objects: objects in its table
 * @nr_ioas: of which IOAS
 * @nr_devices: of which device bindings
 * @nr_pasids: PASIDs it owns
 * @mapped_bytes: &ioasid_ctx.mapped_bytes
 * @pinned_pages: &ioasid_ctx.pinned_pages
 */
struct ioasid_ctx_info {
	u32 nr_objects;
	u32 nr_ioas;
	u32 nr_devices;
	u32 nr_pasids;
	u64 mapped_bytes;
	u64 pinned_pages;
};

/* Walking the contexts: see the locking rule at ioasid_ctx_ids. */
void ioasid_ctx_table_lock(void);
void ioasid_ctx_table_unlock(void);
struct ioasid_ctx *ioasid_ctx_find(unsigned long *index);
void ioasid_ctx_get_info(struct ioasid_ctx *ctx, struct ioasid_ctx_info *info);

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

int ioasid_ucmd_respond(struct ioasid_ucmd *ucmd, size_t cmd_len);
int ioasid_ucmd_writable(struct ioasid_ucmd *ucmd, size_t cmd_len);

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

long ioasid_ioctl_dispatch(const struct ioasid_ioctl_op *ops, size_t nr_ops,
			   unsigned int cmd, unsigned long arg,
			   struct ioasid_ucmd *ucmd);

int ioasid_misc_register(void);
void ioasid_misc_deregister(void);

/* --- pasid.c ---------------------------------------------------------- */

int ioasid_pasid_alloc_ioctl(struct ioasid_ucmd *ucmd);
int ioasid_pasid_free_ioctl(struct ioasid_ucmd *ucmd);
int ioasid_pasid_attach_get(struct ioasid_ctx *ctx, u32 pasid);
void ioasid_pasid_attach_put(struct ioasid_ctx *ctx, u32 pasid);
void ioasid_pasid_release_ctx(struct ioasid_ctx *ctx);
unsigned int ioasid_pasid_count(void);
unsigned int ioasid_pasid_ctx_count(struct ioasid_ctx *ctx);

/**
 * struct ioasid_pasid_info - an allocated PASID, for introspection
 * @pasid: the value
 * @ctx_id: id of the owning context
 * @nr_attached: attachments using it
 */
struct ioasid_pasid_info {
	u32 pasid;
	u32 ctx_id;
	u32 nr_attached;
};

bool ioasid_pasid_get_next(unsigned long *index, struct ioasid_pasid_info *info);

/* --- policy.c --------------------------------------------------------- */

int ioasid_policy_init(void);
int ioasid_policy_pasid_alloc(struct ioasid_ctx *ctx, u32 min, u32 max,
			      u32 nr_owned, u32 *pasid);
void ioasid_policy_pasid_taken(void);
void ioasid_policy_pasid_free(struct ioasid_ctx *ctx, u32 pasid, u32 nr_owned);
int ioasid_policy_device_attach(struct ioasid_ctx *ctx,
				struct ioasid_device *idev, u32 dev_id,
				u32 ioas_id, u32 pasid);
void ioasid_policy_device_bind(struct ioasid_ctx *ctx,
			       struct ioasid_device *idev, u32 dev_id,
			       bool bind);
bool ioasid_policy_group_viable(struct ioasid_ctx *ctx,
				struct ioasid_device *idev,
				struct ioasid_group *group, bool kernel_viable,
				char *reason, size_t len);
int ioasid_policy_dma_map(struct ioasid_ctx *ctx, u32 ioas_id, bool nested,
			  u64 iova, u64 length, u32 prot, u64 ctx_mapped_bytes);
void ioasid_policy_dma_unmap(struct ioasid_ctx *ctx, u32 ioas_id,
			     bool nested, u64 iova, u64 length,
			     u64 ctx_mapped_bytes);
struct ioasid_policy_hook_stats;
bool ioasid_policy_info(char *name, u64 *loaded_ns,
			struct ioasid_policy_hook_stats *stats, u32 *implemented);
extern const char *const ioasid_policy_hook_names[];

/* --- netlink.c --------------------------------------------------------- */

int ioasid_netlink_init(void);
void ioasid_netlink_exit(void);

/* --- test_iface.c ------------------------------------------------------ */

int ioasid_test_ioctl(struct ioasid_ucmd *ucmd);

#endif /* _IOASID_PRIVATE_H */
