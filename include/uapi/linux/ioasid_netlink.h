/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ioasid introspection over generic netlink: the family "ioasid".
 *
 * Every object ioasid.ko manages can be listed (a dump request, NLM_F_DUMP)
 * or looked up (a plain request): contexts, IOAS with their mappings,
 * devices, IOMMU groups, PASIDs and the active policy.  The multicast group
 * "monitor" carries one IOASID_NL_CMD_EVENT message per object change and
 * per policy decision, the same events as the tracepoints ioasid:*.
 *
 * Privilege: every command, and joining "monitor", needs CAP_NET_ADMIN in
 * the initial user namespace (GENL_ADMIN_PERM); the objects show which
 * processes and users hold which devices.  The family exists in the initial
 * network namespace only.
 *
 * Stability: commands and attributes are numbered by the enums below and
 * are only ever appended to.  Readers must ignore attributes they do not
 * know; a request may carry only the attributes its command documents
 * (unknown attributes are rejected).  All integers are in host byte order;
 * u64 attributes are padded with IOASID_NL_A_PAD.
 */
#ifndef _UAPI_LINUX_IOASID_NETLINK_H
#define _UAPI_LINUX_IOASID_NETLINK_H

#define IOASID_GENL_NAME		"ioasid"
#define IOASID_GENL_VERSION		1
#define IOASID_GENL_MCGRP_MONITOR	"monitor"

/**
 * enum ioasid_nl_cmd - commands of the "ioasid" family
 * @IOASID_NL_CMD_UNSPEC: unused
 * @IOASID_NL_CMD_CTX_GET: contexts (open /dev/ioasid files).  Dump: every
 *	context.  Do: the context named by %IOASID_NL_A_CTX_ID.  Reply:
 *	%IOASID_NL_A_CTX_ID, %IOASID_NL_A_OWNER_TGID, %IOASID_NL_A_OWNER_UID,
 *	%IOASID_NL_A_OWNER_COMM, %IOASID_NL_A_OWNER_CGROUP_ID,
 *	%IOASID_NL_A_NR_OBJECTS, %IOASID_NL_A_NR_IOAS,
 *	%IOASID_NL_A_NR_DEVICES, %IOASID_NL_A_NR_PASIDS,
 *	%IOASID_NL_A_MAPPED_BYTES, %IOASID_NL_A_PINNED_PAGES,
 *	%IOASID_NL_A_CHARGED_PAGES, and its tenant's (the contexts opened from the same cgroup):
 *	%IOASID_NL_A_TENANT_NR_CTXS, %IOASID_NL_A_TENANT_MAPPED_BYTES,
 *	%IOASID_NL_A_TENANT_NR_PASIDS.
 * @IOASID_NL_CMD_IOAS_GET: IOAS objects.  Dump: every IOAS of every
 *	context, or of the context in %IOASID_NL_A_CTX_ID if given.  Reply:
 *	%IOASID_NL_A_CTX_ID, %IOASID_NL_A_IOAS_ID, %IOASID_NL_A_PARENT_ID,
 *	%IOASID_NL_A_NR_CHILDREN, %IOASID_NL_A_NR_ATTACHED,
 *	%IOASID_NL_A_NR_DOMAINS, %IOASID_NL_A_NR_MAPPINGS,
 *	%IOASID_NL_A_MAPPED_BYTES, %IOASID_NL_A_PINNED_PAGES,
 *	%IOASID_NL_A_CHARGED_PAGES.  Do: the IOAS
 *	named by %IOASID_NL_A_CTX_ID and %IOASID_NL_A_IOAS_ID; the reply adds
 *	%IOASID_NL_A_MAPPINGS, the mappings from %IOASID_NL_A_IOVA_START (0 if
 *	absent) on, as many as fit in one message; if more remain,
 *	%IOASID_NL_A_IOVA_NEXT is where to ask again.  Errors: -ENOENT no such
 *	context or IOAS; -EINVAL an id is missing.
 * @IOASID_NL_CMD_DEVICE_GET: devices known to ioasid.ko (PCI devices bound
 *	to the ioasid-pci stub driver, mock devices).  Dump: all.  Do: the one
 *	named by %IOASID_NL_A_DEVICE_ID or %IOASID_NL_A_DEVICE_NAME.  Reply:
 *	%IOASID_NL_A_DEVICE_ID, %IOASID_NL_A_DEVICE_NAME,
 *	%IOASID_NL_A_DEVICE_KIND, %IOASID_NL_A_GROUP_ID,
 *	%IOASID_NL_A_PASID_SUPPORT (flag), %IOASID_NL_A_PCI_SEGMENT,
 *	%IOASID_NL_A_PCI_BUS, %IOASID_NL_A_PCI_DEVFN, %IOASID_NL_A_PCI_VENDOR,
 *	%IOASID_NL_A_PCI_DEVICE, %IOASID_NL_A_PCI_CLASS; when bound:
 *	%IOASID_NL_A_CTX_ID and %IOASID_NL_A_DEV_ID; when attached without
 *	PASID: %IOASID_NL_A_IOAS_ID; %IOASID_NL_A_PASIDS lists the PASIDs it
 *	is attached with.  Errors: -ENOENT no such device.
 * @IOASID_NL_CMD_GROUP_GET: IOMMU groups with at least one device known to
 *	ioasid.ko.  Dump: all.  Do: the one named by %IOASID_NL_A_GROUP_ID.
 *	Reply: %IOASID_NL_A_GROUP_ID, %IOASID_NL_A_GROUP_KIND,
 *	%IOASID_NL_A_NR_MEMBERS (every device of the group, ours or not),
 *	%IOASID_NL_A_MEMBERS, %IOASID_NL_A_VIABLE (the kernel's verdict now),
 *	%IOASID_NL_A_REASON (why not, if not viable),
 *	%IOASID_NL_A_LAST_REASON (why the last bind was refused, if it was),
 *	%IOASID_NL_A_NR_BOUND; when owned: %IOASID_NL_A_CTX_ID; when attached:
 *	%IOASID_NL_A_IOAS_ID.  Errors: -ENOENT no such group.
 * @IOASID_NL_CMD_PASID_GET: allocated PASIDs.  Dump: all.  Do: the one
 *	in %IOASID_NL_A_PASID.  Reply: %IOASID_NL_A_PASID,
 *	%IOASID_NL_A_CTX_ID (the owner), %IOASID_NL_A_NR_ATTACHED.  Errors:
 *	-ENOENT not allocated.
 * @IOASID_NL_CMD_POLICY_GET: the active policy (do only).  Reply:
 *	%IOASID_NL_A_POLICY_MAY_RELAX; when a policy is loaded also
 *	%IOASID_NL_A_POLICY_NAME, %IOASID_NL_A_POLICY_LOADED_NS and
 *	%IOASID_NL_A_POLICY_HOOKS.
 * @IOASID_NL_CMD_EVENT: a notification to the "monitor" group (never a
 *	request): %IOASID_NL_A_EVENT says what happened; the other attributes
 *	are those of the matching tracepoint (see &enum ioasid_nl_event).
 * @__IOASID_NL_CMD_MAX: internal
 * @IOASID_NL_CMD_MAX: highest command number
 */
