/*
 * Attack: hand grant_table_op pointers it must not follow. The op array
 * of every command at NULL, Keel's direct map or image, a non-canonical
 * address, or the M2P window must fail with -EFAULT (the call's result);
 * so must an op array in a read-only page, which Keel reads but cannot
 * write the status back to. setup_table's frame list at any of those
 * addresses, or in our page tables, gives the op the status -EFAULT.
 */
#include "hostile.h"

const char test_name[] = "bad_ptr_grant_table";

void attack(void)
{
	for (unsigned int i = 0; i < HOSTILE_NR_BAD_PTRS; i++) {
		const struct hostile_bad_ptr *b = &hostile_bad_ptrs[i];

		for (unsigned int cmd = KEEL_GNTTABOP_setup_table;
		     cmd <= KEEL_GNTTABOP_copy; cmd++) {
			CHECK_EQ(keel_hypercall_grant_table_op(cmd, b->p, 1),
				 -KEEL_EFAULT);
			CHECK_EQ(keel_hypercall_grant_table_op(cmd, b->p, 256),
				 -KEEL_EFAULT);
		}
		struct keel_gnttab_setup_table st = {
			.domid = KEEL_DOMID_SELF, .nr_frames = 1,
			.frame_list = b->p, .status = 1,
		};
		CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_setup_table, &st, 1), 0);
		CHECK_EQ(st.status, -KEEL_EFAULT);
		printf("%s: -EFAULT\n", b->what);
	}
	/* The frame list into our kernel root (read-only). */
	uint64_t *l4 = rt_mfn_to_va(rt_boot.kernel_root_mfn);
	uint64_t before = l4[300];
	struct keel_gnttab_setup_table st = {
		.domid = KEEL_DOMID_SELF, .nr_frames = 1,
		.frame_list = (uint64_t)&l4[300], .status = 1,
	};
	CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_setup_table, &st, 1), 0);
	CHECK_EQ(st.status, -KEEL_EFAULT);
	CHECK_EQ(l4[300], before);

	/* An op Keel can read but not answer into. */
	struct keel_gnttab_query_size *q = rt_alloc_pages(1);
	q->domid = KEEL_DOMID_SELF;
	q->status = 1;
	hostile_make_readonly(q);
	CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_query_size, q, 1), -KEEL_EFAULT);
	CHECK_EQ(q->status, 1);
	/* Two copies, the second off the end of our memory. */
	uint8_t *two = rt_alloc_pages(2);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)two + 4096, 0,
						  KEEL_UVMF_INVLPG), 0);
	struct keel_gnttab_copy *c =
		(struct keel_gnttab_copy *)(two + 4096) - 1;
	*c = (struct keel_gnttab_copy){
		.source = { .u = HOSTILE_GREF_STATUS,
			    .domid = (uint16_t)hostile_victim },
		.dest = { .u = hostile_scratch_mfn, .domid = KEEL_DOMID_SELF },
		.len = 8, .flags = KEEL_GNTCOPY_source_gref, .status = 1,
	};
	CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_copy, c, 2), -KEEL_EFAULT);
	CHECK_EQ(c->status, 0);
}
