#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# ioasidctl policy: load, replace, unload, list, and their errors.

load helpers

setup() { no_policy; }
teardown() { no_policy; }

@test "policy list names every bundled policy with a description" {
	expect 0 ioasidctl policy list
	[[ "$output" =~ minimal\ +at\ most\ max_pasids ]]
}

@test "policy list -j is a JSON array of name/description" {
	expect 0 ioasidctl -j policy list
	[ "$(jq -r '.[] | select(.name == "minimal") | .description' <<<"$output")" != "" ]
	[ "$(jq -r 'map(keys == ["description", "name"]) | all' <<<"$output")" = true ]
}

@test "load changes a decision and unload restores the default" {
	expect 0 pasidtool 3
	[ "$(grep -c '^ok' <<<"$output")" -eq 3 ]

	expect 0 ioasidctl policy load minimal
	[ -e /sys/fs/bpf/ioasid/policy ]
	expect 0 pasidtool 3
	[ "${lines[0]%% *}" = ok ]
	[ "${lines[1]%% *}" = ok ]
	[ "${lines[2]}" = "err EDQUOT" ]

	expect 0 ioasidctl policy unload
	[ ! -e /sys/fs/bpf/ioasid/policy ]
	expect 0 pasidtool 3
	[ "$(grep -c '^ok' <<<"$output")" -eq 3 ]
}

@test "load a policy from its object file" {
	expect 0 ioasidctl policy load "$TOP/bpf/.output/minimal.bpf.o"
	expect 0 pasidtool 3
	[ "${lines[2]}" = "err EDQUOT" ]
}

@test "--set writes a knob before load" {
	expect 0 ioasidctl policy load minimal --set max_pasids=1
	expect 0 pasidtool 2
	[ "${lines[0]%% *}" = ok ]
	[ "${lines[1]}" = "err EDQUOT" ]
}

@test "replace swaps the policy in place" {
	expect 0 ioasidctl policy load minimal --set max_pasids=1
	expect 0 ioasidctl policy replace minimal --set max_pasids=3
	expect 0 pasidtool 4
	[ "$(grep -c '^ok' <<<"$output")" -eq 3 ]
	[ "${lines[3]}" = "err EDQUOT" ]
}

@test "a second load is refused: another policy is already loaded" {
	expect 0 ioasidctl policy load minimal
	expect 1 ioasidctl policy load minimal
	[[ "$output" == *"another policy is already loaded"* ]]
}

@test "unload without a policy is an error" {
	expect 1 ioasidctl policy unload
	[[ "$output" == *"no policy is loaded"* ]]
}

@test "replace without a policy is an error" {
	expect 1 ioasidctl policy replace minimal
	[[ "$output" == *"no policy is loaded to replace"* ]]
}

@test "unknown knob is refused and nothing is loaded" {
	expect 1 ioasidctl policy load minimal --set nope=1
	[ "$output" = "ioasidctl: unknown knob nope" ]
	[ ! -e /sys/fs/bpf/ioasid/policy ]
}

@test "knob value out of range is refused" {
	expect 1 ioasidctl policy load minimal --set max_pasids=-1
	[[ "$output" == *"out of range"* ]]
	expect 1 ioasidctl policy load minimal --set max_pasids=0x100000000
	[[ "$output" == *"out of range"* ]]
}

@test "a file that is not a policy is refused" {
	expect 1 ioasidctl policy load /etc/hostname
	[[ "$output" == *"not a BPF object file"* ]]
	expect 1 ioasidctl policy load "$TOP/tests/tools/pasidtool"
	[[ "$output" == *"not a BPF object file"* ]]
}

@test "a BPF object without a policy in it is refused" {
	expect 1 ioasidctl policy load "$TOP/tests/bpf/.output/decisions.bpf.o"
	[[ "$output" == *"not an ioasid policy (no struct ioasid_policy_ops map)"* ]]
	[ ! -e /sys/fs/bpf/ioasid/policy ]
}

@test "bpffs not mounted: exit 1, says how to mount it, nothing loaded" {
	expect 1 unshare -m sh -c 'umount /sys/fs/bpf && ioasidctl policy load minimal'
	[ "$output" = "ioasidctl: bpffs is not mounted at /sys/fs/bpf (mount -t bpf bpf /sys/fs/bpf)" ]
	expect 0 ioasidctl policy show
	[ "$output" = "no policy loaded: kernel defaults apply (policy_may_relax=0)" ]
}

@test "a loaded policy outlives ioasidctl: pinned, found by the next one" {
	expect 0 ioasidctl policy load minimal --set max_pasids=1
	[ -e /sys/fs/bpf/ioasid/policy ]
	expect 0 ioasidctl -j policy show
	[ "$(jq -r .policy <<<"$output")" = minimal ]
	expect 0 pasidtool 2
	[ "${lines[1]}" = "err EDQUOT" ]
}

