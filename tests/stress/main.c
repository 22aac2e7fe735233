// SPDX-License-Identifier: GPL-2.0
/*
 * ioasid-stress: seeded, reproducible stress of /dev/ioasid and device fds
 * (run in the test guest, as root, with ioasid.ko loaded with
 * enable_test_interface=1).
 *
 *   ioasid-stress [--seed N] [--duration SEC] [--rounds N] [--round-time SEC]
 *                 [--procs N] [--threads N] [--first-round N] [--watchdog SEC]
 *                 [--only OP,...] [--skip OP,...] [--seqs SEQ,...]
 *                 [--no-kill] [--no-edu]
 *                 [--no-fork] [--no-verify] [--no-fail-pgtable] [--list-ops]
 *                 [--no-introspect] [--no-policy] [--list-errnos]
 *
 * Each round: the checker (this process) opens a context with an IOAS
 * mapping its own memory and a nested IOAS, creates mock devices (two in
 * one group, one with PASID support), and forks the workers, which inherit
 * all of it; it closes its copies at once or at the end.  It may SIGKILL
 * one worker mid-round.  An introspector process walks the objects through
 * netlink (ioasidctl) and loads and unloads permissive policies meanwhile
 * (introspect.c).  When every process of the round has exited (the
 * checker is their subreaper; a watchdog ends a hang), it checks:
 *
 *  - every worker exited with status 0 (or died of the SIGKILL it got),
 *    and so did every process they forked;
 *  - IOASID_TEST_STATS: 0 pinned pages, 0 IOAS, 0 PASIDs, 0 mock devices,
 *    1 context (the checker's own);
 *  - the checker's VmLck is back to its value at the start;
 *  - /dev/kmsg has no new kernel report (WARNING, BUG, Oops, KFENCE,
 *    KASAN, UBSAN, refcount_t, list corruption, lockdep, slab poison and
 *    redzones, hung tasks, soft lockups);
 *  - no violation: an errno the uAPI header does not document for that
 *    ioctl, or a result contradicting it (each is printed with the call,
 *    its arguments and the thread's previous operations).
 *
 * Output is TAP: one line per round, a summary line, the plan last.  A
 * failing round says how to replay it: --seed S --first-round R --rounds 1
 * runs the same operation streams (the interleaving differs).
 */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stress.h"

static int kmsg_fd = -1;
static int stats_fd = -1;
static long vmlck_start;
static uint64_t ops_before;

/* --- the kernel log ------------------------------------------------------ */

static const char *const reports[] = {
	"WARNING:", "Oops", "KFENCE:", "KASAN", "UBSAN", "refcount_t",
	"list_del corruption", "list_add corruption", "possible circular locking",
	"possible recursive locking", "inconsistent lock state",
	"suspicious RCU", "Poison overwritten", "Redzone", "Object already free",
	"Padding overwritten", "blocked for more than", "soft lockup",
	"general protection", "hung_task", "Unable to handle",
	"scheduling while atomic", "sleeping function called from invalid",
};

static bool is_report(const char *msg)
{
	const char *p;

	for (size_t i = 0; i < ARRAY_SIZE(reports); i++)
		if (strstr(msg, reports[i]))
			return true;
	/* "BUG:", "BUG kmalloc-64 ...", "kernel BUG at", not "DEBUG". */
	for (p = strstr(msg, "BUG"); p; p = strstr(p + 1, "BUG"))
		if ((p == msg || !((p[-1] >= 'A' && p[-1] <= 'Z') ||
				   (p[-1] >= 'a' && p[-1] <= 'z'))) &&
		    (p[3] == ':' || p[3] == ' '))
			return true;
	return false;
}

/* New kernel log lines; prints reports and what follows them.  Count. */
static int kmsg_scan(bool print_all)
{
	char rec[8192];
	int found = 0, context = 0, printed = 0;

	if (kmsg_fd < 0)
		return 0;
	for (;;) {
		ssize_t n = read(kmsg_fd, rec, sizeof(rec) - 1);
		char *msg;

		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		if (is_report(msg)) {
			found++;
			context = 40;
		}
		if ((context > 0 || print_all) && printed < 400) {
			char *nl;

			context--;
			printed++;
			/* Continuation lines start with a space. */
			for (char *line = msg; line && *line; line = nl) {
				nl = strchr(line, '\n');
				if (nl)
					*nl++ = '\0';
				emit("# kmsg: %s\n", line);
			}
		}
	}
	return found;
}

