# Shared by the bench*/demo* host scenarios (sourced, not a scenario).
# Modes: none fpr imr imr4k imrnodrain imrnohot ksm swap.  The L2 command line may carry
# imr.modes=a,b,c (from bench.sh via IMR_L2_CMDLINE) to pick and order them.

bench_modes() {
	m=$(l2arg modes | tr , ' ')
	echo "${m:-$*}"
}

# bench_order ROUND MODE...: the modes in round ROUND's order: as given
# in odd rounds, reversed in even ones, so that drift in the lab shows up
# as spread, not as a mode.
bench_order() {
	bo_r=$1
	shift
	if [ $((bo_r % 2)) = 1 ]; then
		echo "$*"
		return
	fi
	bo_v=
	for bo_m in "$@"; do bo_v="$bo_m $bo_v"; done
	echo "$bo_v"
}

# bench_host_setup: imr_host loaded for the whole run (it only acts on
# hypercalls), cgroup v2 mounted, facts about this L2 printed.
bench_host_setup() {
	insmod /lib/imr/imr_host.ko || result FAIL bench-host-insmod
	mkdir -p /sys/fs/cgroup
	mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null
	echo "IMR-REPORT l2 kernel=$(uname -r) cpus=$(nproc) memtotal_kib=$(sed -n 's/MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo) memavail_kib=$(sed -n 's/MemAvailable: *\([0-9]*\).*/\1/p' /proc/meminfo) thp=$(cat /sys/kernel/mm/transparent_hugepage/enabled | sed 's/.*\[\(.*\)\].*/\1/')"
}

# bench_start NAME GSCEN MEM_MB MODE WIN [extra guest cmdline]: boot a guest
# for MODE; fpr gets the balloon device, ksm boots with init_on_free=1.
# imr.benchcpus=N (bench.sh's BENCH_CPUS) gives it N vCPUs (default 1).
bench_start() {
	_n=$1 _g=$2 _m=$3 _mode=$4 _w=$5
	shift 5
	_a="imr.mode=$_mode imr.win=$_w $*"
	_x=
	case $_mode in
	fpr) _x="-device virtio-balloon-pci,free-page-reporting=on" ;;
	ksm) _a="$_a init_on_free=1" ;;
	esac
	# shellcheck disable=SC2086
	start_guest -a "$_a" "$_n" "$_g" "$_m" "$(l2arg benchcpus | grep . || echo 1)" $_x
}

# bench_swap_setup: zram swap (modules staged by bench.sh as
# /usr/bin/bench-kmod-*.ko) and a memory cgroup "vm" for the guest's QEMU.
bench_swap_setup() {
	grep -q zram /proc/modules || {
		insmod /usr/bin/bench-kmod-zsmalloc.ko 2>/dev/null
		insmod /usr/bin/bench-kmod-zram.ko 2>/dev/null
	}
	[ -b /dev/zram0 ] || { echo "bench: swap: no zram (modules not staged?)"; return 1; }
	grep -q zram0 /proc/swaps && return 0
	echo 2G >/sys/block/zram0/disksize &&
		mkswap /dev/zram0 >/dev/null && swapon /dev/zram0 || { echo "bench: swap: swapon failed"; return 1; }
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
	mkdir -p /sys/fs/cgroup/vm
	[ -f /sys/fs/cgroup/vm/memory.reclaim ] || { echo "bench: swap: no cgroup v2 memory.reclaim"; return 1; }
	return 0
}

# bench_into_cgroup DIR: move this shell (and what it starts next) there.
bench_into_cgroup() {
	read -r _self _ </proc/self/stat
	echo "$_self" >"$1/cgroup.procs"
}

# bench_trace TAG NAME: the RSS trace of guest NAME for the plots, from 2 s
# before its "free" mark, one sample per 50 ms: "TRACE TAG <ms from free> <kib>".
bench_trace() {
	awk -v tag="$1" '
		$1 == "M" && $3 == "free" && f == "" { f = $2 }
		$1 == "S" { t[++n] = $2; k[n] = $3 }
		END {
			if (f == "") exit
			last = -1e9
			for (i = 1; i <= n; i++)
				if (t[i] >= f - 2000 && t[i] - last >= 50) {
					printf "TRACE %s %.0f %d\n", tag, t[i] - f, k[i]; last = t[i]
				}
		}' "/tmp/$2.trace"
}

# bench_gline NAME PATTERN: the last guest console line matching PATTERN.
bench_gline() {
	grep "$2" "/tmp/$1.log" | tail -n 1 | tr -d '\r'
}

hval() { cat "/sys/kernel/imr/host/$1" 2>/dev/null || echo 0; }

# bench_htrace_on / bench_htrace TAG MODE: imr_host's own tracepoints in L2.
# Per report hypercall, the time from its first imr_host:reclaim event to
# its imr_host:report event (which fires when the call is done) and the
# bytes it dropped: the host-side drop throughput.
bench_htrace_on() {
	T=/sys/kernel/tracing
	[ -d $T/events/imr_host ] || { echo "bench: no imr_host tracepoints in L2"; return 0; }
	echo 8192 >$T/buffer_size_kb 2>/dev/null
	echo >$T/trace
	echo 1 >$T/events/imr_host/report/enable
	echo 1 >$T/events/imr_host/reclaim/enable
}

bench_htrace() {
	T=/sys/kernel/tracing
	[ -d $T/events/imr_host ] || return 0
	echo 0 >$T/events/imr_host/report/enable
	echo 0 >$T/events/imr_host/reclaim/enable
	awk -v tag="$1" -v mode="$2" '
		function ts(  i) { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) return substr($i, 1, length($i) - 1) + 0; return -1 }
		/ reclaim: / {
			t = ts(); if (first == "") first = t
			for (i = 1; i <= NF; i++) if ($i ~ /^len=/) len = substr($i, 5) + 0
			if ($0 !~ /kind=skip/) cur += len
		}
		/ report: / {
			t = ts()
			if (first != "") { span += t - first; bytes += cur; n++ }
			first = ""; cur = 0
		}
		END { printf "IMR-REPORT htput %s mode=%s calls=%d bytes=%.0f span_us=%.0f gibps=%.2f\n",
			tag, mode, n, bytes, span * 1e6, (span > 0 ? bytes / 1073741824 / span : 0) }' $T/trace
}
