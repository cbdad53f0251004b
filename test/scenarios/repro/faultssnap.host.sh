# faultssnap: a QEMU background snapshot (migrate with the
# background-snapshot capability: QEMU write-protects guest RAM with
# userfaultfd and saves each page before the guest may change it) of a
# reporting, churning guest, restored into a new QEMU.  imr_host must
# leave userfaultfd-armed memory alone: a zap leaves no write-protect
# marker, so the snapshot would save what the guest wrote after it began.
# Pass: the restored guest's long-lived pattern and churn are intact.
# L2 runs on one vCPU, like faultsmig (the same exception loops with two).
# A/B: IMR_L2_CMDLINE=imr.noimr=1 runs it without imr_host (the guest
# then cannot report, and says so; the snapshot and restore are the same).
# lab: l2-cpus=1
noimr=$(param noimr 0)
[ "$noimr" = 1 ] || check host-insmod insmod /lib/imr/imr_host.ko
mig_source
r0=$(cat "$(hostvm src)/reports" 2>/dev/null || echo 0)
echo 'migrate_set_capability background-snapshot on' >/tmp/msrc.in
migrate_to_file src
st=$mig_status
secs=$mig_secs
v=$(hostvm src)
r1=$(cat "$v/reports" 2>/dev/null || echo 0)
echo "IMR-REPORT faultssnap snapshot status=$st secs=$secs image_bytes=$(wc -c </tmp/mig.img) reports_during=$((r1 - r0)) skipped_bytes=$(cat "$v/skipped_bytes" 2>/dev/null) reclaimed_bytes=$(cat "$v/reclaimed_bytes" 2>/dev/null)"
check snapshot-completed test "$st" = completed
# The guest reported while its RAM was write-protected: the test had
# something to catch.
[ "$noimr" = 1 ] || check snapshot-saw-reports test "$((r1 - r0))" -gt 0
mig_restore
echo "IMR-REPORT faultssnap host reclaimed_bytes=$(hsys reclaimed_bytes) skipped_bytes=$(hsys skipped_bytes) reports=$(hsys reports) errors=$(hsys errors)"
[ "$noimr" = 1 ] && exit 0
check host-no-errors test "$(hsys errors)" -eq 0
check host-rmmod rmmod imr_host
