/*
 * A queue of one-shot timers sorted by expiry (common/timer_queue.c). Each
 * CPU owns one; timer.c adds the locking and the hardware programming.
 * Timers with equal expiry fire in the order they were set.
 */
#ifndef KEEL_TIMER_QUEUE_H
#define KEEL_TIMER_QUEUE_H

#include "list.h"
#include "types.h"

struct timer {
	struct list_head link;		/* in the owning queue, when active */
	uint64_t expires;		/* system time in ns */
	void (*fn)(struct timer *timer, void *data);
	void *data;
	unsigned int cpu;		/* CPU whose queue holds it */
	bool active;
};

struct timer_queue {
	struct list_head timers;	/* sorted by expires */
	uint64_t nr_active;
};

void timer_queue_init(struct timer_queue *q);
/* Insert @t, which must not be active. Returns true when @t became the
 * earliest timer, so the hardware deadline must move. */
bool timer_queue_insert(struct timer_queue *q, struct timer *t);
void timer_queue_remove(struct timer_queue *q, struct timer *t);
/* Remove and return the earliest timer if it expired at or before @now. */
struct timer *timer_queue_pop_expired(struct timer_queue *q, uint64_t now);
/* Expiry of the earliest timer, or UINT64_MAX when the queue is empty. */
uint64_t timer_queue_next_expiry(const struct timer_queue *q);

#endif
