/*
 * Attack: nest multicalls (one entry a multicall of its own array, or of
 * the outer array, for unbounded recursion), and slip calls that do not
 * return normally into a batch: iret, sched_op yield and shutdown. Each
 * such entry must get the result -EINVAL without running (the inner
 * entries stay untouched, the domain does not shut down), an unknown
 * number -ENOSYS even with high bits set, a control-domain call -EPERM;
 * the call itself returns 0. A batch over 64 entries fails with -EINVAL.
 */
#include "hostile.h"

const char test_name[] = "multicall_nested";

#define SENTINEL 0x5e47196e15ULL

void attack(void)
{
	static struct keel_multicall_entry inner[2], outer[10];
	static struct keel_sched_shutdown sd = {
		.reason = KEEL_SHUTDOWN_crash,
	};

	for (unsigned int i = 0; i < 2; i++) {
		inner[i].op = KEEL_HC_version;
		inner[i].result = SENTINEL;
	}
	struct keel_multicall_entry e[10] = {
		{ .op = KEEL_HC_multicall, .args = { (uint64_t)inner, 2 } },
		{ .op = KEEL_HC_multicall, .args = { (uint64_t)outer, 10 } },
		{ .op = KEEL_HC_iret },
		{ .op = KEEL_HC_sched_op, .args = { KEEL_SCHEDOP_yield } },
		{ .op = KEEL_HC_sched_op,
		  .args = { KEEL_SCHEDOP_shutdown, (uint64_t)&sd } },
		{ .op = 15 },
		{ .op = (1ULL << 32) | KEEL_HC_multicall,
		  .args = { (uint64_t)inner, 2 } },
		{ .op = KEEL_HC_domctl },
		{ .op = KEEL_HC_console_read },
		{ .op = KEEL_HC_version, .args = { KEEL_VERSION_ABI } },
	};
	const long want[10] = {
		-KEEL_EINVAL, -KEEL_EINVAL, -KEEL_EINVAL, -KEEL_EINVAL,
		-KEEL_EINVAL, -KEEL_ENOSYS, -KEEL_ENOSYS, -KEEL_EPERM,
		-KEEL_EPERM, KEEL_ABI_VERSION,
	};

	memcpy(outer, e, sizeof(e));
	CHECK_EQ(keel_hypercall_multicall((unsigned long)outer, 10), 0);
	for (unsigned int i = 0; i < 10; i++) {
		CHECK_EQ((long)outer[i].result, want[i]);
		printf("entry %u (op %#llx): %ld\n", i,
		       (unsigned long long)outer[i].op, (long)outer[i].result);
	}
	for (unsigned int i = 0; i < 2; i++)
		CHECK_EQ(inner[i].result, SENTINEL);

	/* A full batch of nested multicalls. */
	static struct keel_multicall_entry full[KEEL_MULTICALL_MAX];
	for (unsigned int i = 0; i < KEEL_MULTICALL_MAX; i++)
		full[i] = (struct keel_multicall_entry){
			.op = KEEL_HC_multicall,
			.args = { (uint64_t)full, KEEL_MULTICALL_MAX },
		};
	CHECK_EQ(keel_hypercall_multicall((unsigned long)full,
					  KEEL_MULTICALL_MAX), 0);
	for (unsigned int i = 0; i < KEEL_MULTICALL_MAX; i++)
		CHECK_EQ((long)full[i].result, -KEEL_EINVAL);
	CHECK_EQ(keel_hypercall_multicall((unsigned long)full,
					  KEEL_MULTICALL_MAX + 1),
		 -KEEL_EINVAL);
	CHECK_EQ(keel_hypercall_multicall((unsigned long)full, ~0UL),
		 -KEEL_EINVAL);
}
