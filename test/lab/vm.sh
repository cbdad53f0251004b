# The L3 guests' harness in L2 (sourced by l2lib.sh, after checklib.sh):
# start a guest, wait for a mark from it or for its end.  What the nested
# TCG lab needs on top (a guest reset before its /init started again,
# guests booted one at a time, stalls shown, exception loops killed) is in
# quirks.sh, joined to this file by one hook, quirk (below).

# quirk EVENT NAME [TICKS]: the hook quirks.sh defines (sourced after this
# file, it replaces this one).  start_guest calls it with "start" before
# it launches guest NAME; the waits call it with "gone" when NAME's QEMU
# has ended before what they wait for (0: the quirk started the guest
# again, wait on), and with "tick" and the round's count of 0.1 s once a
# round.  Without quirks.sh a guest that is gone is gone.
quirk() { return 1; }

# Every guest's base command line, from test/lab.sh's IMR_L3_BASE (there
# for the reasons given; "+" stands for a space on L2's command line).
IMR_L3_BASE=$(param l3base '' | tr + " ")

# start_guest [-a ARGS] [-g CGROUP] NAME GSCENARIO [MEM_MB] [CPUS] [qemu args...]
# Boots an L3 guest under nested KVM in the background; its serial console
# goes to /tmp/NAME.log, its QEMU pid to /tmp/NAME.pid, with imr.hmon=1 its harness monitor
# to /tmp/NAME.hmon.{in,out} (launch_guest), and the markers it
# sends through the isa-debugcon port (imrmark, see test/progs/imrmark.h) to
# /tmp/NAME.mark: those are timed to the instruction, the console is not.
# -a ARGS: added to the guest's kernel command line (the imr.* settings its
# scenario reads with param).  -g CGROUP: QEMU runs in that cgroup from its
# first instruction (a cgroup is charged only for what a process touches
# after it joined).  The command goes to /tmp/NAME.run, from which
# launch_guest (and a quirk) starts it.  imr.l3pvh=1 on L2's command line
# boots the guest kernel's ELF image through its PVH entry instead of the
# bzImage (6 s less per boot on 6.1); not the default: the one make check
# with it had three 6.12 guests reset right after a module load
# (docs/TESTING.md, "L3 boots through PVH").
if [ "$(param l3pvh 0)" = 1 ]; then
	IMR_L3_KERNEL=/guest/vmlinux
else
	IMR_L3_KERNEL=/guest/vmlinuz
