/* Guest console bytes to log lines; see console_line.h. */
#include <console_line.h>

#define ESC '\x1b'

bool console_line_escape_swallows(const struct console_line *line, char c)
{
	unsigned char u = (unsigned char)c;

	switch (line->escape) {
	case CONSOLE_ESCAPE_NONE:
		return c == ESC;
	case CONSOLE_ESCAPE_START:	/* ESC x, or ESC [ for a CSI */
		return u >= 0x20 && u < 0x7f;
	default:			/* parameters, then a final byte */
		return u >= 0x20 && u < 0x7f &&
		       line->escape_len < CONSOLE_ESCAPE_MAX;
	}
}

/* Advance the escape state past @c, which it swallows. */
static void escape_advance(struct console_line *line, char c)
{
	unsigned char u = (unsigned char)c;

	line->escape_len++;
	switch (line->escape) {
	case CONSOLE_ESCAPE_NONE:
		line->escape = CONSOLE_ESCAPE_START;
		line->escape_len = 1;
		break;
	case CONSOLE_ESCAPE_START:
		line->escape = c == '[' ? CONSOLE_ESCAPE_CSI :
					  CONSOLE_ESCAPE_NONE;
		break;
	default:
		if (u >= 0x40)		/* the final byte */
			line->escape = CONSOLE_ESCAPE_NONE;
		break;
	}
}

bool console_line_put(struct console_line *line, char c)
{
	unsigned char u = (unsigned char)c;

	if (console_line_escape_swallows(line, c)) {
		escape_advance(line, c);
		return false;
	}
	/* Anything else ends an unfinished escape sequence, and counts. */
	line->escape = CONSOLE_ESCAPE_NONE;
	if (c == '\n')
		return true;
	if (c == '\r')
		return false;
	if ((u < 0x20 && c != '\t' && c != '\b') || u >= 0x7f)
		c = '?';
	line->text[line->len++] = c;
	return line->len == CONSOLE_LINE_MAX;
}

size_t console_line_render(const char *text, size_t n, unsigned int *column,
			   char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (text[i] != '\b') {
			out[o++] = text[i];
			(*column)++;
		} else if (*column) {
			out[o++] = '\b';
			(*column)--;
		}
	}
	return o;
}
