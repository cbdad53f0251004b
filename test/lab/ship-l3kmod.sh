#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# test/lab/ship-l3kmod.sh SET MODULE... [--host HSET HMODULE...] L2_ROOT L3_ROOT:
# a lab "ship" step (test/lab.sh) for the guests.  Copies MODULE... of the
# guest kernel and every module they depend on (modinfo) into L3's
# /lib/imr/kmod/SET/, with a file "order" that lists them dependencies
# first; a guest scenario insmods them in that order (odirect.guest.sh).
# A module the guest kernel has built in (its modules.builtin) is left
# out, and so, with it, are its dependencies (built in too): 6.12 builds
# the virtio core and virtio_pci in, 6.1 has them as modules.  A module
# that is neither built in nor found is an error.  The order file may be
# empty (everything built in).
#
# --host HSET HMODULE...: also ship host-kernel modules to L2's
# /lib/imr/kmod/HSET/, as test/lab/ship-kmod.sh does (it runs it): a
# scenario has one ship directive, and some need both sides (odirect:
# loop in L2, virtio_blk in L3).
set -eu
[ $# -ge 4 ] || { echo "usage: $0 SET MODULE... [--host HSET HMODULE...] L2_ROOT L3_ROOT" >&2; exit 2; }
. "$(dirname "$0")/common.sh"
k=${IMR_GUEST_KVER:?IMR_GUEST_KVER unset (run through test/lab.sh)}
set_name=$1
# SET into L3_ROOT, the last argument.
eval "dst=\$(ship_set \"\${$#}\" \"\$set_name\")"
shift
ship_builtin=$(kernel_dir "$k")/lib/modules/$k/modules.builtin
[ -f "$ship_builtin" ] || die "no modules.builtin in linux-image-$k"

host=
while [ $# -gt 2 ]; do
	if [ "$1" = --host ]; then
		host=1
		shift
		break
	fi
	ship_add "$k" "$dst" "$1"
	shift
done
say "ship-l3kmod: $set_name for $k: $(tr '\n' ' ' <"$dst/order")"
# What is left: HSET HMODULE... L2_ROOT L3_ROOT, ship-kmod.sh's arguments.
[ -z "$host" ] || exec "$(dirname "$0")/ship-kmod.sh" "$@"
