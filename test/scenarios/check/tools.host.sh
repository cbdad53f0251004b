# tools: imrstat on a real imr_host.  Without the module it prints the
# documented message and exits 3; with a guest reporting (tools.guest.sh),
# its --json, --prometheus and text figures agree with sysfs read right
# before and right after it (counters only grow); a VM row names the
# guest's QEMU; rmmod while it runs gives the "unloaded" line and exit 3.
# The --prometheus output goes to the console between IMR-PROM-BEGIN/END
# lines; test/tools-check.sh runs promtool on it from the lab log.

# t_within, t_mib, jnum, pnum, t_unload: test/lab/checklib.sh.
H=/sys/kernel/imr/host
counters="reclaimed_bytes skipped_bytes reports ranges rejected_ranges errors"

# -- no module
imrstat >/tmp/none.out 2>/tmp/none.err
check tools-nomod-exit3 test $? -eq 3
check tools-nomod-message grep -q '^imrstat: no IMR module loaded: neither /sys/kernel/imr/host (imr_host) nor /sys/kernel/imr/guest (imr_guest) exists$' /tmp/none.err
check tools-nomod-stdout-empty test ! -s /tmp/none.out
imrstat --prometheus >/tmp/none.prom 2>/dev/null
check tools-nomod-prom-exit3 test $? -eq 3
check tools-nomod-prom-up0 grep -q '^imr_up{side="host"} 0$' /tmp/none.prom

check host-insmod insmod /lib/imr/imr_host.ko
start_guest g1 tools 1024 1
boot_wait
qpid=$(guest_pid g1)
if wait_mark g1 tools-go 300; then
	# The guest has reported; its QEMU is still running (it sleeps).
	vmdir=$(ls -d "$H/vms/$qpid-"* 2>/dev/null | head -1)
	check tools-vm-dir-is-qemu test -n "$vmdir"
	vm=$(basename "${vmdir:-none-0}")
	check tools-host-reclaimed-nonzero test "$(hsys reclaimed_bytes)" -gt 0

	# --json: host and per-VM counters.
	for c in $counters; do eval "b_$c=\$(hsys $c)"; eval "vb_$c=\$(cat $vmdir/$c)"; done
	json=$(imrstat -1 --json)
	check tools-json-rc test $? -eq 0
	for c in $counters; do eval "a_$c=\$(hsys $c)"; eval "va_$c=\$(cat $vmdir/$c)"; done
	echo "IMR-REPORT imrstat-json $json"
	hj=$(echo "$json" | sed -n 's/.*"host":{\(.*\),"vms":.*/\1/p')
	vj=$(echo "$json" | sed -n "s/.*{\"name\":\"$vm\",\([^}]*\)}.*/\1/p")
	echo "$json" >/tmp/host.json
	check tools-json-guest-null grep -q '"guest":null}$' /tmp/host.json
	for c in $counters; do
		eval "t_within tools-json-$c \$b_$c \"\$(jnum \"\$hj\" $c)\" \$a_$c"
		eval "t_within tools-json-vm-$c \$vb_$c \"\$(jnum \"\$vj\" $c)\" \$va_$c"
	done
	check tools-json-enabled test "$(jnum "$hj" enabled)" = "$(hsys enabled)"
	check tools-json-vm-pid test "$(jnum "$vj" vmm_pid)" = "$qpid"

	# --prometheus: the same, in base units.
	for c in $counters; do eval "b_$c=\$(hsys $c)"; eval "vb_$c=\$(cat $vmdir/$c)"; done
	prom=$(imrstat --prometheus)
	check tools-prom-rc test $? -eq 0
	for c in $counters; do eval "a_$c=\$(hsys $c)"; eval "va_$c=\$(cat $vmdir/$c)"; done
	echo "IMR-PROM-BEGIN"
	echo "$prom"
	echo "IMR-PROM-END"
	lab="{vmm_pid=\"$qpid\",vm=\"${vm#*-}\"}"
	for c in $counters; do
		eval "t_within tools-prom-$c \$b_$c \"\$(pnum \"\$prom\" imr_host_${c}_total)\" \$a_$c"
		eval "t_within tools-prom-vm-$c \$vb_$c \"\$(pnum \"\$prom\" imr_host_vm_${c}_total\$lab)\" \$va_$c"
	done
	check tools-prom-up test "$(pnum "$prom" 'imr_up{side="host"}')" = 1
	check tools-prom-up-guest test "$(pnum "$prom" 'imr_up{side="guest"}')" = 0
	check tools-prom-enabled test "$(pnum "$prom" imr_host_enabled)" = "$(hsys enabled)"
	check tools-prom-vm-enabled test "$(pnum "$prom" "imr_host_vm_enabled$lab")" = "$(cat "$vmdir/enabled")"

	# Text, -v: the host line's MiB and reports, and a row for the VM.
	b=$(hsys reclaimed_bytes); br=$(hsys reports)
	imrstat -1 -v >/tmp/text.out
	a=$(hsys reclaimed_bytes); ar=$(hsys reports)
	cat /tmp/text.out
	line=$(awk '$1 == "all"' /tmp/text.out)
	mib=$(echo "$line" | awk '{ print $5 }')
	t_mib tools-text-mib "$b" "$mib" "$a"
	t_within tools-text-reports "$br" "$(echo "$line" | awk '{ print $6 }')" "$ar"
	check tools-text-vm-row grep -Eq "^ +$qpid +${vm#*-} " /tmp/text.out

	# Interval mode: 3 lines, exit 0.
	imrstat -v 0.5 3 >/tmp/int.out
	check tools-interval-rc test $? -eq 0
	cat /tmp/int.out
	check tools-interval-lines test "$(grep -c '^ *all ' /tmp/int.out)" -eq 3
else
	result FAIL tools-guest-mark "guest never printed IMR-MARK tools-go"
fi
wait_guest g1 300

# The VM's directory goes with the VM.
wait_until 5 host_vms_gone
imrstat -1 --json >/tmp/after.json
check tools-json-vm-gone grep -q '"vms":\[\]' /tmp/after.json

# rmmod while imrstat runs: the documented line, exit 3 (t_unload).
t_unload host
