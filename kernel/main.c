// SPDX-License-Identifier: GPL-2.0
/*
 * ioasid.ko: user-space management of I/O address spaces for assigned
 * devices, with isolation decisions delegated to a BPF policy.
 *
 * The top floor: /dev/ioasid (its ioctl table and file operations, the
 * context's life from open to release) and module init and exit.  The
 * device fd's table is the device core's (device.c).
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "context.h"
#include "device.h"
#include "device_pci.h"
#include "ioas.h"
#include "netlink.h"
#include "pasid.h"
#include "test_iface.h"

/* The sizes user space compiled against: changing one breaks the uAPI. */
static_assert(sizeof(struct ioasid_destroy) == 8);
static_assert(sizeof(struct ioasid_ioas_alloc) == 16);
static_assert(sizeof(struct ioasid_ioas_iova_ranges) == 32);
static_assert(sizeof(struct ioasid_ioas_map) == 40);
static_assert(sizeof(struct ioasid_ioas_unmap) == 32);
static_assert(sizeof(struct ioasid_pasid_alloc) == 24);
static_assert(sizeof(struct ioasid_pasid_free) == 8);
static_assert(sizeof(struct ioasid_device_bind) == 16);
static_assert(sizeof(struct ioasid_device_unbind) == 8);
static_assert(sizeof(struct ioasid_device_attach) == 16);
static_assert(sizeof(struct ioasid_device_detach) == 16);
static_assert(sizeof(struct ioasid_device_info) == 40);
static_assert(sizeof(struct ioasid_region_info) == 32);
static_assert(sizeof(struct ioasid_ioas_copy) == 40);

static const struct ioasid_ioctl_op ioasid_ioctl_ops[] = {
	IOASID_IOCTL_OP(IOASID_DESTROY, ioasid_destroy_ioctl,
			struct ioasid_destroy, id),
	IOASID_IOCTL_OP(IOASID_IOAS_ALLOC, ioasid_ioas_alloc_ioctl,
			struct ioasid_ioas_alloc, out_ioas_id),
	IOASID_IOCTL_OP(IOASID_IOAS_IOVA_RANGES, ioasid_ioas_iova_ranges_ioctl,
			struct ioasid_ioas_iova_ranges, out_iova_alignment),
	IOASID_IOCTL_OP(IOASID_IOAS_MAP, ioasid_ioas_map_ioctl,
			struct ioasid_ioas_map, iova),
	IOASID_IOCTL_OP(IOASID_IOAS_UNMAP, ioasid_ioas_unmap_ioctl,
			struct ioasid_ioas_unmap, length),
	IOASID_IOCTL_OP(IOASID_PASID_ALLOC, ioasid_pasid_alloc_ioctl,
			struct ioasid_pasid_alloc, __reserved),
	IOASID_IOCTL_OP(IOASID_PASID_FREE, ioasid_pasid_free_ioctl,
			struct ioasid_pasid_free, pasid),
	IOASID_IOCTL_OP(IOASID_TEST, ioasid_test_ioctl, struct ioasid_test,
			__pad),
	IOASID_IOCTL_OP(IOASID_IOAS_COPY, ioasid_ioas_copy_ioctl,
			struct ioasid_ioas_copy, src_iova),
};

static long ioasid_fops_ioctl(struct file *filp, unsigned int cmd,
			      unsigned long arg)
{
	struct ioasid_ucmd ucmd = { .ctx = filp->private_data };

	return ioasid_ioctl_dispatch(ioasid_ioctl_ops,
				     ARRAY_SIZE(ioasid_ioctl_ops), cmd, arg,
				     &ucmd);
}

/*
 * The last reference to the file is gone: no ioctl runs and no device is
 * bound (a binding holds the file).  PASIDs first, then the objects.
 */
static int ioasid_fops_release(struct inode *inode, struct file *filp)
{
	struct ioasid_ctx *ctx = filp->private_data;

	if (!ctx)		/* ioasid_ctx_file_create() that failed */
		return 0;
	ioasid_pasid_release_ctx(ctx);
	ioasid_ctx_destroy(ctx);
	return 0;
}

static const struct file_operations ioasid_fops = {
	.owner = THIS_MODULE,
	.open = ioasid_ctx_open,	/* what makes it a context's file */
	.release = ioasid_fops_release,
	.unlocked_ioctl = ioasid_fops_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/**
 * ioasid_ctx_file_create() - a context no fd reaches (kctx.c)
 * @name: the anonymous file's name
 *
 * Owned by the current task as an open of /dev/ioasid would be; the last
 * fput() of the file destroys it.
 *
 * Return: the context's file, or an ERR_PTR.
 */
struct file *ioasid_ctx_file_create(const char *name)
{
	struct file *file;
	int rc;

	file = anon_inode_getfile(name, &ioasid_fops, NULL, O_RDWR);
	if (IS_ERR(file))
		return file;
	rc = ioasid_ctx_open(file_inode(file), file);
	if (rc) {
		fput(file);	/* release sees no context */
		return ERR_PTR(rc);
	}
	return file;
}

static struct miscdevice ioasid_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ioasid",
	.fops = &ioasid_fops,
	.mode = 0660,
};

static int __init ioasid_init(void)
{
	int rc;

	/*
	 * There is no call to unregister a struct_ops type: the BPF core
	 * drops it together with the module's BTF when the module goes.
	 */
	ioasid_ioas_init();
	ioasid_device_init();
	rc = ioasid_policy_init();
	if (rc)
		return rc;
	rc = misc_register(&ioasid_misc);
	if (rc)
		return rc;
	rc = ioasid_pci_init();
	if (rc)
		goto err_misc;
	rc = ioasid_netlink_init();
	if (rc)
		goto err_pci;
	return 0;

err_pci:
	ioasid_pci_exit();
err_misc:
	misc_deregister(&ioasid_misc);
	return rc;
}

static void __exit ioasid_exit(void)
{
	ioasid_netlink_exit();
	ioasid_pci_exit();
	misc_deregister(&ioasid_misc);
}

module_init(ioasid_init);
module_exit(ioasid_exit);

MODULE_DESCRIPTION("I/O address spaces for user-space drivers, with BPF isolation policies");
MODULE_LICENSE("GPL");
