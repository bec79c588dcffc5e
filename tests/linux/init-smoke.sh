#!/bin/sh
# /init of the smoke scenarios: say the kernel reached userspace, then
# leave (natively, reboot -f ends QEMU, which runs with -no-reboot).
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "KEEL-LINUX-INIT: userspace up on $(nproc) CPU(s), kernel $(uname -r)"
reboot -f
