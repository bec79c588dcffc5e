/* keel-test: group=grant cpus=2 timeout=120 args="peer=1" */
/*
 * Grant tables, the granting side (grant_table_b.c is the grantee).
 * Checks: setup_table and query_size (sizes, growth without shrinking,
 * zeroed frames, errors); the grant frames can be mapped and written;
 * what the grantee writes through a read-write mapping shows up here and
 * the other way round; Keel sets GTF_reading/GTF_writing while a grant is
 * mapped and clears them after unmap and after a copy; revoking with a
 * compare-exchange that expects them clear fails while the grant is
 * mapped and succeeds after; the grantee's copies land where and as
 * asked; changing a mapped entry's frame does not change what a second
 * mapping gets; a grant frame cannot be given back to Keel.
 */
#include "grant_table_pair.h"

const char test_name[] = "grant_table_a";

static struct keel_grant_entry *table;	/* two frames, mapped */
static uint64_t gframes[2];

static uint16_t flags_of(keel_grant_ref_t ref)
{
	return __atomic_load_n(&table[ref].flags, __ATOMIC_SEQ_CST);
}

static void grant(keel_grant_ref_t ref, uint16_t domid, uint64_t mfn,
		  uint16_t extra)
{
	table[ref].domid = domid;
	table[ref].frame = (uint32_t)mfn;
	__atomic_store_n(&table[ref].flags, KEEL_GTF_permit_access | extra,
			 __ATOMIC_SEQ_CST);
}

/* The granter's revoke: clear permit_access, but only if no one uses the
 * grant. Returns whether it worked. */
static bool revoke(keel_grant_ref_t ref)
{
	uint16_t expect = flags_of(ref) & ~GNT_FLAGS_MASK;

	return __atomic_compare_exchange_n(&table[ref].flags, &expect, 0,
					   false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST);
}

static void setup_checks(void)
{
	struct keel_gnttab_query_size q = { .domid = KEEL_DOMID_SELF };
	uint64_t list[4] = { 0 };
	struct keel_gnttab_setup_table s = {
		.domid = KEEL_DOMID_SELF, .nr_frames = 1,
		.frame_list = (uint64_t)list,
	};

	/* No table until the first setup_table. */
	q.status = 99;
	CHECK_EQ(gnttab(KEEL_GNTTABOP_query_size, &q, 1), 0);
	CHECK_EQ(q.status, 0);
	CHECK_EQ(q.nr_frames, 0);
	CHECK_EQ(q.max_nr_frames, KEEL_GRANT_MAX_FRAMES);

	CHECK_EQ(gnttab(KEEL_GNTTABOP_setup_table, &s, 1), 0);
	CHECK_EQ(s.status, 0);
	CHECK(list[0] != 0, "setup_table gave no frame");
	uint64_t first = list[0];

	/* Growing keeps the first frame; asking for fewer gives a prefix. */
	s.nr_frames = 2;
	CHECK_EQ(gnttab(KEEL_GNTTABOP_setup_table, &s, 1), 0);
	CHECK_EQ(s.status, 0);
	CHECK_EQ(list[0], first);
	CHECK(list[1] != 0 && list[1] != first, "second frame %#llx",
	      (unsigned long long)list[1]);
	gframes[0] = list[0];
	gframes[1] = list[1];
	list[1] = 0x5a5a;
	s.nr_frames = 1;
	CHECK_EQ(gnttab(KEEL_GNTTABOP_setup_table, &s, 1), 0);
	CHECK_EQ(s.status, 0);
	CHECK_EQ(list[0], first);
	CHECK_EQ(list[1], 0x5a5a);	/* only nr_frames are written */
	CHECK_EQ(gnttab(KEEL_GNTTABOP_query_size, &q, 1), 0);
	CHECK_EQ(q.status, 0);
	CHECK_EQ(q.nr_frames, 2);

	/* Errors, each in the op's status; the call itself succeeds. */
	s.nr_frames = KEEL_GRANT_MAX_FRAMES + 1;
	CHECK_EQ(gnttab(KEEL_GNTTABOP_setup_table, &s, 1), 0);
	CHECK_EQ(s.status, -KEEL_EINVAL);
	s.nr_frames = 0;
	CHECK_EQ(gnttab(KEEL_GNTTABOP_setup_table, &s, 1), 0);
	CHECK_EQ(s.status, -KEEL_EINVAL);
	s.nr_frames = 1;
	s.domid = (uint16_t)peer_domid();
	CHECK_EQ(gnttab(KEEL_GNTTABOP_setup_table, &s, 1), 0);
	CHECK_EQ(s.status, -KEEL_EPERM);
	s.domid = KEEL_DOMID_SELF;
	s.frame_list = 0xffff830000000000ULL;
	CHECK_EQ(gnttab(KEEL_GNTTABOP_setup_table, &s, 1), 0);
	CHECK_EQ(s.status, -KEEL_EFAULT);
	q.domid = (uint16_t)peer_domid();
	CHECK_EQ(gnttab(KEEL_GNTTABOP_query_size, &q, 1), 0);
	CHECK_EQ(q.status, -KEEL_EPERM);
	q.domid = KEEL_DOMID_SELF;
	CHECK_EQ(gnttab(KEEL_GNTTABOP_query_size, &q, 1), 0);
	CHECK_EQ(q.nr_frames, 2);	/* the failed calls did not grow it */

	/* The batch itself: bad count, pointer, command. */
	CHECK_EQ(gnttab(KEEL_GNTTABOP_query_size, &q,
			KEEL_GNTTAB_BATCH_MAX + 1), -KEEL_EINVAL);
	CHECK_EQ(gnttab(KEEL_GNTTABOP_query_size, (void *)0xffff830000000000ULL,
			1), -KEEL_EFAULT);
	CHECK_EQ(gnttab(KEEL_GNTTABOP_copy + 1, &q, 1), -KEEL_ENOSYS);
	CHECK_EQ(gnttab(KEEL_GNTTABOP_query_size, &q, 0), 0);

	/* A grant frame is Keel's to give: not one to give back. */
	struct keel_memory_reservation r = {
		.extent_start = (uint64_t)&gframes[0], .nr_extents = 1,
		.domid = KEEL_DOMID_SELF,
	};
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_decrease_reservation,
					  (unsigned long)&r), -KEEL_EINVAL);
	/* Nor do grant frames count in the reservation. */
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_current_reservation,
					  KEEL_DOMID_SELF),
		 (long)rt_boot.nr_pages);
}

