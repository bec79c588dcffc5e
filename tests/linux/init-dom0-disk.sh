#!/bin/sh
# /init of the dom0-disk scenario: Linux as the hardware domain mounts
# its disk (ext4 on a virtio-blk PCI device, which it drives with its own
# driver, DMA and all, on identity-mapped memory) and runs guests whose
# kernels and configs are on that disk. Each command's output is framed
# by
#   KEEL-DOM0: $ COMMAND
#   KEEL-DOM0: exit STATUS
# for tests/linux/run.py.
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp
mkdir -p /run /mnt
mount -t tmpfs tmpfs /run
echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd
echo 'root:x:0:' > /etc/group

. /etc/dom0-lib.sh	# run, wait_gone


run sh -c 'dmesg | grep -E "virtio_blk.*vda|INTA: GSI"'
run mount -t ext4 /dev/vda /mnt
run sh -c 'cd /mnt && sha256sum host-data'
cd /mnt/keel
run pvctl create linux.cfg
run pvctl create spinner.cfg
run pvctl create third.cfg
run pvctl list
run pvctl --json list
run pvctl pause third
run pvctl unpause third
run pvctl shutdown -w linux-guest
run pvctl destroy spinner
run pvctl destroy third
wait_gone spinner && wait_gone third && echo "KEEL-DOM0: all gone"
run pvctl list
# Written here, read back by the harness from the image.
run sh -c 'dd if=/dev/urandom of=/mnt/dom0-data bs=1M count=16 2>/dev/null && sha256sum /mnt/dom0-data && sync'
cd /
# The domains' monitors started in /mnt/keel; they end with their domains.
for i in $(seq 1 50); do umount /mnt 2>/dev/null && break; sleep 0.1; done
run sh -c 'grep -c " /mnt " /proc/mounts'
echo "KEEL-DOM0: done"
poweroff -f
