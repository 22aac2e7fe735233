// SPDX-License-Identifier: GPL-2.0
/*
 * The "monitor" multicast group of the generic netlink family "ioasid":
 * one message per object change and per policy decision.
 *
 * The module already has a tracepoint on every object change and every
 * policy decision (trace.h).  Rather than a second call at each of those
 * sites, which could drift from the tracepoints, this file registers a
 * probe on each of them and turns the tracepoint's fields into one
 * message.  Monitors therefore see exactly what bpftrace sees, and nothing
 * outside this file knows netlink exists.  The uAPI's enum ioasid_nl_event
 * is the one list of events: the probe table below is indexed by it, so a
 * probe must name an event and its tracepoint to build, and the module
 * refuses to load with an event left out.
 *
 * Probes run where the tracepoint fires, possibly under spinlocks or
 * rcu_read_lock(): they never sleep (GFP_ATOMIC) and do nothing when
 * nobody listens.  An event that cannot be allocated is dropped; a monitor
 * that reads too slowly gets ENOBUFS from its socket and knows it lost
 * some.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <uapi/linux/ioasid_netlink.h>

#include "netlink.h"
#include "trace.h"

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
	*hdr = genlmsg_put(skb, 0, 0, &ioasid_nl_family, 0, IOASID_NL_CMD_EVENT);
	if (!*hdr || nla_put_u32(skb, IOASID_NL_A_EVENT, event)) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

/*
 * Send the event, or drop it if filling it failed (@failed).
 */
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

/*
 * Event @ev (an enum ioasid_nl_event) with the attributes @puts adds to
 * skb: an expression that is true if one did not fit.
 */
#define IOASID_NL_EVENT_SEND(ev, puts) do {				\
	struct sk_buff *skb;						\
	void *hdr;							\
									\
	skb = ioasid_nl_event_new(ev, &hdr);				\
	if (skb)							\
		ioasid_nl_event_send(skb, hdr, puts);			\
} while (0)

static void ioasid_nl_ev_ctx_create(void *data, u32 ctx_id, pid_t tgid,
				    uid_t uid)
{
	IOASID_NL_EVENT_SEND(IOASID_NL_EVENT_CTX_CREATE,
		nla_put_u32(skb, IOASID_NL_A_CTX_ID, ctx_id) ||
		nla_put_u32(skb, IOASID_NL_A_OWNER_TGID, tgid) ||
		nla_put_u32(skb, IOASID_NL_A_OWNER_UID, uid));
}

static void ioasid_nl_ev_ctx_destroy(void *data, u32 ctx_id)
{
	IOASID_NL_EVENT_SEND(IOASID_NL_EVENT_CTX_DESTROY,
		nla_put_u32(skb, IOASID_NL_A_CTX_ID, ctx_id));
}

static void ioasid_nl_ev_ioas_alloc(void *data, u32 ctx_id, u32 ioas_id,
				    u32 parent_id)
{
	IOASID_NL_EVENT_SEND(IOASID_NL_EVENT_IOAS_ALLOC,
		nla_put_u32(skb, IOASID_NL_A_CTX_ID, ctx_id) ||
		nla_put_u32(skb, IOASID_NL_A_IOAS_ID, ioas_id) ||
		nla_put_u32(skb, IOASID_NL_A_PARENT_ID,
			    parent_id));
}

static void ioasid_nl_ev_ioas_destroy(void *data, u32 ctx_id, u32 ioas_id)
{
	IOASID_NL_EVENT_SEND(IOASID_NL_EVENT_IOAS_DESTROY,
		nla_put_u32(skb, IOASID_NL_A_CTX_ID, ctx_id) ||
		nla_put_u32(skb, IOASID_NL_A_IOAS_ID, ioas_id));
}