enum ioasid_nl_cmd {
	IOASID_NL_CMD_UNSPEC,
	IOASID_NL_CMD_CTX_GET,
	IOASID_NL_CMD_IOAS_GET,
	IOASID_NL_CMD_DEVICE_GET,
	IOASID_NL_CMD_GROUP_GET,
	IOASID_NL_CMD_PASID_GET,
	IOASID_NL_CMD_POLICY_GET,
	IOASID_NL_CMD_EVENT,

	__IOASID_NL_CMD_MAX,
	IOASID_NL_CMD_MAX = __IOASID_NL_CMD_MAX - 1
};

/**
 * enum ioasid_nl_attr - attributes of the "ioasid" family
 * @IOASID_NL_A_UNSPEC: unused
 * @IOASID_NL_A_PAD: padding for 64-bit attributes
 * @IOASID_NL_A_CTX_ID: u32, a context's system-wide id
 * @IOASID_NL_A_OWNER_TGID: u32, thread group that opened the context
 * @IOASID_NL_A_OWNER_UID: u32, uid that opened it
 * @IOASID_NL_A_OWNER_COMM: string, command name of the opener
 * @IOASID_NL_A_OWNER_CGROUP_ID: u64, cgroup v2 id of the opener
 * @IOASID_NL_A_NR_OBJECTS: u32, objects in the context (IOAS and devices)
 * @IOASID_NL_A_NR_IOAS: u32, IOAS objects in the context
 * @IOASID_NL_A_NR_DEVICES: u32, devices bound to the context
 * @IOASID_NL_A_NR_PASIDS: u32, PASIDs the context owns
 * @IOASID_NL_A_MAPPED_BYTES: u64, bytes mapped (context: in its paging IOAS)
 * @IOASID_NL_A_PINNED_PAGES: u64, pages the mappings use, a page once per
 *	mapping (a page two mappings use is still pinned once)
 * @IOASID_NL_A_IOAS_ID: u32, an IOAS id within its context
 * @IOASID_NL_A_PARENT_ID: u32, parent of a nested IOAS (0: a paging IOAS)
 * @IOASID_NL_A_NR_CHILDREN: u32, nested IOAS built on this one
 * @IOASID_NL_A_NR_ATTACHED: u32, attachments (devices and PASIDs using it)
 * @IOASID_NL_A_NR_DOMAINS: u32, domains the IOAS programs
 * @IOASID_NL_A_NR_MAPPINGS: u32, mappings of the IOAS
 * @IOASID_NL_A_MAPPINGS: nested, one %IOASID_NL_A_MAPPING per mapping in
 *	IOVA order
 * @IOASID_NL_A_MAPPING: nested: %IOASID_NL_A_IOVA, %IOASID_NL_A_LENGTH,
 *	%IOASID_NL_A_SOURCE, %IOASID_NL_A_PROT
 * @IOASID_NL_A_IOVA: u64, first IOVA of a mapping or range
 * @IOASID_NL_A_LENGTH: u64, bytes
 * @IOASID_NL_A_SOURCE: u64, user VA (paging IOAS) or parent IOVA (nested)
 * @IOASID_NL_A_PROT: u32, IOASID_IOAS_MAP_READABLE / _WRITEABLE
 * @IOASID_NL_A_IOVA_START: u64, request: list mappings from this IOVA on
 * @IOASID_NL_A_IOVA_NEXT: u64, reply: more mappings start at this IOVA
 * @IOASID_NL_A_DEVICE_ID: u32, a device's system-wide id
 * @IOASID_NL_A_DEVICE_NAME: string, "0000:00:03.0" or "mock<N>"
 * @IOASID_NL_A_DEVICE_KIND: u32, &enum ioasid_nl_device_kind
 * @IOASID_NL_A_GROUP_ID: u32, IOMMU group id (mock groups count down from
 *	0xffffffff)
 * @IOASID_NL_A_DEV_ID: u32, the device's id in the context it is bound to
 * @IOASID_NL_A_PASID_SUPPORT: flag, the device can be attached with PASIDs
 * @IOASID_NL_A_PCI_SEGMENT: u16, PCI segment
 * @IOASID_NL_A_PCI_BUS: u8, PCI bus
 * @IOASID_NL_A_PCI_DEVFN: u8, PCI device and function
 * @IOASID_NL_A_PCI_VENDOR: u16, PCI vendor id
 * @IOASID_NL_A_PCI_DEVICE: u16, PCI device id
 * @IOASID_NL_A_PCI_CLASS: u32, PCI class code
 * @IOASID_NL_A_PASIDS: nested, %IOASID_NL_A_PASID per PASID attachment
 * @IOASID_NL_A_GROUP_KIND: u32, &enum ioasid_nl_group_kind
 * @IOASID_NL_A_NR_MEMBERS: u32, devices in the group, ours or not
 * @IOASID_NL_A_MEMBERS: nested, %IOASID_NL_A_DEVICE_NAME per member known
 *	to ioasid.ko
 * @IOASID_NL_A_VIABLE: u8, 1 if the group may be handed to user space
 * @IOASID_NL_A_REASON: string, why it may not
 * @IOASID_NL_A_LAST_REASON: string, why the last bind in the group failed
 * @IOASID_NL_A_NR_BOUND: u32, members bound to the owning context
 * @IOASID_NL_A_PASID: u32, a PASID
 * @IOASID_NL_A_POLICY_NAME: string, name of the active policy
 * @IOASID_NL_A_POLICY_LOADED_NS: u64, when it was loaded or last replaced
 *	(CLOCK_REALTIME, ns)
 * @IOASID_NL_A_POLICY_HOOKS: nested, one %IOASID_NL_A_HOOK per hook
 * @IOASID_NL_A_HOOK: nested: %IOASID_NL_A_HOOK_NAME,
 *	%IOASID_NL_A_HOOK_IMPLEMENTED, %IOASID_NL_A_HOOK_CALLS,
 *	%IOASID_NL_A_HOOK_ALLOW, %IOASID_NL_A_HOOK_DENY,
 *	%IOASID_NL_A_HOOK_INVALID
 * @IOASID_NL_A_HOOK_NAME: string, "device_attach", "pasid_alloc", ...
 * @IOASID_NL_A_HOOK_IMPLEMENTED: flag, the policy has a program for it
 * @IOASID_NL_A_HOOK_CALLS: u64, calls since the policy was loaded
 * @IOASID_NL_A_HOOK_ALLOW: u64, answers that allowed
 * @IOASID_NL_A_HOOK_DENY: u64, answers that refused
 * @IOASID_NL_A_HOOK_INVALID: u64, answers out of contract
 * @IOASID_NL_A_POLICY_MAY_RELAX: u8, ioasid.ko's policy_may_relax parameter
 * @IOASID_NL_A_EVENT: u32, &enum ioasid_nl_event
 * @IOASID_NL_A_LAST: u64, last IOVA of an unmap request (inclusive)
 * @IOASID_NL_A_KERNEL_VIABLE: u8, the kernel's verdict on a group
 * @IOASID_NL_A_HOOK_RET: s64, what a policy program returned
 * @IOASID_NL_A_HOOK_ERR: s32, what the kernel made of it (0: allowed)
 * @IOASID_NL_A_POLICY_ACTION: string, "load", "replace" or "unload"
 * @IOASID_NL_A_POLICY_OLD_NAME: string, the replaced policy
 * @IOASID_NL_A_TENANT_NR_CTXS: u32, contexts opened from the context's
 *	cgroup (%IOASID_NL_A_OWNER_CGROUP_ID), this one included
 * @IOASID_NL_A_TENANT_MAPPED_BYTES: u64, bytes those contexts have mapped
 *	in their paging IOAS (maps in flight included): what a tenant quota
 *	counts
 * @IOASID_NL_A_TENANT_NR_PASIDS: u32, PASIDs those contexts own
 * @IOASID_NL_A_CHARGED_PAGES: u64, pages pinned and charged to the locked_vm
 *	(RLIMIT_MEMLOCK) of the context's opener: each page once, for the
 *	mappings of every context of that process
 * @IOASID_NL_A_SRC_IOAS_ID: u32, the IOAS a copy's pages come from
 * @IOASID_NL_A_SRC_IOVA: u64, where in it the copied range starts
 * @__IOASID_NL_A_MAX: internal
 * @IOASID_NL_A_MAX: highest attribute number
 */
