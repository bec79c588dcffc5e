/* A CPU-bound domain for sched_weights (not a test by itself): it spins
 * for 1.4 s of system time, then exits. */
#include "keeltest.h"

void test_main(void)
{
	uint64_t end = rt_now_ns() + 1400 * 1000000ULL;
	volatile uint64_t spins = 0;

	while (rt_now_ns() < end)
		spins++;
	printf("spun %llu times\n", (unsigned long long)spins);
}
