# faultsmig: a reporting guest is live-migrated (QEMU `migrate` to a file
# over a pipe monitor, then a second QEMU with -incoming) while imr_host
# drops its memory.  Pass: the guest's long-lived pattern and churn are
# intact on the destination, which ends cleanly.  L2 runs on one vCPU:
# with two, this scenario was the one CI retried most (an exception loop
# in the destination guest, L2 wedged; docs/lab-notes.md); on one it
# passed 6 of 6 (3 per kernel, 115-119 s each against about 100 s).
# lab: l2-cpus=1
check host-insmod insmod /lib/imr/imr_host.ko
mig_source
migrate_to_file src
st=$mig_status
secs=$mig_secs
echo "IMR-REPORT faultsmig migration status=$st secs=$secs image_bytes=$(wc -c </tmp/mig.img) src_reports=$(cat /sys/kernel/imr/host/vms/"$(guest_pid src)"-*/reports 2>/dev/null)"
check migration-completed test "$st" = completed
mig_restore
echo "IMR-REPORT faultsmig host reclaimed_bytes=$(hsys reclaimed_bytes) reports=$(hsys reports) errors=$(hsys errors)"
check host-no-errors test "$(hsys errors)" -eq 0
check host-rmmod rmmod imr_host
