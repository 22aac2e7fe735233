#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Idempotent set-up for building and testing ioasid on Debian 12 (bookworm).
#
# Installs the toolchain (clang, libbpf >= 1.4 and bpftool from bookworm-backports,
# dwarves, qemu, busybox-static, test frameworks), the headers of the target kernel,
# and extracts (does not install) the matching kernel image into $CACHE so the qemu
# guest can boot it.  Prints nothing when everything is already in place.
#
# Environment:
#   KVER   target kernel release (default: newest 6.12.N+deb12-amd64 with image+headers)
#   CACHE  cache directory outside git (default: ~/.cache/ioasid)
#
# On success the last line of stdout is the chosen KVER (so `make` can capture it).
set -euo pipefail

CACHE=${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ioasid}
mkdir -p "$CACHE"

log() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || die "not root and no sudo: cannot install packages"
	SUDO=sudo
fi

export DEBIAN_FRONTEND=noninteractive
APT="$SUDO apt-get -y -q -o Dpkg::Use-Pty=0 -o APT::Install-Recommends=0"

apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return
	log "apt-get update"
	$SUDO apt-get -q update >/dev/null
	apt_updated=1
}

# Packages from bookworm proper.
BASE_PKGS="build-essential make clang llvm lld libelf-dev zlib1g-dev pkg-config
	dwarves bats busybox-static qemu-system-x86 kmod cpio xz-utils zstd
	libcriterion-dev libjansson-dev libmnl-dev jq bpftrace python3 file
	bash-completion python3-yaml python3-jsonschema
	debhelper dh-dkms dkms lintian debootstrap"
# Packages that must come from bookworm-backports (libbpf >= 1.4 finds module
# struct_ops types; bookworm's 1.1 does not).
BPO_PKGS="libbpf-dev bpftool"

missing_pkgs() {
	local p out=
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			out="$out $p"
	done
	echo "$out"
}

ensure_backports() {
	if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		log "adding bookworm-backports to apt sources"
		local uri
		uri=$(grep -rhs '^URIs:.*debian$\|^URIs: .*/debian$' /etc/apt/sources.list.d/ | head -1 | awk '{print $2}')
		[ -n "$uri" ] || uri=http://deb.debian.org/debian
		printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
			"$uri" | $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
		apt_updated=
	fi
}

libbpf_new_enough() {
	local v
	v=$(dpkg-query -W -f='${Version}' libbpf-dev 2>/dev/null) || return 1
	dpkg --compare-versions "$v" ge 1:1.4 2>/dev/null ||
		dpkg --compare-versions "$v" ge 1.4
}

install_toolchain() {
	local miss
	miss=$(missing_pkgs $BASE_PKGS)
	if [ -n "$miss" ]; then
		apt_update
		log "installing:$miss"
		$APT install $miss >/dev/null
	fi
	if ! libbpf_new_enough || [ -n "$(missing_pkgs bpftool)" ]; then
		ensure_backports
		apt_update
		log "installing from bookworm-backports: $BPO_PKGS"
		$APT -t bookworm-backports install $BPO_PKGS >/dev/null
	fi
}

pick_kver() {
	if [ -n "${KVER:-}" ]; then
		echo "$KVER"
		return
	fi
	if [ -s "$CACHE/kver" ]; then
		cat "$CACHE/kver"
		return
	fi
	apt_update
	local n best=
	for n in $(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' |
		   sed -n 's/^linux-image-6\.12\.\([0-9]*\)+deb12-amd64-unsigned .*/\1/p' | sort -rn); do
		if apt-cache show "linux-headers-6.12.$n+deb12-amd64" >/dev/null 2>&1; then
			best=$n
			break
		fi
	done
	[ -n "$best" ] || die "no linux-image/linux-headers 6.12.N+deb12-amd64 pair in apt sources"
	echo "6.12.$best+deb12-amd64" | tee "$CACHE/kver"
}

install_headers() {
	local kver=$1
	[ -e "/usr/src/linux-headers-$kver/Makefile" ] && return
	apt_update
	log "installing linux-headers-$kver (takes a few minutes)"
	$APT install "linux-headers-$kver" >/dev/null
}

extract_image() {
	local kver=$1 root=$CACHE/kernel/$kver
	[ -e "$root/.done" ] && return
	apt_update
	log "downloading and extracting linux-image-$kver-unsigned into $root"
	rm -rf "$root" && mkdir -p "$root"
	(cd "$CACHE" && apt-get -q -o APT::Sandbox::User=root \
		download "linux-image-$kver-unsigned" >/dev/null)
	dpkg-deb -x "$CACHE/linux-image-$kver-unsigned_"*.deb "$root"
	rm -f "$CACHE/linux-image-$kver-unsigned_"*.deb
	# The package ships no modules.dep; build it so modprobe works in the guest.
	depmod -b "$root" "$kver"
	# busybox insmod cannot read .ko.xz: keep decompressed copies of what the
	# initramfs loads before switch_root.
	local m
	for m in fs/netfs/netfs net/9p/9pnet net/9p/9pnet_virtio fs/9p/9p fs/overlayfs/overlay; do
		xz -dc "$root/lib/modules/$kver/kernel/$m.ko.xz" >"$root/${m##*/}.ko"
	done
	touch "$root/.done"
}

# The kernel's own netlink tools: ynl (tools/net/ynl) and the netlink spec
# schemas and specs (Documentation/netlink), from Debian's linux-source of
# the target kernel's series, extracted once into $CACHE/ynl (never
# installed).  tests/cli/ynl.bats runs ynl's cli.py against the module with
# docs/netlink/ioasid.yaml; tests/netlink/spec-check.py validates the spec.
extract_ynl() {
	local series dir=$CACHE/ynl tmp
	series=$(echo "$1" | cut -d. -f1-2)
	[ "$(cat "$dir/.done" 2>/dev/null)" = "linux-source-$series" ] && return
	apt_update
	log "extracting tools/net/ynl and Documentation/netlink of linux-source-$series into $dir"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get -q -o APT::Sandbox::User=root download \
		"linux-source-$series" >/dev/null)
	dpkg-deb --fsys-tarfile "$tmp"/linux-source-"$series"_*.deb |
		tar -x -O --wildcards "*/linux-source-$series.tar.xz" |
		tar -xJ -C "$tmp" "linux-source-$series/tools/net/ynl" \
			"linux-source-$series/Documentation/netlink"
	rm -rf "$dir" && mkdir -p "$dir"
	mv "$tmp/linux-source-$series/tools" "$tmp/linux-source-$series/Documentation" "$dir/"
	rm -rf "$tmp"
	echo "linux-source-$series" >"$dir/.done"
}

install_toolchain
kver=$(pick_kver)
install_headers "$kver"
extract_image "$kver"
extract_ynl "$kver"
echo "$kver"
