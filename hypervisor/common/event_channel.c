/*
 * Event channels: ports, bindings and the event_channel_op hypercall.
 *
 * A port is an index into the domain's struct evtchn array and into the
 * shared-info bitmaps. Port 0 is never allocated, so 0 can mean "none".
 * Interdomain channels point at each other; closing one end turns the
 * other back into an unbound port for the same remote domain. Both ends
 * are changed under both domains' event locks, taken in domid order.
 */
#include <errno_values.h>
#include <event_bitmap.h>
#include <event_channel.h>
#include <gsi.h>
#include <msi.h>
#include <hypercall.h>
#include <mm.h>
#include <scheduler.h>
#include <string_ops.h>
#include <asm/pv.h>

int evtchn_domain_init(struct domain *d)
{
	spin_lock_init(&d->evtchn_lock);
	d->evtchn = xzalloc(DOMAIN_MAX_PORTS * sizeof(struct evtchn));
	return d->evtchn ? 0 : -ENOMEM;
}

static bool port_valid(struct domain *d, keel_port_t port)
{
	return port > 0 && port < DOMAIN_MAX_PORTS &&
	       d->evtchn[port].state != EVTCHN_FREE;
}

static long alloc_port_locked(struct domain *d)
{
	for (keel_port_t p = 1; p < DOMAIN_MAX_PORTS; p++)
		if (d->evtchn[p].state == EVTCHN_FREE)
			return p;
	return -ENOSPC;
}

/* Lock two domains' event state in a fixed order. */
static unsigned long double_lock(struct domain *a, struct domain *b)
{
	unsigned long flags = irq_save();

	if (a == b) {
		spin_lock(&a->evtchn_lock);
	} else if (a->domid < b->domid) {
		spin_lock(&a->evtchn_lock);
		spin_lock(&b->evtchn_lock);
	} else {
		spin_lock(&b->evtchn_lock);
		spin_lock(&a->evtchn_lock);
	}
	return flags;
}

static void double_unlock(struct domain *a, struct domain *b,
			  unsigned long flags)
{
	spin_unlock(&a->evtchn_lock);
	if (a != b)
		spin_unlock(&b->evtchn_lock);
	irq_restore(flags);
}

bool evtchn_port_is_pending(struct domain *d, keel_port_t port)
{
	return event_bitmap_test_pending(d->shared_info, port);
}

void evtchn_signal(struct domain *d, keel_port_t port)
{
	struct evtchn *ch = &d->evtchn[port];
	if (ch->notify_vcpu >= d->nr_vcpus)
		return;
	struct vcpu *v = d->vcpus[ch->notify_vcpu];

	if (event_bitmap_set_pending(d->shared_info, v->vcpu_info, port)) {
		vcpu_kick(v);
		return;
	}
	/* Pollers wait on masked ports too. */
	if (READ_ONCE(v->polling))
		for (uint32_t i = 0; i < v->nr_poll_ports; i++)
			if (v->poll_ports[i] == port)
				vcpu_wake(v);
}

void evtchn_send_virq_vcpu(struct vcpu *v, unsigned int virq)
{
	struct domain *d = v->domain;
	unsigned long flags = spin_lock_irqsave(&d->evtchn_lock);
	keel_port_t port = v->virq_port[virq];

	if (port)
		evtchn_signal(d, port);
	spin_unlock_irqrestore(&d->evtchn_lock, flags);
}

/* A VIRQ of the domain, not of one vCPU: bound on vCPU 0, and movable
 * to another with bind_vcpu. */
static bool virq_is_global(uint32_t virq)
{
	return virq == KEEL_VIRQ_CONSOLE || virq == KEEL_VIRQ_CONSOLE_INPUT ||
	       virq == KEEL_VIRQ_SHUTDOWN_REQUEST || virq == KEEL_VIRQ_DOM_EXC;
}

void evtchn_send_virq_global(unsigned int virq)
{
	struct list_head *pos;
	unsigned long flags = spin_lock_irqsave(&domain_list_lock);

	list_for_each(pos, &domain_list) {
		struct domain *d = list_entry(pos, struct domain, link);
		/* Global VIRQs (console) are for control domains only. */
		if (d->state == DOMAIN_RUNNING && d->nr_vcpus && d->privileged)
			evtchn_send_virq_vcpu(d->vcpus[0], virq);
	}
	spin_unlock_irqrestore(&domain_list_lock, flags);
}

