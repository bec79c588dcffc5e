/* keel-test: group=fuzz cpus=2 timeout=300 args="seed=20261122 iterations=100000" */
/* 100,000 random hypercalls from an ordinary domain (fuzz_hypercalls.h). */
#include "fuzz_hypercalls.h"

const char test_name[] = "fuzz_hypercalls";

void test_main(void)
{
	fuzz();
}
