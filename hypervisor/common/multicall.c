/*
 * multicall: run a batch of hypercalls with one entry into Keel.
 *
 * Each entry goes through the ordinary dispatcher, so it gets exactly the
 * checks it would get alone, and its result is written back to the
 * entry. Calls that do not return to their caller in the ordinary way
 * are refused inside a batch with -EINVAL in the entry's result: iret
 * (it replaces the caller's frame), sched_op (it may switch to another
 * vCPU and resume the guest directly) and multicall itself (no nesting).
 */
#include <domain.h>
#include <errno_values.h>
#include <hypercall.h>
#include <keel/memory.h>
#include <memory.h>
#include <asm/pv.h>

static bool multicall_allowed(uint64_t op)
{
	return op != KEEL_HC_multicall && op != KEEL_HC_iret &&
	       op != KEEL_HC_sched_op;
}

long do_multicall(unsigned long calls, unsigned long count)
{
	long rc = 0;

	if (count > KEEL_MULTICALL_MAX)
		return -EINVAL;
	memory_work_multicall(true);
	for (unsigned long i = 0; i < count && !rc; i++) {
		uint64_t at = calls + i * sizeof(struct keel_multicall_entry);
		struct keel_multicall_entry e;

		if (copy_from_guest(&e, at, sizeof(e))) {
			rc = -EFAULT;
			break;
		}
		e.result = multicall_allowed(e.op) ?
			   (uint64_t)hypercall_dispatch(e.op,
							(unsigned long *)e.args) :
			   (uint64_t)-EINVAL;
		if (copy_to_guest(at + offsetof(struct keel_multicall_entry,
						 result),
				  &e.result, sizeof(e.result)))
			rc = -EFAULT;
	}
	memory_work_multicall(false);
	return rc;
}
