# release: a guest process touches 512 MiB, frees it and keeps running;
# with both IMR modules loaded the guest's QEMU RSS in L2 must fall by at
# least 99% of it within 5 s, in a guest with 1 vCPU and in one with 4
# (frees on 4 CPUs' per-CPU lists).  The host allocates no large buffer
# per report (a 13 KiB kmalloc per call is an order-2 block, which a host
# short of memory compacts for or fails).
# imr.pcpgrace=MS on L2's command line goes to the guests (0: no drain).
check host-insmod insmod /lib/imr/imr_host.ko
kmt=/sys/kernel/tracing/events/kmem/kmalloc
echo 'bytes_req >= 8192' >$kmt/filter
echo 1 >$kmt/enable
rl_args="imr.pcpgrace=$(param pcpgrace 100)"
# imr.rlcpus=N,M (L2's command line) picks the guests' vCPU counts.
rl_n=0
for rl_cpus in $(param rlcpus 1,4 | tr , ' '); do
	rl_n=$((rl_n + 1))
	rl_g=g$rl_cpus
	start_guest -a "$rl_args" "$rl_g" release 1024 "$rl_cpus"
	boot_wait
	rsswatch -i 5 "$(guest_pid "$rl_g")" "/tmp/$rl_g.mark" >"/tmp/$rl_g.trace" &
	wait_guest "$rl_g" 300
	rep=$(rsswatch -a "release-${rl_cpus}cpu" free done 524288 "/tmp/$rl_g.trace")
	echo "$rep"
	grep -a 'IMR-REPORT guest\|memtouch:' "/tmp/$rl_g.log"
	share=$(echo "$rep" | sed -n 's/.*share_pct=\([0-9]*\).*/\1/p')
	if [ "${share:-0}" -ge 99 ]; then
		result PASS "release-share-${rl_cpus}cpu" "${share}% returned"
	else
		result FAIL "release-share-${rl_cpus}cpu" "${share:-?}% returned, want >= 99%"
	fi
done
echo "IMR-REPORT host reclaimed_bytes=$(hsys reclaimed_bytes) reports=$(hsys reports) ranges=$(hsys ranges) rejected_ranges=$(hsys rejected_ranges) errors=$(hsys errors)"
check host-reclaimed test "$(hsys reclaimed_bytes)" -ge $((rl_n * 460 << 20))
check host-no-errors test "$(hsys errors)" -eq 0
echo 0 >$kmt/enable
echo 0 >$kmt/filter
big=$(grep -c 'call_site=imr_' /sys/kernel/tracing/trace)
echo "IMR-REPORT host kmallocs_8k_by_imr=$big over $(hsys reports) reports"
check host-reports-made test "$(hsys reports)" -ge 10
check host-no-kmalloc-per-report test "$big" -eq 0
echo >/sys/kernel/tracing/trace
check host-rmmod rmmod imr_host
