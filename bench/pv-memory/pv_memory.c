/*
 * PV-memory benchmark guest (ABI 1.1 direct paging), run by
 * bench/pv-memory/run.py together with pv_memory_peer (domain 1, the
 * granter). Prints "BENCH <name> <cycles> cycles/op" lines.
 *
 * Every figure is the mean cost of one operation over a loop (as in
 * bench/pv-core), and the minimum of that mean over ROUNDS rounds, so a
 * timer tick that lands in one round does not count. Under QEMU's
 * -icount shift=0, rdtsc counts executed instructions: the figures say
 * how much code runs, not how caches and TLBs would behave on hardware.
 *
 * The figures ("op" is what one figure divides by):
 *
 *   null_hypercall_roundtrip   version(): the baseline of the MMU figures.
 *
 *   pte_update_batched         one PTE update, done as one of 512 requests
 *                              of a single mmu_update call;
 *   pte_update_single          the same updates, one mmu_update call each.
 *       The 512 entries are those of one scratch L1 (pinned, and linked
 *       into the kernel page tables); each pass remaps all 512 between
 *       two data frames A and B, writable (so each update takes a
 *       reference and the writable type on the new frame and drops them
 *       on the old one). Keel drops them only after a TLB flush: one per
 *       32 updates within a call (MMU_BATCH_PUTS in pv/mmu.c), and one at
 *       the end of each call, so a single update pays a whole flush.
 *
 *   pin_unpin_l1_full          MMUEXT_PIN_L1_TABLE + MMUEXT_UNPIN_TABLE,
 *                              two mmuext_op calls, of an L1 whose 512
 *                              entries all map frame A writable (pinning
 *                              validates them, unpinning drops them);
 *   pin_unpin_l1_empty         the same with an L1 of 512 empty entries.
 *
 *   memcpy_4k                  memcpy() of 4 KiB inside the guest: the
 *                              baseline of the grant figures. The guest's
 *                              memcpy and Keel's memmove are the same
 *                              byte loop (hypervisor/common/string.c).
 *   grant_map_unmap            GNTTABOP_map_grant_ref of a 4 KiB page
 *                              (read-only) + GNTTABOP_unmap_grant_ref,
 *                              two grant_table_op calls;
 *   grant_map_copy_unmap       the same with a memcpy() of the 4 KiB out
 *                              of the mapping in between: what copying a
 *                              page through a mapping costs;
 *   grant_copy_4k              GNTTABOP_copy of 4 KiB from the grant into
 *                              one of the caller's frames, one call.
 *       Those three use a grant of domain 1 (pv_memory_peer) to us. (A
 *       domain may not map its own grants, so there is no self-grant
 *       variant.)
 */
#include "keeltest.h"

const char test_name[] = "pv_memory";

#define ROUNDS      5
#define NULL_REPS   20000	/* version() calls per round */
#define PTE_PASSES  16		/* passes over the 512 entries per round */
#define PIN_REPS    200		/* pin + unpin pairs per round */
#define GRANT_REPS  500		/* grant operations per round */
#define COPY_REPS   500		/* memcpy() calls per round */

#define PTE_P     1ULL
#define PTE_W     2ULL
#define ADDR_MASK 0x000ffffffffff000ULL
#define L2_SPAN   (2ULL << 20)

#define PEER_DOMID 1		/* pv_memory_peer, the second module */
#define PEER_GREF  0		/* the grant it makes us */

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* Set when an operation inside a timed loop fails; checked after it. */
static unsigned int loop_errors;

/*
 * Time @fn(@reps) ROUNDS times; print and return the least per-op mean,
 * where one call of @fn does @reps * @ops_per_rep operations.
 */
static uint64_t measure(const char *name, void (*fn)(unsigned int reps),
			unsigned int reps, unsigned int ops_per_rep)
{
	uint64_t best = ~0ULL;

	for (unsigned int r = 0; r < ROUNDS; r++) {
		uint64_t t0 = rdtsc();

		fn(reps);
		uint64_t per_op = (rdtsc() - t0) / ((uint64_t)reps * ops_per_rep);
		if (per_op < best)
			best = per_op;
	}
	CHECK(loop_errors == 0, "%s: %u failed operations", name, loop_errors);
	printf("BENCH %s %llu cycles/op\n", name, (unsigned long long)best);
	return best;
}

