/* The answering side of pv_core's event ping-pong. */
#include "keeltest.h"

const char test_name[] = "pv_core_peer";

void test_main(void)
{
	struct keel_evtchn_bind_interdomain b = { .remote_dom = 0 };
	struct keel_shared_info *s = rt_boot.shared_info;
	uint64_t deadline = rt_now_ns() + 30000000000ULL;
	long rc = -1;

	while (rc && rt_now_ns() < deadline) {
		for (b.remote_port = 1; b.remote_port < 16 && rc; b.remote_port++)
			if (!(rc = rt_evtchn_op(KEEL_EVTCHNOP_bind_interdomain, &b)))
				break;
		if (rc)
			rt_yield();
	}
	CHECK_EQ(rc, 0);
	if (rc)
		return;
	keel_port_t port = b.local_port;
	uint64_t bit = 1ULL << (port % 64);
	rt_mask(port);
	for (unsigned int i = 0; i < 10000; i++) {
		for (;;) {
			if (__atomic_fetch_and(&s->evtchn_pending[port / 64], ~bit,
					       __ATOMIC_SEQ_CST) & bit)
				break;
			struct keel_sched_poll poll = {
				.ports = (uint64_t)&port, .nr_ports = 1,
				.timeout = rt_now_ns() + 5000000000ULL };
			keel_hypercall_sched_op(KEEL_SCHEDOP_poll,
						(unsigned long)&poll);
		}
		rt_send(port);
	}
}
