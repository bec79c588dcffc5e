/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Event channels: event_channel_op(cmd, arg), where arg points to the
 * command's structure. OUT fields are written by the hypervisor on success.
 */
#ifndef KEEL_PUBLIC_EVENT_CHANNEL_H
#define KEEL_PUBLIC_EVENT_CHANNEL_H

#include "keel.h"

typedef uint32_t keel_port_t;

/* Virtual interrupts the hypervisor raises. */
#define KEEL_VIRQ_TIMER   0	/* per vCPU: the one-shot timer expired */
#define KEEL_VIRQ_DEBUG   1	/* per vCPU: debug request (bindable; not
				 * raised by this version) */
#define KEEL_VIRQ_CONSOLE 2	/* global, control domains: the hypervisor
				 * log has new bytes for console_read
				 * (checked every 20 ms) */
#define KEEL_VIRQ_CONSOLE_INPUT 3	/* global (ABI 1.2): serial input is
					 * waiting for console_input; raised
					 * in the focus domain only */
#define KEEL_VIRQ_SHUTDOWN_REQUEST 4	/* global (ABI 1.3): a control domain
					 * asks this domain to shut down;
					 * the reason is in shared_info's
					 * shutdown_request */
#define KEEL_VIRQ_DOM_EXC 5	/* global (ABI 1.4), control domains: a
				 * domain has shut down, or has been
				 * freed; look with getinfo */
#define KEEL_NR_VIRQS     6

#define KEEL_EVTCHNOP_alloc_unbound    0
#define KEEL_EVTCHNOP_bind_interdomain 1
#define KEEL_EVTCHNOP_bind_virq        2
#define KEEL_EVTCHNOP_bind_ipi         3
#define KEEL_EVTCHNOP_send             4
#define KEEL_EVTCHNOP_close            5
#define KEEL_EVTCHNOP_status           6
#define KEEL_EVTCHNOP_unmask           7
#define KEEL_EVTCHNOP_bind_vcpu        8

/* Allocate a port that remote_dom may bind to. */
struct keel_evtchn_alloc_unbound {
	keel_domid_t dom;		/* IN: KEEL_DOMID_SELF */
	keel_domid_t remote_dom;	/* IN */
	keel_port_t port;		/* OUT */
};

/* Connect to remote_port of remote_dom, which must be unbound and
 * allocated for the caller. */
struct keel_evtchn_bind_interdomain {
	keel_domid_t remote_dom;	/* IN */
	uint16_t pad;
	keel_port_t remote_port;	/* IN */
	keel_port_t local_port;		/* OUT */
	uint32_t pad1;
};

struct keel_evtchn_bind_virq {
	uint32_t virq;			/* IN: KEEL_VIRQ_* */
	uint32_t vcpu;			/* IN: 0 for global VIRQs */
	keel_port_t port;		/* OUT */
	uint32_t pad;
};

struct keel_evtchn_bind_ipi {
	uint32_t vcpu;			/* IN: the vCPU that will be notified */
	keel_port_t port;		/* OUT */
};

struct keel_evtchn_send {
	keel_port_t port;		/* IN */
};

struct keel_evtchn_close {
	keel_port_t port;		/* IN */
};

struct keel_evtchn_unmask {
	keel_port_t port;		/* IN */
};

struct keel_evtchn_bind_vcpu {
	keel_port_t port;		/* IN */
	uint32_t vcpu;			/* IN */
};

#define KEEL_EVTCHNSTAT_closed      0
#define KEEL_EVTCHNSTAT_unbound     1
#define KEEL_EVTCHNSTAT_interdomain 2
#define KEEL_EVTCHNSTAT_virq        3
#define KEEL_EVTCHNSTAT_ipi         4
#define KEEL_EVTCHNSTAT_gsi         5	/* a device interrupt (physdev.h,
					 * ABI 1.6) */
#define KEEL_EVTCHNSTAT_msi         6	/* a device's MSI or MSI-X entry
					 * (physdev.h, ABI 1.7) */
#define KEEL_MSI_NOT_MSIX  0xffffffffu	/* u.msi.msix_entry of an MSI */

struct keel_evtchn_status {
	keel_domid_t dom;		/* IN: KEEL_DOMID_SELF */
	uint16_t pad;
	keel_port_t port;		/* IN */
	uint32_t status;		/* OUT: KEEL_EVTCHNSTAT_* */
	uint32_t vcpu;			/* OUT: vCPU notified */
	union {
		struct {
			keel_domid_t dom;
			uint16_t pad;
			uint32_t pad1;
		} unbound;		/* remote domain allowed to bind */
		struct {
			keel_domid_t dom;
			uint16_t pad;
			keel_port_t port;
		} interdomain;		/* the other end */
		uint32_t virq;
		uint32_t gsi;		/* ABI 1.6 */
		struct {
			uint16_t segment;
			uint8_t bus;
			uint8_t devfn;
			uint32_t msix_entry;	/* KEEL_MSI_NOT_MSIX:
						 * its MSI */
		} msi;			/* ABI 1.7: the function */
	} u;				/* OUT */
};

#endif
