#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages, as TAP on stdout (make check's host suite
# "packages", or make check-packages): builds them with dpkg-buildpackage
# from a clean copy of the tree (the files git tracks, as they are in the
# work tree), runs lintian on them (no error allowed), checks what lands
# where, unpacks both into a throw-away root with dpkg -x and has DKMS
# build the modules there, from the packaged source, for the target kernel
# ($KVER, the headers setup.sh installed).  Also checks that debian/rules
# clean leaves the copy as it was.  Nothing is installed on the host (DKMS
# creates its module signing key in /var/lib/dkms once, as it does on every
# Debian host).
#
#   tests/packages/check-packages.sh     IOASID_PKG_KEEP=DIR keeps the .debs
set -euo pipefail
cd "$(dirname "$0")/../.."
top=$PWD

KVER=${KVER:-$(scripts/setup.sh | tail -n1)}
KDIR=/usr/src/linux-headers-$KVER
version=$(dpkg-parsechangelog -l debian/changelog -SVersion)
work=$(mktemp -d "${TMPDIR:-/tmp}/ioasid-pkg.XXXXXX")
trap 'rm -rf "$work"' EXIT
src=$work/ioasid-$version
root=$work/root

n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() {
	n=$((n + 1))
	echo "not ok $n - $1"
	[ $# -lt 2 ] || sed 's/^/# /' "$2" | tail -n "${3:-40}"
}
# check NAME COMMAND...: one TAP line, the command's output as diagnostics
# when it fails.
check() {
	local name=$1
	shift
	if "$@" >"$work/out" 2>&1; then ok "$name"; else notok "$name" "$work/out"; fi
}
finish() { echo "1..$n"; exit 0; }

mkdir -p "$src" "$root"
git ls-files -z | tar -c --null -T - -f - | tar -x -C "$src" -f -
(cd "$src" && find . -type f | sort) >"$work/tree.before"

# 1. Build.  bookworm-security's 6.12 headers are a versioned package, not
# the linux-headers-amd64 (>= 6.9) that Build-Depends names: the build
# profile pkg.ioasid.kdir takes KDIR instead (debian/rules).
if (cd "$src" && DEB_BUILD_PROFILES=pkg.ioasid.kdir KDIR=$KDIR \
	dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b on a clean tree (KDIR=$KDIR)"
else
	notok "dpkg-buildpackage -us -uc -b on a clean tree (KDIR=$KDIR)" "$work/build.log"
	finish
fi
ctl=$work/ioasidctl_${version}_amd64.deb
dkms_deb=$work/ioasid-dkms_${version}_all.deb
check "both packages built" test -s "$ctl" -a -s "$dkms_deb"

# 2. The build cleans up after itself.
(cd "$src" && KDIR=$KDIR debian/rules clean) >"$work/clean.log" 2>&1 || true
(cd "$src" && find . -type f | sort) >"$work/tree.after"
check "debian/rules clean leaves the tree as it was" \
	diff "$work/tree.before" "$work/tree.after"

# 3. lintian: no error (warnings are shown, not counted).
if lintian --fail-on error "$work/ioasid_${version}_amd64.changes" >"$work/lintian.log" 2>&1; then
	ok "lintian: no error ($(grep -c '^W:' "$work/lintian.log" || true) warnings)"
	grep '^[EW]:' "$work/lintian.log" | sed 's/^/# /' || true
else
	notok "lintian: no error" "$work/lintian.log"
fi

# 4. Where the files land.
contents() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print "/" $6 }' | sort; }
contents "$ctl" >"$work/ctl.got"
cat >"$work/ctl.want" <<EOT
/etc/ioasid/policy.conf
/etc/modprobe.d/ioasid.conf
/lib/systemd/system/ioasid-policy.service
/lib/udev/rules.d/60-ioasid.rules
/usr/libexec/ioasid/ioasid-policy
/usr/sbin/ioasidctl
/usr/share/bash-completion/completions/ioasidctl
/usr/share/doc/ioasidctl/changelog.gz
/usr/share/doc/ioasidctl/copyright
/usr/share/man/man8/ioasidctl.8.gz
/usr/share/ynl/specs/ioasid.yaml
EOT
check "ioasidctl: exactly its files, where Debian puts them" \
	diff -u "$work/ctl.want" "$work/ctl.got"
check "ioasidctl: /etc files are conffiles; postinst creates the group ioasid" \
	bash -c "dpkg-deb -I '$ctl' conffiles | sort | tr '\n' ' ' | grep -qx '/etc/ioasid/policy.conf /etc/modprobe.d/ioasid.conf ' &&
		dpkg-deb -I '$ctl' postinst | grep -q 'addgroup --system --quiet ioasid'"
check "ioasidctl: the unit's commands point at the packaged helper" \
	bash -c "dpkg-deb --fsys-tarfile '$ctl' | tar -xO ./lib/systemd/system/ioasid-policy.service |
		grep '^Exec' | tr '\n' ' ' | grep -qx 'ExecStart=/usr/libexec/ioasid/ioasid-policy start ExecReload=/usr/libexec/ioasid/ioasid-policy reload ExecStop=/usr/libexec/ioasid/ioasid-policy stop '"
check "ioasidctl: depends on libbpf1 >= 1.4, jansson, libmnl" \
	bash -c "dpkg-deb -f '$ctl' Depends | tr ',' '\n' | sed 's/^ //' | grep -c -x -e 'libbpf1 (>= 1:1.4)' -e 'libjansson4.*' -e 'libmnl0.*' | grep -qx 3"

contents "$dkms_deb" >"$work/dkms.got"
{
	echo "/usr/share/doc/ioasid-dkms/changelog.gz"
	echo "/usr/share/doc/ioasid-dkms/copyright"
	echo "/usr/src/ioasid-$version/dkms.conf"
	(cd "$src" && git -C "$top" ls-files kernel include/uapi) |
		sed "s|^|/usr/src/ioasid-$version/|"
} | sort >"$work/dkms.want"
check "ioasid-dkms: the module source (every tracked kernel/ and uAPI file) and dkms.conf under /usr/src/ioasid-$version" \
	diff -u "$work/dkms.want" "$work/dkms.got"
check "ioasid-dkms: depends on dkms; postinst registers and builds with DKMS" \
	bash -c "dpkg-deb -f '$dkms_deb' Depends | grep -q 'dkms (>=' &&
		dpkg-deb -I '$dkms_deb' postinst | grep -q '^DKMS_NAME=ioasid$' &&
		dpkg-deb -I '$dkms_deb' postinst | grep -q '/usr/lib/dkms/common.postinst' &&
		dpkg-deb -I '$dkms_deb' prerm | grep -q 'dkms remove'"

# 5. A throw-away root: unpack both, DKMS builds the modules there for KVER.
dpkg -x "$ctl" "$root"
dpkg -x "$dkms_deb" "$root"
conf=$root/usr/src/ioasid-$version/dkms.conf
check "dkms.conf: PACKAGE_VERSION=$version, AUTOINSTALL, two modules" \
	bash -c "grep -qx 'PACKAGE_VERSION=\"$version\"' '$conf' && grep -qx 'AUTOINSTALL=\"yes\"' '$conf' &&
		grep -qx 'BUILT_MODULE_NAME\[0\]=\"ioasid\"' '$conf' && grep -qx 'BUILT_MODULE_NAME\[1\]=\"ioasid_vfio\"' '$conf'"
mkdir -p "$root/var/lib/dkms"
dk=(--sourcetree "$root/usr/src" --dkmstree "$root/var/lib/dkms")
if dkms add -m ioasid -v "$version" "${dk[@]}" >"$work/dkms.log" 2>&1 &&
   dkms build -m ioasid -v "$version" -k "$KVER" --kernelsourcedir "$KDIR" "${dk[@]}" \
	>>"$work/dkms.log" 2>&1; then
	ok "dkms add + build for $KVER in the throw-away root"
else
	notok "dkms add + build for $KVER in the throw-away root" "$work/dkms.log"
	cat "$root/var/lib/dkms/ioasid/$version/$KVER/x86_64/log/make.log" 2>/dev/null | tail -20 | sed 's/^/# /'
fi
mods=$root/var/lib/dkms/ioasid/$version/$KVER/x86_64/module
for m in ioasid ioasid_vfio; do
	ko=$(ls "$mods/$m.ko"* 2>/dev/null | head -n1 || true)
	check "dkms built $m.ko for $KVER (vermagic, BTF for the policies)" \
		bash -c "[ -n '$ko' ] && modinfo -F vermagic '$ko' | grep -q '^$KVER ' &&
			modinfo -F name '$ko' | grep -qx '$m' &&
			{ case '$ko' in *.xz) xz -dc '$ko' ;; *) cat '$ko' ;; esac; } >'$work/$m.ko' &&
			readelf -S '$work/$m.ko' | grep -q ' \.BTF '"
done

# 6. The packaged ioasidctl runs, with the bundled policies in it.
check "the packaged ioasidctl runs and bundles the six policies" \
	bash -c "'$root/usr/sbin/ioasidctl' policy list | awk '{print \$1}' | tr '\n' ' ' |
		grep -qx 'allowlist audit dmaquota minimal singleton tenant '"

if [ -n "${IOASID_PKG_KEEP:-}" ]; then
	mkdir -p "$IOASID_PKG_KEEP"
	cp "$work"/*.deb "$work"/*.changes "$IOASID_PKG_KEEP"/
fi
finish
