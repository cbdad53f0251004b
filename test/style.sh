#!/bin/sh
# checkpatch.pl --strict (from Debian's linux-source-6.1) on our kernel C
# files (common/, imr_guest/, imr_host/).  Prints every finding that is not
# an exception below and exits 1 if there is one, 0 when clean, 2 when
# checkpatch cannot run.  Used by `make style` and `make check`.
set -eu
. "$(dirname "$0")/lab/common.sh"
src=/usr/src/linux-source-6.1.tar.xz
[ -f "$src" ] || die "checkpatch needs $src: apt-get install linux-source-6.1"
cp_dir=$IMR_CACHE/checkpatch
if [ ! -f "$cp_dir/scripts/checkpatch.pl" ] || [ "$src" -nt "$cp_dir/scripts/checkpatch.pl" ]; then
	mkdir -p "$cp_dir"
	tar -C "$cp_dir" --strip-components=1 -xJf "$src" --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
	touch "$cp_dir/scripts/checkpatch.pl"
fi
cd "$IMR_TOP"
files=$(git ls-files 'common/*.[ch]' 'imr_guest/*.[ch]' 'imr_host/*.[ch]' 2>/dev/null ||
	ls common/*.[ch] imr_guest/*.[ch] imr_host/*.[ch])

# Ignored everywhere: FILE_PATH_CHANGES (a MAINTAINERS reminder for in-tree
# patches; we are out of tree).
ignore=FILE_PATH_CHANGES

# Exceptions, one per line: FILE TYPE, each with its reason.
exceptions='
# compat.h is the one place that compares kernel versions (as in
# the WireGuard compat tree; .c files test named features at most):
# the #error fence and IMR_EXTFRAG_ALLOCATES.  checkpatch flags the macro
# and sees two constants in "LINUX_VERSION_CODE < KERNEL_VERSION(...)".
common/compat.h LINUX_VERSION_CODE
common/compat.h CONSTANT_COMPARISON
# The ABI header also compiles in user space (test/hc_test.c, tools/,
# KUnit, any VMM) where u64 and BIT() do not exist, like
# include/uapi/linux/kvm_para.h.
common/imr_abi.h PREFER_KERNEL_TYPES
common/imr_abi.h BIT_MACRO
# IMR_STAT_ATTR(name) pastes "name" into identifiers and __ATTR_RO(name);
# it is never evaluated, so reusing it has no side effects.
imr_guest/sysfs.c MACRO_ARG_REUSE
'
# shellcheck disable=SC2086
out=$(perl "$cp_dir/scripts/checkpatch.pl" --no-tree --strict --terse --show-types \
	--ignore "$ignore" -f $files 2>&1) || true
nfiles=$(echo "$files" | wc -w)
# --terse prints only findings and a "total:" line per file with findings;
# anything else means checkpatch itself failed.
odd=$(echo "$out" | grep -vE '^$|^total: |^[^:]+:[0-9]+: (ERROR|WARNING|CHECK):' || true)
if [ -n "$odd" ]; then
	echo "$out" >&2
	die "checkpatch did not run cleanly"
fi
findings=$(echo "$out" | grep -v '^total: ' | grep -v '^$' |
	awk -v ex="$exceptions" '
		BEGIN {
			n = split(ex, l, "\n")
			for (i = 1; i <= n; i++)
				if (l[i] !~ /^#/ && split(l[i], f, " ") == 2)
					skip[f[1] " " f[2]] = 1
		}
		{
			split($0, p, ":")
			type = p[4]
			if (!((p[1] " " type) in skip))
				print
		}' || true)
if [ -n "$findings" ]; then
	echo "$findings"
	echo "style: $(echo "$findings" | wc -l) checkpatch finding(s) in $nfiles files"
	exit 1
fi
echo "style: checkpatch --strict clean ($nfiles files, exceptions in test/style.sh)"