/* Free @port of @d (its lock held, and the peer's for interdomain). */
static void close_port_locked(struct domain *d, keel_port_t port)
{
	struct evtchn *ch = &d->evtchn[port];

	switch (ch->state) {
	case EVTCHN_INTERDOMAIN: {
		struct domain *rd = ch->u.interdomain.domain;
		struct evtchn *rch = &rd->evtchn[ch->u.interdomain.port];
		rch->state = EVTCHN_UNBOUND;
		rch->u.unbound_remote_domid = d->domid;
		break;
	}
	case EVTCHN_VIRQ:
		/* bind_vcpu may have moved a global VIRQ's port: clear it
		 * wherever it is recorded. */
		for (unsigned int i = 0; i < d->nr_vcpus; i++)
			if (d->vcpus[i]->virq_port[ch->u.virq] == port)
				d->vcpus[i]->virq_port[ch->u.virq] = 0;
		break;
	case EVTCHN_GSI:
		gsi_unbind(d, ch->u.gsi, port);
		break;
	case EVTCHN_MSI:
		msi_unbind(d, ch->u.msi.slot, port);
		break;
	default:
		break;
	}
	event_bitmap_clear(d->shared_info, port);
	memset(ch, 0, sizeof(*ch));
}

static long evtchn_close(struct domain *d, keel_port_t port)
{
	for (;;) {
		unsigned long flags = spin_lock_irqsave(&d->evtchn_lock);
		if (!port_valid(d, port)) {
			spin_unlock_irqrestore(&d->evtchn_lock, flags);
			return -EBADF;
		}
		struct evtchn *ch = &d->evtchn[port];
		if (ch->state != EVTCHN_INTERDOMAIN) {
			close_port_locked(d, port);
			spin_unlock_irqrestore(&d->evtchn_lock, flags);
			return 0;
		}
		struct domain *rd = ch->u.interdomain.domain;
		domain_get(rd);
		spin_unlock_irqrestore(&d->evtchn_lock, flags);

		/* Take both locks in order, then make sure nothing changed. */
		flags = double_lock(d, rd);
		bool same = ch->state == EVTCHN_INTERDOMAIN &&
			    ch->u.interdomain.domain == rd;
		if (same)
			close_port_locked(d, port);
		double_unlock(d, rd, flags);
		domain_put(rd);
		if (same)
			return 0;
	}
}

void evtchn_close_device_port(struct domain *d, keel_port_t port,
			      uint8_t state, uint32_t device)
{
	unsigned long flags = spin_lock_irqsave(&d->evtchn_lock);

	if (port_valid(d, port)) {
		const struct evtchn *ch = &d->evtchn[port];

		if (ch->state == state &&
		    (state == EVTCHN_GSI ? ch->u.gsi : ch->u.msi.bdf) == device)
			close_port_locked(d, port);
	}
	spin_unlock_irqrestore(&d->evtchn_lock, flags);
}

void evtchn_domain_destroy(struct domain *d)
{
	if (!d->evtchn)
		return;
	for (keel_port_t p = 1; p < DOMAIN_MAX_PORTS; p++)
		if (d->evtchn[p].state != EVTCHN_FREE)
			evtchn_close(d, p);
	xfree(d->evtchn);
	d->evtchn = NULL;
}

static bool domain_takes_binds(const struct domain *d)
{
	enum domain_state state = READ_ONCE(d->state);

	return state == DOMAIN_RUNNING || state == DOMAIN_PAUSED;
}

