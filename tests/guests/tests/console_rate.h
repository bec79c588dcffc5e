/* Shared by the console_rate_* group (not a test by itself): a checker
 * (domain 0, a control domain), a flooder (domain 1) and a victim
 * (domain 2). The checker says "go" to the other two once they have
 * bound to it. */
#include "keeltest.h"

#define FLOOD_LINES 20000
#define FLOOD_LINE_BYTES 100	/* with its newline */
#define VICTIM_TICKS 50
#define VICTIM_TICK_NS (10 * 1000000ULL)

/* Bind to the checker, say so, and wait for its go (up to 60 s). */
static inline keel_port_t wait_for_go(void)
{
	keel_port_t port = 0;

	CHECK_EQ(rt_bind_peer(0, 30 * 1000000000ULL, &port), 0);
	rt_mask(port);
	CHECK_EQ(rt_send(port), 0);
	CHECK(rt_wait_port(port, rt_now_ns() + 60 * 1000000000ULL),
	      "the checker never said go");
	return port;
}
