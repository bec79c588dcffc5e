/*
 * pvctl's domain monitor (monitor.h).
 *
 * pvctl create takes the name's lock before it looks for a domain of
 * that name, and holds it while it builds; then it forks twice, so that
 * the monitor is a child of init in a session of its own and outlives
 * the shell that ran pvctl. The grandchild inherits the lock, opens its
 * handles, then tells the waiting parent over a pipe; only then does
 * create report success. From there the monitor
 * sleeps in keelctl_domain_wait_shutdown(), woken by KEEL_VIRQ_DOM_EXC,
 * and applies the on_* action when its domain shuts down.
 *
 * Each domain it watches has a console server (console_server.h), a
 * child of the monitor started while the domain is still paused, so
 * that it has bound the console before the domain's first byte; the
 * monitor stops it once the domain has shut down, and before it
 * destroys or restarts it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <keel/sched.h>
#include <keel-linux/evtchn.h>

#include "console_server.h"
#include "keelctl.h"
#include "monitor.h"
#include "monitor_policy.h"

/* How long (in 10 ms steps) a new monitor waits for the lock of an
 * earlier one that is on its way out. */
#define MONITOR_LOCK_TRIES 500

/* How long a destroyed domain may take to give its memory back. */
#define MONITOR_GONE_TIMEOUT_MS 60000

static void monitor_log(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void monitor_log(const char *fmt, ...)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;

	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S",
		 localtime_r(&now, &tm));
	printf("%s ", stamp);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void lock_path(const char *name, char *out, size_t size)
{
	snprintf(out, size, MONITOR_LOCK_DIR "/pvctl-%s.lock", name);
}

bool monitor_running(const char *name)
{
	char path[128];

	lock_path(name, path, sizeof(path));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool held = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return held;
}

/* Destroy @domid and wait until its memory is back. */
static int destroy_and_wait(struct keelctl *h, struct keelctl_events *ev,
			    uint16_t domid)
{
	int rc = keelctl_domain_destroy(h, domid);

	if (rc && rc != -ESRCH)
		return rc;
	return keelctl_domain_wait_gone(h, ev, domid, MONITOR_GONE_TIMEOUT_MS);
}

int monitor_build_domain(struct keelctl *h, const struct monitor_domain *md,
			 uint16_t *domid)
{
	return keelctl_domain_create(h, md->image, md->image_size, md->initrd,
				     md->initrd_size, md->options, domid);
}

/* The console server of the domain being watched; 0: none runs. */
static pid_t console_pid;

static void console_stop(const char *name)
{
	if (!console_pid)
		return;
	if (console_server_stop(console_pid))
		monitor_log("the console server of %s did not stop: killed",
			    name);
	console_pid = 0;
}

/* Rebuild the domain (a restart): build it paused, serve its console,
 * start it. Whatever fails destroys what was made. */
static int rebuild(struct keelctl *h, struct keelctl_events *ev,
		   const struct monitor_domain *md, uint16_t *domid,
		   const char **stage)
{
	int rc;

	*stage = "create";
	if ((rc = monitor_build_domain(h, md, domid)))
		return rc;
	*stage = "console";
	rc = console_server_start(md->cfg->name, *domid, &console_pid);
	if (!rc) {
		*stage = "start";
		rc = keelctl_domain_unpause(h, *domid);
	}
	if (rc) {
		console_stop(md->cfg->name);
		destroy_and_wait(h, ev, *domid);
	}
	return rc;
}

/* The watch, until the domain is gone or preserved. */
static void monitor_run(const struct monitor_domain *md, uint16_t domid,
			struct keelctl *h, struct keelctl_events *ev)
{
	const char *name = md->cfg->name;
	struct restart_limiter limiter;

