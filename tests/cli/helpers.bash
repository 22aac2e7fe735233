# SPDX-License-Identifier: GPL-2.0
# Shared set-up of the ioasidctl BATS suites (run in the guest, module loaded).

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
export PATH="$TOP/cli:$TOP/tests/tools:$PATH"
# The ioasid.ko the guest runs (run-in-guest.sh: the debug kernel's build
# under make check-debug).
MODULE=${IOASID_MODULE:-$TOP/kernel/ioasid.ko}

# Load the module again after a test took it away, and note where it is for
# run-in-guest.sh's kmemleak check (IOASID_SYMS).
load_module() {
	insmod "$MODULE" enable_test_interface=1 || return
	[ -z "${IOASID_SYMS:-}" ] || [ ! -e /sys/kernel/debug/kmemleak ] || {
		grep '^ioasid ' /proc/modules
		grep '\[ioasid\]$' /proc/kallsyms
	} >>"$IOASID_SYMS"
}

# Leave no policy behind, whatever a test did.
no_policy() {
	if [ -e /sys/fs/bpf/ioasid/policy ]; then
		ioasidctl policy unload >/dev/null
	fi
}

# hold [ioasidhold options]: start a holder, wait for its "ready" line and
# set HOLD_PID, HOLD_IOAS, HOLD_NESTED, HOLD_DEV, HOLD_GROUP, HOLD_PASID,
# HOLD_COPY, HOLD_SOURCE and HOLD_CTX (its first context, found by owner
# tgid).
# HOLD_WAIT: tenths of a second to wait for it (100).
hold() {
	local out=$BATS_TEST_TMPDIR/hold.$RANDOM line i
	ioasidhold "$@" >"$out" 2>&1 3>&- &
	HOLDERS="${HOLDERS:-} $!"
	for i in $(seq "${HOLD_WAIT:-100}"); do
		line=$(grep -m1 '^ready' "$out") && break
		if ! kill -0 $! 2>/dev/null; then
			cat "$out" >&2
			return 1
		fi
		sleep 0.1
	done
	[ -n "$line" ] || { echo "holder not ready: $(cat "$out")" >&2; return 1; }
	eval "$(sed 's/^ready //; s/\([a-z]*\)=/HOLD_\U\1=/g' <<<"$line")"
	HOLD_CTX=$(ioasidctl -j ctx list |
		jq --argjson p "$HOLD_PID" '[.[] | select(.owner_tgid == $p) | .ctx] | min')
	[ "$HOLD_CTX" != null ]
}

# Run and assert the exit status: expect STATUS CMD...
expect() {
	local want=$1
	shift
	run "$@"
	if [ "$status" -ne "$want" ]; then
		echo "expected exit $want, got $status from: $*" >&2
		echo "output: $output" >&2
		return 1
	fi
}

# Start bpftrace in the background, output in OUT, pid in $bt, and wait
# until every one of its probes is attached: its "Attaching N probes"
# line comes before the attaching, so count its perf events with bpftool.
#   bpftrace_bg OUT BPFTRACE-ARGS...
bpftrace_bg() {
	local out=$1 n
	shift
	bpftrace "$@" >"$out" 2>&1 &
	bt=$!
	for _ in $(seq 600); do
		n=$(sed -n 's/^Attaching \([0-9]*\) probe.*/\1/p' "$out")
		if [ -n "$n" ] && [ "$(bpftool -j perf list |
			jq --argjson p "$bt" 'map(select(.pid == $p)) | length')" -ge "$n" ]; then
			return 0
		fi
		kill -0 "$bt" 2>/dev/null || break
		sleep 0.1
	done
	echo "bpftrace did not attach:" >&2
	cat "$out" >&2
	return 1
}

# Stop the bpftrace of bpftrace_bg; it prints its maps on the way out.  A
# bpftrace that has not exited 180 s after SIGINT fails the test (rather
# than hanging the suite): detaching from every ioasid tracepoint took over
# 60 s once under TCG on a slow machine (Debian 13's kernel, 2026-12-02).
bpftrace_stop() {
	kill -INT "$bt"
	for _ in $(seq 1800); do
		kill -0 "$bt" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$bt" 2>/dev/null; then
		kill -KILL "$bt"
		echo "bpftrace did not stop on SIGINT" >&2
		return 1
	fi
	wait "$bt"
}
