#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-iommufd: make bench's map/unmap figures against upstream
# iommufd, the strongest peer, which Debian's kernels leave out.  Builds
# (once, about 25 min on 2 CPUs) Debian's 6.12 source with iommufd and
# VFIO's cdev interface (FLAVOUR=iommufd scripts/debug-kernel.sh), ioasid.ko
# against it (scripts/module-for-kernel.sh, in $CACHE/iommufd-build), and
# boots it twice in the usual guest, memory detectors off: ioasid on edu
# 00:01.0 side by side with iommufd on edu 00:02.0, then with VFIO type1 on
# the same kernel.  Prints figures only.
#
# Environment: those of scripts/bench.sh (IOASID_BENCH_MAX_MIB, default 2
# here; IOASID_BENCH_REPS), IOASID_BENCH_MEM (guest RAM, default 3G).
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ioasid}
export CACHE

dk=$(FLAVOUR=iommufd scripts/debug-kernel.sh | tail -n1)
module=$(scripts/module-for-kernel.sh "$dk/linux" "$CACHE/iommufd-build" | tail -n1)
export IOASID_KROOT=$dk/root IOASID_MODULE=$module
export IOASID_SLUB_DEBUG= IOASID_KFENCE_INTERVAL=
export IOASID_BENCH_MAX_MIB=${IOASID_BENCH_MAX_MIB:-2}
for peer in iommufd type1; do
	echo "bench-iommufd: $(cat "$dk/kver"): ioasid against $peer"
	IOASID_BENCH_PEER=$peer scripts/vm.sh --mem "${IOASID_BENCH_MEM:-3G}" \
		-- scripts/bench.sh
done
