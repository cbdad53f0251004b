# cyclesrepro: minimal reproducer for the 6.12 host oops seen in `cycles`
# ("Oops: int3" in kvm_wait_lapic_expire, an L3 vCPU thread, while
# imr_host was being removed).  Ingredients: an L3 guest running (in-kernel
# LAPIC: its vCPUs run kvm_wait_lapic_expire), `hc_test --storm` VMs
# created and destroyed in a loop (--no-irqchip: no in-kernel LAPIC, so each flips the
# kvm_has_noapic_vcpu static key, which patches that function), and
# ftrace-based kprobes on kvm_emulate_hypercall/kvm_arch_destroy_vm armed
# and disarmed RCYCLES times.  IMR_L2_CMDLINE="imr.mode=imr" does that with
# insmod/rmmod imr_host; imr.mode=tracefs (default) with tracefs kprobe
# events and no IMR code at all, to tell an IMR bug from a kernel/TCG one;
# imr.mode=none arms no kprobe: VM churn alone.  The variants
# cyclesreproimr and cyclesrepronone (test/scenarios/variants) set
# REPRO_MODE, the default mode, to imr and none.
mode=$(param mode "${REPRO_MODE:-tracefs}")
RCYCLES=${RCYCLES:-40}
t=/sys/kernel/tracing
start_guest rg cyclesrepro 512 2
wait_mark rg churning 300 || result FAIL rg-churning-mark
loop_start hc_test --no-irqchip --storm 1 >/dev/null 2>&1
i=0
while [ $i -lt $RCYCLES ]; do
	if [ "$mode" = none ]; then
		sleep 0.3
	elif [ "$mode" = imr ]; then
		insmod /lib/imr/imr_host.ko
		sleep 0.3
		rmmod imr_host
	else
		echo 'p:imr_kp1 kvm_emulate_hypercall' >>$t/kprobe_events
		echo 'p:imr_kp2 kvm_arch_destroy_vm' >>$t/kprobe_events
		echo 1 >$t/events/kprobes/enable
		sleep 0.3
		echo 0 >$t/events/kprobes/enable
		echo >$t/kprobe_events
	fi
	sleep 0.2
	i=$((i + 1))
done
loop_stop
echo "IMR-REPORT cyclesrepro mode=$mode kprobe_cycles=$i"
wait_guest rg 300
