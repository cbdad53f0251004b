# refused (guest side): no imr_host on the host -> insmod fails with ENODEV
# and one clear line, and leaves nothing behind.
out=$(insmod /lib/imr/imr_guest.ko 2>&1) && result FAIL guest-refused "insmod succeeded" || result PASS guest-refused
echo "insmod said: $out"
dmesg | grep imr_guest | tail -n 3
case "$out" in
*"No such device"*) result PASS guest-refused-enodev ;;
*) result FAIL guest-refused-enodev "$out" ;;
esac
check guest-refused-logged sh -c "dmesg | grep -q 'imr_guest: .*imr_host'"
check guest-refused-no-sysfs test ! -e /sys/kernel/imr
check guest-refused-not-loaded sh -c "! grep -q '^imr_guest ' /proc/modules"
