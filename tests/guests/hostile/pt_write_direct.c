/*
 * Attack: write the page tables directly. The guest's page-table frames
 * are mapped into its kernel map, but read-only, so a store into the
 * kernel root, into the user root, or into the L1 that maps the page
 * tables themselves must fault with #PF (present, write, user) at that
 * address, and leave the entry unchanged.
 */
#include "hostile.h"

const char test_name[] = "pt_write_direct";

static void try_write(const char *what, volatile uint64_t *entry)
{
	uint64_t before = *entry;

	CHECK(rt_write_faults(entry, before ^ (PTE_W | PTE_ADDR)),
	      "%s: the store went through", what);
	CHECK_PF(entry, PF_PRESENT | PF_WRITE);
	CHECK_EQ(*entry, before);
	printf("%s (%p): #PF, error %#llx\n", what, (void *)entry,
	       (unsigned long long)rt_last_trap.error_code);
}

void attack(void)
{
	uint64_t *kroot = rt_mfn_to_va(rt_boot.kernel_root_mfn);
	uint64_t *uroot = rt_mfn_to_va(rt_boot.user_root_mfn);
	uint64_t pt_area = rt_boot.page_tables_vaddr;

	/* The entry that maps our own code, and an empty one. */
	try_write("kernel root, slot 511", &kroot[511]);
	try_write("kernel root, empty slot 300", &kroot[300]);
	/* A hypervisor slot: the guest's view of Keel's entry. */
	try_write("kernel root, slot 262", &kroot[262]);
	try_write("user root, slot 0", &uroot[0]);

	/* The L1 entry mapping the page-table area (the self-map of the
	 * tables): making it writable by hand would expose every table. */
	uint64_t l1_maddr = rt_pte_maddr(rt_boot.kernel_root_mfn, pt_area, 1);
	uint64_t *l1 = rt_mfn_to_va(l1_maddr >> 12);
	CHECK(l1 != NULL, "the L1 of the page-table area is not in our memory");
	try_write("L1 entry of the page-table area",
		  &l1[(l1_maddr & 4095) / 8]);

	/* Every page of the page-table area is read-only. */
	for (uint64_t i = 0; i < rt_boot.page_tables_pages; i++) {
		volatile uint64_t *p = (uint64_t *)(pt_area + i * 4096);

		CHECK(rt_write_faults(p, *p), "page-table page %llu writable",
		      (unsigned long long)i);
		CHECK_PF(p, PF_PRESENT | PF_WRITE);
	}
}
