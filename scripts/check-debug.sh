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
kver=$(cat "$dk/kver")
kdir=$dk/linux

# The module's sources, copied by content: a file that differs from its
# copy gets a new time, so make rebuilds what it touches, even when the
# copy came from another branch or worktree with later file times (copying
# the times instead once linked a stale object whose ops table had another
# layout).  Files gone from the tree go from the copy too.
bdir=$CACHE/debug-build
sync_file() {
	if ! cmp -s "$1" "$2"; then
		mkdir -p "$(dirname "$2")"
		cp "$1" "$2"
	fi
}
mkdir -p "$bdir/kernel/vfio"
for f in "$bdir"/kernel/*.[ch] "$bdir"/kernel/Kbuild "$bdir"/kernel/vfio/*.[ch] \
	 "$bdir"/kernel/vfio/*.sh; do
	[ -e "$f" ] || continue
	case $f in *.mod.c | */vfio_layout.h) continue ;; esac
	[ -e "${f#"$bdir"/}" ] || rm -f "$f"
done
for f in kernel/Kbuild kernel/*.[ch] kernel/vfio/*.[ch] kernel/vfio/*.sh; do
	case $f in *.mod.c | */vfio_layout.h) continue ;; esac
	sync_file "$f" "$bdir/$f"
done
# (Absent on the first run: find's failure would end the script.)
if [ -d "$bdir/include" ]; then
	find "$bdir/include" -type f | while read -r f; do
		[ -e "${f#"$bdir"/}" ] || rm -f "$f"
	done
fi
find include -type f | while read -r f; do sync_file "$f" "$bdir/$f"; done
echo "check-debug: building ioasid.ko for $kver in $bdir/kernel" >&2
make -s -C "$kdir" M="$bdir/kernel" modules
module=$bdir/kernel/ioasid.ko

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
