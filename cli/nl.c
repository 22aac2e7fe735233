// SPDX-License-Identifier: GPL-2.0
/*
 * ioasidctl: talking to the generic netlink family "ioasid" with libmnl.
 *
 * Every attribute of the family has one JSON key, the same in every
 * object that carries it (ctx, ioas, group, pasid, ...): the table below is
 * the whole of ioasidctl's JSON vocabulary for kernel objects.  Attributes
 * this ioasidctl does not know are skipped, as the uAPI asks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/ioasid.h>
#include <linux/ioasid_netlink.h>
#include <linux/netlink.h>

#include "ioasidctl.h"
#include "nl.h"

enum val {
	V_U8 = 1,	/* number */
	V_BOOL,		/* u8 as true/false */
	V_FLAG,		/* presence as true */
	V_U16,
	V_U32,
	V_U64,
	V_S32,
	V_S64,
	V_STR,
	V_DEV_KIND,	/* u32 enum as "pci" / "mock" */
	V_GROUP_KIND,	/* u32 enum as "iommu" / "mock" */
	V_EVENT,	/* u32 enum as the event's name */
	V_PROT,		/* u32 as "rw", "r-", "-w" */
	V_LIST_OBJ,	/* nested: a list of nested objects */
	V_LIST_STR,	/* nested: a list of strings */
	V_LIST_U32,	/* nested: a list of u32 */
};

