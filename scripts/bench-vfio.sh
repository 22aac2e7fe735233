#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the guest (make bench, after bench.sh): VFIO type1 containers
# on vfio_iommu_type1 and on ioasid_vfio, side by side in one run.
#  1. bench/vfio_bench: MAP_DMA/UNMAP_DMA throughput and the 4 KiB pair,
#     one container of each backend (edu 00:01.0 and 00:02.0 on vfio-pci);
#  2. the time Debian's QEMU takes from start to a guest of 1 GiB whose RAM
#     is mapped (QMP answering: device realize, RAM mapping and all), on
#     each backend in turn.
# Prints figures only; fails when a step fails.
#
#   IOASID_BENCH_REPS=5      runs per figure (median)
#   IOASID_BENCH_MAX_MIB     largest size of 1. (default 1024)
set -eu
cd "$(dirname "$0")/.."

reps=${IOASID_BENCH_REPS:-5}
max=${IOASID_BENCH_MAX_MIB:-1024}
a=0000:00:01.0
b=0000:00:02.0
fail() { echo "bench-vfio: FAILED: $*" >&2; exit 1; }
. scripts/bench-lib.sh
group_of() { basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")"; }

lsmod | grep -q '^ioasid ' || insmod kernel/ioasid.ko || fail "insmod ioasid.ko"
modprobe vfio-pci || fail "modprobe vfio-pci"
rmmod ioasid_vfio 2>/dev/null || true
modprobe vfio_iommu_type1 || fail "modprobe vfio_iommu_type1"
give "$a" vfio-pci
give "$b" vfio-pci

echo
echo "bench-vfio: type1 container on group $(group_of "$a"), ioasid_vfio's on group $(group_of "$b")"
coproc VB { bench/vfio_bench --type1-group "$(group_of "$a")" \
	--ioasid-group "$(group_of "$b")" --reps "$reps" --max-mib "$max"; }
vb_pid=$VB_PID	# bash unsets VB_PID once the coprocess is gone
read -r line <&"${VB[0]}" || fail "vfio_bench did not start"
[ "$line" = "vfio_bench: type1 container ready" ] || fail "vfio_bench: $line"
insmod kernel/ioasid_vfio.ko || fail "insmod ioasid_vfio.ko"
echo go >&"${VB[1]}"
cat <&"${VB[0]}"
wait "$vb_pid" || fail "vfio_bench failed"

# 2. QEMU, 1 GiB, to QMP answering; the backends in turn.
qemu_start() {
	python3 - "$b" <<'PY'
import json, os, socket, subprocess, sys, tempfile, time
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "qmp")
    t0 = time.monotonic()
    p = subprocess.Popen(["qemu-system-x86_64", "-machine", "q35", "-accel", "tcg",
                          "-m", "1024", "-nodefaults", "-display", "none", "-S",
                          "-qmp", f"unix:{path},server=on,wait=off",
                          "-device", f"vfio-pci,host={sys.argv[1]}"],
                         stderr=subprocess.PIPE)
    while True:
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(path)
            s.makefile().readline()
            break
        except OSError:
            if p.poll() is not None:
                sys.exit("qemu: " + p.stderr.read().decode().strip())
            time.sleep(0.005)
    t = time.monotonic() - t0
    p.kill()
    p.wait()
    print(f"{t:.3f}")
PY
}
declare -A qt
for r in $(seq "$reps"); do
	for be in type1 ioasid; do
		if [ "$be" = type1 ]; then rmmod ioasid_vfio; else insmod kernel/ioasid_vfio.ko; fi
		qt[$be]+="$(qemu_start) "
	done
done
med() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
t1=$(echo "${qt[type1]}" | med)
ti=$(echo "${qt[ioasid]}" | med)
echo "QEMU start to a 1 GiB guest with its RAM mapped (median of $reps): type1 ${t1} s, ioasid ${ti} s: ioasid $(awk -v a="$t1" -v b="$ti" 'BEGIN { printf "%.2f", a / b }')x type1"
rmmod ioasid_vfio
