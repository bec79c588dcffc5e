/*
 * The MMU of PV guests: mmu_update, mmuext_op, update_va_mapping, the
 * vCPUs' page-table roots, and TLB shootdown.
 *
 * Every change to a guest page table goes through pt_update_entry(): the
 * new entry's references are taken first (which validates it, and any
 * table it links), the entry is written, and the old entry's references
 * are dropped only after every CPU that may have cached a translation
 * through the old entry has flushed its TLB. Dropping first would leave a
 * window in which, say, a frame just retyped as a page table is still
 * writable through another CPU's stale TLB entry. So old entries wait in
 * a small batch (struct mmu_batch), which one shootdown empties at the
 * end of each hypercall, or earlier when it fills.
 *
 * Which CPUs to flush: those whose CR3 holds one of the domain's roots
 * right now (loaded_domid[]). A CPU that loads one later gets a clean
 * TLB from the CR3 write itself, as guest mappings are never global.
 */
#include <domain.h>
#include <errno_values.h>
#include <grant_table.h>
#include <hypercall.h>
#include <keel/memory.h>
#include <memory.h>
#include <mm.h>
#include <panic.h>
#include <iomem.h>
#include <percpu.h>
#include <smp.h>
#include <asm/cpu.h>
#include <asm/pt_validate.h>
#include <asm/pv.h>

#define FLUSH_ALL_VA  (~0ULL)

/* Frame table ops */

static void *frame_map(struct frame_table *ft, uint64_t mfn)
{
	(void)ft;
	return phys_to_virt(mfn << PAGE_SHIFT);
}

static void frame_release(struct frame_table *ft, uint64_t mfn)
{
	(void)ft;
	m2p_table[mfn] = KEEL_M2P_INVALID;
	frame_free(mfn << PAGE_SHIFT, 0);
}

static int frame_iomem_check(struct frame_table *ft, uint16_t owner,
			     uint64_t mfn)
{
	(void)ft;
	return iomem_frame_check(owner, mfn);
}

const struct frame_table_ops arch_frame_table_ops = {
	.validate = pt_validate_table,
	.devalidate = pt_devalidate_table,
	.release = frame_release,
	.map = frame_map,
	.iomem_check = frame_iomem_check,
};

/* TLB shootdown */

/* The domain whose page tables each CPU has loaded, FRAME_OWNER_NONE for
 * the hypervisor's own. Domain ids are never reused, so a stale id here
 * costs at most a needless flush. */
static uint16_t loaded_domid[NR_CPUS];
/* The root each CPU has in CR3, as pv_load_page_table() loaded it; 0:
 * not known (the CPU has not loaded one through it yet). Every CR3 write
 * goes through load_page_table(), or writes back what is loaded
 * (tlb_flush_local()), so while a guest runs, loaded_root[cpu] is its
 * CR3 and loaded_domid[cpu] its domain: pv/entry.S's SWITCH_MODE relies
 * on that, and keeps loaded_root too. */
paddr_t loaded_root[NR_CPUS];

void pv_mmu_cpu_init(unsigned int cpu)
{
	loaded_domid[cpu] = FRAME_OWNER_NONE;
	loaded_root[cpu] = 0;
}

static inline bool loaded_on(unsigned int cpu, uint16_t domid, paddr_t root)
{
	return loaded_root[cpu] == root && loaded_domid[cpu] == domid;
}

bool pv_page_table_loaded(uint16_t domid, paddr_t root)
{
	return loaded_on(smp_processor_id(), domid, root);
}

