/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared header of ioasid policies: kernel and module types from BTF,
 * libbpf helpers, and the errno values hooks return.
 */
#ifndef __IOASID_POLICY_BPF_H
#define __IOASID_POLICY_BPF_H

#include "vmlinux.h"	/* kernel and ioasid.ko types */
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* vmlinux.h carries no macros: the errnos the hook contracts use. */
#define EPERM	1
#define EBUSY	16
#define ENOSPC	28
#define EDQUOT	122

/*
 * Declares a policy hook: IOASID_HOOK(name, args...) { body }.  BPF_PROG
 * takes the name ctx for itself: call the argument something else.
 */
#define IOASID_HOOK(name, args...) \
	SEC("struct_ops/" #name) BPF_PROG(name, ##args)

char _license[] SEC("license") = "GPL";

#endif /* __IOASID_POLICY_BPF_H */
