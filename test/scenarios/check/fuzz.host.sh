# fuzz: a hostile 2-vCPU guest (test/fuzz/imr_fuzz.ko) fires FUZZ_CALLS IMR
# hypercalls with random and adversarial arguments from both vCPUs, while
# an innocent guest on the same host churns memory with imr_guest reporting.
# Pass: every answer documented and as predicted, no refused call dropped
# anything (bait pages), the innocent guest lost no word, the host's
# per-VM counters equal the fuzzer's own tally, and L2 memory is bounded.
# fuzzlong (test/scenarios/variants) sets FUZZ_CALLS=100000.
# IMR_L2_CMDLINE="imr.fuzzcalls=N" overrides the count (quick runs),
# "imr.fuzzseed=N" replays a run's seed (each vCPU's sequence of calls).
[ -n "${FUZZ_CALLS:-}" ] || FUZZ_CALLS=$(l2arg fuzzcalls)
FUZZ_CALLS=${FUZZ_CALLS:-20000}
[ -n "${FUZZ_SEED:-}" ] || FUZZ_SEED=$(l2arg fuzzseed)
FUZZ_SEED=${FUZZ_SEED:-$(date +%s)}
VICTIM_SECS=${VICTIM_SECS:-25}
avail0=$(meminfo MemAvailable)
slab0=$(meminfo Slab)
check host-insmod insmod /lib/imr/imr_host.ko
IMR_GUEST_CMDLINE="imr.fuzzcalls=$FUZZ_CALLS imr.fuzzseed=$FUZZ_SEED"
start_guest fz fuzz 512 2
progress fz &
IMR_GUEST_CMDLINE="imr.churnsecs=$VICTIM_SECS"
start_guest victim fuzzvictim 512 1
progress victim &
IMR_GUEST_CMDLINE=
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
check host-vms-gone sh -c '[ -z "$(ls /sys/kernel/imr/host/vms)" ]'
check host-rmmod rmmod imr_host
sleep 1
avail1=$(meminfo MemAvailable)
slab1=$(meminfo Slab)
echo "IMR-REPORT fuzz l2_mem MemAvailable_kB before=$avail0 after=$avail1 Slab_kB before=$slab0 after=$slab1"
check l2-memavailable-bounded test "$avail1" -ge $((avail0 - 65536))
check l2-slab-bounded test "$slab1" -le $((slab0 + 32768))
