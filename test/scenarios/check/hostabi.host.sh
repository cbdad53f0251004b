# hostabi: the KVM-selftests-style program drives imr_host from L2 user
# space (good and bad reports, zeros after drop, CPL 3, memory that must
# be kept: pinned, userfaultfd, read-only, hugetlb unless opted in; a VM
# that asked for SEV; the per-VM ceilings), then a hypercall storm during
# which imr_host is removed.  First, how imr_host shares
# kvm_emulate_hypercall with other ftrace users (test/ipmod): an
# IP-modifying user (a livepatch's kind) keeps imr_host out and is kept
# out by it, also while another post_handler kprobe holds
# kprobe_ipmodify_ops; a plain kprobe on the function keeps it out.
# L2 runs this one on one vCPU: its dozens of text patches (kprobes armed
# and disarmed, KVM's preempt-notifier static key flipped by every VM
# created) met the lab's stale int3 with two (CI on 2026-12-01: both L2
# CPUs in a soft lockup at the 2-byte NOP of a static key in
# finish_task_switch, right after a VM was created; the rerun passed).
# cycles keeps two vCPUs for truly parallel reports during rmmod.
# lab: l2-cpus=1
echo 16 >/proc/sys/vm/nr_hugepages
M=/lib/imr
H=/sys/kernel/imr/host

check ipmod-ftrace-first insmod $M/imr_ipftrace.ko
expect_fail host-insmod-refused-beside-ipmodify insmod $M/imr_host.ko
check host-says-why dmesg_has 'another IP-modifying ftrace user'
check host-not-half-loaded test ! -e /sys/kernel/imr/host
check ipmod-ftrace-rmmod rmmod imr_ipftrace

check ipmod-kprobe-plain insmod $M/imr_ipkprobe.ko sym=kvm_emulate_hypercall post=0
expect_fail host-insmod-refused-beside-kprobe insmod $M/imr_host.ko
check host-says-why-kprobe dmesg_has 'another kprobe is on it'
check ipmod-kprobe-plain-rmmod rmmod imr_ipkprobe

check host-insmod insmod $M/imr_host.ko
expect_fail ipmod-ftrace-refused-after-host insmod $M/imr_ipftrace.ko
check host-rmmod-alone rmmod imr_host

# Another post_handler kprobe elsewhere already holds kprobe_ipmodify_ops.
check ipmod-kprobe-other insmod $M/imr_ipkprobe.ko
check host-insmod-beside-kprobe insmod $M/imr_host.ko
expect_fail ipmod-ftrace-refused-shared-ops insmod $M/imr_ipftrace.ko

check hc-test hc_test --expect-hugetlb=0
check host-hugetlb-opt-in sh -c "echo 1 >$H/hugetlb_enabled"
check hc-test-hugetlb hc_test --expect-hugetlb=1
check host-hugetlb-opt-out sh -c "echo 0 >$H/hugetlb_enabled"
check hc-sev-mark hc_test --sev-mark
check hc-rate hc_test --rate
check ipmod-kprobe-other-rmmod rmmod imr_ipkprobe

hc_test --storm 6 >/tmp/storm.out 2>&1 &
spid=$!
sleep 3
check host-rmmod-during-storm rmmod imr_host
wait $spid
src=$?
cat /tmp/storm.out
check hc-storm test $src -eq 0
ok=$(sed -n 's/^storm: .* ok=\([0-9]*\).*/\1/p' /tmp/storm.out)
check hc-storm-reports-ok test "${ok:-0}" -gt 0
check hc-enosys-after-rmmod hc_test --expect-enosys
