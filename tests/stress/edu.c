// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's qemu edu devices (1234:11e8), when present: bound to
 * ioasid-pci for the run (and given back at the end), opened into the
 * chaos pool (config space, BAR mappings that outlive detach, DMA from
 * memory into the device started and left running, the driver unbound
 * under open fds), and driven through a private context by verified
 * sequences that check the bytes a real DMA through the IOMMU moved.
 *
 * qemu 7.2's edu aborts the whole VM on a DMA outside its buffer, so every
 * DMA command written here is one the device accepts: memory -> buffer
 * with the destination at the buffer's start, or (verified, with the fd
 * held exclusively and the engine idle) buffer -> memory, 4000 bytes.
 */
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../edu_regs.h"
#include "stress.h"

#define SYS_PCI		"/sys/bus/pci/devices"
#define EDU_LEN		4000
#define BAR_SIZE	(1 << 20)

/* --- BAR access that survives revocation (SIGBUS) ----------------------- */

/*
 * Volatile, and fenced from the access: otherwise the compiler may drop
 * the store before the access as dead (it is overwritten right after).
 */
static __thread sigjmp_buf *volatile bus_jmp;
/* What the last caught SIGBUS said: where, why, and how it was sent. */
static __thread void *bus_addr;
static __thread int bus_code;
#define barrier()	__asm__ __volatile__("" ::: "memory")

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	char msg[128];
	int n;

	if (bus_jmp) {
		bus_addr = si->si_addr;
		bus_code = si->si_code;
		siglongjmp(*bus_jmp, 1);
	}
	n = snprintf(msg, sizeof(msg), "# SIGBUS at %p (code %d) in pid %d "
		     "outside a BAR access\n", si->si_addr, si->si_code,
		     (int)getpid());
	if (write(1, msg, n) < 0)
		n = 0;
	signal(sig, SIG_DFL);
	raise(sig);
}

void sigbus_init(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus,
				.sa_flags = SA_SIGINFO | SA_NODEFER };

	sigaction(SIGBUS, &sa, NULL);
}

int bar_read32(volatile void *bar, size_t off, uint32_t *v)
{
	sigjmp_buf jb;

	if (sigsetjmp(jb, 1)) {
		bus_jmp = NULL;
		return -1;
	}
	bus_jmp = &jb;
	barrier();
	*v = *(volatile uint32_t *)((volatile uint8_t *)bar + off);
	barrier();
	bus_jmp = NULL;
	return 0;
}

int bar_read64(volatile void *bar, size_t off, uint64_t *v)
{
	sigjmp_buf jb;

	if (sigsetjmp(jb, 1)) {
		bus_jmp = NULL;
		return -1;
	}
	bus_jmp = &jb;
	barrier();
	*v = *(volatile uint64_t *)((volatile uint8_t *)bar + off);
	barrier();
	bus_jmp = NULL;
	return 0;
}

int bar_write64(volatile void *bar, size_t off, uint64_t v)
{
	sigjmp_buf jb;

	if (sigsetjmp(jb, 1)) {
		bus_jmp = NULL;
		return -1;
	}
	bus_jmp = &jb;
	barrier();
	*(volatile uint64_t *)((volatile uint8_t *)bar + off) = v;
	barrier();
	bus_jmp = NULL;
	return 0;
}

/* --- sysfs -------------------------------------------------------------- */

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* A line in the kernel log, to place our sysfs writes among its messages. */
static void kmsg_note(const char *fmt, const char *bdf)
{
	char line[160];
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	snprintf(line, sizeof(line), "ioasid-stress[%d]: ", (int)getpid());
	snprintf(line + strlen(line), sizeof(line) - strlen(line), fmt, bdf);
	if (write(fd, line, strlen(line)) < 0)
		line[0] = '\0';
	close(fd);
}

static void read_attr(const char *bdf, const char *attr, char *out, size_t len)
{
	char path[300];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), SYS_PCI "/%s/%s", bdf, attr);
	out[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, out, len - 1);
	close(fd);
	out[n > 0 ? n : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
}

