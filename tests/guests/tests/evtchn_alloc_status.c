/* EVTCHNOP_alloc_unbound and EVTCHNOP_status: allocation, what status
 * reports, the errors, and running out of ports. */
#include "keeltest.h"

const char test_name[] = "evtchn_alloc_status";

static long status(keel_domid_t dom, keel_port_t port,
		   struct keel_evtchn_status *st)
{
	memset(st, 0x5a, sizeof(*st));
	st->dom = dom;
	st->pad = 0;
	st->port = port;
	return rt_evtchn_op(KEEL_EVTCHNOP_status, st);
}

static long alloc_unbound(keel_domid_t dom, keel_domid_t remote,
			  keel_port_t *port)
{
	struct keel_evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote,
					       .port = 0xdeadbeef };
	long rc = rt_evtchn_op(KEEL_EVTCHNOP_alloc_unbound, &a);

	*port = a.port;
	return rc;
}

static long close_port(keel_port_t port)
{
	struct keel_evtchn_close c = { .port = port };

	return rt_evtchn_op(KEEL_EVTCHNOP_close, &c);
}

static keel_port_t ports[1024];

void test_main(void)
{
	keel_domid_t self = (keel_domid_t)rt_boot.domid;
	struct keel_evtchn_status st;
	keel_port_t p1, p2;

	long rc = alloc_unbound(KEEL_DOMID_SELF, KEEL_DOMID_SELF, &p1);
	printf("alloc_unbound(SELF, remote SELF) = %ld, port %u\n", rc, p1);
	CHECK_EQ(rc, 0);
	CHECK(p1 > 0 && p1 < 1024, "port %u out of range", p1);

	rc = status(KEEL_DOMID_SELF, p1, &st);
	printf("status(%u) = %ld: status %u, vcpu %u, unbound.dom %u\n", p1, rc,
	       st.status, st.vcpu, st.u.unbound.dom);
	CHECK_EQ(rc, 0);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_unbound);
	CHECK_EQ(st.u.unbound.dom, self);
	CHECK_EQ(st.vcpu, 0);
	CHECK_EQ(st.port, p1);

	/* dom may also be the domain's own id; remote_dom another domain
	 * (not checked to exist). */
	rc = alloc_unbound(self, 30000, &p2);
	printf("alloc_unbound(own id %u, remote 30000) = %ld, port %u\n", self,
	       rc, p2);
	CHECK_EQ(rc, 0);
	CHECK(p2 != p1 && p2 > 0 && p2 < 1024, "second port %u", p2);
	rc = status(self, p2, &st);
	CHECK_EQ(rc, 0);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_unbound);
	CHECK_EQ(st.u.unbound.dom, 30000);
	printf("status(own id, %u): unbound for dom %u\n", p2,
	       st.u.unbound.dom);

	/* Port 0 and ports past the end: -EBADF. */
	static const keel_port_t badports[] = { 0, 1024, 4096, 0xffffffff };
	for (unsigned int i = 0; i < 4; i++) {
		rc = status(KEEL_DOMID_SELF, badports[i], &st);
		printf("status(port %u) = %ld\n", badports[i], rc);
		CHECK_EQ(rc, -KEEL_EBADF);
	}

	/* A port never allocated: closed, not an error. */
	rc = status(KEEL_DOMID_SELF, 1000, &st);
	printf("status(never allocated port 1000) = %ld, status %u\n", rc,
	       st.status);
	CHECK_EQ(rc, 0);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_closed);
	CHECK_EQ(st.vcpu, 0);
	CHECK_EQ(st.u.unbound.dom, 0);

	/* Someone else's domain: -EPERM. */
	keel_domid_t other = (keel_domid_t)(self + 1);
	keel_port_t px;
	rc = alloc_unbound(other, KEEL_DOMID_SELF, &px);
	printf("alloc_unbound(dom %u) = %ld\n", other, rc);
	CHECK_EQ(rc, -KEEL_EPERM);
	CHECK_EQ(px, 0xdeadbeef);	/* not written */
	rc = alloc_unbound(30000, KEEL_DOMID_SELF, &px);
	CHECK_EQ(rc, -KEEL_EPERM);
	rc = status(other, p1, &st);
	printf("status(dom %u, port %u) = %ld\n", other, p1, rc);
	CHECK_EQ(rc, -KEEL_EPERM);

	/* Ports are handed out lowest first, and a closed one is reused. */
	CHECK_EQ(close_port(p1), 0);
	CHECK_EQ(status(KEEL_DOMID_SELF, p1, &st), 0);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_closed);
	keel_port_t again;
	CHECK_EQ(alloc_unbound(KEEL_DOMID_SELF, KEEL_DOMID_SELF, &again), 0);
	CHECK_EQ(again, p1);
	printf("closed port %u is handed out again\n", p1);

	/* Use up every port: then -ENOSPC, for every kind of binding. */
	unsigned int n = 0;
	for (;;) {
		keel_port_t p;
		rc = alloc_unbound(KEEL_DOMID_SELF, KEEL_DOMID_SELF, &p);
		if (rc)
			break;
		if (n < 1024)
			ports[n++] = p;
	}
	printf("allocated %u more ports, then %ld\n", n, rc);
	CHECK_EQ(rc, -KEEL_ENOSPC);
	/* 1023 ports in all: the runtime's timer VIRQ, p2, again, and n. */
	CHECK_EQ(n + 3, 1023);
	keel_port_t p;
	CHECK_EQ(rt_bind_ipi(0, &p), -KEEL_ENOSPC);
	CHECK_EQ(rt_bind_virq(KEEL_VIRQ_DEBUG, 0, &p), -KEEL_ENOSPC);
	struct keel_evtchn_bind_interdomain bi = {
		.remote_dom = KEEL_DOMID_SELF, .remote_port = again };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_bind_interdomain, &bi),
		 -KEEL_ENOSPC);
	printf("bind_ipi, bind_virq, bind_interdomain: -ENOSPC\n");

	/* Give them all back; then allocation works again. */
	for (unsigned int i = 0; i < n; i++)
		if (close_port(ports[i]) != 0)
			CHECK(0, "close(%u) failed", ports[i]);
	CHECK_EQ(close_port(again), 0);
	CHECK_EQ(close_port(p2), 0);
	CHECK_EQ(alloc_unbound(KEEL_DOMID_SELF, KEEL_DOMID_SELF, &p), 0);
	CHECK_EQ(p, p1);
	CHECK_EQ(close_port(p), 0);
	printf("all ports closed; allocation works again\n");
}
