/* keel-test: maxmem=4160K */
/*
 * memory_op ballooning. Checks: current and maximum reservation are the
 * boot FDT's nr-pages and max-pages (maxmem= gives 16 pages of room);
 * decrease_reservation refuses a frame that is still mapped or a page
 * table, gives back an unmapped one (current drops, its M2P entry goes
 * invalid) and cannot give it back twice; increase_reservation hands out
 * zeroed frames up to the maximum and then stops, returning how many
 * extents it did; populate_physmap writes the MFNs over the page numbers
 * and sets their M2P entries; a new frame maps and holds data; the
 * return is the number of extents done, or an error only when none was
 * (a bad extent array stops the call midway, and a frame whose MFN could
 * not be written back is not kept); the argument checks.
 */
#include "keeltest.h"

const char test_name[] = "memory_reservation";

#define PTE_P  1ULL
#define PTE_W  2ULL
#define PTE_U  4ULL
#define PTE_NX (1ULL << 63)
#define POISON 0x5ca1ab1e5ca1ab1eULL

static long memop(unsigned int cmd, uint64_t *extents, uint64_t nr)
{
	struct keel_memory_reservation r = {
		.extent_start = (uint64_t)extents, .nr_extents = nr,
		.domid = KEEL_DOMID_SELF,
	};

	return keel_hypercall_memory_op(cmd, (unsigned long)&r);
}

static long current(void)
{
	return keel_hypercall_memory_op(KEEL_MEMOP_current_reservation,
					KEEL_DOMID_SELF);
}

/* A free page whose kernel mapping is removed: its frame is then held
 * by nothing but the allocation. */
static uint64_t *unmapped_page(uint64_t *mfn)
{
	uint64_t *p = rt_alloc_pages(1);

	*mfn = rt_va_to_mfn(p);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)p, 0,
						  KEEL_UVMF_INVLPG), 0);
	return p;
}

static bool all_zero(const volatile uint64_t *p)
{
	for (unsigned int i = 0; i < 512; i++)
		if (p[i])
			return false;
	return true;
}

