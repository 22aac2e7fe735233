// SPDX-License-Identifier: GPL-2.0
/*
 * A worker process of a round: its pool of contexts and device fds (slots
 * that threads close, dup and refill under each other), its buffers, its
 * threads, fork with everything mapped, and the way it ends (closing
 * contexts before devices, devices before contexts, in random order,
 * leaving it to exit, or exiting while its threads are inside ioctls).
 */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

#include "stress.h"

/* --- the pool ------------------------------------------------------------ */

/*
 * Pool fds live at POOL_FD and up, everything else the worker opens below:
 * a thread holding a stale pool number (closed by another thread) can only
 * ever reach another pool fd, never a sysfs or proc file opened meanwhile.
 */
#define POOL_FD	300

int pool_fd(int fd)
{
	int n;

	if (fd < 0 || fd >= POOL_FD)
		return fd;
	n = fcntl(fd, F_DUPFD_CLOEXEC, POOL_FD);
	close(fd);
	return n;
}

struct fdref get_ctx(struct thr *t)
{
	struct proc *p = t->p;
	struct fdref r = { .fd = -1, .slot = -1 };
	int s = 0;

	if (chance(&t->r, 1, 60)) {
		/* Not a context at all. */
		r.hostile = true;
		switch (below(&t->r, 3)) {
		case 0:
			r.fd = -1;
			break;
		case 1:
			r.fd = 1000 + below(&t->r, 24);
			break;
		default:
			pthread_mutex_lock(&p->lock);
			r.fd = p->dev[below(&t->r, NDEV)].fd;
			pthread_mutex_unlock(&p->lock);
			break;
		}
		return r;
	}
	pthread_mutex_lock(&p->lock);
	for (int i = 0; i < 4; i++) {
		s = below(&t->r, NCTX);
		if (p->ctx[s].fd >= 0)
			break;
	}
	r.slot = s;
	r.fd = p->ctx[s].fd;
	r.gen = p->ctx[s].gen;
	r.foreign = p->ctx[s].foreign;
	r.hostile = r.fd < 0;
	pthread_mutex_unlock(&p->lock);
	return r;
}

/* A device slot, preferring @want_kind (DEV_NONE: any). */
struct fdref get_dev(struct thr *t, int want_kind)
{
	struct proc *p = t->p;
	struct fdref r = { .fd = -1, .slot = -1 };
	int s = 0;

	if (chance(&t->r, 1, 60)) {
		r.hostile = true;
		pthread_mutex_lock(&p->lock);
		r.fd = below(&t->r, 2) ? -1 : p->ctx[below(&t->r, NCTX)].fd;
		pthread_mutex_unlock(&p->lock);
		return r;
	}
	pthread_mutex_lock(&p->lock);
	for (int i = 0; i < 6; i++) {
		s = below(&t->r, NDEV);
		if (p->dev[s].fd >= 0 &&
		    (want_kind == DEV_NONE || (int)p->dev[s].kind == want_kind))
			break;
	}
	r.slot = s;
	r.fd = p->dev[s].fd;
	r.gen = p->dev[s].gen;
	r.foreign = p->dev[s].foreign;
	r.hostile = r.fd < 0;
	pthread_mutex_unlock(&p->lock);
	return r;
}

/* Was the fd closed (or never one of ours) since @r was taken? */
bool is_stale(struct thr *t, const struct fdref *r, bool dev)
{
	bool stale;

	if (r->hostile || r->slot < 0)
		return true;
	pthread_mutex_lock(&t->p->lock);
	stale = (dev ? t->p->dev[r->slot].gen : t->p->ctx[r->slot].gen) !=
		r->gen;
	pthread_mutex_unlock(&t->p->lock);
	return stale;
}

static struct ctx_slot *live_ctx(struct thr *t, const struct fdref *c)
{
	if (c->slot < 0 || c->hostile || t->p->ctx[c->slot].gen != c->gen)
		return NULL;
	return &t->p->ctx[c->slot];
}

