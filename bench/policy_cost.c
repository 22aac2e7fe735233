// SPDX-License-Identifier: GPL-2.0
/*
 * policy_cost: what a policy call costs, per hook, against no policy.
 *
 * Times pairs of ioctls that each reach policy hooks, on a mock device
 * (the test interface), with no policy, with the smallest policy, and with
 * each bundled policy configured to allow (so both runs take the same
 * path):
 *
 *   pasid   IOASID_PASID_ALLOC + FREE              pasid_alloc, pasid_free
 *   attach  IOASID_DEVICE_ATTACH + DETACH (mock)   device_attach
 *   map     IOASID_IOAS_MAP + UNMAP of 4 KiB       dma_map, dma_unmap
 *   bind    IOASID_DEVICE_BIND + UNBIND (mock)     group_viable,
 *                                                  device_bind, device_unbind
 *
 * and prints ns per pair and the difference to no policy (the cost of the
 * hooks of that pair, plus the filling of their context).  A policy without
 * a hook for a pair costs only the check that it has none.  Every run of
 * a policy is paired with a run without policy just before it, and the
 * difference is the median of the differences within pairs: the runs
 * drift by +-20% over a minute under TCG, far more than a hook costs.  It
 * prints, never asserts.
 *
 *   policy_cost [--pairs N] [--reps N] [--top DIR] [--only LABEL,...]
 *               [--op pasid|attach|map|bind]
 *
 * --only runs the named configurations only (the differences are then to
 * the first one named; one name: its runs only, for a profile), --op one
 * pair only.
 *
 * Run in the guest by scripts/bench-policy.sh (make bench-policy).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/ioasid.h>

enum { OP_PASID, OP_ATTACH, OP_MAP, OP_BIND, NR_OPS };
static const char *op_names[NR_OPS] = { "pasid", "attach", "map", "bind" };

struct config {
	const char *label;
	const char *policy;	/* NULL: none */
	const char *knob;	/* one knob, "name=value", or NULL */
	uint64_t value;
};

static const struct config configs[] = {
	{ "none", NULL, NULL, 0 },
	{ "minimal", "minimal", "max_pasids", 1u << 20 },
	{ "singleton", "singleton", NULL, 0 },
	{ "allowlist", "allowlist", "allow_mock", 1 },
	{ "tenant", "tenant", NULL, 0 },
	{ "dmaquota", "dmaquota", "default_quota", 0 },
	{ "audit-quiet", "audit", "quiet", 1 },
	{ "audit", "audit", NULL, 0 },
};

static const char *top = ".";
static const char *only;
static int one_op = -1;
static long pairs = 100000;
static int reps = 3;

/* Is @label in the comma-separated --only list (or is there none)? */
static int selected(const char *label)
{
	size_t n = strlen(label);

	if (!only)
		return 1;
	for (const char *p = only; p; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (!strncmp(p, label, n) && (p[n] == ',' || !p[n]))
			return 1;
	}
	return 0;
}

static void die(const char *what)
{
	fprintf(stderr, "policy_cost: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* --- the policy ---------------------------------------------------------- */

static void set_knob(struct bpf_object *obj, const char *name, uint64_t v)
{
	struct bpf_map *ro = bpf_object__find_map_by_name(obj, ".rodata");
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	size_t sz;
	char *data;
	int id;

	id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -1;
	if (!ro || id < 0)
		die("no .rodata");
	data = bpf_map__initial_value(ro, &sz);
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (!strcmp(btf__name_by_offset(btf, var->name_off), name)) {
			memcpy(data + vs->offset, &v, vs->size);
			return;
		}
	}
	errno = ENOENT;
	die(name);
}

struct loaded {
	struct bpf_object *obj;
	struct bpf_link *link;
};

static struct loaded policy_load(const struct config *c)
{
	struct loaded l = { 0 };
	struct bpf_map *map;
	char path[4096];

	if (!c->policy)
		return l;
	snprintf(path, sizeof(path), "%s/bpf/.output/%s.bpf.o", top, c->policy);
	l.obj = bpf_object__open_file(path, NULL);
	if (!l.obj)
		die(path);
	if (c->knob)
		set_knob(l.obj, c->knob, c->value);
	if (bpf_object__load(l.obj))
		die("load");
	bpf_object__for_each_map(map, l.obj)
		if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS)
			l.link = bpf_map__attach_struct_ops(map);
	if (!l.link)
		die("attach (is another policy loaded?)");
	return l;
}

