# lab: timeout=400
# wedge: a test of the lab itself, run by make check, which expects it to
# FAIL.  It stops L2's tick (test/lab/l2-init) and then waits quietly, the
# way a silently hung L2 looks from outside; test/lab.sh must end the run
# within IMR_LAB_TICK_S (30 s) with "L2 stopped ticking", not after its
# 300 s console-silence limit or the timeout.
echo "wedge: stopping the tick ($(cat /tmp/ticker.pid)) and going quiet"
kill -STOP "$(cat /tmp/ticker.pid)"
sleep 350
result FAIL wedge-not-detected "lab.sh let a stopped tick run for 350 s"
