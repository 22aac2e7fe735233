# SPDX-License-Identifier: GPL-2.0
# Shared set-up of the ioasidctl BATS suites (run in the guest, module loaded).

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
export PATH="$TOP/cli:$TOP/tests/tools:$PATH"

# Leave no policy behind, whatever a test did.
no_policy() {
	if [ -e /sys/fs/bpf/ioasid/policy ]; then
		ioasidctl policy unload >/dev/null
	fi
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
