#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# The bundled policies through ioasidctl: knobs, and the maps it pins under
# /sys/fs/bpf/ioasid/maps for operators to fill with bpftool.

load helpers

MAPS=/sys/fs/bpf/ioasid/maps

setup() { no_policy; }
teardown() {
	no_policy
	rmdir /sys/fs/cgroup/ioasid-bats 2>/dev/null || true
}

# Little-endian bytes for bpftool: le32 N, le64 N.
le32() { printf '%d %d %d %d ' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
le64() { le32 $(($1 & 0xffffffff)); le32 $(($1 >> 32)); }

# Run pasidtool in cgroup NAME (created): in_cgroup NAME ARGS...
in_cgroup() {
	local cg=/sys/fs/cgroup/$1
	shift
	mkdir -p "$cg"
	bash -c 'echo $$ >"$0/cgroup.procs" && exec pasidtool "$@"' "$cg" "$@"
}

@test "policy list has the six bundled policies" {
	expect 0 ioasidctl -j policy list
	[ "$(jq -r '[.[].name] | sort | join(" ")' <<<"$output")" = \
		"allowlist audit dmaquota minimal singleton tenant" ]
}

@test "every bundled policy loads, replaces every other one, and unloads" {
	local names
	names=$(ioasidctl -j policy list | jq -r '.[].name')
	for p in $names; do
		expect 0 ioasidctl policy load "$p"
		for q in $names; do
			expect 0 ioasidctl policy replace "$q"
		done
		expect 0 ioasidctl policy unload
	done
}

@test "load pins the policy's maps, and only those" {
	expect 0 ioasidctl policy load allowlist
	[ "$(ls $MAPS | xargs)" = "allowed_bdfs allowed_ids" ]
	expect 0 ioasidctl policy replace dmaquota
	[ "$(ls $MAPS | xargs)" = "dma_quota" ]
	expect 0 ioasidctl policy replace minimal
	[ "$(ls $MAPS | xargs)" = "" ]
	expect 0 ioasidctl policy unload
	[ ! -e $MAPS ]
}

@test "tenant: bpftool fills the pinned tenants map, the decision follows" {
	local root_cg
	root_cg=$(stat -c %i /sys/fs/cgroup)
	expect 0 ioasidctl policy load tenant
	# The root cgroup gets PASIDs 5000..5009, at most 2 per context.
	expect 0 bpftool map update pinned $MAPS/tenants \
		key $(le64 "$root_cg") value $(le32 5000) $(le32 5009) $(le32 2) $(le32 0)
	expect 0 pasidtool 3
	[ "${lines[0]}" = "ok 5000" ]
	[ "${lines[1]}" = "ok 5001" ]
	[ "${lines[2]}" = "err EDQUOT" ]
	# Another cgroup has no entry: kernel defaults.
	expect 0 in_cgroup ioasid-bats 3
	[ "$(grep -c '^ok' <<<"$output")" -eq 3 ]
}

@test "replace keeps what operators wrote; knobs change" {
	local root_cg
	root_cg=$(stat -c %i /sys/fs/cgroup)
	expect 0 ioasidctl policy load tenant
	expect 0 bpftool map update pinned $MAPS/tenants \
		key $(le64 "$root_cg") value $(le32 6000) $(le32 6009) $(le32 1) $(le32 0)
	expect 0 ioasidctl policy replace tenant --set deny_unknown=1
	expect 0 pasidtool 2
	[ "${lines[0]}" = "ok 6000" ]
	[ "${lines[1]}" = "err EDQUOT" ]
	expect 0 in_cgroup ioasid-bats 1
	[ "${lines[0]}" = "err EPERM" ]
}

@test "allowlist: bpftool entries are kept across a replace by allowlist" {
	expect 0 ioasidctl policy load allowlist
	expect 0 bpftool map update pinned $MAPS/allowed_ids \
		key 0xe8 0x11 0x34 0x12 value 1
	expect 0 ioasidctl policy replace allowlist --set allow_mock=1
	expect 0 bpftool -j map dump pinned $MAPS/allowed_ids
	[ "$(jq length <<<"$output")" -eq 1 ]
	expect 0 bpftool -j map lookup pinned $MAPS/allowed_ids \
		key 0xe8 0x11 0x34 0x12
	[ "$(jq -c '.formatted.value // .value' <<<"$output")" = 1 ]
}

@test "--set errors: unknown knob, not a number, not a boolean, out of range" {
	expect 1 ioasidctl policy load dmaquota --set quota=1
	[ "$output" = "ioasidctl: unknown knob quota" ]
	expect 1 ioasidctl policy load dmaquota --set default_quota=lots
	[ "$output" = "ioasidctl: knob default_quota: 'lots' is not a number" ]
	expect 1 ioasidctl policy load singleton --set deny_at_bind=yes
	[ "$output" = "ioasidctl: knob deny_at_bind: 'yes' is not a boolean (0, 1, true or false)" ]
	expect 1 ioasidctl policy load tenant --set default_max_pasids=0x100000000
	[ "$output" = "ioasidctl: knob default_max_pasids: value '0x100000000' out of range (4 bytes, unsigned)" ]
	[ ! -e /sys/fs/bpf/ioasid/policy ]
	[ ! -e $MAPS ]
	# A failed replace leaves the loaded policy as it was.
	expect 0 ioasidctl policy load tenant --set default_max_pasids=1
	expect 1 ioasidctl policy replace audit --set nope=1
	[ "$output" = "ioasidctl: unknown knob nope" ]
	expect 0 pasidtool 2
	[ "${lines[1]}" = "err EDQUOT" ]
}

@test "--set true/false and 64-bit knobs" {
	expect 0 ioasidctl policy load singleton --set deny_at_bind=true
	expect 0 ioasidctl policy replace audit --set quiet=false
	expect 0 ioasidctl policy replace dmaquota --set default_quota=0xffffffffffffffff
	expect 0 ioasidctl policy replace allowlist --set allow_id=0x123411e8 --set at_bind=1
}
