/* keel-test: group=fuzz cpus=2 privileged=1 timeout=300 args="seed=77 iterations=100000" */
/* 100,000 random hypercalls from a control domain, which also reaches the
 * control-only calls (fuzz_hypercalls.h). */
#include "fuzz_hypercalls.h"

const char test_name[] = "fuzz_hypercalls_control";

void test_main(void)
{
	fuzz();
}
