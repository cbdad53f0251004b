# faults: (1) imr_host removed while a guest is mid-report (faultsrm.host.sh);
# (2) host memory pressure with swap on: L2 swaps to a zram device, and the
# two guests' QEMU processes run in a memory cgroup whose memory.high is
# below what they touch, so the kernel keeps swapping their memory out
# (and back in) while they churn and report.  IMR then drops ranges that
# are partly resident, partly in swap (the zap frees their swap entries),
# and the guests fault both kinds back.  Pass: no word lost, reports taken
# with no host errors, swap really used, no OOM kill.  A guest on a host
# without IMR at all: see lifecycle (refused.guest.sh).
# lab: ship=test/lab/ship-kmod.sh zram zram
# imr.presssecs=N on L2's command line (IMR_L2_CMDLINE): a longer squeeze.
PRESS_SECS=$(l2arg presssecs)
PRESS_SECS=${PRESS_SECS:-40}
PRESS_HIGH_MIB=${PRESS_HIGH_MIB:-320}
# imr.pressnohost=1 on L2's command line (IMR_L2_CMDLINE): only the
# pressure half, and with no IMR module ever loaded in L2, to tell a lab
# crash from an IMR one (the guests' insmod then fails, by design).
nohost=$(l2arg pressnohost)
# imr.pressfpr=1: the same, but the guests return free memory with
# virtio-balloon free page reporting (QEMU drops it with MADV_DONTNEED):
# the kernel's own drop path under the same squeeze, for comparison.
fpr=$(l2arg pressfpr)
gdev=
if [ "$fpr" = 1 ]; then
	nohost=1
	gdev="-device virtio-balloon-pci,free-page-reporting=on"
fi
[ "$nohost" = 1 ] || . /scenarios/faultsrm.host.sh
meminfo() { sed -n "s/^$1: *\([0-9]*\) kB/\1/p" /proc/meminfo; }
vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
[ "$nohost" = 1 ] || check host-insmod-again insmod /lib/imr/imr_host.ko
load_kmods zram
echo 1G >/sys/block/zram0/disksize
check zram-swapon sh -c 'mkswap /dev/zram0 >/dev/null && swapon /dev/zram0'
cg=/sys/fs/cgroup
mkdir -p $cg
mount -t cgroup2 none $cg
echo +memory >$cg/cgroup.subtree_control
mkdir $cg/vms
out0=$(vmstat pswpout)
in0=$(vmstat pswpin)
IMR_GUEST_CMDLINE="imr.fmode=press imr.fsecs=$PRESS_SECS imr.ffpr=${fpr:-0}"
# Moved at once: a cgroup is charged for what a process touches after it
# joins, and a guest touches almost all its memory after the first
# milliseconds.
# shellcheck disable=SC2086
start_guest p1 faults 768 1 $gdev
echo "$(guest_pid p1)" >$cg/vms/cgroup.procs
# shellcheck disable=SC2086
start_guest p2 faults 768 1 $gdev
echo "$(guest_pid p2)" >$cg/vms/cgroup.procs
IMR_GUEST_CMDLINE=
# The squeeze starts once both guests have booted and report: it is the
# reporting under swap that this tests, not booting under it.
wait_mark p1 reporting 300 || result FAIL p1-reporting-mark
wait_mark p2 reporting 300 || result FAIL p2-reporting-mark
echo $((PRESS_HIGH_MIB << 20)) >$cg/vms/memory.high
peak=0
while kill -0 "$(guest_pid p1)" 2>/dev/null || kill -0 "$(guest_pid p2)" 2>/dev/null; do
	c=$(cat $cg/vms/memory.current)
	[ "$c" -gt $peak ] && peak=$c
	sleep 1
done
wait_guest p1 60
wait_guest p2 60
out=$(($(vmstat pswpout) - out0))
in=$(($(vmstat pswpin) - in0))
echo "IMR-REPORT faults-press swap pswpout=$out pswpin=$in cgroup_high_mib=$PRESS_HIGH_MIB cgroup_peak_mib=$((peak >> 20)) $(grep -E '^(high|oom|oom_kill) ' $cg/vms/memory.events | tr ' \n' '= ') zram_mm_stat=\"$(xargs </sys/block/zram0/mm_stat)\""
echo "IMR-REPORT faults-press host reclaimed_bytes=$(hsys reclaimed_bytes) reports=$(hsys reports) errors=$(hsys errors)"
check swap-out-used test "$out" -gt 0
check swap-in-used test "$in" -gt 0
check press-host-reclaimed test "$(hsys reclaimed_bytes)" -gt 0
check press-host-no-errors test "$(hsys errors)" -eq 0
check no-oom sh -c "! dmesg | grep -q 'Out of memory'"
[ "$nohost" = 1 ] || check host-rmmod rmmod imr_host
check zram-swapoff swapoff /dev/zram0
