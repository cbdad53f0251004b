#!/bin/sh
# `dkms add/build` of the imr package for one kernel, in a private dkms tree
# (nothing under /var/lib/dkms or /usr/src is touched).
#   test/dkms-check.sh KVER
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
kver=$1
command -v dkms >/dev/null || { echo "dkms-check: dkms is missing (apt-get install dkms)" >&2; exit 2; }
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/imr-$ver" "$tmp/tree"
cp -a "$top/Kbuild" "$top/Makefile" "$top/dkms.conf" "$top/common" \
	"$top/imr_guest" "$top/imr_host" "$tmp/src/imr-$ver/"
rm -f "$tmp"/src/imr-$ver/imr_*/*.o "$tmp"/src/imr-$ver/imr_*/*.ko
d="dkms --dkmstree $tmp/tree --sourcetree $tmp/src"
$d add -m imr -v "$ver" >/dev/null
if ! $d build -m imr -v "$ver" -k "$kver" >"$tmp/out" 2>&1; then
	cat "$tmp/out" >&2
	find "$tmp/tree" -name make.log -exec tail -n 30 {} \; >&2
	exit 1
fi
for m in imr_guest imr_host; do
	ko=$(find "$tmp/tree/imr/$ver/$kver" -name "$m.ko*" | head -n1)
	[ -n "$ko" ] || { echo "dkms-check: $m not built for $kver" >&2; exit 1; }
done
# A guest kernel without KVM (Debian's are built with it; others need not
# be) gets the guest module alone: dkms.conf lists imr_host only where
# CONFIG_KVM is set.  dkms sources dkms.conf in bash with
# kernel_source_dir set; so does this.
mkdir -p "$tmp/nokvm"
echo '# CONFIG_KVM is not set' >"$tmp/nokvm/.config"
mods=$(bash -c 'kernel_source_dir=$1; . "$2"; echo "${BUILT_MODULE_NAME[*]}"' - "$tmp/nokvm" "$top/dkms.conf")
[ "$mods" = imr_guest ] || { echo "dkms-check: without CONFIG_KVM dkms.conf lists '$mods', want imr_guest alone" >&2; exit 1; }
echo "dkms-check: imr $ver builds imr_guest and imr_host for $kver (imr_guest alone without CONFIG_KVM)"
