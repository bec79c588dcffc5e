/*
 * The hostile-guest suite: what an attack and the victim share.
 *
 * Every attack boots with a second domain, the victim
 * (hostile/victim/victim.c). The attacker is domain 0 and the victim
 * domain 1; each gets the other's id as "peer=N" on its command line.
 *
 * The victim fills a canary page with a known pattern, keeps a counter
 * running in a status page, and grants the attacker read-only access to
 * both (grant references below). It offers two event channels to the
 * attacker: the control channel (both directions: "ready", acks, and the
 * attacker's "done") and the request channel (attacker to victim: "revoke
 * the revocable grant now"). When the attacker says done, the victim
 * checks that its canary, its grant entries, its page-table root and its
 * reservation are as it left them and that its counter kept advancing
 * during the attack, and reports its own RESULT line, which the runner
 * counts as part of the attack.
 *
 * An attack file defines test_name and attack(); the library
 * (hostile.c) provides test_main(): the handshake with the victim, the
 * attack, then the check that the victim still runs and the "done".
 */
#ifndef HOSTILE_H
#define HOSTILE_H

#include "keeltest.h"

/* Grant references in the victim's table. */
#define HOSTILE_GREF_CANARY     0	/* the canary page, read-only */
#define HOSTILE_GREF_STATUS     1	/* the status page, read-only */
#define HOSTILE_GREF_REVOCABLE  2	/* revoked on request */
#define HOSTILE_GREF_FREE       3	/* never granted */
#define HOSTILE_GREF_OTHER      4	/* granted to another domain id */
#define HOSTILE_NR_GREFS        5
#define HOSTILE_OTHER_DOMID     1000	/* no such domain */

#define HOSTILE_STATUS_MAGIC    0x76696374696d2121ULL
#define HOSTILE_REVOCABLE_WORD  0x7265766f6b61626cULL

/* Word @i of the victim's canary page. */
static inline uint64_t hostile_canary_word(unsigned int i)
{
	return 0x5a17c0de00000000ULL ^ ((uint64_t)i * 0x9e3779b97f4a7c15ULL);
}

/* The victim's status page (grant HOSTILE_GREF_STATUS). */
struct hostile_status {
	uint64_t magic;
	uint64_t counter;		/* advances while the victim runs */
	uint64_t revokes;		/* revoke requests served */
	int64_t revoke_result;		/* last one: 0 or -KEEL_EBUSY */
};

/* Page-table entry bits, for building entries by hand. */
#define PTE_P    (1ULL << 0)
#define PTE_W    (1ULL << 1)
#define PTE_U    (1ULL << 2)
#define PTE_A    (1ULL << 5)
#define PTE_D    (1ULL << 6)
#define PTE_PS   (1ULL << 7)
#define PTE_G    (1ULL << 8)
#define PTE_NX   (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

/* #PF error code bits. */
#define PF_PRESENT 1u
#define PF_WRITE   2u
#define PF_USER    4u

/* Addresses no hypercall may take as a guest pointer. */
#define HOSTILE_DIRECTMAP  0xffff830000000000ULL	/* Keel's direct map */
#define HOSTILE_IMAGE      0xffff82d080000000ULL	/* Keel's image */
#define HOSTILE_IMAGE_TEXT 0xffff82d080200000ULL	/* its first page */
#define HOSTILE_NONCANON   0x8000000000000000ULL
#define HOSTILE_M2P        0xffff800000000000ULL	/* read-only window */

struct hostile_bad_ptr {
	const char *what;
	uint64_t p;
};
/* NULL, the direct map, the image, non-canonical, the M2P window. */
extern const struct hostile_bad_ptr hostile_bad_ptrs[5];
#define HOSTILE_NR_BAD_PTRS 5

/* Each attack file defines this. */
void attack(void);

/* The victim's domain id. */
extern unsigned int hostile_victim;

/* --- talking to the victim --- */
/* Read the victim's status page (a grant copy). */
void hostile_read_status(struct hostile_status *out);
/* Ask the victim to revoke HOSTILE_GREF_REVOCABLE; returns the result of
 * its compare-exchange (0, or -KEEL_EBUSY while the grant is in use), or
 * 1 if it never answered. */
long hostile_request_revoke(void);
/* Check the victim still runs and tell it the attack is over. The
 * library does this after attack() unless the attack did it itself. */
void hostile_done(void);
/* After hostile_done(): wait until the victim's domain is gone (our end
 * of the control channel falls back to unbound). */
bool hostile_wait_victim_gone(uint64_t timeout_ns);

/* --- memory helpers --- */
/* The MFN of the victim's canary page, learned from a read-only grant
 * map (unmapped again). 0 on failure. */
uint64_t hostile_canary_mfn(void);
/* A page-aligned kernel address whose L1 exists and whose entry is not
 * present (one of our free pages, unmapped). */
void *hostile_hole(void);
/* Map our page @va writable again (after it stopped being a table). */
void hostile_make_writable(void *va);
/* Our L1 entry for @va (kernel root), and its machine address. */
uint64_t hostile_pte(const void *va);
uint64_t hostile_pte_maddr(const void *va);
/* Our first grant-table frame (set up if need be): its MFN. */
uint64_t hostile_grant_frame(void);
/* That frame mapped writable at a fresh hole, as our grant entries. */
struct keel_grant_entry *hostile_map_grant_frame(void);
/* Remap our page @va read-only (so that a write-back there faults). */
void hostile_make_readonly(void *va);
/* Page tables of our own under the 1 GiB-aligned address @va: a fresh
 * L2 whose entry 0 links a fresh L1 (both remapped read-only for us),
 * the L2 linked into our L3 slot for @va, which must have been empty. */
#define HOSTILE_LINK (PTE_P | PTE_W | PTE_U)
struct hostile_tables {
	uint64_t *l1, *l2;
	uint64_t l1_mfn, l2_mfn;
	uint64_t l3_slot;	/* machine address of our L3 entry for @va */
};
struct hostile_tables hostile_link_tables(uint64_t va);
/* A scratch page of ours and its MFN (grant-copy target). */
extern uint64_t *hostile_scratch;
extern uint64_t hostile_scratch_mfn;

/* --- hypercall shorthands --- */
long hostile_gnttab(unsigned int cmd, void *ops, unsigned int count);
/* One decrease_reservation of @mfn: the call's result. */
long hostile_decrease(uint64_t mfn);
/* A read-only grant map of the victim's @ref at @va: status, handle. */
int32_t hostile_map_grant(uint32_t ref, uint16_t domid, uint64_t va,
			  uint32_t flags, uint32_t *handle, uint64_t *frame);
int32_t hostile_unmap_grant(uint64_t va, uint32_t handle);

/* Assert that the last rt_*_faults() probe trapped with @vector (and,
 * for a #PF, the error code @err at address @addr). */
#define CHECK_PF(addr, err)                                               \
	do {                                                              \
		CHECK_EQ(rt_last_trap.vector, 14);                        \
		CHECK_EQ(rt_last_trap.error_code, (err));                 \
		CHECK_EQ(rt_last_trap.fault_address, (uint64_t)(addr));   \
	} while (0)

#endif