static void kmsg_open(void)
{
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
	else
		emit("# warning: cannot read /dev/kmsg (%s): no kernel-log check\n",
		     strerror(errno));
}

/* --- counters ------------------------------------------------------------ */

static uint64_t total_ops(void)
{
	uint64_t n = 0;

	for (int k = 0; k < K_NR; k++)
		n += atomic_load(&sh->ok[k]) + atomic_load(&sh->err[k]) +
		     atomic_load(&sh->viol[k]);
	return n;
}

static bool stats_clean(struct ioasid_test_stats *s)
{
	return !s->out_pinned_pages && !s->out_ioas && !s->out_pasids &&
	       !s->out_mock_devices && s->out_contexts == 1;
}

static void stats_str(const struct ioasid_test_stats *s, char *buf, size_t len)
{
	snprintf(buf, len, "%llu pinned pages, %u IOAS, %u PASIDs, %u mock "
		 "devices, %u contexts", (unsigned long long)s->out_pinned_pages,
		 s->out_ioas, s->out_pasids, s->out_mock_devices, s->out_contexts);
}

static void fail_pgtable_off(void)
{
	struct ioasid_test t = { .op = IOASID_TEST_FAIL_PGTABLE };

	test_op(stats_fd, &t);
}

/* --- the round's shared objects ------------------------------------------ */

struct round_objs {
	int ctx;
	int dev[3];
	uint8_t *buf;
	size_t len;
};

static int quiet_ioc(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

static bool round_objs_up(struct round_objs *o, uint64_t *r)
{
	struct ioasid_ioas_alloc a = { .size = sizeof(a) };
	struct ioasid_ioas_map m = { .size = sizeof(m) };
	struct ioasid_test t = { .op = IOASID_TEST_MOCK_DEVICE_CREATE };
	struct ioasid_device_bind b = { .size = sizeof(b) };
	struct ioasid_device_attach at = { .size = sizeof(at) };
	uint32_t group = 0;

	memset(o, 0, sizeof(*o));
	o->len = 64 * PG;
	o->buf = map_guarded(o->len, 16 * PG, PROT_READ | PROT_WRITE);
	o->ctx = open("/dev/ioasid", O_RDWR | O_CLOEXEC);
	if (!o->buf || o->ctx < 0)
		return false;
	fill_ppat(o->buf, o->len);
	if (quiet_ioc(o->ctx, IOASID_IOAS_ALLOC, &a))
		return false;
	sh->shared_ioas = a.out_ioas_id;
	m = (struct ioasid_ioas_map){ .size = sizeof(m), .flags = FIXED | RW,
		.ioas_id = a.out_ioas_id, .user_va = (uintptr_t)o->buf,
		.length = o->len, .iova = 0x100000 };
	if (quiet_ioc(o->ctx, IOASID_IOAS_MAP, &m))
		return false;
	a = (struct ioasid_ioas_alloc){ .size = sizeof(a),
		.flags = IOASID_IOAS_ALLOC_NESTED, .parent_id = sh->shared_ioas };
	if (quiet_ioc(o->ctx, IOASID_IOAS_ALLOC, &a))
		return false;
	sh->shared_nested = a.out_ioas_id;
	m = (struct ioasid_ioas_map){ .size = sizeof(m), .flags = FIXED | RW,
		.ioas_id = a.out_ioas_id, .parent_iova = 0x100000,
		.length = 16 * PG, .iova = 0x8000000 };
	if (quiet_ioc(o->ctx, IOASID_IOAS_MAP, &m))
		return false;
	for (int i = 0; i < 3; i++) {
		memset(&t.mock_create, 0, sizeof(t.mock_create));
		t.mock_create.flags = i == 1 ? 0 : IOASID_MOCK_NEW_GROUP;
		if (i == 2)
			t.mock_create.flags |= IOASID_MOCK_PASID;
		t.mock_create.group_id = group;
		if (test_op(stats_fd, &t))
			return false;
		o->dev[i] = t.mock_create.out_fd;
		if (i == 0)
			group = sh->shared_group = t.mock_create.out_group_id;
	}
	if (chance(r, 1, 2)) {
		b.ioasid_fd = o->ctx;
		at.ioas_id = sh->shared_ioas;
		if (quiet_ioc(o->dev[0], IOASID_DEVICE_BIND, &b) ||
		    quiet_ioc(o->dev[0], IOASID_DEVICE_ATTACH, &at))
			return false;
	}
	sh->shared_ctx = o->ctx;
	for (int i = 0; i < 3; i++)
		sh->shared_dev[i] = o->dev[i];
	return true;
}

static void round_objs_close(struct round_objs *o)
{
	if (o->ctx >= 0)
		close(o->ctx);
	for (int i = 0; i < 3; i++)
		if (o->dev[i] > 0)
			close(o->dev[i]);
	o->ctx = -1;
	memset(o->dev, 0, sizeof(o->dev));
}

/* --- hangs ---------------------------------------------------------------- */

static void dump_task(pid_t pid)
{
	char path[128], buf[4096];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	while (d && (de = readdir(d))) {
		ssize_t n;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.32s/stat", (int)pid,
			 de->d_name);
		fd = open(path, O_RDONLY);
		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			if (n > 0) {
				buf[n] = '\0';
				emit("#   task %s: %.120s\n", de->d_name, buf);
			}
		}
		snprintf(path, sizeof(path), "/proc/%d/task/%.32s/stack", (int)pid,
			 de->d_name);
		fd = open(path, O_RDONLY);
		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			if (n > 0) {
				buf[n] = '\0';
				for (char *l = strtok(buf, "\n"); l;
				     l = strtok(NULL, "\n"))
					emit("#     %s\n", l);
			}
		}
	}
	if (d)
		closedir(d);
}

