/* x86-64 page-table entries and the hypervisor's own mappings (paging.c). */
#ifndef ASM_PAGING_H
#define ASM_PAGING_H

#include <types.h>

#define PTE_PRESENT  (1ULL << 0)
#define PTE_WRITE    (1ULL << 1)
#define PTE_USER     (1ULL << 2)
#define PTE_PWT      (1ULL << 3)
#define PTE_PCD      (1ULL << 4)
#define PTE_ACCESSED (1ULL << 5)
#define PTE_DIRTY    (1ULL << 6)
#define PTE_LARGE    (1ULL << 7)
#define PTE_GLOBAL   (1ULL << 8)
#define PTE_NX       (1ULL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ULL

#define LARGE_PAGE_SIZE (1ULL << 21)

#define HYPERVISOR_L4_FIRST 256
#define HYPERVISOR_L4_LAST  271

/* Walk from @root to the entry for @va at @level (1 = 4 KiB, 2 = 2 MiB),
 * allocating missing tables with @alloc and linking them with
 * @table_flags. Returns NULL if @alloc fails. */
uint64_t *pt_walk_create(uint64_t *root, uint64_t va, unsigned int level,
			 uint64_t *(*alloc)(void *ctx), void *ctx,
			 uint64_t table_flags);
/* Fill the hypervisor's L4 slots of a new root: supervisor-only, so the
 * hypervisor is mapped in every address space but unreachable from ring 3.
 * Clear them again when the frame stops being an L4 (pv/pt_validate.c). The
 * unit tests bring their own pair. */
void pt_fill_hypervisor_slots(uint64_t *l4);
void pt_clear_hypervisor_slots(uint64_t *l4);

/* Map @size bytes of MMIO at @pa uncached; returns the virtual address. */
void *ioremap(paddr_t pa, size_t size);
/* Set aside the ioremap page arch_mmio_write32() uses, at boot. */
void mmio_window_init(void);

/* Whether [pa, pa + len) is RAM that the direct map covers. */
bool directmap_covers(paddr_t pa, size_t len);

/* Physical address of the hypervisor's page-table root. */
extern paddr_t idle_pml4_phys;

#endif
