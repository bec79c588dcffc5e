/*
 * A domain's console line under construction (common/console_line.c).
 *
 * Guest text reaches the hypervisor log only as whole lines that Keel
 * itself prefixes with "(dN) ". For that prefix to mean something, a guest
 * must not be able to start a line of its own: console_line_put() keeps
 * only printable ASCII and tab, ends a line at a newline, drops carriage
 * returns and turns every other byte into '?'. That covers the C0 controls
 * (escape sequences, form and line feeds), DEL, and every byte of 0x80 and
 * above, so no decoder reading the log as UTF-8 or Latin-1 finds a line
 * break (NEL, U+2028) or a C1 control (CSI) in guest text either.
 */
#ifndef KEEL_CONSOLE_LINE_H
#define KEEL_CONSOLE_LINE_H

#include "types.h"

#define CONSOLE_LINE_MAX 128

struct console_line {
	char text[CONSOLE_LINE_MAX];
	unsigned int len;
};

/* Add guest byte @c. Returns true when @line now holds a complete line
 * (ended by a newline, which is not stored, or full): the caller logs
 * text[0..len) and calls console_line_clear(). */
bool console_line_put(struct console_line *line, char c);

/* Whether console_line_put(@line, @c) would complete a line. */
static inline bool console_line_completes(const struct console_line *line,
					  char c)
{
	return c == '\n' || (c != '\r' && line->len + 1 == CONSOLE_LINE_MAX);
}

static inline void console_line_clear(struct console_line *line)
{
	line->len = 0;
}

#endif