static const struct {
	const char *key;
	enum val val;
} attrs[IOASID_NL_A_MAX + 1] = {
	[IOASID_NL_A_CTX_ID] = { "ctx", V_U32 },
	[IOASID_NL_A_OWNER_TGID] = { "owner_tgid", V_U32 },
	[IOASID_NL_A_OWNER_UID] = { "owner_uid", V_U32 },
	[IOASID_NL_A_OWNER_COMM] = { "owner_comm", V_STR },
	[IOASID_NL_A_OWNER_CGROUP_ID] = { "owner_cgroup_id", V_U64 },
	[IOASID_NL_A_NR_OBJECTS] = { "nr_objects", V_U32 },
	[IOASID_NL_A_NR_IOAS] = { "nr_ioas", V_U32 },
	[IOASID_NL_A_NR_DEVICES] = { "nr_devices", V_U32 },
	[IOASID_NL_A_NR_PASIDS] = { "nr_pasids", V_U32 },
	[IOASID_NL_A_MAPPED_BYTES] = { "mapped_bytes", V_U64 },
	[IOASID_NL_A_PINNED_PAGES] = { "pinned_pages", V_U64 },
	[IOASID_NL_A_IOAS_ID] = { "ioas", V_U32 },
	[IOASID_NL_A_PARENT_ID] = { "parent", V_U32 },
	[IOASID_NL_A_NR_CHILDREN] = { "nr_children", V_U32 },
	[IOASID_NL_A_NR_ATTACHED] = { "nr_attached", V_U32 },
	[IOASID_NL_A_NR_DOMAINS] = { "nr_domains", V_U32 },
	[IOASID_NL_A_NR_MAPPINGS] = { "nr_mappings", V_U32 },
	[IOASID_NL_A_MAPPINGS] = { "mappings", V_LIST_OBJ },
	[IOASID_NL_A_IOVA] = { "iova", V_U64 },
	[IOASID_NL_A_LENGTH] = { "length", V_U64 },
	[IOASID_NL_A_SOURCE] = { "source", V_U64 },
	[IOASID_NL_A_PROT] = { "prot", V_PROT },
	[IOASID_NL_A_IOVA_NEXT] = { "iova_next", V_U64 },
	[IOASID_NL_A_DEVICE_ID] = { "device_id", V_U32 },
	[IOASID_NL_A_DEVICE_NAME] = { "name", V_STR },
	[IOASID_NL_A_DEVICE_KIND] = { "kind", V_DEV_KIND },
	[IOASID_NL_A_GROUP_ID] = { "group", V_U32 },
	[IOASID_NL_A_DEV_ID] = { "dev_id", V_U32 },
	[IOASID_NL_A_PASID_SUPPORT] = { "pasid_support", V_FLAG },
	[IOASID_NL_A_PCI_SEGMENT] = { "segment", V_U16 },
	[IOASID_NL_A_PCI_BUS] = { "bus", V_U8 },
	[IOASID_NL_A_PCI_DEVFN] = { "devfn", V_U8 },
	[IOASID_NL_A_PCI_VENDOR] = { "vendor", V_U16 },
	[IOASID_NL_A_PCI_DEVICE] = { "device", V_U16 },
	[IOASID_NL_A_PCI_CLASS] = { "class", V_U32 },
	[IOASID_NL_A_PASIDS] = { "pasids", V_LIST_U32 },
	[IOASID_NL_A_GROUP_KIND] = { "kind", V_GROUP_KIND },
	[IOASID_NL_A_NR_MEMBERS] = { "nr_members", V_U32 },
	[IOASID_NL_A_MEMBERS] = { "members", V_LIST_STR },
	[IOASID_NL_A_VIABLE] = { "viable", V_BOOL },
	[IOASID_NL_A_REASON] = { "reason", V_STR },
	[IOASID_NL_A_LAST_REASON] = { "last_reason", V_STR },
	[IOASID_NL_A_NR_BOUND] = { "nr_bound", V_U32 },
	[IOASID_NL_A_PASID] = { "pasid", V_U32 },
	[IOASID_NL_A_POLICY_NAME] = { "policy", V_STR },
	[IOASID_NL_A_POLICY_LOADED_NS] = { "loaded_ns", V_U64 },
	[IOASID_NL_A_POLICY_HOOKS] = { "hooks", V_LIST_OBJ },
	[IOASID_NL_A_HOOK_NAME] = { "hook", V_STR },
	[IOASID_NL_A_HOOK_IMPLEMENTED] = { "implemented", V_FLAG },
	[IOASID_NL_A_HOOK_CALLS] = { "calls", V_U64 },
	[IOASID_NL_A_HOOK_ALLOW] = { "allow", V_U64 },
	[IOASID_NL_A_HOOK_DENY] = { "deny", V_U64 },
	[IOASID_NL_A_HOOK_INVALID] = { "invalid", V_U64 },
	[IOASID_NL_A_POLICY_MAY_RELAX] = { "may_relax", V_BOOL },
	[IOASID_NL_A_EVENT] = { "event", V_EVENT },
	[IOASID_NL_A_LAST] = { "last", V_U64 },
	[IOASID_NL_A_KERNEL_VIABLE] = { "kernel_viable", V_BOOL },
	[IOASID_NL_A_HOOK_RET] = { "ret", V_S64 },
	[IOASID_NL_A_HOOK_ERR] = { "err", V_S32 },
	[IOASID_NL_A_POLICY_ACTION] = { "action", V_STR },
	[IOASID_NL_A_POLICY_OLD_NAME] = { "old_policy", V_STR },
	[IOASID_NL_A_TENANT_NR_CTXS] = { "tenant_nr_ctxs", V_U32 },
	[IOASID_NL_A_TENANT_MAPPED_BYTES] = { "tenant_mapped_bytes", V_U64 },
	[IOASID_NL_A_TENANT_NR_PASIDS] = { "tenant_nr_pasids", V_U32 },
	[IOASID_NL_A_CHARGED_PAGES] = { "charged_pages", V_U64 },
	[IOASID_NL_A_SRC_IOAS_ID] = { "src_ioas", V_U32 },
	[IOASID_NL_A_SRC_IOVA] = { "src_iova", V_U64 },
};

/* [IOASID_NL_EVENT_CTX_CREATE] = "ctx_create", ...: from the uAPI enum. */
static const char *const event_names[__IOASID_NL_EVENT_MAX] = {
#include "event_names.h"
};

static bool attr_ok(const struct nlattr *a, enum val val)
{
	static const enum mnl_attr_data_type type[] = {
		[V_U8] = MNL_TYPE_U8, [V_BOOL] = MNL_TYPE_U8,
		[V_FLAG] = MNL_TYPE_FLAG, [V_U16] = MNL_TYPE_U16,
		[V_U32] = MNL_TYPE_U32, [V_U64] = MNL_TYPE_U64,
		[V_S32] = MNL_TYPE_U32, [V_S64] = MNL_TYPE_U64,
		[V_STR] = MNL_TYPE_NUL_STRING, [V_DEV_KIND] = MNL_TYPE_U32,
		[V_GROUP_KIND] = MNL_TYPE_U32, [V_EVENT] = MNL_TYPE_U32,
		[V_PROT] = MNL_TYPE_U32, [V_LIST_OBJ] = MNL_TYPE_NESTED,
		[V_LIST_STR] = MNL_TYPE_NESTED, [V_LIST_U32] = MNL_TYPE_NESTED,
	};

	return mnl_attr_validate(a, type[val]) >= 0;
}

