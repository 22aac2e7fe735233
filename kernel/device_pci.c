// SPDX-License-Identifier: GPL-2.0
/*
 * ioasid-pci: the stub PCI driver that hands PCI devices to user space.
 *
 * A user binds a device to it with driver_override:
 *
 *   echo ioasid-pci > /sys/bus/pci/devices/0000:00:03.0/driver_override
 *   echo 0000:00:03.0 > /sys/bus/pci/drivers_probe
 *
 * and gets /dev/ioasid-pci/0000:00:03.0, the device fd.  The driver does no
 * DMA of its own (driver_managed_dma): DMA ownership of the group is taken
 * when the device fd binds to a context, and until the device is attached
 * to an IOAS the fd is "parked": config space is readable once bound, BARs
 * are out of reach (-EACCES, SIGBUS on a mapping).  Detach, unbind, close
 * and driver removal stop the device's bus mastering and zap its BAR
 * mappings before they return.
 */
#include <linux/cdev.h>
#include <linux/fs.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>

#include "device.h"
#include "device_pci.h"
#include "domain.h"

#define IOASID_PCI_MINORS	256
#define IOASID_REGION_INDEX(off)	((off) >> IOASID_REGION_OFFSET_SHIFT)
#define IOASID_REGION_MASK	(IOASID_REGION_OFFSET(1) - 1)
/* Largest single read()/write(): bounds the bounce buffer. */
#define IOASID_PCI_RW_MAX	SZ_64K

/**
 * struct ioasid_pci - a PCI device bound to ioasid-pci
 * @idev: the device as the core sees it
 * @pdev: the PCI device (a reference is held)
 * @minor: minor number of its /dev node
 * @bar_lock: guards @bar_enabled; held for reading by every BAR access
 *	(read, write, mmap, page fault) and for writing to revoke access
 * @bar_enabled: user space may reach the BARs (bound and attached)
 * @enabled: pci_enable_device() was done for the binding
 * @bar: kernel mappings of the BARs, for read() and write()
 */
struct ioasid_pci {
	struct ioasid_device idev;
	struct pci_dev *pdev;
	int minor;
	struct rw_semaphore bar_lock;
	bool bar_enabled;
	bool enabled;
	void __iomem *bar[PCI_STD_NUM_BARS];
};

static struct ioasid_pci *to_pci(struct ioasid_device *idev)
{
	return container_of(idev, struct ioasid_pci, idev);
}

static struct pci_driver ioasid_pci_driver;
static dev_t ioasid_pci_devt;
static struct cdev ioasid_pci_cdev;
/* minor -> struct ioasid_pci; xa_lock guards taking a reference. */
static DEFINE_XARRAY_ALLOC(ioasid_pci_minors);
/* --- the real IOMMU group ------------------------------------------------ */

struct ioasid_pci_verdict {
	char *reason;
	size_t len;
};

/* A member is fine driver-less, with us, or with a driver doing no DMA. */
static int ioasid_pci_check_member(struct device *dev, void *data)
{
	struct ioasid_pci_verdict *v = data;
	struct device_driver *drv = READ_ONCE(dev->driver);

	if (!drv || drv == &ioasid_pci_driver.driver)
		return 0;
	if (dev_is_pci(dev) && to_pci_driver(drv)->driver_managed_dma)
		return 0;
	snprintf(v->reason, v->len, "%s is bound to kernel DMA driver %s",
		 dev_name(dev), drv->name);
	return 1;
}

static bool ioasid_pci_group_verdict(struct ioasid_group *group, char *reason,
				     size_t len)
{
	struct ioasid_pci_verdict v = { reason, len };

	return !iommu_group_for_each_dev(group->iommu_group, &v,
					 ioasid_pci_check_member);
}

static const struct ioasid_group_ops ioasid_pci_group_ops = {
	.nr_members = ioasid_iommu_group_nr_members,
	.verdict = ioasid_pci_group_verdict,
	.release = ioasid_iommu_group_release,
};

static struct ioasid_group *ioasid_pci_group_get(struct pci_dev *pdev)
{
	struct iommu_group *iommu_group = iommu_group_get(&pdev->dev);
	struct ioasid_group *group;

