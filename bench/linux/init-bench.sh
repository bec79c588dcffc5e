#!/bin/sh
# /init of the Linux benchmark: the same static micro-benchmark
# (microbench.c) natively and as a Keel PV guest. Under -icount shift=0
# guest time counts executed instructions, so its nanoseconds per
# operation are instructions per operation, and the two runs compare.
# The runner times the boot to the first line.
echo "BENCH-INIT"
mount -t proc proc /proc
mount -t tmpfs tmpfs /tmp
mount -t devtmpfs dev /dev 2>/dev/null
# The kernel's own clock at /init: guest time since it started.
echo "BENCH-UPTIME $(cut -d' ' -f1 /proc/uptime)"
/bin/microbench
echo "BENCH-DONE"
poweroff -f
