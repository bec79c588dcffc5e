// SPDX-License-Identifier: GPL-2.0
/*
 * The scripted workload of the Linux scenarios: what a user's programs
 * do to a kernel, each part checked, run the same way natively and as a
 * Keel PV guest. Its output is the same on both (no addresses, counts
 * that depend on timing or pids), so the equivalence scenario compares
 * the two runs line by line.
 *
 * Each check prints "workload: NAME: ok" or "workload: NAME: FAIL why",
 * and the last line is "workload: N passed, N failed".
 *
 *   fork-exec-wait  fork, execve and waitpid in a loop, exit codes kept
 *   pipes           a ping-pong of messages between two processes
 *   signals         handlers, sigsuspend, queued real-time signals
 *   mmap            mmap/munmap/mprotect/mremap, faults with si_code
 *   shared-mapping  MAP_SHARED memory between a parent and its child
 *   threads         pthreads, a futex-backed mutex and condvar, TLS
 *                   through the FS base
 *   privileged      cli, hlt, out, rdmsr, mov to cr3 from user mode:
 *                   each a SIGSEGV, and the kernel lives
 *   proc-sys        /proc and /sys agree with sysconf() on the CPUs
 *   tlb-shootdown   threads on every CPU read a page that another
 *                   unmaps and protects; a read that succeeds while the
 *                   page is known gone is a stale TLB entry
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <asm/prctl.h>

static int passed, failed;

static void result(const char *name, const char *fmt, ...)
{
	va_list ap;

	if (!fmt) {
		printf("workload: %s: ok\n", name);
		passed++;
	} else {
		printf("workload: %s: FAIL ", name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
		failed++;
	}
	fflush(stdout);
}

/* ---------------------------------------------------------------- fork */

static void test_fork_exec_wait(void)
{
	for (int i = 0; i < 40; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0)
			return result("fork-exec-wait", "fork: %s",
				      strerror(errno));
		if (pid == 0) {
			if (i % 2) {
				char code[8];

				snprintf(code, sizeof(code), "exit %d", i);
				execl("/bin/sh", "sh", "-c", code, (char *)0);
				_exit(127);
			}
			_exit(i);
		}
		if (waitpid(pid, &status, 0) != pid)
			return result("fork-exec-wait", "waitpid: %s",
				      strerror(errno));
		if (!WIFEXITED(status) || WEXITSTATUS(status) != i)
			return result("fork-exec-wait",
				      "child %d ended with status %#x", i,
				      status);
	}
	result("fork-exec-wait", NULL);
}

/* --------------------------------------------------------------- pipes */

static void test_pipes(void)
{
	int there[2], back[2], status;
	pid_t pid;

	if (pipe(there) || pipe(back))
		return result("pipes", "pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		unsigned int v;

		close(there[1]);
		close(back[0]);
		while (read(there[0], &v, sizeof(v)) == sizeof(v)) {
			v = v * 3 + 1;
			if (write(back[1], &v, sizeof(v)) != sizeof(v))
				_exit(1);
		}
		_exit(0);
	}
	close(there[0]);
	close(back[1]);
	for (unsigned int i = 0; i < 2000; i++) {
		unsigned int v = i;

		if (write(there[1], &v, sizeof(v)) != sizeof(v) ||
		    read(back[0], &v, sizeof(v)) != sizeof(v))
			return result("pipes", "round trip %u: %s", i,
				      strerror(errno));
		if (v != i * 3 + 1)
			return result("pipes", "round trip %u came back %u", i,
				      v);
	}
	close(there[1]);
	waitpid(pid, &status, 0);
	close(back[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return result("pipes", "the echo child ended with %#x", status);
	result("pipes", NULL);
}

/* ------------------------------------------------------------- signals */

static volatile sig_atomic_t usr1_count;
static volatile int rt_values[8];
static volatile sig_atomic_t rt_count;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (rt_count < 8)
		rt_values[rt_count] = si->si_value.sival_int;
	rt_count++;
}

static void test_signals(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigset_t block, old;
	pid_t parent = getpid(), pid;
	int status;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	/* The child signals the parent 100 times; the parent waits for
	 * each with sigsuspend and answers, so none is merged. */
	pid = fork();
	if (pid == 0) {
		sigset_t wait_set = old;

		usr1_count = 0;
		for (int i = 0; i < 100; i++) {
			kill(parent, SIGUSR1);
			while (usr1_count == i)
				sigsuspend(&wait_set);
		}
		_exit(0);
	}
	for (int i = 0; i < 100; i++) {
		while (usr1_count == i)
			sigsuspend(&old);
		kill(pid, SIGUSR1);
	}
	waitpid(pid, &status, 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (usr1_count != 100 || !WIFEXITED(status) || WEXITSTATUS(status))
		return result("signals", "%d SIGUSR1 seen, child status %#x",
			      (int)usr1_count, status);

	/* Real-time signals queue, in order, with their values. */
	struct sigaction rt = { .sa_sigaction = on_rt, .sa_flags = SA_SIGINFO };

	sigemptyset(&rt.sa_mask);
	sigaction(SIGRTMIN, &rt, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &block, NULL);
	for (int i = 0; i < 8; i++)
		sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = i * 7 });
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	if (rt_count != 8)
		return result("signals", "%d of 8 queued signals arrived",
			      (int)rt_count);
	for (int i = 0; i < 8; i++)
		if (rt_values[i] != i * 7)
			return result("signals", "queued signal %d carried %d",
				      i, rt_values[i]);
	result("signals", NULL);
}

