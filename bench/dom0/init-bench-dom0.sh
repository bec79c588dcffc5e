#!/bin/sh
# /init of the dom0 benchmark (bench/dom0/run.py), natively and as Keel's
# control domain: the runner times the boot to the first line; as dom0,
# createbench then times creating a Linux guest (createbench.c).
echo "BENCH-INIT"
mount -t proc proc /proc
mount -t devtmpfs dev /dev 2>/dev/null
echo "BENCH-UPTIME $(cut -d' ' -f1 /proc/uptime)"
if [ -e /dev/keel/privcmd ]; then
	/bin/createbench
fi
echo "BENCH-DONE"
poweroff -f
