/*
 * The initial page tables of a PV guest, built by the domain builder.
 *
 * They live in the guest's own frames (the page-table area of its
 * layout, hypercall-abi/docs/pv-boot-protocol.md), exactly as the guest's
 * later tables will. The builder writes the entries directly while the
 * frames are still plain memory, and then pins both roots through the
 * same validation code that mmu_update and mmuext_op use: if the builder
 * got something wrong, the pin fails and no domain is built. Two roots:
 *
 *   kernel root: guest memory at [virt_base, virt_base + mapped pages)
 *                (all of it, or with KEEL_ELFNOTE_F_MAP_BOOTSTRAP the
 *                bootstrap part),
 *                the page-table area read-only, the shared-info page
 *                just above it (after a guard page), and the user window
 *                at its user address too;
 *   user root:   only the user window, at its user address.
 *
 * Every entry has the user bit, as guest kernel and user both run in
 * ring 3. Validation fills in the hypervisor's L4 slots.
 */
#include <domain.h>
#include <errno_values.h>
#include <memory.h>
#include <mm.h>
#include <asm/paging.h>
#include <asm/pv.h>

#define GUEST_TABLE_FLAGS (PTE_PRESENT | PTE_WRITE | PTE_USER)

struct pt_builder {
	const uint64_t *p2m;	/* guest page -> MFN */
	uint64_t next, end;	/* free guest pages of the page-table area */
};

static uint64_t *builder_alloc_table(void *ctx)
{
	struct pt_builder *b = ctx;

	if (b->next == b->end)
		return NULL;
	return phys_to_virt(b->p2m[b->next++] << PAGE_SHIFT);
}

static int map_guest_page(struct pt_builder *b, uint64_t root, uint64_t va,
			  uint64_t mfn, uint64_t flags)
{
	uint64_t *pte = pt_walk_create(phys_to_virt(root << PAGE_SHIFT), va, 1,
				       builder_alloc_table, b,
				       GUEST_TABLE_FLAGS);
	if (!pte)
		return -ENOMEM;
	*pte = (mfn << PAGE_SHIFT) | flags;
	return 0;
}

/* Tables a mapping of @pages pages at @va needs below the root, at most. */
static uint64_t tables_for_range(uint64_t va, uint64_t pages)
{
	uint64_t last = va + pages * PAGE_SIZE - 1;

	return ((last >> 21) - (va >> 21) + 1) + ((last >> 30) - (va >> 30) + 1) +
	       ((last >> 39) - (va >> 39) + 1);
}

uint64_t arch_pv_page_table_pages(const struct pv_layout *l)
{
	return 2 + tables_for_range(l->virt_base, l->mapped_pages + 2) +
	       2 * tables_for_range(l->user_window_vaddr, l->user_pages);
}

int arch_pv_build_address_space(struct domain *d, const uint64_t *p2m,
				const struct pv_layout *l)
{
	struct pt_builder b = { .p2m = p2m, .next = l->pt_first_page,
				.end = l->pt_first_page + l->pt_pages };
	const uint64_t rw = PTE_PRESENT | PTE_WRITE | PTE_USER;
	uint64_t kernel_root = p2m[b.next++];
	uint64_t user_root = p2m[b.next++];
	uint64_t user_first = l->mapped_pages - l->user_pages;
	int rc = 0;

	for (uint64_t n = 0; !rc && n < l->mapped_pages; n++) {
		bool table = n >= l->pt_first_page &&
			     n < l->pt_first_page + l->pt_pages;

		rc = map_guest_page(&b, kernel_root,
				    l->virt_base + n * PAGE_SIZE, p2m[n],
				    table ? rw & ~PTE_WRITE : rw);
	}
	if (!rc)
		rc = map_guest_page(&b, kernel_root, l->shared_info_vaddr,
				    l->shared_info_mfn, rw | PTE_NX);
	for (uint64_t n = user_first; !rc && n < l->mapped_pages; n++) {
		uint64_t va = l->user_window_vaddr + (n - user_first) * PAGE_SIZE;

		rc = map_guest_page(&b, user_root, va, p2m[n], rw);
		if (!rc)
			rc = map_guest_page(&b, kernel_root, va, p2m[n], rw);
	}
	if (rc)
		return rc;

	/* Now the same checks as for any guest-built table. */
	spin_lock(&memory_lock);
	rc = frame_pin(&machine_frames, kernel_root, d->domid, FRAME_TYPE_L4);
	if (!rc) {
		rc = frame_pin(&machine_frames, user_root, d->domid,
			       FRAME_TYPE_L4);
		if (rc)
			frame_unpin(&machine_frames, kernel_root, d->domid);
	}
	spin_unlock(&memory_lock);
	if (!rc)
		rc = pv_vcpu_set_roots(d->vcpus[0], kernel_root, user_root);
	return rc;
}
