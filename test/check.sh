#!/bin/sh
# `make check`: builds on both kernels, dkms, KUnit, every lab scenario on
# 6.1/6.1 and 6.12/6.12, and static checks; ends with "N passed, N failed".
#
#   IMR_PAIRS="6.1:6.1 6.12:6.12"   host:guest kernel pairs for the lab
#   IMR_SCENARIOS="smoke ..."       lab scenarios (default: test/scenarios/check.list)
#   IMR_LONG=1                      also the long variants (make check-long)
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

step() {
	name=$1
	shift
	s=$(date +%s)
	echo "=== $name"
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
# code involved (soft lockups in KVM's IPIs before any module is loaded:
# LAB.md).  A lab scenario that fails is run once more; it counts as passed
# only if the second run passes, and is reported as FLAKY with the first
# run's log kept beside the second's.
flaky=0
lab_once_more() {
	if test/lab.sh -H "$1" -G "$2" "$3"; then
		return 0
	fi
	log=$(ls -t .build/lab-logs/"$3"-*.log | head -n 1)
	cp "$log" "$log.first"
	echo "=== RETRY lab-$3-$1-$2 (first run failed; its log: $log.first)"
	test/lab.sh -H "$1" -G "$2" "$3" || return 1
	flaky=$((flaky + 1))
	flaky_names="${flaky_names:-} lab-$3-$1-$2"
	echo "=== FLAKY lab-$3-$1-$2: failed once, passed on the second run"
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
		step "lab-$sc-$h-$g" lab_once_more "$h" "$g" "$sc"
	done
done

echo
echo "check: $(($(date +%s) - t0))s;${failed:+ failed:$failed}${flaky_names:+; flaky (passed on retry):$flaky_names}"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
