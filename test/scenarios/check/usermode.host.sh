# usermode: a guest user program issues the IMR hypercall itself (CPL 3)
# over its own pattern-filled memory (test/progs/umcall.c): every call must
# get -KVM_EPERM and nothing may be dropped.  No imr_guest in that guest, so
# the host's counters must stay at zero: no user-mode call reached IMR.
check host-insmod insmod /lib/imr/imr_host.ko
start_guest um usermode 512 1
wait_guest um 200
echo "IMR-REPORT usermode host reports=$(hsys reports) errors=$(hsys errors) ranges=$(hsys ranges) rejected_ranges=$(hsys rejected_ranges) reclaimed_bytes=$(hsys reclaimed_bytes)"
check host-saw-no-user-call test "$(hsys reports)/$(hsys errors)/$(hsys reclaimed_bytes)" = 0/0/0
check host-rmmod rmmod imr_host
