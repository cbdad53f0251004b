# release (guest side): report on, touch 512 MiB, exit, give the host a
# window of 5 s, print the guest's counters.
check guest-insmod insmod /lib/imr/imr_guest.ko
sleep 2
memtouch 512 1000
sleep 5
mark done
g=/sys/kernel/imr/guest
echo "IMR-REPORT guest reported_bytes=$(cat $g/reported_bytes) reports=$(cat $g/reports) report_errors=$(cat $g/report_errors) reused_bytes=$(cat $g/reused_bytes) last_report_us=$(cat $g/last_report_us)"
check guest-no-report-errors test "$(cat $g/report_errors)" -eq 0
check guest-rmmod rmmod imr_guest