enum ioasid_nl_attr {
	IOASID_NL_A_UNSPEC,
	IOASID_NL_A_PAD,

	IOASID_NL_A_CTX_ID,
	IOASID_NL_A_OWNER_TGID,
	IOASID_NL_A_OWNER_UID,
	IOASID_NL_A_OWNER_COMM,
	IOASID_NL_A_OWNER_CGROUP_ID,
	IOASID_NL_A_NR_OBJECTS,
	IOASID_NL_A_NR_IOAS,
	IOASID_NL_A_NR_DEVICES,
	IOASID_NL_A_NR_PASIDS,
	IOASID_NL_A_MAPPED_BYTES,
	IOASID_NL_A_PINNED_PAGES,

	IOASID_NL_A_IOAS_ID,
	IOASID_NL_A_PARENT_ID,
	IOASID_NL_A_NR_CHILDREN,
	IOASID_NL_A_NR_ATTACHED,
	IOASID_NL_A_NR_DOMAINS,
	IOASID_NL_A_NR_MAPPINGS,
	IOASID_NL_A_MAPPINGS,
	IOASID_NL_A_MAPPING,
	IOASID_NL_A_IOVA,
	IOASID_NL_A_LENGTH,
	IOASID_NL_A_SOURCE,
	IOASID_NL_A_PROT,
	IOASID_NL_A_IOVA_START,
	IOASID_NL_A_IOVA_NEXT,