	memset(&limiter, 0, sizeof(limiter));
	monitor_log("watching domain %u (%s), %s", domid, name,
		    ev ? "woken by " KEEL_EVTCHN_PATH :
			 "polling (no " KEEL_EVTCHN_PATH ")");
	monitor_log("on_poweroff=%s on_reboot=%s on_crash=%s",
		    domain_config_action_name(md->cfg->on_poweroff),
		    domain_config_action_name(md->cfg->on_reboot),
		    domain_config_action_name(md->cfg->on_crash));
	for (;;) {
		struct keel_domctl_getinfo info;
		int rc = keelctl_domain_wait_shutdown(h, ev, domid,
						      ev ? 3600000 : 0, &info);

		if (rc == -ETIMEDOUT) {
			if (!ev)	/* no event device: look five times a second */
				nanosleep(&(struct timespec){
					.tv_nsec = 200000000 }, NULL);
			continue;
		}
		if (rc == -ESRCH) {
			console_stop(name);
			monitor_log("domain %u (%s) is gone", domid, name);
			return;
		}
		if (rc) {
			monitor_log("domain %u (%s): cannot watch it: %s",
				    domid, name, strerror(-rc));
			return;
		}
		/* Shut down: its last output is in the ring. */
		console_stop(name);
		if (info.flags & KEEL_DOMINFO_dying) {
			rc = keelctl_domain_wait_gone(h, ev, domid,
						      MONITOR_GONE_TIMEOUT_MS);
			monitor_log("domain %u (%s) was destroyed%s", domid,
				    name, rc ? ", and is not gone yet" : "");
			return;
		}
		uint32_t reason = info.shutdown_reason;
		enum domain_config_action action = monitor_action(md->cfg,
								  reason);
		monitor_log("domain %u (%s) shut down: %s; action: %s", domid,
			    name, keelctl_shutdown_reason_name(reason),
			    domain_config_action_name(action));
		if (action == DOMAIN_ACTION_PRESERVE) {
			monitor_log("domain %u (%s) preserved: pvctl destroy "
				    "%s frees it", domid, name, name);
			return;
		}
		if (action == DOMAIN_ACTION_RESTART &&
		    !restart_limiter_allow(&limiter, monotonic_ms())) {
			monitor_log("domain %u (%s) restarted %u times within "
				    "%u s: destroying it instead", domid, name,
				    MONITOR_RESTARTS_MAX,
				    MONITOR_RESTART_WINDOW_MS / 1000);
			action = DOMAIN_ACTION_DESTROY;
		}
		/* An operator's pvctl destroy since the look above wins over
		 * a restart (a destroy in the instant between this look and
		 * the monitor's own is taken for the monitor's). */
		struct keel_domctl_getinfo now;
		if (action == DOMAIN_ACTION_RESTART &&
		    (keelctl_domain_info(h, domid, &now) ||
		     (now.flags & KEEL_DOMINFO_dying))) {
			keelctl_domain_wait_gone(h, ev, domid,
						 MONITOR_GONE_TIMEOUT_MS);
			monitor_log("domain %u (%s) was destroyed: not "
				    "restarting it", domid, name);
			return;
		}
		rc = destroy_and_wait(h, ev, domid);
		if (rc) {
			monitor_log("domain %u (%s): destroy failed: %s", domid,
				    name, strerror(-rc));
			return;
		}
		monitor_log("domain %u (%s) destroyed", domid, name);
		if (action == DOMAIN_ACTION_DESTROY)
			return;
		const char *stage;
		uint16_t old = domid;
		rc = rebuild(h, ev, md, &domid, &stage);
		if (rc) {
			monitor_log("restart of %s failed at %s: %s", name,
				    stage, strerror(-rc));
			return;
		}
		monitor_log("domain %u (%s) restarted as domain %u", old, name,
			    domid);
	}
}

/* Open the log as stdout and stderr, and stdin on /dev/null. */
static void monitor_redirect(const char *name)
{
	char path[128];
	int fd;

	mkdir("/var", 0755);
	mkdir("/var/log", 0755);
	mkdir(MONITOR_LOG_DIR, 0755);
	snprintf(path, sizeof(path), MONITOR_LOG_DIR "/pvctl-%s.log", name);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (in >= 0)
		dup2(in, 0);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	if (in > 2)
		close(in);
	if (fd > 2)
		close(fd);
}

