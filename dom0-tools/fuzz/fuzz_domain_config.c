/*
 * libFuzzer target for pvctl's domain configuration parser: any bytes as
 * a configuration file. The parser must return 0 or -1 with a one-line
 * message, and never read or write out of bounds (AddressSanitizer and
 * UndefinedBehaviorSanitizer watch).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct domain_config cfg;
	char error[DOMAIN_CONFIG_ERROR_MAX];
	char options[256];

	domain_config_init(&cfg);
	int rc = domain_config_parse(&cfg, (const char *)data, size,
				     "fuzz.cfg", 1, error);
	if (rc == 0)
		rc = domain_config_finish(&cfg, "fuzz.cfg", error);
	if (rc == 0 &&
	    domain_config_builder_options(&cfg, options, sizeof(options),
					  error) < 0)
		rc = -1;
	/* A failure says why, on one line. */
	if (rc != 0 && (!error[0] || strchr(error, '\n')))
		abort();
	if (rc != 0 && rc != -1)
		abort();
	return 0;
}
