# faultspress: host memory pressure with swap on while guests report (the
# other faults: faultsrm, imr_host removed mid-report; lifecycle's
# refused.guest.sh, a guest on a host without IMR).  L2 swaps to a zram
# device, and the two guests' QEMU processes run in a memory cgroup.  Each
# guest fills a cold block (PRESS_COLD_MIB) and then runs a small hot set
# (churn, memtouch) with reporting at delay 0.  Once both report,
# memory.high is set PRESS_SQUEEZE_MIB below what the cgroup then holds, so
# the kernel swaps out what the guests do not touch (the cold blocks) and
# keeps the hot sets resident.  At the end each guest verifies half its
# block (read back from swap) and frees the whole block: the unread half
# is reported while its backing is in swap, so IMR's zap meets swap
# entries, not pages.  Pass: no word lost (churn, cold block), reports
# taken with no host errors, swap used both ways, no OOM kill.
#
# An earlier version squeezed to a fixed 320 MiB, below the guests' hot
# sets: L2 then faulted the guests' running pages in and out all the time,
# and nested TCG reset or wedged guests (and L2) about every other run,
# with or without IMR (docs/lab-notes.md).  Squeezing the cold part tests
# the same drop paths without that.
# lab: ship=test/lab/ship-kmod.sh zram zram
# imr.presssecs=N on L2's command line (IMR_L2_CMDLINE): a longer squeeze.
PRESS_SECS=$(param presssecs 40)
PRESS_COLD_MIB=${PRESS_COLD_MIB:-256}
PRESS_SQUEEZE_MIB=${PRESS_SQUEEZE_MIB:-256}
# imr.pressnohost=1 on L2's command line (IMR_L2_CMDLINE): only the
# squeeze with no IMR module ever loaded in L2, to tell a lab crash from
# an IMR one (the guests' insmod then fails, by design).
nohost=$(param pressnohost '')
# imr.pressfpr=1: the same, but the guests return free memory with
# virtio-balloon free page reporting (QEMU drops it with MADV_DONTNEED):
# the kernel's own drop path under the same squeeze, for comparison.
fpr=$(param pressfpr '')
gdev=
if [ "$fpr" = 1 ]; then
	nohost=1
	gdev="-device virtio-balloon-pci,free-page-reporting=on"
fi
vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
[ "$nohost" = 1 ] || check host-insmod insmod /lib/imr/imr_host.ko
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
ga="imr.fmode=press imr.fsecs=$PRESS_SECS imr.fcold=$PRESS_COLD_MIB imr.ffpr=${fpr:-0}"
# In the cgroup from their first instruction (start_guest -g).
# shellcheck disable=SC2086
start_guest -a "$ga" -g "$cg/vms" p1 faults 768 1 $gdev
# shellcheck disable=SC2086
start_guest -a "$ga" -g "$cg/vms" p2 faults 768 1 $gdev
# The squeeze starts once both guests have booted, filled their cold
# blocks and report: it is reporting under swap that this tests, not
# booting under it.
wait_mark p1 reporting 300 || result FAIL p1-reporting-mark
wait_mark p2 reporting 300 || result FAIL p2-reporting-mark
held=$(($(cat $cg/vms/memory.current) >> 20))
high=$((held - PRESS_SQUEEZE_MIB))
echo $((high << 20)) >$cg/vms/memory.high
peak=0
speak=0
# Until both guests end, at most PRESS_SECS + 300 s; a guest that stops
# printing is shown by heartbeat (and killed if caught in an exception
# loop) every minute, so a stalled guest is seen here rather than as a
# silent L2 at the lab's 300 s console limit.
pt=0
while kill -0 "$(guest_pid p1)" 2>/dev/null || kill -0 "$(guest_pid p2)" 2>/dev/null; do
	c=$(cat $cg/vms/memory.current)
	[ "$c" -gt $peak ] && peak=$c
	c=$(cat $cg/vms/memory.swap.current 2>/dev/null || echo 0)
	[ "$c" -gt $speak ] && speak=$c
	sleep 1
	pt=$((pt + 1))
	for n in p1 p2; do
		kill -0 "$(guest_pid $n)" 2>/dev/null && heartbeat $n $((pt * 10))
	done
	if [ $pt -ge $((PRESS_SECS + 300)) ]; then
		result FAIL press-guests-ended "still running $pt s after the squeeze began"
		break
	fi
done
wait_guest p1 60
wait_guest p2 60
out=$(($(vmstat pswpout) - out0))
in=$(($(vmstat pswpin) - in0))
echo "IMR-REPORT faults-press swap pswpout=$out pswpin=$in cgroup_held_mib=$held cgroup_high_mib=$high cgroup_peak_mib=$((peak >> 20)) cgroup_swap_peak_mib=$((speak >> 20)) $(grep -E '^(high|oom|oom_kill) ' $cg/vms/memory.events | tr ' \n' '= ') zram_mm_stat=\"$(xargs </sys/block/zram0/mm_stat)\""
echo "IMR-REPORT faults-press host reclaimed_bytes=$(hsys reclaimed_bytes) reports=$(hsys reports) errors=$(hsys errors)"
check swap-out-used test "$out" -gt 0
check swap-in-used test "$in" -gt 0
check press-host-reclaimed test "$(hsys reclaimed_bytes)" -gt 0
check press-host-no-errors test "$(hsys errors)" -eq 0
check no-oom sh -c "! dmesg | grep -q 'Out of memory'"
[ "$nohost" = 1 ] || check host-rmmod rmmod imr_host
check zram-swapoff swapoff /dev/zram0
