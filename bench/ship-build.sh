#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench/ship-build.sh L2_ROOT L3_ROOT: the lab "ship" step (test/lab.sh) of
# bench_build.  Puts a build-like workload of real programs into the L3
# image, under /build:
#
#   src/*.i   dtc, the device-tree compiler, with its libfdt (20 files), as
#             the kernel carries it in scripts/dtc of Debian's
#             linux-source-6.1, preprocessed here (flex and bison make its
#             lexer and parser, gcc -E its headers) so that the guest needs
#             no headers: what it runs is the compiler proper (cc1, as);
#   data.N    real data to compress: the tar of that source's
#             Documentation/admin-guide, in chunks of 1 MiB (four);
#
# and the programs: gcc (the driver, cc1, as), xz and gzip, with their
# libraries.  The extracted sources are cached in $LAB_CACHE: reading the
# two members out of the tarball decompresses most of it (about 15 s).
set -eu
[ $# -eq 2 ] || { echo "usage: $0 L2_ROOT L3_ROOT" >&2; exit 2; }
. "$(dirname "$0")/../test/lab/common.sh"
g=$2
tarball=/usr/src/linux-source-6.1.tar.xz
[ -f "$tarball" ] || die "no $tarball: apt-get install linux-source-6.1 (test/deps.sh does)"
for c in flex bison gcc xz; do
	command -v $c >/dev/null || die "'$c' is missing (test/deps.sh installs it)"
done
cc1=$(gcc -print-prog-name=cc1)
as=$(command -v as) || die "'as' is missing (binutils)"

# The cache key: the tarball, the compiler (its headers are in the .i
# files) and this script.
key=$( (stat -c '%s-%Y' "$tarball"; gcc -dumpfullversion; dpkg-query -W -f '${Version}' libc6-dev 2>/dev/null;
	cat "$0") | md5sum | cut -c1-12)
c=$LAB_CACHE/bench-build-$key
if [ ! -f "$c/.done" ]; then
	say "bench: ship-build: extracting dtc and Documentation/admin-guide from $(basename "$tarball")"
	t=$c.$$
	rm -rf "$t"
	mkdir -p "$t/x" "$t/src"
	tar -C "$t/x" -xf "$tarball" --strip-components=1 \
		linux-source-6.1/scripts/dtc linux-source-6.1/Documentation/admin-guide
	d=$t/x/scripts/dtc
	(cd "$d" && flex -o dtc-lexer.lex.c dtc-lexer.l && bison -d -o dtc-parser.tab.c dtc-parser.y) ||
		die "flex/bison of dtc failed"
	for f in "$d"/*.c "$d"/libfdt/*.c; do
		b=$(basename "$f" .c)
		# The tools beside dtc and the YAML output (libyaml) are not dtc.
		case $b in fdtget | fdtput | fdtoverlay | yamltree) continue ;; esac
		gcc -E -DNO_YAML -I"$d" -I"$d/libfdt" "$f" >"$t/src/$b.i" ||
			die "gcc -E $f failed"
	done
	(cd "$t/x" && tar -cf - Documentation/admin-guide) | split -b 1M -d -a 2 - "$t/data."
	rm -rf "$t/x"
	touch "$t/.done"
	# A parallel run may have made it meanwhile: keep the first.
	mv -T "$t" "$c" 2>/dev/null || rm -rf "$t"
fi
[ -f "$c/.done" ] || die "no $c"
mkdir -p "$g/build"
cp -a "$c/src" "$g/build/"
# Four chunks (3.5 MiB in all): each xz -6 allocates about 94 MiB
# whatever its input.
for i in 00 01 02 03; do
	cp "$c/data.$i" "$g/build/data.$i"
done
# add_binary copies what a link points to under the link's name.
add_binary "$g" "$(command -v gcc)"
add_binary "$g" "$cc1"
add_binary "$g" "$as"
add_binary "$g" "$(command -v xz)"
add_binary "$g" "$(command -v gzip)"
