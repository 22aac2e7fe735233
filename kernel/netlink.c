// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "ioasid" (uapi/linux/ioasid_netlink.h):
 * introspection of every object of the module.  The "monitor" multicast
 * group, with one event per object change and per policy decision, is fed
 * by nl_events.c.
 *
 * Requests are served with each object's own locking: contexts under
 * ioasid_ctx_table_lock (context.c), which keeps them from being torn down
 * while a request looks at them; devices, groups and PASIDs by reference or
 * under their table's lock.  Dumps resume by id (cb->args), so objects that
 * come and go between two parts of a dump are simply seen or not.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/ioasid_netlink.h>

#include "device.h"
#include "ioas.h"
#include "netlink.h"
#include "pasid.h"
#include "policy.h"

/* Room left at the end of an IOAS_GET reply for IOVA_NEXT and the end. */
#define IOASID_NL_TAIL_ROOM	128

/*
 * One message of a dump: header, @fill on @obj, end.  0, or -EMSGSIZE with
 * the message cancelled: a full skb ends this part of the dump, and the
 * next part resumes at the same object.
 */
static int ioasid_nl_dump_one(struct sk_buff *skb,
			      struct netlink_callback *cb, u8 cmd,
			      int (*fill)(struct sk_buff *skb, void *obj),
			      void *obj)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &ioasid_nl_family, NLM_F_MULTI, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (fill(skb, obj)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* What a dumpit returns: the bytes of this part, or the error if none. */
static int ioasid_nl_dump_end(struct sk_buff *skb, int rc)
{
	return rc && !skb->len ? rc : skb->len;
}

/*
 * A table of objects that lookups take a reference on (devices, groups):
 * @next finds the first at or after an id, @put drops the reference.
 */
struct ioasid_nl_table {
	u8 cmd;
	void *(*next)(unsigned long *index);
	void (*put)(void *obj);
	int (*fill)(struct sk_buff *skb, void *obj);
};

/* Dump such a table from the id in cb->args[0]. */
static int ioasid_nl_dump_table(struct sk_buff *skb,
				struct netlink_callback *cb,
				const struct ioasid_nl_table *t)
{
	unsigned long id = cb->args[0];
	void *obj;
	int rc = 0;

	for (; (obj = t->next(&id)); id++) {
		rc = ioasid_nl_dump_one(skb, cb, t->cmd, t->fill, obj);
		t->put(obj);
		if (rc)
			break;
	}
	cb->args[0] = id;
	return ioasid_nl_dump_end(skb, rc);
}

/*
 * A doit's reply: a new message with its header, then filled by the
 * command, then ioasid_nl_reply_send().
 */
static struct sk_buff *ioasid_nl_reply_new(struct genl_info *info,
					   void **hdr)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);

	if (!msg)
		return ERR_PTR(-ENOMEM);
	*hdr = genlmsg_iput(msg, info);
	if (!*hdr) {
		nlmsg_free(msg);
		return ERR_PTR(-EMSGSIZE);
	}
	return msg;
}

