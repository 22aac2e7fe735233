#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# ioasidctl ctx/ioas/device/group/pasid/policy show/monitor: the objects a
# process builds (tests/tools/ioasidhold) as the ioasid netlink family
# reports them, exact values checked with jq; and every error.

load helpers

setup() { no_policy; HOLDERS=; }

teardown() {
	local p
	for p in $HOLDERS; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	[ -z "${MON_PID:-}" ] || { kill "$MON_PID" 2>/dev/null; wait "$MON_PID" 2>/dev/null; }
	if [ -d /sys/fs/cgroup/ioasid-bats-tenant ]; then
		echo $$ >/sys/fs/cgroup/cgroup.procs
		rmdir /sys/fs/cgroup/ioasid-bats-tenant
	fi
	no_policy
	# The module-not-loaded test takes the module away: bring it back.
	[ -e /dev/ioasid ] || load_module
}

@test "ctx list -j: the holder's context, its owner and counters" {
	hold --map 0x100000:0x2000
	expect 0 ioasidctl -j ctx list
	c=$(jq --argjson c "$HOLD_CTX" '.[] | select(.ctx == $c)' <<<"$output")
	[ "$(jq -r .owner_comm <<<"$c")" = ioasidhold ]
	[ "$(jq .owner_uid <<<"$c")" -eq 0 ]
	[ "$(jq .owner_cgroup_id <<<"$c")" -ge 1 ]
	[ "$(jq .nr_objects <<<"$c")" -eq 1 ]
	[ "$(jq .nr_ioas <<<"$c")" -eq 1 ]
	[ "$(jq .nr_devices <<<"$c")" -eq 0 ]
	[ "$(jq .nr_pasids <<<"$c")" -eq 0 ]
	[ "$(jq .mapped_bytes <<<"$c")" -eq 8192 ]
	[ "$(jq .pinned_pages <<<"$c")" -eq 2 ]
	[ "$(jq .charged_pages <<<"$c")" -eq 2 ]
}

@test "ctx list, ioas show: memory mapped twice is pinned twice, charged once" {
	hold --shared --map 0x100000:0x3000 --map 0x200000:0x2000
	expect 0 ioasidctl -j ctx list
	c=$(jq --argjson c "$HOLD_CTX" '.[] | select(.ctx == $c)' <<<"$output")
	[ "$(jq .mapped_bytes <<<"$c")" -eq $((0x5000)) ]
	[ "$(jq .pinned_pages <<<"$c")" -eq 5 ]
	[ "$(jq .charged_pages <<<"$c")" -eq 3 ]
	expect 0 ioasidctl ctx list
	[[ "${lines[0]}" == *" PINNED  CHARGED CGROUP-MAPPED "* ]]
	grep -qE "^$HOLD_CTX +$HOLD_PID .* 20480 +5 +3 +[0-9]+ +[0-9]+\$" <<<"$output"
	expect 0 ioasidctl -j ioas show "$HOLD_CTX:$HOLD_IOAS"
	[ "$(jq .pinned_pages <<<"$output")" -eq 5 ]
	[ "$(jq .charged_pages <<<"$output")" -eq 3 ]
	[ "$(jq -r '[.mappings[].source] | unique | length' <<<"$output")" -eq 1 ]
	expect 0 ioasidctl ioas show "$HOLD_CTX:$HOLD_IOAS"
	[[ "${lines[0]}" == *" PINNED  CHARGED" ]]
	grep -qE "^$HOLD_CTX:$HOLD_IOAS +- .* 20480 +5 +3\$" <<<"$output"
}

