/* #DE: a divide by zero in guest kernel mode is bounced to vector 0. */
#include "keeltest.h"

const char test_name[] = "trap_de";

void test_main(void)
{
	struct keel_vcpu_info *vi = rt_vcpu_info();
	uint64_t fault_rip;

	/* Poison what the hypervisor must overwrite on the bounce (and
	 * fault_address, which only a #PF overwrites). */
	vi->fault_address = 0xdeadbeef;
	vi->fault_error_code = 0xdead;
	vi->fault_vector = 0xdead;
	rt_trap_reset();
	__asm__ volatile("lea 1f(%%rip), %0\n\t"
			 "xor %%edx, %%edx\n\t"
			 "mov $1234, %%eax\n\t"
			 "xor %%ecx, %%ecx\n\t"
			 "1: divl %%ecx\n\t"
			 "2:\n\t"
			 RT_EXTABLE(1b, 2b)
			 : "=&r"(fault_rip) : : "rax", "rcx", "rdx", "memory");
	CHECK_EQ(rt_last_trap.count, 1);
	CHECK_EQ(rt_last_trap.vector, 0);
	CHECK_EQ(rt_last_trap.error_code, 0);
	CHECK_EQ(rt_last_trap.rip, fault_rip);
	CHECK_EQ(rt_last_trap.cs, KEEL_GUEST_KERNEL_CS);
	CHECK_EQ(rt_last_trap.vinfo_vector, 0);
	CHECK_EQ(rt_last_trap.vinfo_error_code, 0);
	CHECK_EQ(rt_last_trap.fault_address, 0xdeadbeef);	/* #PF only */
	printf("div by zero: vector %u, error %#llx at rip %#llx (div at %#llx)\n",
	       rt_last_trap.vector, (unsigned long long)rt_last_trap.error_code,
	       (unsigned long long)rt_last_trap.rip,
	       (unsigned long long)fault_rip);

	/* The 64-bit form, and the quotient overflow that is also #DE. */
	rt_trap_reset();
	__asm__ volatile("lea 1f(%%rip), %0\n\t"
			 "mov $2, %%edx\n\t"
			 "xor %%eax, %%eax\n\t"
			 "mov $1, %%ecx\n\t"
			 "1: divq %%rcx\n\t"
			 "2:\n\t"
			 RT_EXTABLE(1b, 2b)
			 : "=&r"(fault_rip) : : "rax", "rcx", "rdx", "memory");
	CHECK_EQ(rt_last_trap.count, 1);
	CHECK_EQ(rt_last_trap.vector, 0);
	CHECK_EQ(rt_last_trap.error_code, 0);
	CHECK_EQ(rt_last_trap.rip, fault_rip);
	CHECK_EQ(rt_last_trap.vinfo_vector, 0);
	printf("quotient overflow: vector %u at the div\n", rt_last_trap.vector);
}
