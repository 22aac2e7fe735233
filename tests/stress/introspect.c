// SPDX-License-Identifier: GPL-2.0
/*
 * The introspector of a round: while the workers tear objects down, it
 * walks them through the generic netlink family "ioasid" (dumps of every
 * context, IOAS, device, group and PASID, then requests for the ids it
 * saw, which may be gone by then, with a socket in the "monitor" group
 * draining every event), and loads, replaces and unloads permissive
 * policies with ioasidctl (audit, minimal with a quota nobody reaches), so
 * hook calls race the policy's life cycle.  Permissive: the verifier's
 * exact outcomes still hold.
 *
 * Netlink errors must be those include/uapi/linux/ioasid_netlink.h names
 * (-ENOENT gone, -EINVAL).  ioasidctl's exit status must be 0, or 1 for an
 * error it reports; anything else (a crash, a usage error, a hang of 30 s)
 * is a violation.
 */
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/ioasid_netlink.h>
#include <linux/netlink.h>

#include "stress.h"

/* --- generic netlink, by hand ------------------------------------------- */

struct nl {
	int fd;
	uint16_t family;
	uint32_t mcgrp;
	uint32_t seq;
};

/* Ids seen in dumps, asked for again later (they may be gone by then). */
static uint32_t seen_ctx[32], seen_ioas[32][2], seen_dev[32], seen_group[32],
		seen_pasid[32];
static unsigned int nseen_ctx, nseen_ioas, nseen_dev, nseen_group, nseen_pasid;

#define NLA_OK_(nla, len) ((len) >= (int)sizeof(struct nlattr) && \
			   (nla)->nla_len >= sizeof(struct nlattr) && \
			   (nla)->nla_len <= (len))
#define NLA_NEXT_(nla, len) ((len) -= NLA_ALIGN((nla)->nla_len), \
			     (struct nlattr *)((char *)(nla) + NLA_ALIGN((nla)->nla_len)))
#define NLA_DATA_(nla) ((void *)((char *)(nla) + NLA_HDRLEN))

static void put_attr(struct nlmsghdr *h, uint16_t type, const void *data,
		     uint16_t len)
{
	struct nlattr *a = (void *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy(NLA_DATA_(a), data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

static struct nlmsghdr *new_msg(char *buf, uint16_t family, uint8_t cmd,
				uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *h = (void *)buf;
	struct genlmsghdr *g = NLMSG_DATA(h);

	memset(buf, 0, NLMSG_SPACE(GENL_HDRLEN));
	h->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	h->nlmsg_type = family;
	h->nlmsg_flags = NLM_F_REQUEST | flags;
	h->nlmsg_seq = seq;
	g->cmd = cmd;
	g->version = 1;
	return h;
}

/* Walk the attributes of every reply; 0 or the -errno the kernel sent. */
static int nl_talk(struct nl *nl, struct nlmsghdr *req,
		   void (*fn)(uint8_t cmd, struct nlattr *a, int len, void *arg),
		   void *arg)
{
	static char buf[65536];
	bool dump = req->nlmsg_flags & NLM_F_DUMP;
	ssize_t n;

	if (send(nl->fd, req, req->nlmsg_len, 0) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *h;

		n = recv(nl->fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			struct genlmsghdr *g = NLMSG_DATA(h);

			if (h->nlmsg_seq != req->nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error;
			}
			if (fn)
				fn(g->cmd, (void *)((char *)g + GENL_HDRLEN),
				   h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), arg);
			if (!dump)
				return 0;
		}
	}
}

static void family_cb(uint8_t cmd, struct nlattr *a, int len, void *arg)
{
	struct nl *nl = arg;

	(void)cmd;
	for (; NLA_OK_(a, len); a = NLA_NEXT_(a, len)) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			nl->family = *(uint16_t *)NLA_DATA_(a);
		if (a->nla_type == CTRL_ATTR_MCAST_GROUPS) {
			struct nlattr *grp = NLA_DATA_(a);
			int glen = a->nla_len - NLA_HDRLEN;

			for (; NLA_OK_(grp, glen); grp = NLA_NEXT_(grp, glen)) {
				struct nlattr *f = NLA_DATA_(grp);
				int flen = grp->nla_len - NLA_HDRLEN;
				uint32_t id = 0;
				bool monitor = false;

				for (; NLA_OK_(f, flen); f = NLA_NEXT_(f, flen)) {
					if (f->nla_type == CTRL_ATTR_MCAST_GRP_ID)
						id = *(uint32_t *)NLA_DATA_(f);
					if (f->nla_type == CTRL_ATTR_MCAST_GRP_NAME)
						monitor = !strcmp(NLA_DATA_(f),
								  IOASID_GENL_MCGRP_MONITOR);
				}
				if (monitor)
					nl->mcgrp = id;
			}
		}
	}
}

static bool nl_open(struct nl *nl)
{
	char buf[256];
	struct nlmsghdr *h;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	memset(nl, 0, sizeof(*nl));
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0 || bind(nl->fd, (void *)&sa, sizeof(sa)))
		return false;
	h = new_msg(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0, ++nl->seq);
	((struct genlmsghdr *)NLMSG_DATA(h))->version = 2;
	put_attr(h, CTRL_ATTR_FAMILY_NAME, IOASID_GENL_NAME,
		 sizeof(IOASID_GENL_NAME));
	return nl_talk(nl, h, family_cb, nl) == 0 && nl->family;
}

