# hostabi: the KVM-selftests-style program drives imr_host from L2 user
# space (good and bad reports, zeros after drop, CPL 3), then a hypercall
# storm during which imr_host is removed.
echo 16 >/proc/sys/vm/nr_hugepages
check host-insmod insmod /lib/imr/imr_host.ko
check hc-test hc_test
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
