# smoke: the lab proves itself.  L2 loads and unloads imr_host; an L3 guest
# boots under nested KVM and loads and unloads imr_guest.
check host-insmod insmod /lib/imr/imr_host.ko
check host-sysfs test -d /sys/kernel/imr/host
start_guest g1 smoke 512
wait_guest g1 180
check host-rmmod rmmod imr_host
check host-sysfs-gone test ! -e /sys/kernel/imr
