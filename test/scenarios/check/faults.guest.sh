# faults (guest side), by imr.fmode:
#  rm:    churn and memtouch with reporting on; the host removes imr_host
#         mid-report.  Reporting must stop with exactly one log line, stay
#         stopped, refuse to re-enable without a host, and churn lose nothing.
#  press: a cold block (memverify cold, imr.fcold MiB) is filled first and
#         left untouched while a small hot set (churn, memtouch) runs with
#         reporting on; the host squeezes the VMs' cgroup so that the cold
#         block goes to its swap.  Then half the block is verified (read
#         back from the host's swap) and all of it freed: the other half
#         is reported while its backing is still swapped out.
mode=$(param fmode '')
secs=$(param fsecs '')
g=/sys/kernel/imr/guest
reporting_off() { [ "$(cat $g/enabled)" != 1 ]; }
# imr.ffpr=1 (the host's imr.pressfpr comparison): free page reporting
# through virtio-balloon instead of IMR; imr_guest then finds no host.
[ "$(param ffpr 0)" = 1 ] && check fpr-balloon load_balloon
check guest-insmod insmod /lib/imr/imr_guest.ko
echo 0 >$g/delay_ms
hot=64
if [ "$mode" = press ]; then
	# The hot set stays small, so that the squeeze swaps the cold block
	# rather than thrashing what the guest runs on (docs/lab-notes.md:
	# "Nested TCG: exception loops").
	hot=32
	: >/tmp/mv.out
	memverify "$(param fcold '')" $((secs + 5)) cold >/tmp/mv.out 2>&1 &
	vpid=$!
	wait_until 60 grep -q 'IMR-MARK filled' /tmp/mv.out
fi
loop_start memtouch $hot 100 >/dev/null 2>&1
churn 2 "${secs:-20}" $hot >/tmp/churn.out 2>&1 &
cpid=$!
mark reporting
if [ "$mode" = rm ]; then
	wait_until 60 reporting_off
	check reporting-stopped test "$(cat $g/enabled)" = 0
	sleep 2
	r1=$(cat $g/reports)
	sleep 4
	r2=$(cat $g/reports)
	check reporting-stays-stopped test "$r1" = "$r2"
fi
wait $cpid
crc=$?
loop_stop
cat /tmp/churn.out
echo "IMR-REPORT faults-$mode guest $(grep '^churn:' /tmp/churn.out) reported_bytes=$(cat $g/reported_bytes) reports=$(cat $g/reports) report_errors=$(cat $g/report_errors)"
check churn-no-lost-words test $crc -eq 0
if [ "$mode" = rm ]; then
	gone=$(dmesg | grep -c 'host stopped taking reports')
	refused=$(dmesg | grep -c 'host refused a report')
	echo "IMR-REPORT faults-rm guest host_gone_lines=$gone refused_lines=$refused"
	dmesg | grep 'imr_guest' | tail -n 5
	check host-gone-logged-once test "$gone" -eq 1
	check no-refused-lines test "$refused" -eq 0
	expect_fail reenable-without-host sh -c "echo 1 >$g/enabled"
else
	wait $vpid
	vrc=$?
	# The freed block's reports go out at delay 0; give them a moment.
	sleep 2
	grep -v 'IMR-MARK' /tmp/mv.out
	echo "IMR-REPORT faults-press guest cold_mib=$(param fcold '') $(grep '^memverify:' /tmp/mv.out) reported_bytes=$(cat $g/reported_bytes)"
	check cold-block-no-lost-words test $vrc -eq 0
	check guest-reported test "$(cat $g/reported_bytes)" -gt 0
	check guest-no-report-errors test "$(cat $g/report_errors)" -eq 0
fi
check guest-rmmod rmmod imr_guest
