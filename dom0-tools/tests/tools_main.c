/*
 * The host-side Check tests of dom0-tools: the configuration parser's
 * suite (test_domain_config.c) and libkeelctl's (test_keelctl.c). Prints
 * "tools: N passed, N failed" last and exits non-zero when one failed.
 */
#include <check.h>

#include "../../tests/check_summary.h"

Suite *domain_config_suite(void);
Suite *keelctl_suite(void);

int main(void)
{
	SRunner *sr = srunner_create(domain_config_suite());

	srunner_add_suite(sr, keelctl_suite());
	return check_run_and_summarize(sr, "tools");
}
