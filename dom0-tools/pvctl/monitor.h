/*
 * pvctl's domain monitor: a detached process per domain that pvctl
 * create leaves behind, as xl does. pvctl builds every domain with
 * keep_on_shutdown=1, so Keel keeps a domain that shuts down until a
 * control domain destroys it; the monitor then applies the config's
 * on_poweroff, on_reboot or on_crash action (monitor_policy.h):
 *  - destroy:  destroy it, wait until its memory is back, and exit;
 *  - restart:  the same, then build it again from the same images and
 *              options and go on watching, at most MONITOR_RESTARTS_MAX
 *              times in MONITOR_RESTART_WINDOW_MS (past that: destroy);
 *  - preserve: leave it shut down, listed with its memory, for the
 *              operator's pvctl destroy, and exit.
 * It serves the domain's PV console with a console server
 * (console_server.h), and logs what it does to
 * /var/log/keel/pvctl-NAME.log, and holds a lock
 * on /run/keel/pvctl-NAME.lock while it watches or acts, so that pvctl
 * shutdown -w and reboot -w can tell "preserved" from "not acted on yet".
 */
#ifndef PVCTL_MONITOR_H
#define PVCTL_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain_config.h"

#define MONITOR_LOG_DIR  "/var/log/keel"
#define MONITOR_LOCK_DIR "/run/keel"

/* What the monitor rebuilds a restarted domain from (the images only if
 * some action is restart: otherwise they are not kept). */
struct monitor_domain {
	const struct domain_config *cfg;
	const char *options;		/* keelctl_domain_create's */
	void *image;			/* malloc()ed, or NULL */
	size_t image_size;
	void *initrd;			/* malloc()ed, or NULL */
	size_t initrd_size;
};

struct keelctl;

/* Build the domain of @md, paused (keelctl_domain_create): 0 with its
 * id in @domid, or a negative errno. */
int monitor_build_domain(struct keelctl *h, const struct monitor_domain *md,
			 uint16_t *domid);

/* Take the lock of the domain called @name, before looking for one and
 * building it, so that no monitor restarting a domain of that name and
 * no other pvctl create can build one meanwhile: an fd to keep open, or
 * -EBUSY if a monitor still holds it after a few seconds. */
int monitor_lock(const char *name);

/* Start the monitor of domain @domid, built and still paused, detached
 * (its own session, its parent init), with @lock (monitor_lock()), and
 * return once it is ready and the domain's console is served: 0, or a
 * negative errno (then no monitor runs, and the caller destroys the
 * domain). The caller then starts the domain, and closes its @lock
 * either way. */
int monitor_start(const struct monitor_domain *md, uint16_t domid,
		  int lock);

/* Whether a monitor holds the lock of the domain called @name. */
bool monitor_running(const char *name);

#endif
