/* Multiprocessor support (common/smp.c, arch/x86_64/smp.c). */
#ifndef KEEL_SMP_H
#define KEEL_SMP_H

#include <percpu.h>
#include <types.h>

typedef uint64_t cpumask_t;	/* NR_CPUS <= 64 */

/* Run @fn(@data) on each online CPU in @mask (the caller too, if set), and
 * return after every one has finished. Must be called with interrupts
 * enabled, since targets may be calling it too. */
void smp_call_function_mask(cpumask_t mask, void (*fn)(void *), void *data);
void smp_call_function_interrupt(void);
cpumask_t cpu_online_mask(void);

/* Bring up the secondary CPUs (arch). */
void smp_boot_cpus(unsigned int max_cpus);
/* Make @cpu pass through its guest-exit path or idle loop soon (arch). */
void arch_send_event_check_ipi(unsigned int cpu);
/* Stop every other CPU, for panic (arch). */
void smp_stop_other_cpus(void);

#endif