	if (!iommu_group)
		return ERR_PTR(-ENODEV);
	group = ioasid_iommu_group_get(iommu_group, &ioasid_pci_group_ops);
	iommu_group_put(iommu_group);
	return group;
}

/* A member's driver changed: the verdict operators see may change too. */
static int ioasid_pci_bus_notify(struct notifier_block *nb,
				 unsigned long action, void *data)
{
	struct iommu_group *iommu_group;
	struct ioasid_group *group;

	if (action != BUS_NOTIFY_BOUND_DRIVER &&
	    action != BUS_NOTIFY_UNBOUND_DRIVER)
		return NOTIFY_DONE;
	iommu_group = iommu_group_get(data);
	if (!iommu_group)
		return NOTIFY_DONE;
	group = ioasid_group_find(iommu_group_id(iommu_group));
	iommu_group_put(iommu_group);
	if (group) {
		ioasid_group_recheck(group);
		ioasid_group_put(group);
	}
	return NOTIFY_DONE;
}

static struct notifier_block ioasid_pci_nb = {
	.notifier_call = ioasid_pci_bus_notify,
};

/* --- device ops ----------------------------------------------------------- */

static int ioasid_pci_claim_dma(struct ioasid_device *idev, void *owner)
{
	lockdep_assert_held(&idev->group->lock);
	return iommu_device_claim_dma_owner(&to_pci(idev)->pdev->dev, owner);
}

static void ioasid_pci_release_dma(struct ioasid_device *idev, void *owner)
{
	struct ioasid_pci *pci = to_pci(idev);

	lockdep_assert_held(&idev->group->lock);
	if (pci->enabled) {
		pci_disable_device(pci->pdev);
		pci->enabled = false;
	}
	iommu_device_release_dma_owner(&pci->pdev->dev);
}

static const void *ioasid_pci_domain_owner(struct ioasid_device *idev)
{
	return to_pci(idev)->pdev->dev.iommu->iommu_dev;
}

static struct ioasid_domain *ioasid_pci_domain_alloc(struct ioasid_device *idev)
{
	return ioasid_iommu_domain_alloc(&to_pci(idev)->pdev->dev);
}

static int ioasid_pci_attach_group(struct ioasid_device *idev,
				   struct ioasid_domain *domain)
{
	lockdep_assert_held(&idev->group->lock);
	return iommu_attach_group(ioasid_iommu_domain_core(domain),
				  idev->group->iommu_group);
}

static void ioasid_pci_detach_group(struct ioasid_device *idev,
				    struct ioasid_domain *domain)
{
	/* The group is owned: it falls back to the blocking domain. */
	lockdep_assert_held(&idev->group->lock);
	iommu_detach_group(ioasid_iommu_domain_core(domain),
			   idev->group->iommu_group);
}

static int ioasid_pci_attach_pasid(struct ioasid_device *idev,
				   struct ioasid_domain *domain, u32 pasid)
{
	return iommu_attach_device_pasid(ioasid_iommu_domain_core(domain),
					 &to_pci(idev)->pdev->dev, pasid, NULL);
}

static void ioasid_pci_detach_pasid(struct ioasid_device *idev,
				    struct ioasid_domain *domain, u32 pasid)
{
	iommu_detach_device_pasid(ioasid_iommu_domain_core(domain),
				  &to_pci(idev)->pdev->dev, pasid);
}

static int ioasid_pci_resv_regions(struct ioasid_device *idev,
				    ioasid_resv_fn_t fn, void *arg)
{
	struct iommu_resv_region *resv;
	LIST_HEAD(regions);
	int rc = 0;

	iommu_get_resv_regions(&to_pci(idev)->pdev->dev, &regions);
	list_for_each_entry(resv, &regions, list) {
		rc = fn(resv->start, resv->start + resv->length - 1, arg);
		if (rc)
			break;
	}
	iommu_put_resv_regions(&to_pci(idev)->pdev->dev, &regions);
	return rc;
}

static void ioasid_pci_attached(struct ioasid_device *idev)
{
	struct ioasid_pci *pci = to_pci(idev);

	lockdep_assert_held(&idev->lock);
	/* Memory and I/O decoding on; bus mastering stays the user's call. */
	if (!pci->enabled && !pci_enable_device(pci->pdev))
		pci->enabled = true;
	down_write(&pci->bar_lock);
	pci->bar_enabled = true;
	up_write(&pci->bar_lock);
}

