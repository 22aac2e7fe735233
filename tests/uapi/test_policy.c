// SPDX-License-Identifier: GPL-2.0
/*
 * The struct_ops round trip: a BPF policy registers, changes a decision
 * user space can see, and unregisters, restoring the kernel's default.
 * Uses libbpf directly so the kernel side is tested apart from ioasidctl.
 */
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "helpers.h"

struct loaded {
	struct bpf_object *obj;
	struct bpf_link *link;
};

/* Open and load bpf/.output/<name>.bpf.o; attach its map <name>. */
static int policy_attach(const char *name, struct loaded *l)
{
	char rel[256];
	struct bpf_map *map;
	int rc;

	snprintf(rel, sizeof(rel), "bpf/.output/%s.bpf.o", name);
	l->link = NULL;
	l->obj = bpf_object__open_file(build_path(rel), NULL);
	cr_assert(l->obj, "open %s: %s", rel, strerror(errno));
	cr_assert_eq(bpf_object__load(l->obj), 0, "load %s", rel);
	map = bpf_object__find_map_by_name(l->obj, name);
	cr_assert(map, "no map %s in %s", name, rel);
	l->link = bpf_map__attach_struct_ops(map);
	rc = l->link ? 0 : -errno;
	return rc;
}

static void policy_detach(struct loaded *l)
{
	if (l->link) {
		/* Detach synchronously: unreg has run when this returns. */
		cr_assert_eq(bpf_link__detach(l->link), 0);
		bpf_link__destroy(l->link);
	}
	bpf_object__close(l->obj);
}

Test(policy, struct_ops_round_trip)
{
	struct loaded l;
	uint32_t p[3];
	int fd;

	/* No policy: the kernel's default lets a context take many. */
	fd = ioasid_open();
	for (int i = 0; i < 3; i++)
		cr_assert_eq(pasid_alloc(fd, 0, 0, &p[i]), 0);
	close(fd);

	cr_assert_eq(policy_attach("minimal", &l), 0);
	fd = ioasid_open();
	cr_assert_eq(pasid_alloc(fd, 0, 0, &p[0]), 0);
	cr_assert_eq(pasid_alloc(fd, 0, 0, &p[1]), 0);
	/* minimal's default max_pasids is 2. */
	cr_assert_eq(pasid_alloc(fd, 0, 0, &p[2]), -EDQUOT);
	/* Freeing one makes room again: the policy sees nr_owned. */
	cr_assert_eq(pasid_free(fd, p[1]), 0);
	cr_assert_eq(pasid_alloc(fd, 0, 0, &p[1]), 0);
	cr_assert_eq(pasid_alloc(fd, 0, 0, &p[2]), -EDQUOT);

	policy_detach(&l);
	/* Unloaded: kernel defaults again, in the same context. */
	cr_assert_eq(pasid_alloc(fd, 0, 0, &p[2]), 0);
	close(fd);
}

Test(policy, second_policy_is_eexist)
{
	struct loaded a, b;

	cr_assert_eq(policy_attach("minimal", &a), 0);
	cr_assert_eq(policy_attach("minimal", &b), -EEXIST);
	policy_detach(&b);
	policy_detach(&a);
	/* And the slot is free again. */
	cr_assert_eq(policy_attach("minimal", &a), 0);
	policy_detach(&a);
}
