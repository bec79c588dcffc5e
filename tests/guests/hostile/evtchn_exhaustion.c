/*
 * Attack: use up event channels. Allocating unbound ports for the victim
 * until there are none left must end with -ENOSPC (and the count of
 * ports we got is the table size less those in use), as must bind_ipi
 * and bind_interdomain on a full table. The victim's table is its own:
 * our flood takes none of its ports. Closing ours frees them again.
 */
#include "hostile.h"

const char test_name[] = "evtchn_exhaustion";

#define MAX_PORTS 1024

static keel_port_t got[MAX_PORTS];

void attack(void)
{
	unsigned int n = 0;
	long rc;

	for (;;) {
		struct keel_evtchn_alloc_unbound a = {
			.dom = KEEL_DOMID_SELF,
			.remote_dom = (keel_domid_t)hostile_victim,
		};

		rc = rt_evtchn_op(KEEL_EVTCHNOP_alloc_unbound, &a);
		if (rc)
			break;
		if (n == MAX_PORTS) {
			CHECK(false, "more than %u ports", MAX_PORTS);
			break;
		}
		got[n++] = a.port;
	}
	CHECK_EQ(rc, -KEEL_ENOSPC);
	/* Ports 1 (timer), 2 and 3 (the victim's channels) were in use. */
	CHECK_EQ(n, MAX_PORTS - 4);
	printf("%u ports, then -ENOSPC\n", n);

	keel_port_t port;
	CHECK_EQ(rt_bind_ipi(0, &port), -KEEL_ENOSPC);
	CHECK_EQ(rt_bind_virq(KEEL_VIRQ_DEBUG, 0, &port), -KEEL_ENOSPC);
	struct keel_evtchn_bind_interdomain b = {
		.remote_dom = (keel_domid_t)hostile_victim, .remote_port = 2,
	};
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_bind_interdomain, &b),
		 -KEEL_ENOSPC);

	for (unsigned int i = 0; i < n; i++) {
		struct keel_evtchn_close c = { .port = got[i] };

		CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_close, &c), 0);
	}
	CHECK_EQ(rt_bind_ipi(0, &port), 0);
	struct keel_evtchn_close c = { .port = port };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_close, &c), 0);
}