/* ---------------------------------------------------------------- mmap */

static sigjmp_buf fault_jump;
static volatile void *fault_addr;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	siglongjmp(fault_jump, 1);
}

static void catch_segv(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv,
				.sa_flags = SA_SIGINFO | SA_NODEFER };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* Write (or read) @p; return 0, or the si_code of the fault it took. */
static int touch(volatile char *p, int write)
{
	fault_code = 0;
	if (sigsetjmp(fault_jump, 1)) {
		if (fault_addr != p)
			return -1;	/* a fault, but elsewhere */
		return fault_code;
	}
	if (write)
		*p = 1;
	else
		(void)*p;
	return 0;
}

static void test_mmap(void)
{
	const long pg = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 64 * pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int code;

	catch_segv();
	if (p == MAP_FAILED)
		return result("mmap", "mmap: %s", strerror(errno));
	for (int i = 0; i < 64; i++)
		memset(p + i * pg, i, pg);
	for (int i = 0; i < 64; i++)
		if (p[i * pg] != i || p[i * pg + pg - 1] != i)
			return result("mmap", "page %d lost its contents", i);
	if (mprotect(p, 64 * pg, PROT_READ))
		return result("mmap", "mprotect: %s", strerror(errno));
	code = touch(p + 5 * pg, 1);
	if (code != SEGV_ACCERR)
		return result("mmap", "a write to a read-only page gave "
			      "si_code %d", code);
	if (touch(p + 5 * pg, 0) || p[5 * pg] != 5)
		return result("mmap", "a read-only page is not readable");
	if (mprotect(p, 64 * pg, PROT_NONE) ||
	    touch(p + 7 * pg, 0) != SEGV_ACCERR)
		return result("mmap", "a PROT_NONE page is readable");
	if (mprotect(p, 64 * pg, PROT_READ | PROT_WRITE) ||
	    touch(p + 7 * pg, 1) || p[7 * pg] != 1 || p[8 * pg] != 8)
		return result("mmap", "protections did not come back");
	if (munmap(p + 16 * pg, 16 * pg))
		return result("mmap", "munmap: %s", strerror(errno));
	if (touch(p + 20 * pg, 0) != SEGV_MAPERR)
		return result("mmap", "an unmapped page is readable");
	if (touch(p + 40 * pg, 0) || p[40 * pg] != 40)
		return result("mmap", "munmap took too much");
	/* Grow the first 16 pages in place or by moving: contents kept,
	 * new pages zero. */
	char *q = mremap(p, 16 * pg, 48 * pg, MREMAP_MAYMOVE);

	if (q == MAP_FAILED)
		return result("mmap", "mremap: %s", strerror(errno));
	if (q[3 * pg] != 3 || q[15 * pg + 9] != 15 || q[30 * pg] != 0)
		return result("mmap", "mremap lost or invented contents");
	munmap(q, 48 * pg);
	if (q != p)
		munmap(p + 32 * pg, 32 * pg);
	else
		munmap(p + 48 * pg, 16 * pg);
	result("mmap", NULL);
}

