/* keel-test: group=grant cpus=2 timeout=120 args="peer=0" */
/*
 * Grant tables, the grantee side (grant_table_a.c is the granter).
 * Checks: map_grant_ref read-write at an unused VA gives the granted
 * frame, and data flows both ways through it; a read-only mapping reads
 * and faults on write; mapping a read-only grant writable, a grant to
 * another domain, a free entry, a revoked entry: -EPERM; bad refs,
 * flags, addresses, domains: -EINVAL/-EBUSY/-ESRCH; per-op status in a
 * batch; a grant mapping cannot be removed by update_va_mapping or
 * mmu_update; unmap takes the mapping away and refuses a stale handle;
 * grant copy of 4 KiB both ways and with offsets; copy errors (bounds,
 * read-only grant, a page table, a foreign frame by MFN); a second
 * mapping of a grant in use gets the frame in use even if the granter
 * changed the entry. Ends with a grant still mapped: domain teardown must
 * release it (the runner checks that no frame leaks).
 */
#include "grant_table_pair.h"

const char test_name[] = "grant_table_b";

static long map1(uint64_t va, keel_grant_ref_t ref, uint32_t flags,
		 uint16_t domid, struct keel_gnttab_map_grant_ref *out)
{
	struct keel_gnttab_map_grant_ref m = {
		.host_addr = va, .flags = flags, .ref = ref, .domid = domid,
		.status = 99,
	};
	long rc = gnttab(KEEL_GNTTABOP_map_grant_ref, &m, 1);

	CHECK_EQ(rc, 0);
	if (out)
		*out = m;
	return m.status;
}

static long unmap1(uint64_t va, uint32_t handle)
{
	struct keel_gnttab_unmap_grant_ref u = {
		.host_addr = va, .handle = handle, .status = 99,
	};

	CHECK_EQ(gnttab(KEEL_GNTTABOP_unmap_grant_ref, &u, 1), 0);
	return u.status;
}

static long copy1(uint64_t src, uint16_t src_dom, uint16_t src_off,
		  uint64_t dst, uint16_t dst_dom, uint16_t dst_off,
		  uint16_t len, uint16_t flags)
{
	struct keel_gnttab_copy c = {
		.source = { .u = src, .domid = src_dom, .offset = src_off },
		.dest = { .u = dst, .domid = dst_dom, .offset = dst_off },
		.len = len, .flags = flags, .status = 99,
	};

	CHECK_EQ(gnttab(KEEL_GNTTABOP_copy, &c, 1), 0);
	return c.status;
}

