# cyclesreproimr: cyclesrepro with insmod/rmmod imr_host as the kprobe user.
REPRO_MODE=imr
. /scenarios/cyclesrepro.host.sh