@test "ctx list -j: what the contexts of one cgroup hold together" {
	local cg=/sys/fs/cgroup/ioasid-bats-tenant a b ca cb
	mkdir -p $cg
	echo $$ >$cg/cgroup.procs
	hold --map 0x100000:0x2000 --pasids 3
	a=$HOLD_PID ca=$HOLD_CTX
	hold --map 0x100000:0x1000
	b=$HOLD_PID cb=$HOLD_CTX
	echo $$ >/sys/fs/cgroup/cgroup.procs
	hold --map 0x100000:0x4000	# the root cgroup's: not counted
	expect 0 ioasidctl -j ctx list
	for c in $ca $cb; do
		row=$(jq --argjson c $c '.[] | select(.ctx == $c)' <<<"$output")
		[ "$(jq .owner_cgroup_id <<<"$row")" -eq "$(stat -c %i $cg)" ]
		[ "$(jq .tenant_nr_ctxs <<<"$row")" -eq 2 ]
		[ "$(jq .tenant_mapped_bytes <<<"$row")" -eq $((0x3000)) ]
		[ "$(jq .tenant_nr_pasids <<<"$row")" -eq 3 ]
	done
	kill $a
	wait $a || true
	expect 0 ioasidctl -j ctx list
	row=$(jq --argjson c $cb '.[] | select(.ctx == $c)' <<<"$output")
	[ "$(jq .tenant_nr_ctxs <<<"$row")" -eq 1 ]
	[ "$(jq .tenant_mapped_bytes <<<"$row")" -eq $((0x1000)) ]
	[ "$(jq .tenant_nr_pasids <<<"$row")" -eq 0 ]
	expect 0 ioasidctl ctx list
	grep -qE "^$cb +$b .* 4096 +0\$" <<<"$output"
	kill $b
	wait $b || true
	rmdir $cg
}

@test "ctx list: a table with the holder's row" {
	hold
	expect 0 ioasidctl ctx list
	[[ "${lines[0]}" == CTX* ]]
	grep -qE "^$HOLD_CTX +$HOLD_PID +0 +ioasidhold " <<<"$output"
}

@test "a closed context is gone from ctx list" {
	hold
	kill "$HOLD_PID"
	wait "$HOLD_PID" || true
	expect 0 ioasidctl -j ctx list
	[ "$(jq --argjson c "$HOLD_CTX" 'map(select(.ctx == $c)) | length' <<<"$output")" -eq 0 ]
}

@test "ioas show -j: exactly the mapping that was made" {
	hold --map 0x100000:0x2000
	expect 0 ioasidctl -j ioas show "$HOLD_CTX:$HOLD_IOAS"
	[ "$(jq .ctx <<<"$output")" -eq "$HOLD_CTX" ]
	[ "$(jq .ioas <<<"$output")" -eq "$HOLD_IOAS" ]
	[ "$(jq .parent <<<"$output")" -eq 0 ]
	[ "$(jq .nr_mappings <<<"$output")" -eq 1 ]
	[ "$(jq .mapped_bytes <<<"$output")" -eq 8192 ]
	[ "$(jq .pinned_pages <<<"$output")" -eq 2 ]
	[ "$(jq '.mappings | length' <<<"$output")" -eq 1 ]
	[ "$(jq '.mappings[0].iova' <<<"$output")" -eq $((0x100000)) ]
	[ "$(jq '.mappings[0].length' <<<"$output")" -eq $((0x2000)) ]
	[ "$(jq '.mappings[0].source' <<<"$output")" -eq $((HOLD_SOURCE)) ]
	[ "$(jq -r '.mappings[0].prot' <<<"$output")" = rw ]
}

@test "ioas show: a read-only mapping is r-, and the table lists it" {
	hold --map 0x200000:0x1000 --ro
	expect 0 ioasidctl -j ioas show "$HOLD_CTX:$HOLD_IOAS"
	[ "$(jq -r '.mappings[0].prot' <<<"$output")" = r- ]
	expect 0 ioasidctl ioas show "$HOLD_CTX:$HOLD_IOAS"
	grep -qE '^0x200000 +0x1000 +0x[0-9a-f]+ +r-$' <<<"$output"
}

@test "ioas show pages through more mappings than one message holds" {
	local args=() i
	for i in $(seq 0 299); do
		args+=(--map $((0x1000000 + i * 0x2000)):0x1000)
	done
	hold "${args[@]}"
	expect 0 ioasidctl -j ioas show "$HOLD_CTX:$HOLD_IOAS"
	[ "$(jq .nr_mappings <<<"$output")" -eq 300 ]
	[ "$(jq '.mappings | length' <<<"$output")" -eq 300 ]
	[ "$(jq '[.mappings[].iova] == ([range(300)] | map(16777216 + . * 8192))' <<<"$output")" = true ]
	[ "$(jq 'has("iova_next")' <<<"$output")" = false ]
}

