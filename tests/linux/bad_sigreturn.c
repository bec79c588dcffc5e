/*
 * A user program that returns from a signal handler to a non-canonical
 * address. Natively the kernel's iret to it takes a #GP, which ends as
 * SIGSEGV for this task; on Keel the iret hypercall refuses the frame,
 * and the kernel's failsafe callback must do the same, not end the
 * domain. Prints one line saying which happened.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

static void say(const char *s)
{
	ssize_t rc = write(1, s, strlen(s));

	(void)rc;
}

static void on_usr1(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig;
	(void)si;
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)0x8000000000000000ULL;
}

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	(void)sig;
	(void)si;
	if ((unsigned long long)uc->uc_mcontext.gregs[REG_RIP] ==
	    0x8000000000000000ULL)
		say("bad-sigreturn: SIGSEGV at the non-canonical address\n");
	else
		say("bad-sigreturn: SIGSEGV somewhere else\n");
	_exit(0);
}

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_flags = SA_SIGINFO;
	sa.sa_sigaction = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_sigaction = on_segv;
	sigaction(SIGSEGV, &sa, NULL);
	raise(SIGUSR1);
	say("bad-sigreturn: came back to main\n");
	return 1;
}
