# release (guest side): report on, touch 512 MiB, free it and keep the
# process alive for the whole window of 5 s (a process that exits flushes
# its CPU's per-CPU free lists, one that keeps running does not: only the
# second is what a service dropping a cache does).  With several vCPUs the
# 512 MiB is split into one slice per vCPU, each freed on its own CPU.
# imr.pcpgrace=MS (guest command line) sets imr_guest's pcp_grace_ms, 0 to
# see what the per-CPU lists keep without the drain.  Prints the guest's
# counters and how much the per-CPU lists hold at the end of the window;
# then checks that reusing that memory 5 s later is counted as old, that
# a CPU busy allocating is not drained, and that the hot reserve keeps
# memory reused at once backed and lets it go when the reuse stops.
check guest-insmod insmod /lib/imr/imr_guest.ko pcp_grace_ms="$(param pcpgrace 100)"
# The hot reserve's steps, for the record (printed at the end).
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs none $T 2>/dev/null
echo 1 >$T/events/imr_guest/hot_reserve/enable 2>/dev/null
sleep 2
cpus=$(nproc)
memtouch 512 1000 60000 "$cpus" >/tmp/memtouch.out 2>&1 &
mt=$!
check guest-freed wait_until 120 grep -q munmap_us /tmp/memtouch.out
cat /tmp/memtouch.out
sleep 5
# Per-CPU list pages of every zone: the "count:" lines of /proc/zoneinfo.
pcp_kib=$(awk '$1 == "count:" { s += $2 } END { print s * 4 }' /proc/zoneinfo)
mark done
g=/sys/kernel/imr/guest
echo "IMR-REPORT guest cpus=$cpus reported_bytes=$(cat $g/reported_bytes) reports=$(cat $g/reports) report_errors=$(cat $g/report_errors) reused_bytes=$(cat $g/reused_bytes) last_report_us=$(cat $g/last_report_us) reserve_hits=$(cat $g/reserve_hits) returned_bytes=$(cat $g/returned_bytes) pcp_drains=$(cat $g/pcp_drains) pcp_drained_bytes=$(cat $g/pcp_drained_bytes) pcp_skips=$(cat $g/pcp_skips) pcp_list_kib=$pcp_kib free_kib=$(awk '$1 == "MemFree:" { print $2 }' /proc/meminfo)"
cat /proc/buddyinfo
check guest-process-alive kill -0 "$mt"
kill "$mt"
wait "$mt" 2>/dev/null
# How soon reported memory is used again (reused_within_*ms_bytes).  The
# 512 MiB above was reported at least 4 s ago, and the allocator takes
# the oldest reported blocks first (page_reporting puts them back at the
# tail of the free lists, frees of order >= 9 go to the head): touching
# 128 MiB now reuses old memory, so next to none of it is "within 1 s".
# The counters are read before reused_bytes (see imr.4) and must nest.
within() { cat $g/reused_within_${1}ms_bytes; }
w1s=$(within 1000)
all=$(cat $g/reused_bytes)
memtouch 128 0 >/dev/null
w10=$(within 10)
w100=$(within 100)
w1s2=$(within 1000)
w10s=$(within 10000)
all2=$(cat $g/reused_bytes)
echo "IMR-REPORT guest reuse cpus=$cpus reused_bytes=$((all2 - all)) within_1000ms=$((w1s2 - w1s)) totals: 10ms=$w10 100ms=$w100 1000ms=$w1s2 10000ms=$w10s all=$all2"
check guest-reuse-counted test $((all2 - all)) -gt 0
check guest-reuse-old test $(((w1s2 - w1s) * 10)) -le $((all2 - all))
check guest-reuse-nested test "$w10" -le "$w100" -a "$w100" -le "$w1s2" -a "$w1s2" -le "$w10s" -a "$w10s" -le "$all2"
# The drain leaves a CPU that keeps allocating alone (imr_guest/still.h):
# pfbench maps, touches and unmaps 128 MiB in a loop, so its CPU frees
# 2 MiB blocks to its lists and takes them back all the time; draining
# them would zero each block and fault it in from the host a moment
# later (7-27% of pfbench's throughput before the test).  With one vCPU
# no other CPU owns lists, so nothing may be drained while it runs (the
# previous drain did it twice in those 2 s on 6.1).  Skips are counted
# only when a drain looked and found blocks on the lists (on 6.12 the
# loop sometimes leaves them empty whenever it looks): printed, not
# checked; with more vCPUs the idle ones may rightly be drained.
#
# The same loop is also the hot reserve's test (imr_guest/hot.h): while
# the guest frees and takes back memory, free memory stays backed up to
# the reserve and the report passes wait free page reporting's 2 s; once
# the loop has ended, the reserve must let go: back to 0 and the memory
# the loop left free reported again, within 2 s (not 2 s after the next
# free).  A/B in one guest, each a 4 s loop, figures from 2 s to 3.5 s
# into it: first without the reserve (hot_max_kib=0: IMR as it was),
# then with the default, which must hold something 2-3.5 s in and make the
# loop take less reported memory (on 2026-12-03: 0-108 MiB against
# 98-170 MiB in those 1.5 s; reported: 0 against 78-252 MiB).  What the guest pays is not checked here: the
# loop also takes blocks reported before it started (reported blocks go
# back to the tail of the free lists, but the buddy allocator's splits
# and merges hand them out all the same), and how much is reported is
# set by the 2 s passes beyond the reserve: both are printed for the
# record, and make bench measures the cost.
uptime_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
hot_max=$(cat $g/hot_max_kib)
echo 0 >$g/hot_max_kib
# loop_window OUT: pfbench for 4 s; reported_bytes 2 s and 3.5 s into
# it in $pa and $pb, reused_bytes in $ua and $ub.
loop_window() {
	pfbench 4 128 >"$1" &
	rw=$!
	sleep 2
	pa=$(cat $g/reported_bytes) ua=$(cat $g/reused_bytes)
	hk=$(cat $g/hot_reserve_kib)
	sleep 1.5
	pb=$(cat $g/reported_bytes) ub=$(cat $g/reused_bytes)
	hk2=$(cat $g/hot_reserve_kib)
	wait "$rw"
}
loop_window /tmp/pfbench-nohot.out
a0=$pa a1=$pb au=$((ub - ua))
echo "$hot_max" >$g/hot_max_kib
sleep 1
ret0=$(cat $g/returned_bytes)
d0=$(cat $g/pcp_drains)
k0=$(cat $g/pcp_skips)
r0=$(cat $g/reports)
h0=$(cat $g/hot_holds)
loop_window /tmp/pfbench.out
t_end=$(uptime_ms)
b0=$pa b1=$pb bu=$((ub - ua)) hot_in_loop=$hk hot_late=$hk2
d1=$(cat $g/pcp_drains)
k1=$(cat $g/pcp_skips)
r1=$(cat $g/reports)
h1=$(cat $g/hot_holds)
hot_at_end=$(cat $g/hot_reserve_kib)
echo "IMR-REPORT guest busy cpus=$cpus reports=$((r1 - r0)) pcp_drains=$((d1 - d0)) pcp_skips=$((k1 - k0)) $(cat /tmp/pfbench.out)"
[ "$cpus" != 1 ] || check guest-busy-not-drained test $((d1 - d0)) -eq 0
hot_none() { [ "$(cat $g/hot_reserve_kib)" -eq 0 ]; }
wait_until 5 hot_none
t_none=$(uptime_ms)
back() { [ "$(cat $g/returned_bytes)" -ge $((ret0 - (16 << 20))) ]; }
wait_until 5 back
t_back=$(uptime_ms)
echo "IMR-REPORT guest hot cpus=$cpus hot_max_kib=$hot_max nohot_reported_kib=$(((a1 - a0) >> 10)) hot_reported_kib=$(((b1 - b0) >> 10)) nohot_reused_kib=$((au >> 10)) hot_reused_kib=$((bu >> 10)) hot_holds=$((h1 - h0)) hot_kib_in_loop=$hot_in_loop hot_kib_late=$hot_late hot_kib_at_end=$hot_at_end none_after_ms=$((t_none - t_end)) back_after_ms=$((t_back - t_end)) returned_before_kib=$((ret0 >> 10)) returned_now_kib=$(($(cat $g/returned_bytes) >> 10)) nohot: $(sed 's/^pfbench: //' /tmp/pfbench-nohot.out)"
# Held at 2 s or at 3.5 s into the loop: it learns from the reuse that
# follows the loop's first munmap, which a slow lab delays past 2 s
# (0 KiB at 2 s, 240 MiB at the end, 6.12, a clean-clone run).
check guest-hot-grows test "$hot_in_loop" -ge 2048 -o "$hot_late" -ge 2048
check guest-hot-reuses-less test "$bu" -lt "$au"
check guest-hot-lets-go test $((t_none - t_end)) -le 2000 -a $((t_back - t_end)) -le 2000
# Stop the ring buffer, not the event: disabling one patches kernel text,
# which nested TCG sometimes gets wrong (bench_lib.guest.sh).
echo 0 >$T/tracing_on 2>/dev/null
grep ' hot_reserve: ' $T/trace 2>/dev/null >/tmp/hot.trace
{ head -n 30 /tmp/hot.trace; echo ...; tail -n 70 /tmp/hot.trace; } | sed 's/^ */IMR-REPORT gtrace /'
check guest-no-report-errors test "$(cat $g/report_errors)" -eq 0
check guest-rmmod rmmod imr_guest
