/* Sorted timer queue: a list kept in expiry order. Insertion walks from
 * the tail, because new timers usually expire after the ones queued. */
#include <timer_queue.h>

void timer_queue_init(struct timer_queue *q)
{
	list_init(&q->timers);
	q->nr_active = 0;
}

bool timer_queue_insert(struct timer_queue *q, struct timer *t)
{
	struct list_head *pos = q->timers.prev;

	while (pos != &q->timers &&
	       list_entry(pos, struct timer, link)->expires > t->expires)
		pos = pos->prev;
	list_insert_between(&t->link, pos, pos->next);
	t->active = true;
	q->nr_active++;
	return q->timers.next == &t->link;
}

void timer_queue_remove(struct timer_queue *q, struct timer *t)
{
	if (!t->active)
		return;
	list_del(&t->link);
	t->active = false;
	q->nr_active--;
}

struct timer *timer_queue_pop_expired(struct timer_queue *q, uint64_t now)
{
	if (list_empty(&q->timers))
		return NULL;
	struct timer *t = list_entry(q->timers.next, struct timer, link);
	if (t->expires > now)
		return NULL;
	timer_queue_remove(q, t);
	return t;
}

uint64_t timer_queue_next_expiry(const struct timer_queue *q)
{
	if (list_empty(&q->timers))
		return UINT64_MAX;
	return list_entry(q->timers.next, struct timer, link)->expires;
}
