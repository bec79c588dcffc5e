/*
 * The life of one grant entry (common/grant_entry.c).
 *
 * Two parties write a grant entry's state. The granter writes its shared
 * struct keel_grant_entry (permit_access, readonly, domid, frame) and
 * revokes by clearing permit_access with a compare-exchange that expects
 * reading and writing clear. Keel sets and clears reading and writing,
 * and keeps in its own memory, out of the granter's reach, a struct
 * grant_active: how many users the grant has (mappings, and copies under
 * way), how many of them write, and the frame they use.
 *
 *   free --(granter sets permit_access)--> granted
 *   granted --(grant_entry_claim: Keel sets reading [and writing])--> in use
 *   in use --(grant_active_remove of the last user)--> granted
 *   granted --(granter clears permit_access)--> free
 *
 * A use is: grant_entry_claim(), then the caller takes its references on
 * the frame, then grant_active_add(); or, if those references fail,
 * grant_entry_unclaim(). It ends with grant_active_remove().
 *
 * The functions are pure and take no lock: the hypervisor calls them
 * under its memory lock (common/grant_table.c), the unit tests directly.
 * The granter may write its entry at any moment; only the compare-
 * exchange in grant_entry_claim() decides whether a use begins.
 */
#ifndef KEEL_GRANT_ENTRY_H
#define KEEL_GRANT_ENTRY_H

#include <types.h>
#include <keel/grant_table.h>

struct grant_active {
	uint32_t frame;		/* MFN in use, while users > 0 */
	uint16_t users;		/* mappings and copies under way */
	uint16_t writers;	/* ... that may write */
};

/*
 * Begin a use of entry @e by domain @grantee, for writing if @write: in
 * one compare-exchange of the entry's flags and domid, check that the
 * entry is granted (permit_access), to @grantee, and not read-only if
 * @write, and set reading (and writing if @write). @frame gets the frame
 * the use is for: the one already in use if the grant has users (so a
 * granter that rewrites a busy entry cannot redirect it), else the
 * entry's. Returns 0; -EPERM when the entry does not allow the use;
 * -EBUSY when the grant already has UINT16_MAX users.
 */
int grant_entry_claim(struct keel_grant_entry *e,
		      const struct grant_active *act, uint16_t grantee,
		      bool write, uint64_t *frame);

/* Undo a grant_entry_claim() whose frame references failed: clear the
 * flags it set that no existing user needs. */
void grant_entry_unclaim(struct keel_grant_entry *e,
			 const struct grant_active *act, bool write);

/* Count the use grant_entry_claim() began, on @frame. */
void grant_active_add(struct grant_active *act, uint64_t frame, bool write);

/* End one use (of the kind @write says): writing is cleared with the last
 * writer, reading with the last user; then the granter may revoke. */
void grant_active_remove(struct keel_grant_entry *e, struct grant_active *act,
			 bool write);

#endif
