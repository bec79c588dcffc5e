/*
 * The Linux micro-benchmark: the same static program natively and in a
 * Keel PV guest. Each row repeats one operation a fixed number of times
 * and prints its cost as nanoseconds of CLOCK_MONOTONIC per operation:
 *
 *   BENCH-OP NAME NS_PER_OP
 *
 * (the fastest of three rounds). Under QEMU's -icount shift=0 the guest's clock advances one nanosecond
 * per executed instruction (the guest's, and on Keel Keel's too), so the
 * figure is instructions per operation, and the two runs compare.
 *
 *   microbench            every row
 *   microbench exit       exit at once (the program fork+execve runs)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *self_path;

static void die(const char *what)
{
	fprintf(stderr, "microbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Each row runs ROUNDS times and reports its fastest round: a timer
 * interrupt or a reschedule that lands in one round is not the
 * operation's cost. */
#define ROUNDS 3
static int round_nr;
static long long best[16];
static int row_nr;

static void report(const char *name, long long start, long iterations)
{
	long long per_op = (now_ns() - start) / iterations;

	if (!round_nr || per_op < best[row_nr])
		best[row_nr] = per_op;
	if (round_nr == ROUNDS - 1) {
		printf("BENCH-OP %s %lld\n", name, best[row_nr]);
		fflush(stdout);
	}
	row_nr++;
}

static void row_getppid(void)
{
	const long n = 20000;
	long long t = now_ns();

	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	report("getppid", t, n);
}

static void wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		die("child failed");
}

/* Fork @n children, each exiting at once or (with @exec) after an
 * execve of this program, and wait for each; report as @name. */
static void fork_row(const char *name, long n, int exec)
{
	long long t = now_ns();

	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (!pid) {
			if (exec)
				execl(self_path, self_path, "exit", (char *)NULL);
			_exit(exec ? 127 : 0);
		}
		wait_child(pid);
	}
	report(name, t, n);
}

static void row_fork(void)
{
	fork_row("fork_exit_wait", 200, 0);
}

static void row_fork_exec(void)
{
	fork_row("fork_execve", 100, 1);
}

static void row_pipe(void)
{
	const long n = 5000;
	int ping[2], pong[2];
	char c = 0;
	long long t;
	pid_t pid;

	if (pipe(ping) || pipe(pong))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		for (long i = 0; i < n; i++)
			if (read(ping[0], &c, 1) != 1 || write(pong[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	t = now_ns();
	for (long i = 0; i < n; i++)
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
			die("pipe round trip");
	report("pipe_round_trip", t, n);
	wait_child(pid);
	close(ping[0]); close(ping[1]); close(pong[0]); close(pong[1]);
}

static void row_page_fault(void)
{
	const long pages = 4096;
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, pages * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long long t;

	if (p == MAP_FAILED)
		die("mmap");
	t = now_ns();
	for (long i = 0; i < pages; i++)
		p[i * page] = 1;
	report("anon_page_fault", t, pages);
	munmap(p, pages * page);
}

static void row_mmap(void)
{
	const long n = 200;
	const size_t len = 1 << 20;
	long page = sysconf(_SC_PAGESIZE);
	long long t = now_ns();

	for (long i = 0; i < n; i++) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			die("mmap");
		for (size_t off = 0; off < len; off += page)
			p[off] = 1;
		if (munmap(p, len))
			die("munmap");
	}
	report("mmap_1MiB_touch_munmap", t, n);
}

static volatile sig_atomic_t signals_seen;

static void on_signal(int sig)
{
	(void)sig;
	signals_seen++;
}

static void row_signals(void)
{
	const long n = 10000;
	struct sigaction sa = { .sa_handler = on_signal };
	long long t;

	sigemptyset(&sa.sa_mask);
	t = now_ns();
	for (long i = 0; i < n; i++)
		if (sigaction(SIGUSR1, &sa, NULL))
			die("sigaction");
	report("signal_install", t, n);

	t = now_ns();
	for (long i = 0; i < n; i++)
		kill(getpid(), SIGUSR1);
	report("signal_delivery", t, n);
	if (signals_seen != n) {
		fprintf(stderr, "microbench: %d of %ld signals\n",
			(int)signals_seen, n);
		exit(1);
	}
}

static void row_open_close(void)
{
	const long n = 10000;
	const char *path = "/tmp/microbench-file";
	int fd = open(path, O_CREAT | O_WRONLY, 0600);
	long long t;

	if (fd < 0)
		die("create");
	close(fd);
	t = now_ns();
	for (long i = 0; i < n; i++) {
		fd = open(path, O_RDONLY);
		if (fd < 0)
			die("open");
		close(fd);
	}
	report("open_close_tmpfs", t, n);
	unlink(path);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "exit"))
		return 0;
	self_path = argv[0][0] == '/' ? argv[0] : "/bin/microbench";
	for (round_nr = 0; round_nr < ROUNDS; round_nr++) {
		row_nr = 0;
		signals_seen = 0;
		row_getppid();
		row_fork();
		row_fork_exec();
		row_pipe();
		row_page_fault();
		row_mmap();
		row_signals();
		row_open_close();
	}
	printf("BENCH-OP-DONE\n");
	return 0;
}
