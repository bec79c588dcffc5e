/*
 * Attack: build page tables that refer to themselves before Keel sees
 * them, and pin them, so that validation meets its own frame: an L4 with
 * an entry pointing at itself, an L2 pointing at itself, an L1 mapping
 * itself writable, and an L3 -> L2 -> L3 cycle. Each pin must fail with
 * -EBUSY, leave no type behind (the pages can be made writable again),
 * and a cycle must not hang Keel.
 */
#include "hostile.h"

const char test_name[] = "pt_recursive_pin";

#define LINK (PTE_P | PTE_W | PTE_U)

static uint64_t *page_for_table(uint64_t *mfn)
{
	uint64_t *p = rt_alloc_pages(1);

	*mfn = rt_va_to_mfn(p);
	return p;
}

void attack(void)
{
	uint64_t a_mfn, b_mfn;
	uint64_t *a = page_for_table(&a_mfn);
	uint64_t *b = page_for_table(&b_mfn);

	/* L4 -> itself (slot 5), and L2 -> itself. */
	a[5] = (a_mfn << 12) | LINK;
	hostile_make_readonly(a);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L4_TABLE, a_mfn, 0), -KEEL_EBUSY);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L2_TABLE, a_mfn, 0), -KEEL_EBUSY);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_BASEPTR, a_mfn, 0), -KEEL_EBUSY);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_USER_BASEPTR, a_mfn, 0),
		 -KEEL_EBUSY);
	hostile_make_writable(a);
	a[5] = 0;

	/* L1 mapping itself writable (its own mapping read-only, so the
	 * entry inside is the only thing in the way). */
	a[9] = (a_mfn << 12) | PTE_P | PTE_W | PTE_U;
	hostile_make_readonly(a);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, a_mfn, 0), -KEEL_EBUSY);
	hostile_make_writable(a);

	/* L3 a -> L2 b -> "L1" a: a is already being an L3. */
	memset(a, 0, 4096);
	a[0] = (b_mfn << 12) | LINK;
	b[0] = (a_mfn << 12) | LINK;
	hostile_make_readonly(a);
	hostile_make_readonly(b);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L3_TABLE, a_mfn, 0), -KEEL_EBUSY);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L2_TABLE, b_mfn, 0), -KEEL_EBUSY);
	/* Linking the cycle into the live tables fails the same way. */
	uint64_t l4_slot = (rt_boot.kernel_root_mfn << 12) + 300 * 8;
	CHECK_EQ(rt_mmu_update1(l4_slot, (a_mfn << 12) | LINK), -KEEL_EBUSY);

	/* Nothing kept a type: both pages are plain memory again. */
	hostile_make_writable(a);
	hostile_make_writable(b);
	a[0] = b[0] = 0;
	/* Still mapped, so not given back. */
	CHECK_EQ(hostile_decrease(a_mfn), -KEEL_EBUSY);
	printf("self-referencing tables refused at pin\n");
}
