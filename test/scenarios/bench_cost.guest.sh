# bench_cost (guest): pfbench, a page_fault1-style loop (mmap 128 MiB, touch,
# munmap) for imr.reps repetitions of 2 s each, with THP and with 4 KiB
# pages (-n), after a 1 s warm-up.
. /gscen/bench_lib.guest.sh
reps=$(sed -n 's/.*imr\.reps=\([0-9]*\).*/\1/p' /proc/cmdline)
bench_setup || exit 1
sleep 2
pfbench 1 128 >/dev/null
pfbench -n 1 128 >/dev/null
i=1
while [ "$i" -le "${reps:-3}" ]; do
	echo "IMR-REPORT cost mode=$BENCH_MODE rep=$i $(pfbench 2 128 | sed 's/^pfbench: //')"
	echo "IMR-REPORT cost mode=$BENCH_MODE rep=$i $(pfbench -n 2 128 | sed 's/^pfbench: //')"
	i=$((i + 1))
done
bench_stats cost
