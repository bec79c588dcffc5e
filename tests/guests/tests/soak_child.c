/* The small PV guest the soak test creates and destroys over and over
 * (soak.c embeds this image). On its own it is an ordinary test: an
 * unprivileged domain that boots, checks its memory is what the boot FDT
 * says, and powers off. With hold=1 on its command line it then stays
 * running (yielding) until someone destroys it; with crash=1 it shuts
 * down as crashed instead (pvctl's on_crash scenario). */
#include "keeltest.h"

const char test_name[] = "soak_child";

void test_main(void)
{
	CHECK(!rt_boot.privileged, "the soak child must not be privileged");
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_current_reservation,
					  KEEL_DOMID_SELF),
		 (long)rt_boot.nr_pages);
	/* One byte of every free page, so the frames are really used. */
	for (uint64_t va = rt_boot.free_vaddr; va < rt_boot.free_end;
	     va += 4096)
		*(volatile uint8_t *)va = 1;
	if (rt_cmdline_value("hold"))
		for (;;)
			rt_yield();
	if (rt_cmdline_value("crash")) {
		printf("crashing on purpose\n");
		test_shutdown(KEEL_SHUTDOWN_crash);
	}
}
