#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# The kernel's own netlink tool, ynl (tools/net/ynl/cli.py of Debian's
# linux-source, extracted by scripts/setup.sh into $IOASID_YNL), reading
# the module through docs/netlink/ioasid.yaml: every dump and do of the
# family with exact values, and the monitor group.  The spec is validated
# against the kernel's genetlink-legacy schema on every call.

load helpers

YNL_DIR=${IOASID_YNL:-$HOME/.cache/ioasid/ynl}
SPEC=$TOP/docs/netlink/ioasid.yaml
SCHEMA=$YNL_DIR/Documentation/netlink/genetlink-legacy.yaml

# ynl ARGS...: cli.py with the spec, the schema and JSON output.
ynl() {
	/usr/bin/python3 "$YNL_DIR/tools/net/ynl/cli.py" --spec "$SPEC" \
		--schema "$SCHEMA" --output-json "$@"
}

setup() {
	[ -e "$YNL_DIR/tools/net/ynl/cli.py" ] || {
		echo "no ynl in $YNL_DIR (scripts/setup.sh extracts it)" >&2
		return 1
	}
	no_policy
	HOLDERS=
}

teardown() {
	local p
	for p in $HOLDERS ${YNL_PID:-}; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	no_policy
}

# subscribed GROUP: a generic netlink socket (protocol 16) has joined the
# multicast group GROUP (1..32): its bit is set in /proc/net/netlink's
# Groups mask.
subscribed() {
	local sk eth pid groups rest
	while read -r sk eth pid groups rest; do
		[ "$eth" = 16 ] && (( 0x$groups & (1 << ($1 - 1)) )) && return 0
	done < <(tail -n +2 /proc/net/netlink)
	return 1
}

@test "ynl: the spec passes the kernel's schema; its operations" {
	expect 0 ynl --list-ops
	[ "$(sed 's/ *\[.*//' <<<"$output" | tr '\n' ' ')" = \
		"ctx-get ioas-get device-get group-get pasid-get policy-get " ]
	# (the modes of an operation come in no fixed order)
	grep -qxE 'ioas-get  \[ (do, dump|dump, do) \]' <<<"$output"
	grep -qx 'policy-get  \[ do \]' <<<"$output"
}

@test "ynl dump ctx-get and do ctx-get: the holder's context" {
	hold --mock --pasid --map 0x100000:0x2000
	expect 0 ynl --dump ctx-get
	c=$(jq -c --argjson c "$HOLD_CTX" '.[] | select(."ctx-id" == $c)' <<<"$output")
	[ "$(jq -r '."owner-comm"' <<<"$c")" = ioasidhold ]
	[ "$(jq '."owner-tgid"' <<<"$c")" -eq "$HOLD_PID" ]
	[ "$(jq -c '[."owner-uid", ."nr-objects", ."nr-ioas", ."nr-devices", ."nr-pasids", ."mapped-bytes", ."pinned-pages"]' <<<"$c")" = \
		"[0,2,1,1,1,8192,2]" ]
	expect 0 ynl --do ctx-get --json "{\"ctx-id\": $HOLD_CTX}"
	[ "$(jq -c 'del(."owner-cgroup-id")' <<<"$output")" = "$(jq -c 'del(."owner-cgroup-id")' <<<"$c")" ]
}

@test "ynl do ioas-get: the IOAS and exactly its mapping; dump by context" {
	hold --map 0x100000:0x2000 --ro
	expect 0 ynl --do ioas-get --json "{\"ctx-id\": $HOLD_CTX, \"ioas-id\": $HOLD_IOAS}"
	[ "$(jq -c '[."ctx-id", ."ioas-id", ."parent-id", ."nr-mappings", ."mapped-bytes", ."pinned-pages"]' <<<"$output")" = \
		"[$HOLD_CTX,$HOLD_IOAS,0,1,8192,2]" ]
	[ "$(jq -c '.mappings.mapping' <<<"$output")" = \
		"[{\"iova\":\"0x100000\",\"length\":8192,\"source\":\"$HOLD_SOURCE\",\"prot\":2}]" ]
	[ "$(jq 'has("iova-next")' <<<"$output")" = false ]
	expect 0 ynl --dump ioas-get --json "{\"ctx-id\": $HOLD_CTX}"
	[ "$(jq -c 'map([."ctx-id", ."ioas-id", has("mappings")])' <<<"$output")" = \
		"[[$HOLD_CTX,$HOLD_IOAS,false]]" ]
}

@test "ynl device-get: the bound, attached mock device, dumped and by name" {
	hold --mock-pasid --attach-pasid --map 0x100000:0x1000
	expect 0 ynl --dump device-get
	d=$(jq -c --argjson g "$HOLD_GROUP" '.[] | select(."group-id" == $g)' <<<"$output")
	name=$(jq -r '."device-name"' <<<"$d")
	[[ "$name" == mock* ]]
	[ "$(jq -c '[."device-kind", ."ctx-id", ."dev-id", ."pasid-support", .pasids.pasid]' <<<"$d")" = \
		"[\"mock\",$HOLD_CTX,$HOLD_DEV,true,[$HOLD_PASID]]" ]
	expect 0 ynl --do device-get --json "{\"device-name\": \"$name\"}"
	[ "$(jq -c . <<<"$output")" = "$d" ]
	expect 1 ynl --do device-get --json '{"device-name": "mock-none"}'
	[[ "$output" == *"No such file or directory"* ]]
}

