# smoke: the lab proves itself.  L2 loads and unloads imr_host; an L3 guest
# boots under nested KVM and loads and unloads imr_guest.  The guest is
# first reset from QEMU's monitor before it reaches its /init, as the lab's
# nested TCG sometimes does by itself: the lab must start it again once
# (boot_retry in test/lab/quirks.sh) and the guest must then run.  While
# it runs, the harness reads it through its own monitor as it does for a
# guest caught in an exception loop (mon_dump in quirks.sh): registers and
# the page-table words must come back, or that diagnosis would be blind.
check host-insmod insmod /lib/imr/imr_host.ko
check host-sysfs test -d /sys/kernel/imr/host
mkfifo /tmp/g1mon.in /tmp/g1mon.out
cat /tmp/g1mon.out >/dev/null &
IMR_RESET_TEST=g1
# The harness monitor (imr.hmon=1 gives every guest one; this one always).
[ "$IMR_HMON" = 1 ] || { hmon_fifos g1; g1hmon="-monitor pipe:/tmp/g1.hmon"; }
# shellcheck disable=SC2086
start_guest g1 smoke 512 1 -monitor pipe:/tmp/g1mon ${g1hmon:-}
echo system_reset >/tmp/g1mon.in
wait_mark g1 smoke-up 180 && mon_dump g1 >/tmp/g1.mondump
sed 's/^/[mondump] /' /tmp/g1.mondump
check lab-monitor-registers grep -q 'RIP=' /tmp/g1.mondump
check lab-monitor-page-table grep -qE 'pgd\[511\]@0x[0-9a-f]+=0x[0-9a-f]*[1-9a-f]' /tmp/g1.mondump
wait_guest g1 180
check lab-boot-retried-once test "$(cat /tmp/g1.boots)" -eq 1
check lab-first-boot-kept test -f /tmp/g1.boot1.log
IMR_RESET_TEST=
check host-rmmod rmmod imr_host
check host-sysfs-gone test ! -e /sys/kernel/imr
