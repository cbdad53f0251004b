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
