#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
# tracepoint:ioasid:* seen from bpftrace: one event per object change and
# per policy decision, with the right arguments.

load helpers

setup() { no_policy; }
teardown() {
	[ -z "${bt:-}" ] || kill "$bt" 2>/dev/null || true
	[ -z "${holder:-}" ] || kill "$holder" 2>/dev/null || true
	no_policy
}

# Run ioasidhold ARGS... until it is ready, then kill it (closing everything).
hold_and_release() {
	ioasidhold "$@" >"$BATS_TEST_TMPDIR/hold" &
	holder=$!
	for _ in $(seq 100); do
		grep -q ready "$BATS_TEST_TMPDIR/hold" && break
		sleep 0.1
	done
	grep -q ready "$BATS_TEST_TMPDIR/hold"
	kill "$holder"
	wait "$holder" || true
	holder=
}

@test "bpftrace: every ioasid tracepoint fires once per change, decisions by hook" {
	local out=$BATS_TEST_TMPDIR/bt
	expect 0 ioasidctl policy load audit --set quiet=1
	bpftrace_bg "$out" -e '
		tracepoint:ioasid:* /comm == "ioasidhold"/ { @n[probe] = count(); }
		tracepoint:ioasid:ioasid_policy_decision /comm == "ioasidhold"/ {
			@d[str(args->policy), str(args->hook), args->ret] = count(); }
		tracepoint:ioasid:ioasid_ioas_map /comm == "ioasidhold"/ {
			printf("map iova=%x length=%x\n", args->iova, args->length); }'
	hold_and_release --map 0x100000:0x4000 --map 0x800000:0x1000 \
		--nested --mock --pasid
	bpftrace_stop
	cat "$out"
	n() { sed -n "s/^@n\[tracepoint:ioasid:ioasid_$1\]: //p" "$out"; }
	d() { sed -n "s/^@d\[audit, $1, 0\]: //p" "$out"; }
	[ "$(n ctx_create)" = 1 ] && [ "$(n ctx_destroy)" = 1 ]
	[ "$(n ioas_alloc)" = 2 ] && [ "$(n ioas_destroy)" = 2 ]
	[ "$(n ioas_map)" = 2 ]
	[ "$(n ioas_unmap)" = 1 ]	# the destroy unmaps everything at once
	[ "$(n pasid_alloc)" = 1 ] && [ "$(n pasid_free)" = 1 ]
	[ "$(n device_add)" = 1 ] && [ "$(n device_remove)" = 1 ]
	[ "$(n group_add)" = 1 ] && [ "$(n group_remove)" = 1 ]
	[ "$(n group_verdict)" = 1 ]
	[ "$(n device_bind)" = 1 ] && [ "$(n device_unbind)" = 1 ]
	[ "$(n device_attach)" = 1 ] && [ "$(n device_detach)" = 1 ]
	[ "$(n policy_decision)" = 9 ]
	[ "$(d device_bind)" = 1 ] && [ "$(d group_viable)" = 1 ]
	[ "$(d device_attach)" = 1 ] && [ "$(d pasid_alloc)" = 1 ]
	[ "$(d dma_map)" = 2 ] && [ "$(d dma_unmap)" = 1 ]
	[ "$(d device_unbind)" = 1 ] && [ "$(d pasid_free)" = 1 ]
	grep -qx 'map iova=100000 length=4000' "$out"
	grep -qx 'map iova=800000 length=1000' "$out"
	[ "$(grep -c "^@n\[" "$out")" -eq 18 ]	# and nothing else fired
}

@test "bpftrace: a denial and a policy change carry the policy, hook and errno" {
	local out=$BATS_TEST_TMPDIR/bt
	bpftrace_bg "$out" -e '
		tracepoint:ioasid:ioasid_policy_decision /comm == "pasidtool"/ {
			printf("decision %s %s ret=%d err=%d pasid=%u\n",
			       str(args->policy), str(args->hook), args->ret,
			       args->err, args->pasid); }
		tracepoint:ioasid:ioasid_policy_change {
			printf("change %s %s\n", str(args->action), str(args->name)); }'
	expect 0 ioasidctl policy load minimal --set max_pasids=1
	expect 0 pasidtool 2
	[ "${lines[1]}" = "err EDQUOT" ]
	expect 0 ioasidctl policy unload
	bpftrace_stop
	cat "$out"
	[ "$(grep -c '^decision' "$out")" -eq 2 ]
	grep -qx 'decision minimal pasid_alloc ret=0 err=0 pasid=0' "$out"
	grep -qx 'decision minimal pasid_alloc ret=-122 err=-122 pasid=0' "$out"
	grep -qx 'change load minimal' "$out"
	grep -qx 'change unload minimal' "$out"
}
