#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The vfio suite (run-in-guest.sh, ioasid.ko loaded): an edu on vfio-pci,
# the sequences of vfio-seq run once on vfio_iommu_type1 and once on
# ioasid_vfio, compared sequence by sequence; then what only ioasid_vfio
# does (exclusive mode, introspection).  TAP on stdout.
#
#   IOASID_VFIO_MODULE=PATH   the ioasid_vfio.ko (default: beside ioasid.ko)
set -u
cd "$(dirname "$0")/../.."
seq=tests/vfio/vfio-seq
vfio_ko=${IOASID_VFIO_MODULE:-$(dirname "${IOASID_MODULE:-kernel/ioasid.ko}")/ioasid_vfio.ko}
out=$(mktemp -d)
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; }
bail() { notok "$*"; echo "1..$n"; exit 0; }

# The second root-bus edu: alone in its group; the first (other) one
# serves as a second container's group.
bdf= other=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1234:0x11e8 ] || continue
	[ "$(ls "$d/iommu_group/devices" | wc -l)" = 1 ] || continue
	[ -z "$bdf" ] || other=$bdf
	bdf=$(basename "$d")
done
[ -n "$bdf" ] || bail "an edu alone in its IOMMU group"
modprobe vfio-pci || bail "modprobe vfio-pci"
dev=/sys/bus/pci/devices/$bdf
driver_of() { basename "$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null)" 2>/dev/null; }
# Bind to a driver (back to the one it had, at the end, so the suites
# after this one find the edu on its driver again), or to none.
restore() {
	local dev=/sys/bus/pci/devices/$1
	[ -e "$dev/driver" ] && echo "$1" >"$dev/driver/unbind"
	echo "$2" >"$dev/driver_override"
	[ -z "$2" ] || echo "$1" >/sys/bus/pci/drivers_probe
}
was=$(driver_of "$bdf")
declare -A had
trap 'rm -rf "$out"; restore "$bdf" "$was"; for s in "${!had[@]}"; do restore "$s" "${had[$s]}"; done' EXIT
restore "$bdf" vfio-pci
[ "$(basename "$(readlink "$dev/driver")")" = vfio-pci ] || bail "bind $bdf to vfio-pci"
group=$(basename "$(readlink "$dev/iommu_group")")
echo "# edu $bdf on vfio-pci, group $group"

rmmod ioasid_vfio 2>/dev/null
modprobe vfio_iommu_type1 || bail "modprobe vfio_iommu_type1"
$seq --group "$group" --bdf "$bdf" >"$out/type1" 2>&1 || bail "vfio-seq on type1: $(tail -1 "$out/type1")"
# Two containers over the same memory, one lone edu group each.
if [ -n "$other" ]; then
	had[$other]=$(driver_of "$other")
	restore "$other" vfio-pci
	group2=$(basename "$(readlink "/sys/bus/pci/devices/$other/iommu_group")")
	$seq --group "$group" --second-group "$group2" >"$out/two-type1" 2>&1
fi
insmod "$vfio_ko" || bail "insmod $vfio_ko"
$seq --group "$group" --bdf "$bdf" >"$out/ioasid" 2>&1 || bail "vfio-seq on ioasid: $(tail -1 "$out/ioasid")"
[ -z "$other" ] || $seq --group "$group" --second-group "$group2" >"$out/two-ioasid" 2>&1

# Sequence by sequence: the lines from one "== name" to the next.
cases=0
for s in $(grep '^== ' "$out/type1" | cut -c4- | tr ' ' '@'); do
	name=${s/@/ }
	awk -v s="== $name" '$0 == s { p = 1; next } /^== / { p = 0 } p' "$out/type1" >"$out/a"
	awk -v s="== $name" '$0 == s { p = 1; next } /^== / { p = 0 } p' "$out/ioasid" >"$out/b"
	steps=$(wc -l <"$out/a")
	cases=$((cases + steps))
	if [ "$steps" -gt 0 ] && cmp -s "$out/a" "$out/b"; then
		ok "vfio $name: $steps steps identical on type1 and ioasid_vfio"
	else
		notok "vfio $name: type1 and ioasid_vfio differ"
		diff -u --label type1 --label ioasid_vfio "$out/a" "$out/b" | sed 's/^/# /'
	fi
