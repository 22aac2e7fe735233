// SPDX-License-Identifier: GPL-2.0
/*
 * Mock devices for the test suite (IOASID_TEST, enable_test_interface=1).
 *
 * A mock device lives in a mock group, translates through a software page
 * table (sw_pgtable.c), optionally supports PASIDs, and performs "DMA" on
 * request: it walks its domain page by page, copying between a bounce
 * buffer and the pinned pages, and stops at the first IOVA without a
 * translation or with the wrong permission.  A mock device may pretend a
 * kernel DMA driver holds it, which makes its group non-viable.
 *
 * As with a real IOMMU, requests without PASID translate through the
 * domain of the *group* (the core attaches a group once, through whichever
 * member comes first, and detaches it through the last), and a device
 * issues DMA only while its bus mastering is on: the core turns it on at
 * attach and off at detach and unbind (the attached and stop ops), so a
 * member that detached reaches nothing while its siblings still do.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/slab.h>

#include "device.h"
#include "device_mock.h"
#include "domain.h"
#include "io_pagetable.h"

/* Domains of mock devices are interchangeable: one mock IOMMU. */
static const char ioasid_mock_iommu[] = "mock-iommu";
static atomic_t ioasid_mock_next_group = ATOMIC_INIT(0);
static atomic_t ioasid_mock_next_name = ATOMIC_INIT(0);
static atomic_t ioasid_mock_devices = ATOMIC_INIT(0);

/* Largest single mock DMA: bounds the bounce buffer. */
#define IOASID_MOCK_DMA_MAX	SZ_64M

/**
 * struct ioasid_mock_group - a mock IOMMU group
 * @group: the group
 * @domain: the domain its requests without PASID translate through, or
 *	NULL (blocked); under @group.lock
 */
struct ioasid_mock_group {
	struct ioasid_group group;
	struct ioasid_domain *domain;
};

static struct ioasid_mock_group *to_mock_group(struct ioasid_group *group)
{
	return container_of(group, struct ioasid_mock_group, group);
}

/**
 * struct ioasid_mock - a mock device
 * @idev: the device
 * @resv_start: reserved IOVA range start
 * @resv_length: reserved IOVA range length (0: none)
 * @driver_bound: a pretend kernel DMA driver holds the device
 * @bus_master: the device may issue DMA without PASID
 * @pasid_domains: PASID -> domain
 *
 * @driver_bound is guarded by the group's lock; @bus_master and the
 * PASID domains by @idev.lock.
 */
struct ioasid_mock {
	struct ioasid_device idev;
	u64 resv_start;
	u64 resv_length;
	bool driver_bound;
	bool bus_master;
	struct xarray pasid_domains;
};

static struct ioasid_mock *to_mock(struct ioasid_device *idev)
{
	return container_of(idev, struct ioasid_mock, idev);
}

/* --- the mock group ------------------------------------------------------ */

static u32 ioasid_mock_group_nr_members(struct ioasid_group *group)
{
	struct ioasid_device *idev;
	u32 n = 0;

	list_for_each_entry(idev, &group->devices, group_item)
		n++;
	return n;
}

static bool ioasid_mock_group_verdict(struct ioasid_group *group,
				      char *reason, size_t len)
{
	struct ioasid_device *idev;

	list_for_each_entry(idev, &group->devices, group_item) {
		if (to_mock(idev)->driver_bound) {
			snprintf(reason, len,
				 "%s is bound to a kernel DMA driver",
				 idev->name);
			return false;
		}
	}
	return true;
}

static void ioasid_mock_group_release(struct ioasid_group *group)
{
	struct ioasid_mock_group *mg = to_mock_group(group);

	WARN_ON(mg->domain);
	kfree(mg);
}

static const struct ioasid_group_ops ioasid_mock_group_ops = {
	.nr_members = ioasid_mock_group_nr_members,
	.verdict = ioasid_mock_group_verdict,
	.release = ioasid_mock_group_release,
};

static struct ioasid_group *ioasid_mock_group_new(void)
{
	struct ioasid_mock_group *mg;
	u32 id = U32_MAX - atomic_inc_return(&ioasid_mock_next_group) + 1;
	int rc;

	mg = kzalloc(sizeof(*mg), GFP_KERNEL_ACCOUNT);
	if (!mg)
		return ERR_PTR(-ENOMEM);
	ioasid_group_init(&mg->group, &ioasid_mock_group_ops, id);
	rc = ioasid_group_publish(&mg->group);
	if (rc) {
		kfree(mg);
		return ERR_PTR(rc);
	}
	return &mg->group;
}

