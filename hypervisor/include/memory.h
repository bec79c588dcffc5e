/*
 * Guest memory: the frame table's hypervisor instance, the memory lock,
 * the M2P, and the memory_op hypercall (common/memory.c). The rules are
 * in docs/memory-model.md.
 */
#ifndef KEEL_MEMORY_H
#define KEEL_MEMORY_H

#include <frame_type.h>
#include <spinlock.h>
#include <types.h>

struct domain;

/* Every machine frame's owner, type and counts. Changed only under
 * memory_lock, which every memory hypercall, the grant table and domain
 * build and destroy take. It is a plain spin lock taken with interrupts
 * enabled, so that a holder may wait for TLB-flush IPIs. */
extern struct frame_table machine_frames;
extern spinlock_t memory_lock;

/* The M2P: guest page number of each machine frame, written by owners. */
extern uint64_t *m2p_table;
extern uint64_t m2p_entries;

/* After mm_init: the frame table ops and the M2P (and its window). */
void memory_init(void);

/* Give @d a new zeroed frame with its allocation reference, within its
 * maximum, and record @gpfn (or KEEL_M2P_INVALID) as its M2P entry;
 * under memory_lock. Returns the MFN, or 0 (-ENOMEM): none left, or the
 * domain is at its maximum. */
uint64_t domain_memory_add_frame(struct domain *d, uint64_t gpfn);
/* The same for machine frame @mfn, which the caller allocated (order 0):
 * @mfn, or 0 (the frame still the caller's) when @d is full. */
uint64_t domain_memory_add_given_frame(struct domain *d, uint64_t gpfn,
				       uint64_t mfn);
/* Destroy: drop everything @d holds (arch roots, grant mappings, pins,
 * allocation references). Takes memory_lock. */
void domain_memory_release(struct domain *d);

/* The arch's frame table ops (pv/mmu.c), and the arch part of release:
 * the vCPUs' base pointers. Under memory_lock. */
extern const struct frame_table_ops arch_frame_table_ops;
void arch_domain_release_roots(struct domain *d);
/* Map the M2P table read-only for guests at KEEL_M2P_VADDR. */
void arch_map_m2p(paddr_t pa, uint64_t bytes);

long do_memory_op(unsigned long cmd, unsigned long arg);

/*
 * Work bounds. Validating or devalidating one table can cascade through
 * everything below it, so a batch of a thousand pins could hold the
 * memory lock (and the CPU) for as long as the guest likes. Each batched
 * MMU call (or each multicall, whose entries share it) starts with a
 * budget of page-table entries to visit, and stops between requests once
 * it is spent, with -EAGAIN and the number done; the guest resubmits the
 * rest. The first request always runs, so every call makes progress; one
 * request alone is bounded by the guest's own memory.
 */
#define MEMORY_WORK_BUDGET (64 * 1024)	/* entries visited per hypercall */
/* At the start of mmu_update and mmuext_op: a fresh budget, unless they
 * run inside a multicall. */
void memory_work_begin(void);
/* Around a multicall: one budget for all its entries. */
void memory_work_multicall(bool entering);
/* May the current call start another request? */
bool memory_work_allowed(void);
/* Charge the entries visited since @visited_before (read under
 * memory_lock, before the request) to the current call. */
void memory_work_charge(uint64_t visited_before);

#endif