/* An IOAS id of the context (or a stale, random or foreign one). */
uint32_t pick_ioas(struct thr *t, const struct fdref *c, bool *nested)
{
	struct ctx_slot *cs;
	uint32_t id;

	*nested = false;
	pthread_mutex_lock(&t->p->lock);
	cs = live_ctx(t, c);
	if (cs && cs->nioas && chance(&t->r, 4, 5)) {
		unsigned int n = cs->nioas < NIDS ? cs->nioas : NIDS;
		unsigned int i = below(&t->r, n);

		id = cs->ioas[i];
		*nested = cs->nested[i];
	} else if (cs && cs->ndevid && chance(&t->r, 1, 6)) {
		id = cs->devid[below(&t->r, cs->ndevid < 4 ? cs->ndevid : 4)];
	} else {
		switch (below(&t->r, 8)) {
		case 0:
			id = 0;
			break;
		case 1:
			id = ~0u - below(&t->r, 4);
			break;
		default:
			id = 1 + below(&t->r, 24);
			break;
		}
	}
	pthread_mutex_unlock(&t->p->lock);
	return id;
}

uint32_t pick_pasid(struct thr *t, const struct fdref *c)
{
	struct ctx_slot *cs;
	uint32_t v;

	pthread_mutex_lock(&t->p->lock);
	cs = live_ctx(t, c);
	if (cs && cs->npasid && chance(&t->r, 3, 4))
		v = cs->pasid[below(&t->r, cs->npasid < 4 ? cs->npasid : 4)];
	else if (chance(&t->r, 1, 2))
		v = sh->contended_pasid;
	else if (chance(&t->r, 1, 3))
		v = below(&t->r, 2) ? 0 : IOASID_PASID_MAX + 1 + below(&t->r, 9);
	else
		v = 1 + below(&t->r, 64);
	pthread_mutex_unlock(&t->p->lock);
	return v;
}

uint32_t pick_devid(struct thr *t, const struct fdref *c)
{
	struct ctx_slot *cs;
	uint32_t v = 1 + below(&t->r, 24);

	pthread_mutex_lock(&t->p->lock);
	cs = live_ctx(t, c);
	if (cs && cs->ndevid)
		v = cs->devid[below(&t->r, cs->ndevid < 4 ? cs->ndevid : 4)];
	pthread_mutex_unlock(&t->p->lock);
	return v;
}

/* Remember an id the context handed out (what: 0 IOAS, 1 PASID, 2 dev). */
void add_id(struct thr *t, const struct fdref *c, int what, uint32_t id,
	    bool nested)
{
	struct ctx_slot *cs;

	pthread_mutex_lock(&t->p->lock);
	cs = live_ctx(t, c);
	if (cs) {
		switch (what) {
		case 0:
			cs->nested[cs->nioas % NIDS] = nested;
			cs->ioas[cs->nioas++ % NIDS] = id;
			break;
		case 1:
			cs->pasid[cs->npasid++ % 4] = id;
			break;
		default:
			cs->devid[cs->ndevid++ % 4] = id;
			break;
		}
	}
	pthread_mutex_unlock(&t->p->lock);
}

static void slot_release(int fd, void *bar, struct thr *t)
{
	if (bar)
		munmap(bar, 1 << 20);
	if (fd >= 0) {
		tlog(t, "close(fd %d)", fd);
		note(t, K_CLOSE, close(fd) ? -errno : 0, false);
	}
}

/* Put a new device fd in a slot (closing whatever was there). */
int put_dev(struct thr *t, int fd, enum dev_kind kind, bool pasid,
	    uint32_t group, int edu)
{
	struct proc *p = t->p;
	int s = below(&t->r, NDEV), old;
	void *bar;

	fd = pool_fd(fd);
	pthread_mutex_lock(&p->lock);
	for (int i = 0; i < NDEV; i++)
		if (p->dev[(s + i) % NDEV].fd < 0) {
			s = (s + i) % NDEV;
			break;
		}
	old = p->dev[s].fd;
	bar = p->dev[s].bar;
	p->dev[s] = (struct dev_slot){
		.fd = fd, .gen = p->dev[s].gen + 1, .kind = kind,
		.pasid = pasid, .group = group, .edu = edu, .bound_ctx = -1,
	};
	pthread_mutex_unlock(&p->lock);
	slot_release(old, bar, t);
	return s;
}

