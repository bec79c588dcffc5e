/*
 * What pvctl's domain monitor does when its domain shuts down: the
 * config's on_poweroff, on_reboot or on_crash action, and a bound on
 * restarts, so that a domain that crashes as it boots is not restarted
 * for ever. Pure logic, for the unit tests; monitor.c acts on it.
 */
#ifndef PVCTL_MONITOR_POLICY_H
#define PVCTL_MONITOR_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "domain_config.h"

/* At most this many restarts within any window of this length. */
#define MONITOR_RESTARTS_MAX      5
#define MONITOR_RESTART_WINDOW_MS 60000

/* The action for a shutdown with KEEL_SHUTDOWN_@reason; a reason Keel
 * may add later counts as a crash. */
enum domain_config_action monitor_action(const struct domain_config *cfg,
					 uint32_t reason);

struct restart_limiter {
	uint64_t at_ms[MONITOR_RESTARTS_MAX];	/* the last restarts, a ring */
	unsigned int count;			/* restarts so far */
};

/* Whether a restart at @now_ms stays within the bound; if so, it is
 * recorded. */
bool restart_limiter_allow(struct restart_limiter *l, uint64_t now_ms);

#endif
