// SPDX-License-Identifier: GPL-2.0
/*
 * The bookkeeping of ioasid-stress: classifying every result against the
 * errnos the uAPI header documents, reporting violations with the call
 * and the thread's recent history, placing ioctl structs where the kernel
 * must fail cleanly, and the position pattern every chaos buffer holds.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "stress.h"

struct shared *sh;
struct config cfg;

struct kind_info {
	const char *label;
	bool ioctl;
	const int *errs;
};

#define X(name, label, ioctl, ...) \
	static const int errs_##name[] = { __VA_ARGS__ 0 };
KINDS(X)
#undef X

static const struct kind_info kinds[K_NR] = {
#define X(name, label, ioctl, ...) [K_##name] = { label, ioctl, errs_##name },
	KINDS(X)
#undef X
};

/* Common to every ioctl: the header's conventions (and, at least, these). */
static const int common_errs[] = { DOC_COMMON EFAULT, EINVAL, E2BIG, EOPNOTSUPP,
				   ENOTTY };

const char *kind_name(enum kind k)
{
	return kinds[k].label;
}

/* The table every result is judged by (--list-errnos). */
void list_errnos(void)
{
	for (int k = 0; k < K_NR; k++) {
		printf("%-36s", kinds[k].label);
		for (const int *p = kinds[k].errs; *p; p++)
			printf(" %s", errname(*p));
		if (kinds[k].ioctl)
			printf(" + common:");
		for (size_t i = 0; kinds[k].ioctl && i < ARRAY_SIZE(common_errs); i++) {
			size_t j;

			for (j = 0; j < i && common_errs[j] != common_errs[i]; j++)
				;
			if (j == i)
				printf(" %s", errname(common_errs[i]));
		}
		printf("\n");
	}
}

bool kind_allows(enum kind k, int e)
{
	for (const int *p = kinds[k].errs; *p; p++)
		if (*p == e)
			return true;
	if (kinds[k].ioctl)
		for (size_t i = 0; i < ARRAY_SIZE(common_errs); i++)
			if (common_errs[i] == e)
				return true;
	return false;
}

const char *errname(int e)
{
	static const struct { int e; const char *n; } names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINTR, "EINTR" },
		{ EIO, "EIO" }, { ENXIO, "ENXIO" }, { E2BIG, "E2BIG" },
		{ EBADF, "EBADF" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
		{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
		{ EEXIST, "EEXIST" }, { ENODEV, "ENODEV" }, { EINVAL, "EINVAL" },
		{ ENFILE, "ENFILE" }, { EMFILE, "EMFILE" }, { ENOTTY, "ENOTTY" },
		{ ENOSPC, "ENOSPC" }, { ERANGE, "ERANGE" }, { EDEADLK, "EDEADLK" },
		{ ENOSYS, "ENOSYS" }, { EOVERFLOW, "EOVERFLOW" },
		{ EMSGSIZE, "EMSGSIZE" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ EADDRINUSE, "EADDRINUSE" }, { EALREADY, "EALREADY" },
		{ EDQUOT, "EDQUOT" }, { ESRCH, "ESRCH" }, { ECHILD, "ECHILD" },
		{ ETIMEDOUT, "ETIMEDOUT" }, { ESPIPE, "ESPIPE" },
	};
	static __thread char other[16];

	if (e == 0)
		return "semantic";
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].e == e)
			return names[i].n;
	snprintf(other, sizeof(other), "errno %d", e);
	return other;
}

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One write per message: lines of different processes do not mix. */
void emit(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	if (write(1, buf, n) < 0)
		return;
}

/* Describe the call about to be made: the violation report shows it. */
void tlog(struct thr *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->desc, sizeof(t->desc), fmt, ap);
	va_end(ap);
	memcpy(t->log[t->logpos++ % ARRAY_SIZE(t->log)], t->desc,
	       sizeof(t->desc));
}

static void report(struct thr *t, enum kind k, int e, const char *what)
{
	char buf[4000];
	size_t n = 0, limit = e ? (size_t)cfg.max_prints : 10;
	unsigned int first;

	atomic_fetch_add(&sh->viol[k], 1);
	atomic_fetch_add(&sh->viols[k][e], 1);
	atomic_fetch_add(&sh->round_viol, 1);
	if (atomic_fetch_add(&sh->printed[k][e], 1) >= limit)
		return;

	n += snprintf(buf + n, sizeof(buf) - n,
		      "# VIOLATION round %d proc %d pid %d thread %d%s: %s: %s\n"
		      "#   call: %s\n",
		      sh->round, t->p->idx, (int)getpid(), t->idx,
		      t->p->in_child ? " (forked copy)" : "", kind_name(k),
		      what, t->desc);
	n += snprintf(buf + n, sizeof(buf) - n,
		      "#   this thread's operations before it (oldest first):\n");
	first = t->logpos > ARRAY_SIZE(t->log) ?
		t->logpos - ARRAY_SIZE(t->log) : 0;
	/* The last entry is the call itself. */
	for (unsigned int i = first; i + 1 < t->logpos && n < sizeof(buf) - 256;
	     i++)
		n += snprintf(buf + n, sizeof(buf) - n, "#     %s\n",
			      t->log[i % ARRAY_SIZE(t->log)]);
	if (e == EBADF && t->cur_fd >= 0) {
		char path[64], link[200];
		ssize_t l;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", t->cur_fd);
		l = readlink(path, link, sizeof(link) - 1);
		link[l > 0 ? l : 0] = '\0';
		n += snprintf(buf + n, sizeof(buf) - n, "#   fd %d now: %s\n",
			      t->cur_fd, l > 0 ? link : "(closed)");
	}
	emit("%s", buf);
}

