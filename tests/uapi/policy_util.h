/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Policies in the uAPI tests: load one (bundled, or test-only from
 * tests/bpf) with knobs, replace and unload it through its link, and count
 * the kernel's decisions per hook.
 *
 * Counting: the module keeps per-hook counters (calls/allow/deny/invalid)
 * but, in this tree, shows them to user space only through the tracepoint
 * ioasid:ioasid_policy_decision (ret and err of every decision).
 * tests/bpf/decisions.bpf.c classifies each event the way kernel/policy.c
 * counts it.  One known difference: a PASID the policy picked that turns
 * out to be taken is moved from allow to invalid by the kernel after the
 * event, so the tracepoint view counts it as allowed.
 */
#ifndef IOASID_TEST_POLICY_UTIL_H
#define IOASID_TEST_POLICY_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include <bpf/libbpf.h>

#include "helpers.h"

enum {
	HOOK_DEVICE_ATTACH,
	HOOK_PASID_ALLOC,
	HOOK_GROUP_VIABLE,
	HOOK_DMA_MAP,
	HOOK_DMA_UNMAP,
	HOOK_DEVICE_BIND,
	HOOK_DEVICE_UNBIND,
	HOOK_PASID_FREE,
	NR_HOOKS,
};

struct hook_stats {
	uint64_t calls, allow, deny, invalid;
};

struct policy {
	struct bpf_object *obj;
	struct bpf_map *ops;	/* the struct_ops map */
	struct bpf_link *link;	/* NULL until attached */
};

/* A knob: a const volatile global of .rodata, set before load. */
struct knob {
	const char *name;
	uint64_t value;
};

/*
 * Open and load a policy: NAME is bundled (bpf/.output/NAME.bpf.o) unless
 * it starts with "test:" (tests/bpf/.output/NAME.bpf.o); @knobs ends with
 * a NULL name.  Fails the test on error.
 */
struct policy *policy_open(const char *name, const struct knob *knobs);
/* Attach a loaded policy: 0 or -errno (-EEXIST: another one is active). */
int policy_attach(struct policy *p);
/* Open, load and attach, or fail the test. */
struct policy *policy_load(const char *name, const struct knob *knobs);
/* Atomically replace @old's policy by @new's (loaded, not attached). */
int policy_replace(struct policy *old, struct policy *new);
/* Detach (synchronously: the kernel's defaults apply on return), close. */
void policy_unload(struct policy *p);
/* Close without detaching (after a replace handed the link over). */
void policy_close(struct policy *p);

/* fd of the policy's map NAME, or fail. */
int policy_map_fd(struct policy *p, const char *name);
/* The policy's .bss (mmapped: writes reach the running program). */
void *policy_data(struct policy *p);

/* Start counting decisions from zero (attaches tests/bpf/decisions). */
void decisions_start(void);
struct hook_stats decisions(int hook);
void decisions_stop(void);
/* Assert one hook's counters. */
#define assert_hook(hook, c, a, d, i) do {				\
		struct hook_stats _s = decisions(hook);			\
		cr_assert_eq(_s.calls, (c), #hook " calls %lu != %d",	\
			     (unsigned long)_s.calls, (int)(c));	\
		cr_assert_eq(_s.allow, (a), #hook " allow %lu != %d",	\
			     (unsigned long)_s.allow, (int)(a));	\
		cr_assert_eq(_s.deny, (d), #hook " deny %lu != %d",	\
			     (unsigned long)_s.deny, (int)(d));		\
		cr_assert_eq(_s.invalid, (i), #hook " invalid %lu != %d",\
			     (unsigned long)_s.invalid, (int)(i));	\
	} while (0)
/* Assert that a hook was never called. */
#define assert_hook_idle(hook) assert_hook(hook, 0, 0, 0, 0)

/* Move this process to cgroup /sys/fs/cgroup/NAME (created); its id. */
uint64_t cgroup_enter(const char *name);
/* Back to the root cgroup; NAME is removed. */
void cgroup_leave(const char *name);

#endif
