#!/bin/sh
# Run one lab scenario: boot an L2 host (QEMU TCG, -cpu max, kvm-amd) that
# runs SCENARIO.host.sh (or a variant of one), which may boot L3 guests
# under nested KVM running a NAME.guest.sh (both from the scenario folders
# below).  Everything comes from Debian packages; big parts are cached in
# $IMR_CACHE (default /var/cache/imr).
#
#   test/lab.sh [-H HOST_KVER] [-G GUEST_KVER] [-t TIMEOUT_S] [-m L2_MB]
#               [-D DEADLINE] SCENARIO
#
# -D: a wall-clock deadline (seconds since the epoch, from make check's time
# budget): the run's timeout is cut to end by then.
# KVERs may be ABI names or the series "6.1"/"6.12".  Exit 0 when the run
# ended cleanly (end marker, rc=0), printed no BUG/WARNING/Oops/Call Trace/
# panic, and no IMR-RESULT: FAIL line.  The console log is kept in
# .build/lab-logs/.
set -eu
. "$(dirname "$0")/lab/common.sh"

host_k=6.1
guest_k=
timeout_s=${IMR_LAB_TIMEOUT:-}
l2_mem=${IMR_L2_MEM:-4096}
# Two L2 vCPUs unless IMR_L2_CPUS or a scenario's l2-cpus directive says
# otherwise.  Nested TCG sometimes wedges L2 in KVM's cross-CPU IPIs
# (soft lockups in smp_call_function_many_cond, no IMR code loaded); one
# vCPU avoided that but hung silently in 1 of 4 runs instead.  A soft
# lockup stops the run at once (below) and make check runs it again.
l2_cpus=${IMR_L2_CPUS:-}
# The QEMU that runs L2 under TCG (IMR_L1_QEMU, a path; default the
# installed qemu-system-x86_64).  The QEMU inside L2, which runs the L3
# guests under KVM, is always the installed one (Debian 12's, what
# operators run): only the emulator of the lab's own machine changes.
# docs/TESTING.md ("QEMU 10 as the L1 emulator") has what bookworm-
# backports' QEMU 10 did here: no faster, the same failure classes.
# L2's CPU model (IMR_L2_CPU, QEMU -cpu syntax).
l2_cpu=${IMR_L2_CPU:-max}
# The base of L2's and the L3 guests' kernel command lines (set either
# empty for the lab as it was before 2026-12-01; docs/TESTING.md has the
# A/B).  L2: -cpu max is a family 0xf AMD part without constant_tsc, so
# with two CPUs Linux marks its TSC unsynchronized and reads HPET, an MMIO
# register every QEMU TCG access to which takes QEMU's big lock;
# tsc=reliable keeps TSC (TCG's TSC is the host's, the same on every
# vCPU), and KVM in L2 then gives its guests a stable kvmclock.
# mitigations=off: no retpolines, RSB stuffing or barriers to emulate.
# L3: each byte an L3 guest prints on its serial console is a VM exit into
# L2's KVM and QEMU; loglevel=5 keeps the console to warnings and worse
# (what test/lab.sh and boot_retry look for) and halves an L3 boot.
l2_base=${IMR_L2_BASE-tsc=reliable mitigations=off}
l3_base=${IMR_L3_BASE-loglevel=5 mitigations=off}
deadline=
while getopts H:G:t:m:D: o; do
	case $o in
	H) host_k=$OPTARG ;;
	G) guest_k=$OPTARG ;;
	t) timeout_s=$OPTARG ;;
	m) l2_mem=$OPTARG ;;
	D) deadline=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || die "usage: test/lab.sh [-H kver] [-G kver] [-t s] [-m MiB] [-D epoch] SCENARIO"
