/* keel-test: group=runstate cpus=2 timeout=120 args="peer=0" */
/*
 * The other half of runstate_live: bind to the port domain 0 offers, say
 * so with one event, then spin without blocking until domain 0 sends one
 * back (at most 60 s).
 */
#include "keeltest.h"

const char test_name[] = "runstate_spinner";

void test_main(void)
{
	keel_port_t port;

	CHECK_EQ(rt_bind_peer(0, 30 * 1000000000ULL, &port), 0);
	rt_mask(port);
	CHECK_EQ(rt_send(port), 0);
	uint64_t deadline = rt_now_ns() + 60 * 1000000000ULL;
	bool told = false;
	while (!told && rt_now_ns() < deadline)
		told = rt_wait_port(port, 0);
	CHECK(told, "domain 0 never said stop");
}
