# fuzz (guest side): the hostile guest.  imr_fuzz.ko does its work in
# insmod; then this prints its summary, proves the kernel still works, and
# waits a little so the host can read this VM's counters.
calls=$(param fuzzcalls 20000)
seed=$(param fuzzseed 1)
check fuzz-run insmod /lib/imr/imr_fuzz.ko calls="$calls" seed="$seed"
sum=$(dmesg | grep 'imr_fuzz: fuzz:' | tail -n 1 | sed 's/.*imr_fuzz: //')
view=$(dmesg | grep 'imr_fuzz: fuzz-host-view:' | tail -n 1 | sed 's/.*imr_fuzz: //')
echo "IMR-REPORT $sum"
echo "IMR-REPORT $view"
num() { echo "$sum" | sed -n "s/.* $1=\([0-9]*\).*/\1/p"; }
check fuzz-calls-done test "$(num calls)" -ge "${calls:-20000}"
check fuzz-no-undocumented test "$(num undocumented)" = 0
check fuzz-no-mismatch test "$(num mismatch)" = 0
check fuzz-bait-intact test "$(num bait_lost)" = 0
check fuzz-rmmod rmmod imr_fuzz
check fuzz-guest-alive churn 2 3 16
mark fuzz-done
sleep 6
