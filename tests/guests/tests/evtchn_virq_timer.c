/* keel-test: vcpus=2 */
/* VIRQ binding rules, and the timer VIRQ waking a blocked vCPU no earlier
 * than its deadline. */
#include "keeltest.h"

const char test_name[] = "evtchn_virq_timer";

static volatile int fired;
static volatile uint64_t fired_at;

static void timer_handler(keel_port_t port, void *data)
{
	(void)port;
	(void)data;
	fired_at = rt_now_ns();
	fired++;
}

static long status(keel_port_t port, struct keel_evtchn_status *st)
{
	memset(st, 0, sizeof(*st));
	st->dom = KEEL_DOMID_SELF;
	st->port = port;
	return rt_evtchn_op(KEEL_EVTCHNOP_status, st);
}

/* The port the runtime bound VIRQ_TIMER to on vCPU 0. */
static keel_port_t find_timer_port(void)
{
	struct keel_evtchn_status st;

	for (keel_port_t p = 1; p < 1024; p++)
		if (status(p, &st) == 0 && st.status == KEEL_EVTCHNSTAT_virq &&
		    st.u.virq == KEEL_VIRQ_TIMER && st.vcpu == 0)
			return p;
	return 0;
}

void test_main(void)
{
	keel_port_t port, tport = find_timer_port();
	struct keel_evtchn_status st;
	long rc;

	printf("runtime's timer VIRQ port: %u\n", tport);
	CHECK(tport != 0, "no timer VIRQ port on vCPU 0");

	rc = rt_bind_virq(KEEL_VIRQ_TIMER, 0, &port);
	printf("bind_virq(TIMER, vcpu 0) again = %ld\n", rc);
	CHECK_EQ(rc, -KEEL_EEXIST);

	static const uint32_t badvirq[] = { KEEL_NR_VIRQS, 99, 0xffffffff };
	for (unsigned int i = 0; i < 3; i++) {
		rc = rt_bind_virq(badvirq[i], 0, &port);
		printf("bind_virq(%u, vcpu 0) = %ld\n", badvirq[i], rc);
		CHECK_EQ(rc, -KEEL_EINVAL);
	}
	rc = rt_bind_virq(KEEL_VIRQ_CONSOLE, 1, &port);
	printf("bind_virq(CONSOLE, vcpu 1) = %ld\n", rc);
	CHECK_EQ(rc, -KEEL_EINVAL);
	rc = rt_bind_virq(KEEL_VIRQ_TIMER, 2, &port);
	printf("bind_virq(TIMER, vcpu 2 of 2) = %ld\n", rc);
	CHECK_EQ(rc, -KEEL_EINVAL);

	/* The debug VIRQ: once per vCPU. */
	keel_port_t dbg0, dbg1;
	CHECK_EQ(rt_bind_virq(KEEL_VIRQ_DEBUG, 0, &dbg0), 0);
	CHECK_EQ(rt_bind_virq(KEEL_VIRQ_DEBUG, 0, &port), -KEEL_EEXIST);
	CHECK_EQ(rt_bind_virq(KEEL_VIRQ_DEBUG, 1, &dbg1), 0);
	CHECK(dbg0 != dbg1, "same port %u for two vCPUs", dbg0);
	CHECK_EQ(status(dbg1, &st), 0);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_virq);
	CHECK_EQ(st.u.virq, KEEL_VIRQ_DEBUG);
	CHECK_EQ(st.vcpu, 1);
	printf("DEBUG VIRQ: port %u on vCPU 0, %u on vCPU 1\n", dbg0, dbg1);
	/* The console VIRQ on vCPU 0: once. */
	keel_port_t con;
	CHECK_EQ(rt_bind_virq(KEEL_VIRQ_CONSOLE, 0, &con), 0);
	CHECK_EQ(rt_bind_virq(KEEL_VIRQ_CONSOLE, 0, &port), -KEEL_EEXIST);
	CHECK_EQ(status(con, &st), 0);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_virq);
	CHECK_EQ(st.u.virq, KEEL_VIRQ_CONSOLE);
	printf("CONSOLE VIRQ: port %u\n", con);

	/* The timer: set_timer(now + 5 ms), then block until it fires. */
	rt_event_set_handler(tport, timer_handler, NULL);
	for (int round = 0; round < 3; round++) {
		fired = 0;
		uint64_t t0 = rt_now_ns();
		uint64_t deadline = t0 + 5000000;
		/* sti;hlt: look with events masked, block unmasks. */
		rt_events_disable();
		CHECK_EQ(keel_hypercall_set_timer(deadline), 0);
		unsigned int blocks = 0;
		while (!fired && blocks < 1000) {
			CHECK_EQ(rt_block(), 0);
			blocks++;
			rt_events_disable();
		}
		uint64_t t1 = rt_now_ns();
		printf("set_timer(+5 ms): woke after %llu us (%u block calls), "
		       "fired at +%llu us\n", (unsigned long long)(t1 - t0) / 1000,
		       blocks, (unsigned long long)(fired_at - t0) / 1000);
		CHECK_EQ(fired, 1);
		CHECK(fired_at >= deadline, "the timer fired %llu ns early",
		      (unsigned long long)(deadline - fired_at));
		CHECK(t1 - t0 >= 5000000, "woke after only %llu ns",
		      (unsigned long long)(t1 - t0));
		/* The block returned because of the timer, not spuriously. */
		CHECK_EQ(blocks, 1);
	}
}