static void driver_of(const char *bdf, char *out, size_t len)
{
	char path[256], link[256];
	ssize_t n;

	snprintf(path, sizeof(path), SYS_PCI "/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	out[0] = '\0';
	if (n < 0)
		return;
	link[n] = '\0';
	snprintf(out, len, "%s", basename(link));
}

static unsigned int read_hex(const char *bdf, const char *attr)
{
	char path[256];
	unsigned int v = 0;
	FILE *f;

	snprintf(path, sizeof(path), SYS_PCI "/%s/%s", bdf, attr);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%x", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

int edu_discover(void)
{
	struct dirent **names;
	int n = scandir(SYS_PCI, &names, NULL, alphasort);

	sh->n_edu = 0;
	for (int i = 0; i < n; i++) {
		struct edu_dev *e = &sh->edu[sh->n_edu];
		char path[300], link[256], ovr[64] = "";
		struct dirent *de;
		ssize_t len;
		DIR *d;
		FILE *f;

		if (names[i]->d_name[0] == '.' || sh->n_edu >= 8 ||
		    read_hex(names[i]->d_name, "vendor") != 0x1234 ||
		    read_hex(names[i]->d_name, "device") != 0x11e8)
			goto next;
		memset(e, 0, sizeof(*e));
		snprintf(e->bdf, sizeof(e->bdf), "%.31s", names[i]->d_name);
		snprintf(path, sizeof(path), SYS_PCI "/%s/iommu_group", e->bdf);
		len = readlink(path, link, sizeof(link) - 1);
		if (len < 0)
			goto next;
		link[len] = '\0';
		e->group = strtoul(basename(link), NULL, 10);
		snprintf(path, sizeof(path), SYS_PCI "/%s/iommu_group/devices",
			 e->bdf);
		d = opendir(path);
		while (d && (de = readdir(d)))
			if (de->d_name[0] != '.')
				e->group_size++;
		if (d)
			closedir(d);
		driver_of(e->bdf, e->orig_driver, sizeof(e->orig_driver));
		snprintf(path, sizeof(path), SYS_PCI "/%s/driver_override",
			 e->bdf);
		f = fopen(path, "r");
		if (f) {
			if (fscanf(f, "%63s", ovr) == 1 && strcmp(ovr, "(null)"))
				e->had_override = true;
			fclose(f);
		}
		sh->n_edu++;
next:
		free(names[i]);
	}
	if (n > 0)
		free(names);
	return sh->n_edu;
}

static int edu_rebind(struct edu_dev *e)
{
	char path[300], drv[64];

	driver_of(e->bdf, drv, sizeof(drv));
	if (!strcmp(drv, "ioasid-pci"))
		return 0;
	if (drv[0]) {
		kmsg_note("unbind %s from its driver", e->bdf);
		snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/unbind", drv);
		write_str(path, e->bdf);
	}
	kmsg_note("bind %s to ioasid-pci", e->bdf);
	snprintf(path, sizeof(path), SYS_PCI "/%s/driver_override", e->bdf);
	write_str(path, "ioasid-pci");
	return write_str("/sys/bus/pci/drivers_probe", e->bdf);
}

void edu_bind_all(void)
{
	for (int i = 0; i < sh->n_edu; i++) {
		char node[128];

		edu_rebind(&sh->edu[i]);
		snprintf(node, sizeof(node), "/dev/ioasid-pci/%s", sh->edu[i].bdf);
		for (int w = 0; w < 100 && access(node, F_OK); w++)
			usleep(10000);
	}
}

void edu_restore(void)
{
	for (int i = 0; i < sh->n_edu; i++) {
		struct edu_dev *e = &sh->edu[i];
		char path[300], drv[64];

		driver_of(e->bdf, drv, sizeof(drv));
		if (!strcmp(drv, e->orig_driver))
			continue;
		if (drv[0]) {
			snprintf(path, sizeof(path),
				 "/sys/bus/pci/drivers/%s/unbind", drv);
			write_str(path, e->bdf);
		}
		snprintf(path, sizeof(path), SYS_PCI "/%s/driver_override",
			 e->bdf);
		write_str(path, e->had_override ? e->orig_driver : "\n");
		if (e->orig_driver[0])
			write_str("/sys/bus/pci/drivers_probe", e->bdf);
	}
}

/* --- chaos ---------------------------------------------------------------- */

int edu_open(struct thr *t, int i)
{
	char node[128];
	int fd;

	snprintf(node, sizeof(node), "/dev/ioasid-pci/%s", sh->edu[i].bdf);
	tlog(t, "open(%s)", node);
	fd = open(node, O_RDWR | O_CLOEXEC);
	if (note(t, K_OPEN_EDU, fd < 0 ? -errno : 0, false))
		return -1;
	put_dev(t, fd, DEV_EDU, false, sh->edu[i].group, i);
	return fd;
}

static void edu_yank(struct thr *t, int i)
{
	struct edu_dev *e = &sh->edu[i];
	int rc;

	if (atomic_exchange(&sh->edu_lock[i], 1))
		return;
	atomic_store(&sh->yank_pid[i], getpid());
	tlog(t, "unbind %s from ioasid-pci under its users", e->bdf);
	{
		char what[96];

		snprintf(what, sizeof(what), "yank: unbind %%s from ioasid-pci "
			 "(edu %d, yank gen %u)", i,
			 atomic_fetch_add(&sh->yank_gen[i], 1) + 1);
		kmsg_note(what, e->bdf);
	}
	rc = write_str("/sys/bus/pci/drivers/ioasid-pci/unbind", e->bdf);
	note(t, K_YANK, rc, false);
	usleep(below(&t->r, 20000));
	tlog(t, "rebind %s to ioasid-pci", e->bdf);
	rc = edu_rebind(e);
	note(t, K_YANK, rc, false);
	sh->yank_time[i] = now();
	atomic_fetch_add(&sh->yank_gen[i], 1);
	atomic_store(&sh->edu_lock[i], 0);
}

void op_edu(struct thr *t)
{
	struct fdref d;
	void *bar = NULL;
	off_t cfg_off = IOASID_REGION_OFFSET(IOASID_PCI_CONFIG_REGION);
	uint16_t cmd;
	uint32_t id;
	ssize_t n;

	if (!sh->n_edu || !cfg.edu)
		return;
	switch (below(&t->r, 20)) {
	case 0 ... 3:
		edu_open(t, below(&t->r, sh->n_edu));
		return;
	case 4:
		if (chance(&t->r, 1, 3))
			edu_yank(t, below(&t->r, sh->n_edu));
		return;
	default:
		break;
	}
	d = get_dev(t, DEV_EDU);
	pthread_mutex_lock(&t->p->lock);
	if (d.slot >= 0 && t->p->dev[d.slot].gen == d.gen)
		bar = t->p->dev[d.slot].bar;
	pthread_mutex_unlock(&t->p->lock);
	switch (below(&t->r, 8)) {
	case 0:		/* config space */
		tlog(t, "pread(edu fd %d, config +4)", d.fd);
		n = pread(d.fd, &cmd, 2, cfg_off + 4);
		note(t, K_CONFIG_RW, n < 0 ? -errno : 0, is_stale(t, &d, true));
		if (n == 2 && chance(&t->r, 1, 2)) {
			/* Bus master on or off; memory decode stays. */
			cmd = (cmd | 0x2) ^ (chance(&t->r, 1, 2) ? 0x4 : 0);
			tlog(t, "pwrite(edu fd %d, config command %#x)", d.fd, cmd);
			n = pwrite(d.fd, &cmd, 2, cfg_off + 4);
			note(t, K_CONFIG_RW, n < 0 ? -errno : 0,
			     is_stale(t, &d, true));
		}
		break;
	case 1: {	/* the kernel's part of config space */
		uint32_t v = 0xffffffff;

		tlog(t, "pwrite(edu fd %d, config BAR0)", d.fd);
		n = pwrite(d.fd, &v, 4, cfg_off + 0x10);
		if (n >= 0)
			bad(t, K_CONFIG_RW, "a write to BAR0 in config space "
			    "was accepted");
		else
			note(t, K_CONFIG_RW, -errno, is_stale(t, &d, true));
		break;
	}
	case 2:		/* a BAR mapping, kept in the slot */
	case 3: {
		void *p;

		if (bar)
			break;
		tlog(t, "mmap(edu fd %d, BAR0)", d.fd);
		p = mmap(NULL, BAR_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd,
			 IOASID_REGION_OFFSET(IOASID_PCI_BAR0_REGION));
		if (note(t, K_BAR, p == MAP_FAILED ? -errno : 0,
			 is_stale(t, &d, true)))
			break;
		pthread_mutex_lock(&t->p->lock);
		if (d.slot >= 0 && t->p->dev[d.slot].gen == d.gen &&
		    !t->p->dev[d.slot].bar) {
			t->p->dev[d.slot].bar = p;
			p = NULL;
		}
		pthread_mutex_unlock(&t->p->lock);
		if (p)
			munmap(p, BAR_SIZE);
		break;
	}
	case 4:		/* BAR read through a read() of the fd */
		tlog(t, "pread(edu fd %d, BAR0 id)", d.fd);
		n = pread(d.fd, &id, 4, IOASID_REGION_OFFSET(IOASID_PCI_BAR0_REGION));
		if (note(t, K_BAR, n < 0 ? -errno : 0, is_stale(t, &d, true)) == 0 &&
		    n == 4 && id != 0x010000ed && id != 0xffffffff)
			bad(t, K_BAR, "edu id register reads %#x", id);
		break;
	default:	/* the mapping: revoked (SIGBUS) or the device */
		edu_chaos(t);
		break;
	}
}

/* Through a kept BAR mapping: read the id, maybe start a DMA from memory. */
void edu_chaos(struct thr *t)
{
	struct proc *p = t->p;
	void *bar = NULL;
	uint64_t c;
	uint32_t id;

	pthread_mutex_lock(&p->lock);
	for (int i = 0; i < NDEV && !bar; i++)
		if (p->dev[(i + t->idx) % NDEV].bar)
			bar = p->dev[(i + t->idx) % NDEV].bar;
	if (!bar) {
		pthread_mutex_unlock(&p->lock);
		return;
	}
	/* Under the lock: close cannot munmap it meanwhile. */
	tlog(t, "read the edu id through a kept BAR mapping");
	if (bar_read32(bar, EDU_ID, &id)) {
		pthread_mutex_unlock(&p->lock);
		note(t, K_BAR, -EACCES, false);	/* revoked: SIGBUS */
		return;
	}
	note(t, K_BAR, 0, false);
	if (id != 0x010000ed && id != 0xffffffff)
		bad(t, K_BAR, "edu id register reads %#x through the mapping", id);
	if (id == 0x010000ed && chance(&t->r, 1, 2) &&
	    !bar_read64(bar, EDU_DMA_CMD, &c) && !(c & EDU_DMA_START)) {
		uint64_t iova = pick_iova(t) & ~(PG - 1);

		/* Memory -> device buffer: lands nowhere but the device. */
		tlog(t, "edu DMA from IOVA %#llx into its buffer, left running",
		     (unsigned long long)iova);
		if (bar_write64(bar, EDU_DMA_SRC, iova) ||
		    bar_write64(bar, EDU_DMA_DST, EDU_BUFFER) ||
		    bar_write64(bar, EDU_DMA_COUNT, 1 + below(&t->r, EDU_LEN)) ||
		    bar_write64(bar, EDU_DMA_CMD, EDU_DMA_START))
			note(t, K_EDU_DMA, -EACCES, false);
		else
			note(t, K_EDU_DMA, 0, false);
	}
	pthread_mutex_unlock(&p->lock);
}

/* --- verified ------------------------------------------------------------- */

static int ioc(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

/* Why the last edu_idle()/edu_run() failed. */
static __thread char edu_why[200];

/* Wait for the DMA engine to be idle; false on timeout or revocation. */
static bool edu_idle(volatile void *bar, double sec)
{
	double start = now(), end = start + sec;
	uint64_t c = 0;

	do {
		if (bar_read64(bar, EDU_DMA_CMD, &c)) {
			snprintf(edu_why, sizeof(edu_why), "SIGBUS (code %d at %p, "
				 "BAR at %p) reading the DMA command register after "
				 "%.2f s", bus_code, bus_addr, (void *)bar,
				 now() - start);
			return false;
		}
		if (!(c & EDU_DMA_START))
			return true;
		usleep(200);
	} while (now() < end);
	snprintf(edu_why, sizeof(edu_why), "DMA engine still busy after %.1f s "
		 "(command %#llx)", sec, (unsigned long long)c);
	return false;
}

static bool edu_run(volatile void *bar, bool to_ram, uint64_t iova)
{
	if (bar_write64(bar, EDU_DMA_SRC, to_ram ? EDU_BUFFER : iova) ||
	    bar_write64(bar, EDU_DMA_DST, to_ram ? iova : EDU_BUFFER) ||
	    bar_write64(bar, EDU_DMA_COUNT, EDU_LEN) ||
	    bar_write64(bar, EDU_DMA_CMD,
			EDU_DMA_START | (to_ram ? EDU_DMA_TO_RAM : 0))) {
		snprintf(edu_why, sizeof(edu_why), "SIGBUS writing a DMA "
			 "register (BAR revoked)");
		return false;
	}
	return edu_idle(bar, 5);
}

/*
 * A private context, one edu: memory -> device -> memory through the
 * IOMMU, exact bytes; then the destination unmapped, and a DMA into it
 * must leave memory untouched.  A yank of the driver meanwhile (another
 * process) turns failures into an abort.
 */
void edu_verify(struct thr *t)
{
	const uint64_t SRC = 0x100000, DST = 0x200000;
	int i = below(&t->r, sh->n_edu), dev = -1, ctx = -1, rc = 0;
	uint32_t gen = atomic_load(&sh->yank_gen[i]), ioas;
	struct ioasid_ioas_alloc a = { .size = sizeof(a) };
	struct ioasid_device_bind b = { .size = sizeof(b) };
	struct ioasid_device_attach at = { .size = sizeof(at) };
	struct ioasid_ioas_map m = { .size = sizeof(m) };
	struct ioasid_ioas_unmap u = { .size = sizeof(u) };
	off_t cfg_off = IOASID_REGION_OFFSET(IOASID_PCI_CONFIG_REGION) + 4;
	uint8_t *src = NULL, *dst = NULL;
	void *bar = MAP_FAILED;
	const char *why = NULL;
	char node[128];
	uint16_t cmd;

	edu_why[0] = '\0';
/* Odd: a yank was under way when the sequence began. */
#define YANKED()	((gen & 1) || atomic_load(&sh->yank_gen[i]) != gen)
#define STEP(k, expr, what) do {					\
		tlog(t, "edu-verify %s: %s", sh->edu[i].bdf, what);	\
		rc = (expr);						\
		if (rc) {						\
			note(t, k, rc, false);				\
			if (!YANKED() && (k) != K_BIND)			\
				why = what;				\
			goto out;					\
		}							\
		note(t, k, 0, false);					\
	} while (0)

	snprintf(node, sizeof(node), "/dev/ioasid-pci/%s", sh->edu[i].bdf);
	tlog(t, "edu-verify: open(%s)", node);
	dev = open(node, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		note(t, K_OPEN_EDU, -errno, false);
		atomic_fetch_add(&sh->err[K_VERIFY], 1);
		return;
	}
	{
		int low = dev;

		dev = fcntl(low, F_DUPFD_CLOEXEC, 600);
		close(low);
		low = open("/dev/ioasid", O_RDWR | O_CLOEXEC);
		ctx = low < 0 ? -1 : fcntl(low, F_DUPFD_CLOEXEC, 600);
		if (low >= 0)
			close(low);
	}
	src = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	dst = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	if (ctx < 0 || src == MAP_FAILED || dst == MAP_FAILED) {
		why = "set-up";
		goto out;
	}
	for (int k = 0; k < (int)PG; k++)
		src[k] = (uint8_t)(k * 7 + 3 + gen);
	memset(dst, 0xaa, PG);
	b.ioasid_fd = ctx;
	/* The group may be another context's (the shared-group sibling). */
	STEP(K_BIND, ioc(dev, IOASID_DEVICE_BIND, &b), "bind");
	STEP(K_IOAS_ALLOC, ioc(ctx, IOASID_IOAS_ALLOC, &a), "IOAS alloc");
	ioas = a.out_ioas_id;
	m = (struct ioasid_ioas_map){ .size = sizeof(m), .flags = FIXED | RO,
		.ioas_id = ioas, .user_va = (uintptr_t)src, .length = PG,
		.iova = SRC };
	STEP(K_MAP, ioc(ctx, IOASID_IOAS_MAP, &m), "map the source");
	m.flags = FIXED | WO;
	m.user_va = (uintptr_t)dst;
	m.iova = DST;
	STEP(K_MAP, ioc(ctx, IOASID_IOAS_MAP, &m), "map the destination");
	at.ioas_id = ioas;
	STEP(K_ATTACH, ioc(dev, IOASID_DEVICE_ATTACH, &at), "attach");
	tlog(t, "edu-verify %s: mmap BAR0", sh->edu[i].bdf);
	bar = mmap(NULL, BAR_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, dev,
		   IOASID_REGION_OFFSET(IOASID_PCI_BAR0_REGION));
	if (bar == MAP_FAILED) {
		rc = -errno;
		note(t, K_BAR, rc, false);
		if (!YANKED())
			why = "mmap BAR0 of an attached device";
		goto out;
	}
	if (pread(dev, &cmd, 2, cfg_off) != 2) {
		rc = -errno;
		if (!YANKED())
			why = "read the command register";
		goto out;
	}
	cmd |= 0x6;
	if (pwrite(dev, &cmd, 2, cfg_off) != 2) {
		rc = -errno;
		if (!YANKED())
			why = "turn bus mastering on";
		goto out;
	}
	tlog(t, "edu-verify %s: wait for the DMA engine to be idle",
	     sh->edu[i].bdf);
	if (!edu_idle(bar, 5)) {
		if (!YANKED())
			why = "waiting for a previous owner's DMA to end";
		goto out;
	}
	tlog(t, "edu-verify %s: DMA memory -> device", sh->edu[i].bdf);
	if (!edu_run(bar, false, SRC)) {
		if (!YANKED())
			why = "the DMA memory -> device";
		goto out;
	}
	tlog(t, "edu-verify %s: DMA device -> memory", sh->edu[i].bdf);
	if (!edu_run(bar, true, DST)) {
		if (!YANKED())
			why = "the DMA device -> memory";
		goto out;
	}
	if (YANKED())
		goto out;
	for (int k = 0; k < (int)PG; k++) {
		uint8_t want = k < EDU_LEN ? src[k] : 0xaa;

		if (dst[k] != want) {
			bad(t, K_EDU_DMA, "%s: byte %#x of the destination is %#x, "
			    "not %#x, after memory -> device -> memory",
			    sh->edu[i].bdf, k, dst[k], want);
			goto out;
		}
	}
	note(t, K_EDU_DMA, 0, false);
	if (chance(&t->r, 1, 3)) {
		u = (struct ioasid_ioas_unmap){ .size = sizeof(u), .ioas_id = ioas,
			.iova = DST, .length = PG };
		STEP(K_UNMAP, ioc(ctx, IOASID_IOAS_UNMAP, &u), "unmap the destination");
		memset(dst, 0x55, PG);
		tlog(t, "edu-verify %s: DMA into the unmapped IOVA", sh->edu[i].bdf);
		if (!edu_run(bar, true, DST)) {
			if (!YANKED())
				why = "a DMA into an unmapped IOVA";
			goto out;
		}
		for (int k = 0; k < (int)PG; k++)
			if (dst[k] != 0x55) {
				bad(t, K_EDU_DMA, "%s: a DMA to an unmapped IOVA "
				    "wrote byte %#x of the old page", sh->edu[i].bdf, k);
				goto out;
			}
		note(t, K_EDU_DMA, 0, false);
	}
out:
	if (why) {
		struct ioasid_device_info info = { .size = sizeof(info) };
		char drv[64], ovr[64], state[200];
		int irc = ioc(dev, IOASID_DEVICE_GET_INFO, &info);
		ssize_t n = pread(dev, &cmd, 2, cfg_off);

		/* What the device says of itself now: bound, attached, gone? */
		driver_of(sh->edu[i].bdf, drv, sizeof(drv));
		read_attr(sh->edu[i].bdf, "driver_override", ovr, sizeof(ovr));
		{
			char what[96];

			snprintf(what, sizeof(what), "edu-verify of %%s failed (edu %d, "
				 "yank gen %u)", i, atomic_load(&sh->yank_gen[i]));
			kmsg_note(what, sh->edu[i].bdf);
		}
		snprintf(state, sizeof(state), "info %s flags %#x ioas %u; config "
			 "read %s; driver '%s' override '%s'; last yank %.1f s ago "
			 "(gen %u -> %u)",
			 irc ? errname(-irc) : "ok", info.out_flags, info.out_ioas_id,
			 n == 2 ? "ok" : errname(errno), drv, ovr,
			 sh->yank_time[i] ? now() - sh->yank_time[i] : -1.0, gen,
			 atomic_load(&sh->yank_gen[i]));
		tlog(t, "edu-verify %s: %s failed", sh->edu[i].bdf, why);
		bad(t, K_VERIFY, "edu %s: %s failed: %s; %s", sh->edu[i].bdf, why,
		    rc ? errname(-rc) : edu_why[0] ? edu_why : "?", state);
	} else {
		atomic_fetch_add(YANKED() || rc ? &sh->err[K_VERIFY] :
			&sh->ok[K_VERIFY], 1);
	}
	if (bar != MAP_FAILED) {
		/* Engine idle before the fd goes: the next owner starts clean. */
		edu_idle(bar, 5);
		munmap(bar, BAR_SIZE);
	}
	if (chance(&t->r, 1, 2)) {
		close(ctx);
		close(dev);
	} else {
		close(dev);
		if (ctx >= 0)
			close(ctx);
	}
	if (src && src != MAP_FAILED)
		munmap(src, PG);
	if (dst && dst != MAP_FAILED)
		munmap(dst, PG);
#undef STEP
#undef YANKED
}
