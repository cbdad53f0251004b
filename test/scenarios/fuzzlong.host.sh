# fuzzlong: fuzz with 100,000 hypercalls (see fuzz.host.sh).
FUZZ_CALLS=100000
VICTIM_SECS=${VICTIM_SECS:-150}
. /scenarios/fuzz.host.sh