void test_main(void)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;
	long pages = (long)rt_boot.nr_pages;
	uint64_t ext[32];

	/* The sizes. */
	CHECK_EQ(rt_boot.max_pages, 4160 / 4);
	CHECK_EQ(current(), pages);
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_current_reservation,
					  rt_boot.domid), pages);
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_maximum_reservation,
					  KEEL_DOMID_SELF),
		 (long)rt_boot.max_pages);
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_current_reservation,
					  rt_boot.domid + 1), -KEEL_EPERM);
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_maximum_reservation + 1,
					  0), -KEEL_ENOSYS);

	/* Argument checks. */
	struct keel_memory_reservation bad = {
		.extent_start = (uint64_t)ext, .nr_extents = 1,
		.extent_order = 1, .domid = KEEL_DOMID_SELF,
	};
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_increase_reservation,
					  (unsigned long)&bad), -KEEL_EINVAL);
	bad.extent_order = 0;
	bad.pad = 1;
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_increase_reservation,
					  (unsigned long)&bad), -KEEL_EINVAL);
	bad.pad = 0;
	bad.domid = (uint16_t)(rt_boot.domid + 1);
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_decrease_reservation,
					  (unsigned long)&bad), -KEEL_EPERM);
	bad.domid = KEEL_DOMID_SELF;
	bad.nr_extents = KEEL_MEMOP_EXTENTS_MAX + 1;
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_populate_physmap,
					  (unsigned long)&bad), -KEEL_EINVAL);
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_increase_reservation,
					  0xffff830000000000ULL), -KEEL_EFAULT);
	CHECK_EQ(memop(KEEL_MEMOP_increase_reservation, ext, 0), 0);
	CHECK_EQ(memop(KEEL_MEMOP_decrease_reservation, ext, 0), 0);
	CHECK_EQ(current(), pages);

	/* decrease_reservation. */
	uint64_t *p1 = rt_alloc_pages(1), *p2, *p3;
	uint64_t m1 = rt_va_to_mfn(p1), m2, m3;
	p1[0] = 1;
	ext[0] = m1;
	CHECK_EQ(memop(KEEL_MEMOP_decrease_reservation, ext, 1), -KEEL_EBUSY);
	ext[0] = kroot;
	CHECK_EQ(memop(KEEL_MEMOP_decrease_reservation, ext, 1), -KEEL_EBUSY);
	ext[0] = rt_va_to_mfn((void *)rt_boot.page_tables_vaddr + 4096 *
			      (rt_boot.page_tables_pages - 1));
	CHECK(memop(KEEL_MEMOP_decrease_reservation, ext, 1) < 0,
	      "gave back a frame of the page-table area");
	CHECK_EQ(current(), pages);
	CHECK_EQ(p1[0], 1);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)p1, 0,
						  KEEL_UVMF_INVLPG), 0);
	CHECK_EQ(rt_boot.m2p[m1], ((uint64_t)p1 - rt_boot.virt_base) >> 12);
	ext[0] = m1;
	CHECK_EQ(memop(KEEL_MEMOP_decrease_reservation, ext, 1), 1);
	CHECK_EQ(current(), pages - 1);
	CHECK_EQ(rt_boot.m2p[m1], KEEL_M2P_INVALID);
	CHECK(rt_read_faults(p1, NULL), "given-back page still readable");
	/* Not ours any more: neither to give back nor to map. */
	CHECK(memop(KEEL_MEMOP_decrease_reservation, ext, 1) < 0,
	      "gave back the same frame twice");
	CHECK(keel_hypercall_update_va_mapping(
		      (uint64_t)p1, (m1 << 12) | PTE_P | PTE_W | PTE_U | PTE_NX,
		      KEEL_UVMF_INVLPG) < 0, "mapped a frame given back");
	CHECK_EQ(current(), pages - 1);

	/* A batch stops at the first bad extent and says how far it got. */
	p2 = unmapped_page(&m2);
	p3 = unmapped_page(&m3);
	ext[0] = m2;
	ext[1] = kroot;
	ext[2] = m3;
	CHECK_EQ(memop(KEEL_MEMOP_decrease_reservation, ext, 3), 1);
	CHECK_EQ(current(), pages - 2);
	CHECK_EQ(rt_boot.m2p[m2], KEEL_M2P_INVALID);
	/* The extent after the bad one was left alone. */
	CHECK_EQ(rt_boot.m2p[m3], ((uint64_t)p3 - rt_boot.virt_base) >> 12);
	/* ... and an extent array that ends in an unreadable page: the
	 * entry before it is done. */
	uint64_t *edge = (uint64_t *)(rt_boot.virt_base + rt_boot.nr_pages *
				      4096) - 1;	/* last word of memory */
	uint64_t saved = *edge;
	*edge = m3;
	CHECK_EQ(memop(KEEL_MEMOP_decrease_reservation, edge, 2), 1);
	*edge = saved;
	CHECK_EQ(current(), pages - 3);
	CHECK_EQ(rt_boot.m2p[m3], KEEL_M2P_INVALID);

	/* increase_reservation: up to the maximum, then it stops. */
	long room = (long)rt_boot.max_pages - current();
	CHECK_EQ(room, 19);
	for (int i = 0; i < 32; i++)
		ext[i] = POISON;
	long got = memop(KEEL_MEMOP_increase_reservation, ext, room + 2);
	CHECK_EQ(got, room);
	CHECK_EQ(current(), (long)rt_boot.max_pages);
	for (long i = 0; i < room && i < 32; i++) {
		CHECK(ext[i] != POISON && ext[i] < rt_boot.m2p_entries,
		      "extent %ld: %#llx", i, (unsigned long long)ext[i]);
		if (ext[i] < rt_boot.m2p_entries)
			CHECK_EQ(rt_boot.m2p[ext[i]], KEEL_M2P_INVALID);
		for (long j = 0; j < i; j++)
			CHECK(ext[i] != ext[j], "extents %ld and %ld alike",
			      i, j);
	}
	CHECK_EQ(ext[room], POISON);
	CHECK_EQ(ext[room + 1], POISON);
	CHECK_EQ(memop(KEEL_MEMOP_increase_reservation, ext, 1), -KEEL_ENOMEM);
	CHECK_EQ(memop(KEEL_MEMOP_populate_physmap, ext, 1), -KEEL_ENOMEM);
	CHECK_EQ(current(), (long)rt_boot.max_pages);

	/* A new frame maps (where p1 was), is zeroed and holds data. */
	uint64_t fresh = ext[0];
	CHECK_EQ(keel_hypercall_update_va_mapping(
			 (uint64_t)p1, (fresh << 12) | PTE_P | PTE_W | PTE_U |
			 PTE_NX, KEEL_UVMF_INVLPG), 0);
	CHECK(all_zero(p1), "a new frame is not zeroed");
	p1[3] = 0x1234;
	CHECK_EQ(rt_pte_read(kroot, (uint64_t)p1, 1) >> 12 & 0xffffffffffULL,
		 fresh);
	/* Mapped: not to be given back. */
	ext[0] = fresh;
	CHECK_EQ(memop(KEEL_MEMOP_decrease_reservation, ext, 1), -KEEL_EBUSY);
	/* Give back the rest of the new frames in one call. */
	CHECK_EQ(memop(KEEL_MEMOP_decrease_reservation, ext + 1, room - 1),
		 room - 1);
	CHECK_EQ(current(), (long)rt_boot.max_pages - room + 1);

	/* populate_physmap: the page numbers become MFNs, and the M2P
	 * says so. */
	ext[0] = 0x3f0;
	ext[1] = 0x12345;
	ext[2] = 7;
	CHECK_EQ(memop(KEEL_MEMOP_populate_physmap, ext, 3), 3);
	CHECK_EQ(current(), (long)rt_boot.max_pages - room + 4);
	CHECK(ext[0] != 0x3f0 && ext[0] < rt_boot.m2p_entries,
	      "populate left %#llx", (unsigned long long)ext[0]);
	if (ext[0] < rt_boot.m2p_entries && ext[1] < rt_boot.m2p_entries &&
	    ext[2] < rt_boot.m2p_entries) {
		CHECK_EQ(rt_boot.m2p[ext[0]], 0x3f0);
		CHECK_EQ(rt_boot.m2p[ext[1]], 0x12345);
		CHECK_EQ(rt_boot.m2p[ext[2]], 7);
	}
	/* Map the second one over p2 and use it. */
	CHECK_EQ(keel_hypercall_update_va_mapping(
			 (uint64_t)p2, (ext[1] << 12) | PTE_P | PTE_W | PTE_U,
			 KEEL_UVMF_INVLPG), 0);
	CHECK(all_zero(p2), "a populated frame is not zeroed");
	p2[511] = 0xabc;
	CHECK_EQ(p2[511], 0xabc);
	CHECK_EQ(p1[3], 0x1234);

	/* A frame whose MFN cannot be written back is not kept: the M2P
	 * window is read-only, and so is the page-table area. */
	long before = current();
	CHECK_EQ(memop(KEEL_MEMOP_increase_reservation,
		       (uint64_t *)rt_boot.m2p, 1), -KEEL_EFAULT);
	CHECK_EQ(memop(KEEL_MEMOP_increase_reservation,
		       (uint64_t *)rt_boot.page_tables_vaddr, 1), -KEEL_EFAULT);
	CHECK_EQ(current(), before);
	/* Two fit, the third's slot is unwritable: two done. */
	uint64_t *two = edge - 1;
	uint64_t saved2[2] = { two[0], two[1] };
	CHECK_EQ(memop(KEEL_MEMOP_increase_reservation, two, 3), 2);
	CHECK_EQ(current(), before + 2);
	ext[0] = two[0];
	ext[1] = two[1];
	two[0] = saved2[0];
	two[1] = saved2[1];
	CHECK_EQ(memop(KEEL_MEMOP_decrease_reservation, ext, 2), 2);
	CHECK_EQ(current(), before);
	printf("balloon: down to %ld, up to %ld pages, populated 3\n",
	       pages - 3, (long)rt_boot.max_pages);
}
