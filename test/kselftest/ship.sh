#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# test/kselftest/ship.sh WHAT L2_ROOT L3_ROOT: the lab's "ship" step (a
# "# lab: ship=..." directive in a host scenario, see test/lab.sh).  Builds
# the selftests (cached, test/kselftest/build.sh) and copies them into the
# images: WHAT=kvm puts the KVM selftests in L2's /usr/lib/kselftest/kvm,
# WHAT=vm puts the mm selftests in L3's /usr/lib/kselftest/vm.
set -eu
[ $# -eq 3 ] || { echo "usage: $0 kvm|vm L2_ROOT L3_ROOT" >&2; exit 2; }
out=$("$(dirname "$0")/build.sh")
case $1 in
kvm) root=$2 ;;
vm) root=$3 ;;
*) echo "ship.sh: unknown set '$1'" >&2; exit 2 ;;
esac
mkdir -p "$root/usr/lib/kselftest"
cp -a "$out/$1" "$root/usr/lib/kselftest/"
