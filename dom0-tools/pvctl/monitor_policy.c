/* pvctl's on_* policies and restart bound (monitor_policy.h). */
#include <keel/sched.h>

#include "monitor_policy.h"

enum domain_config_action monitor_action(const struct domain_config *cfg,
					 uint32_t reason)
{
	switch (reason) {
	case KEEL_SHUTDOWN_poweroff:
		return cfg->on_poweroff;
	case KEEL_SHUTDOWN_reboot:
		return cfg->on_reboot;
	default:
		return cfg->on_crash;
	}
}

bool restart_limiter_allow(struct restart_limiter *l, uint64_t now_ms)
{
	unsigned int slot = l->count % MONITOR_RESTARTS_MAX;

	/* The slot holds the restart MONITOR_RESTARTS_MAX ago: if that was
	 * within the window, this one would be one too many. */
	if (l->count >= MONITOR_RESTARTS_MAX &&
	    now_ms - l->at_ms[slot] < MONITOR_RESTART_WINDOW_MS)
		return false;
	l->at_ms[slot] = now_ms;
	l->count++;
	return true;
}