/* Send the reply, or drop it and return @rc if filling it failed. */
static int ioasid_nl_reply_send(struct genl_info *info, struct sk_buff *msg,
				void *hdr, int rc)
{
	if (rc) {
		nlmsg_free(msg);
		return rc;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* The reply of a doit about one object: @fill puts it. */
static int ioasid_nl_reply(struct genl_info *info,
			   int (*fill)(struct sk_buff *skb, void *obj),
			   void *obj)
{
	struct sk_buff *msg;
	void *hdr;

	msg = ioasid_nl_reply_new(info, &hdr);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	return ioasid_nl_reply_send(info, msg, hdr, fill(msg, obj));
}

/* --- contexts ------------------------------------------------------------ */

static int ioasid_nl_fill_ctx(struct sk_buff *skb, void *obj)
{
	struct ioasid_ctx *ctx = obj;
	struct ioasid_ctx_info info;

	ioasid_ctx_get_info(ctx, &info);
	if (nla_put_u32(skb, IOASID_NL_A_CTX_ID, ctx->id) ||
	    nla_put_u32(skb, IOASID_NL_A_OWNER_TGID, ctx->owner.owner_tgid) ||
	    nla_put_u32(skb, IOASID_NL_A_OWNER_UID, ctx->owner.owner_uid) ||
	    nla_put_string(skb, IOASID_NL_A_OWNER_COMM, ctx->owner_comm) ||
	    nla_put_u64_64bit(skb, IOASID_NL_A_OWNER_CGROUP_ID,
			      ctx->owner.owner_cgroup_id, IOASID_NL_A_PAD) ||
	    nla_put_u32(skb, IOASID_NL_A_NR_OBJECTS, info.nr_objects) ||
	    nla_put_u32(skb, IOASID_NL_A_NR_IOAS, info.nr_ioas) ||
	    nla_put_u32(skb, IOASID_NL_A_NR_DEVICES, info.nr_devices) ||
	    nla_put_u32(skb, IOASID_NL_A_NR_PASIDS,
			ioasid_pasid_ctx_count(ctx)) ||
	    nla_put_u64_64bit(skb, IOASID_NL_A_MAPPED_BYTES, info.mapped_bytes,
			      IOASID_NL_A_PAD) ||
	    nla_put_u64_64bit(skb, IOASID_NL_A_PINNED_PAGES, info.pinned_pages,
			      IOASID_NL_A_PAD) ||
	    nla_put_u32(skb, IOASID_NL_A_TENANT_NR_CTXS, info.tenant_nr_ctxs) ||
	    nla_put_u64_64bit(skb, IOASID_NL_A_TENANT_MAPPED_BYTES,
			      info.tenant_mapped_bytes, IOASID_NL_A_PAD) ||
	    nla_put_u32(skb, IOASID_NL_A_TENANT_NR_PASIDS,
			info.tenant_nr_pasids) ||
	    nla_put_u64_64bit(skb, IOASID_NL_A_CHARGED_PAGES,
			      info.charged_pages, IOASID_NL_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int ioasid_nl_ctx_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ioasid_ctx *ctx;
	unsigned long id;
	int rc;

	if (GENL_REQ_ATTR_CHECK(info, IOASID_NL_A_CTX_ID))
		return -EINVAL;
	id = nla_get_u32(info->attrs[IOASID_NL_A_CTX_ID]);

	ioasid_ctx_table_lock();
	ctx = ioasid_ctx_find(&id);
	if (!ctx || id != nla_get_u32(info->attrs[IOASID_NL_A_CTX_ID])) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[IOASID_NL_A_CTX_ID],
				    "no such context");
		rc = -ENOENT;
	} else {
		rc = ioasid_nl_reply(info, ioasid_nl_fill_ctx, ctx);
	}
	ioasid_ctx_table_unlock();
	return rc;
}

static int ioasid_nl_ctx_get_dumpit(struct sk_buff *skb,
				    struct netlink_callback *cb)
{
	unsigned long id = cb->args[0];
	struct ioasid_ctx *ctx;
	int rc = 0;

	ioasid_ctx_table_lock();
	for (; (ctx = ioasid_ctx_find(&id)); id++) {
		rc = ioasid_nl_dump_one(skb, cb, IOASID_NL_CMD_CTX_GET,
					ioasid_nl_fill_ctx, ctx);
		if (rc)
			break;
	}
	ioasid_ctx_table_unlock();
	cb->args[0] = id;
	return ioasid_nl_dump_end(skb, rc);
}

/* --- IOAS ------------------------------------------------------------------ */

static int ioasid_nl_fill_ioas(struct sk_buff *skb, void *obj)
{
	struct ioasid_ioas *ioas = obj;
	struct ioasid_ctx *ctx = ioas->obj.ctx;
	struct iopt_info info;

	iopt_get_info(&ioas->iopt, &info);
	if (nla_put_u32(skb, IOASID_NL_A_CTX_ID, ioas->obj.ctx->id) ||
	    nla_put_u32(skb, IOASID_NL_A_IOAS_ID, ioas->obj.id) ||
	    nla_put_u32(skb, IOASID_NL_A_PARENT_ID,
			ioas->parent ? ioas->parent->obj.id : 0) ||
	    nla_put_u32(skb, IOASID_NL_A_NR_CHILDREN, info.nr_children) ||
	    nla_put_u32(skb, IOASID_NL_A_NR_ATTACHED,
			atomic_read(&ioas->nr_attached)) ||
	    nla_put_u32(skb, IOASID_NL_A_NR_DOMAINS, info.nr_domains) ||
	    nla_put_u32(skb, IOASID_NL_A_NR_MAPPINGS, info.nr_mappings) ||
	    nla_put_u64_64bit(skb, IOASID_NL_A_MAPPED_BYTES, info.mapped_bytes,
			      IOASID_NL_A_PAD) ||
	    nla_put_u64_64bit(skb, IOASID_NL_A_PINNED_PAGES, info.pinned_pages,
			      IOASID_NL_A_PAD) ||
	    nla_put_u64_64bit(skb, IOASID_NL_A_CHARGED_PAGES,
			      ctx->owner_pins ?
			      ioasid_mm_pins_charged(ctx->owner_pins) : 0,
			      IOASID_NL_A_PAD))
		return -EMSGSIZE;
	return 0;
}

struct ioasid_nl_walk {
	struct sk_buff *skb;
	u64 next_iova;
	bool more;
};

static int ioasid_nl_put_mapping(const struct iopt_mapping *m, void *arg)
{
	struct ioasid_nl_walk *w = arg;
	struct nlattr *nest;

	if (skb_tailroom(w->skb) < IOASID_NL_TAIL_ROOM)
		goto full;
	nest = nla_nest_start(w->skb, IOASID_NL_A_MAPPING);
	if (!nest)
		goto full;
	if (nla_put_u64_64bit(w->skb, IOASID_NL_A_IOVA, m->iova,
			      IOASID_NL_A_PAD) ||
	    nla_put_u64_64bit(w->skb, IOASID_NL_A_LENGTH, m->length,
			      IOASID_NL_A_PAD) ||
	    nla_put_u64_64bit(w->skb, IOASID_NL_A_SOURCE, m->source,
			      IOASID_NL_A_PAD) ||
	    nla_put_u32(w->skb, IOASID_NL_A_PROT,
			(m->prot & IOASID_PROT_READ ?
			 IOASID_IOAS_MAP_READABLE : 0) |
			(m->prot & IOASID_PROT_WRITE ?
			 IOASID_IOAS_MAP_WRITEABLE : 0))) {
		nla_nest_cancel(w->skb, nest);
		goto full;
	}
	nla_nest_end(w->skb, nest);
	return 0;
full:
	w->more = true;
	w->next_iova = m->iova;
	return 1;
}

static int ioasid_nl_ioas_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ioasid_nl_walk w = {};
	struct ioasid_ioas *ioas;
	unsigned long ctx_id, id;
	struct ioasid_ctx *ctx;
	struct nlattr *nest;
	u64 start = 0;
	void *hdr;
	int rc;

	if (GENL_REQ_ATTR_CHECK(info, IOASID_NL_A_CTX_ID) ||
	    GENL_REQ_ATTR_CHECK(info, IOASID_NL_A_IOAS_ID))
		return -EINVAL;
	ctx_id = nla_get_u32(info->attrs[IOASID_NL_A_CTX_ID]);
	if (info->attrs[IOASID_NL_A_IOVA_START])
		start = nla_get_u64(info->attrs[IOASID_NL_A_IOVA_START]);

	w.skb = ioasid_nl_reply_new(info, &hdr);
	if (IS_ERR(w.skb))
		return PTR_ERR(w.skb);
	ioasid_ctx_table_lock();
	id = ctx_id;
	ctx = ioasid_ctx_find(&id);
	if (!ctx || id != ctx_id) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[IOASID_NL_A_CTX_ID],
				    "no such context");
		rc = -ENOENT;
		goto err_unlock;
	}
	ioas = ioasid_ioas_get(ctx,
			       nla_get_u32(info->attrs[IOASID_NL_A_IOAS_ID]));
	if (IS_ERR(ioas)) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[IOASID_NL_A_IOAS_ID],
				    "no such IOAS in the context");
		rc = PTR_ERR(ioas);
		goto err_unlock;
	}
	rc = ioasid_nl_fill_ioas(w.skb, ioas);
	nest = rc ? NULL : nla_nest_start(w.skb, IOASID_NL_A_MAPPINGS);
	if (!nest) {
		rc = -EMSGSIZE;
		goto err_put;
	}
	iopt_walk_mappings(&ioas->iopt, start, ioasid_nl_put_mapping, &w);
	nla_nest_end(w.skb, nest);
	ioasid_ioas_put(ioas);
	ioasid_ctx_table_unlock();

	if (w.more && nla_put_u64_64bit(w.skb, IOASID_NL_A_IOVA_NEXT,
					w.next_iova, IOASID_NL_A_PAD))
		rc = -EMSGSIZE;
	return ioasid_nl_reply_send(info, w.skb, hdr, rc);

