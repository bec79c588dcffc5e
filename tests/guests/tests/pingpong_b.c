/* keel-test: group=pingpong cpus=2 timeout=240 args="peer=0" */
/* Inter-domain event ping-pong, the answering side (see pingpong_a.c). */
#include "pingpong.h"

const char test_name[] = "pingpong_b";

void test_main(void)
{
	keel_port_t port;
	long rc = rt_bind_peer(peer_domid(), 10 * 1000000000ULL, &port);

	CHECK_EQ(rc, 0);
	if (rc)
		return;
	rt_mask(port);
	printf("bound local port %u to the peer's offer\n", port);
	unsigned int answered = 0;
	for (unsigned int i = 0; i < ROUND_TRIPS; i++) {
		if (!wait_port(port, 5 * 1000000000ULL)) {
			CHECK(false, "ping %u never came", i);
			break;
		}
		CHECK_EQ(rt_send(port), 0);
		answered++;
	}
	CHECK_EQ(answered, ROUND_TRIPS);
}
