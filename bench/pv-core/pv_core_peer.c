/* The answering side of pv_core's event ping-pong. */
#include "keeltest.h"

const char test_name[] = "pv_core_peer";

void test_main(void)
{
	keel_port_t port;
	long rc = rt_bind_peer(0, 30000000000ULL, &port);

	CHECK_EQ(rc, 0);
	if (rc)
		return;
	rt_mask(port);
	for (unsigned int i = 0; i < 10000; i++) {
		if (!rt_wait_port(port, rt_now_ns() + 5000000000ULL)) {
			CHECK(false, "ping %u never came", i);
			return;
		}
		rt_send(port);
	}
}
