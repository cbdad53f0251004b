#!/bin/sh
# deb-check: the Debian packages on this machine (as root, Debian 12, both
# supported kernels' headers installed).  `make deb` (into .build/deb),
# lintian on both .debs (no error, no warning that is not overridden),
# the version is dkms.conf's everywhere, `apt-get install ./...deb` of
# imr-dkms and imr-tools, then: dkms built and installed imr for the 6.1
# and the 6.12 kernel, each installed .ko is the dkms copy and its vermagic
# names its kernel, imrstat runs from /usr/sbin, the man pages, configs,
# exporter unit (installed, not enabled) and alert rules are in place; and
# `apt-get purge` of both leaves nothing: no package file, nothing of imr
# under /lib/modules/*/updates, /usr/src/imr-*, /var/lib/dkms/imr.
# Ends with "deb-check: N passed, N failed"; exit 1 on any failure.  The
# packages are purged on every exit, so the machine is left as it was.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
t=$(mktemp -d /tmp/imr-deb.XXXXXX)
out=$top/.build/deb
installed=
t0=$(date +%s)
export DEBIAN_FRONTEND=noninteractive

. "$top/test/checks.sh"
finish() {
	echo "deb-check: $pass passed, $fail failed ($(($(date +%s) - t0))s)"
	[ $fail -eq 0 ]
}
pkg_present() { dpkg-query -W -f '${db:Status-Abbrev}' "$1" 2>/dev/null | grep -q '^.[^n]'; }
cleanup() {
	if [ -n "$installed" ] && { pkg_present imr-dkms || pkg_present imr-tools; }; then
		echo "deb-check: purging imr-dkms imr-tools"
		apt-get purge -y -qq imr-dkms imr-tools >/dev/null 2>&1
	fi
	[ -n "${KEEP:-}" ] || rm -rf "$t"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---- prerequisites: any missing ends the check -----------------------------
pre=
[ "$(id -u)" = 0 ] || pre="$pre; not root (apt-get install and dkms need it)"
for c in dpkg-buildpackage dh dh_dkms lintian dkms apt-get modinfo; do
	command -v $c >/dev/null || pre="$pre; $c missing (test/deps.sh installs it)"
done
k61=$(test/kvers.sh 6.1) || pre="$pre; no 6.1 kernel name"
k612=$(test/kvers.sh 6.12) || pre="$pre; no 6.12 kernel name"
for k in ${k61:-} ${k612:-}; do
	[ -e "/lib/modules/$k/build/include" ] || pre="$pre; no headers for $k (apt-get install linux-headers-$k)"
done
for p in imr-dkms imr-tools; do
	pkg_present $p && pre="$pre; $p is installed already (apt-get purge $p first)"
done
command -v dkms >/dev/null && [ -n "$(dkms status -m imr 2>/dev/null)" ] &&
	pre="$pre; imr is in dkms already (make dkms-remove first)"
if [ -n "$pre" ]; then
	ko prereq "${pre#; }"
	finish
	exit 1
fi
ok prereq

# ---- build, lintian, one version -------------------------------------------
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
if make -s deb >"$t/build.log" 2>&1; then
	ok build
else
	tail -n 30 "$t/build.log"
	ko build "make deb failed (the end of its output is above)"
	finish
	exit 1
fi
dkms_deb=$(ls "$out"/imr-dkms_"${ver}"_all.deb 2>/dev/null)
tools_deb=$(ls "$out"/imr-tools_"${ver}"_*.deb 2>/dev/null)
if [ -z "$dkms_deb" ] || [ -z "$tools_deb" ]; then
	ko debs "no imr-dkms_${ver}_all.deb or imr-tools_${ver}_*.deb in $out: $(ls "$out")"
	finish
	exit 1
fi
if lintian --fail-on error,warning "$dkms_deb" "$tools_deb" >"$t/lintian" 2>&1; then
	ok lintian
else
	sed 's/^/  /' "$t/lintian"
	ko lintian "an error or a warning (above); fix it or override it with the reason"
fi
# Where a copy of the version cannot read dkms.conf, it must agree with it.
vers_ok() {
	r=0
	for d in "$dkms_deb" "$tools_deb"; do
		v=$(dpkg-deb -f "$d" Version)
		[ "$v" = "$ver" ] || { echo "  $(basename "$d"): Version $v, dkms.conf $ver"; r=1; }
	done
	for m in tools/imrstat.8 tools/imr.4; do
		grep -q "^\.TH .*\"IMR $ver\"" $m || { echo "  $m: .TH does not say \"IMR $ver\""; r=1; }
	done
	grep -Eq "^IMR_VERSION *\?= *$ver\$" tools/Makefile ||
		{ echo "  tools/Makefile: default IMR_VERSION is not $ver"; r=1; }
	return $r
}
t_check version-one-place vers_ok

# ---- install ---------------------------------------------------------------
# What each package holds, and which of those paths the machine has now
# (directories such as /usr/sbin are not ours to remove).
for d in "$dkms_deb" "$tools_deb"; do
	dpkg-deb -c "$d" | awk '{ sub(/^\./, "", $6); print $6 }'
done | sed 's|/$||' | grep -v '^$' | sort -u >"$t/paths"
while read -r p; do [ -e "$p" ] || [ -L "$p" ] || echo "$p"; done <"$t/paths" >"$t/ours"
dkms_paths() {
	{
		find /lib/modules/*/updates /var/lib/dkms/imr 2>/dev/null
		find /usr/src -maxdepth 1 -name 'imr-*' -exec find {} + 2>/dev/null
	} | sort -u
}
dkms_paths >"$t/before"

installed=1
if apt-get install -y "$dkms_deb" "$tools_deb" >"$t/install.log" 2>&1; then
	ok install
else
	tail -n 40 "$t/install.log"
	ko install "apt-get install of both .debs failed (above)"
fi

for s in 6.1 6.12; do
	[ $s = 6.1 ] && k=$k61 || k=$k612
	# At install, dkms builds for the running kernel and the newest one
	# with a /boot/config (or, in a chroot, for every kernel); a kernel
	# whose headers come later gets it from the headers' own hook.  If the
	# postinst left this kernel out, run that hook, as a headers upgrade
	# would.
	if ! dkms status -m imr -v "$ver" -k "$k" 2>/dev/null | grep -q ': installed'; then
		echo "deb-check: the postinst did not build imr for $k; running /etc/kernel/header_postinst.d/dkms $k"
		/etc/kernel/header_postinst.d/dkms "$k" >>"$t/install.log" 2>&1
	fi
	st=$(dkms status -m imr -v "$ver" -k "$k" 2>/dev/null)
	case $st in
	*": installed"*) ok "dkms-$s" ;;
	*) ko "dkms-$s" "dkms status for $k: ${st:-nothing}" ;;
	esac
	for m in imr_guest imr_host; do
		ko_path=$(modinfo -k "$k" -n $m 2>/dev/null)
		vm=$(modinfo -k "$k" -F vermagic $m 2>/dev/null)
		case $ko_path in
		/lib/modules/"$k"/updates/*) ;;
		*) ko "modinfo-$m-$s" "modinfo -k $k finds ${ko_path:-no $m}, not a dkms copy in /lib/modules/$k/updates"; continue ;;
		esac
		if [ "${vm%% *}" = "$k" ]; then
			ok "modinfo-$m-$s"
		else
			ko "modinfo-$m-$s" "$ko_path: vermagic '$vm', kernel $k"
		fi
	done
done

imrstat_ok() {
	p=$(command -v imrstat) || { echo "  imrstat is not on PATH"; return 1; }
	case $p in
	/usr/sbin/imrstat | /usr/bin/imrstat) ;;
	*) echo "  imrstat is $p"; return 1 ;;
	esac
	"$p" -h >/dev/null || { echo "  imrstat -h failed"; return 1; }
	v=$("$p" --version)
	[ "$v" = "imrstat $ver" ] || { echo "  imrstat --version: $v"; return 1; }
}
t_check imrstat imrstat_ok
files_ok() {
	r=0
	for f in /usr/share/man/man8/imrstat.8.gz /usr/share/man/man4/imr.4.gz; do
		[ -f $f ] || { echo "  $f missing"; r=1; }
	done
	cf=$(dpkg-query -W -f '${Conffiles}' imr-tools)
	for f in /etc/modprobe.d/imr.conf /etc/modules-load.d/imr.conf; do
		echo "$cf" | grep -q " $f " || { echo "  $f is not a conffile of imr-tools"; r=1; }
	done
	if [ -f tools/systemd/imr-exporter.service ]; then
		[ -f /lib/systemd/system/imr-exporter.service ] ||
			{ echo "  /lib/systemd/system/imr-exporter.service missing"; r=1; }
		if ls /etc/systemd/system/*/imr-exporter.service >/dev/null 2>&1; then
			echo "  imr-exporter.service was enabled by the install"
			r=1
		fi
	fi
	if [ -f tools/prometheus/imr-rules.yml ]; then
		[ -f /usr/share/imr/prometheus/imr-rules.yml ] ||
			{ echo "  /usr/share/imr/prometheus/imr-rules.yml missing"; r=1; }
	fi
	return $r
}
t_check files files_ok

# ---- purge -----------------------------------------------------------------
if apt-get purge -y imr-dkms imr-tools >"$t/purge.log" 2>&1; then
	ok purge
else
	tail -n 30 "$t/purge.log"
	ko purge "apt-get purge failed (above)"
fi
installed=
purged_ok() {
	r=0
	for p in imr-dkms imr-tools; do
		pkg_present $p && { echo "  $p: $(dpkg-query -W -f '${db:Status-Abbrev}' $p)"; r=1; }
	done
	st=$(dkms status -m imr 2>/dev/null)
	[ -z "$st" ] || { echo "  dkms status: $st"; r=1; }
	while read -r p; do
		if [ -e "$p" ] || [ -L "$p" ]; then echo "  left: $p"; r=1; fi
	done <"$t/ours"
	dkms_paths >"$t/after"
	comm -13 "$t/before" "$t/after" | sed 's/^/  left: /' | grep . && r=1
	for k in $k61 $k612; do
		if p=$(modinfo -k "$k" -n imr_guest 2>/dev/null); then
			echo "  modinfo -k $k still finds imr_guest: $p (depmod)"
			r=1
		fi
	done
	return $r
}
t_check purged-clean purged_ok

finish
