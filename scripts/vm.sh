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
# group), plus IOASID_VM_EXTRA_EDU more on the root bus, added last (find
# them in sysfs by 1234:11e8).  Uses KVM only when a probe boot proved it
# works (IOASID_ACCEL=kvm|tcg forces one), TCG otherwise.  A guest that dies
# without exiting (accelerator error, panic, no progress) ends the run within
# seconds.  The serial log is kept in FILE (default: one per run,
# $CACHE/vm-last.log naming the newest) and printed when the run fails.
# The command sees a writable directory in $IOASID_OUT; --out copies it to DIR.
#
# Environment: IOASID_ACCEL=kvm|tcg, IOASID_VM_TIMEOUT (s), IOASID_SLUB_DEBUG (slub_debug= value,
# empty: off), IOASID_KFENCE_INTERVAL (ms, empty: off), IOASID_VM_STALL (s),
# IOASID_KROOT (boot another kernel, see below), IOASID_VM_EXTRA_EDU=N (N more
# edu devices on the root bus, each alone in its IOMMU group; default 0).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ioasid}
timeout=${IOASID_VM_TIMEOUT:-3600}
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
# Another kernel (make check-debug): IOASID_KROOT=DIR laid out like the
# extracted Debian image, DIR/boot/vmlinuz-<release> and
# DIR/lib/modules/<release>, with DIR/*.ko for the initramfs only where 9p
# and overlay are modules.
if [ -n "${IOASID_KROOT:-}" ]; then
	kroot=$IOASID_KROOT
	kver=$(basename "$(echo "$kroot"/lib/modules/*)")
fi
kernel=$kroot/boot/vmlinuz-$kver
[ -r "$kernel" ] || { echo "vm: no kernel at $kernel (run scripts/setup.sh)" >&2; exit 1; }
# Every run has its own logs (guests may run side by side); vm-last.log
# and vm-last.kernel.log name the newest run's, and the last 20 are kept.
if [ -z "$log" ]; then
	mkdir -p "$CACHE/logs"
	log=$CACHE/logs/vm-$(date +%Y%m%d-%H%M%S)-$$.log
	ln -sfn "$log" "$CACHE/vm-last.log"
	ln -sfn "${log%.log}.kernel.log" "$CACHE/vm-last.kernel.log"
	ls -1t "$CACHE"/logs/vm-*.log 2>/dev/null | grep -v '\.kernel\.log$' |
		tail -n +21 | while read -r old; do
			rm -f "$old" "${old%.log}.kernel.log"
		done || true
fi

# The initramfs only holds busybox, the 9p/overlay modules and /init; rebuild
# it when any of those change.
initrd=$CACHE/initramfs-$kver.cpio.gz
if [ ! -s "$initrd" ] || [ "$here/vm-initramfs-init" -nt "$initrd" ] ||
   [ /bin/busybox -nt "$initrd" ]; then
	stage=$(mktemp -d)
	mkdir -p "$stage"/{bin,dev,proc,sys,modules}
	cp /bin/busybox "$stage/bin/busybox"
	cp "$here/vm-initramfs-init" "$stage/init"
	find "$kroot" -maxdepth 1 -name '*.ko' -exec cp {} "$stage/modules/" \;
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$initrd.tmp"
	mv "$initrd.tmp" "$initrd"
	rm -rf "$stage"
fi

outdir=$(mktemp -d "${TMPDIR:-/tmp}/ioasid-vm.XXXXXX")
qpid=
trap '[ -n "$qpid" ] && kill -9 "$qpid" 2>/dev/null; rm -rf "$outdir"' EXIT
# Killed (a CI timeout, Ctrl-C, make killed): the guest goes too, through
# the EXIT trap, instead of running on unseen and writing to the same logs.
trap 'exit 130' INT
trap 'exit 143' TERM HUP
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

# --- the accelerator -----------------------------------------------------
#
# A writable /dev/kvm proves nothing: a paravirtual KVM may fail to run a
# stock kernel ("KVM internal error") and leave the guest paused forever.
# KVM is used only after a bounded probe boot of the target kernel printed
# a marker from user space; the verdict is cached per host kernel release
# and qemu binary, the two things that can change it.
qemu_bin=$(command -v qemu-system-x86_64) ||
	{ echo "vm: qemu-system-x86_64 not found (run scripts/setup.sh)" >&2; exit 1; }
probe_marker=IOASID_KVM_PROBE_OK
probe_timeout=${IOASID_KVM_PROBE_TIMEOUT:-20}

