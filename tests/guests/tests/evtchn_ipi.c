/* An IPI port bound to vCPU 0: every send gives exactly one handler call,
 * and the pending bit is consumed. */
#include "keeltest.h"

const char test_name[] = "evtchn_ipi";

static volatile int got;
static volatile unsigned int count;
static volatile keel_port_t seen_port;

static void handler(keel_port_t port, void *data)
{
	CHECK(data == (void *)&got, "handler data %p", data);
	seen_port = port;
	count++;
	got = 1;
}

void test_main(void)
{
	keel_port_t port;
	struct keel_shared_info *s = rt_boot.shared_info;

	long rc = rt_bind_ipi(0, &port);
	printf("bind_ipi(0) = %ld, port %u\n", rc, port);
	CHECK_EQ(rc, 0);
	CHECK(port > 0 && port < 1024, "port %u", port);

	struct keel_evtchn_status st = { .dom = KEEL_DOMID_SELF, .port = port };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_status, &st), 0);
	CHECK_EQ(st.status, KEEL_EVTCHNSTAT_ipi);
	CHECK_EQ(st.vcpu, 0);

	rt_event_set_handler(port, handler, (void *)&got);
	rt_events_enable();
	CHECK_EQ(rt_vcpu_info()->evtchn_upcall_mask, 0);

	for (unsigned int i = 0; i < 100; i++) {
		got = 0;
		rc = rt_send(port);
		if (rc != 0) {
			CHECK_EQ(rc, 0);
			break;
		}
		if (!rt_wait_for(&got, 1000000000ULL)) {
			CHECK(0, "send %u: no handler call within 1 s", i);
			break;
		}
		if (count != i + 1) {
			CHECK(0, "after send %u: %u handler calls", i + 1, count);
			break;
		}
	}
	printf("100 sends: %u handler calls on port %u\n", count, seen_port);
	CHECK_EQ(count, 100);
	CHECK_EQ(seen_port, port);
	/* Nothing left pending. */
	CHECK_EQ((s->evtchn_pending[port / 64] >> (port % 64)) & 1, 0);
	CHECK_EQ(rt_vcpu_info()->evtchn_upcall_pending, 0);

	/* The upcall comes on the way out of the send itself: by the time
	 * the hypercall returns, the handler has run. */
	unsigned int before = count;
	CHECK_EQ(rt_send(port), 0);
	CHECK_EQ(count, before + 1);
	printf("handler ran before send returned\n");

	/* No extra calls turn up later. */
	volatile int never = 0;
	CHECK(!rt_wait_for(&never, 20000000ULL), "impossible");
	CHECK_EQ(count, 101);
	printf("no spurious calls: count %u\n", count);
}
