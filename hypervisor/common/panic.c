/*
 * panic(): the end of the line for a hypervisor bug.
 *
 * The first CPU to panic wins; any other CPU that panics meanwhile stops.
 * The winner stops the other CPUs (an NMI, which they take even with
 * interrupts disabled), prints what it knows, and ends the machine: with a
 * failure status in test mode, by halting otherwise.
 */
#include <arch.h>
#include <format.h>
#include <panic.h>
#include <percpu.h>
#include <printk.h>
#include <setup.h>
#include <smp.h>
#include <system_time.h>
#include <asm/cpu.h>

volatile bool panic_in_progress;
unsigned int cpus_stopped_by_panic;
static int panic_owner = -1;

static __noreturn void panic_common(const struct cpu_user_regs *regs,
				    const char *fmt, va_list ap)
{
	char msg[256];
	int self = (int)smp_processor_id();
	int expected = -1;

	irq_disable();
	if (!__atomic_compare_exchange_n(&panic_owner, &expected, self, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		halt_forever();	/* someone else is already panicking */
	panic_in_progress = true;
	smp_stop_other_cpus();
	console_force_unlock();

	/* Wait (bounded: a wedged CPU must not keep the report from
	 * appearing) until the others confirm they stopped. */
	unsigned int others = nr_cpus_online - 1;
	for (unsigned int i = 0; i < 1000 &&
	     __atomic_load_n(&cpus_stopped_by_panic, __ATOMIC_SEQ_CST) < others;
	     i++)
		udelay(100);

	format_string_va(msg, sizeof(msg), fmt, ap);
	if (regs)
		arch_dump_state(regs);
	printk(LOG_EMERG "****************************************\n");
	printk(LOG_EMERG "Panic on CPU%d: %s\n", self, msg);
	printk(LOG_EMERG "Stopped %u of %u other CPUs\n",
	       __atomic_load_n(&cpus_stopped_by_panic, __ATOMIC_SEQ_CST), others);
	if (!regs)
		arch_dump_state(NULL);
	printk(LOG_EMERG "****************************************\n");
	test_exit(TEST_EXIT_FAILURE);
}

__noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	panic_common(NULL, fmt, ap);
}

__noreturn void panic_with_regs(const struct cpu_user_regs *regs,
				const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	panic_common(regs, fmt, ap);
}
