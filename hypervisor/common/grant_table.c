/*
 * Grant tables: one domain lets another map or copy one of its frames.
 *
 * The granter writes entries in its shared grant frames (keel/
 * grant_table.h). Keel never trusts them beyond the moment it reads
 * them: what a grant is *doing* lives in Keel's own memory,
 *
 *   struct grant_active   per entry of the granter: how many users the
 *                         grant has (mappings, and copies under way) and
 *                         how many of them write, and the frame they use;
 *   struct grant_mapping  per handle of the grantee: which grant it maps,
 *                         where, and how.
 *
 * How one entry goes from granted to in use and back, and why a grant
 * in use cannot be revoked: include/grant_entry.h. A granter that
 * overwrites its entries anyway (it owns the page) gains nothing: every
 * mapping holds a reference on the frame it maps, which stays allocated,
 * owned and typed as it was until the mapping goes.
 *
 * Everything here runs under memory_lock.
 */
#include <domain.h>
#include <errno_values.h>
#include <grant_entry.h>
#include <grant_table.h>
#include <hypercall.h>
#include <heap.h>
#include <keel/grant_table.h>
#include <memory.h>
#include <mm.h>
#include <string_ops.h>
#include <asm/pv.h>

#define GRANT_MAX_ENTRIES \
	(KEEL_GRANT_MAX_FRAMES * KEEL_GRANT_ENTRIES_PER_FRAME)

struct grant_mapping {
	bool in_use;
	bool readonly;
	uint16_t granter;
	keel_grant_ref_t ref;
	uint64_t host_addr;
	uint64_t pte_maddr;	/* the entry arch_grant_map() wrote */
	uint64_t frame;
};

struct grant_table {
	unsigned int nr_frames;
	uint64_t frames[KEEL_GRANT_MAX_FRAMES];		/* MFNs */
	struct grant_active active[GRANT_MAX_ENTRIES];
	struct grant_mapping maptrack[KEEL_GRANT_MAX_MAPPINGS];
};

static struct grant_table *grant_table_of(struct domain *d)
{
	if (!d->grant_table)
		d->grant_table = xzalloc(sizeof(*d->grant_table));
	return d->grant_table;
}

static struct keel_grant_entry *grant_entry(struct grant_table *gt,
					    keel_grant_ref_t ref)
{
	struct keel_grant_entry *page =
		phys_to_virt(gt->frames[ref / KEEL_GRANT_ENTRIES_PER_FRAME] <<
			     PAGE_SHIFT);

	return &page[ref % KEEL_GRANT_ENTRIES_PER_FRAME];
}

/*
 * Take grant @ref of @granter for @grantee: mark it in use in the shared
 * entry, and take a reference (and, to write, the writable type) on its
 * frame. -EINVAL: no such entry; -EPERM: not granted to @grantee, or
 * read-only and @write, or the frame is not one the granter may grant;
 * -EBUSY: the frame is a page table and @write, or the grant has
 * UINT16_MAX users already.
 */
static int grant_acquire(struct domain *granter, keel_grant_ref_t ref,
			 struct domain *grantee, bool write, uint64_t *mfn)
{
	struct grant_table *gt = granter->grant_table;

	if (!gt || ref >= gt->nr_frames * KEEL_GRANT_ENTRIES_PER_FRAME)
		return -EINVAL;
	struct keel_grant_entry *e = grant_entry(gt, ref);
	struct grant_active *act = &gt->active[ref];
	uint64_t frame;
	int rc = grant_entry_claim(e, act, grantee->domid, write, &frame);

	if (rc)
		return rc;
	const struct frame *f = frame_of(&machine_frames, frame);

	/* Keel's pages shared with the granter (shared info, grant frames)
	 * are not the granter's to pass on. */
	if (f && (f->flags & FRAME_FLAG_SHARED))
		rc = -EPERM;
	else
		rc = frame_get_data_ref(&machine_frames, frame, granter->domid,
					write);
	if (rc) {
		grant_entry_unclaim(e, act, write);
		return rc;
	}
	grant_active_add(act, frame, write);
	*mfn = frame;
	return 0;
}