# At scale: every dump goes on across netlink messages until it is done.
@test "ioas show lists 100,000 mappings, all and in order, in JSON and in the table" {
	HOLD_WAIT=1200 hold --many 100000
	expect 0 ioasidctl -j ioas show "$HOLD_CTX:$HOLD_IOAS"
	jq -e --argjson src "$((HOLD_SOURCE))" '
		.nr_mappings == 100000 and (.mappings | length) == 100000 and
		(has("iova_next") | not) and
		([.mappings | to_entries[] |
		  select(.value.iova != 16777216 + .key * 8192 or
			 .value.length != 4096 or .value.prot != "rw" or
			 .value.source != $src + (.key % 256) * 4096)] | length) == 0
	' <<<"$output" >/dev/null
	expect 0 ioasidctl ioas show "$HOLD_CTX:$HOLD_IOAS"
	[ "$(grep -cE '^0x[0-9a-f]+ +0x1000 +0x[0-9a-f]+ +rw$' <<<"$output")" -eq 100000 ]
	grep -qE "^0x1000000 +0x1000 +$(printf '%#x' "$HOLD_SOURCE") +rw$" <<<"$output"
	grep -qE "^$(printf '%#x' $((0x1000000 + 99999 * 0x2000))) +0x1000 +$(printf '%#x' $((HOLD_SOURCE + 99999 % 256 * 4096))) +rw$" <<<"$output"
}

@test "ctx list and ioas list show 1,000 contexts of one process, pasid list its 5,000 PASIDs" {
	HOLD_WAIT=600 hold --contexts 999 --pasids 5000
	expect 0 ioasidctl -j ctx list
	jq -e --argjson p "$HOLD_PID" '
		[.[] | select(.owner_tgid == $p)] |
		length == 1000 and ([.[].ctx] | unique | length) == 1000 and
		([.[] | select(.nr_ioas != 1)] | length) == 0 and
		([.[].nr_pasids] | add) == 5000
	' <<<"$output" >/dev/null
	expect 0 ioasidctl -j ioas list
	[ "$(jq --argjson c "$HOLD_CTX" '[.[] | select(.ctx >= $c)] | length' <<<"$output")" -eq 1000 ]
	expect 0 ioasidctl -j pasid list
	[ "$(jq --argjson c "$HOLD_CTX" '[.[] | select(.ctx == $c)] | length' <<<"$output")" -eq 5000 ]
	[ "$(jq --argjson c "$HOLD_CTX" '[.[] | select(.ctx == $c) | .pasid] | unique | length' <<<"$output")" -eq 5000 ]
	expect 0 ioasidctl ctx list
	[ "$(awk -v p="$HOLD_PID" '$2 == p { n++ } END { print n }' <<<"$output")" -eq 1000 ]
}

@test "ioas list: a paging IOAS and a nested one under it" {
	hold --map 0x100000:0x1000 --nested
	expect 0 ioasidctl -j ioas list
	mine=$(jq --argjson c "$HOLD_CTX" 'map(select(.ctx == $c))' <<<"$output")
	[ "$(jq length <<<"$mine")" -eq 2 ]
	[ "$(jq --argjson i "$HOLD_NESTED" '.[] | select(.ioas == $i) | .parent' <<<"$mine")" -eq "$HOLD_IOAS" ]
	[ "$(jq --argjson i "$HOLD_IOAS" '.[] | select(.ioas == $i) | .nr_children' <<<"$mine")" -eq 1 ]
	[ "$(jq --argjson i "$HOLD_IOAS" '.[] | select(.ioas == $i) | has("mappings")' <<<"$mine")" = false ]
	expect 0 ioasidctl ioas list
	grep -qE "^$HOLD_CTX:$HOLD_NESTED +$HOLD_IOAS " <<<"$output"
}

