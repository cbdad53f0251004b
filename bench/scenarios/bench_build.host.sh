# lab: ship=bench/ship-build.sh
# bench_build: the host-memory footprint and the guest's cost of a
# build-like workload (bench_build.guest.sh), one freshly booted 1 GiB
# guest per mode and round, in turn.  The footprint is the integral of the guest
# QEMU's RSS (sampled every 20 ms) from the guest's build-start mark to
# build-done, in GiB*s, and over the tail after it: what the host has to
# keep for the guest while it builds, the figure HyperAlloc's clang build
# compares (GiB*min there).  A trace every 250 ms from build-start feeds
# the chart (BTRACE MODE SECONDS KIB).
. /scenarios/bench_lib.host.sh
bench_host_setup
# bench_footprint MODE NAME: the integral of the RSS samples between two
# marks (trapezoids; KiB*ms to GiB*s), the mean, the peak and the RSS at
# the end.
bench_footprint() {
	awk -v mode="$1" '
		$1 == "M" { m[$3] = $2 }
		$1 == "S" { t[++n] = $2; k[n] = $3 }
		function area(a, b,   i, s) {
			s = 0
			for (i = 2; i <= n; i++)
				if (t[i - 1] >= a && t[i] <= b)
					s += (t[i] - t[i - 1]) * (k[i] + k[i - 1]) / 2
			return s / 1048576 / 1000
		}
		function at(x,   i) { for (i = 1; i <= n; i++) if (t[i] >= x) return k[i]; return k[n] }
		END {
			if (!("build-start" in m) || !("build-done" in m) || !("tail-done" in m)) {
				printf "IMR-REPORT buildfp mode=%s error=marks-missing\n", mode; exit
			}
			a = m["build-start"]; b = m["build-done"]; c = m["tail-done"]
			pk = 0
			for (i = 1; i <= n; i++) if (t[i] >= a && t[i] <= c && k[i] > pk) pk = k[i]
			run = area(a, b); tl = area(b, c)
			printf "IMR-REPORT buildfp mode=%s run_gibs=%.2f tail_gibs=%.2f run_s=%.2f tail_s=%.2f mean_mib=%.0f peak_mib=%.0f start_mib=%.0f done_mib=%.0f end_mib=%.0f\n",
				mode, run, tl, (b - a) / 1000, (c - b) / 1000, (b > a ? run * 1024 / ((b - a) / 1000) : 0),
				pk / 1024, at(a) / 1024, at(b) / 1024, at(c) / 1024
			last = -1e9
			for (i = 1; i <= n; i++)
				if (t[i] >= a && t[i] <= c && t[i] - last >= 250) {
					printf "BTRACE %s %.2f %d\n", mode, (t[i] - a) / 1000, k[i]; last = t[i]
				}
		}' "/tmp/$2.trace"
}

# imr.breps=N rounds of all modes (default 2) in bench_order: run times
# drift by 10-20% between boots in this lab (86 and 73 s for the same
# work in one L2 run).
modes=$(bench_modes none fpr imr imrnohot)
rep=1
while [ "$rep" -le "$(l2arg breps | grep . || echo 2)" ]; do
	# shellcheck disable=SC2086
	for mode in $(bench_order $rep $modes); do
		n=b_${mode}_$rep
		echo "bench: [build] round $rep mode $mode: booting a 1 GiB guest"
		r0=$(hval reclaimed_bytes)
		bench_start $n bench_build 1024 $mode 0 "imr.brounds=$(l2arg brounds) imr.btail=$(l2arg btail)"
		boot_wait
		rsswatch -i 20 "$(guest_pid $n)" /tmp/$n.mark >/tmp/$n.trace &
		# wait_guest's output goes to a file: this keeps L2's console
		# alive (test/lab.sh ends a run after 300 s of silence).
		progress $n &
		wait_guest $n 1500 >/tmp/$n.wg
		grep -E 'IMR-|bench:|\] (BUG|WARNING|Kernel panic)' /tmp/$n.wg | sed "s/IMR-REPORT \(build\|gstats build\) /IMR-REPORT \1 rep=$rep /"
		wait
		bench_footprint $mode $n | sed "s/^IMR-REPORT buildfp /IMR-REPORT buildfp rep=$rep /; s/^BTRACE $mode /BTRACE $mode-$rep /"
		echo "IMR-REPORT hstats build rep=$rep mode=$mode reclaimed_delta=$(($(hval reclaimed_bytes) - r0)) errors=$(hval errors) rejected_ranges=$(hval rejected_ranges)"
	done
	rep=$((rep + 1))
done
