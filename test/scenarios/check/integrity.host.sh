# integrity: a 2-vCPU guest churns memory (own checker + stress-ng --verify)
# with reporting on; no word may be lost, and the host must really reclaim.
check host-insmod insmod /lib/imr/imr_host.ko
start_guest g1 integrity 1024 2
wait_guest g1 300
host_reclaim_checks