	IOASID_NL_A_DEVICE_ID,
	IOASID_NL_A_DEVICE_NAME,
	IOASID_NL_A_DEVICE_KIND,
	IOASID_NL_A_GROUP_ID,
	IOASID_NL_A_DEV_ID,
	IOASID_NL_A_PASID_SUPPORT,
	IOASID_NL_A_PCI_SEGMENT,
	IOASID_NL_A_PCI_BUS,
	IOASID_NL_A_PCI_DEVFN,
	IOASID_NL_A_PCI_VENDOR,
	IOASID_NL_A_PCI_DEVICE,
	IOASID_NL_A_PCI_CLASS,
	IOASID_NL_A_PASIDS,

	IOASID_NL_A_GROUP_KIND,
	IOASID_NL_A_NR_MEMBERS,
	IOASID_NL_A_MEMBERS,
	IOASID_NL_A_VIABLE,
	IOASID_NL_A_REASON,
	IOASID_NL_A_LAST_REASON,
	IOASID_NL_A_NR_BOUND,

	IOASID_NL_A_PASID,

	IOASID_NL_A_POLICY_NAME,
	IOASID_NL_A_POLICY_LOADED_NS,
	IOASID_NL_A_POLICY_HOOKS,
	IOASID_NL_A_HOOK,
	IOASID_NL_A_HOOK_NAME,
	IOASID_NL_A_HOOK_IMPLEMENTED,
	IOASID_NL_A_HOOK_CALLS,
	IOASID_NL_A_HOOK_ALLOW,
	IOASID_NL_A_HOOK_DENY,
	IOASID_NL_A_HOOK_INVALID,
	IOASID_NL_A_POLICY_MAY_RELAX,

