#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# test/lab/ship-vfio.sh L2_ROOT L3_ROOT: the lab's "ship" step for the vfio
# scenario.  Puts the host kernel's VFIO modules into L2's
# /lib/imr/kmod/vfio/, with a file "order" listing them in load order
# (6.1 has a separate vfio_virqfd; 6.12 built it into vfio).
set -eu
[ $# -eq 2 ] || { echo "usage: $0 L2_ROOT L3_ROOT" >&2; exit 2; }
. "$(dirname "$0")/common.sh"
k=${IMR_HOST_KVER:?IMR_HOST_KVER unset (run through test/lab.sh)}
d=$1/lib/imr/kmod/vfio
mkdir -p "$d"
: >"$d/order"
for m in vfio vfio_iommu_type1 vfio_virqfd vfio-pci-core vfio-pci; do
	[ -n "$(module_path "$k" "$m")" ] || continue
	copy_module "$k" "$m" "$d"
	echo "$m" >>"$d/order"
done
grep -q '^vfio-pci$' "$d/order" || die "no vfio-pci module in linux-image-$k"
