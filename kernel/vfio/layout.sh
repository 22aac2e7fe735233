#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# layout.sh OBJTREE KERNELRELEASE: print vfio_layout.h, the layout of vfio.ko's
# struct vfio_iommu_driver_ops and enum vfio_group_type as the target
# kernel's BTF gives them, for the asserts of ioasid_vfio.c.  Looks for
# vfio.ko in the kernel's build tree, then under /lib/modules/RELEASE; the
# base BTF is OBJTREE/vmlinux.  Fails with one line when it cannot tell.
set -eu
objtree=$1
release=$2
die() { echo "vfio/layout.sh: $*" >&2; exit 1; }

command -v bpftool >/dev/null || die "bpftool is needed to read vfio.ko's BTF"
[ -r "$objtree/vmlinux" ] || die "no $objtree/vmlinux (base BTF) for $release"
ko=
for f in "$objtree/drivers/vfio/vfio.ko" \
	 "/lib/modules/$release/kernel/drivers/vfio/vfio.ko" \
	 "/lib/modules/$release/kernel/drivers/vfio/vfio.ko.xz"; do
	if [ -r "$f" ]; then ko=$f; break; fi
done
[ -n "$ko" ] || die "no vfio.ko of $release (install its linux-image package)"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
case $ko in
*.xz) xz -dc "$ko" >"$tmp" ;;
*) cp "$ko" "$tmp" ;;
esac

bpftool -B "$objtree/vmlinux" btf dump file "$tmp" | awk -v ko="$ko" '
	/^\[[0-9]+\] / { s = 0; e = 0 }
	/^\[[0-9]+\] STRUCT .vfio_iommu_driver_ops. / {
		s = 1; found++
		sub(/.*size=/, ""); sub(/ .*/, "")
		printf "#define VFIO_LAYOUT_SIZE %s\n", $0
		next
	}
	/^\[[0-9]+\] ENUM .vfio_group_type. / { e = 1; next }
	s && /bits_offset=/ {
		name = $1; gsub(/\047/, "", name)
		off = $0; sub(/.*bits_offset=/, "", off)
		printf "#define VFIO_LAYOUT_OFF_%s %d\n", name, off / 8
		members++
	}
	e && /val=/ {
		name = $1; gsub(/\047/, "", name)
		val = $0; sub(/.*val=/, "", val)
		printf "#define VFIO_LAYOUT_%s %s\n", name, val
	}
	END {
		if (found != 1) {
			printf "vfio/layout.sh: %s has no BTF for struct vfio_iommu_driver_ops\n", ko > "/dev/stderr"
			exit 1
		}
		printf "#define VFIO_LAYOUT_MEMBERS %d\n", members
	}'