static void map_errors(uint16_t peer, struct free_va *spare)
{
	uint64_t va = (uint64_t)spare->va;

	/* Not allowed by the entry. */
	CHECK_EQ(map1(va, REF_RO, 0, peer, NULL), -KEEL_EPERM);
	CHECK_EQ(map1(va, REF_OTHER, 0, peer, NULL), -KEEL_EPERM);
	CHECK_EQ(map1(va, REF_OTHER, KEEL_GNTMAP_readonly, peer, NULL),
		 -KEEL_EPERM);
	CHECK_EQ(map1(va, REF_FREE, KEEL_GNTMAP_readonly, peer, NULL),
		 -KEEL_EPERM);
	/* No such entry, domain, flag. */
	CHECK_EQ(map1(va, REF_OUTSIDE, KEEL_GNTMAP_readonly, peer, NULL),
		 -KEEL_EINVAL);
	CHECK_EQ(map1(va, 0xffffffffu, KEEL_GNTMAP_readonly, peer, NULL),
		 -KEEL_EINVAL);
	CHECK_EQ(map1(va, REF_RW, KEEL_GNTMAP_readonly, 77, NULL),
		 -KEEL_ESRCH);
	CHECK_EQ(map1(va, REF_RW, 2, peer, NULL), -KEEL_EINVAL);
	/* Not from our own table (grant_self.c). */
	CHECK_EQ(map1(va, REF_RW, 0, KEEL_DOMID_SELF, NULL), -KEEL_EINVAL);
	CHECK_EQ(map1(va, REF_RW, 0, (uint16_t)rt_boot.domid, NULL),
		 -KEEL_EINVAL);
	/* Where it would go: unaligned, present, no L1, hypervisor,
	 * non-canonical. */
	CHECK_EQ(map1(va + 8, REF_RW, 0, peer, NULL), -KEEL_EINVAL);
	CHECK_EQ(map1((uint64_t)rt_alloc_pages(1), REF_RW, 0, peer, NULL),
		 -KEEL_EBUSY);
	CHECK(rt_pte_maddr(rt_boot.kernel_root_mfn, 0x40000000ULL, 1) == 0,
	      "1 GiB has an L1");
	CHECK_EQ(map1(0x40000000ULL, REF_RW, 0, peer, NULL), -KEEL_EINVAL);
	CHECK_EQ(map1(0xffff830000000000ULL, REF_RW, 0, peer, NULL),
		 -KEEL_EINVAL);
	CHECK_EQ(map1(0x0000800000000000ULL, REF_RW, 0, peer, NULL),
		 -KEEL_EINVAL);
	/* None of that left anything behind. */
	CHECK_EQ(rt_pte_read(rt_boot.kernel_root_mfn, va, 1), 0);

	/* A batch: each op has its own status. */
	struct keel_gnttab_map_grant_ref m[2] = {
		{ .host_addr = va, .ref = REF_FREE, .domid = peer,
		  .flags = KEEL_GNTMAP_readonly, .status = 99 },
		{ .host_addr = va, .ref = REF_RW, .domid = peer,
		  .flags = KEEL_GNTMAP_readonly, .status = 99 },
	};
	CHECK_EQ(gnttab(KEEL_GNTTABOP_map_grant_ref, m, 2), 0);
	CHECK_EQ(m[0].status, -KEEL_EPERM);
	CHECK_EQ(m[1].status, 0);
	if (!m[1].status) {
		CHECK_EQ(*(volatile uint64_t *)va, m[1].frame);
		/* A stale or wrong handle, a wrong address: refused. */
		CHECK_EQ(unmap1(va, m[1].handle + 1), -KEEL_EINVAL);
		CHECK_EQ(unmap1(va + 4096, m[1].handle), -KEEL_EINVAL);
		CHECK_EQ(unmap1(va, KEEL_GRANT_MAX_MAPPINGS), -KEEL_EINVAL);
		CHECK_EQ(unmap1(va, m[1].handle), 0);
		CHECK_EQ(unmap1(va, m[1].handle), -KEEL_EINVAL);
		CHECK(rt_read_faults((volatile uint64_t *)va, NULL),
		      "still readable after unmap");
	}
}

