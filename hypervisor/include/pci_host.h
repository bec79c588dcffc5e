/*
 * The host's PCI configuration space as Keel reaches it
 * (common/pci_host.c): every access under one lock, every write of the
 * hardware domain's through the filter (pci_config.h).
 *
 * Lock order: a domain's event-channel lock, then this lock, then the
 * MSI table's (msi.h).
 */
#ifndef KEEL_PCI_HOST_H
#define KEEL_PCI_HOST_H

#include <pci_config.h>

/* Read @size bytes at @reg of function @bdf (a valid access). */
uint32_t pci_host_read(uint16_t bdf, unsigned int reg, unsigned int size);
/* The hardware domain writes @value (@size bytes at @reg, a valid
 * access) to function @bdf: 0, or -EPERM if the filter refused it
 * (and the refusal is logged, rate-limited). */
int pci_host_write_filtered(uint16_t bdf, unsigned int reg,
			    unsigned int size, uint32_t value);
/* Point function @bdf's MSI at @address with @data (msi.c, which holds
 * no lock but the caller's event-channel lock): the offset of the MSI
 * capability written, or -ENODEV (no function at @bdf, no MSI
 * capability, one Keel cannot write whole, or two of them) or -EPERM (a
 * host bridge). */
int pci_host_msi_program(uint16_t bdf, uint64_t address, uint16_t data);
/* Turn off the MSI of function @bdf's capability at @pos. */
void pci_host_msi_disable(uint16_t bdf, unsigned int pos);
/* Write entry @entry of function @bdf's MSI-X table with @address and
 * @data, and unmask it: the offset of the MSI-X capability, or -EINVAL
 * (no such entry), -ENODEV (no function, no MSI-X capability Keel can
 * use, or its table not in a decoding memory BAR in device memory) or
 * -EPERM (a host bridge). */
int pci_host_msix_program(uint16_t bdf, unsigned int entry, uint64_t address,
			  uint16_t data);
/* Mask entry @entry of function @bdf's MSI-X table (capability at @pos)
 * where the table now is; if @last, turn the function's MSI-X off. */
void pci_host_msix_disable(uint16_t bdf, unsigned int pos, unsigned int entry,
			   bool last);

#endif