static void policy_unload(struct loaded *l)
{
	if (l->link) {
		bpf_link__detach(l->link);
		bpf_link__destroy(l->link);
	}
	bpf_object__close(l->obj);
}

/* --- the operations ------------------------------------------------------ */

static int ctx_fd, mock_fd;
static uint32_t ioas_id;
static void *page;

static void xioctl(int fd, unsigned long req, void *arg, const char *what)
{
	if (ioctl(fd, req, arg))
		die(what);
}

static void setup(void)
{
	struct ioasid_test t = {
		.size = sizeof(t), .op = IOASID_TEST_MOCK_DEVICE_CREATE,
		.mock_create = { .flags = IOASID_MOCK_NEW_GROUP },
	};
	struct ioasid_ioas_alloc a = { .size = sizeof(a) };

	ctx_fd = open("/dev/ioasid", O_RDWR | O_CLOEXEC);
	if (ctx_fd < 0)
		die("/dev/ioasid");
	xioctl(ctx_fd, IOASID_TEST, &t, "mock create (enable_test_interface=1?)");
	mock_fd = t.mock_create.out_fd;
	xioctl(ctx_fd, IOASID_IOAS_ALLOC, &a, "IOAS alloc");
	ioas_id = a.out_ioas_id;
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (page == MAP_FAILED)
		die("mmap");
}

static void bind(void)
{
	struct ioasid_device_bind b = { .size = sizeof(b), .ioasid_fd = ctx_fd };

	xioctl(mock_fd, IOASID_DEVICE_BIND, &b, "bind");
}

static void unbind(void)
{
	struct ioasid_device_unbind u = { .size = sizeof(u) };

	xioctl(mock_fd, IOASID_DEVICE_UNBIND, &u, "unbind");
}

static void one_pair(int op)
{
	switch (op) {
	case OP_PASID: {
		struct ioasid_pasid_alloc a = { .size = sizeof(a) };
		struct ioasid_pasid_free f = { .size = sizeof(f) };

		xioctl(ctx_fd, IOASID_PASID_ALLOC, &a, "PASID alloc");
		f.pasid = a.out_pasid;
		xioctl(ctx_fd, IOASID_PASID_FREE, &f, "PASID free");
		break;
	}
	case OP_ATTACH: {
		struct ioasid_device_attach a = {
			.size = sizeof(a), .ioas_id = ioas_id,
		};
		struct ioasid_device_detach d = { .size = sizeof(d) };

		xioctl(mock_fd, IOASID_DEVICE_ATTACH, &a, "attach");
		xioctl(mock_fd, IOASID_DEVICE_DETACH, &d, "detach");
		break;
	}
	case OP_MAP: {
		struct ioasid_ioas_map m = {
			.size = sizeof(m),
			.flags = IOASID_IOAS_MAP_FIXED_IOVA |
				 IOASID_IOAS_MAP_READABLE |
				 IOASID_IOAS_MAP_WRITEABLE,
			.ioas_id = ioas_id, .user_va = (uintptr_t)page,
			.length = 4096, .iova = 0x100000,
		};
		struct ioasid_ioas_unmap u = {
			.size = sizeof(u), .ioas_id = ioas_id,
			.iova = 0x100000, .length = 4096,
		};

		xioctl(ctx_fd, IOASID_IOAS_MAP, &m, "map");
		xioctl(ctx_fd, IOASID_IOAS_UNMAP, &u, "unmap");
		break;
	}
	case OP_BIND:
		bind();
		unbind();
		break;
	}
}

/* ns per pair of one run of @n pairs. */
static double time_op(int op, long n)
{
	double t0;

	if (op != OP_BIND)
		bind();
	for (long i = 0; i < n / 10 + 1; i++)	/* warm up */
		one_pair(op);
	t0 = now_ns();
	for (long i = 0; i < n; i++)
		one_pair(op);
	t0 = (now_ns() - t0) / n;
	if (op != OP_BIND)
		unbind();
	return t0;
}

