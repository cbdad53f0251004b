# cycleslong: cycles with 50 imr_guest and 50 imr_host cycles.
CYCLES=50
P2SECS=${P2SECS:-90}
. /scenarios/cycles.host.sh
