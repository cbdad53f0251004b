# lifecycle: a guest on a host without imr_host is refused cleanly; rmmod
# of imr_guest during churn; imr_host and imr_guest loaded in one kernel;
# the host module's hypercalls answer -ENOSYS again after rmmod.
check hc-enosys-before-insmod hc_test --expect-enosys
start_guest g0 refused 512 1
wait_guest g0 120
check host-insmod insmod /lib/imr/imr_host.ko
start_guest g1 lifecycle 1024 2
wait_guest g1 300
check host-rmmod rmmod imr_host
check hc-enosys-after-rmmod hc_test --expect-enosys
