// SPDX-License-Identifier: GPL-2.0
/*
 * ioasidctl ctx | ioas | device | group | pasid | policy show: the live
 * objects of ioasid.ko, read through its generic netlink family.
 *
 * Each command gathers the kernel's answers as JSON (nl.c names every
 * field) and either prints that (-j/-p) or a table made from it, so both
 * outputs always show the same thing.  Fields the kernel leaves out (a
 * device not bound, a group not owned) are null in JSON and "-" in tables.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/ioasid_netlink.h>

#include "ioasidctl.h"
#include "nl.h"

/* --- helpers --------------------------------------------------------------- */

static bool parse_u32(const char *s, uint32_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || v > UINT32_MAX || *s == '-')
		return false;
	*out = v;
	return true;
}

static long long num(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "-";
}

/* A number, or "-" for null/absent. */
static const char *opt_str(json_t *o, const char *key, char *b, size_t len)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return "-";
	snprintf(b, len, "%lld", json_integer_value(v));
	return b;
}

static void set_default(json_t *o, const char *key, json_t *v)
{
	if (!json_object_get(o, key))
		json_object_set(o, key, v);
	json_decref(v);
}

/* Run a query; on error print why and return EXIT_ERR. */
static int query(uint8_t cmd, bool dump, const struct nl_attr *a, int nr,
		 json_t **out, const char *what)
{
	struct nl nl;
	int rc;

	rc = nl_open(&nl);
	if (rc)
		return rc;
	*out = json_array();
	rc = nl_query(&nl, cmd, dump, a, nr, *out);
	nl_close(&nl);
	if (!rc)
		return EXIT_OK;
	json_decref(*out);
	*out = NULL;
	if (rc == -ENOENT && what)
		return err("%s", what);
	return err("%s", nl_strerror(rc));
}

/* A doit's one object (or NULL on error, reported); @what names it. */
static int query_one(uint8_t cmd, const struct nl_attr *a, int nr,
		     json_t **out, const char *what)
{
	json_t *arr;
	int rc;

	rc = query(cmd, false, a, nr, &arr, what);
	if (rc)
		return rc;
	*out = json_incref(json_array_get(arr, 0));
	json_decref(arr);
	return *out ? EXIT_OK : err("no answer from the kernel");
}

static int no_args(int argc, const char *cmd)
{
	if (argc > 1)
		return usage_err("%s takes no arguments", cmd);
	return EXIT_OK;
}

/* How a list command shows the objects of a dump. */
struct listing {
	const char *cmd;		/* "ctx list", for errors */
	uint8_t nl_cmd;			/* the dump */
	void (*defaults)(json_t *o);	/* fields the kernel may leave out */
	const char *header;		/* the table's first line */
	void (*row)(json_t *o);		/* one line of the table */
};

/* Every object of a dump, as JSON or as a table. */
static int list_objects(int argc, const struct listing *l)
{
	json_t *arr, *o;
	size_t i;
	int rc;

	rc = no_args(argc, l->cmd);
	if (!rc)
		rc = query(l->nl_cmd, true, NULL, 0, &arr, NULL);
	if (rc)
		return rc;
	if (l->defaults)
		json_array_foreach(arr, i, o)
			l->defaults(o);
	if (json_output) {
		emit_json(arr);
		return EXIT_OK;
	}
	fputs(l->header, stdout);
	json_array_foreach(arr, i, o)
		l->row(o);
	json_decref(arr);
	return EXIT_OK;
}

/* --- ctx --------------------------------------------------------------------- */

static void ctx_row(json_t *o)
{
	printf("%-5lld %-8lld %-6lld %-16s %-8lld %7lld %5lld %7lld %6lld %12lld %8lld %8lld %13lld %13lld\n",
	       num(o, "ctx"), num(o, "owner_tgid"), num(o, "owner_uid"),
	       str(o, "owner_comm"), num(o, "owner_cgroup_id"),
	       num(o, "nr_objects"), num(o, "nr_ioas"), num(o, "nr_devices"),
	       num(o, "nr_pasids"), num(o, "mapped_bytes"),
	       num(o, "pinned_pages"), num(o, "charged_pages"),
	       num(o, "tenant_mapped_bytes"),
	       num(o, "tenant_nr_pasids"));
}

