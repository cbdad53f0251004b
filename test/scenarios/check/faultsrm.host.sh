# faultsrm: imr_host removed while a guest is mid-report: the guest stops
# reporting with one log line and stays healthy.
check host-insmod insmod /lib/imr/imr_host.ko
start_guest -a "imr.fmode=rm imr.fsecs=20" fr faults 512 2
progress fr &
if ! wait_mark fr reporting 240; then
	result FAIL fr-reporting-mark
	tail -n 30 /tmp/fr.log | sed 's/^/[fr-so-far] /'
fi
# Reports flowing: the VM's directory counts them.
fr_reporting() {
	d=$(hostvm fr)
	[ -n "$d" ] && [ "$(cat "$d/reports")" -ge 5 ]
}
wait_until 30 fr_reporting
r=$(cat "$d/reports" 2>/dev/null)
check host-rmmod-mid-report rmmod imr_host
echo "IMR-REPORT faults-rm host reports_before_rmmod=${r:-0}"
check guest-was-reporting test "${r:-0}" -ge 5
wait_guest fr 300