static int put_ctx(struct thr *t, int fd)
{
	struct proc *p = t->p;
	int s = below(&t->r, NCTX), old;

	fd = pool_fd(fd);
	pthread_mutex_lock(&p->lock);
	old = p->ctx[s].fd;
	p->ctx[s] = (struct ctx_slot){ .fd = fd, .gen = p->ctx[s].gen + 1 };
	pthread_mutex_unlock(&p->lock);
	slot_release(old, NULL, t);
	return s;
}

/* Close a slot's fd, possibly while other threads are inside ioctls on it. */
void close_slot(struct thr *t, bool dev, int slot)
{
	struct proc *p = t->p;
	void *bar = NULL;
	int fd;

	pthread_mutex_lock(&p->lock);
	if (dev) {
		fd = p->dev[slot].fd;
		bar = p->dev[slot].bar;
		p->dev[slot].fd = -1;
		p->dev[slot].bar = NULL;
		p->dev[slot].gen++;
	} else {
		fd = p->ctx[slot].fd;
		p->ctx[slot].fd = -1;
		p->ctx[slot].gen++;
	}
	pthread_mutex_unlock(&p->lock);
	slot_release(fd, bar, t);
}

/* The fd to send IOASID_TEST through: the worker's own, or a pool one. */
int test_fd(struct thr *t, bool *stale, struct fdref *ref)
{
	if (t->p->test_fd >= 0 && chance(&t->r, 3, 4)) {
		*stale = false;
		ref->slot = -1;
		return t->p->test_fd;
	}
	*ref = get_ctx(t);
	*stale = true;
	return ref->fd;
}

void op_ctx_open(struct thr *t)
{
	int fd;

	tlog(t, "open(/dev/ioasid)");
	fd = open("/dev/ioasid", O_RDWR | (chance(&t->r, 1, 2) ? O_CLOEXEC : 0));
	if (note(t, K_OPEN_CTX, fd < 0 ? -errno : 0, false) == 0)
		put_ctx(t, fd);
}

void op_close(struct thr *t)
{
	bool dev = chance(&t->r, 1, 2);

	close_slot(t, dev, below(&t->r, dev ? NDEV : NCTX));
}

void op_dup(struct thr *t)
{
	struct proc *p = t->p;
	bool dev = chance(&t->r, 1, 2);
	int from, to, fd, old = -1;
	void *bar = NULL;

	pthread_mutex_lock(&p->lock);
	from = below(&t->r, dev ? NDEV : NCTX);
	to = below(&t->r, dev ? NDEV : NCTX);
	fd = dev ? p->dev[from].fd : p->ctx[from].fd;
	if (fd < 0 || from == to) {
		pthread_mutex_unlock(&p->lock);
		return;
	}
	tlog(t, "dup(fd %d) into %s slot %d", fd, dev ? "dev" : "ctx", to);
	fd = fcntl(fd, F_DUPFD_CLOEXEC, POOL_FD);
	if (note(t, K_DUP, fd < 0 ? -errno : 0, false)) {
		pthread_mutex_unlock(&p->lock);
		return;
	}
	if (dev) {
		uint32_t gen = p->dev[to].gen + 1;

		old = p->dev[to].fd;
		bar = p->dev[to].bar;
		p->dev[to] = p->dev[from];
		p->dev[to].fd = fd;
		p->dev[to].bar = NULL;
		p->dev[to].gen = gen;
	} else {
		uint32_t gen = p->ctx[to].gen + 1;

		old = p->ctx[to].fd;
		p->ctx[to] = p->ctx[from];
		p->ctx[to].fd = fd;
		p->ctx[to].gen = gen;
	}
	pthread_mutex_unlock(&p->lock);
	slot_release(old, bar, t);
}

/* --- operations and their weights -------------------------------------- */

