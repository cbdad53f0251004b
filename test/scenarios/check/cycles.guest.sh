# cycles (guest side).  Phase 1: GCYCLES rmmod/insmod cycles of imr_guest
# while churn (pattern check) and memtouch loops run.  Phase 2 (the host
# cycles imr_host meanwhile): the same loops for P2SECS with imr_guest
# loaded, re-enabling reporting every 0.5 s (it stops itself whenever the
# host module is gone).  Pass: no lost word, every guest cycle clean.
gcycles=$(param gcycles 10)
p2secs=$(param p2secs 30)
g=/sys/kernel/imr/guest
: >/tmp/churn.out
: >/tmp/churn.fail
churn1() { churn 2 4 48 >>/tmp/churn.out 2>&1 || echo lost >>/tmp/churn.fail; }
loops_start() {
	loop_start churn1
	loop_start memtouch 64 200 >/dev/null 2>&1
}
check guest-insmod insmod /lib/imr/imr_guest.ko
echo 0 >$g/delay_ms
loops_start
cycles=0
fails=0
while [ $cycles -lt "$gcycles" ]; do
	sleep 0.3
	rmmod imr_guest || fails=$((fails + 1))
	insmod /lib/imr/imr_guest.ko || fails=$((fails + 1))
	echo 0 >$g/delay_ms
	cycles=$((cycles + 1))
done
loop_stop
echo "IMR-REPORT cycles guest_cycles=$cycles guest_cycle_failures=$fails"
check guest-cycles-clean test $fails -eq 0
check guest-cycles-done test $cycles -ge "$gcycles"
mark gcycles-done
# Phase 2: the host cycles imr_host.
r0=$(cat $g/reports)
loops_start
end=$(($(date +%s) + p2secs))
reenable=0
while [ "$(date +%s)" -lt $end ]; do
	sleep 0.5
	if [ "$(cat $g/enabled)" != 1 ]; then
		echo 1 >$g/enabled 2>/dev/null && reenable=$((reenable + 1))
	fi
done
loop_stop
mark phase2-done
gone=$(dmesg | grep -c 'host stopped taking reports')
echo "IMR-REPORT cycles guest_phase2 reports=$(($(cat $g/reports) - r0)) report_errors=$(cat $g/report_errors) host_gone_lines=$gone reenabled=$reenable"
words=$(awk -F'[= ]' '/^churn:/ { w += $3 } END { printf "%.0f", w }' /tmp/churn.out)
runs=$(grep -c '^churn:' /tmp/churn.out)
echo "IMR-REPORT cycles churn_runs=$runs words_verified=$words lost_runs=$(wc -l </tmp/churn.fail)"
grep LOST /tmp/churn.out | head -n 5
check churn-no-lost-words test ! -s /tmp/churn.fail
check churn-ran test "$runs" -gt 0
check guest-rmmod rmmod imr_guest
