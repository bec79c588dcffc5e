/* keel-test: group=identity_too_big privileged=1 mem=256M build_error="no run of" */
/*
 * A hardware domain that asks for identity-mapped memory larger than any
 * run of free frames: the builder refuses it, says so, and leaks
 * nothing (identity_too_big_peer, built next, ends the boot, and its
 * free-frame count is the one from before).
 */
#include "keeltest.h"

RT_KEEL_NOTE(KEEL_ELFNOTE_F_IDENTITY);

const char test_name[] = "identity_too_big";

void test_main(void)
{
	CHECK(false, "built, with %llu pages", (unsigned long long)
	      rt_boot.nr_pages);
}