# Prints "ok" or why not, in a few words.
probe_kvm() {
	local dir rd pid i out=
	dir=$(mktemp -d "${TMPDIR:-/tmp}/ioasid-kvm-probe.XXXXXX")
	mkdir -p "$dir/root/bin"
	cp /bin/busybox "$dir/root/bin/busybox"
	printf '#!/bin/busybox sh\n/bin/busybox echo %s\n/bin/busybox poweroff -f\n' \
		"$probe_marker" >"$dir/root/init"
	chmod +x "$dir/root/init"
	rd=$dir/probe.cpio.gz
	(cd "$dir/root" && find . | cpio -o -H newc --quiet | gzip -1) >"$rd"
	"$qemu_bin" -accel kvm -cpu host -machine q35 -m 256M -smp 1 \
		-nodefaults -display none -no-reboot -serial stdio \
		-kernel "$kernel" -initrd "$rd" \
		-append "console=ttyS0 panic=-1 quiet" </dev/null >"$dir/out" 2>&1 &
	pid=$!
	for ((i = 0; i < probe_timeout * 5; i++)); do
		if grep -q "$probe_marker" "$dir/out"; then
			out=ok
		elif grep -q 'KVM internal error' "$dir/out"; then
			out="KVM internal error"
		elif ! kill -0 "$pid" 2>/dev/null; then
			out="qemu exited: $(grep -m1 . "$dir/out" | tr -d '\r' | cut -c1-80)"
		fi
		[ -n "$out" ] && break
		sleep 0.2
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -rf "$dir"
	echo "${out:-no marker within ${probe_timeout}s}"
}

choose_accel() {
	local key cache=$CACHE/kvm-probe verdict=
	case ${IOASID_ACCEL:-} in
	kvm) accel_name=kvm; accel_why="IOASID_ACCEL=kvm"; return ;;
	tcg) accel_name=tcg; accel_why="IOASID_ACCEL=tcg"; return ;;
	"") ;;
	*) echo "vm: IOASID_ACCEL must be kvm or tcg, not '$IOASID_ACCEL'" >&2; exit 2 ;;
	esac
	accel_name=tcg
	if [ ! -w /dev/kvm ]; then
		accel_why="no usable /dev/kvm"
		return
	fi
	key="$(uname -r) $(stat -L -c '%n %s %Y' "$qemu_bin")"
	[ -s "$cache" ] && verdict=$(awk -v k="$key" -F'\t' '$1 == k { print $2 }' "$cache")
	if [ -z "$verdict" ]; then
		verdict=$(probe_kvm)
		mkdir -p "$CACHE"
		{ grep -v -F "$key" "$cache" 2>/dev/null; printf '%s\t%s\n' "$key" "$verdict"; } \
			>"$cache.tmp" && mv "$cache.tmp" "$cache"
		accel_why="probe boot: $verdict"
	else
		accel_why="cached probe: $verdict"
	fi
	if [ "$verdict" = ok ]; then accel_name=kvm; fi
}

choose_accel
if [ "$accel_name" = kvm ]; then
	accel=(-accel kvm -cpu host)
else
	# One host thread runs both vCPUs: multi-threaded TCG occasionally
	# lets a vCPU execute code another one is live-patching (int3 oops).
	accel=(-accel tcg,thread=single -cpu max)
fi
echo "vm: accelerator $accel_name ($accel_why)" >&2

# --- memory-error detectors of the Debian kernel --------------------------
#
# SLUB red zones, poisoning and sanity checks on the kmalloc caches (where
# every allocation of the module lands), and KFENCE sampling of all heap
# allocations.  A task stuck in D state for 120 s (hung_task_panic) or a CPU
# stuck in the kernel for 20 s (softlockup_panic) panics the guest, so a
# kernel hang ends the run within minutes instead of at the timeout (the
# quiet console would not even show the report otherwise).
slub_debug=${IOASID_SLUB_DEBUG-FZPU,kmalloc-*}
kfence=${IOASID_KFENCE_INTERVAL-10}
detectors=
[ -n "$slub_debug" ] && detectors+=" slub_debug=$slub_debug"
[ -n "$kfence" ] && detectors+=" kfence.sample_interval=$kfence"
[ -z "$shell" ] && detectors+=" hung_task_panic=1 softlockup_panic=1"

qemu=("$qemu_bin" "${accel[@]}"
	-machine q35,kernel-irqchip=split -smp 2 -m "$mem"
	-nodefaults -display none -no-reboot
	-device intel-iommu,intremap=on,caching-mode=on
	-device edu -device edu
	-device pcie-root-port,id=rp1,chassis=1,slot=1
	-device pcie-pci-bridge,id=br1,bus=rp1
	-device edu,bus=br1,addr=1.0 -device edu,bus=br1,addr=2.0
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
	-virtfs "local,path=$outdir,mount_tag=ioasidout,security_model=none,multidevs=remap"
	-kernel "$kernel" -initrd "$initrd")
# Extra edu devices come last, so that every other device keeps its address.
extra_edu=${IOASID_VM_EXTRA_EDU:-0}
[[ $extra_edu =~ ^[0-9]+$ ]] && [ "$extra_edu" -le 16 ] ||
	{ echo "vm: IOASID_VM_EXTRA_EDU must be 0..16, not '$extra_edu'" >&2; exit 2; }
for ((i = 0; i < extra_edu; i++)); do
	qemu+=(-device edu)
