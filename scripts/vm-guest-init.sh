#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the test guest, run from the host's root after switch_root.  Sets up
# the usual kernel filesystems, exposes the target kernel's modules, runs the
# command the host asked for (scripts/vm.sh) and powers off.  The exit status
# travels back through the writable "ioasid-out" share.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=${TERM:-linux} LANG=C.UTF-8

arg() { sed -n "s/.*ioasid\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t tmpfs tmpfs /dev/shm
# /tmp stays the overlay of the host's: the build tree may live there.
mount -t tmpfs tmpfs /run
mount -t tracefs tracefs /sys/kernel/tracing
mount -t debugfs debugfs /sys/kernel/debug
mount -t bpf bpf /sys/fs/bpf
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mkdir -p /dev/hugepages && mount -t hugetlbfs hugetlbfs /dev/hugepages

kver=$(uname -r)
mods=$(arg mods)
mkdir -p "/lib/modules/$kver"
mount --bind "$mods" "/lib/modules/$kver"

out=/run/ioasid-out
mkdir -p $out
mount -t 9p -o trans=virtio,version=9p2000.L ioasidout $out

hostname ioasid-vm
ip link set lo up 2>/dev/null

status=127
if [ -f $out/cmd ]; then
	# ttyS0 carries the command's output, ttyS1 the kernel's console (see
	# vm.sh); ttyS2 gets a heartbeat so the host can tell a stuck guest.
	(while :; do echo >/dev/ttyS2; sleep 2; done) &
	cd "$(cat $out/cwd)" || cd /
	bash $out/cmd </dev/null >/dev/ttyS0 2>&1
	status=$?
else
	# Interactive: a login shell on the serial console.
	cd "$(cat $out/cwd 2>/dev/null || echo /)"
	setsid bash -c 'exec bash -l </dev/ttyS0 >/dev/ttyS0 2>&1'
	status=$?
fi
dmesg >$out/dmesg 2>/dev/null
echo $status >$out/status
sync
busybox poweroff -f
