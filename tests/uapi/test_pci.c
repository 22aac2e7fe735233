// SPDX-License-Identifier: GPL-2.0
/*
 * The ioasid-pci stub driver on the guest's edu devices: device nodes,
 * info and regions, the parked device fd, group viability against a real
 * kernel DMA driver (uio_pci_generic), and driver removal under an open fd.
 * DMA through an IOAS is in test_edu_dma.c.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mock.h"
#include "pci.h"

static void setup(void)
{
	cr_assert_eq(system("modprobe uio_pci_generic"), 0);
	edu_release_all();
}

static void teardown(void)
{
	edu_release_all();
}

TestSuite(pci, .init = setup, .fini = teardown);

Test(pci, device_node_and_info)
{
	struct edu e = edu_singleton(0);
	int fd = edu_open(e.bdf);
	struct ioasid_device_info i = dev_info(fd);
	unsigned int bus, dev, fn;

	cr_assert_str_eq(pci_driver(e.bdf), "ioasid-pci");
	cr_assert_eq(sscanf(e.bdf, "0000:%x:%x.%x", &bus, &dev, &fn), 3);
	cr_assert_eq(i.out_flags, IOASID_DEVICE_INFO_PCI);
	cr_assert_eq(i.out_vendor, 0x1234);
	cr_assert_eq(i.out_device, 0x11e8);
	cr_assert_eq(i.out_class, 0x00ff00);
	cr_assert_eq(i.out_segment, 0);
	cr_assert_eq(i.out_bus, bus);
	cr_assert_eq(i.out_devfn, (dev << 3) | fn);
	cr_assert_eq(i.out_group_id, e.group);
	cr_assert_eq(i.out_num_regions, IOASID_PCI_NUM_REGIONS);
	close(fd);
}

Test(pci, one_open_at_a_time)
{
	struct edu e = edu_singleton(0);
	int fd = edu_open(e.bdf);
	char path[64];

	snprintf(path, sizeof(path), "/dev/ioasid-pci/%s", e.bdf);
	cr_assert_eq(open(path, O_RDWR), -1);
	cr_assert_eq(errno, EBUSY);
	close(fd);
	fd = open(path, O_RDWR);
	cr_assert_geq(fd, 0);
	close(fd);
}

Test(pci, region_info)
{
	int fd = edu_open(edu_singleton(0).bdf);
	struct ioasid_region_info r = { .size = sizeof(r) };

	r.index = IOASID_PCI_BAR0_REGION;
	cr_assert_eq(ioc(fd, IOASID_DEVICE_GET_REGION_INFO, &r), 0);
	cr_assert_eq(r.out_size, 1 << 20);
	cr_assert_eq(r.out_flags, IOASID_REGION_READ | IOASID_REGION_WRITE |
				  IOASID_REGION_MMAP);
	cr_assert_eq(r.out_offset, IOASID_REGION_OFFSET(0));

	r.index = IOASID_PCI_BAR1_REGION;
	cr_assert_eq(ioc(fd, IOASID_DEVICE_GET_REGION_INFO, &r), 0);
	cr_assert_eq(r.out_size, 0);
	cr_assert_eq(r.out_flags, 0);

	r.index = IOASID_PCI_CONFIG_REGION;
	cr_assert_eq(ioc(fd, IOASID_DEVICE_GET_REGION_INFO, &r), 0);
	cr_assert_eq(r.out_size, 256);
	cr_assert_eq(r.out_flags, IOASID_REGION_READ | IOASID_REGION_WRITE);
	cr_assert_eq(r.out_offset, IOASID_REGION_OFFSET(6));

	r.index = IOASID_PCI_NUM_REGIONS;
	cr_assert_eq(ioc(fd, IOASID_DEVICE_GET_REGION_INFO, &r), -EINVAL);
	r.index = 0;
	r.__reserved = 1;
	cr_assert_eq(ioc(fd, IOASID_DEVICE_GET_REGION_INFO, &r), -EOPNOTSUPP);
	close(fd);
}

Test(pci, config_space_needs_binding)
{
	int fd = edu_open(edu_singleton(0).bdf), ctx = ioasid_open();
	off_t cfg = IOASID_REGION_OFFSET(IOASID_PCI_CONFIG_REGION);
	uint32_t id = 0;
	uint16_t cmd;

	cr_assert_eq(pread(fd, &id, 4, cfg), -1);
	cr_assert_eq(errno, EACCES);
	cr_assert_eq(dev_bind(fd, ctx, NULL), 0);
	cr_assert_eq(pread(fd, &id, 4, cfg), 4);
	cr_assert_eq(id, 0x11e81234);
	/* Unaligned and byte reads go through too. */
	cr_assert_eq(pread(fd, &cmd, 2, cfg + 1), 2);
	cr_assert_eq(cmd, 0xe812);
	/* Reading at the end gives nothing; past it too. */
	cr_assert_eq(pread(fd, &id, 4, cfg + 256), 0);
	close(fd);
	close(ctx);
}

