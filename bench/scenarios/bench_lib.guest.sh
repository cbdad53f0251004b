# Shared by the bench*/demo* guest scenarios (sourced, not a scenario).
# The host passes the mode on the guest's command line: imr.mode=none|fpr|
# imr|imr4k|imrnodrain|imrnohot|ksm|swap and imr.win=SECONDS (how long to wait after a free).
BENCH_MODE=$(sed -n 's/.*imr\.mode=\([^ ]*\).*/\1/p' /proc/cmdline)
BENCH_WIN=$(sed -n 's/.*imr\.win=\([^ ]*\).*/\1/p' /proc/cmdline)
BENCH_MODE=${BENCH_MODE:-none}
BENCH_WIN=${BENCH_WIN:-5}
G=/sys/kernel/imr/guest

# bench_imr_mode: is this one of the imr_guest modes (imr, imr4k, ...)?
bench_imr_mode() {
	case $BENCH_MODE in imr*) return 0 ;; esac
	return 1
}

# bench_setup: what the mode needs inside the guest.  none, ksm and swap
# need nothing here (ksm/swap act on the host; ksm boots with init_on_free=1).
bench_setup() {
	case $BENCH_MODE in
	fpr)
		load_balloon || { result FAIL "bench-$BENCH_MODE-balloon" "virtio_balloon not loaded"; return 1; }
		;;
	imr*)
		insmod /lib/imr/imr_guest.ko || { result FAIL "bench-$BENCH_MODE-insmod"; return 1; }
		[ "$BENCH_MODE" = imr4k ] && echo 0 >$G/min_order
		# imrnodrain: IMR without the per-CPU list drain, for its cost.
		[ "$BENCH_MODE" = imrnodrain ] && echo 0 >$G/pcp_grace_ms
		# imrnohot: IMR without the hot reserve (as before 2026-12-03).
		[ "$BENCH_MODE" = imrnohot ] && echo 0 >$G/hot_max_kib
		echo "bench: imr_guest min_order=$(cat $G/min_order) delay_ms=$(cat $G/delay_ms) reserve_kib=$(cat $G/reserve_kib) pcp_grace_ms=$(cat $G/pcp_grace_ms) hot_max_kib=$(cat $G/hot_max_kib)"
		;;
	esac
	return 0
}

# bench_trace_on: count IMR's report hypercalls from here on (tracepoint).
bench_trace_on() {
	bench_imr_mode || return 0
	T=/sys/kernel/tracing
	[ -d $T/events ] || mount -t tracefs none $T 2>/dev/null
	[ -d $T/events ] || { T=/sys/kernel/debug/tracing; mount -t debugfs none /sys/kernel/debug 2>/dev/null; }
	[ -d $T/events/imr_guest/report ] || { echo "bench: no tracepoint imr_guest:report under $T ($(ls $T 2>&1 | head -c 200))"; return 0; }
	echo "bench: tracing imr_guest:report via $T"
	echo 4096 >$T/buffer_size_kb 2>/dev/null
	echo >$T/trace
	echo 1 >$T/tracing_on
	echo 1 >$T/events/imr_guest/report/enable
	echo 1 >$T/events/imr_guest/reserve_hit/enable 2>/dev/null
	echo 1 >$T/events/imr_guest/pcp_drain/enable 2>/dev/null
	echo 1 >$T/events/imr_guest/pcp_skip/enable 2>/dev/null
	echo 1 >$T/events/imr_guest/hot_reserve/enable 2>/dev/null
}

# bench_stats TAG: the guest's IMR counters and the hypercall throughput
# (bytes and guest-measured microseconds of successful report hypercalls).
bench_stats() {
	bench_imr_mode || return 0
	echo "IMR-REPORT gstats $1 mode=$BENCH_MODE reported_bytes=$(cat $G/reported_bytes) reports=$(cat $G/reports) report_errors=$(cat $G/report_errors) reused_bytes=$(cat $G/reused_bytes) last_report_us=$(cat $G/last_report_us) reserve_hits=$(cat $G/reserve_hits) backoff_ms=$(cat $G/backoff_ms) pcp_drains=$(cat $G/pcp_drains) pcp_drained_bytes=$(cat $G/pcp_drained_bytes) pcp_skips=$(cat $G/pcp_skips) hot_holds=$(cat $G/hot_holds) hot_reserve_kib=$(cat $G/hot_reserve_kib) returned_bytes=$(cat $G/returned_bytes)"
	T=/sys/kernel/tracing
	[ -d $T/events ] || T=/sys/kernel/debug/tracing
	if [ -f $T/events/imr_guest/report/enable ]; then
		# Stop the ring buffer, not the events: disabling one patches
		# kernel text, which nested TCG sometimes gets wrong (an L3
		# died right here once), and the guest powers off next anyway.
		echo 0 >$T/tracing_on
		# The last hypercalls, refusals and drains, for the record.
		grep -E ' (report|reserve_hit|pcp_drain|pcp_skip|hot_reserve): ' $T/trace | tail -60 | sed "s/^ */IMR-REPORT gtrace $1 /"
		awk -v tag="$1" -v mode="$BENCH_MODE" '
			/ report: / {
				for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
				if (v["result"] == 0) { n++; b += v["bytes"]; us += v["us"]; if (v["us"] > mx) mx = v["us"] }
				else errs++
			}
			END { printf "IMR-REPORT tput %s mode=%s calls=%d bytes=%.0f us=%.0f max_us=%d failed=%d gibps=%.2f\n",
				tag, mode, n, b, us, mx, errs, (us > 0 ? b / 1073741824 / (us / 1e6) : 0) }' $T/trace
	fi
}
