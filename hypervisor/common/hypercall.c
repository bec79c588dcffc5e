/*
 * Hypercall dispatch.
 *
 * The table is generated from hypercalls.def, so the numbers, the
 * argument counts and the control-domain marks cannot drift from the ABI
 * headers. A number outside the table gets -ENOSYS; a control-only call
 * from an ordinary domain gets -EPERM before its handler sees anything.
 */
#include <arch.h>
#include <domain.h>
#include <hypercall.h>
#include <scheduler.h>

enum hypercall_access { ANY, CONTROL };

/* Every handler is called with all five argument registers; each adapter
 * passes on the ones its handler takes. */
typedef long (*hypercall_fn)(unsigned long, unsigned long, unsigned long,
			     unsigned long, unsigned long);

struct hypercall_entry {
	hypercall_fn call;
	enum hypercall_access access;
};

#define HC_ARGS_0
#define HC_ARGS_1 a0
#define HC_ARGS_2 a0, a1
#define HC_ARGS_3 a0, a1, a2
#define HC_ARGS_4 a0, a1, a2, a3
#define HC_ARGS_5 a0, a1, a2, a3, a4

/* One adapter per call, so each handler keeps its own prototype. The
 * arguments arrive in registers and stay there: an adapter is one jump. */
#define KEEL_HYPERCALL(nr, name, nargs, access)                         \
	static long call_##name(unsigned long a0, unsigned long a1,     \
				unsigned long a2, unsigned long a3,     \
				unsigned long a4)                       \
	{                                                               \
		(void)a0; (void)a1; (void)a2; (void)a3; (void)a4;       \
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

/*
 * The table pv/entry.S dispatches from without entering C first: the
 * handler of every call that any domain may make, NULL for control-only
 * calls and unused numbers, which take the C path (do_hypercall()) and
 * its checks. Built from the same list as hypercall_table, so the two
 * cannot disagree.
 */
const hypercall_fn hypercall_fast_table[KEEL_HC_COUNT] = {
#define KEEL_HYPERCALL(nr, name, nargs, access) \
	[nr] = access == ANY ? call_##name : NULL,
#include <keel/hypercalls.def>
#undef KEEL_HYPERCALL
};

/* The dispatcher's checks: a number outside the table, or a control-only
 * call from an ordinary domain. NULL means the caller returns @*err. */
static inline hypercall_fn hypercall_lookup(unsigned long nr, long *err)
{
	/* The index is masked so that it stays in the table even where the
	 * CPU runs on past the bounds check before it resolves. */
	const struct hypercall_entry *e =
		&hypercall_table[nr & arch_index_mask_nospec(nr, KEEL_HC_COUNT)];

	if (nr >= KEEL_HC_COUNT || !e->call) {
		*err = -KEEL_ENOSYS;
		return NULL;
	}
	if (e->access == CONTROL && !current_vcpu()->domain->privileged) {
		*err = -KEEL_EPERM;
		return NULL;
	}
	return e->call;
}

long hypercall_dispatch(unsigned long nr, const unsigned long args[5])
{
	long err;
	hypercall_fn call = hypercall_lookup(nr, &err);

	return call ? call(args[0], args[1], args[2], args[3], args[4]) : err;
}

/* The hypercall path proper: every hypercall passes here, so the checks
 * are inline and the arguments go from the frame straight into the
 * argument registers. */
void do_hypercall(struct cpu_user_regs *regs)
{
	long err;
	hypercall_fn call = hypercall_lookup(regs->rax, &err);

	regs->rax = (uint64_t)(call ? call(regs->rdi, regs->rsi, regs->rdx,
					   regs->r10, regs->r8) : err);
}
