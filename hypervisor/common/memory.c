/*
 * Guest memory: ownership, the M2P and reservations (memory_op).
 *
 * A domain's memory is the set of frames it holds an allocation
 * reference on (FRAME_FLAG_ALLOCATED); tot_pages counts them and
 * max_pages bounds them. Ballooning is the guest moving that number:
 * decrease_reservation gives frames back, increase_reservation and
 * populate_physmap take new ones, up to the maximum.
 *
 * A frame is only given back when nothing but the allocation reference
 * holds it: not mapped (by the owner or through a grant), not a page
 * table, not pinned. Otherwise the guest would free a frame the CPU can
 * still reach, and the next owner's data would be exposed.
 */
#include <domain.h>
#include <errno_values.h>
#include <grant_table.h>
#include <hypercall.h>
#include <keel/memory.h>
#include <memory.h>
#include <mm.h>
#include <panic.h>
#include <percpu.h>
#include <printk.h>
#include <asm/pv.h>

struct frame_table machine_frames;
spinlock_t memory_lock = SPINLOCK_INIT;
uint64_t *m2p_table;
uint64_t m2p_entries;

void memory_init(void)
{
	machine_frames.frames = mm_frame_table(&machine_frames.nr_frames);
	machine_frames.ops = &arch_frame_table_ops;
	for (uint64_t mfn = 0; mfn < machine_frames.nr_frames; mfn++)
		machine_frames.frames[mfn].owner = FRAME_OWNER_NONE;

	uint64_t bytes = machine_frames.nr_frames * sizeof(uint64_t);
	unsigned int order = frame_order_for(bytes);
	paddr_t pa = frame_alloc(order);

	if (!pa)
		panic("no memory for the M2P table (%llu KiB)",
		      (unsigned long long)(bytes >> 10));
	m2p_table = phys_to_virt(pa);
	m2p_entries = machine_frames.nr_frames;
	for (uint64_t mfn = 0; mfn < m2p_entries; mfn++)
		m2p_table[mfn] = KEEL_M2P_INVALID;
	arch_map_m2p(pa, ALIGN_UP(bytes, PAGE_SIZE));
	printk("Memory: M2P of %llu entries, read-only to guests at %#llx\n",
	       (unsigned long long)m2p_entries,
	       (unsigned long long)KEEL_M2P_VADDR);
}

/* Work of the hypercall running on each CPU. */
static struct memory_work {
	uint64_t visited;
	uint64_t requests;
	bool in_multicall;	/* the entries share the multicall's budget */
} memory_work[NR_CPUS];

void memory_work_begin(void)
{
	struct memory_work *w = &memory_work[smp_processor_id()];

	if (!w->in_multicall) {
		w->visited = 0;
		w->requests = 0;
	}
}

void memory_work_multicall(bool entering)
{
	struct memory_work *w = &memory_work[smp_processor_id()];

	w->in_multicall = false;
	if (entering) {
		memory_work_begin();
		w->in_multicall = true;
	}
}

bool memory_work_allowed(void)
{
	const struct memory_work *w = &memory_work[smp_processor_id()];

	return !w->requests || w->visited < MEMORY_WORK_BUDGET;
}

void memory_work_charge(uint64_t visited_before)
{
	struct memory_work *w = &memory_work[smp_processor_id()];

	w->visited += machine_frames.entries_visited - visited_before;
	w->requests++;
}

uint64_t domain_memory_add_given_frame(struct domain *d, uint64_t gpfn,
				       uint64_t mfn)
{
	if (d->tot_pages >= d->max_pages)
		return 0;
	frame_assign(&machine_frames, mfn, d->domid, false);
	m2p_table[mfn] = gpfn;
	d->tot_pages++;
	return mfn;
}

uint64_t domain_memory_add_frame(struct domain *d, uint64_t gpfn)
{
	if (d->tot_pages >= d->max_pages)
		return 0;
	paddr_t pa = frame_alloc(0);
	if (!pa)
		return 0;
	return domain_memory_add_given_frame(d, gpfn, pa >> PAGE_SHIFT);
}

