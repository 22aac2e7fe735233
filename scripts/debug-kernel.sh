#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) the debug guest kernel of make check-debug: Debian's
# linux-source-6.12 (downloaded with apt-get download and unpacked, never
# installed), x86_64_defconfig + kvm_guest.config + scripts/debug-kernel.config
# (KASAN, lockdep, kmemleak, failure injection; 9p and overlay built in).
#
#   scripts/debug-kernel.sh           build if needed; last line of stdout: DIR
#   scripts/debug-kernel.sh --dir     print DIR only (exit 1 if not built)
#
# FLAVOUR=iommufd builds, the same way, the peer kernel of make
# bench-iommufd instead: scripts/iommufd-kernel.config (upstream iommufd and
# VFIO's cdev interface, which Debian's kernels leave out; no debugging).
#
# DIR = $CACHE/<flavour>-kernel/<source version> holds:
#   DIR/kver                         the release (6.12.N-ioasid-debug)
#   DIR/root/boot/vmlinuz-<kver>     the kernel (bzImage)
#   DIR/root/lib/modules/<kver>/     its modules, depmod run
#   DIR/linux/                       the build tree: KDIR for out-of-tree modules
#   DIR/build.log                    the build's output
# DIR/root is laid out like the Debian image setup.sh extracts, so that
# IOASID_KROOT=DIR/root boots it in scripts/vm.sh.
# DIR/.built records the hash of the fragment (and of this recipe) it was
# built with: a change of the fragment reconfigures and rebuilds the same
# tree (make rebuilds what the change touches); a new source version builds a
# new DIR and removes the others.  An interrupted build resumes.
#
# Environment:
#   CACHE                cache directory (default: ~/.cache/ioasid)
#   DEBUG_KERNEL_SRC     linux-source-6.12 version (default: apt's candidate)
#   JOBS                 make -j (default: number of CPUs)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ioasid}
FLAVOUR=${FLAVOUR:-debug}
case $FLAVOUR in
debug | iommufd) ;;
*) printf 'debug-kernel: FLAVOUR is debug or iommufd, not %s\n' "$FLAVOUR" >&2; exit 2 ;;
esac
base=$CACHE/$FLAVOUR-kernel
frag=$here/$FLAVOUR-kernel.config
pkg=linux-source-6.12
# Bump when the steps below change what gets built.
recipe=1

log() { printf '%s-kernel: %s\n' "$FLAVOUR" "$*" >&2; }
die() { printf '%s-kernel: error: %s\n' "$FLAVOUR" "$*" >&2; exit 1; }

only_dir=
case ${1:-} in
--dir) only_dir=1 ;;
"") ;;
*) sed -n '9,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return
	log "apt-get update"
	$SUDO apt-get -q update >/dev/null
	apt_updated=1
}

candidate() {
	apt-cache policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -v '(none)' || true
}

srcver=${DEBUG_KERNEL_SRC:-$(candidate)}
if [ -z "$srcver" ] && [ -z "$only_dir" ]; then
	apt_update
	srcver=$(candidate)
fi
[ -n "$srcver" ] || die "no $pkg in the apt sources (bookworm-security)"

key=$({ echo "$srcver"; cat "$frag"; echo "recipe $recipe"; } | sha256sum | cut -c1-16)
dir=$base/$srcver
built() { [ "$(cat "$dir/.built" 2>/dev/null)" = "$key" ]; }
if built; then
	echo "$dir"
	exit 0
fi
[ -z "$only_dir" ] || die "not built yet: $dir (run scripts/debug-kernel.sh)"

# --- build dependencies ------------------------------------------------------
deps="build-essential bc bison flex libssl-dev libelf-dev dwarves kmod cpio
	xz-utils python3"
miss=
for p in $deps; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || miss="$miss $p"
done
if [ -n "$miss" ]; then
	apt_update
	log "installing:$miss"
	$SUDO apt-get -y -q -o Dpkg::Use-Pty=0 -o APT::Install-Recommends=0 install $miss >/dev/null
