# fuzz: a hostile 2-vCPU guest (test/fuzz/imr_fuzz.ko) fires FUZZ_CALLS IMR
# hypercalls with random and adversarial arguments from both vCPUs, while
# an innocent guest on the same host churns memory with imr_guest reporting.
# Pass: every answer documented and as predicted, no refused call dropped
# anything (bait pages), the innocent guest lost no word, the host's
# per-VM counters equal the fuzzer's own tally, and L2 memory is bounded.
# fuzzlong (test/scenarios/variants) sets FUZZ_CALLS=100000.
# IMR_L2_CMDLINE="imr.fuzzcalls=N" overrides the count (quick runs),
# "imr.fuzzseed=N" replays a run's seed (each vCPU's sequence of calls).
[ -n "${FUZZ_CALLS:-}" ] || FUZZ_CALLS=$(param fuzzcalls 20000)
[ -n "${FUZZ_SEED:-}" ] || FUZZ_SEED=$(param fuzzseed "$(date +%s)")
VICTIM_SECS=${VICTIM_SECS:-25}
l2_mem_start
check host-insmod insmod /lib/imr/imr_host.ko
start_guest -a "imr.fuzzcalls=$FUZZ_CALLS imr.fuzzseed=$FUZZ_SEED" fz fuzz 512 2
progress fz &
start_guest -a "imr.churnsecs=$VICTIM_SECS" victim fuzzvictim 512 1
progress victim &
# The fuzzer's VM directory goes away with the VM: read it while it waits.
# 20,000 calls take about 60 s in the lab; give up well inside the lab's
# own timeout so that a stalled guest's console is shown.
if wait_mark fz fuzz-done "${FUZZ_WAIT:-400}"; then
	d=$(hostvm fz)
	for f in reports errors ranges rejected_ranges reclaimed_bytes; do
		eval "vm_$f=$(cat "$d/$f")"
	done
	echo "IMR-REPORT fuzz-vm host_counters reports=$vm_reports errors=$vm_errors ranges=$vm_ranges rejected_ranges=$vm_rejected_ranges reclaimed_bytes=$vm_reclaimed_bytes"
else
	result FAIL fuzz-done-mark "no fuzz-done mark"
fi
wait_guest fz 120
wait_guest victim 300
# The fuzzer's own tally of its REPORT calls (imr_fuzz prints it).
tally=$(grep -h 'fuzz-host-view:' /tmp/fz.log | tail -n 1)
num() { echo "$tally" | sed -n "s/.* $1=\([0-9]*\).*/\1/p"; }
check fuzz-vm-reports-match test "${vm_reports:-x}" = "$(num reports_ok)"
check fuzz-vm-errors-match test "${vm_errors:-x}" = "$(num reports_refused)"
check fuzz-vm-ranges-match test "${vm_ranges:-x}" = "$(num ranges_ok)"
check fuzz-vm-rejected-ranges-match test "${vm_rejected_ranges:-x}" = "$(num ranges_refused)"
echo "IMR-REPORT fuzz host_global reports=$(hsys reports) errors=$(hsys errors) ranges=$(hsys ranges) rejected_ranges=$(hsys rejected_ranges) reclaimed_bytes=$(hsys reclaimed_bytes)"
# Every refused call in this run came from the fuzzer.
check fuzz-global-errors-match test "$(hsys errors)" = "$(num reports_refused)"
check host-vms-gone host_vms_gone
check host-rmmod rmmod imr_host
l2_mem_bounded fuzz
