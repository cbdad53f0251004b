# demo (guest): touch 512 MiB, hold it 2 s, free it, wait imr.win seconds.
# The process stays alive through the window, as a service dropping a
# cache would (one that exits flushes the per-CPU free lists and flatters
# the result), and frees from one thread per vCPU.
. /gscen/bench_lib.guest.sh
bench_setup || exit 1
sleep 1
memtouch 512 2000 $(((BENCH_WIN + 30) * 1000)) "$(nproc)" >/tmp/memtouch.out 2>&1 &
mt=$!
wait_until 180 grep -q munmap_us /tmp/memtouch.out
cat /tmp/memtouch.out
sleep "$BENCH_WIN"
mark done
kill "$mt"
# Killed on purpose: its status is 143, and it would be the script's.
wait "$mt" 2>/dev/null || :