/* --- the mock device ----------------------------------------------------- */

static int ioasid_mock_claim_dma(struct ioasid_device *idev, void *owner)
{
	/* The core's rule: no kernel DMA driver on any member. */
	return ioasid_mock_group_verdict(idev->group, NULL, 0) ? 0 : -EBUSY;
}

static void ioasid_mock_release_dma(struct ioasid_device *idev, void *owner)
{
}

static const void *ioasid_mock_domain_owner(struct ioasid_device *idev)
{
	return ioasid_mock_iommu;
}

static struct ioasid_domain *ioasid_mock_domain_alloc(struct ioasid_device *idev)
{
	return ioasid_sw_domain_alloc() ?: ERR_PTR(-ENOMEM);
}

/* Both run with the group's lock held, for the whole group. */
static int ioasid_mock_attach_group(struct ioasid_device *idev,
				    struct ioasid_domain *domain)
{
	struct ioasid_mock_group *mg = to_mock_group(idev->group);

	lockdep_assert_held(&idev->group->lock);
	mg->domain = domain;
	return 0;
}

static void ioasid_mock_detach_group(struct ioasid_device *idev,
				     struct ioasid_domain *domain)
{
	struct ioasid_mock_group *mg = to_mock_group(idev->group);

	lockdep_assert_held(&idev->group->lock);
	WARN_ON(mg->domain != domain);
	mg->domain = NULL;
}

static int ioasid_mock_attach_pasid(struct ioasid_device *idev,
				    struct ioasid_domain *domain, u32 pasid)
{
	return xa_insert(&to_mock(idev)->pasid_domains, pasid, domain,
			 GFP_KERNEL_ACCOUNT);
}

static void ioasid_mock_detach_pasid(struct ioasid_device *idev,
				     struct ioasid_domain *domain, u32 pasid)
{
	xa_erase(&to_mock(idev)->pasid_domains, pasid);
}

static int ioasid_mock_resv_regions(struct ioasid_device *idev,
				     ioasid_resv_fn_t fn, void *arg)
{
	struct ioasid_mock *mock = to_mock(idev);

	if (!mock->resv_length)
		return 0;
	return fn(mock->resv_start, mock->resv_start + mock->resv_length - 1,
		  arg);
}

static void ioasid_mock_attached(struct ioasid_device *idev)
{
	lockdep_assert_held(&idev->lock);
	to_mock(idev)->bus_master = true;
}

static void ioasid_mock_stop(struct ioasid_device *idev)
{
	lockdep_assert_held(&idev->lock);
	to_mock(idev)->bus_master = false;
}

static void ioasid_mock_last_close(struct ioasid_device *idev)
{
	/* The fd was the device's only handle: the device goes with it. */
	ioasid_device_unregister(idev);
}

static void ioasid_mock_release(struct ioasid_device *idev)
{
	struct ioasid_mock *mock = to_mock(idev);

	WARN_ON(!xa_empty(&mock->pasid_domains) || mock->bus_master);
	xa_destroy(&mock->pasid_domains);
	kfree(mock);
	atomic_dec(&ioasid_mock_devices);
}

static const struct ioasid_device_ops ioasid_mock_ops = {
	.claim_dma = ioasid_mock_claim_dma,
	.release_dma = ioasid_mock_release_dma,
	.domain_owner = ioasid_mock_domain_owner,
	.domain_alloc = ioasid_mock_domain_alloc,
	.attach_group = ioasid_mock_attach_group,
	.detach_group = ioasid_mock_detach_group,
	.attach_pasid = ioasid_mock_attach_pasid,
	.detach_pasid = ioasid_mock_detach_pasid,
	.resv_regions = ioasid_mock_resv_regions,
	.attached = ioasid_mock_attached,
	.stop = ioasid_mock_stop,
	.last_close = ioasid_mock_last_close,
	.release = ioasid_mock_release,
};

/**
 * ioasid_mock_create() - IOASID_TEST_MOCK_DEVICE_CREATE
 * @cmd: the request; out_group_id is filled in
 *
 * Return: the device's fd file (the caller installs it), or an ERR_PTR:
 * -EOPNOTSUPP unknown flags, -ENOENT no mock group @cmd->group_id,
 * -EINVAL a reserved range that is unaligned or wraps.
 */
