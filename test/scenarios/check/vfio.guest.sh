# vfio (guest side): this guest has an assigned VFIO device (vfio.host.sh).
# It reports as usual; the host refuses: one log line, reporting stops,
# report_errors counts it.  Then it holds still while the host reads its
# VM's counters.
g=/sys/kernel/imr/guest
echo "IMR-REPORT vfio guest pci: $(cat /sys/bus/pci/devices/*/vendor /sys/bus/pci/devices/*/device | xargs)"
check guest-insmod insmod /lib/imr/imr_guest.ko
memtouch 256 500
# Until the host has refused a report (at most 30 s).
refused() { ! [ "$(cat $g/report_errors)" -eq 0 ]; }
wait_until 30 refused
sleep 1
dmesg | grep imr_guest
echo "IMR-REPORT vfio guest reports=$(cat $g/reports) report_errors=$(cat $g/report_errors) reported_bytes=$(cat $g/reported_bytes) enabled=$(cat $g/enabled)"
check guest-refusal-counted test "$(cat $g/report_errors)" -ge 1
check guest-nothing-reported test "$(cat $g/reported_bytes)" -eq 0
check guest-refusal-one-line test "$(dmesg | grep -c 'host refuses reports from this VM (-1001')" -eq 1
check guest-reporting-stopped test "$(cat $g/enabled)" = 0
mark refused
sleep 6
check guest-rmmod rmmod imr_guest