/* Flags of a writable kernel data mapping, as the boot tables make them. */
static uint64_t data_flags;

static uint64_t *alloc_page_mfn(uint64_t *mfn)
{
	uint64_t *p = rt_alloc_pages(1);

	*mfn = rt_va_to_mfn(p);
	return p;
}

/* Make the kernel mapping of @p read-only (before it becomes a table). */
static void map_readonly(void *p)
{
	uint64_t pte = rt_pte_read(rt_boot.kernel_root_mfn, (uint64_t)p, 1);

	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)p, pte & ~PTE_W,
						  KEEL_UVMF_INVLPG), 0);
}

/* ---- null hypercall ---- */

static void null_loop(unsigned int reps)
{
	for (unsigned int i = 0; i < reps; i++)
		keel_hypercall_version(KEEL_VERSION_ABI, 0);
}

/* ---- PTE updates ---- */

/* reqs[0]: every entry of the scratch L1 -> frame B; reqs[1]: -> A. */
static struct keel_mmu_update reqs[2][512];

static void pte_batched_loop(unsigned int passes)
{
	for (unsigned int p = 0; p < passes; p++)
		if (keel_hypercall_mmu_update((unsigned long)reqs[p & 1], 512, 0,
					      KEEL_DOMID_SELF))
			loop_errors++;
}

static void pte_single_loop(unsigned int passes)
{
	for (unsigned int p = 0; p < passes; p++)
		for (unsigned int i = 0; i < 512; i++)
			if (keel_hypercall_mmu_update(
				    (unsigned long)&reqs[p & 1][i], 1, 0,
				    KEEL_DOMID_SELF))
				loop_errors++;
}

/* An empty L2 slot to link a scratch L1 into: past the end of guest
 * memory, under an L2 that exists. Its virtual address, or 0. */
static uint64_t free_l2_slot(uint64_t *slot_maddr)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;
	uint64_t va = (rt_boot.virt_base + rt_boot.nr_pages * 4096 + L2_SPAN - 1) &
		      ~(L2_SPAN - 1);

	for (unsigned int i = 0; i < 64; i++, va += L2_SPAN) {
		uint64_t ma = rt_pte_maddr(kroot, va, 2);

		if (ma && !(rt_pte_read(kroot, va, 2) & PTE_P)) {
			*slot_maddr = ma;
			return va;
		}
	}
	return 0;
}

static void bench_pte_updates(uint64_t a_mfn, uint64_t *a, uint64_t b_mfn,
			      uint64_t *b)
{
	uint64_t l1_mfn, l2_slot;
	uint64_t *l1 = alloc_page_mfn(&l1_mfn);

	for (unsigned int i = 0; i < 512; i++) {
		l1[i] = (a_mfn << 12) | data_flags;
		reqs[0][i] = (struct keel_mmu_update){
			.ptr = ((l1_mfn << 12) + i * 8) |
			       KEEL_MMU_NORMAL_PT_UPDATE,
			.val = (b_mfn << 12) | data_flags,
		};
		reqs[1][i] = (struct keel_mmu_update){
			.ptr = reqs[0][i].ptr,
			.val = (a_mfn << 12) | data_flags,
		};
	}
	map_readonly(l1);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, l1_mfn, 0), 0);
	uint64_t window = free_l2_slot(&l2_slot);
	CHECK(window != 0, "no free L2 slot for the scratch L1");
	if (!window)
		return;
	CHECK_EQ(rt_mmu_update1(l2_slot, (l1_mfn << 12) |
				(rt_pte_read(rt_boot.kernel_root_mfn,
					     rt_boot.virt_base, 2) & ~ADDR_MASK)),
		 0);
	volatile uint64_t *last = (volatile uint64_t *)(window + 511 * 4096);
	CHECK_EQ(*last, a[0]);

	/* Every pass changes all 512 entries: the loops start on frame A
	 * and, doing an even number of passes, end on it. */
	measure("pte_update_batched", pte_batched_loop, PTE_PASSES, 512);
	CHECK_EQ(*last, a[0]);
	measure("pte_update_single", pte_single_loop, PTE_PASSES, 512);
	CHECK_EQ(*last, a[0]);
	/* And the updates took: a batched pass moves every entry to B,
	 * single updates move them back to A. */
	pte_batched_loop(1);
	for (unsigned int i = 0; i < 512; i++)
		CHECK_EQ(*(volatile uint64_t *)(window + i * 4096), b[0]);
	for (unsigned int i = 0; i < 512; i++)
		CHECK_EQ(keel_hypercall_mmu_update((unsigned long)&reqs[1][i], 1,
						   0, KEEL_DOMID_SELF), 0);
	for (unsigned int i = 0; i < 512; i++)
		CHECK_EQ(*(volatile uint64_t *)(window + i * 4096), a[0]);

	/* Unlink and unpin, so the frame could be used again. */
	CHECK_EQ(rt_mmu_update1(l2_slot, 0), 0);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, l1_mfn, 0), 0);
}

