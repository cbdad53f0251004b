#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# test/lab/ship-kmod.sh SET MODULE... L2_ROOT L3_ROOT: a lab "ship" step
# (test/lab.sh).  Copies MODULE... of the host kernel and every module they
# depend on (modinfo) into L2's /lib/imr/kmod/SET/, with a file "order"
# that lists them dependencies first; a host scenario loads them with
# load_kmods SET (l2lib.sh).  What a kernel has built in is skipped (6.12
# builds zsmalloc and vfio_virqfd in, 6.1 does not).
set -eu
[ $# -ge 4 ] || { echo "usage: $0 SET MODULE... L2_ROOT L3_ROOT" >&2; exit 2; }
. "$(dirname "$0")/common.sh"
k=${IMR_HOST_KVER:?IMR_HOST_KVER unset (run through test/lab.sh)}
# SET into L2_ROOT, the next to last argument.
eval "d=\$(ship_set \"\${$(($# - 1))}\" \"\$1\")"
shift

while [ $# -gt 2 ]; do
	ship_add "$k" "$d" "$1"
	shift
done
