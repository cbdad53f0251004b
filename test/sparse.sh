#!/bin/sh
# sparse on both modules for Debian 12's two kernels (6.1 and 6.12):
# `make C=2 CF=-D__CHECK_ENDIAN__` in a copy of the sources under
# .build/sparse-KVER.  Any sparse warning or error in our files (common/,
# imr_guest/, imr_host/) fails; those in the kernel's own headers are
# counted and ignored.  Exit 0 clean, 1 findings or build failure, 2 when
# sparse or the headers are missing.
set -eu
. "$(dirname "$0")/lab/common.sh"
need sparse make
rc=0
for series in 6.1 6.12; do
	kver=$("$IMR_TOP/test/kvers.sh" "$series")
	[ -d "/lib/modules/$kver/build" ] ||
		die "no headers for $kver: apt-get install linux-headers-$kver"
	b=$IMR_TOP/.build/sparse-$kver
	rm -rf "$b"
	mkdir -p "$b"
	for f in Kbuild common imr_guest imr_host; do
		cp -a "$IMR_TOP/$f" "$b/"
	done
	log=$b/sparse.log
	# C=2 checks every file, built or not; the build itself must succeed.
	if ! make -C "/lib/modules/$kver/build" M="$b" C=2 CF=-D__CHECK_ENDIAN__ \
		modules >"$log" 2>&1; then
		tail -n 30 "$log"
		echo "sparse: build FAILED for $kver (log $log)"
		rc=1
		continue
	fi
	ours=$(grep -E '(warning|error):' "$log" | grep -E "^($b/)?(common|imr_guest|imr_host)/" || true)
	theirs=$(grep -E '(warning|error):' "$log" | grep -vcE "^($b/)?(common|imr_guest|imr_host)/" || true)
	nchk=$(grep -c '^  CHECK ' "$log" || true)
	if [ -n "$ours" ]; then
		echo "$ours" | sed "s|^$b/||"
		echo "sparse: $kver: $(echo "$ours" | wc -l) finding(s) in our files"
		rc=1
	else
		echo "sparse: $kver clean ($nchk files checked; $theirs warning(s) in kernel headers ignored)"
	fi
done
exit $rc