@test "ioas list CTX: only that context's IOAS" {
	hold
	first=$HOLD_CTX
	hold
	expect 0 ioasidctl -j ioas list "$first"
	[ "$(jq length <<<"$output")" -eq 1 ]
	[ "$(jq '.[0].ctx' <<<"$output")" -eq "$first" ]
}

@test "device list -j: a mock device in its group, bound and attached" {
	hold --mock --map 0x100000:0x1000
	expect 0 ioasidctl -j device list
	d=$(jq --argjson g "$HOLD_GROUP" '.[] | select(.group == $g)' <<<"$output")
	[ "$(jq -r .kind <<<"$d")" = mock ]
	[[ "$(jq -r .name <<<"$d")" == mock* ]]
	[ "$(jq .ctx <<<"$d")" -eq "$HOLD_CTX" ]
	[ "$(jq .dev_id <<<"$d")" -eq "$HOLD_DEV" ]
	[ "$(jq .ioas <<<"$d")" -eq "$HOLD_IOAS" ]
	[ "$(jq .pasid_support <<<"$d")" = false ]
	[ "$(jq -c .pasids <<<"$d")" = "[]" ]
}

@test "device show: by name and by id, JSON and text agree" {
	hold --mock-pasid
	name=$(ioasidctl -j device list |
		jq -r --argjson g "$HOLD_GROUP" '.[] | select(.group == $g) | .name')
	expect 0 ioasidctl -j device show "$name"
	id=$(jq .device_id <<<"$output")
	[ "$(jq .pasid_support <<<"$output")" = true ]
	[ "$(jq .group <<<"$output")" -eq "$HOLD_GROUP" ]
	by_name=$output
	expect 0 ioasidctl -j device show "$id"
	[ "$output" = "$by_name" ]
	expect 0 ioasidctl device show "$name"
	[[ "$output" == *"bound to context: $HOLD_CTX (dev_id $HOLD_DEV)"* ]]
	[[ "$output" == *"pasid support: yes"* ]]
}

@test "an unbound device has null ctx/dev_id/ioas" {
	hold --mock --nobind
	expect 0 ioasidctl -j device list
	d=$(jq --argjson g "$HOLD_GROUP" '.[] | select(.group == $g)' <<<"$output")
	[ "$(jq -c '[.ctx, .dev_id, .ioas]' <<<"$d")" = "[null,null,null]" ]
}

@test "group list: a shared mock group, both members, viable, its owner" {
	hold --mock --join --map 0x100000:0x1000
	expect 0 ioasidctl -j group list
	g=$(jq --argjson g "$HOLD_GROUP" '.[] | select(.group == $g)' <<<"$output")
	[ "$(jq -r .kind <<<"$g")" = mock ]
	[ "$(jq .nr_members <<<"$g")" -eq 2 ]
	[ "$(jq '.members | length' <<<"$g")" -eq 2 ]
	[ "$(jq .viable <<<"$g")" = true ]
	[ "$(jq .reason <<<"$g")" = null ]
	[ "$(jq .ctx <<<"$g")" -eq "$HOLD_CTX" ]
	[ "$(jq .nr_bound <<<"$g")" -eq 1 ]
	[ "$(jq .ioas <<<"$g")" -eq "$HOLD_IOAS" ]
	# Every member is in device list with this group.
	expect 0 ioasidctl -j device list
	[ "$(jq -c --argjson g "$HOLD_GROUP" '[.[] | select(.group == $g) | .name] | sort' <<<"$output")" = \
	  "$(jq -c '.members | sort' <<<"$g")" ]
}

@test "group show: a non-viable group says why" {
	hold --mock --nobind --join --driver
	expect 0 ioasidctl -j group show "$HOLD_GROUP"
	[ "$(jq .viable <<<"$output")" = false ]
	second=$(jq -r '.members[1]' <<<"$output")
	[ "$(jq -r .reason <<<"$output")" = "$second is bound to a kernel DMA driver" ]
	[ "$(jq .ctx <<<"$output")" = null ]
	expect 0 ioasidctl group show "$HOLD_GROUP"
	[[ "$output" == *"viable: no"* ]]
	[[ "$output" == *"reason: $second is bound to a kernel DMA driver"* ]]
	expect 0 ioasidctl group list
	grep -qE "^$HOLD_GROUP +mock +2 +no .*\\($second is bound" <<<"$output"
}

