#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-debug: every suite of make check on the debug kernel (KASAN,
# lockdep, kmemleak, failure injection; scripts/debug-kernel.sh builds it
# once).  ioasid.ko is built against it from a copy of kernel/ and include/
# in $CACHE/debug-build, so kernel/ioasid.ko of the normal build is left
# alone; user space (tests, ioasidctl, BPF objects: CO-RE) is the normal
# build's.  The last line is tests/check.sh's "N passed, N failed".
#
# Environment: IOASID_DEBUG_TIMEOUT (s, the whole guest run), IOASID_DEBUG_MEM
# (guest RAM), IOASID_TEST_TIMEOUT (s per uapi test), and those of check.sh.
# The guest's results are kept in $CACHE/check-debug-last/.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
CACHE=${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ioasid}
export CACHE

dk=$(scripts/debug-kernel.sh | tail -n1)
kdir=$dk/linux

module=$(scripts/module-for-kernel.sh "$kdir" "$CACHE/debug-build" | tail -n1)

keep=$CACHE/check-debug-last
rm -rf "$keep"
echo "check-debug: guest results will be kept in $keep" >&2
# KASAN checks every access: SLUB debugging and KFENCE would only slow the
# guest down.
export IOASID_KROOT=$dk/root IOASID_MODULE=$module IOASID_KEEP=$keep
export IOASID_SLUB_DEBUG= IOASID_KFENCE_INTERVAL=
export IOASID_TEST_TIMEOUT=${IOASID_TEST_TIMEOUT:-1800}
# Only this kernel can inject failures: the fail-nth sweep runs first.
export IOASID_SUITES=${IOASID_SUITES:-failnth uapi cli vfio stress lint}
cd "$top"
exec tests/check.sh --timeout "${IOASID_DEBUG_TIMEOUT:-14400}" \
	--mem "${IOASID_DEBUG_MEM:-3G}" --log "$CACHE/vm-debug-last.log"