err_put:
	ioasid_ioas_put(ioas);
err_unlock:
	ioasid_ctx_table_unlock();
	return ioasid_nl_reply_send(info, w.skb, hdr, rc);
}

/*
 * cb->args[0]: the context being walked, cb->args[1]: the next IOAS id in
 * it, cb->args[2]: 1 if only the context in the request is wanted.
 */
static int ioasid_nl_ioas_get_dumpit(struct sk_buff *skb,
				     struct netlink_callback *cb)
{
	const struct genl_info *info = &genl_dumpit_info(cb)->info;
	unsigned long ctx_id = cb->args[0], id = cb->args[1];
	struct nlattr *filter = info->attrs[IOASID_NL_A_CTX_ID];
	struct ioasid_ioas *ioas;
	struct ioasid_ctx *ctx;
	int rc = 0;

	if (filter && !ctx_id)
		ctx_id = nla_get_u32(filter);
	ioasid_ctx_table_lock();
	while ((ctx = ioasid_ctx_find(&ctx_id))) {
		if (filter && ctx_id != nla_get_u32(filter))
			break;
		while ((ioas = ioasid_ioas_get_next(ctx, &id))) {
			rc = ioasid_nl_dump_one(skb, cb, IOASID_NL_CMD_IOAS_GET,
						ioasid_nl_fill_ioas, ioas);
			ioasid_ioas_put(ioas);
			if (rc)
				goto out;
			id++;
		}
		if (filter)
			break;
		ctx_id++;
		id = 0;
	}
out:
	ioasid_ctx_table_unlock();
	cb->args[0] = ctx_id;
	cb->args[1] = id;
	return rc && !skb->len ? rc : skb->len;
}

