/*
 * Unit tests for the grant-entry state machine (hypervisor/common/
 * grant_entry.c): free, granted, in use (reading, writing), and back.
 *
 * The granter's side is played here as a guest would: it fills the entry
 * and revokes it with the compare-exchange keel/grant_table.h describes.
 * The tests check the flags the granter sees, the counts Keel keeps, and
 * which frame a use gets.
 */
#include <string.h>

#include <errno_values.h>
#include <grant_entry.h>

#include "unit.h"

#define GRANTEE 3
#define OTHER   4
#define FRAME_D 0x1234
#define FRAME_X 0x5678

#define READING KEEL_GTF_reading
#define WRITING KEEL_GTF_writing
#define PERMIT  KEEL_GTF_permit_access
#define RO      KEEL_GTF_readonly

static struct keel_grant_entry entry;
static struct grant_active act;

static void setup(void)
{
	memset(&entry, 0, sizeof(entry));
	memset(&act, 0, sizeof(act));
}

/* The granter's grant: domid and frame first, then the flags. */
static void grant(uint16_t domid, uint32_t frame, uint16_t extra)
{
	entry.domid = domid;
	entry.frame = frame;
	__atomic_store_n(&entry.flags, PERMIT | extra, __ATOMIC_SEQ_CST);
}

