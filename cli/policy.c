// SPDX-License-Identifier: GPL-2.0
/*
 * ioasidctl policy: load, replace and unload the system's isolation policy.
 *
 * A policy is a BPF object with one struct_ops map of type
 * ioasid_policy_ops declared in SEC(".struct_ops.link").  Loading attaches
 * it through a BPF link pinned at IOASID_POLICY_PIN, so the policy outlives
 * this process; replacing updates that link in place (the kernel swaps the
 * policy atomically); unloading detaches the link and removes the pin.
 *
 * The policy's own maps (allow-lists, tenant tables, counters: every map but
 * the struct_ops one and the .rodata/.data/.bss of globals) are pinned at
 * IOASID_MAPS_DIR/<map name> so operators can fill and read them with
 * bpftool.  A replace reuses a pinned map of the same name and shape, so
 * what operators wrote survives replacing a policy by a re-tuned copy.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "ioasidctl.h"

#define POLICY_TYPE "ioasid_policy_ops"

/* Open a policy by bundled NAME or by FILE.bpf.o path. */
static struct bpf_object *policy_open(const char *what)
{
	const struct bundled_policy *b = NULL;
	struct bpf_object *obj;

	if (!strchr(what, '/') && access(what, F_OK))
		b = bundled_policy_find(what);
	if (b) {
		LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = b->name);

		obj = bpf_object__open_mem(b->start, b->end - b->start, &opts);
	} else {
		if (access(what, R_OK)) {
			err("%s: %s (not a file, and no bundled policy has that name; see 'ioasidctl policy list')",
			    what, strerror(errno));
			return NULL;
		}
		obj = bpf_object__open_file(what, NULL);
	}
	if (!obj) {
		err("%s: not a BPF object file: %s", what, strerror(errno));
		return NULL;
	}
	return obj;
}

/* The object's ioasid_policy_ops map, or NULL with the reason printed. */
static struct bpf_map *policy_map(struct bpf_object *obj, const char *what)
{
	struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *map, *found = NULL;

	bpf_object__for_each_map(map, obj) {
		const struct btf_type *t;

		if (bpf_map__type(map) != BPF_MAP_TYPE_STRUCT_OPS || !btf)
			continue;
		t = btf__type_by_id(btf, bpf_map__btf_value_type_id(map));
		if (!t || strcmp(btf__name_by_offset(btf, t->name_off),
				 POLICY_TYPE))
			continue;
		if (found) {
			err("%s: more than one " POLICY_TYPE " map", what);
			return NULL;
		}
		found = map;
	}
	if (!found) {
		err("%s: not an ioasid policy (no struct " POLICY_TYPE " map)",
		    what);
		return NULL;
	}
	if (!(bpf_map__map_flags(found) & BPF_F_LINK)) {
		err("%s: the " POLICY_TYPE " map must be in SEC(\".struct_ops.link\")",
		    what);
		return NULL;
	}
	return found;
}

static int parse_int(const char *s, int size, bool is_signed, void *out)
{
	char *end;
	long long v;
	unsigned long long u;

	errno = 0;
	if (is_signed) {
		v = strtoll(s, &end, 0);
		if (errno || *end || end == s)
			return -EINVAL;
		if (size < 8) {
			long long lim = 1LL << (size * 8 - 1);

			if (v < -lim || v >= lim)
				return -ERANGE;
		}
		u = (unsigned long long)v;
	} else {
		if (*s == '-')
			return -ERANGE;
		u = strtoull(s, &end, 0);
		if (errno || *end || end == s)
			return -EINVAL;
		if (size < 8 && u >> (size * 8))
			return -ERANGE;
	}
	memcpy(out, &u, size);	/* little-endian: low bytes first */
	return 0;
}