/* ---- pin + unpin ---- */

static uint64_t pin_mfn;

static void pin_loop(unsigned int reps)
{
	for (unsigned int i = 0; i < reps; i++) {
		if (rt_mmuext1(KEEL_MMUEXT_PIN_L1_TABLE, pin_mfn, 0))
			loop_errors++;
		if (rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, pin_mfn, 0))
			loop_errors++;
	}
}

static void bench_pins(uint64_t a_mfn)
{
	uint64_t full_mfn, empty_mfn;
	uint64_t *full = alloc_page_mfn(&full_mfn);

	alloc_page_mfn(&empty_mfn);	/* zeroed: 512 empty entries */
	for (unsigned int i = 0; i < 512; i++)
		full[i] = (a_mfn << 12) | data_flags;
	map_readonly(full);
	map_readonly(rt_mfn_to_va(empty_mfn));

	pin_mfn = full_mfn;
	measure("pin_unpin_l1_full", pin_loop, PIN_REPS, 1);
	pin_mfn = empty_mfn;
	measure("pin_unpin_l1_empty", pin_loop, PIN_REPS, 1);
}

/* ---- grants ---- */

static uint8_t *src_page, *dst_page, *map_va;
static uint64_t dst_mfn;
static uint16_t grant_domid;
static keel_grant_ref_t grant_ref;

static void memcpy_loop(unsigned int reps)
{
	for (unsigned int i = 0; i < reps; i++) {
		memcpy(dst_page, src_page, 4096);
		rt_barrier();
	}
}

static void grant_map_unmap_loop_copy(unsigned int reps, bool copy)
{
	for (unsigned int i = 0; i < reps; i++) {
		struct keel_gnttab_map_grant_ref m = {
			.host_addr = (uint64_t)map_va,
			.flags = KEEL_GNTMAP_readonly,
			.ref = grant_ref,
			.domid = grant_domid,
		};

		if (keel_hypercall_grant_table_op(KEEL_GNTTABOP_map_grant_ref,
						  (unsigned long)&m, 1) ||
		    m.status) {
			loop_errors++;
			continue;
		}
		if (copy) {
			memcpy(dst_page, map_va, 4096);
			rt_barrier();
		}
		struct keel_gnttab_unmap_grant_ref u = {
			.host_addr = (uint64_t)map_va,
			.handle = m.handle,
		};
		if (keel_hypercall_grant_table_op(KEEL_GNTTABOP_unmap_grant_ref,
						  (unsigned long)&u, 1) ||
		    u.status)
			loop_errors++;
	}
}

static void grant_map_unmap_loop(unsigned int reps)
{
	grant_map_unmap_loop_copy(reps, false);
}

static void grant_map_copy_unmap_loop(unsigned int reps)
{
	grant_map_unmap_loop_copy(reps, true);
}

