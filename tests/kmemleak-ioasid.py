#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print the kmemleak reports whose backtrace runs through ioasid.ko.

usage: kmemleak-ioasid.py REPORT [SYMS]

REPORT is what /sys/kernel/debug/kmemleak said after a scan.  kmemleak
names a backtrace's frames when it is read, so once the module is unloaded
its frames are bare addresses ("0xffffffffc0a1b2c3").  SYMS names them
again: one snapshot per load of the module, each the module's line of
/proc/modules followed by its text symbols from /proc/kallsyms.  Exits 1 if
any report is the module's (and prints them, bare frames named), else 0.
"""
import bisect
import re
import sys


def load_syms(path):
    """[(base, end, [(addr, name)...]), ...], one per load of the module."""
    loads = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and parts[0] == "ioasid":
                base = int(parts[5], 16)
                loads.append((base, base + int(parts[1]), []))
            elif len(parts) >= 3 and parts[1] in "tT" and loads:
                loads[-1][2].append((int(parts[0], 16), parts[2]))
    return [(b, e, sorted(syms)) for b, e, syms in loads]


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    with open(sys.argv[1], errors="replace") as f:
        text = f.read()
    loads = load_syms(sys.argv[2]) if len(sys.argv) == 3 else []

    def name(addr):
        for base, end, syms in reversed(loads):
            if not base <= addr < end:
                continue
            i = bisect.bisect_right(syms, (addr, "\xff")) - 1
            if i >= 0:
                return "%s+0x%x [ioasid, unloaded]" % (syms[i][1], addr - syms[i][0])
        return None

    bare = re.compile(r"^(\s*\[<[0-9a-fx]+>\]\s+)0x([0-9a-f]+)\s*$")
    found = []
    for rec in re.split(r"(?m)^(?=unreferenced object )", text):
        if not rec.startswith("unreferenced object "):
            continue
        mine = "ioasid" in rec
        lines = []
        for line in rec.rstrip("\n").split("\n"):
            m = bare.match(line)
            n = name(int(m.group(2), 16)) if m else None
            if n:
                line = m.group(1) + n
                mine = True
            lines.append(line)
        if mine:
            found.append("\n".join(lines))
    for rec in found:
        print(rec)
    if found:
        print("kmemleak: %d suspected leak(s) from ioasid.ko" % len(found))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
