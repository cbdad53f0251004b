# faultsmig (guest side): long-lived pattern (memverify) plus churn and
# memtouch, all with reporting on, for 60 s; the host live-migrates this VM
# in the middle.  The part after the migration prints on the destination.
g=/sys/kernel/imr/guest
check guest-insmod insmod /lib/imr/imr_guest.ko
echo 0 >$g/delay_ms
loop_start memtouch 64 100 >/dev/null 2>&1
churn 1 60 48 >/tmp/churn.out 2>&1 &
cpid=$!
: >/tmp/mv.out
memverify 64 60 >/tmp/mv.out 2>&1 &
vpid=$!
while ! grep -q 'IMR-MARK filled' /tmp/mv.out; do sleep 0.2; done
mark filled
wait $vpid
vrc=$?
cat /tmp/mv.out
echo "IMR-REPORT faultsmig guest $(grep '^memverify:' /tmp/mv.out)"
wait $cpid
crc=$?
loop_stop
cat /tmp/churn.out
echo "IMR-REPORT faultsmig guest $(grep '^churn:' /tmp/churn.out) reported_bytes=$(cat $g/reported_bytes) reports=$(cat $g/reports) report_errors=$(cat $g/report_errors)"
check migrated-memverify-intact test $vrc -eq 0
check migrated-churn-no-lost-words test $crc -eq 0
check guest-reported test "$(cat $g/reported_bytes)" -gt 0
check guest-rmmod rmmod imr_guest
