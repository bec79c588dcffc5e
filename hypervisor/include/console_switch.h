/*
 * The console-input switch sequence (common/console_switch.c).
 *
 * Keel's serial input goes to one domain at a time, the focus. Typing the
 * switch key (Ctrl-T by default, `conswitch=`) three times in a row moves
 * the focus on. The first two presses are held back: if anything else
 * follows, they are delivered after all, in order, before it; if a third
 * press follows, all three are swallowed and the focus moves. So a
 * single Ctrl-T, or two, still reach the domain (with the next key).
 * Pure logic, unit-tested on the host.
 */
#ifndef KEEL_CONSOLE_SWITCH_H
#define KEEL_CONSOLE_SWITCH_H

#include "types.h"

#define CONSOLE_SWITCH_PRESSES 3

struct console_switch {
	char key;		/* the control character, e.g. 0x14 (Ctrl-T) */
	unsigned int held;	/* presses held back so far */
};

/* The control character for letter @letter ('a'-'z' or 'A'-'Z'), or 0. */
char console_switch_key(char letter);

/*
 * Feed one input byte. Writes the bytes to deliver now to @out (at most
 * CONSOLE_SWITCH_PRESSES) and returns how many; sets *@switch_focus when
 * this byte completed the sequence.
 */
unsigned int console_switch_feed(struct console_switch *cs, char c,
				 char out[CONSOLE_SWITCH_PRESSES],
				 bool *switch_focus);

#endif
