/*
 * Hypercall dispatch.
 *
 * The table is generated from hypercalls.def, so the numbers, the
 * argument counts and the control-domain marks cannot drift from the ABI
 * headers. A number outside the table gets -ENOSYS; a control-only call
 * from an ordinary domain gets -EPERM before its handler sees anything.
 */
#include <domain.h>
#include <hypercall.h>
#include <scheduler.h>

enum hypercall_access { ANY, CONTROL };

struct hypercall_entry {
	long (*call)(const unsigned long *args);
	enum hypercall_access access;
};

#define HC_ARGS_0
#define HC_ARGS_1 a[0]
#define HC_ARGS_2 a[0], a[1]
#define HC_ARGS_3 a[0], a[1], a[2]
#define HC_ARGS_4 a[0], a[1], a[2], a[3]
#define HC_ARGS_5 a[0], a[1], a[2], a[3], a[4]

/* One adapter per call, so each handler keeps its own prototype. */
#define KEEL_HYPERCALL(nr, name, nargs, access)                         \
	static long call_##name(const unsigned long *a)                 \
	{                                                               \
		(void)a;                                                \
		return do_##name(HC_ARGS_##nargs);                      \
	}
#include <keel/hypercalls.def>
#undef KEEL_HYPERCALL

static const struct hypercall_entry hypercall_table[KEEL_HC_COUNT] = {
#define KEEL_HYPERCALL(nr, name, nargs, access) \
	[nr] = { call_##name, access },
#include <keel/hypercalls.def>
#undef KEEL_HYPERCALL
};

long hypercall_dispatch(unsigned long nr, const unsigned long args[5])
{
	const struct hypercall_entry *e;

	if (nr >= KEEL_HC_COUNT || !hypercall_table[nr].call)
		return -KEEL_ENOSYS;
	e = &hypercall_table[nr];
	if (e->access == CONTROL && !current_vcpu()->domain->privileged)
		return -KEEL_EPERM;
	return e->call(args);
}

void do_hypercall(struct cpu_user_regs *regs)
{
	const unsigned long args[5] = { regs->rdi, regs->rsi, regs->rdx,
					regs->r10, regs->r8 };

	regs->rax = (uint64_t)hypercall_dispatch(regs->rax, args);
}