static int cmd_ctx_list(int argc, char **argv)
{
	static const struct listing l = {
		"ctx list", IOASID_NL_CMD_CTX_GET, NULL,
		"CTX   TGID     UID    COMM             CGROUP   OBJECTS  IOAS DEVICES PASIDS       MAPPED   PINNED  CHARGED CGROUP-MAPPED CGROUP-PASIDS\n",
		ctx_row,
	};

	(void)argv;
	return list_objects(argc, &l);
}

const struct cmd ctx_cmds[] = {
	{ "list", cmd_ctx_list, "", "list the open /dev/ioasid contexts", 0, NULL },
	{ 0 }
};


/* --- ioas -------------------------------------------------------------------- */

static void print_ioas_row(json_t *o)
{
	char id[24], parent[16];

	snprintf(id, sizeof(id), "%lld:%lld", num(o, "ctx"), num(o, "ioas"));
	if (num(o, "parent"))
		snprintf(parent, sizeof(parent), "%lld", num(o, "parent"));
	else
		strcpy(parent, "-");
	printf("%-10s %-6s %8lld %8lld %7lld %8lld %12lld %8lld %8lld\n", id,
	       parent, num(o, "nr_children"), num(o, "nr_attached"),
	       num(o, "nr_domains"), num(o, "nr_mappings"),
	       num(o, "mapped_bytes"), num(o, "pinned_pages"),
	       num(o, "charged_pages"));
}

static void print_ioas_header(void)
{
	printf("%-10s %-6s %8s %8s %7s %8s %12s %8s %8s\n", "CTX:IOAS",
	       "PARENT", "CHILDREN", "ATTACHED", "DOMAINS", "MAPPINGS", "MAPPED",
	       "PINNED", "CHARGED");
}

static int cmd_ioas_list(int argc, char **argv)
{
	struct nl_attr a = { IOASID_NL_A_CTX_ID, NL_U32, 0, NULL };
	uint32_t ctx;
	json_t *arr, *o;
	size_t i;
	int rc;

	if (argc > 2)
		return usage_err("ioas list takes at most a context id");
	if (argc == 2) {
		if (!parse_u32(argv[1], &ctx))
			return usage_err("'%s' is not a context id", argv[1]);
		a.u = ctx;
	}
	rc = query(IOASID_NL_CMD_IOAS_GET, true, &a, argc == 2, &arr, NULL);
	if (rc)
		return rc;
	if (json_output) {
		emit_json(arr);
		return EXIT_OK;
	}
	print_ioas_header();
	json_array_foreach(arr, i, o)
		print_ioas_row(o);
	json_decref(arr);
	return EXIT_OK;
}

/* "CTX:IOAS" */
static bool parse_ioas(const char *s, uint32_t *ctx, uint32_t *ioas)
{
	char b[64], *colon;

	if (strlen(s) >= sizeof(b))
		return false;
	strcpy(b, s);
	colon = strchr(b, ':');
	if (!colon)
		return false;
	*colon = 0;
	return parse_u32(b, ctx) && parse_u32(colon + 1, ioas);
}