static void ioasid_pci_stop(struct ioasid_device *idev)
{
	struct ioasid_pci *pci = to_pci(idev);

	lockdep_assert_held(&idev->lock);
	down_write(&pci->bar_lock);
	pci->bar_enabled = false;
	if (idev->file)
		unmap_mapping_range(idev->file->f_mapping, 0, 0, true);
	up_write(&pci->bar_lock);
	pci_clear_master(pci->pdev);
}

static int ioasid_pci_region_info(struct ioasid_device *idev,
				  struct ioasid_region_info *info)
{
	struct pci_dev *pdev = to_pci(idev)->pdev;
	unsigned long flags;

	info->out_offset = IOASID_REGION_OFFSET(info->index);
	if (info->index == IOASID_PCI_CONFIG_REGION) {
		info->out_size = pdev->cfg_size;
		info->out_flags = IOASID_REGION_READ | IOASID_REGION_WRITE;
		return 0;
	}
	info->out_size = pci_resource_len(pdev, info->index);
	flags = pci_resource_flags(pdev, info->index);
	info->out_flags = 0;
	if (!info->out_size)
		return 0;
	info->out_flags = IOASID_REGION_READ | IOASID_REGION_WRITE;
	if ((flags & IORESOURCE_MEM) && PAGE_ALIGNED(info->out_size))
		info->out_flags |= IOASID_REGION_MMAP;
	return 0;
}

/*
 * Config writes that user space may do: the command register (decode,
 * bus master) and everything past the standard header (capabilities,
 * device-specific registers).  BARs, ROM and interrupt routing stay the
 * kernel's.
 */
static bool ioasid_pci_config_writable(loff_t pos, size_t count)
{
	if (pos >= PCI_COMMAND && pos + count <= PCI_COMMAND + 2)
		return true;
	return pos >= PCI_STD_HEADER_SIZEOF;
}

static int ioasid_pci_config_rw(struct ioasid_pci *pci, u8 *buf, loff_t pos,
				size_t count, bool write)
{
	struct pci_dev *pdev = pci->pdev;
	size_t done = 0;
	int rc = 0;

	while (done < count && !rc) {
		loff_t at = pos + done;
		size_t left = count - done;

		if (IS_ALIGNED(at, 4) && left >= 4) {
			u32 v = get_unaligned_le32(buf + done);

			rc = write ? pci_user_write_config_dword(pdev, at, v) :
			     pci_user_read_config_dword(pdev, at, &v);
			put_unaligned_le32(v, buf + done);
			done += 4;
		} else if (IS_ALIGNED(at, 2) && left >= 2) {
			u16 v = get_unaligned_le16(buf + done);

			rc = write ? pci_user_write_config_word(pdev, at, v) :
			     pci_user_read_config_word(pdev, at, &v);
			put_unaligned_le16(v, buf + done);
			done += 2;
		} else {
			u8 v = buf[done];

			rc = write ? pci_user_write_config_byte(pdev, at, v) :
			     pci_user_read_config_byte(pdev, at, &v);
			buf[done] = v;
			done += 1;
		}
	}
	return rc ? pcibios_err_to_errno(rc) : 0;
}

static void ioasid_pci_bar_rw(void __iomem *io, u8 *buf, size_t count,
			      bool write)
{
	size_t done = 0;

	while (done < count) {
		void __iomem *at = io + done;
		size_t left = count - done;

		if (IS_ALIGNED((unsigned long)at, 4) && left >= 4) {
			if (write)
				iowrite32(get_unaligned_le32(buf + done), at);
			else
				put_unaligned_le32(ioread32(at), buf + done);
			done += 4;
		} else if (IS_ALIGNED((unsigned long)at, 2) && left >= 2) {
			if (write)
				iowrite16(get_unaligned_le16(buf + done), at);
			else
				put_unaligned_le16(ioread16(at), buf + done);
			done += 2;
		} else {
			if (write)
				iowrite8(buf[done], at);
			else
				buf[done] = ioread8(at);
			done += 1;
		}
	}
}

