#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# test/kselftest/build.sh: build Linux's own KVM and mm ("vm" in 6.1)
# selftests from Debian's linux-source-6.1, statically, for the lab.
#
#   test/kselftest/build.sh          prints the output directory:
#     OUT/kvm/<test>   the x86_64 KVM selftests listed in kvm.list, and
#     OUT/kvm/tests.list  that list ("NAME [ARGS]" lines) without comments
#     OUT/kvm/repro.list  the same for kvm-repro.list: tests built and
#                         shipped for the kvmhang reproducer only
#     OUT/vm/<test>    the mm selftests listed in vm.list
#
# Cache: ${IMR_CACHE:-/var/cache/imr}/kselftest, keyed by the tarball
# (package version, size, mtime) and by this script and the two lists; a
# warm run only checks the key.  Cold: unpack ~100 s, make headers, build
# ~3-4 min on 2 cores.
#
# Debian's 6.1 copy needs two one-line fixes to compile (see LAB.md):
# dirty_log_test.c uses TEST_ASSERT_EQ (6.1 has no such macro) and
# steal_time.c needs <linux/stddef.h> before <asm/kvm.h>.
#
# Needs: linux-source-6.1 gcc make xz-utils libnuma-dev (for the
# static ksm_tests; skipped with a note when libnuma.a is missing).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
TARBALL=/usr/src/linux-source-6.1.tar.xz
CACHE=${IMR_CACHE:-/var/cache/imr}/kselftest
SRC=$CACHE/src/linux-source-6.1
OUT=$CACHE/out
JOBS=${IMR_KSELFTEST_JOBS:-$(nproc)}

die() { echo "kselftest: $*" >&2; exit 2; }
say() { echo "kselftest: $*" >&2; }

[ -r "$TARBALL" ] || die "$TARBALL missing: apt-get install linux-source-6.1"
for t in gcc make xz tar; do
	command -v "$t" >/dev/null 2>&1 || die "'$t' missing"
done
lists() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/$1"; }

mkdir -p "$CACHE"
exec 9>"$CACHE/lock"
flock 9

ver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || echo unknown)
key="$ver $(stat -c '%s %Y' "$TARBALL") $(cat "$0" "$here/kvm.list" "$here/kvm-repro.list" "$here/vm.list" | md5sum | cut -c1-12)"
if [ -f "$CACHE/out.key" ] && [ "$(cat "$CACHE/out.key")" = "$key" ] && [ -d "$OUT" ]; then
	echo "$OUT"
	exit 0
fi

srckey="$ver $(stat -c '%s %Y' "$TARBALL")"
if [ ! -f "$CACHE/src.key" ] || [ "$(cat "$CACHE/src.key")" != "$srckey" ]; then
	say "unpacking $TARBALL ($ver) into $CACHE/src"
	rm -rf "$CACHE/src" "$CACHE/src.tmp" "$CACHE/src.key"
	mkdir -p "$CACHE/src.tmp"
	tar -xJf "$TARBALL" -C "$CACHE/src.tmp"
	mv "$CACHE/src.tmp" "$CACHE/src"
	echo "$srckey" >"$CACHE/src.key"
fi
[ -d "$SRC/tools/testing/selftests/kvm" ] || die "unexpected layout of $TARBALL"

# The two fixes, idempotent.
K=$SRC/tools/testing/selftests/kvm
sed -i 's/TEST_ASSERT_EQ(sem_val, 0);/TEST_ASSERT(sem_val == 0, "sem_val %d", sem_val);/' \
	"$K/dirty_log_test.c"
grep -q '^#include <linux/stddef.h>' "$K/steal_time.c" ||
	sed -i 's|^#include <asm/kvm.h>|#include <linux/stddef.h>\n#include <asm/kvm.h>|' "$K/steal_time.c"

LOG=$CACHE/build.log
: >"$LOG"
# `make headers` leaves the UAPI headers in $SRC/usr/include (what
# headers_install would copy, with rsync, which we do not need).
HDR=$SRC/usr
if [ ! -f "$HDR/include/linux/kvm.h" ]; then
	say "make headers"
	make -s -C "$SRC" ARCH=x86 headers >>"$LOG" 2>&1 ||
		{ tail -n 30 "$LOG" >&2; die "make headers failed (log $LOG)"; }
fi

rm -rf "$OUT.tmp"
mkdir -p "$OUT.tmp/kvm" "$OUT.tmp/vm"

# KVM: the whole x86_64 set builds; copy the listed ones (flat names).
say "building KVM selftests (log $LOG)"
make -C "$K" -j"$JOBS" EXTRA_CFLAGS=-static KHDR_INCLUDES="-isystem $HDR/include" \
	OUTPUT="$CACHE/kvm-build" >>"$LOG" 2>&1 ||
	{ tail -n 30 "$LOG" >&2; die "KVM selftests failed to build (log $LOG)"; }
lists kvm.list >"$OUT.tmp/kvm/tests.list"
lists kvm-repro.list >"$OUT.tmp/kvm/repro.list"
for t in $(cat "$OUT.tmp/kvm/tests.list" "$OUT.tmp/kvm/repro.list" | awk '{ print $1 }'); do
	f=$CACHE/kvm-build/$t
	[ -x "$f" ] || f=$CACHE/kvm-build/x86_64/$t
	[ -x "$f" ] || die "KVM selftest $t was not built"
	strip -o "$OUT.tmp/kvm/$t" "$f"
done

# mm: only the listed targets.
V=$SRC/tools/testing/selftests/vm
vm=
for t in $(lists vm.list); do
	if [ "$t" = ksm_tests ] && [ ! -f /usr/lib/x86_64-linux-gnu/libnuma.a ]; then
		say "skipping ksm_tests: no static libnuma (apt-get install libnuma-dev)"
		continue
	fi
	vm="$vm $CACHE/vm-build/$t"
done
say "building mm selftests:$(for t in $vm; do printf ' %s' "${t##*/}"; done)"
mkdir -p "$CACHE/vm-build"
# shellcheck disable=SC2086
make -C "$V" -j"$JOBS" EXTRA_CFLAGS=-static KHDR_INCLUDES="-isystem $HDR/include" \
	OUTPUT="$CACHE/vm-build" $vm >>"$LOG" 2>&1 ||
	{ tail -n 30 "$LOG" >&2; die "mm selftests failed to build (log $LOG)"; }
for f in $vm; do
	file "$f" 2>/dev/null | grep -q 'statically linked' || die "${f##*/} is not static"
	strip -o "$OUT.tmp/vm/${f##*/}" "$f"
done

rm -rf "$OUT"
mv "$OUT.tmp" "$OUT"
echo "$key" >"$CACHE/out.key"
say "built into $OUT"
echo "$OUT"