/* Undo grant_acquire(). @granter may be gone (NULL): then only the frame
 * references remain to drop. */
static void grant_release(struct domain *granter, keel_grant_ref_t ref,
			  uint64_t mfn, bool write)
{
	frame_put_data_ref(&machine_frames, mfn, write);
	if (!granter || !granter->grant_table)
		return;

	struct grant_table *gt = granter->grant_table;
	struct grant_active *act = &gt->active[ref];

	grant_active_remove(grant_entry(gt, ref), act, write);
}

/* The domain an op names: the caller for KEEL_DOMID_SELF or its own id,
 * else another live domain, with a reference (drop with put_target). */
static struct domain *get_target(struct domain *self, uint16_t domid)
{
	if (domid_names_self(self, domid))
		return self;
	return domain_by_id(domid);
}

static void put_target(struct domain *self, struct domain *d)
{
	if (d && d != self)
		domain_put(d);
}

/* setup_table and query_size */

/* @d's table, grown to at least @nr_frames (at most
 * KEEL_GRANT_MAX_FRAMES) zeroed frames, which are shared with @d; NULL
 * when memory runs out. */
static struct grant_table *grant_table_grow(struct domain *d,
					    unsigned int nr_frames)
{
	struct grant_table *gt = grant_table_of(d);

	while (gt && gt->nr_frames < nr_frames) {
		paddr_t pa = frame_alloc(0);

		if (!pa)
			return NULL;
		frame_assign(&machine_frames, pa >> PAGE_SHIFT, d->domid, true);
		gt->frames[gt->nr_frames++] = pa >> PAGE_SHIFT;
	}
	return gt;
}

int grant_table_grant_frame(struct domain *d, keel_grant_ref_t ref,
			    uint16_t grantee, uint64_t mfn)
{
	if (ref >= GRANT_MAX_ENTRIES || mfn > UINT32_MAX)
		return -EINVAL;
	struct grant_table *gt = grant_table_grow(d,
		ref / KEEL_GRANT_ENTRIES_PER_FRAME + 1);
	if (!gt)
		return -ENOMEM;
	struct keel_grant_entry *e = grant_entry(gt, ref);

	e->domid = grantee;
	e->frame = (uint32_t)mfn;
	/* The flags last, as a granter writes them. */
	__atomic_store_n(&e->flags, KEEL_GTF_permit_access, __ATOMIC_RELEASE);
	return 0;
}

static int grant_setup_table(struct domain *d,
			     struct keel_gnttab_setup_table *op)
{
	if (!domid_names_self(d, op->domid))
		return -EPERM;
	if (op->nr_frames == 0 || op->nr_frames > KEEL_GRANT_MAX_FRAMES)
		return -EINVAL;
	struct grant_table *gt = grant_table_grow(d, op->nr_frames);
	if (!gt)
		return -ENOMEM;
	if (copy_to_guest(op->frame_list, gt->frames,
			  op->nr_frames * sizeof(uint64_t)))
		return -EFAULT;
	return 0;
}

static int grant_query_size(struct domain *d, struct keel_gnttab_query_size *op)
{
	if (!domid_names_self(d, op->domid))
		return -EPERM;
	op->nr_frames = d->grant_table ? d->grant_table->nr_frames : 0;
	op->max_nr_frames = KEEL_GRANT_MAX_FRAMES;
	return 0;
}

/* map and unmap */

