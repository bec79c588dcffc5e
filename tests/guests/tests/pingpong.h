/* Shared by pingpong_a and pingpong_b (not a test by itself). */
#include "keeltest.h"

#define ROUND_TRIPS 100000

static unsigned int peer_domid(void)
{
	const char *p = rt_cmdline_value("peer");
	return p ? (unsigned int)(p[0] - '0') : 0;
}

static bool wait_port(keel_port_t port, uint64_t timeout_ns)
{
	return rt_wait_port(port, rt_now_ns() + timeout_ns);
}