struct file *ioasid_mock_create(struct ioasid_test_mock_create *cmd)
{
	struct ioasid_group *group;
	struct ioasid_mock *mock;
	struct file *file;
	int rc;

	if (cmd->flags & ~(IOASID_MOCK_PASID | IOASID_MOCK_NEW_GROUP))
		return ERR_PTR(-EOPNOTSUPP);
	if (cmd->resv_length &&
	    (!PAGE_ALIGNED(cmd->resv_start) || !PAGE_ALIGNED(cmd->resv_length) ||
	     cmd->resv_start + cmd->resv_length - 1 < cmd->resv_start))
		return ERR_PTR(-EINVAL);

	if (cmd->flags & IOASID_MOCK_NEW_GROUP) {
		group = ioasid_mock_group_new();
		if (IS_ERR(group))
			return ERR_CAST(group);
	} else {
		group = ioasid_group_find(cmd->group_id);
		if (!group)
			return ERR_PTR(-ENOENT);
		if (group->ops != &ioasid_mock_group_ops) {
			ioasid_group_put(group);
			return ERR_PTR(-ENOENT);
		}
	}

	mock = kzalloc(sizeof(*mock), GFP_KERNEL_ACCOUNT);
	if (!mock) {
		ioasid_group_put(group);
		return ERR_PTR(-ENOMEM);
	}
	xa_init(&mock->pasid_domains);
	mock->resv_start = cmd->resv_start;
	mock->resv_length = cmd->resv_length;
	mock->idev.ident.flags = IOASID_DEVICE_INFO_MOCK |
		(cmd->flags & IOASID_MOCK_PASID ? IOASID_DEVICE_INFO_PASID : 0);
	mock->idev.ident.class = 0xff0000;	/* "unassigned class" */
	/* Named before it is published: tracepoints and netlink show it. */
	snprintf(mock->idev.name, sizeof(mock->idev.name), "mock%u",
		 atomic_inc_return(&ioasid_mock_next_name));
	atomic_inc(&ioasid_mock_devices);

	rc = ioasid_device_register(&mock->idev, &ioasid_mock_ops, group);
	if (rc) {
		ioasid_group_put(group);
		xa_destroy(&mock->pasid_domains);
		kfree(mock);
		atomic_dec(&ioasid_mock_devices);
		return ERR_PTR(rc);
	}
	file = anon_inode_getfile("[ioasid-mock]", &ioasid_device_fops, NULL,
				  O_RDWR);
	if (IS_ERR(file)) {
		ioasid_device_unregister(&mock->idev);
		return file;
	}
	/*
	 * A fresh device: nobody else can have it open.  The backend's own
	 * reference goes in last_close, when this fd is closed.
	 */
	WARN_ON(ioasid_device_open(&mock->idev, file));
	cmd->out_group_id = group->id;
	return file;
}

/* The mock device behind fd @fd, with a reference, or ERR_PTR(-EBADF). */
static struct ioasid_device *ioasid_mock_get(int fd)
{
	struct ioasid_device *idev = ERR_PTR(-EBADF);
	struct fd f = fdget(fd);

	if (!fd_file(f))
		return idev;
	idev = ioasid_device_from_file(fd_file(f));
	if (!IS_ERR(idev) && (idev->ident.flags & IOASID_DEVICE_INFO_MOCK))
		kref_get(&idev->ref);
	else
		idev = ERR_PTR(-EBADF);
	fdput(f);
	return idev;
}

/**
 * ioasid_mock_set_driver() - IOASID_TEST_MOCK_SET_DRIVER
 * @cmd: the request
 *
 * Return: 0, -EBADF not a mock device fd, -EBUSY the group is owned (the
 * core would refuse the driver), -EINVAL @bound not 0 or 1.
 */
int ioasid_mock_set_driver(struct ioasid_test_mock_set_driver *cmd)
{
	struct ioasid_device *idev;
	struct ioasid_group *group;
	int rc = 0;

	if (cmd->bound > 1)
		return -EINVAL;
	idev = ioasid_mock_get(cmd->dev_fd);
	if (IS_ERR(idev))
		return PTR_ERR(idev);

	group = idev->group;
	mutex_lock(&group->lock);
	if (cmd->bound && group->owner)
		rc = -EBUSY;
	else
		to_mock(idev)->driver_bound = cmd->bound;
	mutex_unlock(&group->lock);
	if (!rc)
		ioasid_group_recheck(group);
	ioasid_device_put(idev);
	return rc;
}

