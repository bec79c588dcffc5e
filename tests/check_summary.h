/*
 * The end of every Check test program here: run the suites, print
 * "NAME: N passed, N failed" last, and exit non-zero if a test failed.
 */
#ifndef TESTS_CHECK_SUMMARY_H
#define TESTS_CHECK_SUMMARY_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static inline int check_run_and_summarize(SRunner *sr, const char *name)
{
	/* CK_ENV: Check's normal output unless CK_VERBOSITY says otherwise;
	 * the fork mode is Check's default (CK_FORK) unless CK_FORK=no. */
	srunner_run_all(sr, CK_ENV);
	int run = srunner_ntests_run(sr);
	int failed = srunner_ntests_failed(sr);

	srunner_free(sr);
	fflush(stdout);
	printf("%s: %d passed, %d failed\n", name, run - failed, failed);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
