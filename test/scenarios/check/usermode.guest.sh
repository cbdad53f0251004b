# usermode (guest side): umcall runs as root (pagemap's frame numbers need
# it), but in user mode (CPL 3), which is what KVM checks.
umcall 8 50 >/tmp/um.out 2>&1
rc=$?
cat /tmp/um.out
echo "IMR-REPORT $(grep '^umcall:' /tmp/um.out)"
check usermode-eperm-and-intact test $rc -eq 0
check usermode-all-eperm grep -q ' other=0 ' /tmp/um.out
check usermode-no-lost-words grep -q 'lost_words=0$' /tmp/um.out
