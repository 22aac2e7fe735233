#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the guest (make bench-share, which boots it with
# IOASID_VM_EXTRA_EDU=2): one buffer of 1 GiB mapped into 1, 2 and 4 DMA
# address spaces, each with its own edu device: ioasid IOAS (IOASID_IOAS_MAP
# into each, or MAP once and IOASID_IOAS_COPY into the others) and VFIO
# type1 containers (VFIO_IOMMU_MAP_DMA into each).  bench/share_bench
# prints the time to map and unmap all N and the VmLck growth (the memory
# charged to RLIMIT_MEMLOCK), for 2M-backed and 4K-scattered memory.
#
# The four edu devices alone in their IOMMU group (found in sysfs) go to
# ioasid-pci for the ioasid rows, then to vfio-pci for type1, as
# share_bench asks ("share_bench: want DRIVER"), once per backing.  Prints
# figures only; fails when a step fails or the kernel logs a warning.
#
#   IOASID_BENCH_REPS=3          runs per figure (median)
#   IOASID_SHARE_BACKING=both    2m, 4k or both
#   IOASID_SHARE_MIB=1024        size of the buffer
#   IOASID_MODULE=PATH           the ioasid.ko to load (default kernel/ioasid.ko)
set -eu
cd "$(dirname "$0")/.."

reps=${IOASID_BENCH_REPS:-3}
backing=${IOASID_SHARE_BACKING:-both}
mib=${IOASID_SHARE_MIB:-1024}
module=${IOASID_MODULE:-kernel/ioasid.ko}
bench=bench/share_bench

fail() {
	echo "bench-share: FAILED: $*" >&2
	exit 1
}

. scripts/bench-lib.sh

[ -x "$bench" ] || fail "$bench is not built (make -C bench share_bench)"
dmesg -C
if ! lsmod | grep -q '^ioasid '; then
	insmod "$module" || fail "insmod $module"
fi
modprobe vfio-pci || fail "modprobe vfio-pci (modules of $(uname -r))"
rmmod ioasid_vfio 2>/dev/null || true
modprobe vfio_iommu_type1 || fail "modprobe vfio_iommu_type1"

# The edu devices (1234:11e8) that are alone in their IOMMU group.
edus=()
for d in /sys/bus/pci/devices/*; do
	if [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ] &&
	   [ -d "$d/iommu_group/devices" ] &&
	   [ "$(find "$d/iommu_group/devices/" -mindepth 1 -maxdepth 1 | wc -l)" -eq 1 ]; then
		edus+=("$(basename "$d")")
	fi
done
[ "${#edus[@]}" -ge 4 ] ||
	fail "need 4 edu devices alone in their IOMMU group, found ${#edus[@]} (${edus[*]:-none}): boot with IOASID_VM_EXTRA_EDU=2"
edus=("${edus[@]:0:4}")
args=()
for e in "${edus[@]}"; do
	args+=(--edu "$e")
done

echo "bench-share: $(uname -r), $(nproc) vCPUs, $(($(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo) / 1024)) MiB," \
	"THP $(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled)," \
	"module $module, $(date -u +%F); under qemu TCG compare ratios, not absolute figures"

# share_bench asks for the devices' driver on its stdout and waits for "ok".
coproc SB { "$bench" --reps "$reps" --backing "$backing" --mib "$mib" "${args[@]}"; }
sb_pid=$SB_PID	# bash unsets SB and SB_PID once the coprocess is gone
exec {sb_out}<&"${SB[0]}" {sb_in}>&"${SB[1]}"
while IFS= read -r line <&"$sb_out"; do
	case $line in
	"share_bench: want "*)
		drv=${line#share_bench: want }
		for e in "${edus[@]}"; do
			give "$e" "$drv"
		done
		echo "bench-share: ${edus[*]} on $drv"
		echo ok >&"$sb_in"
		;;
	*)
		printf '%s\n' "$line"
		;;
	esac
done
rc=0
wait "$sb_pid" || rc=$?
exec {sb_out}<&- {sb_in}>&-

if dmesg | grep -E "WARNING:|BUG:|Oops|DMAR:.*[Ff]ault|refcount_t|general protection"; then
	echo "bench-share: the kernel logged the above during the run" >&2
	[ "$rc" -ne 0 ] || rc=1
fi
[ "$rc" -eq 0 ] || fail "share_bench exited $rc"