	IOASID_NL_A_EVENT,
	IOASID_NL_A_LAST,
	IOASID_NL_A_KERNEL_VIABLE,
	IOASID_NL_A_HOOK_RET,
	IOASID_NL_A_HOOK_ERR,
	IOASID_NL_A_POLICY_ACTION,
	IOASID_NL_A_POLICY_OLD_NAME,

	IOASID_NL_A_TENANT_NR_CTXS,
	IOASID_NL_A_TENANT_MAPPED_BYTES,
	IOASID_NL_A_TENANT_NR_PASIDS,

	IOASID_NL_A_CHARGED_PAGES,

	IOASID_NL_A_SRC_IOAS_ID,
	IOASID_NL_A_SRC_IOVA,

	__IOASID_NL_A_MAX,
	IOASID_NL_A_MAX = __IOASID_NL_A_MAX - 1
};

/**
 * enum ioasid_nl_device_kind - backends of devices
 * @IOASID_NL_DEVICE_PCI: a PCI device bound to the ioasid-pci stub driver
 * @IOASID_NL_DEVICE_MOCK: a mock device of the test interface
 */
enum ioasid_nl_device_kind {
	IOASID_NL_DEVICE_PCI = 1,
	IOASID_NL_DEVICE_MOCK = 2,
};

/**
 * enum ioasid_nl_group_kind - kinds of groups
 * @IOASID_NL_GROUP_IOMMU: a real IOMMU group
 * @IOASID_NL_GROUP_MOCK: a mock group of the test interface
 */
enum ioasid_nl_group_kind {
	IOASID_NL_GROUP_IOMMU = 1,
	IOASID_NL_GROUP_MOCK = 2,
};

