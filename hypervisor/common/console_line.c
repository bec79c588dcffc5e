/* Guest console bytes to log lines; see console_line.h. */
#include <console_line.h>

bool console_line_put(struct console_line *line, char c)
{
	unsigned char u = (unsigned char)c;

	if (c == '\n')
		return true;
	if (c == '\r')
		return false;
	if ((u < 0x20 && c != '\t') || u >= 0x7f)
		c = '?';
	line->text[line->len++] = c;
	return line->len == CONSOLE_LINE_MAX;
}