done
echo "# $cases steps compared"
# The DMA itself, not only its agreement with type1.
if grep -q '^dst has 4000 bytes of src$' "$out/ioasid" &&
   grep -q '^read-only page has 4096 bytes untouched$' "$out/ioasid" &&
   grep -q '^unmapped dst has 0 bytes written$' "$out/ioasid"; then
	ok "vfio: edu DMA through ioasid_vfio moved exactly 4000 bytes, none to read-only or unmapped IOVA"
else
	notok "vfio: edu DMA through ioasid_vfio"
	grep -E '^(dst|read-only|unmapped)' "$out/ioasid" | sed 's/^/# /'
fi
# Peer-to-peer into a VM_PFNMAP BAR: the edu wrote 0x12345678 into its own
# liveness register, which reads back inverted.
if [ "$(grep -c '^p2p: liveness reads 0xedcba987$' "$out/ioasid")" = 2 ]; then
	ok "vfio: edu DMA through ioasid_vfio into its own mmap'ed BAR (VM_PFNMAP), v1 and v2"
else
	notok "vfio: peer-to-peer DMA into a VM_PFNMAP BAR"
	grep '^p2p' "$out/ioasid" | sed 's/^/# /'
fi
# RLIMIT_MEMLOCK without CAP_IPC_LOCK: the 17th page is refused.
if [ "$(grep -c '^map one page over: ENOMEM$' "$out/ioasid")" = 2 ] &&
   [ "$(grep -c '^map 17 pages at once: ENOMEM$' "$out/ioasid")" = 2 ]; then
	ok "vfio: RLIMIT_MEMLOCK of 16 pages refuses the 17th with ENOMEM, v1 and v2"
else
	notok "vfio: RLIMIT_MEMLOCK"
	grep -E '^map (one page over|17 pages)' "$out/ioasid" | sed 's/^/# /'
fi
# Two containers, RLIMIT_MEMLOCK 32 pages, the same 16 pages in both:
# type1 charges them twice and refuses 16 more; ioasid_vfio charges them
# once, keeps the charge while container 2 holds them, and returns it all.
two_type1='map 16 pages into container 1: ok
VmLck +64 kB
map the same 16 pages into container 2: ok
VmLck +128 kB
map 16 other pages into container 2: ENOMEM
VmLck +128 kB
unmap all of container 1: ok, 64 KiB
VmLck +64 kB
unmap all of container 2: ok, 64 KiB
VmLck +0 kB'
two_ioasid='map 16 pages into container 1: ok
VmLck +64 kB
map the same 16 pages into container 2: ok
VmLck +64 kB
map 16 other pages into container 2: ok
VmLck +128 kB
unmap all of container 1: ok, 64 KiB
VmLck +128 kB
unmap all of container 2: ok, 128 KiB
VmLck +0 kB'
if [ -z "$other" ]; then
	notok "vfio: a second edu alone in its group, for two containers"
else
	for side in type1 ioasid; do
		want=two_$side
		if [ "$(cat "$out/two-$side")" = "${!want}" ]; then
			ok "vfio: two containers over the same 16 pages on $side: VmLck exactly as documented"
		else
			notok "vfio: two containers over the same 16 pages on $side"
			diff -u --label expected --label got <(echo "${!want}") "$out/two-$side" | sed 's/^/# /'
		fi
	done
	restore "$other" "${had[$other]}"
	unset "had[$other]"
fi

# Lines "ok - ..." / "not ok - ..." of a helper, numbered into ours.
numbered() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "${line#ok - }" ;;
		"not ok - "*) notok "${line#not ok - }" ;;
		*) echo "# $line" ;;
		esac
	done
}

# Debian's unmodified QEMU, its vCPUs never started, the edu driven over
# qtest; then refused at start by a quota below its RAM (64 MiB).
numbered < <(python3 tests/vfio/qemu_edu.py "$bdf" --check-pinned 2>&1)
if ioasidctl policy load dmaquota --set default_quota=$((16 << 20)) >/dev/null; then
	numbered < <(python3 tests/vfio/qemu_edu.py "$bdf" --expect-refusal 2>&1)
	ioasidctl policy unload >/dev/null || notok "vfio: policy unload"
else
	notok "vfio: ioasidctl policy load dmaquota"
fi

