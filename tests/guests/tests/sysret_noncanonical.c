/* keel-test: exit=crash */
/*
 * A hypercall whose `syscall` instruction ends at the very top of the
 * lower half: the return address the CPU saves in RCX is then
 * 0x0000800000000000, the first non-canonical address. Keel leaves
 * hypercalls with sysretq when it can, and on Intel CPUs a sysretq to a
 * non-canonical RCX raises #GP in ring 0, on the guest's stack (the
 * CVE-2012-0217 class); an iretq there faults in ring 0 too. Keel must
 * see this on the way out, crash the domain ("return to a non-canonical
 * address") and carry on. The runner checks the exit reason, that the
 * hypervisor lives, and that every frame came back.
 */
#include "keeltest.h"

const char test_name[] = "sysret_noncanonical";

#define PTE_P 1ULL
#define PTE_W 2ULL
#define PTE_U 4ULL
#define LINK  (PTE_P | PTE_W | PTE_U)
#define TOP_PAGE 0x00007ffffffff000ULL

/* Map one of our pages read-only, so that it can become a table. */
static void make_readonly(void *va)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;
	uint64_t pte = rt_pte_read(kroot, (uint64_t)va, 1);

	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)va, pte & ~PTE_W,
						  KEEL_UVMF_INVLPG), 0);
}

void test_main(void)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;
	uint64_t *l3 = rt_alloc_pages(1), *l2 = rt_alloc_pages(1);
	uint64_t *l1 = rt_alloc_pages(1);
	uint8_t *code = rt_alloc_pages(1);

	/* `syscall` in the last two bytes of the lower half. */
	code[0xffe] = 0x0f;
	code[0xfff] = 0x05;
	l1[511] = (rt_va_to_mfn(code) << 12) | PTE_P | PTE_U;
	l2[511] = (rt_va_to_mfn(l1) << 12) | LINK;
	l3[511] = (rt_va_to_mfn(l2) << 12) | LINK;
	make_readonly(l1);
	make_readonly(l2);
	make_readonly(l3);
	CHECK_EQ(rt_pte_read(kroot, TOP_PAGE, 4), 0);
	CHECK_EQ(rt_mmu_update1(rt_pte_maddr(kroot, TOP_PAGE, 4),
				(rt_va_to_mfn(l3) << 12) | LINK), 0);
	CHECK_EQ(rt_pte_read(kroot, TOP_PAGE, 1) >> 12, rt_va_to_mfn(code));

	printf("RESULT: PASS %s (the domain must now crash)\n", test_name);
	/* version(ABI) from there; Keel must never return to RCX. */
	__asm__ volatile("xor %%eax, %%eax\n\t"
			 "xor %%edi, %%edi\n\t"
			 "jmp *%0" : : "r"(TOP_PAGE + 0xffe) : "rax", "rdi");
	__builtin_unreachable();
}
