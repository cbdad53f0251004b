# lab: ship=test/kselftest/ship.sh vm
# mmselftests: Linux's mm selftests in an L3 guest give the same results
# without imr_guest and with imr_guest reporting at once and at 4 KiB (see
# mmselftests.guest.sh); imr_host is loaded in L2 throughout.
check host-insmod insmod /lib/imr/imr_host.ko
start_guest g1 mmselftests 2048 1
wait_guest g1 1200
host_reclaim_checks
