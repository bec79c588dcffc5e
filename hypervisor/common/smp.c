/*
 * Cross-CPU function calls.
 *
 * One call is in flight at a time, guarded by call_lock. The caller
 * publishes the function and the set of targets, sends each target an IPI,
 * and spins until every target has run it and cleared its bit: the call
 * slot is reused by the next caller, so returning earlier is not an option.
 * Callers must have interrupts enabled: two CPUs calling each other with
 * interrupts off would wait for each other forever.
 */
#include <panic.h>
#include <percpu.h>
#include <printk.h>
#include <smp.h>
#include <spinlock.h>
#include <asm/cpu.h>
#include <asm/platform.h>

static spinlock_t call_lock = SPINLOCK_INIT;
static struct {
	void (*fn)(void *);
	void *data;
	cpumask_t pending;	/* targets that have not finished */
} call;

cpumask_t cpu_online_mask(void)
{
	cpumask_t mask = 0;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		if (percpu_table[cpu] && READ_ONCE(percpu_table[cpu]->online))
			mask |= 1ULL << cpu;
	return mask;
}

void smp_call_function_mask(cpumask_t mask, void (*fn)(void *), void *data)
{
	unsigned int self = smp_processor_id();
	bool run_here = mask & (1ULL << self);

	BUG_ON(!irqs_enabled());
	mask &= cpu_online_mask() & ~(1ULL << self);

	if (mask) {
		spin_lock(&call_lock);
		call.fn = fn;
		call.data = data;
		__atomic_store_n(&call.pending, mask, __ATOMIC_SEQ_CST);
		for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
			if (mask & (1ULL << cpu))
				arch_send_call_function_ipi(cpu);
		while (__atomic_load_n(&call.pending, __ATOMIC_ACQUIRE))
			cpu_relax();
		spin_unlock(&call_lock);
	}
	if (run_here) {
		unsigned long flags = irq_save();
		fn(data);
		irq_restore(flags);
	}
}

void smp_call_function_interrupt(void)
{
	unsigned int self = smp_processor_id();

	if (!(__atomic_load_n(&call.pending, __ATOMIC_ACQUIRE) & (1ULL << self)))
		return;
	call.fn(call.data);
	__atomic_fetch_and(&call.pending, ~(1ULL << self), __ATOMIC_RELEASE);
}
