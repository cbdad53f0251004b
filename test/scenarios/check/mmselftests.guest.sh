# mmselftests (guest side): a handful of Linux's mm selftests (6.1's
# tools/testing/selftests/vm, test/kselftest/vm.list) run twice in this
# guest: first without imr_guest, then with imr_guest reporting as eagerly
# as it can (delay_ms=0, min_order=0).  Every test must end the same way
# both times, and the guest must really have reported in between.
KS=/usr/lib/kselftest/vm
G=/sys/kernel/imr/guest
W=/tmp/mm
mkdir -p $W/huge
mount -t hugetlbfs none $W/huge || result FAIL mm-hugetlbfs-mount
# 300 x 2 MiB: hugepage-mmap wants 256 MiB, hugepage-mremap 10 MiB.
echo 300 >/proc/sys/vm/nr_hugepages
# mremap_test maps 1 and 2 GiB regions (touching 4 MiB of each): allow it.
echo 1 >/proc/sys/vm/overcommit_memory
echo "mmselftests: $(cat /proc/sys/vm/nr_hugepages) huge pages, $(nproc) cpu(s)"
cd $W || exit 1

# One test a line: NAME TIMEOUT_S COMMAND...  (transhuge-stress runs until
# killed: it passes when our timeout stops it, rc "stopped").
TESTS='compaction_test 120 compaction_test
mremap_test 180 mremap_test
hugepage-mmap 60 hugepage-mmap
hugepage-mremap 60 hugepage-mremap 10 huge/huge_mremap
map_populate 60 map_populate
mlock2-tests 60 mlock2-tests
madv_populate 60 madv_populate
ksm_tests-M 60 ksm_tests -M -p 10
ksm_tests-U 60 ksm_tests -U
mremap_dontunmap 60 mremap_dontunmap
map_fixed_noreplace 60 map_fixed_noreplace
soft-dirty 60 soft-dirty
userfaultfd-anon 120 userfaultfd anon 20 4
userfaultfd-shmem 120 userfaultfd shmem 20 4
transhuge-stress 10 transhuge-stress'

# run_all MODE: "NAME pass|skip|fail:RC|stopped" lines in /tmp/mm.MODE.
run_all() {
	: >/tmp/mm.$1
	echo "$TESTS" | while read -r name secs cmd; do
		[ -x "$KS/${cmd%% *}" ] || { echo "$name absent" >>/tmp/mm.$1; continue; }
		s=$(date +%s)
		# shellcheck disable=SC2086
		timeout -s KILL "$secs" $KS/$cmd >/tmp/mm.$1.$name.out 2>&1 </dev/null
		rc=$?
		case $rc in
		0) r=pass ;;
		4) r=skip ;;
		137) r=stopped ;;
		*) r=fail:$rc ;;
		esac
		[ "$name" != transhuge-stress ] && [ $r = stopped ] && r=timeout
		echo "$name $r" >>/tmp/mm.$1
		echo "IMR-REPORT mmselftest mode=$1 test=$name result=$r secs=$(($(date +%s) - s))"
		case $r in pass|stopped) ;; *) tail -n 6 /tmp/mm.$1.$name.out | sed "s/^/  [$name] /" ;; esac
	done
}

t0=$(date +%s)
run_all plain
t1=$(date +%s)
check guest-insmod insmod /lib/imr/imr_guest.ko
echo 0 >$G/delay_ms
echo 0 >$G/min_order
echo "mmselftests: imr_guest delay_ms=$(cat $G/delay_ms) min_order=$(cat $G/min_order)"
r0=$(gsys reported_bytes)
run_all imr
t2=$(date +%s)
echo "IMR-REPORT mmselftest-time plain=$((t1 - t0))s imr=$((t2 - t1))s"
echo "IMR-REPORT guest reported_bytes=$(gsys reported_bytes) reports=$(gsys reports) report_errors=$(gsys report_errors) reused_bytes=$(gsys reused_bytes)"
check guest-reported-during-tests test "$(gsys reported_bytes)" -gt "$r0"
check guest-no-report-errors test "$(gsys report_errors)" -eq 0
while read -r t r; do
	ri=$(awk -v t="$t" '$1 == t { print $2 }' /tmp/mm.imr)
	[ "$r" = "$ri" ] || result FAIL "mm-same-$t" "without imr_guest: $r, with: ${ri:-missing}"
done </tmp/mm.plain
check mm-same-results cmp -s /tmp/mm.plain /tmp/mm.imr
echo "IMR-REPORT mmselftest-summary pass=$(grep -cE ' (pass|stopped)$' /tmp/mm.imr) skip=$(grep -c ' skip$' /tmp/mm.imr) fail=$(grep -cE ' (fail|timeout)' /tmp/mm.imr)"
check guest-rmmod rmmod imr_guest
