# bench_build (guest): a build-like workload of real programs, what a CI
# runner or a developer's VM does all day: imr.brounds=N rounds (default
# 3), each compiling dtc and libfdt (20 preprocessed files, gcc -O2 -c:
# cc1 and as, one process each) and compressing 3.5 MiB of real text with
# xz -6 (about 94 MiB per process) and gzip -9 (Debian's, not busybox's,
# which ignores -9), in as many parallel job
# slots as the guest has vCPUs (at least 2, as make -j would).  Every
# program is a process that allocates, frees at exit and is followed by
# the next: memory is freed and taken again within milliseconds, all the
# time.  The host integrates the guest's RSS between the marks
# (bench_build.host.sh); here: run time and the guest's CPU time, then
# imr.btail=SECONDS (default 5) with the process gone, to see what each
# mode gives back once the build is over.  Shipped by bench/ship-build.sh.
. /gscen/bench_lib.guest.sh
rounds=$(sed -n 's/.*imr\.brounds=\([0-9]*\).*/\1/p' /proc/cmdline)
tail_s=$(sed -n 's/.*imr\.btail=\([0-9]*\).*/\1/p' /proc/cmdline)
slots=$(nproc)
[ "$slots" -ge 2 ] || slots=2
[ -x /usr/bin/gcc ] && [ -x /usr/bin/xz ] && [ -x /usr/bin/gzip ] && [ -d /build/src ] ||
	{ result FAIL bench-build-shipped "no /build or its programs: bench/ship-build.sh did not run"; exit 1; }
bench_setup || exit 1
sleep 2
bench_trace_on

# cpu_ticks: "USER SYS" of all CPUs, in USER_HZ ticks.
cpu_ticks() { awk '$1 == "cpu" { print $2 + $3, $4 + $7 + $8 }' /proc/stat; }

# build_slot SLOT ROUND: this slot's share of one round; a failed program
# is written to /tmp/build.fail (a benchmark of failing compiles is none).
build_slot() {
	i=0
	for f in /build/src/*.i; do
		if [ $((i % slots)) = "$1" ]; then
			# A line per program: a console quiet for a minute makes
			# the host dump and trace this guest (quirks.sh heartbeat).
			echo "bench: build round $2 slot $1: gcc $(basename "$f")"
			gcc -O2 -c "$f" -o "/tmp/build-$1.o" 2>>/tmp/build.err ||
				echo "gcc $f round $2" >>/tmp/build.fail
		fi
		i=$((i + 1))
	done
	i=0
	for d in /build/data.*; do
		if [ $((i % slots)) = "$1" ]; then
			echo "bench: build round $2 slot $1: xz, gzip $(basename "$d")"
			/usr/bin/xz -6 -T1 -c "$d" >/dev/null 2>>/tmp/build.err ||
				echo "xz $d round $2" >>/tmp/build.fail
			/usr/bin/gzip -9 -c "$d" >/dev/null 2>>/tmp/build.err ||
				echo "gzip $d round $2" >>/tmp/build.fail
		fi
		i=$((i + 1))
	done
}

: >/tmp/build.fail
ct=$(cpu_ticks)
u0=${ct% *} s0=${ct#* }
t0=$(cut -d' ' -f1 /proc/uptime)
mark build-start
r=1
while [ "$r" -le "${rounds:-3}" ]; do
	s=0
	while [ "$s" -lt "$slots" ]; do
		build_slot "$s" "$r" &
		s=$((s + 1))
	done
	wait
	echo "bench: build round $r done at $(awk -v a="$t0" '{ printf "%.1f", $1 - a }' /proc/uptime) s"
	r=$((r + 1))
done
mark build-done
t1=$(cut -d' ' -f1 /proc/uptime)
ct=$(cpu_ticks)
u1=${ct% *} s1=${ct#* }
hz=100 # USER_HZ: /proc/stat counts in it, 100 on x86
echo "IMR-REPORT build mode=$BENCH_MODE rounds=${rounds:-3} slots=$slots files=$(ls /build/src/*.i | wc -l) wall_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') user_s=$(awk -v a="$u0" -v b="$u1" -v h=$hz 'BEGIN { printf "%.2f", (b - a) / h }') sys_s=$(awk -v a="$s0" -v b="$s1" -v h=$hz 'BEGIN { printf "%.2f", (b - a) / h }') failed=$(wc -l </tmp/build.fail)"
if [ -s /tmp/build.fail ]; then
	head -n 5 /tmp/build.fail /tmp/build.err
	result FAIL bench-build-programs "$(wc -l </tmp/build.fail) programs failed"
fi
sleep "${tail_s:-5}"
mark tail-done
bench_stats build
