/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * physdev_op(cmd, arg): the hardware domain's access to the host's
 * devices, where Keel must see it (ABI 1.6).
 *
 * Only the hardware domain (the boot's first domain, a control domain)
 * may call it; any other control domain gets -KEEL_EPERM, and an
 * ordinary domain gets -KEEL_EPERM from the dispatcher.
 */
#ifndef KEEL_PUBLIC_PHYSDEV_H
#define KEEL_PUBLIC_PHYSDEV_H

#include "keel.h"

#define KEEL_PHYSDEV_pci_config_read  0	/* arg: struct keel_physdev_pci_config */
#define KEEL_PHYSDEV_pci_config_write 1	/* arg: struct keel_physdev_pci_config */

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
 *    only a write of the value it already holds passes.
 *  - Turning decoding on checks every BAR of that kind (Keel sizes each
 *    itself): none may overlap RAM or Keel's device windows (memory), or
 *    Keel's ports (I/O). A ROM BAR with its enable bit set counts as a
 *    memory BAR. A write that would break this is refused as a whole.
 *  - MSI and MSI-X may not be enabled (Keel does not route them yet):
 *    a write that would set the enable bit of either capability is
 *    refused; the rest of those capabilities may be written.
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

#endif