static uint64_t op_allowed(const struct proc *p)
{
	uint64_t m = 0;

	for (int i = 0; i < nopdefs; i++) {
		if (cfg.only && !(cfg.only & (1ull << i)))
			continue;
		if (cfg.skip & (1ull << i))
			continue;
		if (p->in_child && !opdefs[i].child_ok)
			continue;
		m |= 1ull << i;
	}
	return m;
}

static void run_op(struct thr *t, uint64_t mask, int total)
{
	int w;

	if (!total)
		return;
	w = below(&t->r, total);
	for (int i = 0; i < nopdefs; i++) {
		if (!(mask & (1ull << i)))
			continue;
		if (w < opdefs[i].weight) {
			opdefs[i].fn(t);
			t->ops++;
			return;
		}
		w -= opdefs[i].weight;
	}
}

static int mask_weight(uint64_t mask)
{
	int total = 0;

	for (int i = 0; i < nopdefs; i++)
		if (mask & (1ull << i))
			total += opdefs[i].weight;
	return total;
}

bool thr_setup(struct thr *t, struct proc *p, int idx, uint64_t seed)
{
	uint8_t *edge;

	memset(t, 0, sizeof(*t));
	t->p = p;
	t->idx = idx;
	t->r = seed;
	t->hostile_args = true;
	t->ro = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	edge = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	t->scratch = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->ro == MAP_FAILED || edge == MAP_FAILED ||
	    t->scratch == MAP_FAILED)
		return false;
	mprotect(edge + PG, PG, PROT_NONE);
	t->edge = edge;
	return true;
}

static void *thread_main(void *arg)
{
	struct thr *t = arg;
	uint64_t mask = op_allowed(t->p);
	int total = mask_weight(mask);

	while (!atomic_load(&t->p->stop) && !atomic_load(&sh->stop) &&
	       now() < t->p->deadline)
		run_op(t, mask, total);
	return NULL;
}

/* --- fork with everything open ----------------------------------------- */

static void child_ops(struct thr *t, int n)
{
	uint64_t mask = op_allowed(t->p);
	int total = mask_weight(mask);

	for (int i = 0; i < n; i++)
		run_op(t, mask, total);
}

/*
 * The forked copy: only this thread, every fd of the worker (contexts with
 * their mappings, devices bound and attached), a copy of its memory.  It
 * maps its own pages into the inherited contexts, DMAs, unmaps, closes,
 * and exits while mapped, or after the worker closed its copies first.
 */
static void __attribute__((noreturn)) child_run(struct thr *t, int pfd[2],
						int mode)
{
	struct proc *p = t->p;
	struct pollfd pf = { .fd = pfd[0], .events = POLLIN };
	pid_t worker = getppid();
	char c;

	pthread_mutex_init(&p->lock, NULL);
	pthread_mutex_init(&p->child_lock, NULL);
	p->in_child = true;
	p->nchild = 0;
	atomic_store(&p->nchildren, 3);	/* no grandchildren */
	close(pfd[1]);
	alarm(30);			/* a hang is a failure, not a wait */
	t->r = rnd_mix(t->r, getpid());
	t->logpos = 0;
	child_ops(t, 4 + below(&t->r, 16));
	if (mode == 0)
		_exit(0);		/* exit while mapped */
	/*
	 * mode 1: the worker closes its copies first, then says so.  A worker
	 * killed meanwhile closed everything too, but its end of the pipe may
	 * live on in a copy another thread forked: its death is the signal
	 * then.  Never past the round's end.
	 */
	while (!atomic_load(&sh->stop)) {
		if (poll(&pf, 1, 50) == 1) {
			if (read(pfd[0], &c, 1) >= 0)
				child_ops(t, 4 + below(&t->r, 16));
			break;
		}
		if (getppid() != worker) {
			child_ops(t, 4 + below(&t->r, 16));
			break;
		}
	}
	_exit(0);
}

static void reap(struct proc *p, pid_t pid, int status, struct thr *t)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return;
	tlog(t, "forked copy pid %d", (int)pid);
	if (WIFSIGNALED(status))
		bad(t, K_PROCESS, "forked copy %d died of signal %d%s", (int)pid,
		    WTERMSIG(status),
		    WTERMSIG(status) == SIGALRM ? " (hung for 30 s)" : "");
	else
		bad(t, K_PROCESS, "forked copy %d exited with %d", (int)pid,
		    WEXITSTATUS(status));
	(void)p;
}

