# bench_cost (guest): pfbench, a page_fault1-style loop (mmap 128 MiB, touch,
# munmap) for imr.reps repetitions of 2 s each, with THP and with 4 KiB
# pages (-n), after touching 700 MiB once and a 1 s warm-up of each.
. /gscen/bench_lib.guest.sh
reps=$(sed -n 's/.*imr\.reps=\([0-9]*\).*/\1/p' /proc/cmdline)
bench_setup || exit 1
sleep 2
# Warm-up: back most of the guest's RAM in the host once (a never-touched
# guest page costs a nested page fault on first use, whatever the mode).
memtouch 700 0 >/dev/null
pfbench 1 128 >/dev/null
pfbench -n 1 128 >/dev/null
i=1
while [ "$i" -le "${reps:-3}" ]; do
	echo "IMR-REPORT cost mode=$BENCH_MODE rep=$i $(pfbench 2 128 | sed 's/^pfbench: //')"
	echo "IMR-REPORT cost mode=$BENCH_MODE rep=$i $(pfbench -n 2 128 | sed 's/^pfbench: //')"
	i=$((i + 1))
done
bench_stats cost
