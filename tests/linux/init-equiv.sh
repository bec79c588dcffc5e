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
# Addresses of eight hex digits or more read 0xADDR: with address space
# randomisation they differ from run to run. (Turning it off instead
# breaks sysret_rip natively.) So do test_vsyscall's measured time
# offsets, which read T.
for t in /kselftests/*_64; do
	[ -x "$t" ] || continue
	name=${t##*/}
	timeout 300 "$t" > /tmp/kselftest.out 2>&1
	rc=$?
	sed -E -e 's/0x[0-9a-f]{8,}/0xADDR/g' \
		-e 's/(vDSO time offsets:) [0-9.]+ [0-9.]+/\1 T T/' \
		/tmp/kselftest.out | fold -w 72 |
		sed "s/^/kselftest: $name: /"
	echo "kselftest: $name: exit $rc"
done
echo "kselftest: done"
if grep -q keel /sys/devices/system/clocksource/clocksource0/current_clocksource
then
	poweroff -f
else
	reboot -f
fi
