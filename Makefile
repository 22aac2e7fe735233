# SPDX-License-Identifier: GPL-2.0
#
# ioasid: kernel module, BPF policies, ioasidctl, tests.
#
#   make            build everything (installs the toolchain first if needed)
#   make check      build, boot the guest, run every test suite
#   make check-debug  the same on a debug kernel (KASAN, lockdep, kmemleak,
#                   failure injection), built once into ~/.cache/ioasid
#   make stress     only the stress suite in the guest, for longer
#                   (DURATION=600 seconds; SEED=N replays a run's seed)
#   make demo       build, boot the guest, show a policy changing a decision
#   make vm         interactive shell in the test guest
#   make lint       checkpatch and kernel-doc on the kernel sources
#   make check-packages  build the Debian packages, lintian, DKMS build
#   make check-trixie  every suite on Debian 13's kernel (module built in a
#                   trixie chroot; also: make check KVER=6.12.N+deb13-amd64)
#   make bench      map/unmap throughput in the guest, beside VFIO type1;
#                   then bench-vfio: VFIO containers on type1 and ioasid_vfio
#   make bench-iommufd  make bench against upstream iommufd, on a kernel
#                   built with it once (about 25 min)
#   make bench-policy  cost of a policy call per hook, against no policy
#   make bench-scale   cost of a 4 KiB map/unmap, a PASID alloc and the
#                   dumps at 1k..1M existing objects (native, VFIO on
#                   ioasid_vfio and type1)
#   make bench-share   one 1 GiB buffer mapped into 1, 2 and 4 address
#                   spaces: time and memory charged, ioasid (MAP, COPY)
#                   against VFIO type1
#   make install    install ioasidctl, ioasidctl(8), its bash completion,
#                   the netlink spec (share/ynl/specs/ioasid.yaml), the unit
#                   ioasid-policy.service, udev rules, /etc/ioasid/policy.conf
#                   (PREFIX=/usr/local, DESTDIR for staging)
#   make KDIR=/lib/modules/$(uname -r)/build module
#                   build only ioasid.ko for another (>= 6.9) kernel tree
#
# Set-up (scripts/setup.sh) runs automatically unless KDIR is given or
# NO_SETUP=1; it is quiet when everything is in place.

SHELL := /bin/bash
TOP := $(CURDIR)

# Debian 13's kernels (make check KVER=6.12.N+deb13-amd64): their headers
# need trixie's compiler, so scripts/check-trixie.sh builds the module in a
# trixie chroot, and the rest as for the default (Debian 12) target.
ifneq ($(findstring +deb13-,$(KVER)),)
  TRIXIE_KVER := $(KVER)
endif

ifeq ($(origin KDIR),undefined)
  ifeq ($(NO_SETUP),)
    ifeq ($(filter clean help install uninstall,$(MAKECMDGOALS)),)
      KVER ?= $(shell $(TOP)/scripts/setup.sh | tail -n1)
      ifeq ($(KVER),)
        $(error scripts/setup.sh failed)
      endif
    endif
  endif
  KDIR := /usr/src/linux-headers-$(KVER)
else
  KVER ?= $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
endif
export KVER KDIR

MODULE := kernel/ioasid.ko
VM := scripts/vm.sh
# Benchmarks run without the guest's memory detectors (slub_debug with
# stack traces at every allocation and free, KFENCE): they would measure
# the detectors.
BENCH_VM := IOASID_SLUB_DEBUG= IOASID_KFENCE_INTERVAL= $(VM)

.PHONY: all module bpf cli tests bench-progs check check-debug check-packages check-trixie \
	stress lint bench bench-vfio bench-iommufd bench-policy bench-scale bench-share demo vm clean \
	help install uninstall

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
YNLSPECDIR ?= $(PREFIX)/share/ynl/specs
LIBEXECDIR ?= $(PREFIX)/libexec
UNITDIR ?= $(PREFIX)/lib/systemd/system
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)

all: module bpf cli tests bench-progs

module:
	$(MAKE) -C $(KDIR) M=$(TOP)/kernel modules

bpf: module
	$(MAKE) -C bpf VMLINUX_BTF=$(KDIR)/vmlinux MODULE=$(TOP)/$(MODULE)

cli: bpf
	$(MAKE) -C cli

tests: cli
	$(MAKE) -C tests

bench-progs:
	$(MAKE) -C bench

ifeq ($(TRIXIE_KVER),)
check: all
	@tests/check.sh
else
check:
	@scripts/check-trixie.sh $(TRIXIE_KVER)
endif

# Every suite on Debian 13's kernel (the newest; KVER=...+deb13-amd64 picks one).
check-trixie:
	@scripts/check-trixie.sh $(TRIXIE_KVER)

