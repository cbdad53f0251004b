# faults: (1) imr_host removed while a guest is mid-report: the guest stops
# reporting with one log line and stays healthy; (2) L2 under memory
# pressure (a ballast holds MemAvailable at PRESS_FLOOR MiB: no swap and no
# zram in the L2 image, so pressure means watermarks, kswapd, compaction
# and failing THP allocations) while two guests churn and report.  A guest
# on a host without IMR at all: see lifecycle (refused.guest.sh).
PRESS_SECS=${PRESS_SECS:-40}
PRESS_FLOOR=${PRESS_FLOOR:-100}
# progress NAME: every 30 s, the guest's last console line (stalls show).
progress() {
	while kill -0 "$(guest_pid "$1")" 2>/dev/null; do
		sleep 30
		echo "[$1-progress] $(tail -n 1 "/tmp/$1.log" | cut -c1-160)"
	done
}
hostvm() { ls -d /sys/kernel/imr/host/vms/"$(guest_pid "$1")"-* 2>/dev/null | head -n 1; }
check host-insmod insmod /lib/imr/imr_host.ko
IMR_GUEST_CMDLINE="imr.fmode=rm imr.fsecs=20"
start_guest fr faults 512 2
progress fr &
IMR_GUEST_CMDLINE=
if ! wait_mark fr reporting 240; then
	result FAIL fr-reporting-mark
	tail -n 30 /tmp/fr.log | sed 's/^/[fr-so-far] /'
fi
# Reports flowing: the VM's directory counts them.
i=0
while [ $i -lt 300 ]; do
	d=$(hostvm fr)
	[ -n "$d" ] && [ "$(cat "$d/reports")" -ge 5 ] && break
	sleep 0.1
	i=$((i + 1))
done
r=$(cat "$d/reports" 2>/dev/null)
check host-rmmod-mid-report rmmod imr_host
echo "IMR-REPORT faults-rm host reports_before_rmmod=${r:-0}"
check guest-was-reporting test "${r:-0}" -ge 5
wait_guest fr 300
meminfo() { sed -n "s/^$1: *\([0-9]*\) kB/\1/p" /proc/meminfo; }
check host-insmod-again insmod /lib/imr/imr_host.ko
# The ballast first takes L2 down to the floor, then the guests start and
# grow into it (it gives back 16 MiB chunks whenever it must).
ballast "$PRESS_FLOOR" 1200 >/tmp/ballast.out 2>&1 &
bpid=$!
echo 1000 >/proc/$bpid/oom_score_adj
i=0
while ! grep -q at-floor /tmp/ballast.out && [ $i -lt 1800 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "IMR-REPORT faults-press l2 at_floor=$(grep -c at-floor /tmp/ballast.out) MemAvailable_kB=$(meminfo MemAvailable) MemFree_kB=$(meminfo MemFree) floor_mib=$PRESS_FLOOR"
IMR_GUEST_CMDLINE="imr.fmode=press imr.fsecs=$PRESS_SECS"
start_guest p1 faults 768 1
start_guest p2 faults 768 1
IMR_GUEST_CMDLINE=
wait_guest p1 600
wait_guest p2 600
kill $bpid
wait $bpid
echo "IMR-REPORT faults-press $(grep -v at-floor /tmp/ballast.out) reclaimed_bytes=$(hsys reclaimed_bytes) reports=$(hsys reports) errors=$(hsys errors) allocstall=$(awk '/^allocstall/ { s += $2 } END { print s + 0 }' /proc/vmstat) kswapd_scans=$(awk '/^pgscan_kswapd/ { print $2 }' /proc/vmstat) compact_stall=$(awk '/^compact_stall/ { print $2 }' /proc/vmstat) thp_fault_fallback=$(awk '/^thp_fault_fallback / { print $2 }' /proc/vmstat)"
check ballast-reached-floor grep -q at-floor /tmp/ballast.out
check press-host-reclaimed test "$(hsys reclaimed_bytes)" -gt 0
check press-host-no-errors test "$(hsys errors)" -eq 0
check no-oom sh -c "! dmesg | grep -q 'Out of memory'"
check host-rmmod rmmod imr_host
