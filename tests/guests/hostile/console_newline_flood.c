/* keel-test: timeout=120 */
/*
 * Attack: get around the console rate limit by amplification. A newline
 * is one byte, but Keel logs a whole line for it: "[    s.uuuuuu] (d0) "
 * and the line end, 21 bytes in the log and 22 on the serial line. So
 * write nothing but newlines, as fast as possible, for 1 s. What reaches
 * the log must stay within the burst plus the rate times the time
 * (guest_console_burst, guest_console_rate: 32 KiB and 8 KiB/s by
 * default), and each call must return after at most 32 lines.
 * Found by a security review: the limit once charged one token a line.
 */
#include "hostile.h"

const char test_name[] = "console_newline_flood";

#define LOG_BYTES_PER_EMPTY_LINE 21	/* stamp 15, "(d0) " 5, '\n' 1 */
#define FLOOD_NS 1000000000ULL
#define BURST 32768
#define RATE 8192

static char nl[4096];

void attack(void)
{
	uint64_t lines = 0, calls = 0, start = rt_now_ns();

	memset(nl, '\n', sizeof(nl));
	while (rt_now_ns() - start < FLOOD_NS) {
		long rc = keel_hypercall_console_write((unsigned long)nl,
						       sizeof(nl));
		calls++;
		CHECK(rc == -KEEL_EAGAIN || (rc > 0 && rc <= 32),
		      "console_write of 4096 newlines = %ld", rc);
		if (rc > 0)
			lines += (uint64_t)rc;
	}
	uint64_t elapsed = rt_now_ns() - start;
	uint64_t log_bytes = lines * LOG_BYTES_PER_EMPTY_LINE;
	uint64_t allowed = BURST + RATE * elapsed / 1000000000ULL;

	printf("%llu calls, %llu empty lines taken in %llu ms: %llu log "
	       "bytes, %llu allowed\n", (unsigned long long)calls,
	       (unsigned long long)lines,
	       (unsigned long long)(elapsed / 1000000),
	       (unsigned long long)log_bytes, (unsigned long long)allowed);
	CHECK(log_bytes <= allowed, "the rate limit let %llu bytes of log "
	      "through, over the %llu it allows",
	      (unsigned long long)log_bytes, (unsigned long long)allowed);
}
