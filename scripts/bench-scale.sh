#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the guest (make bench-scale): how the cost of a 4 KiB map,
# unmap and map+unmap pair grows with the mappings already there, for
# ioasid's native uAPI (an IOAS with edu 00:01.0's Intel IOMMU domain) and
# through the VFIO API on vfio_iommu_type1 and on ioasid_vfio (edu 00:02.0,
# both with dma_entry_limit raised past the largest level: type1's default
# of 65535 would stop it); then PASID alloc/free pairs and ioasidctl's
# dumps at those sizes.  bench/scale_bench prints "row" lines; this makes
# the tables: ns per operation, growth against the first level, and the
# type1/ioasid_vfio ratio (above 1: ioasid faster).  Prints figures only.
#
#   IOASID_SCALE_LEVELS=1000,10000,100000,1000000
#   IOASID_SCALE_REPS=1000    operations per figure (median of 3 runs)
set -eu
cd "$(dirname "$0")/.."
export PATH="$PWD/cli:$PATH"

levels=${IOASID_SCALE_LEVELS:-1000,10000,100000,1000000}
reps=${IOASID_SCALE_REPS:-1000}
ours=0000:00:01.0
theirs=0000:00:02.0
limit=2000000
out=$(mktemp -d)
fail() { echo "bench-scale: FAILED: $*" >&2; exit 1; }
. scripts/bench-lib.sh

dmesg -C
lsmod | grep -q '^ioasid ' || insmod kernel/ioasid.ko || fail "insmod ioasid.ko"
modprobe vfio-pci || fail "modprobe vfio-pci"
give "$ours" ioasid-pci
give "$theirs" vfio-pci
group=$(basename "$(readlink /sys/bus/pci/devices/$theirs/iommu_group)")
echo "bench-scale: $(uname -r), $(($(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo) / 1024)) MiB;" \
	"levels $levels, $reps operations per figure; under qemu TCG compare growth and ratios"

run() {	# run NAME ARGS...: rows to $out/NAME
	local name=$1 t0
	shift
	t0=$(date +%s)
	bench/scale_bench "$@" --levels "$levels" --reps "$reps" >"$out/$name" ||
		fail "scale_bench $name: $(tail -1 "$out/$name")"
	grep '^#' "$out/$name" | sed "s/^# /bench-scale: $name: /"
	echo "bench-scale: $name done in $(($(date +%s) - t0)) s"
}
run native --native --edu "$ours"
rmmod ioasid_vfio 2>/dev/null || true
modprobe vfio_iommu_type1 || fail "modprobe vfio_iommu_type1"
echo "$limit" >/sys/module/vfio_iommu_type1/parameters/dma_entry_limit
run type1 --vfio-group "$group"
insmod kernel/ioasid_vfio.ko dma_entry_limit="$limit" || fail "insmod ioasid_vfio.ko"
run ioasid_vfio --vfio-group "$group"
rmmod ioasid_vfio

awk -v first="${levels%%,*}" '
FNR == 1 { src = FILENAME; sub(".*/", "", src) }
$1 == "row" { key = $2 " " $3; v[src, key, $4] = $5; keys[key] = 1; ns[$4] = 1 }
function fmt(x) { return x == "" ? "-" : sprintf("%.0f", x) }
END {
	cnt = asort_levels()
	split("map unmap pair map_any", whats, " ")
	printf "\n4 KiB operations into holes spread over the IOVA space, ns each (growth: / the figure at %s)\n", first
	printf "%-6s %9s | %9s %7s | %11s %7s | %9s %7s | %7s\n", "op", "existing", "native", "growth", "ioasid_vfio", "growth", "type1", "growth", "t1/iv"
	for (w = 1; w <= 4; w++) for (i = 1; i <= cnt; i++) {
		n = lv[i]; k = whats[w]
		a = v["native", "native " k, n]; b = v["ioasid_vfio", "vfio " k, n]; c = v["type1", "vfio " k, n]
		a0 = v["native", "native " k, lv[1]]; b0 = v["ioasid_vfio", "vfio " k, lv[1]]; c0 = v["type1", "vfio " k, lv[1]]
		printf "%-6s %9d | %9s %7s | %11s %7s | %9s %7s | %7s\n", k, n, fmt(a), g(a, a0), fmt(b), g(b, b0), fmt(c), g(c, c0), (b && c) ? sprintf("%.2fx", c / b) : "-"
	}
	printf "\nPASID alloc+free pair (ns) and ioasidctl (ms for the whole command), growth: / the first figure\n"
	split("native pasid_pair|ioasidctl ioas_show|ioasidctl ioas_show_json|ioasidctl ctx_list_json", rows, "|")
	for (r = 1; r <= 4; r++) {
		f0 = ""
		for (i = 1; i <= cnt; i++) {
			x = v["native", rows[r], lv[i]]
			if (x == "") continue
			if (f0 == "") f0 = x
			printf "%-26s %9d %12.0f %s %8s\n", rows[r], lv[i], r == 1 ? x : x / 1e6, r == 1 ? "ns" : "ms", g(x, f0)
		}
	}
}
function g(x, x0) { return (x && x0) ? sprintf("%.2fx", x / x0) : "-" }
function asort_levels(   n, m, i, j, t) {
	m = 0
	for (n in ns) lv[++m] = n + 0
	for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (lv[j] < lv[i]) { t = lv[i]; lv[i] = lv[j]; lv[j] = t }
	return m
}' "$out/native" "$out/type1" "$out/ioasid_vfio"
rm -rf "$out"

if dmesg | grep -E "WARNING:|BUG:|Oops|refcount_t|general protection"; then
	fail "the kernel logged the above during the run"
fi
