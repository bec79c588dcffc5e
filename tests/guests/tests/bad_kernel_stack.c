/* keel-test: exit=crash */
/* A bounce from user mode goes to the stack_switch stack; when that
 * cannot take the frame, the hypervisor crashes the domain (as a CPU
 * would triple-fault) -- and nothing else. The domain cannot report
 * afterwards, so it prints its RESULT line first; the runner checks that
 * it then exits with reason "crash". */
#include "keeltest.h"

const char test_name[] = "bad_kernel_stack";

RT_USER void user_syscall_once(void)
{
	long rax = RT_SYS_getpid;

	__asm__ volatile("syscall" : "+a"(rax) : : "rcx", "r11", "memory");
	/* Not reached: the bounce cannot be delivered. */
	rax = RT_SYS_exit;
	__asm__ volatile("syscall" : "+a"(rax) : "D"(0x0bad) : "rcx", "r11",
			 "memory");
	for (;;)
		;
}

void test_main(void)
{
	/* The stack works before. */
	CHECK_EQ(rt_run_in_user(user_syscall_once, 0), 0x0bad);
	CHECK_EQ(keel_hypercall_stack_switch(0x1000), 0);
	if (test_failures)
		return;
	printf("stack_switch(0x1000) accepted; a user syscall must now crash "
	       "the domain\n");
	printf("RESULT: PASS %s\n", test_name);
	long code = rt_run_in_user(user_syscall_once, 0);
	/* Reaching here means the bounce went somewhere. */
	printf("FAIL: the user program came back with %#lx\n", code);
	printf("RESULT: FAIL %s\n", test_name);
	test_shutdown(KEEL_SHUTDOWN_poweroff);
}
