/*
 * The granting side of pv_memory: grants domain 0 read access to one of
 * its pages (grant ref 0, byte i holding i * 7 + 0x5a), says so on the
 * event channel domain 0 offers, keeps the grant until domain 0 says it
 * is done, then revokes it (which must succeed: nothing maps it any
 * more).
 */
#include "keeltest.h"

const char test_name[] = "pv_memory_peer";

#define GRANTEE 0

void test_main(void)
{
	keel_port_t port;
	long rc = rt_bind_peer(GRANTEE, 30000000000ULL, &port);

	CHECK_EQ(rc, 0);
	if (rc)
		return;
	rt_mask(port);

	uint64_t gt_mfn = 0;
	struct keel_gnttab_setup_table st = {
		.domid = KEEL_DOMID_SELF, .nr_frames = 1,
		.frame_list = (uint64_t)&gt_mfn,
	};
	CHECK_EQ(keel_hypercall_grant_table_op(KEEL_GNTTABOP_setup_table,
					       (unsigned long)&st, 1), 0);
	CHECK_EQ(st.status, 0);
	/* Map the table frame over a page of our own. */
	struct keel_grant_entry *gt = rt_alloc_pages(1);
	uint64_t flags = rt_pte_read(rt_boot.kernel_root_mfn, (uint64_t)gt, 1) &
			 0xfff0000000000fffULL;
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)gt,
						  (gt_mfn << 12) | flags,
						  KEEL_UVMF_INVLPG), 0);

	uint8_t *page = rt_alloc_pages(1);
	for (unsigned int i = 0; i < 4096; i++)
		page[i] = (uint8_t)(i * 7 + 0x5a);
	gt[0].domid = GRANTEE;
	gt[0].frame = (uint32_t)rt_va_to_mfn(page);
	__atomic_store_n(&gt[0].flags,
			 KEEL_GTF_permit_access | KEEL_GTF_readonly,
			 __ATOMIC_RELEASE);
	rt_send(port);

	CHECK(rt_wait_port(port, rt_now_ns() + 600000000000ULL),
	      "domain 0 never finished");
	/* Revoke: expects reading and writing clear. */
	uint16_t want = KEEL_GTF_permit_access | KEEL_GTF_readonly;
	CHECK(__atomic_compare_exchange_n(&gt[0].flags, &want, 0, false,
					  __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST),
	      "grant still in use at the end (flags 0x%x)", want);
}
