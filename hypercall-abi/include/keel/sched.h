/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* sched_op(cmd, arg) and set_timer(deadline). */
#ifndef KEEL_PUBLIC_SCHED_H
#define KEEL_PUBLIC_SCHED_H

#include "keel.h"

#define KEEL_SCHEDOP_yield    0	/* give up the CPU; arg unused */
#define KEEL_SCHEDOP_block    1	/* unmask events and sleep until one is
				 * pending for this vCPU; arg unused */
#define KEEL_SCHEDOP_shutdown 2	/* arg: struct keel_sched_shutdown */
#define KEEL_SCHEDOP_poll     3	/* arg: struct keel_sched_poll */

#define KEEL_SHUTDOWN_poweroff 0
#define KEEL_SHUTDOWN_reboot   1
#define KEEL_SHUTDOWN_crash    2

struct keel_sched_shutdown {
	uint32_t reason;	/* KEEL_SHUTDOWN_* */
	uint32_t pad;
};

/* Sleep until one of the ports is pending, an upcall is pending for the
 * vCPU, or the deadline (system time, ns) has passed; 0 means no
 * deadline. The upcall mask is left as it is, so with events masked no
 * upcall is delivered. Returns 0 in every one of these cases; the caller
 * looks at its ports. */
#define KEEL_SCHED_POLL_MAX_PORTS 128
struct keel_sched_poll {
	uint64_t ports;		/* guest address of a uint32_t array */
	uint32_t nr_ports;	/* 1 .. KEEL_SCHED_POLL_MAX_PORTS */
	uint32_t pad;
	uint64_t timeout;	/* absolute system time in ns, or 0 */
};

/* set_timer(deadline): arm the calling vCPU's one-shot timer for absolute
 * system time `deadline` (ns); 0 cancels it. When it expires, VIRQ_TIMER
 * is signalled on the vCPU's bound port. A deadline in the past fires at
 * once. */

#endif
