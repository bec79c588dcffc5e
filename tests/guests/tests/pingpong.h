/* Shared by pingpong_a and pingpong_b (not a test by itself). */
#include "keeltest.h"

#define ROUND_TRIPS 100000

static unsigned int peer_domid(void)
{
	const char *p = rt_cmdline_value("peer");
	return p ? (unsigned int)(p[0] - '0') : 0;
}

/* Sleep in SCHEDOP_poll until @port is pending, then consume it. The
 * port is masked, so no upcall races with us. */
static bool wait_port(keel_port_t port, uint64_t timeout_ns)
{
	struct keel_shared_info *s = rt_boot.shared_info;
	uint64_t bit = 1ULL << (port % 64);
	uint64_t deadline = rt_now_ns() + timeout_ns;

	for (;;) {
		uint64_t old = __atomic_fetch_and(&s->evtchn_pending[port / 64],
						  ~bit, __ATOMIC_SEQ_CST);
		if (old & bit)
			return true;
		if (rt_now_ns() >= deadline)
			return false;
		struct keel_sched_poll poll = {
			.ports = (uint64_t)&port,
			.nr_ports = 1,
			.timeout = deadline,
		};
		keel_hypercall_sched_op(KEEL_SCHEDOP_poll, (unsigned long)&poll);
	}
}