static void ioasid_nl_ev_ioas_map(void *data, u32 ctx_id, u32 ioas_id,
				  u64 iova, u64 length, u64 source, u32 prot)
{
	IOASID_NL_EVENT_SEND(IOASID_NL_EVENT_IOAS_MAP,
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

static void ioasid_nl_ev_ioas_copy(void *data, u32 ctx_id, u32 ioas_id,
				   u64 iova, u64 length, u32 src_ioas_id,
				   u64 src_iova, u32 prot)
{
	IOASID_NL_EVENT_SEND(IOASID_NL_EVENT_IOAS_COPY,
		nla_put_u32(skb, IOASID_NL_A_CTX_ID, ctx_id) ||
		nla_put_u32(skb, IOASID_NL_A_IOAS_ID, ioas_id) ||
		nla_put_u64_64bit(skb, IOASID_NL_A_IOVA, iova,
				  IOASID_NL_A_PAD) ||
		nla_put_u64_64bit(skb, IOASID_NL_A_LENGTH,
				  length, IOASID_NL_A_PAD) ||
		nla_put_u32(skb, IOASID_NL_A_SRC_IOAS_ID, src_ioas_id) ||
		nla_put_u64_64bit(skb, IOASID_NL_A_SRC_IOVA,
				  src_iova, IOASID_NL_A_PAD) ||
		nla_put_u32(skb, IOASID_NL_A_PROT, prot));
}

static void ioasid_nl_ev_ioas_unmap(void *data, u32 ctx_id, u32 ioas_id,
				    u64 iova, u64 last, u64 length)
{
	IOASID_NL_EVENT_SEND(IOASID_NL_EVENT_IOAS_UNMAP,
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
	IOASID_NL_EVENT_SEND(event,
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
	IOASID_NL_EVENT_SEND(IOASID_NL_EVENT_DEVICE_ADD,
		nla_put_u32(skb, IOASID_NL_A_DEVICE_ID, id) ||
		nla_put_string(skb, IOASID_NL_A_DEVICE_NAME,
			       name) ||
		nla_put_u32(skb, IOASID_NL_A_GROUP_ID,
			    group_id));
}

static void ioasid_nl_ev_device_remove(void *data, u32 id, const char *name)
{
	IOASID_NL_EVENT_SEND(IOASID_NL_EVENT_DEVICE_REMOVE,
		nla_put_u32(skb, IOASID_NL_A_DEVICE_ID, id) ||
		nla_put_string(skb, IOASID_NL_A_DEVICE_NAME,
			       name));
}

static void ioasid_nl_ev_bind(enum ioasid_nl_event event, u32 ctx_id,
			      u32 dev_id, const char *name)
{
	IOASID_NL_EVENT_SEND(event,
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
	IOASID_NL_EVENT_SEND(event,
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
	IOASID_NL_EVENT_SEND(IOASID_NL_EVENT_GROUP_ADD,
		nla_put_u32(skb, IOASID_NL_A_GROUP_ID,
			    group_id) ||
		nla_put_u32(skb, IOASID_NL_A_GROUP_KIND,
			    mock ? IOASID_NL_GROUP_MOCK :
		IOASID_NL_GROUP_IOMMU));
}

static void ioasid_nl_ev_group_remove(void *data, u32 group_id)
{
	IOASID_NL_EVENT_SEND(IOASID_NL_EVENT_GROUP_REMOVE,
		nla_put_u32(skb, IOASID_NL_A_GROUP_ID,
			    group_id));
}

static void ioasid_nl_ev_group_verdict(void *data, u32 group_id, bool kernel,
				       bool final, const char *reason)
{
	IOASID_NL_EVENT_SEND(IOASID_NL_EVENT_GROUP_VERDICT,
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
	IOASID_NL_EVENT_SEND(IOASID_NL_EVENT_POLICY_DECISION,
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
	IOASID_NL_EVENT_SEND(IOASID_NL_EVENT_POLICY_CHANGE,
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
IOASID_NL_PROBE(ioas_copy)
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

/* The probes of event IOASID_NL_EVENT_@EV, on tracepoint ioasid_@ev. */
#define IOASID_NL_PROBE_ENTRY(ev, EV)					\
	[IOASID_NL_EVENT_##EV] = { ioasid_nl_reg_##ev, ioasid_nl_unreg_##ev }

static const struct {
	int (*reg)(void);
	void (*unreg)(void);
} ioasid_nl_probes[__IOASID_NL_EVENT_MAX] = {
	IOASID_NL_PROBE_ENTRY(ctx_create, CTX_CREATE),
	IOASID_NL_PROBE_ENTRY(ctx_destroy, CTX_DESTROY),
	IOASID_NL_PROBE_ENTRY(ioas_alloc, IOAS_ALLOC),
	IOASID_NL_PROBE_ENTRY(ioas_destroy, IOAS_DESTROY),
	IOASID_NL_PROBE_ENTRY(ioas_map, IOAS_MAP),
	IOASID_NL_PROBE_ENTRY(ioas_copy, IOAS_COPY),
	IOASID_NL_PROBE_ENTRY(ioas_unmap, IOAS_UNMAP),
	IOASID_NL_PROBE_ENTRY(pasid_alloc, PASID_ALLOC),
	IOASID_NL_PROBE_ENTRY(pasid_free, PASID_FREE),
	IOASID_NL_PROBE_ENTRY(device_add, DEVICE_ADD),
	IOASID_NL_PROBE_ENTRY(device_remove, DEVICE_REMOVE),
	IOASID_NL_PROBE_ENTRY(device_bind, DEVICE_BIND),
	IOASID_NL_PROBE_ENTRY(device_unbind, DEVICE_UNBIND),
	IOASID_NL_PROBE_ENTRY(device_attach, DEVICE_ATTACH),
	IOASID_NL_PROBE_ENTRY(device_detach, DEVICE_DETACH),
	IOASID_NL_PROBE_ENTRY(group_add, GROUP_ADD),
	IOASID_NL_PROBE_ENTRY(group_remove, GROUP_REMOVE),
	IOASID_NL_PROBE_ENTRY(group_verdict, GROUP_VERDICT),
	IOASID_NL_PROBE_ENTRY(policy_decision, POLICY_DECISION),
	IOASID_NL_PROBE_ENTRY(policy_change, POLICY_CHANGE),
};

/* Events 1 .. @n - 1 were registered. */
static void ioasid_nl_unregister_probes(size_t n)
{
	while (--n)
		ioasid_nl_probes[n].unreg();
	/* No probe runs any more once this returns. */
	tracepoint_synchronize_unregister();
}

/**
 * ioasid_nl_events_init() - probe every event's tracepoint
 *
 * Return: 0 or -errno, with no probe left registered.
 */
int ioasid_nl_events_init(void)
{
	size_t i;
	int rc;

	for (i = IOASID_NL_EVENT_UNSPEC + 1; i < __IOASID_NL_EVENT_MAX; i++) {
		if (!ioasid_nl_probes[i].reg) {
			pr_err("ioasid: netlink event %zu has no probe\n", i);
			rc = -EINVAL;
		} else {
			rc = ioasid_nl_probes[i].reg();
		}
		if (rc) {
			ioasid_nl_unregister_probes(i);
			return rc;
		}
	}
	return 0;
}

/**
 * ioasid_nl_events_exit() - undo ioasid_nl_events_init()
 */
void ioasid_nl_events_exit(void)
{
	ioasid_nl_unregister_probes(__IOASID_NL_EVENT_MAX);
}