static void test_shared_mapping(void)
{
	volatile int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int *private = malloc(sizeof(int)), status;
	pid_t pid;

	if (shared == MAP_FAILED || !private)
		return result("shared-mapping", "no memory");
	shared[0] = 1;
	*private = 1;
	pid = fork();
	if (pid == 0) {
		*private = 2;	/* a copy-on-write page: only ours */
		shared[1] = *private + 40;
		_exit(shared[0] == 1 ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) || shared[1] != 42 ||
	    *private != 1)
		return result("shared-mapping", "child status %#x, shared %d, "
			      "private %d", status, shared[1], *private);
	munmap((void *)shared, 4096);
	free(private);
	result("shared-mapping", NULL);
}

/* ------------------------------------------------------------- threads */

#define NR_THREADS 4
#define INCREMENTS 20000

static __thread int tls_value;
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
static long counter;
static int turn;

struct thread_report {
	int index;
	int tls_ok;
	int fs_ok;
};

static void *thread_main(void *arg)
{
	struct thread_report *r = arg;
	unsigned long fs = 0;

	tls_value = r->index * 1000;
	/* glibc's thread pointer is the FS base, and points at itself. */
	syscall(SYS_arch_prctl, ARCH_GET_FS, &fs);
	r->fs_ok = fs && *(unsigned long *)fs == fs;
	for (int i = 0; i < INCREMENTS; i++) {
		pthread_mutex_lock(&counter_lock);
		counter++;
		pthread_mutex_unlock(&counter_lock);
		if (i % 1000 == 0)
			sched_yield();
	}
	/* Take turns in index order, through the condition variable. */
	pthread_mutex_lock(&counter_lock);
	while (turn != r->index)
		pthread_cond_wait(&turn_changed, &counter_lock);
	turn++;
	pthread_cond_broadcast(&turn_changed);
	pthread_mutex_unlock(&counter_lock);
	r->tls_ok = tls_value == r->index * 1000;
	return NULL;
}

static void test_threads(void)
{
	pthread_t threads[NR_THREADS];
	struct thread_report reports[NR_THREADS];

	tls_value = -1;
	for (int i = 0; i < NR_THREADS; i++) {
		reports[i] = (struct thread_report){ .index = i };
		if (pthread_create(&threads[i], NULL, thread_main, &reports[i]))
			return result("threads", "pthread_create failed");
	}
	for (int i = 0; i < NR_THREADS; i++)
		pthread_join(threads[i], NULL);
	if (counter != (long)NR_THREADS * INCREMENTS)
		return result("threads", "the counter is %ld, not %ld", counter,
			      (long)NR_THREADS * INCREMENTS);
	if (turn != NR_THREADS || tls_value != -1)
		return result("threads", "turns %d, main TLS %d", turn,
			      tls_value);
	for (int i = 0; i < NR_THREADS; i++)
		if (!reports[i].tls_ok || !reports[i].fs_ok)
			return result("threads", "thread %d: TLS %s, FS base %s",
				      i, reports[i].tls_ok ? "ok" : "wrong",
				      reports[i].fs_ok ? "ok" : "wrong");
	result("threads", NULL);
}

/* ---------------------------------------------------------- privileged */

static void privileged_cli(void) { asm volatile("cli"); }
static void privileged_hlt(void) { asm volatile("hlt"); }
static void privileged_out(void) { asm volatile("outb %%al, $0x80" :: "a"(0)); }
static void privileged_rdmsr(void)
{
	asm volatile("rdmsr" :: "c"(0x10) : "eax", "edx");
}
static void privileged_cr3(void)
{
	asm volatile("mov %0, %%cr3" :: "r"(0UL));
}
static void privileged_lgdt(void)
{
	static const struct { uint16_t limit; uint64_t base; }
		__attribute__((packed)) gdt = { 0, 0 };

	asm volatile("lgdt %0" :: "m"(gdt));
}

