#!/bin/sh
# Build both modules with W=1 against Debian 12's two kernels; fail on any
# warning in our files.  Used by `make both` and `make check`.
set -eu
. "$(dirname "$0")/lab/common.sh"
rc=0
for series in 6.1 6.12; do
	kver=$("$IMR_TOP/test/kvers.sh" "$series")
	if b=$(build_modules "$kver"); then
		echo "build: ok $kver ($(cd "$b" && ls imr_guest/imr_guest.ko imr_host/imr_host.ko | tr '\n' ' '))"
	else
		echo "build: FAILED $kver"
		rc=1
	fi
done
exit $rc
