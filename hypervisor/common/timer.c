/*
 * One-shot timers over the per-CPU queues of timer_queue.c.
 *
 * A timer belongs to one CPU's queue. Setting or stopping it takes that
 * queue's lock; when the earliest expiry changes on the local CPU, the
 * local timer hardware is reprogrammed. (A timer set on another CPU's
 * queue is noticed when that CPU next programs its timer: callers that
 * need it sooner should set timers from the owning CPU, as the scheduler
 * will.)
 *
 * The interrupt handler runs every timer whose expiry has passed, with the
 * lock dropped around each call, so a handler may re-arm its own timer.
 * A timer never runs before its expiry: the hardware may fire early, and
 * then only the reprogramming happens.
 */
#include <arch.h>
#include <panic.h>
#include <percpu.h>
#include <system_time.h>
#include <timer.h>
#include <asm/cpu.h>

void timer_cpu_init(unsigned int cpu)
{
	struct percpu *pc = percpu_of(cpu);

	spin_lock_init(&pc->timer_lock);
	timer_queue_init(&pc->timers);
}

void timer_init(struct timer *t, void (*fn)(struct timer *, void *),
		void *data, unsigned int cpu)
{
	list_init(&t->link);
	t->expires = 0;
	t->fn = fn;
	t->data = data;
	t->cpu = cpu;
	t->active = false;
}

void timer_set(struct timer *t, uint64_t expires)
{
	struct percpu *pc = percpu_of(t->cpu);
	unsigned long flags;

	BUG_ON(!pc);
	flags = spin_lock_irqsave(&pc->timer_lock);
	timer_queue_remove(&pc->timers, t);
	t->expires = expires;
	bool earliest = timer_queue_insert(&pc->timers, t);
	if (earliest && t->cpu == smp_processor_id())
		arch_timer_program(expires);
	spin_unlock_irqrestore(&pc->timer_lock, flags);
}

void timer_stop(struct timer *t)
{
	struct percpu *pc = percpu_of(t->cpu);
	unsigned long flags;

	BUG_ON(!pc);
	flags = spin_lock_irqsave(&pc->timer_lock);
	timer_queue_remove(&pc->timers, t);
	spin_unlock_irqrestore(&pc->timer_lock, flags);
}

void timer_interrupt(void)
{
	struct percpu *pc = this_cpu();
	struct timer *t;

	pc->timer_interrupts++;
	spin_lock(&pc->timer_lock);
	while ((t = timer_queue_pop_expired(&pc->timers, now_ns()))) {
		pc->running_timer = t;
		spin_unlock(&pc->timer_lock);
		t->fn(t, t->data);
		spin_lock(&pc->timer_lock);
		pc->running_timer = NULL;
	}
	arch_timer_program(timer_queue_next_expiry(&pc->timers));
	spin_unlock(&pc->timer_lock);
}

void timer_kill(struct timer *t)
{
	struct percpu *pc = percpu_of(t->cpu);
	unsigned long flags;

	BUG_ON(!pc);
	flags = spin_lock_irqsave(&pc->timer_lock);
	timer_queue_remove(&pc->timers, t);
	while (pc->running_timer == t) {
		spin_unlock_irqrestore(&pc->timer_lock, flags);
		cpu_relax();
		flags = spin_lock_irqsave(&pc->timer_lock);
	}
	spin_unlock_irqrestore(&pc->timer_lock, flags);
}

void timer_migrate(struct timer *t, unsigned int cpu)
{
	struct percpu *old = percpu_of(t->cpu);
	unsigned long flags;
	bool was_active;

	if (t->cpu == cpu)
		return;
	flags = spin_lock_irqsave(&old->timer_lock);
	/* Its function may be running on the old CPU: timer_kill() looks
	 * only at the timer's current CPU, so do not move it until done. */
	while (old->running_timer == t) {
		spin_unlock_irqrestore(&old->timer_lock, flags);
		cpu_relax();
		flags = spin_lock_irqsave(&old->timer_lock);
	}
	was_active = t->active;
	timer_queue_remove(&old->timers, t);
	t->cpu = cpu;
	spin_unlock_irqrestore(&old->timer_lock, flags);
	if (was_active)
		timer_set(t, t->expires);
}