static void forget_child(struct proc *p, pid_t pid)
{
	pthread_mutex_lock(&p->child_lock);
	for (int i = 0; i < p->nchild; i++)
		if (p->children[i] == pid) {
			p->children[i] = p->children[--p->nchild];
			break;
		}
	pthread_mutex_unlock(&p->child_lock);
	atomic_fetch_sub(&p->nchildren, 1);
}

/* Wait up to @sec for @pid; false if it is still running. */
static bool wait_child(struct proc *p, pid_t pid, double sec, struct thr *t)
{
	double end = now() + sec;
	int status;

	while (now() < end) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid) {
			reap(p, pid, status, t);
			forget_child(p, pid);
			return true;
		}
		if (r < 0) {	/* reaped elsewhere */
			forget_child(p, pid);
			return true;
		}
		usleep(5000);
	}
	return false;
}

void op_fork(struct thr *t)
{
	struct proc *p = t->p;
	int pfd[2], mode;
	pid_t pid;

	if (!cfg.fork || p->in_child || atomic_load(&p->nchildren) >= 3)
		return;
	if (pipe2(pfd, O_CLOEXEC))
		return;
	mode = below(&t->r, 3);
	tlog(t, "fork() with everything mapped; %s",
	     mode == 0 ? "the copy exits while mapped" :
	     mode == 1 ? "the worker closes its copies first" :
			 "the worker waits for the copy");
	/* Under the pool lock: the copy sees consistent slots. */
	pthread_mutex_lock(&p->lock);
	pid = fork();
	if (pid == 0)
		child_run(t, pfd, mode);
	pthread_mutex_unlock(&p->lock);
	close(pfd[0]);
	if (note(t, K_FORK, pid < 0 ? -errno : 0, false)) {
		close(pfd[1]);
		return;
	}
	atomic_fetch_add(&p->nchildren, 1);
	pthread_mutex_lock(&p->child_lock);
	if (p->nchild < (int)ARRAY_SIZE(p->children))
		p->children[p->nchild++] = pid;
	pthread_mutex_unlock(&p->child_lock);
	if (mode == 1) {
		close_slot(t, false, below(&t->r, NCTX));
		close_slot(t, true, below(&t->r, NDEV));
		if (write(pfd[1], "c", 1) < 0)
			bad(t, K_FORK, "write to the copy's pipe: %s",
			    strerror(errno));
	}
	close(pfd[1]);
	if (mode == 2 && !wait_child(p, pid, 40, t)) {
		tlog(t, "forked copy pid %d", (int)pid);
		bad(t, K_PROCESS, "forked copy %d still running after 40 s",
		    (int)pid);
	}
}

/* --- the worker's life --------------------------------------------------- */

static void drop_ipc_lock(uint64_t limit)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];
	struct rlimit rl = { limit, limit };

	if (syscall(SYS_capget, &h, d))
		return;
	d[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
	d[CAP_IPC_LOCK / 32].permitted &= ~(1u << (CAP_IPC_LOCK % 32));
	d[CAP_IPC_LOCK / 32].inheritable &= ~(1u << (CAP_IPC_LOCK % 32));
	syscall(SYS_capset, &h, d);
	setrlimit(RLIMIT_MEMLOCK, &rl);
}

#define GUARD	(64 * PG)