static int cmd_ioas_show(int argc, char **argv)
{
	struct nl_attr a[3] = {
		{ IOASID_NL_A_CTX_ID, NL_U32, 0, NULL },
		{ IOASID_NL_A_IOAS_ID, NL_U32, 0, NULL },
		{ IOASID_NL_A_IOVA_START, NL_U64, 0, NULL },
	};
	json_t *all = NULL, *part, *mappings, *m;
	bool listed = false, more;
	char what[96];
	uint32_t ctx, ioas;
	size_t i;
	int rc;

	if (argc != 2)
		return usage_err("ioas show needs CTX:IOAS");
	if (!parse_ioas(argv[1], &ctx, &ioas))
		return usage_err("'%s' is not CTX:IOAS (e.g. 1:2)", argv[1]);
	a[0].u = ctx;
	a[1].u = ioas;
	snprintf(what, sizeof(what), "no IOAS %u in context %u", ioas, ctx);

	/*
	 * The kernel sends as many mappings as fit; ask on from iova_next.
	 * JSON needs the whole document; the table is printed as parts come.
	 */
	for (bool first = true;; first = false) {
		rc = query_one(IOASID_NL_CMD_IOAS_GET, a, 3, &part, what);
		if (rc) {
			json_decref(all);
			return rc;
		}
		mappings = json_object_get(part, "mappings");
		if (json_output) {
			if (!all) {
				all = json_incref(part);
				set_default(all, "mappings", json_array());
			} else {
				json_array_extend(json_object_get(all, "mappings"),
						  mappings);
			}
		} else {
			if (first) {
				print_ioas_header();
				print_ioas_row(part);
			}
			if (json_array_size(mappings) && !listed)
				printf("\n%-18s %-18s %-18s %s\n", "IOVA",
				       "LENGTH", "SOURCE", "PROT");
			json_array_foreach(mappings, i, m) {
				printf("%#-18llx %#-18llx %#-18llx %s\n",
				       num(m, "iova"), num(m, "length"),
				       num(m, "source"), str(m, "prot"));
				listed = true;
			}
		}
		more = json_object_get(part, "iova_next") != NULL;
		a[2].u = num(part, "iova_next");
		json_decref(part);
		if (!more)
			break;
	}
	if (json_output) {
		json_object_del(all, "iova_next");
		emit_json(all);
		json_decref(all);
	}
	return EXIT_OK;
}

const struct cmd ioas_cmds[] = {
	{ "list", cmd_ioas_list, "[CTX]", "list IOAS (of every context, or of CTX)", 0, NULL },
	{ "show", cmd_ioas_show, "CTX:IOAS", "show one IOAS and its mappings", 0, NULL },
	{ 0 }
};


/* --- device ------------------------------------------------------------------ */

static void device_defaults(json_t *o)
{
	set_default(o, "ctx", json_null());
	set_default(o, "dev_id", json_null());
	set_default(o, "ioas", json_null());
	set_default(o, "pasid_support", json_false());
	set_default(o, "pasids", json_array());
}

static void device_row(json_t *o)
{
	char b1[16], b2[16], b3[16];

	printf("%-4lld %-14s %-5s %-10lld %04llx:%04llx %06llx %-5s %-5s %-6s %s\n",
	       num(o, "device_id"), str(o, "name"), str(o, "kind"),
	       num(o, "group"), num(o, "vendor"), num(o, "device"),
	       num(o, "class"),
	       json_is_true(json_object_get(o, "pasid_support")) ? "yes" : "no",
	       opt_str(o, "ctx", b1, sizeof(b1)),
	       opt_str(o, "dev_id", b2, sizeof(b2)),
	       opt_str(o, "ioas", b3, sizeof(b3)));
}

static int cmd_device_list(int argc, char **argv)
{
	static const struct listing l = {
		"device list", IOASID_NL_CMD_DEVICE_GET, device_defaults,
		"ID   NAME           KIND  GROUP      VEN:DEV   CLASS  PASID CTX   DEV_ID IOAS\n",
		device_row,
	};

	(void)argv;
	return list_objects(argc, &l);
}

