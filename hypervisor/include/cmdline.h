/* Hypervisor command-line parsing (common/cmdline.c).
 *
 * The command line is a list of words separated by spaces. A word is either
 * `name=value` or a bare `name` (a boolean set to true; `no-name` sets it to
 * false). Each option is declared with one of the OPTION_* macros, which
 * put a descriptor into the .keel.options section. */
#ifndef KEEL_CMDLINE_H
#define KEEL_CMDLINE_H

#include "types.h"

enum option_type {
	OPTION_BOOL,
	OPTION_UINT,	/* decimal or 0x hex */
	OPTION_SIZE,	/* a number with an optional K, M, G or T suffix */
	OPTION_STRING,	/* copied into a fixed buffer */
};

struct option {
	const char *name;
	enum option_type type;
	void *var;
	size_t var_size;	/* buffer size for OPTION_STRING */
};

#define OPTION_DECLARE(_name, _type, _var, _size)                           \
	static const struct option __option_##_var                          \
	__attribute__((used, section(".keel.options"), aligned(8))) =       \
		{ _name, _type, &(_var), _size }

#define OPTION_BOOL(name, var)   OPTION_DECLARE(name, OPTION_BOOL, var, sizeof(var))
#define OPTION_UINT(name, var)   OPTION_DECLARE(name, OPTION_UINT, var, sizeof(var))
#define OPTION_SIZE(name, var)   OPTION_DECLARE(name, OPTION_SIZE, var, sizeof(var))
#define OPTION_STRING(name, var) OPTION_DECLARE(name, OPTION_STRING, var, sizeof(var))

/* Report for one word that could not be applied. */
typedef void (*cmdline_error_fn)(const char *word, size_t word_len,
				 const char *why);

/* Apply every word of @cmdline to the options in [@first, @last). Unknown
 * options and malformed values are reported through @error and skipped.
 * Returns the number of words that were rejected. */
int cmdline_parse(const char *cmdline, const struct option *first,
		  const struct option *last, cmdline_error_fn error);

/* Parse a number with an optional size suffix. Returns 0 or -EINVAL. */
int parse_size(const char *s, size_t len, uint64_t *out, bool allow_suffix);

#endif
