# SPDX-License-Identifier: GPL-2.0
#
# Sourced by the benchmark scripts that run in the guest (bench.sh,
# bench-vfio.sh, bench-scale.sh, bench-share.sh); they define fail() first.

# give BDF DRIVER: bind the PCI device to DRIVER (driver_override), or fail.
give() {
	local dev=/sys/bus/pci/devices/$1
	[ -e "$dev" ] || fail "no PCI device $1 in the guest"
	[ -e "$dev/driver" ] && echo "$1" >"$dev/driver/unbind"
	echo "$2" >"$dev/driver_override"
	echo "$1" >/sys/bus/pci/drivers_probe
	[ "$(basename "$(readlink "$dev/driver")")" = "$2" ] ||
		fail "could not bind $1 to $2"
}
