/*
 * The guest that domctl_request_shutdown asks to shut down (it embeds
 * this image). It binds KEEL_VIRQ_SHUTDOWN_REQUEST and, with wait=1 on
 * its command line, sleeps until the VIRQ comes, then shuts down with
 * the reason shared_info's shutdown_request names (as Linux's orderly
 * poweroff or reboot would). On its own it only checks that no request
 * is there at boot, and that the VIRQ is global: vCPU 0 only.
 */
#include "keeltest.h"

const char test_name[] = "shutdown_request_child";

/* Keel writes it at any time. */
static uint32_t shutdown_request(void)
{
	return *(volatile uint32_t *)&rt_boot.shared_info->shutdown_request;
}

void test_main(void)
{
	keel_port_t port, other;

	CHECK_EQ(rt_bind_virq(KEEL_VIRQ_SHUTDOWN_REQUEST, 0, &port), 0);
	CHECK_EQ(rt_bind_virq(KEEL_VIRQ_SHUTDOWN_REQUEST, 0, &other),
		 -KEEL_EEXIST);
	if (!rt_cmdline_value("wait")) {
		CHECK_EQ(shutdown_request(), 0);
		return;
	}
	printf("waiting for a shutdown request\n");
	uint64_t deadline = rt_now_ns() + 60000000000ULL;
	uint32_t request;
	/* A request that came before the bind left no event, only the
	 * field: look at it before each wait. */
	while (!(request = shutdown_request())) {
		CHECK(rt_now_ns() < deadline, "no shutdown request in 60 s");
		rt_wait_port(port, deadline);
	}
	printf("shutdown request: reason %u\n", request - 1);
	printf("RESULT: PASS %s\n", test_name);
	test_shutdown(request - 1);
}