static json_t *attr_value(const struct nlattr *a, enum val val);

/* The attributes of a message or a nest, as an object. */
static int attr_to_json(const struct nlattr *a, void *data)
{
	uint16_t t = mnl_attr_get_type(a);
	json_t *obj = data, *v;

	if (t > IOASID_NL_A_MAX || !attrs[t].key || !attr_ok(a, attrs[t].val))
		return MNL_CB_OK;
	v = attr_value(a, attrs[t].val);
	if (v)
		json_object_set_new(obj, attrs[t].key, v);
	return MNL_CB_OK;
}

static json_t *attr_value(const struct nlattr *a, enum val val)
{
	const struct nlattr *n;
	json_t *list, *o;
	uint32_t u;

	switch (val) {
	case V_U8:
		return json_integer(mnl_attr_get_u8(a));
	case V_BOOL:
		return json_boolean(mnl_attr_get_u8(a));
	case V_FLAG:
		return json_true();
	case V_U16:
		return json_integer(mnl_attr_get_u16(a));
	case V_U32:
		return json_integer(mnl_attr_get_u32(a));
	case V_U64:	/* json_int_t is long long: fine below 2^63 */
		return json_integer((json_int_t)mnl_attr_get_u64(a));
	case V_S32:
		return json_integer((int32_t)mnl_attr_get_u32(a));
	case V_S64:
		return json_integer((int64_t)mnl_attr_get_u64(a));
	case V_STR:
		return json_string(mnl_attr_get_str(a));
	case V_DEV_KIND:
		u = mnl_attr_get_u32(a);
		return json_string(u == IOASID_NL_DEVICE_PCI ? "pci" :
				   u == IOASID_NL_DEVICE_MOCK ? "mock" : "unknown");
	case V_GROUP_KIND:
		u = mnl_attr_get_u32(a);
		return json_string(u == IOASID_NL_GROUP_IOMMU ? "iommu" :
				   u == IOASID_NL_GROUP_MOCK ? "mock" : "unknown");
	case V_EVENT:
		u = mnl_attr_get_u32(a);
		return json_string(u < __IOASID_NL_EVENT_MAX && event_names[u] ?
				   event_names[u] : "unknown");
	case V_PROT: {
		char s[3];

		u = mnl_attr_get_u32(a);
		s[0] = u & IOASID_IOAS_MAP_READABLE ? 'r' : '-';
		s[1] = u & IOASID_IOAS_MAP_WRITEABLE ? 'w' : '-';
		s[2] = 0;
		return json_string(s);
	}
	case V_LIST_OBJ:
		list = json_array();
		mnl_attr_for_each_nested(n, a) {
			if (mnl_attr_validate(n, MNL_TYPE_NESTED) < 0)
				continue;
			o = json_object();
			mnl_attr_parse_nested(n, attr_to_json, o);
			json_array_append_new(list, o);
		}
		return list;
	case V_LIST_STR:
		list = json_array();
		mnl_attr_for_each_nested(n, a)
			if (mnl_attr_validate(n, MNL_TYPE_NUL_STRING) >= 0)
				json_array_append_new(list,
					json_string(mnl_attr_get_str(n)));
		return list;
	case V_LIST_U32:
		list = json_array();
		mnl_attr_for_each_nested(n, a)
			if (mnl_attr_validate(n, MNL_TYPE_U32) >= 0)
				json_array_append_new(list,
					json_integer(mnl_attr_get_u32(n)));
		return list;
	}
	return NULL;
}

json_t *nl_msg_to_json(const struct nlmsghdr *nlh)
{
	json_t *obj = json_object();

	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), attr_to_json, obj);
	return obj;
}

static char buf[1 << 16];

