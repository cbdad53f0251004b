# cyclesrepronone: cyclesrepro without any kprobe (VM churn only).
REPRO_MODE=none
. /scenarios/cyclesrepro.host.sh
