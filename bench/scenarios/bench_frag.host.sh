# bench_frag: free memory left in small pieces (see bench_frag.guest.sh);
# per mode, how much of what the guest freed the host got back in the
# window, and what stayed behind.
. /scenarios/bench_lib.host.sh
bench_host_setup
win=$(l2arg fragwin)
win=${win:-8}
for mode in $(bench_modes none fpr imr imr4k); do
	n=f_$mode
	echo "bench: [frag] mode $mode: booting a 1 GiB guest, window ${win}s"
	r0=$(hval reclaimed_bytes)
	bench_start $n bench_frag 1024 $mode $win
	boot_wait
	rsswatch -i 5 "$(guest_pid $n)" /tmp/$n.mark >/tmp/$n.trace &
	wait_guest $n $((win + 240)) >/tmp/$n.wg
	grep -E 'IMR-|fragment:|bench:|\] (BUG|WARNING|Kernel panic)' /tmp/$n.wg
	wait
	exp=$(bench_gline $n 'IMR-REPORT fragguest' | sed -n 's/.*expected_kib=\([0-9]*\).*/\1/p')
	rsswatch -a "frag mode=$mode" free done "${exp:-393216}" /tmp/$n.trace
	echo "IMR-REPORT hstats frag mode=$mode reclaimed_delta=$(($(hval reclaimed_bytes) - r0)) errors=$(hval errors)"
	bench_trace "frag-$mode" $n
done
