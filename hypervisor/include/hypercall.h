/* Hypercall dispatch (common/hypercall.c) and the handlers' prototypes,
 * generated from hypercall-abi/include/keel/hypercalls.def. */
#ifndef KEEL_HYPERCALL_H
#define KEEL_HYPERCALL_H

#include <keel/keel.h>
#include <asm/regs.h>

#define HC_PARAMS_0 void
#define HC_PARAMS_1 unsigned long
#define HC_PARAMS_2 unsigned long, unsigned long
#define HC_PARAMS_3 unsigned long, unsigned long, unsigned long
#define HC_PARAMS_4 HC_PARAMS_3, unsigned long
#define HC_PARAMS_5 HC_PARAMS_4, unsigned long

#define KEEL_HYPERCALL(nr, name, nargs, access) \
	long do_##name(HC_PARAMS_##nargs);
#include <keel/hypercalls.def>
#undef KEEL_HYPERCALL

/* Run the hypercall in regs->rax with the arguments in rdi, rsi, rdx,
 * r10, r8; put the result in regs->rax. */
void do_hypercall(struct cpu_user_regs *regs);
/* Run hypercall @nr with @args for the current vCPU: the dispatcher's
 * checks (number, control-only mark), then the handler. */
long hypercall_dispatch(unsigned long nr, const unsigned long args[5]);

#endif
