# demo (guest): touch 512 MiB, hold it 2 s, free it, wait imr.win seconds.
. /gscen/bench_lib.guest.sh
bench_setup || exit 1
sleep 1
memtouch 512 2000
sleep "$BENCH_WIN"
mark done
