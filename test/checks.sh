# Result lines of the build machine's own checks (test/tools-check.sh,
# test/deb-check.sh), counted for their summary line: sourced.  The lab's
# scenarios have theirs in test/lab/checklib.sh (IMR-RESULT lines).
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1${2:+: $2}"; }
# t_check NAME CMD...: PASS if CMD succeeds.
t_check() {
	n=$1
	shift
	if "$@"; then ok "$n"; else ko "$n"; fi
}
