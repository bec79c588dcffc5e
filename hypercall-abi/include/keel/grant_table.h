/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Grant tables (ABI 1.1): how one domain lets another map or copy one of
 * its frames. The model and the state machine are in
 * docs/memory-model.md; the calls and errors in hypercalls.md.
 *
 * The granting domain owns an array of struct keel_grant_entry in frames
 * Keel gives it (GNTTABOP_setup_table), which it maps writable and fills:
 * entry `ref` says "domain `domid` may use my frame `frame`". Keel reads
 * the entry when the grantee maps or copies, and sets the reading and
 * writing flags while a mapping exists. To revoke, the granter clears
 * KEEL_GTF_permit_access with an atomic compare-exchange of the whole
 * flags word that expects reading and writing clear; while the grant is
 * mapped that exchange fails, so a grant in use cannot be revoked.
 */
#ifndef KEEL_PUBLIC_GRANT_TABLE_H
#define KEEL_PUBLIC_GRANT_TABLE_H

#include "keel.h"

typedef uint32_t keel_grant_ref_t;

/* One grant, 8 bytes. flags: written by the granter, except
 * KEEL_GTF_reading and KEEL_GTF_writing, which only Keel sets and
 * clears. domid and frame: written by the granter before it sets
 * KEEL_GTF_permit_access. */
struct keel_grant_entry {
	uint16_t flags;
	uint16_t domid;		/* the domain allowed to use the frame */
	uint32_t frame;		/* MFN of the granter's frame */
};

#define KEEL_GTF_permit_access  (1u << 0)	/* the entry is a live grant */
#define KEEL_GTF_readonly       (1u << 2)	/* the grantee may only read */
#define KEEL_GTF_reading        (1u << 3)	/* Keel: mapped (or copying) */
#define KEEL_GTF_writing        (1u << 4)	/* Keel: mapped writable */

#define KEEL_GRANT_ENTRIES_PER_FRAME 512
#define KEEL_GRANT_MAX_FRAMES        4	/* 2048 grants per domain */
#define KEEL_GRANT_MAX_MAPPINGS      1024	/* grant mappings per domain */

/* grant_table_op(cmd, ops, count): a batch of count ops of one kind. */
#define KEEL_GNTTABOP_setup_table    0
#define KEEL_GNTTABOP_query_size     1
#define KEEL_GNTTABOP_map_grant_ref  2
#define KEEL_GNTTABOP_unmap_grant_ref 3
#define KEEL_GNTTABOP_copy           4

#define KEEL_GNTTAB_BATCH_MAX        256	/* ops per call */

/* Every op has a status: 0, or a negative KEEL_E* for that op alone.
 * The call itself returns 0 when it read and wrote back every op (each
 * op's own status says how it went), or a negative error for the batch:
 * -ENOSYS for an unknown command, -EINVAL for a count above
 * KEEL_GNTTAB_BATCH_MAX, -EFAULT when an op cannot be read or written
 * back (the ops before it have run). */

/* setup_table: in: domid (KEEL_DOMID_SELF), nr_frames, frame_list (guest
 * pointer to nr_frames uint64_t); out: status, the MFNs in frame_list.
 * The table grows to nr_frames and never shrinks; asking for fewer
 * frames than it has returns the first nr_frames of them. */
struct keel_gnttab_setup_table {
	uint16_t domid;
	uint16_t pad;
	uint32_t nr_frames;
	uint64_t frame_list;
	int32_t status;
	uint32_t pad2;
};

/* query_size: in: domid (KEEL_DOMID_SELF); out: the table's size now and
 * its maximum, in frames. */
struct keel_gnttab_query_size {
	uint16_t domid;
	uint16_t pad;
	uint32_t nr_frames;
	uint32_t max_nr_frames;
	int32_t status;
};

/* map_grant_ref: in: host_addr (a page-aligned guest virtual address in
 * the caller's current kernel page tables, whose L1 table exists and
 * whose entry is not present), flags, ref, domid (the granter); out:
 * status, handle (for unmap), frame (the MFN now mapped). */
#define KEEL_GNTMAP_readonly  (1u << 0)
struct keel_gnttab_map_grant_ref {
	uint64_t host_addr;
	uint32_t flags;
	keel_grant_ref_t ref;
	uint16_t domid;
	uint16_t pad;
	int32_t status;
	uint32_t handle;
	uint32_t pad2;
	uint64_t frame;
};

/* unmap_grant_ref: in: host_addr and handle from the map; out: status. */
struct keel_gnttab_unmap_grant_ref {
	uint64_t host_addr;
	uint32_t handle;
	int32_t status;
};

/* copy: len bytes from source to dest. Each side names either a grant
 * (KEEL_GNTCOPY_*_gref set: ref in u, domid the granter) or one of the
 * caller's own frames (u is its MFN, domid KEEL_DOMID_SELF). offset +
 * len must not pass the end of the page. */
#define KEEL_GNTCOPY_source_gref (1u << 0)
#define KEEL_GNTCOPY_dest_gref   (1u << 1)
struct keel_gnttab_copy_ptr {
	uint64_t u;		/* grant ref, or MFN */
	uint16_t domid;
	uint16_t offset;
	uint32_t pad;
};
struct keel_gnttab_copy {
	struct keel_gnttab_copy_ptr source;
	struct keel_gnttab_copy_ptr dest;
	uint16_t len;
	uint16_t flags;
	int32_t status;
};

#endif
