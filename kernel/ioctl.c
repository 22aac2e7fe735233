// SPDX-License-Identifier: GPL-2.0
/*
 * Running an ioctl of either fd from its table: the struct is copied in
 * (zero-extending an older, shorter one; refusing a newer, longer one
 * whose extra bytes are not zero), the handler runs on the kernel's copy
 * and answers with ioasid_ucmd_respond().
 */
#include <linux/bug.h>
#include <linux/uaccess.h>
#include <uapi/linux/ioasid.h>

#include "ioasid_private.h"

union ioasid_ucmd_buffer {
	struct ioasid_destroy destroy;
	struct ioasid_ioas_alloc ioas_alloc;
	struct ioasid_ioas_iova_ranges iova_ranges;
	struct ioasid_ioas_map map;
	struct ioasid_ioas_unmap unmap;
	struct ioasid_ioas_copy copy;
	struct ioasid_pasid_alloc pasid_alloc;
	struct ioasid_pasid_free pasid_free;
	struct ioasid_device_bind device_bind;
	struct ioasid_device_unbind device_unbind;
	struct ioasid_device_attach device_attach;
	struct ioasid_device_detach device_detach;
	struct ioasid_device_info device_info;
	struct ioasid_region_info region_info;
	struct ioasid_test test;
};

/**
 * ioasid_ioctl_dispatch() - run an ioctl from a table of IOASID_IOCTL_OPs
 * @ops: the table, indexed by _IOC_NR(cmd) - IOASID_CMD_BASE
 * @nr_ops: its length
 * @cmd: the ioctl number
 * @arg: the user pointer to its struct
 * @ucmd: ctx or idev set by the caller; the rest is filled in here
 *
 * Copies the struct in (zero-extending an older, shorter one; refusing a
 * newer, longer one whose extra bytes are not zero) and calls the handler.
 *
 * Return: the handler's result, -ENOTTY for a number not in @ops, -EINVAL
 * for a size below the struct's first version, -E2BIG, -EFAULT.
 */
long ioasid_ioctl_dispatch(const struct ioasid_ioctl_op *ops, size_t nr_ops,
			   unsigned int cmd, unsigned long arg,
			   struct ioasid_ucmd *ucmd)
{
	const struct ioasid_ioctl_op *op;
	union ioasid_ucmd_buffer buf;
	unsigned int nr = _IOC_NR(cmd);
	int rc;

	if (nr < IOASID_CMD_BASE || nr - IOASID_CMD_BASE >= nr_ops)
		return -ENOTTY;
	op = &ops[nr - IOASID_CMD_BASE];
	if (!op->execute || op->ioctl_num != cmd)
		return -ENOTTY;
	if (WARN_ON(op->size > sizeof(buf)))
		return -EINVAL;

	ucmd->ubuffer = (void __user *)arg;
	rc = get_user(ucmd->user_size, (u32 __user *)ucmd->ubuffer);
	if (rc)
		return rc;
	if (ucmd->user_size < op->min_size)
		return -EINVAL;
	rc = copy_struct_from_user(&buf, op->size, ucmd->ubuffer,
				   ucmd->user_size);
	if (rc)
		return rc;
	ucmd->cmd = &buf;
	return op->execute(ucmd);
}
