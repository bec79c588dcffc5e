/* A masked port collects its event as a pending bit without an upcall;
 * EVTCHNOP_unmask then delivers it exactly once. */
#include "keeltest.h"

const char test_name[] = "evtchn_unmask";

static volatile int count;

static void handler(keel_port_t port, void *data)
{
	(void)port;
	(void)data;
	count++;
}

static bool bit(const uint64_t *words, keel_port_t port)
{
	return (__atomic_load_n(&words[port / 64], __ATOMIC_SEQ_CST) >>
		(port % 64)) & 1;
}

void test_main(void)
{
	struct keel_shared_info *s = rt_boot.shared_info;
	struct keel_vcpu_info *vi = rt_vcpu_info();
	keel_port_t port;

	CHECK_EQ(rt_bind_ipi(0, &port), 0);
	rt_event_set_handler(port, handler, NULL);
	rt_events_enable();

	rt_mask(port);
	CHECK(bit(s->evtchn_mask, port), "rt_mask did not set the mask bit");
	CHECK_EQ(rt_send(port), 0);
	CHECK(bit(s->evtchn_pending, port), "masked send: pending bit clear");
	CHECK_EQ(count, 0);
	CHECK_EQ(vi->evtchn_upcall_pending, 0);
	CHECK_EQ((vi->evtchn_pending_sel >> (port / 64)) & 1, 0);
	/* More hypercalls give Keel every chance to deliver: it must not. */
	for (int i = 0; i < 5; i++)
		CHECK_EQ(keel_hypercall_version(KEEL_VERSION_ABI, 0),
			 KEEL_ABI_VERSION);
	CHECK_EQ(rt_yield(), 0);
	CHECK_EQ(count, 0);
	printf("masked port %u: pending %d, upcall_pending %u, handler "
	       "calls %d\n", port, bit(s->evtchn_pending, port),
	       vi->evtchn_upcall_pending, count);

	/* A second send while masked and pending coalesces. */
	CHECK_EQ(rt_send(port), 0);
	CHECK_EQ(count, 0);

	/* Unmask: exactly one delivery, on the way out of the call. */
	CHECK_EQ(rt_unmask(port), 0);
	CHECK_EQ(count, 1);
	CHECK(!bit(s->evtchn_mask, port), "unmask left the mask bit set");
	CHECK(!bit(s->evtchn_pending, port), "pending bit not consumed");
	volatile int never = 0;
	rt_wait_for(&never, 10000000ULL);
	printf("after unmask: %d handler call(s)\n", count);
	CHECK_EQ(count, 1);

	/* Unmasking a port that is not pending delivers nothing. */
	CHECK_EQ(rt_unmask(port), 0);
	CHECK_EQ(count, 1);
	rt_mask(port);
	CHECK_EQ(rt_unmask(port), 0);
	CHECK_EQ(count, 1);
	printf("unmask with nothing pending: no call\n");

	/* Unmask while events are disabled: upcall_pending is set, the
	 * handler waits for events to be enabled. */
	rt_mask(port);
	CHECK_EQ(rt_send(port), 0);
	rt_events_disable();
	CHECK_EQ(rt_unmask(port), 0);
	CHECK_EQ(count, 1);
	CHECK_EQ(vi->evtchn_upcall_pending, 1);
	CHECK((vi->evtchn_pending_sel >> (port / 64)) & 1,
	      "unmask did not set the selector bit");
	rt_events_enable();
	CHECK_EQ(count, 2);
	printf("unmask with events disabled: delivered when enabled\n");

	/* Unmasked again, a send delivers at once. */
	CHECK_EQ(rt_send(port), 0);
	CHECK_EQ(count, 3);
}