@test "pasid list: an allocated PASID and its owner" {
	hold --pasid
	expect 0 ioasidctl -j pasid list
	[ "$(jq --argjson p "$HOLD_PASID" '.[] | select(.pasid == $p) | .ctx' <<<"$output")" -eq "$HOLD_CTX" ]
	[ "$(jq --argjson p "$HOLD_PASID" '.[] | select(.pasid == $p) | .nr_attached' <<<"$output")" -eq 0 ]
	expect 0 ioasidctl pasid list
	grep -qE "^$HOLD_PASID +$HOLD_CTX +0$" <<<"$output"
}

@test "pasid list and device show: a PASID attachment is counted and listed" {
	hold --mock-pasid --attach-pasid --map 0x100000:0x1000
	expect 0 ioasidctl -j pasid list
	[ "$(jq --argjson p "$HOLD_PASID" '.[] | select(.pasid == $p) | .nr_attached' <<<"$output")" -eq 1 ]
	expect 0 ioasidctl -j device list
	[ "$(jq -c --argjson g "$HOLD_GROUP" '.[] | select(.group == $g) | .pasids' <<<"$output")" = "[$HOLD_PASID]" ]
	expect 0 ioasidctl -j ctx list
	[ "$(jq --argjson c "$HOLD_CTX" '.[] | select(.ctx == $c) | .nr_pasids' <<<"$output")" -eq 1 ]
}

@test "policy show without a policy" {
	expect 0 ioasidctl -j policy show
	[ "$(jq .loaded <<<"$output")" = false ]
	[ "$(jq .policy <<<"$output")" = null ]
	[ "$(jq .may_relax <<<"$output")" = false ]
	expect 0 ioasidctl policy show
	[[ "$output" == "no policy loaded"* ]]
}

@test "policy show: name, programs, load time and per-hook counters" {
	before=$(date +%s)
	expect 0 ioasidctl policy load minimal
	expect 0 pasidtool 3
	[ "${lines[2]}" = "err EDQUOT" ]
	expect 0 ioasidctl -j policy show
	[ "$(jq .loaded <<<"$output")" = true ]
	[ "$(jq -r .policy <<<"$output")" = minimal ]
	[ "$(jq -c .programs <<<"$output")" = '["pasid_alloc"]' ]
	[ "$(jq -c '.hooks[] | select(.hook == "pasid_alloc") | [.implemented, .calls, .allow, .deny, .invalid]' <<<"$output")" = "[true,3,2,1,0]" ]
	[ "$(jq -c '.hooks[] | select(.hook == "device_attach") | [.implemented, .calls]' <<<"$output")" = "[false,0]" ]
	[ "$(jq '.hooks | length' <<<"$output")" -eq 8 ]
	loaded=$(( $(jq .loaded_ns <<<"$output") / 1000000000 ))
	[ "$loaded" -ge $((before - 1)) ]
	[ "$loaded" -le $(( $(date +%s) + 1)) ]
	[ "$(jq -r .loaded_at <<<"$output")" = "$(date -u -d "@$loaded" +%Y-%m-%dT%H:%M:%SZ)" ]
	expect 0 ioasidctl policy show
	[ "${lines[0]}" = "policy: minimal" ]
	grep -qE '^pasid_alloc +yes +3 +2 +1 +0$' <<<"$output"
}

# start_monitor [options]: ioasidctl monitor in the background, subscribed.
start_monitor() {
	MON_OUT=$BATS_TEST_TMPDIR/mon.out
	ioasidctl monitor "$@" >"$MON_OUT" 2>"$MON_OUT.err" 3>&- &
	MON_PID=$!
	for i in $(seq 100); do
		grep -q monitoring "$MON_OUT.err" && return 0
		sleep 0.1
	done
	cat "$MON_OUT.err" >&2
	return 1
}

stop_monitor() {
	kill -INT "$MON_PID"
	wait "$MON_PID"
	MON_STATUS=$?
	MON_PID=
}

