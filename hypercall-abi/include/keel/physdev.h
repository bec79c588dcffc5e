/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * physdev_op(cmd, arg): the hardware domain's access to the host's
 * devices, where Keel must see it: PCI configuration space and device
 * interrupts (ABI 1.6; MSI, ABI 1.7).
 *
 * Only the hardware domain (the boot's first domain, a control domain)
 * may call it; any other control domain gets -KEEL_EPERM, and an
 * ordinary domain gets -KEEL_EPERM from the dispatcher.
 */
#ifndef KEEL_PUBLIC_PHYSDEV_H
#define KEEL_PUBLIC_PHYSDEV_H

#include "keel.h"
#include "event_channel.h"

#define KEEL_PHYSDEV_pci_config_read  0	/* arg: struct keel_physdev_pci_config */
#define KEEL_PHYSDEV_pci_config_write 1	/* arg: struct keel_physdev_pci_config */
#define KEEL_PHYSDEV_bind_gsi         2	/* arg: struct keel_physdev_bind_gsi */
#define KEEL_PHYSDEV_gsi_eoi          3	/* arg: struct keel_physdev_gsi_eoi */
#define KEEL_PHYSDEV_bind_msi         4	/* arg: struct keel_physdev_bind_msi
					 * (ABI 1.7) */
#define KEEL_PHYSDEV_bind_msix        5	/* arg: struct keel_physdev_bind_msix
					 * (ABI 1.7) */

/*
 * One access to a PCI function's configuration space, through Keel.
 *
 * The configuration ports (0xcf8-0xcff) are Keel's: through them a
 * domain could move a device's BARs over Keel's memory or its interrupt
 * windows, or aim a device's MSIs at them. Keel makes each access for
 * the hardware domain and filters the writes:
 *  - A BAR (and the expansion ROM BAR) may be written while the device's
 *    decoding of its kind (memory or I/O, in the command register) is
 *    off, which is how drivers size and place BARs. While decoding is on,
 *    only a write of the value it already holds passes; a write to one
 *    that reads 0 (not implemented: an implemented BAR at 0 would be
 *    decoding RAM) succeeds and changes nothing, so that sizing a
 *    device whose decoding may not stop (a host bridge) reads "no BAR".
 *  - Turning decoding on checks every BAR of that kind (Keel sizes each
 *    itself): none may overlap RAM or Keel's device windows (memory), or
 *    Keel's ports (I/O). A ROM BAR with its enable bit set counts as a
 *    memory BAR. A write that would break this is refused as a whole.
 *  - MSI: the message address and data registers are Keel's (bind_msi
 *    writes them), and may not be changed; the enable bit may be set
 *    only while the function's MSI is bound (bind_msi), and not with
 *    the multiple-message enable field set: one vector per function.
 *    The mask bits may be written.
 *  - MSI-X may be enabled only with its function mask set (no entry
 *    can send then: drivers enable it so, to reach the table), or while
 *    at least one of the function's entries is bound (bind_msix).
 *  - A host bridge's (class 0x0600) registers from 0x40 on, which place
 *    RAM, the ECAM window and the BIOS shadow, may not be written.
 *  - Everything else (bridge windows and bus numbers, device-specific
 *    registers) passes.
 * A refused write changes nothing and returns -KEEL_EPERM; Keel logs it.
 * A read of a function that is not there returns all ones, as the bus
 * does.
 *
 * The caller writes every field but `value` on a read; Keel writes
 * `value` on a read, with the bytes above `size` zero.
 * Errors: -KEEL_EFAULT (arg unreadable or unwritable), -KEEL_EINVAL
 * (segment not 0, size not 1, 2 or 4, reg not below 256 or not a multiple
 * of size, padding not zero, or a write value wider than size),
 * -KEEL_EPERM (not the hardware domain; a refused write).
 */
struct keel_physdev_pci_config {
	uint16_t segment;	/* IN: PCI segment group; only 0 */
	uint8_t bus;		/* IN */
	uint8_t devfn;		/* IN: device << 3 | function */
	uint16_t reg;		/* IN: byte offset, 0-255 */
	uint8_t size;		/* IN: 1, 2 or 4 bytes */
	uint8_t pad;		/* IN: zero */
	uint32_t value;		/* IN (write) or OUT (read) */
	uint32_t pad2;		/* IN: zero */
};

/*
 * bind_gsi: route a device interrupt line to the caller as an event.
 *
 * Keel owns the IOAPICs and the vectors. A GSI (an IOAPIC input: a
 * legacy ISA IRQ, or a PCI INTx line) bound here is programmed to
 * interrupt Keel, which signals `port`, a new port of the caller that
 * notifies its vCPU 0 (bind_vcpu moves it; closing the port unbinds
 * the GSI and masks it again).
 *
 * A level-triggered GSI stays masked from its delivery until the caller
 * says it has handled the device (gsi_eoi), so a line that is still
 * asserted does not interrupt Keel again and again. An edge-triggered
 * one needs no EOI, and gsi_eoi on it does nothing.
 *
 * `flags`: KEEL_GSI_FIRMWARE takes the trigger mode and polarity from
 * the firmware (the MADT's interrupt source overrides, or the bus's
 * defaults: edge and active high for GSIs 0-15, level and active low
 * above), for a caller that does not read ACPI; otherwise they are
 * KEEL_GSI_LEVEL and KEEL_GSI_ACTIVE_LOW, each set or clear.
 *
 * The caller writes gsi, flags and pad; Keel writes port, and flags
 * with the mode it used (KEEL_GSI_LEVEL and KEEL_GSI_ACTIVE_LOW), so a
 * caller that asked for the firmware's knows whether to EOI.
 * Errors: -KEEL_EFAULT; -KEEL_EINVAL (a GSI no IOAPIC has, or one past
 * the 128 Keel has vectors for; unknown flags; pad not zero);
 * -KEEL_EPERM (not the hardware domain; a GSI of a device Keel keeps:
 * GSI 0, the 8259's ExtINT input; the PIT, the cascade, the RTC, the
 * FPU error line, its console UART);
 * -KEEL_EBUSY (the GSI is bound already); -KEEL_ENOSPC (no free port).
 */
#define KEEL_GSI_LEVEL      (1u << 0)	/* level-triggered (else edge) */
#define KEEL_GSI_ACTIVE_LOW (1u << 1)	/* active low (else high) */
#define KEEL_GSI_FIRMWARE   (1u << 2)	/* the firmware's mode and polarity */

struct keel_physdev_bind_gsi {
	uint32_t gsi;		/* IN */
	uint32_t flags;		/* IN: KEEL_GSI_*; OUT: the mode used */
	keel_port_t port;	/* OUT */
	uint32_t pad;		/* IN: zero */
};

/*
 * gsi_eoi: the caller has handled the device behind `gsi`; Keel unmasks
 * the line if its last delivery masked it.
 * Errors: -KEEL_EFAULT; -KEEL_EINVAL (the caller has not bound `gsi`;
 * pad not zero); -KEEL_EPERM (not the hardware domain).
 */
struct keel_physdev_gsi_eoi {
	uint32_t gsi;		/* IN */
	uint32_t pad;		/* IN: zero */
};

/*
 * bind_msi: route a PCI function's MSI to the caller as an event.
 *
 * An MSI is a memory write by the device, to the address and with the
 * data its MSI capability holds; the address picks a local APIC and the
 * data a vector. Both are Keel's: bind_msi takes a vector, writes the
 * function's message address and data so that its MSI interrupts Keel's
 * boot CPU on that vector (one message: multiple-message enable 0), and
 * gives the caller a new port, notifying its vCPU 0. The MSI enable bit
 * is left as it was (off, since only a bound function may have it on):
 * the caller's driver sets it through pci_config_write when it is
 * ready, as it would natively. Each MSI is then an event on the port;
 * MSIs are edge-triggered and need no EOI.
 *
 * Closing the port (also when the domain ends) turns the function's MSI
 * off (its enable bit) and frees the vector.
 *
 * A function whose MSI-X is bound (bind_msix) cannot bind MSI, and
 * the other way round: -KEEL_EBUSY.
 *
 * The caller writes segment, bus, devfn and the pads; Keel writes port.
 * Errors: -KEEL_EFAULT (nothing stays bound); -KEEL_EINVAL (segment not
 * 0; pads not zero); -KEEL_ENODEV (no function there; no MSI capability;
 * one that reaches past register 255, or a second one; or a boot CPU
 * no MSI can reach without interrupt remapping); -KEEL_EBUSY (its MSI
 * is bound already); -KEEL_ENOSPC (no free vector: Keel has 64 for
 * MSIs; or no free port); -KEEL_EPERM (not the hardware domain; a host
 * bridge, class 0x0600, whose registers past the header are Keel's).
 */
struct keel_physdev_bind_msi {
	uint16_t segment;	/* IN: PCI segment group; only 0 */
	uint8_t bus;		/* IN */
	uint8_t devfn;		/* IN: device << 3 | function */
	uint32_t pad;		/* IN: zero */
	keel_port_t port;	/* OUT */
	uint32_t pad2;		/* IN: zero */
};

/*
 * bind_msix: route one entry of a PCI function's MSI-X table to the
 * caller as an event.
 *
 * The MSI-X table is in one of the function's memory BARs; each entry
 * holds a message address, data and a mask bit. Keel takes a vector,
 * and writes entry `entry` itself, with the message that interrupts its
 * boot CPU on that vector, then clears the entry's mask bit; it gives
 * the caller a new port, notifying its vCPU 0. The BAR must be decoding
 * memory (the table is reached where the BAR is now), and the table
 * must lie in device memory. The caller's driver turns MSI-X on, and
 * its function mask off, through pci_config_write: the filter allows
 * that while an entry is bound. Each message of the entry is one event
 * on the port, with no EOI.
 *
 * Keel does not write-protect the table: the hardware domain, which
 * maps the BAR, could rewrite an entry, as it could aim any bus
 * master's DMA at the MSI window (there is no IOMMU yet). A driver
 * leaves the entries Keel wrote alone.
 *
 * Closing the port (also when the domain ends) masks the entry (where
 * the BAR then is) and frees the vector; closing the function's last
 * bound entry turns its MSI-X off.
 *
 * The caller writes segment, bus, devfn, entry and the pads; Keel
 * writes port.
 * Errors: -KEEL_EFAULT (nothing stays bound); -KEEL_EINVAL (segment not
 * 0; pads not zero; entry past the table); -KEEL_ENODEV (no function
 * there; no MSI-X capability, or two; the table's BAR not a memory BAR
 * that is decoding, or the table not in device memory; or a boot CPU no
 * MSI can reach); -KEEL_EBUSY (that entry is bound already, or the
 * function's MSI is); -KEEL_ENOSPC (no free vector, or no free port);
 * -KEEL_EPERM (not the hardware domain; a host bridge).
 */
struct keel_physdev_bind_msix {
	uint16_t segment;	/* IN: PCI segment group; only 0 */
	uint8_t bus;		/* IN */
	uint8_t devfn;		/* IN: device << 3 | function */
	uint16_t entry;		/* IN: the MSI-X table entry */
	uint16_t pad;		/* IN: zero */
	keel_port_t port;	/* OUT */
	uint32_t pad2;		/* IN: zero */
};

#endif
