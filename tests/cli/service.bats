#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# ioasid-policy.service without systemd (the guest has none): the unit's
# ExecStart, ExecReload and ExecStop commands, exactly as the installed unit
# writes them, run against /etc/ioasid/policy.conf; what they load is
# checked with ioasidctl -j policy show.  The files are installed with
# "make install" into the guest's root (a tmpfs overlay, gone at power-off);
# the module under test is made modprobe-able with depmod.

load helpers

UNIT=/lib/systemd/system/ioasid-policy.service
CONF=/etc/ioasid/policy.conf

setup_file() {
	# Only ever in the test guest: this writes to /usr, /lib and /etc.
	grep -q 'ioasid\.init=' /proc/cmdline
	make -s -C "$TOP" NO_SETUP=1 install PREFIX=/usr \
		UNITDIR=/lib/systemd/system UDEVRULESDIR=/lib/udev/rules.d >/dev/null
	install -D -m 0644 "$MODULE" "/lib/modules/$(uname -r)/updates/ioasid.ko"
	depmod -a
}

teardown_file() {
	rm -f "/lib/modules/$(uname -r)/updates/ioasid.ko"
	depmod -a
}

setup() { no_policy; }

teardown() {
	no_policy
	[ -e /dev/ioasid ] || load_module
}

# unit KEY: run the unit's Exec KEY= command line as systemd would (one
# command, split into words; no shell).
unit() {
	local cmd
	cmd=$(sed -n "s/^$1=//p" "$UNIT")
	[ -n "$cmd" ]
	# shellcheck disable=SC2086
	run $cmd
}

@test "service: installed where the package puts it, commands of the helper" {
	[ "$(grep '^Exec' "$UNIT" | tr '\n' ' ')" = \
		"ExecStart=/usr/libexec/ioasid/ioasid-policy start ExecReload=/usr/libexec/ioasid/ioasid-policy reload ExecStop=/usr/libexec/ioasid/ioasid-policy stop " ]
	[ -x /usr/libexec/ioasid/ioasid-policy ]
	[ -f "$CONF" ] && [ -f /etc/modprobe.d/ioasid.conf ] && [ -f /lib/udev/rules.d/60-ioasid.rules ]
	# The shipped file loads nothing.
	unit ExecStart
	[ "$status" -eq 0 ]
	expect 0 ioasidctl -j policy show
	[ "$(jq .loaded <<<"$output")" = false ]
}

@test "service: ExecStart loads the file's policy with its knobs" {
	printf '# boot policy\npolicy minimal   # two per context\nset max_pasids=2\n' >"$CONF"
	unit ExecStart
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	expect 0 ioasidctl -j policy show
	[ "$(jq -r .policy <<<"$output")" = minimal ]
	expect 0 pasidtool 3
	[ "${lines[1]}" != "err EDQUOT" ]
	[ "${lines[2]}" = "err EDQUOT" ]
}

@test "service: ExecReload replaces atomically, keeps nothing of the old, fills the maps" {
	printf 'policy minimal\n' >"$CONF"
	unit ExecStart
	[ "$status" -eq 0 ]
	old=$(ioasidctl -j policy show | jq .loaded_ns)
	mon=$BATS_TEST_TMPDIR/mon
	ioasidctl -j monitor >"$mon" 2>"$mon.err" 3>&- &
	mpid=$!
	for _ in $(seq 100); do grep -q monitoring "$mon.err" && break; sleep 0.1; done
	cat >"$CONF" <<-EOT
	policy allowlist
	set allow_mock=1
	map allowed_bdfs key 0x08 0x02 0x00 0x00 value 1
	map allowed_ids key 0xe8 0x11 0x34 0x12 value 1
	EOT
	unit ExecReload
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	sleep 1
	kill -INT "$mpid"; wait "$mpid" || true
	expect 0 ioasidctl -j policy show
	[ "$(jq -r .policy <<<"$output")" = allowlist ]
	[ "$(jq .loaded_ns <<<"$output")" -gt "$old" ]
	# One replace, never an unload in between.
	grep -c . "$mon" >/dev/null
	[ "$(grep -c '"replace"' "$mon")" -eq 1 ]
	[ "$(grep -c '"unload"' "$mon")" -eq 0 ]
	expect 0 bpftool -j map dump pinned /sys/fs/bpf/ioasid/maps/allowed_bdfs
	[ "$(jq -c '[.[] | [.key, .value]]' <<<"$output")" = '[[["0x08","0x02","0x00","0x00"],["0x01"]]]' ]
	expect 0 bpftool -j map dump pinned /sys/fs/bpf/ioasid/maps/allowed_ids
	[ "$(jq 'length' <<<"$output")" -eq 1 ]
}

@test "service: ExecStop unloads the policy, the module stays" {
	printf 'policy minimal\n' >"$CONF"
	unit ExecStart
	[ "$status" -eq 0 ]
	unit ExecStop
	[ "$status" -eq 0 ]
	expect 0 ioasidctl -j policy show
	[ "$(jq .loaded <<<"$output")" = false ]
	[ -e /dev/ioasid ]
	# Stopping again is fine.
	unit ExecStop
	[ "$status" -eq 0 ]
}

@test "service: failures are one line with the reason, exit 1" {
	printf 'policy nosuchpolicy\n' >"$CONF"
	unit ExecStart
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	reason=$(ioasidctl policy load nosuchpolicy 2>&1 >/dev/null || true)
	[ "$output" = "ioasid-policy: ioasidctl policy load nosuchpolicy: $reason" ]
	printf 'policy minimal\nset max_pasids 2\n' >"$CONF"
	unit ExecStart
	[ "$status" -eq 1 ]
	[ "$output" = "ioasid-policy: $CONF:2: set wants VAR=VALUE" ]
	printf 'policy minimal\nset no_such_knob=1\n' >"$CONF"
	unit ExecStart
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "ioasid-policy: ioasidctl policy load minimal: "?* ]]
	expect 0 ioasidctl -j policy show
	[ "$(jq .loaded <<<"$output")" = false ]
}

@test "service: ExecStart modprobes the module with /etc/modprobe.d options" {
	no_policy
	rmmod ioasid
	printf 'options ioasid policy_may_relax=1\n' >/etc/modprobe.d/ioasid.conf
	printf 'policy singleton\n' >"$CONF"
	unit ExecStart
	rc=$status out=$output
	printf '' >/etc/modprobe.d/ioasid.conf
	[ "$rc" -eq 0 ] || { echo "$out"; false; }
	[ "$(cat /sys/module/ioasid/parameters/policy_may_relax)" = Y ]
	expect 0 ioasidctl -j policy show
	[ "$(jq -r .policy <<<"$output")" = singleton ]
	[ "$(jq .may_relax <<<"$output")" = true ]
	ioasidctl policy unload
	rmmod ioasid
	load_module
}

@test "udev: /dev/ioasid is root:ioasid 0660 by 60-ioasid.rules" {
	getent group ioasid >/dev/null || groupadd --system ioasid
	expect 0 udevadm test --action=add /sys/class/misc/ioasid
	grep -E '60-ioasid\.rules:[0-9]+ GROUP' <<<"$output"
	grep -E '60-ioasid\.rules:[0-9]+ MODE 0660' <<<"$output"
	[ "$(stat -c '%U:%G %a' /dev/ioasid)" = "root:ioasid 660" ]
}
