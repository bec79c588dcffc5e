/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The shared-info page: one page per domain, owned by the hypervisor and
 * mapped read-write into the guest at the address the boot FDT gives
 * (property shared-info-vaddr of node /keel).
 */
#ifndef KEEL_PUBLIC_SHARED_INFO_H
#define KEEL_PUBLIC_SHARED_INFO_H

#include "keel.h"
#include "vcpu.h"

#define KEEL_MAX_VCPUS          32
#define KEEL_NR_EVENT_CHANNELS  4096	/* 64 words of 64 bits */

struct keel_shared_info {
	struct keel_vcpu_info vcpu_info[KEEL_MAX_VCPUS];
	/* Two-level event bitmaps. Bit p of evtchn_pending is set by the
	 * hypervisor when port p is signalled, and cleared by the guest
	 * (atomically) when it handles the port. Bit p of evtchn_mask is
	 * owned by the guest: set = port masked (no upcall). Unmasking a
	 * port that may be pending goes through EVTCHNOP_unmask, so that a
	 * pending event is not lost. */
	uint64_t evtchn_pending[KEEL_NR_EVENT_CHANNELS / 64];
	uint64_t evtchn_mask[KEEL_NR_EVENT_CHANNELS / 64];
	/* Wall-clock time at system time 0 (boot), in the layout of Linux's
	 * struct pvclock_wall_clock plus the high seconds. Written by the
	 * hypervisor; odd version = update in progress. */
	uint32_t wc_version;
	uint32_t wc_sec;
	uint32_t wc_nsec;
	uint32_t wc_sec_hi;
	/* ABI 1.3. Written by the hypervisor when a control domain asks
	 * this domain to shut down (domctl request_shutdown): 0 while no
	 * one has, else the KEEL_SHUTDOWN_* reason of the latest request
	 * plus 1. KEEL_VIRQ_SHUTDOWN_REQUEST follows each write; a guest
	 * also reads it once when it binds that VIRQ, in case a request came
	 * first. Read only by the guest. */
	uint32_t shutdown_request;
	uint32_t pad;
};

#endif
