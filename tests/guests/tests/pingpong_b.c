/* keel-test: group=pingpong cpus=2 timeout=240 args="peer=0" */
/* Inter-domain event ping-pong, the answering side (see pingpong_a.c). */
#include "pingpong.h"

const char test_name[] = "pingpong_b";

void test_main(void)
{
	struct keel_evtchn_bind_interdomain b = {
		.remote_dom = (keel_domid_t)peer_domid(),
	};
	long rc = -1;
	uint64_t deadline = rt_now_ns() + 10 * 1000000000ULL;

	/* The peer's offer may not exist yet, and we do not know its port
	 * number: try the low ports until one binds. */
	while (rc && rt_now_ns() < deadline) {
		for (b.remote_port = 1; b.remote_port < 16 && rc; b.remote_port++) {
			rc = rt_evtchn_op(KEEL_EVTCHNOP_bind_interdomain, &b);
			if (!rc)
				break;
		}
		if (rc)
			rt_yield();
	}
	CHECK_EQ(rc, 0);
	if (rc)
		return;
	rt_mask(b.local_port);
	printf("bound local port %u to the peer's port %u\n", b.local_port,
	       b.remote_port);
	unsigned int answered = 0;
	for (unsigned int i = 0; i < ROUND_TRIPS; i++) {
		if (!wait_port(b.local_port, 5 * 1000000000ULL)) {
			CHECK(false, "ping %u never came", i);
			break;
		}
		CHECK_EQ(rt_send(b.local_port), 0);
		answered++;
	}
	CHECK_EQ(answered, ROUND_TRIPS);
}