/* One run of every pair (or of --op) with configuration @c loaded. */
static void run_config(size_t c, double out[][64], int r)
{
	struct loaded l = policy_load(&configs[c]);

	/*
	 * Loading (and the last unload) leave deferred work behind: RCU
	 * callbacks freeing the old programs, JIT images, the trace buffer
	 * of audit's prints.  Let it run before the clock does.
	 */
	usleep(200000);
	for (int op = 0; op < NR_OPS; op++)
		if (one_op < 0 || op == one_op)
			out[op][r] = time_op(op, op == OP_PASID ?
					     pairs : pairs / 5);
	policy_unload(&l);
}

static double median(double *runs, int n)
{
	qsort(runs, n, sizeof(runs[0]), cmp_double);
	return runs[n / 2];
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pairs", required_argument, NULL, 'n' },
		{ "reps", required_argument, NULL, 'r' },
		{ "top", required_argument, NULL, 't' },
		{ "only", required_argument, NULL, 'o' },
		{ "op", required_argument, NULL, 'p' },
		{ 0 }
	};
	enum { NC = sizeof(configs) / sizeof(configs[0]) };
	static double runs[NC][NR_OPS][64], base_runs[NC][NR_OPS][64];
	size_t sel[NC], nsel = 0;
	int c;

	while ((c = getopt_long(argc, argv, "n:r:t:o:p:", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			pairs = strtol(optarg, NULL, 0);
			break;
		case 'r':
			reps = atoi(optarg);
			break;
		case 't':
			top = optarg;
			break;
		case 'o':
			only = optarg;
			break;
		case 'p':
			for (one_op = NR_OPS - 1; one_op >= 0; one_op--)
				if (!strcmp(optarg, op_names[one_op]))
					break;
			if (one_op < 0) {
				fprintf(stderr, "policy_cost: --op pasid, attach, map or bind\n");
				return 2;
			}
			break;
		default:
			fprintf(stderr, "usage: policy_cost [--pairs N] [--reps N] [--top DIR] [--only LABEL,...] [--op OP]\n");
			return 2;
		}
	}
	if (pairs < 1 || reps < 1 || reps > 64) {
		fprintf(stderr, "policy_cost: --pairs >= 1, --reps 1..64\n");
		return 2;
	}
	for (size_t i = 0; i < NC; i++)
		if (selected(configs[i].label))
			sel[nsel++] = i;
	if (!nsel) {
		fprintf(stderr, "policy_cost: --only names none of the configurations\n");
		return 2;
	}
	libbpf_set_print(NULL);
	setup();
	printf("policy_cost: ns per pair of ioctls (%d runs of %ld pairs, each paired with a run without policy just before it; attach, map and bind: %ld pairs; +hooks: median difference within pairs)\n",
	       reps, pairs, pairs / 5);
	/*
	 * Each run of a configuration is paired with a run of the first
	 * (no policy) just before it; the cost is the median of the
	 * differences within pairs, so that the slow drifts of an emulated
	 * machine cancel out.
	 */
	for (int r = 0; r < reps; r++)
		for (size_t k = nsel > 1; k < nsel; k++) {
			run_config(sel[0], base_runs[sel[k]], r);
			run_config(sel[k], runs[sel[k]], r);
		}
	printf("%-12s", "policy");
	for (int op = 0; op < NR_OPS; op++)
		printf(" %9s %8s %6s", op_names[op], "+hooks", "");
	printf("\n");
	for (size_t k = nsel > 1; k < nsel; k++) {
		printf("%-12s", configs[sel[k]].label);
		for (int op = 0; op < NR_OPS; op++) {
			double d[64], q[64];

			for (int r = 0; r < reps; r++) {
				d[r] = runs[sel[k]][op][r] -
				       base_runs[sel[k]][op][r];
				q[r] = base_runs[sel[k]][op][r] > 0 ?
				       d[r] / base_runs[sel[k]][op][r] : 0;
			}
			printf(" %9.0f %+8.0f %+5.0f%%",
			       median(runs[sel[k]][op], reps), median(d, reps),
			       100 * median(q, reps));
		}
		printf("\n");
	}
	if (nsel > 1) {
		double all[NC * 64];
		int n;

		printf("%-12s", configs[sel[0]].label);
		for (int op = 0; op < NR_OPS; op++) {
			n = 0;
			for (size_t k = 1; k < nsel; k++)
				for (int r = 0; r < reps; r++)
					all[n++] = base_runs[sel[k]][op][r];
			printf(" %9.0f %8s %6s", median(all, n), "", "");
		}
		printf("   (the runs paired with the others)\n");
	}
	return 0;
}
