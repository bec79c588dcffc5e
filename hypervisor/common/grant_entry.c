/*
 * The state of one grant entry; see include/grant_entry.h for the
 * transitions and docs/memory-model.md for why a grant in use cannot be
 * revoked.
 */
#include <errno_values.h>
#include <grant_entry.h>

static void grant_flags_clear(struct keel_grant_entry *e, uint16_t bits)
{
	__atomic_fetch_and(&e->flags, (uint16_t)~bits, __ATOMIC_SEQ_CST);
}

int grant_entry_claim(struct keel_grant_entry *e,
		      const struct grant_active *act, uint16_t grantee,
		      bool write, uint64_t *frame)
{
	uint16_t in_use = KEEL_GTF_reading | (write ? KEEL_GTF_writing : 0);

	/* A granter may rewrite domid while its grant is in use, so several
	 * domains can pile up users: keep the counts from wrapping. */
	if (act->users == UINT16_MAX)
		return -EBUSY;
	/*
	 * flags and domid form one 32-bit word (flags in the low half).
	 * Checking both and setting the in-use flags in one compare-exchange
	 * means the granter cannot revoke or redirect the grant between the
	 * check and the claim: its own revoking compare-exchange fails once
	 * reading is set, and ours fails (and retries) if it changed first.
	 */
	BUILD_BUG_ON(offsetof(struct keel_grant_entry, flags) != 0);
	BUILD_BUG_ON(offsetof(struct keel_grant_entry, domid) != 2);
	uint32_t *word = (uint32_t *)e;
	uint32_t old = __atomic_load_n(word, __ATOMIC_SEQ_CST);

	do {
		uint16_t flags = (uint16_t)old;

		if (!(flags & KEEL_GTF_permit_access) ||
		    (uint16_t)(old >> 16) != grantee ||
		    (write && (flags & KEEL_GTF_readonly)))
			return -EPERM;
	} while (!__atomic_compare_exchange_n(word, &old, old | in_use, false,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST));

	*frame = act->users ? act->frame
			    : __atomic_load_n(&e->frame, __ATOMIC_RELAXED);
	return 0;
}

void grant_entry_unclaim(struct keel_grant_entry *e,
			 const struct grant_active *act, bool write)
{
	if (!act->users)
		grant_flags_clear(e, KEEL_GTF_reading | KEEL_GTF_writing);
	else if (write && !act->writers)
		grant_flags_clear(e, KEEL_GTF_writing);
}

void grant_active_add(struct grant_active *act, uint64_t frame, bool write)
{
	act->frame = (uint32_t)frame;
	act->users++;
	if (write)
		act->writers++;
}

void grant_active_remove(struct keel_grant_entry *e, struct grant_active *act,
			 bool write)
{
	act->users--;
	if (write && !--act->writers)
		grant_flags_clear(e, KEEL_GTF_writing);
	if (!act->users)
		grant_flags_clear(e, KEEL_GTF_reading | KEEL_GTF_writing);
}
