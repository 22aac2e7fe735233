#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the guest (make bench): loads ioasid.ko, gives edu 00:01.0 to
# ioasid-pci and edu 00:02.0 to vfio-pci (the VFIO type1 baseline),
# reserves 2 MiB huge pages, and runs bench/map_bench.
#
#   IOASID_BENCH_MAX_MIB=1024   largest size measured
#   IOASID_BENCH_REPS=5         runs per figure (median)
set -eu
cd "$(dirname "$0")/.."

max=${IOASID_BENCH_MAX_MIB:-1024}
reps=${IOASID_BENCH_REPS:-5}
ours=0000:00:01.0
theirs=0000:00:02.0

give() {	# give BDF DRIVER
	local dev=/sys/bus/pci/devices/$1
	[ -e "$dev/driver" ] && echo "$1" >"$dev/driver/unbind"
	echo "$2" >"$dev/driver_override"
	echo "$1" >/sys/bus/pci/drivers_probe
}

insmod kernel/ioasid.ko enable_test_interface=1
modprobe vfio-pci
give "$ours" ioasid-pci
give "$theirs" vfio-pci
group=$(basename "$(readlink /sys/bus/pci/devices/$theirs/iommu_group)")
echo $((max / 2 + 8)) >/proc/sys/vm/nr_hugepages
echo "bench: edu $ours on ioasid-pci, edu $theirs on vfio-pci (group $group)," \
	"$(cat /proc/sys/vm/nr_hugepages) huge pages of 2 MiB"
echo "bench: $(uname -r), $(nproc) vCPUs, qemu TCG: compare ratios, not absolute figures"

bench/map_bench --max-mib "$max" --reps "$reps" --edu "$ours" \
	--vfio-group "$group"