@test "ynl group-get: a mock group, its members and verdict" {
	hold --mock --join --nobind --driver
	expect 0 ynl --do group-get --json "{\"group-id\": $HOLD_GROUP}"
	[ "$(jq -c '[."group-id", ."group-kind", ."nr-members", (.members."device-name" | length), .viable, ."nr-bound"]' <<<"$output")" = \
		"[$HOLD_GROUP,\"mock\",2,2,0,0]" ]
	[ -n "$(jq -r .reason <<<"$output")" ]
	expect 0 ynl --dump group-get
	[ "$(jq --argjson g "$HOLD_GROUP" 'map(select(."group-id" == $g)) | length' <<<"$output")" -eq 1 ]
}

@test "ynl pasid-get: the allocated PASID and its owner" {
	hold --pasid
	expect 0 ynl --dump pasid-get
	[ "$(jq -c --argjson p "$HOLD_PASID" 'map(select(.pasid == $p))' <<<"$output")" = \
		"[{\"pasid\":$HOLD_PASID,\"ctx-id\":$HOLD_CTX,\"nr-attached\":0}]" ]
	expect 0 ynl --do pasid-get --json "{\"pasid\": $HOLD_PASID}"
	[ "$(jq -c . <<<"$output")" = "{\"pasid\":$HOLD_PASID,\"ctx-id\":$HOLD_CTX,\"nr-attached\":0}" ]
}

@test "ynl policy-get: none, then the loaded policy as ioasidctl shows it" {
	expect 0 ynl --do policy-get
	[ "$(jq -c . <<<"$output")" = '{"policy-may-relax":0}' ]
	expect 0 ioasidctl policy load minimal
	expect 0 pasidtool 1
	expect 0 ynl --do policy-get
	y=$output
	expect 0 ioasidctl -j policy show
	[ "$(jq -r '."policy-name"' <<<"$y")" = minimal ]
	[ "$(jq '."policy-loaded-ns"' <<<"$y")" = "$(jq .loaded_ns <<<"$output")" ]
	# The hooks: names, implemented, counters, in the same order.
	[ "$(jq -c '[."policy-hooks".hook[] | [."hook-name", has("hook-implemented"), ."hook-calls", ."hook-allow", ."hook-deny", ."hook-invalid"]]' <<<"$y")" = \
		"$(jq -c '[.hooks[] | [.hook, .implemented, .calls, .allow, .deny, .invalid]]' <<<"$output")" ]
	[ "$(jq -c '."policy-hooks".hook[] | select(."hook-name" == "pasid_alloc") | ."hook-calls"' <<<"$y")" -eq 1 ]
}

@test "ynl --subscribe monitor: the events of a holder's life and a policy" {
	# The monitor group's id, from the kernel's nlctrl through ynl too.
	expect 0 /usr/bin/python3 "$YNL_DIR/tools/net/ynl/cli.py" --output-json \
		--spec "$YNL_DIR/Documentation/netlink/specs/nlctrl.yaml" \
		--schema "$YNL_DIR/Documentation/netlink/genetlink-legacy.yaml" \
		--do getfamily --json '{"family-name": "ioasid"}'
	grp=$(jq '."mcast-groups"[][] | select(.name == "monitor") | .id' <<<"$output")
	[ "$grp" -ge 1 ] && [ "$grp" -le 32 ]
	out=$BATS_TEST_TMPDIR/ynl.out
	ynl --subscribe monitor --sleep 20 >"$out" 2>&1 3>&- &
	YNL_PID=$!
	for _ in $(seq 300); do
		subscribed "$grp" && break
		sleep 0.1
	done
	subscribed "$grp"
	hold --map 0x100000:0x1000 --copy 0x400000
	kill "$HOLD_PID"
	wait "$HOLD_PID" || true
	HOLDERS=
	expect 0 ioasidctl policy load minimal
	expect 0 ioasidctl policy unload
	wait "$YNL_PID"
	YNL_PID=
	cat "$out"
	# One JSON list of {name, msg}; each msg names its event.  The copy's
	# IOAS apart: its destroy may come before or after the first's.
	ev=$(jq -c --argjson c "$HOLD_CTX" --argjson k "$HOLD_COPY" \
		'[.[] | select(.name == "event") | .msg | select(."ctx-id" == $c or ."policy-action" != null) | select(."ioas-id" != $k)]' "$out")
	cp=$(jq -c --argjson c "$HOLD_CTX" --argjson k "$HOLD_COPY" \
		'[.[] | select(.name == "event") | .msg | select(."ctx-id" == $c and ."ioas-id" == $k) | .event]' "$out")
	[ "$cp" = '["ioas-alloc","ioas-copy","ioas-unmap","ioas-destroy"]' ]
	[ "$(jq -c --argjson k "$HOLD_COPY" '.[] | select(.name == "event") | .msg | select(.event == "ioas-copy" and ."ioas-id" == $k) | [.iova, .length, ."src-ioas-id", ."src-iova", .prot]' "$out")" = \
		"[\"0x400000\",4096,$HOLD_IOAS,\"0x100000\",6]" ]
	[ "$(jq -c '[.[].event]' <<<"$ev")" = \
		'["ctx-create","ioas-alloc","ioas-map","ioas-unmap","ioas-destroy","ctx-destroy","policy-change","policy-change"]' ]
	[ "$(jq -c '.[0] | [."owner-tgid", ."owner-uid"]' <<<"$ev")" = "[$HOLD_PID,0]" ]
	[ "$(jq -c '.[2] | [."ioas-id", .iova, .length, .prot]' <<<"$ev")" = "[$HOLD_IOAS,\"0x100000\",4096,6]" ]
	[ "$(jq -c '.[3] | [."ioas-id", .iova, .last, .length]' <<<"$ev")" = \
		"[$HOLD_IOAS,\"0x0\",\"0xffffffffffffffff\",4096]" ]
	[ "$(jq -c '[.[6], .[7]] | map([."policy-action", ."policy-name", ."policy-old-name"])' <<<"$ev")" = \
		'[["load","minimal",""],["unload","minimal",""]]' ]
}
