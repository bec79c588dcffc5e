#!/bin/sh
# /init of the dom0-pci scenario: Linux as the hardware domain finds the
# host's PCI devices through Keel and drives them with their own drivers:
# a PCI 16550 UART (QEMU's pci-serial), by 8250_pci, and a virtio-net
# NIC on QEMU's user network (restricted: nothing leaves QEMU), the
# UART's INTx line a GSI and the NIC's queues MSI-X entries, which Keel
# turns into events; and an AHCI SATA
# controller with a disk, by the ahci driver, on MSI, which Keel binds
# to an event too. Each command's output is framed by
#   KEEL-DOM0: $ COMMAND
#   KEEL-DOM0: exit STATUS
# for tests/linux/run.py.
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys

. /etc/dom0-lib.sh	# run, wait_gone

# vendor:device class, for every function.
pci_list() {
	for d in /sys/bus/pci/devices/*; do
		echo "${d##*/} $(cat $d/vendor):$(cat $d/device)" \
			"$(cat $d/class) irq $(cat $d/irq)"
	done
}

# The tty of the PCI UART: the one the kernel says is on a PCI function.
pci_tty() {
	for t in /sys/class/tty/ttyS*; do
		case "$(readlink -f $t/device 2>/dev/null)" in
		*/pci0000:00/*) echo "/dev/${t##*/}"; return 0 ;;
		esac
	done
	return 1
}

run pci_list
# Keel's RAM and other domains' are reserved holes in dom0's memory map.
run sh -c 'grep -i reserved /proc/iomem'
run sh -c 'dmesg | grep -E "keel: PCI|INT[A-D]: GSI|ttyS.*16550"'
tty=$(pci_tty)
echo "KEEL-DOM0: PCI UART $tty"
run stty -F "$tty" 115200 raw -echo
# Far more than the UART's 16-byte FIFO: the rest goes out as its
# transmit interrupts come, through Keel. A lost interrupt stalls it.
run sh -c "i=0; while [ \$i -lt 64 ]; do
	echo \"keel-pci-serial line \$i of 64 ....................................\"
	i=\$((i + 1)); done > $tty; echo written"
run sh -c 'grep -E "keel-gsi|fasteoi" /proc/interrupts'
# The NIC: QEMU's user network answers pings to its gateway itself.
run ip link set lo up
run ip link set eth0 up
run ip addr add 10.0.2.15/24 dev eth0
run ping -c 3 -W 10 10.0.2.2
# virtio-net's queues, each on an MSI-X entry Keel bound.
run sh -c 'grep virtio /proc/interrupts'
# The AHCI disk: its whole contents, read by DMA with an MSI per
# command batch, then one sector written through to the image.
run sh -c 'dmesg | grep -E "ahci.*(MSI|AHCI)|sda"'
run md5sum /dev/sda
run sh -c 'echo keel-ahci-write-check | dd of=/dev/sda bs=512 seek=100 conv=sync,fsync 2>&1'
run sh -c 'grep -E "ahci" /proc/interrupts'
echo "KEEL-DOM0: done"
poweroff -f
