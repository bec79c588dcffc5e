/*
 * Grant tables (common/grant_table.c; ABI in keel/grant_table.h, model
 * in docs/memory-model.md).
 */
#ifndef KEEL_GRANT_TABLE_H
#define KEEL_GRANT_TABLE_H

#include <types.h>
#include <keel/grant_table.h>

struct domain;
struct vcpu;

long do_grant_table_op(unsigned long cmd, unsigned long ops,
		       unsigned long count);
/* Destroy, under memory_lock: drop the domain's grant mappings of other
 * domains' frames, and free its table's bookkeeping (its grant frames
 * are shared frames, which frame_release_domain() gives back). */
void grant_table_release(struct domain *d);
/* The domain builder's grant (a PV console's ring), under memory_lock:
 * entry @ref of @d's table, which grows to hold it, lets @grantee map or
 * copy @mfn, writable. -EINVAL for a ref past the largest table or an
 * MFN the entry cannot hold, -ENOMEM. */
int grant_table_grant_frame(struct domain *d, keel_grant_ref_t ref,
			    uint16_t grantee, uint64_t mfn);

/* Arch hooks (pv/mmu.c), under memory_lock. Put a mapping of @mfn at
 * page-aligned @va in @v's kernel page tables: the L1 table must exist
 * (-EINVAL otherwise) and the entry be empty (-EBUSY). Returns the
 * machine address of the entry it wrote in @pte_maddr. */
int arch_grant_map(struct vcpu *v, uint64_t va, uint64_t mfn, bool readonly,
		   uint64_t *pte_maddr);
/* Clear the entry at @pte_maddr if it still maps @mfn in one of @d's L1
 * tables, and flush @d's TLBs. */
void arch_grant_unmap(struct domain *d, uint64_t pte_maddr, uint64_t mfn);

#endif