/*
 * read()/write() of the device fd.  Data goes through a bounce buffer so
 * no lock is held while user memory is touched (it could be this very
 * device's BAR mapping, whose fault handler takes bar_lock).
 */
static ssize_t ioasid_pci_rw(struct ioasid_device *idev, char __user *ubuf,
			     size_t count, loff_t *ppos, bool write)
{
	struct ioasid_pci *pci = to_pci(idev);
	u64 index = IOASID_REGION_INDEX(*ppos);
	loff_t pos = *ppos & IOASID_REGION_MASK;
	u64 size;
	u8 *buf;
	int rc;

	if (index == IOASID_PCI_CONFIG_REGION)
		size = pci->pdev->cfg_size;
	else if (index < PCI_STD_NUM_BARS && pci->bar[index])
		size = pci_resource_len(pci->pdev, index);
	else
		return -EINVAL;
	if (pos >= size)
		return 0;
	count = min_t(u64, min_t(size_t, count, IOASID_PCI_RW_MAX), size - pos);
	if (!count)
		return 0;

	buf = kmalloc(count, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (write && copy_from_user(buf, ubuf, count)) {
		rc = -EFAULT;
		goto out;
	}

	if (index == IOASID_PCI_CONFIG_REGION) {
		mutex_lock(&idev->lock);
		if (idev->removed)
			rc = -ENODEV;
		else if (!idev->binding)
			rc = -EACCES;
		else if (write && !ioasid_pci_config_writable(pos, count))
			rc = -EPERM;
		else
			rc = ioasid_pci_config_rw(pci, buf, pos, count, write);
		mutex_unlock(&idev->lock);
	} else {
		down_read(&pci->bar_lock);
		if (READ_ONCE(idev->removed)) {
			rc = -ENODEV;
		} else if (!pci->bar_enabled) {
			rc = -EACCES;
		} else {
			ioasid_pci_bar_rw(pci->bar[index] + pos, buf, count,
					  write);
			rc = 0;
		}
		up_read(&pci->bar_lock);
	}
	if (!rc && !write && copy_to_user(ubuf, buf, count))
		rc = -EFAULT;
out:
	kfree(buf);
	if (rc)
		return rc;
	*ppos += count;
	return count;
}

static vm_fault_t ioasid_pci_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct ioasid_pci *pci = vma->vm_private_data;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 index = IOASID_REGION_INDEX(off);
	unsigned long pfn;
	vm_fault_t ret;

	pfn = (pci_resource_start(pci->pdev, index) +
	       (off & IOASID_REGION_MASK)) >> PAGE_SHIFT;
	pfn += (vmf->address - vma->vm_start) >> PAGE_SHIFT;

	down_read(&pci->bar_lock);
	if (pci->bar_enabled)
		ret = vmf_insert_pfn(vma, vmf->address, pfn);
	else
		ret = VM_FAULT_SIGBUS;	/* parked: detached or unbound */
	up_read(&pci->bar_lock);
	return ret;
}

static const struct vm_operations_struct ioasid_pci_vm_ops = {
	.fault = ioasid_pci_fault,
};

static int ioasid_pci_mmap(struct ioasid_device *idev,
			   struct vm_area_struct *vma)
{
	struct ioasid_pci *pci = to_pci(idev);
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 index = IOASID_REGION_INDEX(off);
	u64 pos = off & IOASID_REGION_MASK;
	u64 len = vma->vm_end - vma->vm_start;
	int rc = 0;

