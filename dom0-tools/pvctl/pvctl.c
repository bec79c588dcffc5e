/*
 * pvctl: the control domain's tool for Keel's domains, in the manner of
 * Xen's xl.
 *
 * It reads xl-style domain configuration files (domain_config.h) and
 * reaches Keel only through libkeelctl (keelctl.h), over the control
 * domain's /dev/keel/privcmd. Domains are named by id or by name.
 *
 * Errors are one line on stderr, "pvctl: what", and the exit status is
 * 1, as xl's; a usage error exits with 2. Every verb that prints takes
 * --json.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <keel/keel.h>
#include <keel/sched.h>

#include "console_client.h"
#include "domain_config.h"
#include "keelctl.h"
#include "monitor.h"

#define CONFIG_FILE_MAX (1024 * 1024)

/* --json, given before or after the command. */
static bool json_output;

static int error_exit(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int error_exit(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("pvctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

static void usage(FILE *out)
{
	fputs("Usage: pvctl COMMAND [ARGS]\n"
	      "\n"
	      "Commands (DOMAIN is a domain's name or id):\n"
	      "  create [-c] [-n] [-p] FILE [KEY=VALUE ...]\n"
	      "        Create a domain from the configuration FILE (xl\n"
	      "        syntax), each KEY=VALUE being one more line of it, and\n"
	      "        start it. -c attaches its console; -p leaves it\n"
	      "        paused; -n only checks the configuration and prints\n"
	      "        the domain as JSON. A monitor then serves its console\n"
	      "        (log: /var/log/keel/console-NAME.log) and applies\n"
	      "        on_poweroff, on_reboot and on_crash (log:\n"
	      "        /var/log/keel/pvctl-NAME.log).\n"
	      "  console DOMAIN\n"
	      "        Attach to the domain's console: it shows the recent\n"
	      "        output, then what comes. Ctrl-] detaches. With stdin\n"
	      "        not a terminal, it sends stdin and prints the output\n"
	      "        until the domain ends.\n"
	      "  list [-l] [DOMAIN ...]\n"
	      "        The domains: name, id, memory (MiB), vCPUs, state\n"
	      "        (r running, b blocked, p paused, s shut down,\n"
	      "        c crashed, d dying) and CPU time (s). -l: every\n"
	      "        detail.\n"
	      "  shutdown [-w] DOMAIN\n"
	      "        Ask the domain to power off (its kernel does it\n"
	      "        cleanly); -w waits until it has, and its on_poweroff\n"
	      "        action is done.\n"
	      "  reboot [-w] DOMAIN\n"
	      "        The same for a reboot, and on_reboot.\n"
	      "  destroy DOMAIN    End the domain at once (a preserved one\n"
	      "                    too), and wait until its memory is back.\n"
	      "  pause DOMAIN      Stop the domain's vCPUs from running.\n"
	      "  unpause DOMAIN    Let a paused (or created -p) domain run.\n"
	      "  vcpu-list [DOMAIN ...]\n"
	      "        Each vCPU: the CPU it is on, its state (r running,\n"
	      "        b blocked, p paused or down) and CPU time (s).\n"
	      "  top [-b] [-d SECS] [-i N]\n"
	      "        Each domain's CPU and memory, every SECS (3) seconds,\n"
	      "        N times (default: until interrupted); -b: no screen\n"
	      "        clearing, for a log.\n"
	      "  domid NAME        The id of the domain called NAME.\n"
	      "  domname ID        The name of domain ID.\n"
	      "  info              The host: Keel's version, CPUs, memory.\n"
	      "  dmesg [-c]        Keel's log; -c: later calls show only\n"
	      "                    what comes after this one.\n"
	      "  help              This text.\n"
	      "\n"
	      "--json, before or after the command, prints JSON instead.\n",
	      out);
}

/* Read all of @path, at most @max bytes (@what says what it is, for the
 * error), into a NUL-terminated buffer. */
static char *read_file(const char *path, size_t max, const char *what,
		       size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (!f) {
		error_exit(1, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		error_exit(1, "%s: out of memory", path);
		return NULL;
	}
	*len = fread(buf, 1, max + 1, f);
	if (ferror(f)) {
		error_exit(1, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (*len > max) {
		error_exit(1, "%s: larger than %s of %zu MiB", path, what,
			   max >> 20);
		goto fail;
	}
	fclose(f);
	buf[*len] = '\0';
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

/* @s as a JSON string. */
static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_field(const char *key, const char *value, bool last)
{
	printf("  \"%s\": ", key);
	json_string(value);
	printf("%s\n", last ? "" : ",");
}

static void print_domain(const struct domain_config *cfg, const char *options)
{
	char cmdline[DOMAIN_CONFIG_CMDLINE_MAX * 2 + 8];

	domain_config_guest_cmdline(cfg, cmdline, sizeof(cmdline));
	printf("{\n");
	json_field("name", cfg->name, false);
	json_field("type", "pv", false);
	printf("  \"memory\": %llu,\n", (unsigned long long)cfg->memory_mib);
	printf("  \"maxmem\": %llu,\n", (unsigned long long)cfg->maxmem_mib);
	printf("  \"vcpus\": %u,\n", cfg->vcpus);
	json_field("kernel", cfg->kernel, false);
	json_field("ramdisk", cfg->ramdisk, false);
	json_field("cmdline", cmdline, false);
	json_field("on_poweroff", domain_config_action_name(cfg->on_poweroff),
		   false);
	json_field("on_reboot", domain_config_action_name(cfg->on_reboot),
		   false);
	json_field("on_crash", domain_config_action_name(cfg->on_crash),
		   false);
	json_field("builder_options", options, true);
	printf("}\n");
}

/* A handle on Keel, or NULL after saying why not. */
static struct keelctl *open_keel(void)
{
	struct keelctl *h;
	int rc = keelctl_open(&h);

	if (!rc)
		return h;
	if (rc == -ENOENT || rc == -ENODEV || rc == -ENXIO)
		error_exit(1, "no %s: this is not Keel's control domain",
			   "/dev/keel/privcmd");
	else if (rc == -EACCES || rc == -EPERM)
		error_exit(1, "/dev/keel/privcmd: permission denied (pvctl "
			   "needs root, CAP_SYS_ADMIN)");
	else
		error_exit(1, "/dev/keel/privcmd: %s", strerror(-rc));
	return NULL;
}

/* Domain @what (a name or an id) into @info, or a message and false. */
static bool find_domain(struct keelctl *h, const char *verb, const char *what,
			struct keel_domctl_getinfo *info)
{
	int rc = keelctl_domain_lookup(h, what, info);

	if (!rc)
		return true;
	if (rc == -ESRCH || rc == -EBUSY)
		error_exit(1, "%s: no domain '%s'", verb, what);
	else if (rc == -EEXIST)
		error_exit(1, "%s: more than one domain is called '%s': use "
			   "its id", verb, what);
	else
		error_exit(1, "%s: %s: %s", verb, what, strerror(-rc));
	return false;
}

/* xl's six state letters: running, blocked, paused, shut down, crashed,
 * dying (destroyed, its memory not all back yet). */
static void domain_state(const struct keel_domctl_getinfo *d, char out[7])
{
	bool down = d->flags & KEEL_DOMINFO_shutdown;
	bool crashed = down && d->shutdown_reason == KEEL_SHUTDOWN_crash;

	snprintf(out, 7, "%c%c%c%c%c%c",
		 d->flags & KEEL_DOMINFO_running ? 'r' : '-',
		 d->flags & KEEL_DOMINFO_blocked ? 'b' : '-',
		 d->flags & KEEL_DOMINFO_paused ? 'p' : '-',
		 down && !crashed ? 's' : '-', crashed ? 'c' : '-',
		 d->flags & KEEL_DOMINFO_dying ? 'd' : '-');
}

/* Domain events for a wait, or NULL (then waits poll): opened before
 * the request whose outcome is awaited, so that none is missed. */
static struct keelctl_events *open_events(void)
{
	struct keelctl_events *ev;

	return keelctl_events_open(&ev) ? NULL : ev;
}

static uint64_t pages_to_mib(uint64_t pages)
{
	return pages * 4096 >> 20;
}

static void print_domain_json(const struct keel_domctl_getinfo *d, bool last)
{
	char state[7];

	domain_state(d, state);
	/* One field a line: a reader of Keel's console sees lines of at
	 * most 128 bytes. */
	printf("  {\n    \"domid\": %u,\n    \"name\": ", d->domid);
	json_string(d->name);
	printf(",\n    \"memory\": %llu,\n    \"pages\": %llu,\n"
	       "    \"vcpus\": %u,\n    \"vcpus_online\": %u,\n"
	       "    \"state\": \"%s\",\n    \"cpu_time\": %.3f,\n"
	       "    \"weight\": %u,\n    \"control_domain\": %s,\n"
	       "    \"paused\": %s,\n    \"shutdown\": %s,\n"
	       "    \"shutdown_reason\": ",
	       (unsigned long long)pages_to_mib(d->nr_pages),
	       (unsigned long long)d->nr_pages, d->nr_vcpus, d->nr_vcpus_up,
	       state, (double)d->cpu_time_ns / 1e9, d->weight,
	       d->flags & KEEL_DOMINFO_privileged ? "true" : "false",
	       d->flags & KEEL_DOMINFO_paused ? "true" : "false",
	       d->flags & KEEL_DOMINFO_shutdown ? "true" : "false");
	if (d->flags & KEEL_DOMINFO_shutdown)
		json_string(keelctl_shutdown_reason_name(d->shutdown_reason));
	else
		fputs("null", stdout);
	printf("\n  }%s\n", last ? "" : ",");
}

static void print_domain_long(const struct keel_domctl_getinfo *d)
{
	char state[7];

	domain_state(d, state);
	printf("%s (id %u)\n", d->name, d->domid);
	printf("  state:          %s\n", state);
	printf("  control domain: %s\n",
	       d->flags & KEEL_DOMINFO_privileged ? "yes" : "no");
	printf("  memory:         %llu MiB (%llu pages)\n",
	       (unsigned long long)pages_to_mib(d->nr_pages),
	       (unsigned long long)d->nr_pages);
	printf("  vcpus:          %u (%u online)\n", d->nr_vcpus,
	       d->nr_vcpus_up);
	printf("  weight:         %u\n", d->weight);
	printf("  cpu time:       %.3f s\n", (double)d->cpu_time_ns / 1e9);
	if (d->flags & KEEL_DOMINFO_shutdown)
		printf("  shut down:      %s\n",
		       keelctl_shutdown_reason_name(d->shutdown_reason));
}

static int cmd_list(int argc, char **argv)
{
	struct keel_domctl_getinfo *list = NULL;
	bool long_form = false;
	int i = 1, n, status = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "--long"))
			long_form = true;
		else
			return error_exit(2, "list: unknown option '%s'",
					  argv[i]);
	}
	struct keelctl *h = open_keel();
	if (!h)
		return 1;
	if (i < argc) {
		/* The domains named, in the order given. */
		list = calloc((size_t)(argc - i), sizeof(*list));
		if (!list) {
			error_exit(1, "list: out of memory");
			goto out;
		}
		for (n = 0; i < argc; i++, n++)
			if (!find_domain(h, "list", argv[i], &list[n]))
				goto out;
	} else {
		n = keelctl_domain_list(h, &list);
		if (n < 0) {
			error_exit(1, "list: %s", strerror(-n));
			goto out;
		}
	}
	if (json_output) {
		printf("[\n");
		for (int k = 0; k < n; k++)
			print_domain_json(&list[k], k == n - 1);
		printf("]\n");
	} else if (long_form) {
		for (int k = 0; k < n; k++)
			print_domain_long(&list[k]);
	} else {
		printf("%-40s %5s %5s %5s %6s %9s\n", "Name", "ID", "Mem",
		       "VCPUs", "State", "Time(s)");
		for (int k = 0; k < n; k++) {
			char state[7];

			domain_state(&list[k], state);
			printf("%-40s %5u %5llu %5u %6s %9.1f\n", list[k].name,
			       list[k].domid,
			       (unsigned long long)pages_to_mib(list[k].nr_pages),
			       list[k].nr_vcpus_up, state,
			       (double)list[k].cpu_time_ns / 1e9);
		}
	}
	status = 0;
out:
	free(list);
	keelctl_close(h);
	return status;
}

/* destroy, pause, unpause: one domain, one call. */
static int cmd_domain_op(int argc, char **argv,
			 int (*op)(struct keelctl *, uint16_t))
{
	const char *verb = argv[0];
	struct keel_domctl_getinfo info;
	int status = 1;

	if (argc != 2)
		return error_exit(2, "%s: give one domain (a name or an id)",
				  verb);
	struct keelctl *h = open_keel();
	struct keelctl_events *events = NULL;
	if (!h)
		return 1;
	if (!find_domain(h, verb, argv[1], &info))
		goto out;
	if (op == keelctl_domain_destroy)
		events = open_events();
	int rc = op(h, info.domid);
	if (rc == -EINVAL && op == keelctl_domain_destroy)
		error_exit(1, "%s: domain %u (%s) is this control domain "
			   "itself", verb, info.domid, info.name);
	else if (rc == -EINVAL && op == keelctl_domain_pause)
		error_exit(1, "%s: domain %u (%s) cannot be paused: it is not "
			   "running, or it is this control domain", verb,
			   info.domid, info.name);
	else if (rc == -EINVAL)
		error_exit(1, "%s: domain %u (%s) is not paused", verb,
			   info.domid, info.name);
	else if (rc == -ESRCH)
		error_exit(1, "%s: no domain '%s'", verb, argv[1]);
	else if (rc < 0)
		error_exit(1, "%s: %s: %s", verb, argv[1], strerror(-rc));
	else if (op == keelctl_domain_destroy &&
		 (rc = keelctl_domain_wait_gone(h, events, info.domid, 30000)))
		error_exit(1, "%s: domain %u (%s) is not gone after 30 s: %s",
			   verb, info.domid, info.name, strerror(-rc));
	else
		status = 0;
out:
	keelctl_events_close(events);
	keelctl_close(h);
	return status;
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * After a shutdown or reboot request: wait until domain @domid is gone,
 * or has shut down with no monitor acting on it any more (its action was
 * preserve, or pvctl did not create it and Keel keeps it for someone
 * else). A restarted domain is a new domain: the old id goes.
 */
static int wait_domain_done(struct keelctl *h, struct keelctl_events *events,
			    const struct keel_domctl_getinfo *info,
			    unsigned int timeout_ms)
{
	uint64_t deadline = monotonic_ns() + (uint64_t)timeout_ms * 1000000;

	for (;;) {
		struct keel_domctl_getinfo now;
		uint64_t t = monotonic_ns();
		unsigned int left = t >= deadline ? 0 :
			(unsigned int)((deadline - t) / 1000000);
		int rc = keelctl_domain_wait_shutdown(h, events, info->domid,
						      left, &now);

		if (rc == -ESRCH)
			return 0;
		if (rc)
			return rc;
		if (!(now.flags & KEEL_DOMINFO_dying) &&
		    !monitor_running(info->name))
			return 0;
		if (monotonic_ns() >= deadline)
			return -ETIMEDOUT;
		/* The monitor is at work: it destroys (an event), or gives
		 * up its lock (none), soon. */
		if (!events || keelctl_events_wait(events, 10) < 0)
			nanosleep(&(struct timespec){ .tv_nsec = 10000000 },
				  NULL);
	}
}

/* shutdown and reboot: ask, and with -w wait for the outcome. */
static int cmd_shutdown(int argc, char **argv, uint32_t reason)
{
	const char *verb = argv[0];
	struct keel_domctl_getinfo info;
	struct keelctl_events *events = NULL;
	bool wait = false;
	int i = 1, rc, status = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-w") || !strcmp(argv[i], "--wait"))
			wait = true;
		else
			return error_exit(2, "%s: unknown option '%s'", verb,
					  argv[i]);
	}
	if (argc - i != 1)
		return error_exit(2, "%s: give one domain (a name or an id)",
				  verb);
	struct keelctl *h = open_keel();
	if (!h)
		return 1;
	if (!find_domain(h, verb, argv[i], &info))
		goto out;
	if (wait)
		events = open_events();
	rc = keelctl_domain_request_shutdown(h, info.domid, reason);
	if (rc == -EINVAL)
		error_exit(1, "%s: domain %u (%s) is this control domain, or "
			   "has already shut down", verb, info.domid,
			   info.name);
	else if (rc)
		error_exit(1, "%s: %s: %s", verb, argv[i], strerror(-rc));
	else if (wait && (rc = wait_domain_done(h, events, &info, 300000)))
		error_exit(1, "%s: domain %u (%s) %s", verb, info.domid,
			   info.name, rc == -ETIMEDOUT ? "did not shut down "
			   "within 300 s" : strerror(-rc));
	else
		status = 0;
out:
	keelctl_events_close(events);
	keelctl_close(h);
	return status;
}

static const char *vcpu_state(const struct keel_domctl_getvcpuinfo *v,
			      const struct keel_domctl_getinfo *d)
{
	if (v->state == KEEL_VCPUINFO_down)
		return "--p";
	if (d->flags & KEEL_DOMINFO_paused)
		return "--p";
	return v->state == KEEL_VCPUINFO_running ? "r--" :
	       v->state == KEEL_VCPUINFO_blocked ? "-b-" : "---";
}

static int cmd_vcpu_list(int argc, char **argv)
{
	struct keel_domctl_getinfo *list = NULL;
	int n, status = 1;
	bool first = true;

	struct keelctl *h = open_keel();
	if (!h)
		return 1;
	if (argc > 1) {
		list = calloc((size_t)(argc - 1), sizeof(*list));
		if (!list) {
			error_exit(1, "vcpu-list: out of memory");
			goto out;
		}
		for (n = 0; n < argc - 1; n++)
			if (!find_domain(h, "vcpu-list", argv[n + 1], &list[n]))
				goto out;
	} else if ((n = keelctl_domain_list(h, &list)) < 0) {
		error_exit(1, "vcpu-list: %s", strerror(-n));
		goto out;
	}
	if (json_output)
		printf("[\n");
	else
		printf("%-32s %5s %5s %4s %5s %9s\n", "Name", "ID", "VCPU",
		       "CPU", "State", "Time(s)");
	for (int k = 0; k < n; k++) {
		for (uint32_t i = 0; i < list[k].nr_vcpus; i++) {
			struct keel_domctl_getvcpuinfo v;
			int rc = keelctl_vcpu_info(h, list[k].domid, i, &v);

			/* A domain that went meanwhile has no vCPUs left. */
			if (rc == -ESRCH || rc == -EBUSY)
				break;
			if (rc) {
				error_exit(1, "vcpu-list: %s: %s", list[k].name,
					   strerror(-rc));
				goto out;
			}
			if (json_output) {
				printf("%s  {\n    \"domid\": %u,\n    \"name\": ",
				       first ? "" : ",\n", list[k].domid);
				json_string(list[k].name);
				printf(",\n    \"vcpu\": %u,\n    \"cpu\": %u,\n"
				       "    \"state\": \"%s\",\n"
				       "    \"cpu_time\": %.3f\n  }", i,
				       v.processor, vcpu_state(&v, &list[k]),
				       (double)v.cpu_time_ns / 1e9);
				first = false;
				continue;
			}
			char cpu[12] = "-";
			if (v.state != KEEL_VCPUINFO_down)
				snprintf(cpu, sizeof(cpu), "%u", v.processor);
			printf("%-32s %5u %5u %4s %5s %9.1f\n", list[k].name,
			       list[k].domid, i, cpu, vcpu_state(&v, &list[k]),
			       (double)v.cpu_time_ns / 1e9);
		}
	}
	if (json_output)
		printf("%s]\n", first ? "" : "\n");
	status = 0;
out:
	free(list);
	keelctl_close(h);
	return status;
}

/*
 * top: xentop's table, every DELAY seconds. A domain's CPU(%) is its CPU
 * time over the wall time between two samples (100% is one CPU's worth);
 * the first sample has none to compare with and shows 0.
 */
struct top_sample {
	uint16_t domid;
	uint64_t cpu_time_ns;
};


static bool parse_count(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return *s >= '0' && *s <= '9' && !*end && !errno && *out <= max;
}

static int cmd_top(int argc, char **argv)
{
	bool batch = false;
	unsigned long delay = 3, iterations = 0;	/* 0: until killed */
	struct top_sample *prev = NULL;
	int nprev = 0, status = 1;
	uint64_t prev_ns = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-b") || !strcmp(argv[i], "--batch"))
			batch = true;
		else if ((!strcmp(argv[i], "-d") || !strcmp(argv[i], "-i")) &&
			 i + 1 < argc) {
			bool d = argv[i][1] == 'd';

			if (!parse_count(argv[i + 1], d ? 3600 : 1000000,
					 d ? &delay : &iterations) ||
			    (d && !delay))
				return error_exit(2, "top: %s: '%s' is not a "
						  "number in range", argv[i],
						  argv[i + 1]);
			i++;
		} else
			return error_exit(2, "top: unknown option '%s'",
					  argv[i]);
	}
	struct keelctl *h = open_keel();
	if (!h)
		return 1;
	for (unsigned long round = 0; !iterations || round < iterations;
	     round++) {
		struct keel_domctl_getinfo *list;
		struct keel_domctl_physinfo pi;
		int n = keelctl_domain_list(h, &list), rc;

		if (n < 0 || (rc = keelctl_physinfo(h, &pi))) {
			if (n >= 0)
				free(list);
			error_exit(1, "top: %s", strerror(n < 0 ? -n : -rc));
			goto out;
		}
		uint64_t now = monotonic_ns();
		if (!batch)
			fputs("\033[H\033[2J", stdout);
		printf("pvctl top: %d domains, %u CPUs, %llu of %llu MiB free\n",
		       n, pi.nr_cpus,
		       (unsigned long long)pages_to_mib(pi.free_frames),
		       (unsigned long long)pages_to_mib(pi.total_frames));
		printf("%-24s %5s %6s %10s %6s %10s %6s %5s\n", "NAME", "ID",
		       "STATE", "CPU(sec)", "CPU(%)", "MEM(k)", "MEM(%)",
		       "VCPUS");
		struct top_sample *cur = calloc((size_t)n + 1, sizeof(*cur));
		if (!cur) {
			free(list);
			error_exit(1, "top: out of memory");
			goto out;
		}
		for (int k = 0; k < n; k++) {
			const struct keel_domctl_getinfo *d = &list[k];
			double pct = 0;
			char state[7];

			cur[k] = (struct top_sample){ d->domid, d->cpu_time_ns };
			for (int j = 0; j < nprev; j++)
				if (prev[j].domid == d->domid &&
				    d->cpu_time_ns >= prev[j].cpu_time_ns &&
				    now > prev_ns)
					pct = 100.0 * (double)(d->cpu_time_ns -
							prev[j].cpu_time_ns) /
					      (double)(now - prev_ns);
			domain_state(d, state);
			printf("%-24s %5u %6s %10.1f %6.1f %10llu %6.1f %5u\n",
			       d->name, d->domid, state,
			       (double)d->cpu_time_ns / 1e9, pct,
			       (unsigned long long)(d->nr_pages * 4),
			       pi.total_frames ? 100.0 * (double)d->nr_pages /
						 (double)pi.total_frames : 0,
			       d->nr_vcpus_up);
		}
		fflush(stdout);
		free(list);
		free(prev);
		prev = cur;
		nprev = n;
		prev_ns = now;
		if (iterations && round + 1 == iterations)
			break;
		sleep((unsigned int)delay);
	}
	status = 0;
out:
	free(prev);
	keelctl_close(h);
	return status;
}

static int cmd_domid(int argc, char **argv, bool want_name)
{
	struct keel_domctl_getinfo info;
	int status = 1;

	if (argc != 2)
		return error_exit(2, "%s: give one domain", argv[0]);
	struct keelctl *h = open_keel();
	if (!h)
		return 1;
	if (find_domain(h, argv[0], argv[1], &info)) {
		if (want_name)
			printf("%s\n", info.name);
		else
			printf("%u\n", info.domid);
		status = 0;
	}
	keelctl_close(h);
	return status;
}

static int cmd_info(int argc, char **argv)
{
	struct keel_domctl_physinfo pi;
	char version[KEEL_VERSION_STRING_MAX + 1];
	uint32_t abi;
	int rc, status = 1;

	(void)argv;
	if (argc != 1)
		return error_exit(2, "info: takes no arguments");
	struct keelctl *h = open_keel();
	if (!h)
		return 1;
	if ((rc = keelctl_abi_version(h, &abi)) ||
	    (rc = keelctl_version_string(h, version, sizeof(version))) ||
	    (rc = keelctl_physinfo(h, &pi))) {
		error_exit(1, "info: %s", strerror(-rc));
		goto out;
	}
	if (json_output) {
		printf("{\n  \"version\": ");
		json_string(version);
		printf(",\n  \"abi\": \"%u.%u\",\n  \"nr_cpus\": %u,\n"
		       "  \"total_memory\": %llu,\n  \"free_memory\": %llu,\n"
		       "  \"total_frames\": %llu,\n  \"free_frames\": %llu\n}\n",
		       abi >> 16, abi & 0xffff, pi.nr_cpus,
		       (unsigned long long)pages_to_mib(pi.total_frames),
		       (unsigned long long)pages_to_mib(pi.free_frames),
		       (unsigned long long)pi.total_frames,
		       (unsigned long long)pi.free_frames);
	} else {
		printf("hypervisor     : %s\n", version);
		printf("abi            : %u.%u\n", abi >> 16, abi & 0xffff);
		printf("nr_cpus        : %u\n", pi.nr_cpus);
		printf("total_memory   : %llu\n",
		       (unsigned long long)pages_to_mib(pi.total_frames));
		printf("free_memory    : %llu\n",
		       (unsigned long long)pages_to_mib(pi.free_frames));
	}
	status = 0;
out:
	keelctl_close(h);
	return status;
}

/*
 * dmesg. Keel's log is a ring that every reader reads from its own
 * position; nothing can empty it for all. -c therefore records, in
 * DMESG_POSITION_FILE, where this call stopped, and every later call
 * starts there: "cleared" for pvctl's users, as xl dmesg -c is.
 */
#define DMESG_POSITION_DIR  "/run/keel"
#define DMESG_POSITION_FILE DMESG_POSITION_DIR "/dmesg-position"

static uint64_t dmesg_start(void)
{
	unsigned long long pos = 0;
	FILE *f = fopen(DMESG_POSITION_FILE, "r");

	if (f) {
		if (fscanf(f, "%llu", &pos) != 1)
			pos = 0;
		fclose(f);
	}
	return pos;
}

static int cmd_dmesg(int argc, char **argv)
{
	bool clear = false;
	char buf[KEEL_CONSOLE_READ_MAX];
	long n;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "--clear"))
			clear = true;
		else
			return error_exit(2, "dmesg: unknown option '%s'",
					  argv[i]);
	}
	struct keelctl *h = open_keel();
	if (!h)
		return 1;
	uint64_t pos = dmesg_start();
	while ((n = keelctl_console_read(h, buf, sizeof(buf), &pos)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	keelctl_close(h);
	if (n < 0)
		return error_exit(1, "dmesg: %s", strerror((int)-n));
	if (clear) {
		FILE *f;

		mkdir(DMESG_POSITION_DIR, 0755);
		f = fopen(DMESG_POSITION_FILE, "w");
		if (!f || fprintf(f, "%llu\n", (unsigned long long)pos) < 0 ||
		    fclose(f))
			return error_exit(1, "dmesg: %s: %s",
					  DMESG_POSITION_FILE, strerror(errno));
	}
	return 0;
}

/* Build the domain of @cfg: read and check the kernel, create, start
 * its monitor (which serves its console), start it (unless @paused),
 * and report its id in @created. Whatever fails destroys what was
 * made. */
static int create_domain(const struct domain_config *cfg,
			 const char *options, bool paused, uint16_t *created)
{
	struct keel_domctl_getinfo existing;
	struct keel_domctl_physinfo pi;
	size_t image_size, initrd_size = 0;
	const char *why;
	uint16_t domid;
	char *image = NULL, *initrd = NULL;
	int rc, status = 1, lock = -1;

	struct keelctl *h = open_keel();
	if (!h)
		return 1;
	/* Looked up before the lock, which a live domain's monitor holds,
	 * for a quick answer; and again under it. The lock is held from
	 * then until the monitor has it, so no other create, and no
	 * monitor's restart, builds a second domain of this name. */
	for (int locked = 0; locked < 2; locked++) {
		rc = keelctl_domain_lookup(h, cfg->name, &existing);
		if (rc != -ESRCH) {
			if (!rc || rc == -EEXIST)
				error_exit(1, "create: a domain called '%s' "
					   "already exists", cfg->name);
			else
				error_exit(1, "create: %s", strerror(-rc));
			goto out;
		}
		if (locked)
			break;
		lock = monitor_lock(cfg->name);
		if (lock == -EBUSY) {
			error_exit(1, "create: the monitor of a domain called "
				   "'%s' is still at work (restarting it?)",
				   cfg->name);
			goto out;
		}
		if (lock < 0) {
			error_exit(1, "create: %s/pvctl-%s.lock: %s",
				   MONITOR_LOCK_DIR, cfg->name,
				   strerror(-lock));
			goto out;
		}
	}
	image = read_file(cfg->kernel, KEEL_DOMCTL_IMAGE_MAX,
			  "Keel's kernel image limit", &image_size);
	if (!image)
		goto out;
	if (keelctl_image_check(image, image_size, &why)) {
		error_exit(1, "%s: not a kernel Keel can run: %s", cfg->kernel,
			   why);
		goto out;
	}
	if (cfg->ramdisk[0]) {
		initrd = read_file(cfg->ramdisk, KEEL_DOMCTL_INITRD_MAX,
				   "Keel's ramdisk limit", &initrd_size);
		if (!initrd)
			goto out;
		if (!initrd_size) {
			error_exit(1, "%s: the ramdisk is empty", cfg->ramdisk);
			goto out;
		}
	}
	if ((rc = keelctl_physinfo(h, &pi))) {
		error_exit(1, "create: %s", strerror(-rc));
		goto out;
	}
	if (cfg->memory_mib > pages_to_mib(pi.free_frames)) {
		error_exit(1, "create: memory: %llu MiB is more than the %llu "
			   "MiB Keel has free",
			   (unsigned long long)cfg->memory_mib,
			   (unsigned long long)pages_to_mib(pi.free_frames));
		goto out;
	}
	const struct monitor_domain md = {
		.cfg = cfg, .options = options,
		.image = image, .image_size = image_size,
		.initrd = initrd, .initrd_size = initrd_size,
	};
	rc = monitor_build_domain(h, &md, &domid);
	if (rc == -ENOMEM) {
		error_exit(1, "create: Keel has not enough free memory for "
			   "'%s' (%llu MiB)", cfg->name,
			   (unsigned long long)cfg->memory_mib);
		goto out;
	}
	if (rc == -ENOBUFS) {
		error_exit(1, "create: cannot map %zu MiB of hypercall buffers "
			   "here for '%s'", (image_size + initrd_size) >> 20,
			   cfg->name);
		goto out;
	}
	if (rc) {
		error_exit(1, "create: Keel refused to build '%s': %s",
			   cfg->name, strerror(-rc));
		goto out;
	}
	if ((rc = monitor_start(&md, domid, lock))) {
		error_exit(1, "create: cannot start the monitor of domain %u "
			   "(%s): %s", domid, cfg->name, strerror(-rc));
		goto destroy;
	}
	if (!paused && (rc = keelctl_domain_unpause(h, domid))) {
		error_exit(1, "create: domain %u (%s) did not start: %s", domid,
			   cfg->name, strerror(-rc));
		goto destroy;
	}
	printf("Created domain %u (%s)%s\n", domid, cfg->name,
	       paused ? ", paused" : "");
	*created = domid;
	status = 0;
	goto out;
destroy:
	/* Nothing half-made stays behind (a monitor that runs sees the
	 * destroy, and stops the console server). */
	if (!keelctl_domain_destroy(h, domid))
		keelctl_domain_wait_gone(h, NULL, domid, 30000);
out:
	free(image);
	free(initrd);
	keelctl_close(h);
	if (lock >= 0)
		close(lock);
	return status;
}

/* Whether domain @domid has shut down or is gone already. */
static bool domain_has_ended(uint16_t domid)
{
	struct keel_domctl_getinfo info;
	struct keelctl *h;

	if (keelctl_open(&h))
		return false;
	int rc = keelctl_domain_info(h, domid, &info);
	keelctl_close(h);
	return rc == -ESRCH || rc == -EBUSY ||
	       (!rc && (info.flags & KEEL_DOMINFO_shutdown));
}

/* Attach to the console of the domain called @name (from cmd_console,
 * and create -c). */
static int attach_console(const char *verb, uint16_t domid, const char *name)
{
	bool detached;
	int rc = console_client_attach(name, &detached);

	/* A guest that ended before create -c could attach (it powered off
	 * at once, or the machine is slow) has no console server left: as
	 * xl's console would, return with it, its output in its log. */
	if (rc == -ENOENT && !strcmp(verb, "create") &&
	    domain_has_ended(domid))
		return 0;
	if (rc == -ENOENT)
		return error_exit(1, "%s: domain %u (%s) has no console server: "
				  "pvctl did not create it, or its monitor "
				  "has stopped", verb, domid, name);
	if (rc)
		return error_exit(1, "%s: domain %u (%s): %s", verb, domid,
				  name, strerror(-rc));
	if (detached)
		fputs("\r\n", stderr);
	return 0;
}

static int cmd_console(int argc, char **argv)
{
	struct keel_domctl_getinfo info;

	if (argc != 2)
		return error_exit(2, "console: give one domain (a name or an "
				  "id)");
	struct keelctl *h = open_keel();
	if (!h)
		return 1;
	bool found = find_domain(h, "console", argv[1], &info);
	keelctl_close(h);
	if (!found)
		return 1;
	return attach_console("console", info.domid, info.name);
}

static int cmd_create(int argc, char **argv)
{
	bool dry_run = false, paused = false, console = false;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-n") || !strcmp(argv[i], "--dry-run"))
			dry_run = true;
		else if (!strcmp(argv[i], "-p"))
			paused = true;
		else if (!strcmp(argv[i], "-c"))
			console = true;
		else
			return error_exit(2, "create: unknown option '%s'",
					  argv[i]);
	}
	if (i == argc)
		return error_exit(2, "create: no configuration file given");

	const char *path = argv[i++];
	struct domain_config *cfg = malloc(sizeof(*cfg));
	char error[DOMAIN_CONFIG_ERROR_MAX];
	char options[KEEL_DOMCTL_CONFIG_MAX];
	size_t len;
	char *text = read_file(path, CONFIG_FILE_MAX,
			       "a configuration file's limit", &len);
	int status = 1;

	if (!text || !cfg)
		goto out;
	domain_config_init(cfg);
	if (domain_config_parse(cfg, text, len, path, 1, error)) {
		error_exit(1, "%s", error);
		goto out;
	}
	/* key=value arguments: more lines of the file, as xl takes them. */
	for (unsigned int n = 1; i < argc; i++, n++)
		if (domain_config_parse(cfg, argv[i], strlen(argv[i]),
					"command line", n, error)) {
			error_exit(1, "%s", error);
			goto out;
		}
	if (domain_config_finish(cfg, path, error)) {
		error_exit(1, "%s", error);
		goto out;
	}
	if (cfg->nr_disks || cfg->nr_vifs) {
		error_exit(1, "%s: %s: devices are not supported by Keel yet",
			   path, cfg->nr_disks ? "disk" : "vif");
		goto out;
	}
	if (domain_config_builder_options(cfg, options, sizeof(options),
					  error) < 0) {
		error_exit(1, "%s: %s", path, error);
		goto out;
	}
	if (dry_run) {
		print_domain(cfg, options);
		status = 0;
		goto out;
	}
	uint16_t domid = 0;
	status = create_domain(cfg, options, paused, &domid);
	if (!status && console) {
		fflush(stdout);
		status = attach_console("create", domid, cfg->name);
	}
out:
	free(text);
	free(cfg);
	return status;
}

int main(int argc, char **argv)
{
	/* --json anywhere: take it out, so the verbs see the rest. */
	int n = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json_output = true;
		else
			argv[n++] = argv[i];
	}
	argc = n;
	argv[argc] = NULL;
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *verb = argv[1];
	argc--;
	argv++;
	if (!strcmp(verb, "help") || !strcmp(verb, "--help") ||
	    !strcmp(verb, "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(verb, "create"))
		return cmd_create(argc, argv);
	if (!strcmp(verb, "list"))
		return cmd_list(argc, argv);
	if (!strcmp(verb, "destroy"))
		return cmd_domain_op(argc, argv, keelctl_domain_destroy);
	if (!strcmp(verb, "pause"))
		return cmd_domain_op(argc, argv, keelctl_domain_pause);
	if (!strcmp(verb, "unpause"))
		return cmd_domain_op(argc, argv, keelctl_domain_unpause);
	if (!strcmp(verb, "shutdown"))
		return cmd_shutdown(argc, argv, KEEL_SHUTDOWN_poweroff);
	if (!strcmp(verb, "reboot"))
		return cmd_shutdown(argc, argv, KEEL_SHUTDOWN_reboot);
	if (!strcmp(verb, "top"))
		return cmd_top(argc, argv);
	if (!strcmp(verb, "vcpu-list"))
		return cmd_vcpu_list(argc, argv);
	if (!strcmp(verb, "domid"))
		return cmd_domid(argc, argv, false);
	if (!strcmp(verb, "domname"))
		return cmd_domid(argc, argv, true);
	if (!strcmp(verb, "info"))
		return cmd_info(argc, argv);
	if (!strcmp(verb, "dmesg"))
		return cmd_dmesg(argc, argv);
	if (!strcmp(verb, "console"))
		return cmd_console(argc, argv);
	return error_exit(2, "unknown command '%s' (pvctl help lists them)",
			  verb);
}