fi

mkdir -p "$base"
exec 9>"$base/.lock"
flock -n 9 || { log "another build holds $base/.lock; waiting"; flock 9; }
if built; then	# by the one we waited for
	echo "$dir"
	exit 0
fi
mkdir -p "$dir"
rm -f "$dir/.built"
src=$dir/linux

# --- source: the .deb is downloaded, its tarball unpacked ---------------------
if [ ! -e "$dir/.unpacked" ]; then
	deb=$base/${pkg}_${srcver//:/%3a}_all.deb
	if [ ! -s "$deb" ]; then
		log "downloading $pkg $srcver"
		rm -f "$base/${pkg}_"*.deb
		(cd "$base" && apt-get -q -o APT::Sandbox::User=root download "$pkg=$srcver" >/dev/null) ||
			{ apt_update; (cd "$base" && apt-get -q -o APT::Sandbox::User=root download "$pkg=$srcver" >/dev/null); }
	fi
	[ -s "$deb" ] || die "apt-get download did not produce $deb"
	log "unpacking $(basename "$deb") into $src"
	rm -rf "$src" "$dir/unpack"
	mkdir -p "$dir/unpack"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$pkg.tar.xz" | tar -xJ -C "$dir/unpack"
	mv "$dir/unpack/$pkg" "$src"
	rmdir "$dir/unpack"
	touch "$dir/.unpacked"
fi

# --- configuration -------------------------------------------------------------
if [ "$(cat "$dir/.configured" 2>/dev/null)" != "$key" ]; then
	log "configuring: x86_64_defconfig + kvm_guest.config + $(basename "$frag")"
	make -C "$src" -s x86_64_defconfig kvm_guest.config >/dev/null
	(cd "$src" && scripts/kconfig/merge_config.sh -m .config "$frag" >/dev/null)
	make -C "$src" -s olddefconfig
	# Every value the fragment asks for must have survived Kconfig.
	bad=
	while read -r sym want; do
		got=$(sed -n "s/^$sym=//p" "$src/.config")
		[ "${got:-n}" = "$want" ] || bad="$bad $sym=$want(got ${got:-n})"
	done < <(sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*\)=\(.*\)/\1 \2/p' \
		-e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set/\1 n/p' "$frag")
	[ -z "$bad" ] || die "Kconfig did not keep:$bad"
	echo "$key" >"$dir/.configured"
fi

# --- build -------------------------------------------------------------------
jobs=${JOBS:-$(nproc)}
log "building in $src with make -j$jobs (about 40 min on 2 CPUs; log: $dir/build.log)"
t0=$SECONDS
if ! nice make -C "$src" -j"$jobs" bzImage modules >>"$dir/build.log" 2>&1; then
	tail -n 40 "$dir/build.log" >&2
	die "build failed; log: $dir/build.log (run again to resume)"
fi
kver=$(make -C "$src" -s kernelrelease)
rm -rf "$dir/root"
make -C "$src" -s modules_install INSTALL_MOD_PATH="$dir/root" >>"$dir/build.log" 2>&1 ||
	die "modules_install failed; log: $dir/build.log"
depmod -b "$dir/root" "$kver"
mkdir -p "$dir/root/boot"
cp "$src/arch/x86/boot/bzImage" "$dir/root/boot/vmlinuz-$kver"
echo "$kver" >"$dir/kver"
[ -x "$src/tools/bpf/resolve_btfids/resolve_btfids" ] ||
	die "no resolve_btfids in $src: modules would have no BTF"
log "built $kver in $(((SECONDS - t0) / 60)) min $(((SECONDS - t0) % 60)) s"
echo "$key" >"$dir/.built"

# Only the current build is kept: each one is several GB.
for old in "$base"/*/; do
	old=${old%/}
	[ "$old" = "$dir" ] && continue
	log "removing the stale build $old"
	rm -rf "$old"
done
echo "$dir"
