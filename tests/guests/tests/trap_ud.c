/* #UD: ud2 (and an opcode invalid in 64-bit mode) fault at the
 * instruction. */
#include "keeltest.h"

const char test_name[] = "trap_ud";

void test_main(void)
{
	struct keel_vcpu_info *vi = rt_vcpu_info();
	uint64_t at;

	vi->fault_vector = 0xdead;
	vi->fault_error_code = 0xdead;
	vi->fault_address = 0xdeadbeef;
	rt_trap_reset();
	__asm__ volatile("lea 1f(%%rip), %0\n\t"
			 "1: ud2\n\t"
			 "2:\n\t"
			 RT_EXTABLE(1b, 2b)
			 : "=&r"(at) : : "memory");
	CHECK_EQ(rt_last_trap.count, 1);
	CHECK_EQ(rt_last_trap.vector, 6);
	CHECK_EQ(rt_last_trap.error_code, 0);
	CHECK_EQ(rt_last_trap.rip, at);
	CHECK_EQ(rt_last_trap.cs, KEEL_GUEST_KERNEL_CS);
	CHECK_EQ(rt_last_trap.vinfo_vector, 6);
	CHECK_EQ(rt_last_trap.vinfo_error_code, 0);
	CHECK_EQ(rt_last_trap.fault_address, 0xdeadbeef);	/* #PF only */
	printf("ud2 at %#llx: vector %u, error %#llx, rip %#llx\n",
	       (unsigned long long)at, rt_last_trap.vector,
	       (unsigned long long)rt_last_trap.error_code,
	       (unsigned long long)rt_last_trap.rip);

	/* push %es (0x06) does not exist in 64-bit mode. */
	rt_trap_reset();
	__asm__ volatile("lea 1f(%%rip), %0\n\t"
			 "1: .byte 0x06\n\t"
			 "2:\n\t"
			 RT_EXTABLE(1b, 2b)
			 : "=&r"(at) : : "memory");
	CHECK_EQ(rt_last_trap.count, 1);
	CHECK_EQ(rt_last_trap.vector, 6);
	CHECK_EQ(rt_last_trap.rip, at);
	printf("opcode 0x06 at %#llx: vector %u\n", (unsigned long long)at,
	       rt_last_trap.vector);
}
