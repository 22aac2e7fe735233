#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: boot the guest, run every suite there (run-in-guest.sh), then
# print per-suite results and, last, "N passed, N failed".  Exits non-zero
# if any test failed, a suite produced no results, or the guest died.
#
#   tests/check.sh [VM-OPTION...]    options for scripts/vm.sh (--timeout, --mem)
#   IOASID_KEEP=DIR                  keep the guest's results (TAP, logs, dmesg) in DIR
set -u
cd "$(dirname "$0")/.."

# The kernel's ynl tool the cli suite's ynl.bats runs (scripts/setup.sh
# extracts it there); the guest sees the host's cache over 9p.
CACHE=${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ioasid}
export IOASID_YNL=${IOASID_YNL:-$CACHE/ynl}

out=$(mktemp -d "${TMPDIR:-/tmp}/ioasid-check.XXXXXX")
trap 'rm -rf "$out"' EXIT
# The stress suite's run (IOASID_STRESS_DURATION, 60 s) comes on top of
# vm.sh's default 3600 s (a dead guest ends the run long before: vm.sh's
# watchdog); a --timeout given here still wins (the last counts).
if [[ " ${IOASID_SUITES:-stress} " == *" stress "* ]]; then
	set -- --timeout $((${IOASID_VM_TIMEOUT:-3600} + ${IOASID_STRESS_DURATION:-60})) "$@"
fi
scripts/vm.sh "$@" --out "$out" -- tests/run-in-guest.sh
vm_rc=$?
# Style of the kernel sources (checkpatch, kernel-doc) runs on the host.
if [[ " ${IOASID_SUITES:-lint} " == *" lint "* ]]; then
	mkdir -p "$out/results"
	echo "=== suite lint"
	scripts/lint.sh >"$out/results/lint.tap"
	grep -A3 '^not ok' "$out/results/lint.tap"
fi
# The Debian packages: built, linted, unpacked, DKMS-built, on the host.
if [[ " ${IOASID_SUITES:-packages} " == *" packages "* ]]; then
	mkdir -p "$out/results"
	echo "=== suite packages"
	tests/packages/check-packages.sh >"$out/results/packages.tap"
	grep -A20 '^not ok' "$out/results/packages.tap"
fi

if [ -n "${IOASID_KEEP:-}" ]; then
	mkdir -p "$IOASID_KEEP"
	cp -r "$out"/. "$IOASID_KEEP"/
fi

total_pass=0
total_fail=0
total_skip=0
printf '\n%-10s %7s %7s %7s\n' suite passed failed skipped
for suite in ${IOASID_SUITES:-uapi cli vfio stress lint packages} kernel; do
	tap=$out/results/$suite.tap
	if [ ! -s "$tap" ]; then
		printf '%-10s  no results (suite did not run)\n' "$suite"
		total_fail=$((total_fail + 1))
		continue
	fi
	# A skipped test is neither a pass nor a failure.
	skip=$(grep -cE '^ok .*# (SKIP|skip)' "$tap")
	pass=$(grep -E '^ok ' "$tap" | grep -cvE '# (SKIP|skip)')
	fail=$(grep -cE '^not ok ' "$tap")
	printf '%-10s %7d %7d %7d\n' "$suite" "$pass" "$fail" "$skip"
	grep -E '^not ok ' "$tap" | sed 's/^/    /'
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
done
if [ "$vm_rc" -ne 0 ]; then
	echo "guest run failed (exit $vm_rc)"
	total_fail=$((total_fail + 1))
fi
[ "$total_skip" -eq 0 ] || echo "$total_skip skipped (not counted as passed)"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
