# integrity (guest side): 60 s of pattern churn, then stress-ng's own
# verifying VM stressors, all while imr_guest reports eagerly.
check guest-insmod insmod /lib/imr/imr_guest.ko
echo 0 >/sys/kernel/imr/guest/delay_ms
check churn-no-lost-words churn 4 60 96
if command -v stress-ng >/dev/null; then
	check stress-ng-verify stress-ng --vm 2 --vm-bytes 96M --vm-method all --verify -t 25s --metrics-brief
else
	result FAIL stress-ng-present "stress-ng not in the image"
fi
g=/sys/kernel/imr/guest
echo "IMR-REPORT guest reported_bytes=$(cat $g/reported_bytes) reports=$(cat $g/reports) report_errors=$(cat $g/report_errors) reused_bytes=$(cat $g/reused_bytes)"
check guest-reported test "$(cat $g/reported_bytes)" -gt 0
check guest-reused test "$(cat $g/reused_bytes)" -gt 0
check guest-rmmod rmmod imr_guest
