#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Kernel style checks of the module's sources, as TAP on stdout: one test
# per file for checkpatch.pl (no errors, no warnings) and one per file for
# kernel-doc (no warnings); and one for the netlink spec against the uAPI
# header (tests/netlink/spec-check.py).  checkpatch.pl is not in the headers package:
# it is taken, once, from Debian's linux-source package of the target
# kernel series and kept in $CACHE.
set -uo pipefail
cd "$(dirname "$0")/.."

CACHE=${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ioasid}
KVER=${KVER:-$(scripts/setup.sh | tail -n1)}
series=$(echo "$KVER" | cut -d. -f1-2)
tools=$CACHE/checkpatch-$series
kdoc=/usr/src/linux-headers-$KVER/scripts/kernel-doc
[ -x "$kdoc" ] || kdoc=$(ls /usr/src/linux-headers-*-common/scripts/kernel-doc 2>/dev/null | head -n1)

fetch_checkpatch() {
	[ -s "$tools/checkpatch.pl" ] && return 0
	local tmp
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get -q -o APT::Sandbox::User=root download \
		"linux-source-$series" >/dev/null) || { rm -rf "$tmp"; return 1; }
	dpkg-deb --fsys-tarfile "$tmp"/linux-source-"$series"_*.deb |
		tar -x -O --wildcards "*/linux-source-$series.tar.xz" |
		tar -xJ -C "$tmp" --wildcards \
			"linux-source-$series/scripts/checkpatch.pl" \
			"linux-source-$series/scripts/spelling.txt" \
			"linux-source-$series/scripts/const_structs.checkpatch"
	mkdir -p "$tools"
	mv "$tmp/linux-source-$series/scripts/"* "$tools/"
	rm -rf "$tmp"
}

files=$(ls kernel/*.c kernel/*.h kernel/vfio/*.c kernel/vfio/*.h include/uapi/linux/*.h | grep -v -e '\.mod\.c$' -e 'vfio_layout\.h$')
n=0
if ! fetch_checkpatch; then
	echo "not ok 1 - checkpatch.pl could not be fetched (linux-source-$series)"
	exit 0
fi
for f in $files; do
	n=$((n + 1))
	out=$(perl "$tools/checkpatch.pl" --no-tree --terse -f "$f" 2>&1)
	if ! grep -qE ': (ERROR|WARNING):' <<<"$out"; then
		echo "ok $n - checkpatch $f"
	else
		echo "not ok $n - checkpatch $f"
		echo "$out" | sed 's/^/# /'
	fi
done
for f in $files; do
	n=$((n + 1))
	out=$(perl "$kdoc" -none -Wall "$f" 2>&1)
	if [ -z "$out" ]; then
		echo "ok $n - kernel-doc $f"
	else
		echo "not ok $n - kernel-doc $f"
		echo "$out" | sed 's/^/# /'
	fi
done
# The netlink spec (docs/netlink/ioasid.yaml) against the kernel's schema
# and the uAPI header: names, values, types (setup.sh extracted the schema).
n=$((n + 1))
schema=$CACHE/ynl/Documentation/netlink/genetlink-legacy.yaml
if out=$(/usr/bin/python3 tests/netlink/spec-check.py docs/netlink/ioasid.yaml \
		include/uapi/linux/ioasid_netlink.h "$schema" 2>&1); then
	echo "ok $n - netlink spec valid and agrees with include/uapi/linux/ioasid_netlink.h"
else
	echo "not ok $n - netlink spec valid and agrees with include/uapi/linux/ioasid_netlink.h"
	echo "$out" | sed 's/^/# /'
fi
# One netlink event per tracepoint (nl_events.c says monitors see exactly
# what bpftrace sees): tracepoint ioasid_NAME, event IOASID_NL_EVENT_NAME.
n=$((n + 1))
tps=$(grep -oE '^(TRACE_EVENT\(|DEFINE_EVENT\([a-z_]+, *)ioasid_[a-z_]+' kernel/trace.h |
	sed 's/.*ioasid_//' | sort)
evs=$(sed -n '/^enum ioasid_nl_event {/,/^};/s/^\tIOASID_NL_EVENT_\([A-Z_]*\),$/\1/p' \
	include/uapi/linux/ioasid_netlink.h | grep -v '^UNSPEC$' | tr A-Z a-z | sort)
if [ -n "$tps" ] && [ "$tps" = "$evs" ]; then
	echo "ok $n - every tracepoint has its netlink event ($(echo "$tps" | wc -l))"
else
	echo "not ok $n - tracepoints and netlink events differ"
	diff <(echo "$tps") <(echo "$evs") | sed 's/^/# /'
fi
echo "1..$n"
