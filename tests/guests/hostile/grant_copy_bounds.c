/*
 * Attack: grant copy past the end of a page, into the victim, or into a
 * page table. Offsets and lengths whose sum passes 4096 (on either side),
 * and unknown flags, must fail with -EINVAL; writing into the victim's
 * read-only grant must fail with -EPERM, as must naming the victim's
 * frame or the victim as "our own" side; naming nobody's frame fails with
 * -EINVAL; copying into our own kernel root fails with -EBUSY. The
 * victim's canary and our root stay as they were.
 */
#include "hostile.h"

const char test_name[] = "grant_copy_bounds";

static int32_t copy(struct keel_gnttab_copy *c)
{
	c->status = 1;
	CHECK_EQ(hostile_gnttab(KEEL_GNTTABOP_copy, c, 1), 0);
	return c->status;
}

void attack(void)
{
	uint16_t v = (uint16_t)hostile_victim;
	uint64_t canary_mfn = hostile_canary_mfn();
	struct keel_gnttab_copy base = {
		.source = { .u = HOSTILE_GREF_CANARY, .domid = v },
		.dest = { .u = hostile_scratch_mfn, .domid = KEEL_DOMID_SELF },
		.len = 8, .flags = KEEL_GNTCOPY_source_gref,
	};
	static const struct { uint16_t so, dof, len; } bounds[] = {
		{ 4090, 0, 8 }, { 0, 4090, 8 }, { 0, 0, 4097 },
		{ 4096, 0, 1 }, { 0, 4096, 1 }, { 1, 0, 4096 },
		{ 0xffff, 0, 0xffff }, { 0, 0xffff, 0xffff },
		{ 0xffff, 0xffff, 1 }, { 2048, 2048, 2049 },
	};
	struct keel_gnttab_copy c;

	for (unsigned int i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		c = base;
		c.source.offset = bounds[i].so;
		c.dest.offset = bounds[i].dof;
		c.len = bounds[i].len;
		CHECK_EQ(copy(&c), -KEEL_EINVAL);
	}
	/* The edges themselves are fine. */
	c = base;
	c.source.offset = 4088;
	c.dest.offset = 4088;
	CHECK_EQ(copy(&c), 0);
	c = base;
	c.len = 0;
	CHECK_EQ(copy(&c), 0);

	c = base;
	c.flags = 4;
	CHECK_EQ(copy(&c), -KEEL_EINVAL);
	c.flags = 0xffff;
	CHECK_EQ(copy(&c), -KEEL_EINVAL);

	/* Into the victim: through its read-only grant ... */
	c = (struct keel_gnttab_copy){
		.source = { .u = hostile_scratch_mfn,
			    .domid = KEEL_DOMID_SELF },
		.dest = { .u = HOSTILE_GREF_CANARY, .domid = v },
		.len = 8, .flags = KEEL_GNTCOPY_dest_gref,
	};
	CHECK_EQ(copy(&c), -KEEL_EPERM);
	c.dest.u = HOSTILE_GREF_STATUS;
	CHECK_EQ(copy(&c), -KEEL_EPERM);
	/* ... or naming its frame as if it were ours. */
	c.flags = 0;
	c.dest.u = canary_mfn;
	c.dest.domid = KEEL_DOMID_SELF;
	CHECK_EQ(copy(&c), -KEEL_EPERM);
	c.dest.domid = v;
	CHECK_EQ(copy(&c), -KEEL_EPERM);
	/* Reading it that way is no better. */
	c = base;
	c.flags = 0;
	c.source.u = canary_mfn;
	c.source.domid = KEEL_DOMID_SELF;
	CHECK_EQ(copy(&c), -KEEL_EPERM);
	/* Nobody's frames. */
	c.source.u = 0x200;
	CHECK_EQ(copy(&c), -KEEL_EINVAL);
	c.source.u = ~0ULL;
	CHECK_EQ(copy(&c), -KEEL_EINVAL);

	/* Into our own kernel root (a page table): never. */
	const uint64_t *l4 = rt_mfn_to_va(rt_boot.kernel_root_mfn);
	uint64_t slot0 = l4[0];
	c = (struct keel_gnttab_copy){
		.source = { .u = hostile_scratch_mfn,
			    .domid = KEEL_DOMID_SELF },
		.dest = { .u = rt_boot.kernel_root_mfn,
			  .domid = KEEL_DOMID_SELF },
		.len = 8,
	};
	hostile_scratch[0] = 0;
	CHECK_EQ(copy(&c), -KEEL_EBUSY);
	CHECK_EQ(l4[0], slot0);
	printf("out-of-page, foreign and page-table copies refused\n");
}
