#!/bin/sh
# /init of the equivalence scenario, the same natively (on ttyS0) and as
# a Keel PV guest (on hvc0): run the static test programs, then end the
# machine (natively reboot -f ends QEMU, which runs with -no-reboot; on
# Keel poweroff ends the domain).
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp
/bin/workload
# The tree's x86 kselftests, one at a time; each line of a test's output
# (stdout and stderr, in the order written) prefixed with its name, and
# folded to 72 columns (Keel's console splits lines of more than 128).
# No address space randomisation, so that the addresses they print
# compare.
echo 0 > /proc/sys/kernel/randomize_va_space
for t in /kselftests/*_64; do
	[ -x "$t" ] || continue
	name=${t##*/}
	timeout 120 "$t" > /tmp/kselftest.out 2>&1
	rc=$?
	fold -w 72 /tmp/kselftest.out | sed "s/^/kselftest: $name: /"
	echo "kselftest: $name: exit $rc"
done
echo "kselftest: done"
if grep -q keel /sys/devices/system/clocksource/clocksource0/current_clocksource
then
	poweroff -f
else
	reboot -f
fi