/* pv_load_page_table(), inline for pv_switch_mode(). */
static inline void load_page_table(uint16_t domid, paddr_t root)
{
	unsigned int cpu = smp_processor_id();

	/*
	 * The same domain's same root is loaded already: the CR3 write would
	 * change nothing but flush the TLB, and nothing needs that flush.
	 * Every change to a guest's tables goes through Keel, which flushes
	 * each CPU that has the domain loaded as it makes it; and domain ids
	 * are never reused, so the TLB holds nothing of another domain's.
	 * This is what a NEW_BASEPTR of the root in use, a mode switch of a
	 * vCPU whose kernel and user roots are one table, and a context
	 * switch between two vCPUs on one root (pv_leave_address_space())
	 * come to.
	 */
	if (loaded_on(cpu, domid, root))
		return;
	/* Announce first, then load: a flusher that misses the announcement
	 * changed its entry before this CR3 write, which flushes. A switch
	 * between a domain's kernel and user roots (every trap bounce and
	 * return to user) announces nothing new and skips the fenced store. */
	if (loaded_domid[cpu] != domid)
		__atomic_store_n(&loaded_domid[cpu], domid, __ATOMIC_SEQ_CST);
	loaded_root[cpu] = root;
	write_cr3(root);
}

void pv_load_page_table(uint16_t domid, paddr_t root)
{
	load_page_table(domid, root);
}

/*
 * Switch @v between guest kernel and user mode: its root for the new
 * mode, the GS base it has there (a swapgs: asm/domain.h), and for the
 * hardware domain the I/O bitmap, which its kernel has and its programs
 * do not. Here, beside pv_load_page_table(),
 * so that the two compile into one function: every trap bounce from user
 * mode and every iret to user mode makes one switch. The iret hypercall
 * enters user mode only when the vCPU has a user root, so the root for
 * either mode exists here.
 */
void pv_switch_mode(struct vcpu *v, bool kernel_mode)
{
	/* The other mode's GS base is in KERNEL_GS_BASE (asm/domain.h), for
	 * the vCPU running here. */
	ASSERT(v == current_vcpu());
	if (v->kernel_mode != kernel_mode)
		asm volatile("swapgs");
	if (v->arch.io_ports)
		this_cpu()->arch.tss.iomap_base = pv_iomap_base(v, kernel_mode);
	v->kernel_mode = kernel_mode;
	load_page_table(v->domain->domid, pv_vcpu_root(v) << PAGE_SHIFT);
}

static void tlb_flush_local(void)
{
	write_cr3(read_cr3());
}

static void tlb_flush_call(void *data)
{
	uint64_t va = (uint64_t)data;

	if (va == FLUSH_ALL_VA)
		tlb_flush_local();
	else
		invlpg((const void *)va);
}

/* Flush @va, or everything, on every CPU that has @d's tables loaded. */
static void flush_domain_tlbs(struct domain *d, uint64_t va)
{
	cpumask_t self = 1ULL << smp_processor_id();
	cpumask_t mask = 0;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned int cpu = 0; cpu < nr_cpus_online; cpu++)
		if (__atomic_load_n(&loaded_domid[cpu], __ATOMIC_SEQ_CST) ==
		    d->domid)
			mask |= 1ULL << cpu;
	/* The common case, a domain running only here: no IPI machinery. */
	if (mask == self)
		tlb_flush_call((void *)va);
	else if (mask)
		smp_call_function_mask(mask & cpu_online_mask(), tlb_flush_call,
				       (void *)va);
}

/* Deferred drops of old entries' references (see the top). */

#define MMU_BATCH_PUTS 32

struct mmu_batch {
	struct domain *d;
	unsigned int nr;
	uint64_t entry[MMU_BATCH_PUTS];
	uint8_t level[MMU_BATCH_PUTS];
};

static void mmu_batch_finish(struct mmu_batch *b)
{
	if (!b->nr)
		return;
	flush_domain_tlbs(b->d, FLUSH_ALL_VA);
	for (unsigned int i = 0; i < b->nr; i++)
		pt_entry_put(&machine_frames, b->entry[i], b->level[i],
			     b->d->domid);
	b->nr = 0;
}

static void mmu_batch_defer_put(struct mmu_batch *b, uint64_t old,
				unsigned int level)
{
	if (!(old & PTE_PRESENT))
		return;
	if (b->nr == MMU_BATCH_PUTS)
		mmu_batch_finish(b);
	b->entry[b->nr] = old;
	b->level[b->nr] = (uint8_t)level;
	b->nr++;
}

