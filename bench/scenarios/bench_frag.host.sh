# bench_frag: free memory left in small pieces (see bench_frag.guest.sh);
# per mode, how much of what the guest freed the host got back in the
# window, and what stayed behind: by the guest QEMU's RSS and by this L2's
# used memory (MemTotal - MemFree).  The two differ: a drop of less than
# 2 MiB inside a THP of QEMU's RAM lowers the RSS at once, but the THP is
# only split, and its freed part reaches L2's free memory when the
# deferred split runs (under memory pressure), so the RSS overstates
# what comes back in small pieces.
. /scenarios/bench_lib.host.sh
bench_host_setup
# L2's THP split counters (since its boot), "name=value ..."; the
# difference of two of those lines, name=delta.
bench_thp_counts() {
	grep -E '^thp_(split_page|deferred_split_page|split_pmd) ' /proc/vmstat | tr ' ' = | tr '\n' ' '
}
bench_thp_delta() {
	echo "$1 $(bench_thp_counts)" | tr ' ' '\n' | awk -F= 'NF == 2 { if ($1 in v) printf "%s=%d ", $1, $2 - v[$1]; else v[$1] = $2 }'
}
# bench_used_kib: L2's MemTotal - MemFree (rsswatch -m's used_kib).
bench_used_kib() {
	awk '$1 == "MemTotal:" { t = $2 } $1 == "MemFree:" { f = $2 } END { print t - f }' /proc/meminfo
}
win=$(l2arg fragwin)
win=${win:-8}
for mode in $(bench_modes none fpr imr imr4k); do
	n=f_$mode
	echo "bench: [frag] mode $mode: booting a 1 GiB guest, window ${win}s"
	r0=$(hval reclaimed_bytes)
	thp0=$(bench_thp_counts)
	bench_start $n bench_frag 1024 $mode $win
	boot_wait
	rsswatch -m -i 5 "$(guest_pid $n)" /tmp/$n.mark >/tmp/$n.trace &
	# At the window's end, L2's shrinkers (drop_caches 2: slab and the
	# other shrinkers, among them the THP deferred split's, which frees
	# the dropped parts of split THPs, as memory pressure would), then
	# its used memory again: what the host gets back when it needs it.
	# Counted only while the guest still runs (it waits 30 s after its
	# window): with it gone, its whole RSS would count as returned.
	if wait_mark $n done $((win + 240)); then
		u1=$(bench_used_kib)
		t0=$(cut -d' ' -f1 /proc/uptime)
		echo 2 >/proc/sys/vm/drop_caches
		sleep 2
		u2=$(bench_used_kib)
		alive=0
		kill -0 "$(guest_pid $n)" 2>/dev/null && alive=1
		echo "IMR-REPORT fragshrink mode=$mode used_at_done_kib=$u1 used_after_kib=$u2 guest_alive=$alive took_ms=$(awk -v a="$t0" '{ printf "%.0f", ($1 - a) * 1000 }' /proc/uptime)"
	fi
	wait_guest $n $((win + 240)) >/tmp/$n.wg
	grep -E 'IMR-|fragment:|bench:|\] (BUG|WARNING|Kernel panic)' /tmp/$n.wg
	wait
	exp=$(bench_gline $n 'IMR-REPORT fragguest' | sed -n 's/.*expected_kib=\([0-9]*\).*/\1/p')
	rsswatch -a "frag mode=$mode" free done "${exp:-393216}" /tmp/$n.trace
	rsswatch -u "fragused mode=$mode" free done "${exp:-393216}" /tmp/$n.trace
	echo "IMR-REPORT fragthp mode=$mode $(bench_thp_delta "$thp0")"
	echo "IMR-REPORT hstats frag mode=$mode reclaimed_delta=$(($(hval reclaimed_bytes) - r0)) errors=$(hval errors)"
	bench_trace "frag-$mode" $n
done