static void test_privileged(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} cases[] = {
		{ "cli", privileged_cli },
		{ "hlt", privileged_hlt },
		{ "out", privileged_out },
		{ "rdmsr", privileged_rdmsr },
		{ "mov-to-cr3", privileged_cr3 },
		{ "lgdt", privileged_lgdt },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int status;
		pid_t pid = fork();

		if (pid == 0) {
			signal(SIGSEGV, SIG_DFL);
			cases[i].fn();
			_exit(0);
		}
		waitpid(pid, &status, 0);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV)
			return result("privileged", "%s ended with status %#x",
				      cases[i].name, status);
	}
	result("privileged", NULL);
}

/* ------------------------------------------------------------ proc-sys */

static int count_lines_starting(const char *path, const char *prefix)
{
	char line[512];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += !strncmp(line, prefix, strlen(prefix));
	fclose(f);
	return n;
}

static void test_proc_sys(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int in_cpuinfo = count_lines_starting("/proc/cpuinfo", "processor");
	char online[64] = "", want[64];
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	void *p = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	char maps_line[64];
	int in_maps;

	if (f) {
		if (!fgets(online, sizeof(online), f))
			online[0] = 0;
		fclose(f);
	}
	online[strcspn(online, "\n")] = 0;
	if (cpus == 1)
		snprintf(want, sizeof(want), "0");
	else
		snprintf(want, sizeof(want), "0-%ld", cpus - 1);
	if (in_cpuinfo != cpus || strcmp(online, want))
		return result("proc-sys", "sysconf %ld CPUs, /proc/cpuinfo %d, "
			      "online '%s'", cpus, in_cpuinfo, online);
	snprintf(maps_line, sizeof(maps_line), "%lx-%lx r--p", (unsigned long)p,
		 (unsigned long)p + 3 * 4096);
	in_maps = count_lines_starting("/proc/self/maps", maps_line);
	munmap(p, 3 * 4096);
	if (in_maps != 1)
		return result("proc-sys", "/proc/self/maps has %d lines for "
			      "a new mapping", in_maps);
	if (count_lines_starting("/proc/self/status", "Threads:\t1") != 1)
		return result("proc-sys", "/proc/self/status disagrees");
	result("proc-sys", NULL);
}

/* ------------------------------------------------------- tlb-shootdown */

/*
 * One page at a fixed address, and readers pinned to the other CPUs that
 * read it in a loop. Each round, the owner (on CPU 0):
 *
 *  1. bumps @generation to an even value and makes the page accessible,
 *     then waits until every reader has read it at that generation, so
 *     that each reader's CPU has the translation in its TLB and is
 *     spinning in user mode, not in the kernel (whose entry would flush);
 *  2. takes the page away (munmap in odd rounds, mprotect to PROT_NONE in
 *     even ones) and bumps @generation to odd, then waits until every
 *     reader has tried a read at that generation.
 *
 * A reader that sees the same odd generation before and after a read that
 * succeeded read through a TLB entry that the kernel (here: Linux's
 * flush_tlb_multi and Keel's shootdown) should have removed. The waits
 * are bounded: a reader that cannot run in time makes the round count
 * for less, never hangs the test.
 */
#define ROUNDS 100
#define MAX_READERS 8

static char *tlb_page;
static atomic_uint generation;
static atomic_int owner_done, readers_ready;
static atomic_long stale_reads, checked_reads;
static atomic_uint reader_seen[MAX_READERS];	/* last generation read */
static __thread sigjmp_buf reader_jump;

static void on_reader_segv(int sig)
{
	(void)sig;
	siglongjmp(reader_jump, 1);
}

