#!/bin/sh
# Print the Debian 12 kernel ABI name for a series: 6.1 or 6.12.
# 6.1 follows linux-headers-amd64's dependency; 6.12 is the newest
# linux-headers-6.12.*+deb12-amd64 the archive has (or, offline, that is
# installed).  Never hard-coded, so the lab follows security updates.
set -eu
case "${1:-}" in
6.1)
	v=$(apt-cache depends linux-headers-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-headers-\(6\.1\.[^ ]*-amd64\)$/\1/p' | head -n1)
	[ -n "$v" ] || v=$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null |
		sed 's|.*/linux-headers-||' | sort -V | tail -n1)
	;;
6.12)
	v=$(apt-cache pkgnames linux-headers-6.12. 2>/dev/null |
		sed -n 's/^linux-headers-\(6\.12\.[0-9]*+deb12-amd64\)$/\1/p' |
		sort -V | tail -n1)
	[ -n "$v" ] || v=$(ls -d /usr/src/linux-headers-6.12.*+deb12-amd64 2>/dev/null |
		sed 's|.*/linux-headers-||' | sort -V | tail -n1)
	;;
*)
	echo "usage: $0 6.1|6.12" >&2
	exit 2
	;;
esac
[ -n "$v" ] || { echo "kvers: no Debian $1 kernel found" >&2; exit 1; }
echo "$v"