scenario=$1
# Scenarios live in folders by purpose, so that a reader sees regression
# tests, reproducers and benchmarks apart: what make check runs
# (test/scenarios/check; check.list and check-long.list name them),
# reproducers of lab or kernel failures that make check does not run
# (test/scenarios/repro), and the benchmarks and the demo (bench/scenarios,
# beside bench.sh and report.py).  Inside the images they are one flat
# folder again (/scenarios/NAME.host.sh, /gscen/NAME.guest.sh), so that
# scenarios source each other by name: a name must be unique across the
# folders, or one file would silently replace another there.
scenario_dirs="test/scenarios/check test/scenarios/repro bench/scenarios"
dup=$(for sd in $scenario_dirs; do ls "$IMR_TOP/$sd"; done | grep '\.sh$' | sort | uniq -d)
[ -z "$dup" ] || die "scenario files in more than one of $scenario_dirs: $dup"
# scenario_file NAME host|guest: the path of NAME's host or guest side;
# status 1 when there is none.
scenario_file() {
	for sd in $scenario_dirs; do
		[ -f "$IMR_TOP/$sd/$1.$2.sh" ] || continue
		echo "$IMR_TOP/$sd/$1.$2.sh"
		return 0
	done
	return 1
}
# A variant (test/scenarios/variants) is a scenario run with other
# settings under a name of its own.  variant NAME: NAME's line there
# without NAME ("BASE [VAR=VALUE]... [lab:KEY=VALUE]..."), empty when NAME
# is not a variant.  part_base NAME: the scenario whose host side part
# NAME runs, NAME itself unless it is a variant.
variants=$IMR_TOP/test/scenarios/variants
variant() { sed 's/#.*//' "$variants" | awk -v n="$1" '$1 == n { $1 = ""; sub(/^ +/, ""); print; exit }'; }
part_base() {
	pb=$(variant "$1")
	echo "${pb:-$1}" | cut -d' ' -f1
}
# In L2 a variant is a host side of its own (below), so its name must not
# be a scenario file's too, nor another variant's, and its base must be a
# scenario file.
vnames=$(sed 's/#.*//' "$variants" | awk '{ print $1 }')
vdup=$(echo "$vnames" | sort | uniq -d)
[ -z "$vdup" ] || die "variant names given twice in $variants: $vdup"
for vn in $vnames; do
	if scenario_file "$vn" host >/dev/null; then
		die "$vn is both a variant in $variants and a scenario file"
	fi
	scenario_file "$(part_base "$vn")" host >/dev/null ||
		die "variant $vn: its base $(part_base "$vn") is no scenario file"
done
# SCENARIO may be a group, "a+b+c": one L2 boot runs a, b and c in that
# order (L2's /init resets what each leaves behind, test/lab/l2-init), and
# each part gets its own verdict, written to the log's .parts file.  The
# parts must agree on l2-cpus, l2-cmdline and l2-qemu; their timeouts add
# up and every part's ship step runs.
parts=$(echo "$scenario" | tr + ' ')
for pt in $parts; do
	scenario_file "$(part_base "$pt")" host >/dev/null ||
		die "no scenario $pt: no $pt.host.sh in $scenario_dirs, nor a variant in $variants"
done
[ -n "$guest_k" ] || guest_k=$host_k
# Scenario directives: "# lab: KEY=VALUE" lines in the host scenario's
# leading comment block.  l2-cmdline=ARGS is added to the L2 kernel command
# line (after $IMR_L2_CMDLINE); l2-qemu=ARGS is added to L2's QEMU command
# line (a machine type, devices); timeout=S is the run's time limit unless
# -t or IMR_LAB_TIMEOUT gave one (default 600 s); l2-cpus=N is L2's vCPU
# count unless IMR_L2_CPUS gave one (default 2); ship=CMD runs as
# `CMD L2_ROOT L3_ROOT` from the repository top before the images are
# packed, to add files to them, with IMR_HOST_KVER and IMR_GUEST_KVER set.
# A variant's lab:KEY=VALUE replaces its base's KEY directive.
part_directive() {
	pd=$(variant "$1" | tr ' ' '\n' | sed -n "s/^lab:$2=//p")
	if [ -n "$pd" ]; then
		echo "$pd"
	else
		sed -n "1,/^[^#]/s/^# lab: $2=//p" "$(scenario_file "$(part_base "$1")" host)"
	fi
}
directive() {
	dv=$(part_directive "${parts%% *}" "$1")
	for pt in $parts; do
		[ "$(part_directive "$pt" "$1")" = "$dv" ] ||
			die "the parts of $scenario differ in their $1 directive: they cannot share a boot"
	done
	echo "$dv"
}
if [ -z "$timeout_s" ]; then
	timeout_s=0
	for pt in $parts; do
		pto=$(part_directive "$pt" timeout)
		timeout_s=$((timeout_s + ${pto:-600}))
	done