	if (index >= PCI_STD_NUM_BARS ||
	    !(pci_resource_flags(pci->pdev, index) & IORESOURCE_MEM) ||
	    !PAGE_ALIGNED(pci_resource_len(pci->pdev, index)) ||
	    pos + len > pci_resource_len(pci->pdev, index) ||
	    !(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	down_read(&pci->bar_lock);
	if (READ_ONCE(idev->removed))
		rc = -ENODEV;
	else if (!pci->bar_enabled)
		rc = -EACCES;
	up_read(&pci->bar_lock);
	if (rc)
		return rc;

	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vma->vm_private_data = pci;
	vma->vm_ops = &ioasid_pci_vm_ops;
	return 0;
}

static void ioasid_pci_release(struct ioasid_device *idev)
{
	struct ioasid_pci *pci = to_pci(idev);

	pci_dev_put(pci->pdev);
	kfree(pci);
}

static const struct ioasid_device_ops ioasid_pci_ops = {
	.claim_dma = ioasid_pci_claim_dma,
	.release_dma = ioasid_pci_release_dma,
	.domain_owner = ioasid_pci_domain_owner,
	.domain_alloc = ioasid_pci_domain_alloc,
	.attach_group = ioasid_pci_attach_group,
	.detach_group = ioasid_pci_detach_group,
	.attach_pasid = ioasid_pci_attach_pasid,
	.detach_pasid = ioasid_pci_detach_pasid,
	.resv_regions = ioasid_pci_resv_regions,
	.attached = ioasid_pci_attached,
	.stop = ioasid_pci_stop,
	.region_info = ioasid_pci_region_info,
	.rw = ioasid_pci_rw,
	.mmap = ioasid_pci_mmap,
	.release = ioasid_pci_release,
};

/* --- the driver and its /dev nodes -------------------------------------- */

static char *ioasid_pci_devnode(const struct device *dev, umode_t *mode)
{
	return kasprintf(GFP_KERNEL, "ioasid-pci/%s", dev_name(dev));
}

static const struct class ioasid_pci_class = {
	.name = "ioasid-pci",
	.devnode = ioasid_pci_devnode,
};

static int ioasid_pci_open(struct inode *inode, struct file *file)
{
	struct ioasid_pci *pci;
	int rc;

	xa_lock(&ioasid_pci_minors);
	pci = xa_load(&ioasid_pci_minors, iminor(inode));
	if (pci && !kref_get_unless_zero(&pci->idev.ref))
		pci = NULL;
	xa_unlock(&ioasid_pci_minors);
	if (!pci)
		return -ENODEV;

	rc = ioasid_device_open(&pci->idev, file);
	ioasid_device_put(&pci->idev);
	if (rc)
		return rc;
	/* From now on the fd is an ordinary device fd. */
	replace_fops(file, fops_get(&ioasid_device_fops));
	return 0;
}

static const struct file_operations ioasid_pci_cdev_fops = {
	.owner = THIS_MODULE,
	.open = ioasid_pci_open,
};

static bool ioasid_pci_pasid_capable(struct pci_dev *pdev)
{
	return pdev->pasid_cap && pdev->dev.iommu &&
	       pdev->dev.iommu->max_pasids > 0;
}

static int ioasid_pci_probe(struct pci_dev *pdev,
			    const struct pci_device_id *id)
{
	struct ioasid_group *group;
	struct ioasid_pci *pci;
	struct device *node;
	u32 minor;
	int rc, i;

	if (pdev->hdr_type != PCI_HEADER_TYPE_NORMAL) {
		pci_info(pdev, "ioasid-pci: only endpoints can be assigned\n");
		return -EINVAL;
	}
	group = ioasid_pci_group_get(pdev);
	if (IS_ERR(group)) {
		if (PTR_ERR(group) == -EBUSY)
			pci_warn(pdev, "ioasid-pci: its IOMMU group is in a VFIO container served by ioasid_vfio\n");
		else
			pci_warn(pdev, "ioasid-pci: no IOMMU group, the device cannot be isolated\n");
		return PTR_ERR(group);
	}

	pci = kzalloc(sizeof(*pci), GFP_KERNEL);
	if (!pci) {
		ioasid_group_put(group);
		return -ENOMEM;
	}
	pci->pdev = pci_dev_get(pdev);
	init_rwsem(&pci->bar_lock);
	ioasid_device_ident_pci(&pci->idev, pdev,
				ioasid_pci_pasid_capable(pdev) ?
				IOASID_DEVICE_INFO_PASID : 0);
	pci->idev.num_regions = IOASID_PCI_NUM_REGIONS;
	strscpy(pci->idev.name, pci_name(pdev), sizeof(pci->idev.name));

	rc = pci_request_regions(pdev, "ioasid-pci");
	if (rc)
		goto err_free;
	for (i = 0; i < PCI_STD_NUM_BARS; i++)
		if (pci_resource_len(pdev, i))
			pci->bar[i] = pci_iomap(pdev, i, 0);

	rc = ioasid_device_register(&pci->idev, &ioasid_pci_ops, group);
	if (rc)
		goto err_unmap;
	/* From here on the device's reference owns pci and the group. */

	rc = xa_alloc(&ioasid_pci_minors, &minor, pci,
		      XA_LIMIT(0, IOASID_PCI_MINORS - 1), GFP_KERNEL);
	if (rc)
		goto err_unregister;
	pci->minor = minor;
	node = device_create(&ioasid_pci_class, &pdev->dev,
			     MKDEV(MAJOR(ioasid_pci_devt), minor), pci, "%s",
			     pci_name(pdev));
	if (IS_ERR(node)) {
		rc = PTR_ERR(node);
		goto err_minor;
	}
	pci_set_drvdata(pdev, pci);
	return 0;

err_minor:
	xa_erase(&ioasid_pci_minors, minor);
err_unregister:
	for (i = 0; i < PCI_STD_NUM_BARS; i++)
		if (pci->bar[i])
			pci_iounmap(pdev, pci->bar[i]);
	pci_release_regions(pdev);
	ioasid_device_unregister(&pci->idev);	/* frees pci */
	return rc;
err_unmap:
	for (i = 0; i < PCI_STD_NUM_BARS; i++)
		if (pci->bar[i])
			pci_iounmap(pdev, pci->bar[i]);
	pci_release_regions(pdev);
err_free:
	pci_dev_put(pdev);
	kfree(pci);
	ioasid_group_put(group);
	return rc;
}

static void ioasid_pci_remove(struct pci_dev *pdev)
{
	struct ioasid_pci *pci = pci_get_drvdata(pdev);
	int i;

	device_destroy(&ioasid_pci_class,
		       MKDEV(MAJOR(ioasid_pci_devt), pci->minor));
	xa_erase(&ioasid_pci_minors, pci->minor);
	/* Ours until the BARs are unmapped, even if no fd holds it. */
	kref_get(&pci->idev.ref);
	/* Unbinds: DMA stopped, BAR access revoked, ownership returned. */
	ioasid_device_unregister(&pci->idev);
	/* An fd still open sees -ENODEV; nothing reaches the BARs now. */
	for (i = 0; i < PCI_STD_NUM_BARS; i++)
		if (pci->bar[i])
			pci_iounmap(pdev, pci->bar[i]);
	pci_release_regions(pdev);
	pci_set_drvdata(pdev, NULL);
	ioasid_device_put(&pci->idev);
}

static struct pci_driver ioasid_pci_driver = {
	.name = "ioasid-pci",
	.id_table = NULL,	/* driver_override only */
	.probe = ioasid_pci_probe,
	.remove = ioasid_pci_remove,
	.driver_managed_dma = true,
};

int ioasid_pci_init(void)
{
	int rc;

	rc = alloc_chrdev_region(&ioasid_pci_devt, 0, IOASID_PCI_MINORS,
				 "ioasid-pci");
	if (rc)
		return rc;
	cdev_init(&ioasid_pci_cdev, &ioasid_pci_cdev_fops);
	rc = cdev_add(&ioasid_pci_cdev, ioasid_pci_devt, IOASID_PCI_MINORS);
	if (rc)
		goto err_region;
	rc = class_register(&ioasid_pci_class);
	if (rc)
		goto err_cdev;
	rc = bus_register_notifier(&pci_bus_type, &ioasid_pci_nb);
	if (rc)
		goto err_class;
	rc = pci_register_driver(&ioasid_pci_driver);
	if (rc)
		goto err_notifier;
	return 0;

err_notifier:
	bus_unregister_notifier(&pci_bus_type, &ioasid_pci_nb);
err_class:
	class_unregister(&ioasid_pci_class);
err_cdev:
	cdev_del(&ioasid_pci_cdev);
err_region:
	unregister_chrdev_region(ioasid_pci_devt, IOASID_PCI_MINORS);
	return rc;
}

void ioasid_pci_exit(void)
{
	pci_unregister_driver(&ioasid_pci_driver);
	bus_unregister_notifier(&pci_bus_type, &ioasid_pci_nb);
	class_unregister(&ioasid_pci_class);
	cdev_del(&ioasid_pci_cdev);
	unregister_chrdev_region(ioasid_pci_devt, IOASID_PCI_MINORS);
}
