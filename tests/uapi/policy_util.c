// SPDX-License-Identifier: GPL-2.0
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "policy_util.h"

static void set_knob(struct bpf_object *obj, const struct knob *k)
{
	struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *rodata = bpf_object__find_map_by_name(obj, ".rodata");
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	size_t sz;
	char *data;
	int id, i;

	cr_assert(rodata && btf, "knob %s: the policy has no .rodata", k->name);
	id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);
	cr_assert_geq(id, 0);
	sec = btf__type_by_id(btf, id);
	data = bpf_map__initial_value(rodata, &sz);
	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), k->name))
			continue;
		cr_assert_leq(vs->offset + vs->size, sz);
		memcpy(data + vs->offset, &k->value, vs->size); /* LE */
		return;
	}
	cr_assert_fail("no knob %s", k->name);
}

struct policy *policy_open(const char *name, const struct knob *knobs)
{
	struct policy *p = calloc(1, sizeof(*p));
	const char *obj_name = name;
	struct bpf_map *map;
	char rel[256];

	cr_assert(p);
	if (!strncmp(name, "test:", 5)) {
		obj_name = name + 5;
		snprintf(rel, sizeof(rel), "tests/bpf/.output/%s.bpf.o",
			 obj_name);
	} else {
		snprintf(rel, sizeof(rel), "bpf/.output/%s.bpf.o", name);
	}
	p->obj = bpf_object__open_file(build_path(rel), NULL);
	cr_assert(p->obj, "open %s: %s", rel, strerror(errno));
	for (; knobs && knobs->name; knobs++)
		set_knob(p->obj, knobs);
	cr_assert_eq(bpf_object__load(p->obj), 0, "load %s", rel);
	bpf_object__for_each_map(map, p->obj)
		if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS)
			p->ops = map;
	cr_assert(p->ops, "%s has no struct_ops map", rel);
	return p;
}

int policy_attach(struct policy *p)
{
	p->link = bpf_map__attach_struct_ops(p->ops);
	return p->link ? 0 : -errno;
}

struct policy *policy_load(const char *name, const struct knob *knobs)
{
	struct policy *p = policy_open(name, knobs);
	int rc, tries = 0;

	/*
	 * A policy of a test that failed is released by a kernel worker
	 * after its process is gone: give it a moment.
	 */
	while ((rc = policy_attach(p)) == -EEXIST && tries++ < 100)
		usleep(10000);
	cr_assert_eq(rc, 0, "attach %s: %s", name, strerror(-rc));
	return p;
}

int policy_replace(struct policy *old, struct policy *new)
{
	struct bpf_link *l;

	/*
	 * The map holds its programs only once libbpf tried to attach it;
	 * that attempt is refused (one policy at a time), then the link
	 * switches to it.
	 */
	l = bpf_map__attach_struct_ops(new->ops);
	if (l) {
		bpf_link__destroy(l);
		return -EINVAL;	/* @old was not attached */
	}
	if (errno != EEXIST)
		return -errno;
	return bpf_link__update_map(old->link, new->ops) ? -errno : 0;
}

void policy_close(struct policy *p)
{
	if (p->link)
		bpf_link__destroy(p->link);
	bpf_object__close(p->obj);
	free(p);
}

void policy_unload(struct policy *p)
{
	if (p->link)
		cr_assert_eq(bpf_link__detach(p->link), 0, "detach");
	policy_close(p);
}

int policy_map_fd(struct policy *p, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(p->obj, name);

	cr_assert(m, "no map %s", name);
	return bpf_map__fd(m);
}

void *policy_data(struct policy *p)
{
	struct bpf_map *m = bpf_object__find_map_by_name(p->obj, ".bss");
	size_t len;
	void *d;

	cr_assert(m, "no .bss");
	cr_assert(bpf_map__map_flags(m) & BPF_F_MMAPABLE);
	/*
	 * libbpf 1.4 maps the kernel's copy only for skeletons: its
	 * bpf_map__initial_value() is a private copy here.
	 */
	len = (bpf_map__value_size(m) + 4095) & ~4095ul;
	d = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
		 bpf_map__fd(m), 0);
	cr_assert_neq(d, MAP_FAILED, "mmap .bss: %s", strerror(errno));
	return d;
}

static struct bpf_object *dec_obj;
static struct bpf_link *dec_link;

void decisions_start(void)
{
	struct bpf_program *prog;

	dec_obj = bpf_object__open_file(
		build_path("tests/bpf/.output/decisions.bpf.o"), NULL);
	cr_assert(dec_obj, "open decisions.bpf.o");
	cr_assert_eq(bpf_object__load(dec_obj), 0, "load decisions.bpf.o");
	prog = bpf_object__find_program_by_name(dec_obj, "count_decision");
	cr_assert(prog);
	dec_link = bpf_program__attach(prog);
	cr_assert(dec_link, "attach to ioasid:ioasid_policy_decision: %s",
		  strerror(errno));
}

struct hook_stats decisions(int hook)
{
	struct bpf_map *m = bpf_object__find_map_by_name(dec_obj, "stats");
	struct hook_stats s;
	uint32_t key = hook;

	cr_assert(m, "decisions_start() first");
	cr_assert_eq(bpf_map_lookup_elem(bpf_map__fd(m), &key, &s), 0);
	return s;
}

void decisions_stop(void)
{
	if (dec_link)
		bpf_link__destroy(dec_link);
	bpf_object__close(dec_obj);
	dec_link = NULL;
	dec_obj = NULL;
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	cr_assert_geq(fd, 0, "open %s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s),
		     "write %s: %s", path, strerror(errno));
	close(fd);
}

uint64_t cgroup_enter(const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/fs/cgroup/%s", name);
	cr_assert(!mkdir(path, 0755) || errno == EEXIST, "mkdir %s", path);
	cr_assert_eq(stat(path, &st), 0);
	strcat(path, "/cgroup.procs");
	write_file(path, "0");
	return st.st_ino;	/* a cgroup v2 id is its directory's inode */
}

void cgroup_leave(const char *name)
{
	char path[256];

	write_file("/sys/fs/cgroup/cgroup.procs", "0");
	snprintf(path, sizeof(path), "/sys/fs/cgroup/%s", name);
	rmdir(path);
}
