# fuzz (innocent guest side): churn with imr_guest reporting eagerly while
# the hostile guest fuzzes the same host.  No word may be lost.
secs=$(param churnsecs 40)
check guest-insmod insmod /lib/imr/imr_guest.ko
echo 0 >/sys/kernel/imr/guest/delay_ms
check victim-churn-no-lost-words churn 2 "$secs" 64
g=/sys/kernel/imr/guest
echo "IMR-REPORT victim reported_bytes=$(cat $g/reported_bytes) reports=$(cat $g/reports) report_errors=$(cat $g/report_errors)"
check victim-reported test "$(cat $g/reported_bytes)" -gt 0
check victim-no-report-errors test "$(cat $g/report_errors)" -eq 0
check guest-rmmod rmmod imr_guest