# Builds the debug kernel the first time (about 30 min on 2 CPUs) and
# ioasid.ko against it in ~/.cache/ioasid/debug-build (kernel/ioasid.ko is
# not touched); the suites then run several times slower than make check.
check-debug: all
	@scripts/check-debug.sh

# The stress suite alone for DURATION seconds (make check runs it for 60);
# tests/check.sh lets the guest run that much longer.
DURATION ?= 600
stress: all
	@IOASID_SUITES=stress IOASID_STRESS_DURATION=$(DURATION) \
		$(if $(SEED),IOASID_STRESS_ARGS="--seed $(SEED)") tests/check.sh

lint:
	@scripts/lint.sh | grep -v '^ok'

# The Debian packages alone (make check runs this as its suite "packages").
check-packages:
	@tests/packages/check-packages.sh

# The bench's 1 GiB buffers (one 4K-scattered, one of huge pages) need room.
IOASID_BENCH_MEM ?= 3G
bench: all
	$(BENCH_VM) --mem $(IOASID_BENCH_MEM) -- scripts/bench.sh
	$(BENCH_VM) --mem $(IOASID_BENCH_MEM) -- scripts/bench-vfio.sh

bench-vfio: all
	$(BENCH_VM) --mem $(IOASID_BENCH_MEM) -- scripts/bench-vfio.sh

# Against upstream iommufd: builds its peer kernel once (about 25 min).
bench-iommufd: all
	IOASID_BENCH_MEM=$(IOASID_BENCH_MEM) scripts/bench-iommufd.sh

bench-policy: all
	$(BENCH_VM) -- scripts/bench-policy.sh

# 1M mappings (and 1M PASIDs) of kernel objects need room.
bench-scale: all
	$(BENCH_VM) --mem $(IOASID_BENCH_MEM) -- scripts/bench-scale.sh

# Four edu devices alone in their IOMMU group: the guest's two and two more.
bench-share: all
	IOASID_VM_EXTRA_EDU=2 $(BENCH_VM) --mem $(IOASID_BENCH_MEM) -- scripts/bench-share.sh

demo: all
	$(VM) -- scripts/demo.sh

vm: all
	$(VM) --shell

# Builds ioasidctl only if it is not built yet (so that it also works from
# a tree built elsewhere, e.g. in the test guest with NO_SETUP=1).
install:
	@[ -x cli/ioasidctl ] || $(MAKE) cli
	install -D -m 0755 cli/ioasidctl $(DESTDIR)$(SBINDIR)/ioasidctl
	install -D -m 0644 docs/ioasidctl.8 $(DESTDIR)$(MANDIR)/man8/ioasidctl.8
	install -D -m 0644 cli/ioasidctl.bash-completion \
		$(DESTDIR)$(BASHCOMPDIR)/ioasidctl
	install -D -m 0644 docs/netlink/ioasid.yaml $(DESTDIR)$(YNLSPECDIR)/ioasid.yaml
	install -D -m 0755 dist/ioasid-policy $(DESTDIR)$(LIBEXECDIR)/ioasid/ioasid-policy
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|/usr/libexec/|$(LIBEXECDIR)/|' dist/ioasid-policy.service \
		>$(DESTDIR)$(UNITDIR)/ioasid-policy.service
	install -D -m 0644 dist/60-ioasid.rules $(DESTDIR)$(UDEVRULESDIR)/60-ioasid.rules
	@# The operator's files: never overwritten.
	[ -e $(DESTDIR)$(SYSCONFDIR)/ioasid/policy.conf ] || \
		install -D -m 0644 dist/policy.conf $(DESTDIR)$(SYSCONFDIR)/ioasid/policy.conf
	[ -e $(DESTDIR)$(SYSCONFDIR)/modprobe.d/ioasid.conf ] || \
		install -D -m 0644 dist/modprobe.conf $(DESTDIR)$(SYSCONFDIR)/modprobe.d/ioasid.conf

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/ioasidctl \
		$(DESTDIR)$(MANDIR)/man8/ioasidctl.8 \
		$(DESTDIR)$(BASHCOMPDIR)/ioasidctl \
		$(DESTDIR)$(YNLSPECDIR)/ioasid.yaml \
		$(DESTDIR)$(LIBEXECDIR)/ioasid/ioasid-policy \
		$(DESTDIR)$(UNITDIR)/ioasid-policy.service \
		$(DESTDIR)$(UDEVRULESDIR)/60-ioasid.rules

clean:
	rm -f kernel/*.o kernel/*.ko kernel/*.mod kernel/*.mod.[co] \
		kernel/.*.cmd kernel/modules.order kernel/Module.symvers
	$(MAKE) -C bpf clean
	$(MAKE) -C cli clean
	$(MAKE) -C tests clean
	$(MAKE) -C bench clean

help:
	@sed -n '3,/^$$/p' Makefile | sed 's/^# \{0,1\}//'