/* Write VALUE into the const volatile global NAME of the .rodata section. */
static int set_knob(struct bpf_object *obj, const struct knob *k)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec, *t;
	struct bpf_map *rodata;
	size_t sz;
	char *data;
	int id, i, rc;

	rodata = bpf_object__find_map_by_name(obj, ".rodata");
	id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -1;
	if (!rodata || id < 0)
		return err("unknown knob %s", k->name);
	data = bpf_map__initial_value(rodata, &sz);
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), k->name))
			continue;
		t = btf__type_by_id(btf, btf__resolve_type(btf, var->type));
		if (vs->offset + vs->size > sz)
			break;
		if (btf_is_int(t)) {
			bool sgn = btf_int_encoding(t) & BTF_INT_SIGNED;
			const char *value = k->value;

			if (btf_int_encoding(t) & BTF_INT_BOOL) {
				if (!strcmp(value, "true"))
					value = "1";
				else if (!strcmp(value, "false"))
					value = "0";
				if (strcmp(value, "0") && strcmp(value, "1"))
					return err("knob %s: '%s' is not a boolean (0, 1, true or false)",
						   k->name, k->value);
			}
			rc = parse_int(value, vs->size, sgn, data + vs->offset);
		} else if (btf_is_enum(t)) {
			rc = parse_int(k->value, vs->size, true,
				       data + vs->offset);
		} else if (btf_is_array(t)) {
			if (strlen(k->value) >= vs->size)
				rc = -ERANGE;
			else
				rc = 0, strncpy(data + vs->offset, k->value,
						vs->size);
		} else {
			return err("knob '%s' has a type --set cannot write",
				   k->name);
		}
		if (rc == -ERANGE)
			return err("knob %s: value '%s' out of range (%u bytes%s)",
				   k->name, k->value, vs->size,
				   btf_is_array(t) ? ", with the NUL" :
				   btf_is_int(t) && btf_int_encoding(t) & BTF_INT_SIGNED ?
				   ", signed" : btf_is_int(t) ? ", unsigned" : "");
		if (rc)
			return err("knob %s: '%s' is not a number",
				   k->name, k->value);
		return 0;
	}
	return err("unknown knob %s", k->name);
}

/* Maps operators see: not the struct_ops map, not the globals' sections. */
static bool policy_user_map(const struct bpf_map *map)
{
	return !bpf_map__is_internal(map) &&
	       bpf_map__type(map) != BPF_MAP_TYPE_STRUCT_OPS;
}

static void map_pin_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, IOASID_MAPS_DIR "/%s", name);
}

/*
 * Before a replace: let the new policy use the pinned maps of the same name
 * and shape (type, key, value, size, flags) instead of fresh empty ones.
 */
static void maps_reuse_pinned(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);
		char path[PATH_MAX];
		int fd;

		if (!policy_user_map(map))
			continue;
		map_pin_path(path, sizeof(path), bpf_map__name(map));
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		if (!bpf_map_get_info_by_fd(fd, &info, &len) &&
		    info.type == bpf_map__type(map) &&
		    info.key_size == bpf_map__key_size(map) &&
		    info.value_size == bpf_map__value_size(map) &&
		    info.max_entries == bpf_map__max_entries(map) &&
		    info.map_flags == bpf_map__map_flags(map))
			bpf_map__reuse_fd(map, fd);
		close(fd);
	}
}

/* Remove every pin in IOASID_MAPS_DIR not named in @keep (NULL: all). */
static void maps_unpin_others(struct bpf_object *keep)
{
	struct dirent *de;
	DIR *d = opendir(IOASID_MAPS_DIR);

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[PATH_MAX];

		if (de->d_name[0] == '.' ||
		    (keep && bpf_object__find_map_by_name(keep, de->d_name) &&
		     policy_user_map(bpf_object__find_map_by_name(keep,
							de->d_name))))
			continue;
		map_pin_path(path, sizeof(path), de->d_name);
		unlink(path);
	}
	closedir(d);
	if (!keep)
		rmdir(IOASID_MAPS_DIR);
}

/*
 * After the policy is attached: pin its maps, each one replacing the pin
 * of the previous policy's map of that name in one rename, and drop the
 * pins of maps the new policy does not have.
 */
static int maps_pin(struct bpf_object *obj, const char *what)
{
	struct bpf_map *map;

	if (mkdir(IOASID_MAPS_DIR, 0700) && errno != EEXIST)
		return err("%s: %s", IOASID_MAPS_DIR, strerror(errno));
	bpf_object__for_each_map(map, obj) {
		char path[PATH_MAX], tmp[PATH_MAX];

		if (!policy_user_map(map))
			continue;
		map_pin_path(path, sizeof(path), bpf_map__name(map));
		/* bpffs refuses names with a dot; no C identifier has a dash. */
		map_pin_path(tmp, sizeof(tmp), "ioasidctl-new");
		unlink(tmp);
		if (bpf_obj_pin(bpf_map__fd(map), tmp) || rename(tmp, path)) {
			int e = errno;

			unlink(tmp);
			return err("%s: cannot pin map %s at %s: %s", what,
				   bpf_map__name(map), path, strerror(e));
		}
	}
	maps_unpin_others(obj);
	return 0;
}

/* Whether the effective capability set holds @cap. */
static bool has_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[CAP_TO_INDEX(cap)].effective & CAP_TO_MASK(cap);
}

