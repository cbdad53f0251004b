# lab: timeout=1500
# boottime: measurement, not in make check.  Where an L3 guest's boot goes
# in this lab: L2's clock (/proc/uptime) at the guest's QEMU start, its
# first console byte (the BIOS), "Booting from ROM" (SeaBIOS hands over
# to the kernel loader), the first kernel line, the guest's /init
# ("IMR-L3:"), its end marker and its QEMU's exit.  Each variant boots the
# smoke guest (imr_guest in and out) imr.rounds times (default 3):
#   pvh      the kernel's ELF image booted through its PVH entry (QEMU's
#            pvh.bin), so no bzImage decompressor runs in L3 (what
#            imr.l3pvh=1 does for every guest)
#   bzimage  the bzImage, as every scenario's guest boots by default
#   qboot    bzimage with QEMU's qboot firmware instead of SeaBIOS
#   verbose  pvh with every kernel line (loglevel=8), printed with its
#            gap to the line before where that gap is >= 0.3 s
#   IMR_L2_CMDLINE="imr.rounds=N imr.variants=pvh,bzimage" test/lab.sh boottime
rounds=$(param rounds 3)
variants=$(param variants pvh,bzimage,qboot,verbose | tr , ' ')
check host-insmod insmod /lib/imr/imr_host.ko

bt_up() { cut -d' ' -f1 /proc/uptime; }

# bt_first VAR PATTERN: set VAR to the uptime when the guest's console
# first has PATTERN (once).
bt_first() {
	eval "[ -n \"\$$1\" ]" && return 0
	grep -q "$2" /tmp/bt.log 2>/dev/null || return 0
	eval "$1=$(bt_up)"
}

# bt_boot VARIANT: one boot, one IMR-REPORT line of L2-clock offsets (s).
bt_boot() {
	b_bios='' b_rom='' b_kern='' b_init='' b_end='' b_app=''
	b_var=$1
	case $1 in
	bzimage) set -- -kernel /guest/vmlinuz ;;
	qboot) set -- -kernel /guest/vmlinuz -bios /usr/share/qemu/qboot.rom ;;
	verbose) b_app=loglevel=8 && set -- -kernel /guest/vmlinux ;;
	*) set -- -kernel /guest/vmlinux ;;
	esac
	b_t0=$(bt_up)
	start_guest -a "$b_app" bt smoke 512 1 "$@"
	b_pid=$(guest_pid bt)
	b_i=0
	while kill -0 "$b_pid" 2>/dev/null && [ $b_i -lt 1800 ]; do
		bt_first b_bios .
		bt_first b_rom 'Booting from ROM'
		bt_first b_kern '^\[ *[0-9]'
		bt_first b_init 'IMR-L3:'
		bt_first b_end 'IMR-GUEST-END'
		sleep 0.1
		b_i=$((b_i + 1))
	done
	kill -9 "$b_pid" 2>/dev/null
	wait "$b_pid" 2>/dev/null
	b_exit=$(bt_up)
	echo "IMR-REPORT boottime variant=$b_var bios=$(bt_rel "$b_bios") rom=$(bt_rel "$b_rom") kernel=$(bt_rel "$b_kern") init=$(bt_rel "$b_init") end=$(bt_rel "$b_end") exit=$(bt_rel "$b_exit")"
	grep -q 'IMR-GUEST-END rc=0' /tmp/bt.log ||
		result FAIL "boottime-$b_var-ran" "$(last_line bt)"
	if [ "$b_var" = verbose ]; then
		awk -F'[][]' '/^\[ *[0-9]+\.[0-9]+\]/ { t = $2 + 0; if (t - last >= 0.3) printf "[bt-gap] %.2f s before: %s\n", t - last, substr($0, 1, 140); last = t }' /tmp/bt.log
	fi
}

bt_rel() {
	[ -n "$1" ] || { echo -; return; }
	awk -v a="$1" -v b="$b_t0" 'BEGIN { printf "%.1f", a - b }'
}

for bt_variant in $variants; do
	r=0
	while [ $r -lt "$rounds" ]; do
		r=$((r + 1))
		bt_boot "$bt_variant"
	done
done
check host-rmmod rmmod imr_host