static void remember(uint8_t cmd, struct nlattr *a, int len, void *arg)
{
	uint32_t ctx = 0, ioas = 0, dev = 0, group = 0, pasid = 0;

	(void)arg;
	for (; NLA_OK_(a, len); a = NLA_NEXT_(a, len)) {
		uint32_t v = a->nla_len >= NLA_HDRLEN + 4 ?
			     *(uint32_t *)NLA_DATA_(a) : 0;

		switch (a->nla_type) {
		case IOASID_NL_A_CTX_ID:
			ctx = v;
			break;
		case IOASID_NL_A_IOAS_ID:
			ioas = v;
			break;
		case IOASID_NL_A_DEVICE_ID:
			dev = v;
			break;
		case IOASID_NL_A_GROUP_ID:
			group = v;
			break;
		case IOASID_NL_A_PASID:
			pasid = v;
			break;
		}
	}
	switch (cmd) {
	case IOASID_NL_CMD_CTX_GET:
		seen_ctx[nseen_ctx++ % 32] = ctx;
		break;
	case IOASID_NL_CMD_IOAS_GET:
		seen_ioas[nseen_ioas % 32][0] = ctx;
		seen_ioas[nseen_ioas++ % 32][1] = ioas;
		break;
	case IOASID_NL_CMD_DEVICE_GET:
		seen_dev[nseen_dev++ % 32] = dev;
		break;
	case IOASID_NL_CMD_GROUP_GET:
		seen_group[nseen_group++ % 32] = group;
		break;
	case IOASID_NL_CMD_PASID_GET:
		seen_pasid[nseen_pasid++ % 32] = pasid;
		break;
	}
}

static uint32_t from(uint64_t *r, const uint32_t *seen, unsigned int n)
{
	if (!n || chance(r, 1, 8))
		return 1 + below(r, 64);
	return seen[below(r, n < 32 ? n : 32)];
}

static void one_request(struct nl *nl, struct thr *t)
{
	static const char *const names[] = { "", "CTX_GET", "IOAS_GET",
		"DEVICE_GET", "GROUP_GET", "PASID_GET", "POLICY_GET" };
	char buf[512];
	uint8_t cmd = 1 + below(&t->r, 6);
	bool dump = cmd != IOASID_NL_CMD_POLICY_GET && chance(&t->r, 1, 2);
	struct nlmsghdr *h = new_msg(buf, nl->family, cmd,
				     dump ? NLM_F_DUMP : 0, ++nl->seq);
	uint32_t v, w;
	uint64_t iova;
	int rc;

	if (!dump) {
		switch (cmd) {
		case IOASID_NL_CMD_CTX_GET:
			v = from(&t->r, seen_ctx, nseen_ctx);
			put_attr(h, IOASID_NL_A_CTX_ID, &v, 4);
			break;
		case IOASID_NL_CMD_IOAS_GET: {
			unsigned int i = below(&t->r, nseen_ioas < 32 ? nseen_ioas : 32);

			v = nseen_ioas ? seen_ioas[i][0] : 1;
			w = nseen_ioas ? seen_ioas[i][1] : 1;
			put_attr(h, IOASID_NL_A_CTX_ID, &v, 4);
			put_attr(h, IOASID_NL_A_IOAS_ID, &w, 4);
			if (chance(&t->r, 1, 3)) {
				iova = pick_iova(t);
				put_attr(h, IOASID_NL_A_IOVA_START, &iova, 8);
			}
			break;
		}
		case IOASID_NL_CMD_DEVICE_GET:
			v = from(&t->r, seen_dev, nseen_dev);
			put_attr(h, IOASID_NL_A_DEVICE_ID, &v, 4);
			break;
		case IOASID_NL_CMD_GROUP_GET:
			v = from(&t->r, seen_group, nseen_group);
			put_attr(h, IOASID_NL_A_GROUP_ID, &v, 4);
			break;
		case IOASID_NL_CMD_PASID_GET:
			v = from(&t->r, seen_pasid, nseen_pasid);
			put_attr(h, IOASID_NL_A_PASID, &v, 4);
			break;
		}
	} else if (cmd == IOASID_NL_CMD_IOAS_GET && chance(&t->r, 1, 2)) {
		v = from(&t->r, seen_ctx, nseen_ctx);
		put_attr(h, IOASID_NL_A_CTX_ID, &v, 4);
	}
	tlog(t, "netlink %s %s", names[cmd], dump ? "dump" : "request");
	rc = nl_talk(nl, h, remember, NULL);
	note(t, K_NETLINK, rc, false);
}