/*
 * A request whose frame is not a page table in use is a write to ordinary
 * memory (ABI 1.2), as Xen's is: a kernel builds a table with the same
 * call it uses for tables in use (Linux's set_pte() cannot tell them
 * apart early in boot). The caller owns the frame and could map it
 * writable, so nothing is checked and no reference changes. Only a frame
 * with no type in use, or the writable type, qualifies: any other type
 * (a descriptor table, which no call makes yet) is refused.
 */
static int plain_memory_write(const struct frame *f, uint64_t *slot,
			      uint64_t val, uint64_t *old_out)
{
	if (f->type_count && f->type != FRAME_TYPE_WRITABLE)
		return -EINVAL;
	if (old_out)
		*old_out = __atomic_exchange_n(slot, val, __ATOMIC_SEQ_CST);
	else
		__atomic_store_n(slot, val, __ATOMIC_RELEASE);
	return 0;
}

/*
 * Write entry @index of table @table_mfn, one of the caller's frames: a
 * page table in use (it has a table type), or ordinary memory, which
 * plain_memory_write() takes. -EPERM also for the
 * hypervisor slots of an L4 and for a grant mapping, which only grant
 * unmap may remove.
 *
 * With @old_out, the write is an atomic exchange and *@old_out gets the
 * entry it replaced. That matters because other CPUs running the guest
 * may set the accessed and dirty bits of a present entry at any time: a
 * guest that read the entry, then wrote a new one, would lose the bits
 * set in between (Linux's ptep_get_and_clear and friends rely on not
 * losing them).
 */
static int pt_update_entry(struct mmu_batch *b, uint64_t table_mfn,
			   unsigned int index, uint64_t val, uint64_t *old_out)
{
	struct frame_table *ft = &machine_frames;
	uint16_t owner = b->d->domid;
	int rc = frame_get_ref(ft, table_mfn, owner);

	if (rc)
		return rc;
	const struct frame *f = frame_of(ft, table_mfn);
	unsigned int level = pt_type_level(f->type);
	uint64_t *slot = (uint64_t *)phys_to_virt(table_mfn << PAGE_SHIFT) +
			 index;
	uint64_t old = *slot;

	if (!frame_type_is_table(f->type) || !f->type_count) {
		rc = plain_memory_write(f, slot, val, old_out);
		goto out;
	} else if (pt_is_hypervisor_slot(level, index) ||
		 pt_entry_is_foreign(ft, old, level, owner))
		rc = -EPERM;
	else if (old != val || (old_out && (old & PTE_PRESENT)))
		rc = pt_entry_get(ft, val, level, owner);
	else {
		/* Nothing changes; the CPU never writes an entry that is not
		 * present, so @old is still what the slot holds. */
		if (old_out)
			*old_out = old;
		goto out;
	}
	if (rc)
		goto out;
	if (old_out) {
		/* Only A and D can have changed since @old was read, and the
		 * references depend on neither. */
		old = __atomic_exchange_n(slot, val, __ATOMIC_SEQ_CST);
		*old_out = old;
	} else {
		__atomic_store_n(slot, val, __ATOMIC_RELEASE);
	}
	mmu_batch_defer_put(b, old, level);
out:
	frame_put_ref(ft, table_mfn);
	return rc;
}

/* The L1 table that maps @va under root @root_mfn, or -EINVAL when a
 * level above has no table there. The levels of a validated root are
 * validated tables, so each step lands on a table of the next level. */
static int l1_table_of(uint64_t root_mfn, uint64_t va, uint64_t *l1_mfn)
{
	uint64_t mfn = root_mfn;

	if (!mfn)
		return -EINVAL;
	for (unsigned int level = 4; level > 1; level--) {
		const uint64_t *table = phys_to_virt(mfn << PAGE_SHIFT);
		uint64_t e = table[(va >> (12 + 9 * (level - 1))) & 511];

		if (!(e & PTE_PRESENT))
			return -EINVAL;
		mfn = pte_mfn(e);
	}
	*l1_mfn = mfn;
	return 0;
}

/* mmu_update */