void test_main(void)
{
	uint16_t peer = (uint16_t)peer_domid();
	keel_port_t port;
	long rc = rt_bind_peer(peer, 10 * 1000000000ULL, &port);

	CHECK_EQ(rc, 0);
	if (rc)
		return;
	rt_mask(port);
	struct free_va v1 = va_take(), v2 = va_take(), v3 = va_take();
	struct free_va spare = va_take();
	uint64_t *own = rt_alloc_pages(1);
	uint8_t *local = rt_alloc_pages(1), *local2 = rt_alloc_pages(1);
	own[0] = 0x0123456789abcdefULL;
	if (!step_wait(port, "grants ready"))
		return;

	/* Read-write mapping of D. */
	struct keel_gnttab_map_grant_ref rw, ro, second;
	CHECK_EQ(map1((uint64_t)v1.va, REF_RW, 0, peer, &rw), 0);
	volatile uint64_t *d = v1.va;
	CHECK_EQ(d[0], rw.frame);		/* the granter wrote its MFN */
	CHECK_EQ(d[1], 0xd001);
	CHECK_EQ(d[511], 0xd000 + 511);
	for (unsigned int i = 8; i < 512; i++)
		d[i] = 0xb000 + i;
	uint64_t pte = rt_pte_read(rt_boot.kernel_root_mfn, (uint64_t)v1.va, 1);
	CHECK_EQ(pte & PTE_ADDR, rw.frame << 12);
	CHECK(pte & PTE_W, "read-write grant mapped without W: %#llx",
	      (unsigned long long)pte);
	/* Only unmap may take it away. */
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)v1.va, 0,
						  KEEL_UVMF_INVLPG),
		 -KEEL_EPERM);
	CHECK_EQ(rt_mmu_update1(rt_pte_maddr(rt_boot.kernel_root_mfn,
					     (uint64_t)v1.va, 1), 0),
		 -KEEL_EPERM);
	CHECK_EQ(map1((uint64_t)v1.va, REF_RW, 0, peer, NULL), -KEEL_EBUSY);

	/* Read-only: the read-only grant, and one in the second frame. */
	CHECK_EQ(map1((uint64_t)v2.va, REF_RO, KEEL_GNTMAP_readonly, peer, &ro),
		 0);
	volatile uint64_t *r = v2.va;
	uint64_t val = 0;
	CHECK(!rt_read_faults(r, &val), "read-only grant unreadable");
	CHECK_EQ(val, ro.frame);
	CHECK_EQ(r[1], 0x7001);
	CHECK(rt_write_faults(&r[1], 0x666), "read-only grant writable");
	CHECK_EQ(rt_last_trap.vector, 14);
	CHECK((rt_last_trap.error_code & 3) == 3,
	      "write fault error code %#llx", (unsigned long long)
	      rt_last_trap.error_code);
	CHECK_EQ(rt_last_trap.fault_address, (uint64_t)&r[1]);
	CHECK_EQ(r[1], 0x7001);
	CHECK_EQ(map1((uint64_t)v3.va, REF_SECOND, KEEL_GNTMAP_readonly, peer,
		      &second), 0);
	CHECK_EQ(*(volatile uint64_t *)v3.va, second.frame);

	map_errors(peer, &spare);
	CHECK_EQ(rt_send(port), 0);			/* mapped */

	/* The granter could not revoke, and wrote word 1. */
	if (!step_wait(port, "granter wrote"))
		return;
	CHECK_EQ(d[1], 0xa11ce);

	/* Grant copy: the whole page in, the whole page out, then with
	 * offsets; page C ends as page_c_final(). */
	uint64_t lm = rt_va_to_mfn(local), lm2 = rt_va_to_mfn(local2);
	CHECK_EQ(copy1(REF_COPY, peer, 0, lm2, KEEL_DOMID_SELF, 0, 4096,
		       KEEL_GNTCOPY_source_gref), 0);
	unsigned int bad = 0;
	for (unsigned int i = 0; i < 4096; i++)
		bad += local2[i] != pattern_a(i);
	CHECK(bad == 0, "copy in: %u bytes differ", bad);
	for (unsigned int i = 0; i < 4096; i++)
		local[i] = pattern_b(i);
	CHECK_EQ(copy1(lm, KEEL_DOMID_SELF, 0, REF_COPY, peer, 0, 4096,
		       KEEL_GNTCOPY_dest_gref), 0);
	CHECK_EQ(copy1(lm, KEEL_DOMID_SELF, 100, REF_COPY, peer, 3000, 1000,
		       KEEL_GNTCOPY_dest_gref), 0);
	memset(local2, 0xee, 4096);
	CHECK_EQ(copy1(REF_COPY, peer, 2000, lm2, KEEL_DOMID_SELF, 10, 2096,
		       KEEL_GNTCOPY_source_gref), 0);
	bad = 0;
	for (unsigned int i = 0; i < 4096; i++) {
		uint8_t want = i >= 10 && i < 2106 ? page_c_final(i - 10 + 2000)
						    : 0xee;
		bad += local2[i] != want;
	}
	CHECK(bad == 0, "copy out with offsets: %u bytes differ", bad);
	/* Grant to grant, through the mapped grant's other users. */
	CHECK_EQ(copy1(REF_RO, peer, 8, REF_COPY, peer, 4088, 8,
		       KEEL_GNTCOPY_source_gref | KEEL_GNTCOPY_dest_gref), 0);
	CHECK_EQ(copy1(lm, KEEL_DOMID_SELF, 4088, REF_COPY, peer, 4088, 8,
		       KEEL_GNTCOPY_dest_gref), 0);	/* put it back */
	/* Copy errors. */
	CHECK_EQ(copy1(REF_COPY, peer, 1, lm2, KEEL_DOMID_SELF, 0, 4096,
		       KEEL_GNTCOPY_source_gref), -KEEL_EINVAL);
	CHECK_EQ(copy1(REF_COPY, peer, 0, lm2, KEEL_DOMID_SELF, 4095, 2,
		       KEEL_GNTCOPY_source_gref), -KEEL_EINVAL);
	CHECK_EQ(copy1(lm, KEEL_DOMID_SELF, 0, REF_RO, peer, 0, 8,
		       KEEL_GNTCOPY_dest_gref), -KEEL_EPERM);
	CHECK_EQ(copy1(REF_FREE, peer, 0, lm2, KEEL_DOMID_SELF, 0, 8,
		       KEEL_GNTCOPY_source_gref), -KEEL_EPERM);
	CHECK_EQ(copy1(REF_OTHER, peer, 0, lm2, KEEL_DOMID_SELF, 0, 8,
		       KEEL_GNTCOPY_source_gref), -KEEL_EPERM);
	CHECK_EQ(copy1(1ULL << 32 | REF_COPY, peer, 0, lm2, KEEL_DOMID_SELF,
		       0, 8, KEEL_GNTCOPY_source_gref), -KEEL_EINVAL);
	CHECK_EQ(copy1(REF_COPY, peer, 0, lm2, KEEL_DOMID_SELF, 0, 8,
		       KEEL_GNTCOPY_source_gref | 4), -KEEL_EINVAL);
	/* Our own frames only by MFN: not a page table, not the peer's. */
	CHECK_EQ(copy1(lm, KEEL_DOMID_SELF, 0, rt_boot.kernel_root_mfn,
		       KEEL_DOMID_SELF, 0, 8, 0), -KEEL_EBUSY);
	CHECK_EQ(copy1(rw.frame, KEEL_DOMID_SELF, 0, lm2, KEEL_DOMID_SELF, 0,
		       8, 0), -KEEL_EPERM);
	CHECK_EQ(copy1(lm, peer, 0, lm2, KEEL_DOMID_SELF, 0, 8, 0),
		 -KEEL_EPERM);
	/* Own to own is fine. */
	CHECK_EQ(copy1(lm, KEEL_DOMID_SELF, 16, lm2, KEEL_DOMID_SELF, 0, 8, 0),
		 0);
	CHECK_EQ(local2[0], pattern_b(16));
	/* A grant that is mapped can be copied from as well. */
	CHECK_EQ(copy1(REF_RW, peer, 0, lm2, KEEL_DOMID_SELF, 0, 8,
		       KEEL_GNTCOPY_source_gref), 0);
	CHECK_EQ(*(uint64_t *)local2, rw.frame);

	/* Unmap all three; the addresses fault, and get our pages back. */
	CHECK_EQ(unmap1((uint64_t)v1.va, rw.handle), 0);
	CHECK_EQ(unmap1((uint64_t)v2.va, ro.handle), 0);
	CHECK_EQ(unmap1((uint64_t)v3.va, second.handle), 0);
	CHECK(rt_read_faults(d, NULL), "read-write grant still mapped");
	CHECK(rt_read_faults(r, NULL), "read-only grant still mapped");
	CHECK_EQ(rt_pte_read(rt_boot.kernel_root_mfn, (uint64_t)v1.va, 1), 0);
	va_restore(&v1);
	CHECK_EQ(d[0], 0);			/* our own, zeroed page again */
	CHECK_EQ(own[0], 0x0123456789abcdefULL);
	CHECK_EQ(rt_send(port), 0);			/* unmapped */

	/* Revoked: no new mapping. */
	if (!step_wait(port, "revoked"))
		return;
	CHECK_EQ(map1((uint64_t)v2.va, REF_RW, KEEL_GNTMAP_readonly, peer,
		      NULL), -KEEL_EPERM);
	struct keel_gnttab_map_grant_ref c1, c2, c3;
	CHECK_EQ(map1((uint64_t)v2.va, REF_COPY, 0, peer, &c1), 0);
	CHECK_EQ(rt_send(port), 0);			/* mapped REF_COPY */

	/* The granter pointed REF_COPY at another frame: while in use, a
	 * second mapping still gets the first. */
	if (!step_wait(port, "entry changed"))
		return;
	CHECK_EQ(map1((uint64_t)v3.va, REF_COPY, KEEL_GNTMAP_readonly, peer,
		      &c2), 0);
	CHECK_EQ(c2.frame, c1.frame);
	CHECK_EQ(*(volatile uint8_t *)v3.va, page_c_final(0));
	CHECK_EQ(unmap1((uint64_t)v2.va, c1.handle), 0);
	CHECK_EQ(unmap1((uint64_t)v3.va, c2.handle), 0);
	/* Unused again: now the entry's frame counts. */
	CHECK_EQ(map1((uint64_t)v3.va, REF_COPY, KEEL_GNTMAP_readonly, peer,
		      &c3), 0);
	CHECK(c3.frame != c1.frame, "still the old frame");
	CHECK_EQ(*(volatile uint64_t *)v3.va, c3.frame);	/* X's word 0 */
	CHECK_EQ(unmap1((uint64_t)v3.va, c3.handle), 0);

	/* Leave REF_RO mapped: teardown's job. */
	CHECK_EQ(map1((uint64_t)v2.va, REF_RO, KEEL_GNTMAP_readonly, peer, &ro),
		 0);
	va_restore(&v3);
	va_restore(&spare);
	CHECK_EQ(rt_send(port), 0);			/* done */
	/* Stay (with REF_RO mapped) until the granter has seen it in use:
	 * once we exit, teardown unmaps it. */
	step_wait(port, "checked REF_RO");
	printf("mapped, copied and unmapped; exiting with REF_RO mapped\n");
}
