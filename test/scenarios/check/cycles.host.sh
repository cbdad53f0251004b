# cycles: module life cycles under load.  A 2-vCPU guest first cycles
# imr_guest CYCLES times while it churns; then the host cycles imr_host
# CYCLES times while that guest churns and reports and `hc_test --storm`
# creates and destroys VMs that report, in a loop.  Pass: no oops or
# warning, every cycle clean, no word lost, no VM directory left, and L2
# MemAvailable/Slab back within bounds.  cycleslong (test/scenarios/variants)
# runs it with CYCLES=50.
CYCLES=${CYCLES:-10}
P2SECS=${P2SECS:-25}
l2_mem_start
check host-insmod insmod /lib/imr/imr_host.ko
start_guest -a "imr.gcycles=$CYCLES imr.p2secs=$P2SECS" cy cycles 768 2
progress cy &
wait_mark cy gcycles-done 900 || result FAIL guest-cycles-mark "no gcycles-done mark"
: >/tmp/storm.out
: >/tmp/storm.fail
# A VM with a software-disabled LAPIC held for the whole loop keeps KVM's
# apic_sw_disabled static key above zero, so creating and destroying the
# storm VMs below does not patch kvm.ko's text.  On a 6.12 L2 under
# multi-threaded TCG such text patching while kprobes were armed crashed
# the lab host ("Oops: int3" at a jump label in kvm.ko, a stale int3 still
# executed after the patch) with no IMR code loaded: cyclesrepro.host.sh.
hc_test --idle 100000 >/dev/null 2>&1 &
hpid=$!
storm1() { hc_test --storm 1 >>/tmp/storm.out 2>&1 || echo fail >>/tmp/storm.fail; }
loop_start storm1
cycles=0
fails=0
during=0
t0=$(date +%s)
while [ $cycles -lt "$CYCLES" ]; do
	sleep 0.3
	rmmod imr_host || fails=$((fails + 1))
	sleep 0.2
	insmod /lib/imr/imr_host.ko || fails=$((fails + 1))
	cycles=$((cycles + 1))
	grep -q 'IMR-MARK phase2-done' /tmp/cy.log || during=$cycles
done
secs=$(($(date +%s) - t0))
loop_stop
kill $hpid
wait $hpid 2>/dev/null
runs=$(grep -c '^storm:' /tmp/storm.out)
scalls=$(awk -F'[= ]' '/^storm:/ { c += $3; o += $5; e += $7 } END { printf "calls=%d ok=%d enosys=%d", c, o, e }' /tmp/storm.out)
echo "IMR-REPORT cycles host_cycles=$cycles host_cycle_failures=$fails cycles_while_guest_reported=$during secs=$secs storm_vms=$runs storm_$scalls storm_failures=$(wc -l </tmp/storm.fail)"
check host-cycles-clean test $fails -eq 0
check host-cycles-done test $cycles -ge "$CYCLES"
check host-cycles-overlap-guest test $during -ge $((CYCLES / 2))
check storm-vms-ran test "$runs" -gt 0
check storm-no-failures test ! -s /tmp/storm.fail
wait_guest cy 600
check host-vms-gone host_vms_gone
echo "IMR-REPORT cycles host_last_instance reports=$(hsys reports) errors=$(hsys errors) reclaimed_bytes=$(hsys reclaimed_bytes)"
check host-rmmod rmmod imr_host
l2_mem_bounded cycles
