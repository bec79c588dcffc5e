/*
 * Attack: grow our grant table past its limit, or someone else's. Asking
 * setup_table for more than KEEL_GRANT_MAX_FRAMES frames, or for none,
 * must give the op the status -EINVAL and leave the table as it was;
 * naming the victim's table (setup or query) gives -EPERM. Up to the
 * maximum works, and the table never shrinks.
 */
#include "hostile.h"

const char test_name[] = "grant_frames_exhaustion";

static int32_t setup(uint16_t domid, uint32_t nr, uint64_t *frames)
{
	struct keel_gnttab_setup_table st = { .domid = domid,
					      .nr_frames = nr,
					      .frame_list = (uint64_t)frames,
					      .status = 1 };

	CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_setup_table, &st, 1), 0);
	return st.status;
}

static uint32_t table_size(uint16_t domid, int32_t *status)
{
	struct keel_gnttab_query_size q = { .domid = domid, .status = 1 };

	CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_query_size, &q, 1), 0);
	*status = q.status;
	if (!q.status)
		CHECK_EQ(q.max_nr_frames, KEEL_GRANT_MAX_FRAMES);
	return q.nr_frames;
}

void attack(void)
{
	static uint64_t frames[64];
	int32_t status;

	CHECK_EQ(table_size(KEEL_DOMID_SELF, &status), 0);
	CHECK_EQ(setup(KEEL_DOMID_SELF, KEEL_GRANT_MAX_FRAMES + 1, frames),
		 -KEEL_EINVAL);
	CHECK_EQ(setup(KEEL_DOMID_SELF, 64, frames), -KEEL_EINVAL);
	CHECK_EQ(setup(KEEL_DOMID_SELF, ~0u, frames), -KEEL_EINVAL);
	CHECK_EQ(setup(KEEL_DOMID_SELF, 0, frames), -KEEL_EINVAL);
	CHECK_EQ(table_size(KEEL_DOMID_SELF, &status), 0);
	CHECK_EQ(status, 0);

	CHECK_EQ(setup(KEEL_DOMID_SELF, KEEL_GRANT_MAX_FRAMES, frames), 0);
	CHECK_EQ(table_size(KEEL_DOMID_SELF, &status), KEEL_GRANT_MAX_FRAMES);
	CHECK_EQ(setup(KEEL_DOMID_SELF, KEEL_GRANT_MAX_FRAMES + 1, frames),
		 -KEEL_EINVAL);
	/* Fewer: the first ones again, no shrinking. */
	uint64_t first = frames[0];
	CHECK_EQ(setup(KEEL_DOMID_SELF, 1, frames), 0);
	CHECK_EQ(frames[0], first);
	CHECK_EQ(table_size(KEEL_DOMID_SELF, &status), KEEL_GRANT_MAX_FRAMES);
	/* Repeating the maximum allocates nothing new. */
	for (unsigned int i = 0; i < 100; i++)
		CHECK_EQ(setup(KEEL_DOMID_SELF, KEEL_GRANT_MAX_FRAMES, frames),
			 0);
	CHECK_EQ(frames[0], first);

	/* The victim's table. */
	CHECK_EQ(setup((uint16_t)hostile_victim, 1, frames), -KEEL_EPERM);
	table_size((uint16_t)hostile_victim, &status);
	CHECK_EQ(status, -KEEL_EPERM);
	printf("grant table held at %u frames\n", KEEL_GRANT_MAX_FRAMES);
}