/* Our descendants still alive (we are their subreaper). */
static int descendants(pid_t *out, int max)
{
	struct dirent *de;
	int n = 0;
	DIR *d = opendir("/proc");

	while (d && (de = readdir(d)) && n < max) {
		char path[64], buf[512], *p;
		ssize_t len;
		int fd;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.32s/stat", de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		p = strrchr(buf, ')');
		if (p && strtol(p + 4, NULL, 10) == getpid())
			out[n++] = atoi(de->d_name);
	}
	if (d)
		closedir(d);
	return n;
}

/* --- a round ------------------------------------------------------------- */

struct round_result {
	char why[1024];
	bool fatal;	/* stop the run: the module cannot be trusted */
};

static void why_add(struct round_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void why_add(struct round_result *res, const char *fmt, ...)
{
	size_t n = strlen(res->why);
	va_list ap;

	if (n && n < sizeof(res->why) - 3) {
		strcpy(res->why + n, "; ");
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(res->why + n, sizeof(res->why) - n, fmt, ap);
	va_end(ap);
}

static void run_round(int round, struct round_result *res)
{
	uint64_t r = rnd_mix(cfg.seed, round), viol0;
	struct round_objs objs;
	pid_t workers[64], victim = 0;
	int nworkers = cfg.procs, live = 0, status;
	bool close_early = chance(&r, 1, 2), stopped = false, slow = false;
	double start = now(), kill_at = 0;
	struct ioasid_test_stats st;
	char buf[256];
	long kb;

	memset(res, 0, sizeof(*res));
	sh->round = round;
	atomic_store(&sh->stop, 0);
	sh->contended_pasid = 0x80000 + (round % 0x10000);
	viol0 = atomic_load(&sh->round_viol);
	/* No yank runs between rounds (a killed worker may have left one). */
	for (int i = 0; i < sh->n_edu; i++) {
		atomic_store(&sh->edu_lock[i], 0);
		if (atomic_load(&sh->yank_gen[i]) & 1)
			atomic_fetch_add(&sh->yank_gen[i], 1);
	}
	if (sh->n_edu && cfg.edu)
		edu_bind_all();

	if (!round_objs_up(&objs, &r)) {
		why_add(res, "cannot set up the round's context and devices: %s",
			strerror(errno));
		round_objs_close(&objs);
		res->fatal = true;
		return;
	}
	if (cfg.kill && chance(&r, 1, 3)) {
		victim = 1;	/* the index is picked below */
		kill_at = start + cfg.round_time * (0.2 + below(&r, 70) / 100.0);
	}
	for (int i = 0; i < nworkers; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			why_add(res, "fork: %s", strerror(errno));
			nworkers = i;
			break;
		}
		if (pid == 0)
			worker_main(i, rnd_mix(r, i + 1000));
		workers[i] = pid;
		live++;
	}
	if (victim)
		victim = workers[below(&r, nworkers)];
	if (cfg.introspect) {
		pid_t pid = fork();

		if (pid == 0)
			introspector_main(rnd_mix(r, 77));
	}
	if (close_early)
		round_objs_close(&objs);	/* the workers' copies hold them */

	for (;;) {
		double t = now();
		pid_t pid;

		if (!stopped && t >= start + cfg.round_time) {
			atomic_store(&sh->stop, 1);
			stopped = true;
		}
		if (victim > 0 && kill_at && t >= kill_at) {
			kill(victim, SIGKILL);
			kill_at = 0;
		}
		pid = waitpid(-1, &status, WNOHANG);
		if (pid < 0 && errno == ECHILD)
			break;
		if (pid > 0) {
			bool worker = false, expected_kill = pid == victim;

			for (int i = 0; i < nworkers; i++)
				worker |= workers[i] == pid;
			if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
				continue;
			if (expected_kill && WIFSIGNALED(status) &&
			    WTERMSIG(status) == SIGKILL)
				continue;
			if (WIFSIGNALED(status))
				why_add(res, "%s %d died of signal %d%s",
					worker ? "worker" : "descendant", (int)pid,
					WTERMSIG(status),
					WTERMSIG(status) == SIGALRM ? " (its alarm: hung)" : "");
			else
				why_add(res, "%s %d exited with %d",
					worker ? "worker" : "descendant", (int)pid,
					WEXITSTATUS(status));
			continue;
		}
		/* Not a hang yet, but say who keeps the round going. */
		if (!slow && cfg.watchdog > 10 &&
		    t > start + cfg.round_time + 10) {
			pid_t left[128];
			int n = descendants(left, 128);

			slow = true;
			emit("# round %d: %d processes still running 10 s after "
			     "the round's end\n", round, n);
			for (int i = 0; i < n; i++) {
				emit("# process %d:\n", (int)left[i]);
				dump_task(left[i]);
			}
		}
		if (t > start + cfg.round_time + cfg.watchdog) {
			pid_t left[128];
			int n = descendants(left, 128);

			emit("# round %d: watchdog: %d processes still running "
			     "%d s after the round's end\n", round, n, cfg.watchdog);
			for (int i = 0; i < n; i++) {
				emit("# process %d:\n", (int)left[i]);
				dump_task(left[i]);
			}
			{
				int fd = open("/proc/sysrq-trigger", O_WRONLY);

				if (fd >= 0) {
					if (write(fd, "w", 1) < 0)
						emit("# sysrq-trigger: %s\n",
						     strerror(errno));
					close(fd);
				}
			}
			kmsg_scan(true);
			for (int i = 0; i < n; i++)
				kill(left[i], SIGKILL);
			why_add(res, "hang: %d processes still running %d s after "
				"the round's end", n, cfg.watchdog);
			{
				double end = now() + 15;

				while (now() < end) {
					pid = waitpid(-1, &status, WNOHANG);
					if (pid < 0)
						break;
					if (!pid)
						usleep(20000);
				}
				if (pid >= 0) {
					why_add(res, "processes survive SIGKILL "
						"(stuck in the kernel)");
					res->fatal = true;
					return;
				}
			}
			break;
		}
		usleep(10000);
	}
	atomic_store(&sh->stop, 1);
	round_objs_close(&objs);
	if (objs.buf)
		munmap(objs.buf - 16 * PG, objs.len + 32 * PG);
	fail_pgtable_off();

	/* Everything went with the processes: the module counts nothing. */
	for (int i = 0; i < 100; i++) {
		if (stats_now(stats_fd, &st)) {
			why_add(res, "IOASID_TEST_STATS failed: %s", strerror(errno));
			res->fatal = true;
			break;
		}
		if (stats_clean(&st)) {
			if (i)
				emit("# round %d: the module's counters settled "
				     "%d ms after the last process exited\n",
				     round, i * 20);
			break;
		}
		if (i == 99) {
			stats_str(&st, buf, sizeof(buf));
			why_add(res, "leak: after every process exited the module "
				"still counts %s", buf);
		}
		usleep(20000);
	}
	kb = vmlck_kb();
	if (kb != vmlck_start)
		why_add(res, "the checker's VmLck is %ld kB, %ld kB at the start",
			kb, vmlck_start);
	if (kmsg_scan(false))
		why_add(res, "kernel report in the log (above)");
	if (atomic_load(&sh->round_viol) != viol0)
		why_add(res, "%llu violations (above)",
			(unsigned long long)(atomic_load(&sh->round_viol) - viol0));
	(void)live;
}

/* --- options, summary ---------------------------------------------------- */

static uint64_t op_mask(const char *list)
{
	char *s = strdup(list), *tok, *save = NULL;
	uint64_t m = 0;

	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int i;

		for (i = 0; i < nopdefs; i++)
			if (!strcmp(tok, opdefs[i].name))
				break;
		if (i == nopdefs) {
			fprintf(stderr, "ioasid-stress: unknown op '%s' (--list-ops)\n",
				tok);
			exit(2);
		}
		m |= 1ull << i;
	}
	free(s);
	return m;
}