/*
 * Checked before touching bpffs, so that an unprivileged caller gets the
 * real reason, and a later EACCES from the kernel means the verifier.
 */
static int check_privileged(const char *action)
{
	if (has_cap(CAP_SYS_ADMIN) || has_cap(CAP_BPF))
		return 0;
	return err("not privileged: %s a policy needs CAP_SYS_ADMIN (or CAP_BPF)",
		   action);
}

static bool module_loaded(void)
{
	return !access("/sys/module/ioasid", F_OK);
}

/* Say why the kernel refused to load or attach. */
static int explain_attach_error(int e, const char *what)
{
	switch (e) {
	case EEXIST:
		return err("%s: another policy is already loaded (use 'ioasidctl policy replace')",
			   what);
	case EPERM:
		return err("%s: not privileged: the kernel refused it (EPERM)",
			   what);
	case EACCES:
		return err("%s: the verifier refused a program (ioasidctl -d shows its log)",
			   what);
	case 524:	/* the kernel's ENOTSUPP: type unknown to the kernel */
	case ENOENT:
	case ESRCH:	/* libbpf: no such struct_ops type in the kernel's BTF */
	case EINVAL:
		if (!module_loaded())
			return err("%s: the ioasid module is not loaded (modprobe ioasid)",
				   what);
		break;
	}
	return err("%s: cannot load the policy: %s (ioasidctl -d says more)",
		   what, strerror(e));
}

/*
 * The directory of our pins must be root's (or the loader's) alone: bpffs
 * is world-writable and sticky, so anyone can create it first, and its
 * owner could then unlink the pinned link, which unloads the policy.
 */
static int check_bpffs(void)
{
	struct statfs sfs;
	struct stat st;

	if (statfs("/sys/fs/bpf", &sfs) || sfs.f_type != BPF_FS_MAGIC)
		return err("bpffs is not mounted at /sys/fs/bpf (mount -t bpf bpf /sys/fs/bpf)");
	if (mkdir(IOASID_BPFFS_DIR, 0700) && errno != EEXIST)
		return err("%s: %s", IOASID_BPFFS_DIR, strerror(errno));
	if (lstat(IOASID_BPFFS_DIR, &st))
		return err("%s: %s", IOASID_BPFFS_DIR, strerror(errno));
	if (!S_ISDIR(st.st_mode) || (st.st_uid && st.st_uid != geteuid()) ||
	    (st.st_mode & 022))
		return err("%s: not a directory of root's alone (owner uid %u, mode %03o): not trusting it; remove it",
			   IOASID_BPFFS_DIR, st.st_uid, st.st_mode & 0777);
	return 0;
}

/* Check "load|replace <FILE|NAME>" (the --set knobs are in opt). */
static int parse_load_args(int argc, char **argv, const char *cmd,
			   const char **what)
{
	if (argc != 2)
		return usage_err("policy %s wants one FILE.bpf.o or NAME", cmd);
	*what = argv[1];
	return 0;
}

