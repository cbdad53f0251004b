# hugetlbvm (guest side): free 512 MiB and let it be reported, give the
# host 25 s to let another user at its huge page pool, then write and
# verify 768 MiB: with the backing still there this takes seconds; had
# IMR handed the huge pages to the pool unreserved, the refaults would
# stall until the other user let go, or the VM would die.
g=/sys/kernel/imr/guest
check guest-insmod insmod /lib/imr/imr_guest.ko
echo 0 >$g/delay_ms
memtouch 512 0 >/dev/null
sleep 3
echo "IMR-REPORT hugetlbvm guest reported_bytes=$(cat $g/reported_bytes) reports=$(cat $g/reports)"
mark freed
sleep 25
s=$(date +%s)
memverify 768 5 >/tmp/mv.out 2>&1
vrc=$?
cat /tmp/mv.out
echo "IMR-REPORT hugetlbvm guest rewrite_secs=$(($(date +%s) - s))"
check rewrite-verified test $vrc -eq 0
check guest-rmmod rmmod imr_guest
