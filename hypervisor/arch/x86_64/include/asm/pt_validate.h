/*
 * Validation of guest page-table entries, x86-64 format
 * (arch/x86_64/pv/pt_validate.c). These are the frame_table_ops
 * validate/devalidate hooks, plus the per-entry checks mmu_update uses.
 * Pure code: the unit tests run it against host memory.
 */
#ifndef ASM_PT_VALIDATE_H
#define ASM_PT_VALIDATE_H

#include <frame_type.h>
#include <asm/paging.h>

/* Software-available bits 9-11, the guest's to use as it likes. */
#define PTE_AVAIL_MASK  (7ULL << 9)
#define PTE_PAT_4K      (1ULL << 7)

/* Flags a guest may set: in a leaf (L1) entry, and in the entries of the
 * upper levels, which only link tables.
 *  - Global pages are refused because guest kernel and user share ring 3
 *    and are kept apart only by their roots; a global kernel mapping
 *    would survive the switch to the user root.
 *  - Superpages (PS in L2/L3) are not supported.
 *  - Cache attributes (PWT, PCD, PAT) are refused: every frame a guest
 *    can map is RAM that Keel also reaches write-back through its direct
 *    map (page tables, shared info, grant frames), and mixing memory
 *    types on one frame is undefined on x86 (it can end in a machine
 *    check). */
#define PT_L1_ALLOWED   (PTE_PRESENT | PTE_WRITE | PTE_USER | PTE_ACCESSED | \
			 PTE_DIRTY | PTE_AVAIL_MASK | PTE_NX | PTE_ADDR_MASK)
/* A device's memory (the hardware domain's MMIO) is never RAM, so it
 * may have the cache attributes its driver asks for: uncached (PCD,
 * PWT) or write-combining (the PAT bit). */
#define PT_L1_IOMEM_ALLOWED (PT_L1_ALLOWED | PTE_PWT | PTE_PCD | PTE_PAT_4K)
/* The dirty bit of an entry that links a table means nothing to the CPU
 * (it ignores it), and Linux sets it in every such entry: accepted and
 * ignored (ABI 1.2). */
#define PT_UPPER_ALLOWED (PTE_PRESENT | PTE_WRITE | PTE_USER | \
			  PTE_ACCESSED | PTE_DIRTY | PTE_AVAIL_MASK | \
			  PTE_NX | PTE_ADDR_MASK)

/* A not-present entry is never walked, but on CPUs with the L1TF flaw
 * its address bits are still used speculatively to read the L1 cache.
 * So its address must be zero or lie beyond all RAM (where Linux's PTE
 * inversion puts swap entries); anything else is refused. */
static inline bool pt_nonpresent_ok(const struct frame_table *ft, uint64_t e)
{
	uint64_t mfn = (e & PTE_ADDR_MASK) >> 12;

	return mfn == 0 || mfn >= ft->nr_frames;
}

static inline enum frame_type pt_level_type(unsigned int level)
{
	return (enum frame_type)(FRAME_TYPE_L1 + level - 1);
}

static inline unsigned int pt_type_level(enum frame_type type)
{
	return (unsigned int)(type - FRAME_TYPE_L1) + 1;
}

static inline bool pt_is_hypervisor_slot(unsigned int level, unsigned int index)
{
	return level == 4 && index >= HYPERVISOR_L4_FIRST &&
	       index <= HYPERVISOR_L4_LAST;
}

static inline uint64_t pte_mfn(uint64_t e)
{
	return (e & PTE_ADDR_MASK) >> 12;
}

/* Whether L1 entry @e maps device memory: a frame that is not managed
 * RAM (past the frame table, or unmanaged in it). Such an entry holds no
 * reference; pt_entry_get() lets only the hardware domain make one. */
static inline bool pt_entry_is_iomem(const struct frame_table *ft,
				     uint64_t e, unsigned int level)
{
	uint64_t mfn = pte_mfn(e);

	return level == 1 && (e & PTE_PRESENT) &&
	       (mfn >= ft->nr_frames ||
		ft->frames[mfn].state == FRAME_STATE_UNMANAGED);
}

/* Take the references entry @e of a level-@level table owned by @owner
 * needs: nothing if not present; a reference to the frame it maps (and a
 * writable type if it maps it writable) at L1; a reference and the
 * next-lower table type to the table it links above L1. An L1 entry for
 * device memory takes nothing, and needs the frame table's iomem_check.
 * -EINVAL: flags a guest may not set, or no such frame (device memory
 * for a domain that may not map it); -EPERM: another domain's frame, or
 * one of Keel's device windows; -EBUSY: the frame has a conflicting
 * type. */
int pt_entry_get(struct frame_table *ft, uint64_t e, unsigned int level,
		 uint16_t owner);
/* Drop them. An L1 entry mapping another domain's frame is a grant
 * mapping, whose references belong to the grant table: left alone. */
void pt_entry_put(struct frame_table *ft, uint64_t e, unsigned int level,
		  uint16_t owner);
/* Whether an L1 entry maps a frame its table's owner does not own. */
bool pt_entry_is_foreign(struct frame_table *ft, uint64_t e,
			 unsigned int level, uint16_t owner);

int pt_validate_table(struct frame_table *ft, uint64_t mfn,
		      enum frame_type type);
void pt_devalidate_table(struct frame_table *ft, uint64_t mfn,
			 enum frame_type type);

#endif
