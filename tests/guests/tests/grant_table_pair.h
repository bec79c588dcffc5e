/*
 * Shared by grant_table_a (the granter, domain 0) and grant_table_b (the
 * grantee, domain 1); not a test by itself.
 *
 * The two step in lockstep over one interdomain event channel: one side
 * acts and sends, the other waits, acts and answers. The grant
 * references below are fixed, so no data needs to travel with a step.
 */
#include "keeltest.h"

#define PTE_P  1ULL
#define PTE_W  2ULL
#define PTE_U  4ULL
#define PTE_NX (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

#define REF_RW      1	/* page D, read-write, to the peer */
#define REF_RO      2	/* page R, read-only, to the peer */
#define REF_COPY    3	/* page C, read-write, to the peer (copies) */
#define REF_OTHER   4	/* page D, to a domain that is not the peer */
#define REF_FREE    5	/* never granted */
#define REF_SECOND  600	/* page E, read-only, in the second grant frame */
#define REF_OUTSIDE 1024	/* past the end of a two-frame table */

#define GNT_FLAGS_MASK (KEEL_GTF_reading | KEEL_GTF_writing)
#define STEP_TIMEOUT_NS (20 * 1000000000ULL)

/* Page C's bytes as the granter fills it, and the grantee's own pattern. */
static inline uint8_t pattern_a(unsigned int i)
{
	return (uint8_t)(i * 7 + 3);
}

static inline uint8_t pattern_b(unsigned int i)
{
	return (uint8_t)((i * 13 + 5) ^ 0x5a);
}

/* What page C holds after the grantee's copies (grant_table_b.c): its
 * whole pattern, then 1000 bytes from offset 100 of it at 3000. */
static inline uint8_t page_c_final(unsigned int i)
{
	return i >= 3000 && i < 4000 ? pattern_b(i - 3000 + 100) : pattern_b(i);
}

static unsigned int peer_domid(void)
{
	const char *p = rt_cmdline_value("peer");

	return p ? (unsigned int)(p[0] - '0') : 0;
}

/* Wait for the peer's next step; false (and a failure) on a timeout. */
static bool step_wait(keel_port_t port, const char *what)
{
	bool ok = rt_wait_port(port, rt_now_ns() + STEP_TIMEOUT_NS);

	CHECK(ok, "the peer never signalled: %s", what);
	return ok;
}

static long gnttab(unsigned int cmd, void *ops, unsigned long count)
{
	return keel_hypercall_grant_table_op(cmd, (unsigned long)ops, count);
}

/* A page of our own memory whose kernel mapping is taken away, so that
 * its VA has an L1 slot that is empty; put back with va_restore(). */
struct free_va {
	void *va;
	uint64_t pte;
};

__attribute__((unused)) static struct free_va va_take(void)
{
	struct free_va f = { .va = rt_alloc_pages(1) };

	f.pte = rt_pte_read(rt_boot.kernel_root_mfn, (uint64_t)f.va, 1);
	CHECK(f.pte & PTE_P, "free page %p not mapped", f.va);
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)f.va, 0,
						  KEEL_UVMF_INVLPG), 0);
	return f;
}

__attribute__((unused)) static void va_restore(struct free_va *f)
{
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)f->va, f->pte,
						  KEEL_UVMF_INVLPG), 0);
}
