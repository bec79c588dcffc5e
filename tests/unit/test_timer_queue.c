/* Unit tests for the sorted timer queue (hypervisor/common/timer_queue.c). */
#include <stdlib.h>
#include <string.h>

#include <timer_queue.h>

#include "unit.h"

static struct timer_queue q;

static void setup(void)
{
	timer_queue_init(&q);
}

static void timer_set(struct timer *t, uint64_t expires, uintptr_t id)
{
	memset(t, 0, sizeof(*t));
	t->expires = expires;
	t->data = (void *)id;
}

/* Walk the queue: it must be sorted and nr_active must match it. */
static void check_queue(void)
{
	uint64_t n = 0, last = 0;
	struct list_head *pos;

	list_for_each(pos, &q.timers) {
		struct timer *t = list_entry(pos, struct timer, link);

		ck_assert(t->active);
		ck_assert_uint_ge(t->expires, last);
		ck_assert_ptr_eq(pos->next->prev, pos);
		last = t->expires;
		ck_assert_uint_le(++n, 100000);
	}
	ck_assert_uint_eq(n, q.nr_active);
}

START_TEST(empty_queue)
{
	ck_assert_uint_eq(q.nr_active, 0);
	ck_assert(list_empty(&q.timers));
	ck_assert_uint_eq(timer_queue_next_expiry(&q), UINT64_MAX);
	ck_assert_ptr_null(timer_queue_pop_expired(&q, 0));
	ck_assert_ptr_null(timer_queue_pop_expired(&q, UINT64_MAX));
}
END_TEST

START_TEST(ordered_insertion)
{
	static const uint64_t exp[] = { 50, 10, 30, 20, 40, 5, 60 };
	static const bool earliest[] = { true, true, false, false, false, true, false };
	struct timer t[ARRAY_SIZE(exp)];

	for (unsigned int i = 0; i < ARRAY_SIZE(exp); i++) {
		timer_set(&t[i], exp[i], i);
		ck_assert_int_eq(timer_queue_insert(&q, &t[i]), earliest[i]);
		ck_assert(t[i].active);
		ck_assert_uint_eq(q.nr_active, i + 1);
		check_queue();
	}
	ck_assert_uint_eq(timer_queue_next_expiry(&q), 5);

	static const uint64_t order[] = { 5, 10, 20, 30, 40, 50, 60 };
	for (unsigned int i = 0; i < ARRAY_SIZE(order); i++) {
		struct timer *p = timer_queue_pop_expired(&q, UINT64_MAX);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq(p->expires, order[i]);
		ck_assert(!p->active);
		ck_assert_uint_eq(q.nr_active, ARRAY_SIZE(order) - i - 1);
	}
	ck_assert_ptr_null(timer_queue_pop_expired(&q, UINT64_MAX));
	ck_assert_uint_eq(timer_queue_next_expiry(&q), UINT64_MAX);
}
END_TEST

START_TEST(equal_expiries_are_fifo)
{
	struct timer t[6], late;

	for (unsigned int i = 0; i < 6; i++) {
		timer_set(&t[i], 100, i);
		/* Only the first of equals becomes the earliest. */
		ck_assert_int_eq(timer_queue_insert(&q, &t[i]), i == 0);
	}
	timer_set(&late, 100, 99);
	ck_assert(!timer_queue_insert(&q, &late));
	check_queue();

	for (unsigned int i = 0; i < 6; i++)
		ck_assert_ptr_eq(timer_queue_pop_expired(&q, 100), &t[i]);
	ck_assert_ptr_eq(timer_queue_pop_expired(&q, 100), &late);
	ck_assert_ptr_null(timer_queue_pop_expired(&q, 100));
}
END_TEST

START_TEST(fifo_among_mixed)
{
	struct timer a, b, c, d, e;

	timer_set(&a, 20, 'a');
	timer_set(&b, 10, 'b');
	timer_set(&c, 20, 'c');
	timer_set(&d, 10, 'd');
	timer_set(&e, 30, 'e');
	ck_assert(timer_queue_insert(&q, &a));
	ck_assert(timer_queue_insert(&q, &b));
	ck_assert(!timer_queue_insert(&q, &c));
	ck_assert(!timer_queue_insert(&q, &d));
	ck_assert(!timer_queue_insert(&q, &e));
	struct timer *want[] = { &b, &d, &a, &c, &e };
	for (unsigned int i = 0; i < ARRAY_SIZE(want); i++)
		ck_assert_ptr_eq(timer_queue_pop_expired(&q, 1000), want[i]);
}
END_TEST

START_TEST(remove_timers)
{
	struct timer t[5], inactive;

	for (unsigned int i = 0; i < 5; i++) {
		timer_set(&t[i], 10 * (i + 1), i);
		timer_queue_insert(&q, &t[i]);
	}

	/* Middle. */
	timer_queue_remove(&q, &t[2]);
	ck_assert(!t[2].active);
	ck_assert_uint_eq(q.nr_active, 4);
	check_queue();
	ck_assert_uint_eq(timer_queue_next_expiry(&q), 10);

	/* Head: the next expiry moves. */
	timer_queue_remove(&q, &t[0]);
	ck_assert_uint_eq(q.nr_active, 3);
	ck_assert_uint_eq(timer_queue_next_expiry(&q), 20);
	check_queue();

	/* Tail. */
	timer_queue_remove(&q, &t[4]);
	ck_assert_uint_eq(q.nr_active, 2);
	check_queue();

	/* Inactive timers: removed ones, and one never inserted. */
	timer_queue_remove(&q, &t[2]);
	timer_queue_remove(&q, &t[0]);
	timer_set(&inactive, 15, 42);
	timer_queue_remove(&q, &inactive);
	ck_assert_uint_eq(q.nr_active, 2);
	check_queue();

	ck_assert_ptr_eq(timer_queue_pop_expired(&q, 100), &t[1]);
	ck_assert_ptr_eq(timer_queue_pop_expired(&q, 100), &t[3]);
	ck_assert_ptr_null(timer_queue_pop_expired(&q, 100));

	/* Remove the only timer. */
	ck_assert(timer_queue_insert(&q, &t[2]));
	timer_queue_remove(&q, &t[2]);
	ck_assert_uint_eq(q.nr_active, 0);
	ck_assert(list_empty(&q.timers));
	ck_assert_uint_eq(timer_queue_next_expiry(&q), UINT64_MAX);
}
END_TEST

