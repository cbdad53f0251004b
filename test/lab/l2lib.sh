# Helpers for host scenarios (sourced by the L2 /init).

. /lib/imr/checklib.sh

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

# start_guest NAME GSCENARIO [MEM_MB] [CPUS] [extra qemu args...]
# Boots an L3 guest under nested KVM in the background; its serial console
# goes to /tmp/NAME.log, its QEMU pid to /tmp/NAME.pid, and the markers it
# sends through the isa-debugcon port (imrmark, see test/progs/imrmark.h) to
# /tmp/NAME.mark: those are timed to the instruction, the console is not.
# IMR_GUEST_CGROUP=DIR: QEMU runs in that cgroup from its first instruction.
# The command goes to /tmp/NAME.run, from which boot_retry starts it again.
start_guest() {
	name=$1
	gscen=$2
	mem=${3:-1024}
	cpus=${4:-1}
	shift 2
	[ $# -gt 0 ] && shift
	[ $# -gt 0 ] && shift
	boot_wait
	{
		echo '#!/bin/sh'
		[ -z "${IMR_GUEST_CGROUP:-}" ] ||
			echo "echo \$\$ >$IMR_GUEST_CGROUP/cgroup.procs || exit 125"
		printf exec
		for a in qemu-system-x86_64 -nodefaults -no-user-config -nographic -display none \
			-monitor none -enable-kvm -cpu host,-xsave -smp "$cpus" -m "$mem" \
			-kernel /guest/vmlinuz -initrd /guest/initrd.cpio \
			-append "console=ttyS0 panic_on_warn=1 oops=panic panic=-1 $IMR_L3_BASE imr.gscenario=$gscen $IMR_GUEST_CMDLINE" \
			-serial "file:/tmp/$name.log" -no-reboot \
			-chardev "file,id=imrmark,path=/tmp/$name.mark" \
			-device isa-debugcon,iobase=0xe9,chardev=imrmark \
			-trace runstate_set -trace qemu_system_shutdown_request \
			-D "/tmp/$name.qemu" "$@"; do
			printf " '%s'" "$(printf %s "$a" | sed "s/'/'\\\\''/g")"
		done
		echo
	} >"/tmp/$name.run"
	echo 0 >"/tmp/$name.boots"
	launch_guest "$name"
}

# launch_guest NAME: run /tmp/NAME.run in the background.
launch_guest() {
	: >"/tmp/$1.log"
	: >"/tmp/$1.mark"
	rm -f "/tmp/$1.looped"
	sh "/tmp/$1.run" &
	echo $! >"/tmp/$1.pid"
	IMR_BOOTING=$1
}

# boot_wait: wait (at most 120 s) until the guest started last has reached
# its /init; after it, guest_pid is that guest's final QEMU (a guest reset
# before /init runs again under a new pid, boot_retry).  Two L3 guests
# started at the same instant in this nested TCG lab sometimes had one
# reset by a triple fault in its real-mode boot code (after "Probing
# EDD", long before any IMR code ran in it): 3 times in about 30 runs of
# fuzz and faults.  Real hosts boot VMs side by side all
# day; this only keeps the lab's own fault out of the results.
boot_wait() {
	[ -n "${IMR_BOOTING:-}" ] || return 0
	bw_i=0
	while ! grep -q 'IMR-L3:' "/tmp/$IMR_BOOTING.log" 2>/dev/null &&
		[ $bw_i -lt 1200 ]; do
		if ! kill -0 "$(guest_pid "$IMR_BOOTING")" 2>/dev/null; then
			boot_retry "$IMR_BOOTING" || break
			bw_i=0
		fi
		sleep 0.1
		bw_i=$((bw_i + 1))
	done
	IMR_BOOTING=
}

# boot_retry NAME: guest NAME's QEMU is gone.  If it was reset before the
# guest reached its /init (no "IMR-L3:" line, so no IMR code ran in it and
# it had made no hypercall), by a triple fault or the lab's kill of an
# exception loop (heartbeat), rather than a panic of its own kernel or a
# power-off, start it again, at most IMR_BOOT_RETRIES times
# (default 2), and return 0.  Lone L3 guests of this lab are reset in real
# mode or early boot now and then, also with no IMR module loaded anywhere
# (docs/lab-notes.md).  Each retry prints an IMR-REPORT line, which
# test/check.sh counts in its summary: none goes unseen.
boot_retry() {
	grep -q 'IMR-L3:' "/tmp/$1.log" 2>/dev/null && return 1
	grep -qE 'Kernel panic|Oops|BUG:|WARNING:' "/tmp/$1.log" 2>/dev/null && return 1
	grep -q qemu_system_shutdown_request "/tmp/$1.qemu" 2>/dev/null && return 1
	grep -q "'-incoming'" "/tmp/$1.run" && return 1
	br_n=$(cat "/tmp/$1.boots")
	[ "$br_n" -lt "${IMR_BOOT_RETRIES:-2}" ] || return 1
	wait "$(guest_pid "$1")" 2>/dev/null
	br_rc=$?
	# A reset under -no-reboot ends QEMU with 0; a crash, a kill, or a run
	# script that could not join IMR_GUEST_CGROUP (125) does not, except
	# the lab's own kill of a guest caught in an exception loop (heartbeat).
	if [ $br_rc -ne 0 ] && [ ! -f "/tmp/$1.looped" ]; then
		# Its waiter cannot collect this status any more: say it here.
		echo "[$1-qemu] exit status $br_rc before the guest's /init"
		return 1
	fi
	rm -f "/tmp/$1.looped"
	br_n=$((br_n + 1))
	echo "$br_n" >"/tmp/$1.boots"
	# IMR_RESET_TEST=NAME: smoke resets that guest on purpose.
	[ "$1" = "${IMR_RESET_TEST:-}" ] && br_t=" on_purpose=1" || br_t=
	echo "IMR-REPORT lab boot_reset guest=$1 retry=$br_n of ${IMR_BOOT_RETRIES:-2}$br_t last_console=\"$(last_line "$1" | tr -cd '[:print:]' | tail -c 60)\""
	qemu_end "$1"
	cp "/tmp/$1.log" "/tmp/$1.boot$br_n.log"
	[ "${IMR_BOOTING:-}" = "$1" ] || boot_wait
	launch_guest "$1"
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
# it is alive (test/lab.sh ends a run after a long silence).  A guest that
# has printed nothing for a minute while KVM injects page faults into it
# thousands of times a second is in the lab's exception-delivery loop
# (docs/lab-notes.md: "Nested TCG: exception loops"), from which no
# guest has come back: its QEMU is killed, so that the wait ends now
# rather than at its timeout.
heartbeat() {
	[ $(($2 % 600)) -eq 0 ] || return 0
	echo "[$1-wait $(($2 / 10))s] $(last_line "$1")"
	hb_quiet=$(($(date +%s) - $(stat -c %Y "/tmp/$1.log")))
	[ "$hb_quiet" -lt 60 ] && return 0
	stall_dump "$1"
	[ $(((sd_pf2 - sd_pf1) / 2)) -gt 1000 ] || return 0
	echo "[$1-stall] exception loop: pf_guest +$(((sd_pf2 - sd_pf1) / 2))/s, console quiet ${hb_quiet}s: killing its QEMU"
	: >"/tmp/$1.looped"
	kill -9 "$(guest_pid "$1")" 2>/dev/null
}

# stall_dump NAME: a guest printed nothing for a minute; show what its
# QEMU threads do in L2 (state, CPU ticks, kernel stack) and KVM's exit
# counters for it, twice 2 s apart, so that a stall can be told from a
# spin.  Leaves KVM's pf_guest count of each sample in sd_pf1, sd_pf2.
# Its variables are sd_*: it runs inside the waits' loops, whose own
# variables (t, i, pid) it must not change.
stall_dump() {
	sd_pf1=0
	sd_pf2=0
	sd_p=$(guest_pid "$1")
	kill -0 "$sd_p" 2>/dev/null || return 0
	grep -q ' /sys/kernel/debug ' /proc/mounts ||
		mount -t debugfs none /sys/kernel/debug
	for sd_k in 1 2; do
		for sd_t in /proc/"$sd_p"/task/*; do
			# comm may hold spaces ("CPU 0/KVM"): fields after ") ".
			sd_st=$(sed 's/.*) //' "$sd_t/stat" | awk '{ print $1, "utime=" $12, "stime=" $13, "cpu=" $37 }')
			echo "[$1-stall] tid ${sd_t##*/} $(cat "$sd_t/comm") $sd_st"
			case $(cat "$sd_t/comm") in
			CPU*) sed "s/^/[$1-stall]   /" "$sd_t/stack" ;;
			esac
		done
		for sd_f in exits halt_exits halt_wakeup pf_taken pf_fixed pf_guest \
			irq_injections nmi_injections req_event irq_exits \
			signal_exits; do
			sd_v=$(cat /sys/kernel/debug/kvm/"$sd_p"-*/"$sd_f" 2>/dev/null | head -n 1)
			printf '%s=%s ' "$sd_f" "$sd_v"
		done | sed "s/^/[$1-stall] kvm: /"
		echo
		sd_v=$(cat /sys/kernel/debug/kvm/"$sd_p"-*/pf_guest 2>/dev/null | head -n 1)
		eval "sd_pf$sd_k=${sd_v:-0}"
		echo "[$1-stall] L2 $(grep -E '^ *LOC:' /proc/interrupts | tr -s ' ') load $(cat /proc/loadavg)"
		sleep 2
	done
	stall_trace "$1"
}

# stall_trace NAME: a tenth of a second of KVM's exit and injection
# tracepoints in L2 for guest NAME's QEMU, counted by exit reason and
# exception: which exit feeds a loop.
stall_trace() {
	st_t=/sys/kernel/tracing
	[ -d $st_t/events/kvm ] || return 0
	# Filtered by thread: the vCPU threads are the ones that exit.
	for st_p in /proc/"$(guest_pid "$1")"/task/*; do
		echo "${st_p##*/}"
	done | xargs >$st_t/set_event_pid
	echo 1 >$st_t/events/kvm/kvm_exit/enable
	echo 1 >$st_t/events/kvm/kvm_inj_exception/enable
	: >$st_t/trace
	sleep 0.1
	echo 0 >$st_t/events/kvm/kvm_exit/enable
	echo 0 >$st_t/events/kvm/kvm_inj_exception/enable
	sed -n -e 's/.*kvm_exit: vcpu [0-9]* reason \([A-Za-z_0-9]*\).*/exit \1/p' \
		-e 's/.*kvm_inj_exception: \([#A-Za-z]*\).*/inject \1/p' $st_t/trace |
		sort | uniq -c | sort -rn | head -n 5 | sed "s/^/[$1-stall] trace: /"
	grep -m 3 'kvm_exit\|kvm_inj' $st_t/trace | sed "s/^ */[$1-stall] trace: /"
	: >$st_t/set_event_pid
	: >$st_t/trace
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
	while kill -0 "$pid" 2>/dev/null || { boot_retry "$name" && pid=$(guest_pid "$name"); }; do
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

# wait_mark NAME TEXT [TIMEOUT_S]: wait until guest NAME marks IMR-MARK
# TEXT, on its isa-debugcon port (/tmp/NAME.mark, written before the
# guest's next instruction: what the host reads at the mark is of that
# moment; the console lags under load) or on its console; fails at once if
# the guest is gone (the end of its console and how QEMU ended are printed
# then).
wait_mark() {
	i=0
	while ! grep -q "IMR-MARK $2" "/tmp/$1.mark" "/tmp/$1.log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt $((${3:-120} * 10)) ] && return 1
		if ! kill -0 "$(guest_pid "$1")" 2>/dev/null; then
			boot_retry "$1" && continue
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
# Every guest's base command line, from test/lab.sh's IMR_L3_BASE (there
# for the reasons given; "+" stands for a space on L2's command line).
IMR_L3_BASE=$(l2arg l3base | tr + " ")

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