@test "monitor: one line per object change, until SIGINT (exit 0)" {
	start_monitor
	hold --map 0x100000:0x2000 --copy 0x400000
	kill "$HOLD_PID"
	wait "$HOLD_PID" || true
	HOLDERS=
	for i in $(seq 50); do
		grep -q "^ctx_destroy ctx=$HOLD_CTX\$" "$MON_OUT" && break
		sleep 0.1
	done
	stop_monitor
	[ "$MON_STATUS" -eq 0 ]
	grep -qx "ctx_create ctx=$HOLD_CTX owner_tgid=$HOLD_PID owner_uid=0" "$MON_OUT"
	grep -qx "ioas_alloc ctx=$HOLD_CTX ioas=$HOLD_IOAS parent=0" "$MON_OUT"
	grep -qx "ioas_map ctx=$HOLD_CTX ioas=$HOLD_IOAS iova=0x100000 length=0x2000 source=$HOLD_SOURCE prot=rw" "$MON_OUT"
	grep -qx "ioas_copy ctx=$HOLD_CTX ioas=$HOLD_COPY iova=0x400000 length=0x2000 src_ioas=$HOLD_IOAS src_iova=0x100000 prot=rw" "$MON_OUT"
	grep -qx "ioas_destroy ctx=$HOLD_CTX ioas=$HOLD_COPY" "$MON_OUT"
	grep -qx "ioas_destroy ctx=$HOLD_CTX ioas=$HOLD_IOAS" "$MON_OUT"
	grep -qx "ctx_destroy ctx=$HOLD_CTX" "$MON_OUT"
}

@test "monitor -j: policy decisions and changes as JSON, --count stops it" {
	expect 0 ioasidctl policy load minimal
	start_monitor -j --count 4
	expect 0 pasidtool 3
	wait "$MON_PID"
	MON_PID=
	[ "$(wc -l <"$MON_OUT")" -eq 4 ]
	jq -e . "$MON_OUT" >/dev/null
	[ "$(jq -sc 'map(.event)' "$MON_OUT")" = '["ctx_create","policy_decision","pasid_alloc","policy_decision"]' ]
	[ "$(jq -sc '.[1] | [.policy, .hook, .ret, .err]' "$MON_OUT")" = '["minimal","pasid_alloc",0,0]' ]
}

@test "monitor: device and group events of a mock device" {
	start_monitor
	hold --mock --map 0x100000:0x1000
	for i in $(seq 50); do
		grep -q "^device_attach" "$MON_OUT" && break
		sleep 0.1
	done
	stop_monitor
	grep -qx "group_add group=$HOLD_GROUP kind=mock" "$MON_OUT"
	grep -qE "^device_add device_id=[0-9]+ name=mock[0-9]+ group=$HOLD_GROUP\$" "$MON_OUT"
	grep -qx "group_verdict group=$HOLD_GROUP kernel_viable=1 viable=1 reason=\"\"" "$MON_OUT"
	grep -qE "^device_bind ctx=$HOLD_CTX dev_id=$HOLD_DEV name=mock[0-9]+\$" "$MON_OUT"
	grep -qx "device_attach ctx=$HOLD_CTX dev_id=$HOLD_DEV ioas=$HOLD_IOAS pasid=0" "$MON_OUT"
}

@test "-j and -p: every command prints valid JSON, before or after the command" {
	hold --mock --pasid --map 0x100000:0x1000
	dev=$(ioasidctl -j device list | jq '.[0].device_id')
	for cmd in "ctx list" "ioas list" "ioas show $HOLD_CTX:$HOLD_IOAS" \
		   "device list" "device show $dev" "group list" \
		   "group show $HOLD_GROUP" "pasid list" "policy show" \
		   "policy list" "version"; do
		expect 0 ioasidctl -p $cmd
		jq -e . <<<"$output" >/dev/null
		[ "$(wc -l <<<"$output")" -gt 1 ] || [ "$output" = "[]" ]
		expect 0 ioasidctl $cmd -j
		jq -e . <<<"$output" >/dev/null
		[ "$(wc -l <<<"$output")" -eq 1 ]
	done
}

