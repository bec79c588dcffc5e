/*
 * Attack: make another domain's frame one of our page tables. With the
 * victim's canary frame number (learned from its read-only grant): pin
 * it at every level, unpin it, load it as our kernel or user root, and
 * pin tables of our own that link it as a lower table or map it. Each
 * must fail with -EPERM (it is the victim's frame), and nothing of the
 * victim changes.
 */
#include "hostile.h"

const char test_name[] = "pin_foreign";

void attack(void)
{
	uint64_t mfn = hostile_canary_mfn();

	for (uint32_t cmd = KEEL_MMUEXT_PIN_L1_TABLE;
	     cmd <= KEEL_MMUEXT_PIN_L4_TABLE; cmd++)
		CHECK_EQ(rt_mmuext1(cmd, mfn, 0), -KEEL_EPERM);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, mfn, 0), -KEEL_EPERM);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_BASEPTR, mfn, 0), -KEEL_EPERM);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_USER_BASEPTR, mfn, 0),
		 -KEEL_EPERM);

	/* Our own tables that refer to it, at each level. */
	uint64_t *t = rt_alloc_pages(1);
	uint64_t t_mfn = rt_va_to_mfn(t);
	t[3] = (mfn << 12) | PTE_P | PTE_U;
	hostile_make_readonly(t);
	for (uint32_t cmd = KEEL_MMUEXT_PIN_L1_TABLE;
	     cmd <= KEEL_MMUEXT_PIN_L4_TABLE; cmd++)
		CHECK_EQ(rt_mmuext1(cmd, t_mfn, 0), -KEEL_EPERM);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_NEW_BASEPTR, t_mfn, 0), -KEEL_EPERM);
	hostile_make_writable(t);
	t[3] = 0;

	/* A batch: a good pin, then the bad one; the good one stays. */
	uint64_t done = 0;
	hostile_make_readonly(t);
	struct keel_mmuext_op ops[2] = {
		{ .cmd = KEEL_MMUEXT_PIN_L1_TABLE, .arg1 = t_mfn },
		{ .cmd = KEEL_MMUEXT_PIN_L1_TABLE, .arg1 = mfn },
	};
	CHECK_EQ(keel_hypercall_mmuext_op((unsigned long)ops, 2,
					  (unsigned long)&done,
					  KEEL_DOMID_SELF), -KEEL_EPERM);
	CHECK_EQ(done, 1);
	CHECK_EQ(rt_mmuext1(KEEL_MMUEXT_UNPIN_TABLE, t_mfn, 0), 0);
	hostile_make_writable(t);
	printf("pins and base pointers on mfn %#llx refused\n",
	       (unsigned long long)mfn);
}
