/* keel-test: privileged=1 */
/*
 * VIRQ_CONSOLE: a control domain that binds it is told when the
 * hypervisor log grows, and console_read then returns the new bytes,
 * including this domain's own console line.
 */
#include "keeltest.h"

const char test_name[] = "console_virq";

static volatile int notified;

static void on_console(keel_port_t port, void *data)
{
	(void)port;
	(void)data;
	notified = 1;
}

void test_main(void)
{
	keel_port_t port;
	uint64_t pos = 0;
	static char buf[4096];

	CHECK_EQ(rt_bind_virq(KEEL_VIRQ_CONSOLE, 0, &port), 0);
	rt_event_set_handler(port, on_console, NULL);
	rt_events_enable();

	/* Skip what is already in the log. */
	while (keel_hypercall_console_read((unsigned long)buf, sizeof(buf),
					   (unsigned long)&pos) > 0)
		;
	notified = 0;
	printf("console_virq marker 4242\n");
	CHECK(rt_wait_for(&notified, 2000000000ULL),
	      "no VIRQ_CONSOLE within 2 s of new log output");

	long n = keel_hypercall_console_read((unsigned long)buf, sizeof(buf) - 1,
					     (unsigned long)&pos);
	CHECK(n > 0, "console_read returned %ld after the VIRQ", n);
	buf[n > 0 ? n : 0] = '\0';
	bool found = false;
	for (long i = 0; i + 4 <= n; i++)
		if (!memcmp(buf + i, "4242", 4))
			found = true;
	CHECK(found, "the new log bytes lack this domain's marker line");
	printf("VIRQ_CONSOLE on port %u; read %ld new bytes\n", port, n);
}