static int cmd_device_show(int argc, char **argv)
{
	struct nl_attr a = { 0 };
	char what[96], b[16];
	json_t *o, *p;
	uint32_t id;
	size_t i;
	int rc;

	if (argc != 2)
		return usage_err("device show needs a device name or id");
	if (parse_u32(argv[1], &id)) {
		a = (struct nl_attr){ IOASID_NL_A_DEVICE_ID, NL_U32, id, NULL };
	} else {
		if (strlen(argv[1]) > 31)
			return err("no device %s", argv[1]);
		a = (struct nl_attr){ IOASID_NL_A_DEVICE_NAME, NL_STR, 0,
				      argv[1] };
	}
	snprintf(what, sizeof(what), "no device %s", argv[1]);
	rc = query_one(IOASID_NL_CMD_DEVICE_GET, &a, 1, &o, what);
	if (rc)
		return rc;
	device_defaults(o);
	if (json_output) {
		emit_json(o);
		return EXIT_OK;
	}
	printf("device %lld: %s\n", num(o, "device_id"), str(o, "name"));
	printf("  kind: %s\n  group: %lld\n", str(o, "kind"), num(o, "group"));
	if (!strcmp(str(o, "kind"), "pci"))
		printf("  pci: %04llx:%02llx:%02llx.%llx vendor %04llx device %04llx class %06llx\n",
		       num(o, "segment"), num(o, "bus"), num(o, "devfn") >> 3,
		       num(o, "devfn") & 7, num(o, "vendor"), num(o, "device"),
		       num(o, "class"));
	printf("  pasid support: %s\n",
	       json_is_true(json_object_get(o, "pasid_support")) ? "yes" : "no");
	printf("  bound to context: %s", opt_str(o, "ctx", b, sizeof(b)));
	printf(" (dev_id %s)\n", opt_str(o, "dev_id", b, sizeof(b)));
	printf("  attached to IOAS: %s\n", opt_str(o, "ioas", b, sizeof(b)));
	printf("  attached PASIDs:");
	json_array_foreach(json_object_get(o, "pasids"), i, p)
		printf(" %lld", json_integer_value(p));
	printf("%s\n", json_array_size(json_object_get(o, "pasids")) ?
	       "" : " -");
	json_decref(o);
	return EXIT_OK;
}

const struct cmd device_cmds[] = {
	{ "list", cmd_device_list, "", "list the devices ioasid.ko manages", 0, NULL },
	{ "show", cmd_device_show, "{NAME | ID}", "show one device", 0, NULL },
	{ 0 }
};


/* --- group ------------------------------------------------------------------- */

static void group_defaults(json_t *o)
{
	set_default(o, "ctx", json_null());
	set_default(o, "ioas", json_null());
	set_default(o, "reason", json_null());
	set_default(o, "last_reason", json_null());
	set_default(o, "members", json_array());
}

static void print_members(json_t *o)
{
	json_t *m;
	size_t i;

	json_array_foreach(json_object_get(o, "members"), i, m)
		printf("%s%s", i ? "," : "", json_string_value(m));
	if (!json_array_size(json_object_get(o, "members")))
		printf("-");
}

static void group_row(json_t *o)
{
	char b1[16], b2[16];

	printf("%-10lld %-5s %-7lld %-6s %-5s %-5s ", num(o, "group"),
	       str(o, "kind"), num(o, "nr_members"),
	       json_is_true(json_object_get(o, "viable")) ? "yes" : "no",
	       opt_str(o, "ctx", b1, sizeof(b1)),
	       opt_str(o, "ioas", b2, sizeof(b2)));
	print_members(o);
	if (json_is_string(json_object_get(o, "reason")))
		printf(" (%s)", str(o, "reason"));
	printf("\n");
}

static int cmd_group_list(int argc, char **argv)
{
	static const struct listing l = {
		"group list", IOASID_NL_CMD_GROUP_GET, group_defaults,
		"GROUP      KIND  MEMBERS VIABLE CTX   IOAS  DEVICES (REASON)\n",
		group_row,
	};

	(void)argv;
	return list_objects(argc, &l);
}

static int cmd_group_show(int argc, char **argv)
{
	struct nl_attr a = { IOASID_NL_A_GROUP_ID, NL_U32, 0, NULL };
	char what[64], b[16];
	json_t *o;
	uint32_t id;
	int rc;

	if (argc != 2)
		return usage_err("group show needs a group id");
	if (!parse_u32(argv[1], &id))
		return usage_err("'%s' is not a group id", argv[1]);
	a.u = id;
	snprintf(what, sizeof(what), "no group %u", id);
	rc = query_one(IOASID_NL_CMD_GROUP_GET, &a, 1, &o, what);
	if (rc)
		return rc;
	group_defaults(o);
	if (json_output) {
		emit_json(o);
		return EXIT_OK;
	}
	printf("group %lld\n  kind: %s\n  members: %lld (ours: ",
	       num(o, "group"), str(o, "kind"), num(o, "nr_members"));
	print_members(o);
	printf(")\n  viable: %s\n",
	       json_is_true(json_object_get(o, "viable")) ? "yes" : "no");
	if (json_is_string(json_object_get(o, "reason")))
		printf("  reason: %s\n", str(o, "reason"));
	if (json_is_string(json_object_get(o, "last_reason")))
		printf("  last refusal: %s\n", str(o, "last_reason"));
	printf("  owner context: %s (%lld bound)\n",
	       opt_str(o, "ctx", b, sizeof(b)), num(o, "nr_bound"));
	printf("  attached to IOAS: %s\n", opt_str(o, "ioas", b, sizeof(b)));
	json_decref(o);
	return EXIT_OK;
}

