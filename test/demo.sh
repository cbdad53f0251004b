#!/bin/sh
# `make demo`: on a fresh Debian 12 machine, in a few minutes: installs
# what is missing (test/deps.sh), builds both modules, boots the lab host
# (L2) and in it one guest without IMR, one with IMR and one with virtio-
# balloon free page reporting; shows the host's view of each guest's memory
# live, once a second, then a side-by-side summary and a chart
# (bench/demo-<kver>.png).
#
#   DEMO_KVER=6.1|6.12   kernel series (default 6.1)
#   DEMO_MODES=none,imr,fpr
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
series=${DEMO_KVER:-6.1}
modes=${DEMO_MODES:-none,imr,fpr}
t0=$(date +%s)
say() { printf '%s\n' "$*" >&2; }
die() { say "demo: error: $*"; exit 2; }

say "[1/5] checking packages (test/deps.sh)"
test/deps.sh || die "test/deps.sh failed"
for c in make gcc qemu-system-x86_64 busybox cpio python3; do
	command -v $c >/dev/null 2>&1 || die "'$c' is missing: run 'sudo test/deps.sh' (packages: $(test/deps.sh --list 2>/dev/null | tr '\n' ' '))"
done
kver=$(test/kvers.sh "$series") || die "no Debian $series kernel known (apt-get update?)"
[ -d "/lib/modules/$kver/build" ] || die "no headers for $kver: sudo apt-get install linux-headers-$kver"

say "[2/5] building imr_guest.ko, imr_host.ko and the test programs for $kver"
make -s -C test progs >&2 || die "make -C test progs failed"
log=.build/lab-logs/demo-$kver-$kver.log
mkdir -p .build/lab-logs
rm -f "$log"
lablog=$(mktemp)
trap 'rm -f "$lablog"' EXIT
IMR_L2_CMDLINE="${IMR_L2_CMDLINE:-} imr.modes=$modes" test/lab.sh -H "$kver" -G "$kver" -t 420 demo >"$lablog" 2>&1 &
lpid=$!

# Live view: lab.sh writes the L2 console to $log as it runs.
say "[3/5] preparing the lab images and booting the lab host (L2, QEMU TCG) ..."
i=0
while [ ! -s "$log" ] && kill -0 $lpid 2>/dev/null; do
	sleep 1
	i=$((i + 1))
	[ $((i % 15)) = 0 ] && say "      ... still preparing ($(tail -n 1 "$lablog" | cut -c1-100))"
done
[ -s "$log" ] || { cat "$lablog" >&2; die "the lab did not start (see above)"; }
say "[4/5] running the guests; host memory (VmRSS of each guest's QEMU in L2), once a second:"
tail --pid=$lpid -n +1 -F "$log" 2>/dev/null | awk '
	{ sub(/\r$/, "") }
	/^DEMO-STEP / { sub(/^DEMO-STEP /, ""); printf "  --- %s\n", $0; fflush(); next }
	/^DEMO t=/ {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		ph = $0; sub(/.*phase=/, "", ph)
		mib = v["rss"]; sub(/MiB/, "", mib)
		bar = ""; for (j = 0; j < mib / 32; j++) bar = bar "#"
		printf "  %-5s t=%3s rss=%5s MiB %-32s %s\n", v["guest"], v["t"], mib, bar, ph; fflush(); next }
	/^DEMO-RESULT / { printf "  >>> %s\n", $0; fflush(); next }
	/IMR-RESULT: FAIL|Kernel panic|BUG:/ { printf "  !!! %s\n", $0; fflush() }'
wait $lpid
rc=$?
[ -s "$log" ] || die "no console log"
grep -q '^DEMO-RESULT' "$log" 2>/dev/null || { tail -n 30 "$lablog" >&2; die "no results: the lab run failed (log $log)"; }

say "[5/5] summary and chart"
tr -d '\r' <"$log" | awk '
	/^DEMO-RESULT / {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[$2, kv[1]] = kv[2] }
		m = $2; sub(/mode=/, "", m); order[++n] = m; key[m] = $2 }
	END {
		printf "\n  %-18s", "host got back"; for (i = 1; i <= n; i++) printf "%14s", order[i]; printf "\n"
		row("of 512 MiB freed", "returned_kib", 1 / 1024, " MiB")
		row("share", "share_pct", 1, "%")
		row("50% back after", "t50_ms", 1, " ms")
		row("90% back after", "t90_ms", 1, " ms")
		row("98% back after", "t98_ms", 1, " ms")
		printf "  (times from the moment the guest freed; TCG lab, so slower than real hardware; never = not within the window)\n\n" }
	function row(name, f, mul, unit,   i, x) {
		printf "  %-18s", name
		for (i = 1; i <= n; i++) {
			x = v[key[order[i]], f]
			if (x == "" ) s = "?"; else if (x + 0 < 0) s = "never"; else s = sprintf("%.0f%s", x * mul, unit)
			printf "%14s", s }
		printf "\n" }' >&2
python3 bench/report.py --kver "$kver" --date "$(date +%F)" --series "demo-$series" \
	--out ".build/demo-$kver" --plots bench "$log" >/dev/null 2>&1
[ -f "bench/release-demo-$series.png" ] && mv "bench/release-demo-$series.png" "bench/demo-$series.png" &&
	say "  chart: bench/demo-$series.png"
[ $rc -eq 0 ] || say "demo: note: the lab run was not clean (rc=$rc): $(grep '^lab: FAIL' "$lablog" | cut -c1-200)"
say "demo: done in $(($(date +%s) - t0))s (console log: $log)"