START_TEST(pop_respects_now)
{
	struct timer a, b, c;

	timer_set(&a, 100, 1);
	timer_set(&b, 200, 2);
	timer_set(&c, 0, 3);
	timer_queue_insert(&q, &a);
	timer_queue_insert(&q, &b);

	ck_assert_ptr_null(timer_queue_pop_expired(&q, 0));
	ck_assert_ptr_null(timer_queue_pop_expired(&q, 99));
	ck_assert_uint_eq(q.nr_active, 2);
	ck_assert_ptr_eq(timer_queue_pop_expired(&q, 100), &a);
	ck_assert_ptr_null(timer_queue_pop_expired(&q, 100));
	ck_assert_ptr_null(timer_queue_pop_expired(&q, 199));
	ck_assert_uint_eq(timer_queue_next_expiry(&q), 200);
	ck_assert_ptr_eq(timer_queue_pop_expired(&q, 250), &b);
	ck_assert_ptr_null(timer_queue_pop_expired(&q, 250));

	/* A timer at time 0 is due at once. */
	ck_assert(timer_queue_insert(&q, &c));
	ck_assert_ptr_eq(timer_queue_pop_expired(&q, 0), &c);

	/* A popped timer can be inserted again. */
	a.expires = 300;
	ck_assert(timer_queue_insert(&q, &a));
	ck_assert_ptr_null(timer_queue_pop_expired(&q, 299));
	ck_assert_ptr_eq(timer_queue_pop_expired(&q, 300), &a);

	/* UINT64_MAX as an expiry still fires at UINT64_MAX. */
	b.expires = UINT64_MAX;
	ck_assert(timer_queue_insert(&q, &b));
	ck_assert_uint_eq(timer_queue_next_expiry(&q), UINT64_MAX);
	ck_assert_ptr_null(timer_queue_pop_expired(&q, UINT64_MAX - 1));
	ck_assert_ptr_eq(timer_queue_pop_expired(&q, UINT64_MAX), &b);
}
END_TEST

START_TEST(random_timers)
{
	enum { N = 1000 };
	static struct timer t[N];
	uint64_t seed = 777, min = UINT64_MAX;

	for (unsigned int i = 0; i < N; i++) {
		/* Few distinct values, so equal expiries are common. */
		timer_set(&t[i], rng_below(&seed, 400) * 1000, i);
		bool want = t[i].expires < min;
		ck_assert_int_eq(timer_queue_insert(&q, &t[i]), want);
		if (want)
			min = t[i].expires;
		ck_assert_uint_eq(timer_queue_next_expiry(&q), min);
	}
	ck_assert_uint_eq(q.nr_active, N);
	check_queue();

	/* Remove a random tenth. */
	unsigned int removed = 0;
	for (unsigned int i = 0; i < N; i++)
		if (rng_below(&seed, 10) == 0) {
			timer_queue_remove(&q, &t[i]);
			removed++;
		}
	ck_assert_uint_eq(q.nr_active, N - removed);
	check_queue();

	/* Pop with a clock advancing in random steps: nothing comes early,
	 * expiries never go down, equal ones come in insertion order. */
	uint64_t now = 0, last = 0;
	uintptr_t last_id = 0;
	unsigned int popped = 0;
	bool first = true;
	while (popped < N - removed) {
		struct timer *p = timer_queue_pop_expired(&q, now);

		if (!p) {
			ck_assert_uint_gt(timer_queue_next_expiry(&q), now);
			now += rng_below(&seed, 3000);
			continue;
		}
		ck_assert_uint_le(p->expires, now);
		ck_assert(!p->active);
		if (!first) {
			ck_assert_uint_ge(p->expires, last);
			if (p->expires == last)
				ck_assert_uint_gt((uintptr_t)p->data, last_id);
		}
		first = false;
		last = p->expires;
		last_id = (uintptr_t)p->data;
		popped++;
	}
	ck_assert_uint_eq(q.nr_active, 0);
	ck_assert_ptr_null(timer_queue_pop_expired(&q, UINT64_MAX));
	for (unsigned int i = 0; i < N; i++)
		ck_assert(!t[i].active);
}
END_TEST

Suite *timer_queue_suite(void)
{
	Suite *s = suite_create("timer_queue");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, empty_queue);
	tcase_add_test(tc, ordered_insertion);
	tcase_add_test(tc, equal_expiries_are_fifo);
	tcase_add_test(tc, fifo_among_mixed);
	tcase_add_test(tc, remove_timers);
	tcase_add_test(tc, pop_respects_now);
	tcase_add_test(tc, random_timers);
	suite_add_tcase(s, tc);
	return s;
}