/* --- devices --------------------------------------------------------------- */

static int ioasid_nl_put_pasid(u32 pasid, u32 ioas_id, void *arg)
{
	return nla_put_u32(arg, IOASID_NL_A_PASID, pasid);
}

static int ioasid_nl_fill_device(struct sk_buff *skb, void *obj)
{
	struct ioasid_device_snapshot snap;
	struct nlattr *nest;
	int rc;

	ioasid_device_snapshot(obj, &snap, NULL, NULL);
	if (nla_put_u32(skb, IOASID_NL_A_DEVICE_ID, snap.id) ||
	    nla_put_string(skb, IOASID_NL_A_DEVICE_NAME, snap.name) ||
	    nla_put_u32(skb, IOASID_NL_A_DEVICE_KIND,
			snap.desc.flags & IOASID_DEVICE_INFO_MOCK ?
			IOASID_NL_DEVICE_MOCK : IOASID_NL_DEVICE_PCI) ||
	    nla_put_u32(skb, IOASID_NL_A_GROUP_ID, snap.group_id) ||
	    ((snap.desc.flags & IOASID_DEVICE_INFO_PASID) &&
	     nla_put_flag(skb, IOASID_NL_A_PASID_SUPPORT)) ||
	    nla_put_u16(skb, IOASID_NL_A_PCI_SEGMENT, snap.desc.segment) ||
	    nla_put_u8(skb, IOASID_NL_A_PCI_BUS, snap.desc.bus) ||
	    nla_put_u8(skb, IOASID_NL_A_PCI_DEVFN, snap.desc.devfn) ||
	    nla_put_u16(skb, IOASID_NL_A_PCI_VENDOR, snap.desc.vendor) ||
	    nla_put_u16(skb, IOASID_NL_A_PCI_DEVICE, snap.desc.device) ||
	    nla_put_u32(skb, IOASID_NL_A_PCI_CLASS, snap.desc.class))
		return -EMSGSIZE;
	if (!(snap.desc.flags & IOASID_DEVICE_INFO_BOUND))
		return 0;
	if (nla_put_u32(skb, IOASID_NL_A_CTX_ID, snap.ctx_id) ||
	    nla_put_u32(skb, IOASID_NL_A_DEV_ID, snap.desc.dev_id) ||
	    (snap.ioas_id &&
	     nla_put_u32(skb, IOASID_NL_A_IOAS_ID, snap.ioas_id)))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, IOASID_NL_A_PASIDS);
	if (!nest)
		return -EMSGSIZE;
	rc = ioasid_device_snapshot(obj, &snap, ioasid_nl_put_pasid, skb);
	nla_nest_end(skb, nest);
	return rc ? -EMSGSIZE : 0;
}

