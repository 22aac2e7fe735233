#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the guest (make bench): loads ioasid.ko, gives edu 00:01.0 to
# ioasid-pci and edu 00:02.0 to vfio-pci (the VFIO type1 baseline),
# reserves 2 MiB huge pages, and runs bench/map_bench.  Prints figures only;
# fails (non-zero) when a set-up step or an ioctl fails, or when the kernel
# logs a warning during the run.
#
#   IOASID_BENCH_MAX_MIB=1024   largest size measured (clamped to the guest)
#   IOASID_BENCH_REPS=5         runs per figure (median; half from 256 MiB)
#   IOASID_BENCH_HUGETLB=0      reserve no huge pages: 2 MiB memory from THP
#   IOASID_BENCH_PEER=iommufd   on a kernel with iommufd (make bench-iommufd):
#                               edu 00:02.0 is measured through upstream
#                               iommufd (its VFIO cdev) instead of type1
#   IOASID_MODULE=PATH          the ioasid.ko to load (default kernel/ioasid.ko)
set -eu
cd "$(dirname "$0")/.."

max=${IOASID_BENCH_MAX_MIB:-1024}
reps=${IOASID_BENCH_REPS:-5}
bench=${IOASID_BENCH_PROG:-bench/map_bench}
ours=0000:00:01.0
theirs=0000:00:02.0

fail() {
	echo "bench: FAILED: $*" >&2
	exit 1
}

. scripts/bench-lib.sh

[ -x "$bench" ] || fail "$bench is not built (make -C bench)"
dmesg -C
module=${IOASID_MODULE:-kernel/ioasid.ko}
insmod "$module" enable_test_interface=1 || fail "insmod $module"
modprobe vfio-pci || fail "modprobe vfio-pci (modules of $(uname -r))"
give "$ours" ioasid-pci
give "$theirs" vfio-pci
group=$(basename "$(readlink /sys/bus/pci/devices/$theirs/iommu_group)")
case ${IOASID_BENCH_PEER:-type1} in
type1) peer=(--vfio-group "$group") ;;
iommufd)
	modprobe iommufd || fail "modprobe iommufd (a kernel built with it?)"
	peer=(--iommufd-edu "$theirs")
	;;
*) fail "IOASID_BENCH_PEER is type1 or iommufd" ;;
esac

# One buffer of each memory kind is live at a time, the 2 MiB one from the
# huge page pool reserved here for the whole run: keep both, and some
# room for the kernel, inside what the guest has.
avail=$(($(sed -n 's/^MemAvailable: *\([0-9]*\) kB/\1/p' /proc/meminfo) / 1024))
room=$(((avail - 384) / 2))
[ "$room" -ge 1 ] || fail "guest has only $avail MiB available (IOASID_BENCH_MEM)"
if [ "$max" -gt "$room" ]; then
	echo "bench: guest has $avail MiB available: largest size $room MiB, not $max"
	max=$room
fi
want=$((max / 2 + 1))
[ "${IOASID_BENCH_HUGETLB:-1}" = 0 ] || echo "$want" >/proc/sys/vm/nr_hugepages || true
got=$(cat /proc/sys/vm/nr_hugepages)
if [ "${IOASID_BENCH_HUGETLB:-1}" = 0 ]; then
	echo "bench: IOASID_BENCH_HUGETLB=0: 2 MiB memory from THP"
elif [ "$got" -lt "$want" ]; then
	echo "bench: only $got of $want huge pages of 2 MiB: giving them back, THP instead"
	echo 0 >/proc/sys/vm/nr_hugepages
fi
echo "bench: edu $ours on ioasid-pci, edu $theirs on vfio-pci (group $group) for ${IOASID_BENCH_PEER:-type1}," \
	"$(cat /proc/sys/vm/nr_hugepages) huge pages of 2 MiB reserved," \
	"THP $(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled)"
echo "bench: $(uname -r), $(nproc) vCPUs, $(($(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo) / 1024)) MiB," \
	"$(date -u +%F); under qemu TCG compare ratios, not absolute figures"

rc=0
"$bench" --max-mib "$max" --reps "$reps" --edu "$ours" "${peer[@]}" || rc=$?

if dmesg | grep -E "WARNING:|BUG:|Oops|DMAR:.*[Ff]ault|refcount_t|general protection"; then
	echo "bench: the kernel logged the above during the run" >&2
	[ "$rc" -ne 0 ] || rc=1
fi
[ "$rc" -eq 0 ] || fail "map_bench exited $rc"
