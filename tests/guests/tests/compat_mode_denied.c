/*
 * A guest must not reach 32-bit compatibility mode: a `syscall` there
 * would enter ring 0 through CSTAR. The GDT has no 32-bit code segment a
 * guest may load, so switching CS to the old slot (0x18 | 3) raises #GP
 * with that selector as the error code, and the guest carries on.
 */
#include "keeltest.h"

const char test_name[] = "compat_mode_denied";

void test_main(void)
{
	static const uint16_t selectors[] = { 0x1b, 0x18, 0x08, 0x13 };

	for (unsigned int i = 0; i < 4; i++) {
		uint64_t sel = selectors[i];

		rt_trap_reset();
		__asm__ volatile("pushq %0\n\t"
				 "leaq 2f(%%rip), %%rax\n\t"
				 "pushq %%rax\n\t"
				 "1: lretq\n\t"
				 /* The fixup resumes here with both words
				  * still pushed. */
				 "2: addq $16, %%rsp\n\t"
				 RT_EXTABLE(1b, 2b)
				 : : "r"(sel) : "rax", "memory");
		printf("lretq to selector %#llx -> vector %u, error %#llx\n",
		       (unsigned long long)sel, rt_last_trap.vector,
		       (unsigned long long)rt_last_trap.error_code);
		CHECK_EQ(rt_last_trap.count, 1);
		CHECK_EQ(rt_last_trap.vector, 13);
		CHECK_EQ(rt_last_trap.error_code, sel & ~3ULL);
	}
	CHECK_EQ(keel_hypercall_version(KEEL_VERSION_ABI, 0), KEEL_ABI_VERSION);
}
