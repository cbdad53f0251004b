# bench_oc: overcommit.  Per mode, three 1.5 GiB guests in this L2 (no
# swap): guest k boots once guest k-1 has touched 1.2 GiB and freed it, and
# all stay up to the end.  Do all finish, how low does MemAvailable go, how
# many OOM kills?
. /scenarios/bench_lib.host.sh
bench_host_setup
ng=$(l2arg ocguests)
ng=${ng:-3}
for mode in $(bench_modes imr fpr none); do
	echo "bench: [overcommit] mode $mode: $ng guests of 1536 MiB in turn"
	memlog -i 100 >/tmp/oc_$mode.mem &
	mlpid=$!
	oom0=$(dmesg | grep -c 'Killed process')
	t0=$(cut -d. -f1 /proc/uptime)
	fin=0
	pids=
	k=1
	while [ $k -le "$ng" ]; do
		n=o_${mode}_$k
		bench_start $n bench_oc 1536 $mode 0
		boot_wait
		p=$(guest_pid $n)
		pids="$pids $p"
		i=0
		while :; do
			if grep -q 'IMR-MARK done' /tmp/$n.log 2>/dev/null; then fin=$((fin + 1)); break; fi
			kill -0 "$p" 2>/dev/null || { echo "bench: [overcommit] $n died"; break; }
			i=$((i + 1))
			[ $i -gt 2400 ] && { echo "bench: [overcommit] $n timed out"; break; }
			sleep 0.1
		done
		echo "bench: [overcommit] $n finished=$fin after $(($(cut -d. -f1 /proc/uptime) - t0))s"
		k=$((k + 1))
	done
	sleep 3
	rss=
	for p in $pids; do
		r=$(sed -n 's/VmRSS:[^0-9]*\([0-9]*\).*/\1/p' /proc/$p/status 2>/dev/null)
		rss="$rss${rss:+,}${r:-0}"
	done
	kill "$mlpid"
	oom=$(($(dmesg | grep -c 'Killed process') - oom0))
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait
	k=1
	while [ $k -le "$ng" ]; do
		grep -E 'IMR-|memtouch:|bench:|\] (BUG|WARNING|Kernel panic|Out of memory)' /tmp/o_${mode}_$k.log | tr -d '\r' | sed "s/^/[o_${mode}_$k] /"
		k=$((k + 1))
	done
	awk -v mode="$mode" -v fin="$fin" -v ng="$ng" -v oom="$oom" -v rss="$rss" -v t="$(($(cut -d. -f1 /proc/uptime) - t0))" '
		$1 == "H" { if (min == "" || $3 < min) min = $3; if (start == "") start = $3 }
		END { printf "IMR-REPORT oc mode=%s finished=%d guests=%d memavail_start_kib=%d memavail_min_kib=%d oom_kills=%d rss_end_kib=%s secs=%d\n",
			mode, fin, ng, start, min, oom, rss, t }' /tmp/oc_$mode.mem
	awk -v m="$mode" '$1 == "H" && (NR % 5 == 1) { printf "OCTRACE %s %d %d\n", m, $2, $3 }' /tmp/oc_$mode.mem
	sleep 2
done