/* The grandchild, with the name's lock (the open file description
 * pvctl create locked, inherited): report to the parent over @ready,
 * then watch. */
static __attribute__((noreturn)) void monitor_main(
	const struct monitor_domain *md, uint16_t domid, int ready)
{
	struct keelctl_events *ev = NULL;
	struct keelctl *h = NULL;
	int rc = 0;

	monitor_redirect(md->cfg->name);
	/* The images are only for restarts: give their memory back if no
	 * action restarts. */
	if (md->cfg->on_poweroff != DOMAIN_ACTION_RESTART &&
	    md->cfg->on_reboot != DOMAIN_ACTION_RESTART &&
	    md->cfg->on_crash != DOMAIN_ACTION_RESTART) {
		free(md->image);
		free(md->initrd);
	}
	rc = keelctl_open(&h);
	/* Events if the kernel has /dev/keel/evtchn; polling if not. Opened
	 * before the first look, so no shutdown after it is missed. */
	if (!rc && keelctl_events_open(&ev))
		ev = NULL;
	/* The console served before pvctl create starts the domain. */
	if (!rc) {
		rc = console_server_start(md->cfg->name, domid, &console_pid);
		if (rc)
			monitor_log("domain %u (%s): cannot serve its console: "
				    "%s", domid, md->cfg->name, strerror(-rc));
	}
	unsigned char code = (unsigned char)-rc;
	/* If pvctl create is gone (killed), the domain still needs its
	 * monitor: a failed write here is not a reason to stop. */
	signal(SIGPIPE, SIG_IGN);
	if (write(ready, &code, 1) != 1 && !rc)
		monitor_log("pvctl create is gone; watching all the same");
	if (rc)
		_exit(1);
	close(ready);
	monitor_run(md, domid, h, ev);
	console_stop(md->cfg->name);
	keelctl_events_close(ev);
	keelctl_close(h);
	_exit(0);
}

int monitor_lock(const char *name)
{
	char path[128];
	int fd;

	mkdir("/run", 0755);
	mkdir(MONITOR_LOCK_DIR, 0755);
	lock_path(name, path, sizeof(path));
	/* Not close-on-exec, and inherited by the monitor: the lock is the
	 * open file description's, held while any copy of it is open. */
	fd = open(path, O_RDWR | O_CREAT, 0644);
	if (fd < 0)
		return -errno;
	/* A monitor of an earlier domain of this name may be on its way out
	 * (its domain gone, it exits): wait a little for it. One still at
	 * work (it is restarting its domain) keeps the lock. */
	for (unsigned int i = 0; flock(fd, LOCK_EX | LOCK_NB); i++) {
		int rc = -errno;

		if (rc != -EWOULDBLOCK || i == MONITOR_LOCK_TRIES) {
			close(fd);
			return rc == -EWOULDBLOCK ? -EBUSY : rc;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	}
	return fd;
}

int monitor_start(const struct monitor_domain *md, uint16_t domid,
		  int lock)
{
	int pipefd[2];
	unsigned char code;

	fflush(NULL);	/* nothing buffered here is written twice */
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid_t child = fork();
	if (child < 0) {
		int rc = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return rc;
	}
	if (child == 0) {
		close(pipefd[0]);
		setsid();
		pid_t grandchild = fork();
		if (grandchild == 0) {
			/* Nothing of the caller's stays open in the daemon
			 * (pvctl's own privcmd handle, a pipe the caller
			 * waits on), but the pipe to report on. */
			for (int fd = 3; fd < 1024; fd++)
				if (fd != pipefd[1] && fd != lock)
					close(fd);
			if (chdir("/"))
				_exit(1);
			monitor_main(md, domid, pipefd[1]);
		}
		_exit(grandchild < 0 ? 1 : 0);
	}
	close(pipefd[1]);
	int status;
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	ssize_t n;
	while ((n = read(pipefd[0], &code, 1)) < 0 && errno == EINTR)
		;
	close(pipefd[0]);
	if (n != 1)
		return -ECHILD;	/* it died before it was ready */
	return -(int)code;
}
