# hugetlbvm: a guest whose RAM is hugetlb-backed (QEMU
# memory-backend-file on /dev/hugepages, private and then shared) frees
# 512 MiB and reports it; then another user takes every huge page the pool
# will give (hugehog, MAP_NORESERVE, as a second VM would), and the guest
# writes 768 MiB again.  By default imr_host leaves hugetlb alone: 6.1
# does not give a zapped private page's reservation back, and a hole
# punch releases it on both kernels, so the other user would take the
# guest's pages and the guest's refaults would stall or kill it (seen on
# 6.1.192: a 79 s stall until the other VM exited).  Pass: nothing of the
# guest's is handed to the pool (hugetlb_bytes 0, the reported hugetlb
# memory counted in skipped_bytes), the hog gets only the pages nobody
# reserved, and the guest rewrites and verifies its memory in time.
# The B arm, IMR_L2_CMDLINE=imr.hugeon=1, opts in (hugetlb_enabled=1), as
# imr_host did before 2026-12-01: it must fail these checks.
# lab: timeout=600
POOL=768
check host-insmod insmod /lib/imr/imr_host.ko
check host-hugetlb-default-off test "$(hsys hugetlb_enabled)" = 0
[ "$(param hugeon 0)" = 1 ] && echo 1 >/sys/kernel/imr/host/hugetlb_enabled
echo $POOL >/proc/sys/vm/nr_hugepages
check pool-sized test "$(cat /proc/sys/vm/nr_hugepages)" -eq $POOL

# run_one NAME SHARE: one guest of 1 GiB on huge pages, the hog beside it.
run_one() {
	rm -f /dev/hugepages/$1
	h0=$(hsys hugetlb_bytes)
	s0=$(hsys skipped_bytes)
	r0=$(hsys reclaimed_bytes)
	start_guest "$1" hugetlbvm 1024 1 -object \
		"memory-backend-file,id=ram,size=1024M,mem-path=/dev/hugepages/$1,share=$2" \
		-machine memory-backend=ram
	wait_mark "$1" freed 300 || result FAIL "$1-freed-mark"
	hugehog 1024 >/tmp/hog.out 2>&1 &
	hog=$!
	wait_until 30 grep -q got_mib /tmp/hog.out
	got=$(sed -n 's/.*got_mib=\([0-9]*\).*/\1/p' /tmp/hog.out)
	echo "IMR-REPORT hugetlbvm $1 share=$2 hog_got_mib=${got:-none} free_pages=$(grep HugePages_Free /proc/meminfo | tr -s ' ' | cut -d' ' -f2) rsvd=$(grep HugePages_Rsvd /proc/meminfo | tr -s ' ' | cut -d' ' -f2)"
	wait_guest "$1" 300
	h=$(($(hsys hugetlb_bytes) - h0))
	sk=$(($(hsys skipped_bytes) - s0))
	echo "IMR-REPORT hugetlbvm $1 host hugetlb_bytes=+$h skipped_bytes=+$sk reclaimed_bytes=+$(($(hsys reclaimed_bytes) - r0)) errors=$(hsys errors)"
	check "$1-nothing-to-the-pool" test "$h" -eq 0
	check "$1-reported-hugetlb-kept" test "$sk" -ge $((256 << 20))
	# The guest's 512 pages stay its own: the hog gets the other 256.
	check "$1-hog-got-only-unreserved" test "${got:-9999}" -le $(((POOL - 512) * 2))
	kill $hog
	wait $hog 2>/dev/null
}

run_one hp-private off
run_one hp-shared on
check host-rmmod rmmod imr_host
