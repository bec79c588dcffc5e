/* Per-CPU data. */
#ifndef KEEL_PERCPU_H
#define KEEL_PERCPU_H

#include <spinlock.h>
#include <timer_queue.h>
#include <types.h>
#include <asm/percpu.h>

#define NR_CPUS 64

struct percpu {
	unsigned int cpu;		/* logical CPU number, 0 = boot CPU */
	bool online;
	spinlock_t timer_lock;
	struct timer_queue timers;
	uint64_t timer_interrupts;
	struct timer *running_timer;	/* whose function runs right now */
	struct arch_percpu arch;
};

extern struct percpu *percpu_table[NR_CPUS];
extern unsigned int nr_cpus_online;

static inline struct percpu *this_cpu(void)
{
	return get_cpu_info()->percpu;
}

static inline unsigned int smp_processor_id(void)
{
	return (unsigned int)get_cpu_info()->cpu;
}

static inline struct percpu *percpu_of(unsigned int cpu)
{
	return cpu < NR_CPUS ? percpu_table[cpu] : NULL;
}

#endif
