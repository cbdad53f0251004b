# Helpers for host scenarios (sourced by the L2 /init).

. /lib/imr/checklib.sh

hsys() { cat "/sys/kernel/imr/host/$1"; }

# load_kmods SET: insmod the modules test/lab/ship-kmod.sh shipped as SET,
# in its order, skipping those already loaded (irqbypass: KVM's).
load_kmods() {
	for m in $(cat "/lib/imr/kmod/$1/order"); do
		grep -q "^$(echo "$m" | tr - _) " /proc/modules && continue
		insmod "/lib/imr/kmod/$1/$m.ko" || result FAIL "l2-insmod-$m"
	done
}

# start_guest NAME GSCENARIO [MEM_MB] [CPUS] [extra qemu args...]
# Boots an L3 guest under nested KVM in the background; its serial console
# goes to /tmp/NAME.log, its QEMU pid to /tmp/NAME.pid, and the markers it
# sends through the isa-debugcon port (imrmark, see test/progs/imrmark.h) to
# /tmp/NAME.mark: those are timed to the instruction, the console is not.
start_guest() {
	name=$1
	gscen=$2
	mem=${3:-1024}
	cpus=${4:-1}
	shift 2
	[ $# -gt 0 ] && shift
	[ $# -gt 0 ] && shift
	boot_wait
	: >"/tmp/$name.log"
	qemu-system-x86_64 -nodefaults -no-user-config -nographic -display none \
		-monitor none -enable-kvm -cpu host,-xsave -smp "$cpus" -m "$mem" \
		-kernel /guest/vmlinuz -initrd /guest/initrd.cpio \
		-append "console=ttyS0 panic_on_warn=1 oops=panic panic=-1 imr.gscenario=$gscen $IMR_GUEST_CMDLINE" \
		-serial "file:/tmp/$name.log" -no-reboot \
		-chardev "file,id=imrmark,path=/tmp/$name.mark" \
		-device isa-debugcon,iobase=0xe9,chardev=imrmark \
		-trace runstate_set -trace qemu_system_shutdown_request \
		-D "/tmp/$name.qemu" "$@" &
	echo $! >"/tmp/$name.pid"
	IMR_BOOTING=$name
}

# boot_wait: wait (at most 120 s) until the guest started last has reached
# its /init.  Two L3 guests started at the same instant in this nested TCG
# lab sometimes had one reset by a triple fault in its real-mode boot code
# (after "Probing EDD", long before any IMR code ran in it): 3 times in
# about 30 runs of fuzz and faults.  Real hosts boot VMs side by side all
# day; this only keeps the lab's own fault out of the results.
boot_wait() {
	[ -n "${IMR_BOOTING:-}" ] || return 0
	i=0
	while kill -0 "$(guest_pid "$IMR_BOOTING")" 2>/dev/null &&
		! grep -q 'IMR-L3:' "/tmp/$IMR_BOOTING.log" 2>/dev/null &&
		[ $i -lt 1200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	IMR_BOOTING=
}

guest_pid() { cat "/tmp/$1.pid"; }

# l2arg NAME: the value of imr.NAME=VALUE on L2's command line (test/lab.sh
# passes IMR_L2_CMDLINE there), empty if absent.
l2arg() { sed -n "s/.*imr\.$1=\([^ ]*\).*/\1/p" /proc/cmdline; }

# hostvm NAME: guest NAME's directory under /sys/kernel/imr/host/vms
# (empty once the VM is gone).
hostvm() { ls -d /sys/kernel/imr/host/vms/"$(guest_pid "$1")"-* 2>/dev/null | head -n 1; }

# last_line NAME: the guest's last console line, shortened.
last_line() { tail -n 1 "/tmp/$1.log" | cut -c1-160; }

# progress NAME: every 30 s, the guest's last console line (stalls show).
progress() {
	while kill -0 "$(guest_pid "$1")" 2>/dev/null; do
		sleep 30
		echo "[$1-progress] $(last_line "$1")"
	done
}

# heartbeat NAME TICKS: every 60 s of a wait (600 ticks of 0.1 s), the
# guest's last console line, so that L2's console never falls silent while
# it is alive (test/lab.sh ends a run after a long silence).
heartbeat() {
	[ $(($2 % 600)) -eq 0 ] || return 0
	echo "[$1-wait $(($2 / 10))s] $(last_line "$1")"
	quiet=$(($(date +%s) - $(stat -c %Y "/tmp/$1.log")))
	[ "$quiet" -lt 60 ] || stall_dump "$1"
}

# stall_dump NAME: a guest printed nothing for a minute; show what its
# QEMU threads do in L2 (state, CPU ticks, kernel stack) and KVM's exit
# counters for it, twice 2 s apart, so that a stall can be told from a
# spin.
stall_dump() {
	p=$(guest_pid "$1")
	kill -0 "$p" 2>/dev/null || return 0
	grep -q ' /sys/kernel/debug ' /proc/mounts ||
		mount -t debugfs none /sys/kernel/debug
	for _ in 1 2; do
		for t in /proc/"$p"/task/*; do
			# comm may hold spaces ("CPU 0/KVM"): fields after ") ".
			st=$(sed 's/.*) //' "$t/stat" | awk '{ print $1, "utime=" $12, "stime=" $13, "cpu=" $37 }')
			echo "[$1-stall] tid ${t##*/} $(cat "$t/comm") $st"
			case $(cat "$t/comm") in
			CPU*) sed "s/^/[$1-stall]   /" "$t/stack" ;;
			esac
		done
		for f in exits halt_exits halt_wakeup pf_taken pf_fixed pf_guest \
			irq_injections nmi_injections req_event irq_exits \
			signal_exits; do
			v=$(cat /sys/kernel/debug/kvm/"$p"-*/"$f" 2>/dev/null | head -n 1)
			printf '%s=%s ' "$f" "$v"
		done | sed "s/^/[$1-stall] kvm: /"
		echo
		echo "[$1-stall] L2 $(grep -E '^ *LOC:' /proc/interrupts | tr -s ' ') load $(cat /proc/loadavg)"
		sleep 2
	done
}

# qemu_end NAME [TEXT]: how guest NAME's QEMU ended.  A guest power-off
# traces a shutdown request (reason 6); a guest reset (triple fault) under
# -no-reboot only the run state.
qemu_end() {
	echo "[$1-qemu] ${2:+$2; }$(tail -n 4 "/tmp/$1.qemu" 2>/dev/null | tr '\n' ' ')"
}

# wait_guest NAME [TIMEOUT_S]: wait for the guest to power off, copy its
# console into ours (prefixed), PASS/FAIL on its end marker.
wait_guest() {
	name=$1
	t=${2:-120}
	pid=$(guest_pid "$name")
	i=0
	while kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt $((t * 10)) ]; then
			kill -9 "$pid" 2>/dev/null
			result FAIL "guest-$name-timeout" "${t}s"
			break
		fi
		heartbeat "$name" $i
		sleep 0.1
	done
	wait "$pid" 2>/dev/null
	qrc=$?
	sed "s/^/[$name] /" "/tmp/$name.log"
	if grep -q 'IMR-GUEST-END rc=0' "/tmp/$name.log"; then
		result PASS "guest-$name-ran"
	else
		qemu_end "$name" "exit status $qrc"
		result FAIL "guest-$name-ran" "no clean end marker"
	fi
}

# wait_mark NAME TEXT [TIMEOUT_S]: wait until guest NAME prints IMR-MARK
# TEXT; fails at once if the guest is gone (the end of its console and
# how QEMU ended are printed then).
wait_mark() {
	i=0
	while ! grep -q "IMR-MARK $2" "/tmp/$1.log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt $((${3:-120} * 10)) ] && return 1
		if ! kill -0 "$(guest_pid "$1")" 2>/dev/null; then
			echo "[$1-gone] before IMR-MARK $2; its console ended:"
			tail -n 5 "/tmp/$1.log" | sed "s/^/[$1-gone] /"
			qemu_end "$1"
			return 1
		fi
		heartbeat "$1" $i
		sleep 0.1
	done
}

IMR_GUEST_CMDLINE=${IMR_GUEST_CMDLINE:-}
