/* keel-test: exit=crash */
/* A domain may declare itself crashed; the hypervisor reports it. */
#include "keeltest.h"

const char test_name[] = "shutdown_crash";

void test_main(void)
{
	printf("RESULT: PASS %s\n", test_name);
	test_shutdown(KEEL_SHUTDOWN_crash);
}