static void pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void *tlb_reader(void *arg)
{
	long index = (long)arg, cpus = sysconf(_SC_NPROCESSORS_ONLN);

	pin_to((int)((index + 1) % cpus));
	atomic_fetch_add(&readers_ready, 1);
	while (!atomic_load(&owner_done)) {
		unsigned int before = atomic_load(&generation), after;
		volatile char *p = tlb_page;
		int ok;

		asm volatile("" ::: "memory");
		if (sigsetjmp(reader_jump, 1)) {
			ok = 0;
		} else {
			(void)*p;
			ok = 1;
		}
		asm volatile("" ::: "memory");
		after = atomic_load(&generation);
		if (before != after)
			continue;
		if (before & 1) {
			atomic_fetch_add(&checked_reads, 1);
			if (ok)
				atomic_fetch_add(&stale_reads, 1);
		}
		if (ok || (before & 1))
			atomic_store(&reader_seen[index], before);
	}
	return NULL;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait (at most a second) until every reader has seen @gen. */
static void wait_for_readers(int nr_readers, unsigned int gen)
{
	long deadline = now_ms() + 1000;

	for (int i = 0; i < nr_readers; i++)
		while (atomic_load(&reader_seen[i]) != gen &&
		       now_ms() < deadline)
			sched_yield();
}

static void test_tlb_shootdown(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int nr_readers = cpus > 1 ? (int)cpus - 1 : 1;
	pthread_t readers[MAX_READERS];
	struct sigaction sa = { .sa_handler = on_reader_segv,
				.sa_flags = SA_NODEFER };
	cpu_set_t all;

	if (nr_readers > MAX_READERS)
		nr_readers = MAX_READERS;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	tlb_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (tlb_page == MAP_FAILED)
		return result("tlb-shootdown", "mmap: %s", strerror(errno));
	tlb_page[0] = 1;
	atomic_store(&generation, 0);
	pin_to(0);
	for (long i = 0; i < nr_readers; i++)
		pthread_create(&readers[i], NULL, tlb_reader, (void *)i);
	while (atomic_load(&readers_ready) < nr_readers)
		sched_yield();
	for (int round = 0; round < ROUNDS; round++) {
		wait_for_readers(nr_readers, atomic_load(&generation));
		if (round % 2) {
			if (munmap(tlb_page, 4096))
				break;
		} else if (mprotect(tlb_page, 4096, PROT_NONE)) {
			break;
		}
		atomic_fetch_add(&generation, 1);	/* odd: gone */
		wait_for_readers(nr_readers, atomic_load(&generation));
		/* Even before the page is back: a read that overlaps its
		 * return must not count as one of a gone page. */
		atomic_fetch_add(&generation, 1);
		if (round % 2) {
			if (mmap(tlb_page, 4096, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
				 0) != tlb_page)
				break;
			tlb_page[0] = 1;
		} else if (mprotect(tlb_page, 4096, PROT_READ | PROT_WRITE)) {
			break;
		}
	}
	atomic_store(&owner_done, 1);
	for (int i = 0; i < nr_readers; i++)
		pthread_join(readers[i], NULL);
	CPU_ZERO(&all);
	for (int c = 0; c < cpus; c++)
		CPU_SET(c, &all);
	sched_setaffinity(0, sizeof(all), &all);
	if (atomic_load(&generation) != 2 * ROUNDS)
		return result("tlb-shootdown", "the owner stopped at round %u: "
			      "%s", atomic_load(&generation) / 2,
			      strerror(errno));
	if (atomic_load(&stale_reads))
		return result("tlb-shootdown", "%ld of %ld reads of a gone "
			      "page succeeded", atomic_load(&stale_reads),
			      atomic_load(&checked_reads));
	if (atomic_load(&checked_reads) < ROUNDS / 2)
		return result("tlb-shootdown", "only %ld reads were checked: "
			      "the readers did not run while the page was gone",
			      atomic_load(&checked_reads));
	result("tlb-shootdown", NULL);
	/* How many reads were checked depends on timing: on stderr, which
	 * the equivalence comparison leaves out. */
	fprintf(stderr, "workload: tlb-shootdown checked %ld reads\n",
		atomic_load(&checked_reads));
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_fork_exec_wait();
	test_pipes();
	test_signals();
	test_mmap();
	test_shared_mapping();
	test_threads();
	test_privileged();
	test_proc_sys();
	test_tlb_shootdown();
	printf("workload: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
