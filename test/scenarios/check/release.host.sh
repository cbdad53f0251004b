# release: a guest process touches 512 MiB and exits; with both IMR modules
# loaded the guest's QEMU RSS in L2 must fall by at least 90% of it.  The
# host allocates no large buffer per report (a 13 KiB kmalloc per call is
# an order-2 block, which a host short of memory compacts for or fails).
check host-insmod insmod /lib/imr/imr_host.ko
kmt=/sys/kernel/tracing/events/kmem/kmalloc
echo 'bytes_req >= 8192' >$kmt/filter
echo 1 >$kmt/enable
start_guest g1 release 1024 1
boot_wait
rsswatch -i 5 "$(guest_pid g1)" /tmp/g1.mark >/tmp/g1.trace &
wait_guest g1 240
rep=$(rsswatch -a release free done 524288 /tmp/g1.trace)
echo "$rep"
share=$(echo "$rep" | sed -n 's/.*share_pct=\([0-9]*\).*/\1/p')
if [ "${share:-0}" -ge 90 ]; then
	result PASS release-share "${share}% returned"
else
	result FAIL release-share "${share:-?}% returned, want >= 90%"
fi
echo "IMR-REPORT host reclaimed_bytes=$(hsys reclaimed_bytes) reports=$(hsys reports) ranges=$(hsys ranges) rejected_ranges=$(hsys rejected_ranges) errors=$(hsys errors)"
check host-reclaimed test "$(hsys reclaimed_bytes)" -ge $((460 << 20))
check host-no-errors test "$(hsys errors)" -eq 0
echo 0 >$kmt/enable
echo 0 >$kmt/filter
big=$(grep -c 'call_site=imr_' /sys/kernel/tracing/trace)
echo "IMR-REPORT host kmallocs_8k_by_imr=$big over $(hsys reports) reports"
check host-reports-made test "$(hsys reports)" -ge 10
check host-no-kmalloc-per-report test "$big" -eq 0
echo >/sys/kernel/tracing/trace
check host-rmmod rmmod imr_host
