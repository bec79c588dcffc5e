/* keel-test: group=console_rate cpus=2 timeout=180 */
/*
 * The victim of the console_rate group: beside the flooder, it writes
 * VICTIM_TICKS short lines, VICTIM_TICK_NS apart, each with the time it
 * was written. The checker finds each one in the log, in time.
 */
#include <format.h>
#include "console_rate.h"

const char test_name[] = "console_rate_victim";

void test_main(void)
{
	wait_for_go();
	for (unsigned int k = 0; k < VICTIM_TICKS; k++) {
		char line[64];
		int n = format_string(line, sizeof(line), "tick %u at %llu\n", k,
				      (unsigned long long)rt_now_ns());
		long rc = keel_hypercall_console_write((unsigned long)line,
						       (unsigned long)n);
		CHECK(rc == n, "tick %u: console_write = %ld", k, rc);
		rt_sleep_ns(VICTIM_TICK_NS);
	}
}
