# lifecycle (guest side): rmmod/insmod cycles of imr_guest while memory
# churns (no word lost), then imr_host and imr_guest in one kernel, loaded
# and unloaded in both orders.
check guest-insmod insmod /lib/imr/imr_guest.ko
# A reload remembers what the previous load returned: those blocks stay
# PageReported on the free lists, and free page reporting never offers
# them again (a new, empty bitmap would count them as backed).
sleep 1
memtouch 256 0 >/dev/null
sleep 2
r1=$(gsys returned_bytes)
rmmod imr_guest
insmod /lib/imr/imr_guest.ko
r2=$(gsys returned_bytes)
echo "IMR-REPORT lifecycle returned_bytes before_reload=$r1 after_reload=$r2"
check returned-before-reload test "$r1" -ge $((192 << 20))
check reload-keeps-returned test $((r2 * 4)) -ge $((r1 * 3))
churn 3 50 64 >/tmp/churn.out 2>&1 &
cpid=$!
cycles=0
fails=0
while [ $cycles -lt 10 ]; do
	sleep 0.5
	rmmod imr_guest || fails=$((fails + 1))
	insmod /lib/imr/imr_guest.ko || fails=$((fails + 1))
	cycles=$((cycles + 1))
done
wait $cpid
crc=$?
cat /tmp/churn.out
echo "IMR-REPORT lifecycle guest_cycles=$cycles cycle_failures=$fails"
check churn-during-cycles-no-loss test $crc -eq 0
check guest-cycles-clean test $fails -eq 0
check guest-cycles-done test $cycles -ge 10
# Settings: one setter checks a value given to insmod and one written to
# /sys/kernel/imr/guest alike, and the parameter shows the value in force.
G=/sys/kernel/imr/guest
P=/sys/module/imr_guest/parameters
rmmod imr_guest
expect_fail insmod-min-order-bad insmod /lib/imr/imr_guest.ko min_order=99
check insmod-min-order-bad-said dmesg_has "min_order (-1: pageblock_order) must be -1.."
expect_fail insmod-delay-bad insmod /lib/imr/imr_guest.ko delay_ms=10001
check insmod-delay-bad-said dmesg_has "delay_ms must be 0..10000"
check insmod-params insmod /lib/imr/imr_guest.ko min_order=3 delay_ms=50
check param-min-order test "$(gsys min_order)" = 3
check param-delay test "$(gsys delay_ms)" = 50
expect_fail sysfs-min-order-bad sh -c "echo 99 >$G/min_order"
expect_fail sysfs-delay-bad sh -c "echo 10001 >$G/delay_ms"
expect_fail sysfs-enabled-bad sh -c "echo 2 >$G/enabled"
check sysfs-min-order sh -c "echo 4 >$G/min_order"
check param-shows-min-order test "$(cat $P/min_order)" = 4
check sysfs-disable sh -c "echo 0 >$G/enabled"
check param-shows-disabled test "$(cat $P/enabled)" = 0
check sysfs-enable sh -c "echo 1 >$G/enabled"
check sysfs-min-order-default sh -c "echo -1 >$G/min_order"
check min-order-default-pageblock test "$(gsys min_order)" = 9
check sysfs-delay-default sh -c "echo 10 >$G/delay_ms"
rmmod imr_guest
check insmod-enabled-bare insmod /lib/imr/imr_guest.ko enabled
check enabled-bare-is-1 test "$(gsys enabled)" = 1
# Both modules in one kernel, in both orders.
insmod /lib/imr/kmod/irqbypass.ko
if insmod /lib/imr/kmod/kvm.ko; then
	check both-host-insmod insmod /lib/imr/imr_host.ko
	check both-sysfs sh -c "test -d /sys/kernel/imr/host && test -d /sys/kernel/imr/guest"
	check both-rmmod-guest-first rmmod imr_guest
	check both-host-alone test -d /sys/kernel/imr/host
	check both-guest-insmod-again insmod /lib/imr/imr_guest.ko
	check both-rmmod-host-first rmmod imr_host
	check both-guest-alone test -d /sys/kernel/imr/guest
else
	result FAIL both-kvm-insmod "kvm.ko did not load in the guest"
fi
check guest-rmmod rmmod imr_guest
check guest-sysfs-gone test ! -e /sys/kernel/imr