/* The granter's revoke: clear the flags only if Keel's are clear. */
static bool revoke(void)
{
	uint16_t expect = entry.flags & (uint16_t)~(READING | WRITING);

	return __atomic_compare_exchange_n(&entry.flags, &expect, 0, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

/* A whole successful use begins: claim, then count it. */
static void use(bool write, uint64_t *frame)
{
	ck_assert_int_eq(grant_entry_claim(&entry, &act, GRANTEE, write,
					   frame), 0);
	grant_active_add(&act, *frame, write);
}

START_TEST(free_entry_refused)
{
	uint64_t frame = 99;

	ck_assert_int_eq(grant_entry_claim(&entry, &act, GRANTEE, false,
					   &frame), -EPERM);
	ck_assert_int_eq(grant_entry_claim(&entry, &act, GRANTEE, true,
					   &frame), -EPERM);
	/* Even with domid and frame filled, no permit_access: refused. */
	entry.domid = GRANTEE;
	entry.frame = FRAME_D;
	entry.flags = RO;
	ck_assert_int_eq(grant_entry_claim(&entry, &act, GRANTEE, false,
					   &frame), -EPERM);
	ck_assert_uint_eq(entry.flags, RO);
	ck_assert_uint_eq(frame, 99);		/* not written on failure */
	ck_assert_uint_eq(act.users, 0);
}
END_TEST

START_TEST(read_use_and_back)
{
	uint64_t frame;

	grant(GRANTEE, FRAME_D, 0);
	use(false, &frame);
	ck_assert_uint_eq(frame, FRAME_D);
	ck_assert_uint_eq(entry.flags, PERMIT | READING);
	ck_assert_uint_eq(act.users, 1);
	ck_assert_uint_eq(act.writers, 0);
	ck_assert_uint_eq(act.frame, FRAME_D);
	/* Nothing but the flags changed in the shared entry. */
	ck_assert_uint_eq(entry.domid, GRANTEE);
	ck_assert_uint_eq(entry.frame, FRAME_D);

	grant_active_remove(&entry, &act, false);
	ck_assert_uint_eq(entry.flags, PERMIT);
	ck_assert_uint_eq(act.users, 0);
}
END_TEST

START_TEST(write_use_sets_writing)
{
	uint64_t frame;

	grant(GRANTEE, FRAME_D, 0);
	use(true, &frame);
	ck_assert_uint_eq(entry.flags, PERMIT | READING | WRITING);
	ck_assert_uint_eq(act.writers, 1);
	grant_active_remove(&entry, &act, true);
	ck_assert_uint_eq(entry.flags, PERMIT);
	ck_assert_uint_eq(act.writers, 0);
}
END_TEST

START_TEST(readonly_grant)
{
	uint64_t frame;

	grant(GRANTEE, FRAME_D, RO);
	ck_assert_int_eq(grant_entry_claim(&entry, &act, GRANTEE, true,
					   &frame), -EPERM);
	ck_assert_uint_eq(entry.flags, PERMIT | RO);
	use(false, &frame);
	ck_assert_uint_eq(entry.flags, PERMIT | RO | READING);
	/* Already in use for reading: still no writer. */
	ck_assert_int_eq(grant_entry_claim(&entry, &act, GRANTEE, true,
					   &frame), -EPERM);
	ck_assert_uint_eq(entry.flags, PERMIT | RO | READING);
	grant_active_remove(&entry, &act, false);
	ck_assert_uint_eq(entry.flags, PERMIT | RO);
}
END_TEST

START_TEST(other_domain_refused)
{
	uint64_t frame;

	grant(OTHER, FRAME_D, 0);
	ck_assert_int_eq(grant_entry_claim(&entry, &act, GRANTEE, false,
					   &frame), -EPERM);
	ck_assert_uint_eq(entry.flags, PERMIT);
	/* The domid is the whole 16 bits, not a part of them. */
	grant((uint16_t)(GRANTEE | 0x100), FRAME_D, 0);
	ck_assert_int_eq(grant_entry_claim(&entry, &act, GRANTEE, false,
					   &frame), -EPERM);
	grant(GRANTEE, FRAME_D, 0);
	ck_assert_int_eq(grant_entry_claim(&entry, &act, GRANTEE, false,
					   &frame), 0);
}
END_TEST

START_TEST(revoke_only_when_unused)
{
	uint64_t frame;

	grant(GRANTEE, FRAME_D, 0);
	use(true, &frame);
	ck_assert(!revoke());
	ck_assert_uint_eq(entry.flags, PERMIT | READING | WRITING);
	grant_active_remove(&entry, &act, true);
	ck_assert(revoke());
	ck_assert_uint_eq(entry.flags, 0);
	/* Revoked: no new use. */
	ck_assert_int_eq(grant_entry_claim(&entry, &act, GRANTEE, false,
					   &frame), -EPERM);
	ck_assert_uint_eq(entry.flags, 0);
}
END_TEST

START_TEST(readers_and_writers)
{
	uint64_t f1, f2, f3;

	grant(GRANTEE, FRAME_D, 0);
	use(false, &f1);
	use(true, &f2);
	use(true, &f3);
	ck_assert_uint_eq(act.users, 3);
	ck_assert_uint_eq(act.writers, 2);
	ck_assert_uint_eq(entry.flags, PERMIT | READING | WRITING);
	/* One writer left: still writing. */
	grant_active_remove(&entry, &act, true);
	ck_assert_uint_eq(entry.flags, PERMIT | READING | WRITING);
	/* The last writer goes, a reader stays: reading only. */
	grant_active_remove(&entry, &act, true);
	ck_assert_uint_eq(entry.flags, PERMIT | READING);
	ck_assert(!revoke());
	grant_active_remove(&entry, &act, false);
	ck_assert_uint_eq(entry.flags, PERMIT);
	ck_assert_uint_eq(act.users, 0);
	ck_assert_uint_eq(act.writers, 0);
}
END_TEST

START_TEST(busy_entry_keeps_its_frame)
{
	uint64_t f1, f2, f3;

	grant(GRANTEE, FRAME_D, 0);
	use(false, &f1);
	/* The granter points the busy entry elsewhere: later uses still get
	 * the frame in use, until the grant is unused. */
	entry.frame = FRAME_X;
	use(true, &f2);
	ck_assert_uint_eq(f1, FRAME_D);
	ck_assert_uint_eq(f2, FRAME_D);
	grant_active_remove(&entry, &act, true);
	grant_active_remove(&entry, &act, false);
	use(false, &f3);
	ck_assert_uint_eq(f3, FRAME_X);
}
END_TEST

START_TEST(redirected_domid_while_in_use)
{
	uint64_t f1, f2;

	grant(GRANTEE, FRAME_D, 0);
	use(false, &f1);
	/* The granter hands the busy entry to another domain: the grantee
	 * cannot take new uses, the other domain can (same frame). */
	entry.domid = OTHER;
	ck_assert_int_eq(grant_entry_claim(&entry, &act, GRANTEE, false,
					   &f2), -EPERM);
	ck_assert_int_eq(grant_entry_claim(&entry, &act, OTHER, false, &f2),
			 0);
	grant_active_add(&act, f2, false);
	ck_assert_uint_eq(f2, FRAME_D);
	ck_assert_uint_eq(act.users, 2);
}
END_TEST

START_TEST(unclaim_first_user)
{
	uint64_t frame;

	grant(GRANTEE, FRAME_D, 0);
	ck_assert_int_eq(grant_entry_claim(&entry, &act, GRANTEE, true,
					   &frame), 0);
	ck_assert_uint_eq(entry.flags, PERMIT | READING | WRITING);
	/* Its frame references failed: back to granted, revocable. */
	grant_entry_unclaim(&entry, &act, true);
	ck_assert_uint_eq(entry.flags, PERMIT);
	ck_assert_uint_eq(act.users, 0);
	ck_assert(revoke());
}
END_TEST

START_TEST(unclaim_keeps_existing_users)
{
	uint64_t frame;

	grant(GRANTEE, FRAME_D, 0);
	use(false, &frame);
	/* A failed writer beside a reader: writing goes, reading stays. */
	ck_assert_int_eq(grant_entry_claim(&entry, &act, GRANTEE, true,
					   &frame), 0);
	grant_entry_unclaim(&entry, &act, true);
	ck_assert_uint_eq(entry.flags, PERMIT | READING);
	/* A failed writer beside a writer: writing stays. */
	use(true, &frame);
	ck_assert_int_eq(grant_entry_claim(&entry, &act, GRANTEE, true,
					   &frame), 0);
	grant_entry_unclaim(&entry, &act, true);
	ck_assert_uint_eq(entry.flags, PERMIT | READING | WRITING);
	/* A failed reader beside them: nothing changes. */
	ck_assert_int_eq(grant_entry_claim(&entry, &act, GRANTEE, false,
					   &frame), 0);
	grant_entry_unclaim(&entry, &act, false);
	ck_assert_uint_eq(entry.flags, PERMIT | READING | WRITING);
	ck_assert_uint_eq(act.users, 2);
	ck_assert_uint_eq(act.writers, 1);
}
END_TEST

START_TEST(user_count_cannot_wrap)
{
	uint64_t frame;

	grant(GRANTEE, FRAME_D, 0);
	for (unsigned int i = 0; i < UINT16_MAX; i++) {
		ASSERT_FAST(grant_entry_claim(&entry, &act, GRANTEE, false,
					      &frame) == 0);
		grant_active_add(&act, frame, false);
	}
	ck_assert_uint_eq(act.users, UINT16_MAX);
	ck_assert_int_eq(grant_entry_claim(&entry, &act, GRANTEE, false,
					   &frame), -EBUSY);
	ck_assert_uint_eq(act.users, UINT16_MAX);
	ck_assert_uint_eq(entry.flags, PERMIT | READING);
	/* All of them go: the grant is unused again. */
	for (unsigned int i = 0; i < UINT16_MAX; i++)
		grant_active_remove(&entry, &act, false);
	ck_assert_uint_eq(entry.flags, PERMIT);
	ck_assert(revoke());
}
END_TEST

/* Random uses, ends and revokes against a model of the rules. */
START_TEST(random_against_model)
{
	uint64_t rng = 0x6772616e74ULL;
	unsigned int readers = 0, writers = 0;
	bool granted = false, readonly = false;

	for (unsigned int step = 0; step < 200000; step++) {
		unsigned int what = (unsigned int)rng_below(&rng, 6);
		uint64_t frame;

		if (what == 0 && !readers && !writers) {
			readonly = rng_below(&rng, 2);
			grant(GRANTEE, FRAME_D, readonly ? RO : 0);
			granted = true;
		} else if (what == 1) {
			bool ok = revoke();

			ASSERT_FAST(ok == (!readers && !writers));
			if (ok)
				granted = false;
		} else if (what == 2 || what == 3) {
			bool write = what == 3;
			int rc = grant_entry_claim(&entry, &act, GRANTEE, write,
						   &frame);
			bool allowed = granted && !(write && readonly);

			ASSERT_FAST(rc == (allowed ? 0 : -EPERM));
			if (!rc && rng_below(&rng, 4) == 0) {
				grant_entry_unclaim(&entry, &act, write);
			} else if (!rc) {
				ASSERT_FAST(frame == FRAME_D);
				grant_active_add(&act, frame, write);
				if (write)
					writers++;
				else
					readers++;
			}
		} else if (what == 4 && readers) {
			grant_active_remove(&entry, &act, false);
			readers--;
		} else if (what == 5 && writers) {
			grant_active_remove(&entry, &act, true);
			writers--;
		}
		uint16_t want = (granted ? PERMIT : 0) |
				(granted && readonly ? RO : 0) |
				(readers + writers ? READING : 0) |
				(writers ? WRITING : 0);
		if (entry.flags != want)
			ck_abort_msg("step %u: flags %#x, expected %#x", step,
				     entry.flags, want);
		ASSERT_FAST(act.users == readers + writers);
		ASSERT_FAST(act.writers == writers);
	}
}
END_TEST

Suite *grant_entry_suite(void)
{
	Suite *s = suite_create("grant_entry");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, free_entry_refused);
	tcase_add_test(tc, read_use_and_back);
	tcase_add_test(tc, write_use_sets_writing);
	tcase_add_test(tc, readonly_grant);
	tcase_add_test(tc, other_domain_refused);
	tcase_add_test(tc, revoke_only_when_unused);
	tcase_add_test(tc, readers_and_writers);
	tcase_add_test(tc, busy_entry_keeps_its_frame);
	tcase_add_test(tc, redirected_domid_while_in_use);
	tcase_add_test(tc, unclaim_first_user);
	tcase_add_test(tc, unclaim_keeps_existing_users);
	tcase_add_test(tc, user_count_cannot_wrap);
	tcase_add_test(tc, random_against_model);
	suite_add_tcase(s, tc);
	return s;
}
