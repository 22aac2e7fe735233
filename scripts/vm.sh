#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the target kernel in qemu with the host's root over 9p (read-only, tmpfs
# overlay on top) and run one command in it; exit with that command's status.
#
#   scripts/vm.sh [--timeout SEC] [--log FILE] [--mem SIZE] [--out DIR] [--] COMMAND...
#   scripts/vm.sh --shell            interactive shell in the same guest
#
# Topology: q35 + intel-iommu; two edu devices on the root bus (each alone in
# its IOMMU group) and two edu devices behind a pcie-pci-bridge (one shared
# group).  Uses KVM when /dev/kvm is usable, TCG otherwise.  The serial log is
# kept in FILE (default: $CACHE/vm-last.log) and printed when the run fails.
# The command sees a writable directory in $IOASID_OUT; --out copies it to DIR.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ioasid}
timeout=900
log=
mem=2G
shell=
keep=

usage() {
	sed -n '5,7p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--timeout) timeout=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--out) keep=$2; shift 2 ;;
	--shell) shell=1; shift ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ -n "$shell" ] || [ $# -gt 0 ] || usage

kver=${KVER:-$("$here/setup.sh" | tail -n1)}
kroot=$CACHE/kernel/$kver
kernel=$kroot/boot/vmlinuz-$kver
[ -r "$kernel" ] || { echo "vm: no kernel at $kernel (run scripts/setup.sh)" >&2; exit 1; }
log=${log:-$CACHE/vm-last.log}

# The initramfs only holds busybox, the 9p/overlay modules and /init; rebuild
# it when any of those change.
initrd=$CACHE/initramfs-$kver.cpio.gz
if [ ! -s "$initrd" ] || [ "$here/vm-initramfs-init" -nt "$initrd" ] ||
   [ /bin/busybox -nt "$initrd" ]; then
	stage=$(mktemp -d)
	mkdir -p "$stage"/{bin,dev,proc,sys,modules}
	cp /bin/busybox "$stage/bin/busybox"
	cp "$here/vm-initramfs-init" "$stage/init"
	cp "$kroot"/*.ko "$stage/modules/"
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$initrd.tmp"
	mv "$initrd.tmp" "$initrd"
	rm -rf "$stage"
fi

outdir=$(mktemp -d "${TMPDIR:-/tmp}/ioasid-vm.XXXXXX")
trap 'rm -rf "$outdir"' EXIT
pwd >"$outdir/cwd"
if [ -z "$shell" ]; then
	{
		# Pass on the caller's IOASID_* knobs (suite and test filters).
		for v in $(compgen -v IOASID_); do
			printf 'export %s=%q\n' "$v" "${!v}"
		done
		printf 'export IOASID_OUT=/run/ioasid-out\n'
		printf '%q ' "$@"
		echo
	} >"$outdir/cmd"
fi

# One host thread runs both vCPUs: multi-threaded TCG occasionally lets
# a vCPU execute code another one is live-patching (int3 oops at boot).
accel=(-accel tcg,thread=single -cpu max)
if [ -w /dev/kvm ]; then
	accel=(-accel kvm -cpu host)
fi

qemu=(qemu-system-x86_64 "${accel[@]}"
	-machine q35,kernel-irqchip=split -smp 2 -m "$mem"
	-nodefaults -display none -no-reboot
	-device intel-iommu,intremap=on,caching-mode=on
	-device edu -device edu
	-device pcie-root-port,id=rp1,chassis=1,slot=1
	-device pcie-pci-bridge,id=br1,bus=rp1
	-device edu,bus=br1,addr=1.0 -device edu,bus=br1,addr=2.0
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
	-virtfs "local,path=$outdir,mount_tag=ioasidout,security_model=none,multidevs=remap"
	-kernel "$kernel" -initrd "$initrd"
	-append "console=ttyS0 panic=-1 intel_iommu=on iommu.strict=1 quiet loglevel=1 ioasid.init=$here/vm-guest-init.sh ioasid.mods=$kroot/lib/modules/$kver")

if [ -n "$shell" ]; then
	echo "vm: serial console; 'exit' powers the guest off, Ctrl-A x kills it" >&2
	exec "${qemu[@]}" -serial mon:stdio
fi
qemu+=(-serial stdio)

set +e
# The kernel's last word ("reboot: Power down") is not the command's output.
timeout --kill-after=10 "$timeout" "${qemu[@]}" </dev/null 2>&1 | tr -d '\r' |
	tee "$log" | grep --line-buffered -v '^\[ *[0-9.]*\] reboot: Power down$'

qrc=${PIPESTATUS[0]}
set -e

if [ -s "$outdir/status" ]; then
	rc=$(cat "$outdir/status")
else
	if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
		echo "vm: guest killed after ${timeout}s timeout" >&2
	else
		echo "vm: guest died (qemu exit $qrc) before the command finished" >&2
	fi
	rc=125
fi
if [ -n "$keep" ]; then
	mkdir -p "$keep"
	cp -r "$outdir"/. "$keep"/
fi
if [ "$rc" -ne 0 ]; then
	echo "vm: command exited $rc; serial log: $log" >&2
	if [ -s "$outdir/dmesg" ]; then
		cp "$outdir/dmesg" "$log.dmesg"
		echo "----- guest dmesg (last 60 lines, full: $log.dmesg) -----" >&2
		tail -n 60 "$outdir/dmesg" >&2
	fi
fi
exit "$rc"