static unsigned int seq_mask(const char *list)
{
	char *s = strdup(list), *tok, *save = NULL;
	unsigned int m = 0;

	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int i;

		for (i = 0; i < NSEQ; i++)
			if (!strcmp(tok, seq_names[i]))
				break;
		if (i == NSEQ) {
			fprintf(stderr, "ioasid-stress: unknown verified sequence "
				"'%s' (--list-ops)\n", tok);
			exit(2);
		}
		m |= 1u << i;
	}
	free(s);
	return m;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: ioasid-stress [--seed N] [--duration SEC] [--rounds N]\n"
		"         [--round-time SEC] [--procs N] [--threads N] [--first-round N]\n"
		"         [--watchdog SEC] [--only OP,...] [--skip OP,...] [--seqs SEQ,...]\n"
		"         [--no-kill]\n"
		"         [--no-edu] [--no-fork] [--no-verify] [--no-fail-pgtable]\n"
		"         [--no-introspect] [--no-policy] [--selftest-hang]\n"
		"         [--max-prints N] [--list-ops] [--list-errnos]\n");
	exit(2);
}

static void summary(int rounds, double secs, int failed)
{
	uint64_t tot_ok = 0, tot_err = 0, tot_viol = 0;

	emit("# ioasid-stress: %d rounds in %.1f s, %d failed (seed %llu, "
	     "%d procs x %d threads, %.1f s per round)\n", rounds, secs, failed,
	     (unsigned long long)cfg.seed, cfg.procs, cfg.threads, cfg.round_time);
	emit("# %-36s %10s %10s %9s  errors by errno\n", "operation", "ok",
	     "doc.error", "violation");
	for (int k = 0; k < K_NR; k++) {
		uint64_t ok = atomic_load(&sh->ok[k]), err = atomic_load(&sh->err[k]);
		uint64_t viol = atomic_load(&sh->viol[k]);
		char errs[512] = "";
		size_t n = 0;

		if (!ok && !err && !viol)
			continue;
		for (int e = 1; e < NERRNO && n < sizeof(errs) - 40; e++) {
			uint64_t c = atomic_load(&sh->errs[k][e]);

			if (c)
				n += snprintf(errs + n, sizeof(errs) - n, "%s%s:%llu",
					      n ? " " : "", errname(e),
					      (unsigned long long)c);
		}
		emit("# %-36s %10llu %10llu %9llu  %s\n", kind_name(k),
		     (unsigned long long)ok, (unsigned long long)err,
		     (unsigned long long)viol, errs);
		tot_ok += ok;
		tot_err += err;
		tot_viol += viol;
	}
	emit("# %-36s %10llu %10llu %9llu\n", "total", (unsigned long long)tot_ok,
	     (unsigned long long)tot_err, (unsigned long long)tot_viol);
	if (tot_viol) {
		emit("# violations by kind and errno:\n");
		for (int k = 0; k < K_NR; k++)
			for (int e = 0; e < NERRNO; e++) {
				uint64_t c = atomic_load(&sh->viols[k][e]);

				if (c)
					emit("#   %s: %s: %llu\n", kind_name(k),
					     errname(e), (unsigned long long)c);
			}
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "duration", required_argument, NULL, 'd' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "round-time", required_argument, NULL, 't' },
		{ "procs", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 'T' },
		{ "first-round", required_argument, NULL, 'f' },
		{ "watchdog", required_argument, NULL, 'w' },
		{ "only", required_argument, NULL, 'o' },
		{ "skip", required_argument, NULL, 'S' },
		{ "seqs", required_argument, NULL, 'Q' },
		{ "max-prints", required_argument, NULL, 'm' },
		{ "no-kill", no_argument, NULL, 'K' },
		{ "no-edu", no_argument, NULL, 'E' },
		{ "no-fork", no_argument, NULL, 'F' },
		{ "no-verify", no_argument, NULL, 'V' },
		{ "no-fail-pgtable", no_argument, NULL, 'P' },
		{ "no-introspect", no_argument, NULL, 'I' },
		{ "no-policy", no_argument, NULL, 'Y' },
		{ "selftest-hang", no_argument, NULL, 'H' },
		{ "list-ops", no_argument, NULL, 'l' },
		{ "list-errnos", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct ioasid_test_stats st;
	bool seeded = false, fatal = false;
	int c, round, failed = 0, done_rounds = 0, tap = 0;
	double t0;
	char buf[256];

	cfg = (struct config){
		.duration = 0, .rounds = 0, .round_time = 5, .procs = 4,
		.threads = 4, .watchdog = 60, .kill = true, .edu = true,
		.fork = true, .verify = true, .fail_pgtable = true,
		.introspect = true, .policy = true,
		.max_prints = 3,
	};
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			cfg.seed = strtoull(optarg, NULL, 0);
			seeded = true;
			break;
		case 'd':
			cfg.duration = atof(optarg);
			break;
		case 'r':
			cfg.rounds = atoi(optarg);
			break;
		case 't':
			cfg.round_time = atof(optarg);
			break;
		case 'p':
			cfg.procs = atoi(optarg);
			break;
		case 'T':
			cfg.threads = atoi(optarg);
			break;
		case 'f':
			cfg.first_round = atoi(optarg);
			break;
		case 'w':
			cfg.watchdog = atoi(optarg);
			break;
		case 'o':
			cfg.only = op_mask(optarg);
			break;
		case 'S':
			cfg.skip = op_mask(optarg);
			break;
		case 'Q':
			cfg.seqs = seq_mask(optarg);
			break;
		case 'm':
			cfg.max_prints = atoi(optarg);
			break;
		case 'K':
			cfg.kill = false;
			break;
		case 'E':
			cfg.edu = false;
			break;
		case 'F':
			cfg.fork = false;
			break;
		case 'V':
			cfg.verify = false;
			break;
		case 'P':
			cfg.fail_pgtable = false;
			break;
		case 'I':
			cfg.introspect = false;
			break;
		case 'Y':
			cfg.policy = false;
			break;
		case 'H':
			cfg.selftest_hang = true;
			break;
		case 'L':
			list_errnos();
			return 0;
		case 'l':
			for (int i = 0; i < nopdefs; i++)
				printf("%s\n", opdefs[i].name);
			printf("verified sequences (--seqs):");
			for (int i = 0; i < NSEQ; i++)
				printf(" %s", seq_names[i]);
			printf("\n");
			return 0;
		default:
			usage();
		}
	}
	if (optind != argc || cfg.procs < 1 || cfg.procs > 64 ||
	    cfg.threads < 1 || cfg.threads > 32 || cfg.round_time <= 0)
		usage();
	if (!cfg.duration && !cfg.rounds)
		cfg.duration = 60;
	if (!seeded) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		cfg.seed = (uint64_t)ts.tv_sec * 1000003u + ts.tv_nsec / 1000;
	}
	setvbuf(stdout, NULL, _IONBF, 0);

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		emit("not ok 1 - ioasid-stress: shared memory: %s\n", strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(sh->checker_fds); i++)
		sh->checker_fds[i] = -1;
	emit("# ioasid-stress: seed %llu, %s %g%s, %g s per round, %d procs x "
	     "%d threads (replay: --seed %llu)\n", (unsigned long long)cfg.seed,
	     cfg.rounds ? "rounds" : "duration",
	     cfg.rounds ? (double)cfg.rounds : cfg.duration,
	     cfg.rounds ? "" : " s", cfg.round_time, cfg.procs, cfg.threads,
	     (unsigned long long)cfg.seed);

	stats_fd = open("/dev/ioasid", O_RDWR | O_CLOEXEC);
	if (stats_fd < 0 || stats_now(stats_fd, &st)) {
		emit("not ok 1 - /dev/ioasid with the test interface: %s\n1..1\n",
		     strerror(errno));
		return 1;
	}
	sh->checker_fds[0] = stats_fd;
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	sigbus_init();
	signal(SIGPIPE, SIG_IGN);
	kmsg_open();
	sh->checker_fds[1] = kmsg_fd;
	if (cfg.edu && edu_discover()) {
		emit("# %d edu devices:", sh->n_edu);
		for (int i = 0; i < sh->n_edu; i++)
			emit(" %s (group %u of %d)", sh->edu[i].bdf, sh->edu[i].group,
			     sh->edu[i].group_size);
		emit("\n");
	}
	vmlck_start = vmlck_kb();

	/* Whatever ran before must have left the module empty. */
	tap++;
	if (!stats_clean(&st)) {
		stats_str(&st, buf, sizeof(buf));
		emit("not ok %d - the module is clean before the run: it counts %s\n",
		     tap, buf);
		failed++;
	} else {
		emit("ok %d - the module is clean before the run\n", tap);
	}
	kmsg_scan(false);

	t0 = now();
	ops_before = total_ops();
	for (round = cfg.first_round;; round++) {
		struct round_result res;
		uint64_t ops0 = total_ops();
		double rt0 = now();

		if (cfg.rounds && done_rounds >= cfg.rounds)
			break;
		if (!cfg.rounds && now() - t0 + cfg.round_time / 2 > cfg.duration &&
		    done_rounds)
			break;
		run_round(round, &res);
		done_rounds++;
		tap++;
		if (res.why[0]) {
			failed++;
			emit("not ok %d - round %d: %s (replay: --seed %llu "
			     "--first-round %d --rounds 1 --procs %d --threads %d)\n",
			     tap, round, res.why, (unsigned long long)cfg.seed, round,
			     cfg.procs, cfg.threads);
		} else {
			emit("ok %d - round %d: %llu operations in %.1f s\n", tap,
			     round, (unsigned long long)(total_ops() - ops0),
			     now() - rt0);
		}
		if (res.fatal) {
			fatal = true;
			break;
		}
	}
	if (cfg.edu && sh->n_edu)
		edu_restore();
	summary(done_rounds, now() - t0, failed);
	tap++;
	{
		uint64_t viol = 0;

		for (int k = 0; k < K_NR; k++)
			viol += atomic_load(&sh->viol[k]);
		if (failed || fatal)
			emit("not ok %d - ioasid-stress: %d of %d rounds failed, "
			     "%llu violations%s (seed %llu)\n", tap, failed,
			     done_rounds, (unsigned long long)viol,
			     fatal ? ", run stopped" : "",
			     (unsigned long long)cfg.seed);
		else
			emit("ok %d - ioasid-stress: %d rounds, %llu operations, no "
			     "violation, no leak, no kernel report (seed %llu)\n", tap,
			     done_rounds, (unsigned long long)(total_ops() - ops_before),
			     (unsigned long long)cfg.seed);
	}
	emit("1..%d\n", tap);
	close(stats_fd);
	return failed || fatal ? 1 : 0;
}
