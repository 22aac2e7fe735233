// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "ioasid" (uapi/linux/ioasid_netlink.h):
 * introspection of every object of the module, and the "monitor" multicast
 * group with one event per object change and per policy decision.
 *
 * Requests are served with each object's own locking: contexts under
 * ioasid_ctx_table_lock (context.c), which keeps them from being torn down
 * while a request looks at them; devices, groups and PASIDs by reference or
 * under their table's lock.  Dumps resume by id (cb->args), so objects that
 * come and go between two parts of a dump are simply seen or not.
 *
 * Events: the module already has a tracepoint on every object change and
 * every policy decision (trace.h).  Rather than a second call at each of
 * those sites, which could drift from the tracepoints, this file registers
 * a probe on each of its own tracepoints and turns the tracepoint's fields
 * into one message.  Monitors therefore see exactly what bpftrace sees, and
 * nothing outside this file knows netlink exists.  Probes run where the
 * tracepoint fires, possibly under spinlocks or rcu_read_lock(): they never
 * sleep (GFP_ATOMIC) and do nothing when nobody listens.  An event that
 * cannot be allocated is dropped; a monitor that reads too slowly gets
 * ENOBUFS from its socket and knows it lost some.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/ioasid_netlink.h>

#include "device.h"
#include "ioas.h"
#include "ioasid_private.h"
#include "policy.h"
#include "trace.h"

static struct genl_family ioasid_nl_family;

enum ioasid_nl_mcgrp {
	IOASID_NL_MCGRP_MONITOR_IDX,
};

/* Room left at the end of an IOAS_GET reply for IOVA_NEXT and the end. */
#define IOASID_NL_TAIL_ROOM	128

