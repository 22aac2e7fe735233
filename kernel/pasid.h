/* SPDX-License-Identifier: GPL-2.0 */
/* The system-wide PASID space (pasid.c). */
#ifndef _IOASID_PASID_H
#define _IOASID_PASID_H

#include <linux/types.h>

#include "context.h"

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

#endif /* _IOASID_PASID_H */