static struct ioasid_device *ioasid_nl_find_device(struct genl_info *info)
{
	struct nlattr *id_attr = info->attrs[IOASID_NL_A_DEVICE_ID];
	struct nlattr *name_attr = info->attrs[IOASID_NL_A_DEVICE_NAME];
	struct ioasid_device *idev;
	unsigned long id = 0;

	if (id_attr) {
		id = nla_get_u32(id_attr);
		idev = ioasid_device_get_next(&id);
		if (idev && id == nla_get_u32(id_attr))
			return idev;
	} else {
		for (; (idev = ioasid_device_get_next(&id)); id++) {
			if (!nla_strcmp(name_attr, idev->name))
				return idev;
			ioasid_device_put(idev);
		}
	}
	if (idev)
		ioasid_device_put(idev);
	NL_SET_ERR_MSG_ATTR(info->extack, id_attr ?: name_attr,
			    "no such device");
	return NULL;
}

static int ioasid_nl_device_get_doit(struct sk_buff *skb,
				     struct genl_info *info)
{
	struct ioasid_device *idev;
	int rc;

	if (!info->attrs[IOASID_NL_A_DEVICE_ID] &&
	    !info->attrs[IOASID_NL_A_DEVICE_NAME]) {
		NL_SET_ERR_MSG(info->extack, "device id or name required");
		return -EINVAL;
	}
	idev = ioasid_nl_find_device(info);
	if (!idev)
		return -ENOENT;
	rc = ioasid_nl_reply(info, ioasid_nl_fill_device, idev);
	ioasid_device_put(idev);
	return rc;
}

static void *ioasid_nl_next_device(unsigned long *index)
{
	return ioasid_device_get_next(index);
}