done
cmdline="panic=-1 no_timer_check intel_iommu=on iommu.strict=1$detectors ioasid.init=$here/vm-guest-init.sh ioasid.mods=$kroot/lib/modules/$kver"

if [ -n "$shell" ]; then
	echo "vm: serial console; 'exit' powers the guest off, Ctrl-A x kills it" >&2
	exec "${qemu[@]}" -serial mon:stdio -append "console=ttyS0 quiet loglevel=1 $cmdline"
fi
# Three serial ports: the command's output (ttyS0, shown and kept in the
# log), the kernel's console at full verbosity (ttyS1, kept apart so the
# output stays clean and a dying kernel's last words are not lost), and a
# heartbeat the guest's user space writes every 2 s (ttyS2).
klog=${log%.log}.kernel.log
hb=$outdir/heartbeat
: >"$klog"
: >"$hb"
qemu+=(-serial stdio -serial "file:$klog" -serial "file:$hb"
	-append "console=ttyS1 loglevel=7 $cmdline")

# --- the run, watched ------------------------------------------------------
#
# qemu writes the command's output to the log, shown as it grows.  Once a
# second the watchdog looks for the ways a guest dies without exiting: an
# internal error of the accelerator (the guest is left paused), a kernel
# panic, no CPU time and no serial output for $stall seconds (an idle TCG
# guest still uses a tick a second), a heartbeat that stopped for
# $hb_stall seconds (a kernel spinning with both CPUs stuck still uses CPU
# time), and the overall timeout.
stall=${IOASID_VM_STALL:-20}
hb_stall=${IOASID_VM_HEARTBEAT_STALL:-60}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null; }

set +e
: >"$log"
"${qemu[@]}" </dev/null >>"$log" 2>&1 &
qpid=$!
# The kernel's last word ("reboot: Power down") is not the command's output.
tail -s 0.2 -n +1 -f --pid="$qpid" "$log" | tr -d '\r' |
	grep --line-buffered -v '^\[ *[0-9.]*\] reboot: Power down$' &
tpid=$!

panicked() {
	grep -q 'Kernel panic - not syncing' "$klog" &&
		why="the guest kernel panicked: $(grep -m1 -o 'Kernel panic - not syncing.*' "$klog" | tr -d '\r')"
}

why=
t0=$SECONDS
last_cpu=
last_size=
still=0
last_hb=0
hb_seen=$SECONDS
while kill -0 "$qpid" 2>/dev/null; do
	sleep 1
	cpu=$(cpu_ticks "$qpid")
	size=$(($(stat -c %s "$log") + $(stat -c %s "$klog")))
	beat=$(stat -c %s "$hb")
	if grep -q 'KVM internal error' "$log"; then
		why="qemu reported a KVM internal error (the guest was left paused)"
	elif grep -q 'Kernel panic - not syncing' "$klog"; then
		sleep 2		# let the backtrace reach the log
		panicked
	elif [ $((SECONDS - t0)) -ge "$timeout" ]; then
		why="the guest was killed after the ${timeout}s timeout"
	elif [ "$beat" -gt 0 ] && [ "$beat" = "$last_hb" ] &&
	     [ $((SECONDS - hb_seen)) -ge "$hb_stall" ]; then
		why="the guest stopped responding (no heartbeat from its user space for ${hb_stall}s)"
	else
		if [ "$cpu" = "$last_cpu" ] && [ "$size" = "$last_size" ]; then
			still=$((still + 1))
		else
			still=0
		fi
		[ "$still" -ge "$stall" ] &&
			why="the guest made no progress for ${stall}s (no CPU time, no serial output)"
	fi
	if [ "$beat" != "$last_hb" ]; then
		last_hb=$beat
		hb_seen=$SECONDS
	fi
	last_cpu=$cpu
	last_size=$size
	[ -n "$why" ] && break
done
if [ -n "$why" ]; then
	kill "$qpid" 2>/dev/null
	sleep 1
	kill -9 "$qpid" 2>/dev/null
fi
wait "$qpid"
qrc=$?
wait "$tpid" 2>/dev/null
qpid=
set -e
sed -i 's/\r$//' "$log" "$klog"
# A panic with panic=-1 and -no-reboot ends qemu by itself.
[ -n "$why" ] || panicked || true

if [ -s "$outdir/status" ] && [ -z "$why" ]; then
	rc=$(cat "$outdir/status")
else
	[ -n "$why" ] || why="the guest died (qemu exit $qrc) before the command finished"
	echo "vm: $why; serial log: $log, kernel log: $klog" >&2
	rc=125
fi
if [ -n "$keep" ]; then
	mkdir -p "$keep"
	cp -r "$outdir"/. "$keep"/
fi
if [ "$rc" -ne 0 ]; then
	echo "vm: command exited $rc; serial log: $log" >&2
	echo "----- guest kernel log (last 60 lines, full: $klog) -----" >&2
	tail -n 60 "$klog" >&2
fi
exit "$rc"
