# The result lines every lab scenario prints (sourced by l2lib.sh and
# l3lib.sh, in both VM images as /lib/imr/checklib.sh).

# result PASS|FAIL NAME [DETAIL]: one line the harness counts.
result() {
	echo "IMR-RESULT: $1 $2${3:+ ($3)}"
}

# check NAME CMD...: PASS if CMD succeeds.
check() {
	n=$1
	shift
	if "$@"; then result PASS "$n"; else result FAIL "$n" "exit $?"; fi
}

# expect_fail NAME CMD...: PASS if CMD fails.
expect_fail() {
	n=$1
	shift
	if "$@"; then result FAIL "$n" "unexpected success"; else result PASS "$n"; fi
}

# dmesg_has TEXT: the kernel log holds TEXT (a module said why it refused).
dmesg_has() {
	dmesg | grep -qF -- "$1"
}

# param NAME DEFAULT: the value of imr.NAME=VALUE on this kernel's command
# line (L2's: test/lab.sh passes IMR_L2_CMDLINE there; a guest's:
# start_guest -a ARGS passes them), DEFAULT if absent or empty.  The
# last imr.NAME= wins, as the kernel's own parameters do.
param() {
	pa_v=$(sed -n "s/.*imr\.$1=\([^ ]*\).*/\1/p" /proc/cmdline)
	echo "${pa_v:-$2}"
}

# wait_until SECS CMD...: run CMD every 0.1 s until it succeeds (return 0)
# or SECS (whole seconds) have passed (return 1).  A CMD whose arguments
# must be read anew each round is a function.  Its variables are wu_*:
# it runs inside scenarios' loops.
wait_until() {
	wu_n=$(($1 * 10))
	shift
	while ! "$@"; do
		[ "$wu_n" -gt 0 ] || return 1
		wu_n=$((wu_n - 1))
		sleep 0.1
	done
}

# loop_start CMD...: run CMD again and again in the background, the load
# a scenario keeps up while it tests something else, until loop_stop
# stops every loop started since the last loop_stop.  Redirect the call
# (or give a function as CMD) for where the output goes.  The loops stop
# at /tmp/stop, which each of them checks between two runs of CMD.
loop_start() {
	[ -n "${loop_pids:-}" ] || rm -f /tmp/stop
	( while [ ! -f /tmp/stop ]; do "$@"; done ) &
	loop_pids="${loop_pids:-} $!"
}
# loop_stop: stop those loops and wait until each has ended its last CMD.
loop_stop() {
	touch /tmp/stop
	# shellcheck disable=SC2086 # one word per pid
	wait $loop_pids
	loop_pids=
}

# t_within NAME LO VAL HI: PASS if LO <= VAL <= HI (VAL must be a number):
# VAL read between two sysfs reads LO and HI of a counter that only grows.
t_within() {
	case $3 in
	'' | *[!0-9]*) result FAIL "$1" "not a number: '$3' (sysfs $2..$4)"; return ;;
	esac
	if [ "$2" -le "$3" ] && [ "$3" -le "$4" ]; then
		result PASS "$1"
	else
		result FAIL "$1" "$2 <= $3 <= $4 does not hold"
	fi
}
# t_mib NAME LO MIB HI: PASS if MIB (imrstat's text, 0.1 MiB steps) lies
# between the byte counts LO and HI, give or take its rounding.
t_mib() {
	if awk -v b="$2" -v a="$4" -v m="$3" 'BEGIN { exit !(m != "" && b / 1048576 - 0.05 <= m && m <= a / 1048576 + 0.05) }'; then
		result PASS "$1"
	else
		result FAIL "$1" "$2 <= $3 MiB <= $4"
	fi
}
# jnum JSON_PART KEY: the number after "KEY": in that part of imrstat's
# --json output.
jnum() { echo "$1" | sed -n "s/.*\"$2\":\([0-9][0-9]*\).*/\1/p"; }
# pnum PROM SERIES: the value of one series (exact name and labels) in
# imrstat's --prometheus output PROM.
pnum() { echo "$1" | awk -v m="$2" '$1 == m { print $2 }'; }
# t_unload SIDE: imr_SIDE (guest or host) is removed while imrstat
# samples it: imrstat prints the documented line and exits 3, at the end
# and when run again.
t_unload() {
	imrstat 0.3 8 >/tmp/unload.out 2>&1 &
	tu_pid=$!
	sleep 1
	check "$1-rmmod" rmmod "imr_$1"
	wait $tu_pid
	check tools-unload-exit3 test $? -eq 3
	cat /tmp/unload.out
	check tools-unload-line grep -q "^# imr_$1 unloaded (/sys/kernel/imr/$1 is gone)\$" /tmp/unload.out
	imrstat -1 >/dev/null 2>&1
	check tools-nomod-after-exit3 test $? -eq 3
}
