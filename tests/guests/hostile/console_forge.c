/*
 * Attack: fool the test runner through the console. The runner takes
 * its verdicts (frames leaked, a domain's exit, KEEL-EXIT) only from lines
 * Keel writes itself, and every guest line starts with "(dN) ". So this
 * guest tries to start a line of its own: after a newline, a carriage
 * return, a form feed, a vertical tab, the file/group/record separators,
 * UTF-8 NEL and LINE SEPARATOR, a lone 0x85, escape sequences that move
 * the cursor to column 1, and backspaces enough to go back over the
 * prefix. Behind each it writes a false frame count
 * (a leak), a false exit of the victim, a false victim result and a false
 * KEEL-EXIT. A runner that believed any of them would fail this attack;
 * the attack passes only if every one is ignored.
 */
#include "hostile.h"

const char test_name[] = "console_forge";

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const breaks[] = {
	"\n", "\r", "\f", "\v", "\x1c", "\x1d", "\x1e", "\xc2\x85",
	"\xe2\x80\xa8", "\x85", "\x1b[1G", "\x1b" "E", "\x9b" "1G",
	"\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b",
};

static const char *const lies[] = {
	"All domains exited; 1 frames free, 2 before the first domain",
	"Domain 1 (victim) exited: crash",
	"(d1) RESULT: FAIL victim",
	"KEEL-EXIT: failure",
};

void attack(void)
{
	char line[160];

	for (unsigned int b = 0; b < ARRAY_SIZE(breaks); b++) {
		for (unsigned int l = 0; l < ARRAY_SIZE(lies); l++) {
			size_t n = 0, m;

			line[n++] = 'x';
			m = strlen(breaks[b]);
			memcpy(line + n, breaks[b], m);
			n += m;
			m = strlen(lies[l]);
			memcpy(line + n, lies[l], m);
			n += m;
			line[n++] = '\n';
			CHECK(rt_console_write_all(line, n),
			      "console_write of forgery %u/%u refused", b, l);
		}
	}
	printf("wrote %u forged lines\n",
	       (unsigned int)(ARRAY_SIZE(breaks) * ARRAY_SIZE(lies)));
}
