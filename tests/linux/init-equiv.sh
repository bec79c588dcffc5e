#!/bin/sh
# /init of the equivalence scenario, the same natively (on ttyS0) and as
# a Keel PV guest (on hvc0): run the static test programs, then end the
# machine (natively reboot -f ends QEMU, which runs with -no-reboot; on
# Keel poweroff ends the domain).
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
/bin/workload
if grep -q keel /sys/devices/system/clocksource/clocksource0/current_clocksource
then
	poweroff -f
else
	reboot -f
fi
