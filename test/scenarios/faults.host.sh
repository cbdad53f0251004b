# faults: (1) imr_host removed while a guest is mid-report (faultsrm.host.sh);
# (2) L2 under memory pressure (a ballast holds MemAvailable at PRESS_FLOOR
# MiB: no swap and no zram in the L2 image, so pressure means watermarks,
# kswapd, compaction and failing THP allocations) while two guests churn and
# report.  A guest on a host without IMR at all: see lifecycle
# (refused.guest.sh).
PRESS_SECS=${PRESS_SECS:-40}
PRESS_FLOOR=${PRESS_FLOOR:-100}
. /scenarios/faultsrm.host.sh
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
