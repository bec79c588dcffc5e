/* keel-test: group=pingpong cpus=2 timeout=240 args="peer=1" */
/*
 * Inter-domain event ping-pong, the initiating side: 100,000 round trips
 * over one interdomain event channel with pingpong_b, none lost.
 */
#include "pingpong.h"

const char test_name[] = "pingpong_a";

void test_main(void)
{
	struct keel_evtchn_alloc_unbound a = {
		.dom = KEEL_DOMID_SELF,
		.remote_dom = (keel_domid_t)peer_domid(),
	};
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_alloc_unbound, &a), 0);
	printf("offering port %u to domain %u\n", a.port, peer_domid());
	rt_mask(a.port);

	/* The peer signals once when it binds. */
	CHECK(wait_port(a.port, 10 * 1000000000ULL), "peer never bound");
	uint64_t start = rt_now_ns();
	unsigned int received = 0;
	for (unsigned int i = 0; i < ROUND_TRIPS; i++) {
		CHECK_EQ(rt_send(a.port), 0);
		if (!wait_port(a.port, 5 * 1000000000ULL)) {
			CHECK(false, "no answer to round trip %u", i);
			break;
		}
		received++;
	}
	uint64_t ns = rt_now_ns() - start;
	CHECK_EQ(received, ROUND_TRIPS);
	printf("%u round trips in %llu ms (%llu ns each)\n", received,
	       (unsigned long long)(ns / 1000000),
	       (unsigned long long)(received ? ns / received : 0));
}
