# release (guest side): report on, touch 512 MiB, free it and keep the
# process alive for the whole window of 5 s (a process that exits flushes
# its CPU's per-CPU free lists, one that keeps running does not: only the
# second is what a service dropping a cache does).  With several vCPUs the
# 512 MiB is split into one slice per vCPU, each freed on its own CPU.
# imr.pcpgrace=MS (guest command line) sets imr_guest's pcp_grace_ms, 0 to
# see what the per-CPU lists keep without the drain.  Prints the guest's
# counters and how much the per-CPU lists hold at the end of the window.
check guest-insmod insmod /lib/imr/imr_guest.ko pcp_grace_ms="$(param pcpgrace 100)"
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
echo "IMR-REPORT guest cpus=$cpus reported_bytes=$(cat $g/reported_bytes) reports=$(cat $g/reports) report_errors=$(cat $g/report_errors) reused_bytes=$(cat $g/reused_bytes) last_report_us=$(cat $g/last_report_us) reserve_hits=$(cat $g/reserve_hits) returned_bytes=$(cat $g/returned_bytes) pcp_drains=$(cat $g/pcp_drains) pcp_drained_bytes=$(cat $g/pcp_drained_bytes) pcp_list_kib=$pcp_kib free_kib=$(awk '$1 == "MemFree:" { print $2 }' /proc/meminfo)"
cat /proc/buddyinfo
check guest-process-alive kill -0 "$mt"
kill "$mt"
wait "$mt" 2>/dev/null
check guest-no-report-errors test "$(cat $g/report_errors)" -eq 0
check guest-rmmod rmmod imr_guest
