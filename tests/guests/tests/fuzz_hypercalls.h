/*
 * The hypercall fuzzer (not a test by itself: fuzz_hypercalls.c and
 * fuzz_hypercalls_control.c are). It makes `iterations` hypercalls (guest
 * command line, default 100000) with random numbers and structured-random
 * arguments, from a seed on the command line, and prints the seed first so
 * any failure can be replayed. The hypervisor must answer every call;
 * the runner then checks that it survived and that no frame leaked.
 *
 * Calls that would end or derail the fuzzer itself are steered: shutdown,
 * iret, block, taking vCPU 0 down and destroying or pausing the other
 * fuzzer's domain are left out, trap-table and callback calls only get bad
 * pointers, and what the runtime depends on (segment bases, FPU TS, the
 * timer port) is put back after each call.
 *
 * The memory calls (16-21: mmu_update, mmuext_op, update_va_mapping,
 * memory_op, grant_table_op, multicall) get structures built for them
 * (see "ABI 1.1" below), batches of them in multicalls, and pointers into
 * the fuzzer's own memory, its page-table frames, the M2P, the
 * hypervisor's range, unmapped and non-canonical addresses; MFNs of its
 * own frames, its page tables, its grant frame, other domains' and
 * nobody's; grants between the two fuzzer domains (and each to itself).
 * What keeps the fuzzer alive: it only rewrites the L1 entries of a few
 * scratch pages (the victims) and some empty upper-level entries (the
 * playground) with values of its choice; the entries that map its image,
 * stack, tables or buffers only get values Keel must refuse, or their
 * own value back; its image frames are only ever mapped, granted or
 * copied to read-only; the kernel root only ever changes to itself; and
 * Keel never reads a command (a batch entry) that the fuzzer did not
 * build, except from memory it cannot read or from the page tables.
 * Counts longer than what was built put the batch before an unmapped
 * page (see batch_alloc()).
 *
 * At the end it prints, per memory call, how many calls succeeded, and
 * for grant ops how many ops did.
 */
#include "keeltest.h"

static uint64_t rng_state;
/* Command-line switches to narrow a failure down: skip=MASK leaves out
 * hypercall 16 + n for each bit n of MASK (at the top level), noself=1
 * grants nothing to the fuzzer's own domain, trace=N prints every call
 * from the Nth on. */
static uint64_t skip_mask, no_self_grants, trace_from;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t parse_u64(const char *s, uint64_t dflt)
{
	uint64_t v = 0;

	if (!s || *s < '0' || *s > '9')
		return dflt;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (uint64_t)(*s++ - '0');
	return v;
}

/* Valid pointers go here or into the guest's free memory, never into the
 * fuzzer's own image: the hypervisor writes real results through them.
 * The third page is slack for structures that straddle the second's end. */
static uint8_t scratch[3 * 4096] __attribute__((aligned(4096)));

/* An argument: sometimes a number, sometimes an address of some kind. */
static uint64_t random_arg(void)
{
	switch (rnd() % 12) {
	case 0: return 0;
	case 1: return rnd() % 16;
	case 2: return rnd() % 5000;
	case 3: return rnd();
	case 4: return (uint64_t)scratch + rnd() % 8192;
	case 5: return (uint64_t)scratch + 8192 - rnd() % 64;
	case 6: return 0xffff800000000000ULL + (rnd() % 0x80000000000ULL);
	case 7: return 0x0000800000000000ULL - rnd() % 64;
	case 8: return 0x8000000000000000ULL | rnd();
	case 9: return rt_boot.virt_base + rt_boot.nr_pages * 4096 + rnd() % 8192;
	case 10: return rt_boot.free_vaddr +
			rnd() % (rt_boot.free_end - rt_boot.free_vaddr - 4096);
	default: return ~0ULL - rnd() % 4096;
	}
}

static uint64_t bad_pointer(void)
{
	static const uint64_t bad[] = {
		0xffff82d080200000ULL, 0xffff830000000000ULL,
		0x0000800000000000ULL, 0x8000000000000000ULL, 0x10000000ULL,
	};
	return bad[rnd() % 5];
}

/* ---- ABI 1.1: structured arguments for the memory calls (16-21) ---- */

#define PTE_P    1ULL
#define PTE_W    2ULL
#define PTE_U    4ULL
#define PTE_NX   (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

#define NR_VICTIMS   16	/* free pages whose L1 entries are the fuzzer's */
#define NR_POOL      64	/* frames it may do anything with */
#define NR_TABLES    32	/* its boot page tables below the roots */
#define NR_IMAGE     48	/* (va, pte) of pages it must keep as they are */
#define NR_PLAY      3	/* empty L4, L3 and L2 entries */
#define NR_GREFS     16	/* grant entries it writes */
#define ARENA_PAGES  12
#define OWN_MAX      4096	/* pages of guest memory it can track */

static struct {
	uint16_t self, peer;
	uint64_t kroot, uroot;
	uint64_t victim_va[NR_VICTIMS], victim_slot[NR_VICTIMS];
	const volatile uint64_t *victim_pte[NR_VICTIMS];	/* read-only */
	struct { uint64_t va; uint32_t handle; } maps[16];	/* grant maps */
	uint64_t pool[NR_POOL];
	uint64_t tables[NR_TABLES];
	unsigned int nr_tables;
	unsigned int nr_ktables;	/* the first ones: under the kernel root,
					 * which never loses its type */
	uint64_t image_va[NR_IMAGE], image_pte[NR_IMAGE];
	uint64_t image_slot[NR_IMAGE];	/* maddrs of their L1 entries */
	uint64_t play_slot[NR_PLAY];
	uint64_t gnt_mfn;
	struct keel_grant_entry *gnt;	/* its grant frame 0, mapped */
	uint64_t own[OWN_MAX];		/* sorted MFNs of its memory */
	size_t arena_used;
	bool tail_used;
	unsigned long long calls[6], ok[6];
	unsigned long long grant_ops[5], grant_ok[5];	/* by op */
} fz;

/* Structures for one call (or one multicall) are built here; the arena
 * is in the image, so random pointers never reach it. */
static uint8_t arena[ARENA_PAGES * 4096] __attribute__((aligned(4096)));
/* The page the grant frame is mapped over. */
static uint8_t gnt_page[4096] __attribute__((aligned(4096)));

