/*
 * The address space the domain builder gives a PV guest (ABI 1.0).
 *
 * This is the fixed, hypervisor-built layout of the PV-core milestone;
 * guest-managed, validated page tables replace it in the PV-memory work.
 * Two roots per domain:
 *
 *   kernel root: all guest memory at [virt_base, virt_base + pages),
 *                the shared-info page just above it (after a guard page),
 *                and the user window at its user address too, so the
 *                kernel reaches user memory by user pointers;
 *   user root:   only the user window, at user_window_vaddr.
 *
 * Both carry the hypervisor's L4 slots without the user bit, so the
 * hypervisor is mapped (no CR3 switch on entry) but ring 3 cannot touch
 * it. Every guest mapping has the user bit at every level: guest kernel
 * and guest user both run in ring 3, and the roots are what separate them.
 */
#include <domain.h>
#include <errno_values.h>
#include <mm.h>
#include <string_ops.h>
#include <asm/paging.h>
#include <asm/pv.h>

#define GUEST_TABLE_FLAGS (PTE_PRESENT | PTE_WRITE | PTE_USER)

static uint64_t *guest_alloc_table(void *ctx)
{
	struct arch_domain *ad = ctx;

	if (ad->nr_pt_frames == ad->max_pt_frames)
		return NULL;
	paddr_t pa = frame_alloc(0);
	if (!pa)
		return NULL;
	ad->pt_frames[ad->nr_pt_frames++] = pa;
	return phys_to_virt(pa);
}

static int map_guest_page(struct arch_domain *ad, paddr_t root, uint64_t va,
			  paddr_t pa, uint64_t flags)
{
	uint64_t *pte = pt_walk_create(phys_to_virt(root), va, 1,
				       guest_alloc_table, ad, GUEST_TABLE_FLAGS);
	if (!pte)
		return -ENOMEM;
	*pte = pa | flags;
	return 0;
}

int arch_pv_build_address_space(struct domain *d, uint64_t virt_base,
				uint64_t user_first_page)
{
	struct arch_domain *ad = &d->arch;
	const uint64_t rw = PTE_PRESENT | PTE_WRITE | PTE_USER;
	uint64_t *table;
	int rc;

	/* Enough for: 2 roots, and per root and per 2 MiB of mappings one
	 * L1 (plus L2/L3 for each GiB), with slack for the separate ranges. */
	ad->max_pt_frames = 16 + 2 * (d->nr_pages / 512 + 1) +
			    2 * (d->nr_pages / (512 * 512) + 1);
	ad->pt_frames = xzalloc(ad->max_pt_frames * sizeof(paddr_t));
	if (!ad->pt_frames)
		return -ENOMEM;

	if (!(table = guest_alloc_table(ad)))
		return -ENOMEM;
	ad->kernel_root = virt_to_phys(table);
	pt_copy_hypervisor_slots(table);
	if (!(table = guest_alloc_table(ad)))
		return -ENOMEM;
	ad->user_root = virt_to_phys(table);
	pt_copy_hypervisor_slots(table);

	for (uint64_t n = 0; n < d->nr_pages; n++) {
		rc = map_guest_page(ad, ad->kernel_root, virt_base + n * PAGE_SIZE,
				    d->p2m[n], rw);
		if (rc)
			return rc;
	}
	rc = map_guest_page(ad, ad->kernel_root, ad->shared_info_vaddr,
			    virt_to_phys(d->shared_info), rw | PTE_NX);
	if (rc)
		return rc;
	for (uint64_t n = user_first_page; n < d->nr_pages; n++) {
		uint64_t off = (n - user_first_page) * PAGE_SIZE;

		rc = map_guest_page(ad, ad->user_root,
				    ad->user_window_vaddr + off, d->p2m[n], rw);
		if (!rc)
			rc = map_guest_page(ad, ad->kernel_root,
					    ad->user_window_vaddr + off,
					    d->p2m[n], rw);
		if (rc)
			return rc;
	}
	return 0;
}

void arch_domain_destroy(struct domain *d)
{
	struct arch_domain *ad = &d->arch;

	for (unsigned int i = 0; i < ad->nr_pt_frames; i++)
		frame_free(ad->pt_frames[i], 0);
	xfree(ad->pt_frames);
	ad->pt_frames = NULL;
	ad->nr_pt_frames = 0;
}
