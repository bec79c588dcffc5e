/*
 * The host-side Check tests of dom0-tools: the configuration parser's
 * suite (test_domain_config.c), libkeelctl's (test_keelctl.c) and the
 * on_* policies' (test_monitor_policy.c) and the console ring's backend
 * side (test_console_ring.c). Prints
 * "tools: N passed, N failed" last and exits non-zero when one failed.
 */
#include <check.h>

#include "../../tests/check_summary.h"

Suite *domain_config_suite(void);
Suite *keelctl_suite(void);
Suite *monitor_policy_suite(void);
Suite *console_ring_suite(void);

int main(void)
{
	SRunner *sr = srunner_create(domain_config_suite());

	srunner_add_suite(sr, keelctl_suite());
	srunner_add_suite(sr, monitor_policy_suite());
	srunner_add_suite(sr, console_ring_suite());
	return check_run_and_summarize(sr, "tools");
}