static void *arena_alloc(size_t size)
{
	size = (size + 15) & ~(size_t)15;
	if (fz.arena_used + size > sizeof(arena))
		fz.arena_used = 0;	/* wrap: only ever one call's worth */
	void *p = arena + fz.arena_used;
	fz.arena_used += size;
	memset(p, 0, size);
	return p;
}

static bool is_own(uint64_t mfn)
{
	size_t lo = 0, hi = rt_boot.nr_pages;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (fz.own[mid] == mfn)
			return true;
		if (fz.own[mid] < mfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool in_pool(uint64_t mfn)
{
	for (int i = 0; i < NR_POOL; i++)
		if (fz.pool[i] == mfn)
			return true;
	return false;
}

static void pool_add(uint64_t mfn)
{
	fz.pool[rnd() % NR_POOL] = mfn;
}

/* A frame number that is not in the fuzzer's memory: another domain's,
 * a free frame, a hole, or past the end. */
static uint64_t foreign_mfn(void)
{
	for (;;) {
		uint64_t m = rnd() % 4 == 0 ? rt_boot.m2p_entries + rnd() % 64 :
					      rnd() % rt_boot.m2p_entries;

		if (!is_own(m) && !in_pool(m) && m != fz.gnt_mfn)
			return m;
	}
}

static uint64_t image_mfn(void)
{
	return fz.own[rnd() % rt_boot.nr_pages];
}

/* Frames whose contents the fuzzer does not care about: the pool, page
 * tables (Keel refuses writes), not its own. Not its grant frame: what
 * lands in its entries could grant its image writable. */
static uint64_t writable_mfn(void)
{
	switch (rnd() % 8) {
	case 0: case 1: case 2: case 3: case 4:
		return fz.pool[rnd() % NR_POOL];
	case 5: return fz.tables[rnd() % fz.nr_tables];
	case 6: return rnd() % 2 ? fz.kroot : fz.uroot;
	default: return foreign_mfn();
	}
}

/* Any frame, for uses that never write it. */
static uint64_t any_mfn(void)
{
	switch (rnd() % 8) {
	case 0: return image_mfn();
	case 1: return rnd() % 2 ? 0 : rnd();
	case 2: return fz.gnt_mfn;
	default: return writable_mfn();
	}
}

static uint64_t pte_flags(unsigned int level)
{
	static const uint64_t extra[] = {
		0x8 /* PWT */, 0x10 /* PCD */, 0x20 /* A */, 0x40 /* D */,
		0x80 /* PAT or PS */, 0x100 /* G */, 0xe00 /* avail */,
		1ULL << 52, 1ULL << 62,
	};
	uint64_t f;

	switch (rnd() % 8) {
	case 0: f = PTE_P | PTE_U; break;
	case 1: f = PTE_P | PTE_W | PTE_U | extra[rnd() % 9]; break;
	case 2: f = rnd() & ~PTE_ADDR; break;
	case 3: f = PTE_P | PTE_W; break;
	default: f = PTE_P | PTE_W | PTE_U; break;
	}
	if (level == 1 && rnd() % 2)
		f |= PTE_NX;
	return f;
}

/* A value for an entry the fuzzer owns (a victim L1 slot, a playground
 * slot): anything, except a writable mapping of its image. */
static uint64_t pte_value(unsigned int level)
{
	uint64_t mfn, f = pte_flags(level);

	switch (rnd() % 10) {
	case 0: return 0;
	case 1: return rnd() & ~PTE_P;		/* the guest's own bits */
	case 2: mfn = image_mfn(); f &= ~PTE_W; break;
	default: mfn = writable_mfn(); break;
	}
	return ((mfn << 12) & PTE_ADDR) | f;
}

/*
 * A pointer for what a call reads or writes, other than what the fuzzer
 * built. Keel writes results through it, so never into the image outside
 * the arena, and (@unbounded) not into the arena either when Keel may
 * write more than @size bytes there: it would overwrite what the fuzzer
 * built for later calls of a multicall. Where Keel reads commands from
 * it (@commands: batches, reservations, grant ops), only memory that
 * cannot be read or the page tables (whose entries make harmless
 * commands): a batch read from a victim page, the M2P or an arena that
 * holds other calls' structures could hold anything, say
 * set_trap_table(p, 0).
 */
enum { PTR_OUT, PTR_UNBOUNDED, PTR_COMMANDS };

static uint64_t mem_pointer(size_t size, int kind)
{
	bool commands = kind == PTR_COMMANDS;

	switch (rnd() % 16) {
	case 0: return rt_boot.page_tables_vaddr +
		       rnd() % (rt_boot.page_tables_pages * 4096);
	case 1: return 0xffff800000000000ULL + rnd() % 0x80000000000ULL;
	case 2: return 0x0000800000000000ULL - rnd() % 64;
	case 3: return 0x8000000000000000ULL | rnd();
	case 4: return rnd() % 2 ? 0 : 0x40000000ULL + rnd() % 4096;
	case 5: if (commands) break;
		return (uint64_t)rt_boot.m2p + (rnd() % 4096) * 8;
	case 6: if (commands) break;
		return rt_boot.virt_base + rt_boot.nr_pages * 4096 -
		       rnd() % (size + 1);		/* runs off the end */
	case 7: if (commands) break;
		return fz.victim_va[rnd() % NR_VICTIMS] + rnd() % 4096;
	default: break;
	}
	if (kind == PTR_OUT)
		return (uint64_t)arena_alloc(size);
	return 0xffff830000000000ULL;
}

/*
 * Room for a batch of @n entries of @size bytes, of which the fuzzer
 * builds @room. When Keel would go on past what was built (@n > @room,
 * and @n within @max, so that the call does not refuse it first), the
 * batch goes at the end of the tail page, which an unmapped page
 * follows: Keel then reads or writes nothing the fuzzer did not build,
 * and meets the end. Only one batch per call can go there; another gets
 * its count cut to what was built.
 */
static uint8_t tail[2 * 4096] __attribute__((aligned(4096)));

static void *batch_alloc(uint64_t *n, uint64_t room, size_t size,
			 uint64_t max)
{
	if (*n > room && *n <= max) {
		if (!fz.tail_used) {
			fz.tail_used = true;
			memset(tail, 0, 4096);
			return tail + 4096 - room * size;
		}
		*n = room;
	}
	return arena_alloc((room ? room : 1) * size);
}

static uint16_t domid_arg(void)
{
	switch (rnd() % 8) {
	case 0: return fz.self;
	case 1: return fz.peer;
	case 2: return (uint16_t)rnd();
	case 3: return (uint16_t)(rnd() % 8);
	default: return KEEL_DOMID_SELF;
	}
}

/* A virtual address whose L1 entry the fuzzer may have anything in. */
static uint64_t victim_va(void)
{
	uint64_t va = fz.victim_va[rnd() % NR_VICTIMS];

	return rnd() % 8 ? va : va + rnd() % 4096;
}

/* A victim whose entry is empty now, if there is one: where a grant map
 * can go. */
static uint64_t empty_victim_va(void)
{
	unsigned int start = (unsigned int)(rnd() % NR_VICTIMS);

	for (unsigned int k = 0; k < NR_VICTIMS; k++) {
		unsigned int i = (start + k) % NR_VICTIMS;

		if (!(*fz.victim_pte[i] & PTE_P))
			return fz.victim_va[i];
	}
	return fz.victim_va[start];
}

/* A virtual address for a map or an invalidation, of any kind. */
static uint64_t any_va(void)
{
	switch (rnd() % 8) {
	case 0: return fz.image_va[rnd() % NR_IMAGE];
	case 1: return 0xffff800000000000ULL + rnd() % 0x80000000000ULL;
	case 2: return 0x8000000000000000ULL | rnd();
	case 3: return 0x40000000ULL + (rnd() % 512) * 4096;
	case 4: return rnd();
	default: return victim_va();
	}
}

/* One mmu_update request. */
static void fill_mmu_update(struct keel_mmu_update *r)
{
	unsigned int i = (unsigned int)(rnd() % NR_IMAGE);

	switch (rnd() % 12) {
	case 0: case 1: case 2: case 3:		/* a victim's entry */
		r->ptr = fz.victim_slot[rnd() % NR_VICTIMS];
		r->val = pte_value(1);
		break;
	case 4: case 5:				/* the playground */
		i = (unsigned int)(rnd() % NR_PLAY);
		r->ptr = fz.play_slot[i];
		r->val = pte_value(4 - i);
		break;
	case 6:					/* Keel's L4 slots */
		r->ptr = (fz.kroot << 12) + (256 + rnd() % 16) * 8;
		r->val = rnd() % 2 ? rnd() : pte_value(4);
		break;
	case 7:					/* image: its own value */
		r->ptr = fz.image_slot[i];
		r->val = fz.image_pte[i];
		if (rnd() % 2)
			r->val |= 0x100;	/* global: refused */
		break;
	case 8:					/* not a table */
		/* Keel writes a frame of ours that is not a table as ordinary
		 * memory (ABI 1.2): only the pool's may be written. An image
		 * frame gets a misaligned pointer instead, which is refused. */
		r->ptr = (any_mfn() << 12) | ((rnd() % 512) * 8);
		if ((is_own(r->ptr >> 12) && !in_pool(r->ptr >> 12)) ||
		    (r->ptr >> 12) == fz.gnt_mfn)
			r->ptr = (image_mfn() << 12) | (rnd() % 512 * 8) | 4;
		r->val = pte_value(1);
		if ((r->ptr >> 12) == fz.kroot || (r->ptr >> 12) == fz.uroot)
			r->ptr = fz.victim_slot[0];
		for (unsigned int t = 0; t < fz.nr_tables; t++)
			if ((r->ptr >> 12) == fz.tables[t])
				r->ptr = fz.victim_slot[0];
		break;
	case 9:					/* the M2P */
		r->ptr = (any_mfn() << 12) | KEEL_MMU_MACHPHYS_UPDATE;
		r->val = rnd() % 2 ? rnd() % rt_boot.nr_pages : rnd();
		break;
	case 10:				/* bad commands */
		r->ptr = fz.victim_slot[rnd() % NR_VICTIMS] |
			 (rnd() % 2 ? 2 + rnd() % 2 : 4);
		r->val = rnd();
		break;
	default:
		r->ptr = rnd();
		r->val = rnd();
		if ((r->ptr & 3) != KEEL_MMU_MACHPHYS_UPDATE &&
		    (is_own(r->ptr >> 12) || (r->ptr >> 12) == fz.gnt_mfn))
			r->ptr |= 3;	/* no writes into its own memory */
		break;
	}
}

/* One mmuext op. The kernel root only ever changes to itself. */
static void fill_mmuext(struct keel_mmuext_op *op)
{
	op->cmd = (uint32_t)(rnd() % 16 == 0 ? rnd() : rnd() % 14);
	op->pad = rnd() % 16 == 0 ? (uint32_t)rnd() : 0;
	switch (op->cmd) {
	case KEEL_MMUEXT_NEW_BASEPTR:
		switch (rnd() % 5) {
		case 0: op->arg1 = fz.kroot; break;
		case 1: op->arg1 = fz.tables[rnd() % fz.nr_ktables]; break;
		case 2: op->arg1 = fz.image_pte[rnd() % NR_IMAGE] >> 12 &
				   0xffffffffffULL; break;
		case 3: op->arg1 = 0; break;
		default: op->arg1 = rnd() % 2 ? rt_boot.m2p_entries + rnd() % 64 :
					      rnd() | (1ULL << 40); break;
		}
		if (op->arg1 < (1ULL << 40) && is_own(op->arg1) &&
		    op->arg1 != fz.kroot) {
			/* Only what cannot be an L4: mapped writable, or a
			 * table of a lower level under the kernel root (the
			 * user root's may lose their types). */
			bool safe = false;
			for (unsigned int t = 0; t < fz.nr_ktables; t++)
				safe |= op->arg1 == fz.tables[t];
			for (unsigned int k = 0; k < NR_IMAGE; k++)
				safe |= (fz.image_pte[k] & PTE_W) &&
					op->arg1 == ((fz.image_pte[k] &
						      PTE_ADDR) >> 12);
			if (!safe)
				op->arg1 = fz.kroot;
		}
		if (in_pool(op->arg1) || op->arg1 == fz.uroot)
			op->arg1 = fz.kroot;
		break;
	case KEEL_MMUEXT_INVLPG_LOCAL:
	case KEEL_MMUEXT_INVLPG_MULTI:
	case KEEL_MMUEXT_INVLPG_ALL:
		op->arg1 = any_va();
		break;
	default:
		op->arg1 = any_mfn();
		break;
	}
	if (op->cmd == KEEL_MMUEXT_INVLPG_MULTI ||
	    op->cmd == KEEL_MMUEXT_TLB_FLUSH_MULTI || rnd() % 8 == 0) {
		uint64_t *bitmap = (uint64_t *)mem_pointer(8, PTR_OUT);

		op->arg2 = (uint64_t)bitmap;
		if ((uint8_t *)bitmap >= arena &&
		    (uint8_t *)bitmap < arena + sizeof(arena))
			*bitmap = rnd();
	}
}

static uint64_t count_arg(uint64_t max, uint64_t usual)
{
	switch (rnd() % 16) {
	case 0: return max;
	case 1: return max + 1 + rnd() % 4;
	case 2: return rnd();
	default: return rnd() % (usual + 1);
	}
}

/* A reservation: its extents in the arena when that is where they go. */
static void fill_reservation(uint64_t cmd, struct keel_memory_reservation *r)
{
	uint64_t n = count_arg(KEEL_MEMOP_EXTENTS_MAX, 4);
	uint64_t room = n <= 64 ? n : 64;

	r->nr_extents = n;
	r->extent_order = rnd() % 16 == 0 ? (uint32_t)rnd() % 3 : 0;
	r->domid = domid_arg();
	r->pad = rnd() % 16 == 0 ? 1 : 0;
	if (rnd() % 4 == 0) {
		r->extent_start = mem_pointer(room * 8, PTR_UNBOUNDED);
		return;
	}
	uint64_t *ext = batch_alloc(&n, room, 8, KEEL_MEMOP_EXTENTS_MAX);
	r->nr_extents = n;
	r->extent_start = (uint64_t)ext;
	for (uint64_t i = 0; i < room; i++)
		ext[i] = cmd == KEEL_MEMOP_populate_physmap ?
			 (rnd() % 2 ? rnd() % rt_boot.nr_pages : rnd()) :
			 any_mfn();
}

/* A grant reference: mostly ours and the peer's first few. */
static uint64_t gref_arg(void)
{
	switch (rnd() % 8) {
	case 0: return rnd() % (4 * KEEL_GRANT_ENTRIES_PER_FRAME + 8);
	case 1: return rnd();
	default: return rnd() % NR_GREFS;
	}
}

/* Rewrite one of our grant entries. The image is granted read-only only. */
static void scribble_grant(void)
{
	struct keel_grant_entry *e = &fz.gnt[rnd() % NR_GREFS];
	uint16_t flags;
	uint64_t mfn;

	switch (rnd() % 8) {
	case 0: flags = 0; break;
	case 1: flags = (uint16_t)rnd(); break;
	case 2: flags = KEEL_GTF_permit_access | KEEL_GTF_readonly; break;
	default: flags = KEEL_GTF_permit_access; break;
	}
	if (rnd() % 6 == 0) {
		mfn = image_mfn();
		flags |= KEEL_GTF_readonly;
	} else {
		mfn = writable_mfn();
	}
	uint16_t old = __atomic_load_n(&e->flags, __ATOMIC_SEQ_CST);
	if (old & (KEEL_GTF_reading | KEEL_GTF_writing)) {
		/* In use: Keel keeps using the frame it took, so changing
		 * the entry's frame must not matter (to a frame that may be
		 * written: the flags may say writable). */
		if (rnd() % 2)
			e->frame = (uint32_t)writable_mfn();
		return;
	}
	/* Revoke, as a granter would; if it came into use, leave it. */
	if (!__atomic_compare_exchange_n(&e->flags, &old, 0, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return;
	e->domid = rnd() % 4 ? (rnd() % 2 ? fz.peer : fz.self) : domid_arg();
	if (no_self_grants && e->domid == fz.self)
		e->domid = fz.peer;
	e->frame = (uint32_t)mfn;
	__atomic_store_n(&e->flags, flags & ~(KEEL_GTF_reading |
					      KEEL_GTF_writing),
			 __ATOMIC_SEQ_CST);
}

static void fill_copy_ptr(struct keel_gnttab_copy_ptr *p, bool gref, bool dest)
{
	if (gref) {
		p->u = gref_arg();
		p->domid = rnd() % 3 ? (rnd() % 2 ? fz.peer : fz.self) :
				       domid_arg();
	} else {
		p->u = dest ? writable_mfn() : any_mfn();
		p->domid = rnd() % 4 ? KEEL_DOMID_SELF : domid_arg();
	}
	p->offset = (uint16_t)(rnd() % 4 ? rnd() % 4096 : rnd());
	p->pad = rnd() % 16 == 0 ? 1 : 0;
}

static void fill_grant_op(uint64_t cmd, void *op)
{
	switch (cmd) {
	case KEEL_GNTTABOP_setup_table: {
		struct keel_gnttab_setup_table *s = op;
		s->domid = domid_arg();
		s->nr_frames = (uint32_t)(rnd() % 8 ? rnd() % 6 : rnd());
		s->frame_list = mem_pointer(8 * KEEL_GRANT_MAX_FRAMES, PTR_OUT);
		break;
	}
	case KEEL_GNTTABOP_query_size: {
		struct keel_gnttab_query_size *q = op;
		q->domid = domid_arg();
		break;
	}
	case KEEL_GNTTABOP_map_grant_ref: {
		struct keel_gnttab_map_grant_ref *m = op;
		m->host_addr = rnd() % 4 ? empty_victim_va() : any_va();
		m->flags = rnd() % 8 ? (uint32_t)(rnd() % 2) : (uint32_t)rnd();
		m->ref = (keel_grant_ref_t)gref_arg();
		/* Mostly the peer's: Keel maps no domain's own grants. */
		m->domid = rnd() % 4 ? fz.peer :
				       (rnd() % 2 ? fz.self : domid_arg());
		break;
	}
	case KEEL_GNTTABOP_unmap_grant_ref: {
		struct keel_gnttab_unmap_grant_ref *u = op;
		unsigned int k = (unsigned int)(rnd() % 16);

		if (rnd() % 2 && fz.maps[k].va) {	/* one we mapped */
			u->host_addr = fz.maps[k].va;
			u->handle = fz.maps[k].handle;
			if (rnd() % 8 == 0)
				u->handle ^= 1;
			break;
		}
		u->host_addr = rnd() % 4 ? fz.victim_va[rnd() % NR_VICTIMS] :
					   any_va();
		u->handle = (uint32_t)(rnd() % 8 ? rnd() % 24 : rnd());
		break;
	}
	default: {
		struct keel_gnttab_copy *c = op;
		c->flags = (uint16_t)(rnd() % 8 ? rnd() % 4 : rnd());
		fill_copy_ptr(&c->source, c->flags & KEEL_GNTCOPY_source_gref,
			      false);
		fill_copy_ptr(&c->dest, c->flags & KEEL_GNTCOPY_dest_gref,
			      true);
		switch (rnd() % 4) {
		case 0:			/* a whole page */
			c->len = 4096;
			c->source.offset = c->dest.offset = 0;
			break;
		case 1:			/* anything, often too long */
			c->len = (uint16_t)(rnd() % 2 ? rnd() % 4097 : rnd());
			break;
		default:		/* a piece that fits */
			c->len = (uint16_t)(rnd() % 512);
			c->source.offset = (uint16_t)(rnd() % (4097 - c->len));
			c->dest.offset = (uint16_t)(rnd() % (4097 - c->len));
			break;
		}
		break;
	}
	}
}

static bool make_call(uint64_t nr, uint64_t a[5], bool nested);

/* Arguments for hypercalls 16-21. */
static void memory_call_args(uint64_t nr, uint64_t a[5])
{
	for (int k = 0; k < 5; k++)
		a[k] = 0;
	switch (nr) {
	case KEEL_HC_mmu_update:
	case KEEL_HC_mmuext_op: {
		bool mmu = nr == KEEL_HC_mmu_update;
		uint64_t n = count_arg(mmu ? KEEL_MMU_UPDATE_MAX :
					     KEEL_MMUEXT_OP_MAX, 6);
		uint64_t room = n <= 16 ? n : 16;
		size_t size = mmu ? sizeof(struct keel_mmu_update) :
				    sizeof(struct keel_mmuext_op);

		if (rnd() % 8 == 0) {
			a[0] = mem_pointer(room * size, PTR_COMMANDS);
		} else {
			uint8_t *reqs = batch_alloc(&n, room, size,
						    mmu ? KEEL_MMU_UPDATE_MAX :
							  KEEL_MMUEXT_OP_MAX);
			for (uint64_t i = 0; i < room; i++) {
				void *r = reqs + i * size;

				if (mmu)
					fill_mmu_update(r);
				else
					fill_mmuext(r);
			}
			a[0] = (uint64_t)reqs;
		}
		a[1] = n;
		a[2] = rnd() % 3 ? 0 : mem_pointer(8, PTR_OUT);
		a[3] = rnd() % 8 ? KEEL_DOMID_SELF : domid_arg();
		if (rnd() % 64 == 0)
			a[3] = rnd();
		break;
	}
	case KEEL_HC_update_va_mapping: {
		unsigned int i = (unsigned int)(rnd() % NR_IMAGE);

		switch (rnd() % 8) {
		case 0:		/* the image: refused, or unchanged */
			a[0] = fz.image_va[i];
			switch (rnd() % 4) {
			case 0: a[1] = fz.image_pte[i]; break;
			case 1: a[1] = fz.image_pte[i] | 0x100; break;
			case 2: a[1] = (fz.kroot << 12) | PTE_P | PTE_W | PTE_U;
				break;
			default:
				a[1] = ((rt_boot.m2p_entries + rnd() % 64) <<
					12) | PTE_P | PTE_U;
				break;
			}
			break;
		case 1:
			/* Anywhere but guest memory (its victims aside). */
			a[0] = any_va();
			if (rnd() % 2 == 0 || (a[0] >= rt_boot.virt_base &&
					       a[0] < rt_boot.virt_base +
					       (rt_boot.nr_pages + 2) * 4096))
				a[0] = 0x40000000ULL + rnd() % (1ULL << 30);
			a[1] = pte_value(1);
			break;
		default:
			a[0] = victim_va();
			a[1] = pte_value(1);
			break;
		}
		a[2] = rnd() % 8 ? rnd() % 8 : rnd();
		if ((a[2] & 3) == 3 && rnd() % 2)
			a[2] &= ~1ULL;
		break;
	}
	case KEEL_HC_memory_op:
		a[0] = rnd() % 16 ? rnd() % 6 : rnd();
		if (a[0] == KEEL_MEMOP_current_reservation ||
		    a[0] == KEEL_MEMOP_maximum_reservation) {
			a[1] = rnd() % 4 ? domid_arg() : rnd();
		} else if (rnd() % 8 == 0) {
			a[1] = mem_pointer(sizeof(struct keel_memory_reservation),
					   PTR_COMMANDS);
		} else {
			struct keel_memory_reservation *r =
				arena_alloc(sizeof(*r));
			fill_reservation(a[0], r);
			a[1] = (uint64_t)r;
		}
		break;
	case KEEL_HC_grant_table_op: {
		static const size_t sizes[] = {
			sizeof(struct keel_gnttab_setup_table),
			sizeof(struct keel_gnttab_query_size),
			sizeof(struct keel_gnttab_map_grant_ref),
			sizeof(struct keel_gnttab_unmap_grant_ref),
			sizeof(struct keel_gnttab_copy),
		};
		uint64_t cmd = rnd() % 16 ? rnd() % 5 : rnd() % 8;
		uint64_t n = count_arg(KEEL_GNTTAB_BATCH_MAX, 4);
		uint64_t room = n <= 8 ? n : 8;
		size_t size = sizes[cmd < 5 ? cmd : 1];

		for (uint64_t k = rnd() % 4; k; k--)
			scribble_grant();
		a[0] = cmd;
		if (rnd() % 8 == 0) {
			a[1] = mem_pointer(room * size, PTR_COMMANDS);
		} else {
			uint8_t *ops = batch_alloc(&n, room, size,
						   KEEL_GNTTAB_BATCH_MAX);
			for (uint64_t i = 0; i < room; i++)
				fill_grant_op(cmd < 5 ? cmd : 1, ops + i * size);
			a[1] = (uint64_t)ops;
		}
		a[2] = n;
		break;
	}
	default: {			/* multicall */
		uint64_t n = count_arg(KEEL_MULTICALL_MAX, 8);
		uint64_t room = n <= 12 ? n : 12;

		if (rnd() % 8 == 0) {
			a[0] = mem_pointer(room *
					   sizeof(struct keel_multicall_entry),
					   PTR_COMMANDS);
			a[1] = n;
			break;
		}
		struct keel_multicall_entry *e =
			batch_alloc(&n, room, sizeof(*e), KEEL_MULTICALL_MAX);
		for (uint64_t i = 0; i < room; i++) {
			uint64_t op;
			switch (rnd() % 8) {
			case 0: op = rnd() % 16; break;
			case 1: op = rnd() % 4 ? KEEL_HC_iret : rnd(); break;
			default: op = 16 + rnd() % 6; break;
			}
			e[i].op = op;
			e[i].result = rnd();
			if (!make_call(op, e[i].args, true))
				e[i].op = KEEL_HC_version;
		}
		a[0] = (uint64_t)e;
		a[1] = n;
		break;
	}
	}
}

/* Pick the arguments of call @nr (in a multicall when @nested). False:
 * leave this call out. */
static bool make_call(uint64_t nr, uint64_t a[5], bool nested)
{
	if (nr >= KEEL_HC_mmu_update && nr <= KEEL_HC_multicall) {
		if (nested && nr == KEEL_HC_multicall) {
			/* Refused anyway: random arguments will do. */
			for (int k = 0; k < 5; k++)
				a[k] = random_arg();
			return true;
		}
		memory_call_args(nr, a);
		return true;
	}
	for (int k = 0; k < 5; k++)
		a[k] = random_arg();
	/* Keep the fuzzer itself alive. */
	if (nr == KEEL_HC_iret)
		return nested;		/* refused in a batch */
	if (nr == KEEL_HC_sched_op && (a[0] == KEEL_SCHEDOP_shutdown ||
				       a[0] == KEEL_SCHEDOP_block))
		a[0] = KEEL_SCHEDOP_yield;
	if (nr == KEEL_HC_sched_op && a[0] == KEEL_SCHEDOP_poll)
		a[1] = bad_pointer();	/* a random poll could sleep long */
	if (nr == KEEL_HC_vcpu_op && a[0] == KEEL_VCPUOP_down)
		a[0] = KEEL_VCPUOP_is_up;
	if (nr == KEEL_HC_set_trap_table || nr == KEEL_HC_set_callbacks) {
		a[0] = bad_pointer();
		a[1] = 1 + a[1] % 256;	/* count 0 would clear the table */
	}
	if (nr == KEEL_HC_console_write && a[1] > 64)
		a[1] %= 64;		/* keep the log readable */
	if (nr == KEEL_HC_console_read)
		a[1] %= 256;
	/* The other fuzzer runs beside this one: a control domain must not
	 * destroy it, nor pause it (it would stay paused once this one has
	 * finished, as a domain does when its toolstack goes away). */
	if (nr == KEEL_HC_domctl && (a[0] == KEEL_DOMCTL_destroy_domain ||
				     a[0] == KEEL_DOMCTL_pause_domain) &&
	    a[1] == fz.peer)
		a[1] = 0xffff;
	return true;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static void sort_u64(uint64_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++)	/* insertion sort: ~1000 entries */
		for (size_t j = i; j > 0 && cmp_u64(&v[j - 1], &v[j]) > 0; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static void add_table(uint64_t mfn)
{
	for (unsigned int t = 0; t < fz.nr_tables; t++)
		if (fz.tables[t] == mfn)
			return;
	if (fz.nr_tables < NR_TABLES)
		fz.tables[fz.nr_tables++] = mfn;
}

/* The boot tables under @root (L3s, L2s, L1s), walked from the P2M side:
 * the M2P may be fuzzed later, but not before this. */
static void collect_tables(uint64_t root)
{
	const uint64_t *l4 = rt_mfn_to_va(root);

	for (unsigned int i = 0; l4 && i < 512; i++) {
		if ((i >= 256 && i < 272) || !(l4[i] & PTE_P))
			continue;
		uint64_t l3m = (l4[i] & PTE_ADDR) >> 12;
		const uint64_t *l3 = rt_mfn_to_va(l3m);
		add_table(l3m);
		for (unsigned int j = 0; l3 && j < 512; j++) {
			if (!(l3[j] & PTE_P))
				continue;
			uint64_t l2m = (l3[j] & PTE_ADDR) >> 12;
			const uint64_t *l2 = rt_mfn_to_va(l2m);
			add_table(l2m);
			for (unsigned int k = 0; l2 && k < 512; k++)
				if (l2[k] & PTE_P)
					add_table((l2[k] & PTE_ADDR) >> 12);
		}
	}
}

static void memory_fuzz_setup(void)
{
	uint64_t kroot = rt_boot.kernel_root_mfn;
	const uint64_t *p2m = (const uint64_t *)rt_boot.p2m_vaddr;

	fz.self = (uint16_t)rt_boot.domid;
	fz.peer = (uint16_t)(rt_boot.domid ^ 1);
	fz.kroot = kroot;
	fz.uroot = rt_boot.user_root_mfn;
	if (rt_boot.nr_pages > OWN_MAX)
		test_skip("too much memory for the fuzzer's bookkeeping");
	for (uint64_t i = 0; i < rt_boot.nr_pages; i++)
		fz.own[i] = p2m[i];
	sort_u64(fz.own, rt_boot.nr_pages);

	collect_tables(kroot);
	fz.nr_ktables = fz.nr_tables;
	collect_tables(fz.uroot);

	/* A grant table, its first frame mapped over gnt_page. */
	uint64_t frames[1] = { 0 };
	struct keel_gnttab_setup_table s = {
		.domid = KEEL_DOMID_SELF, .nr_frames = 1,
		.frame_list = (uint64_t)frames,
	};
	fz.gnt = (struct keel_grant_entry *)gnt_page;
	if (!keel_hypercall_grant_table_op(KEEL_GNTTABOP_setup_table,
					   (unsigned long)&s, 1) &&
	    !s.status &&
	    !keel_hypercall_update_va_mapping(
		    (uint64_t)gnt_page, (frames[0] << 12) | PTE_P | PTE_W |
		    PTE_U | PTE_NX, KEEL_UVMF_INVLPG))
		fz.gnt_mfn = frames[0];
	else
		CHECK(false, "no grant table for the fuzzer");

	/* The page after the tail is a guard: unmapped. */
	CHECK_EQ(keel_hypercall_update_va_mapping((uint64_t)tail + 4096, 0,
						  KEEL_UVMF_INVLPG), 0);

	/* The image (after the grant frame took gnt_page's place): pages
	 * the fuzzer keeps, sampled over everything below free memory
	 * (code, data, arena, stack, P2M, tables). */
	uint64_t span = (rt_boot.free_vaddr - rt_boot.virt_base) / 4096;
	for (unsigned int i = 0; i < NR_IMAGE; i++) {
		uint64_t va = rt_boot.virt_base + (i * span / NR_IMAGE) * 4096;

		if (i == 0)
			va = (uint64_t)arena;
		if (i == 1)
			va = (uint64_t)&fz;
		if (i == 2)
			va = (uint64_t)__builtin_frame_address(0) & ~4095ULL;
		fz.image_va[i] = va & ~4095ULL;
		fz.image_pte[i] = rt_pte_read(kroot, fz.image_va[i], 1);
		fz.image_slot[i] = rt_pte_maddr(kroot, fz.image_va[i], 1);
	}

	/* The victims and the pool. */
	uint8_t *v = rt_alloc_pages(NR_VICTIMS);
	for (unsigned int i = 0; i < NR_VICTIMS; i++) {
		fz.victim_va[i] = (uint64_t)v + i * 4096;
		fz.victim_slot[i] = rt_pte_maddr(kroot, fz.victim_va[i], 1);
		fz.victim_pte[i] = (const uint64_t *)
			((uint8_t *)rt_mfn_to_va(fz.victim_slot[i] >> 12) +
			 (fz.victim_slot[i] & 4095));
		fz.pool[i] = rt_va_to_mfn(v + i * 4096);
	}
	/* More pool frames: free pages that stay unmapped. */
	uint8_t *extra = rt_alloc_pages(NR_POOL - NR_VICTIMS);
	for (unsigned int i = NR_VICTIMS; i < NR_POOL; i++) {
		uint64_t va = (uint64_t)extra + (i - NR_VICTIMS) * 4096;

		fz.pool[i] = rt_va_to_mfn((void *)va);
		keel_hypercall_update_va_mapping(va, 0, KEEL_UVMF_INVLPG);
	}

	/* The playground: an empty L4 entry, an empty L3 entry beside the
	 * kernel's, an empty L2 entry beside the kernel's. */
	const uint64_t *l4 = rt_mfn_to_va(kroot);
	for (unsigned int i = 2; i < 256; i++)
		if (!(l4[i] & PTE_P)) {
			fz.play_slot[0] = (kroot << 12) + i * 8;
			break;
		}
	uint64_t l3e = rt_pte_maddr(kroot, rt_boot.virt_base, 3);
	const uint64_t *l3 = rt_mfn_to_va(l3e >> 12);
	for (unsigned int i = 8; l3 && i < 512; i++)
		if (!(l3[i] & PTE_P)) {
			fz.play_slot[1] = (l3e & ~4095ULL) + i * 8;
			break;
		}
	uint64_t l2e = rt_pte_maddr(kroot, rt_boot.virt_base, 2);
	const uint64_t *l2 = rt_mfn_to_va(l2e >> 12);
	for (unsigned int i = 64; l2 && i < 512; i++)
		if (!(l2[i] & PTE_P)) {
			fz.play_slot[2] = (l2e & ~4095ULL) + i * 8;
			break;
		}
	for (unsigned int i = 0; i < NR_PLAY; i++)
		if (!fz.play_slot[i])
			fz.play_slot[i] = fz.victim_slot[i];

	printf("memory fuzzing: %u boot tables, %d victims, pool of %d, "
	       "grant frame %#llx\n", fz.nr_tables, NR_VICTIMS, NR_POOL,
	       (unsigned long long)fz.gnt_mfn);
}

/* How the ops of a grant_table_op call built in the arena went. */
static void count_grant_ops(const uint64_t a[5])
{
	static const struct { size_t size, status; } op[5] = {
		{ sizeof(struct keel_gnttab_setup_table),
		  offsetof(struct keel_gnttab_setup_table, status) },
		{ sizeof(struct keel_gnttab_query_size),
		  offsetof(struct keel_gnttab_query_size, status) },
		{ sizeof(struct keel_gnttab_map_grant_ref),
		  offsetof(struct keel_gnttab_map_grant_ref, status) },
		{ sizeof(struct keel_gnttab_unmap_grant_ref),
		  offsetof(struct keel_gnttab_unmap_grant_ref, status) },
		{ sizeof(struct keel_gnttab_copy),
		  offsetof(struct keel_gnttab_copy, status) },
	};
	const uint8_t *ops = (const uint8_t *)a[1];
	uint64_t n = a[2] < 8 ? a[2] : 8;

	if ((ops < arena || ops + n * op[a[0]].size > arena + sizeof(arena)) &&
	    (ops < tail || ops + n * op[a[0]].size > tail + 4096))
		return;
	for (uint64_t i = 0; i < n; i++) {
		const uint8_t *o = ops + i * op[a[0]].size;
		int32_t st;

		memcpy(&st, o + op[a[0]].status, 4);
		fz.grant_ops[a[0]]++;
		fz.grant_ok[a[0]] += st == 0;
		if (a[0] == KEEL_GNTTABOP_map_grant_ref && st == 0) {
			const struct keel_gnttab_map_grant_ref *m =
				(const void *)o;
			unsigned int k = (unsigned int)(rnd() % 16);

			fz.maps[k].va = m->host_addr;
			fz.maps[k].handle = m->handle;
		}
	}
}

/* After a call: new frames that landed in the arena join the pool. */
static void memory_call_done(uint64_t nr, const uint64_t a[5], long rc)
{
	if (nr < KEEL_HC_mmu_update || nr > KEEL_HC_multicall)
		return;
	fz.calls[nr - KEEL_HC_mmu_update]++;
	if (rc >= 0)
		fz.ok[nr - KEEL_HC_mmu_update]++;
	if (nr == KEEL_HC_grant_table_op && rc == 0 && a[0] < 5)
		count_grant_ops(a);
	if (nr != KEEL_HC_memory_op || rc <= 0 || rc > 64 ||
	    (a[0] != KEEL_MEMOP_increase_reservation &&
	     a[0] != KEEL_MEMOP_populate_physmap))
		return;
	const struct keel_memory_reservation *r = (const void *)a[1];
	if ((uint8_t *)r < arena || (uint8_t *)r >= arena + sizeof(arena) ||
	    r->extent_start < (uint64_t)arena ||
	    r->extent_start >= (uint64_t)arena + sizeof(arena))
		return;
	for (long i = 0; i < rc; i++)
		pool_add(((const uint64_t *)r->extent_start)[i]);
}

/* With trace=: print call @i, and the start of what it built in the
 * arena. */
static void trace_call(uint64_t i, uint64_t nr, const uint64_t a[5])
{
	const uint64_t *p;
	unsigned int words;

	printf("\ncall %llu: %llu(%#llx, %#llx, %#llx, %#llx, %#llx)\n",
	       (unsigned long long)i, (unsigned long long)nr,
	       (unsigned long long)a[0], (unsigned long long)a[1],
	       (unsigned long long)a[2], (unsigned long long)a[3],
	       (unsigned long long)a[4]);
	switch (nr) {
	case KEEL_HC_mmu_update:
	case KEEL_HC_mmuext_op:
	case KEEL_HC_multicall:
		p = (const uint64_t *)a[0];
		words = 7 * 12;
		break;
	case KEEL_HC_grant_table_op:
	case KEEL_HC_memory_op:
		p = (const uint64_t *)a[1];
		words = 5 * 8;
		break;
	default:
		return;
	}
	if ((const uint8_t *)p < arena ||
	    (const uint8_t *)(p + words) > arena + sizeof(arena))
		return;
	for (unsigned int w = 0; w < words; w++)
		printf("%s%#llx%s", w % 7 ? " " : "  ",
		       (unsigned long long)p[w], w % 7 == 6 ? "\n" : "");
	printf("\n");
}

static void fuzz(void)
{
	uint64_t seed = parse_u64(rt_cmdline_value("seed"), 1);
	uint64_t iterations = parse_u64(rt_cmdline_value("iterations"), 100000);
	unsigned long long counts[4] = { 0 };	/* 0, positive, errors, ENOSYS */
	/* Taken now: after a fuzzed GS base, %gs cannot find it. */
	unsigned long self = (unsigned long)rt_percpu_self();

	rng_state = seed;
	printf("fuzzing seed=%llu iterations=%llu privileged=%d\n",
	       (unsigned long long)seed, (unsigned long long)iterations,
	       rt_boot.privileged);
	no_self_grants = parse_u64(rt_cmdline_value("noself"), 0);
	skip_mask = parse_u64(rt_cmdline_value("skip"), 0);
	trace_from = parse_u64(rt_cmdline_value("trace"), ~0ULL);
	memory_fuzz_setup();
	for (uint64_t i = 0; i < iterations;) {
		uint64_t nr = rnd() % KEEL_HC_COUNT;
		uint64_t a[5];

		if (rnd() % 16 == 0)
			nr = rnd();		/* far out of the table */
		fz.arena_used = 0;
		fz.tail_used = false;
		if (nr >= KEEL_HC_mmu_update && nr <= KEEL_HC_multicall &&
		    (skip_mask >> (nr - KEEL_HC_mmu_update) & 1))
			continue;
		if (!make_call(nr, a, false))
			continue;

		if (i >= trace_from)
			trace_call(i, nr, a);
		long rc = keel_hypercall_raw(nr, a[0], a[1], a[2], a[3], a[4]);
		if (i >= trace_from)
			printf("  = %ld\n", rc);
		counts[rc == 0 ? 0 : rc > 0 ? 1 : rc == -KEEL_ENOSYS ? 3 : 2]++;
		memory_call_done(nr, a, rc);

		/* Put back what the runtime relies on (a multicall may have
		 * done anything). */
		if (nr == KEEL_HC_set_segment_base || nr == KEEL_HC_fpu_taskswitch ||
		    nr == KEEL_HC_stack_switch || nr == KEEL_HC_multicall) {
			keel_hypercall_fpu_taskswitch(0);
			keel_hypercall_set_segment_base(KEEL_SEGBASE_GS_KERNEL,
							self);
		}
		/* Fuzzed console writes leave partial lines: end them first. */
		if (++i % 20000 == 0)
			printf("\n%llu calls: %llu zero, %llu positive, %llu errors, "
			       "%llu ENOSYS\n", (unsigned long long)i,
			       counts[0], counts[1], counts[2], counts[3]);
	}
	keel_hypercall_set_timer(0);
	printf("\n");
	static const char *const names[6] = {
		"mmu_update", "mmuext_op", "update_va_mapping", "memory_op",
		"grant_table_op", "multicall",
	};
	for (int k = 0; k < 6; k++)
		printf("%s: %llu calls, %llu succeeded\n", names[k], fz.calls[k],
		       fz.ok[k]);
	printf("grant ops that succeeded: setup %llu/%llu, query %llu/%llu, "
	       "map %llu/%llu, unmap %llu/%llu, copy %llu/%llu\n",
	       fz.grant_ok[0], fz.grant_ops[0], fz.grant_ok[1], fz.grant_ops[1],
	       fz.grant_ok[2], fz.grant_ops[2], fz.grant_ok[3], fz.grant_ops[3],
	       fz.grant_ok[4], fz.grant_ops[4]);
	/* Still healthy: a plain call answers as documented. */
	CHECK_EQ(keel_hypercall_version(KEEL_VERSION_ABI, 0), KEEL_ABI_VERSION);
	CHECK_EQ(keel_hypercall_memory_op(KEEL_MEMOP_maximum_reservation,
					  KEEL_DOMID_SELF),
		 (long)rt_boot.max_pages);
}