static int grant_map(struct vcpu *v, struct keel_gnttab_map_grant_ref *op)
{
	struct domain *d = v->domain;
	bool write = !(op->flags & KEEL_GNTMAP_readonly);
	struct grant_table *own = grant_table_of(d);
	struct grant_mapping *m = NULL;
	uint64_t mfn;
	int rc;

	if (op->flags & ~KEEL_GNTMAP_readonly)
		return -EINVAL;
	if (!own)
		return -ENOMEM;
	for (unsigned int h = 0; h < KEEL_GRANT_MAX_MAPPINGS; h++)
		if (!own->maptrack[h].in_use) {
			m = &own->maptrack[h];
			op->handle = h;
			break;
		}
	if (!m)
		return -ENOSPC;
	struct domain *granter = get_target(d, op->domid);
	if (!granter)
		return -ESRCH;
	/* A grant mapping is told from the domain's own entries by its
	 * frame's owner (pt_entry_is_foreign): a mapping of one's own grant
	 * would look like an ordinary entry, which mmu_update could replace
	 * and drop references it never held. So map only others' grants;
	 * copying one's own is fine. */
	if (granter == d) {
		put_target(d, granter);
		return -EINVAL;
	}
	rc = grant_acquire(granter, op->ref, d, write, &mfn);
	if (!rc) {
		rc = arch_grant_map(v, op->host_addr, mfn, !write,
				    &m->pte_maddr);
		if (rc)
			grant_release(granter, op->ref, mfn, write);
	}
	if (!rc) {
		*m = (struct grant_mapping){
			.in_use = true, .readonly = !write,
			.granter = granter->domid, .ref = op->ref,
			.host_addr = op->host_addr, .pte_maddr = m->pte_maddr,
			.frame = mfn,
		};
		op->frame = mfn;
	}
	put_target(d, granter);
	return rc;
}

/* Drop mapping @m of @d: its page-table entry (when @clear), then its
 * references, then its place in the granter's bookkeeping. */
static void grant_mapping_drop(struct domain *d, struct grant_mapping *m,
			       bool clear)
{
	if (clear)
		arch_grant_unmap(d, m->pte_maddr, m->frame);
	struct domain *granter = get_target(d, m->granter);

	grant_release(granter, m->ref, m->frame, !m->readonly);
	put_target(d, granter);
	m->in_use = false;
}

static int grant_unmap(struct domain *d, struct keel_gnttab_unmap_grant_ref *op)
{
	struct grant_table *gt = d->grant_table;

	if (!gt || op->handle >= KEEL_GRANT_MAX_MAPPINGS)
		return -EINVAL;
	struct grant_mapping *m = &gt->maptrack[op->handle];
	if (!m->in_use || m->host_addr != op->host_addr)
		return -EINVAL;
	grant_mapping_drop(d, m, true);
	return 0;
}

/* copy */

struct copy_side {
	struct domain *granter;		/* NULL: the caller's own frame */
	keel_grant_ref_t ref;
	uint64_t mfn;
	bool write;
};

static int copy_side_acquire(struct domain *d,
			     const struct keel_gnttab_copy_ptr *p,
			     bool is_gref, bool write, struct copy_side *s)
{
	int rc;

	s->write = write;
	s->granter = NULL;
	if (!is_gref) {
		if (!domid_names_self(d, p->domid))
			return -EPERM;
		s->mfn = p->u;
		/* To write, the writable type: never into a page table, even
		 * the caller's own. */
		return frame_get_data_ref(&machine_frames, s->mfn, d->domid,
					  write);
	}
	if (p->u > UINT32_MAX)
		return -EINVAL;
	s->granter = get_target(d, p->domid);
	if (!s->granter)
		return -ESRCH;
	s->ref = (keel_grant_ref_t)p->u;
	rc = grant_acquire(s->granter, s->ref, d, write, &s->mfn);
	if (rc) {
		put_target(d, s->granter);
		s->granter = NULL;
	}
	return rc;
}

static void copy_side_release(struct domain *d, struct copy_side *s)
{
	if (!s->granter) {
		frame_put_data_ref(&machine_frames, s->mfn, s->write);
		return;
	}
	grant_release(s->granter, s->ref, s->mfn, s->write);
	put_target(d, s->granter);
}

