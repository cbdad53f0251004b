# vfio: a VM with an assigned (VFIO) device is refused.  A device that may
# DMA into guest memory pins it through the IOMMU; dropping the backing
# under it would leave the device writing to pages the VM no longer owns,
# so imr_host answers every report from such a VM with -IMR_EREFUSED
# (kvm_arch_has_assigned_device) and drops nothing.  L2 gets an emulated
# Intel IOMMU and QEMU's "edu" PCI device, binds it to vfio-pci and passes
# it to an L3 guest, which reports: the guest must log the refusal once and
# stop, the host must count errors and reclaim nothing for that VM.  A
# guest without a device, after it, must still be reclaimed.
# lab: l2-qemu=-machine q35 -device intel-iommu -device edu
# lab: l2-cmdline=intel_iommu=on iommu=pt
# lab: ship=test/lab/ship-kmod.sh vfio vfio-pci vfio_iommu_type1
load_kmods vfio
dev=
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1234:0x11e8 ] && dev=${d##*/}
done
check vfio-edu-device-found test -n "$dev"
check vfio-iommu-group test -e "/sys/bus/pci/devices/$dev/iommu_group"
echo vfio-pci >"/sys/bus/pci/devices/$dev/driver_override"
echo "$dev" >/sys/bus/pci/drivers_probe
check vfio-bound sh -c "readlink /sys/bus/pci/devices/$dev/driver | grep -q vfio-pci"
grp=$(basename "$(readlink "/sys/bus/pci/devices/$dev/iommu_group")")
echo "IMR-REPORT vfio device=$dev iommu_group=$grp dev_vfio=$(ls /dev/vfio | xargs)"
check host-insmod insmod /lib/imr/imr_host.ko
start_guest dv vfio 512 1 -device "vfio-pci,host=$dev"
if wait_mark dv refused 300; then
	v=$(hostvm dv)
	echo "IMR-REPORT vfio vm=${v##*/} errors=$(cat "$v/errors") reclaimed_bytes=$(cat "$v/reclaimed_bytes") reports=$(cat "$v/reports")"
	check vfio-vm-refused test "$(cat "$v/errors")" -ge 1
	check vfio-vm-nothing-dropped test "$(cat "$v/reclaimed_bytes")" -eq 0
	check vfio-vm-no-report-taken test "$(cat "$v/reports")" -eq 0
else
	result FAIL vfio-guest-refused-mark
fi
wait_guest dv 120
check vfio-no-reclaim-before-plain-guest test "$(hsys reclaimed_bytes)" -eq 0
# The same host still reclaims from a VM without a device.
start_guest pl release 1024 1
wait_guest pl 300
echo "IMR-REPORT vfio host reclaimed_bytes=$(hsys reclaimed_bytes) errors=$(hsys errors) reports=$(hsys reports)"
check plain-guest-reclaimed test "$(hsys reclaimed_bytes)" -gt $((256 << 20))
check host-rmmod rmmod imr_host
