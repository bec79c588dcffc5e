/* keel-test: group=identity_too_big */
/*
 * The domain that boots after identity_too_big, which the builder
 * refused: it runs and ends the boot, whose free-frame count then shows
 * that the refusal left nothing behind.
 */
#include "keeltest.h"

const char test_name[] = "identity_too_big_peer";

void test_main(void)
{
	printf("built after the refused hardware domain\n");
}
