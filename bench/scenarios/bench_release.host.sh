# bench_release: the floor (madvise of 512 MiB in this L2, THP and 4 KiB),
# then one 1 GiB 1-vCPU guest per mode that touches 512 MiB and frees it;
# the host's view (QEMU VmRSS every 5 ms) from the guest's "free" mark.
. /scenarios/bench_lib.host.sh
bench_host_setup
echo 1 >/sys/kernel/mm/ksm/use_zero_pages
madvfloor 512 3
for mode in $(bench_modes none fpr imr imr4k ksm swap); do
	n=r_$mode
	win=4
	case $mode in fpr) win=8 ;; ksm) win=$(l2arg ksmwin); win=${win:-20} ;; esac
	if [ "$mode" = swap ]; then
		bench_swap_setup || { echo "IMR-REPORT release mode=swap skipped=no-zram-or-cgroup"; continue; }
		bench_into_cgroup /sys/fs/cgroup/vm
	fi
	echo "bench: [release] mode $mode: booting a 1 GiB guest, window ${win}s"
	r0=$(hval reclaimed_bytes)
	case $mode in imr*) bench_htrace_on ;; esac
	# shellcheck disable=SC2046
	bench_start $n bench_release 1024 $mode $win $(l2arg relpf | sed 's/^./imr.relpf=&/')
	[ "$mode" = swap ] && bench_into_cgroup /sys/fs/cgroup
	boot_wait
	rsswatch -i 5 "$(guest_pid $n)" /tmp/$n.mark >/tmp/$n.trace &
	case $mode in
	ksm)
		wait_mark $n free 180 && echo 1 >/sys/kernel/mm/ksm/run
		;;
	swap)
		if wait_mark $n free 180; then
			t0=$(cut -d' ' -f1 /proc/uptime)
			echo 600M >/sys/fs/cgroup/vm/memory.reclaim 2>/dev/null || echo "bench: memory.reclaim: short"
			echo "bench: swap: memory.reclaim 600M took $(awk -v a="$t0" '{ printf "%.0f", ($1 - a) * 1000 }' /proc/uptime) ms"
			wait_mark $n done 60
			echo "IMR-REPORT swapstats swap_kib=$(($(cat /sys/fs/cgroup/vm/memory.swap.current 2>/dev/null || echo 0) / 1024)) zram_mm_stat=$(tr -s ' ' , </sys/block/zram0/mm_stat)"
		fi
		;;
	esac
	wait_guest $n $((win + 180)) >/tmp/$n.wg
	grep -E 'IMR-|memtouch:|bench:|\] (BUG|WARNING|Kernel panic)' /tmp/$n.wg
	wait
	rsswatch -a "release mode=$mode" free done 524288 /tmp/$n.trace
	echo "IMR-REPORT gfloor mode=$mode $(bench_gline $n 'memtouch: munmap_us=' | sed 's/.*memtouch: //')"
	case $mode in imr*) bench_htrace release $mode ;; esac
	echo "IMR-REPORT hstats release mode=$mode reclaimed_delta=$(($(hval reclaimed_bytes) - r0)) errors=$(hval errors) rejected_ranges=$(hval rejected_ranges)"
	case $mode in
	ksm)
		echo "IMR-REPORT ksm full_scans=$(cat /sys/kernel/mm/ksm/full_scans) pages_shared=$(cat /sys/kernel/mm/ksm/pages_shared) pages_sharing=$(cat /sys/kernel/mm/ksm/pages_sharing) pages_to_scan=$(cat /sys/kernel/mm/ksm/pages_to_scan) sleep_ms=$(cat /sys/kernel/mm/ksm/sleep_millisecs)"
		echo 0 >/sys/kernel/mm/ksm/run
		;;
	esac
	bench_trace "$mode" $n
done
