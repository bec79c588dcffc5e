/* keel-test: user=64K build_error="has no user window" */
/*
 * A kernel that asks for KEEL_ELFNOTE_F_MAP_BOOTSTRAP has no user window:
 * the builder refuses user= other than 0, with a message, and builds
 * nothing.
 */
#include "keeltest.h"

const char test_name[] = "boot_map_bootstrap_user";

/* This kernel's own note, with the flag. */
RT_KEEL_NOTE(KEEL_ELFNOTE_F_MAP_BOOTSTRAP);

void test_main(void)
{
	CHECK(false, "the builder should have refused this domain");
}