/* Events of the monitor group: read them all, they say nothing we check. */
static void drain(int fd)
{
	static char buf[65536];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0 || errno == ENOBUFS)
		;
}

static char ctl[PATH_MAX];

/* cli/ioasidctl of the same tree as this binary (tests/stress/). */
static bool find_ioasidctl(void)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return false;
	exe[n] = '\0';
	snprintf(ctl, sizeof(ctl), "%s/../../cli/ioasidctl", dirname(exe));
	return access(ctl, X_OK) == 0;
}

static pid_t spawn(char *const argv[], int errfd)
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(errfd >= 0 ? errfd : null, 2);
		execv(ctl, argv);
		_exit(127);
	}
	return pid;
}

/* Run ioasidctl ARGV; 0 (exit 0), 1 (exit 1) or 2 (anything else). */
static int run_ctl(struct thr *t, enum kind k, char *const argv[])
{
	char cmd[200] = "", err[240] = "";
	double end = now() + 30;
	int pfd[2], status = 0;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	for (int i = 0; argv[i] && n < sizeof(cmd) - 1; i++)
		n += snprintf(cmd + n, sizeof(cmd) - n, "%s%s", i ? " " : "",
			      argv[i]);
	tlog(t, "%s", cmd);
	if (pipe2(pfd, O_CLOEXEC))
		return 1;
	pid = spawn(argv, pfd[1]);
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		return 1;
	}
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	n = 0;
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			bad(t, k, "'%s' still running after 30 s", cmd);
			close(pfd[0]);
			return 2;
		}
		r = read(pfd[0], err + n, sizeof(err) - 1 - n);
		if (r > 0)
			n += r;
		usleep(2000);
	}
	r = read(pfd[0], err + n, sizeof(err) - 1 - n);
	if (r > 0)
		n += r;
	err[n] = '\0';
	close(pfd[0]);
	if (WIFEXITED(status) && WEXITSTATUS(status) <= 1) {
		atomic_fetch_add(WEXITSTATUS(status) ? &sh->err[k] : &sh->ok[k], 1);
		return WEXITSTATUS(status);
	}
	if (WIFSIGNALED(status))
		bad(t, k, "'%s' died of signal %d; stderr: %.200s", cmd,
		    WTERMSIG(status), err);
	else
		bad(t, k, "'%s' exited with %d; stderr: %.200s", cmd,
		    WEXITSTATUS(status), err);
	return 2;
}

