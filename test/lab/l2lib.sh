# Helpers for host scenarios (sourced by the L2 /init): the result lines
# (checklib.sh), the L3 guests' harness (vm.sh) with the nested-TCG lab's
# workarounds joined to it (quirks.sh), and what host scenarios share.

. /lib/imr/checklib.sh
. /lib/imr/vm.sh
. /lib/imr/quirks.sh

hsys() { cat "/sys/kernel/imr/host/$1"; }

# meminfo NAME: a /proc/meminfo field, kB; vmstat_n NAME: a /proc/vmstat
# counter, 0 where the kernel has none.
meminfo() { sed -n "s/^$1: *\([0-9]*\) kB/\1/p" /proc/meminfo; }
vmstat_n() { awk -v n="$1" '$1 == n { v = $2 } END { print v + 0 }' /proc/vmstat; }

# load_kmods SET: insmod the modules test/lab/ship-kmod.sh shipped as SET,
# in its order, skipping those already loaded (irqbypass: KVM's).
load_kmods() {
	for m in $(cat "/lib/imr/kmod/$1/order"); do
		grep -q "^$(echo "$m" | tr - _) " /proc/modules && continue
		insmod "/lib/imr/kmod/$1/$m.ko" || result FAIL "l2-insmod-$m"
	done
}

# l2arg NAME: param NAME with no default (checklib.sh); the bench
# scenarios (bench/scenarios) read L2's command line with it.
l2arg() { param "$1" ''; }

# hostvm NAME: guest NAME's directory under /sys/kernel/imr/host/vms
# (empty once the VM is gone).
hostvm() { ls -d /sys/kernel/imr/host/vms/"$(guest_pid "$1")"-* 2>/dev/null | head -n 1; }

# host_vms_gone: imr_host has no VM directory left (or no sysfs at all).
host_vms_gone() { [ -z "$(ls /sys/kernel/imr/host/vms 2>/dev/null)" ]; }

# host_reclaim_checks: the end of a scenario whose guests reported to
# imr_host: its counters on the console; it reclaimed memory, no call
# failed, and it unloads.
host_reclaim_checks() {
	echo "IMR-REPORT host reclaimed_bytes=$(hsys reclaimed_bytes) reports=$(hsys reports) ranges=$(hsys ranges) rejected_ranges=$(hsys rejected_ranges) errors=$(hsys errors)"
	check host-reclaimed test "$(hsys reclaimed_bytes)" -gt 0
	check host-no-errors test "$(hsys errors)" -eq 0
	check host-rmmod rmmod imr_host
}

# l2_mem_start, then l2_mem_bounded SCENARIO once imr_host is unloaded:
# L2's MemAvailable must have come back to within 64 MiB of what it was
# at l2_mem_start and its Slab grown by at most 32 MiB (what a scenario's
# VMs and calls leave in the host kernel).  A second first, for what the
# rmmod freed.  The figures go to the console as IMR-REPORT SCENARIO l2_mem.
l2_mem_start() {
	l2m_avail0=$(meminfo MemAvailable)
	l2m_slab0=$(meminfo Slab)
}
l2_mem_bounded() {
	sleep 1
	l2m_avail1=$(meminfo MemAvailable)
	l2m_slab1=$(meminfo Slab)
	echo "IMR-REPORT $1 l2_mem MemAvailable_kB before=$l2m_avail0 after=$l2m_avail1 Slab_kB before=$l2m_slab0 after=$l2m_slab1"
	check l2-memavailable-bounded test "$l2m_avail1" -ge $((l2m_avail0 - 65536))
	check l2-slab-bounded test "$l2m_slab1" -le $((l2m_slab0 + 32768))
}

# mig_source: guest "src" (guest side faultsmig) started with a pipe
# monitor (/tmp/msrc.in, its output in /tmp/msrc.log) for
# migrate_to_file; returns once the guest's long-lived pattern is written
# and it has been churning and reporting for 5 s.  faultsmig, faultssnap.
mig_source() {
	mkfifo /tmp/msrc.in /tmp/msrc.out
	cat /tmp/msrc.out >/tmp/msrc.log &
	start_guest src faultsmig 512 1 -monitor pipe:/tmp/msrc
	wait_mark src filled 300 || result FAIL src-filled-mark
	sleep 5
}

# mig_restore: end guest src (its console goes to ours) and boot guest
# "dst" from /tmp/mig.img; waits (at most 600 s) for dst to end.
mig_restore() {
	echo quit >/tmp/msrc.in
	sleep 1
	kill "$(guest_pid src)" 2>/dev/null
	sed 's/^/[src] /' /tmp/src.log
	start_guest dst faultsmig 512 1 -incoming "exec:cat /tmp/mig.img"
	progress dst &
	wait_guest dst 600
}

# migrate_to_file NAME: migrate guest NAME (started with -monitor
# pipe:/tmp/msrc, its output collected in /tmp/msrc.log) to /tmp/mig.img
# and wait, at most 300 s, for the migration to end; sets mig_status and
# mig_secs.  faultsmig and faultssnap (which sets a capability first).
migrate_to_file() {
	mig_t0=$(date +%s)
	echo 'migrate "exec:cat > /tmp/mig.img"' >/tmp/msrc.in
	mig_i=0
	while [ $mig_i -lt 600 ]; do
		sleep 0.5
		echo 'info migrate' >/tmp/msrc.in
		grep -qE 'Migration status: (completed|failed|cancelled)' /tmp/msrc.log && break
		mig_i=$((mig_i + 1))
		# Every 30 s, where it is (and the console stays alive).
		[ $((mig_i % 60)) -ne 0 ] ||
			echo "[migrate $((mig_i / 2))s] $(grep -E '^(Migration status|transferred ram|remaining ram)' /tmp/msrc.log | tail -n 3 | tr '\n' ' ')"
	done
	mig_status=$(sed -n 's/^Migration status: \([a-z]*\).*/\1/p' /tmp/msrc.log | tail -n 1)
	mig_secs=$(($(date +%s) - mig_t0))
}
