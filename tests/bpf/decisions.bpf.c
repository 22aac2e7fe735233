// SPDX-License-Identifier: GPL-2.0
/*
 * decisions: counts policy decisions per hook from the tracepoint
 * ioasid:ioasid_policy_decision, the way the kernel's per-hook counters
 * count them (calls, allow, deny, invalid).  Test-only: the module has no
 * user-space interface to its own counters in this tree.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define EPERM	1

/* Index: the hooks in enum ioasid_policy_hook order. */
struct hook_stats {
	__u64 calls, allow, deny, invalid;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, struct hook_stats);
} stats SEC(".maps");

static int hook_index(const char *s)
{
	switch (s[0]) {
	case 'd':
		if (s[1] == 'm')	/* dma_map, dma_unmap */
			return s[4] == 'm' ? 3 : 4;
		/* device_attach, device_bind, device_unbind */
		return s[7] == 'a' ? 0 : s[7] == 'b' ? 5 : 6;
	case 'p':		/* pasid_alloc, pasid_free */
		return s[6] == 'a' ? 1 : 7;
	case 'g':
		return 2;
	}
	return -1;
}

SEC("tp_btf/ioasid_policy_decision")
int BPF_PROG(count_decision, const char *policy, const char *hook, s64 ret,
	     int err, u32 ctx_id, u32 dev_id, u32 ioas_id, u32 pasid)
{
	char name[16] = {};
	struct hook_stats *st;
	__u32 idx;
	int i;

	bpf_probe_read_kernel_str(name, sizeof(name), hook);
	i = hook_index(name);
	if (i < 0)
		return 0;
	idx = i;
	st = bpf_map_lookup_elem(&stats, &idx);
	if (!st)
		return 0;
	__sync_fetch_and_add(&st->calls, 1);
	if (idx >= 4)		/* notifications: no answer */
		return 0;
	if (idx == 2) {		/* group_viable */
		if (ret == -EPERM)
			__sync_fetch_and_add(&st->deny, 1);
		else if (ret == 0 && err == 0)
			__sync_fetch_and_add(&st->allow, 1);
		else
			__sync_fetch_and_add(&st->invalid, 1);
	} else if (err == 0) {
		__sync_fetch_and_add(&st->allow, 1);
	} else if (ret == err) {
		__sync_fetch_and_add(&st->deny, 1);
	} else {
		__sync_fetch_and_add(&st->invalid, 1);
	}
	return 0;
}

char _license[] SEC("license") = "GPL";
