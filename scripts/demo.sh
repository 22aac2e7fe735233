#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: a tour of ioasid in the guest.  Binds the edu devices to the
# ioasid-pci stub driver, loads a BPF policy, attaches devices of a shared
# and of a singleton IOMMU group, looks at the live objects with ioasidctl,
# replaces the policy, and watches every decision twice: with
# "ioasidctl monitor" (netlink) and with bpftrace (tracepoint:ioasid:*).
# An edu device DMAs through an IOAS, and the IOMMU blocks it once the
# IOVA is unmapped.  Debian's unmodified QEMU, on ioasid_vfio, is refused
# by a DMA quota below its RAM, then runs under a larger one.  Everything
# is unloaded again at the end.
set -eu
cd "$(dirname "$0")/.."
export PATH="$PWD/cli:$PWD/tests/tools:$PATH"

step() { printf '\n\033[1m## %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
out=${IOASID_OUT:-/tmp}/demo
mkdir -p "$out"

step "Load the module: /dev/ioasid, the netlink family and ioasid_policy_ops appear"
run insmod kernel/ioasid.ko
run ls -l /dev/ioasid
genl ctrl get name ioasid | grep -E 'Name|ID-.*name' || true

step "Hand the four edu devices to the ioasid-pci stub driver"
edus=$(for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1234:0x11e8 ] && basename "$d"
done)
for bdf in $edus; do
	[ -e "/sys/bus/pci/devices/$bdf/driver" ] &&
		echo "$bdf" >"/sys/bus/pci/devices/$bdf/driver/unbind"
	echo ioasid-pci >"/sys/bus/pci/devices/$bdf/driver_override"
	echo "$bdf" >/sys/bus/pci/drivers_probe
done
run ls /dev/ioasid-pci/
run ioasidctl device list
step "Their IOMMU groups: two singletons, and one shared with the PCIe-to-PCI bridge"
run ioasidctl group list
singleton=$(ioasidctl -j group list | jq -r '[.[] | select(.nr_members == 1)][0].members[0]')
shared=$(ioasidctl -j group list | jq -r '[.[] | select(.nr_members > 1)][0].members[0]')
echo "singleton group: $singleton   shared group: $shared"

step "Watch: ioasidctl monitor (netlink) and bpftrace (tracepoints), in the background"
ioasidctl monitor >"$out/monitor.txt" 2>"$out/monitor.err" &
mon=$!
bpftrace -e 'tracepoint:ioasid:ioasid_policy_decision {
	printf("bpftrace: %s %s ret=%d err=%d ctx=%u\n", str(args->policy),
	       str(args->hook), args->ret, args->err, args->ctx_id); }
tracepoint:ioasid:ioasid_device_attach {
	printf("bpftrace: attach ctx=%u dev=%u ioas=%u\n", args->ctx_id,
	       args->dev_id, args->ioas_id); }' >"$out/bpftrace.txt" 2>&1 &
bt=$!
# bpftrace prints "Attaching N probes" before attaching: count its events.
attached() {
	local n
	n=$(sed -n 's/^Attaching \([0-9]*\) probe.*/\1/p' "$out/bpftrace.txt")
	[ -n "$n" ] && [ "$(bpftool -j perf list |
		jq --argjson p "$bt" 'map(select(.pid == $p)) | length')" -ge "$n" ]
}
for _ in $(seq 300); do
	grep -q monitoring "$out/monitor.err" && attached && break
	sleep 0.1
done
cat "$out/monitor.err"
head -n 1 "$out/bpftrace.txt"

step "Load the bundled singleton policy: only devices alone in their IOMMU group may attach"
run ioasidctl policy list
run ioasidctl policy load singleton

step "Attach an edu device of the shared group (refused), then one of a singleton group (DMA through the IOAS)"
dmesg -C
if run edudma "$shared"; then
	echo "demo: the singleton policy let a shared-group device attach" >&2
	exit 1
fi
run edudma "$singleton"
run ioasidctl policy show
step "The IOMMU blocked the DMA to the unmapped IOVA"
dmesg | grep -m1 'DMAR: \[DMA Write' || echo "(no DMAR fault logged)"

step "Live objects: a process holds a context, an IOAS with two mappings, a nested IOAS and PASIDs"
ioasidhold --map 0x100000:0x4000 --map 0x800000:0x1000 --nested --pasid >"$out/hold.txt" &
holder=$!
for _ in $(seq 100); do grep -q ready "$out/hold.txt" && break; sleep 0.1; done
ctx=$(ioasidctl -j ctx list | jq --argjson p "$holder" '.[] | select(.owner_tgid == $p) | .ctx')
run ioasidctl ctx list
run ioasidctl ioas list
run ioasidctl ioas show "$ctx:1"
run ioasidctl pasid list
printf '$ ioasidctl -j ioas show %s | jq .mappings[0]\n' "$ctx:1"
ioasidctl -j ioas show "$ctx:1" | jq -c -M '.mappings[0]'
kill "$holder"
wait "$holder" || true

step "Replace it atomically with 'minimal': any group may attach, at most 2 PASIDs per context"
run ioasidctl policy replace minimal --set max_pasids=2
run edudma "$shared"
run pasidtool 3
run ioasidctl policy show

step "Replace it again with max_pasids=3"
run ioasidctl policy replace minimal --set max_pasids=3
run pasidtool 4

step "An unmodified QEMU on ioasid_vfio, under a DMA quota: refused, then running"
# Debian's QEMU assigns the singleton edu with vfio-pci; its vCPUs never
# start (-S -qtest), tests/vfio/qemu_edu.py drives the edu over qtest.
run modprobe vfio-pci
run insmod kernel/ioasid_vfio.ko
echo "$singleton" >/sys/bus/pci/drivers/ioasid-pci/unbind
echo vfio-pci >"/sys/bus/pci/devices/$singleton/driver_override"
echo "$singleton" >/sys/bus/pci/drivers_probe
run ioasidctl policy replace dmaquota --set default_quota=$((16 << 20))
echo "(QEMU's 64 MiB of RAM is over the 16 MiB quota)"
run python3 tests/vfio/qemu_edu.py "$singleton" --expect-refusal
run ioasidctl policy replace dmaquota --set default_quota=$((128 << 20))
run python3 tests/vfio/qemu_edu.py "$singleton"
run ioasidctl policy show
echo "$singleton" >/sys/bus/pci/drivers/vfio-pci/unbind
echo ioasid-pci >"/sys/bus/pci/devices/$singleton/driver_override"
echo "$singleton" >/sys/bus/pci/drivers_probe
run rmmod ioasid_vfio

step "Unload: kernel defaults again"
run ioasidctl policy unload
run ioasidctl policy show

kill -INT "$mon" "$bt"
wait "$mon" || true
wait "$bt" || true
step "What ioasidctl monitor saw (policy decisions and changes, device attachments)"
grep -E '^(policy_|device_attach|group_verdict)' "$out/monitor.txt" || true
echo "($(wc -l <"$out/monitor.txt") events in all)"
step "What bpftrace saw on the same tracepoints"
grep '^bpftrace:' "$out/bpftrace.txt" || cat "$out/bpftrace.txt"

step "Give the devices back and unload the module"
for bdf in $edus; do
	echo "$bdf" >/sys/bus/pci/drivers/ioasid-pci/unbind
	echo >"/sys/bus/pci/devices/$bdf/driver_override"
done
run rmmod ioasid
echo "done."
