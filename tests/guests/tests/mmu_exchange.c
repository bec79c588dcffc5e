/*
 * mmu_update KEEL_MMU_PT_EXCHANGE (ABI 1.2): an atomic exchange of a
 * page-table entry that hands back the entry it replaced, with the
 * accessed and dirty bits the CPU set meanwhile, so that a guest's
 * read-modify-write of a PTE loses nothing. The new entry is checked like
 * any other; a refused exchange changes nothing and writes nothing back.
 * On a frame that is not a page table, both commands write ordinary
 * memory (ABI 1.2).
 */
#include "keeltest.h"

const char test_name[] = "mmu_exchange";

#define PTE_P  1ULL
#define PTE_W  2ULL
#define PTE_U  4ULL
#define PTE_A  (1ULL << 5)
#define PTE_D  (1ULL << 6)
#define PTE_NX (1ULL << 63)
#define XCHG(ptr) ((ptr) | KEEL_MMU_PT_EXCHANGE)

static long mmu(struct keel_mmu_update *r, unsigned int n, uint64_t *done)
{
	return keel_hypercall_mmu_update((unsigned long)r, n,
					 (unsigned long)done, KEEL_DOMID_SELF);
}

void test_main(void)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;
	volatile uint64_t *page = rt_alloc_pages(1);
	uint64_t mfn = rt_va_to_mfn((void *)page);
	uint64_t ptr = rt_pte_maddr(kroot, (uint64_t)page, 1);
	uint64_t clean = (mfn << 12) | PTE_P | PTE_W | PTE_U | PTE_NX;
	struct keel_mmu_update r[2];
	uint64_t done;

	/* A clean entry; the CPU sets A and D on the write. */
	CHECK_EQ(rt_mmu_update1(ptr, clean), 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_INVLPG_LOCAL, (uint64_t)page, 0), 0);
	page[0] = 0xabcd;
	CHECK_EQ(rt_pte_read(kroot, (uint64_t)page, 1), clean | PTE_A | PTE_D);

	/* Exchange with 0: the old entry comes back with A and D. */
	r[0] = (struct keel_mmu_update){ XCHG(ptr), 0 };
	CHECK_EQ(mmu(r, 1, &done), 0);
	CHECK_EQ(done, 1);
	CHECK_EQ(r[0].val, clean | PTE_A | PTE_D);
	CHECK_EQ(rt_pte_read(kroot, (uint64_t)page, 1), 0);
	uint64_t v;
	CHECK(rt_read_faults(page, &v), "the page is still mapped");
	printf("exchange with 0 returned %#llx\n", (unsigned long long)r[0].val);

	/* Exchange a not-present entry: 0 comes back. Two in one batch, each
	 * with its own old value. */
	r[0] = (struct keel_mmu_update){ XCHG(ptr), clean & ~PTE_W };
	r[1] = (struct keel_mmu_update){ XCHG(ptr), clean };
	CHECK_EQ(mmu(r, 2, &done), 0);
	CHECK_EQ(done, 2);
	CHECK_EQ(r[0].val, 0);
	CHECK_EQ(r[1].val, clean & ~PTE_W);
	CHECK_EQ(rt_pte_read(kroot, (uint64_t)page, 1), clean);
	CHECK_EQ(page[0], 0xabcd);

	/* The same value again: still an exchange, the old value returned. */
	r[0] = (struct keel_mmu_update){ XCHG(ptr), clean };
	CHECK_EQ(mmu(r, 1, &done), 0);
	CHECK_EQ(r[0].val & ~(PTE_A | PTE_D), clean);

	/* Refusals change nothing and write nothing back. */
	uint64_t before = rt_pte_read(kroot, (uint64_t)page, 1);
	r[0] = (struct keel_mmu_update){ XCHG(ptr) | 4, 0 };
	CHECK_EQ(mmu(r, 1, &done), -KEEL_EINVAL);
	CHECK_EQ(r[0].val, 0);
	/* A writable mapping of a page-table frame (the kernel root). */
	r[0] = (struct keel_mmu_update){ XCHG(ptr),
					 (kroot << 12) | PTE_P | PTE_W | PTE_U };
	CHECK_EQ(mmu(r, 1, &done), -KEEL_EBUSY);
	CHECK_EQ(done, 0);
	CHECK_EQ(r[0].val, (kroot << 12) | PTE_P | PTE_W | PTE_U);
	/* A hypervisor slot. */
	r[0] = (struct keel_mmu_update){ XCHG((kroot << 12) + 260 * 8), 0 };
	CHECK_EQ(mmu(r, 1, &done), -KEEL_EPERM);
	CHECK_EQ(rt_pte_read(kroot, (uint64_t)page, 1), before);
	printf("refused exchanges left the entry at %#llx\n",
	       (unsigned long long)before);

	/* Requests Keel cannot write the old value back to: the exchange is
	 * done and counted, then the call fails with -EFAULT. */
	struct keel_mmu_update *ro = rt_alloc_pages(1);
	ro[0] = (struct keel_mmu_update){ XCHG(ptr), 0 };
	uint64_t ro_pte = rt_pte_read(kroot, (uint64_t)ro, 1);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)ro,
						  ro_pte & ~PTE_W,
						  KEEL_UVMF_INVLPG), 0);
	CHECK_EQ(mmu(ro, 1, &done), -KEEL_EFAULT);
	CHECK_EQ(done, 1);
	CHECK_EQ(rt_pte_read(kroot, (uint64_t)page, 1), 0);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)ro, ro_pte,
						  KEEL_UVMF_INVLPG), 0);

	/* Put the page back as it was. */
	CHECK_EQ(rt_mmu_update1(ptr, clean), 0);
	CHECK_EQ(page[0], 0xabcd);

	/* A frame that is not a page table is ordinary memory: the exchange
	 * is a plain one, on the word at that machine address. */
	r[0] = (struct keel_mmu_update){ XCHG((mfn << 12) + 8), 0x5555 };
	page[1] = 0x1234;
	CHECK_EQ(mmu(r, 1, &done), 0);
	CHECK_EQ(r[0].val, 0x1234);
	CHECK_EQ(page[1], 0x5555);
	r[0] = (struct keel_mmu_update){ (mfn << 12) + 16, 0x7777 };
	CHECK_EQ(mmu(r, 1, &done), 0);
	CHECK_EQ(page[2], 0x7777);
	/* Machine frame 0 is not the guest's: refused. */
	r[0] = (struct keel_mmu_update){ 0, 0 };
	CHECK(mmu(r, 1, &done) < 0, "machine frame 0 is not the guest's");
}
