/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IOAS objects (ioas.c): an I/O address space of a context, named by id,
 * embedding the page-table engine that does the work (io_pagetable.h).
 * Devices attaching to an IOAS hold it and use its engine directly.
 */
#ifndef _IOASID_IOAS_H
#define _IOASID_IOAS_H

#include <linux/atomic.h>
#include <linux/types.h>

#include "context.h"
#include "io_pagetable.h"

/**
 * struct ioasid_ioas - an I/O address space
 * @obj: the object in its context's table
 * @iopt: the engine: mappings, IOVA space and the domains fed from them
 * @parent: nested IOAS only: the parent, held (it cannot be destroyed)
 * @nr_attached: attachments (ioasid_ioas_attach_begin()), for
 *	introspection; each also holds the object
 */
struct ioasid_ioas {
	struct ioasid_object obj;
	struct io_pagetable iopt;
	struct ioasid_ioas *parent;
	atomic_t nr_attached;
};

/* Lookup by id in a context: a short-term reference (see context.c). */
struct ioasid_ioas *ioasid_ioas_get(struct ioasid_ctx *ctx, u32 ioas_id);
void ioasid_ioas_put(struct ioasid_ioas *ioas);
struct ioasid_ioas *ioasid_ioas_get_next(struct ioasid_ctx *ctx,
					 unsigned long *index);

/*
 * Attachments.  A device attaching to an IOAS holds it, which makes
 * IOASID_DESTROY of the IOAS fail with -EBUSY until it detaches.
 * ioasid_ioas_attach_begin() fails with -ENOENT if the IOAS was destroyed
 * since the caller looked it up.
 */
int ioasid_ioas_attach_begin(struct ioasid_ioas *ioas);
void ioasid_ioas_attach_end(struct ioasid_ioas *ioas);

/* Live IOAS objects (IOASID_TEST_STATS). */
unsigned int ioasid_ioas_count(void);

/* ioctls */
int ioasid_ioas_alloc_ioctl(struct ioasid_ucmd *ucmd);
int ioasid_ioas_iova_ranges_ioctl(struct ioasid_ucmd *ucmd);
int ioasid_ioas_map_ioctl(struct ioasid_ucmd *ucmd);
int ioasid_ioas_copy_ioctl(struct ioasid_ucmd *ucmd);
int ioasid_ioas_unmap_ioctl(struct ioasid_ucmd *ucmd);

/* Registers the IOAS object type (module init). */
void ioasid_ioas_init(void);

/* Kernel-owned contexts (kctx.c): one paging IOAS, fixed IOVAs. */
struct ioasid_ioas *ioasid_ioas_create(struct ioasid_ctx *ctx);
int ioasid_ioas_map_at(struct ioasid_ioas *ioas, unsigned long user_va,
		       u64 iova, u64 length, u32 flags);
int ioasid_ioas_unmap_whole(struct ioasid_ioas *ioas, u64 start, u64 last,
			    bool v1, u64 *unmapped);

#endif /* _IOASID_IOAS_H */
