/* sched_op: poll (timeout, pending ports, masked ports, argument errors),
 * block, yield, and the errors of the call. */
#include "keeltest.h"

const char test_name[] = "sched_block_poll";

#define MS 1000000ULL
/*
 * "At once" and "did not oversleep" are wall-clock bounds, and on a
 * loaded host a TCG vCPU can lose a few hundred ms to the host scheduler.
 * So the bound is generous, and the polls it applies to time out after
 * POLL_LONG: an implementation that waits for the wrong thing waits at
 * least five times the bound.
 */
#define AT_ONCE   (2000 * MS)
#define POLL_LONG (10000 * MS)

static volatile int ipi_calls, timer_calls;

static void ipi_handler(keel_port_t port, void *data)
{
	(void)port;
	(void)data;
	ipi_calls++;
}

static void timer_handler(keel_port_t port, void *data)
{
	(void)port;
	(void)data;
	timer_calls++;
}

static long poll(keel_port_t *ports, uint32_t n, uint64_t timeout)
{
	struct keel_sched_poll p = { .ports = (uint64_t)ports, .nr_ports = n,
				     .timeout = timeout };

	return keel_hypercall_sched_op(KEEL_SCHEDOP_poll, (unsigned long)&p);
}

static bool pending(keel_port_t port)
{
	return (__atomic_load_n(&rt_boot.shared_info->evtchn_pending[port / 64],
				__ATOMIC_SEQ_CST) >> (port % 64)) & 1;
}