void domain_memory_release(struct domain *d)
{
	spin_lock(&memory_lock);
	arch_domain_release_roots(d);
	grant_table_release(d);
	uint64_t alive = frame_release_domain(&machine_frames, d->domid);
	d->tot_pages = 0;
	spin_unlock(&memory_lock);
	if (alive)
		printk("Domain %u: %llu frames stay until other domains "
		       "unmap them\n", d->domid, (unsigned long long)alive);
}

/* memory_op */

/* The domain a reservation call names: the caller only. */
static int reservation_target(const struct keel_memory_reservation *r,
			      struct domain *self)
{
	if (r->extent_order != 0 || r->pad)
		return -EINVAL;
	if (r->nr_extents > KEEL_MEMOP_EXTENTS_MAX)
		return -EINVAL;
	if (!domid_names_self(self, r->domid))
		return -EPERM;
	return 0;
}

/* One extent of decrease_reservation: give back frame @mfn, which must
 * be ours and otherwise unused (frame_relinquish()); its release clears
 * its M2P entry. */
static int reservation_remove_one(struct domain *d, uint64_t mfn)
{
	spin_lock(&memory_lock);
	int rc = frame_relinquish(&machine_frames, mfn, d->domid);
	if (!rc)
		d->tot_pages--;
	spin_unlock(&memory_lock);
	return rc;
}

/* One extent of increase_reservation (@gpfn KEEL_M2P_INVALID) or of
 * populate_physmap: a new frame, whose MFN goes back to @slot. */
static int reservation_add_one(struct domain *d, uint64_t slot, uint64_t gpfn)
{
	spin_lock(&memory_lock);
	uint64_t mfn = domain_memory_add_frame(d, gpfn);
	spin_unlock(&memory_lock);
	if (!mfn)
		return -ENOMEM;
	if (!copy_to_guest(slot, &mfn, sizeof(mfn)))
		return 0;
	/* The guest cannot learn the frame: take it back. */
	reservation_remove_one(d, mfn);
	return -EFAULT;
}

static long memory_reservation(unsigned long cmd, unsigned long arg)
{
	struct domain *d = current_vcpu()->domain;
	struct keel_memory_reservation r;
	uint64_t done;
	int rc = 0;

	if (copy_from_guest(&r, arg, sizeof(r)))
		return -EFAULT;
	rc = reservation_target(&r, d);
	if (rc)
		return rc;
	for (done = 0; done < r.nr_extents; done++) {
		uint64_t slot = r.extent_start + done * sizeof(uint64_t);
		uint64_t value = KEEL_M2P_INVALID;

		if (cmd != KEEL_MEMOP_increase_reservation &&
		    copy_from_guest(&value, slot, sizeof(value))) {
			rc = -EFAULT;
			break;
		}
		if (cmd == KEEL_MEMOP_decrease_reservation)
			rc = reservation_remove_one(d, value);
		else
			rc = reservation_add_one(d, slot, value);
		if (rc)
			break;
	}
	/* The number of extents done; an error only if none was. */
	return done ? (long)done : rc;
}

static long memory_reservation_size(unsigned long cmd, unsigned long domid)
{
	struct domain *self = current_vcpu()->domain;
	struct domain *d = self;
	long pages;

	if (!domid_names_self(self, domid)) {
		if (!self->privileged)
			return -EPERM;
		if (domid > 0xffff || !(d = domain_by_id((uint16_t)domid)))
			return -ESRCH;
	}
	spin_lock(&memory_lock);
	pages = (long)(cmd == KEEL_MEMOP_current_reservation ? d->tot_pages :
							      d->max_pages);
	spin_unlock(&memory_lock);
	if (d != self)
		domain_put(d);
	return pages;
}

long do_memory_op(unsigned long cmd, unsigned long arg)
{
	switch (cmd) {
	case KEEL_MEMOP_increase_reservation:
	case KEEL_MEMOP_decrease_reservation:
	case KEEL_MEMOP_populate_physmap:
		return memory_reservation(cmd, arg);
	case KEEL_MEMOP_current_reservation:
	case KEEL_MEMOP_maximum_reservation:
		return memory_reservation_size(cmd, arg);
	default:
		return -ENOSYS;
	}
}