/*
 * Count the result of one operation: 0 ok, 1 an error its interface
 * documents, 2 a violation (reported).  @stale: the fd the call went to
 * may have been closed meanwhile (or was a hostile number), so EBADF is
 * the syscall's answer, not the module's.
 */
int note(struct thr *t, enum kind k, int rc, bool stale)
{
	char what[96];
	int e = -rc;

	if (rc == 0) {
		atomic_fetch_add(&sh->ok[k], 1);
		return 0;
	}
	if (e <= 0 || e >= NERRNO)
		e = NERRNO - 1;
	atomic_fetch_add(&sh->errs[k][e], 1);
	if (kind_allows(k, e) || (stale && e == EBADF)) {
		atomic_fetch_add(&sh->err[k], 1);
		return 1;
	}
	snprintf(what, sizeof(what), "%s (%d) is not documented for it",
		 errname(e), e);
	report(t, k, e, what);
	return 2;
}

/* A result that contradicts what the interface promises. */
void bad(struct thr *t, enum kind k, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	report(t, k, 0, what);
}

/*
 * ioctl(fd, req, arg) where the struct of @len bytes (starting with its
 * __u32 size) may be placed, when the thread allows it, in a read-only
 * page (the reply copy must fail cleanly), across the end of the readable
 * memory, behind a larger size with zero or non-zero tail, or under a
 * short size.  Returns 0 or -errno; the struct as the kernel left it is
 * copied back to @arg where it could be written.
 */
int xioctl(struct thr *t, int fd, unsigned long req, void *arg, size_t len,
	   int *placement)
{
	int pl = PL_NORMAL, rc;
	uint8_t *where = arg;
	size_t cut;

	if (t->hostile_args && chance(&t->r, 1, 20))
		pl = 1 + below(&t->r, PL_NR - 1);
	switch (pl) {
	case PL_RO:
		mprotect(t->ro, PG, PROT_READ | PROT_WRITE);
		memcpy(t->ro, arg, len);
		mprotect(t->ro, PG, PROT_READ);
		where = t->ro;
		break;
	case PL_STRADDLE:
		/* The struct runs into a PROT_NONE page. */
		cut = 1 + below(&t->r, len - 1);
		where = t->edge + PG - cut;
		memcpy(where, arg, cut);
		break;
	case PL_BIGZERO:
	case PL_BIGJUNK:
		where = t->scratch + 5 * PG;
		memcpy(where, arg, len);
		memset(where + len, 0, 16);
		if (pl == PL_BIGJUNK)
			where[len + below(&t->r, 16)] = 0x5a;
		*(uint32_t *)where = len + 16;
		break;
	case PL_BADPTR:
		where = below(&t->r, 2) ? NULL : (uint8_t *)0xffff888000000000ull;
		break;
	case PL_SMALL:
		where = t->scratch + 5 * PG;
		memcpy(where, arg, len);
		*(uint32_t *)where = below(&t->r, 2) ? 0 : len - 4;
		break;
	}
	t->cur_fd = fd;
	rc = ioctl(fd, req, where) ? -errno : 0;
	if (pl == PL_RO || pl == PL_BIGZERO) {
		uint32_t size = *(uint32_t *)arg;

		memcpy(arg, where, len);
		*(uint32_t *)arg = size;
	}
	if (placement)
		*placement = pl;
	return rc;
}

/* VmLck of this process, in kB (-1 if unknown). */
long vmlck_kb(void)
{
	char buf[4096];
	long kb = -1;
	ssize_t n;
	char *p;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "VmLck:");
	if (p)
		kb = strtol(p + 6, NULL, 10);
	return kb;
}

/*
 * Every page chaos threads may map holds the same pattern, a function of
 * the offset in the page: whatever a mock DMA reads through any chaos
 * mapping must be that pattern, or the device reached a page that is not
 * (or no longer) the one user space gave.
 */
uint8_t ppat(uint64_t addr)
{
	unsigned int o = addr & (PG - 1);

	return (uint8_t)((o * 13 + 0x5a) ^ (o >> 8));
}

void fill_ppat(uint8_t *p, size_t len)
{
	static uint8_t page[PG];
	static bool init;

	if (!init) {
		for (unsigned int i = 0; i < PG; i++)
			page[i] = ppat(i);
		init = true;
	}
	for (size_t off = 0; off < len; off += PG)
		memcpy(p + off, page, len - off < PG ? len - off : PG);
}

/* @len bytes of anonymous memory with PROT_NONE guards of @guard bytes. */
uint8_t *map_guarded(size_t len, size_t guard, int prot)
{
	uint8_t *p = mmap(NULL, len + 2 * guard, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (prot != PROT_NONE && mprotect(p + guard, len, prot)) {
		munmap(p, len + 2 * guard);
		return NULL;
	}
	return p + guard;
}

int test_op(int fd, struct ioasid_test *t)
{
	t->size = sizeof(*t);
	return ioctl(fd, IOASID_TEST, t) ? -errno : 0;
}

int stats_now(int fd, struct ioasid_test_stats *s)
{
	struct ioasid_test t = { .op = IOASID_TEST_STATS };
	int rc = test_op(fd, &t);

	if (!rc)
		*s = t.stats;
	return rc;
}
