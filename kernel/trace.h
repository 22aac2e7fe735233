/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of ioasid.ko: tracepoint:ioasid:* for bpftrace and perf.
 * Every object change and every policy decision has one.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM ioasid

#if !defined(_IOASID_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _IOASID_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(ioasid_ctx_create,
	TP_PROTO(u32 ctx_id, pid_t tgid, uid_t uid),
	TP_ARGS(ctx_id, tgid, uid),
	TP_STRUCT__entry(
		__field(u32, ctx_id)
		__field(pid_t, tgid)
		__field(uid_t, uid)
	),
	TP_fast_assign(
		__entry->ctx_id = ctx_id;
		__entry->tgid = tgid;
		__entry->uid = uid;
	),
	TP_printk("ctx=%u tgid=%d uid=%u",
		  __entry->ctx_id, __entry->tgid, __entry->uid)
);

TRACE_EVENT(ioasid_ctx_destroy,
	TP_PROTO(u32 ctx_id),
	TP_ARGS(ctx_id),
	TP_STRUCT__entry(
		__field(u32, ctx_id)
	),
	TP_fast_assign(
		__entry->ctx_id = ctx_id;
	),
	TP_printk("ctx=%u", __entry->ctx_id)
);

TRACE_EVENT(ioasid_ioas_alloc,
	TP_PROTO(u32 ctx_id, u32 ioas_id, u32 parent_id),
	TP_ARGS(ctx_id, ioas_id, parent_id),
	TP_STRUCT__entry(
		__field(u32, ctx_id)
		__field(u32, ioas_id)
		__field(u32, parent_id)
	),
	TP_fast_assign(
		__entry->ctx_id = ctx_id;
		__entry->ioas_id = ioas_id;
		__entry->parent_id = parent_id;
	),
	TP_printk("ctx=%u ioas=%u parent=%u",
		  __entry->ctx_id, __entry->ioas_id, __entry->parent_id)
);

TRACE_EVENT(ioasid_ioas_destroy,
	TP_PROTO(u32 ctx_id, u32 ioas_id),
	TP_ARGS(ctx_id, ioas_id),
	TP_STRUCT__entry(
		__field(u32, ctx_id)
		__field(u32, ioas_id)
	),
	TP_fast_assign(
		__entry->ctx_id = ctx_id;
		__entry->ioas_id = ioas_id;
	),
	TP_printk("ctx=%u ioas=%u", __entry->ctx_id, __entry->ioas_id)
);

/* @source: user VA (paging IOAS) or parent IOVA (nested IOAS). */
TRACE_EVENT(ioasid_ioas_map,
	TP_PROTO(u32 ctx_id, u32 ioas_id, u64 iova, u64 length, u64 source,
		 u32 prot),
	TP_ARGS(ctx_id, ioas_id, iova, length, source, prot),
	TP_STRUCT__entry(
		__field(u32, ctx_id)
		__field(u32, ioas_id)
		__field(u64, iova)
		__field(u64, length)
		__field(u64, source)
		__field(u32, prot)
	),
	TP_fast_assign(
		__entry->ctx_id = ctx_id;
		__entry->ioas_id = ioas_id;
		__entry->iova = iova;
		__entry->length = length;
		__entry->source = source;
		__entry->prot = prot;
	),
	TP_printk("ctx=%u ioas=%u iova=%#llx length=%#llx source=%#llx prot=%#x",
		  __entry->ctx_id, __entry->ioas_id, __entry->iova,
		  __entry->length, __entry->source, __entry->prot)
);

/* IOASID_IOAS_COPY: [@src_iova, +@length) of @src_ioas_id at @iova. */
TRACE_EVENT(ioasid_ioas_copy,
	TP_PROTO(u32 ctx_id, u32 ioas_id, u64 iova, u64 length,
		 u32 src_ioas_id, u64 src_iova, u32 prot),
	TP_ARGS(ctx_id, ioas_id, iova, length, src_ioas_id, src_iova, prot),
	TP_STRUCT__entry(
		__field(u32, ctx_id)
		__field(u32, ioas_id)
		__field(u64, iova)
		__field(u64, length)
		__field(u32, src_ioas_id)
		__field(u64, src_iova)
		__field(u32, prot)
	),
	TP_fast_assign(
		__entry->ctx_id = ctx_id;
		__entry->ioas_id = ioas_id;
		__entry->iova = iova;
		__entry->length = length;
		__entry->src_ioas_id = src_ioas_id;
		__entry->src_iova = src_iova;
		__entry->prot = prot;
	),
	TP_printk("ctx=%u ioas=%u iova=%#llx length=%#llx src_ioas=%u src_iova=%#llx prot=%#x",
		  __entry->ctx_id, __entry->ioas_id, __entry->iova,
		  __entry->length, __entry->src_ioas_id, __entry->src_iova,
		  __entry->prot)
);