static void *ioasid_nl_put_hdr(struct sk_buff *skb, u32 portid, u32 seq,
			       int flags, u8 cmd)
{
	return genlmsg_put(skb, portid, seq, &ioasid_nl_family, flags, cmd);
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

/* --- contexts ------------------------------------------------------------ */

static int ioasid_nl_fill_ctx(struct sk_buff *skb, struct ioasid_ctx *ctx)
{
	struct ioasid_ctx_info info;

	ioasid_ctx_get_info(ctx, &info);
	if (nla_put_u32(skb, IOASID_NL_A_CTX_ID, ctx->id) ||
	    nla_put_u32(skb, IOASID_NL_A_OWNER_TGID, ctx->owner_tgid) ||
	    nla_put_u32(skb, IOASID_NL_A_OWNER_UID, ctx->owner_uid) ||
	    nla_put_string(skb, IOASID_NL_A_OWNER_COMM, ctx->owner_comm) ||
	    nla_put_u64_64bit(skb, IOASID_NL_A_OWNER_CGROUP_ID,
			      ctx->owner_cgroup_id, IOASID_NL_A_PAD) ||
	    nla_put_u32(skb, IOASID_NL_A_NR_OBJECTS, info.nr_objects) ||
	    nla_put_u32(skb, IOASID_NL_A_NR_IOAS, info.nr_ioas) ||
	    nla_put_u32(skb, IOASID_NL_A_NR_DEVICES, info.nr_devices) ||
	    nla_put_u32(skb, IOASID_NL_A_NR_PASIDS, info.nr_pasids) ||
	    nla_put_u64_64bit(skb, IOASID_NL_A_MAPPED_BYTES, info.mapped_bytes,
			      IOASID_NL_A_PAD) ||
	    nla_put_u64_64bit(skb, IOASID_NL_A_PINNED_PAGES, info.pinned_pages,
			      IOASID_NL_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int ioasid_nl_ctx_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	unsigned long id;
	struct ioasid_ctx *ctx;
	struct sk_buff *msg;
	void *hdr;
	int rc;

	if (GENL_REQ_ATTR_CHECK(info, IOASID_NL_A_CTX_ID))
		return -EINVAL;
	id = nla_get_u32(info->attrs[IOASID_NL_A_CTX_ID]);

	msg = ioasid_nl_reply_new(info, &hdr);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	ioasid_ctx_table_lock();
	ctx = ioasid_ctx_find(&id);
	if (!ctx || id != nla_get_u32(info->attrs[IOASID_NL_A_CTX_ID])) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[IOASID_NL_A_CTX_ID],
				    "no such context");
		rc = -ENOENT;
	} else {
		rc = ioasid_nl_fill_ctx(msg, ctx);
	}
	ioasid_ctx_table_unlock();
	return ioasid_nl_reply_send(info, msg, hdr, rc);
}

static int ioasid_nl_ctx_get_dumpit(struct sk_buff *skb,
				    struct netlink_callback *cb)
{
	unsigned long id = cb->args[0];
	struct ioasid_ctx *ctx;
	int rc = 0;
	void *hdr;

	ioasid_ctx_table_lock();
	for (; (ctx = ioasid_ctx_find(&id)); id++) {
		hdr = ioasid_nl_put_hdr(skb, NETLINK_CB(cb->skb).portid,
					cb->nlh->nlmsg_seq, NLM_F_MULTI,
					IOASID_NL_CMD_CTX_GET);
		if (!hdr) {
			rc = -EMSGSIZE;
			break;
		}
		rc = ioasid_nl_fill_ctx(skb, ctx);
		if (rc) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	ioasid_ctx_table_unlock();
	cb->args[0] = id;
	/* A full skb ends this part; the next resumes at the same id. */
	return rc && !skb->len ? rc : skb->len;
}

/* --- IOAS ------------------------------------------------------------------ */

static int ioasid_nl_fill_ioas(struct sk_buff *skb, u32 ctx_id,
			       struct ioasid_ioas *ioas)
{
	struct ioasid_ioas_info info;

	ioasid_ioas_get_info(ioas, &info);
	if (nla_put_u32(skb, IOASID_NL_A_CTX_ID, ctx_id) ||
	    nla_put_u32(skb, IOASID_NL_A_IOAS_ID, info.id) ||
	    nla_put_u32(skb, IOASID_NL_A_PARENT_ID, info.parent_id) ||
	    nla_put_u32(skb, IOASID_NL_A_NR_CHILDREN, info.nr_children) ||
	    nla_put_u32(skb, IOASID_NL_A_NR_ATTACHED, info.nr_attached) ||
	    nla_put_u32(skb, IOASID_NL_A_NR_DOMAINS, info.nr_domains) ||
	    nla_put_u32(skb, IOASID_NL_A_NR_MAPPINGS, info.nr_mappings) ||
	    nla_put_u64_64bit(skb, IOASID_NL_A_MAPPED_BYTES, info.mapped_bytes,
			      IOASID_NL_A_PAD) ||
	    nla_put_u64_64bit(skb, IOASID_NL_A_PINNED_PAGES, info.pinned_pages,
			      IOASID_NL_A_PAD))
		return -EMSGSIZE;
	return 0;
}

struct ioasid_nl_walk {
	struct sk_buff *skb;
	u64 next_iova;
	bool more;
};

static int ioasid_nl_put_mapping(const struct ioasid_mapping_info *m,
				 void *arg)
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
	    nla_put_u32(w->skb, IOASID_NL_A_PROT, m->prot)) {
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
	rc = ioasid_nl_fill_ioas(w.skb, ctx->id, ioas);
	nest = rc ? NULL : nla_nest_start(w.skb, IOASID_NL_A_MAPPINGS);
	if (!nest) {
		rc = -EMSGSIZE;
		goto err_put;
	}
	ioasid_ioas_walk_mappings(ioas, start, ioasid_nl_put_mapping, &w);
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
	void *hdr;

	if (filter && !ctx_id)
		ctx_id = nla_get_u32(filter);
	ioasid_ctx_table_lock();
	while ((ctx = ioasid_ctx_find(&ctx_id))) {
		if (filter && ctx_id != nla_get_u32(filter))
			break;
		while ((ioas = ioasid_ioas_get_next(ctx, &id))) {
			hdr = ioasid_nl_put_hdr(skb,
						NETLINK_CB(cb->skb).portid,
						cb->nlh->nlmsg_seq,
						NLM_F_MULTI,
						IOASID_NL_CMD_IOAS_GET);
			rc = hdr ? ioasid_nl_fill_ioas(skb, ctx->id, ioas) :
				   -EMSGSIZE;
			ioasid_ioas_put(ioas);
			if (rc) {
				if (hdr)
					genlmsg_cancel(skb, hdr);
				goto out;
			}
			genlmsg_end(skb, hdr);
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

static int ioasid_nl_fill_device(struct sk_buff *skb,
				 struct ioasid_device *idev)
{
	struct ioasid_binding *binding;
	struct ioasid_attach *attach;
	unsigned long pasid;
	struct nlattr *nest;
	int rc = -EMSGSIZE;

	mutex_lock(&idev->lock);
	binding = idev->binding;
	if (nla_put_u32(skb, IOASID_NL_A_DEVICE_ID, idev->id) ||
	    nla_put_string(skb, IOASID_NL_A_DEVICE_NAME, idev->name) ||
	    nla_put_u32(skb, IOASID_NL_A_DEVICE_KIND,
			idev->flags & IOASID_DEVICE_INFO_MOCK ?
			IOASID_NL_DEVICE_MOCK : IOASID_NL_DEVICE_PCI) ||
	    nla_put_u32(skb, IOASID_NL_A_GROUP_ID, idev->group->id) ||
	    ((idev->flags & IOASID_DEVICE_INFO_PASID) &&
	     nla_put_flag(skb, IOASID_NL_A_PASID_SUPPORT)) ||
	    nla_put_u16(skb, IOASID_NL_A_PCI_SEGMENT, idev->segment) ||
	    nla_put_u8(skb, IOASID_NL_A_PCI_BUS, idev->bus) ||
	    nla_put_u8(skb, IOASID_NL_A_PCI_DEVFN, idev->devfn) ||
	    nla_put_u16(skb, IOASID_NL_A_PCI_VENDOR, idev->vendor) ||
	    nla_put_u16(skb, IOASID_NL_A_PCI_DEVICE, idev->device) ||
	    nla_put_u32(skb, IOASID_NL_A_PCI_CLASS, idev->class))
		goto out;
	if (binding) {
		/* A bound device holds its context's file: ctx is alive. */
		if (nla_put_u32(skb, IOASID_NL_A_CTX_ID, binding->obj.ctx->id) ||
		    nla_put_u32(skb, IOASID_NL_A_DEV_ID, binding->obj.id))
			goto out;
		if (binding->rid &&
		    nla_put_u32(skb, IOASID_NL_A_IOAS_ID,
				ioasid_ioas_id(binding->rid->ioas)))
			goto out;
		nest = nla_nest_start(skb, IOASID_NL_A_PASIDS);
		if (!nest)
			goto out;
		xa_for_each(&binding->pasids, pasid, attach) {
			if (nla_put_u32(skb, IOASID_NL_A_PASID, pasid))
				goto out;
		}
		nla_nest_end(skb, nest);
	}
	rc = 0;
out:
	mutex_unlock(&idev->lock);
	return rc;
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
	struct sk_buff *msg;
	void *hdr;
	int rc;

	if (!info->attrs[IOASID_NL_A_DEVICE_ID] &&
	    !info->attrs[IOASID_NL_A_DEVICE_NAME]) {
		NL_SET_ERR_MSG(info->extack, "device id or name required");
		return -EINVAL;
	}
	idev = ioasid_nl_find_device(info);
	if (!idev)
		return -ENOENT;
	msg = ioasid_nl_reply_new(info, &hdr);
	if (IS_ERR(msg))
		rc = PTR_ERR(msg);
	else
		rc = ioasid_nl_reply_send(info, msg, hdr,
					  ioasid_nl_fill_device(msg, idev));
	ioasid_device_put(idev);
	return rc;
}

static int ioasid_nl_device_get_dumpit(struct sk_buff *skb,
				       struct netlink_callback *cb)
{
	unsigned long id = cb->args[0];
	struct ioasid_device *idev;
	int rc = 0;
	void *hdr;

	for (; (idev = ioasid_device_get_next(&id)); id++) {
		hdr = ioasid_nl_put_hdr(skb, NETLINK_CB(cb->skb).portid,
					cb->nlh->nlmsg_seq, NLM_F_MULTI,
					IOASID_NL_CMD_DEVICE_GET);
		rc = hdr ? ioasid_nl_fill_device(skb, idev) : -EMSGSIZE;
		ioasid_device_put(idev);
		if (rc) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = id;
	return rc && !skb->len ? rc : skb->len;
}

/* --- groups ---------------------------------------------------------------- */

static int ioasid_nl_fill_group(struct sk_buff *skb,
				struct ioasid_group *group)
{
	char reason[sizeof(group->reason)] = "";
	struct ioasid_device *idev;
	struct nlattr *nest;
	bool viable;
	int rc = -EMSGSIZE;

	mutex_lock(&group->lock);
	viable = group->ops->verdict(group, reason, sizeof(reason));
	if (nla_put_u32(skb, IOASID_NL_A_GROUP_ID, group->id) ||
	    nla_put_u32(skb, IOASID_NL_A_GROUP_KIND,
			group->iommu_group ? IOASID_NL_GROUP_IOMMU :
			IOASID_NL_GROUP_MOCK) ||
	    nla_put_u32(skb, IOASID_NL_A_NR_MEMBERS,
			group->ops->nr_members(group)) ||
	    nla_put_u8(skb, IOASID_NL_A_VIABLE, viable) ||
	    (!viable && nla_put_string(skb, IOASID_NL_A_REASON, reason)) ||
	    (group->reason[0] &&
	     nla_put_string(skb, IOASID_NL_A_LAST_REASON, group->reason)) ||
	    nla_put_u32(skb, IOASID_NL_A_NR_BOUND, group->nr_bound))
		goto out;
	/* The owner has bound members, which hold its file: it is alive. */
	if (group->owner &&
	    nla_put_u32(skb, IOASID_NL_A_CTX_ID, group->owner->id))
		goto out;
	if (group->ioas &&
	    nla_put_u32(skb, IOASID_NL_A_IOAS_ID, ioasid_ioas_id(group->ioas)))
		goto out;
	nest = nla_nest_start(skb, IOASID_NL_A_MEMBERS);
	if (!nest)
		goto out;
	list_for_each_entry(idev, &group->devices, group_item) {
		if (nla_put_string(skb, IOASID_NL_A_DEVICE_NAME, idev->name))
			goto out;
	}
	nla_nest_end(skb, nest);
	rc = 0;
out:
	mutex_unlock(&group->lock);
	return rc;
}

static int ioasid_nl_group_get_doit(struct sk_buff *skb,
				    struct genl_info *info)
{
	struct ioasid_group *group;
	struct sk_buff *msg;
	void *hdr;
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
	msg = ioasid_nl_reply_new(info, &hdr);
	if (IS_ERR(msg))
		rc = PTR_ERR(msg);
	else
		rc = ioasid_nl_reply_send(info, msg, hdr,
					  ioasid_nl_fill_group(msg, group));
	ioasid_group_put(group);
	return rc;
}

static int ioasid_nl_group_get_dumpit(struct sk_buff *skb,
				      struct netlink_callback *cb)
{
	unsigned long id = cb->args[0];
	struct ioasid_group *group;
	int rc = 0;
	void *hdr;

	for (; (group = ioasid_group_get_next(&id)); id++) {
		hdr = ioasid_nl_put_hdr(skb, NETLINK_CB(cb->skb).portid,
					cb->nlh->nlmsg_seq, NLM_F_MULTI,
					IOASID_NL_CMD_GROUP_GET);
		rc = hdr ? ioasid_nl_fill_group(skb, group) : -EMSGSIZE;
		ioasid_group_put(group);
		if (rc) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = id;
	return rc && !skb->len ? rc : skb->len;
}

/* --- PASIDs ---------------------------------------------------------------- */

static int ioasid_nl_fill_pasid(struct sk_buff *skb,
				const struct ioasid_pasid_info *p)
{
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
	struct sk_buff *msg;
	unsigned long id;
	void *hdr;

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
	msg = ioasid_nl_reply_new(info, &hdr);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	return ioasid_nl_reply_send(info, msg, hdr,
				    ioasid_nl_fill_pasid(msg, &p));
}

static int ioasid_nl_pasid_get_dumpit(struct sk_buff *skb,
				      struct netlink_callback *cb)
{
	unsigned long id = cb->args[0];
	struct ioasid_pasid_info p;
	int rc = 0;
	void *hdr;

	for (; ioasid_pasid_get_next(&id, &p); id++) {
		hdr = ioasid_nl_put_hdr(skb, NETLINK_CB(cb->skb).portid,
					cb->nlh->nlmsg_seq, NLM_F_MULTI,
					IOASID_NL_CMD_PASID_GET);
		rc = hdr ? ioasid_nl_fill_pasid(skb, &p) : -EMSGSIZE;
		if (rc) {
			if (hdr)
				genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = id;
	return rc && !skb->len ? rc : skb->len;
}

/* --- the policy ------------------------------------------------------------ */

static int ioasid_nl_fill_policy(struct sk_buff *skb)
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
	struct sk_buff *msg;
	void *hdr;

	msg = ioasid_nl_reply_new(info, &hdr);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	return ioasid_nl_reply_send(info, msg, hdr,
				    ioasid_nl_fill_policy(msg));
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

/* Everything is privileged: objects show who holds which device. */
static const struct genl_ops ioasid_nl_ops[] = {
	{
		.cmd = IOASID_NL_CMD_CTX_GET,
		.doit = ioasid_nl_ctx_get_doit,
		.dumpit = ioasid_nl_ctx_get_dumpit,
		.policy = ioasid_nl_ctx_policy,
		.maxattr = ARRAY_SIZE(ioasid_nl_ctx_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IOASID_NL_CMD_IOAS_GET,
		.doit = ioasid_nl_ioas_get_doit,
		.dumpit = ioasid_nl_ioas_get_dumpit,
		.policy = ioasid_nl_ioas_policy,
		.maxattr = ARRAY_SIZE(ioasid_nl_ioas_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IOASID_NL_CMD_DEVICE_GET,
		.doit = ioasid_nl_device_get_doit,
		.dumpit = ioasid_nl_device_get_dumpit,
		.policy = ioasid_nl_device_policy,
		.maxattr = ARRAY_SIZE(ioasid_nl_device_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IOASID_NL_CMD_GROUP_GET,
		.doit = ioasid_nl_group_get_doit,
		.dumpit = ioasid_nl_group_get_dumpit,
		.policy = ioasid_nl_group_policy,
		.maxattr = ARRAY_SIZE(ioasid_nl_group_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IOASID_NL_CMD_PASID_GET,
		.doit = ioasid_nl_pasid_get_doit,
		.dumpit = ioasid_nl_pasid_get_dumpit,
		.policy = ioasid_nl_pasid_policy,
		.maxattr = ARRAY_SIZE(ioasid_nl_pasid_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
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

static struct genl_family ioasid_nl_family __ro_after_init = {
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

/* --- events: probes on the module's own tracepoints ----------------------- */

/* An event message, or NULL if nobody listens or memory is short. */
static struct sk_buff *ioasid_nl_event_new(enum ioasid_nl_event event,
					   void **hdr)
{
	struct sk_buff *skb;

	if (!genl_has_listeners(&ioasid_nl_family, &init_net,
				IOASID_NL_MCGRP_MONITOR_IDX))
		return NULL;
	skb = genlmsg_new(512, GFP_ATOMIC);
	if (!skb)
		return NULL;
	*hdr = ioasid_nl_put_hdr(skb, 0, 0, 0, IOASID_NL_CMD_EVENT);
	if (!*hdr || nla_put_u32(skb, IOASID_NL_A_EVENT, event)) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

/* Send the event, or drop it if filling it failed (@failed). */
static void ioasid_nl_event_send(struct sk_buff *skb, void *hdr, bool failed)
{
	if (failed) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&ioasid_nl_family, skb, 0,
			  IOASID_NL_MCGRP_MONITOR_IDX, GFP_ATOMIC);
}

static void ioasid_nl_ev_ctx_create(void *data, u32 ctx_id, pid_t tgid,
				    uid_t uid)
{
	struct sk_buff *skb;
	void *hdr;

	skb = ioasid_nl_event_new(IOASID_NL_EVENT_CTX_CREATE, &hdr);
	if (skb)
		ioasid_nl_event_send(skb, hdr,
				     nla_put_u32(skb, IOASID_NL_A_CTX_ID, ctx_id) ||
				     nla_put_u32(skb, IOASID_NL_A_OWNER_TGID, tgid) ||
				     nla_put_u32(skb, IOASID_NL_A_OWNER_UID, uid));
}

static void ioasid_nl_ev_ctx_destroy(void *data, u32 ctx_id)
{
	struct sk_buff *skb;
	void *hdr;

	skb = ioasid_nl_event_new(IOASID_NL_EVENT_CTX_DESTROY, &hdr);
	if (skb)
		ioasid_nl_event_send(skb, hdr,
				     nla_put_u32(skb, IOASID_NL_A_CTX_ID, ctx_id));
}

static void ioasid_nl_ev_ioas_alloc(void *data, u32 ctx_id, u32 ioas_id,
				    u32 parent_id)
{
	struct sk_buff *skb;
	void *hdr;

	skb = ioasid_nl_event_new(IOASID_NL_EVENT_IOAS_ALLOC, &hdr);
	if (skb)
		ioasid_nl_event_send(skb, hdr,
				     nla_put_u32(skb, IOASID_NL_A_CTX_ID, ctx_id) ||
				     nla_put_u32(skb, IOASID_NL_A_IOAS_ID, ioas_id) ||
				     nla_put_u32(skb, IOASID_NL_A_PARENT_ID,
						 parent_id));
}

static void ioasid_nl_ev_ioas_destroy(void *data, u32 ctx_id, u32 ioas_id)
{
	struct sk_buff *skb;
	void *hdr;

	skb = ioasid_nl_event_new(IOASID_NL_EVENT_IOAS_DESTROY, &hdr);
	if (skb)
		ioasid_nl_event_send(skb, hdr,
				     nla_put_u32(skb, IOASID_NL_A_CTX_ID, ctx_id) ||
				     nla_put_u32(skb, IOASID_NL_A_IOAS_ID, ioas_id));
}

static void ioasid_nl_ev_ioas_map(void *data, u32 ctx_id, u32 ioas_id,
				  u64 iova, u64 length, u64 source, u32 prot)
{
	struct sk_buff *skb;
	void *hdr;

	skb = ioasid_nl_event_new(IOASID_NL_EVENT_IOAS_MAP, &hdr);
	if (skb)
		ioasid_nl_event_send(skb, hdr,
				     nla_put_u32(skb, IOASID_NL_A_CTX_ID, ctx_id) ||
				     nla_put_u32(skb, IOASID_NL_A_IOAS_ID, ioas_id) ||
				     nla_put_u64_64bit(skb, IOASID_NL_A_IOVA, iova,
						       IOASID_NL_A_PAD) ||
				     nla_put_u64_64bit(skb, IOASID_NL_A_LENGTH,
						       length, IOASID_NL_A_PAD) ||
				     nla_put_u64_64bit(skb, IOASID_NL_A_SOURCE,
						       source, IOASID_NL_A_PAD) ||
				     nla_put_u32(skb, IOASID_NL_A_PROT, prot));
}

static void ioasid_nl_ev_ioas_unmap(void *data, u32 ctx_id, u32 ioas_id,
				    u64 iova, u64 last, u64 length)
{
	struct sk_buff *skb;
	void *hdr;

	skb = ioasid_nl_event_new(IOASID_NL_EVENT_IOAS_UNMAP, &hdr);
	if (skb)
		ioasid_nl_event_send(skb, hdr,
				     nla_put_u32(skb, IOASID_NL_A_CTX_ID, ctx_id) ||
				     nla_put_u32(skb, IOASID_NL_A_IOAS_ID, ioas_id) ||
				     nla_put_u64_64bit(skb, IOASID_NL_A_IOVA, iova,
						       IOASID_NL_A_PAD) ||
				     nla_put_u64_64bit(skb, IOASID_NL_A_LAST, last,
						       IOASID_NL_A_PAD) ||
				     nla_put_u64_64bit(skb, IOASID_NL_A_LENGTH,
						       length, IOASID_NL_A_PAD));
}

static void ioasid_nl_ev_pasid(enum ioasid_nl_event event, u32 ctx_id,
			       u32 pasid)
{
	struct sk_buff *skb;
	void *hdr;

	skb = ioasid_nl_event_new(event, &hdr);
	if (skb)
		ioasid_nl_event_send(skb, hdr,
				     nla_put_u32(skb, IOASID_NL_A_CTX_ID, ctx_id) ||
				     nla_put_u32(skb, IOASID_NL_A_PASID, pasid));
}

static void ioasid_nl_ev_pasid_alloc(void *data, u32 ctx_id, u32 pasid)
{
	ioasid_nl_ev_pasid(IOASID_NL_EVENT_PASID_ALLOC, ctx_id, pasid);
}

static void ioasid_nl_ev_pasid_free(void *data, u32 ctx_id, u32 pasid)
{
	ioasid_nl_ev_pasid(IOASID_NL_EVENT_PASID_FREE, ctx_id, pasid);
}

static void ioasid_nl_ev_device_add(void *data, u32 id, const char *name,
				    u32 group_id)
{
	struct sk_buff *skb;
	void *hdr;

	skb = ioasid_nl_event_new(IOASID_NL_EVENT_DEVICE_ADD, &hdr);
	if (skb)
		ioasid_nl_event_send(skb, hdr,
				     nla_put_u32(skb, IOASID_NL_A_DEVICE_ID, id) ||
				     nla_put_string(skb, IOASID_NL_A_DEVICE_NAME,
						    name) ||
				     nla_put_u32(skb, IOASID_NL_A_GROUP_ID,
						 group_id));
}

static void ioasid_nl_ev_device_remove(void *data, u32 id, const char *name)
{
	struct sk_buff *skb;
	void *hdr;

	skb = ioasid_nl_event_new(IOASID_NL_EVENT_DEVICE_REMOVE, &hdr);
	if (skb)
		ioasid_nl_event_send(skb, hdr,
				     nla_put_u32(skb, IOASID_NL_A_DEVICE_ID, id) ||
				     nla_put_string(skb, IOASID_NL_A_DEVICE_NAME,
						    name));
}

static void ioasid_nl_ev_bind(enum ioasid_nl_event event, u32 ctx_id,
			      u32 dev_id, const char *name)
{
	struct sk_buff *skb;
	void *hdr;

	skb = ioasid_nl_event_new(event, &hdr);
	if (skb)
		ioasid_nl_event_send(skb, hdr,
				     nla_put_u32(skb, IOASID_NL_A_CTX_ID, ctx_id) ||
				     nla_put_u32(skb, IOASID_NL_A_DEV_ID, dev_id) ||
				     nla_put_string(skb, IOASID_NL_A_DEVICE_NAME,
						    name));
}

static void ioasid_nl_ev_device_bind(void *data, u32 ctx_id, u32 dev_id,
				     const char *name)
{
	ioasid_nl_ev_bind(IOASID_NL_EVENT_DEVICE_BIND, ctx_id, dev_id, name);
}

static void ioasid_nl_ev_device_unbind(void *data, u32 ctx_id, u32 dev_id,
				       const char *name)
{
	ioasid_nl_ev_bind(IOASID_NL_EVENT_DEVICE_UNBIND, ctx_id, dev_id, name);
}

static void ioasid_nl_ev_attach(enum ioasid_nl_event event, u32 ctx_id,
				u32 dev_id, u32 ioas_id, u32 pasid)
{
	struct sk_buff *skb;
	void *hdr;

	skb = ioasid_nl_event_new(event, &hdr);
	if (skb)
		ioasid_nl_event_send(skb, hdr,
				     nla_put_u32(skb, IOASID_NL_A_CTX_ID, ctx_id) ||
				     nla_put_u32(skb, IOASID_NL_A_DEV_ID, dev_id) ||
				     nla_put_u32(skb, IOASID_NL_A_IOAS_ID, ioas_id) ||
				     nla_put_u32(skb, IOASID_NL_A_PASID, pasid));
}

static void ioasid_nl_ev_device_attach(void *data, u32 ctx_id, u32 dev_id,
				       u32 ioas_id, u32 pasid)
{
	ioasid_nl_ev_attach(IOASID_NL_EVENT_DEVICE_ATTACH, ctx_id, dev_id,
			    ioas_id, pasid);
}

static void ioasid_nl_ev_device_detach(void *data, u32 ctx_id, u32 dev_id,
				       u32 ioas_id, u32 pasid)
{
	ioasid_nl_ev_attach(IOASID_NL_EVENT_DEVICE_DETACH, ctx_id, dev_id,
			    ioas_id, pasid);
}

static void ioasid_nl_ev_group_add(void *data, u32 group_id, bool mock)
{
	struct sk_buff *skb;
	void *hdr;

	skb = ioasid_nl_event_new(IOASID_NL_EVENT_GROUP_ADD, &hdr);
	if (skb)
		ioasid_nl_event_send(skb, hdr,
				     nla_put_u32(skb, IOASID_NL_A_GROUP_ID,
						 group_id) ||
				     nla_put_u32(skb, IOASID_NL_A_GROUP_KIND,
						 mock ? IOASID_NL_GROUP_MOCK :
						 IOASID_NL_GROUP_IOMMU));
}

static void ioasid_nl_ev_group_remove(void *data, u32 group_id)
{
	struct sk_buff *skb;
	void *hdr;

	skb = ioasid_nl_event_new(IOASID_NL_EVENT_GROUP_REMOVE, &hdr);
	if (skb)
		ioasid_nl_event_send(skb, hdr,
				     nla_put_u32(skb, IOASID_NL_A_GROUP_ID,
						 group_id));
}

static void ioasid_nl_ev_group_verdict(void *data, u32 group_id, bool kernel,
				       bool final, const char *reason)
{
	struct sk_buff *skb;
	void *hdr;

	skb = ioasid_nl_event_new(IOASID_NL_EVENT_GROUP_VERDICT, &hdr);
	if (skb)
		ioasid_nl_event_send(skb, hdr,
				     nla_put_u32(skb, IOASID_NL_A_GROUP_ID,
						 group_id) ||
				     nla_put_u8(skb, IOASID_NL_A_KERNEL_VIABLE,
						kernel) ||
				     nla_put_u8(skb, IOASID_NL_A_VIABLE, final) ||
				     nla_put_string(skb, IOASID_NL_A_REASON,
						    reason));
}

static void ioasid_nl_ev_policy_decision(void *data, const char *policy,
					 const char *hook, s64 ret, int err,
					 u32 ctx_id, u32 dev_id, u32 ioas_id,
					 u32 pasid)
{
	struct sk_buff *skb;
	void *hdr;

	skb = ioasid_nl_event_new(IOASID_NL_EVENT_POLICY_DECISION, &hdr);
	if (skb)
		ioasid_nl_event_send(skb, hdr,
				     nla_put_string(skb, IOASID_NL_A_POLICY_NAME,
						    policy) ||
				     nla_put_string(skb, IOASID_NL_A_HOOK_NAME,
						    hook) ||
				     nla_put_s64(skb, IOASID_NL_A_HOOK_RET, ret,
						 IOASID_NL_A_PAD) ||
				     nla_put_s32(skb, IOASID_NL_A_HOOK_ERR, err) ||
				     nla_put_u32(skb, IOASID_NL_A_CTX_ID, ctx_id) ||
				     nla_put_u32(skb, IOASID_NL_A_DEV_ID, dev_id) ||
				     nla_put_u32(skb, IOASID_NL_A_IOAS_ID, ioas_id) ||
				     nla_put_u32(skb, IOASID_NL_A_PASID, pasid));
}

static void ioasid_nl_ev_policy_change(void *data, const char *action,
				       const char *name, const char *old)
{
	struct sk_buff *skb;
	void *hdr;

	skb = ioasid_nl_event_new(IOASID_NL_EVENT_POLICY_CHANGE, &hdr);
	if (skb)
		ioasid_nl_event_send(skb, hdr,
				     nla_put_string(skb, IOASID_NL_A_POLICY_ACTION,
						    action) ||
				     nla_put_string(skb, IOASID_NL_A_POLICY_NAME,
						    name) ||
				     nla_put_string(skb,
						    IOASID_NL_A_POLICY_OLD_NAME,
						    old));
}

/*
 * (Un)registration of the probes, one pair of functions per tracepoint so
 * that a table can drive both and the error path unwinds exactly those
 * registered.
 */
#define IOASID_NL_PROBE(ev)						\
static int ioasid_nl_reg_##ev(void)					\
{									\
	return register_trace_ioasid_##ev(ioasid_nl_ev_##ev, NULL);	\
}									\
static void ioasid_nl_unreg_##ev(void)					\
{									\
	unregister_trace_ioasid_##ev(ioasid_nl_ev_##ev, NULL);		\
}

IOASID_NL_PROBE(ctx_create)
IOASID_NL_PROBE(ctx_destroy)
IOASID_NL_PROBE(ioas_alloc)
IOASID_NL_PROBE(ioas_destroy)
IOASID_NL_PROBE(ioas_map)
IOASID_NL_PROBE(ioas_unmap)
IOASID_NL_PROBE(pasid_alloc)
IOASID_NL_PROBE(pasid_free)
IOASID_NL_PROBE(device_add)
IOASID_NL_PROBE(device_remove)
IOASID_NL_PROBE(device_bind)
IOASID_NL_PROBE(device_unbind)
IOASID_NL_PROBE(device_attach)
IOASID_NL_PROBE(device_detach)
IOASID_NL_PROBE(group_add)
IOASID_NL_PROBE(group_remove)
IOASID_NL_PROBE(group_verdict)
IOASID_NL_PROBE(policy_decision)
IOASID_NL_PROBE(policy_change)

#define IOASID_NL_PROBE_ENTRY(ev) { ioasid_nl_reg_##ev, ioasid_nl_unreg_##ev }

static const struct {
	int (*reg)(void);
	void (*unreg)(void);
} ioasid_nl_probes[] = {
	IOASID_NL_PROBE_ENTRY(ctx_create),
	IOASID_NL_PROBE_ENTRY(ctx_destroy),
	IOASID_NL_PROBE_ENTRY(ioas_alloc),
	IOASID_NL_PROBE_ENTRY(ioas_destroy),
	IOASID_NL_PROBE_ENTRY(ioas_map),
	IOASID_NL_PROBE_ENTRY(ioas_unmap),
	IOASID_NL_PROBE_ENTRY(pasid_alloc),
	IOASID_NL_PROBE_ENTRY(pasid_free),
	IOASID_NL_PROBE_ENTRY(device_add),
	IOASID_NL_PROBE_ENTRY(device_remove),
	IOASID_NL_PROBE_ENTRY(device_bind),
	IOASID_NL_PROBE_ENTRY(device_unbind),
	IOASID_NL_PROBE_ENTRY(device_attach),
	IOASID_NL_PROBE_ENTRY(device_detach),
	IOASID_NL_PROBE_ENTRY(group_add),
	IOASID_NL_PROBE_ENTRY(group_remove),
	IOASID_NL_PROBE_ENTRY(group_verdict),
	IOASID_NL_PROBE_ENTRY(policy_decision),
	IOASID_NL_PROBE_ENTRY(policy_change),
};

static void ioasid_nl_unregister_probes(size_t n)
{
	while (n--)
		ioasid_nl_probes[n].unreg();
	/* No probe runs any more once this returns. */
	tracepoint_synchronize_unregister();
}

/**
 * ioasid_netlink_init() - register the family and the event probes
 *
 * Return: 0 or -errno, with nothing left registered.
 */
int ioasid_netlink_init(void)
{
	size_t i;
	int rc;

	rc = genl_register_family(&ioasid_nl_family);
	if (rc)
		return rc;
	for (i = 0; i < ARRAY_SIZE(ioasid_nl_probes); i++) {
		rc = ioasid_nl_probes[i].reg();
		if (rc)
			goto err_probes;
	}
	return 0;

err_probes:
	ioasid_nl_unregister_probes(i);
	genl_unregister_family(&ioasid_nl_family);
	return rc;
}

/**
 * ioasid_netlink_exit() - undo ioasid_netlink_init()
 */
void ioasid_netlink_exit(void)
{
	ioasid_nl_unregister_probes(ARRAY_SIZE(ioasid_nl_probes));
	genl_unregister_family(&ioasid_nl_family);
}
