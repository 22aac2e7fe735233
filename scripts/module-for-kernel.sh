#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build ioasid.ko (and ioasid_vfio.ko) against another kernel tree than the
# target's headers, from a copy of kernel/ and include/ in BDIR, so that the
# normal build's kernel/*.ko are left alone.  Used by make check-debug (the
# debug kernel) and make bench-iommufd (the iommufd peer kernel).
#
#   scripts/module-for-kernel.sh KDIR BDIR    last line of stdout: the ioasid.ko
#
# The sources are copied by content: a file that differs from its copy gets
# a new time, so make rebuilds what it touches, even when the copy came from
# another branch or worktree with later file times (copying the times instead
# once linked a stale object whose ops table had another layout).  Files gone
# from the tree go from the copy too.
set -euo pipefail
[ $# -eq 2 ] || { sed -n '9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
kdir=$1 bdir=$2
cd "$(dirname "$0")/.."

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
echo "module-for-kernel: building ioasid.ko for $(make -s -C "$kdir" kernelrelease) in $bdir/kernel" >&2
make -s -C "$kdir" M="$bdir/kernel" modules >&2
echo "$bdir/kernel/ioasid.ko"