void test_main(void)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;
	unsigned int peer = peer_domid();

	setup_checks();

	/* Map both grant frames over two of our free pages (whose own
	 * frames stay ours, unmapped, until the end). */
	uint8_t *tv = rt_alloc_pages(2);
	uint64_t tv_pte[2];
	for (int i = 0; i < 2; i++) {
		uint64_t va = (uint64_t)tv + i * 4096;

		tv_pte[i] = rt_pte_read(kroot, va, 1);
		CHECK_EQ(keel_hypercall_update_va_mapping(
				 va, (gframes[i] << 12) | PTE_P | PTE_W | PTE_U |
				     PTE_NX, KEEL_UVMF_INVLPG), 0);
	}
	table = (struct keel_grant_entry *)tv;
	bool zero = true;
	for (unsigned int i = 0; i < 8192; i++)
		zero &= tv[i] == 0;
	CHECK(zero, "new grant frames are not zeroed");

	/* Pages D (read-write), R (read-only), C (copies), E (second frame),
	 * X (a frame to cheat with). Word 0 of D, R, E: their own MFN. */
	uint64_t *d = rt_alloc_pages(1), *r = rt_alloc_pages(1);
	uint64_t *e = rt_alloc_pages(1), *x = rt_alloc_pages(1);
	uint8_t *c = rt_alloc_pages(1);
	d[0] = rt_va_to_mfn(d);
	r[0] = rt_va_to_mfn(r);
	e[0] = rt_va_to_mfn(e);
	x[0] = rt_va_to_mfn(x);
	for (unsigned int i = 1; i < 512; i++) {
		d[i] = 0xd000 + i;
		r[i] = 0x7000 + i;
	}
	for (unsigned int i = 0; i < 4096; i++)
		c[i] = pattern_a(i);
	grant(REF_RW, (uint16_t)peer, d[0], 0);
	grant(REF_RO, (uint16_t)peer, r[0], KEEL_GTF_readonly);
	grant(REF_COPY, (uint16_t)peer, rt_va_to_mfn(c), 0);
	grant(REF_OTHER, (uint16_t)(peer + 5), d[0], 0);
	grant(REF_SECOND, (uint16_t)peer, e[0], KEEL_GTF_readonly);

	/* Offer a channel; the peer's bind signals it. */
	struct keel_evtchn_alloc_unbound a = {
		.dom = KEEL_DOMID_SELF, .remote_dom = (keel_domid_t)peer,
	};
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_alloc_unbound, &a), 0);
	keel_port_t port = a.port;
	rt_mask(port);
	if (!step_wait(port, "bind"))
		return;
	CHECK_EQ(rt_send(port), 0);			/* grants ready */

	/* The grantee mapped REF_RW, REF_RO and REF_SECOND, and wrote. */
	if (!step_wait(port, "mapped"))
		return;
	CHECK_EQ(flags_of(REF_RW), KEEL_GTF_permit_access | KEEL_GTF_reading |
				   KEEL_GTF_writing);
	CHECK_EQ(flags_of(REF_RO), KEEL_GTF_permit_access | KEEL_GTF_readonly |
				   KEEL_GTF_reading);
	CHECK_EQ(flags_of(REF_SECOND), KEEL_GTF_permit_access |
				       KEEL_GTF_readonly | KEEL_GTF_reading);
	CHECK_EQ(flags_of(REF_COPY), KEEL_GTF_permit_access);
	CHECK_EQ(flags_of(REF_OTHER), KEEL_GTF_permit_access);
	CHECK_EQ(flags_of(REF_FREE), 0);
	CHECK_EQ(d[0], rt_va_to_mfn(d));
	bool seen = true;
	for (unsigned int i = 8; i < 512; i++)
		seen &= d[i] == 0xb000 + i;
	CHECK(seen, "the grantee's writes are not in page D");
	/* In use: the revoke fails and changes nothing. */
	CHECK(!revoke(REF_RW), "revoked a grant mapped read-write");
	CHECK(!revoke(REF_RO), "revoked a grant mapped read-only");
	CHECK_EQ(flags_of(REF_RW), KEEL_GTF_permit_access | KEEL_GTF_reading |
				   KEEL_GTF_writing);
	d[1] = 0xa11ce;
	CHECK_EQ(rt_send(port), 0);			/* check my write */

	/* The grantee copied, then unmapped everything. */
	if (!step_wait(port, "unmapped"))
		return;
	CHECK_EQ(flags_of(REF_RW), KEEL_GTF_permit_access);
	CHECK_EQ(flags_of(REF_RO), KEEL_GTF_permit_access | KEEL_GTF_readonly);
	CHECK_EQ(flags_of(REF_SECOND), KEEL_GTF_permit_access |
				       KEEL_GTF_readonly);
	CHECK_EQ(flags_of(REF_COPY), KEEL_GTF_permit_access);
	unsigned int bad = 0;
	for (unsigned int i = 0; i < 4096; i++)
		bad += c[i] != page_c_final(i);
	CHECK(bad == 0, "page C: %u bytes differ after the grantee's copies",
	      bad);
	CHECK_EQ(r[1], 0x7001);		/* the read-only page is intact */
	/* Nobody uses it now: the revoke works. */
	CHECK(revoke(REF_RW), "could not revoke an unused grant");
	CHECK_EQ(flags_of(REF_RW), 0);
	CHECK_EQ(rt_send(port), 0);			/* revoked */

	/* The grantee mapped REF_COPY. Cheat: point the entry at X. A
	 * second mapping must still get C, the frame in use. */
	if (!step_wait(port, "mapped REF_COPY"))
		return;
	CHECK_EQ(flags_of(REF_COPY), KEEL_GTF_permit_access | KEEL_GTF_reading |
				     KEEL_GTF_writing);
	table[REF_COPY].frame = (uint32_t)x[0];
	CHECK_EQ(rt_send(port), 0);			/* entry changed */

	/* The grantee ends with REF_RO mapped. */
	if (!step_wait(port, "done"))
		return;
	CHECK_EQ(flags_of(REF_COPY), KEEL_GTF_permit_access);
	CHECK_EQ(flags_of(REF_RO), KEEL_GTF_permit_access | KEEL_GTF_readonly |
				   KEEL_GTF_reading);
	CHECK(!revoke(REF_RO), "revoked a grant mapped read-only");
	CHECK_EQ(rt_send(port), 0);			/* checked: go */
	/* Put our own pages back where the grant frames were. */
	for (int i = 0; i < 2; i++)
		CHECK_EQ(keel_hypercall_update_va_mapping(
				 (uint64_t)tv + i * 4096, tv_pte[i],
				 KEEL_UVMF_INVLPG), 0);
	printf("grants mapped, copied, revoked; exiting with REF_RO still "
	       "mapped by the peer\n");
}
