/* #BP: int3 (and int $3) is a trap: the saved rip points past it. */
#include "keeltest.h"

const char test_name[] = "trap_bp";

void test_main(void)
{
	struct keel_vcpu_info *vi = rt_vcpu_info();
	uint64_t at;

	vi->fault_vector = 0xdead;
	vi->fault_error_code = 0xdead;
	rt_trap_reset();
	/* The trap's rip is label 1 (after the 1-byte int3). */
	__asm__ volatile("lea 0f(%%rip), %0\n\t"
			 "0: int3\n\t"
			 "1: ud2\n\t"
			 "2:\n\t"
			 RT_EXTABLE(1b, 2b)
			 : "=&r"(at) : : "memory");
	CHECK_EQ(rt_last_trap.count, 1);
	CHECK_EQ(rt_last_trap.vector, 3);
	CHECK_EQ(rt_last_trap.error_code, 0);
	CHECK_EQ(rt_last_trap.rip, at + 1);
	CHECK_EQ(rt_last_trap.cs, KEEL_GUEST_KERNEL_CS);
	CHECK_EQ(rt_last_trap.vinfo_vector, 3);
	CHECK_EQ(rt_last_trap.vinfo_error_code, 0);
	printf("int3 at %#llx: vector %u, error %#llx, rip %#llx\n",
	       (unsigned long long)at, rt_last_trap.vector,
	       (unsigned long long)rt_last_trap.error_code,
	       (unsigned long long)rt_last_trap.rip);

	/* The two-byte form, cd 03. */
	rt_trap_reset();
	__asm__ volatile("lea 0f(%%rip), %0\n\t"
			 "0: .byte 0xcd, 0x03\n\t"
			 "1: ud2\n\t"
			 "2:\n\t"
			 RT_EXTABLE(1b, 2b)
			 : "=&r"(at) : : "memory");
	CHECK_EQ(rt_last_trap.count, 1);
	CHECK_EQ(rt_last_trap.vector, 3);
	CHECK_EQ(rt_last_trap.error_code, 0);
	CHECK_EQ(rt_last_trap.rip, at + 2);
	printf("int $3 at %#llx: vector %u, rip %#llx\n",
	       (unsigned long long)at, rt_last_trap.vector,
	       (unsigned long long)rt_last_trap.rip);
}
