/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Contexts (one per open of /dev/ioasid) and the table of objects each
 * owns (context.c).  The life cycle every object follows is written at the
 * top of context.c.
 */
#ifndef _IOASID_CONTEXT_H
#define _IOASID_CONTEXT_H

#include <linux/atomic.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include "ioasid_private.h"
#include "policy.h"
#include "tenant.h"

struct file;

/**
 * struct ioasid_ctx - one open of /dev/ioasid
 * @file: the /dev/ioasid file; devices bound to the context hold a
 *	reference on it, so the context lives until the fd is closed *and*
 *	every device is unbound
 * @id: system-wide id, for introspection and tracepoints
 * @objects: id -> &struct ioasid_object; its xa_lock decides destroy (see
 *	context.c); reserved ids are XA_ZERO_ENTRY
 * @destroy_wait: where a remover waits for an object's short-term users
 * @pasids: PASID -> &struct ioasid_pasid owned by this context (pasid.c)
 * @nr_pasids: the PASIDs of @pasids that are visible (not reserved), so
 *	that counting them does not walk @pasids at every allocation
 * @owner: who opened the context, as policies see it (filled at open)
 * @owner_comm: command name of the opener
 * @tenant: the contexts opened from the same cgroup (tenant.c)
 * @mapped_bytes: bytes mapped in the context's paging IOAS (kept by ioas.c)
 * @pinned_pages: pages the context's mappings use, a page once per mapping
 *	(kept by the engine); each is pinned and charged once per process
 * @owner_pins: the pinned pages of the opener's mm (mm_pins.c), held to
 *	say what its locked_vm is charged; NULL if opened without an mm
 */
struct ioasid_ctx {
	struct file *file;
	u32 id;
	struct xarray objects;
	wait_queue_head_t destroy_wait;
	struct xarray pasids;
	atomic_t nr_pasids;
	struct ioasid_policy_context owner;
	char owner_comm[TASK_COMM_LEN];
	struct ioasid_tenant *tenant;
	atomic64_t mapped_bytes;
	atomic64_t pinned_pages;
	struct ioasid_mm_pins *owner_pins;
};

struct inode;

int ioasid_ctx_open(struct inode *inode, struct file *file);
struct file *ioasid_ctx_file_create(const char *name);
struct ioasid_ctx *ioasid_ctx_from_file(struct file *file);
void ioasid_ctx_destroy(struct ioasid_ctx *ctx);
int ioasid_ctx_count(void);
int ioasid_destroy_ioctl(struct ioasid_ucmd *ucmd);

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

/**
 * struct ioasid_ctx_info - a context's counters, for introspection
 * @nr_objects: objects in its table
 * @nr_ioas: of which IOAS
 * @nr_devices: of which device bindings
 * @mapped_bytes: &ioasid_ctx.mapped_bytes
 * @pinned_pages: &ioasid_ctx.pinned_pages
 * @charged_pages: pages charged to the opener's locked_vm by the module,
 *	for the mappings of every context of that process
 * @tenant_mapped_bytes: &ioasid_tenant.mapped_bytes of its tenant
 * @tenant_nr_pasids: &ioasid_tenant.nr_pasids of its tenant
 * @tenant_nr_ctxs: contexts of its tenant
 */
struct ioasid_ctx_info {
	u32 nr_objects;
	u32 nr_ioas;
	u32 nr_devices;
	u64 mapped_bytes;
	u64 pinned_pages;
	u64 charged_pages;
	u64 tenant_mapped_bytes;
	u32 tenant_nr_pasids;
	u32 tenant_nr_ctxs;
};

/* Walking the contexts: see the locking rule at ioasid_ctx_ids. */
void ioasid_ctx_table_lock(void);
void ioasid_ctx_table_unlock(void);
struct ioasid_ctx *ioasid_ctx_find(unsigned long *index);
void ioasid_ctx_get_info(struct ioasid_ctx *ctx, struct ioasid_ctx_info *info);

#endif /* _IOASID_CONTEXT_H */