static void ioasid_nl_put_device(void *idev)
{
	ioasid_device_put(idev);
}

static int ioasid_nl_device_get_dumpit(struct sk_buff *skb,
				       struct netlink_callback *cb)
{
	static const struct ioasid_nl_table devices = {
		IOASID_NL_CMD_DEVICE_GET, ioasid_nl_next_device,
		ioasid_nl_put_device, ioasid_nl_fill_device,
	};

	return ioasid_nl_dump_table(skb, cb, &devices);
}

/* --- groups ---------------------------------------------------------------- */

static int ioasid_nl_put_member(const char *name, void *arg)
{
	return nla_put_string(arg, IOASID_NL_A_DEVICE_NAME, name);
}

static int ioasid_nl_fill_group(struct sk_buff *skb, void *obj)
{
	struct ioasid_group_snapshot snap;
	struct nlattr *nest;
	int rc;

	nest = nla_nest_start(skb, IOASID_NL_A_MEMBERS);
	if (!nest)
		return -EMSGSIZE;
	rc = ioasid_group_snapshot(obj, &snap, ioasid_nl_put_member, skb);
	nla_nest_end(skb, nest);
	if (rc ||
	    nla_put_u32(skb, IOASID_NL_A_GROUP_ID, snap.id) ||
	    nla_put_u32(skb, IOASID_NL_A_GROUP_KIND,
			snap.mock ? IOASID_NL_GROUP_MOCK :
			IOASID_NL_GROUP_IOMMU) ||
	    nla_put_u32(skb, IOASID_NL_A_NR_MEMBERS, snap.nr_members) ||
	    nla_put_u8(skb, IOASID_NL_A_VIABLE, snap.viable) ||
	    (!snap.viable &&
	     nla_put_string(skb, IOASID_NL_A_REASON, snap.reason)) ||
	    (snap.last_reason[0] &&
	     nla_put_string(skb, IOASID_NL_A_LAST_REASON, snap.last_reason)) ||
	    nla_put_u32(skb, IOASID_NL_A_NR_BOUND, snap.nr_bound) ||
	    (snap.ctx_id &&
	     nla_put_u32(skb, IOASID_NL_A_CTX_ID, snap.ctx_id)) ||
	    (snap.ioas_id &&
	     nla_put_u32(skb, IOASID_NL_A_IOAS_ID, snap.ioas_id)))
		return -EMSGSIZE;
	return 0;
}

static int ioasid_nl_group_get_doit(struct sk_buff *skb,
				    struct genl_info *info)
{
	struct ioasid_group *group;
	int rc;

	if (GENL_REQ_ATTR_CHECK(info, IOASID_NL_A_GROUP_ID))
		return -EINVAL;
	group = ioasid_group_find(nla_get_u32(info->attrs[IOASID_NL_A_GROUP_ID]));
	if (!group) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[IOASID_NL_A_GROUP_ID],
				    "no such group");
		return -ENOENT;
	}
	rc = ioasid_nl_reply(info, ioasid_nl_fill_group, group);
	ioasid_group_put(group);
	return rc;
}

static void *ioasid_nl_next_group(unsigned long *index)
{
	return ioasid_group_get_next(index);
}

static void ioasid_nl_put_group(void *group)
{
	ioasid_group_put(group);
}

static int ioasid_nl_group_get_dumpit(struct sk_buff *skb,
				      struct netlink_callback *cb)
{
	static const struct ioasid_nl_table groups = {
		IOASID_NL_CMD_GROUP_GET, ioasid_nl_next_group,
		ioasid_nl_put_group, ioasid_nl_fill_group,
	};

	return ioasid_nl_dump_table(skb, cb, &groups);
}

/* --- PASIDs ---------------------------------------------------------------- */

