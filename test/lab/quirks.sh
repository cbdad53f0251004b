# The nested-TCG lab's own workarounds for vm.sh's guests (sourced by
# l2lib.sh after vm.sh).  None of this is IMR's or a real host's: QEMU 7.2
# TCG emulating an AMD host that runs KVM guests resets an L3 guest now
# and then before its /init, or loops it in exception delivery
# (docs/TESTING.md, "How the lab tells its own failures from IMR's").
# Each workaround is joined to vm.sh by the hook quirk; state lives in
# /tmp/NAME.boots (retries so far), /tmp/NAME.looped (the lab killed it)
# and IMR_BOOTING (the guest started last, until it reached its /init).

# quirk EVENT NAME [TICKS]: vm.sh's hook (it says when each event comes).
# start: wait until the guest started before has reached its /init
# (boot_wait); gone: boot_retry; tick: heartbeat.
quirk() {
	case $1 in
	start)
		boot_wait
		echo 0 >"/tmp/$2.boots"
		rm -f "/tmp/$2.looped"
		IMR_BOOTING=$2
		reset_trace_on
		;;
	gone) boot_retry "$2" ;;
	tick) heartbeat "$2" "$3" ;;
	end) reset_dump "$2" ;;
	*) return 1 ;;
	esac
}

# The open question of the lab's L3 resets after /init (docs/TESTING.md):
# a guest now and then triple-faults while imr_guest reports, and resets
# were also seen with no drops at all.  With imr.resettrace=1 on L2's
# command line, an ftrace instance of its own keeps, for every guest, the
# last of what KVM saw: SVM shutdown exits (the triple fault, with the
# guest's RIP), nested page faults (guest-physical address) and imr_host's
# drops; when a guest's QEMU ends unexpectedly, reset_dump prints that
# guest's share and, for each of its last faults, whether IMR had dropped
# that address and how long before.  Off by default: tracing every nested
# page fault slows L2 down (bench must not pay it).
IMR_RESET_TRACE=$(param resettrace 0)
rt_dir=/sys/kernel/tracing/instances/imrreset

# reset_trace_on: set the instance up (again: imr_host's events come and go
# with the module); a kvm_exit filter that does not take is not enabled,
# rather than trace every exit.
reset_trace_on() {
	[ "$IMR_RESET_TRACE" = 1 ] || return 0
	[ -d "$rt_dir" ] || mkdir "$rt_dir" 2>/dev/null || return 0
	rt_e=$rt_dir/events
	if [ "$(cat "$rt_dir/buffer_size_kb")" != 4096 ]; then
		echo 4096 >"$rt_dir/buffer_size_kb"
		echo 1 >"$rt_dir/options/record-tgid"
		echo 'exit_reason == 127' >"$rt_e/kvm/kvm_exit/filter" 2>/dev/null &&
			echo 1 >"$rt_e/kvm/kvm_exit/enable"
		echo 1 >"$rt_e/kvm/kvm_page_fault/enable"
	fi
	[ ! -d "$rt_e/imr_host/reclaim" ] || echo 1 >"$rt_e/imr_host/reclaim/enable"
	return 0
}

# reset_dump NAME: guest NAME's last shutdown exits, nested page faults
# and drops (its QEMU's tgid), and for each fault the newest drop covering
# it.
reset_dump() {
	[ "$IMR_RESET_TRACE" = 1 ] && [ -r "$rt_dir/trace" ] || return 0
	awk -v tg="$(guest_pid "$1")" -v n="$1" '
		# busybox awk has no strtonum
		function hex(s, i, v) {
			s = tolower(s)
			sub(/^0x/, "", s)
			v = 0
			for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return v
		}
		!match($0, /\( *[0-9]+\)/) { next }
		substr($0, RSTART + 1, RLENGTH - 2) + 0 != tg + 0 { next }
		{
			ts = ""
			for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { ts = substr($i, 1, length($i) - 1); break }
		}
		/ kvm_exit: / { ex[++nex] = ts " " substr($0, index($0, "kvm_exit:")) }
		/ kvm_page_fault: / {
			for (i = 1; i <= NF; i++) if ($i == "address") a = $(i + 1)
			npf = (npf + 1) % 8; pf_ts[npf] = ts; pf_a[npf] = a; npfs++
		}
		/ reclaim: / {
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^gpa=/) g = substr($i, 5)
				if ($i ~ /^len=/) l = substr($i, 5)
			}
			nrc++; rc_ts[nrc] = ts; rc_g[nrc] = hex(g); rc_l[nrc] = hex(l)
		}
		END {
			printf "[%s-reset] trace: %d shutdown exit(s), %d nested page faults, %d drops\n", n, nex, npfs, nrc
			for (i = 1; i <= nex; i++) printf "[%s-reset] %s\n", n, ex[i]
			# pf_* is a ring of the last 8: oldest first
			m = npfs < 8 ? npfs : 8
			for (k = 0; k < m; k++) {
				j = npfs < 8 ? k + 1 : (npf + 1 + k) % 8
				x = hex(pf_a[j]); w = "no drop of it in the trace"
				for (i = nrc; i >= 1; i--)
					if (rc_g[i] <= x && x < rc_g[i] + rc_l[i]) {
						w = sprintf("dropped %.3f s before", pf_ts[j] - rc_ts[i]); break
					}
				printf "[%s-reset] npf %s at %s: %s\n", n, pf_a[j], pf_ts[j], w
			}
		}' "$rt_dir/trace"
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
	# script that could not join its cgroup (start_guest -g: 125) does not, except
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
	IMR_BOOTING=$1
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
	mon_dump "$1"
	echo "[$1-stall] exception loop: pf_guest +$(((sd_pf2 - sd_pf1) / 2))/s, console quiet ${hb_quiet}s: killing its QEMU"
	: >"/tmp/$1.looped"
	kill -9 "$(guest_pid "$1")" 2>/dev/null
}

