/* keel-test: group=console_rate cpus=2 timeout=180 */
/*
 * The flooder of the console_rate group: FLOOD_LINES lines of
 * FLOOD_LINE_BYTES, one console_write each, as fast as it can, never
 * waiting when the rate limit refuses (-EAGAIN) or cuts a write short.
 * It counts what Keel took and refused, and, when the checker asks,
 * reports both for it to compare with the log and with Keel's count.
 */
#include <format.h>
#include "console_rate.h"

const char test_name[] = "console_rate_flooder";

void test_main(void)
{
	char line[FLOOD_LINE_BYTES];
	uint64_t took = 0, refused = 0;

	keel_port_t port = wait_for_go();
	for (unsigned int i = 0; i < FLOOD_LINES; i++) {
		int n = format_string(line, sizeof(line), "flood %06u ", i);
		memset(line + n, 'f', FLOOD_LINE_BYTES - 1 - n);
		line[FLOOD_LINE_BYTES - 1] = '\n';
		long rc = keel_hypercall_console_write((unsigned long)line,
						       FLOOD_LINE_BYTES);
		if (rc == -KEEL_EAGAIN) {
			refused += FLOOD_LINE_BYTES;
			continue;
		}
		CHECK(rc >= 0 && rc <= FLOOD_LINE_BYTES, "console_write = %ld",
		      rc);
		took += (uint64_t)rc;
		refused += FLOOD_LINE_BYTES - (uint64_t)rc;
	}
	CHECK(refused > 0, "the rate limit refused nothing");

	/* Done; the checker answers once our bucket has had time to refill
	 * (it knows the rate), so the report below goes out whole and Keel's
	 * count of refused bytes ends at ours. The newline first ends a line
	 * the last write may have left unfinished. */
	CHECK_EQ(rt_send(port), 0);
	CHECK(rt_wait_port(port, rt_now_ns() + 60 * 1000000000ULL),
	      "the checker never asked for the report");
	int n = format_string(line, sizeof(line), "\nflood over: took %llu "
			      "bytes, refused %llu\n", (unsigned long long)took,
			      (unsigned long long)refused);
	long rc = keel_hypercall_console_write((unsigned long)line,
					       (unsigned long)n);
	CHECK(rc == n, "the report: console_write = %ld", rc);
}
