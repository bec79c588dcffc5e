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
 * maximum; under memory_lock. Returns the MFN, or 0 (-ENOMEM): none
 * left, or the domain is at its maximum. */
uint64_t domain_memory_add_frame(struct domain *d);
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

#endif
