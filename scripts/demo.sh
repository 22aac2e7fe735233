#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: runs in the guest.  Loads ioasid.ko, shows the kernel's default
# decision, loads a BPF policy that changes it, watches the decision in the
# tracepoint, drives an edu device from user space (DMA through an IOAS,
# then blocked by the IOMMU once unmapped), and unloads everything again.
set -eu
cd "$(dirname "$0")/.."
export PATH="$PWD/cli:$PWD/tests/tools:$PATH"

step() { printf '\n\033[1m## %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "Load the module: /dev/ioasid appears, ioasid_policy_ops is registered"
run insmod kernel/ioasid.ko
run ls -l /dev/ioasid
run bpftool btf dump file /sys/kernel/btf/ioasid | grep -A3 "STRUCT 'ioasid_policy_ops'" || true

step "Without a policy, the kernel's default: a context may take many PASIDs"
run pasidtool 3

step "The bundled policies"
run ioasidctl policy list

step "Load 'minimal' with its knob max_pasids=2"
run ioasidctl policy load minimal --set max_pasids=2
run ls /sys/fs/bpf/ioasid/

tracefs=/sys/kernel/tracing
echo 1 >$tracefs/events/ioasid/enable
echo >$tracefs/trace

step "The same request now: the policy refuses the third PASID (EDQUOT)"
run pasidtool 3

step "Every decision is a tracepoint (tracepoint:ioasid:* for bpftrace)"
grep -o 'ioasid_.*' $tracefs/trace
echo 0 >$tracefs/events/ioasid/enable

step "Replace it atomically with max_pasids=3"
run ioasidctl policy replace minimal --set max_pasids=3
run pasidtool 4

step "Unload: kernel defaults again"
run ioasidctl policy unload
run pasidtool 3

step "A user-space driver: edu 0000:00:01.0 DMAs through an IOAS"
edu=0000:00:01.0
[ -e /sys/bus/pci/devices/$edu/driver ] &&
	echo $edu >/sys/bus/pci/devices/$edu/driver/unbind
echo ioasid-pci >/sys/bus/pci/devices/$edu/driver_override
echo $edu >/sys/bus/pci/drivers_probe
run ls /dev/ioasid-pci/
dmesg -C
echo 1 >$tracefs/events/ioasid/enable
echo >$tracefs/trace
run edudma $edu
echo 0 >$tracefs/events/ioasid/enable
grep -o 'ioasid_\(ioas\|device\)_.*' $tracefs/trace
step "The IOMMU blocked the DMA to the unmapped IOVA"
dmesg | grep -m1 'DMAR: \[DMA Write' || echo "(no DMAR fault logged)"
echo $edu >/sys/bus/pci/drivers/ioasid-pci/unbind

step "Unload the module"
run rmmod ioasid
echo "done."
