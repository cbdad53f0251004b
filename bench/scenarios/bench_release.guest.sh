# bench_release (guest): touch 512 MiB, hold 1 s, free it (memtouch prints
# "IMR-MARK free" just before munmap and munmap_us after), then give the host
# imr.win seconds before "IMR-MARK done" ends the measurement window.  The
# process stays alive through the window (one that exits flushes the
# per-CPU free lists, a service that drops a cache does not), and frees
# from one thread per vCPU.
# imr.relpf=SECONDS: between touch and free, a reuse-heavy phase (pfbench
# on 128 MiB) of that many seconds, and the free the moment it ends: how
# long the hot reserve (imr_guest/hot.h) holds memory after reuse stops.
. /gscen/bench_lib.guest.sh
relpf=$(sed -n 's/.*imr\.relpf=\([0-9]*\).*/\1/p' /proc/cmdline)
bench_setup || exit 1
sleep 2
bench_trace_on
memtouch 512 "$([ -n "$relpf" ] && echo 600000 || echo 1000)" $(((BENCH_WIN + 60) * 1000)) "$(nproc)" >/tmp/memtouch.out 2>&1 &
mt=$!
if [ -n "$relpf" ]; then
	wait_until 180 grep -q 'IMR-MARK touched' /tmp/memtouch.out
	echo "IMR-REPORT relpf mode=$BENCH_MODE seconds=$relpf $(pfbench "$relpf" 128 | sed 's/^pfbench: //')"
	kill -USR1 "$mt"
	[ -f $G/hot_reserve_kib ] && echo "bench: hot reserve at the free: $(cat $G/hot_reserve_kib) KiB ($(cat $G/hot_reserve_why))"
fi
wait_until 180 grep -q munmap_us /tmp/memtouch.out
cat /tmp/memtouch.out
sleep "$BENCH_WIN"
mark done
echo "IMR-REPORT gpcp pcp_list_kib=$(awk '$1 == "count:" { s += $2 } END { print s * 4 }' /proc/zoneinfo)"
kill "$mt"
wait "$mt" 2>/dev/null
bench_stats release
