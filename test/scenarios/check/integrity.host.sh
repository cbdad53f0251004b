# integrity: a 2-vCPU guest churns memory (own checker + stress-ng --verify)
# with reporting on; no word may be lost, and the host must really reclaim.
check host-insmod insmod /lib/imr/imr_host.ko
start_guest g1 integrity 1024 2
wait_guest g1 300
echo "IMR-REPORT host reclaimed_bytes=$(hsys reclaimed_bytes) reports=$(hsys reports) ranges=$(hsys ranges) rejected_ranges=$(hsys rejected_ranges) errors=$(hsys errors)"
check host-reclaimed test "$(hsys reclaimed_bytes)" -gt 0
check host-no-errors test "$(hsys errors)" -eq 0
check host-rmmod rmmod imr_host
