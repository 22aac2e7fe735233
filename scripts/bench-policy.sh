#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the guest (make bench-policy): loads ioasid.ko with the test
# interface (mock devices) and runs bench/policy_cost.
#
#   IOASID_BENCH_PAIRS=5000     PASID alloc/free pairs per run (attach, map, bind: 1/5)
#   IOASID_BENCH_REPS=21        runs per figure, each paired with one without policy
set -eu
cd "$(dirname "$0")/.."

insmod kernel/ioasid.ko enable_test_interface=1
echo "bench-policy: $(uname -r), $(nproc) vCPUs, qemu TCG: compare differences, not absolute figures"
bench/policy_cost --top "$PWD" --pairs "${IOASID_BENCH_PAIRS:-5000}" \
	--reps "${IOASID_BENCH_REPS:-21}"