static long op_bind_interdomain(struct domain *d, unsigned long arg)
{
	struct keel_evtchn_bind_interdomain b;

	if (copy_from_guest(&b, arg, sizeof(b)))
		return -EFAULT;
	uint16_t rdomid = b.remote_dom == KEEL_DOMID_SELF ? d->domid :
							    b.remote_dom;
	struct domain *rd = domain_by_id(rdomid);
	if (!rd)
		return -ESRCH;
	/* A domain not yet started counts: a backend binds the port of a
	 * device (a PV console) before the domain's first instruction, so
	 * that no notification is lost. */
	if (!domain_takes_binds(rd)) {
		domain_put(rd);
		return -ESRCH;
	}

	unsigned long flags = double_lock(d, rd);
	long rc;
	long port = alloc_port_locked(d);
	if (port < 0) {
		rc = port;
	} else if (!domain_takes_binds(rd)) {
		rc = -ESRCH;	/* shut down since the lookup */
	} else if (b.remote_port == 0 || b.remote_port >= DOMAIN_MAX_PORTS ||
		   rd->evtchn[b.remote_port].state != EVTCHN_UNBOUND ||
		   rd->evtchn[b.remote_port].u.unbound_remote_domid != d->domid ||
		   (rd == d && (keel_port_t)port == b.remote_port)) {
		rc = -EINVAL;
	} else {
		struct evtchn *lch = &d->evtchn[port];
		struct evtchn *rch = &rd->evtchn[b.remote_port];
		lch->state = EVTCHN_INTERDOMAIN;
		lch->u.interdomain.domain = rd;
		lch->u.interdomain.port = b.remote_port;
		rch->state = EVTCHN_INTERDOMAIN;
		rch->u.interdomain.domain = d;
		rch->u.interdomain.port = (keel_port_t)port;
		/* Tell the other end it is connected, as Xen does. */
		evtchn_signal(rd, b.remote_port);
		rc = 0;
	}
	double_unlock(d, rd, flags);
	domain_put(rd);
	if (rc)
		return rc;
	b.local_port = (keel_port_t)port;
	if (copy_to_guest(arg, &b, sizeof(b))) {
		evtchn_close(d, b.local_port);
		return -EFAULT;
	}
	return 0;
}

/* Allocate a port of @state notifying @vcpu. @detail is the VIRQ of a
 * VIRQ port, or the domain allowed to bind an unbound one. */
static long alloc_local_port(struct domain *d, enum evtchn_state state,
			     unsigned int vcpu, unsigned int detail)
{
	unsigned long flags = spin_lock_irqsave(&d->evtchn_lock);
	long port;

	if (state == EVTCHN_VIRQ && d->vcpus[vcpu]->virq_port[detail])
		port = -EEXIST;
	else
		port = alloc_port_locked(d);
	if (port > 0) {
		d->evtchn[port].state = state;
		d->evtchn[port].notify_vcpu = vcpu;
		if (state == EVTCHN_VIRQ) {
			d->evtchn[port].u.virq = detail;
			d->vcpus[vcpu]->virq_port[detail] = (keel_port_t)port;
		} else if (state == EVTCHN_UNBOUND) {
			d->evtchn[port].u.unbound_remote_domid = (uint16_t)detail;
		}
	}
	spin_unlock_irqrestore(&d->evtchn_lock, flags);
	return port;
}

long evtchn_bind_gsi(struct domain *d, uint32_t gsi, bool level,
		     bool active_low)
{
	unsigned long flags = spin_lock_irqsave(&d->evtchn_lock);
	long port = alloc_port_locked(d);

	if (port > 0) {
		struct evtchn *ch = &d->evtchn[port];
		ch->state = EVTCHN_GSI;
		ch->notify_vcpu = 0;
		ch->u.gsi = gsi;
		long rc = gsi_claim(d, gsi, (keel_port_t)port, level,
				    active_low);
		if (rc) {
			memset(ch, 0, sizeof(*ch));
			port = rc;
		}
	}
	spin_unlock_irqrestore(&d->evtchn_lock, flags);
	return port;
}

long evtchn_bind_msi(struct domain *d, uint16_t bdf, int entry)
{
	unsigned long flags = spin_lock_irqsave(&d->evtchn_lock);
	long port = alloc_port_locked(d);

	if (port > 0) {
		struct evtchn *ch = &d->evtchn[port];
		long slot = msi_claim(d, bdf, entry, (keel_port_t)port);
		if (slot < 0) {
			port = slot;
		} else {
			ch->state = EVTCHN_MSI;
			ch->notify_vcpu = 0;
			ch->u.msi.bdf = bdf;
			ch->u.msi.slot = (uint16_t)slot;
			ch->u.msi.entry = entry;
		}
	}
	spin_unlock_irqrestore(&d->evtchn_lock, flags);
	return port;
}

long evtchn_alloc_unbound(struct domain *d, uint16_t remote_domid)
{
	return alloc_local_port(d, EVTCHN_UNBOUND, 0, remote_domid);
}

/* The same, and return the port to the guest in the structure @out
 * (copied back to @arg), whose port field is @port_out. */