fi
# imr.hmon=1 on L2's command line: every guest gets the harness monitor
# (launch_guest); off by default until it is known not to change how
# often the lab's L3 guests reset (docs/TESTING.md, 2026-12-04).
IMR_HMON=$(param hmon 0)
start_guest() {
	sg_args=
	sg_cgroup=
	while :; do
		case $1 in
		-a | -g) [ $# -ge 2 ] || { echo "start_guest: $1 needs a value" >&2; return 2; } ;;
		esac
		case $1 in
		-a) sg_args=$2 ;;
		-g) sg_cgroup=$2 ;;
		*) break ;;
		esac
		shift 2
	done
	sg_name=$1
	if [ "$IMR_HMON" = 1 ]; then
		sg_hmon="-monitor pipe:/tmp/$sg_name.hmon"
	else
		sg_hmon="-monitor none"
	fi
	sg_scen=$2
	sg_mem=${3:-1024}
	sg_cpus=${4:-1}
	shift 2
	[ $# -gt 0 ] && shift
	[ $# -gt 0 ] && shift
	quirk start "$sg_name"
	{
		echo '#!/bin/sh'
		[ -z "$sg_cgroup" ] ||
			echo "echo \$\$ >'$sg_cgroup/cgroup.procs' || exit 125"
		printf exec
		for a in qemu-system-x86_64 -nodefaults -no-user-config -nographic -display none \
			$sg_hmon -enable-kvm -cpu host,-xsave -smp "$sg_cpus" -m "$sg_mem" \
			-kernel "$IMR_L3_KERNEL" -initrd /guest/initrd.cpio \
			-append "console=ttyS0 panic_on_warn=1 oops=panic panic=-1 $IMR_L3_BASE imr.gscenario=$sg_scen $sg_args" \
			-serial "file:/tmp/$sg_name.log" -no-reboot \
			-chardev "file,id=imrmark,path=/tmp/$sg_name.mark" \
			-device isa-debugcon,iobase=0xe9,chardev=imrmark \
			-trace runstate_set -trace qemu_system_shutdown_request \
			-D "/tmp/$sg_name.qemu" "$@"; do
			printf " '%s'" "$(printf %s "$a" | sed "s/'/'\\\\''/g")"
		done
		echo
	} >"/tmp/$sg_name.run"
	launch_guest "$sg_name"
}

# hmon_fifos NAME: the FIFOs of guest NAME's harness monitor.
hmon_fifos() {
	for hf_f in in out; do
		[ -p "/tmp/$1.hmon.$hf_f" ] || mkfifo "/tmp/$1.hmon.$hf_f"
	done
}

# launch_guest NAME: run /tmp/NAME.run in the background.  With imr.hmon=1
# every guest has a monitor of the harness's own on /tmp/NAME.hmon.{in,out}, FIFOs
# that QEMU opens read-write, so it never waits for a reader; nothing
# reads it but quirks.sh's mon_cmd, when a guest is caught in a loop.
launch_guest() {
	[ "$IMR_HMON" = 1 ] && hmon_fifos "$1"
	: >"/tmp/$1.log"
	: >"/tmp/$1.mark"
	sh "/tmp/$1.run" &
	echo $! >"/tmp/$1.pid"
}

guest_pid() { cat "/tmp/$1.pid"; }

# last_line NAME: the guest's last console line, shortened.
last_line() { tail -n 1 "/tmp/$1.log" | cut -c1-160; }

# progress NAME: every 30 s, the guest's last console line (stalls show).
progress() {
	while kill -0 "$(guest_pid "$1")" 2>/dev/null; do
		sleep 30
		echo "[$1-progress] $(last_line "$1")"
	done
}

# qemu_end NAME [TEXT]: how guest NAME's QEMU ended.  A guest power-off
# traces a shutdown request (reason 6); a guest reset (triple fault) under
# -no-reboot only the run state.
qemu_end() {
	echo "[$1-qemu] ${2:+$2; }$(tail -n 4 "/tmp/$1.qemu" 2>/dev/null | tr '\n' ' ')"
	quirk end "$1"
}

# wait_guest NAME [TIMEOUT_S]: wait for the guest to power off, copy its
# console into ours (prefixed), PASS/FAIL on its end marker.
wait_guest() {
	wg_name=$1
	wg_t=${2:-120}
	wg_pid=$(guest_pid "$wg_name")
	wg_i=0
	while kill -0 "$wg_pid" 2>/dev/null || { quirk gone "$wg_name" && wg_pid=$(guest_pid "$wg_name"); }; do
		wg_i=$((wg_i + 1))
		if [ $wg_i -gt $((wg_t * 10)) ]; then
			kill -9 "$wg_pid" 2>/dev/null
			result FAIL "guest-$wg_name-timeout" "${wg_t}s"
			break
		fi
		quirk tick "$wg_name" $wg_i
		sleep 0.1
	done
	wait "$wg_pid" 2>/dev/null
	wg_qrc=$?
	sed "s/^/[$wg_name] /" "/tmp/$wg_name.log"
	if grep -q 'IMR-GUEST-END rc=0' "/tmp/$wg_name.log"; then
		result PASS "guest-$wg_name-ran"
	else
		qemu_end "$wg_name" "exit status $wg_qrc"
		result FAIL "guest-$wg_name-ran" "no clean end marker"
	fi
}

# wait_mark NAME TEXT [TIMEOUT_S]: wait until guest NAME marks IMR-MARK
# TEXT, on its isa-debugcon port (/tmp/NAME.mark, written before the
# guest's next instruction: what the host reads at the mark is of that
# moment; the console lags under load) or on its console; fails at once if
# the guest is gone (the end of its console and how QEMU ended are printed
# then).
wait_mark() {
	wm_i=0
	while ! grep -q "IMR-MARK $2" "/tmp/$1.mark" "/tmp/$1.log" 2>/dev/null; do
		wm_i=$((wm_i + 1))
		[ $wm_i -gt $((${3:-120} * 10)) ] && return 1
		if ! kill -0 "$(guest_pid "$1")" 2>/dev/null; then
			quirk gone "$1" && continue
			echo "[$1-gone] before IMR-MARK $2; its console ended:"
			tail -n 5 "/tmp/$1.log" | sed "s/^/[$1-gone] /"
			qemu_end "$1"
			return 1
		fi
		quirk tick "$1" $wm_i
		sleep 0.1
	done
}
