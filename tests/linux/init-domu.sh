#!/bin/sh
# /init of the Linux guest that the dom0-pvctl scenario creates from the
# control domain with pvctl: it says it is up, runs a little, and runs
# what it reads from its console until it is asked to stop. pvctl
# shutdown makes the kernel run /sbin/poweroff, which signals init (this
# script) with SIGUSR2.
mount -t proc proc /proc
trap 'echo "KEEL-DOMU: init got the poweroff signal"; poweroff -f' USR2
echo "KEEL-DOMU: up on $(nproc) CPUs, $(head -1 /proc/meminfo | tr -s ' ')"
for i in $(seq 1 10); do /bin/true | cat; done
echo "KEEL-DOMU: $(cat /proc/cmdline)"
echo "KEEL-DOMU: waiting"
# Each line typed into the console (pvctl console) is run. The trap runs
# between commands: read's timeout bounds how long it waits.
while :; do
	if read -t 1 -r line; then
		echo "KEEL-DOMU: ran '$line'"
		eval "$line"
	fi
done
