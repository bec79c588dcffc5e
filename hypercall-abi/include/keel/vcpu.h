/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Per-vCPU shared data and the vcpu_op hypercall.
 */
#ifndef KEEL_PUBLIC_VCPU_H
#define KEEL_PUBLIC_VCPU_H

#include "keel.h"

/*
 * Time, in the layout of Linux's struct pvclock_vcpu_time_info, so that
 * Linux's pvclock code reads it unchanged. Written by the hypervisor
 * whenever the vCPU is scheduled on a physical CPU, and when the vCPU
 * asks for it with VCPUOP_update_time.
 *
 * The system time (ns since the hypervisor booted) at a TSC value `tsc` is
 *     delta = tsc - tsc_timestamp
 *     delta = tsc_shift >= 0 ? delta << tsc_shift : delta >> -tsc_shift
 *     time  = system_time + ((delta * tsc_to_system_mul) >> 32)
 * Readers retry while `version` is odd or changed during the read.
 */
struct keel_vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;		/* KEEL_PVCLOCK_TSC_STABLE when the TSC is
				 * synchronised across physical CPUs */
	uint8_t pad[2];
};
#define KEEL_PVCLOCK_TSC_STABLE (1u << 0)

/*
 * One per vCPU, in the shared-info page (shared_info.h). 64 bytes.
 */
struct keel_vcpu_info {
	/* Set to 1 by the hypervisor when an event is pending for this vCPU;
	 * cleared by the guest before it scans evtchn_pending_sel. */
	uint8_t evtchn_upcall_pending;
	/* The virtual interrupt flag, written by the guest: 1 = events
	 * masked (like cli), 0 = delivered (like sti). The hypervisor sets it
	 * to 1 when it delivers an upcall, and the iret hypercall sets it from
	 * the IF bit of the frame it returns to. */
	uint8_t evtchn_upcall_mask;
	uint8_t pad0[6];
	/* Bit n set by the hypervisor when word n of evtchn_pending (in
	 * shared info) may have pending, unmasked ports; the guest clears it
	 * with an atomic exchange. */
	uint64_t evtchn_pending_sel;
	/* Written by the hypervisor when it bounces an exception: the vector
	 * and the error code every time; the faulting address (CR2) only for
	 * a page fault, so it keeps the last one, as CR2 does (ABI 1.2). A
	 * page fault's error code has the U bit (2) only for a fault in
	 * guest user mode. */
	uint64_t fault_address;
	uint32_t fault_error_code;
	uint32_t fault_vector;
	struct keel_vcpu_time_info time;
};

/* vcpu_op(cmd, vcpu, arg) */
#define KEEL_VCPUOP_initialise  0	/* arg: struct keel_vcpu_context; the
					 * vCPU must be down. -EEXIST if up,
					 * -EBUSY while it is still leaving
					 * its CPU after a down. */
#define KEEL_VCPUOP_up          1	/* start an initialised vCPU; -EINVAL if
					 * it is not (never, or not since down) */
#define KEEL_VCPUOP_down        2	/* stop a vCPU (may be the caller) */
#define KEEL_VCPUOP_is_up       3	/* returns 1 if up, 0 if down */
#define KEEL_VCPUOP_get_runstate 4	/* arg: struct keel_vcpu_runstate */
#define KEEL_VCPUOP_update_time 5	/* refresh the caller's time info */

/* Initial register state of a vCPU brought up with VCPUOP_up. It starts
 * in guest kernel mode with events masked, on the kernel page tables of
 * the domain, with the other general registers zero. */
struct keel_vcpu_context {
	uint64_t rip;
	uint64_t rsp;
	uint64_t rdi;		/* a free argument for the entry code */
	uint64_t kernel_sp;	/* as stack_switch */
};

struct keel_vcpu_runstate {
	uint64_t cpu_time_ns;	/* time spent on a CPU up to the call, in ns */
	uint32_t state;		/* KEEL_RUNSTATE_* */
	uint32_t pcpu;		/* last physical CPU it ran on */
};
#define KEEL_RUNSTATE_running  0
#define KEEL_RUNSTATE_runnable 1
#define KEEL_RUNSTATE_blocked  2
#define KEEL_RUNSTATE_down     3

#endif
