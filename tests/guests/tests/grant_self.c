/* keel-test: group=grant_self */
/*
 * A domain's grants to itself. Checks: mapping one's own grant is
 * refused (-EINVAL, by KEEL_DOMID_SELF or by its own id), leaves the
 * entry's flags as they were and takes no reference: the frame, still
 * mapped writable at its own address, can neither be pinned as a page
 * table nor given back; copying through one's own grant works, both
 * ways, and leaves the flags clear. (A mapping of one's own grant looked
 * like an ordinary entry: mmu_update could replace it and drop
 * references it never held, after which such a frame could be pinned as
 * an L1 while still writable.)
 */
#include "keeltest.h"

const char test_name[] = "grant_self";

#define PTE_P  1ULL
#define PTE_W  2ULL
#define PTE_U  4ULL
#define PTE_NX (1ULL << 63)

static long gnttab(unsigned int cmd, void *ops)
{
	return keel_hypercall_grant_table_op(cmd, (unsigned long)ops, 1);
}

static long copy1(uint64_t src, uint16_t src_off, uint64_t dst,
		  uint16_t dst_off, uint16_t len, uint16_t flags)
{
	struct keel_gnttab_copy c = {
		.source = { .u = src, .domid = KEEL_DOMID_SELF,
			    .offset = src_off },
		.dest = { .u = dst, .domid = KEEL_DOMID_SELF,
			  .offset = dst_off },
		.len = len, .flags = flags, .status = 99,
	};

	CHECK_EQ(gnttab(KEEL_GNTTABOP_copy, &c), 0);
	return c.status;
}

void test_main(void)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;
	uint64_t gframe = 0;
	struct keel_gnttab_setup_table s = {
		.domid = KEEL_DOMID_SELF, .nr_frames = 1,
		.frame_list = (uint64_t)&gframe,
	};

	CHECK_EQ(gnttab(KEEL_GNTTABOP_setup_table, &s), 0);
	CHECK_EQ(s.status, 0);
	/* The table, over one of our free pages. */
	struct keel_grant_entry *table = rt_alloc_pages(1);
	uint64_t table_pte = rt_pte_read(kroot, (uint64_t)table, 1);
	CHECK_EQ(keel_hypercall_update_va_mapping(
			 (uint64_t)table, (gframe << 12) | PTE_P | PTE_W |
			 PTE_U | PTE_NX, KEEL_UVMF_INVLPG), 0);

	/* Page F, granted read-write to ourselves. Its contents would make
	 * a valid L1 (nothing present), so only its references can keep it
	 * from being pinned. */
	uint64_t *f = rt_alloc_pages(1);
	uint64_t f_mfn = rt_va_to_mfn(f);
	f[0] = 0xf00c;
	table[7].domid = (uint16_t)rt_boot.domid;
	table[7].frame = (uint32_t)f_mfn;
	__atomic_store_n(&table[7].flags, KEEL_GTF_permit_access,
			 __ATOMIC_SEQ_CST);

	/* An unused VA to try to map it at. */
	volatile uint64_t *v = rt_alloc_pages(1);
	uint64_t v_pte = rt_pte_read(kroot, (uint64_t)v, 1);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)v, 0,
						  KEEL_UVMF_INVLPG), 0);
	for (int k = 0; k < 2; k++) {
		struct keel_gnttab_map_grant_ref m = {
			.host_addr = (uint64_t)v, .ref = 7,
			.domid = k ? (uint16_t)rt_boot.domid : KEEL_DOMID_SELF,
			.flags = k ? KEEL_GNTMAP_readonly : 0, .status = 99,
		};
		CHECK_EQ(gnttab(KEEL_GNTTABOP_map_grant_ref, &m), 0);
		CHECK_EQ(m.status, -KEEL_EINVAL);
		CHECK_EQ(table[7].flags, KEEL_GTF_permit_access);
		CHECK_EQ(rt_pte_read(kroot, (uint64_t)v, 1), 0);
		if (m.status == 0) {
			/* Mapped after all: show what that breaks, then
			 * undo it as well as can be. */
			long uvm = keel_hypercall_update_va_mapping(
				(uint64_t)v, 0, KEEL_UVMF_INVLPG);
			CHECK_EQ(uvm, -KEEL_EPERM);
			struct keel_gnttab_unmap_grant_ref u = {
				.host_addr = (uint64_t)v, .handle = m.handle,
			};
			gnttab(KEEL_GNTTABOP_unmap_grant_ref, &u);
		}
	}

	/* F is still mapped writable at its own address, and nothing else
	 * holds it: it must not become a page table, nor go back to Keel. */
	long pin = rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, f_mfn, 0);
	CHECK_EQ(pin, -KEEL_EBUSY);
	if (pin == 0) {
		printf("BUG: pinned an L1 that is mapped writable at %p\n",
		       (void *)f);
		rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, f_mfn, 0);
	} else {
		/* (Not after a successful pin: the frame would then really
		 * go back while mapped.) */
		struct keel_memory_reservation r = {
			.extent_start = (uint64_t)&f_mfn, .nr_extents = 1,
			.domid = KEEL_DOMID_SELF,
		};
		CHECK_EQ(keel_hypercall_memory_op(
				 KEEL_MEMOP_decrease_reservation,
				 (unsigned long)&r), -KEEL_EBUSY);
	}
	CHECK_EQ(f[0], 0xf00c);

	/* Copying through our own grant is fine, both ways. */
	uint8_t *local = rt_alloc_pages(1);
	uint64_t l_mfn = rt_va_to_mfn(local);
	for (unsigned int i = 0; i < 4096; i++)
		local[i] = (uint8_t)(i * 5 + 1);
	CHECK_EQ(copy1(l_mfn, 0, 7, 0, 4096, KEEL_GNTCOPY_dest_gref), 0);
	CHECK_EQ(memcmp(f, local, 4096), 0);
	CHECK_EQ(copy1(7, 100, l_mfn, 0, 8, KEEL_GNTCOPY_source_gref), 0);
	CHECK_EQ(memcmp(local, (uint8_t *)f + 100, 8), 0);
	CHECK_EQ(table[7].flags, KEEL_GTF_permit_access);
	/* Read-only, it takes no copy in. */
	table[7].flags = KEEL_GTF_permit_access | KEEL_GTF_readonly;
	CHECK_EQ(copy1(l_mfn, 0, 7, 0, 8, KEEL_GNTCOPY_dest_gref),
		 -KEEL_EPERM);
	CHECK_EQ(table[7].flags, KEEL_GTF_permit_access | KEEL_GTF_readonly);

	/* Put things back. */
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)v, v_pte,
						  KEEL_UVMF_INVLPG), 0);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)table, table_pte,
						  KEEL_UVMF_INVLPG), 0);
}