/* @length: bytes that were mapped in [@iova, @last] and are not any more. */
TRACE_EVENT(ioasid_ioas_unmap,
	TP_PROTO(u32 ctx_id, u32 ioas_id, u64 iova, u64 last, u64 length),
	TP_ARGS(ctx_id, ioas_id, iova, last, length),
	TP_STRUCT__entry(
		__field(u32, ctx_id)
		__field(u32, ioas_id)
		__field(u64, iova)
		__field(u64, last)
		__field(u64, length)
	),
	TP_fast_assign(
		__entry->ctx_id = ctx_id;
		__entry->ioas_id = ioas_id;
		__entry->iova = iova;
		__entry->last = last;
		__entry->length = length;
	),
	TP_printk("ctx=%u ioas=%u iova=%#llx last=%#llx length=%#llx",
		  __entry->ctx_id, __entry->ioas_id, __entry->iova,
		  __entry->last, __entry->length)
);

DECLARE_EVENT_CLASS(ioasid_pasid_class,
	TP_PROTO(u32 ctx_id, u32 pasid),
	TP_ARGS(ctx_id, pasid),
	TP_STRUCT__entry(
		__field(u32, ctx_id)
		__field(u32, pasid)
	),
	TP_fast_assign(
		__entry->ctx_id = ctx_id;
		__entry->pasid = pasid;
	),
	TP_printk("ctx=%u pasid=%u", __entry->ctx_id, __entry->pasid)
);

DEFINE_EVENT(ioasid_pasid_class, ioasid_pasid_alloc,
	TP_PROTO(u32 ctx_id, u32 pasid),
	TP_ARGS(ctx_id, pasid));

DEFINE_EVENT(ioasid_pasid_class, ioasid_pasid_free,
	TP_PROTO(u32 ctx_id, u32 pasid),
	TP_ARGS(ctx_id, pasid));

TRACE_EVENT(ioasid_device_add,
	TP_PROTO(u32 id, const char *name, u32 group_id),
	TP_ARGS(id, name, group_id),
	TP_STRUCT__entry(
		__field(u32, id)
		__string(name, name)
		__field(u32, group_id)
	),
	TP_fast_assign(
		__entry->id = id;
		__assign_str(name);
		__entry->group_id = group_id;
	),
	TP_printk("device=%u name=%s group=%u",
		  __entry->id, __get_str(name), __entry->group_id)
);

TRACE_EVENT(ioasid_device_remove,
	TP_PROTO(u32 id, const char *name),
	TP_ARGS(id, name),
	TP_STRUCT__entry(
		__field(u32, id)
		__string(name, name)
	),
	TP_fast_assign(
		__entry->id = id;
		__assign_str(name);
	),
	TP_printk("device=%u name=%s", __entry->id, __get_str(name))
);

DECLARE_EVENT_CLASS(ioasid_bind_class,
	TP_PROTO(u32 ctx_id, u32 dev_id, const char *name),
	TP_ARGS(ctx_id, dev_id, name),
	TP_STRUCT__entry(
		__field(u32, ctx_id)
		__field(u32, dev_id)
		__string(name, name)
	),
	TP_fast_assign(
		__entry->ctx_id = ctx_id;
		__entry->dev_id = dev_id;
		__assign_str(name);
	),
	TP_printk("ctx=%u dev=%u name=%s",
		  __entry->ctx_id, __entry->dev_id, __get_str(name))
);

DEFINE_EVENT(ioasid_bind_class, ioasid_device_bind,
	TP_PROTO(u32 ctx_id, u32 dev_id, const char *name),
	TP_ARGS(ctx_id, dev_id, name));

DEFINE_EVENT(ioasid_bind_class, ioasid_device_unbind,
	TP_PROTO(u32 ctx_id, u32 dev_id, const char *name),
	TP_ARGS(ctx_id, dev_id, name));

