#!/bin/sh
# `make bench`: IMR against no reclaim, virtio-balloon free page reporting
# (FPR), IMR at 4 KiB, KSM and host swap, in the lab (test/lab.sh), one
# scenario per part (bench/scenarios/bench_PART.{host,guest}.sh).  Every
# comparison runs inside ONE L2 boot, so ratios are fair.
#
#   BENCH_KVER=6.1|6.12       host and guest kernel series (default 6.1)
#   BENCH_SCENARIOS="release frag cost oc build"   which parts (default: all)
#   BENCH_COST_ROUNDS=2 BENCH_COST_REPS=3    guest-cost repetitions
#   BENCH_COST_SECONDS=2      length of each pfbench run
#   BENCH_DATE=YYYY-MM-DD     name of the results (default: today)
#   BENCH_CPUS=N              vCPUs of each benchmark guest (default 1)
#   BENCH_BUILD_ROUNDS=3      rounds of the build-like workload
#
# Writes bench/results/<date>-<kver>.{json,md} (and the raw console logs as
# .log, not committed), bench/release-<series>.png, bench/cost-<series>.png and
# bench/build-<series>.png.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
series=${BENCH_KVER:-6.1}
scens=${BENCH_SCENARIOS:-release frag cost oc build}
date=${BENCH_DATE:-$(date +%F)}
t0=$(date +%s)

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: error: $*"; exit 2; }

for c in python3 gnuplot qemu-system-x86_64 busybox cpio; do
	command -v $c >/dev/null 2>&1 || die "'$c' is missing; run test/deps.sh as root (or: apt-get install $(test/deps.sh --list 2>/dev/null | tr '\n' ' '))"
done
kver=$(test/kvers.sh "$series") || die "no Debian $series kernel (apt-get update? test/deps.sh)"
[ -d "/lib/modules/$kver/build" ] || die "no headers for $kver: apt-get install linux-headers-$kver (test/deps.sh does)"

nsteps=$(($(echo $scens | wc -w) + 2))
step=0
progress() { step=$((step + 1)); say "[$step/$nsteps] $*"; }

# The lab images only carry what test/bin holds; zram (host swap baseline)
# and loop (page cache in the fragmented scenario) are modules in Debian's
# kernels, so stage them there under names nobody else uses.
progress "building test programs and staging zram/loop modules for $kver"
make -s -C test progs >&2 || die "make -C test progs failed"
(
	. test/lab/common.sh
	for m in zsmalloc zram loop; do
		# Built in on some kernels (zsmalloc on 6.12): nothing to stage.
		[ -n "$(module_path "$kver" "$m")" ] || continue
		copy_module "$kver" "$m" "$top/test/bin" &&
			mv "$top/test/bin/$m.ko" "$top/test/bin/bench-kmod-$m.ko"
	done
) || say "bench: could not stage zram/loop from linux-image-$kver: swap baseline and page cache part will be skipped"

out=bench/results/$date-$kver
mkdir -p bench/results
logs=
notes=

# run_lab NAME TIMEOUT_S L2_CMDLINE DESCRIPTION: one L2 boot; shows the
# scenario's "bench: [...]" progress lines live.
run_lab() {
	name=$1 tmo=$2 cmdl=$3
	shift 3
	progress "$name: $* (timeout ${tmo}s)"
	log=.build/lab-logs/bench_$name-$kver-$kver.log
	mkdir -p .build/lab-logs
	rm -f "$log"
	IMR_L2_CMDLINE="${IMR_L2_CMDLINE:-} imr.benchcpus=${BENCH_CPUS:-1} $cmdl" test/lab.sh -H "$kver" -G "$kver" -t "$tmo" "bench_$name" \
		>"$out-$name.lab.log" 2>&1 &
	lpid=$!
	tail --pid=$lpid -n +1 -F "$log" 2>/dev/null |
		grep --line-buffered -E '^bench: |^IMR-REPORT (release|frag|oc|floor|buildfp) ' | sed -u 's/\r$//; s/^/      /' >&2
	wait $lpid
	rc=$?
	[ -f "$log" ] && cp "$log" "$out-$name.log"
	if [ $rc -ne 0 ]; then
		why=$(grep -E '^lab: FAIL' "$out-$name.lab.log" | head -n1 | cut -c1-300)
		say "      $name: lab run not clean (rc=$rc): ${why:-see $out-$name.lab.log}"
		notes="$notes|$name: lab run not clean: ${why:-rc=$rc}"
	fi
	logs="$logs $out-$name.log"
}

for s in $scens; do
	case $s in
	release) run_lab release 900 "imr.modes=${BENCH_RELEASE_MODES:-none,fpr,imr,imr4k,ksm,swap}" \
		"floor, then none/FPR/IMR/IMR-4K/KSM/swap: 1 GiB guest frees 512 MiB (~5 min)" ;;
	frag) run_lab frag 600 "imr.modes=${BENCH_FRAG_MODES:-none,fpr,imr,imr4k}" \
		"fragmented free memory, none/FPR/IMR/IMR-4K (~3 min)" ;;
	cost) run_lab cost 900 "imr.modes=${BENCH_COST_MODES:-none,fpr,imr,imr4k} imr.rounds=${BENCH_COST_ROUNDS:-2} imr.reps=${BENCH_COST_REPS:-2} imr.pfsecs=${BENCH_COST_SECONDS:-2}" \
		"guest cost (pfbench), none/FPR/IMR/IMR-4K, ${BENCH_COST_ROUNDS:-2} rounds (~4 min)" ;;
	oc) run_lab oc 900 "imr.modes=${BENCH_OC_MODES:-imr,fpr,none}" \
		"overcommit: 3 x 1.5 GiB guests in a 4 GiB L2, IMR/FPR/none (~4 min)" ;;
	build) run_lab build 2400 "imr.modes=${BENCH_BUILD_MODES:-none,fpr,imr,imrnohot} imr.brounds=${BENCH_BUILD_ROUNDS:-3}" \
		"build-like workload (gcc, xz, gzip), none/FPR/IMR/IMR without the hot reserve: footprint and cost (~20 min)" ;;
	*) die "unknown scenario '$s' (release frag cost oc build)" ;;
	esac
done

progress "writing $out.json, $out.md and the charts"
set --
IFS='|'
for n in $notes; do [ -n "$n" ] && set -- "$@" --note "$n"; done
unset IFS
# shellcheck disable=SC2086
python3 bench/report.py --kver "$kver" --date "$date" --series "$series" --cpus "${BENCH_CPUS:-1}" --out "$out" \
	--plots bench "$@" $logs || die "bench/report.py failed"
say "bench: done in $(($(date +%s) - t0))s: $out.json, $out.md, bench/release-$series.png, bench/cost-$series.png, bench/build-$series.png"
