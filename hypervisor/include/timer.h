/*
 * One-shot timers (common/timer.c). Each CPU keeps its own sorted queue and
 * programs its local timer for the earliest expiry. A timer's function runs
 * in interrupt context on the CPU whose queue holds it.
 */
#ifndef KEEL_TIMER_H
#define KEEL_TIMER_H

#include <timer_queue.h>

void timer_init(struct timer *t, void (*fn)(struct timer *, void *),
		void *data, unsigned int cpu);
/* (Re)arm @t to fire at system time @expires (ns). */
void timer_set(struct timer *t, uint64_t expires);
void timer_stop(struct timer *t);
/* Stop @t and wait until its function is not running on any CPU, so its
 * memory can be freed. */
void timer_kill(struct timer *t);
/* Move an inactive or active timer to @cpu's queue (re-arming it there). */
void timer_migrate(struct timer *t, unsigned int cpu);
/* Called from the local timer interrupt. */
void timer_interrupt(void);
void timer_cpu_init(unsigned int cpu);

#endif
