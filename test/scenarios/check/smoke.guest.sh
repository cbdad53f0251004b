# smoke (guest side): imr_guest loads on an IMR host and unloads cleanly.
check guest-insmod insmod /lib/imr/imr_guest.ko
check guest-sysfs test -d /sys/kernel/imr/guest
# The host reads this guest through its monitor meanwhile (smoke.host.sh).
mark smoke-up
sleep 12
check guest-rmmod rmmod imr_guest
check guest-sysfs-gone test ! -e /sys/kernel/imr
