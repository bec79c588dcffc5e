/*
 * Device interrupts for the hardware domain (gsi.h).
 *
 * One table, indexed by GSI, says which domain's port each bound line
 * signals. Its lock nests inside a domain's event-channel lock (a port
 * is bound and closed under that lock, and binding or unbinding the
 * GSI happens there too), and the interrupt path takes only this lock:
 * while it holds it, a binding it finds is live, because closing the
 * port has to take the same lock to undo it. So the interrupt path can
 * signal the port without the domain's own lock.
 */
#include <arch.h>
#include <errno_values.h>
#include <event_channel.h>
#include <gsi.h>
#include <spinlock.h>
#include <string_ops.h>

struct gsi_binding {
	struct domain *domain;		/* NULL: not bound */
	keel_port_t port;
	bool level;
	bool masked;			/* by its last delivery, until EOI */
};

static spinlock_t gsi_lock = SPINLOCK_INIT;
static struct gsi_binding gsi_bindings[GSI_MAX];

/* @gsi's binding (@gsi below GSI_MAX, checked by the caller), indexed
 * so that a CPU running on past that check stays in the table. */
static struct gsi_binding *binding_of(uint32_t gsi)
{
	return &gsi_bindings[gsi & arch_index_mask_nospec(gsi, GSI_MAX)];
}

long gsi_claim(struct domain *d, uint32_t gsi, keel_port_t port, bool level,
	       bool active_low)
{
	long rc = 0;

	if (gsi >= GSI_MAX)
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&gsi_lock);
	struct gsi_binding *b = binding_of(gsi);
	if (b->domain) {
		rc = -EBUSY;
	} else {
		*b = (struct gsi_binding){ d, port, level, false };
		arch_gsi_enable(gsi, level, active_low);
	}
	spin_unlock_irqrestore(&gsi_lock, flags);
	return rc;
}

void gsi_unbind(struct domain *d, uint32_t gsi, keel_port_t port)
{
	if (gsi >= GSI_MAX)
		return;
	unsigned long flags = spin_lock_irqsave(&gsi_lock);
	struct gsi_binding *b = binding_of(gsi);
	if (b->domain == d && b->port == port) {
		arch_gsi_mask(gsi);
		memset(b, 0, sizeof(*b));
	}
	spin_unlock_irqrestore(&gsi_lock, flags);
}

long gsi_eoi(struct domain *d, uint32_t gsi)
{
	long rc = 0;

	if (gsi >= GSI_MAX)
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&gsi_lock);
	struct gsi_binding *b = binding_of(gsi);
	if (b->domain != d) {
		rc = -EINVAL;
	} else if (b->masked) {
		b->masked = false;
		arch_gsi_unmask(gsi);
	}
	spin_unlock_irqrestore(&gsi_lock, flags);
	return rc;
}

void gsi_interrupt(uint32_t gsi)
{
	if (gsi >= GSI_MAX)
		return;
	spin_lock(&gsi_lock);		/* interrupts are off here */
	struct gsi_binding *b = binding_of(gsi);
	if (!b->domain) {
		/* Unbound since it was raised: keep it quiet. */
		arch_gsi_mask(gsi);
	} else {
		/* Masked before the local APIC's EOI, so that a line still
		 * asserted does not fire again before the domain has seen
		 * to its device. */
		if (b->level) {
			arch_gsi_mask(gsi);
			b->masked = true;
		}
		evtchn_signal(b->domain, b->port);
	}
	spin_unlock(&gsi_lock);
}
