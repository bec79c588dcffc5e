/* A loopback interdomain channel: alloc_unbound(remote self), then
 * bind_interdomain to it. Both ends connected, each send fires the other
 * end, closing one end leaves the other unbound, and the errors. */
#include "keeltest.h"

const char test_name[] = "evtchn_interdomain_self";

static volatile int hits[2];
static volatile keel_port_t hit_port[2];

static void handler(keel_port_t port, void *data)
{
	int i = (int)(uintptr_t)data;

	hit_port[i] = port;
	hits[i]++;
}

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

static long bind_interdomain(keel_domid_t dom, keel_port_t rport,
			     keel_port_t *local)
{
	struct keel_evtchn_bind_interdomain b = { .remote_dom = dom,
						  .remote_port = rport,
						  .local_port = 0xdeadbeef };
	long rc = rt_evtchn_op(KEEL_EVTCHNOP_bind_interdomain, &b);

	*local = b.local_port;
	return rc;
}

static bool wait_hits(int i, int want)
{
	uint64_t deadline = rt_now_ns() + 1000000000ULL;

	while (hits[i] < want) {
		volatile int done = 0;
		if (rt_now_ns() >= deadline)
			return false;
		rt_wait_for(&done, 1000000);
	}
	return true;
}

void test_main(void)
{
	keel_domid_t self = (keel_domid_t)rt_boot.domid;
	struct keel_evtchn_status st;
	struct keel_evtchn_alloc_unbound a = { .dom = KEEL_DOMID_SELF,
					       .remote_dom = KEEL_DOMID_SELF };
	keel_port_t p1, p2;

	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_alloc_unbound, &a), 0);
	p1 = a.port;
	rt_event_set_handler(p1, handler, (void *)0);
	rt_events_enable();

	long rc = bind_interdomain(KEEL_DOMID_SELF, p1, &p2);
	printf("alloc_unbound -> %u; bind_interdomain(SELF, %u) = %ld -> %u\n",
	       p1, p1, rc, p2);
	CHECK_EQ(rc, 0);
	CHECK(p2 > 0 && p2 < 1024 && p2 != p1, "local port %u", p2);
	rt_event_set_handler(p2, handler, (void *)1);

	/* The bind signals the remote end (p1) once. */
	CHECK(wait_hits(0, 1), "bind did not signal the remote port");
	CHECK_EQ(hits[0], 1);
	CHECK_EQ(hits[1], 0);
	printf("bind signalled port %u once\n", p1);

	CHECK_EQ(status(p1, &st), 0);
	printf("status(%u): %u, dom %u, port %u, vcpu %u\n", p1, st.status,
	       st.u.interdomain.dom, st.u.interdomain.port, st.vcpu);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_interdomain);
	CHECK_EQ(st.u.interdomain.dom, self);
	CHECK_EQ(st.u.interdomain.port, p2);
	CHECK_EQ(st.vcpu, 0);
	CHECK_EQ(status(p2, &st), 0);
	printf("status(%u): %u, dom %u, port %u, vcpu %u\n", p2, st.status,
	       st.u.interdomain.dom, st.u.interdomain.port, st.vcpu);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_interdomain);
	CHECK_EQ(st.u.interdomain.dom, self);
	CHECK_EQ(st.u.interdomain.port, p1);

	/* Send on p2 fires p1's handler, and the other way round. */
	for (int i = 0; i < 10; i++) {
		CHECK_EQ(rt_send(p2), 0);
		CHECK(wait_hits(0, 2 + i), "send on %u: no event on %u", p2, p1);
		CHECK_EQ(rt_send(p1), 0);
		CHECK(wait_hits(1, 1 + i), "send on %u: no event on %u", p1, p2);
	}
	printf("10 sends each way: port %u got %d, port %u got %d\n", p1,
	       hits[0], p2, hits[1]);
	CHECK_EQ(hits[0], 11);
	CHECK_EQ(hits[1], 10);
	CHECK_EQ(hit_port[0], p1);
	CHECK_EQ(hit_port[1], p2);

	/* The errors. */
	keel_port_t x;
	rc = bind_interdomain(30000, p1, &x);
	printf("bind_interdomain(dom 30000) = %ld\n", rc);
	CHECK_EQ(rc, -KEEL_ESRCH);
	rc = bind_interdomain(KEEL_DOMID_SELF, p1, &x);
	printf("bind_interdomain to connected port %u = %ld\n", p1, rc);
	CHECK_EQ(rc, -KEEL_EINVAL);
	keel_port_t ipi;
	CHECK_EQ(rt_bind_ipi(0, &ipi), 0);
	CHECK_EQ(bind_interdomain(KEEL_DOMID_SELF, ipi, &x), -KEEL_EINVAL);
	CHECK_EQ(bind_interdomain(self, 0, &x), -KEEL_EINVAL);
	CHECK_EQ(bind_interdomain(self, 1000, &x), -KEEL_EINVAL); /* free */
	CHECK_EQ(bind_interdomain(self, 1024, &x), -KEEL_EINVAL);
	CHECK_EQ(bind_interdomain(self, 0xffffffff, &x), -KEEL_EINVAL);
	/* Unbound, but for another domain. */
	a = (struct keel_evtchn_alloc_unbound){ .dom = KEEL_DOMID_SELF,
						.remote_dom = 30000 };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_alloc_unbound, &a), 0);
	CHECK_EQ(bind_interdomain(KEEL_DOMID_SELF, a.port, &x), -KEEL_EINVAL);
	printf("IPI, 0, free, out-of-range and foreign ports: -EINVAL\n");
	/* None of the refused binds used up a port. */
	CHECK_EQ(status(a.port + 1, &st), 0);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_closed);
	CHECK_EQ(close_port(a.port), 0);
	CHECK_EQ(close_port(ipi), 0);

	/* Close p2: p1 becomes unbound for this domain again. */
	CHECK_EQ(close_port(p2), 0);
	CHECK_EQ(status(p1, &st), 0);
	printf("after close(%u): status(%u) = %u, unbound.dom %u\n", p2, p1,
	       st.status, st.u.unbound.dom);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_unbound);
	CHECK_EQ(st.u.unbound.dom, self);
	CHECK_EQ(status(p2, &st), 0);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_closed);
	/* Sending on the now unbound p1 is dropped. */
	int before = hits[0] + hits[1];
	CHECK_EQ(rt_send(p1), 0);
	CHECK_EQ(hits[0] + hits[1], before);

	/* And it can be bound again. */
	keel_port_t p3;
	int h0 = hits[0];
	CHECK_EQ(bind_interdomain(KEEL_DOMID_SELF, p1, &p3), 0);
	rt_event_set_handler(p3, handler, (void *)1);
	CHECK(wait_hits(0, h0 + 1), "rebind did not signal %u", p1);
	CHECK_EQ(hits[0], h0 + 1);
	int h1 = hits[1];
	CHECK_EQ(rt_send(p1), 0);
	CHECK(wait_hits(1, h1 + 1), "no event on the rebound port %u", p3);
	printf("rebound %u <-> %u works\n", p1, p3);

	/* Closing the other end this time: p3 becomes unbound. */
	CHECK_EQ(close_port(p1), 0);
	CHECK_EQ(status(p3, &st), 0);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_unbound);
	CHECK_EQ(st.u.unbound.dom, self);
	CHECK_EQ(close_port(p3), 0);
	printf("close(%u) left %u unbound; all closed\n", p1, p3);
}
