#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Debian's unmodified QEMU assigning an edu through vfio-pci, in the guest.

qemu_edu.py BDF [--expect-refusal] [--check-pinned]

QEMU starts with -S (its vCPUs never run) and -qtest stdio: this script
drives the assigned edu's config space and BAR0 and QEMU's guest RAM over
the qtest protocol, so the edu really DMAs through the container's
mappings.  Prints "ok - ..." and "not ok - ..." lines (run.sh numbers
them).  With --expect-refusal, QEMU must fail to start and say why in one
line.  With --check-pinned: after QEMU exits, ioasid.ko must hold no page pinned
(IOASID_TEST_STATS, so ioasid.ko needs enable_test_interface=1).
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

BAR0 = 0xFE000000
SLOT = 4
RAM_MB = 64
SRC, DST = 0x100000, 0x200000   # guest-physical, inside RAM
OUTSIDE = 0x8000000             # 128 MiB: past RAM, inside the edu's 28-bit DMA mask
EDU_BUF = 0x40000
EDU_LEN = 4000                  # QEMU 7.2's edu refuses its whole buffer

def tap(ok, what):
    print(("ok" if ok else "not ok") + f" - qemu: {what}", flush=True)
    return ok


class Qemu:
    def __init__(self, bdf, tmp):
        self.qmp_path = os.path.join(tmp, "qmp.sock")
        self.log = open(os.path.join(tmp, "qemu.log"), "w+")
        self.p = subprocess.Popen(
            ["qemu-system-x86_64", "-machine", "q35", "-accel", "tcg",
             "-m", str(RAM_MB), "-nodefaults", "-display", "none", "-S",
             "-qtest", "stdio", "-qmp", f"unix:{self.qmp_path},server=on,wait=off",
             "-device", f"vfio-pci,host={bdf},addr={SLOT}.0"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
            text=True, bufsize=1)

    def cmd(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        while True:
            r = self.p.stdout.readline()
            if not r:
                raise RuntimeError(f"QEMU went away on '{line}'")
            if r.startswith("OK") or r.startswith("FAIL") or r.startswith("ERR"):
                return r.split()
            # "IRQ ..." notifications and the like: not a reply

    def cfg_addr(self, reg):
        return 0x80000000 | (SLOT << 11) | reg

    def cfg_read(self, reg):
        self.cmd(f"outl 0xcf8 {self.cfg_addr(reg & ~3):#x}")
        return int(self.cmd("inl 0xcfc")[1], 16)

    def cfg_write(self, reg, val):
        self.cmd(f"outl 0xcf8 {self.cfg_addr(reg):#x}")
        self.cmd(f"outl 0xcfc {val:#x}")

    def readq(self, addr):
        return int(self.cmd(f"readq {addr:#x}")[1], 16)

    def writeq(self, addr, val):
        self.cmd(f"writeq {addr:#x} {val:#x}")

    def write_mem(self, addr, data):
        self.cmd(f"write {addr:#x} {len(data):#x} 0x{data.hex()}")

    def read_mem(self, addr, size):
        return bytes.fromhex(self.cmd(f"read {addr:#x} {size:#x}")[1][2:])

    def qmp(self, execute):
        s = socket.socket(socket.AF_UNIX)
        s.connect(self.qmp_path)
        f = s.makefile("rw")
        json.loads(f.readline())                  # greeting
        for c in ("qmp_capabilities", execute):
            f.write(json.dumps({"execute": c}) + "\n")
            f.flush()
            while True:
                r = json.loads(f.readline())
                if "return" in r or "error" in r:
                    break
        s.close()
        return r

    def dma(self, src, dst, to_ram):
        self.writeq(BAR0 + 0x80, src)
        self.writeq(BAR0 + 0x88, dst)
        self.writeq(BAR0 + 0x90, EDU_LEN)
        self.writeq(BAR0 + 0x98, 1 | (2 if to_ram else 0))
        for _ in range(2000):
            if not self.readq(BAR0 + 0x98) & 1:
                return True
            time.sleep(0.001)
        return False


def ioasidctl_json(*args):
    r = subprocess.run(["ioasidctl", "-j", *args], capture_output=True,
                       text=True)
    return json.loads(r.stdout) if r.returncode == 0 else None


def main():
    bdf = sys.argv[1]
    refusal = "--expect-refusal" in sys.argv
    with tempfile.TemporaryDirectory() as tmp:
        q = Qemu(bdf, tmp)
        if refusal:
            try:
                rc = q.p.wait(timeout=120)
            except subprocess.TimeoutExpired:
                q.p.kill()
                rc = None
            q.log.seek(0)
            err = [l.strip() for l in q.log if l.strip()]
            tap(rc not in (None, 0) and err,
                f"refused at start (exit {rc}): {err[-1] if err else 'no message'}")
            return
        try:
            vid = q.cfg_read(0)
        except RuntimeError as e:
            q.log.seek(0)
            tap(False, f"started ({e}; {q.log.read().strip()[-200:]})")
            return
        tap(vid == 0x11E81234, f"sees the edu's config space ({vid:#x})")
        st = q.qmp("query-status")["return"]
        tap(not st["running"] and st["status"] == "prelaunch",
            f"vCPUs never ran ({st['status']})")

        ctxs = ioasidctl_json("ctx", "list") or []
        mine = [c for c in ctxs if c.get("owner_tgid") == q.p.pid]
        tap(len(mine) == 1, f"ioasidctl ctx list shows the container as QEMU's ({len(mine)})")
        maps = []
        if mine:
            cid = mine[0]["ctx"]
            for ioas in ioasidctl_json("ioas", "list", str(cid)) or []:
                shown = ioasidctl_json("ioas", "show", f"{cid}:{ioas['ioas']}")
                maps += (shown or {}).get("mappings", [])
        below = sum(m["length"] for m in maps if m["iova"] < RAM_MB << 20)
        covers = [m for m in maps
                  if m["iova"] <= SRC and DST + 4096 <= m["iova"] + m["length"]]
        # RAM below 1 MiB is split around the legacy VGA and BIOS windows.
        tap(covers and below >= (RAM_MB - 1) << 20,
            f"ioasidctl ioas show lists QEMU's RAM: {len(maps)} mappings, "
            f"{below >> 10} KiB below {RAM_MB} MiB")
        q.cfg_write(0x10, BAR0)
        q.cfg_write(0x04, 0x6)          # memory space, bus master
        pattern = bytes((i * 7 + 3) & 0xFF for i in range(EDU_LEN))
        q.write_mem(SRC, pattern)
        q.write_mem(DST, bytes(4096))
        ok = q.dma(SRC, EDU_BUF, False) and q.dma(EDU_BUF, DST, True)
        got = q.read_mem(DST, EDU_LEN)
        tap(ok and got == pattern,
            f"edu DMA RAM -> edu -> RAM moved exactly {EDU_LEN} bytes ({sum(a == b for a, b in zip(got, pattern))} equal)")
        before = q.read_mem(SRC, 4096)
        q.dma(EDU_BUF, OUTSIDE, True)
        time.sleep(0.1)
        dmesg = subprocess.run(["dmesg"], capture_output=True, text=True).stdout
        tap("DMAR" in dmesg and f"{OUTSIDE:x}" in dmesg.lower(),
            f"DMA to {OUTSIDE:#x} (outside RAM) blocked by the IOMMU")
        tap(q.read_mem(SRC, 4096) == before, "RAM untouched by the blocked DMA")

        r = q.qmp("quit")
        rc = q.p.wait(timeout=60)
        tap(rc == 0, f"QEMU exits cleanly ({rc})")
        ctxs = ioasidctl_json("ctx", "list") or []
        tap(not [c for c in ctxs if c.get("owner_tgid") == q.p.pid],
            "its context is gone")
        if "--check-pinned" not in sys.argv:
            return
        pinned = subprocess.run(
            [os.path.join(os.path.dirname(__file__), "vfio-seq"), "--pinned"],
            capture_output=True, text=True).stdout.strip()
        tap(pinned == "0", f"nothing stays pinned in ioasid.ko ({pinned or 'unknown'} pages)")


if __name__ == "__main__":
    main()
