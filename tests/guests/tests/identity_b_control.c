/* keel-test: group=identity privileged=1 */
/*
 * A control domain whose kernel asks for identity-mapped memory but that
 * is not the hardware domain (identity_a_hardware is): it gets an
 * ordinary P2M, pfn-base 0, page n at guest frame n, and no other-ram.
 */
#include <libfdt.h>
#include "keeltest.h"

RT_KEEL_NOTE(KEEL_ELFNOTE_F_IDENTITY);

const char test_name[] = "identity_b_control";

void test_main(void)
{
	const uint64_t *p2m = (const uint64_t *)rt_boot.p2m_vaddr;

	CHECK_EQ(rt_boot.pfn_base, 0);
	for (uint64_t n = 0; n < rt_boot.nr_pages; n++)
		if (rt_boot.m2p[p2m[n]] != n) {
			CHECK(false, "page %llu: M2P says %#llx",
			      (unsigned long long)n,
			      (unsigned long long)rt_boot.m2p[p2m[n]]);
			break;
		}
	CHECK(fdt_getprop(rt_boot.fdt, fdt_path_offset(rt_boot.fdt,
						      "/keel/memory"),
			  "other-ram", NULL) == NULL, "other-ram is there");
	printf("pfn-base 0: an ordinary P2M, no other-ram\n");
}