fi
[ -n "$parts" ] || die "no scenario in '$scenario'"
l2_dcpus=$(directive l2-cpus)
[ -n "$l2_cpus" ] || l2_cpus=$l2_dcpus
l2_qemu=$(directive l2-qemu)
l2_cmdline=$(directive l2-cmdline)
l2_cmdline=$(echo $l2_cmdline)
l2_cpus=${l2_cpus:-2}
resolve() { case $1 in 6.1|6.12) "$IMR_TOP/test/kvers.sh" "$1" ;; *) echo "$1" ;; esac; }
host_k=$(resolve "$host_k")
guest_k=$(resolve "$guest_k")
need qemu-system-x86_64 cpio xz busybox timeout
[ -x /bin/busybox ] || die "/bin/busybox missing: apt-get install busybox-static"

# build: the modules for both kernels and the test programs.
build() {
	start=$(date +%s)
	say "lab: [1/5] building modules (host $host_k, guest $guest_k)"
	hb=$(build_modules "$host_k")
	gb=$(build_modules "$guest_k")
	say "lab: [2/5] building test programs"
	[ -f "$IMR_TOP/test/Makefile" ] && make -s -C "$IMR_TOP/test" progs >&2
	hk=$(kernel_dir "$host_k")
	gk=$(kernel_dir "$guest_k")
}

# base_image: the L2 base image: busybox, QEMU and its libraries and
# firmware (fw: qboot.rom for the boottime measurement), KVM modules and
# the guest kernel.  Rebuilt only when one of those (or the list) changes.
base_image() {
	qver=$(dpkg-query -W -f '${Version}' qemu-system-x86 2>/dev/null || echo unknown)
	bver=$(dpkg-query -W -f '${Version}' busybox-static 2>/dev/null || echo unknown)
	fw="/usr/share/seabios/bios-256k.bin /usr/share/qemu/linuxboot_dma.bin
		/usr/share/qemu/kvmvapic.bin /usr/share/qemu/qboot.rom /usr/share/qemu/pvh.bin"
	key=$(printf '%s\n' "$host_k" "$guest_k" "$qver" "$bver" $fw |
		cat - "$IMR_TOP/test/lab/common.sh" | md5sum | cut -c1-12)
	base=$LAB_CACHE/images/l2-base-$key.cpio
	if [ ! -f "$base" ]; then
		say "lab: [3/5] building L2 base image (cached as $(basename "$base"))"
		st=$(mktemp -d)
		add_busybox "$st"
		add_binary "$st" "$(command -v qemu-system-x86_64)"
		mkdir -p "$st/usr/share/qemu" "$st/lib/imr/kmod" "$st/guest"
		for f in $fw; do
			cp -L "$f" "$st/usr/share/qemu/"
		done
		for m in irqbypass ccp kvm kvm-amd; do copy_module "$host_k" "$m" "$st/lib/imr/kmod"; done
		cp "$gk/boot/vmlinuz-$guest_k" "$st/guest/vmlinuz"
		vmlinux_of "$gk/boot/vmlinuz-$guest_k" "$st/guest/vmlinux" ||
			die "no kernel ELF image found in vmlinuz-$guest_k"
		mkdir -p "$(dirname "$base")"
		cpio_of "$st" "$base.tmp" && mv "$base.tmp" "$base"
		rm -rf "$st"
	else
		say "lab: [3/5] L2 base image cached ($(basename "$base"))"
	fi
}

