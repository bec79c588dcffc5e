#!/bin/sh
# /init of the two-guest scenario. The kernel passes keel_role= from its
# command line to us as an environment variable.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "KEEL-TWO: $keel_role up on $(nproc) CPUs, $(head -1 /proc/meminfo | tr -s ' ')"
for i in $(seq 1 20); do /bin/true | cat; done
case "$keel_role" in
crash)
	# init exits: the kernel panics and Keel ends this domain with crash.
	echo "KEEL-TWO: crash exits init"
	exit 1 ;;
survivor)
	# Wait for the harness, which types once the other domain is gone.
	read -r word
	for i in $(seq 1 20); do /bin/true | cat; done
	echo "KEEL-TWO: survivor still works after the other's crash ($word)"
	poweroff -f ;;
esac
