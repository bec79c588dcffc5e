/* #XM: an unmasked SSE divide-by-zero (CR4.OSXMMEXCPT is set by Keel). */
#include "keeltest.h"

const char test_name[] = "trap_xm";

void test_main(void)
{
	struct keel_vcpu_info *vi = rt_vcpu_info();
	uint32_t saved = 0, mxcsr = 0x1f80 & ~0x200;	/* ZM unmasked */
	uint32_t after = 0;
	uint64_t at;
	static const float one = 1.0f, zero = 0.0f;

	__asm__ volatile("stmxcsr %0" : "=m"(saved));
	CHECK_EQ(saved, 0x1f80);

	vi->fault_vector = 0xdead;
	vi->fault_error_code = 0xdead;
	rt_trap_reset();
	__asm__ volatile("ldmxcsr %1\n\t"
			 "movss %2, %%xmm0\n\t"
			 "movss %3, %%xmm1\n\t"
			 "lea 1f(%%rip), %0\n\t"
			 "1: divss %%xmm1, %%xmm0\n\t"
			 "2:\n\t"
			 RT_EXTABLE(1b, 2b)
			 : "=&r"(at) : "m"(mxcsr), "m"(one), "m"(zero)
			 : "memory");
	__asm__ volatile("stmxcsr %0\n\t"
			 "ldmxcsr %1" : "=m"(after) : "m"(saved) : "memory");
	if (rt_last_trap.count == 0 && (after & 0x4)) {
		/* The CPU model set ZE but never raised the exception. */
		printf("divss 1/0 with ZM clear: no trap, MXCSR %#x\n", after);
		test_skip("unmasked SIMD exceptions (#XM) are not raised by "
			  "this CPU model");
	}
	CHECK_EQ(rt_last_trap.count, 1);
	CHECK_EQ(rt_last_trap.vector, 19);
	CHECK_EQ(rt_last_trap.error_code, 0);
	CHECK_EQ(rt_last_trap.rip, at);
	CHECK_EQ(rt_last_trap.cs, KEEL_GUEST_KERNEL_CS);
	CHECK_EQ(rt_last_trap.vinfo_vector, 19);
	CHECK(after & 0x4, "ZE not set in MXCSR (%#x)", after);
	printf("divss 1/0 with ZM clear: vector %u at %#llx, MXCSR %#x\n",
	       rt_last_trap.vector, (unsigned long long)rt_last_trap.rip,
	       after);

	__asm__ volatile("stmxcsr %0" : "=m"(after));
	CHECK_EQ(after, 0x1f80);
}