# test_modules DIR KVER: build the test modules in test/DIR for KVER (like
# build_modules does) in this run's private $work (parallel lab runs must
# not share it); prints the directory holding the .ko files.  The .ko
# files are kept in $LAB_CACHE/testmods under a hash of their sources and
# KVER: a kbuild run costs about 5 s, and make check starts 30 lab runs.
test_modules() {
	tkey=$( (echo "$2"; cc --version; cat "/lib/modules/$2/build/Module.symvers" \
		"$IMR_TOP"/common/* "$IMR_TOP/test/$1"/*) | md5sum | cut -c1-12)
	tc=$LAB_CACHE/testmods/$1-$tkey
	if [ ! -f "$tc/.done" ]; then
		tm=$work/$1-$2
		mkdir -p "$tm/test" && cp -a "$IMR_TOP/common" "$tm/" && cp -a "$IMR_TOP/test/$1" "$tm/test/"
		make -s -C "/lib/modules/$2/build" M="$tm/test/$1" W=1 modules >"$tm/build.log" 2>&1 ||
			{ cat "$tm/build.log" >&2; die "test/$1 build failed for $2"; }
		mkdir -p "$tc.$$" && cp "$tm/test/$1"/*.ko "$tc.$$/" && touch "$tc.$$/.done"
		rm -rf "$tc" && mv "$tc.$$" "$tc"
	fi
	echo "$tc"
}
# images: the L3 guest image inside the L2 project image, then both
# appended to the base image as L2's initrd.
images() {
	say "lab: [4/5] building the project images"
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	# L3 guest image: busybox, imr_guest.ko, test programs, guest scenarios.
	g=$work/l3
	add_busybox "$g"
	mkdir -p "$g/lib/imr" "$g/gscen"
	install -m 755 "$IMR_TOP/test/lab/l3-init" "$g/init"
	cp "$IMR_TOP/test/lab/l3lib.sh" "$IMR_TOP/test/lab/checklib.sh" "$g/lib/imr/"
	cp "$gb/imr_guest/imr_guest.ko" "$g/lib/imr/"
	[ -f "$gb/imr_host/imr_host.ko" ] && cp "$gb/imr_host/imr_host.ko" "$g/lib/imr/"
	# The hostile-guest fuzzer (test/fuzz, used by scenarios fuzz*), shipped
	# to the guest as /lib/imr/imr_fuzz.ko.
	cp "$(test_modules fuzz "$guest_k")/imr_fuzz.ko" "$g/lib/imr/"
	for sd in $scenario_dirs; do
		cp "$IMR_TOP/$sd"/*.guest.sh "$g/gscen/" 2>/dev/null || true
	done
	[ -d "$IMR_TOP/test/bin" ] && cp "$IMR_TOP"/test/bin/* "$g/usr/bin/" 2>/dev/null || true
	# kvm.ko lets a guest load imr_host too (a nested host is also a guest).
	mkdir -p "$g/lib/imr/kmod"
	for m in irqbypass kvm; do copy_module "$guest_k" "$m" "$g/lib/imr/kmod"; done
	# virtio-balloon for the free-page-reporting comparison, in load order; on
	# 6.12 the virtio core is built in and only virtio_balloon is a module.
	for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_balloon; do
		[ -n "$(module_path "$guest_k" "$m")" ] && copy_module "$guest_k" "$m" "$g/lib/imr/kmod"
	done
	command -v stress-ng >/dev/null && add_binary "$g" "$(command -v stress-ng)"
	# L2 project image: init, helpers, imr_host.ko, programs, the L3 image.
	p=$work/l2
	mkdir -p "$p/lib/imr" "$p/scenarios" "$p/guest" "$p/usr/bin"
	install -m 755 "$IMR_TOP/test/lab/l2-init" "$p/init"
	# l2lib.sh sources checklib.sh, vm.sh (the guests' harness) and quirks.sh
	# (the nested-TCG lab's workarounds, joined to vm.sh by its hook).
	cp "$IMR_TOP/test/lab/l2lib.sh" "$IMR_TOP/test/lab/checklib.sh" \
		"$IMR_TOP/test/lab/vm.sh" "$IMR_TOP/test/lab/quirks.sh" "$p/lib/imr/"
	cp "$hb/imr_host/imr_host.ko" "$hb/imr_guest/imr_guest.ko" "$p/lib/imr/"
	# Other users of the functions imr_host hooks (test/ipmod, hostabi).
	cp "$(test_modules ipmod "$host_k")"/*.ko "$p/lib/imr/"
	for sd in $scenario_dirs; do
		cp "$IMR_TOP/$sd"/*.host.sh "$p/scenarios/"
	done
	# Each variant becomes a host side of its own in L2: its settings, then
	# its base scenario, sourced as any scenario sources another.
	sed 's/#.*//' "$variants" | while read -r vn vb vs; do
		[ -n "$vn" ] || continue
		{
			echo "# $vn: $vb with its settings in test/scenarios/variants."
			set -f
			for kv in $vs; do
				case $kv in
				lab:*) ;;
				*\?=*) echo "${kv%%\?=*}=\${${kv%%\?=*}:-${kv#*\?=}}" ;;
				*) echo "$kv" ;;
				esac
			done
			set +f
			echo ". /scenarios/$vb.host.sh"
		} >"$p/scenarios/$vn.host.sh"
	done
	[ -d "$IMR_TOP/test/bin" ] && cp "$IMR_TOP"/test/bin/* "$p/usr/bin/" 2>/dev/null || true
	for pt in $parts; do
		ship=$(part_directive "$pt" ship)
		[ -z "$ship" ] || (cd "$IMR_TOP" && IMR_HOST_KVER=$host_k IMR_GUEST_KVER=$guest_k \
			$ship "$p" "$g") || die "ship step '$ship' failed"
	done
	cpio_of "$g" "$p/guest/initrd.cpio"
	cpio_of "$p" "$work/project.cpio"
	cat "$base" "$work/project.cpio" >"$work/initrd.cpio"
}

# boot: start L2 in the background ($qpid), its console going to $log.
boot() {
	logs=$IMR_TOP/.build/lab-logs
	mkdir -p "$logs"
	log=$logs/$scenario-$host_k-$guest_k.log
	cut=
	if [ -n "$deadline" ] && [ $((deadline - $(date +%s))) -lt "$timeout_s" ]; then
		timeout_s=$((deadline - $(date +%s)))
		[ "$timeout_s" -gt 0 ] || timeout_s=1
		cut=1
	fi
	say "lab: [5/5] booting L2 ($host_k) for scenario '$scenario' (timeout ${timeout_s}s, log $log)"
	rc=0
	timeout "$timeout_s" "${IMR_L1_QEMU:-qemu-system-x86_64}" -nodefaults -no-user-config -nographic \
		-display none -monitor none -accel "tcg,thread=${IMR_L2_TCG_THREAD:-multi}" -cpu "$l2_cpu" -smp "$l2_cpus" \
		$l2_qemu -m "$l2_mem" -kernel "$hk/boot/vmlinuz-$host_k" -initrd "$work/initrd.cpio" \
		-append "console=ttyS0 panic_on_warn=1 oops=panic panic=-1 $l2_base imr.l3base=$(echo $l3_base | tr " " +) imr.scenario=$scenario $(echo "${IMR_L2_CMDLINE:-}") $l2_cmdline" \
		-serial stdio -serial "file:$work/tick" -no-reboot </dev/null >"$log" 2>&1 &
	qpid=$!
}

# watch: wait for L2 to end, and end it early when it cannot end well
# (below).
watch() {
	# A soft lockup never ends by itself (panic_on_warn does not cover it):
	# stop the run at once instead of waiting for the timeout.  Nor does an L2
	# that went silent: nested TCG sometimes stops delivering L2's timer, and
	# every sleeping task, the scenario's included, sleeps for ever (no
	# watchdog fires).  L2's /init writes a tick to its second serial port
	# every 2 s (test/lab/l2-init), so a tick file that stopped growing for
	# IMR_LAB_TICK_S seconds (default 30) means L2's scheduler is dead,
	# whatever the scenario is doing: the run ends then, not at its timeout.
	# The console-silence limit (IMR_LAB_SILENCE, default 300 s; scenarios
	# print at least once a minute while they wait, heartbeat in test/lab/quirks.sh)
	# stays as the backstop for an L2 that ticks but whose scenario hangs.
	silence=${IMR_LAB_SILENCE:-300}
	tick_limit=${IMR_LAB_TICK_S:-30}
	size=-1
	quiet=0
	tsize=0
	tquiet=0
	tgap=0
	silent=
	wedged=
	ptimeout=
	while kill -0 "$qpid" 2>/dev/null; do
		sleep 2
		if grep -q 'soft lockup' "$log" 2>/dev/null; then
			sleep 5
			kill "$qpid" 2>/dev/null || true
		fi
		now=$(wc -c <"$log" 2>/dev/null || echo 0)
		if [ "$now" = "$size" ]; then
			quiet=$((quiet + 2))
		else
			quiet=0
			size=$now
		fi
		tnow=$(wc -c <"$work/tick" 2>/dev/null || echo 0)
		if [ "$tnow" = "$tsize" ] && [ "$tnow" -gt 0 ]; then
			tquiet=$((tquiet + 2))
			[ $tquiet -le "$tgap" ] || tgap=$tquiet
		else
			tquiet=0
			tsize=$tnow
			tcpu=$(child_cpu_ticks "$qpid")
		fi
		if [ $tquiet -ge "$tick_limit" ] && [ -z "$wedged" ] &&
			! grep -q 'IMR-SCENARIO-END' "$log"; then
			wedged="L2 stopped ticking for ${tquiet}s (console quiet ${quiet}s, QEMU used $(($(child_cpu_ticks "$qpid") - ${tcpu:-0})) of $((tquiet * $(getconf CLK_TCK))) CPU ticks meanwhile): the lab's silent-L2 hang"
			kill "$qpid" 2>/dev/null || true
		fi
		if [ $quiet -ge "$silence" ]; then
			silent=1
			kill "$qpid" 2>/dev/null || true
		fi
		# A part of a group keeps its own time limit (its timeout directive,
		# else 600 s): the group's is the sum, and one part's hang must not
		# eat the others' time.
		if [ "$parts" != "$scenario" ]; then
			pnow=$(grep -ao 'IMR-PART-BEGIN [A-Za-z0-9_]*' "$log" 2>/dev/null | tail -n 1 | cut -d' ' -f2)
			if [ -n "$pnow" ] && [ "$pnow" != "${pcur:-}" ]; then
				pcur=$pnow
				pstart=$(date +%s)
				plimit=$(part_directive "$pcur" timeout)
				plimit=${plimit:-600}
			fi
			if [ -n "${pcur:-}" ] && [ -z "$ptimeout" ] && [ $(($(date +%s) - pstart)) -gt "$plimit" ]; then
				ptimeout="part $pcur ran past its ${plimit}s"
				kill "$qpid" 2>/dev/null || true
			fi
		fi
	done
	wait "$qpid" || rc=$?
	secs=$(($(date +%s) - start))
}

# l2_said ERE: L2's own kernel printed it (its lines start with the
# timestamp; a guest's carry its name first, "[g1] [  1.0] ...", and a
# guest that stalls on its host, e.g. a soft lockup while it waits for a
# page, is IMR's or the scenario's to explain, not the lab's).
l2_said() { grep -qE "^\[ *[0-9]+\.[0-9]+\] .*($1)" "$log"; }

# fail_class: the failure's class (docs/TESTING.md).  The lab's own come
# first: a check that failed because L2 died is the lab's failure, and
# "imr" is left for a run whose L2 stayed up and whose checks or kernel
# said no.
fail_class() {
	if [ -n "$wedged" ]; then echo silent-l2
	elif l2_said 'stack guard page was hit|corrupted stack end'; then echo stack-guard
	elif l2_said 'Oops: int3|soft lockup'; then echo stale-int3
	elif [ -n "$silent" ]; then echo scenario-hang
	elif [ $rc -eq 124 ] || [ -n "$ptimeout" ]; then echo timeout
	elif ! grep -q 'IMR-SCENARIO-END' "$log" && [ -z "$bad" ]; then echo l2-reset
	else echo imr
	fi
}

# verdict: what the run's log says, as a line and in $log.parts; the
# exit status.
verdict() {
	# Verdict.
	rm -f "$log.class"
	fail=
	[ -n "$silent" ] && fail="L2 printed nothing for ${silence}s (wedged)"
	[ -n "$wedged" ] && fail="$wedged"
	cutmsg=" (cut to the time budget of make check)"
	[ $rc -eq 124 ] && fail="timeout after ${timeout_s}s${cut:+$cutmsg}"
	[ -n "$ptimeout" ] && fail="${fail:+$fail; }$ptimeout"
	grep -q 'IMR-SCENARIO-END rc=0' "$log" || fail="${fail:+$fail; }no clean end marker"
	bad=$(grep -nE 'BUG:|WARNING:|Oops|Call Trace|Kernel panic|general protection|soft lockup|hung_task|lockdep|UBSAN|KASAN' "$log" | head -n 5 || true)
	[ -n "$bad" ] && fail="${fail:+$fail; }kernel complained: $bad"
	npass=$(grep -c 'IMR-RESULT: PASS' "$log" || true)
	nfail=$(grep -c 'IMR-RESULT: FAIL' "$log" || true)
	[ "$nfail" -gt 0 ] && fail="${fail:+$fail; }$nfail check(s) failed"
	grep -E 'IMR-RESULT|IMR-REPORT' "$log" | sed 's/^/  /' >&2 || true
	# Each part's verdict ("NAME PASS|FAIL|NOTRUN CLASS" lines in $log.parts): a
	# part owns the lines from its IMR-PART-BEGIN to the next one, so what L2's
	# reset after it printed is its own (and the first part what L2 printed
	# before it).  It passed if it ended with rc=0 and its lines hold no failed
	# check and no kernel complaint; a part that never began (L2 died before)
	# did not run, and one that began but did not end (timeout, silence, L2's
	# death) failed, with the run's class; so did the first part if L2 died
	# before it began.  A part that ended and failed has the class its own
	# lines give: an IMR check that failed in one part is never retried as the
	# lab's fault because L2 died in a later one.
	class=
	[ -z "$fail" ] || class=$(fail_class)
	awk -v parts="$parts" -v runclass="${class:-}" '
		BEGIN { n = split(parts, order, " "); cur = order[1] }
		{ sub(/\r+$/, "") }
		# Markers may share a line with a kernel message printed meanwhile.
		match($0, /IMR-PART-BEGIN [A-Za-z0-9_]+/) {
			cur = substr($0, RSTART + 15, RLENGTH - 15); began[cur] = 1; last = cur
		}
		$0 ~ ("IMR-PART-END " cur " rc=0([^0-9]|$)") { ended[cur] = 1 }
		$0 ~ ("IMR-PART-END " cur " ") { over[cur] = 1 }
		/IMR-SCENARIO-END/ { scend = 1 }
		/IMR-RESULT: FAIL/ && !over[cur] { own[cur] = 1 }
		/IMR-RESULT: FAIL|BUG:|WARNING:|Oops|Call Trace|Kernel panic|general protection|soft lockup|hung_task|lockdep|UBSAN|KASAN/ { bad[cur] = 1 }
		/^\[ *[0-9]+\.[0-9]+\] .*(stack guard page was hit|corrupted stack end)/ { sg[cur] = 1 }
		/^\[ *[0-9]+\.[0-9]+\] .*(Oops: int3|soft lockup)/ { i3[cur] = 1 }
		END {
			# A run that passed: every part passed, as lab.sh says.
			if (runclass == "") {
				for (i = 1; i <= n; i++) print order[i], "PASS", "-"
				exit
			}
			nbad = 0
			for (i = 1; i <= n; i++) {
				p = order[i]
				c[p] = "-"
				if (!began[p] && i > 1) { v[p] = "NOTRUN"; continue }
				if (ended[p] && !bad[p]) { v[p] = "PASS"; continue }
				v[p] = "FAIL"
				nbad++
				# Its own checks said no: class imr, whatever L2 did afterwards.
				if (own[p]) c[p] = "imr"
				# It never ended: the class of the run, except that a run classed
				# imr for a complaint in another part, in which this one died
				# silently, is an L2 reset here.
				else if (!over[p]) c[p] = (runclass == "imr" && !bad[p] && !scend) ? "l2-reset" : runclass
				else if (sg[p]) c[p] = "stack-guard"
				else if (i3[p]) c[p] = "stale-int3"
				else c[p] = "imr"
			}
			# The run failed, yet every part looks clean (L2 died while powering
			# off, say): the last part that ran takes the blame.
			if (!nbad) {
				p = last != "" ? last : order[1]
				v[p] = "FAIL"
				c[p] = runclass
			}
			for (i = 1; i <= n; i++) print order[i], v[order[i]], c[order[i]]
		}' "$log" >"$log.parts"
	if [ -n "$fail" ]; then
		echo "$class" >"$log.class"
		say "lab: longest gap between L2's ticks: ${tgap}s (limit ${tick_limit}s)"
		say "lab: FAIL $scenario (host $host_k, guest $guest_k) in ${secs}s [$class]: $fail"
		[ "$parts" = "$scenario" ] || say "lab: parts: $(tr '\n' ' ' <"$log.parts")"
		say "lab: last lines of $log:"
		tail -n 30 "$log" >&2
		exit 1
	fi
	say "lab: longest gap between L2's ticks: ${tgap}s (limit ${tick_limit}s)"
	say "lab: PASS $scenario (host $host_k, guest $guest_k) in ${secs}s: $npass checks passed"
}

build
base_image
images
boot
watch
verdict
