#!/bin/sh
# `make deb`: imr-dkms and imr-tools .debs in OUT (default .build/deb), built
# with dpkg-buildpackage from a copy of the tree (the tracked files and any
# new ones git does not ignore), never in the checkout itself.
#   debian/build-deb.sh [OUT]
# The version is dkms.conf's PACKAGE_VERSION; debian/changelog is written
# here from it, so no other file has to be kept in step.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/.build/deb}
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
[ -n "$ver" ] || { echo "build-deb: no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }
for t in dpkg-buildpackage dh dh_dkms; do
	command -v $t >/dev/null || {
		echo "build-deb: $t is missing (apt-get install dpkg-dev debhelper dh-dkms fakeroot)" >&2
		exit 2
	}
done
src=$out/imr-$ver
rm -rf "$out"
mkdir -p "$src"
cd "$top"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files --cached --others --exclude-standard |
		while IFS= read -r f; do [ -f "$f" ] && printf '%s\n' "$f"; done |
		tar -cf - --no-recursion -T - | tar -xf - -C "$src"
	when=$(git log -1 --format=%aD 2>/dev/null || date -R)
	what="git $(git describe --always --dirty 2>/dev/null || echo unknown)"
else
	tar -cf - --exclude=./.build --exclude=./.git --exclude='*.o' \
		--exclude='*.ko' --exclude=./tools/imrstat . | tar -xf - -C "$src"
	when=$(date -R)
	what="a tree without git"
fi
maint=$(sed -n 's/^Maintainer: //p' debian/control)
cat >"$src/debian/changelog" <<END
imr ($ver) bookworm; urgency=medium

  * IMR $ver (from $what).

 -- $maint  $when
END
cd "$src"
dpkg-buildpackage -b -us -uc
cd "$out"
echo "build-deb: in $out:"
ls -1 ./*.deb