# Both backends loaded (type1 since the sequences, ioasid_vfio after it):
# singleton refuses an edu of the shared group, QEMU stops at start, and
# type1 never gets the container (a kprobe counts its attach_group calls).
# With exclusive=0 the same refusal falls through to type1: the control.
shared=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1234:0x11e8 ] || continue
	[ "$(ls "$d/iommu_group/devices" | wc -l)" -gt 1 ] || continue
	shared="$shared $(basename "$d")"
done
tr=/sys/kernel/tracing
t1_attaches() { grep -c ' ioasid_test_t1:' $tr/trace; }
if [ "$(echo $shared | wc -w)" != 2 ] || ! lsmod | grep -q '^vfio_iommu_type1 '; then
	notok "vfio: two edus of a shared group and vfio_iommu_type1 loaded ($shared)"
elif ! echo 'p:ioasid_test_t1 vfio_iommu_type1:vfio_iommu_type1_attach_group' >>$tr/kprobe_events ||
     ! echo 1 >$tr/events/kprobes/ioasid_test_t1/enable; then
	notok "vfio: kprobe on vfio_iommu_type1_attach_group"
else
	echo >$tr/trace
	for s in $shared; do
		had[$s]=$(driver_of "$s")
		restore "$s" vfio-pci
	done
	sbdf=${shared# }; sbdf=${sbdf%% *}
	sgroup=$(basename "$(readlink /sys/bus/pci/devices/$sbdf/iommu_group)")
	ioasidctl policy load singleton >/dev/null || notok "vfio: ioasidctl policy load singleton"
	numbered < <(python3 tests/vfio/qemu_edu.py "$sbdf" --expect-refusal 2>&1)
	if [ "$(t1_attaches)" = 0 ]; then
		ok "vfio: singleton's refusal of group $sgroup held with vfio_iommu_type1 loaded (no type1 attach)"
	else
		notok "vfio: vfio_iommu_type1 attached the refused group $(t1_attaches) times"
	fi
	if dmesg | grep -q "ioasid_vfio: qemu-system-x86\[[0-9]*\]: group $sgroup refused (-[0-9]*); the container is unusable"; then
		ok "vfio: the kernel log names QEMU and the refused group"
	else
		notok "vfio: no kernel log line for the refused group $sgroup"
	fi
	rmmod ioasid_vfio && insmod "$vfio_ko" exclusive=0 || notok "vfio: insmod ioasid_vfio exclusive=0"
	$seq --group "$sgroup" --bdf "$sbdf" --seq extensions >"$out/fallthrough" 2>&1
	if [ "$(t1_attaches)" -gt 0 ] && grep -q '^check_extension TYPE1v2: 1$' "$out/fallthrough"; then
		ok "vfio: exclusive=0: the refused group fell through to vfio_iommu_type1 ($(t1_attaches) attaches), as documented"
	else
		notok "vfio: exclusive=0: no fall-through to type1 ($(t1_attaches) attaches)"
		sed 's/^/# /' "$out/fallthrough"
	fi
	rmmod ioasid_vfio && insmod "$vfio_ko" || notok "vfio: insmod ioasid_vfio"
	ioasidctl policy unload >/dev/null || notok "vfio: policy unload"
	for s in $shared; do
		restore "$s" "${had[$s]}"
		unset "had[$s]"
	done
	echo 0 >$tr/events/kprobes/ioasid_test_t1/enable
	echo '-:ioasid_test_t1' >>$tr/kprobe_events
fi

# Exclusive mode: type1 cannot come back while ioasid_vfio is loaded.
rmmod vfio_iommu_type1 || notok "rmmod vfio_iommu_type1"
if modprobe vfio_iommu_type1 2>"$out/err"; then
	notok "vfio: modprobe vfio_iommu_type1 with ioasid_vfio loaded (exclusive) succeeded"
else
	ok "vfio: modprobe vfio_iommu_type1 refused while ioasid_vfio is loaded ($(head -c 80 "$out/err"))"
fi
if dmesg | grep -q 'ioasid_vfio: refusing to load vfio_iommu_type1'; then
	ok "vfio: the refusal is in the kernel log"
else
	notok "vfio: no kernel log line for the refused type1 load"
fi

rmmod ioasid_vfio || notok "rmmod ioasid_vfio"
echo "1..$n"