static bool bufs_init(struct proc *p)
{
	static const size_t pages[NBUF] = {
		[B_SMALL] = 16, [B_MED] = 256, [B_THP] = 1024, [B_RO] = 64,
		[B_BIG] = 4096, [B_MEMFD] = 64, [B_NONE] = 16,
	};
	uint8_t *q;

	for (int i = 0; i < NBUF; i++) {
		size_t len = pages[i] * PG;

		switch (i) {
		case B_THP: {
			size_t huge = 2 << 20;
			uintptr_t a;

			q = map_guarded(len + huge, GUARD, PROT_READ | PROT_WRITE);
			if (!q)
				return false;
			a = ((uintptr_t)q + huge - 1) & ~(huge - 1);
			/* What is not the aligned buffer is a guard too. */
			if (a > (uintptr_t)q)
				mprotect(q, a - (uintptr_t)q, PROT_NONE);
			mprotect((uint8_t *)a + len,
				 (uintptr_t)q + len + huge - a - len, PROT_NONE);
			q = (uint8_t *)a;
			madvise(q, len, MADV_HUGEPAGE);
			fill_ppat(q, len);
			break;
		}
		case B_MEMFD: {
			int fd = memfd_create("ioasid-stress", MFD_CLOEXEC);

			q = map_guarded(len, GUARD, PROT_NONE);
			if (fd < 0 || !q || ftruncate(fd, len) ||
			    mmap(q, len, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED)
				return false;
			close(fd);
			fill_ppat(q, len);
			break;
		}
		case B_NONE:
			q = map_guarded(len, GUARD, PROT_NONE);
			if (!q)
				return false;
			break;
		default:
			q = map_guarded(len, GUARD, PROT_READ | PROT_WRITE);
			if (!q)
				return false;
			fill_ppat(q, len);
			if (i == B_RO)
				mprotect(q, len, PROT_READ);
			break;
		}
		p->buf[i].p = q;
		p->buf[i].len = len;
	}
	return true;
}

/* Any ioasid fd still open that the pool does not know was leaked. */
static void check_fd_leaks(struct thr *t)
{
	char path[64], link[256];
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");

	if (!d)
		return;
	while ((de = readdir(d))) {
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%.32s", de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = '\0';
		if (strstr(link, "ioasid")) {
			tlog(t, "scan of /proc/self/fd after closing every fd");
			bad(t, K_PROCESS, "fd %s (%s) is open although every fd "
			    "the worker learnt of was closed: a failed ioctl "
			    "installed an fd", de->d_name, link);
		}
	}
	closedir(d);
}

enum { END_CTX_FIRST, END_DEV_FIRST, END_RANDOM, END_EXIT, END_EXIT_RUNNING,
       END_NR };

static const char *const end_names[END_NR] = {
	"closes contexts first", "closes devices first",
	"closes in random order", "leaves closing to exit",
	"exits while its threads are inside ioctls",
};

void worker_main(int idx, uint64_t seed)
{
	struct proc *p = calloc(1, sizeof(*p));
	uint64_t r = seed;
	struct thr *thr;
	pthread_t *tid;
	int nthreads = cfg.threads, mode;
	long vmlck0;
	bool clean = true;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (!p)
		_exit(3);
	if (cfg.selftest_hang && idx == 0 && sh->round == cfg.first_round)
		for (;;)
			pause();
	for (size_t i = 0; i < ARRAY_SIZE(sh->checker_fds); i++)
		if (sh->checker_fds[i] >= 0)
			close(sh->checker_fds[i]);
	p->idx = idx;
	pthread_mutex_init(&p->lock, NULL);
	pthread_mutex_init(&p->child_lock, NULL);
	p->deadline = now() + cfg.round_time * (0.7 + 0.3 * (below(&r, 100) / 100.0));
	if (chance(&r, 1, 3)) {
		p->no_ipc_lock = true;
		drop_ipc_lock((uint64_t)(4 + below(&r, 28)) << 20);
	}
	if (!bufs_init(p)) {
		emit("# worker %d: cannot set up its buffers\n", idx);
		_exit(3);
	}
	p->test_fd = open("/dev/ioasid", O_RDWR | O_CLOEXEC);
	for (int i = 0; i < NCTX; i++)
		p->ctx[i].fd = -1;
	for (int i = 0; i < NDEV; i++)
		p->dev[i] = (struct dev_slot){ .fd = -1, .bound_ctx = -1 };
	/* What the checker made for the round, inherited. */
	p->ctx[0] = (struct ctx_slot){ .fd = pool_fd(sh->shared_ctx),
				       .foreign = true };
	if (sh->shared_ioas) {
		p->ctx[0].ioas[p->ctx[0].nioas++] = sh->shared_ioas;
		p->ctx[0].nested[p->ctx[0].nioas] = 1;
		p->ctx[0].ioas[p->ctx[0].nioas++] = sh->shared_nested;
	}
	for (int i = 0; i < 3; i++)
		p->dev[i] = (struct dev_slot){
			.fd = pool_fd(sh->shared_dev[i]), .foreign = true,
			.kind = DEV_MOCK, .pasid = i == 2, .bound_ctx = -1,
			.group = i < 2 ? sh->shared_group : 0,
		};
	vmlck0 = vmlck_kb();

	/*
	 * The verifier: a process of its own, so that no stale fd number of
	 * the chaos threads can reach its objects.
	 */
	if (cfg.verify) {
		pid_t vp = fork();

		if (vp == 0)
			verifier_main(p, rnd_mix(seed, 999));
		if (vp > 0) {
			p->children[p->nchild++] = vp;
			atomic_fetch_add(&p->nchildren, 1);
		}
	}

	if (chance(&r, 1, 4))
		nthreads = 1 + below(&r, cfg.threads);
	thr = calloc(nthreads, sizeof(*thr));
	tid = calloc(nthreads, sizeof(*tid));
	if (!thr || !tid)
		_exit(3);
	for (int i = 0; i < nthreads; i++) {
		if (!thr_setup(&thr[i], p, i, rnd_mix(seed, i + 1)) ||
		    pthread_create(&tid[i], NULL, thread_main, &thr[i])) {
			emit("# worker %d: cannot start thread %d\n", idx, i);
			_exit(3);
		}
	}

	mode = below(&r, END_NR);
	if (mode == END_EXIT_RUNNING) {
		/* At the deadline some thread is inside an ioctl. */
		while (now() < p->deadline && !atomic_load(&sh->stop))
			usleep(10000);
		_exit(0);
	}
	for (int i = 0; i < nthreads; i++)
		pthread_join(tid[i], NULL);

	/* The forked copies first: they hold our fds too. */
	while (p->nchild) {
		pid_t pid = p->children[0];

		if (!wait_child(p, pid, 35, &thr[0])) {
			tlog(&thr[0], "forked copy pid %d", (int)pid);
			bad(&thr[0], K_PROCESS,
			    "forked copy %d still running after 35 s", (int)pid);
			forget_child(p, pid);
			clean = false;
		}
	}

	tlog(&thr[0], "worker %d ends: %s", idx, end_names[mode]);
	switch (mode) {
	case END_CTX_FIRST:
	case END_DEV_FIRST:
		for (int pass = 0; pass < 2; pass++) {
			bool dev = (pass == 0) == (mode == END_DEV_FIRST);

			for (int i = 0; i < (dev ? NDEV : NCTX); i++)
				close_slot(&thr[0], dev, i);
		}
		break;
	case END_RANDOM:
		for (int i = 0; i < 4 * (NDEV + NCTX); i++) {
			bool dev = chance(&r, 1, 2);

			close_slot(&thr[0], dev, below(&r, dev ? NDEV : NCTX));
		}
		for (int i = 0; i < NDEV; i++)
			close_slot(&thr[0], true, i);
		for (int i = 0; i < NCTX; i++)
			close_slot(&thr[0], false, i);
		break;
	default:
		_exit(0);
	}
	if (p->test_fd >= 0)
		close(p->test_fd);
	check_fd_leaks(&thr[0]);
	/*
	 * Our pins are gone with our fds, unless an object of the checker
	 * (its context, its devices) holds something of ours.
	 */
	if (clean && !atomic_load(&p->touched_foreign)) {
		long kb = vmlck_kb();

		if (kb != vmlck0) {
			tlog(&thr[0], "VmLck after closing every fd");
			bad(&thr[0], K_PROCESS, "VmLck %ld kB, %ld kB at the start: "
			    "pins charged to this process outlive its fds",
			    kb, vmlck0);
		} else {
			atomic_fetch_add(&sh->ok[K_PROCESS], 1);
		}
	}
	_exit(0);
}
