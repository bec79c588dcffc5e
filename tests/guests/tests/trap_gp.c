/* #GP that is not about privileged instructions: a non-canonical memory
 * access (#GP(0)) and `int $0x80` through a gate the guest cannot use
 * (#GP with the IDT selector error code). */
#include "keeltest.h"

const char test_name[] = "trap_gp";

static void expect_gp(uint64_t at, uint64_t err, const char *what)
{
	rt_barrier();
	CHECK_EQ(rt_last_trap.count, 1);
	CHECK_EQ(rt_last_trap.vector, 13);
	CHECK_EQ(rt_last_trap.error_code, err);
	CHECK_EQ(rt_last_trap.rip, at);
	CHECK_EQ(rt_last_trap.cs, KEEL_GUEST_KERNEL_CS);
	CHECK_EQ(rt_last_trap.vinfo_vector, 13);
	CHECK_EQ(rt_last_trap.vinfo_error_code, err);
	CHECK_EQ(rt_last_trap.fault_address, 0);
	printf("%s: vector %u, error %#llx at rip %#llx (expected %#llx)\n",
	       what, rt_last_trap.vector,
	       (unsigned long long)rt_last_trap.error_code,
	       (unsigned long long)rt_last_trap.rip, (unsigned long long)at);
}

/*
 * The #GP error code of `int n` through a gate of too low a DPL names IDT
 * entry n: (n << 3) | 2 (SDM vol. 3, 6.13). QEMU's TCG gives (n << 4) | 2;
 * Keel reads the vector from the instruction and hands the guest the
 * SDM's form, so this holds on every CPU model.
 */
static uint64_t idt_error_code(unsigned int n)
{
	return ((uint64_t)n << 3) | 2;
}

void test_main(void)
{
	struct keel_vcpu_info *vi = rt_vcpu_info();
	uint64_t at;

	vi->fault_vector = 0xdead;
	vi->fault_error_code = 0xdead;
	rt_trap_reset();
	__asm__ volatile("lea 1f(%%rip), %0\n\t"
			 "movabs $0x8000000000000000, %%rax\n\t"
			 "1: movq $1, (%%rax)\n\t"
			 "2:\n\t"
			 RT_EXTABLE(1b, 2b)
			 : "=&r"(at) : : "rax", "memory");
	expect_gp(at, 0, "write to 0x8000000000000000");

	/* The lowest non-canonical address, read. */
	rt_trap_reset();
	__asm__ volatile("lea 1f(%%rip), %0\n\t"
			 "movabs $0x0000800000000000, %%rax\n\t"
			 "1: movq (%%rax), %%rax\n\t"
			 "2:\n\t"
			 RT_EXTABLE(1b, 2b)
			 : "=&r"(at) : : "rax", "memory");
	expect_gp(at, 0, "read of 0x0000800000000000");

	rt_trap_reset();
	__asm__ volatile("lea 1f(%%rip), %0\n\t"
			 "1: int $0x80\n\t"
			 "2:\n\t"
			 RT_EXTABLE(1b, 2b)
			 : "=&r"(at) : : "memory");
	expect_gp(at, idt_error_code(0x80), "int $0x80");

	/* A vector the trap table has but without KEEL_TRAP_USER_INT. */
	rt_trap_reset();
	__asm__ volatile("lea 1f(%%rip), %0\n\t"
			 "1: int $14\n\t"
			 "2:\n\t"
			 RT_EXTABLE(1b, 2b)
			 : "=&r"(at) : : "memory");
	expect_gp(at, idt_error_code(14), "int $14");
}