# mon_cmd NAME COMMAND: COMMAND on guest NAME's harness monitor
# (launch_guest in vm.sh), then "info version", whose answer (the only
# line that starts with QEMU's version number) ends the read: what comes
# before it is COMMAND's whole answer, and nothing of it is left in the
# FIFO for the next command.  At most 10 s.  Never blocks: a write to a
# FIFO nobody reads would, so it writes only while the guest's QEMU (the
# reader) lives, and under timeout.
mon_cmd() {
	kill -0 "$(guest_pid "$1")" 2>/dev/null || return 0
	: >"/tmp/$1.hmon.tmp"
	(timeout 10 cat "/tmp/$1.hmon.out" >"/tmp/$1.hmon.tmp") 2>/dev/null &
	mc_r=$!
	sleep 0.2
	timeout 1 sh -c 'printf "%s\ninfo version\n" "$1" >"$2"' mon_cmd "$2" "/tmp/$1.hmon.in"
	mc_i=0
	while [ $mc_i -lt 95 ] && ! tr -d '\r' <"/tmp/$1.hmon.tmp" | grep -qE '^[0-9]+\.[0-9]+\.[0-9]+'; do
		sleep 0.1
		mc_i=$((mc_i + 1))
	done
	kill "$mc_r" 2>/dev/null
	wait "$mc_r" 2>/dev/null
	tr -d '\r' <"/tmp/$1.hmon.tmp"
}

# mon_dump NAME: a guest caught in an exception loop (heartbeat), read
# through its monitor before its QEMU is killed: every vCPU's registers,
# and for each CR3 the top-level page table's entry 511 (module space,
# where the loops' RIPs were), the entry 511 of the table it points to
# and, if that pointer has bit 32 set (the three loops on record walked
# to a table 4 GiB above any of the guest's RAM: docs/TESTING.md), the
# same word with bit 32 cleared.  Which writer put the bit there is the
# open question of README's Known gaps; this is what tells.
mon_dump() {
	[ -p "/tmp/$1.hmon.in" ] || return 0
	mon_cmd "$1" "info registers -a" >"/tmp/$1.regs"
	grep -E '^(CPU#|RIP=|CR0=)' "/tmp/$1.regs" | sed "s/^/[$1-mon] /"
	for md_c in $(sed -n 's/.*CR3=\([0-9a-f]*\).*/\1/p' "/tmp/$1.regs" | sort -u); do
		md_a=$(((0x$md_c & 0x000ffffffffff000) + 0xff8))
		md_e=$(mon_xp "$1" $md_a)
		echo "[$1-mon] CR3=$md_c pgd[511]@$(printf '%#x' $md_a)=${md_e:-unread}"
		case $md_e in 0x[0-9a-f]*) ;; *) continue ;; esac
		md_a=$((($md_e & 0x000ffffffffff000) + 0xff8))
		echo "[$1-mon]   next[511]@$(printf '%#x' $md_a)=$(mon_xp "$1" $md_a)"
		[ $(($md_e & 0x100000000)) -ne 0 ] || continue
		md_a=$((md_a & ~0x100000000))
		echo "[$1-mon]   bit 32 set: next[511] without it @$(printf '%#x' $md_a)=$(mon_xp "$1" $md_a)"
	done
}

# mon_xp NAME GPA: the 8-byte word at guest-physical GPA, as 0x... (hex
# digits only: the caller does arithmetic with it).
mon_xp() {
	mon_cmd "$1" "xp /1gx $2" | sed -n 's/^[0-9a-f]*: *\(0x[0-9a-f]*\)$/\1/p' | tail -n 1
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
