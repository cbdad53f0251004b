# bench_frag (guest): free memory left in small pieces.  A 96 MiB tmpfs file
# behind /dev/loop0 gives droppable page cache; fragment interleaves 4
# processes' anonymous 64 KiB chunks (384 MiB) with 64 KiB reads of the loop
# device (96 MiB of page cache), then frees: odd processes exit, even ones
# MADV_DONTNEED every other chunk, drop_caches 3.  Expected free: 288 MiB
# anonymous + 96 MiB page cache.
. /gscen/bench_lib.guest.sh
bench_setup || exit 1
dev=
if insmod /usr/bin/bench-kmod-loop.ko 2>/dev/null || grep -q '^loop ' /proc/modules; then
	dd if=/dev/zero of=/tmp/pc.img bs=1M count=96 2>/dev/null
	i=0
	while [ ! -b /dev/loop0 ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
	losetup /dev/loop0 /tmp/pc.img && dev=/dev/loop0
fi
[ -n "$dev" ] || echo "bench: no loop device: page cache part skipped"
sleep 2
bench_trace_on
fragment 4 384 64 $((BENCH_WIN * 1000)) $dev
# Stay up while the host runs its shrinkers and looks again
# (bench_frag.host.sh); what was freed stays free meanwhile.
sleep 30
pc=0
[ -n "$dev" ] && pc=$((96 * 1024))
echo "IMR-REPORT fragguest mode=$BENCH_MODE expected_kib=$((288 * 1024 + pc)) memfree_kib=$(sed -n 's/MemFree: *\([0-9]*\).*/\1/p' /proc/meminfo)"
bench_stats frag
