# bench_oc (guest): one turn of the overcommit run: touch 1.2 GiB, free it,
# say "IMR-MARK done", then stay up (idle, holding whatever the host did not
# get back) until the host ends the run.
. /gscen/bench_lib.guest.sh
bench_setup || exit 1
sleep 1
memtouch 1228 500
mark done
bench_stats oc
sleep 3600