static int grant_copy(struct domain *d, const struct keel_gnttab_copy *op)
{
	struct copy_side src, dst;
	int rc;

	if (op->flags & ~(KEEL_GNTCOPY_source_gref | KEEL_GNTCOPY_dest_gref))
		return -EINVAL;
	if ((uint32_t)op->source.offset + op->len > PAGE_SIZE ||
	    (uint32_t)op->dest.offset + op->len > PAGE_SIZE)
		return -EINVAL;
	rc = copy_side_acquire(d, &op->source,
			       op->flags & KEEL_GNTCOPY_source_gref, false, &src);
	if (rc)
		return rc;
	rc = copy_side_acquire(d, &op->dest,
			       op->flags & KEEL_GNTCOPY_dest_gref, true, &dst);
	if (!rc) {
		memmove((uint8_t *)phys_to_virt(dst.mfn << PAGE_SHIFT) +
			op->dest.offset,
			(uint8_t *)phys_to_virt(src.mfn << PAGE_SHIFT) +
			op->source.offset, op->len);
		copy_side_release(d, &dst);
	}
	copy_side_release(d, &src);
	return rc;
}

/* The hypercall: a batch of ops of one kind. */

static size_t grant_op_size(unsigned long cmd)
{
	switch (cmd) {
	case KEEL_GNTTABOP_setup_table:
		return sizeof(struct keel_gnttab_setup_table);
	case KEEL_GNTTABOP_query_size:
		return sizeof(struct keel_gnttab_query_size);
	case KEEL_GNTTABOP_map_grant_ref:
		return sizeof(struct keel_gnttab_map_grant_ref);
	case KEEL_GNTTABOP_unmap_grant_ref:
		return sizeof(struct keel_gnttab_unmap_grant_ref);
	case KEEL_GNTTABOP_copy:
		return sizeof(struct keel_gnttab_copy);
	default:
		return 0;
	}
}

union grant_op {
	struct keel_gnttab_setup_table setup;
	struct keel_gnttab_query_size query;
	struct keel_gnttab_map_grant_ref map;
	struct keel_gnttab_unmap_grant_ref unmap;
	struct keel_gnttab_copy copy;
};

static int32_t grant_op_run(struct vcpu *v, unsigned long cmd,
			    union grant_op *op)
{
	switch (cmd) {
	case KEEL_GNTTABOP_setup_table:
		return op->setup.status = grant_setup_table(v->domain, &op->setup);
	case KEEL_GNTTABOP_query_size:
		return op->query.status = grant_query_size(v->domain, &op->query);
	case KEEL_GNTTABOP_map_grant_ref:
		return op->map.status = grant_map(v, &op->map);
	case KEEL_GNTTABOP_unmap_grant_ref:
		return op->unmap.status = grant_unmap(v->domain, &op->unmap);
	default:
		return op->copy.status = grant_copy(v->domain, &op->copy);
	}
}

long do_grant_table_op(unsigned long cmd, unsigned long ops,
		       unsigned long count)
{
	struct vcpu *v = current_vcpu();
	size_t size = grant_op_size(cmd);
	long rc = 0;

	if (!size)
		return -ENOSYS;
	if (count > KEEL_GNTTAB_BATCH_MAX)
		return -EINVAL;
	for (unsigned long i = 0; i < count && !rc; i++) {
		union grant_op op;

		if (copy_from_guest(&op, ops + i * size, size))
			return -EFAULT;
		spin_lock(&memory_lock);
		grant_op_run(v, cmd, &op);
		spin_unlock(&memory_lock);
		if (copy_to_guest(ops + i * size, &op, size))
			rc = -EFAULT;
	}
	return rc;
}

void grant_table_release(struct domain *d)
{
	struct grant_table *gt = d->grant_table;

	if (!gt)
		return;
	/* The domain's own page tables are about to go; its grant
	 * mappings' entries with them, so only the references remain. */
	for (unsigned int h = 0; h < KEEL_GRANT_MAX_MAPPINGS; h++)
		if (gt->maptrack[h].in_use)
			grant_mapping_drop(d, &gt->maptrack[h], false);
	xfree(gt);
	d->grant_table = NULL;
}
