#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test guest (scripts/vm.sh): loads ioasid.ko, runs every
# suite, checks the module unloads and the kernel log is clean, and writes
# one TAP file per suite to $IOASID_OUT/results/.  tests/check.sh reads them
# on the host.
#
#   IOASID_SUITES="uapi cli"   run only these suites (default: uapi cli vfio stress;
#                              failnth needs the debug kernel's fault injection)
#   IOASID_TEST_FILTER=GLOB    Criterion --filter for the uapi and failnth suites
#   IOASID_CLI_TESTS=FILES     the bats files of the cli suite (default: tests/cli)
#   IOASID_FAILNTH_VERBOSE=1   failnth: a kernel stack trace per failure made
#   IOASID_STRESS_DURATION=SEC how long the stress suite runs (default 60)
#   IOASID_STRESS_ARGS="..."   more ioasid-stress options (--seed N, ...)
#   IOASID_TEST_TIMEOUT=SEC    Criterion's limit per test (default 300)
#   IOASID_MODULE=PATH         the ioasid.ko to load (default kernel/ioasid.ko;
#                              make check-debug: the debug kernel's build)
set -u
cd "$(dirname "$0")/.."
export IOASID_TOP=$PWD
export PATH="$PWD/cli:$PWD/tests/tools:$PATH"
IOASID_MODULE=$(realpath "${IOASID_MODULE:-kernel/ioasid.ko}")
export IOASID_MODULE	# the cli suite's tests reload it

results=${IOASID_OUT:-/tmp/ioasid-out}/results
mkdir -p "$results"
suites=${IOASID_SUITES:-uapi cli vfio stress}

# A suite the harness itself judges: "check NAME COMMAND..." adds one TAP line.
kernel_tap=$results/kernel.tap
kernel_n=0
check() {
	local name=$1
	shift
	kernel_n=$((kernel_n + 1))
	if "$@" >>"$results/kernel.log" 2>&1; then
		echo "ok $kernel_n - $name" >>"$kernel_tap"
	else
		echo "not ok $kernel_n - $name" >>"$kernel_tap"
		echo "FAIL: $name (see kernel.log)"
	fi
}
: >"$kernel_tap"

# kmemleak (the debug kernel) names a leak's backtrace when it is read, so
# after rmmod the module's frames are bare addresses: every load of the
# module (here and in the cli suite, helpers.bash) notes where it is.
kmemleak=/sys/kernel/debug/kmemleak
export IOASID_SYMS=$results/ioasid.syms
: >"$IOASID_SYMS"
ioasid_syms() {
	[ -e $kmemleak ] || return 0
	grep '^ioasid ' /proc/modules
	grep '\[ioasid\]$' /proc/kallsyms
} >>"$IOASID_SYMS"

dmesg -C
if ! check "insmod ioasid.ko" insmod "$IOASID_MODULE" enable_test_interface=1; then
	cat "$results/kernel.log"
	exit 1
fi
ioasid_syms
check "/dev/ioasid exists" test -c /dev/ioasid
check "struct_ops type ioasid_policy_ops registered" \
	bash -c 'bpftool btf dump file /sys/kernel/btf/ioasid | grep -q "STRUCT .ioasid_policy_ops."'

for suite in $suites; do
	echo "=== suite $suite"
	case $suite in
	uapi)
		tests/uapi/ioasid-uapi-tests -j1 --timeout "${IOASID_TEST_TIMEOUT:-300}" \
			--tap="$results/uapi.tap" \
			${IOASID_TEST_FILTER:+--filter "$IOASID_TEST_FILTER"}
		;;
	lint|packages)
		continue	# checkpatch, kernel-doc and the packages: on the host
		;;
	failnth)
		# Every injectable failure of every ioctl (debug kernel only).
		tests/failnth/ioasid-fail-nth -j1 --timeout "${IOASID_TEST_TIMEOUT:-300}" \
			--tap="$results/failnth.tap" \
			${IOASID_TEST_FILTER:+--filter "$IOASID_TEST_FILTER"}
		;;
	cli)
		bats --tap ${IOASID_CLI_TESTS:-tests/cli} | tee "$results/cli.tap"
		;;
	vfio)
		# VFIO type1 containers on vfio_iommu_type1 and on ioasid_vfio.
		tests/vfio/run.sh | tee "$results/vfio.tap"
		;;
	stress)
		# Rounds of random ioctls by many processes and threads, each
		# followed by the invariants (tests/stress/main.c); one TAP
		# line per round.  A crash of the program itself fails too.
		tests/stress/ioasid-stress --duration "${IOASID_STRESS_DURATION:-60}" \
			${IOASID_STRESS_ARGS:-} | tee "$results/stress.tap"
		rc=${PIPESTATUS[0]}
		if [ "$rc" -ne 0 ] && ! grep -q '^not ok' "$results/stress.tap"; then
			echo "not ok 999 - ioasid-stress exited with status $rc" \
				>>"$results/stress.tap"
		fi
		;;
	*)
		echo "unknown suite $suite"
		echo "not ok 1 - unknown suite $suite" >"$results/$suite.tap"
		;;
	esac
done

echo "=== suite kernel"
check "no policy left attached" test ! -e /sys/fs/bpf/ioasid/policy
check "rmmod ioasid" rmmod ioasid
# Reports of the kernel's own checkers: WARN/BUG/oops, SLUB debugging (red
# zones, poison), KFENCE, KASAN, UBSAN, kmemleak, refcount and list
# corruption, lockdep, hung tasks.
kernel_reports='WARNING:|BUG:|BUG [a-z]|Oops|UBSAN|KASAN|KFENCE:|kmemleak|Poison overwritten|Redzone|Object already free|Padding overwritten|refcount_t|list_del corruption|list_add corruption|general protection|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU|blocked for more than|hung_task'
check "kernel log has no warning, oops, memory error or leak" \
	bash -c "! dmesg | grep -E '$kernel_reports'"
# Last, as the scan's own line in the kernel log is not the module's fault:
# leaks whose backtrace runs through ioasid.ko (unreferenced objects it
# allocated, during the run or left behind by rmmod).  A second scan, a few
# seconds later, settles what was in flight during the first.
if [ -e $kmemleak ]; then
	echo "=== kmemleak scan"
	echo scan >$kmemleak
	sleep 5
	echo scan >$kmemleak
	cat $kmemleak >"$results/kmemleak.txt"
	python3 tests/kmemleak-ioasid.py "$results/kmemleak.txt" "$IOASID_SYMS" \
		>"$results/kmemleak-ioasid.txt"
	[ $? -le 1 ] || echo "tests/kmemleak-ioasid.py failed" >>"$results/kmemleak-ioasid.txt"
	check "kmemleak: no leak from ioasid.ko" test ! -s "$results/kmemleak-ioasid.txt"
	cat "$results/kmemleak-ioasid.txt"
fi
dmesg >"$results/dmesg.txt"
cat "$kernel_tap"
exit 0
