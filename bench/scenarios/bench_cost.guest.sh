# bench_cost (guest): pfbench, a page_fault1-style loop (mmap 128 MiB, touch,
# munmap) for imr.reps repetitions of 2 s each, with THP and with 4 KiB
# pages (-n), after touching 700 MiB once and a 1 s warm-up of each.
# imr.pfsecs=SECONDS (bench.sh's BENCH_COST_SECONDS) runs each that long
# instead: a policy that learns from the loop's first frees (the hot
# reserve) shows its steady state only in a longer run.
. /gscen/bench_lib.guest.sh
reps=$(sed -n 's/.*imr\.reps=\([0-9]*\).*/\1/p' /proc/cmdline)
secs=$(sed -n 's/.*imr\.pfsecs=\([0-9]*\).*/\1/p' /proc/cmdline)
secs=${secs:-2}
bench_setup || exit 1
sleep 2
# Warm-up: back most of the guest's RAM in the host once (a never-touched
# guest page costs a nested page fault on first use, whatever the mode).
memtouch 700 0 >/dev/null
pfbench 1 128 >/dev/null
pfbench -n 1 128 >/dev/null
# The hot reserve's steps and the report hypercalls, for the record
# (bench_stats prints the last of them).
bench_trace_on
i=1
while [ "$i" -le "${reps:-3}" ]; do
	echo "IMR-REPORT cost mode=$BENCH_MODE rep=$i $(pfbench "$secs" 128 | sed 's/^pfbench: //')"
	echo "IMR-REPORT cost mode=$BENCH_MODE rep=$i $(pfbench -n "$secs" 128 | sed 's/^pfbench: //')"
	i=$((i + 1))
done
bench_stats cost
