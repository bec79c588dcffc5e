#!/bin/sh
# /init of the PV scenarios. The Keel port has no console driver yet, so
# it reports through the kernel log (/dev/kmsg), which Keel's boot console
# prints; each step says it ran, so a scenario sees how far userspace got.
mount -t devtmpfs dev /dev
echo "KEEL-LINUX-INIT: userspace up, pid $$" > /dev/kmsg
mount -t proc proc /proc
# A pipeline in a command substitution: fork, exec, pipes and wait.
echo "KEEL-LINUX-INIT: $(head -1 /proc/meminfo | tr -s ' ')" > /dev/kmsg
echo "KEEL-LINUX-INIT: fork, exec, pipe and wait done" > /dev/kmsg
# poweroff needs the timer, which the port does not have yet: init
# exits instead, the kernel panics, and Keel ends the domain (crash).
exit 0
