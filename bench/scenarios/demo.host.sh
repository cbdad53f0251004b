# demo: one 1 GiB guest per mode (default none, imr, fpr; imr.modes= on the
# L2 command line picks), each touching 512 MiB and freeing it.  Prints one
# "DEMO t=<s>s guest=<mode> rss=<MiB>MiB phase=<...>" line per second while
# the guest runs, a DEMO-RESULT line per guest and the RSS traces.
. /scenarios/bench_lib.host.sh
bench_host_setup >/dev/null
for mode in $(bench_modes none imr fpr); do
	n=d_$mode
	win=4
	[ "$mode" = fpr ] && win=6
	echo "DEMO-STEP booting a 1 GiB guest with mode=$mode"
	bench_start $n demo 1024 $mode $win
	boot_wait
	p=$(guest_pid $n)
	rsswatch -i 5 "$p" /tmp/$n.mark >/tmp/$n.trace &
	s=0
	while kill -0 "$p" 2>/dev/null; do
		r=$(sed -n 's/VmRSS:[^0-9]*\([0-9]*\).*/\1/p' /proc/$p/status 2>/dev/null)
		ph=booting
		grep -q 'IMR-L3:' /tmp/$n.log && ph=running
		grep -qs 'IMR-MARK touched' /tmp/$n.mark /tmp/$n.log && ph="holding 512 MiB"
		grep -qs 'IMR-MARK free' /tmp/$n.mark /tmp/$n.log && ph="freed 512 MiB"
		grep -qs 'IMR-MARK done' /tmp/$n.mark /tmp/$n.log && ph="done"
		[ -n "$r" ] && [ "$r" -gt 0 ] && echo "DEMO t=${s}s guest=$mode rss=$((r / 1024))MiB phase=$ph"
		s=$((s + 1))
		sleep 1
	done
	wait_guest $n 30 >/tmp/$n.wg
	grep -E 'IMR-RESULT|\] (BUG|WARNING|Kernel panic)' /tmp/$n.wg
	wait
	rsswatch -a "demo mode=$mode" free done 524288 /tmp/$n.trace |
		sed 's/^IMR-REPORT demo/DEMO-RESULT/'
	bench_trace "$mode" $n
done
