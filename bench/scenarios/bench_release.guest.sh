# bench_release (guest): touch 512 MiB, hold 1 s, free it (memtouch prints
# "IMR-MARK free" just before munmap and munmap_us after), then give the host
# imr.win seconds before "IMR-MARK done" ends the measurement window.
. /gscen/bench_lib.guest.sh
bench_setup || exit 1
sleep 2
bench_trace_on
memtouch 512 1000
sleep "$BENCH_WIN"
mark done
bench_stats release
