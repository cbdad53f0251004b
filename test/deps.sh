#!/bin/sh
# Install (as root, with apt-get) every Debian package the build, the lab,
# KUnit, the benchmarks and the tools need; say what is missing otherwise.
#   test/deps.sh          install what is missing
#   test/deps.sh --list   print the package names
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
pkgs="make gcc libc6-dev perl python3 git kmod cpio xz-utils zstd busybox-static
qemu-system-x86 dwarves sparse dkms bc flex bison libelf-dev
linux-source-6.1 linux-headers-amd64 stress-ng gnuplot-nox prometheus groff man-db libnuma-dev
dpkg-dev debhelper dh-dkms fakeroot lintian systemd"
if [ "$(id -u)" != 0 ]; then
	echo "deps: not root; install these yourself: $pkgs linux-headers-6.12.*+deb12-amd64" >&2
	exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
k612=$("$top/test/kvers.sh" 6.12)
[ "${1:-}" = --list ] && { echo $pkgs "linux-headers-$k612"; exit 0; }
missing=
for p in $pkgs "linux-headers-$k612"; do
	dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps: installing$missing" >&2
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
echo "deps: all packages present" >&2
