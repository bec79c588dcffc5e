/*
 * A domain's console line under construction (common/console_line.c).
 *
 * Guest text reaches the hypervisor log only in lines that Keel itself
 * prefixes with "(dN) ". For that prefix to mean something, a guest must
 * not be able to start a line of its own, or to overwrite the prefix:
 * console_line_put() keeps only printable ASCII, tab and backspace, ends
 * a line at a newline, drops carriage returns and escape sequences (ESC
 * and the next byte, or ESC [ with parameters and a final byte: what an
 * interactive shell sends to move the cursor or ask where it is), and
 * turns every other byte into '?'. That covers the C0 controls (escape sequences, form and line
 * feeds), DEL, and every byte of 0x80 and above, so no decoder reading
 * the log as UTF-8 or Latin-1 finds a line break (NEL, U+2028) or a C1
 * control (CSI) in guest text either. Backspace is kept for an
 * interactive shell's line editing, and console_line_render() lets it
 * erase only the domain's own characters, never move back over the
 * prefix.
 */
#ifndef KEEL_CONSOLE_LINE_H
#define KEEL_CONSOLE_LINE_H

#include "types.h"

#define CONSOLE_LINE_MAX 128
/* Bytes after which an unfinished escape sequence is given up, and what
 * follows is text again. */
#define CONSOLE_ESCAPE_MAX 16

enum console_escape {
	CONSOLE_ESCAPE_NONE,
	CONSOLE_ESCAPE_START,	/* after ESC */
	CONSOLE_ESCAPE_CSI,	/* after ESC [ */
};

struct console_line {
	char text[CONSOLE_LINE_MAX];
	unsigned int len;
	enum console_escape escape;	/* carries over to the next line */
	unsigned int escape_len;
};

/* Add guest byte @c. Returns true when @line now holds a complete line
 * (ended by a newline, which is not stored, or full): the caller logs
 * text[0..len) and calls console_line_clear(). */
bool console_line_put(struct console_line *line, char c);

/* Whether console_line_put(@line, @c) would drop @c as part of an
 * escape sequence. */
bool console_line_escape_swallows(const struct console_line *line, char c);

/* Whether console_line_put(@line, @c) would complete a line. */
static inline bool console_line_completes(const struct console_line *line,
					  char c)
{
	return c == '\n' || (c != '\r' &&
			      !console_line_escape_swallows(line, c) &&
			      line->len + 1 == CONSOLE_LINE_MAX);
}

static inline void console_line_clear(struct console_line *line)
{
	line->len = 0;
}

/* Copy @n bytes of a domain's line text into @out (room for @n) for
 * display, where *@column of the domain's characters are on the open line
 * after its prefix: each byte but a backspace adds one, and a backspace
 * is kept only while there is one to erase. Returns the bytes written. */
size_t console_line_render(const char *text, size_t n, unsigned int *column,
			   char *out);

#endif
