/* The smallest test: the runtime boots, prints and shuts down. */
#include "keeltest.h"

const char test_name[] = "hello";

void test_main(void)
{
	printf("hello from domain %u (%s), %u vCPU(s), %llu pages\n",
	       rt_boot.domid, rt_boot.name, rt_boot.nr_vcpus,
	       (unsigned long long)rt_boot.nr_pages);
	CHECK(rt_boot.nr_pages > 0, "no memory");
	CHECK(rt_now_ns() > 0, "pvclock reads 0");
}
