/* The generic boot sequence (common/setup.c) and what it shares with the
 * architecture's entry code. */
#ifndef KEEL_SETUP_H
#define KEEL_SETUP_H

#include <multiboot2.h>
#include <types.h>

/* Entered on the boot CPU with its descriptor tables loaded and @bi parsed
 * (@parse_rc is multiboot2_parse()'s result). */
__noreturn void start_hypervisor(struct boot_info *bi, int parse_rc);
/* What every CPU does when it has nothing else to do. */
__noreturn void idle_loop(void);

/* Register the console named by `console=` (arch). */
void arch_console_init(void);
/* Finish the boot CPU's interrupt controller and timer set-up, once
 * time_init() has calibrated the clock (arch). */
void arch_boot_cpu_init_late(void);

/* `test`: end QEMU through the debug-exit device when the boot's work is
 * done (success) or on panic (failure). */
extern bool opt_test;

#define TEST_EXIT_SUCCESS 0
#define TEST_EXIT_FAILURE 1

/* Print the closing line the test runner looks for, then end. */
__noreturn void test_exit(unsigned int status);

/* Debug options exercised by the boot scenarios (common/selftest.c). */
void debug_fault_maybe_trigger(void);
bool selftests_run(void);

#endif
