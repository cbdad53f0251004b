# fuzzlong: fuzz with 100,000 hypercalls (see fuzz.host.sh).
# lab: timeout=1200
FUZZ_CALLS=100000
VICTIM_SECS=${VICTIM_SECS:-150}
FUZZ_WAIT=900
. /scenarios/fuzz.host.sh