/* One request; for KEEL_MMU_PT_EXCHANGE, *@old gets the old entry. */
static int mmu_update_one(struct mmu_batch *b, const struct keel_mmu_update *r,
			  uint64_t *old)
{
	uint64_t mfn = r->ptr >> PAGE_SHIFT;
	unsigned int index = (r->ptr & (PAGE_SIZE - 1)) >> 3;
	int rc;

	switch (r->ptr & 3) {
	case KEEL_MMU_NORMAL_PT_UPDATE:
		if (r->ptr & 4)
			return -EINVAL;
		return pt_update_entry(b, mfn, index, r->val, NULL);
	case KEEL_MMU_PT_EXCHANGE:
		if (r->ptr & 4)
			return -EINVAL;
		return pt_update_entry(b, mfn, index, r->val, old);
	case KEEL_MMU_MACHPHYS_UPDATE:
		rc = frame_get_ref(&machine_frames, mfn, b->d->domid);
		if (rc)
			return rc;
		m2p_table[mfn] = r->val;
		frame_put_ref(&machine_frames, mfn);
		return 0;
	default:
		return -EINVAL;
	}
}

/* Report how many requests were done, to @done_ptr when given. */
static int report_done(unsigned long done_ptr, uint64_t done, int rc)
{
	if (done_ptr && copy_to_guest(done_ptr, &done, sizeof(done)) && !rc)
		return -EFAULT;
	return rc;
}

long do_mmu_update(unsigned long reqs, unsigned long count,
		   unsigned long done_ptr, unsigned long foreign_domid)
{
	struct domain *d = current_vcpu()->domain;
	struct mmu_batch b = { .d = d };
	uint64_t done;
	int rc = 0;

	if (!domid_names_self(d, foreign_domid))
		return -EPERM;
	if (count > KEEL_MMU_UPDATE_MAX)
		return -EINVAL;
	memory_work_begin();
	/* The lock is held per request, so other domains' calls get their
	 * turn; old entries wait in the batch across the gaps (their
	 * references are still held, so nothing can free them). */
	for (done = 0; done < count; done++) {
		struct keel_mmu_update r;

		if (!memory_work_allowed()) {
			rc = -EAGAIN;
			break;
		}
		if (copy_from_guest(&r, reqs + done * sizeof(r), sizeof(r))) {
			rc = -EFAULT;
			break;
		}
		uint64_t old;
		spin_lock(&memory_lock);
		uint64_t visited = machine_frames.entries_visited;
		rc = mmu_update_one(&b, &r, &old);
		memory_work_charge(visited);
		spin_unlock(&memory_lock);
		if (rc)
			break;
		/* An exchange is done once the entry is written; if the old
		 * value cannot be handed back, say so after counting it. */
		if ((r.ptr & 3) == KEEL_MMU_PT_EXCHANGE &&
		    copy_to_guest(reqs + done * sizeof(r) +
				  offsetof(struct keel_mmu_update, val),
				  &old, sizeof(old))) {
			done++;
			rc = -EFAULT;
			break;
		}
	}
	spin_lock(&memory_lock);
	mmu_batch_finish(&b);
	spin_unlock(&memory_lock);
	return report_done(done_ptr, done, rc);
}

/* Roots */

/* An L4 reference for a new root @mfn of @v; 0 is "no root", allowed
 * only where @allow_none. */
static int root_get(struct vcpu *v, uint64_t mfn, bool allow_none)
{
	if (!mfn && allow_none)
		return 0;
	return frame_get_ref_and_type(&machine_frames, mfn, v->domain->domid,
				      FRAME_TYPE_L4);
}

/* Make @mfn (already referenced) the root in @slot, one of @v's two;
 * reload CR3 if that is the root running here; drop the old root. */
static void root_install(struct vcpu *v, uint64_t *slot, uint64_t mfn)
{
	uint64_t old = *slot;

	*slot = mfn;
	if (v == current_vcpu() && slot == &v->arch.kernel_root &&
	    v->kernel_mode)
		pv_load_page_table(v->domain->domid, mfn << PAGE_SHIFT);
	if (old)
		frame_put_ref_and_type(&machine_frames, old);
}

static int set_root(struct vcpu *v, uint64_t *slot, uint64_t mfn,
		    bool allow_none)
{
	int rc = root_get(v, mfn, allow_none);

	if (!rc)
		root_install(v, slot, mfn);
	return rc;
}

