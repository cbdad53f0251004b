# bench_cost: the guest's cost of each mode on a page-fault-heavy loop
# (pfbench, see bench_cost.guest.sh); rounds of all modes, the second round
# in reverse order, so drift in the lab shows up as spread, not as a mode.
. /scenarios/bench_lib.host.sh
bench_host_setup
reps=$(l2arg reps)
rounds=$(l2arg rounds)
modes=$(bench_modes none fpr imr imr4k)
r=1
while [ "$r" -le "${rounds:-2}" ]; do
	# shellcheck disable=SC2086
	for mode in $(bench_order $r $modes); do
		n=c_${mode}_$r
		echo "bench: [cost] round $r mode $mode"
		bench_start $n bench_cost 1024 $mode 0 "imr.reps=${reps:-3} imr.pfsecs=$(l2arg pfsecs)"
		wait_guest $n 300 >/tmp/$n.wg
		grep -E 'IMR-|bench:|\] (BUG|WARNING|Kernel panic)' /tmp/$n.wg | sed "s/IMR-REPORT cost /IMR-REPORT cost round=$r /"
	done
	r=$((r + 1))
done
echo "IMR-REPORT hstats cost reclaimed=$(hval reclaimed_bytes) errors=$(hval errors)"
