#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check KVER=6.12.N+deb13-amd64 (or make check-trixie): every suite of
# make check on Debian 13's (trixie's) kernel in the guest.  Trixie's
# headers need trixie's compiler (gcc-14), so ioasid.ko is built in a trixie
# chroot, made once with debootstrap from the same Debian archive into
# $CACHE/trixie-root, which also holds the target kernel's headers and image
# (apt in the chroot; nothing is installed on the host).  The guest boots
# that image (extracted into $CACHE/kernel/<release>, as setup.sh does for
# Debian 12's) with the host's root; user space (tests, ioasidctl, BPF
# objects: CO-RE) is the normal build's, as for make check-debug.  The last
# line is tests/check.sh's "N passed, N failed".
#
#   scripts/check-trixie.sh [--build-only] [KVER]
#                 KVER default: what trixie's linux-headers-amd64 depends on;
#                 --build-only: stop once ioasid.ko is built for KVER
#
# Environment: IOASID_SUITES (default: uapi cli vfio stress lint; the
# packages suite builds for the host's Debian 12 kernel), and those of check.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
CACHE=${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ioasid}
export CACHE
root=$CACHE/trixie-root
mirror=$(grep -rhs '^URIs:.*/debian$' /etc/apt/sources.list.d/ | head -n1 | awk '{print $2}')
mirror=${mirror:-http://deb.debian.org/debian}

log() { printf 'check-trixie: %s\n' "$*" >&2; }
die() { printf 'check-trixie: error: %s\n' "$*" >&2; exit 1; }
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
	DEBIAN_FRONTEND=noninteractive "$@"; }
APT="apt-get -y -q -o Dpkg::Use-Pty=0 -o APT::Install-Recommends=0"

# The normal build (Debian 12 target): user space for the guest.
env -u KVER -u KDIR -u MAKEFLAGS -u MAKELEVEL make -s -C "$top" all >&2

if [ ! -e "$root/.done" ]; then
	command -v debootstrap >/dev/null || die "debootstrap missing (scripts/setup.sh installs it)"
	log "debootstrap trixie into $root (once, a few minutes)"
	rm -rf "$root"
	debootstrap --variant=minbase \
		--include=build-essential,bpftool,dwarves,libelf-dev,xz-utils,kmod,bc,python3 \
		trixie "$root" "$mirror" >"$CACHE/trixie-debootstrap.log" 2>&1 ||
		die "debootstrap failed, see $CACHE/trixie-debootstrap.log"
	in_root $APT update >/dev/null
	touch "$root/.done"
fi

build_only=
if [ "${1:-}" = --build-only ]; then build_only=1; shift; fi
kver=${1:-}
if [ -z "$kver" ]; then
	in_root $APT update >/dev/null
	kver=$(in_root apt-cache depends linux-headers-amd64 |
		sed -n 's/.*Depends: linux-headers-\(6\.[0-9.]*+deb13-amd64\)$/\1/p' | head -n1)
	[ -n "$kver" ] || die "no linux-headers-amd64 in trixie"
fi
case $kver in *+deb13-amd64) ;; *) die "$kver is not a Debian 13 kernel" ;; esac
if [ ! -e "$root/usr/src/linux-headers-$kver/Makefile" ]; then
	log "installing linux-headers-$kver and its image in the chroot"
	in_root $APT update >/dev/null
	in_root $APT install "linux-headers-$kver" "linux-image-$kver" >/dev/null
fi

# The guest's kernel: the image's files, as setup.sh's extract_image.
kroot=$CACHE/kernel/$kver
if [ ! -e "$kroot/.done" ]; then
	log "extracting linux-image-$kver-unsigned into $kroot"
	rm -rf "$kroot" "$root/tmp/img" && mkdir -p "$kroot" "$root/tmp/img"
	in_root sh -c "cd /tmp/img && apt-get -q -o APT::Sandbox::User=root download linux-image-$kver-unsigned" >/dev/null
	dpkg-deb -x "$root"/tmp/img/linux-image-"$kver"-unsigned_*.deb "$kroot"
	# Trixie's image is merged-/usr; vm.sh looks in lib/modules.
	[ -e "$kroot/lib" ] || ln -s usr/lib "$kroot/lib"
	rm -rf "$root/tmp/img"
	depmod -b "$kroot" "$kver"
	for m in fs/netfs/netfs net/9p/9pnet net/9p/9pnet_virtio fs/9p/9p fs/overlayfs/overlay; do
		xz -dc "$kroot/lib/modules/$kver/kernel/$m.ko.xz" >"$kroot/${m##*/}.ko"
	done
	touch "$kroot/.done"
fi

# ioasid.ko and ioasid_vfio.ko from a copy of kernel/ and include/ in the
# chroot, built with trixie's toolchain (copied by content, as check-debug).
bdir=$root/build/ioasid
mkdir -p "$bdir"
rm -rf "$bdir/include"
mkdir -p "$bdir/kernel/vfio"
for f in kernel/Kbuild kernel/*.[ch] kernel/vfio/*.[ch] kernel/vfio/*.sh; do
	case $f in *.mod.c | */vfio_layout.h) continue ;; esac
	cmp -s "$f" "$bdir/$f" || cp "$f" "$bdir/$f"
done
cp -r include "$bdir/"
log "building ioasid.ko for $kver in the chroot ($bdir/kernel)"
in_root make -s -C "/usr/src/linux-headers-$kver" M=/build/ioasid/kernel modules >&2
module=$bdir/kernel/ioasid.ko
modinfo -F vermagic "$module" | grep -q "^$kver " || die "$module is not built for $kver"

if [ -n "$build_only" ]; then
	echo "$module"
	exit 0
fi
export IOASID_KROOT=$kroot IOASID_MODULE=$module
export IOASID_SUITES=${IOASID_SUITES:-uapi cli vfio stress lint}
exec tests/check.sh
