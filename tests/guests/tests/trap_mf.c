/* #MF: an unmasked x87 divide-by-zero is reported at the next waiting
 * x87 instruction. */
#include "keeltest.h"

const char test_name[] = "trap_mf";

void test_main(void)
{
	struct keel_vcpu_info *vi = rt_vcpu_info();
	uint16_t cw = 0x037f & ~0x4;	/* default, ZM (bit 2) unmasked */
	uint16_t sw = 0;
	uint64_t at;

	vi->fault_vector = 0xdead;
	vi->fault_error_code = 0xdead;
	rt_trap_reset();
	__asm__ volatile("fninit\n\t"
			 "fldcw %1\n\t"
			 "fld1\n\t"
			 "fldz\n\t"
			 "fdivrp\n\t"		/* st(1) = 1 / 0 */
			 "lea 1f(%%rip), %0\n\t"
			 "1: fwait\n\t"
			 "2:\n\t"
			 RT_EXTABLE(1b, 2b)
			 : "=&r"(at) : "m"(cw) : "memory");
	/* The handler left the exception pending: read, then clear it
	 * with the non-waiting forms. */
	__asm__ volatile("fnstsw %0\n\t"
			 "fninit" : "=m"(sw) : : "memory");
	CHECK_EQ(rt_last_trap.count, 1);
	CHECK_EQ(rt_last_trap.vector, 16);
	CHECK_EQ(rt_last_trap.error_code, 0);
	CHECK_EQ(rt_last_trap.rip, at);
	CHECK_EQ(rt_last_trap.cs, KEEL_GUEST_KERNEL_CS);
	CHECK_EQ(rt_last_trap.vinfo_vector, 16);
	CHECK_EQ(rt_last_trap.vinfo_error_code, 0);
	CHECK(sw & 0x4, "ZE not set in the x87 status word (%#x)", sw);
	CHECK(sw & 0x80, "ES not set in the x87 status word (%#x)", sw);
	printf("x87 1/0 with ZM clear: vector %u at the fwait %#llx, "
	       "status %#x\n", rt_last_trap.vector,
	       (unsigned long long)rt_last_trap.rip, sw);

	/* After fninit (all masked) the same division does not trap. */
	rt_trap_reset();
	__asm__ volatile("fld1\n\t"
			 "fldz\n\t"
			 "fdivrp\n\t"
			 "1: fwait\n\t"
			 "2:\n\t"
			 RT_EXTABLE(1b, 2b)
			 "fnstsw %0\n\t"
			 "fninit" : "=m"(sw) : : "memory");
	CHECK_EQ(rt_last_trap.count, 0);
	CHECK(sw & 0x4, "masked 1/0 did not set ZE (%#x)", sw);
	printf("masked: no trap, status %#x\n", sw);
}