@test "not privileged: load, replace and unload refused in one line, bpffs untouched" {
	local nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
	rmdir /sys/fs/bpf/ioasid/maps /sys/fs/bpf/ioasid 2>/dev/null || true
	expect 1 "${nobody[@]}" ioasidctl policy load minimal
	[ "$output" = "ioasidctl: not privileged: loading a policy needs CAP_SYS_ADMIN (or CAP_BPF)" ]
	[ ! -e /sys/fs/bpf/ioasid ]
	expect 0 ioasidctl policy load minimal
	expect 1 "${nobody[@]}" ioasidctl policy unload
	[ "$output" = "ioasidctl: not privileged: unloading a policy needs CAP_SYS_ADMIN (or CAP_BPF)" ]
	expect 1 "${nobody[@]}" ioasidctl policy replace singleton
	[ "$output" = "ioasidctl: not privileged: replacing a policy needs CAP_SYS_ADMIN (or CAP_BPF)" ]
	expect 0 ioasidctl -j policy show
	[ "$(jq -r .policy <<<"$output")" = minimal ]
}

@test "a /sys/fs/bpf/ioasid someone else owns is not trusted" {
	rmdir /sys/fs/bpf/ioasid/maps /sys/fs/bpf/ioasid 2>/dev/null || true
	setpriv --reuid=65534 --regid=65534 --clear-groups mkdir /sys/fs/bpf/ioasid
	expect 1 ioasidctl policy load minimal
	rmdir /sys/fs/bpf/ioasid
	[ "$output" = "ioasidctl: /sys/fs/bpf/ioasid: not a directory of root's alone (owner uid 65534, mode 755): not trusting it; remove it" ]
	expect 0 ioasidctl policy load minimal
}

@test "a program the verifier refuses: one line, -d shows the verifier's log" {
	expect 1 ioasidctl policy load "$TOP/tests/bpf/.output/unsafe.bpf.o"
	[ "$output" = "ioasidctl: $TOP/tests/bpf/.output/unsafe.bpf.o: the verifier refused a program (ioasidctl -d shows its log)" ]
	expect 1 ioasidctl -d policy load "$TOP/tests/bpf/.output/unsafe.bpf.o"
	[[ "$output" == *"only read is supported"* ]]	# the context is read-only
	[ ! -e /sys/fs/bpf/ioasid/policy ]
}

@test "module not loaded: load says so in one line" {
	rmmod ioasid
	expect 1 ioasidctl policy load minimal
	load_module
	[ "$output" = "ioasidctl: minimal: the ioasid module is not loaded (modprobe ioasid)" ]
}

@test "an unknown policy name is refused" {
	expect 1 ioasidctl policy load no-such-policy
	[[ "$output" == *"no bundled policy has that name"* ]]
}

@test "usage errors exit 2" {
	expect 2 ioasidctl
	expect 2 ioasidctl policy
	expect 2 ioasidctl policy load
	expect 2 ioasidctl policy frobnicate
	expect 2 ioasidctl policy load minimal --set novalue
	expect 2 ioasidctl --bogus version
	[ "${lines[0]}" = "ioasidctl: unknown option '--bogus'" ]
	expect 2 ioasidctl policy load minimal --set
	[ "${lines[0]}" = "ioasidctl: option '--set' needs a value" ]
}

@test "options stand anywhere and are parsed once; a command refuses options it does not take" {
	no_policy
	# --set after the name, -j before the object: one policy, knob set.
	expect 0 ioasidctl -j policy load minimal --set max_pasids=3
	[ "$(jq -r .action <<<"$output")" = loaded ]
	expect 0 ioasidctl policy show -j
	[ "$(jq -r .policy <<<"$output")" = minimal ]
	expect 0 ioasidctl policy --set max_pasids=4 replace minimal
	expect 0 ioasidctl policy unload
	# --set and --count go with the commands that take them, only.
	expect 2 ioasidctl policy unload --set a=1
	[ "${lines[0]}" = "ioasidctl: policy unload takes no --set" ]
	expect 2 ioasidctl ctx list --count 3
	[ "${lines[0]}" = "ioasidctl: ctx list takes no --count" ]
	expect 2 ioasidctl version --set a=1
	# "--" ends the options: what follows is an argument.
	expect 2 ioasidctl ctx list -- -j
	[ "${lines[0]}" = "ioasidctl: ctx list takes no arguments" ]
}

@test "errors under -j are JSON on stdout, with the same exit status" {
	no_policy
	expect 1 ioasidctl -j policy unload
	[ "$(jq -r .error <<<"$output")" = "no policy is loaded" ]
	expect 2 ioasidctl ctx list extra -p
	[ "$(jq -r .error <<<"$output")" = "ctx list takes no arguments" ]
	expect 1 ioasidctl -j group show 4242
	[ "$(jq -r .error <<<"$output")" = "no group 4242" ]
	# Without -j the same errors are one line on stderr, nothing on stdout.
	[ -z "$(ioasidctl policy unload 2>/dev/null)" ]
	[ "$(ioasidctl policy unload 2>&1 >/dev/null)" = "ioasidctl: no policy is loaded" ]
}

@test "version, plain and JSON" {
	expect 0 ioasidctl version
	[[ "${lines[0]}" == "ioasidctl "* ]]
	expect 0 ioasidctl -j version
	[ "$(jq -r .version <<<"$output" | cut -c1)" != "" ]
	[ "$(jq -r 'has("libbpf")' <<<"$output")" = true ]
}
