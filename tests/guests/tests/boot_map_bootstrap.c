/* keel-test: mem=3G host_mem=3400 timeout=300 */
/*
 * KEEL_ELFNOTE_F_MAP_BOOTSTRAP (ABI 1.2): the builder maps only the
 * bootstrap part of guest memory at virt_base (image, P2M, boot FDT,
 * stack, page tables and KEEL_BOOTSTRAP_FREE_PAGES of free memory), with
 * the guard page and shared info right after it, and no user window. The
 * rest of guest memory is the guest's, unmapped: its frames are in the
 * P2M, and the guest can map them itself. This is how a kernel linked at
 * 0xffffffff80000000 gets more memory than fits above its link address:
 * 3 GiB here, where mapping it all would run past the top of the address
 * space and the builder would refuse the domain.
 */
#include "keeltest.h"

const char test_name[] = "boot_map_bootstrap";

/* This kernel's own note, with the flag. */
RT_KEEL_NOTE(KEEL_ELFNOTE_F_MAP_BOOTSTRAP);

#define PTE_P  1ULL
#define PTE_W  2ULL
#define PTE_U  4ULL
#define PTE_NX (1ULL << 63)

void test_main(void)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;
	uint64_t base = rt_boot.virt_base;
	uint64_t mapped = rt_boot.mapped_pages;
	uint64_t n = rt_boot.nr_pages;
	const uint64_t *p2m = (const uint64_t *)rt_boot.p2m_vaddr;

	printf("%llu pages, %llu of them mapped\n", (unsigned long long)n,
	       (unsigned long long)mapped);
	CHECK_EQ(n, 786432);
	CHECK(mapped < n / 8, "%llu of %llu pages mapped",
	      (unsigned long long)mapped, (unsigned long long)n);
	/* The mapped part ends with the free memory; no user window. */
	CHECK_EQ(rt_boot.free_end, base + mapped * 4096);
	CHECK(rt_boot.free_end - rt_boot.free_vaddr >=
	      KEEL_BOOTSTRAP_FREE_PAGES * 4096ULL, "only %llu bytes free",
	      (unsigned long long)(rt_boot.free_end - rt_boot.free_vaddr));
	CHECK_EQ(rt_boot.user_window_size, 0);
	CHECK_EQ((uint64_t)rt_boot.shared_info, base + (mapped + 1) * 4096);
	CHECK_EQ(rt_pte_read(kroot, (uint64_t)rt_boot.shared_info, 1) >> 12 &
		 0xffffffffffULL, rt_boot.shared_info_mfn);

	/* The last mapped page is mapped, to its P2M frame; nothing above
	 * it but the shared-info page. */
	CHECK_EQ(rt_pte_read(kroot, base + (mapped - 1) * 4096, 1) >> 12 &
		 0xffffffffffULL, p2m[mapped - 1]);
	CHECK_EQ(rt_pte_read(kroot, base + mapped * 4096, 1), 0);
	for (uint64_t va = base + (mapped + 2) * 4096;
	     va < base + n * 4096; va += 2ULL << 20)
		if (rt_pte_read(kroot, va, 1)) {
			CHECK(false, "%#llx is mapped", (unsigned long long)va);
			break;
		}

	/* Every page, mapped or not, is ours: the M2P says so. */
	uint64_t bad = 0;
	for (uint64_t i = 0; i < n; i++)
		if (!p2m[i] || p2m[i] >= rt_boot.m2p_entries ||
		    rt_boot.m2p[p2m[i]] != i)
			bad++;
	CHECK_EQ(bad, 0);

	/* An unmapped page can be mapped and used: the first one, at the
	 * guard page's address, which has an L1 already. */
	uint64_t va = base + mapped * 4096;
	uint64_t pte = (p2m[mapped] << 12) | PTE_P | PTE_W | PTE_U | PTE_NX;
	CHECK_EQ(keel_hypercall_update_va_mapping(va, pte, KEEL_UVMF_INVLPG),
		 0);
	volatile uint64_t *page = (volatile uint64_t *)va;
	CHECK_EQ(page[0], 0);		/* frames come zeroed */
	page[511] = 0x5eed;
	CHECK_EQ(page[511], 0x5eed);
	CHECK_EQ(keel_hypercall_update_va_mapping(va, 0, KEEL_UVMF_INVLPG), 0);
}
