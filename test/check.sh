#!/bin/sh
# `make check`: builds on both kernels, dkms, KUnit, every lab scenario on
# 6.1/6.1 and 6.12/6.12, and static checks; ends with "N passed, N failed".
#
#   IMR_PAIRS="6.1:6.1 6.12:6.12"   host:guest kernel pairs for the lab
#   IMR_SCENARIOS="smoke ..."       lab scenarios (default: test/scenarios/check.list)
#   IMR_LONG=1                      also the long variants (make check-long)
#   IMR_CHECK_BUDGET_S=5100         make check's time budget (below)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
pairs=${IMR_PAIRS:-"6.1:6.1 6.12:6.12"}
list=test/scenarios/check.list
[ "${IMR_LONG:-0}" = 1 ] && list="$list test/scenarios/check-long.list"
scenarios=${IMR_SCENARIOS:-$(cat $list 2>/dev/null | sed 's/#.*//' | xargs)}
pass=0
fail=0
skip=0
failed=
t0=$(date +%s)

# The time budget.  CI stops a run at 90 minutes, deps included, and a run
# that is cut off reports nothing.  So make check keeps its own deadline
# (default 85 minutes from its start: CI's 90 less test/deps.sh, about 2,
# and a margin): every lab run is given at most the
# time left (lab.sh -D), no retry starts after it, and every step that did
# not get to run is counted as failed and named, so a slow or wedged lab
# fails loudly and in time instead of being cut off.
budget=${IMR_CHECK_BUDGET_S:-5100}
deadline=$((t0 + budget))
over_budget=
left() { echo $((deadline - $(date +%s))); }

step() {
	name=$1
	shift
	s=$(date +%s)
	echo "=== $name"
	if [ "$(left)" -le 0 ]; then
		fail=$((fail + 1))
		failed="$failed $name"
		over_budget="$over_budget $name"
		echo "=== FAIL $name (not run: make check's ${budget}s budget is spent)"
		return
	fi
	if "$@"; then
		pass=$((pass + 1))
		echo "=== PASS $name ($(($(date +%s) - s))s)"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "=== FAIL $name ($(($(date +%s) - s))s)"
	fi
}

# The nested TCG lab itself sometimes wedges or crashes L2 with no IMR
# code involved (soft lockups in KVM's IPIs before any module is loaded, a
# stale int3 still executed after text patching, L2's timer lost:
# docs/lab-notes.md).  A lab scenario that fails is run again, up to
# IMR_LAB_TRIES runs in all (default 3); it counts as passed only if a
# later run passes, is reported as FLAKY with the number of runs, and every
# failed run's log is kept beside the last one (.log.try1, .log.try2).
# Each failed run's class (test/lab.sh, docs/TESTING.md) is said with the
# retry; a second failure of class "imr" (L2 stayed up, an IMR check or the
# kernel said no) ends the scenario as failed: never a flake.
lab_tries=${IMR_LAB_TRIES:-3}
lab_run() {
	n=1
	nimr=0
	while ! test/lab.sh -D "$deadline" -H "$1" -G "$2" "$3"; do
		log=$(ls -t .build/lab-logs/"$3"-*.log | head -n 1)
		cls=$(cat "$log.class" 2>/dev/null || echo unknown)
		[ "$cls" = imr ] && nimr=$((nimr + 1))
		boot_resets "$3" "$1" "$2" "$log"
		cp "$log" "$log.try$n"
		retry_classes="${retry_classes:-} lab-$3-$1-$2(run$n:$cls)"
		if [ $n -ge "$lab_tries" ]; then
			echo "=== FAILED lab-$3-$1-$2 in all $n runs (logs: $log.try*)"
			return 1
		fi
		if [ $nimr -ge 2 ]; then
			echo "=== FAILED lab-$3-$1-$2: failed twice for an IMR reason (logs: $log.try*)"
			return 1
		fi
		if [ "$(left)" -le 60 ]; then
			echo "=== FAILED lab-$3-$1-$2: run $n failed and make check's budget leaves no time for another"
			return 1
		fi
		n=$((n + 1))
		echo "=== RETRY lab-$3-$1-$2: run $n of $lab_tries after a failure of class $cls (failed run's log: $log.try$((n - 1)))"
	done
	boot_resets "$3" "$1" "$2" "$(ls -t .build/lab-logs/"$3"-*.log | head -n 1)"
	[ $n -eq 1 ] && return 0
	flaky_names="${flaky_names:-} lab-$3-$1-$2(run$n)"
	echo "=== FLAKY lab-$3-$1-$2: passed on run $n of $lab_tries"
}

# boot_resets SCENARIO HOST GUEST LOG: count the L3 guests the lab started
# again after a reset before their /init (test/lab/l2lib.sh, boot_retry).
boot_resets() {
	c=$(grep 'IMR-REPORT lab boot_reset' "$4" 2>/dev/null | grep -vc on_purpose=1)
	[ "${c:-0}" -gt 0 ] || return 0
	boot_reset_names="${boot_reset_names:-} lab-$1-$2-$3($c)"
}

# The lab's own wedge detector (test/lab.sh: L2's tick): the wedge
# scenario stops the tick and goes quiet; the run must fail for that
# reason, and within seconds rather than at the 300 s silence limit.
wedge_detected() {
	ws=$(date +%s)
	if test/lab.sh -D "$deadline" -H 6.1 wedge >/tmp/imr-wedge.out 2>&1; then
		echo "wedge: the run passed, so a stopped L2 went unseen"
		return 1
	fi
	wd=$(($(date +%s) - ws))
	grep 'lab: FAIL wedge' /tmp/imr-wedge.out
	grep -q 'L2 stopped ticking' /tmp/imr-wedge.out && [ "$wd" -lt 150 ]
}

step build-both test/build-both.sh
for s in 6.1 6.12; do
	k=$(test/kvers.sh $s)
	step "dkms-$s" test/dkms-check.sh "$k"
done
step tools test/tools-check.sh
step kunit test/kunit.sh
step style test/style.sh
step sparse test/sparse.sh
step lab-wedge-detected wedge_detected
for pair in $pairs; do
	h=${pair%%:*}
	g=${pair##*:}
	for entry in $scenarios; do
		# "name@series": only on hosts of that kernel series (see check.list).
		sc=${entry%%@*}
		only=${entry#"$sc"}
		only=${only#@}
		if [ -n "$only" ] && [ "$only" != "$h" ]; then
			skip=$((skip + 1))
			echo "=== SKIP lab-$sc-$h-$g (listed for $only hosts only)"
			continue
		fi
		step "lab-$sc-$h-$g" lab_run "$h" "$g" "$sc"
	done
done

echo
[ -z "$over_budget" ] ||
	echo "=== BUDGET SPENT: make check ran out of its ${budget}s (IMR_CHECK_BUDGET_S); not run:$over_budget"
echo "check: $(($(date +%s) - t0))s of ${budget}s${failed:+; failed:$failed}${flaky_names:+; flaky (passed on retry):$flaky_names}${retry_classes:+; failed runs by class:$retry_classes}${boot_reset_names:+; L3 guests reset before /init and booted again:$boot_reset_names}"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
