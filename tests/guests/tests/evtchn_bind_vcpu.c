/* keel-test: vcpus=2 */
/* EVTCHNOP_bind_vcpu moves a port's notifications to another vCPU: the
 * handler then runs there. Also: a console VIRQ port moved to vCPU 1 and
 * closed frees the console VIRQ for a new binding. */
#include "keeltest.h"

const char test_name[] = "evtchn_bind_vcpu";

static volatile int stop, started;
static volatile int got;
static volatile unsigned int count, last_vcpu = 99;

static void handler(keel_port_t port, void *data)
{
	(void)port;
	(void)data;
	last_vcpu = rt_vcpu_id();
	count++;
	got = 1;
}

static void vcpu1_main(void *arg)
{
	(void)arg;
	rt_events_enable();
	started = 1;
	while (!stop)
		rt_wait_for(&stop, 100000000ULL);
}

static long status(keel_port_t port, struct keel_evtchn_status *st)
{
	memset(st, 0, sizeof(*st));
	st->dom = KEEL_DOMID_SELF;
	st->port = port;
	return rt_evtchn_op(KEEL_EVTCHNOP_status, st);
}

static long bind_vcpu(keel_port_t port, uint32_t vcpu)
{
	struct keel_evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };

	return rt_evtchn_op(KEEL_EVTCHNOP_bind_vcpu, &b);
}

static bool send_and_wait(keel_port_t port)
{
	got = 0;
	CHECK_EQ(rt_send(port), 0);
	return rt_wait_for(&got, 1000000000ULL);
}

void test_main(void)
{
	struct keel_evtchn_status st;
	keel_port_t port;

	CHECK_EQ(rt_boot.nr_vcpus, 2);
	CHECK_EQ(rt_vcpu_start(1, vcpu1_main, NULL), 0);
	CHECK(rt_wait_for(&started, 1000000000ULL), "vCPU 1 did not start");
	rt_events_enable();

	CHECK_EQ(rt_bind_ipi(0, &port), 0);
	rt_event_set_handler(port, handler, NULL);
	CHECK_EQ(status(port, &st), 0);
	CHECK_EQ(st.vcpu, 0);
	CHECK(send_and_wait(port), "no delivery on vCPU 0");
	printf("IPI port %u bound to vCPU 0: handler ran on vCPU %u\n", port,
	       last_vcpu);
	CHECK_EQ(last_vcpu, 0);

	long rc = bind_vcpu(port, 1);
	printf("bind_vcpu(%u, 1) = %ld\n", port, rc);
	CHECK_EQ(rc, 0);
	rt_event_set_vcpu(port, 1);	/* vCPU 1's upcall handles it now */
	CHECK_EQ(status(port, &st), 0);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_ipi);
	CHECK_EQ(st.vcpu, 1);
	for (int i = 0; i < 20; i++) {
		if (!send_and_wait(port)) {
			CHECK(0, "send %d: no delivery after bind_vcpu(1)", i);
			break;
		}
		CHECK_EQ(last_vcpu, 1);
	}
	printf("20 sends after bind_vcpu(1): %u calls, last on vCPU %u\n",
	       count, last_vcpu);
	CHECK_EQ(count, 21);

	/* Masked, then unmasked from vCPU 0: still delivered on vCPU 1. */
	rt_mask(port);
	got = 0;
	CHECK_EQ(rt_send(port), 0);
	CHECK_EQ(got, 0);
	CHECK_EQ(rt_unmask(port), 0);
	CHECK(rt_wait_for(&got, 1000000000ULL), "unmask did not deliver");
	CHECK_EQ(last_vcpu, 1);
	printf("unmask from vCPU 0 delivered on vCPU %u\n", last_vcpu);

	/* And back. */
	CHECK_EQ(bind_vcpu(port, 0), 0);
	rt_event_set_vcpu(port, 0);
	CHECK(send_and_wait(port), "no delivery after bind_vcpu(0)");
	CHECK_EQ(last_vcpu, 0);
	printf("bind_vcpu(%u, 0): handler on vCPU %u\n", port, last_vcpu);

	/* An unbound port can move too. */
	struct keel_evtchn_alloc_unbound a = { .dom = KEEL_DOMID_SELF,
					       .remote_dom = KEEL_DOMID_SELF };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_alloc_unbound, &a), 0);
	CHECK_EQ(bind_vcpu(a.port, 1), 0);
	CHECK_EQ(status(a.port, &st), 0);
	CHECK_EQ(st.vcpu, 1);

	/* The console VIRQ may move; closing it then frees the VIRQ. */
	keel_port_t con, con2;
	CHECK_EQ(rt_bind_virq(KEEL_VIRQ_CONSOLE, 0, &con), 0);
	CHECK_EQ(bind_vcpu(con, 1), 0);
	CHECK_EQ(status(con, &st), 0);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_virq);
	CHECK_EQ(st.vcpu, 1);
	struct keel_evtchn_close c = { .port = con };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_close, &c), 0);
	rc = rt_bind_virq(KEEL_VIRQ_CONSOLE, 0, &con2);
	printf("console VIRQ port %u moved to vCPU 1 and closed; bind_virq"
	       "(CONSOLE) again = %ld\n", con, rc);
	CHECK_EQ(rc, 0);

	/* The per-vCPU VIRQs do not move. */
	keel_port_t dbg;
	CHECK_EQ(rt_bind_virq(KEEL_VIRQ_DEBUG, 0, &dbg), 0);
	CHECK_EQ(bind_vcpu(dbg, 1), -KEEL_EINVAL);

	stop = 1;
	uint64_t deadline = rt_now_ns() + 1000000000ULL;
	while (keel_hypercall_vcpu_op(KEEL_VCPUOP_is_up, 1, 0) == 1 &&
	       rt_now_ns() < deadline)
		rt_yield();
	CHECK_EQ(keel_hypercall_vcpu_op(KEEL_VCPUOP_is_up, 1, 0), 0);
	printf("vCPU 1 stopped\n");
}