Test(pci, config_writes_are_filtered)
{
	int fd = edu_open(edu_singleton(0).bdf), ctx = ioasid_open();
	off_t cfg = IOASID_REGION_OFFSET(IOASID_PCI_CONFIG_REGION);
	uint32_t bar = 0xffffffff, before, after;
	uint16_t cmd;

	cr_assert_eq(dev_bind(fd, ctx, NULL), 0);
	cr_assert_eq(pread(fd, &before, 4, cfg + 0x10), 4);
	cr_assert_eq(pwrite(fd, &bar, 4, cfg + 0x10), -1);
	cr_assert_eq(errno, EPERM);
	cr_assert_eq(pread(fd, &after, 4, cfg + 0x10), 4);
	cr_assert_eq(after, before);
	/* A write straddling the command register is refused whole. */
	cr_assert_eq(pwrite(fd, &bar, 4, cfg + 0x04), -1);
	cr_assert_eq(errno, EPERM);
	/* The command register is the user's. */
	cr_assert_eq(pread(fd, &cmd, 2, cfg + 0x04), 2);
	cmd |= 0x4;	/* bus master */
	cr_assert_eq(pwrite(fd, &cmd, 2, cfg + 0x04), 2);
	cr_assert_eq(pread(fd, &cmd, 2, cfg + 0x04), 2);
	cr_assert_eq(cmd & 0x4, 0x4);
	close(fd);
	close(ctx);
}

Test(pci, bars_are_parked_until_attached)
{
	int fd = edu_open(edu_singleton(0).bdf), ctx = ioasid_open();
	uint32_t v;
	void *p;

	cr_assert_eq(pread(fd, &v, 4, IOASID_REGION_OFFSET(0)), -1);
	cr_assert_eq(errno, EACCES);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, IOASID_REGION_OFFSET(0));
	cr_assert_eq(p, MAP_FAILED);
	cr_assert_eq(errno, EACCES);
	/* Bound is not enough. */
	cr_assert_eq(dev_bind(fd, ctx, NULL), 0);
	cr_assert_eq(pread(fd, &v, 4, IOASID_REGION_OFFSET(0)), -1);
	cr_assert_eq(errno, EACCES);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, IOASID_REGION_OFFSET(0));
	cr_assert_eq(p, MAP_FAILED);
	cr_assert_eq(errno, EACCES);
	close(fd);
	close(ctx);
}

Test(pci, bad_region_offsets)
{
	int fd = edu_open(edu_singleton(0).bdf);
	uint32_t v;
	void *p;

	cr_assert_eq(pread(fd, &v, 4, IOASID_REGION_OFFSET(1)), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(pread(fd, &v, 4, IOASID_REGION_OFFSET(9)), -1);
	cr_assert_eq(errno, EINVAL);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd,
		 IOASID_REGION_OFFSET(IOASID_PCI_CONFIG_REGION));
	cr_assert_eq(p, MAP_FAILED);
	cr_assert_eq(errno, EINVAL);
	p = mmap(NULL, 2 << 20, PROT_READ, MAP_SHARED, fd, IOASID_REGION_OFFSET(0));
	cr_assert_eq(p, MAP_FAILED);
	cr_assert_eq(errno, EINVAL);
	close(fd);
}

Test(pci, shared_group_refused_while_a_sibling_has_a_kernel_driver)
{
	struct edu a = edu_shared(0), b = edu_shared(1);
	int fd, ctx = ioasid_open();

	cr_assert_eq(a.group, b.group);
	cr_assert_eq(pci_set_driver(b.bdf, "uio_pci_generic"), 0);
	cr_assert_str_eq(pci_driver(b.bdf), "uio_pci_generic");
	fd = edu_open(a.bdf);
	cr_assert_eq(dev_bind(fd, ctx, NULL), -EBUSY);
	/* The reason names the sibling and its driver. */
	cr_assert_eq(system("dmesg | tail -n 20 | grep -q "
			    "'is bound to kernel DMA driver uio_pci_generic'"), 0);

	/* The whole group free: allowed. */
	cr_assert_eq(pci_set_driver(b.bdf, ""), 0);
	cr_assert_eq(dev_bind(fd, ctx, NULL), 0);
	close(fd);
	close(ctx);
}

