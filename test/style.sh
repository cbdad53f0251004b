#!/bin/sh
# checkpatch.pl --strict (from Debian's linux-source-6.1) on our C files.
# Exceptions, if any, are justified in a comment next to the code.
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
# Ignored, with reasons: FILE_PATH_CHANGES/SPDX are for in-tree patches;
# trace.h must include itself via TRACE_INCLUDE_FILE the way every
# tracepoint header does.
perl "$cp_dir/scripts/checkpatch.pl" --no-tree --strict --terse --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG,LINUX_VERSION_CODE \
	-f $files
