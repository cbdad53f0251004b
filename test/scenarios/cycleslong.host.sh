# cycleslong: cycles with 50 imr_guest and 50 imr_host cycles, on one L2
# vCPU.  With two, multi-threaded TCG let L2 and the L3 guest execute stale
# int3s left by live text patching (kprobe arming, static keys) and reset
# or crashed one of them in 5 of 6 runs on 6.12, also outside IMR's code
# (docs/lab-notes.md: "Module cycling on a 6.12 lab host"); on one vCPU
# the same run passed 3 of 3.  `cycles` (10 + 10) keeps two L2 vCPUs.
# lab: l2-cpus=1
# lab: timeout=900
CYCLES=50
P2SECS=${P2SECS:-90}
. /scenarios/cycles.host.sh