static int policy_load_or_replace(int argc, char **argv, bool replace)
{
	struct bpf_object *obj = NULL;
	struct bpf_link *link = NULL;
	struct bpf_map *map;
	const char *what = NULL;
	int rc, i, link_fd = -1;

	rc = parse_load_args(argc, argv, replace ? "replace" : "load", &what);
	if (rc)
		goto out;
	rc = check_privileged(replace ? "replacing" : "loading");
	if (rc)
		goto out;
	if (!module_loaded()) {
		rc = err("%s: the ioasid module is not loaded (modprobe ioasid)",
			 what);
		goto out;
	}
	rc = check_bpffs();
	if (rc)
		goto out;
	if (replace) {
		link_fd = bpf_obj_get(IOASID_POLICY_PIN);
		if (link_fd < 0 && errno == ENOENT) {
			rc = err("no policy is loaded to replace (use 'ioasidctl policy load')");
			goto out;
		}
		if (link_fd < 0) {
			rc = err("%s: %s", IOASID_POLICY_PIN, strerror(errno));
			goto out;
		}
	} else if (!access(IOASID_POLICY_PIN, F_OK)) {
		rc = err("%s: another policy is already loaded (use 'ioasidctl policy replace')",
			 what);
		goto out;
	}

	rc = EXIT_ERR;
	obj = policy_open(what);
	if (!obj)
		goto out;
	map = policy_map(obj, what);
	if (!map)
		goto out;
	for (i = 0; i < opt.nr_knobs; i++)
		if (set_knob(obj, &opt.knobs[i]))
			goto out;
	if (replace)
		maps_reuse_pinned(obj);
	if (bpf_object__load(obj)) {
		rc = explain_attach_error(errno, what);
		goto out;
	}

	if (replace) {
		/*
		 * A struct_ops map must hold its programs before a link can
		 * switch to it, and libbpf fills it only on the way to
		 * attaching.  Attaching is refused (EEXIST: one policy at a
		 * time) once the map is filled; then the link update swaps
		 * the policies atomically.
		 */
		link = bpf_map__attach_struct_ops(map);
		if (link) {
			/* The old policy was unloaded meanwhile: now ours. */
			unlink(IOASID_POLICY_PIN);
			if (bpf_link__pin(link, IOASID_POLICY_PIN)) {
				rc = err("%s: cannot pin at %s: %s", what,
					 IOASID_POLICY_PIN, strerror(errno));
				bpf_link__detach(link);
				goto out;
			}
		} else if (errno != EEXIST) {
			rc = explain_attach_error(errno, what);
			goto out;
		} else if (bpf_link_update(link_fd, bpf_map__fd(map), NULL)) {
			rc = explain_attach_error(errno, what);
			goto out;
		}
	} else {
		link = bpf_map__attach_struct_ops(map);
		if (!link) {
			rc = explain_attach_error(errno, what);
			goto out;
		}
		if (bpf_link__pin(link, IOASID_POLICY_PIN)) {
			rc = err("%s: cannot pin at %s: %s", what,
				 IOASID_POLICY_PIN, strerror(errno));
			bpf_link__detach(link);
			goto out;
		}
	}
	/* The policy runs; a failure to pin its maps is reported, not undone. */
	rc = maps_pin(obj, what);
	if (rc)
		goto out;
	if (json_output)
		emit_json(json_pack("{s:s, s:s}", "policy", what, "action",
				    replace ? "replaced" : "loaded"));
	rc = EXIT_OK;
out:
	bpf_link__destroy(link);
	bpf_object__close(obj);
	if (link_fd >= 0)
		close(link_fd);
	return rc;
}

static int cmd_load(int argc, char **argv)
{
	return policy_load_or_replace(argc, argv, false);
}

static int cmd_replace(int argc, char **argv)
{
	return policy_load_or_replace(argc, argv, true);
}

static int cmd_unload(int argc, char **argv)
{
	int fd;

	(void)argv;
	if (argc > 1)
		return usage_err("policy unload takes no arguments");
	if (check_privileged("unloading"))
		return EXIT_ERR;
	fd = bpf_obj_get(IOASID_POLICY_PIN);
	if (fd < 0) {
		if (errno == ENOENT)
			return err("no policy is loaded");
		return err("%s: %s", IOASID_POLICY_PIN, strerror(errno));
	}
	/*
	 * Detach first: it unregisters the policy before we return, where
	 * dropping the last reference would do so from a kernel worker later.
	 */
	if (bpf_link_detach(fd)) {
		int e = errno;

		close(fd);
		return err("cannot detach the policy: %s", strerror(e));
	}
	close(fd);
	maps_unpin_others(NULL);
	if (unlink(IOASID_POLICY_PIN))
		return err("%s: %s", IOASID_POLICY_PIN, strerror(errno));
	if (json_output)
		emit_json(json_pack("{s:s}", "action", "unloaded"));
	return EXIT_OK;
}

static int cmd_list(int argc, char **argv)
{
	json_t *arr;

	(void)argv;
	if (argc > 1)
		return usage_err("policy list takes no arguments");
	if (!json_output) {
		for (size_t i = 0; i < nr_bundled_policies; i++)
			printf("%-16s %s\n", bundled_policies[i].name,
			       bundled_policies[i].description);
		return EXIT_OK;
	}
	arr = json_array();
	for (size_t i = 0; i < nr_bundled_policies; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s}",
			"name", bundled_policies[i].name,
			"description", bundled_policies[i].description));
	emit_json(arr);
	return EXIT_OK;
}

const struct cmd policy_cmds[] = {
	{ "load", cmd_load, "{FILE.bpf.o | NAME} [--set VAR=VALUE]...",
	  "load and attach a policy (NAME: a bundled one)", OPT_SET, NULL },
	{ "replace", cmd_replace, "{FILE.bpf.o | NAME} [--set VAR=VALUE]...",
	  "atomically replace the loaded policy", OPT_SET, NULL },
	{ "unload", cmd_unload, "", "unload the policy; kernel defaults apply", 0, NULL },
	{ "list", cmd_list, "", "list the bundled policies", 0, NULL },
	{ "show", cmd_policy_show, "",
	  "show the active policy: programs, load time, per-hook counters", 0, NULL },
	{ 0 }
};

