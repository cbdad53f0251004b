# bench_release (guest): touch 512 MiB, hold 1 s, free it (memtouch prints
# "IMR-MARK free" just before munmap and munmap_us after), then give the host
# imr.win seconds before "IMR-MARK done" ends the measurement window.  The
# process stays alive through the window (one that exits flushes the
# per-CPU free lists, a service that drops a cache does not), and frees
# from one thread per vCPU.
. /gscen/bench_lib.guest.sh
bench_setup || exit 1
sleep 2
bench_trace_on
memtouch 512 1000 $(((BENCH_WIN + 60) * 1000)) "$(nproc)" >/tmp/memtouch.out 2>&1 &
mt=$!
wait_until 180 grep -q munmap_us /tmp/memtouch.out
cat /tmp/memtouch.out
sleep "$BENCH_WIN"
mark done
echo "IMR-REPORT gpcp pcp_list_kib=$(awk '$1 == "count:" { s += $2 } END { print s * 4 }' /proc/zoneinfo)"
kill "$mt"
wait "$mt" 2>/dev/null
bench_stats release
