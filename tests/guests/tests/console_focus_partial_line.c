/* keel-test: group=console_partial privileged=1 */
/*
 * The console-input focus sees its unfinished line (ABI 1.2). This
 * control domain boots alone, as domain 0, so it has the focus: a prompt
 * it writes without a newline must reach the log within a bounded time,
 * and the rest of the line must follow it on the same log line, with no
 * second prefix. Backspaces are kept while they erase our own
 * characters, and no further.
 */
#include <format.h>
#include "keeltest.h"

const char test_name[] = "console_focus_partial_line";

static char logbuf[64 * 1024];
static size_t loglen;

/* The whole log, from its start. */
static void read_log(void)
{
	loglen = rt_log_read_all(logbuf, sizeof(logbuf));
}

static const char *log_find(const char *s, size_t m)
{
	for (size_t i = 0; i + m <= loglen; i++)
		if (!memcmp(logbuf + i, s, m))
			return logbuf + i;
	return NULL;
}

/* Wait (at most 10 s) until the log holds @s. */
static const char *wait_for(const char *s, size_t m)
{
	uint64_t deadline = rt_now_ns() + 10 * 1000000000ULL;
	const char *at;

	do {
		read_log();
		at = log_find(s, m);
		if (at)
			return at;
		rt_yield();
	} while (rt_now_ns() < deadline);
	return NULL;
}

static void wr(const char *s)
{
	long rc = keel_hypercall_console_write((unsigned long)s, strlen(s));

	CHECK_EQ(rc, (long)strlen(s));
}

void test_main(void)
{
	char want[256];
	int plen;

	plen = format_string(want, sizeof(want), "(d%u) ", rt_boot.domid);
	CHECK_EQ(rt_boot.domid, 0);

	/* A prompt, with no newline: it shows anyway. */
	wr("prompt-1729> ");
	memcpy(want + plen, "prompt-1729> ", 13);
	const char *at = wait_for(want, plen + 13);
	CHECK(at, "the unfinished line never reached the log");
	CHECK(at + plen + 13 == logbuf + loglen,
	      "something follows the unfinished line in the log");

	/* What the domain writes next continues that line. */
	wr("typed\n");
	memcpy(want + plen, "prompt-1729> typed\n", 19);
	CHECK(wait_for(want, plen + 19), "the rest of the line did not follow "
	      "on the same log line");
	printf("an unfinished line of the focus shows, and its rest follows\n");

	/* Two of our characters to erase, four backspaces: two kept. */
	wr("ab\b\b\b\bc\n");
	memcpy(want + plen, "ab\b\bc\n", 6);
	CHECK(wait_for(want, plen + 6), "backspaces not limited to our text");
	printf("backspaces erase our own characters only\n");

	/* 200 characters in two unfinished parts, shown as they come:
	 * still at most 128 of them on one console line. */
	static char part[101];
	char want2[160];
	for (int i = 0; i < 100; i++)
		part[i] = (char)('A' + i % 26);
	wr(part);
	memcpy(want + plen, part, 20);
	CHECK(wait_for(want, plen + 20), "the first part did not show");
	wr(part);
	memcpy(want2, part + 28, 72);
	memcpy(want2 + 72, "\n", 1);
	wr("\n");
	memcpy(want + plen, part, 100);
	memcpy(want + plen + 100, part, 28);
	memcpy(want + plen + 128, "\n", 1);
	CHECK(wait_for(want, plen + 129), "no 128-character first line");
	memcpy(want + plen, want2, 73);
	CHECK(wait_for(want, plen + 73), "the rest not on a prefixed line");
	printf("a line shown in parts is still split at 128 characters\n");
}
