#!/bin/sh
# Shared by the L1-side lab scripts: cache locations, kernels, module builds.
# shellcheck disable=SC2034
set -eu

IMR_TOP=$(cd "$(dirname "$0")/../.." 2>/dev/null && pwd)
[ -f "$IMR_TOP/common/imr_abi.h" ] || IMR_TOP=$(cd "$(dirname "$0")/.." && pwd)
IMR_CACHE=${IMR_CACHE:-/var/cache/imr}
LAB_CACHE=$IMR_CACHE/lab

say() { printf '%s\n' "$*" >&2; }
die() { printf 'lab: error: %s\n' "$*" >&2; exit 2; }

# child_cpu_ticks PID: user + system CPU ticks of PID's children (QEMU
# under timeout(1)), 0 when there are none.
child_cpu_ticks() {
	cct=0
	for c in $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
		cct=$((cct + $(awk '{ print $14 + $15 }' "/proc/$c/stat" 2>/dev/null || echo 0)))
	done
	echo $cct
}

need() {
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			die "'$c' is missing (run .ci/run's package step, or: apt-get install qemu-system-x86 busybox-static cpio xz-utils kmod)"
	done
}

# kernel_dir KVER: an unpacked Debian linux-image for KVER, in the cache.
kernel_dir() {
	kver=$1
	d=$LAB_CACHE/kernels/$kver
	if [ ! -f "$d/.done" ]; then
		say "lab: fetching linux-image-$kver from the Debian archive"
		rm -rf "$d" && mkdir -p "$d/dl"
		( cd "$d/dl" &&
		  { apt-get download "linux-image-$kver" >/dev/null 2>&1 ||
		    apt-get download "linux-image-$kver-unsigned" >/dev/null; } ) ||
			die "cannot download linux-image-$kver (apt-get update?)"
		dpkg -x "$d"/dl/*.deb "$d/root"
		rm -rf "$d/dl"
		touch "$d/.done"
	fi
	echo "$d/root"
}

# module_path KVER NAME: path of NAME.ko or NAME.ko.xz in that kernel.
module_path() {
	find "$(kernel_dir "$1")/lib/modules/$1" -name "$2.ko" -o -name "$2.ko.xz" -o -name "$2.ko.zst" | head -n1
}

# ship_add KVER DIR NAME: NAME's dependencies (modinfo), then NAME, each
# once, copied from linux-image-KVER into DIR and appended to DIR/order in
# load order (test/lab/ship-kmod.sh, ship-l3kmod.sh).  If ship_builtin
# names a modules.builtin file, a module listed there is skipped, and with
# it its dependencies (built in too).
ship_add() {
	local p dep n
	if [ -n "${ship_builtin:-}" ] && sed 's,.*/,,; s,\.ko$,,' "$ship_builtin" | tr - _ |
		grep -qx "$(echo "$3" | tr - _)"; then
		return 0
	fi
	p=$(module_path "$1" "$3")
	if [ -z "$p" ]; then
		p=$(module_path "$1" "$(echo "$3" | tr _ -)")
		[ -n "$p" ] || die "module $3 neither built in nor found in linux-image-$1"
	fi
	for dep in $(modinfo -F depends "$p" | tr , ' '); do
		ship_add "$1" "$2" "$dep"
	done
	n=$(basename "$p" | sed 's/\.ko.*//')
	grep -qx "$n" "$2/order" && return 0
	copy_module "$1" "$n" "$2"
	echo "$n" >>"$2/order"
}

# ship_set ROOT SET: an image's folder ROOT/lib/imr/kmod/SET for a ship
# step's modules, with an empty order file for ship_add; prints the folder.
ship_set() {
	mkdir -p "$1/lib/imr/kmod/$2"
	: >"$1/lib/imr/kmod/$2/order"
	echo "$1/lib/imr/kmod/$2"
}

# copy_module KVER NAME DESTDIR: an uncompressed NAME.ko in DESTDIR.
copy_module() {
	p=$(module_path "$1" "$2")
	[ -n "$p" ] || die "module $2 not found in linux-image-$1"
	case "$p" in
	*.xz) xz -dc "$p" >"$3/$2.ko" ;;
	*.zst) zstd -qdc "$p" >"$3/$2.ko" ;;
	*) cp "$p" "$3/$2.ko" ;;
	esac
}

# build_modules KVER: build imr_guest.ko and imr_host.ko for KVER in
# .build/KVER (a copy of the sources, so both kernels can be built side by
# side); prints that directory.
build_modules() {
	kver=$1
	[ -d "/lib/modules/$kver/build" ] ||
		die "no headers for $kver: apt-get install linux-headers-$kver"
	b=$IMR_TOP/.build/$kver
	mkdir -p "$b"
	for f in Kbuild common imr_guest imr_host; do
		cp -a "$IMR_TOP/$f" "$b/"
	done
	make -s -C "/lib/modules/$kver/build" M="$b" W=1 modules >"$b/build.log" 2>&1 ||
		{ cat "$b/build.log" >&2; die "module build failed for $kver"; }
	if grep -E 'warning:|error:' "$b/build.log" >&2; then
		die "module build for $kver is not warning-free"
	fi
	echo "$b"
}

# vmlinux_of BZIMAGE OUT: the kernel's ELF image inside a bzImage, as the
# kernel's scripts/extract-vmlinux finds it: the first compressed stream
# (Debian 12: xz for 6.1, zstd for 6.12) that unpacks to an ELF file.
# QEMU boots such an image through its PVH entry (CONFIG_PVH, set in both
# kernels) without running the bzImage's decompressor, which under nested
# TCG costs an L3 boot 10-20 s (test/scenarios/repro/boottime.host.sh).
vmlinux_of() {
	for vo_z in 'xz -dc:\xfd7zXZ\x00' 'zstd -dc:\x28\xb5\x2f\xfd' 'gzip -dc:\x1f\x8b\x08'; do
		for vo_off in $(LC_ALL=C grep -aboP "${vo_z#*:}" "$1" | cut -d: -f1); do
			tail -c +$((vo_off + 1)) "$1" | ${vo_z%%:*} >"$2" 2>/dev/null
			[ "$(head -c 4 "$2" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] && return 0
		done
	done
	rm -f "$2"
	return 1
}

# cpio_of DIR OUT: an uncompressed newc archive (TCG unpacks it fastest).
cpio_of() {
	( cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet ) >"$2"
}

# add_busybox ROOT: a static busybox; applets are linked at boot by init.
add_busybox() {
	mkdir -p "$1/bin" "$1/sbin" "$1/usr/bin" "$1/usr/sbin" "$1/proc" "$1/sys" \
		"$1/dev" "$1/tmp" "$1/run" "$1/etc"
	cp /bin/busybox "$1/bin/busybox"
}

# add_binary ROOT PATH: PATH and every shared library it needs.
add_binary() {
	root=$1
	bin=$2
	mkdir -p "$root$(dirname "$bin")"
	cp -L "$bin" "$root$bin"
	ldd "$bin" 2>/dev/null | awk '/=>/ { print $3 } /^\t\/.*ld-linux/ { print $1 }' |
	while read -r lib; do
		[ -n "$lib" ] && [ -f "$lib" ] || continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}
