/*
 * The page-type state machine (see frame_type.h and docs/memory-model.md).
 *
 * A frame's type is a small lock: the first type reference sets it, more
 * references of the same type share it, and only when the last one goes
 * may the frame become something else. The interesting case is the first
 * reference of a page-table type. The frame is marked with its new type
 * and a count of one *before* its entries are validated, so that an entry
 * that points back at the table itself (as a lower-level table, or as
 * writable data) meets a frame that already has another type, and fails.
 * That is what makes self-referencing and recursive tricks harmless: the
 * levels of a valid hierarchy strictly descend, so no table can reach
 * itself.
 */
#include <errno_values.h>
#include <frame_type.h>

static bool is_guest_frame(const struct frame *f)
{
	return f && f->state == FRAME_STATE_ALLOCATED &&
	       f->owner != FRAME_OWNER_NONE && f->ref_count > 0;
}

/* 0 if @f is @owner's; -EINVAL if no domain owns it, -EPERM if another
 * does. */
static int frame_check_owner(const struct frame *f, uint16_t owner)
{
	if (!is_guest_frame(f))
		return -EINVAL;
	return f->owner == owner ? 0 : -EPERM;
}

void frame_assign(struct frame_table *ft, uint64_t mfn, uint16_t owner,
		  bool shared)
{
	struct frame *f = frame_of(ft, mfn);

	f->owner = owner;
	f->flags = FRAME_FLAG_ALLOCATED | (shared ? FRAME_FLAG_SHARED : 0);
	f->ref_count = 1;
	f->type = shared ? FRAME_TYPE_WRITABLE : FRAME_TYPE_NONE;
	f->type_count = shared ? 1 : 0;
}

int frame_get_ref(struct frame_table *ft, uint64_t mfn, uint16_t owner)
{
	struct frame *f = frame_of(ft, mfn);
	int rc = frame_check_owner(f, owner);

	if (rc)
		return rc;
	if (f->ref_count >= FRAME_COUNT_MAX)
		return -EBUSY;
	f->ref_count++;
	return 0;
}

void frame_put_ref(struct frame_table *ft, uint64_t mfn)
{
	struct frame *f = frame_of(ft, mfn);

	if (--f->ref_count)
		return;
	f->owner = FRAME_OWNER_NONE;
	f->flags = 0;
	f->type = FRAME_TYPE_NONE;
	f->type_count = 0;
	ft->ops->release(ft, mfn);
}

int frame_get_type(struct frame_table *ft, uint64_t mfn, enum frame_type type)
{
	struct frame *f = frame_of(ft, mfn);

	if (f->type_count) {
		if (f->type != type)
			return -EBUSY;
		if (f->type_count >= FRAME_COUNT_MAX)
			return -EBUSY;
		f->type_count++;
		return 0;
	}
	/* First reference: claim the type, then validate (see above). */
	f->type = type;
	f->type_count = 1;
	if (frame_type_is_table(type)) {
		int rc = ft->ops->validate(ft, mfn, type);

		if (rc) {
			f->type = FRAME_TYPE_NONE;
			f->type_count = 0;
			return rc;
		}
	}
	return 0;
}

void frame_put_type(struct frame_table *ft, uint64_t mfn)
{
	struct frame *f = frame_of(ft, mfn);

	if (--f->type_count)
		return;
	if (frame_type_is_table(f->type)) {
		/* Keep the count up while the entries go, for the same
		 * reason validation claims the type first. */
		f->type_count = 1;
		ft->ops->devalidate(ft, mfn, f->type);
		f->type_count = 0;
	}
	f->type = FRAME_TYPE_NONE;
}

int frame_get_ref_and_type(struct frame_table *ft, uint64_t mfn,
			   uint16_t owner, enum frame_type type)
{
	int rc = frame_get_ref(ft, mfn, owner);

	if (rc)
		return rc;
	rc = frame_get_type(ft, mfn, type);
	if (rc)
		frame_put_ref(ft, mfn);
	return rc;
}

void frame_put_ref_and_type(struct frame_table *ft, uint64_t mfn)
{
	frame_put_type(ft, mfn);
	frame_put_ref(ft, mfn);
}

int frame_get_data_ref(struct frame_table *ft, uint64_t mfn, uint16_t owner,
		       bool write)
{
	return write ? frame_get_ref_and_type(ft, mfn, owner,
					      FRAME_TYPE_WRITABLE)
		     : frame_get_ref(ft, mfn, owner);
}

void frame_put_data_ref(struct frame_table *ft, uint64_t mfn, bool write)
{
	if (write)
		frame_put_type(ft, mfn);
	frame_put_ref(ft, mfn);
}

int frame_pin(struct frame_table *ft, uint64_t mfn, uint16_t owner,
	      enum frame_type type)
{
	struct frame *f = frame_of(ft, mfn);
	int rc;

	if (!frame_type_is_table(type))
		return -EINVAL;
	rc = frame_check_owner(f, owner);
	if (rc)
		return rc;
	if (f->flags & FRAME_FLAG_PINNED)
		return -EINVAL;
	rc = frame_get_ref_and_type(ft, mfn, owner, type);
	if (!rc)
		f->flags |= FRAME_FLAG_PINNED;
	return rc;
}

int frame_unpin(struct frame_table *ft, uint64_t mfn, uint16_t owner)
{
	struct frame *f = frame_of(ft, mfn);
	int rc = frame_check_owner(f, owner);

	if (rc)
		return rc;
	if (!(f->flags & FRAME_FLAG_PINNED))
		return -EINVAL;
	if (f->type_count > 1)
		return -EBUSY;
	f->flags &= ~FRAME_FLAG_PINNED;
	frame_put_ref_and_type(ft, mfn);
	return 0;
}

int frame_relinquish(struct frame_table *ft, uint64_t mfn, uint16_t owner)
{
	struct frame *f = frame_of(ft, mfn);
	int rc = frame_check_owner(f, owner);

	if (rc)
		return rc;
	if ((f->flags & FRAME_FLAG_SHARED) || !(f->flags & FRAME_FLAG_ALLOCATED))
		return -EINVAL;
	if (f->ref_count != 1 || f->type_count)
		return -EBUSY;
	f->flags &= ~FRAME_FLAG_ALLOCATED;
	frame_put_ref(ft, mfn);
	return 0;
}

uint64_t frame_release_domain(struct frame_table *ft, uint16_t owner)
{
	uint64_t alive = 0;

	/* Unpinning the roots devalidates everything below them. */
	for (uint64_t mfn = 0; mfn < ft->nr_frames; mfn++) {
		struct frame *f = &ft->frames[mfn];

		if (!frame_check_owner(f, owner) &&
		    (f->flags & FRAME_FLAG_PINNED)) {
			f->flags &= ~FRAME_FLAG_PINNED;
			frame_put_ref_and_type(ft, mfn);
		}
	}
	for (uint64_t mfn = 0; mfn < ft->nr_frames; mfn++) {
		struct frame *f = &ft->frames[mfn];

		if (frame_check_owner(f, owner))
			continue;
		if (f->flags & FRAME_FLAG_SHARED) {
			f->flags &= ~FRAME_FLAG_SHARED;
			frame_put_type(ft, mfn);
		}
		if (f->flags & FRAME_FLAG_ALLOCATED) {
			f->flags &= ~FRAME_FLAG_ALLOCATED;
			frame_put_ref(ft, mfn);
		}
		if (!frame_check_owner(f, owner))
			alive++;
	}
	return alive;
}