static long bind_local_port(struct domain *d, enum evtchn_state state,
			    unsigned int vcpu, unsigned int detail,
			    unsigned long arg, void *out, size_t out_size,
			    keel_port_t *port_out)
{
	long port = alloc_local_port(d, state, vcpu, detail);

	if (port < 0)
		return port;
	*port_out = (keel_port_t)port;
	if (copy_to_guest(arg, out, out_size)) {
		evtchn_close(d, (keel_port_t)port);
		return -EFAULT;
	}
	return 0;
}

static long op_alloc_unbound(struct domain *d, unsigned long arg)
{
	struct keel_evtchn_alloc_unbound a;

	if (copy_from_guest(&a, arg, sizeof(a)))
		return -EFAULT;
	if (!domid_names_self(d, a.dom))
		return -EPERM;
	unsigned int remote = a.remote_dom == KEEL_DOMID_SELF ? d->domid :
								 a.remote_dom;
	return bind_local_port(d, EVTCHN_UNBOUND, 0, remote, arg, &a,
			       sizeof(a), &a.port);
}

static long op_bind_virq(struct domain *d, unsigned long arg)
{
	struct keel_evtchn_bind_virq b;

	if (copy_from_guest(&b, arg, sizeof(b)))
		return -EFAULT;
	if (b.virq >= KEEL_NR_VIRQS || b.vcpu >= d->nr_vcpus)
		return -EINVAL;
	if (virq_is_global(b.virq) && b.vcpu != 0)
		return -EINVAL;		/* global VIRQs go to vCPU 0 */
	return bind_local_port(d, EVTCHN_VIRQ, b.vcpu, b.virq, arg, &b,
			       sizeof(b), &b.port);
}

static long op_bind_ipi(struct domain *d, unsigned long arg)
{
	struct keel_evtchn_bind_ipi b;

	if (copy_from_guest(&b, arg, sizeof(b)))
		return -EFAULT;
	if (b.vcpu >= d->nr_vcpus)
		return -EINVAL;
	return bind_local_port(d, EVTCHN_IPI, b.vcpu, 0, arg, &b, sizeof(b),
			       &b.port);
}

static long op_send(struct domain *d, unsigned long arg)
{
	struct keel_evtchn_send s;

	if (copy_from_guest(&s, arg, sizeof(s)))
		return -EFAULT;
	for (;;) {
		unsigned long flags = spin_lock_irqsave(&d->evtchn_lock);
		if (!port_valid(d, s.port)) {
			spin_unlock_irqrestore(&d->evtchn_lock, flags);
			return -EBADF;
		}
		struct evtchn *ch = &d->evtchn[s.port];
		if (ch->state != EVTCHN_INTERDOMAIN) {
			long rc = 0;
			if (ch->state == EVTCHN_IPI)
				evtchn_signal(d, s.port);
			else if (ch->state != EVTCHN_UNBOUND)
				rc = -EINVAL;	/* VIRQs and GSIs: Keel raises
						 * them */
			/* Unbound: nobody listens yet; dropped, as in Xen. */
			spin_unlock_irqrestore(&d->evtchn_lock, flags);
			return rc;
		}
		struct domain *rd = ch->u.interdomain.domain;
		/* Keep the peer's memory alive across the unlocked gap. */
		domain_get(rd);
		spin_unlock_irqrestore(&d->evtchn_lock, flags);

		/* Both locks in domid order, so two domains sending to each
		 * other cannot deadlock; then check nothing changed. */
		flags = double_lock(d, rd);
		bool same = ch->state == EVTCHN_INTERDOMAIN &&
			    ch->u.interdomain.domain == rd;
		if (same)
			evtchn_signal(rd, ch->u.interdomain.port);
		double_unlock(d, rd, flags);
		domain_put(rd);
		if (same)
			return 0;
	}
}

