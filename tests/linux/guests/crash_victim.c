/*
 * The test-kernel victim of the Linux crash scenario (tests/linux/run.py,
 * pv-sysrq-crash): a small control domain that boots beside a Linux
 * domain which crashes itself with `echo c > /proc/sysrq-trigger`.
 *
 * It fills a canary area with a known pattern and then runs, sleeping
 * 10 ms at a time, reading Keel's log as it grows, until Keel says the
 * Linux domain exited with reason "crash". Then it checks that its canary
 * is intact and that it kept running while Linux went down, and passes.
 * No such line within four minutes fails it.
 */
#include "keeltest.h"
#include "string_ops.h"

#define SECOND 1000000000ULL
#define CANARY_PAGES 16

const char test_name[] = "crash_victim";

static const char marker[] = "(linux) exited: crash";

static uint64_t canary[CANARY_PAGES * 512];
static char chunk[4096 + sizeof(marker)];

static uint64_t pattern(size_t i)
{
	return i * 0x9e3779b97f4a7c15ULL ^ 0x5a5a5a5a5a5a5a5aULL;
}

/* Read what the log gained since @pos; true once the marker is in it.
 * The last bytes of each read stay at the front of @chunk, so a marker
 * split across two reads is still found. */
static bool log_says_crashed(uint64_t *pos, size_t *kept)
{
	long got;

	while ((got = keel_hypercall_console_read((unsigned long)chunk + *kept,
						  4096, (unsigned long)pos)) > 0) {
		size_t len = *kept + (size_t)got, m = sizeof(marker) - 1;

		for (size_t i = 0; i + m <= len; i++)
			if (!memcmp(chunk + i, marker, m))
				return true;
		*kept = len < m - 1 ? len : m - 1;
		memmove(chunk, chunk + len - *kept, *kept);
	}
	CHECK(got == 0, "console_read: %ld", got);
	return false;
}

void test_main(void)
{
	uint64_t deadline = rt_now_ns() + 240 * SECOND;
	uint64_t pos = 0, wakeups = 0;
	size_t kept = 0;
	static volatile int never;

	for (size_t i = 0; i < CANARY_PAGES * 512; i++)
		canary[i] = pattern(i);
	printf("crash_victim: waiting for the Linux domain's crash\n");
	while (!log_says_crashed(&pos, &kept)) {
		CHECK(rt_now_ns() < deadline, "no crash of the Linux domain "
		      "in Keel's log within 240 s");
		rt_wait_for(&never, 10 * 1000000ULL);
		wakeups++;
	}
	for (size_t i = 0; i < CANARY_PAGES * 512; i++)
		CHECK(canary[i] == pattern(i), "canary word %zu changed", i);
	CHECK(wakeups > 0, "never ran while Linux did");
	printf("crash_victim: saw the crash after %llu wakeups; canary "
	       "intact\n", (unsigned long long)wakeups);
}
