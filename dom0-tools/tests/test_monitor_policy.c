/*
 * Check tests for pvctl's on_* policies and restart bound
 * (dom0-tools/pvctl/monitor_policy.c); tools_main.c runs them.
 */
#include <check.h>
#include <string.h>

#include <keel/sched.h>

#include "monitor_policy.h"

START_TEST(test_action_per_reason)
{
	struct domain_config cfg;

	domain_config_init(&cfg);
	/* xl's defaults. */
	ck_assert_int_eq(monitor_action(&cfg, KEEL_SHUTDOWN_poweroff),
			 DOMAIN_ACTION_DESTROY);
	ck_assert_int_eq(monitor_action(&cfg, KEEL_SHUTDOWN_reboot),
			 DOMAIN_ACTION_RESTART);
	ck_assert_int_eq(monitor_action(&cfg, KEEL_SHUTDOWN_crash),
			 DOMAIN_ACTION_DESTROY);
	cfg.on_poweroff = DOMAIN_ACTION_PRESERVE;
	cfg.on_reboot = DOMAIN_ACTION_DESTROY;
	cfg.on_crash = DOMAIN_ACTION_RESTART;
	ck_assert_int_eq(monitor_action(&cfg, KEEL_SHUTDOWN_poweroff),
			 DOMAIN_ACTION_PRESERVE);
	ck_assert_int_eq(monitor_action(&cfg, KEEL_SHUTDOWN_reboot),
			 DOMAIN_ACTION_DESTROY);
	ck_assert_int_eq(monitor_action(&cfg, KEEL_SHUTDOWN_crash),
			 DOMAIN_ACTION_RESTART);
	/* A reason this pvctl does not know is a crash. */
	ck_assert_int_eq(monitor_action(&cfg, 77), DOMAIN_ACTION_RESTART);
}
END_TEST

START_TEST(test_restart_bound)
{
	struct restart_limiter l;
	uint64_t t = 1000000;

	memset(&l, 0, sizeof(l));
	/* MAX restarts in quick succession pass; the next does not. */
	for (unsigned int i = 0; i < MONITOR_RESTARTS_MAX; i++)
		ck_assert(restart_limiter_allow(&l, t + i * 100));
	ck_assert(!restart_limiter_allow(&l, t + MONITOR_RESTARTS_MAX * 100));
	/* A refusal is not counted as a restart. */
	ck_assert_uint_eq(l.count, MONITOR_RESTARTS_MAX);
	/* Once the first has left the window, one more may go. */
	ck_assert(!restart_limiter_allow(&l, t + MONITOR_RESTART_WINDOW_MS - 1));
	ck_assert(restart_limiter_allow(&l, t + MONITOR_RESTART_WINDOW_MS));
	ck_assert(!restart_limiter_allow(&l, t + MONITOR_RESTART_WINDOW_MS + 1));
}
END_TEST

START_TEST(test_restart_steady_rate)
{
	struct restart_limiter l;

	memset(&l, 0, sizeof(l));
	/* One restart every window / MAX, for ever: always within. */
	for (unsigned int i = 0; i < 100; i++)
		ck_assert(restart_limiter_allow(&l, (uint64_t)i *
				MONITOR_RESTART_WINDOW_MS / MONITOR_RESTARTS_MAX));
	/* One every window / MAX - 1 ms: refused before long. */
	memset(&l, 0, sizeof(l));
	unsigned int i = 0;
	while (restart_limiter_allow(&l, (uint64_t)i *
			(MONITOR_RESTART_WINDOW_MS / MONITOR_RESTARTS_MAX - 1)))
		i++;
	ck_assert_uint_eq(i, MONITOR_RESTARTS_MAX);
}
END_TEST

Suite *monitor_policy_suite(void)
{
	Suite *s = suite_create("monitor_policy");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_action_per_reason);
	tcase_add_test(tc, test_restart_bound);
	tcase_add_test(tc, test_restart_steady_rate);
	suite_add_tcase(s, tc);
	return s;
}