static void clear_pending(keel_port_t port)
{
	__atomic_fetch_and(&rt_boot.shared_info->evtchn_pending[port / 64],
			   ~(1ULL << (port % 64)), __ATOMIC_SEQ_CST);
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

void test_main(void)
{
	struct keel_vcpu_info *vi = rt_vcpu_info();
	keel_port_t ipi, ipi2, tport = find_timer_port();
	long rc;

	CHECK(tport != 0, "no timer port");
	rt_event_set_handler(tport, timer_handler, NULL);
	CHECK_EQ(rt_bind_ipi(0, &ipi), 0);
	CHECK_EQ(rt_bind_ipi(0, &ipi2), 0);
	rt_event_set_handler(ipi, ipi_handler, NULL);
	rt_event_set_handler(ipi2, ipi_handler, NULL);
	rt_mask(ipi);

	/* Nothing pending, masked port: the timeout ends the poll. */
	for (int i = 0; i < 3; i++) {
		uint64_t t0 = rt_now_ns();
		rc = poll(&ipi, 1, t0 + 3 * MS);
		uint64_t t1 = rt_now_ns();
		printf("poll(masked idle port, +3 ms) = %ld after %llu us\n", rc,
		       (unsigned long long)(t1 - t0) / 1000);
		CHECK_EQ(rc, 0);
		CHECK(t1 - t0 >= 3 * MS, "poll returned after %llu ns",
		      (unsigned long long)(t1 - t0));
		CHECK(t1 - t0 < AT_ONCE, "poll overslept");
	}

	/* A timeout in the past: at once. */
	uint64_t t0 = rt_now_ns();
	CHECK_EQ(poll(&ipi, 1, 1), 0);
	CHECK(rt_now_ns() - t0 < AT_ONCE, "poll with past timeout slept");

	/* Already pending: at once. */
	CHECK_EQ(rt_send(ipi), 0);
	CHECK(pending(ipi), "masked send did not set pending");
	t0 = rt_now_ns();
	rc = poll(&ipi, 1, t0 + POLL_LONG);
	uint64_t dt = rt_now_ns() - t0;
	printf("poll(pending port, +10 s) = %ld after %llu us\n", rc,
	       (unsigned long long)dt / 1000);
	CHECK_EQ(rc, 0);
	CHECK(dt < AT_ONCE, "poll on a pending port slept %llu ns",
	      (unsigned long long)dt);
	CHECK(pending(ipi), "poll consumed the pending bit");
	clear_pending(ipi);
	CHECK_EQ(ipi_calls, 0);

	/* A masked port signalled during the poll wakes it: the timer,
	 * masked, fires in 3 ms. Events are disabled here. */
	rt_mask(tport);
	CHECK_EQ(keel_hypercall_set_timer(rt_now_ns() + 3 * MS), 0);
	t0 = rt_now_ns();
	rc = poll(&tport, 1, t0 + POLL_LONG);
	dt = rt_now_ns() - t0;
	printf("poll(masked timer port) woke after %llu us, pending %d\n",
	       (unsigned long long)dt / 1000, pending(tport));
	CHECK_EQ(rc, 0);
	CHECK(pending(tport), "woke without the timer port pending");
	CHECK(dt < AT_ONCE, "the masked port did not wake the poller");
	clear_pending(tport);
	CHECK_EQ(rt_unmask(tport), 0);

	/* Argument errors. */
	keel_port_t many[129];
	for (int i = 0; i < 129; i++)
		many[i] = ipi;
	CHECK_EQ(poll(many, 0, 0), -KEEL_EINVAL);
	CHECK_EQ(poll(many, 129, 0), -KEEL_EINVAL);
	CHECK_EQ(poll(many, 0xffffffff, 0), -KEEL_EINVAL);
	keel_port_t zero = 0, big = 1024, huge = 0xffffffff;
	CHECK_EQ(poll(&zero, 1, 1), -KEEL_EINVAL);
	CHECK_EQ(poll(&big, 1, 1), -KEEL_EINVAL);
	CHECK_EQ(poll(&huge, 1, 1), -KEEL_EINVAL);
	many[127] = 0;
	CHECK_EQ(poll(many, 128, 1), -KEEL_EINVAL);
	many[127] = ipi;
	CHECK_EQ(poll(many, 128, 1), 0);	/* 128 is allowed */
	printf("poll: nr_ports 0/129/~0 and ports 0/1024/~0: -EINVAL\n");
	CHECK_EQ(keel_hypercall_sched_op(KEEL_SCHEDOP_poll, 0x10000000),
		 -KEEL_EFAULT);
	CHECK_EQ(keel_hypercall_sched_op(KEEL_SCHEDOP_poll,
					 0xffff830000000000UL), -KEEL_EFAULT);
	CHECK_EQ(poll((keel_port_t *)0x10000000, 1, 1), -KEEL_EFAULT);
	CHECK_EQ(poll((keel_port_t *)0x0000800000000000UL, 1, 1),
		 -KEEL_EFAULT);
	printf("poll with bad pointers: -EFAULT\n");

	/* The poll also ends when an unmasked event is pending for the
	 * vCPU, even on a port it does not list. */
	rt_events_disable();
	CHECK_EQ(rt_send(ipi2), 0);	/* unmasked: upcall_pending = 1 */
	CHECK_EQ(vi->evtchn_upcall_pending, 1);
	t0 = rt_now_ns();
	CHECK_EQ(poll(&ipi, 1, t0 + POLL_LONG), 0);
	dt = rt_now_ns() - t0;
	CHECK(dt < AT_ONCE, "poll with upcall_pending slept %llu ns",
	      (unsigned long long)dt);
	CHECK_EQ(ipi_calls, 0);	/* events are still masked */
	CHECK_EQ(vi->evtchn_upcall_mask, 1);
	printf("poll returned at once with an event pending elsewhere\n");

	/* Block with an event already pending: at once, and block enables
	 * events, so the upcall runs. */
	t0 = rt_now_ns();
	CHECK_EQ(rt_block(), 0);
	dt = rt_now_ns() - t0;
	printf("block with an event pending: %llu us, %d call(s), mask %u\n",
	       (unsigned long long)dt / 1000, ipi_calls,
	       vi->evtchn_upcall_mask);
	CHECK(dt < AT_ONCE, "block slept %llu ns", (unsigned long long)dt);
	CHECK_EQ(ipi_calls, 1);
	CHECK_EQ(vi->evtchn_upcall_mask, 0);

	/* Block sleeps until an event: nothing but the timer (+20 ms). */
	timer_calls = 0;
	uint64_t deadline = rt_now_ns() + 20 * MS;
	rt_events_disable();
	CHECK_EQ(keel_hypercall_set_timer(deadline), 0);
	CHECK_EQ(rt_block(), 0);
	dt = rt_now_ns();
	printf("block until the timer: woke %lld us after the deadline, "
	       "timer calls %d\n", (long long)(dt - deadline) / 1000,
	       timer_calls);
	CHECK_EQ(timer_calls, 1);
	CHECK(dt >= deadline, "block returned before the deadline");

	/* A poll that ends early must not leave its timeout armed: a later
	 * block must still sleep until a real event. */
	rt_mask(ipi);
	CHECK_EQ(rt_send(ipi), 0);
	CHECK_EQ(poll(&ipi, 1, rt_now_ns() + 10 * MS), 0);	/* at once */
	clear_pending(ipi);
	timer_calls = 0;
	deadline = rt_now_ns() + 40 * MS;
	rt_events_disable();
	CHECK_EQ(keel_hypercall_set_timer(deadline), 0);
	CHECK_EQ(rt_block(), 0);
	dt = rt_now_ns();
	printf("block after an early poll: woke %lld us %s the timer deadline, "
	       "timer calls %d\n", dt >= deadline ?
	       (long long)(dt - deadline) / 1000 :
	       (long long)(deadline - dt) / 1000,
	       dt >= deadline ? "after" : "BEFORE", timer_calls);
	CHECK(timer_calls == 1 && dt >= deadline,
	      "block returned with no event pending (stale poll timeout?)");
	/* Let the timer fire anyway before going on. */
	CHECK(rt_wait_for(&timer_calls, 1000 * MS), "timer never fired");

	CHECK_EQ(rt_yield(), 0);
	for (int i = 0; i < 10; i++)
		CHECK_EQ(rt_yield(), 0);
	printf("yield: 0\n");

	static const unsigned long unknown[] = { 4, 5, 99, 0xffffffffUL, ~0UL };
	for (int i = 0; i < 5; i++)
		CHECK_EQ(keel_hypercall_sched_op(unknown[i], 0), -KEEL_ENOSYS);
	printf("unknown sched_op: -ENOSYS\n");

	struct keel_sched_shutdown sd = { .reason = 7 };
	rc = keel_hypercall_sched_op(KEEL_SCHEDOP_shutdown, (unsigned long)&sd);
	printf("shutdown(reason 7) = %ld\n", rc);
	CHECK_EQ(rc, -KEEL_EINVAL);
	sd.reason = 3;
	CHECK_EQ(keel_hypercall_sched_op(KEEL_SCHEDOP_shutdown,
					 (unsigned long)&sd), -KEEL_EINVAL);
	sd.reason = 0xffffffff;
	CHECK_EQ(keel_hypercall_sched_op(KEEL_SCHEDOP_shutdown,
					 (unsigned long)&sd), -KEEL_EINVAL);
	CHECK_EQ(keel_hypercall_sched_op(KEEL_SCHEDOP_shutdown, 0x10000000),
		 -KEEL_EFAULT);
	printf("still running after refused shutdowns\n");
}
