/*
 * Device interrupts for the hardware domain (common/gsi.c,
 * common/gsi_route.c).
 *
 * A GSI is one input of an IOAPIC: a legacy ISA IRQ, or a PCI INTx line.
 * Keel owns the IOAPICs; the hardware domain binds a GSI to an event
 * channel port (physdev_op bind_gsi), and from then on Keel turns each
 * interrupt on that line into an event on the port. A level-triggered
 * line is masked from its delivery until the domain's gsi_eoi, so that a
 * device still asserting it does not interrupt Keel in a loop.
 */
#ifndef KEEL_GSI_H
#define KEEL_GSI_H

#include <domain.h>
#include <gsi_route.h>

/* From event_channel.c, with @d's event-channel lock held: bind @gsi
 * (checked against the arch's count and Keel's own lines by the caller)
 * to @d's new port @port, and unmask it in the mode given. 0, or -EBUSY
 * if it is bound already, or -EINVAL past GSI_MAX. */
long gsi_claim(struct domain *d, uint32_t gsi, keel_port_t port, bool level,
	       bool active_low);
/* @d's port @port, bound to @gsi, is closing (its event-channel lock is
 * held): mask the line and forget the binding. */
void gsi_unbind(struct domain *d, uint32_t gsi, keel_port_t port);
/* @d has handled @gsi: unmask it if its delivery masked it. 0, or
 * -EINVAL if @d has not bound it. */
long gsi_eoi(struct domain *d, uint32_t gsi);
/* From the interrupt handler: @gsi fired. */
void gsi_interrupt(uint32_t gsi);

#endif