const struct cmd group_cmds[] = {
	{ "list", cmd_group_list, "", "list IOMMU groups, members and viability", 0, NULL },
	{ "show", cmd_group_show, "ID", "show one group", 0, NULL },
	{ 0 }
};


/* --- pasid ------------------------------------------------------------------- */

static void pasid_row(json_t *o)
{
	printf("%-8lld %-5lld %lld\n", num(o, "pasid"), num(o, "ctx"),
	       num(o, "nr_attached"));
}

static int cmd_pasid_list(int argc, char **argv)
{
	static const struct listing l = {
		"pasid list", IOASID_NL_CMD_PASID_GET, NULL,
		"PASID    CTX   ATTACHED\n", pasid_row,
	};

	(void)argv;
	return list_objects(argc, &l);
}

const struct cmd pasid_cmds[] = {
	{ "list", cmd_pasid_list, "", "list allocated PASIDs and their owners", 0, NULL },
	{ 0 }
};


/* --- policy show ---------------------------------------------------------------- */

int cmd_policy_show(int argc, char **argv)
{
	json_t *o, *hooks, *h, *programs;
	char when[64] = "-";
	size_t i;
	int rc;

	(void)argv;
	rc = no_args(argc, "policy show");
	if (!rc)
		rc = query_one(IOASID_NL_CMD_POLICY_GET, NULL, 0, &o, NULL);
	if (rc)
		return rc;
	json_object_set_new(o, "loaded",
			    json_boolean(json_object_get(o, "policy")));
	if (json_object_get(o, "policy")) {
		time_t t = num(o, "loaded_ns") / 1000000000LL;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		json_object_set_new(o, "loaded_at", json_string(when));
		programs = json_array();
		hooks = json_object_get(o, "hooks");
		json_array_foreach(hooks, i, h) {
			set_default(h, "implemented", json_false());
			if (json_is_true(json_object_get(h, "implemented")))
				json_array_append_new(programs,
					json_string(str(h, "hook")));
		}
		json_object_set_new(o, "programs", programs);
	} else {
		json_object_set_new(o, "policy", json_null());
	}
	if (json_output) {
		emit_json(o);
		return EXIT_OK;
	}
	if (!json_is_string(json_object_get(o, "policy"))) {
		printf("no policy loaded: kernel defaults apply (policy_may_relax=%d)\n",
		       json_is_true(json_object_get(o, "may_relax")));
		json_decref(o);
		return EXIT_OK;
	}
	printf("policy: %s\nloaded: %s\nprograms:", str(o, "policy"), when);
	json_array_foreach(json_object_get(o, "programs"), i, h)
		printf(" %s", json_string_value(h));
	printf("\npolicy_may_relax: %s\n\n",
	       json_is_true(json_object_get(o, "may_relax")) ? "yes" : "no");
	printf("%-14s %-7s %10s %10s %10s %10s\n", "HOOK", "PROGRAM", "CALLS",
	       "ALLOW", "DENY", "INVALID");
	json_array_foreach(json_object_get(o, "hooks"), i, h)
		printf("%-14s %-7s %10lld %10lld %10lld %10lld\n",
		       str(h, "hook"),
		       json_is_true(json_object_get(h, "implemented")) ?
		       "yes" : "-",
		       num(h, "calls"), num(h, "allow"), num(h, "deny"),
		       num(h, "invalid"));
	json_decref(o);
	return EXIT_OK;
}