static void grant_copy_loop(unsigned int reps)
{
	for (unsigned int i = 0; i < reps; i++) {
		struct keel_gnttab_copy c = {
			.source = { .u = grant_ref, .domid = grant_domid },
			.dest = { .u = dst_mfn, .domid = KEEL_DOMID_SELF },
			.len = 4096,
			.flags = KEEL_GNTCOPY_source_gref,
		};

		if (keel_hypercall_grant_table_op(KEEL_GNTTABOP_copy,
						  (unsigned long)&c, 1) ||
		    c.status)
			loop_errors++;
	}
}

/* The grant's page must hold @pattern(i) = i * 7 + seed at byte i. */
static bool dst_holds(uint8_t seed)
{
	for (unsigned int i = 0; i < 4096; i++)
		if (dst_page[i] != (uint8_t)(i * 7 + seed))
			return false;
	return true;
}

/* Map, copy through the mapping, and grant-copy the grant @ref of
 * @domid; @suffix names the figures. */
static void bench_grant(uint16_t domid, keel_grant_ref_t ref, uint8_t seed,
			const char *suffix)
{
	char name[48];
	struct { const char *what; void (*fn)(unsigned int); } runs[] = {
		{ "grant_map_unmap", grant_map_unmap_loop },
		{ "grant_map_copy_unmap", grant_map_copy_unmap_loop },
		{ "grant_copy_4k", grant_copy_loop },
	};

	grant_domid = domid;
	grant_ref = ref;
	for (unsigned int i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		unsigned int n = 0;

		for (const char *s = runs[i].what; *s; s++)
			name[n++] = *s;
		for (const char *s = suffix; *s; s++)
			name[n++] = *s;
		name[n] = '\0';
		memset(dst_page, 0, 4096);
		measure(name, runs[i].fn, GRANT_REPS, 1);
		if (runs[i].fn != grant_map_unmap_loop)
			CHECK(dst_holds(seed), "%s copied the wrong bytes", name);
	}
}

/* The source page of memcpy_4k, filled like the peer's granted page. */
static void fill_source_page(uint8_t seed)
{
	uint64_t page_mfn;
	uint8_t *page = (uint8_t *)alloc_page_mfn(&page_mfn);

	for (unsigned int i = 0; i < 4096; i++)
		page[i] = (uint8_t)(i * 7 + seed);
	src_page = page;
}

static bool wait_port(keel_port_t port, uint64_t ns)
{
	return rt_wait_port(port, rt_now_ns() + ns);
}

void test_main(void)
{
	/* Offer the peer an event channel; it grants us a page, then says
	 * so. Wait for that before measuring, so that its set-up does not
	 * run beside ours. */
	struct keel_evtchn_alloc_unbound ev = { .dom = KEEL_DOMID_SELF,
						.remote_dom = PEER_DOMID };
	CHECK_EQ(rt_evtchn_op(KEEL_EVTCHNOP_alloc_unbound, &ev), 0);
	rt_mask(ev.port);
	bool peer = wait_port(ev.port, 60000000000ULL);
	CHECK(peer, "the peer never granted its page");

	uint64_t a_mfn, b_mfn;
	uint64_t *a = alloc_page_mfn(&a_mfn), *b = alloc_page_mfn(&b_mfn);
	a[0] = 0xaaaa;
	b[0] = 0xbbbb;
	data_flags = rt_pte_read(rt_boot.kernel_root_mfn, (uint64_t)a, 1) &
		     ~ADDR_MASK;
	CHECK(data_flags & PTE_W, "data pages are not mapped writable");

	measure("null_hypercall_roundtrip", null_loop, NULL_REPS, 1);
	bench_pte_updates(a_mfn, a, b_mfn, b);
	bench_pins(a_mfn);

	dst_page = (uint8_t *)alloc_page_mfn(&dst_mfn);
	map_va = rt_alloc_pages(1);
	/* map_grant_ref wants an empty entry under an existing L1. */
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)map_va, 0,
						  KEEL_UVMF_INVLPG), 0);
	fill_source_page(0x11);
	measure("memcpy_4k", memcpy_loop, COPY_REPS, 1);
	CHECK(dst_holds(0x11), "memcpy copied the wrong bytes");
	if (peer)
		bench_grant(PEER_DOMID, PEER_GREF, 0x5a, "");

	/* Tell the peer we are done with its grant. */
	rt_send(ev.port);
}
