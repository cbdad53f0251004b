# odirect (guest side): /dev/vda is a virtio-blk disk that this guest's
# QEMU serves with cache=none, so QEMU reads and writes it with O_DIRECT
# straight into guest RAM (odirect.host.sh).  Load virtio_blk (and, on
# 6.1, the virtio core it needs), report at once, run one full round of
# O_DIRECT writes and verified reads (odio) so that QEMU has done O_DIRECT
# into guest RAM before the host takes its first look, mark
# "odio-first-round"; then keep O_DIRECT I/O going while churn and
# memtouch free memory to report, mark "odirect-freed", and stop the I/O.
# No word may be lost, on the disk or in churn's memory.

# load_set SET: insmod the modules test/lab/ship-l3kmod.sh shipped as SET,
# in its order, skipping those already loaded.  The order file is empty
# where the kernel has them all built in.
load_set() {
	for m in $(cat "/lib/imr/kmod/$1/order"); do
		grep -q "^$(echo "$m" | tr - _) " /proc/modules && continue
		insmod "/lib/imr/kmod/$1/$m.ko" || return 1
	done
}

check guest-insmod-virtio-blk load_set vblk
# The device node comes from devtmpfs once virtio_blk has probed the disk.
wait_until 10 test -b /dev/vda
check guest-vda test -b /dev/vda
[ -b /dev/vda ] || exit 1
echo "odirect: /dev/vda $(cat /sys/block/vda/size) sectors, modules: $(xargs </lib/imr/kmod/vblk/order)"
check guest-insmod insmod /lib/imr/imr_guest.ko
echo 0 >/sys/kernel/imr/guest/delay_ms
# 32 MiB of the 64 MiB disk a round, 1 MiB a request.  The first round
# ends before the host's "before" reading: from then on QEMU's mm has done
# O_DIRECT into guest RAM (on 6.12: pinned it, MMF_HAS_PINNED).
if odio /dev/vda 32 0 odio-first-round; then
	result PASS odio-first-round
else
	result FAIL odio-first-round "exit $?"
	exit 1
fi
# The host reads the VM's counters at that mark; nothing is freed on
# purpose until it had time to.
sleep 5
# The window: O_DIRECT I/O in flight the whole time (odio runs until it is
# told to stop), churn's short-lived memory, and 256 MiB that memtouch
# touches and frees: the host must reclaim it although QEMU keeps pinning.
odio /dev/vda 32 600 >/tmp/odio.out &
io=$!
churn 2 30 64 >/tmp/churn.out &
ch=$!
sleep 2
memtouch 256 1000
# delay_ms 0: the frees are reported at the next tick; 5 s for the host to
# drop them.
sleep 5
mark odirect-freed
wait $ch
crc=$?
cat /tmp/churn.out
if [ $crc -eq 0 ]; then
	result PASS churn-no-lost-words
else
	result FAIL churn-no-lost-words "exit $crc"
fi
kill -TERM $io
wait $io
irc=$?
cat /tmp/odio.out
case $irc in
0) result PASS odio-no-lost-words ;;
1) result FAIL odio-no-lost-words "words read back with O_DIRECT differ from what was written" ;;
*) result FAIL odio-no-lost-words "exit $irc (I/O error or setup)" ;;
esac
g=/sys/kernel/imr/guest
echo "IMR-REPORT guest reported_bytes=$(cat $g/reported_bytes) reports=$(cat $g/reports) report_errors=$(cat $g/report_errors) reused_bytes=$(cat $g/reused_bytes)"
check guest-reported test "$(cat $g/reported_bytes)" -gt 0
check guest-no-report-errors test "$(cat $g/report_errors)" -eq 0
check guest-rmmod rmmod imr_guest