/* @pasid is 0 for the attachment without PASID. */
DECLARE_EVENT_CLASS(ioasid_attach_class,
	TP_PROTO(u32 ctx_id, u32 dev_id, u32 ioas_id, u32 pasid),
	TP_ARGS(ctx_id, dev_id, ioas_id, pasid),
	TP_STRUCT__entry(
		__field(u32, ctx_id)
		__field(u32, dev_id)
		__field(u32, ioas_id)
		__field(u32, pasid)
	),
	TP_fast_assign(
		__entry->ctx_id = ctx_id;
		__entry->dev_id = dev_id;
		__entry->ioas_id = ioas_id;
		__entry->pasid = pasid;
	),
	TP_printk("ctx=%u dev=%u ioas=%u pasid=%u", __entry->ctx_id,
		  __entry->dev_id, __entry->ioas_id, __entry->pasid)
);

DEFINE_EVENT(ioasid_attach_class, ioasid_device_attach,
	TP_PROTO(u32 ctx_id, u32 dev_id, u32 ioas_id, u32 pasid),
	TP_ARGS(ctx_id, dev_id, ioas_id, pasid));

DEFINE_EVENT(ioasid_attach_class, ioasid_device_detach,
	TP_PROTO(u32 ctx_id, u32 dev_id, u32 ioas_id, u32 pasid),
	TP_ARGS(ctx_id, dev_id, ioas_id, pasid));

TRACE_EVENT(ioasid_group_add,
	TP_PROTO(u32 group_id, bool mock),
	TP_ARGS(group_id, mock),
	TP_STRUCT__entry(
		__field(u32, group_id)
		__field(bool, mock)
	),
	TP_fast_assign(
		__entry->group_id = group_id;
		__entry->mock = mock;
	),
	TP_printk("group=%u mock=%d", __entry->group_id, __entry->mock)
);

TRACE_EVENT(ioasid_group_remove,
	TP_PROTO(u32 group_id),
	TP_ARGS(group_id),
	TP_STRUCT__entry(
		__field(u32, group_id)
	),
	TP_fast_assign(
		__entry->group_id = group_id;
	),
	TP_printk("group=%u", __entry->group_id)
);

/* The kernel's and the final (after the policy) viability verdicts. */
TRACE_EVENT(ioasid_group_verdict,
	TP_PROTO(u32 group_id, bool kernel, bool final, const char *reason),
	TP_ARGS(group_id, kernel, final, reason),
	TP_STRUCT__entry(
		__field(u32, group_id)
		__field(bool, kernel)
		__field(bool, final)
		__string(reason, reason)
	),
	TP_fast_assign(
		__entry->group_id = group_id;
		__entry->kernel = kernel;
		__entry->final = final;
		__assign_str(reason);
	),
	TP_printk("group=%u kernel_viable=%d viable=%d reason=\"%s\"",
		  __entry->group_id, __entry->kernel, __entry->final,
		  __get_str(reason))
);

/*
 * One event per policy decision.  @ret is what the BPF program returned,
 * @err what the kernel made of it (0 = allowed).
 */
TRACE_EVENT(ioasid_policy_decision,
	TP_PROTO(const char *policy, const char *hook, s64 ret, int err,
		 u32 ctx_id, u32 dev_id, u32 ioas_id, u32 pasid),
	TP_ARGS(policy, hook, ret, err, ctx_id, dev_id, ioas_id, pasid),
	TP_STRUCT__entry(
		__string(policy, policy)
		__string(hook, hook)
		__field(s64, ret)
		__field(int, err)
		__field(u32, ctx_id)
		__field(u32, dev_id)
		__field(u32, ioas_id)
		__field(u32, pasid)
	),
	TP_fast_assign(
		__assign_str(policy);
		__assign_str(hook);
		__entry->ret = ret;
		__entry->err = err;
		__entry->ctx_id = ctx_id;
		__entry->dev_id = dev_id;
		__entry->ioas_id = ioas_id;
		__entry->pasid = pasid;
	),
	TP_printk("policy=%s hook=%s ret=%lld err=%d ctx=%u dev=%u ioas=%u pasid=%u",
		  __get_str(policy), __get_str(hook), __entry->ret,
		  __entry->err, __entry->ctx_id, __entry->dev_id,
		  __entry->ioas_id, __entry->pasid)
);

TRACE_EVENT(ioasid_policy_change,
	TP_PROTO(const char *action, const char *name, const char *old),
	TP_ARGS(action, name, old),
	TP_STRUCT__entry(
		__string(action, action)
		__string(name, name)
		__string(old, old)
	),
	TP_fast_assign(
		__assign_str(action);
		__assign_str(name);
		__assign_str(old);
	),
	TP_printk("%s policy=%s old=%s",
		  __get_str(action), __get_str(name), __get_str(old))
);

#endif /* _IOASID_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
