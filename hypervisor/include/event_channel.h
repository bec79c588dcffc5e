/* Event channels (common/event_channel.c). */
#ifndef KEEL_EVENT_CHANNEL_H
#define KEEL_EVENT_CHANNEL_H

#include <domain.h>

int evtchn_domain_init(struct domain *d);
void evtchn_domain_destroy(struct domain *d);
/* Signal @port of @d as if by a send. */
void evtchn_signal(struct domain *d, keel_port_t port);
/* Raise a per-vCPU VIRQ on @v, if bound. */
void evtchn_send_virq_vcpu(struct vcpu *v, unsigned int virq);
/* Raise a global VIRQ on every domain that bound it. */
void evtchn_send_virq_global(unsigned int virq);
/* Allocate an unbound port of @d that only @remote_domid may bind (the
 * builder's, for a PV console): the port, or -ENOSPC. */
long evtchn_alloc_unbound(struct domain *d, uint16_t remote_domid);
bool evtchn_port_is_pending(struct domain *d, keel_port_t port);
/* Bind @gsi to a new port of @d, notifying vCPU 0 (gsi_claim() does the
 * rest): the port, or -EBUSY, -EINVAL or -ENOSPC. */
long evtchn_bind_gsi(struct domain *d, uint32_t gsi, bool level,
		     bool active_low);
/* Bind function @bdf's MSI (@entry < 0) or MSI-X entry @entry to a new
 * port of @d, notifying vCPU 0 (msi_claim() does the rest): the port,
 * or msi_claim()'s error, or -ENOSPC. */
long evtchn_bind_msi(struct domain *d, uint16_t bdf, int entry);
/* Close @d's @port if it is still bound to the GSI (EVTCHN_GSI) or the
 * function (EVTCHN_MSI) @device: the undo of a bind whose result could
 * not be written back. */
void evtchn_close_device_port(struct domain *d, keel_port_t port,
			      uint8_t state, uint32_t device);
long do_event_channel_op(unsigned long cmd, unsigned long arg);

#endif