@test "version -j has the version and libbpf" {
	expect 0 ioasidctl -j version
	[ "$(jq 'keys' -c <<<"$output")" = '["libbpf","version"]' ]
}

@test "unknown objects: exit 1 with one line naming them" {
	expect 1 ioasidctl ioas show 999999:1
	[ "$output" = "ioasidctl: no IOAS 1 in context 999999" ]
	hold
	expect 1 ioasidctl ioas show "$HOLD_CTX:4242"
	[ "$output" = "ioasidctl: no IOAS 4242 in context $HOLD_CTX" ]
	expect 1 ioasidctl device show nosuchdev
	[ "$output" = "ioasidctl: no device nosuchdev" ]
	expect 1 ioasidctl device show 424242
	[ "$output" = "ioasidctl: no device 424242" ]
	expect 1 ioasidctl group show 12345
	[ "$output" = "ioasidctl: no group 12345" ]
}

@test "usage errors exit 2" {
	expect 2 ioasidctl ioas show
	expect 2 ioasidctl ioas show 1
	expect 2 ioasidctl ioas show a:b
	expect 2 ioasidctl ioas list x
	expect 2 ioasidctl group show abc
	expect 2 ioasidctl device show
	expect 2 ioasidctl ctx list extra
	expect 2 ioasidctl pasid list extra
	expect 2 ioasidctl ctx frobnicate
	expect 2 ioasidctl monitor --count 0
	expect 2 ioasidctl monitor extra
	expect 2 ioasidctl
}

@test "not privileged: exit 1, permission denied" {
	expect 1 setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all ioasidctl ctx list
	[ "$output" = "ioasidctl: permission denied: inspecting ioasid needs CAP_NET_ADMIN" ]
	expect 1 setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all ioasidctl monitor
	[[ "$output" == *"cannot join the monitor group: permission denied"* ]]
}

@test "module not loaded: exit 1, ioasid.ko is not loaded" {
	rmmod ioasid
	for cmd in "ctx list" "ioas list" "device list" "group list" \
		   "pasid list" "policy show" "monitor"; do
		expect 1 ioasidctl $cmd
		[ "$output" = 'ioasidctl: ioasid.ko is not loaded (no generic netlink family "ioasid")' ]
	done
	load_module
	expect 0 ioasidctl ctx list
}

@test "make install: ioasidctl, its man page and completion under DESTDIR" {
	dest=$BATS_TEST_TMPDIR/dest
	expect 0 make -s -C "$TOP" install DESTDIR="$dest" PREFIX=/usr
	[ -x "$dest/usr/sbin/ioasidctl" ]
	[ -s "$dest/usr/share/man/man8/ioasidctl.8" ]
	[ -s "$dest/usr/share/bash-completion/completions/ioasidctl" ]
	expect 0 "$dest/usr/sbin/ioasidctl" version
	# Every command of the tool is in the man page.
	for c in "policy load" "policy replace" "policy unload" "policy list" \
		 "policy show" "ctx list" "ioas list" "ioas show" "device list" \
		 "device show" "group list" "group show" "pasid list" "monitor" \
		 "version"; do
		grep -q "^\.B[IR]* \"*$c" "$dest/usr/share/man/man8/ioasidctl.8" ||
			{ echo "not in the man page: $c" >&2; return 1; }
	done
}

# complete WORDS...: what bash completion offers for the last word.
complete_words() {
	bash -c 'source /usr/share/bash-completion/bash_completion
		source "$0"
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_ioasidctl; echo "${COMPREPLY[*]}"' \
		"$TOP/cli/ioasidctl.bash-completion" "$@"
}

@test "bash completion: objects, commands and live device names" {
	[ "$(complete_words ioasidctl g)" = group ]
	[ "$(complete_words ioasidctl -j policy "")" = "load replace unload list show" ]
	[ "$(complete_words ioasidctl monitor --c)" = "--count" ]
	hold --mock
	name=$(ioasidctl -j device list | jq -r '.[0].name')
	[ "$(complete_words ioasidctl device show "$name")" = "$name" ]
	[[ " $(complete_words ioasidctl policy load "") " == *" minimal "* ]]
}
