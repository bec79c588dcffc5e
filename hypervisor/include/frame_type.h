/*
 * Ownership, references and types of guest frames (common/frame_type.c).
 *
 * Every machine frame a guest can name has, in its struct frame:
 *
 *   owner       the domain it was given to, or FRAME_OWNER_NONE;
 *   ref_count   references of any kind: the owner's allocation reference
 *               (FRAME_FLAG_ALLOCATED), one per page-table entry that
 *               maps it or links it, one per pin, one per base pointer,
 *               one per grant mapping, and short ones while the
 *               hypervisor copies. At zero the frame goes back to the
 *               allocator.
 *   type        what the frame may be used as right now: writable data,
 *               an L1-L4 page table, or a descriptor table. A frame has
 *               one type at a time, held by type_count references; only
 *               when the count is zero may the type change.
 *
 * Taking a page-table type validates the frame's entries through the
 * arch's ops->validate(), which takes the references those entries hold
 * (so the levels below are typed recursively); dropping the last type
 * reference undoes that with ops->devalidate(). This is the whole of the
 * isolation argument: a frame typed L1-L4 has a type count, so it cannot
 * also be typed writable, so no guest mapping of it is writable.
 *
 * The functions are pure and unlocked: the hypervisor calls them under
 * its memory lock (common/memory.c), the unit tests directly.
 */
#ifndef KEEL_FRAME_TYPE_H
#define KEEL_FRAME_TYPE_H

#include <frame.h>
#include <types.h>

enum frame_type {
	FRAME_TYPE_NONE = 0,
	FRAME_TYPE_WRITABLE,	/* mapped writable, or shared by Keel */
	FRAME_TYPE_L1,		/* page tables, by level */
	FRAME_TYPE_L2,
	FRAME_TYPE_L3,
	FRAME_TYPE_L4,
	FRAME_TYPE_DESC,	/* descriptor table (GDT/LDT) */
};

#define FRAME_OWNER_NONE      0xffffu

#define FRAME_FLAG_ALLOCATED  0x1	/* the owner's allocation reference */
#define FRAME_FLAG_PINNED     0x2	/* a pin reference (mmuext pin) */
#define FRAME_FLAG_SHARED     0x4	/* Keel's page shared with its owner
					 * (shared info, grant table): holds a
					 * permanent writable type reference
					 * and is never given back by the
					 * guest */

/* Counts stop well below overflow; beyond, requests get -EBUSY. */
#define FRAME_COUNT_MAX       0x7fffffffu

struct frame_table;

struct frame_table_ops {
	/* Take the references that the entries of table @mfn of @type
	 * hold, for the table's owner. On failure hold none and return a
	 * negative errno. */
	int (*validate)(struct frame_table *ft, uint64_t mfn,
			enum frame_type type);
	/* Drop what validate() took. */
	void (*devalidate)(struct frame_table *ft, uint64_t mfn,
			   enum frame_type type);
	/* The last reference to @mfn is gone: give it back. */
	void (*release)(struct frame_table *ft, uint64_t mfn);
	/* Where the hypervisor can read and write frame @mfn. */
	void *(*map)(struct frame_table *ft, uint64_t mfn);
	/* Whether @owner may map @mfn, a frame that is not managed RAM, as
	 * device memory: 0, or a negative errno (iomem.h). NULL: none may. */
	int (*iomem_check)(struct frame_table *ft, uint16_t owner,
			   uint64_t mfn);
};

struct frame_table {
	struct frame *frames;
	uint64_t nr_frames;
	const struct frame_table_ops *ops;
	void *ctx;			/* for the ops (unit tests) */
	/* Entries the validate/devalidate ops have looked at, ever: the
	 * measure of work that bounds one hypercall (memory.c). */
	uint64_t entries_visited;
};

static inline bool frame_type_is_table(enum frame_type t)
{
	return t >= FRAME_TYPE_L1 && t <= FRAME_TYPE_L4;
}

static inline struct frame *frame_of(struct frame_table *ft, uint64_t mfn)
{
	return mfn < ft->nr_frames ? &ft->frames[mfn] : NULL;
}

/* Give the newly allocated frame @mfn to @owner, with its allocation
 * reference. @shared marks one of Keel's own pages shared with the owner
 * (FRAME_FLAG_SHARED), which also gets its permanent writable type. */
void frame_assign(struct frame_table *ft, uint64_t mfn, uint16_t owner,
		  bool shared);

/* A general reference to a frame that @owner owns. -EINVAL: no such frame
 * or not a guest frame; -EPERM: another domain's; -EBUSY: count limit. */
int frame_get_ref(struct frame_table *ft, uint64_t mfn, uint16_t owner);
/* Drop one; the last one releases the frame. */
void frame_put_ref(struct frame_table *ft, uint64_t mfn);

/* A type reference. The first one of a table type validates the frame.
 * -EBUSY: the frame has another type now (or is being validated). */
int frame_get_type(struct frame_table *ft, uint64_t mfn, enum frame_type type);
void frame_put_type(struct frame_table *ft, uint64_t mfn);

/* Both at once, or neither. */
int frame_get_ref_and_type(struct frame_table *ft, uint64_t mfn,
			   uint16_t owner, enum frame_type type);
void frame_put_ref_and_type(struct frame_table *ft, uint64_t mfn);
/* A reference to use @mfn as data: to read it, or, with @write, also to
 * write it (the writable type). Both at once, or neither. */
int frame_get_data_ref(struct frame_table *ft, uint64_t mfn, uint16_t owner,
		       bool write);
void frame_put_data_ref(struct frame_table *ft, uint64_t mfn, bool write);

/* Pin @mfn as a page table of @type: it stays validated until unpinned.
 * -EINVAL: not a table type, or already pinned; else as above. */
int frame_pin(struct frame_table *ft, uint64_t mfn, uint16_t owner,
	      enum frame_type type);
/* -EINVAL: not pinned; -EPERM: not @owner's; -EBUSY: the table is still
 * in use (a base pointer or a higher-level table references it). */
int frame_unpin(struct frame_table *ft, uint64_t mfn, uint16_t owner);

/* The guest gives the frame back (decrease_reservation). -EPERM: not its
 * own; -EINVAL: shared by Keel or not allocated; -EBUSY: still referenced
 * (mapped, typed, pinned or granted). */
int frame_relinquish(struct frame_table *ft, uint64_t mfn, uint16_t owner);

/* Domain destroy, after its vCPUs dropped their base pointers: unpin
 * every table, drop the shared pages' types and every allocation
 * reference of @owner's frames. Frames that other domains still
 * reference (grant mappings) live on until those go. Returns how many
 * of @owner's frames are still alive. */
uint64_t frame_release_domain(struct frame_table *ft, uint16_t owner);

#endif
