/* keel-test: exit=reboot */
/* The hypervisor must report the shutdown reason a domain gives. */
#include "keeltest.h"

const char test_name[] = "shutdown_reboot";

void test_main(void)
{
	printf("RESULT: PASS %s\n", test_name);
	test_shutdown(KEEL_SHUTDOWN_reboot);
}