/* Resolving the family: its id and the monitor group's id. */
static int mcgrp_cb(const struct nlattr *a, void *data)
{
	struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1] = {};
	const struct nlattr *n, *g;
	struct nl *nl = data;

	mnl_attr_for_each_nested(n, a) {
		if (mnl_attr_validate(n, MNL_TYPE_NESTED) < 0)
			continue;
		memset(tb, 0, sizeof(tb));
		mnl_attr_for_each_nested(g, n) {
			uint16_t t = mnl_attr_get_type(g);

			if (t <= CTRL_ATTR_MCAST_GRP_MAX)
				tb[t] = (struct nlattr *)g;
		}
		if (tb[CTRL_ATTR_MCAST_GRP_NAME] && tb[CTRL_ATTR_MCAST_GRP_ID] &&
		    mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_NAME],
				      MNL_TYPE_NUL_STRING) >= 0 &&
		    mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_ID],
				      MNL_TYPE_U32) >= 0 &&
		    !strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]),
			    IOASID_GENL_MCGRP_MONITOR))
			nl->mcgrp_monitor =
				mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return MNL_CB_OK;
}

static int family_attr_cb(const struct nlattr *a, void *data)
{
	struct nl *nl = data;

	switch (mnl_attr_get_type(a)) {
	case CTRL_ATTR_FAMILY_ID:
		if (mnl_attr_validate(a, MNL_TYPE_U16) >= 0)
			nl->family = mnl_attr_get_u16(a);
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) >= 0)
			mcgrp_cb(a, nl);
		break;
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb,
			      data);
}

static struct nlmsghdr *put_header(struct nl *nl, uint16_t type, uint8_t cmd,
				   uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

/* Send @nlh and run @cb on the answers until the end: 0 or -errno. */
static int transact(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb,
		    void *data)
{
	unsigned int seq = nlh->nlmsg_seq;
	ssize_t n;
	int rc;

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		rc = mnl_cb_run(buf, n, seq, nl->portid, cb, data);
		if (rc < 0)
			return -errno;
		if (rc == MNL_CB_STOP)
			return 0;
	}
}

int nl_open(struct nl *nl)
{
	struct nlmsghdr *nlh;
	int rc, one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock)
		return err("cannot open a netlink socket: %s", strerror(errno));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = errno;
		nl_close(nl);
		return err("cannot bind a netlink socket: %s", strerror(rc));
	}
	/* Errors without the request echoed back; best effort. */
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = time(NULL);

	nlh = put_header(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, IOASID_GENL_NAME);
	rc = transact(nl, nlh, family_cb, nl);
	if (rc == -ENOENT || (!rc && !nl->family)) {
		nl_close(nl);
		return err("ioasid.ko is not loaded (no generic netlink family \"" IOASID_GENL_NAME "\")");
	}
	if (rc) {
		nl_close(nl);
		return err("cannot look up the netlink family: %s",
			   strerror(-rc));
	}
	return 0;
}

void nl_close(struct nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

static int collect_cb(const struct nlmsghdr *nlh, void *data)
{
	json_array_append_new(data, nl_msg_to_json(nlh));
	return MNL_CB_OK;
}

int nl_query(struct nl *nl, uint8_t cmd, bool dump,
	     const struct nl_attr *a, int nr_attrs, json_t *out)
{
	struct nlmsghdr *nlh;

	nlh = put_header(nl, nl->family, cmd, IOASID_GENL_VERSION,
			 dump ? NLM_F_DUMP : NLM_F_ACK);
	for (int i = 0; i < nr_attrs; i++) {
		switch (a[i].kind) {
		case NL_U32:
			mnl_attr_put_u32(nlh, a[i].type, a[i].u);
			break;
		case NL_U64:
			mnl_attr_put_u64(nlh, a[i].type, a[i].u);
			break;
		case NL_STR:
			mnl_attr_put_strz(nlh, a[i].type, a[i].s);
			break;
		}
	}
	return transact(nl, nlh, collect_cb, out);
}

int nl_join_monitor(struct nl *nl)
{
	int grp = nl->mcgrp_monitor;

	if (!grp)
		return -ENOENT;
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &grp,
				  sizeof(grp)) < 0)
		return -errno;
	return 0;
}

ssize_t nl_recv(struct nl *nl, void *b, size_t len)
{
	ssize_t n = mnl_socket_recvfrom(nl->sock, b, len);

	return n < 0 ? -errno : n;
}

const char *nl_strerror(int e)
{
	if (e == -EPERM || e == -EACCES)
		return "permission denied: inspecting ioasid needs CAP_NET_ADMIN";
	return strerror(-e);
}
