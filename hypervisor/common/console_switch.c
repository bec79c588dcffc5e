/* The console-input switch sequence; see console_switch.h. */
#include <console_switch.h>

char console_switch_key(char letter)
{
	if (letter >= 'a' && letter <= 'z')
		return (char)(letter - 'a' + 1);
	if (letter >= 'A' && letter <= 'Z')
		return (char)(letter - 'A' + 1);
	return 0;
}

unsigned int console_switch_feed(struct console_switch *cs, char c,
				 char out[CONSOLE_SWITCH_PRESSES],
				 bool *switch_focus)
{
	unsigned int n = 0;

	*switch_focus = false;
	if (cs->key && c == cs->key) {
		if (++cs->held < CONSOLE_SWITCH_PRESSES)
			return 0;
		cs->held = 0;
		*switch_focus = true;
		return 0;
	}
	/* Something else: the held presses were meant for the domain. */
	while (cs->held) {
		out[n++] = cs->key;
		cs->held--;
	}
	out[n++] = c;
	return n;
}
