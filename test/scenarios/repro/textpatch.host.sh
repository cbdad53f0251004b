# lab: timeout=500
# textpatch: reproducer, not in make check, with NO IMR module loaded.
# Creates and destroys idle KVM VMs (test/progs/kvmhold.c -c) in rounds
# while every L2 CPU keeps scheduling (a pipe ping-pong per CPU), the way
# a scenario's guest boots do, but hundreds of times a minute.  Without
# the VM that L2's /init holds (imr.nohold=1), each VM flips KVM's static
# keys and patches the scheduler's text; nested TCG then sometimes runs
# the stale int3 ("Oops: int3" in __schedule).  With the hold, no flip.
#   IMR_L2_CMDLINE="imr.rounds=N [imr.nohold=1]" test/lab.sh textpatch
# (rounds of 100 VMs; default 10).  docs/TESTING.md has the A/B.
rounds=$(param rounds 10)
echo "textpatch: $rounds rounds of 100 VMs, $(nproc) L2 cpu(s), held VM: $([ -f /tmp/kvmhold.pid ] && echo yes || echo no)"
pp=
for c in $(seq "$(nproc)"); do
	(yes | cat >/dev/null) &
	pp="$pp $!"
done
r=0
t0=$(date +%s)
while [ $r -lt "$rounds" ]; do
	r=$((r + 1))
	kvmhold -c 100 >/dev/null || result FAIL textpatch-round-$r "kvmhold -c 100 failed"
	echo "IMR-REPORT textpatch round=$r vms=$((r * 100)) secs=$(($(date +%s) - t0))"
done
# shellcheck disable=SC2086
kill $pp 2>/dev/null
pkill yes
result PASS textpatch-vms-cycled "$((rounds * 100)) VMs in $(($(date +%s) - t0)) s"
