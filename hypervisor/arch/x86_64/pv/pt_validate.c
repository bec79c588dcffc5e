/*
 * Guest page-table validation.
 *
 * Direct paging: a PV guest's page tables hold machine frame numbers and
 * the CPU walks them as they are. So every entry must be checked before
 * the CPU may see it, and the checks must stay true for as long as the
 * entry exists. That is done with references: a valid entry holds a
 * reference on the frame it names, and, for a link to a lower table, the
 * lower table's type; a writable L1 entry holds the target's writable
 * type. While those are held, the target cannot be freed, cannot change
 * owner, and cannot switch between "writable data" and "page table".
 *
 * validate() walks a table's 512 entries taking those references, and on
 * the first bad entry drops what it took. Linking a lower table takes its
 * type, which validates it in turn, so pinning an L4 validates the whole
 * tree under it. devalidate() is the reverse.
 *
 * An L4's hypervisor slots are not the guest's: whatever the guest wrote
 * there is ignored and replaced with Keel's entries once the rest is
 * valid, and cleared again when the frame stops being an L4.
 */
#include <errno_values.h>
#include <asm/pt_validate.h>

static bool pt_entry_flags_ok(uint64_t e, unsigned int level)
{
	return !(e & ~(level == 1 ? PT_L1_ALLOWED : PT_UPPER_ALLOWED));
}

int pt_entry_get(struct frame_table *ft, uint64_t e, unsigned int level,
		 uint16_t owner)
{
	uint64_t mfn = pte_mfn(e);

	if (!(e & PTE_PRESENT))
		return pt_nonpresent_ok(ft, e) ? 0 : -EINVAL;
	if (pt_entry_is_iomem(ft, e, level)) {
		if (e & ~PT_L1_IOMEM_ALLOWED)
			return -EINVAL;
		return ft->ops->iomem_check ?
		       ft->ops->iomem_check(ft, owner, mfn) : -EINVAL;
	}
	if (!pt_entry_flags_ok(e, level))
		return -EINVAL;
	if (level > 1)
		return frame_get_ref_and_type(ft, mfn, owner,
					      pt_level_type(level - 1));
	return frame_get_data_ref(ft, mfn, owner, e & PTE_WRITE);
}

bool pt_entry_is_foreign(struct frame_table *ft, uint64_t e,
			 unsigned int level, uint16_t owner)
{
	const struct frame *f = frame_of(ft, pte_mfn(e));

	return level == 1 && (e & PTE_PRESENT) && f && f->owner != owner &&
	       f->state != FRAME_STATE_UNMANAGED;
}

void pt_entry_put(struct frame_table *ft, uint64_t e, unsigned int level,
		  uint16_t owner)
{
	uint64_t mfn = pte_mfn(e);

	if (!(e & PTE_PRESENT) || pt_entry_is_iomem(ft, e, level) ||
	    pt_entry_is_foreign(ft, e, level, owner))
		return;
	if (level > 1)
		frame_put_ref_and_type(ft, mfn);
	else
		frame_put_data_ref(ft, mfn, e & PTE_WRITE);
}

int pt_validate_table(struct frame_table *ft, uint64_t mfn,
		      enum frame_type type)
{
	uint64_t *table = ft->ops->map(ft, mfn);
	unsigned int level = pt_type_level(type);
	uint16_t owner = ft->frames[mfn].owner;

	/* Most entries of most tables are empty, and an empty entry takes
	 * and holds nothing: the loops here skip those first. (That is the
	 * whole of pinning and unpinning a small process's tables.) */
	ft->entries_visited += 512;
	for (unsigned int i = 0; i < 512; i++) {
		uint64_t e = table[i];

		if (!e || pt_is_hypervisor_slot(level, i))
			continue;
		int rc = pt_entry_get(ft, e, level, owner);

		if (rc) {
			while (i-- > 0)
				if (table[i] && !pt_is_hypervisor_slot(level, i))
					pt_entry_put(ft, table[i], level, owner);
			return rc;
		}
	}
	if (level == 4)
		pt_fill_hypervisor_slots(table);
	return 0;
}

void pt_devalidate_table(struct frame_table *ft, uint64_t mfn,
			 enum frame_type type)
{
	uint64_t *table = ft->ops->map(ft, mfn);
	unsigned int level = pt_type_level(type);
	uint16_t owner = ft->frames[mfn].owner;

	ft->entries_visited += 512;
	if (level == 4)
		pt_clear_hypervisor_slots(table);
	for (unsigned int i = 0; i < 512; i++)
		if (table[i] && !pt_is_hypervisor_slot(level, i))
			pt_entry_put(ft, table[i], level, owner);
}
