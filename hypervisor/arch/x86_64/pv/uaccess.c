/*
 * Access to guest memory on a guest's behalf.
 *
 * A guest pointer is hostile. Two checks guard every access:
 *   1. guest_range_ok(): the range must be canonical, must not wrap, and
 *      must stay clear of the hypervisor's L4 slots, which are mapped in
 *      every guest page table (ring 0 could read them, ring 3 not).
 *   2. The copy itself runs through the current guest's page tables with
 *      an exception-table fixup, so an unmapped page ends in -EFAULT.
 * copy_to_guest() and copy_from_guest() (asm/pv.h) do both; this file
 * holds the fixup side.
 */
#include <errno_values.h>
#include <asm/layout.h>
#include <asm/pv.h>

struct exception_entry {
	uint64_t fault_rip;
	uint64_t fixup_rip;
};

extern const struct exception_entry __ex_table_start[], __ex_table_end[];
bool fixup_exception(struct cpu_user_regs *regs)
{
	for (const struct exception_entry *e = __ex_table_start;
	     e < __ex_table_end; e++) {
		if (e->fault_rip == regs->rip) {
			regs->rip = e->fixup_rip;
			return true;
		}
	}
	return false;
}
