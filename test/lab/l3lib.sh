# Helpers for guest scenarios (sourced by the L3 /init).

. /lib/imr/checklib.sh

# mark TEXT: a marker the host's rsswatch timestamps when it appears
# (through the debugcon port when imrmark is there: see start_guest in vm.sh).
mark() {
	if command -v imrmark >/dev/null; then
		imrmark "$@"
	else
		echo "IMR-MARK $*"
	fi
}

gsys() { cat "/sys/kernel/imr/guest/$1"; }

# load_balloon: virtio_balloon and, where they are modules, its virtio deps.
load_balloon() {
	for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_balloon; do
		[ -f "/lib/imr/kmod/$m.ko" ] && insmod "/lib/imr/kmod/$m.ko"
	done
	grep -q '^virtio_balloon ' /proc/modules
}
