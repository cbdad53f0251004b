# lab: l2-cmdline=maxcpus=1
# lab: ship=test/kselftest/ship.sh kvm
# lab: timeout=900
# kvmhang: reproducer, not in make check.  Runs the KVM selftests of
# test/kselftest/kvm-repro.list (the xapic tests) over and over in L2
# with NO IMR module loaded, the way kvmselftests runs its list (maxcpus=1,
# 240 s per test), so that a hang there can be told apart from IMR's:
#   IMR_L2_CMDLINE="imr.rounds=N imr.withimr=1 imr.full=1" test/lab.sh kvmhang
# (rounds: default 5; withimr=1: imr_host loaded first, the B arm;
# full=1: each round runs kvmselftests' whole list first, so that two
# rounds are what kvmselftests runs, in its order, without IMR).
# Each test prints an IMR-REPORT line before and after it runs, so the log
# shows which one was running when L2 stopped ticking.
KS=/usr/lib/kselftest/kvm
rounds=$(param rounds 5)
list=/tmp/kh.list
{ [ "$(param full 0)" = 1 ] && cat $KS/tests.list; cat $KS/repro.list; } >$list
[ "$(param withimr 0)" = 1 ] && check host-insmod insmod /lib/imr/imr_host.ko
echo "kvmhang: $(wc -l <$list) tests x $rounds rounds, $(nproc) L2 cpu(s), imr_host $(lsmod | grep -q '^imr_host' && echo loaded || echo 'not loaded')"
r=1
while [ $r -le "$rounds" ]; do
	while read -r t args; do
		echo "IMR-REPORT kvmhang round=$r test=$t start"
		s=$(date +%s)
		# shellcheck disable=SC2086
		timeout -s KILL 240 "$KS/$t" $args >/tmp/kh.out 2>&1 </dev/null
		rc=$?
		echo "IMR-REPORT kvmhang round=$r test=$t rc=$rc secs=$(($(date +%s) - s))"
		[ $rc -eq 0 ] || tail -n 5 /tmp/kh.out | sed "s/^/  [$t] /"
	done <$list
	r=$((r + 1))
done
result PASS kvmhang-rounds "$rounds rounds ended"