static void one_query(struct thr *t)
{
	char a[32], b[32];
	char *argv[8] = { "ioasidctl", "-j" };

	switch (below(&t->r, 10)) {
	case 0:
		argv[2] = "ctx";
		argv[3] = "list";
		break;
	case 1:
		argv[2] = "ioas";
		argv[3] = "list";
		break;
	case 2:
		argv[2] = "device";
		argv[3] = "list";
		break;
	case 3:
		argv[2] = "group";
		argv[3] = "list";
		break;
	case 4:
		argv[2] = "pasid";
		argv[3] = "list";
		break;
	case 5:
		argv[2] = "policy";
		argv[3] = "show";
		break;
	case 6:
		/* Context ids grow; IOAS ids are small. */
		snprintf(a, sizeof(a), "%u:%u", 1 + below(&t->r, 400),
			 1 + below(&t->r, 12));
		argv[2] = "ioas";
		argv[3] = "show";
		argv[4] = a;
		break;
	case 7:
		snprintf(a, sizeof(a), "%u", 1 + below(&t->r, 400));
		argv[2] = "ioas";
		argv[3] = "list";
		argv[4] = a;
		break;
	case 8:
		snprintf(b, sizeof(b), "mock%u", 1 + below(&t->r, 4000));
		argv[2] = "device";
		argv[3] = "show";
		argv[4] = b;
		break;
	default:
		snprintf(b, sizeof(b), "%u", ~0u - below(&t->r, 4000));
		argv[2] = "group";
		argv[3] = "show";
		argv[4] = b;
		break;
	}
	run_ctl(t, K_INTROSPECT, argv);
}

static bool policy_loaded(void)
{
	return access("/sys/fs/bpf/ioasid/policy", F_OK) == 0;
}

/* Load, replace or unload a policy that refuses nothing we do. */
static void one_policy(struct thr *t)
{
	static char *const audit[] = { "ioasidctl", "policy", "load", "audit",
				       "--set", "quiet=1", NULL };
	static char *const minimal[] = { "ioasidctl", "policy", "load",
					 "minimal", "--set",
					 "max_pasids=1000000", NULL };
	static char *const unload[] = { "ioasidctl", "policy", "unload", NULL };
	char *argv[8];
	bool loaded = policy_loaded();

	memcpy(argv, chance(&t->r, 1, 2) ? audit : minimal, sizeof(audit));
	if (loaded && chance(&t->r, 1, 2)) {
		run_ctl(t, K_POLICY, unload);
		return;
	}
	if (loaded)
		argv[2] = "replace";
	run_ctl(t, K_POLICY, argv);
}

void introspector_main(uint64_t seed)
{
	static struct proc p = { .idx = 99, .test_fd = -1 };
	static char *const monitor[] = { "ioasidctl", "monitor", NULL };
	static char *const unload[] = { "ioasidctl", "policy", "unload", NULL };
	struct nl nl, mon_nl;
	bool monitoring = false;
	struct thr t;
	pid_t mon = -1;
	int status;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (size_t i = 0; i < ARRAY_SIZE(sh->checker_fds); i++)
		if (sh->checker_fds[i] >= 0)
			close(sh->checker_fds[i]);
	if (!find_ioasidctl())
		_exit(0);
	if (!thr_setup(&t, &p, 0, seed))
		_exit(3);
	if (!nl_open(&nl)) {
		tlog(&t, "netlink: resolve the family \"ioasid\"");
		bad(&t, K_NETLINK, "cannot resolve the generic netlink family: %s",
		    strerror(errno));
		_exit(0);
	}
	if (nl_open(&mon_nl) && mon_nl.mcgrp &&
	    setsockopt(mon_nl.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
		       &mon_nl.mcgrp, sizeof(mon_nl.mcgrp)) == 0)
		monitoring = true;
	if (chance(&t.r, 1, 3))
		mon = spawn(monitor, -1);
	while (!atomic_load(&sh->stop)) {
		/* ioasidctl costs an exec (a second or two under TCG). */
		if (cfg.policy && chance(&t.r, 1, 300))
			one_policy(&t);
		else if (chance(&t.r, 1, 600))
			one_query(&t);
		else
			one_request(&nl, &t);
		if (monitoring)
			drain(mon_nl.fd);
	}
	if (policy_loaded())
		run_ctl(&t, K_POLICY, unload);
	if (mon > 0) {
		tlog(&t, "ioasidctl monitor, stopped with SIGTERM");
		kill(mon, SIGTERM);
		waitpid(mon, &status, 0);
		if (WIFSIGNALED(status) && WTERMSIG(status) != SIGTERM)
			bad(&t, K_INTROSPECT, "ioasidctl monitor died of signal %d",
			    WTERMSIG(status));
		else if (WIFEXITED(status) && WEXITSTATUS(status) > 1)
			bad(&t, K_INTROSPECT, "ioasidctl monitor exited with %d",
			    WEXITSTATUS(status));
		else
			atomic_fetch_add(&sh->ok[K_INTROSPECT], 1);
	}
	_exit(0);
}
