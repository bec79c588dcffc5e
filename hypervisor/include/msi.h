/*
 * MSIs and MSI-X entries for the hardware domain (common/msi.c).
 *
 * An MSI is a device's memory write, to the address and with the data
 * its MSI capability holds, which pick a local APIC and a vector. Keel
 * keeps a table of MSI_MAX slots; slot n owns the vector the arch gives
 * it (arch_msi_message()). Binding a function's MSI (physdev_op
 * bind_msi) takes a slot, points the function's MSI at that vector, and
 * from then on turns each interrupt on it into an event on the domain's
 * port. The table's lock is the innermost: the interrupt path takes
 * only it, and under it a binding it finds is live.
 */
#ifndef KEEL_MSI_H
#define KEEL_MSI_H

#include <domain.h>

/* The most functions whose MSI Keel routes at once (one vector each). */
#define MSI_MAX 64

/* From event_channel.c, with @d's event-channel lock held: bind function
 * @bdf's MSI (@entry < 0) or its MSI-X table entry @entry to @d's new
 * port @port. The slot taken, or -EBUSY (that MSI or entry is bound, or
 * the function's other kind is), -ENOSPC (no free slot), -ENODEV or
 * -EINVAL or -EPERM (as pci_host_msi_program() and
 * pci_host_msix_program() say, or no message reaches the boot CPU). */
long msi_claim(struct domain *d, uint16_t bdf, int entry, keel_port_t port);
/* @d's port @port, bound to slot @slot, is closing (its event-channel
 * lock is held): turn the function's MSI off and free the slot. */
void msi_unbind(struct domain *d, uint32_t slot, keel_port_t port);
/* The offset of the MSI capability Keel wrote when it bound function
 * @bdf's MSI, or 0 if it is not bound; the filter asks, under the
 * configuration-space lock. */
unsigned int msi_bound_capability(uint16_t bdf);
/* Whether one of function @bdf's MSI-X entries is bound; the filter
 * asks, as above. */
bool msi_msix_bound(uint16_t bdf);
/* From the interrupt handler: slot @slot's vector fired. */
void msi_interrupt(uint32_t slot);

#endif