int pv_vcpu_set_roots(struct vcpu *v, uint64_t kernel_root,
		      uint64_t user_root)
{
	spin_lock(&memory_lock);
	/* Both or neither: take the new pair before giving up the old. */
	int rc = root_get(v, kernel_root, false);
	if (!rc) {
		rc = root_get(v, user_root, true);
		if (rc)
			frame_put_ref_and_type(&machine_frames, kernel_root);
	}
	if (!rc) {
		root_install(v, &v->arch.kernel_root, kernel_root);
		root_install(v, &v->arch.user_root, user_root);
	}
	spin_unlock(&memory_lock);
	return rc;
}

void arch_domain_release_roots(struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpus[i];

		if (!v)
			continue;
		if (v->arch.kernel_root)
			frame_put_ref_and_type(&machine_frames,
					       v->arch.kernel_root);
		if (v->arch.user_root)
			frame_put_ref_and_type(&machine_frames,
					       v->arch.user_root);
		v->arch.kernel_root = v->arch.user_root = 0;
	}
}

/* mmuext_op */

static int mmuext_flush(struct domain *d, const struct keel_mmuext_op *op,
			uint64_t va)
{
	uint64_t vcpus;

	if (va != FLUSH_ALL_VA && !guest_range_ok(va, 1))
		return -EINVAL;
	switch (op->cmd) {
	case KEEL_MMUEXT_TLB_FLUSH_MULTI:
	case KEEL_MMUEXT_INVLPG_MULTI:
		/* Read the mask to check it; flush every CPU holding the
		 * domain's tables, a superset of those vCPUs. */
		if (copy_from_guest(&vcpus, op->arg2, sizeof(vcpus)))
			return -EFAULT;
		/* fall through */
	case KEEL_MMUEXT_TLB_FLUSH_ALL:
	case KEEL_MMUEXT_INVLPG_ALL:
		flush_domain_tlbs(d, va);
		return 0;
	default:
		tlb_flush_call((void *)va);
		return 0;
	}
}

static int mmuext_one(struct vcpu *v, const struct keel_mmuext_op *op)
{
	struct domain *d = v->domain;

	if (op->pad)
		return -EINVAL;
	switch (op->cmd) {
	case KEEL_MMUEXT_PIN_L1_TABLE:
	case KEEL_MMUEXT_PIN_L2_TABLE:
	case KEEL_MMUEXT_PIN_L3_TABLE:
	case KEEL_MMUEXT_PIN_L4_TABLE:
		return frame_pin(&machine_frames, op->arg1, d->domid,
				 pt_level_type(op->cmd -
					       KEEL_MMUEXT_PIN_L1_TABLE + 1));
	case KEEL_MMUEXT_UNPIN_TABLE:
		return frame_unpin(&machine_frames, op->arg1, d->domid);
	case KEEL_MMUEXT_NEW_BASEPTR:
		return set_root(v, &v->arch.kernel_root, op->arg1, false);
	case KEEL_MMUEXT_NEW_USER_BASEPTR:
		return set_root(v, &v->arch.user_root, op->arg1, true);
	case KEEL_MMUEXT_TLB_FLUSH_LOCAL:
	case KEEL_MMUEXT_TLB_FLUSH_MULTI:
	case KEEL_MMUEXT_TLB_FLUSH_ALL:
		return mmuext_flush(d, op, FLUSH_ALL_VA);
	case KEEL_MMUEXT_INVLPG_LOCAL:
	case KEEL_MMUEXT_INVLPG_MULTI:
	case KEEL_MMUEXT_INVLPG_ALL:
		return mmuext_flush(d, op, op->arg1);
	default:
		return -ENOSYS;
	}
}