Test(pci, owned_group_blocks_kernel_drivers_on_siblings)
{
	struct edu a = edu_shared(0), b = edu_shared(1);
	int fd = edu_open(a.bdf), ctx = ioasid_open();

	cr_assert_eq(dev_bind(fd, ctx, NULL), 0);
	/* The IOMMU core refuses a DMA driver on a member of an owned group. */
	cr_assert_neq(pci_set_driver(b.bdf, "uio_pci_generic"), 0);
	cr_assert_str_eq(pci_driver(b.bdf), "");
	/* Released: the sibling may have its driver again. */
	cr_assert_eq(dev_unbind(fd), 0);
	cr_assert_eq(pci_set_driver(b.bdf, "uio_pci_generic"), 0);
	cr_assert_str_eq(pci_driver(b.bdf), "uio_pci_generic");
	close(fd);
	close(ctx);
}

Test(pci, both_members_of_a_shared_group_bind_to_one_context)
{
	struct edu a = edu_shared(0), b = edu_shared(1);
	int fa = edu_open(a.bdf), fb = edu_open(b.bdf);
	int c1 = ioasid_open(), c2 = ioasid_open();

	cr_assert_eq(dev_bind(fa, c1, NULL), 0);
	cr_assert_eq(dev_bind(fb, c2, NULL), -EBUSY);
	cr_assert_eq(dev_bind(fb, c1, NULL), 0);
	close(fa);
	close(fb);
	close(c1);
	close(c2);
}

Test(pci, singleton_groups_are_independent)
{
	struct edu a = edu_singleton(0), b = edu_singleton(1);
	int fa = edu_open(a.bdf), fb = edu_open(b.bdf);
	int c1 = ioasid_open(), c2 = ioasid_open();

	cr_assert_neq(a.group, b.group);
	cr_assert_eq(dev_bind(fa, c1, NULL), 0);
	cr_assert_eq(dev_bind(fb, c2, NULL), 0);
	close(fa);
	close(fb);
	close(c1);
	close(c2);
}

Test(pci, driver_unbind_under_an_open_fd)
{
	struct edu e = edu_singleton(0);
	unsigned int before = test_stats().out_contexts;
	int fd = edu_open(e.bdf), ctx = ioasid_open();
	uint32_t v;

	cr_assert_eq(dev_bind(fd, ctx, NULL), 0);
	close(ctx);
	/* Bound: the context lives on. */
	cr_assert_eq(test_stats().out_contexts, before + 1);
	cr_assert_eq(pci_set_driver(e.bdf, ""), 0);
	/* Removal unbound it: the context is gone, the fd is dead. */
	cr_assert_eq(test_stats().out_contexts, before);
	cr_assert_eq(dev_info(fd).out_flags & IOASID_DEVICE_INFO_BOUND, 0);
	ctx = ioasid_open();
	cr_assert_eq(dev_bind(fd, ctx, NULL), -ENODEV);
	cr_assert_eq(dev_attach(fd, 1), -ENODEV);
	cr_assert_eq(dev_detach(fd), -ENODEV);
	cr_assert_eq(dev_detach_pasid(fd, 1), -ENODEV);
	cr_assert_eq(dev_unbind(fd), -ENODEV);
	cr_assert_eq(pread(fd, &v, 4,
			   IOASID_REGION_OFFSET(IOASID_PCI_CONFIG_REGION)), -1);
	cr_assert_eq(errno, ENODEV);
	close(fd);
	close(ctx);
	/* And the device can come back. */
	fd = edu_open(e.bdf);
	close(fd);
}

Test(pci, bridges_are_not_assignable)
{
	char path[128];
	FILE *f;

	/* The PCIe-to-PCI bridge of the shared group: probe refuses it. */
	pci_set_driver("0000:01:00.0", "ioasid-pci");
	cr_assert_str_eq(pci_driver("0000:01:00.0"), "");
	cr_assert_eq(system("dmesg | tail -n 5 | grep -q "
			    "'0000:01:00.0: ioasid-pci: only endpoints can be assigned'"),
		     0);
	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/0000:01:00.0/driver_override");
	f = fopen(path, "w");
	cr_assert(f);
	fputs("\n", f);
	fclose(f);
}