static long op_status(struct domain *d, unsigned long arg)
{
	struct keel_evtchn_status st;

	if (copy_from_guest(&st, arg, sizeof(st)))
		return -EFAULT;
	if (!domid_names_self(d, st.dom))
		return -EPERM;
	if (st.port == 0 || st.port >= DOMAIN_MAX_PORTS)
		return -EBADF;
	unsigned long flags = spin_lock_irqsave(&d->evtchn_lock);
	struct evtchn *ch = &d->evtchn[st.port];
	memset(&st.u, 0, sizeof(st.u));
	st.vcpu = ch->notify_vcpu;
	switch (ch->state) {
	case EVTCHN_FREE:
		st.status = KEEL_EVTCHNSTAT_closed;
		break;
	case EVTCHN_UNBOUND:
		st.status = KEEL_EVTCHNSTAT_unbound;
		st.u.unbound.dom = ch->u.unbound_remote_domid;
		break;
	case EVTCHN_INTERDOMAIN:
		st.status = KEEL_EVTCHNSTAT_interdomain;
		st.u.interdomain.dom = ch->u.interdomain.domain->domid;
		st.u.interdomain.port = ch->u.interdomain.port;
		break;
	case EVTCHN_VIRQ:
		st.status = KEEL_EVTCHNSTAT_virq;
		st.u.virq = ch->u.virq;
		break;
	case EVTCHN_IPI:
		st.status = KEEL_EVTCHNSTAT_ipi;
		break;
	case EVTCHN_GSI:
		st.status = KEEL_EVTCHNSTAT_gsi;
		st.u.gsi = ch->u.gsi;
		break;
	case EVTCHN_MSI:
		st.status = KEEL_EVTCHNSTAT_msi;
		st.u.msi.bus = (uint8_t)(ch->u.msi.bdf >> 8);
		st.u.msi.devfn = (uint8_t)ch->u.msi.bdf;
		st.u.msi.msix_entry = ch->u.msi.entry < 0 ?
				      KEEL_MSI_NOT_MSIX :
				      (uint32_t)ch->u.msi.entry;
		break;
	}
	spin_unlock_irqrestore(&d->evtchn_lock, flags);
	return copy_to_guest(arg, &st, sizeof(st)) ? -EFAULT : 0;
}

static long op_unmask(struct domain *d, unsigned long arg)
{
	struct keel_evtchn_unmask u;

	if (copy_from_guest(&u, arg, sizeof(u)))
		return -EFAULT;
	unsigned long flags = spin_lock_irqsave(&d->evtchn_lock);
	long rc = 0;
	if (!port_valid(d, u.port)) {
		rc = -EBADF;
	} else {
		struct vcpu *v = d->vcpus[d->evtchn[u.port].notify_vcpu];
		if (event_bitmap_unmask(d->shared_info, v->vcpu_info, u.port))
			vcpu_kick(v);
	}
	spin_unlock_irqrestore(&d->evtchn_lock, flags);
	return rc;
}

static long op_bind_vcpu(struct domain *d, unsigned long arg)
{
	struct keel_evtchn_bind_vcpu b;

	if (copy_from_guest(&b, arg, sizeof(b)))
		return -EFAULT;
	if (b.vcpu >= d->nr_vcpus)
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&d->evtchn_lock);
	long rc = 0;
	if (!port_valid(d, b.port))
		rc = -EBADF;
	else if (d->evtchn[b.port].state == EVTCHN_VIRQ &&
		 !virq_is_global(d->evtchn[b.port].u.virq))
		rc = -EINVAL;	/* per-vCPU VIRQs stay with their vCPU */
	else
		d->evtchn[b.port].notify_vcpu = b.vcpu;
	spin_unlock_irqrestore(&d->evtchn_lock, flags);
	return rc;
}

long do_event_channel_op(unsigned long cmd, unsigned long arg)
{
	struct domain *d = current_vcpu()->domain;

	switch (cmd) {
	case KEEL_EVTCHNOP_alloc_unbound:    return op_alloc_unbound(d, arg);
	case KEEL_EVTCHNOP_bind_interdomain: return op_bind_interdomain(d, arg);
	case KEEL_EVTCHNOP_bind_virq:        return op_bind_virq(d, arg);
	case KEEL_EVTCHNOP_bind_ipi:         return op_bind_ipi(d, arg);
	case KEEL_EVTCHNOP_send:             return op_send(d, arg);
	case KEEL_EVTCHNOP_status:           return op_status(d, arg);
	case KEEL_EVTCHNOP_unmask:           return op_unmask(d, arg);
	case KEEL_EVTCHNOP_bind_vcpu:        return op_bind_vcpu(d, arg);
	case KEEL_EVTCHNOP_close: {
		struct keel_evtchn_close c;
		if (copy_from_guest(&c, arg, sizeof(c)))
			return -EFAULT;
		return evtchn_close(d, c.port);
	}
	default:
		return -ENOSYS;
	}
}
