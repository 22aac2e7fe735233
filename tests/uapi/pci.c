// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pci.h"

#define SYS_PCI "/sys/bus/pci/devices"

static int read_hex(const char *bdf, const char *attr, unsigned int *v)
{
	char path[256];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), SYS_PCI "/%s/%s", bdf, attr);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fscanf(f, "%x", v);
	fclose(f);
	return n == 1 ? 0 : -1;
}

static int group_of(const char *bdf, uint32_t *group, int *size)
{
	char path[256], link[256];
	struct dirent *de;
	ssize_t n;
	DIR *d;

	snprintf(path, sizeof(path), SYS_PCI "/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = '\0';
	*group = strtoul(basename(link), NULL, 10);
	snprintf(path, sizeof(path), SYS_PCI "/%s/iommu_group/devices", bdf);
	d = opendir(path);
	if (!d)
		return -1;
	*size = 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			(*size)++;
	closedir(d);
	return 0;
}

/* The n-th edu whose group is (or is not) a singleton. */
static struct edu edu_find(bool singleton, int n)
{
	struct dirent **names;
	struct edu e = { 0 };
	int i, count, seen = 0;

	count = scandir(SYS_PCI, &names, NULL, alphasort);
	cr_assert_gt(count, 0, "no PCI devices");
	for (i = 0; i < count; i++) {
		unsigned int vendor, device;
		struct edu c = { 0 };

		if (names[i]->d_name[0] == '.' ||
		    read_hex(names[i]->d_name, "vendor", &vendor) ||
		    read_hex(names[i]->d_name, "device", &device) ||
		    vendor != 0x1234 || device != 0x11e8)
			continue;
		snprintf(c.bdf, sizeof(c.bdf), "%.31s", names[i]->d_name);
		if (group_of(c.bdf, &c.group, &c.group_size))
			continue;
		if ((c.group_size == 1) == singleton && seen++ == n)
			e = c;
	}
	for (i = 0; i < count; i++)
		free(names[i]);
	free(names);
	cr_assert(e.bdf[0], "no %s edu device #%d in this guest",
		  singleton ? "singleton" : "shared-group", n);
	return e;
}

struct edu edu_singleton(int n)
{
	return edu_find(true, n);
}

struct edu edu_shared(int n)
{
	return edu_find(false, n);
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

const char *pci_driver(const char *bdf)
{
	static char name[64];
	char path[256], link[256];
	ssize_t n;

	snprintf(path, sizeof(path), SYS_PCI "/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return "";
	link[n] = '\0';
	snprintf(name, sizeof(name), "%s", basename(link));
	return name;
}

int pci_set_driver(const char *bdf, const char *driver)
{
	char path[256];
	const char *cur = pci_driver(bdf);
	int rc;

	if (*cur) {
		snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/unbind",
			 cur);
		rc = write_str(path, bdf);
		if (rc)
			return rc;
	}
	snprintf(path, sizeof(path), SYS_PCI "/%s/driver_override", bdf);
	rc = write_str(path, *driver ? driver : "\n");
	if (rc || !*driver)
		return rc;
	return write_str("/sys/bus/pci/drivers_probe", bdf);
}

void edu_release_all(void)
{
	for (int i = 0; i < 2; i++) {
		pci_set_driver(edu_singleton(i).bdf, "");
		pci_set_driver(edu_shared(i).bdf, "");
	}
}

int edu_open(const char *bdf)
{
	char path[64];
	int fd;

	cr_assert_eq(pci_set_driver(bdf, "ioasid-pci"), 0,
		     "bind %s to ioasid-pci", bdf);
	snprintf(path, sizeof(path), "/dev/ioasid-pci/%s", bdf);
	fd = open(path, O_RDWR | O_CLOEXEC);
	cr_assert_geq(fd, 0, "open %s: %s", path, strerror(errno));
	return fd;
}

int edu_dma(volatile void *bar, bool to_ram, uint64_t iova, uint32_t len)
{
	volatile uint64_t *reg = bar;
	struct timespec start, now;

	reg[EDU_DMA_SRC / 8] = to_ram ? EDU_BUFFER : iova;
	reg[EDU_DMA_DST / 8] = to_ram ? iova : EDU_BUFFER;
	reg[EDU_DMA_COUNT / 8] = len;
	reg[EDU_DMA_CMD / 8] = EDU_DMA_START | (to_ram ? EDU_DMA_TO_RAM : 0);
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (reg[EDU_DMA_CMD / 8] & EDU_DMA_START) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 5)
			return -ETIMEDOUT;
		usleep(100);
	}
	return 0;
}
