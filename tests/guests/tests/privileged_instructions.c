/* Privileged instructions in guest kernel mode (ring 3): each faults at
 * its own rip with what a real CPU raises in ring 3 of 64-bit mode --
 * #GP(0) for all of these (SDM: CPL > 0, or IOPL < CPL with no I/O
 * bitmap permission for in/out, cli/sti) -- and the guest carries on. */
#include "keeltest.h"

const char test_name[] = "privileged_instructions";

/* Run `insn` at label 1 under the exception table; return its rip. */
#define PRIV(fn, insn) PRIV_SETUP(fn, "", insn)
#define PRIV_SETUP(fn, setup, insn)                                       \
	static uint64_t fn(void)                                          \
	{                                                                 \
		uint64_t at;                                              \
		uint64_t scratch[2] = { 0, 0 };                           \
		__asm__ volatile(setup "\n\t"                            \
				 "lea 1f(%%rip), %0\n\t"                  \
				 "1: " insn "\n\t"                        \
				 "2:\n\t"                                 \
				 RT_EXTABLE(1b, 2b)                       \
				 : "=&r"(at), "+m"(scratch)               \
				 : "r"(scratch)                            \
				 : "rax", "rcx", "rdx", "memory");        \
		return at;                                                \
	}

PRIV(do_cli, "cli")
PRIV(do_sti, "sti")
PRIV(do_hlt, "hlt")
PRIV_SETUP(do_mov_cr3, "xor %%eax, %%eax", "mov %%rax, %%cr3")
PRIV(do_mov_from_cr0, "mov %%cr0, %%rax")
PRIV(do_mov_from_cr4, "mov %%cr4, %%rax")
PRIV_SETUP(do_mov_to_dr7, "xor %%eax, %%eax", "mov %%rax, %%dr7")
PRIV(do_lgdt, "lgdt (%2)")
PRIV(do_lidt, "lidt (%2)")
PRIV_SETUP(do_lldt, "xor %%eax, %%eax", "lldt %%ax")
PRIV_SETUP(do_ltr, "mov $0x30, %%eax", "ltr %%ax")
PRIV_SETUP(do_wrmsr, "mov $0xc0000100, %%ecx; xor %%eax, %%eax; xor %%edx, %%edx", "wrmsr")
PRIV_SETUP(do_rdmsr, "mov $0xc0000080, %%ecx", "rdmsr")
PRIV(do_in, "in $0x80, %%al")
PRIV_SETUP(do_in_dx, "mov $0xcf8, %%edx", "inl %%dx, %%eax")
PRIV_SETUP(do_out, "xor %%eax, %%eax", "out %%al, $0x80")
PRIV_SETUP(do_out_dx, "mov $0xf4, %%edx; xor %%eax, %%eax", "outb %%al, %%dx")
PRIV(do_swapgs, "swapgs")
PRIV(do_invlpg, "invlpg (%2)")
PRIV(do_clts, "clts")
PRIV_SETUP(do_lmsw, "xor %%eax, %%eax", "lmsw %%ax")
PRIV(do_wbinvd, "wbinvd")
PRIV(do_invd, "invd")
PRIV_SETUP(do_xsetbv, "xor %%ecx, %%ecx; mov $3, %%eax; xor %%edx, %%edx", "xsetbv")
PRIV_SETUP(do_rdpmc, "xor %%ecx, %%ecx", "rdpmc")
PRIV(do_sysret, "sysretq")

static const struct {
	const char *name;
	uint64_t (*fn)(void);
	unsigned int vector;
} cases[] = {
	{ "cli", do_cli, 13 },
	{ "sti", do_sti, 13 },
	{ "hlt", do_hlt, 13 },
	{ "mov %rax,%cr3", do_mov_cr3, 13 },
	{ "mov %cr0,%rax", do_mov_from_cr0, 13 },
	{ "mov %cr4,%rax", do_mov_from_cr4, 13 },
	{ "mov %rax,%dr7", do_mov_to_dr7, 13 },
	{ "lgdt", do_lgdt, 13 },
	{ "lidt", do_lidt, 13 },
	{ "lldt", do_lldt, 13 },
	{ "ltr", do_ltr, 13 },
	{ "wrmsr", do_wrmsr, 13 },
	{ "rdmsr", do_rdmsr, 13 },
	{ "in $0x80,%al", do_in, 13 },
	{ "in %dx,%eax", do_in_dx, 13 },
	{ "out %al,$0x80", do_out, 13 },
	{ "out %al,%dx (0xf4)", do_out_dx, 13 },
	{ "swapgs", do_swapgs, 13 },
	{ "invlpg", do_invlpg, 13 },
	{ "clts", do_clts, 13 },
	{ "lmsw", do_lmsw, 13 },
	{ "wbinvd", do_wbinvd, 13 },
	{ "invd", do_invd, 13 },
	{ "xsetbv", do_xsetbv, 13 },
	{ "rdpmc (CR4.PCE clear)", do_rdpmc, 13 },
	{ "sysretq", do_sysret, 13 },
};

void test_main(void)
{
	struct keel_vcpu_info *vi = rt_vcpu_info();
	unsigned int before = test_failures;

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned int f = test_failures;

		vi->fault_vector = 0xdead;
		vi->fault_error_code = 0xdead;
		rt_trap_reset();
		uint64_t at = cases[i].fn();
		rt_barrier();
		CHECK(rt_last_trap.count == 1, "%s: %u traps", cases[i].name,
		      rt_last_trap.count);
		CHECK(rt_last_trap.vector == cases[i].vector,
		      "%s: vector %u, expected %u", cases[i].name,
		      rt_last_trap.vector, cases[i].vector);
		CHECK(rt_last_trap.error_code == 0, "%s: error code %#llx",
		      cases[i].name,
		      (unsigned long long)rt_last_trap.error_code);
		CHECK(rt_last_trap.rip == at, "%s: rip %#llx, expected %#llx",
		      cases[i].name, (unsigned long long)rt_last_trap.rip,
		      (unsigned long long)at);
		CHECK(rt_last_trap.cs == KEEL_GUEST_KERNEL_CS, "%s: cs %#llx",
		      cases[i].name, (unsigned long long)rt_last_trap.cs);
		CHECK(rt_last_trap.vinfo_vector == cases[i].vector &&
		      rt_last_trap.vinfo_error_code == 0,
		      "%s: vcpu_info says vector %u error %#x", cases[i].name,
		      rt_last_trap.vinfo_vector,
		      rt_last_trap.vinfo_error_code);
		printf("%-24s -> vector %u, error %#llx at %#llx%s\n",
		       cases[i].name, rt_last_trap.vector,
		       (unsigned long long)rt_last_trap.error_code,
		       (unsigned long long)rt_last_trap.rip,
		       test_failures == f ? "" : "  <-- WRONG");
	}

	/* Still healthy: hypercalls, time, the virtual interrupt flag. */
	CHECK_EQ(keel_hypercall_version(KEEL_VERSION_ABI, 0), KEEL_ABI_VERSION);
	uint64_t t0 = rt_now_ns();
	rt_sleep_ns(1000000);
	CHECK(rt_now_ns() - t0 >= 1000000, "sleep too short");
	CHECK_EQ(rt_vcpu_id(), 0);
	rt_trap_reset();
	__asm__ volatile("1: ud2\n\t2:\n\t" RT_EXTABLE(1b, 2b) ::: "memory");
	CHECK_EQ(rt_last_trap.vector, 6);
	printf("guest healthy afterwards (%u problems)\n",
	       test_failures - before);
}
