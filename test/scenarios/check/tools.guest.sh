# tools (guest side): imrstat on a real imr_guest.  Without the module:
# message and exit 3.  While memtouch makes the guest report, text rates
# show up; then --json, --prometheus and text agree with sysfs read right
# before and after (counters only grow).  "tools-go" lets the host check its
# side while this guest still runs; rmmod during imrstat: line and exit 3.

# t_within, t_mib, jnum, pnum, t_unload: test/lab/checklib.sh.
G=/sys/kernel/imr/guest
counters="reported_bytes reports report_errors reused_bytes"
knobs="enabled min_order delay_ms reserve_kib"

imrstat >/tmp/none.out 2>/tmp/none.err
check tools-nomod-exit3 test $? -eq 3
check tools-nomod-message grep -q '^imrstat: no IMR module loaded: neither /sys/kernel/imr/host (imr_host) nor /sys/kernel/imr/guest (imr_guest) exists$' /tmp/none.err

check guest-insmod insmod /lib/imr/imr_guest.ko
sleep 1
# Rates while the guest frees memory: some interval must show MiB/s > 0.
# imrstat stops cleanly (exit 0) on SIGTERM.
imrstat 0.5 >/tmp/int.out 2>&1 &
sp=$!
memtouch 256 500
sleep 2
kill $sp
wait $sp
check tools-interval-rc test $? -eq 0
cat /tmp/int.out
check tools-interval-rate awk 'NR > 3 && $1 != "-" && $1 > 0 { ok = 1 } END { exit !ok }' /tmp/int.out
sleep 1
check tools-guest-reported-nonzero test "$(gsys reported_bytes)" -gt 0

# --json
for c in $counters; do eval "b_$c=\$(gsys $c)"; done
json=$(imrstat -1 --json)
check tools-json-rc test $? -eq 0
for c in $counters; do eval "a_$c=\$(gsys $c)"; done
echo "IMR-REPORT imrstat-json $json"
gj=$(echo "$json" | sed -n 's/.*"guest":{\(.*\)}}$/\1/p')
echo "$json" >/tmp/guest.json
check tools-json-host-null grep -q '"host":null,' /tmp/guest.json
for c in $counters; do
	eval "t_within tools-json-$c \$b_$c \"\$(jnum \"\$gj\" $c)\" \$a_$c"
done
for k in $knobs; do
	check "tools-json-$k" test "$(jnum "$gj" $k)" = "$(gsys $k)"
done

# --prometheus, base units
for c in $counters; do eval "b_$c=\$(gsys $c)"; done
prom=$(imrstat --prometheus)
check tools-prom-rc test $? -eq 0
for c in $counters; do eval "a_$c=\$(gsys $c)"; done
echo "IMR-PROM-BEGIN"
echo "$prom"
echo "IMR-PROM-END"
for c in $counters; do
	eval "t_within tools-prom-$c \$b_$c \"\$(pnum \"\$prom\" imr_guest_${c}_total)\" \$a_$c"
done
check tools-prom-up test "$(pnum "$prom" 'imr_up{side="guest"}')" = 1
check tools-prom-up-host test "$(pnum "$prom" 'imr_up{side="host"}')" = 0
check tools-prom-enabled test "$(pnum "$prom" imr_guest_enabled)" = "$(gsys enabled)"
check tools-prom-min-order test "$(pnum "$prom" imr_guest_min_order)" = "$(gsys min_order)"
check tools-prom-reserve test "$(pnum "$prom" imr_guest_reserve_bytes)" = "$(($(gsys reserve_kib) * 1024))"
check tools-prom-delay awk -v p="$(pnum "$prom" imr_guest_delay_seconds)" -v s="$(gsys delay_ms)" 'BEGIN { exit !(p != "" && p * 1000 == s) }'

# Text: MiB and reports of the one line.
b=$(gsys reported_bytes); br=$(gsys reports)
imrstat -1 >/tmp/text.out
a=$(gsys reported_bytes); ar=$(gsys reports)
cat /tmp/text.out
mib=$(awk 'NR == 3 { print $3 }' /tmp/text.out)
t_mib tools-text-mib "$b" "$mib" "$a"
t_within tools-text-reports "$br" "$(awk 'NR == 3 { print $4 }' /tmp/text.out)" "$ar"

# The host checks its side now (this VM must still exist); give it time.
mark tools-go
sleep 12

# rmmod while imrstat runs: the documented line, exit 3 (t_unload).
t_unload guest