static int ioasid_nl_fill_pasid(struct sk_buff *skb, void *obj)
{
	const struct ioasid_pasid_info *p = obj;

	if (nla_put_u32(skb, IOASID_NL_A_PASID, p->pasid) ||
	    nla_put_u32(skb, IOASID_NL_A_CTX_ID, p->ctx_id) ||
	    nla_put_u32(skb, IOASID_NL_A_NR_ATTACHED, p->nr_attached))
		return -EMSGSIZE;
	return 0;
}

static int ioasid_nl_pasid_get_doit(struct sk_buff *skb,
				    struct genl_info *info)
{
	struct ioasid_pasid_info p;
	unsigned long id;

	if (GENL_REQ_ATTR_CHECK(info, IOASID_NL_A_PASID))
		return -EINVAL;
	id = nla_get_u32(info->attrs[IOASID_NL_A_PASID]);
	if (!ioasid_pasid_get_next(&id, &p) ||
	    id != nla_get_u32(info->attrs[IOASID_NL_A_PASID])) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[IOASID_NL_A_PASID],
				    "PASID not allocated");
		return -ENOENT;
	}
	return ioasid_nl_reply(info, ioasid_nl_fill_pasid, &p);
}

static int ioasid_nl_pasid_get_dumpit(struct sk_buff *skb,
				      struct netlink_callback *cb)
{
	unsigned long id = cb->args[0];
	struct ioasid_pasid_info p;
	int rc = 0;

	for (; ioasid_pasid_get_next(&id, &p); id++) {
		rc = ioasid_nl_dump_one(skb, cb, IOASID_NL_CMD_PASID_GET,
					ioasid_nl_fill_pasid, &p);
		if (rc)
			break;
	}
	cb->args[0] = id;
	return ioasid_nl_dump_end(skb, rc);
}

/* --- the policy ------------------------------------------------------------ */

