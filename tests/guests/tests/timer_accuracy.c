/* keel-test: group=timer_accuracy icount=1 */
/* set_timer: wake-ups for 1-20 ms deadlines are never early and less than
 * 5 ms late (median; the test boots alone so other domains do not compete
 * for the CPUs); set_timer(0) cancels; a later set_timer replaces the earlier
 * deadline; a deadline in the past fires at once. */
#include "keeltest.h"

const char test_name[] = "timer_accuracy";

#define MS 1000000ULL

static volatile int fired;
static volatile uint64_t fired_at;

static void timer_handler(keel_port_t port, void *data)
{
	(void)port;
	(void)data;
	fired_at = rt_now_ns();
	fired++;
}

static keel_port_t find_timer_port(void)
{
	for (keel_port_t p = 1; p < 1024; p++) {
		struct keel_evtchn_status st = { .dom = KEEL_DOMID_SELF,
						 .port = p };
		if (rt_evtchn_op(KEEL_EVTCHNOP_status, &st) == 0 &&
		    st.status == KEEL_EVTCHNSTAT_virq &&
		    st.u.virq == KEEL_VIRQ_TIMER && st.vcpu == 0)
			return p;
	}
	return 0;
}

/* Sleep in poll on the timer port until @until (events enabled, so a
 * timer event is delivered to the handler at once). */
static void poll_until(keel_port_t tport, uint64_t until)
{
	while (rt_now_ns() < until) {
		struct keel_sched_poll p = { .ports = (uint64_t)&tport,
					     .nr_ports = 1, .timeout = until };
		keel_hypercall_sched_op(KEEL_SCHEDOP_poll, (unsigned long)&p);
		if (fired)
			break;
	}
}

/* Arm the timer, block until the handler ran; returns the wake time. */
static uint64_t block_until_fired(uint64_t deadline, unsigned int *blocks)
{
	fired = 0;
	*blocks = 0;
	/* sti;hlt: look with events masked, block unmasks and sleeps. */
	rt_events_disable();
	CHECK_EQ(keel_hypercall_set_timer(deadline), 0);
	while (!fired && *blocks < 100) {
		CHECK_EQ(rt_block(), 0);
		(*blocks)++;
		rt_events_disable();
	}
	uint64_t now = rt_now_ns();
	rt_events_enable();
	return now;
}

void test_main(void)
{
	keel_port_t tport = find_timer_port();
	unsigned int blocks;

	CHECK(tport != 0, "no timer port");
	rt_event_set_handler(tport, timer_handler, NULL);
	rt_events_enable();

	/* Five samples per deadline. Every wake-up must come at or after
	 * its deadline; the median lateness must be under 5 ms (single
	 * samples can be late when the emulating host preempts a CPU), and
	 * none may be grossly late. */
	static const unsigned int ms[] = { 1, 2, 5, 10, 20 };
	for (unsigned int i = 0; i < 5; i++) {
		long long late_us[5];
		for (unsigned int r = 0; r < 5; r++) {
			uint64_t deadline = rt_now_ns() + ms[i] * MS;
			uint64_t woke = block_until_fired(deadline, &blocks);
			CHECK_EQ(fired, 1);
			CHECK_EQ(blocks, 1);
			CHECK(fired_at >= deadline, "+%u ms: fired %llu ns early",
			      ms[i], (unsigned long long)(deadline - fired_at));
			CHECK(woke >= deadline, "+%u ms: woke %llu ns early", ms[i],
			      (unsigned long long)(deadline - woke));
			late_us[r] = ((long long)woke - (long long)deadline) / 1000;
		}
		/* sort the five */
		for (int a = 0; a < 5; a++)
			for (int b = a + 1; b < 5; b++)
				if (late_us[b] < late_us[a]) {
					long long t = late_us[a];
					late_us[a] = late_us[b];
					late_us[b] = t;
				}
		printf("deadline +%2u ms: late by %lld/%lld/%lld/%lld/%lld us "
		       "(sorted), median %lld us\n", ms[i], late_us[0],
		       late_us[1], late_us[2], late_us[3], late_us[4], late_us[2]);
		CHECK(late_us[2] < 5000, "+%u ms: median lateness %lld us", ms[i],
		      late_us[2]);
		CHECK(late_us[4] < 200000, "+%u ms: a wake-up %lld us late", ms[i],
		      late_us[4]);
	}

	/* set_timer(0) cancels a pending timer. */
	fired = 0;
	uint64_t now = rt_now_ns();
	CHECK_EQ(keel_hypercall_set_timer(now + 5 * MS), 0);
	CHECK_EQ(keel_hypercall_set_timer(0), 0);
	poll_until(tport, now + 20 * MS);
	uint64_t end = rt_now_ns();
	printf("set_timer(+5 ms) then set_timer(0): %d fire(s) in %llu ms\n",
	       fired, (unsigned long long)(end - now) / MS);
	CHECK_EQ(fired, 0);
	CHECK(end >= now + 20 * MS, "poll ended early");
	CHECK_EQ((rt_boot.shared_info->evtchn_pending[tport / 64] >>
		  (tport % 64)) & 1, 0);

	/* A new deadline replaces the old one: +30 ms, then +2 ms: one fire
	 * at +2 ms and nothing at +30 ms. */
	now = rt_now_ns();
	CHECK_EQ(keel_hypercall_set_timer(now + 30 * MS), 0);
	uint64_t woke = block_until_fired(now + 2 * MS, &blocks);
	CHECK_EQ(fired, 1);
	CHECK(woke - now < 20 * MS, "the +2 ms deadline did not replace +30 ms "
	      "(woke after %llu us)", (unsigned long long)(woke - now) / 1000);
	fired = 0;
	poll_until(tport, now + 45 * MS);
	printf("+30 ms replaced by +2 ms: woke after %llu us, %d fire(s) "
	       "later\n", (unsigned long long)(woke - now) / 1000, fired);
	CHECK_EQ(fired, 0);

	/* A deadline in the past fires at once. */
	static const uint64_t past[] = { 1, 0 };
	for (unsigned int i = 0; i < 2; i++) {
		now = rt_now_ns();
		uint64_t dl = past[i] ? past[i] : now - 1 * MS;
		woke = block_until_fired(dl, &blocks);
		printf("deadline in the past (%s): fired after %llu us\n",
		       past[i] ? "1 ns" : "now - 1 ms",
		       (unsigned long long)(woke - now) / 1000);
		CHECK_EQ(fired, 1);
		CHECK(woke - now < 5 * MS, "past deadline fired after %llu us",
		      (unsigned long long)(woke - now) / 1000);
	}
}
