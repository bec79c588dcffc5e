/* EVTCHNOP_close: a closed port is free (status closed), cannot be sent
 * on or closed again, loses its pending bit, and a closed VIRQ port frees
 * the VIRQ for a new binding. */
#include "keeltest.h"

const char test_name[] = "evtchn_close";

static long status(keel_port_t port, struct keel_evtchn_status *st)
{
	memset(st, 0, sizeof(*st));
	st->dom = KEEL_DOMID_SELF;
	st->port = port;
	return rt_evtchn_op(KEEL_EVTCHNOP_status, st);
}

static long close_port(keel_port_t port)
{
	struct keel_evtchn_close c = { .port = port };

	return rt_evtchn_op(KEEL_EVTCHNOP_close, &c);
}

static bool is_pending(keel_port_t port)
{
	return (__atomic_load_n(&rt_boot.shared_info->evtchn_pending[port / 64],
				__ATOMIC_SEQ_CST) >> (port % 64)) & 1;
}

static volatile int calls;

static void handler(keel_port_t port, void *data)
{
	(void)port;
	(void)data;
	calls++;
}

void test_main(void)
{
	struct keel_evtchn_status st;
	keel_port_t port;

	CHECK_EQ(rt_bind_ipi(0, &port), 0);
	CHECK_EQ(status(port, &st), 0);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_ipi);
	rt_event_set_handler(port, handler, NULL);

	long rc = close_port(port);
	printf("close(IPI port %u) = %ld\n", port, rc);
	CHECK_EQ(rc, 0);
	CHECK_EQ(status(port, &st), 0);
	printf("status after close: %u\n", st.status);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_closed);
	rc = rt_send(port);
	printf("send on the closed port = %ld\n", rc);
	CHECK_EQ(rc, -KEEL_EBADF);
	rc = close_port(port);
	printf("close again = %ld\n", rc);
	CHECK_EQ(rc, -KEEL_EBADF);
	CHECK_EQ(rt_unmask(port), -KEEL_EBADF);

	static const keel_port_t bad[] = { 0, 5000, 1024, 1023, 0xffffffff };
	for (unsigned int i = 0; i < 5; i++) {
		rc = close_port(bad[i]);
		printf("close(%u) = %ld\n", bad[i], rc);
		CHECK_EQ(rc, -KEEL_EBADF);
	}

	/* Close clears the pending bit; the mask bit stays as it was. */
	CHECK_EQ(rt_bind_ipi(0, &port), 0);
	rt_mask(port);
	CHECK_EQ(rt_send(port), 0);
	CHECK(is_pending(port), "masked send did not set the pending bit");
	CHECK_EQ(close_port(port), 0);
	CHECK(!is_pending(port), "close left port %u pending", port);
	CHECK((rt_boot.shared_info->evtchn_mask[port / 64] >> (port % 64)) & 1,
	      "close cleared the mask bit");
	printf("close of a pending, masked port: pending cleared, mask kept\n");

	/* The port is reused; the new binding starts not pending, and after
	 * unmasking it delivers. */
	keel_port_t again;
	CHECK_EQ(rt_bind_ipi(0, &again), 0);
	CHECK_EQ(again, port);
	CHECK(!is_pending(again), "new binding inherited a pending event");
	rt_event_set_handler(again, handler, NULL);
	rt_events_enable();
	calls = 0;
	CHECK_EQ(rt_unmask(again), 0);
	CHECK_EQ(calls, 0);	/* nothing was pending */
	CHECK_EQ(rt_send(again), 0);
	CHECK(rt_wait_for(&calls, 1000000000ULL), "no delivery on reused port");
	CHECK_EQ(calls, 1);
	printf("reused port %u delivers once\n", again);
	CHECK_EQ(close_port(again), 0);

	/* A closed VIRQ port can be bound again; the closed one no longer
	 * receives it. */
	keel_port_t dbg, dbg2;
	CHECK_EQ(rt_bind_virq(KEEL_VIRQ_DEBUG, 0, &dbg), 0);
	CHECK_EQ(rt_bind_virq(KEEL_VIRQ_DEBUG, 0, &dbg2), -KEEL_EEXIST);
	CHECK_EQ(close_port(dbg), 0);
	rc = rt_bind_virq(KEEL_VIRQ_DEBUG, 0, &dbg2);
	printf("bind_virq(DEBUG) after closing its port = %ld\n", rc);
	CHECK_EQ(rc, 0);
	CHECK_EQ(status(dbg2, &st), 0);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_virq);
	CHECK_EQ(st.u.virq, KEEL_VIRQ_DEBUG);
	CHECK_EQ(close_port(dbg2), 0);

	/* Unbound ports close too. */
	struct keel_evtchn_alloc_unbound a = { .dom = KEEL_DOMID_SELF,
					       .remote_dom = KEEL_DOMID_SELF };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_alloc_unbound, &a), 0);
	CHECK_EQ(close_port(a.port), 0);
	CHECK_EQ(status(a.port, &st), 0);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_closed);
	CHECK_EQ(close_port(a.port), -KEEL_EBADF);
	printf("unbound port %u closed\n", a.port);
}