static int ioasid_nl_fill_policy(struct sk_buff *skb, void *unused)
{
	struct ioasid_policy_hook_stats stats[IOASID_HOOK_MAX];
	char name[IOASID_POLICY_NAME_LEN];
	struct nlattr *hooks, *hook;
	u32 implemented = 0;
	u64 loaded_ns = 0;
	int i;

	if (nla_put_u8(skb, IOASID_NL_A_POLICY_MAY_RELAX,
		       ioasid_policy_may_relax))
		return -EMSGSIZE;
	if (!ioasid_policy_info(name, &loaded_ns, stats, &implemented))
		return 0;
	if (nla_put_string(skb, IOASID_NL_A_POLICY_NAME, name) ||
	    nla_put_u64_64bit(skb, IOASID_NL_A_POLICY_LOADED_NS, loaded_ns,
			      IOASID_NL_A_PAD))
		return -EMSGSIZE;
	hooks = nla_nest_start(skb, IOASID_NL_A_POLICY_HOOKS);
	if (!hooks)
		return -EMSGSIZE;
	for (i = 0; i < IOASID_HOOK_MAX; i++) {
		hook = nla_nest_start(skb, IOASID_NL_A_HOOK);
		if (!hook ||
		    nla_put_string(skb, IOASID_NL_A_HOOK_NAME,
				   ioasid_policy_hook_names[i]) ||
		    ((implemented & BIT(i)) &&
		     nla_put_flag(skb, IOASID_NL_A_HOOK_IMPLEMENTED)) ||
		    nla_put_u64_64bit(skb, IOASID_NL_A_HOOK_CALLS,
				      stats[i].calls, IOASID_NL_A_PAD) ||
		    nla_put_u64_64bit(skb, IOASID_NL_A_HOOK_ALLOW,
				      stats[i].allow, IOASID_NL_A_PAD) ||
		    nla_put_u64_64bit(skb, IOASID_NL_A_HOOK_DENY,
				      stats[i].deny, IOASID_NL_A_PAD) ||
		    nla_put_u64_64bit(skb, IOASID_NL_A_HOOK_INVALID,
				      stats[i].invalid, IOASID_NL_A_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, hook);
	}
	nla_nest_end(skb, hooks);
	return 0;
}

static int ioasid_nl_policy_get_doit(struct sk_buff *skb,
				     struct genl_info *info)
{
	return ioasid_nl_reply(info, ioasid_nl_fill_policy, NULL);
}

/* --- the family ------------------------------------------------------------ */

static const struct nla_policy ioasid_nl_ctx_policy[] = {
	[IOASID_NL_A_CTX_ID] = { .type = NLA_U32 },
};

static const struct nla_policy ioasid_nl_ioas_policy[] = {
	[IOASID_NL_A_CTX_ID] = { .type = NLA_U32 },
	[IOASID_NL_A_IOAS_ID] = { .type = NLA_U32 },
	[IOASID_NL_A_IOVA_START] = { .type = NLA_U64 },
};

static const struct nla_policy ioasid_nl_device_policy[] = {
	[IOASID_NL_A_DEVICE_ID] = { .type = NLA_U32 },
	[IOASID_NL_A_DEVICE_NAME] = { .type = NLA_NUL_STRING, .len = 31 },
};

static const struct nla_policy ioasid_nl_group_policy[] = {
	[IOASID_NL_A_GROUP_ID] = { .type = NLA_U32 },
};

static const struct nla_policy ioasid_nl_pasid_policy[] = {
	[IOASID_NL_A_PASID] = { .type = NLA_U32 },
};

/* A GET command with a doit, a dumpit and an attribute policy. */
#define IOASID_NL_GET_OP(CMD, name) {					\
	.cmd = IOASID_NL_CMD_##CMD##_GET,				\
	.doit = ioasid_nl_##name##_get_doit,				\
	.dumpit = ioasid_nl_##name##_get_dumpit,			\
	.policy = ioasid_nl_##name##_policy,				\
	.maxattr = ARRAY_SIZE(ioasid_nl_##name##_policy) - 1,		\
	.flags = GENL_ADMIN_PERM,					\
}

/* Everything is privileged: objects show who holds which device. */
static const struct genl_ops ioasid_nl_ops[] = {
	IOASID_NL_GET_OP(CTX, ctx),
	IOASID_NL_GET_OP(IOAS, ioas),
	IOASID_NL_GET_OP(DEVICE, device),
	IOASID_NL_GET_OP(GROUP, group),
	IOASID_NL_GET_OP(PASID, pasid),
	{
		.cmd = IOASID_NL_CMD_POLICY_GET,
		.doit = ioasid_nl_policy_get_doit,
		.flags = GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group ioasid_nl_mcgrps[] = {
	[IOASID_NL_MCGRP_MONITOR_IDX] = {
		.name = IOASID_GENL_MCGRP_MONITOR,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

struct genl_family ioasid_nl_family __ro_after_init = {
	.name = IOASID_GENL_NAME,
	.version = IOASID_GENL_VERSION,
	.module = THIS_MODULE,
	.ops = ioasid_nl_ops,
	.n_ops = ARRAY_SIZE(ioasid_nl_ops),
	.mcgrps = ioasid_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ioasid_nl_mcgrps),
	.resv_start_op = IOASID_NL_CMD_CTX_GET,
	.parallel_ops = true,
};

/**
 * ioasid_netlink_init() - register the family and the event bridge
 *
 * Return: 0 or -errno, with nothing left registered.
 */
int ioasid_netlink_init(void)
{
	int rc;

	rc = genl_register_family(&ioasid_nl_family);
	if (rc)
		return rc;
	rc = ioasid_nl_events_init();
	if (rc)
		genl_unregister_family(&ioasid_nl_family);
	return rc;
}

/**
 * ioasid_netlink_exit() - undo ioasid_netlink_init()
 */
void ioasid_netlink_exit(void)
{
	ioasid_nl_events_exit();
	genl_unregister_family(&ioasid_nl_family);
}