long do_mmuext_op(unsigned long ops, unsigned long count,
		  unsigned long done_ptr, unsigned long foreign_domid)
{
	struct vcpu *v = current_vcpu();
	uint64_t done;
	int rc = 0;

	if (!domid_names_self(v->domain, foreign_domid))
		return -EPERM;
	if (count > KEEL_MMUEXT_OP_MAX)
		return -EINVAL;
	memory_work_begin();
	for (done = 0; done < count; done++) {
		struct keel_mmuext_op op;

		if (!memory_work_allowed()) {
			rc = -EAGAIN;
			break;
		}
		if (copy_from_guest(&op, ops + done * sizeof(op), sizeof(op))) {
			rc = -EFAULT;
			break;
		}
		spin_lock(&memory_lock);
		uint64_t visited = machine_frames.entries_visited;
		rc = mmuext_one(v, &op);
		memory_work_charge(visited);
		spin_unlock(&memory_lock);
		if (rc)
			break;
	}
	return report_done(done_ptr, done, rc);
}

/* update_va_mapping */

long do_update_va_mapping(unsigned long va, unsigned long val,
			  unsigned long flags)
{
	struct vcpu *v = current_vcpu();
	struct mmu_batch b = { .d = v->domain };
	unsigned int flush = flags & KEEL_UVMF_FLUSH_MASK;
	uint64_t l1_mfn;
	int rc;

	if ((flags & ~(KEEL_UVMF_FLUSH_MASK | KEEL_UVMF_ALL)) ||
	    flush == KEEL_UVMF_FLUSH_MASK || !guest_range_ok(va, 1))
		return -EINVAL;
	spin_lock(&memory_lock);
	rc = l1_table_of(v->arch.kernel_root, va, &l1_mfn);
	if (!rc)
		rc = pt_update_entry(&b, l1_mfn, (va >> PAGE_SHIFT) & 511, val,
				     NULL);
	/* Replacing a present entry already flushed every CPU that has our
	 * tables loaded, this one included: more than any flush asked for. */
	bool flushed = b.nr != 0;
	mmu_batch_finish(&b);
	if (!rc && flush && !flushed) {
		uint64_t what = flush == KEEL_UVMF_INVLPG ? va : FLUSH_ALL_VA;

		if (flags & KEEL_UVMF_ALL)
			flush_domain_tlbs(v->domain, what);
		else
			tlb_flush_call((void *)what);
	}
	spin_unlock(&memory_lock);
	return rc;
}

/* Grant mappings (common/grant_table.c decides; this writes the entry). */

int arch_grant_map(struct vcpu *v, uint64_t va, uint64_t mfn, bool readonly,
		   uint64_t *pte_maddr)
{
	uint64_t l1_mfn;

	if ((va & (PAGE_SIZE - 1)) || !guest_range_ok(va, PAGE_SIZE))
		return -EINVAL;
	int rc = l1_table_of(v->arch.kernel_root, va, &l1_mfn);
	if (rc)
		return rc;
	unsigned int index = (va >> PAGE_SHIFT) & 511;
	uint64_t *slot = (uint64_t *)phys_to_virt(l1_mfn << PAGE_SHIFT) + index;

	if (*slot & PTE_PRESENT)
		return -EBUSY;
	__atomic_store_n(slot, (mfn << PAGE_SHIFT) | PTE_PRESENT | PTE_USER |
			 PTE_ACCESSED | PTE_DIRTY | PTE_NX |
			 (readonly ? 0 : PTE_WRITE), __ATOMIC_RELEASE);
	*pte_maddr = (l1_mfn << PAGE_SHIFT) | (index * sizeof(uint64_t));
	return 0;
}

void arch_grant_unmap(struct domain *d, uint64_t pte_maddr, uint64_t mfn)
{
	uint64_t l1_mfn = pte_maddr >> PAGE_SHIFT;
	const struct frame *f = frame_of(&machine_frames, l1_mfn);

	/* The table may have stopped being one of d's L1s since (unpinned,
	 * reused): then the entry is not the CPU's business any more. */
	if (f && f->ref_count && f->owner == d->domid &&
	    f->type == FRAME_TYPE_L1 && f->type_count) {
		uint64_t *slot = phys_to_virt(pte_maddr);

		if ((*slot & PTE_PRESENT) && pte_mfn(*slot) == mfn)
			__atomic_store_n(slot, 0, __ATOMIC_RELEASE);
	}
	flush_domain_tlbs(d, FLUSH_ALL_VA);
}