/**
 * enum ioasid_nl_event - what an %IOASID_NL_CMD_EVENT reports
 *
 * One per tracepoint ioasid:ioasid_<name>, with the tracepoint's fields as
 * attributes.
 *
 * @IOASID_NL_EVENT_UNSPEC: unused
 * @IOASID_NL_EVENT_CTX_CREATE: %IOASID_NL_A_CTX_ID, %IOASID_NL_A_OWNER_TGID,
 *	%IOASID_NL_A_OWNER_UID
 * @IOASID_NL_EVENT_CTX_DESTROY: %IOASID_NL_A_CTX_ID
 * @IOASID_NL_EVENT_IOAS_ALLOC: %IOASID_NL_A_CTX_ID, %IOASID_NL_A_IOAS_ID,
 *	%IOASID_NL_A_PARENT_ID
 * @IOASID_NL_EVENT_IOAS_DESTROY: %IOASID_NL_A_CTX_ID, %IOASID_NL_A_IOAS_ID
 * @IOASID_NL_EVENT_IOAS_MAP: %IOASID_NL_A_CTX_ID, %IOASID_NL_A_IOAS_ID,
 *	%IOASID_NL_A_IOVA, %IOASID_NL_A_LENGTH, %IOASID_NL_A_SOURCE,
 *	%IOASID_NL_A_PROT
 * @IOASID_NL_EVENT_IOAS_UNMAP: %IOASID_NL_A_CTX_ID, %IOASID_NL_A_IOAS_ID,
 *	%IOASID_NL_A_IOVA, %IOASID_NL_A_LAST, %IOASID_NL_A_LENGTH (bytes that
 *	were unmapped)
 * @IOASID_NL_EVENT_PASID_ALLOC: %IOASID_NL_A_CTX_ID, %IOASID_NL_A_PASID
 * @IOASID_NL_EVENT_PASID_FREE: %IOASID_NL_A_CTX_ID, %IOASID_NL_A_PASID
 * @IOASID_NL_EVENT_DEVICE_ADD: %IOASID_NL_A_DEVICE_ID,
 *	%IOASID_NL_A_DEVICE_NAME, %IOASID_NL_A_GROUP_ID
 * @IOASID_NL_EVENT_DEVICE_REMOVE: %IOASID_NL_A_DEVICE_ID,
 *	%IOASID_NL_A_DEVICE_NAME
 * @IOASID_NL_EVENT_DEVICE_BIND: %IOASID_NL_A_CTX_ID, %IOASID_NL_A_DEV_ID,
 *	%IOASID_NL_A_DEVICE_NAME
 * @IOASID_NL_EVENT_DEVICE_UNBIND: as %IOASID_NL_EVENT_DEVICE_BIND
 * @IOASID_NL_EVENT_DEVICE_ATTACH: %IOASID_NL_A_CTX_ID, %IOASID_NL_A_DEV_ID,
 *	%IOASID_NL_A_IOAS_ID, %IOASID_NL_A_PASID (0: without PASID)
 * @IOASID_NL_EVENT_DEVICE_DETACH: as %IOASID_NL_EVENT_DEVICE_ATTACH
 * @IOASID_NL_EVENT_GROUP_ADD: %IOASID_NL_A_GROUP_ID, %IOASID_NL_A_GROUP_KIND
 * @IOASID_NL_EVENT_GROUP_REMOVE: %IOASID_NL_A_GROUP_ID
 * @IOASID_NL_EVENT_GROUP_VERDICT: %IOASID_NL_A_GROUP_ID,
 *	%IOASID_NL_A_KERNEL_VIABLE, %IOASID_NL_A_VIABLE (final, after the
 *	policy), %IOASID_NL_A_REASON
 * @IOASID_NL_EVENT_POLICY_DECISION: %IOASID_NL_A_POLICY_NAME,
 *	%IOASID_NL_A_HOOK_NAME, %IOASID_NL_A_HOOK_RET, %IOASID_NL_A_HOOK_ERR,
 *	%IOASID_NL_A_CTX_ID, %IOASID_NL_A_DEV_ID, %IOASID_NL_A_IOAS_ID,
 *	%IOASID_NL_A_PASID
 * @IOASID_NL_EVENT_POLICY_CHANGE: %IOASID_NL_A_POLICY_ACTION,
 *	%IOASID_NL_A_POLICY_NAME, %IOASID_NL_A_POLICY_OLD_NAME
 * @IOASID_NL_EVENT_IOAS_COPY: %IOASID_NL_A_CTX_ID, %IOASID_NL_A_IOAS_ID
 *	(the destination), %IOASID_NL_A_IOVA, %IOASID_NL_A_LENGTH,
 *	%IOASID_NL_A_SRC_IOAS_ID, %IOASID_NL_A_SRC_IOVA, %IOASID_NL_A_PROT
 * @__IOASID_NL_EVENT_MAX: internal
 */
enum ioasid_nl_event {
	IOASID_NL_EVENT_UNSPEC,
	IOASID_NL_EVENT_CTX_CREATE,
	IOASID_NL_EVENT_CTX_DESTROY,
	IOASID_NL_EVENT_IOAS_ALLOC,
	IOASID_NL_EVENT_IOAS_DESTROY,
	IOASID_NL_EVENT_IOAS_MAP,
	IOASID_NL_EVENT_IOAS_UNMAP,
	IOASID_NL_EVENT_PASID_ALLOC,
	IOASID_NL_EVENT_PASID_FREE,
	IOASID_NL_EVENT_DEVICE_ADD,
	IOASID_NL_EVENT_DEVICE_REMOVE,
	IOASID_NL_EVENT_DEVICE_BIND,
	IOASID_NL_EVENT_DEVICE_UNBIND,
	IOASID_NL_EVENT_DEVICE_ATTACH,
	IOASID_NL_EVENT_DEVICE_DETACH,
	IOASID_NL_EVENT_GROUP_ADD,
	IOASID_NL_EVENT_GROUP_REMOVE,
	IOASID_NL_EVENT_GROUP_VERDICT,
	IOASID_NL_EVENT_POLICY_DECISION,
	IOASID_NL_EVENT_POLICY_CHANGE,
	IOASID_NL_EVENT_IOAS_COPY,

	__IOASID_NL_EVENT_MAX,
};

#endif /* _UAPI_LINUX_IOASID_NETLINK_H */