static enum ioasid_mock_fault ioasid_mock_walk(struct ioasid_domain *domain,
					       u64 iova, u8 *buf, u64 length,
					       bool to_memory, u64 *done)
{
	int need = to_memory ? IOASID_PROT_WRITE : IOASID_PROT_READ;

	*done = 0;
	while (*done < length) {
		u64 cur = iova + *done;
		size_t chunk = min_t(u64, length - *done,
				     PAGE_SIZE - offset_in_page(cur));
		phys_addr_t paddr;
		void *va;
		int prot;

		if (ioasid_sw_domain_translate(domain, cur, &paddr, &prot))
			return IOASID_MOCK_FAULT_UNMAPPED;
		if (!(prot & need))
			return IOASID_MOCK_FAULT_PROT;
		va = kmap_local_page(pfn_to_page(PHYS_PFN(paddr)));
		if (to_memory)
			memcpy(va + offset_in_page(paddr), buf + *done, chunk);
		else
			memcpy(buf + *done, va + offset_in_page(paddr), chunk);
		kunmap_local(va);
		*done += chunk;
	}
	return IOASID_MOCK_FAULT_NONE;
}

/**
 * ioasid_mock_dma() - IOASID_TEST_MOCK_DMA
 * @cmd: the request; out_done, out_fault and out_fault_iova are filled in
 *
 * Return: 0 (a fault is a result, not an error), -EBADF not a mock device
 * fd, -EOPNOTSUPP unknown flags or reserved field set, -EINVAL bad
 * direction or length (0 or over 64 MiB), -EFAULT bad user buffer,
 * -ENOMEM.
 */
int ioasid_mock_dma(struct ioasid_test_mock_dma *cmd)
{
	bool to_memory = cmd->dir == IOASID_MOCK_DMA_WRITE;
	struct ioasid_domain *domain;
	struct ioasid_device *idev;
	struct ioasid_mock *mock;
	u8 *buf;
	int rc = 0;

	if (cmd->flags & ~IOASID_DEVICE_ATTACH_PASID || cmd->__reserved)
		return -EOPNOTSUPP;
	if ((cmd->dir != IOASID_MOCK_DMA_READ && !to_memory) ||
	    !cmd->length || cmd->length > IOASID_MOCK_DMA_MAX ||
	    cmd->iova + cmd->length - 1 < cmd->iova)
		return -EINVAL;
	idev = ioasid_mock_get(cmd->dev_fd);
	if (IS_ERR(idev))
		return PTR_ERR(idev);
	mock = to_mock(idev);

	buf = kvmalloc(cmd->length, GFP_KERNEL_ACCOUNT);
	if (!buf) {
		ioasid_device_put(idev);
		return -ENOMEM;
	}
	if (to_memory && copy_from_user(buf, u64_to_user_ptr(cmd->uptr),
					 cmd->length)) {
		rc = -EFAULT;
		goto out;
	}

	cmd->out_done = 0;
	cmd->out_fault_iova = 0;
	/* The device's lock, then the group's: the domains stay put. */
	mutex_lock(&idev->lock);
	mutex_lock(&idev->group->lock);
	if (cmd->flags & IOASID_DEVICE_ATTACH_PASID)
		domain = xa_load(&mock->pasid_domains, cmd->pasid);
	else if (mock->bus_master)
		domain = to_mock_group(idev->group)->domain;
	else
		domain = NULL;
	if (!domain) {
		cmd->out_fault = IOASID_MOCK_FAULT_DETACHED;
		cmd->out_fault_iova = cmd->iova;
	} else {
		/* Holds the translations and the pinned pages still. */
		iopt_read_lock(domain->iopt);
		cmd->out_fault = ioasid_mock_walk(domain, cmd->iova, buf,
						  cmd->length, to_memory,
						  &cmd->out_done);
		iopt_read_unlock(domain->iopt);
		if (cmd->out_fault)
			cmd->out_fault_iova = cmd->iova + cmd->out_done;
	}
	mutex_unlock(&idev->group->lock);
	mutex_unlock(&idev->lock);

	if (!to_memory && cmd->out_done &&
	    copy_to_user(u64_to_user_ptr(cmd->uptr), buf, cmd->out_done))
		rc = -EFAULT;
out:
	kvfree(buf);
	ioasid_device_put(idev);
	return rc;
}

/**
 * ioasid_mock_count() - live mock devices
 *
 * Return: the count.
 */
unsigned int ioasid_mock_count(void)
{
	return atomic_read(&ioasid_mock_devices);
}
