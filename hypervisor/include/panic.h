/* Fatal errors. */
#ifndef KEEL_PANIC_H
#define KEEL_PANIC_H

#include <types.h>

struct cpu_user_regs;

/* Print the message, a backtrace and the CPU, stop the other CPUs, then
 * halt (or, in test mode, end QEMU with a failure status). */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);
/* Like panic(), for a fault taken in the hypervisor: dumps @regs too. */
__noreturn void panic_with_regs(const struct cpu_user_regs *regs,
				const char *fmt, ...) __printf(2, 3);

extern volatile bool panic_in_progress;
/* CPUs that took the panic NMI and stopped. */
extern unsigned int cpus_stopped_by_panic;

#define BUG_ON(cond)                                                     \
	do {                                                             \
		if (unlikely(cond))                                      \
			panic("BUG at %s:%d: %s", __FILE__, __LINE__,    \
			      #cond);                                    \
	} while (0)

#define ASSERT(cond) BUG_ON(!(cond))

/*
 * trace_error(): return a negative errno and, at debug log level, say where
 * it came from. Write `return trace_error(-EINVAL);` so the log shows the
 * origin of an error that travels up several callers.
 */
#define trace_error(code)                                                \
	({                                                               \
		int __code = (code);                                     \
		printk(LOG_DEBUG "error %d at %s:%d (%s)\n", __code,     \
		       __FILE__, __LINE__, __func__);                    \
		__code;                                                  \
	})

#endif
