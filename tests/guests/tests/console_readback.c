/* keel-test: privileged=1 */
/* What console_write puts in the hypervisor log, read back with
 * console_read: "(dN) " lines, 128-character line splitting, control
 * characters replaced by '?', CR dropped, tab kept, and text without a
 * newline held back until one arrives. */
#include <format.h>
#include "keeltest.h"

const char test_name[] = "console_readback";

static char logbuf[64 * 1024];
static size_t loglen;
static uint64_t logpos;

static void wr(const char *s, size_t n)
{
	long rc = keel_hypercall_console_write((unsigned long)s, n);

	CHECK_EQ(rc, n);
}

/* Read everything logged since the last call. */
static void read_new(void)
{
	static char chunk[4096];

	loglen = 0;
	for (int i = 0; i < 100; i++) {
		long rc = keel_hypercall_console_read((unsigned long)chunk,
						      sizeof(chunk),
						      (unsigned long)&logpos);
		CHECK(rc >= 0, "console_read = %ld", rc);
		if (rc <= 0)
			break;
		size_t n = (size_t)rc;
		if (loglen + n > sizeof(logbuf))
			n = sizeof(logbuf) - loglen;
		memcpy(logbuf + loglen, chunk, n);
		loglen += n;
	}
}

/* Is @line (without its newline) a whole line of what read_new got?
 * Lines in the log start with a "[    s.micros] " time stamp. */
static bool has_line(const char *line, size_t m)
{
	for (size_t i = 2; i + m < loglen + 1; i++) {
		if (logbuf[i - 1] == ' ' && logbuf[i - 2] == ']' &&
		    !memcmp(logbuf + i, line, m) &&
		    (i + m == loglen || logbuf[i + m] == '\n'))
			return true;
	}
	return false;
}

static bool contains(const char *s, size_t m)
{
	for (size_t i = 0; i + m <= loglen; i++)
		if (!memcmp(logbuf + i, s, m))
			return true;
	return false;
}

void test_main(void)
{
	char prefix[16], want[300];
	int plen = format_string(prefix, sizeof(prefix), "(d%u) ",
				 rt_boot.domid);

	read_new();	/* skip what is already there */

	/* 200 characters: a line of 128, then one of 72. */
	static char line[201];
	for (int i = 0; i < 200; i++)
		line[i] = (char)('A' + i % 26);
	line[200] = '\n';
	wr(line, sizeof(line));
	read_new();
	memcpy(want, prefix, plen);
	memcpy(want + plen, line, 128);
	CHECK(has_line(want, plen + 128), "no 128-character first line");
	memcpy(want + plen, line + 128, 72);
	CHECK(has_line(want, plen + 72), "no 72-character second line");
	memcpy(want + plen, line, 200);
	CHECK(!contains(want, plen + 129), "200-character line not split");
	printf("200-character line logged as 128 + 72\n");

	/* Control characters. */
	static const char ctl[] = "ctl:\a|\x1b|\0|\t|\r|\b|\x7f|end\n";
	static const char ctl_want[] = "ctl:?|?|?|\t||?|\x7f|end";
	wr(ctl, sizeof(ctl) - 1);
	read_new();
	memcpy(want + plen, ctl_want, sizeof(ctl_want) - 1);
	CHECK(has_line(want, plen + sizeof(ctl_want) - 1),
	      "control characters not logged as \"ctl:?|?|?|<tab>||?|<del>|end\"");
	printf("control characters: '?', CR dropped, tab and DEL kept\n");

	/* Text without a newline waits for one. */
	static const char part1[] = "held back until the newline: ";
	static const char part2[] = "here\n";
	wr(part1, sizeof(part1) - 1);
	read_new();
	CHECK(!contains(part1, sizeof(part1) - 1),
	      "text without a newline was logged at once");
	wr(part2, sizeof(part2) - 1);
	read_new();
	int n = format_string(want, sizeof(want), "%s%s%s", prefix, part1,
			      "here");
	CHECK(has_line(want, n), "joined line not found");
	printf("partial line held until its newline\n");

	/* Exactly 128 characters: one full line. */
	static char full[129];
	for (int i = 0; i < 128; i++)
		full[i] = (char)('a' + i % 26);
	full[128] = '\n';
	wr(full, sizeof(full));
	read_new();
	memcpy(want + plen, full, 128);
	CHECK(has_line(want, plen + 128), "128-character line missing");
	printf("128-character line logged\n");
}
